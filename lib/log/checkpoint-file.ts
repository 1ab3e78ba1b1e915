/**
 * Kafka's `CheckpointFile`: a small text file, version on the first line, entry count on the
 * second, then one entry per line, written atomically (write `<file>.tmp`, fsync, rename over the
 * original, fsync the directory). Used for recovery-point-offset-checkpoint,
 * replication-offset-checkpoint, log-start-offset-checkpoint, cleaner-offset-checkpoint
 * (entries `topic partition offset`) and each partition's leader-epoch-checkpoint
 * (entries `epoch startOffset`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { KafkaStorageError } from '../protocol/errors.js';
import type { TopicPartition } from '../common/topic-partition.js';

export const RECOVERY_POINT_CHECKPOINT_FILE = 'recovery-point-offset-checkpoint';
export const REPLICATION_OFFSET_CHECKPOINT_FILE = 'replication-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT_FILE = 'log-start-offset-checkpoint';
export const CLEANER_OFFSET_CHECKPOINT_FILE = 'cleaner-offset-checkpoint';
export const LEADER_EPOCH_CHECKPOINT_FILE = 'leader-epoch-checkpoint';

export const CHECKPOINT_VERSION = 0;

/** Writes `lines` in the checkpoint format, atomically. */
export function writeCheckpoint(file: string, version: number, lines: string[]): void {
  const tmp = `${file}.tmp`;
  const text = `${version}\n${lines.length}\n${lines.map((l) => `${l}\n`).join('')}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  try {
    const dfd = fs.openSync(path.dirname(file), 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    /* some filesystems refuse directory fsync */
  }
}

/** Reads the entry lines; [] when the file is missing. Malformed files raise KafkaStorageError. */
export function readCheckpoint(file: string, expectedVersion: number): string[][] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const lines = text.split('\n');
  const malformed = (why: string): KafkaStorageError => new KafkaStorageError(`Malformed checkpoint file ${file}: ${why}`);
  if (lines[0]?.trim() !== String(expectedVersion)) throw malformed(`unexpected version ${lines[0]}`);
  const count = Number(lines[1]?.trim());
  if (!Number.isInteger(count) || count < 0) throw malformed(`bad entry count ${lines[1]}`);
  const out: string[][] = [];
  for (let i = 0; i < count; i++) {
    const line = lines[2 + i];
    if (line === undefined || line.trim() === '') throw malformed(`expected ${count} entries, found ${i}`);
    out.push(line.trim().split(/\s+/));
  }
  return out;
}

function parseOffset(s: string | undefined, file: string): bigint {
  if (s === undefined || !/^-?\d+$/.test(s)) throw new KafkaStorageError(`Malformed checkpoint file ${file}: bad offset ${s}`);
  return BigInt(s);
}

/** Kafka's OffsetCheckpointFile: `topic partition offset` per line. Keys are `<topic>-<partition>`. */
export class OffsetCheckpointFile {
  constructor(readonly file: string) {}

  write(offsets: Map<string, { tp: TopicPartition; offset: bigint }>): void {
    const lines = [...offsets.values()].map(({ tp, offset }) => `${tp.topic} ${tp.partition} ${offset}`);
    writeCheckpoint(this.file, CHECKPOINT_VERSION, lines);
  }

  /** Offsets keyed by `<topic>-<partition>`. */
  read(): Map<string, bigint> {
    const out = new Map<string, bigint>();
    for (const parts of readCheckpoint(this.file, CHECKPOINT_VERSION)) {
      if (parts.length !== 3 || !/^\d+$/.test(parts[1]!)) throw new KafkaStorageError(`Malformed checkpoint file ${this.file}: ${parts.join(' ')}`);
      out.set(`${parts[0]}-${parts[1]}`, parseOffset(parts[2], this.file));
    }
    return out;
  }
}

export interface EpochEntry {
  epoch: number;
  startOffset: bigint;
}

/** Kafka's LeaderEpochCheckpointFile: `epoch startOffset` per line. */
export class LeaderEpochCheckpointFile {
  constructor(readonly file: string) {}

  write(entries: readonly EpochEntry[]): void {
    writeCheckpoint(this.file, CHECKPOINT_VERSION, entries.map((e) => `${e.epoch} ${e.startOffset}`));
  }

  read(): EpochEntry[] {
    return readCheckpoint(this.file, CHECKPOINT_VERSION).map((parts) => {
      if (parts.length !== 2 || !/^-?\d+$/.test(parts[0]!)) throw new KafkaStorageError(`Malformed checkpoint file ${this.file}: ${parts.join(' ')}`);
      return { epoch: Number(parts[0]), startOffset: parseOffset(parts[1], this.file) };
    });
  }
}
