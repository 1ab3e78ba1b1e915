/**
 * Builds magic-2 record batches (Kafka's `MemoryRecordsBuilder` for `DefaultRecordBatch`): records
 * encoded with offset deltas from 0 and timestamp deltas from the first record's timestamp, the
 * records section compressed with the batch's codec, then the 61-byte header with its CRC-32C over
 * attributes..end. Used by tests, the coordinators (offsets/transaction logs), control markers and
 * up-conversion; the produce path never rebuilds client batches.
 */
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  CONTROL_FLAG_MASK,
  CRC_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LENGTH_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  NO_TIMESTAMP,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
} from './batch-header.js';
import { compress, CompressionType, checkCompressionType } from './compression.js';
import { crc32c } from './crc.js';
import { sizeInBytes, sizeOfBodyInBytes, writeRecord, type RecordHeader } from './default-record.js';

export { CompressionType } from './compression.js';
export type { RecordHeader } from './default-record.js';

/** Kafka's `TimestampType`: CREATE_TIME = 0, LOG_APPEND_TIME = 1 (attribute bit 3). */
export const TimestampType = { NO_TIMESTAMP_TYPE: -1, CREATE_TIME: 0, LOG_APPEND_TIME: 1 } as const;

export interface SimpleRecord {
  key?: Buffer | null;
  value: Buffer | null;
  headers?: RecordHeader[];
  /** Create time in ms; defaults to the time of the build. */
  timestamp?: bigint;
}

export interface BatchOptions {
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
  compression?: number;
  timestampType?: 0 | 1;
  /** With timestampType LOG_APPEND_TIME: the batch's maxTimestamp (defaults to now). */
  logAppendTime?: bigint;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
  isControl?: boolean;
}

/** Attribute bits for a batch (Kafka's `DefaultRecordBatch.computeAttributes`). */
export function computeAttributes(
  compression: number,
  timestampType: number,
  isTransactional: boolean,
  isControl: boolean,
): number {
  let attributes = compression & 0x07;
  if (timestampType === TimestampType.LOG_APPEND_TIME) attributes |= TIMESTAMP_TYPE_MASK;
  if (isTransactional) attributes |= TRANSACTIONAL_FLAG_MASK;
  if (isControl) attributes |= CONTROL_FLAG_MASK;
  return attributes;
}

/** Encodes `records` as one magic-2 batch with a valid CRC-32C. */
export function buildRecordBatch(records: SimpleRecord[], options: BatchOptions = {}): Buffer {
  const compression = checkCompressionType(options.compression ?? CompressionType.NONE);
  const timestampType = options.timestampType ?? TimestampType.CREATE_TIME;
  const now = BigInt(Date.now());
  const baseTimestamp = records.length > 0 ? records[0]!.timestamp ?? now : NO_TIMESTAMP;

  let maxTimestamp = NO_TIMESTAMP;
  const bodySizes = new Array<number>(records.length);
  let recordsSize = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const ts = r.timestamp ?? now;
    if (ts > maxTimestamp) maxTimestamp = ts;
    const body = sizeOfBodyInBytes(i, ts - baseTimestamp, r.key, r.value, r.headers);
    bodySizes[i] = body;
    recordsSize += sizeInBytes(body);
  }
  if (timestampType === TimestampType.LOG_APPEND_TIME) maxTimestamp = options.logAppendTime ?? now;

  const raw = Buffer.allocUnsafe(
    compression === CompressionType.NONE ? RECORD_BATCH_OVERHEAD + recordsSize : recordsSize,
  );
  let pos = compression === CompressionType.NONE ? RECORD_BATCH_OVERHEAD : 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    pos = writeRecord(raw, pos, bodySizes[i]!, i, (r.timestamp ?? now) - baseTimestamp, r.key, r.value, r.headers);
  }

  let batch: Buffer;
  if (compression === CompressionType.NONE) {
    batch = raw;
  } else {
    const compressed = compress(compression, raw);
    batch = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + compressed.length);
    compressed.copy(batch, RECORD_BATCH_OVERHEAD);
  }

  batch.writeBigInt64BE(options.baseOffset ?? 0n, BASE_OFFSET_OFFSET);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, LENGTH_OFFSET);
  batch.writeInt32BE(options.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, PARTITION_LEADER_EPOCH_OFFSET);
  batch.writeInt8(2, MAGIC_OFFSET);
  batch.writeInt16BE(
    computeAttributes(compression, timestampType, options.isTransactional ?? false, options.isControl ?? false),
    ATTRIBUTES_OFFSET,
  );
  batch.writeInt32BE(records.length - 1, LAST_OFFSET_DELTA_OFFSET);
  batch.writeBigInt64BE(baseTimestamp, BASE_TIMESTAMP_OFFSET);
  batch.writeBigInt64BE(maxTimestamp, MAX_TIMESTAMP_OFFSET);
  batch.writeBigInt64BE(options.producerId ?? NO_PRODUCER_ID, PRODUCER_ID_OFFSET);
  batch.writeInt16BE(options.producerEpoch ?? NO_PRODUCER_EPOCH, PRODUCER_EPOCH_OFFSET);
  batch.writeInt32BE(options.baseSequence ?? NO_SEQUENCE, BASE_SEQUENCE_OFFSET);
  batch.writeInt32BE(records.length, RECORDS_COUNT_OFFSET);
  batch.writeUInt32BE(crc32c(batch, ATTRIBUTES_OFFSET), CRC_OFFSET);
  return batch;
}

/** Writes a fresh CRC-32C for the batch at `position` (after attributes/maxTimestamp changed). */
export function updateBatchCrc(buf: Buffer, position = 0): void {
  const size = buf.readInt32BE(position + LENGTH_OFFSET) + LOG_OVERHEAD;
  buf.writeUInt32BE(crc32c(buf, position + ATTRIBUTES_OFFSET, position + size), position + CRC_OFFSET);
}

/**
 * Kafka's `setMaxTimestamp(LOG_APPEND_TIME, t)`: sets the timestamp-type bit and maxTimestamp of the
 * batch at `position` and recomputes its CRC.
 */
export function setLogAppendTime(buf: Buffer, position: number, logAppendTime: bigint): void {
  const attributes = buf.readInt16BE(position + ATTRIBUTES_OFFSET);
  buf.writeInt16BE(attributes | TIMESTAMP_TYPE_MASK, position + ATTRIBUTES_OFFSET);
  buf.writeBigInt64BE(logAppendTime, position + MAX_TIMESTAMP_OFFSET);
  updateBatchCrc(buf, position);
}

/** Sets maxTimestamp (CREATE_TIME kept) and recomputes the CRC. */
export function setMaxTimestamp(buf: Buffer, position: number, timestampType: 0 | 1, maxTimestamp: bigint): void {
  const attributes = buf.readInt16BE(position + ATTRIBUTES_OFFSET);
  const next = timestampType === TimestampType.LOG_APPEND_TIME
    ? attributes | TIMESTAMP_TYPE_MASK
    : attributes & ~TIMESTAMP_TYPE_MASK;
  buf.writeInt16BE(next, position + ATTRIBUTES_OFFSET);
  buf.writeBigInt64BE(maxTimestamp, position + MAX_TIMESTAMP_OFFSET);
  updateBatchCrc(buf, position);
}
