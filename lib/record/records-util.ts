/**
 * Format conversion for old fetchers (Kafka's `RecordsUtil.downConvert`, used by
 * `LazyDownConversionRecords` for Fetch v0–3): magic-2 batches become magic 0 or 1 message sets.
 * Offsets are kept (gaps from compaction included), records before `firstOffset` in the first
 * batch are dropped, control batches are dropped, headers are lost (legacy messages have none),
 * and each batch keeps its codec — except zstd, which has no legacy form: Kafka answers
 * UNSUPPORTED_COMPRESSION_TYPE, and so does this (UnsupportedCompressionTypeError).
 * Entries already at or below the target magic pass through unchanged.
 */
import { UnsupportedCompressionTypeError } from '../protocol/errors.js';
import { ATTRIBUTES_OFFSET, MAX_TIMESTAMP_OFFSET, readBatchHeader } from './batch-header.js';
import { CompressionType, DEFAULT_DECOMPRESSION_LIMIT } from './compression.js';
import { LEGACY_ATTRIBUTES_OFFSET, buildLegacyMessageSet, type LegacyRecordInput } from './legacy-record.js';
import { batchesIn, compressionTypeOf, isControlBatch, iterateRecords, timestampTypeOf } from './record-batch.js';

export interface DownConvertResult {
  records: Buffer;
  /** Records that were rebuilt into the older format (Kafka's RecordConversionStats.numRecordsConverted). */
  numRecordsConverted: number;
}

export function downConvert(
  records: Buffer,
  toMagic: 0 | 1,
  firstOffset = 0n,
  limit = DEFAULT_DECOMPRESSION_LIMIT,
): DownConvertResult {
  const parts: Buffer[] = [];
  let total = 0;
  let numRecordsConverted = 0;
  for (const { position, size, magic } of batchesIn(records)) {
    const entry = records.subarray(position, position + size);
    if (magic <= toMagic) {
      parts.push(entry);
      total += entry.length;
      continue;
    }
    if (magic < 2) {
      // magic 1 → 0: rebuild message by message.
      const converted = convertEntries(entry, toMagic, firstOffset, entry[LEGACY_ATTRIBUTES_OFFSET]! & 0x07, 0, -1n, limit);
      if (converted) {
        parts.push(converted.buf);
        total += converted.buf.length;
        numRecordsConverted += converted.count;
      }
      continue;
    }
    const attributes = entry.readInt16BE(ATTRIBUTES_OFFSET);
    if (isControlBatch(attributes)) continue;
    const codec = compressionTypeOf(attributes);
    if (codec === CompressionType.ZSTD) {
      throw new UnsupportedCompressionTypeError('Down-conversion of zstandard-compressed batches is not supported');
    }
    const header = readBatchHeader(entry, 0);
    if (header.baseOffset + BigInt(header.lastOffsetDelta) < firstOffset) continue;
    const lat = timestampTypeOf(attributes);
    const converted = convertEntries(entry, toMagic, firstOffset, codec, lat, entry.readBigInt64BE(MAX_TIMESTAMP_OFFSET), limit);
    if (converted) {
      parts.push(converted.buf);
      total += converted.buf.length;
      numRecordsConverted += converted.count;
    }
  }
  return { records: parts.length === 1 ? parts[0]! : Buffer.concat(parts, total), numRecordsConverted };
}

function convertEntries(
  entry: Buffer, toMagic: 0 | 1, firstOffset: bigint, compression: number, timestampType: 0 | 1,
  logAppendTime: bigint, limit: number,
): { buf: Buffer; count: number } | null {
  const inputs: LegacyRecordInput[] = [];
  for (const r of iterateRecords(entry, limit)) {
    if (r.offset < firstOffset) continue;
    inputs.push({ offset: r.offset, key: r.key, value: r.value, timestamp: r.timestamp });
  }
  if (inputs.length === 0) return null;
  const buf = buildLegacyMessageSet(inputs, {
    magic: toMagic,
    baseOffset: inputs[0]!.offset!,
    compression,
    timestampType,
    logAppendTime,
  });
  return { buf, count: inputs.length };
}
