/**
 * The produce-path validation and offset assignment of Kafka's `LogValidator`
 * (validateMessagesAndAssignOffsets) plus the per-batch checks of `UnifiedLog.analyzeAndValidateRecords`.
 *
 * Fast path (magic 2, codec kept, offset deltas 0..n-1): every batch is checked (size, magic,
 * CRC-32C, max.message.bytes, Kafka's client-origin checks), its records are walked in place —
 * framing, offset deltas, timestamps and keys — without allocating per record (compressed batches
 * are decompressed, bounded, into one buffer for that walk, as Kafka decompresses to validate),
 * then baseOffset and partitionLeaderEpoch are patched in place (outside the CRC). maxTimestamp
 * and the timestamp-type bit are rewritten, with a fresh CRC, only when they change (always under
 * LogAppendTime), as Kafka's `setMaxTimestamp` does.
 *
 * Slow path (Kafka's buildRecordsAndAssignOffsets / convertAndAssignOffsetsNonCompressed): legacy
 * magic 0/1 produce is up-converted to one magic-2 batch; a topic compression.type other than
 * `producer` recompresses; non-sequential inner offsets are rewritten. These allocate records.
 */
import {
  CorruptMessageError,
  Errors,
  InvalidRecordError,
  InvalidTimestampError,
  MessageTooLargeError,
} from '../protocol/errors.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  CRC_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LENGTH_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  NO_PARTITION_LEADER_EPOCH,
  NO_TIMESTAMP,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  setBaseOffset,
  setPartitionLeaderEpoch,
} from './batch-header.js';
import { CompressionType, DEFAULT_DECOMPRESSION_LIMIT, checkCompressionType, decompress } from './compression.js';
import { crc32c, crc32cAfterChange } from './crc.js';
import { decompressedEntry, type DecompressedEntries } from './decompressed-entries.js';
import { LEGACY_RECORD_OVERHEAD_V0, iterateLegacyMessages } from './legacy-record.js';
import { buildRecordBatch, type SimpleRecord } from './memory-records-builder.js';
import { iterateRecords } from './record-batch.js';

/** Kafka's `AppendOrigin`: client checks apply only to CLIENT appends. */
export type AppendOrigin = 'client' | 'coordinator' | 'replication';

export interface LogValidatorOptions {
  /** The offset the first record gets (the log end offset). */
  nextOffset: bigint;
  partitionLeaderEpoch?: number;
  /** The topic's message.timestamp.type: 0 CreateTime (default), 1 LogAppendTime. */
  timestampType?: 0 | 1;
  /** The broker's clock (ms) for LogAppendTime and timestamp bounds; defaults to Date.now(). */
  now?: bigint;
  /** message.timestamp.before.max.ms / after.max.ms (CreateTime bounds); default unbounded. */
  timestampBeforeMaxMs?: number;
  timestampAfterMaxMs?: number;
  /** cleanup.policy contains compact: records without a key are rejected. */
  compactedTopic?: boolean;
  origin?: AppendOrigin;
  /** The topic's compression.type: 'producer' (default) keeps the producer's codec. */
  targetCompression?: number | 'producer';
  /** max.message.bytes: a batch larger than this is MESSAGE_TOO_LARGE. */
  maxMessageBytes?: number;
  decompressionLimit?: number;
  /** Compressed entries already decompressed off the event loop (decompressLargeEntries). */
  decompressed?: DecompressedEntries;
}

/** One rejected record, as Kafka's ProduceResponse record_errors lists it. */
export interface RecordError {
  batchIndex: number;
  message: string;
  /** Which error the record earns: INVALID_TIMESTAMP or INVALID_RECORD (LogValidator's exception type). */
  errorCode: typeof Errors.INVALID_TIMESTAMP.code | typeof Errors.INVALID_RECORD.code;
}

export interface ValidationResult {
  /** The records to append: the input buffer patched in place, or a rebuilt buffer. */
  validatedRecords: Buffer;
  /** True when the records were rebuilt (conversion/recompression) rather than patched. */
  converted: boolean;
  firstOffset: bigint;
  lastOffset: bigint;
  /** NO_TIMESTAMP (-1) when no record carries one. */
  maxTimestamp: bigint;
  offsetOfMaxTimestamp: bigint;
  /** The LogAppendTime used, or -1 under CreateTime. */
  logAppendTime: bigint;
  /** Records (deep count). */
  count: number;
  /** Batches (shallow count) in validatedRecords. */
  shallowCount: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  isTransactional: boolean;
}

/** Record errors attached to an InvalidRecordError/InvalidTimestampError thrown for bad records. */
export function recordErrorsOf(err: unknown): RecordError[] {
  return (err as { recordErrors?: RecordError[] } | null)?.recordErrors ?? [];
}

const missingKeyError = (batchIndex: number): RecordError =>
  ({ batchIndex, message: 'Compacted topic cannot accept message without key', errorCode: Errors.INVALID_RECORD.code });
const timestampOutOfRangeError = (batchIndex: number, timestamp: number | bigint): RecordError =>
  ({ batchIndex, message: `Timestamp ${timestamp} of message is out of range`, errorCode: Errors.INVALID_TIMESTAMP.code });
const logAppendTimeByProducerError = (batchIndex: number): RecordError =>
  ({ batchIndex, message: 'Timestamp type LogAppendTime set by the producer', errorCode: Errors.INVALID_TIMESTAMP.code });

function recordValidationError(errors: RecordError[]): Error {
  const timestamp = errors.some((e) => e.errorCode === Errors.INVALID_TIMESTAMP.code);
  const err = timestamp
    ? new InvalidTimestampError('One or more records have been rejected due to invalid timestamp')
    : new InvalidRecordError(`One or more records have been rejected due to ${errors.length} record errors`);
  return Object.assign(err, { recordErrors: errors });
}

// ---- allocation-free record walk ----
// Single-byte varints (the common case) are decoded inline on locals; longer ones go through
// readVarintAt/readVarlongAt, which leave the position after the field in `nextPos`.

let nextPos = 0;

function readVarintAt(buf: Buffer, pos: number, end: number): number {
  let raw = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (pos >= end) throw new InvalidRecordError('Found invalid record structure: truncated varint');
    const b = buf[pos++]!;
    raw |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) {
      nextPos = pos;
      return (raw >>> 1) ^ -(raw & 1);
    }
  }
  throw new InvalidRecordError('Varint is too long');
}

function readVarlongAt(buf: Buffer, pos: number, end: number): number {
  let raw = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw new InvalidRecordError('Found invalid record structure: truncated varlong');
    const b = buf[pos++]!;
    raw += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) {
      nextPos = pos;
      return raw % 2 === 1 ? -(raw + 1) / 2 : raw / 2;
    }
    mul *= 128;
  }
  throw new InvalidRecordError('Varlong is too long');
}

/** Skips a varint-length-prefixed field at `pos`; returns the position after it or -1 for null. */
function skipField(buf: Buffer, pos: number, end: number, nullable: boolean): number {
  let len: number;
  const b = pos < end ? buf[pos]! : 0x80;
  if (b < 0x80) {
    len = (b >>> 1) ^ -(b & 1);
    pos++;
  } else {
    len = readVarintAt(buf, pos, end);
    pos = nextPos;
  }
  if (len < 0) {
    if (!nullable || len !== -1) throw new InvalidRecordError(`Invalid field length ${len}`);
    nextPos = pos;
    return -1;
  }
  if (len > end - pos) throw new InvalidRecordError('Found invalid record structure: field overruns the record');
  nextPos = pos + len;
  return nextPos;
}

interface WalkState {
  maxTimestamp: number;
  indexOfMax: number;
  sequential: boolean;
  errors: RecordError[] | null;
}
const walk: WalkState = { maxTimestamp: -1, indexOfMax: -1, sequential: true, errors: null };

/**
 * Walks `count` records in `buf[start, end)`: framing exactly as DefaultRecord.readFrom checks it,
 * offset deltas, keys (compacted topics) and timestamps (Kafka's validateRecord).
 */
function walkRecords(
  buf: Buffer, start: number, end: number, count: number, baseTimestamp: number,
  batchIsLogAppendTime: boolean, opts: LogValidatorOptions, now: number,
): void {
  let maxTimestamp = -1;
  let indexOfMax = -1;
  let sequential = true;
  let errors: RecordError[] | null = null;
  const createTime = (opts.timestampType ?? 0) === 0;
  const before = opts.timestampBeforeMaxMs ?? Infinity;
  const after = opts.timestampAfterMaxMs ?? Infinity;
  const compacted = opts.compactedTopic ?? false;
  let p = start;
  for (let i = 0; i < count; i++) {
    let b = p < end ? buf[p]! : 0x80;
    let size: number;
    if (b < 0x80) {
      size = (b >>> 1) ^ -(b & 1);
      p++;
    } else {
      size = readVarintAt(buf, p, end);
      p = nextPos;
    }
    if (size <= 0 || size > end - p) throw new InvalidRecordError(`Invalid record size ${size}`);
    const recordEnd = p + size;
    p++; // attributes
    b = p < recordEnd ? buf[p]! : 0x80;
    let timestampDelta: number;
    if (b < 0x80) {
      timestampDelta = (b >>> 1) ^ -(b & 1);
      p++;
    } else {
      timestampDelta = readVarlongAt(buf, p, recordEnd);
      p = nextPos;
    }
    b = p < recordEnd ? buf[p]! : 0x80;
    let offsetDelta: number;
    if (b < 0x80) {
      offsetDelta = (b >>> 1) ^ -(b & 1);
      p++;
    } else {
      offsetDelta = readVarintAt(buf, p, recordEnd);
      p = nextPos;
    }
    if (offsetDelta !== i) sequential = false;
    const hasKey = skipField(buf, p, recordEnd, true) >= 0;
    skipField(buf, nextPos, recordEnd, true);
    p = nextPos;
    b = p < recordEnd ? buf[p]! : 0x80;
    let headers: number;
    if (b < 0x80) {
      headers = (b >>> 1) ^ -(b & 1);
      p++;
    } else {
      headers = readVarintAt(buf, p, recordEnd);
      p = nextPos;
    }
    if (headers < 0) throw new InvalidRecordError(`Found invalid number of record headers ${headers}`);
    for (let h = 0; h < headers; h++) {
      skipField(buf, p, recordEnd, false);
      skipField(buf, nextPos, recordEnd, true);
      p = nextPos;
    }
    if (p !== recordEnd) throw new InvalidRecordError(`Invalid record size: expected ${size} bytes in record payload`);
    const timestamp = baseTimestamp + timestampDelta;
    if (compacted && !hasKey) {
      (errors ??= []).push(missingKeyError(i));
    } else if (createTime && timestamp !== -1) {
      if (now - timestamp > before || timestamp - now > after) {
        (errors ??= []).push(timestampOutOfRangeError(i, timestamp));
      }
    } else if (batchIsLogAppendTime) {
      (errors ??= []).push(logAppendTimeByProducerError(i));
    }
    if (timestamp > maxTimestamp) {
      maxTimestamp = timestamp;
      indexOfMax = i;
    }
  }
  if (p !== end) throw new InvalidRecordError('Incorrect declared batch size, records still remaining in the batch');
  walk.maxTimestamp = maxTimestamp;
  walk.indexOfMax = indexOfMax;
  walk.sequential = sequential;
  walk.errors = errors;
}

/** Checks of UnifiedLog.analyzeAndValidateRecords and LogValidator.validateBatch for one v2 batch. */
function checkBatch(buf: Buffer, pos: number, size: number, opts: LogValidatorOptions): void {
  if (size < RECORD_BATCH_OVERHEAD) {
    throw new CorruptMessageError(`Record batch size ${size} is less than the minimum record batch overhead (${RECORD_BATCH_OVERHEAD})`);
  }
  if (opts.maxMessageBytes !== undefined && size > opts.maxMessageBytes) {
    throw new MessageTooLargeError(`The record batch size ${size} exceeds max.message.bytes ${opts.maxMessageBytes}`);
  }
  const stored = buf.readUInt32BE(pos + CRC_OFFSET);
  if (stored !== crc32c(buf, pos + ATTRIBUTES_OFFSET, pos + size)) {
    throw new CorruptMessageError('Record batch is corrupt (CRC-32C mismatch)');
  }
  if ((opts.origin ?? 'client') !== 'client') return;
  const baseOffset = buf.readBigInt64BE(pos);
  if (baseOffset !== 0n) throw new InvalidRecordError(`The baseOffset of the record batch should be 0, but it is ${baseOffset}`);
  const lastOffsetDelta = buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
  if (lastOffsetDelta < 0) throw new InvalidRecordError(`Batch has an invalid offset range: [0, ${lastOffsetDelta}]`);
  const count = buf.readInt32BE(pos + RECORDS_COUNT_OFFSET);
  if (count <= 0) throw new InvalidRecordError(`Invalid reported count for record batch: ${count}`);
  if (count !== lastOffsetDelta + 1) {
    throw new InvalidRecordError(`Inconsistent batch offset range [0, ${lastOffsetDelta}] and count of records ${count}`);
  }
  const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
  if ((attributes & CONTROL_FLAG_MASK) !== 0) throw new InvalidRecordError('Clients are not allowed to write control records');
  if (buf.readBigInt64BE(pos + PRODUCER_ID_OFFSET) >= 0n && buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET) < 0) {
    throw new InvalidRecordError('Invalid sequence number in a record batch with a producerId');
  }
}

/** Shallow entries of the blob: positions and sizes; a partial or undersized entry is corrupt. */
function shallowEntries(records: Buffer): { positions: number[]; magic: number } {
  const positions: number[] = [];
  let magic = -1;
  let pos = 0;
  while (pos < records.length) {
    if (records.length - pos < LOG_OVERHEAD + 5) throw new CorruptMessageError('Records end with a truncated entry');
    const length = records.readInt32BE(pos + LENGTH_OFFSET);
    if (length < LEGACY_RECORD_OVERHEAD_V0) throw new CorruptMessageError(`Record size ${length} is less than the minimum record overhead`);
    if (records.length - pos < LOG_OVERHEAD + length) throw new CorruptMessageError('Records end with a truncated entry');
    const m = records.readInt8(pos + MAGIC_OFFSET);
    if (m < 0 || m > 2) throw new CorruptMessageError(`Invalid magic ${m}`);
    if (magic >= 0 && m !== magic) throw new InvalidRecordError(`Batch magic ${m} is not the same as the first batch's magic byte ${magic}`);
    magic = m;
    positions.push(pos);
    pos += LOG_OVERHEAD + length;
  }
  if (positions.length === 0) throw new InvalidRecordError('Record batch has no batches at all');
  return { positions, magic };
}

/** Kafka's LogValidator.validateMessagesAndAssignOffsets for one partition's produce records. */
export function validateMessagesAndAssignOffsets(records: Buffer, opts: LogValidatorOptions): ValidationResult {
  const { positions, magic } = shallowEntries(records);
  if (magic < 2) return convertLegacy(records, positions, magic, opts);
  if (positions.length > 1) throw new InvalidRecordError('Compressed outer record has more than one batch');
  const pos = positions[0]!;
  const size = records.readInt32BE(pos + LENGTH_OFFSET) + LOG_OVERHEAD;
  checkBatch(records, pos, size, opts);

  const nowBig = opts.now ?? BigInt(Date.now());
  const now = Number(nowBig);
  const attributes = records.readInt16BE(pos + ATTRIBUTES_OFFSET);
  const codec = checkCompressionType(attributes & COMPRESSION_CODEC_MASK);
  const count = records.readInt32BE(pos + RECORDS_COUNT_OFFSET);
  if (count < 0) throw new InvalidRecordError(`Invalid reported count for record batch: ${count}`);
  const baseTimestamp = Number(records.readBigInt64BE(pos + BASE_TIMESTAMP_OFFSET));
  const batchLat = (attributes & TIMESTAMP_TYPE_MASK) !== 0;
  const target = opts.targetCompression === undefined || opts.targetCompression === 'producer' ? codec : opts.targetCompression;
  const isControl = (attributes & CONTROL_FLAG_MASK) !== 0;

  if (codec === CompressionType.NONE) {
    walkRecords(records, pos + RECORD_BATCH_OVERHEAD, pos + size, count, baseTimestamp, batchLat, opts, now);
  } else {
    const limit = opts.decompressionLimit ?? DEFAULT_DECOMPRESSION_LIMIT;
    const inner = decompressedEntry(opts.decompressed, pos) ?? decompress(codec, records.subarray(pos + RECORD_BATCH_OVERHEAD, pos + size), limit);
    walkRecords(inner, 0, inner.length, count, baseTimestamp, batchLat, opts, now);
  }
  if (walk.errors) throw recordValidationError(walk.errors);
  const inPlace = (target === codec || (codec === CompressionType.NONE && isControl))
    && (walk.sequential || codec === CompressionType.NONE);
  if (!inPlace) return rebuild(records.subarray(pos, pos + size), target, opts, nowBig, decompressedEntry(opts.decompressed, pos));

  const timestampType = opts.timestampType ?? 0;
  const firstOffset = opts.nextOffset;
  const lastOffset = firstOffset + BigInt(count - 1);
  setBaseOffset(records, pos, firstOffset);
  setPartitionLeaderEpoch(records, pos, opts.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH);
  let maxTimestamp: bigint;
  let offsetOfMaxTimestamp: bigint;
  if (timestampType === 1) {
    maxTimestamp = nowBig;
    offsetOfMaxTimestamp = codec === CompressionType.NONE ? lastOffset : firstOffset;
  } else {
    maxTimestamp = BigInt(walk.maxTimestamp);
    offsetOfMaxTimestamp = walk.indexOfMax < 0 ? -1n : firstOffset + BigInt(walk.indexOfMax);
  }
  if (batchLat !== (timestampType === 1) || records.readBigInt64BE(pos + MAX_TIMESTAMP_OFFSET) !== maxTimestamp) {
    // Kafka's setMaxTimestamp. The CRC was verified above, so it is updated from the changed
    // bytes alone instead of re-reading the whole batch.
    const before = Buffer.from(records.subarray(pos + ATTRIBUTES_OFFSET, pos + MAX_TIMESTAMP_OFFSET + 8));
    const newAttributes = timestampType === 1 ? attributes | TIMESTAMP_TYPE_MASK : attributes & ~TIMESTAMP_TYPE_MASK;
    records.writeInt16BE(newAttributes, pos + ATTRIBUTES_OFFSET);
    records.writeBigInt64BE(maxTimestamp, pos + MAX_TIMESTAMP_OFFSET);
    const crc = crc32cAfterChange(records.readUInt32BE(pos + CRC_OFFSET), records, pos + size, pos + ATTRIBUTES_OFFSET, before);
    records.writeUInt32BE(crc, pos + CRC_OFFSET);
  }
  return {
    validatedRecords: records,
    converted: false,
    firstOffset,
    lastOffset,
    maxTimestamp,
    offsetOfMaxTimestamp,
    logAppendTime: timestampType === 1 ? nowBig : NO_TIMESTAMP,
    count,
    shallowCount: 1,
    producerId: records.readBigInt64BE(pos + PRODUCER_ID_OFFSET),
    producerEpoch: records.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
    baseSequence: records.readInt32BE(pos + BASE_SEQUENCE_OFFSET),
    isTransactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
  };
}

/** Kafka's buildRecordsAndAssignOffsets for a magic-2 batch (recompression, offset rewrite). */
function rebuild(batch: Buffer, target: number, opts: LogValidatorOptions, now: bigint, decompressed: Buffer | undefined): ValidationResult {
  const attributes = batch.readInt16BE(ATTRIBUTES_OFFSET);
  const simple: SimpleRecord[] = [];
  for (const r of iterateRecords(batch, opts.decompressionLimit, decompressed)) {
    simple.push({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp });
  }
  return build(simple, target, opts, now, {
    producerId: batch.readBigInt64BE(PRODUCER_ID_OFFSET),
    producerEpoch: batch.readInt16BE(PRODUCER_EPOCH_OFFSET),
    baseSequence: batch.readInt32BE(BASE_SEQUENCE_OFFSET),
    isTransactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
    isControl: (attributes & CONTROL_FLAG_MASK) !== 0,
  });
}

interface ProducerFields {
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  isTransactional: boolean;
  isControl: boolean;
}

function build(
  simple: SimpleRecord[], target: number, opts: LogValidatorOptions, now: bigint, producer: ProducerFields,
): ValidationResult {
  const timestampType = opts.timestampType ?? 0;
  const firstOffset = opts.nextOffset;
  const out = buildRecordBatch(simple, {
    baseOffset: firstOffset,
    partitionLeaderEpoch: opts.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH,
    compression: target,
    timestampType,
    logAppendTime: now,
    ...producer,
  });
  let maxTimestamp = NO_TIMESTAMP;
  let indexOfMax = -1;
  simple.forEach((r, i) => {
    if ((r.timestamp ?? NO_TIMESTAMP) > maxTimestamp) {
      maxTimestamp = r.timestamp!;
      indexOfMax = i;
    }
  });
  const lastOffset = firstOffset + BigInt(simple.length - 1);
  return {
    validatedRecords: out,
    converted: true,
    firstOffset,
    lastOffset,
    maxTimestamp: timestampType === 1 ? now : maxTimestamp,
    offsetOfMaxTimestamp: timestampType === 1 ? lastOffset : indexOfMax < 0 ? -1n : firstOffset + BigInt(indexOfMax),
    logAppendTime: timestampType === 1 ? now : NO_TIMESTAMP,
    count: simple.length,
    shallowCount: 1,
    ...producer,
  };
}

/**
 * Up-conversion of legacy (magic 0/1) produce records to one magic-2 batch, validating each message
 * as Kafka does (CRC, nested compression, keys for compacted topics, timestamps).
 */
function convertLegacy(records: Buffer, positions: number[], magic: number, opts: LogValidatorOptions): ValidationResult {
  const now = opts.now ?? BigInt(Date.now());
  const firstCodec = records.readInt8(positions[0]! + 17) & COMPRESSION_CODEC_MASK;
  if (firstCodec !== CompressionType.NONE && positions.length > 1) {
    throw new InvalidRecordError('Compressed outer record has more than one batch');
  }
  const simple: SimpleRecord[] = [];
  const errors: RecordError[] = [];
  const createTime = (opts.timestampType ?? 0) === 0;
  const before = BigInt(Math.min(opts.timestampBeforeMaxMs ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER));
  const after = BigInt(Math.min(opts.timestampAfterMaxMs ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER));
  for (const pos of positions) {
    const size = records.readInt32BE(pos + LENGTH_OFFSET) + LOG_OVERHEAD;
    if (opts.maxMessageBytes !== undefined && size > opts.maxMessageBytes) {
      throw new MessageTooLargeError(`The message size ${size} exceeds max.message.bytes ${opts.maxMessageBytes}`);
    }
    const entry = records.subarray(pos, pos + size);
    const entryAttributes = entry.readInt8(17);
    for (const m of iterateLegacyMessages(entry, opts.decompressionLimit, decompressedEntry(opts.decompressed, pos))) {
      const i = simple.length;
      if (opts.compactedTopic && m.key === null) {
        errors.push(missingKeyError(i));
      } else if (createTime && m.timestamp !== NO_TIMESTAMP) {
        if (now - m.timestamp > before || m.timestamp - now > after) {
          errors.push(timestampOutOfRangeError(i, m.timestamp));
        }
      } else if (magic === 1 && (entryAttributes & TIMESTAMP_TYPE_MASK) !== 0) {
        errors.push(logAppendTimeByProducerError(i));
      }
      simple.push({ key: m.key, value: m.value, timestamp: m.timestamp });
    }
  }
  if (errors.length > 0) throw recordValidationError(errors);
  const target = opts.targetCompression === undefined || opts.targetCompression === 'producer'
    ? firstCodec : opts.targetCompression;
  return build(simple, target, opts, now, {
    producerId: -1n, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false,
  });
}

