/**
 * Legacy message sets, magic 0 and 1 (Kafka's `LegacyRecord` / `AbstractLegacyRecordBatch`):
 *
 *   offset int64 | size int32 | crc uint32 | magic int8 | attributes int8 |
 *   [timestamp int64, magic 1 only] | key int32-length bytes | value int32-length bytes
 *
 * The CRC-32 (IEEE) covers magic..end. A compressed message is a wrapper whose value is a
 * compressed message set of inner messages. Magic 0 inner messages carry absolute offsets; magic 1
 * inner messages carry relative offsets 0..n-1 and the wrapper carries the absolute offset of the
 * last inner message. With LogAppendTime (magic 1) the wrapper's timestamp applies to every inner
 * message.
 */
import { Parser } from 'binary-parser';
import { CorruptMessageError, InvalidRecordError, UnsupportedCompressionTypeError } from '../protocol/errors.js';
import { LOG_OVERHEAD, NO_TIMESTAMP, TIMESTAMP_TYPE_MASK } from './batch-header.js';
import { CompressionType, DEFAULT_DECOMPRESSION_LIMIT, checkCompressionType, compress, decompress } from './compression.js';
import { crc32 } from './crc.js';
import type { Record } from './default-record.js';

export const LEGACY_CRC_OFFSET = 12;
export const LEGACY_MAGIC_OFFSET = 16;
export const LEGACY_ATTRIBUTES_OFFSET = 17;
export const LEGACY_TIMESTAMP_OFFSET = 18;
/** crc + magic + attributes + key length + value length: Kafka's RECORD_OVERHEAD_V0. */
export const LEGACY_RECORD_OVERHEAD_V0 = 14;
/** RECORD_OVERHEAD_V0 + timestamp: Kafka's RECORD_OVERHEAD_V1. */
export const LEGACY_RECORD_OVERHEAD_V1 = 22;

export interface LegacyEntryHeader {
  offset: bigint;
  size: number;
  crc: number;
  magic: number;
  attributes: number;
}

const entryHeaderParser = new Parser()
  .endianness('big')
  .int64('offset')
  .int32('size')
  .uint32('crc')
  .int8('magic')
  .int8('attributes');

export interface LegacyMessage {
  offset: bigint;
  magic: number;
  attributes: number;
  /** NO_TIMESTAMP for magic 0. */
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
}

/**
 * Checks the legacy entry at `position` (size, magic 0/1, CRC-32) and parses it; key and value
 * are views. Any failure is a CorruptMessageError.
 */
export function readLegacyEntry(buf: Buffer, position = 0): LegacyMessage & { size: number } {
  if (buf.length - position < LOG_OVERHEAD + LEGACY_RECORD_OVERHEAD_V0) {
    throw new CorruptMessageError('Legacy message is truncated');
  }
  const h = entryHeaderParser.parse(buf.subarray(position, position + LEGACY_TIMESTAMP_OFFSET)) as LegacyEntryHeader;
  if (h.magic !== 0 && h.magic !== 1) throw new CorruptMessageError(`Legacy message has invalid magic ${h.magic}`);
  const overhead = h.magic === 0 ? LEGACY_RECORD_OVERHEAD_V0 : LEGACY_RECORD_OVERHEAD_V1;
  if (h.size < overhead) throw new CorruptMessageError(`Legacy message size ${h.size} is below the minimum ${overhead}`);
  const end = position + LOG_OVERHEAD + h.size;
  if (end > buf.length) throw new CorruptMessageError('Legacy message is truncated');
  const computed = crc32(buf, position + LEGACY_MAGIC_OFFSET, end);
  if (computed !== h.crc) {
    throw new CorruptMessageError(`Legacy message is corrupt (stored crc = ${h.crc}, computed crc = ${computed})`);
  }
  let pos = position + LEGACY_TIMESTAMP_OFFSET;
  let timestamp = NO_TIMESTAMP;
  if (h.magic === 1) {
    timestamp = buf.readBigInt64BE(pos);
    pos += 8;
  }
  const keyLen = buf.readInt32BE(pos);
  pos += 4;
  let key: Buffer | null = null;
  if (keyLen >= 0) {
    if (pos + keyLen + 4 > end) throw new CorruptMessageError('Legacy message key overruns the message');
    key = buf.subarray(pos, pos + keyLen);
    pos += keyLen;
  }
  const valueLen = buf.readInt32BE(pos);
  pos += 4;
  let value: Buffer | null = null;
  if (valueLen >= 0) {
    if (pos + valueLen > end) throw new CorruptMessageError('Legacy message value overruns the message');
    value = buf.subarray(pos, pos + valueLen);
    pos += valueLen;
  }
  if (pos !== end) throw new CorruptMessageError('Legacy message size does not match its fields');
  return { offset: h.offset, size: LOG_OVERHEAD + h.size, magic: h.magic, attributes: h.attributes, timestamp, key, value };
}

/**
 * Yields the logical messages of one legacy entry: the entry itself when uncompressed, or the
 * inner messages of a compressed wrapper with absolute offsets (and the wrapper's timestamp when
 * it is LogAppendTime). Nested compression is an InvalidRecordError. `decompressed` is the
 * wrapper's value already decompressed, when the caller has it.
 */
export function* iterateLegacyMessages(entryBuf: Buffer, limit = DEFAULT_DECOMPRESSION_LIMIT, decompressed?: Buffer): Generator<LegacyMessage> {
  const wrapper = readLegacyEntry(entryBuf, 0);
  const codec = checkCompressionType(wrapper.attributes & 0x07);
  if (codec === CompressionType.ZSTD) {
    throw new UnsupportedCompressionTypeError('zstd is not supported with legacy message formats');
  }
  if (codec === CompressionType.NONE) {
    yield wrapper;
    return;
  }
  if (wrapper.value === null) throw new InvalidRecordError('Compressed legacy message has a null value');
  const inner = decompressed ?? decompress(codec, wrapper.value, limit, { lz4BrokenHeaderChecksum: wrapper.magic === 0 });
  const messages: LegacyMessage[] = [];
  let pos = 0;
  while (pos < inner.length) {
    const m = readLegacyEntry(inner, pos);
    if ((m.attributes & 0x07) !== CompressionType.NONE) {
      throw new InvalidRecordError('Compressed legacy message contains a compressed message');
    }
    if (m.magic !== wrapper.magic) {
      throw new InvalidRecordError(`Inner message magic ${m.magic} differs from wrapper magic ${wrapper.magic}`);
    }
    messages.push(m);
    pos += m.size;
  }
  if (messages.length === 0) throw new InvalidRecordError('Compressed legacy message set is empty');
  const logAppendTime = wrapper.magic === 1 && (wrapper.attributes & TIMESTAMP_TYPE_MASK) !== 0;
  const absoluteBase = wrapper.magic === 0 ? 0n : wrapper.offset - messages[messages.length - 1]!.offset;
  for (const m of messages) {
    yield {
      ...m,
      offset: absoluteBase + m.offset,
      timestamp: logAppendTime ? wrapper.timestamp : m.timestamp,
      attributes: logAppendTime ? m.attributes | TIMESTAMP_TYPE_MASK : m.attributes,
    };
  }
}

/** Legacy messages as `Record`s (no headers). */
export function* iterateLegacyRecords(entryBuf: Buffer, limit = DEFAULT_DECOMPRESSION_LIMIT, decompressed?: Buffer): Generator<Record> {
  for (const m of iterateLegacyMessages(entryBuf, limit, decompressed)) {
    yield { offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value, headers: [] };
  }
}

export interface LegacyRecordInput {
  /** Absolute offset; defaults to baseOffset + index. Offsets must increase (gaps allowed). */
  offset?: bigint;
  key?: Buffer | null;
  value: Buffer | null;
  timestamp?: bigint;
}

export interface LegacyBuildOptions {
  magic: 0 | 1;
  baseOffset?: bigint;
  compression?: number;
  timestampType?: 0 | 1;
  /** With LogAppendTime: the wrapper's (or each message's) timestamp. */
  logAppendTime?: bigint;
}

function entrySize(magic: number, key: Buffer | null | undefined, value: Buffer | null | undefined): number {
  return LOG_OVERHEAD + (magic === 0 ? LEGACY_RECORD_OVERHEAD_V0 : LEGACY_RECORD_OVERHEAD_V1)
    + (key?.length ?? 0) + (value?.length ?? 0);
}

/** Writes one legacy entry at `pos` with its CRC-32; returns the position after it. */
export function writeLegacyEntry(
  buf: Buffer,
  pos: number,
  magic: 0 | 1,
  offset: bigint,
  attributes: number,
  timestamp: bigint,
  key: Buffer | null | undefined,
  value: Buffer | null | undefined,
): number {
  const start = pos;
  const size = entrySize(magic, key, value);
  buf.writeBigInt64BE(offset, pos);
  buf.writeInt32BE(size - LOG_OVERHEAD, pos + 8);
  buf.writeInt8(magic, pos + LEGACY_MAGIC_OFFSET);
  buf.writeInt8(attributes, pos + LEGACY_ATTRIBUTES_OFFSET);
  pos += LEGACY_TIMESTAMP_OFFSET;
  if (magic === 1) {
    buf.writeBigInt64BE(timestamp, pos);
    pos += 8;
  }
  for (const field of [key, value]) {
    if (field == null) {
      buf.writeInt32BE(-1, pos);
      pos += 4;
    } else {
      buf.writeInt32BE(field.length, pos);
      field.copy(buf, pos + 4);
      pos += 4 + field.length;
    }
  }
  buf.writeUInt32BE(crc32(buf, start + LEGACY_MAGIC_OFFSET, pos), start + LEGACY_CRC_OFFSET);
  return pos;
}

/**
 * Builds a legacy message set: one entry per record when uncompressed, otherwise one compressed
 * wrapper (magic 0: inner offsets absolute; magic 1: inner offsets relative, wrapper offset = last
 * absolute offset, wrapper timestamp = max timestamp or the LogAppendTime).
 */
export function buildLegacyMessageSet(records: readonly LegacyRecordInput[], options: LegacyBuildOptions): Buffer {
  const { magic } = options;
  const compression = checkCompressionType(options.compression ?? CompressionType.NONE);
  if (compression === CompressionType.ZSTD) {
    throw new UnsupportedCompressionTypeError('zstd has no legacy message format');
  }
  const baseOffset = options.baseOffset ?? 0n;
  const logAppend = magic === 1 && options.timestampType === 1;
  const appendTime = options.logAppendTime ?? BigInt(Date.now());
  const tsAttr = logAppend ? TIMESTAMP_TYPE_MASK : 0;
  const timestampOf = (r: LegacyRecordInput): bigint =>
    magic === 0 ? NO_TIMESTAMP : logAppend ? appendTime : r.timestamp ?? NO_TIMESTAMP;

  let total = 0;
  for (const r of records) total += entrySize(magic, r.key, r.value);
  const inner = Buffer.allocUnsafe(total);
  let pos = 0;
  let maxTimestamp = NO_TIMESTAMP;
  const offsetOf = (r: LegacyRecordInput, i: number): bigint => r.offset ?? baseOffset + BigInt(i);
  const firstOffset = records.length > 0 ? offsetOf(records[0]!, 0) : baseOffset;
  records.forEach((r, i) => {
    const absolute = offsetOf(r, i);
    const offset = compression !== CompressionType.NONE && magic === 1 ? absolute - firstOffset : absolute;
    const ts = timestampOf(r);
    if (ts > maxTimestamp) maxTimestamp = ts;
    pos = writeLegacyEntry(inner, pos, magic, offset, compression === CompressionType.NONE ? tsAttr : 0, ts, r.key, r.value);
  });
  if (compression === CompressionType.NONE || records.length === 0) return inner;

  const compressed = compress(compression, inner, { lz4BrokenHeaderChecksum: magic === 0 });
  const out = Buffer.allocUnsafe(entrySize(magic, null, compressed));
  writeLegacyEntry(
    out, 0, magic, offsetOf(records[records.length - 1]!, records.length - 1), compression | tsAttr,
    magic === 0 ? NO_TIMESTAMP : logAppend ? appendTime : maxTimestamp, null, compressed,
  );
  return out;
}
