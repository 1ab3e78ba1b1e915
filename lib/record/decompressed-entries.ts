/**
 * The produce path's decompression, kept off the event loop. Before a partition's records are
 * validated (LogValidator, synchronous, under the log's append), each compressed entry whose
 * framing allows more than OFF_LOOP_MIN_BYTES of output is decompressed here: first on the event
 * loop with OFF_LOOP_MIN_BYTES as the limit (a megabyte: a millisecond or two, and most batches
 * fit), and when it does not fit, on a DecompressionPool's worker thread with the real limit. The
 * validator then reads the result by the entry's position instead of inflating it itself. Entries
 * whose framing bounds them to a megabyte are left to the validator, as are those whose framing or
 * checksum is wrong (it rejects them without inflating). A failure — bad bytes, output past the
 * limit, a pool too busy to take the job (REQUEST_TIMED_OUT) — is kept as the entry's result and
 * thrown by the validator where it would have inflated, so answers and their precedence are as before.
 */
import { CorruptMessageError } from '../protocol/errors.js';
import {
  ATTRIBUTES_OFFSET, COMPRESSION_CODEC_MASK, CRC_OFFSET, LENGTH_OFFSET, LOG_OVERHEAD, MAGIC_OFFSET, RECORD_BATCH_OVERHEAD,
} from './batch-header.js';
import { CompressionType, DEFAULT_DECOMPRESSION_LIMIT, DecompressionLimitError, decompress, decompressedSizeBound } from './compression.js';
import { crc32c } from './crc.js';
import type { DecompressionPool } from './decompression-pool.js';
import { LEGACY_RECORD_OVERHEAD_V0, readLegacyEntry } from './legacy-record.js';

/** Entries of one records blob decompressed ahead of validation: entry position → bytes or error. */
export type DecompressedEntries = ReadonlyMap<number, Buffer | Error>;

/** Entries that may inflate to more than this are decompressed off the event loop. */
export const OFF_LOOP_MIN_BYTES = 1024 * 1024;

export interface CompressedEntry {
  /** Position of the entry (batch or legacy wrapper message) in the records. */
  position: number;
  codec: number;
  data: Buffer;
  lz4BrokenHeaderChecksum: boolean;
}

/**
 * The compressed entries of `records` that may inflate to more than OFF_LOOP_MIN_BYTES and whose
 * framing and checksum are sound (v2 batches and legacy wrapper messages). Reads headers, and the
 * checksum of those entries only: cheap enough for every produce.
 */
export function largeCompressedEntries(records: Buffer): CompressedEntry[] {
  const out: CompressedEntry[] = [];
  let pos = 0;
  while (records.length - pos >= LOG_OVERHEAD + LEGACY_RECORD_OVERHEAD_V0) {
    const end = pos + LOG_OVERHEAD + records.readInt32BE(pos + LENGTH_OFFSET);
    if (end > records.length || end < pos + LOG_OVERHEAD + LEGACY_RECORD_OVERHEAD_V0) break;
    const magic = records.readInt8(pos + MAGIC_OFFSET);
    let entry: CompressedEntry | null = null;
    if (magic === 2 && end - pos >= RECORD_BATCH_OVERHEAD) {
      const codec = records.readInt16BE(pos + ATTRIBUTES_OFFSET) & COMPRESSION_CODEC_MASK;
      if (codec !== CompressionType.NONE && codec <= CompressionType.ZSTD) {
        entry = { position: pos, codec, data: records.subarray(pos + RECORD_BATCH_OVERHEAD, end), lz4BrokenHeaderChecksum: false };
      }
    } else if (magic === 0 || magic === 1) {
      entry = legacyWrapper(records, pos); // CRC-checked as it is read
    }
    if (entry && decompressedSizeBound(entry.codec, entry.data) > OFF_LOOP_MIN_BYTES
      && (magic !== 2 || records.readUInt32BE(pos + CRC_OFFSET) === crc32c(records, pos + ATTRIBUTES_OFFSET, end))) {
      out.push(entry);
    }
    pos = end;
  }
  return out;
}

/** Decompresses `entries` on `pool`, one at a time; never throws (a failure is the entry's result). */
export async function decompressEntries(
  entries: readonly CompressedEntry[], pool: DecompressionPool, limit = DEFAULT_DECOMPRESSION_LIMIT,
): Promise<DecompressedEntries> {
  const out = new Map<number, Buffer | Error>();
  // One at a time: a request of many partitions never holds more than one inflated entry here.
  for (const e of entries) {
    const options = { lz4BrokenHeaderChecksum: e.lz4BrokenHeaderChecksum };
    try {
      out.set(e.position, decompress(e.codec, e.data, Math.min(limit, OFF_LOOP_MIN_BYTES), options));
      continue;
    } catch (err) {
      if (!(err instanceof DecompressionLimitError) || limit <= OFF_LOOP_MIN_BYTES) {
        out.set(e.position, err instanceof Error ? err : new CorruptMessageError(String(err)));
        continue;
      }
    }
    try {
      out.set(e.position, await pool.decompress(e.codec, e.data, limit, options));
    } catch (err) {
      out.set(e.position, err instanceof Error ? err : new CorruptMessageError(String(err)));
    }
  }
  return out;
}

/** largeCompressedEntries + decompressEntries; undefined when there is nothing to decompress. */
export async function decompressLargeEntries(
  records: Buffer, pool: DecompressionPool, limit = DEFAULT_DECOMPRESSION_LIMIT,
): Promise<DecompressedEntries | undefined> {
  const large = largeCompressedEntries(records);
  return large.length === 0 ? undefined : decompressEntries(large, pool, limit);
}

/** The bytes decompressed ahead for the entry at `position`, if any; throws the entry's error. */
export function decompressedEntry(entries: DecompressedEntries | undefined, position: number): Buffer | undefined {
  const r = entries?.get(position);
  if (r instanceof Error) throw r;
  return r;
}

function legacyWrapper(records: Buffer, position: number): CompressedEntry | null {
  try {
    const m = readLegacyEntry(records, position);
    const codec = m.attributes & COMPRESSION_CODEC_MASK;
    if (codec === CompressionType.NONE || codec > CompressionType.LZ4 || m.value === null) return null;
    return { position, codec, data: m.value, lz4BrokenHeaderChecksum: m.magic === 0 };
  } catch {
    return null;
  }
}
