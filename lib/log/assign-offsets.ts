/**
 * The boundary between the log and record validation. `Log.appendAsLeader` hands the producer's
 * bytes to `validateAndAssignOffsets`: Kafka's LogValidator (lib/record/log-validator.ts) run with
 * the log's own config, which returns the batches ready to append with their offsets assigned;
 * the log then appends them unchanged.
 *
 * `analyzeBatches` walks batch headers once (no record decoding) to describe a follower's append.
 */
import { CorruptMessageError, InvalidRecordError, MessageTooLargeError } from '../protocol/errors.js';
import {
  LAST_OFFSET_DELTA_OFFSET,
  LENGTH_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
} from '../record/batch-header.js';
import { validateMessagesAndAssignOffsets, type AppendOrigin } from '../record/log-validator.js';
import { isCompact, type LogConfig } from './log-config.js';
import type { DecompressedEntries } from '../record/decompressed-entries.js';

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

/** What a leader append needs besides the records and the log's config. */
export interface LeaderAppendContext {
  /** The offset the first record gets (the log end offset). */
  firstOffset: number;
  leaderEpoch: number;
  /** Wall-clock ms: the log append time and the reference of the timestamp bounds. */
  now: number;
  origin: AppendOrigin;
  /** Compressed entries of the records already decompressed off the event loop, by position. */
  decompressed?: DecompressedEntries;
}

export interface ValidationAndOffsetAssignResult {
  /** The bytes to append (`records` itself patched in place, or rebuilt batches). */
  validatedRecords: Buffer;
  info: AnalyzedBatches;
  /** -1 unless LogAppendTime was applied. */
  logAppendTime: number;
}

/** The numeric codec a topic's compression.type asks for, or 'producer' to keep the producer's. */
function targetCompression(compressionType: string): number | 'producer' {
  const codec = COMPRESSION_TYPE_CODECS[compressionType];
  return codec === undefined ? 'producer' : codec;
}
const COMPRESSION_TYPE_CODECS: Record<string, number> = { uncompressed: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

/**
 * Kafka's LogValidator.validateMessagesAndAssignOffsets run with the log's own config (the only
 * way a leader appends): size, magic, CRC-32C, offsets, timestamps, keys of a compacted topic,
 * up-conversion and recompression, then offsets from the log end and the leader epoch.
 */
export function validateAndAssignOffsets(records: Buffer, config: LogConfig, ctx: LeaderAppendContext): ValidationAndOffsetAssignResult {
  const r = validateMessagesAndAssignOffsets(records, {
    nextOffset: BigInt(ctx.firstOffset),
    partitionLeaderEpoch: ctx.leaderEpoch,
    timestampType: config['message.timestamp.type'] === 'LogAppendTime' ? 1 : 0,
    now: BigInt(ctx.now),
    timestampBeforeMaxMs: config['message.timestamp.before.max.ms'],
    timestampAfterMaxMs: config['message.timestamp.after.max.ms'],
    compactedTopic: isCompact(config),
    origin: ctx.origin,
    targetCompression: targetCompression(config['compression.type']),
    maxMessageBytes: config['max.message.bytes'],
    decompressed: ctx.decompressed,
  });
  // The append is described from the validated batch headers, as a follower's is: the time index
  // takes the last offset of the batch holding the max timestamp (Kafka's shallowOffsetOfMaxTimestamp).
  return { validatedRecords: r.validatedRecords, logAppendTime: Number(r.logAppendTime), info: analyzeBatches(r.validatedRecords, Number.MAX_SAFE_INTEGER) };
}
