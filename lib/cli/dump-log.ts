/**
 * `kafkats dump-log` — Kafka's kafka-dump-log.sh (DumpLogSegments), read-only. For a `.log`
 * segment: `Dumping <file>`, `Log starting offset: <n>`, then one line per batch (baseOffset
 * lastOffset count baseSequence lastSequence producerId producerEpoch partitionLeaderEpoch
 * isTransactional isControl deleteHorizonMs position CreateTime size magic compresscodec crc
 * isvalid), and with --deep-iteration one `| offset: …` line per record, to which
 * --print-data-log (which implies deep iteration) adds `key:` and `payload:`. Trailing bytes that
 * are not a whole entry are reported as `Found N invalid bytes at the end of <file>`.
 * `.index` prints `offset: o position: p`, `.timeindex` prints `timestamp: t offset: o`.
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DELETE_HORIZON_FLAG_MASK,
  LENGTH_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  RECORD_BATCH_OVERHEAD,
  readBatchHeader,
} from '../record/batch-header.js';
import { compressionName } from '../record/compression.js';
import { ControlRecordType, deserializeEndTransactionMarker, parseControlRecordType } from '../record/control-record.js';
import { LEGACY_RECORD_OVERHEAD_V0, readLegacyEntry } from '../record/legacy-record.js';
import { compressionTypeOf, isControlBatch, isTransactionalBatch, iterateRecords, timestampTypeOf, validateRecordBatch } from '../record/record-batch.js';
import { INDEX_FILE_SUFFIX, LOG_FILE_SUFFIX, offsetFromFileName, TIME_INDEX_FILE_SUFFIX } from '../log/log-file-utils.js';
import { CliError, cliAction } from './cli-support.js';

interface DumpOptions {
  files: string;
  printDataLog?: boolean;
  deepIteration?: boolean;
}

export interface DumpLogOptions {
  printDataLog: boolean;
  deepIteration: boolean;
}

export function registerDumpLog(program: Command): void {
  program
    .command('dump-log')
    .description('print the batches and records of log segments and indexes (Kafka\'s kafka-dump-log.sh)')
    .requiredOption('--files <files>', 'comma-separated .log, .index or .timeindex files')
    .option('--print-data-log', 'print each record\'s key and payload (implies --deep-iteration)')
    .option('--deep-iteration', 'print every record, not only the batches')
    .addHelpText('after', `
Example:
  kafkats dump-log --files data/broker-0/orders-0/00000000000000000000.log --print-data-log`)
    .action(cliAction('dump-log', runDumpLog));
}

async function runDumpLog(opts: DumpOptions): Promise<void> {
  const files = opts.files.split(',').map((f) => f.trim()).filter((f) => f !== '');
  if (files.length === 0) throw new CliError('--files needs at least one file');
  const o: DumpLogOptions = { printDataLog: opts.printDataLog === true, deepIteration: opts.deepIteration === true || opts.printDataLog === true };
  for (const file of files) {
    let buf: Buffer;
    try {
      buf = readFileSync(file);
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
    }
    process.stdout.write(`Dumping ${file}\n`);
    const lines = file.endsWith(LOG_FILE_SUFFIX) ? dumpLogSegment(buf, path.basename(file), o)
      : file.endsWith(TIME_INDEX_FILE_SUFFIX) ? dumpTimeIndex(buf, path.basename(file))
        : file.endsWith(INDEX_FILE_SUFFIX) ? dumpOffsetIndex(buf, path.basename(file))
          : null;
    if (lines === null) throw new CliError(`${file}: only .log, .index and .timeindex files can be dumped`);
    for (const line of lines) process.stdout.write(line + '\n');
  }
}

function text(b: Buffer | null): string {
  return b === null ? 'null' : b.toString('utf8');
}

/** The lines DumpLogSegments prints for a segment's bytes (after `Dumping <file>`). */
export function* dumpLogSegment(buf: Buffer, fileName: string, o: DumpLogOptions): Generator<string> {
  yield `Log starting offset: ${offsetFromFileName(fileName)}`;
  let position = 0;
  while (buf.length - position >= LOG_OVERHEAD + LEGACY_RECORD_OVERHEAD_V0) {
    const length = buf.readInt32BE(position + LENGTH_OFFSET);
    const size = length + LOG_OVERHEAD;
    if (length < LEGACY_RECORD_OVERHEAD_V0 || size > buf.length - position) break;
    const magic = buf.readInt8(position + MAGIC_OFFSET);
    const entry = buf.subarray(position, position + size);
    if (magic === 2 && size >= RECORD_BATCH_OVERHEAD) yield* dumpBatch(entry, position, o);
    else if (magic === 0 || magic === 1) yield* dumpLegacy(entry, position, o);
    else break;
    position += size;
  }
  if (position < buf.length) yield `Found ${buf.length - position} invalid bytes at the end of ${fileName}`;
}

function* dumpBatch(entry: Buffer, position: number, o: DumpLogOptions): Generator<string> {
  const h = readBatchHeader(entry, 0);
  let valid = true;
  try {
    validateRecordBatch(entry, 0);
  } catch {
    valid = false;
  }
  const lastOffset = h.baseOffset + BigInt(h.lastOffsetDelta);
  const seq = (delta: number): number => (h.baseSequence < 0 ? -1 : (h.baseSequence + delta) % 0x80000000);
  const control = isControlBatch(h.attributes);
  const tsType = timestampTypeOf(h.attributes) === 1 ? 'LogAppendTime' : 'CreateTime';
  const deleteHorizon = (h.attributes & DELETE_HORIZON_FLAG_MASK) !== 0 ? `OptionalLong[${h.baseTimestamp}]` : 'OptionalLong.empty';
  yield `baseOffset: ${h.baseOffset} lastOffset: ${lastOffset} count: ${h.recordsCount} baseSequence: ${h.baseSequence} lastSequence: ${seq(h.lastOffsetDelta)} ` +
    `producerId: ${h.producerId} producerEpoch: ${h.producerEpoch} partitionLeaderEpoch: ${h.partitionLeaderEpoch} ` +
    `isTransactional: ${isTransactionalBatch(h.attributes)} isControl: ${control} deleteHorizonMs: ${deleteHorizon} ` +
    `position: ${position} ${tsType}: ${h.maxTimestamp} size: ${entry.length} magic: ${h.magic} ` +
    `compresscodec: ${compressionName(compressionTypeOf(h.attributes))} crc: ${h.crc} isvalid: ${valid}`;
  if (!o.deepIteration) return;
  try {
    for (const r of iterateRecords(entry)) {
      const delta = Number(r.offset - h.baseOffset);
      let line = `| offset: ${r.offset} ${tsType}: ${r.timestamp} keySize: ${r.key?.length ?? -1} valueSize: ${r.value?.length ?? -1} ` +
        `sequence: ${seq(delta)} headerKeys: [${r.headers.map((x) => x.key).join(',')}]`;
      if (control) {
        const type = parseControlRecordType(r.key);
        if (type === ControlRecordType.ABORT || type === ControlRecordType.COMMIT) {
          const marker = deserializeEndTransactionMarker(r.key, r.value);
          line += ` endTxnMarker: ${marker.type === ControlRecordType.COMMIT ? 'COMMIT' : 'ABORT'} coordinatorEpoch: ${marker.coordinatorEpoch}`;
        } else line += ` controlType: ${type === ControlRecordType.LEADER_CHANGE ? 'LEADER_CHANGE' : `UNKNOWN(${type})`}`;
      } else if (o.printDataLog) {
        if (r.key !== null) line += ` key: ${text(r.key)}`;
        line += ` payload: ${text(r.value)}`;
        if (r.headers.length > 0) line += ` headers: ${r.headers.map((x) => `${x.key}:${text(x.value)}`).join(',')}`;
      }
      yield line;
    }
  } catch (err) {
    yield `| could not read the records of this batch: ${(err as Error).message}`;
  }
}

function* dumpLegacy(entry: Buffer, position: number, o: DumpLogOptions): Generator<string> {
  try {
    const m = readLegacyEntry(entry, 0);
    const codec = compressionName(m.attributes & 0x07);
    const ts = m.magic === 0 ? 'NoTimestampType: -1' : `${(m.attributes & 0x08) !== 0 ? 'LogAppendTime' : 'CreateTime'}: ${m.timestamp}`;
    let line = `offset: ${m.offset} position: ${position} ${ts} isvalid: true keysize: ${m.key?.length ?? -1} valuesize: ${m.value?.length ?? -1} magic: ${m.magic} compresscodec: ${codec} crc: ${entry.readUInt32BE(12)}`;
    if (o.printDataLog && (m.attributes & 0x07) === 0) line += `${m.key !== null ? ` key: ${text(m.key)}` : ''} payload: ${text(m.value)}`;
    yield line;
    if (o.deepIteration && (m.attributes & 0x07) !== 0) {
      for (const r of iterateRecords(entry)) yield `| offset: ${r.offset} keysize: ${r.key?.length ?? -1} valuesize: ${r.value?.length ?? -1}${o.printDataLog ? `${r.key !== null ? ` key: ${text(r.key)}` : ''} payload: ${text(r.value)}` : ''}`;
    }
  } catch (err) {
    yield `offset: ${entry.readBigInt64BE(0)} position: ${position} isvalid: false (${(err as Error).message})`;
  }
}

/** `.index`: 8-byte entries (relative offset, position); a preallocated file ends in zero entries. */
export function* dumpOffsetIndex(buf: Buffer, fileName: string): Generator<string> {
  const base = offsetFromFileName(fileName);
  for (let i = 0; i + 8 <= buf.length; i += 8) {
    const rel = buf.readInt32BE(i);
    const pos = buf.readInt32BE(i + 4);
    if (i > 0 && rel === 0 && pos === 0) break;
    yield `offset: ${base + rel} position: ${pos}`;
  }
}

/** `.timeindex`: 12-byte entries (timestamp, relative offset). */
export function* dumpTimeIndex(buf: Buffer, fileName: string): Generator<string> {
  const base = offsetFromFileName(fileName);
  for (let i = 0; i + 12 <= buf.length; i += 12) {
    const ts = buf.readBigInt64BE(i);
    const rel = buf.readInt32BE(i + 8);
    if (ts === 0n && rel === 0) break;
    yield `timestamp: ${ts} offset: ${base + rel}`;
  }
}
