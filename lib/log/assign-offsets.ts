/**
 * The boundary between the log and record validation. `Log.appendAsLeader` hands the producer's
 * bytes to a `LeaderRecordValidator` (Kafka's LogValidator.validateMessagesAndAssignOffsets),
 * which returns the batches ready to append with their offsets assigned; the log then appends
 * them unchanged. `assignOffsetsInPlace` is the default: it checks the batch framing only (the
 * CRC and record-level checks belong to lib/record's LogValidator, which the produce path passes
 * in) and patches baseOffset and partitionLeaderEpoch in place (magic 2; both lie outside the CRC),
 * plus maxTimestamp and the timestamp-type bit for LogAppendTime, which requires a new CRC.
 *
 * `analyzeBatches` walks batch headers once (no record decoding) to describe an append.
 */
import { CorruptMessageError, InvalidRecordError, MessageTooLargeError } from '../protocol/errors.js';
import {
  ATTRIBUTES_OFFSET,
  CRC_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LENGTH_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  TIMESTAMP_TYPE_MASK,
} from '../record/batch-header.js';
import { crc32c } from '../record/crc.js';
import type { TimestampType } from './log-config.js';

export const MAX_SAFE_OFFSET = Number.MAX_SAFE_INTEGER;

/** Reads an int64 timestamp as a number: negative values (NO_TIMESTAMP) come back as -1. */
export function readTimestamp(buf: Buffer, pos: number): number {
  const hi = buf.readInt32BE(pos);
  if (hi < 0) return -1;
  return hi * 4294967296 + buf.readUInt32BE(pos + 4);
}

/** Reads an int64 offset as a number; values past 2^53 (or negative) come back as -1. */
export function readOffset(buf: Buffer, pos: number): number {
  const hi = buf.readInt32BE(pos);
  if (hi < 0 || hi > 0x1fffff) return -1;
  return hi * 4294967296 + buf.readUInt32BE(pos + 4);
}

/** What one append holds (Kafka's LogAppendInfo), numbers inside the log. */
export interface AnalyzedBatches {
  firstOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  /** Last offset of the batch carrying maxTimestamp (Kafka's shallowOffsetOfMaxTimestamp). */
  shallowOffsetOfMaxTimestamp: number;
  numMessages: number;
  shallowCount: number;
  validBytes: number;
  lastLeaderEpoch: number;
}

/**
 * Describes the batches in `records` from their headers; throws CorruptMessageError for broken
 * framing, MessageTooLargeError for a batch over maxBatchSize, InvalidRecordError for non-v2
 * batches or offsets that do not increase.
 */
export function analyzeBatches(records: Buffer, maxBatchSize: number): AnalyzedBatches {
  const info: AnalyzedBatches = {
    firstOffset: -1,
    lastOffset: -1,
    maxTimestamp: -1,
    shallowOffsetOfMaxTimestamp: -1,
    numMessages: 0,
    shallowCount: 0,
    validBytes: 0,
    lastLeaderEpoch: -1,
  };
  let p = 0;
  while (p < records.length) {
    if (records.length - p < RECORD_BATCH_OVERHEAD) throw new CorruptMessageError(`Truncated batch header at position ${p}`);
    const size = records.readInt32BE(p + LENGTH_OFFSET) + LOG_OVERHEAD;
    if (size < RECORD_BATCH_OVERHEAD || p + size > records.length) throw new CorruptMessageError(`Batch at position ${p} has invalid size ${size}`);
    if (size > maxBatchSize) throw new MessageTooLargeError(`Batch of ${size} bytes exceeds max.message.bytes ${maxBatchSize}`);
    if (records.readInt8(p + MAGIC_OFFSET) !== 2) throw new InvalidRecordError(`Only magic 2 batches are stored (position ${p})`);
    const base = readOffset(records, p);
    const last = base + records.readInt32BE(p + LAST_OFFSET_DELTA_OFFSET);
    if (base < 0 || last < base || last > MAX_SAFE_OFFSET) throw new InvalidRecordError(`Batch at position ${p} has invalid offsets`);
    if (info.lastOffset >= 0 && base <= info.lastOffset) throw new InvalidRecordError(`Offsets do not increase at position ${p}`);
    if (info.firstOffset < 0) info.firstOffset = base;
    info.lastOffset = last;
    const ts = readTimestamp(records, p + MAX_TIMESTAMP_OFFSET);
    if (ts > info.maxTimestamp) {
      info.maxTimestamp = ts;
      info.shallowOffsetOfMaxTimestamp = last;
    }
    info.numMessages += records.readInt32BE(p + RECORDS_COUNT_OFFSET);
    info.lastLeaderEpoch = records.readInt32BE(p + PARTITION_LEADER_EPOCH_OFFSET);
    info.shallowCount++;
    p += size;
  }
  info.validBytes = p;
  return info;
}

export interface LeaderAppendContext {
  /** The offset the first record gets (the log end offset). */
  firstOffset: number;
  leaderEpoch: number;
  timestampType: TimestampType;
  /** Wall-clock ms, used as the log append time. */
  now: number;
  maxBatchSize: number;
}

export interface ValidationAndOffsetAssignResult {
  /** The bytes to append (may be `records` itself, patched in place). */
  validatedRecords: Buffer;
  info: AnalyzedBatches;
  /** -1 unless LogAppendTime was applied. */
  logAppendTime: number;
}

/** Kafka's LogValidator.validateMessagesAndAssignOffsets, as a pluggable function. */
export type LeaderRecordValidator = (records: Buffer, ctx: LeaderAppendContext) => ValidationAndOffsetAssignResult;

/** Default validator: framing checks, in-place offset and leader-epoch assignment (see file comment). */
export const assignOffsetsInPlace: LeaderRecordValidator = (records, ctx) => {
  let next = ctx.firstOffset;
  let p = 0;
  const logAppendTime = ctx.timestampType === 'LogAppendTime';
  while (p < records.length) {
    if (records.length - p < RECORD_BATCH_OVERHEAD) throw new CorruptMessageError(`Truncated batch header at position ${p}`);
    const size = records.readInt32BE(p + LENGTH_OFFSET) + LOG_OVERHEAD;
    if (size < RECORD_BATCH_OVERHEAD || p + size > records.length) throw new CorruptMessageError(`Batch at position ${p} has invalid size ${size}`);
    const delta = records.readInt32BE(p + LAST_OFFSET_DELTA_OFFSET);
    if (delta < 0) throw new InvalidRecordError(`Batch at position ${p} has a negative lastOffsetDelta`);
    const hi = Math.floor(next / 4294967296);
    records.writeInt32BE(hi, p);
    records.writeUInt32BE(next - hi * 4294967296, p + 4);
    records.writeInt32BE(ctx.leaderEpoch, p + PARTITION_LEADER_EPOCH_OFFSET);
    if (logAppendTime && records.readInt8(p + MAGIC_OFFSET) === 2) {
      records.writeBigInt64BE(BigInt(ctx.now), p + MAX_TIMESTAMP_OFFSET);
      records.writeInt16BE(records.readInt16BE(p + ATTRIBUTES_OFFSET) | TIMESTAMP_TYPE_MASK, p + ATTRIBUTES_OFFSET);
      records.writeUInt32BE(crc32c(records, p + ATTRIBUTES_OFFSET, p + size), p + CRC_OFFSET);
    }
    next += delta + 1;
    p += size;
  }
  return { validatedRecords: records, info: analyzeBatches(records, ctx.maxBatchSize), logAppendTime: logAppendTime ? ctx.now : -1 };
};
