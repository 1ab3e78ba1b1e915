/**
 * Kafka's ProducerStateManager + ProducerAppendInfo + ProducerStateEntry for one partition: the
 * idempotent/transactional producers seen in the log (KIP-98). Per producer id it keeps the
 * epoch, the metadata of its last 5 batches (sequence ranges and offsets, for duplicate
 * detection), the coordinator epoch of its last marker, and the first offset of its ongoing
 * transaction (for the last stable offset).
 *
 * Sequence rules (ProducerAppendInfo, Kafka 3.x): an epoch older than the producer's is
 * INVALID_PRODUCER_EPOCH (replication only warns); a new epoch must start at sequence 0; within an
 * epoch each batch's first sequence must follow the last one (wrapping at Int.MAX), else
 * OUT_OF_ORDER_SEQUENCE_NUMBER; a producer unknown here (never seen, or removed with its data)
 * may start at any sequence. A batch equal to one of the last 5 is a duplicate: the caller answers
 * with its original offsets and appends nothing. A marker with an older coordinator epoch is
 * TRANSACTION_COORDINATOR_FENCED.
 *
 * Snapshots (`<offset>.snapshot`, Kafka's format v1): int16 version, uint32 CRC-32C of the rest,
 * int32 count, then per producer: id int64, epoch int16, last sequence int32, last offset int64,
 * offset delta int32, timestamp int64, coordinator epoch int32, current txn first offset int64.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  InvalidProducerEpochError,
  InvalidTxnStateError,
  OutOfOrderSequenceNumberError,
  TransactionCoordinatorFencedError,
} from '../protocol/errors.js';
import { crc32c } from '../record/crc.js';
import { PRODUCER_SNAPSHOT_FILE_SUFFIX } from './log-file-utils.js';
import type { AppendOrigin } from '../record/log-validator.js';

/** A producer snapshot file that fails its checks (Kafka's CorruptSnapshotException). */
export class CorruptSnapshotError extends Error {
  override name = 'CorruptSnapshotError';
}

export const PRODUCER_SNAPSHOT_VERSION = 1;
/** ProducerStateEntry.NUM_BATCHES_TO_RETAIN. */
export const NUM_BATCHES_TO_RETAIN = 5;
const ENTRY_SIZE = 46;
const HEADER_SIZE = 10;
const INT32_MAX = 2147483647;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
  timestamp: number;
}

export interface ProducerStateEntry {
  producerId: bigint;
  producerEpoch: number;
  coordinatorEpoch: number;
  lastTimestamp: number;
  /** First offset of the producer's ongoing transaction, or -1. */
  currentTxnFirstOffset: number;
  batchMetadata: BatchMetadata[];
}

/** What the producer state needs from one v2 batch header (read without decoding records). */
export interface ProducerBatch {
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  /** lastOffsetDelta: the sequence range is [baseSequence, baseSequence + lastOffsetDelta]. */
  lastOffsetDelta: number;
  baseOffset: number;
  maxTimestamp: number;
  isTransactional: boolean;
  /** For control batches: 0 ABORT, 1 COMMIT, and the marker's coordinator epoch. */
  control?: { type: number; coordinatorEpoch: number };
}

/** A transaction ended by a marker (Kafka's CompletedTxn). */
export interface CompletedTxn {
  producerId: bigint;
  firstOffset: number;
  lastOffset: number;
  isAborted: boolean;
}

export function lastSeqOf(b: ProducerBatch): number {
  const s = b.baseSequence + b.lastOffsetDelta;
  return s > INT32_MAX ? s - INT32_MAX - 1 : s;
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

function emptyEntry(producerId: bigint): ProducerStateEntry {
  return { producerId, producerEpoch: -1, coordinatorEpoch: -1, lastTimestamp: -1, currentTxnFirstOffset: -1, batchMetadata: [] };
}

function copyEntry(e: ProducerStateEntry): ProducerStateEntry {
  return { ...e, batchMetadata: [...e.batchMetadata] };
}

export function snapshotFileName(offset: number): string {
  return `${String(offset).padStart(20, '0')}${PRODUCER_SNAPSHOT_FILE_SUFFIX}`;
}

export class ProducerStateManager {
  private producers = new Map<bigint, ProducerStateEntry>();
  /** Ongoing transactions by first offset (Kafka's ongoingTxns). */
  private ongoingTxns = new Map<bigint, number>();
  /** The offset up to which the state reflects the log. */
  mapEndOffset = 0;

  constructor(readonly dir: string) {}

  get activeProducers(): ReadonlyMap<bigint, ProducerStateEntry> {
    return this.producers;
  }

  /**
   * Kafka's removeExpiredProducers: forgets producers with no ongoing transaction whose last write is
   * at least producer.id.expiration.ms old; they are left out of the next snapshot. Returns how many.
   */
  removeExpiredProducers(now: number, expirationMs: number): number {
    let removed = 0;
    for (const [pid, e] of this.producers) {
      if (e.currentTxnFirstOffset < 0 && now - e.lastTimestamp >= expirationMs) {
        this.producers.delete(pid);
        removed++;
      }
    }
    return removed;
  }

  lastEntry(producerId: bigint): ProducerStateEntry | undefined {
    return this.producers.get(producerId);
  }

  /** The first offset of the oldest ongoing transaction, or undefined (Kafka's firstUnstableOffset). */
  firstUnstableOffset(): number | undefined {
    let min: number | undefined;
    for (const o of this.ongoingTxns.values()) if (min === undefined || o < min) min = o;
    return min;
  }

  /** The LSO to record with a completed transaction: the first other ongoing txn, or after it. */
  lastStableOffset(txn: CompletedTxn): number {
    let min: number | undefined;
    for (const [pid, o] of this.ongoingTxns) if (pid !== txn.producerId && (min === undefined || o < min)) min = o;
    return min ?? txn.lastOffset + 1;
  }

  /** The original offsets of `b` when it repeats one of the producer's last 5 batches. */
  findDuplicateBatch(b: ProducerBatch): BatchMetadata | undefined {
    const e = this.producers.get(b.producerId);
    if (!e || e.producerEpoch !== b.producerEpoch) return undefined;
    const last = lastSeqOf(b);
    return e.batchMetadata.find((m) => m.firstSeq === b.baseSequence && m.lastSeq === last);
  }

  /**
   * Validates `batches` (in order, offsets already assigned) against the state without changing
   * it; returns the entries to commit with `update` once appended. Throws the produce errors.
   */
  prepareUpdate(batches: ProducerBatch[], origin: AppendOrigin): { updated: Map<bigint, ProducerStateEntry>; completed: CompletedTxn[] } {
    const updated = new Map<bigint, ProducerStateEntry>();
    const completed: CompletedTxn[] = [];
    for (const b of batches) {
      if (b.producerId < 0n) continue;
      const current = this.producers.get(b.producerId);
      let next = updated.get(b.producerId);
      if (!next) {
        next = current ? copyEntry(current) : emptyEntry(b.producerId);
        next.batchMetadata = [];
        updated.set(b.producerId, next);
      }
      const base = current ?? emptyEntry(b.producerId);
      const lastOffset = b.baseOffset + b.lastOffsetDelta;
      if (b.control) {
        this.checkProducerEpoch(next, base, b, origin);
        const coordEpoch = next.producerEpoch === b.producerEpoch ? Math.max(next.coordinatorEpoch, base.coordinatorEpoch) : -1;
        if (origin !== 'replication' && coordEpoch > b.control.coordinatorEpoch) {
          throw new TransactionCoordinatorFencedError(`Invalid coordinator epoch ${b.control.coordinatorEpoch} (zombie coordinator); current ${coordEpoch}`);
        }
        const first = next.currentTxnFirstOffset >= 0 ? next.currentTxnFirstOffset : lastOffset;
        completed.push({ producerId: b.producerId, firstOffset: first, lastOffset, isAborted: b.control.type === 0 });
        next.producerEpoch = b.producerEpoch;
        next.coordinatorEpoch = b.control.coordinatorEpoch;
        next.currentTxnFirstOffset = -1;
        next.lastTimestamp = b.maxTimestamp;
        continue;
      }
      this.checkProducerEpoch(next, base, b, origin);
      if (origin === 'client') this.checkSequence(next, base, b);
      if (next.producerEpoch !== b.producerEpoch) {
        next.batchMetadata = [];
        next.coordinatorEpoch = -1;
        next.producerEpoch = b.producerEpoch;
      }
      next.batchMetadata.push({ firstSeq: b.baseSequence, lastSeq: lastSeqOf(b), firstOffset: b.baseOffset, lastOffset, timestamp: b.maxTimestamp });
      next.lastTimestamp = b.maxTimestamp;
      if (b.isTransactional) {
        if (next.currentTxnFirstOffset < 0) next.currentTxnFirstOffset = b.baseOffset;
      } else if (next.currentTxnFirstOffset >= 0 && origin !== 'replication') {
        throw new InvalidTxnStateError(`Expected transactional write from producer ${b.producerId} at offset ${b.baseOffset}`);
      }
    }
    return { updated, completed };
  }

  private checkProducerEpoch(next: ProducerStateEntry, base: ProducerStateEntry, b: ProducerBatch, origin: AppendOrigin): void {
    const current = Math.max(next.producerEpoch, base.producerEpoch);
    if (b.producerEpoch < current && origin !== 'replication') {
      throw new InvalidProducerEpochError(`Epoch of producer ${b.producerId} at offset ${b.baseOffset} is ${b.producerEpoch}, which is smaller than the last seen epoch ${current}`);
    }
  }

  private checkSequence(next: ProducerStateEntry, base: ProducerStateEntry, b: ProducerBatch): void {
    const epoch = next.batchMetadata.length > 0 ? next.producerEpoch : base.producerEpoch;
    if (b.producerEpoch !== epoch) {
      if (b.baseSequence !== 0 && epoch !== -1) {
        throw new OutOfOrderSequenceNumberError(`Invalid sequence number for new epoch of producer ${b.producerId} at offset ${b.baseOffset}: ${b.producerEpoch} (request epoch), ${b.baseSequence} (seq. number), ${epoch} (current producer epoch)`);
      }
      return;
    }
    const lastSeq = next.batchMetadata.length > 0
      ? next.batchMetadata[next.batchMetadata.length - 1]!.lastSeq
      : base.batchMetadata.length > 0 ? base.batchMetadata[base.batchMetadata.length - 1]!.lastSeq : -1;
    if (!(base.producerEpoch === -1 || inSequence(lastSeq, b.baseSequence))) {
      throw new OutOfOrderSequenceNumberError(`Out of order sequence number for producer ${b.producerId} at offset ${b.baseOffset}: ${b.baseSequence} (incoming seq. number), ${lastSeq} (current end sequence number)`);
    }
  }

  /** Commits prepared entries after the append (Kafka's update + completeTxn). */
  update(prepared: { updated: Map<bigint, ProducerStateEntry>; completed: CompletedTxn[] }, mapEndOffset: number): void {
    for (const [pid, next] of prepared.updated) {
      const current = this.producers.get(pid);
      const entry = current && current.producerEpoch === next.producerEpoch ? current : emptyEntry(pid);
      entry.producerEpoch = next.producerEpoch;
      entry.coordinatorEpoch = next.coordinatorEpoch;
      entry.lastTimestamp = next.lastTimestamp;
      entry.currentTxnFirstOffset = next.currentTxnFirstOffset;
      if (current !== entry) entry.batchMetadata = [];
      for (const m of next.batchMetadata) {
        entry.batchMetadata.push(m);
        if (entry.batchMetadata.length > NUM_BATCHES_TO_RETAIN) entry.batchMetadata.shift();
      }
      this.producers.set(pid, entry);
      if (entry.currentTxnFirstOffset >= 0) this.ongoingTxns.set(pid, entry.currentTxnFirstOffset);
      else this.ongoingTxns.delete(pid);
    }
    this.mapEndOffset = mapEndOffset;
  }

  /** Applies batches read back from the log (recovery, rebuild after truncation): no checks. */
  replay(batches: ProducerBatch[], mapEndOffset: number): CompletedTxn[] {
    const prepared = this.prepareUpdate(batches, 'replication');
    this.update(prepared, mapEndOffset);
    return prepared.completed;
  }

  reset(): void {
    this.producers.clear();
    this.ongoingTxns.clear();
    this.mapEndOffset = 0;
  }

  // ---- snapshots ----

  /** Offsets of the snapshot files in the directory, ascending. */
  listSnapshotOffsets(): number[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return [];
    }
    return names
      .filter((n) => /^\d{20}\.snapshot$/.test(n))
      .map((n) => Number(n.slice(0, 20)))
      .sort((a, b) => a - b);
  }

  /** Writes `<mapEndOffset>.snapshot` (Kafka's takeSnapshot): temp file, then rename. */
  takeSnapshot(): void {
    const entries = [...this.producers.values()].filter((e) => e.batchMetadata.length > 0 || e.currentTxnFirstOffset >= 0 || e.coordinatorEpoch >= 0);
    const buf = Buffer.alloc(HEADER_SIZE + ENTRY_SIZE * entries.length);
    buf.writeInt16BE(PRODUCER_SNAPSHOT_VERSION, 0);
    buf.writeInt32BE(entries.length, 6);
    let p = HEADER_SIZE;
    for (const e of entries) {
      const last = e.batchMetadata[e.batchMetadata.length - 1];
      buf.writeBigInt64BE(e.producerId, p);
      buf.writeInt16BE(e.producerEpoch, p + 8);
      buf.writeInt32BE(last?.lastSeq ?? -1, p + 10);
      buf.writeBigInt64BE(BigInt(last?.lastOffset ?? -1), p + 14);
      buf.writeInt32BE(last ? last.lastOffset - last.firstOffset : 0, p + 22);
      buf.writeBigInt64BE(BigInt(e.lastTimestamp), p + 26);
      buf.writeInt32BE(e.coordinatorEpoch, p + 34);
      buf.writeBigInt64BE(BigInt(e.currentTxnFirstOffset), p + 38);
      p += ENTRY_SIZE;
    }
    buf.writeUInt32BE(crc32c(buf, 6, buf.length), 2);
    const file = path.join(this.dir, snapshotFileName(this.mapEndOffset));
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, buf);
    fs.renameSync(tmp, file);
  }

  /** Reads a snapshot file into entries; CorruptSnapshotError when its CRC or framing is wrong. */
  static readSnapshot(file: string): ProducerStateEntry[] {
    const buf = fs.readFileSync(file);
    if (buf.length < HEADER_SIZE) throw new CorruptSnapshotError(`Producer snapshot ${file} is truncated`);
    const version = buf.readInt16BE(0);
    if (version !== PRODUCER_SNAPSHOT_VERSION) throw new CorruptSnapshotError(`Producer snapshot ${file} has version ${version}`);
    if (buf.readUInt32BE(2) !== crc32c(buf, 6, buf.length)) throw new CorruptSnapshotError(`Producer snapshot ${file} fails its CRC check`);
    const count = buf.readInt32BE(6);
    if (count < 0 || buf.length !== HEADER_SIZE + count * ENTRY_SIZE) throw new CorruptSnapshotError(`Producer snapshot ${file} has a bad entry count`);
    const out: ProducerStateEntry[] = [];
    for (let i = 0, p = HEADER_SIZE; i < count; i++, p += ENTRY_SIZE) {
      const lastSeq = buf.readInt32BE(p + 10);
      const lastOffset = Number(buf.readBigInt64BE(p + 14));
      const delta = buf.readInt32BE(p + 22);
      const timestamp = Number(buf.readBigInt64BE(p + 26));
      const batchMetadata: BatchMetadata[] = lastOffset >= 0
        ? [{ firstSeq: Math.max(0, lastSeq - delta), lastSeq, firstOffset: lastOffset - delta, lastOffset, timestamp }]
        : [];
      out.push({
        producerId: buf.readBigInt64BE(p),
        producerEpoch: buf.readInt16BE(p + 8),
        coordinatorEpoch: buf.readInt32BE(p + 34),
        lastTimestamp: timestamp,
        currentTxnFirstOffset: Number(buf.readBigInt64BE(p + 38)),
        batchMetadata,
      });
    }
    return out;
  }

  /**
   * Loads the newest valid snapshot at or below `maxOffset` (deleting newer and corrupt ones);
   * returns its offset, or -1 when none (the state is then empty).
   */
  loadLatestSnapshot(maxOffset: number): number {
    this.reset();
    const offsets = this.listSnapshotOffsets();
    for (const o of offsets) if (o > maxOffset) this.deleteSnapshot(o);
    for (const o of offsets.filter((x) => x <= maxOffset).reverse()) {
      try {
        for (const e of ProducerStateManager.readSnapshot(path.join(this.dir, snapshotFileName(o)))) {
          this.producers.set(e.producerId, e);
          if (e.currentTxnFirstOffset >= 0) this.ongoingTxns.set(e.producerId, e.currentTxnFirstOffset);
        }
        this.mapEndOffset = o;
        return o;
      } catch (err) {
        if (!(err instanceof CorruptSnapshotError)) throw err;
        this.producers.clear();
        this.ongoingTxns.clear();
        this.deleteSnapshot(o);
      }
    }
    return -1;
  }

  deleteSnapshot(offset: number): void {
    fs.rmSync(path.join(this.dir, snapshotFileName(offset)), { force: true });
  }

  /** Deletes snapshots below `offset`, keeping the newest one below it (Kafka's deleteSnapshotsBefore). */
  deleteSnapshotsBefore(offset: number): void {
    for (const o of this.listSnapshotOffsets()) if (o < offset) this.deleteSnapshot(o);
  }

  /** Keeps the two newest snapshots (older ones only cost disk). */
  retainRecentSnapshots(keep = 2): void {
    const offsets = this.listSnapshotOffsets();
    for (const o of offsets.slice(0, Math.max(0, offsets.length - keep))) this.deleteSnapshot(o);
  }
}
