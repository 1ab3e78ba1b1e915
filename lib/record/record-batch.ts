/**
 * Reading magic-2 record batches (Kafka's `DefaultRecordBatch`) and walking a records blob
 * (Kafka's `ByteBufferLogInputStream`): shallow batch boundaries without parsing, batch validation
 * (size, magic, CRC-32C), and record iteration, decompressing when the batch is compressed.
 * Legacy entries (magic 0/1) found in a blob are iterated through `legacy-record.ts`.
 */
import { CorruptMessageError, InvalidRecordError } from '../protocol/errors.js';
import {
  ATTRIBUTES_OFFSET,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  CRC_OFFSET,
  HEADER_SIZE_UP_TO_MAGIC,
  LENGTH_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  RECORD_BATCH_OVERHEAD,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  readBatchHeader,
  type BatchHeader,
} from './batch-header.js';
import { ByteCursor } from './byte-utils.js';
import { CompressionType, DEFAULT_DECOMPRESSION_LIMIT, decompress } from './compression.js';
import { crc32c } from './crc.js';
import { readRecord, type Record } from './default-record.js';
import { iterateLegacyRecords, LEGACY_RECORD_OVERHEAD_V0 } from './legacy-record.js';

export type { BatchHeader } from './batch-header.js';
export type { Record } from './default-record.js';

export interface BatchLocation {
  position: number;
  size: number;
  magic: number;
}

/**
 * Yields the shallow entries (v2 batches or legacy v0/v1 message entries) of a records blob in
 * order. Stops quietly at a partial trailing entry (a fetch response may end mid-batch); an entry
 * whose size field is below the smallest legal entry is a CorruptMessageError.
 */
export function* batchesIn(buf: Buffer): Generator<BatchLocation> {
  let position = 0;
  while (buf.length - position >= LOG_OVERHEAD) {
    const length = buf.readInt32BE(position + LENGTH_OFFSET);
    if (length < LEGACY_RECORD_OVERHEAD_V0) {
      throw new CorruptMessageError(`Record size ${length} is less than the minimum record overhead (${LEGACY_RECORD_OVERHEAD_V0})`);
    }
    if (buf.length - position < HEADER_SIZE_UP_TO_MAGIC) return;
    const size = length + LOG_OVERHEAD;
    if (buf.length - position < size) return;
    yield { position, size, magic: buf.readInt8(position + MAGIC_OFFSET) };
    position += size;
  }
}

/** Bytes of `buf` covered by whole entries (the rest is a partial trailing entry). */
export function validBytes(buf: Buffer): number {
  let end = 0;
  for (const b of batchesIn(buf)) end = b.position + b.size;
  return end;
}

/**
 * Checks the magic-2 batch at `position`: whole batch present, size at least the 61-byte header,
 * magic 2, CRC-32C over attributes..end matching. Returns the parsed header. Any failure is a
 * CorruptMessageError (Kafka's CorruptRecordException).
 */
export function validateRecordBatch(buf: Buffer, position = 0): BatchHeader {
  if (position < 0 || buf.length - position < LOG_OVERHEAD) {
    throw new CorruptMessageError('Record batch is truncated before its size field');
  }
  const size = buf.readInt32BE(position + LENGTH_OFFSET) + LOG_OVERHEAD;
  if (size < RECORD_BATCH_OVERHEAD) {
    throw new CorruptMessageError(`Record batch size ${size} is less than the minimum record batch overhead (${RECORD_BATCH_OVERHEAD})`);
  }
  if (buf.length - position < size) {
    throw new CorruptMessageError(`Record batch of ${size} bytes is truncated to ${buf.length - position}`);
  }
  const magic = buf.readInt8(position + MAGIC_OFFSET);
  if (magic !== 2) throw new CorruptMessageError(`Record batch has magic ${magic}, expected 2`);
  const stored = buf.readUInt32BE(position + CRC_OFFSET);
  const computed = crc32c(buf, position + ATTRIBUTES_OFFSET, position + size);
  if (stored !== computed) {
    throw new CorruptMessageError(`Record batch is corrupt (stored crc = ${stored}, computed crc = ${computed})`);
  }
  return readBatchHeader(buf, position);
}

export function compressionTypeOf(attributes: number): number {
  return attributes & COMPRESSION_CODEC_MASK;
}
export function isControlBatch(attributes: number): boolean {
  return (attributes & CONTROL_FLAG_MASK) !== 0;
}
export function isTransactionalBatch(attributes: number): boolean {
  return (attributes & TRANSACTIONAL_FLAG_MASK) !== 0;
}
export function timestampTypeOf(attributes: number): 0 | 1 {
  return (attributes & TIMESTAMP_TYPE_MASK) !== 0 ? 1 : 0;
}

/**
 * The uncompressed records section of the v2 batch `batch` (which must hold exactly one batch
 * whose size has been checked): a view for uncompressed batches, decompressed (bounded by
 * `limit`) otherwise, or `decompressed` when the caller already has it.
 */
export function recordsSectionOf(batch: Buffer, header: BatchHeader, limit = DEFAULT_DECOMPRESSION_LIMIT, decompressed?: Buffer): Buffer {
  const body = batch.subarray(RECORD_BATCH_OVERHEAD, header.batchLength + LOG_OVERHEAD);
  const codec = compressionTypeOf(header.attributes);
  return codec === CompressionType.NONE ? body : decompressed ?? decompress(codec, body, limit);
}

/**
 * Yields the records of one entry: a magic-2 batch (decompressing when needed) or a legacy
 * magic 0/1 message (recursing into compressed wrappers). `batchBuf` starts at the entry; its
 * size field is checked against the bytes present. A v2 batch's CRC-32C is not checked here (use
 * validateRecordBatch first); legacy messages are CRC-32-checked as they are parsed. Malformed
 * content is an InvalidRecordError or CorruptMessageError; zstd in a legacy wrapper is an
 * UnsupportedCompressionTypeError.
 */
export function* iterateRecords(batchBuf: Buffer, limit = DEFAULT_DECOMPRESSION_LIMIT, decompressed?: Buffer): Generator<Record> {
  if (batchBuf.length < HEADER_SIZE_UP_TO_MAGIC) throw new CorruptMessageError('Record batch is truncated');
  const magic = batchBuf.readInt8(MAGIC_OFFSET);
  if (magic === 0 || magic === 1) {
    yield* iterateLegacyRecords(batchBuf, limit, decompressed);
    return;
  }
  if (magic !== 2) throw new CorruptMessageError(`Unknown magic ${magic}`);
  const size = batchBuf.readInt32BE(LENGTH_OFFSET) + LOG_OVERHEAD;
  if (size < RECORD_BATCH_OVERHEAD || size > batchBuf.length) {
    throw new CorruptMessageError(`Record batch size ${size} is invalid for ${batchBuf.length} bytes`);
  }
  const header = readBatchHeader(batchBuf, 0);
  if (header.recordsCount < 0) throw new InvalidRecordError(`Found invalid record count ${header.recordsCount}`);
  const records = recordsSectionOf(batchBuf, header, limit, decompressed);
  const logAppendTime = timestampTypeOf(header.attributes) === 1 ? header.maxTimestamp : null;
  const cursor = new ByteCursor(records, 0, records.length);
  for (let i = 0; i < header.recordsCount; i++) {
    yield readRecord(cursor, header.baseOffset, header.baseTimestamp, logAppendTime);
  }
  if (cursor.remaining() > 0) {
    throw new InvalidRecordError('Incorrect declared batch size, records still remaining in the batch');
  }
}

/** All records of a records blob (every entry, in order). Off the hot path: allocates per record. */
export function* recordsIn(buf: Buffer, limit = DEFAULT_DECOMPRESSION_LIMIT): Generator<Record> {
  for (const { position, size } of batchesIn(buf)) {
    yield* iterateRecords(buf.subarray(position, position + size), limit);
  }
}
