/**
 * Record batches for the fuzzer and the decompression benchmark: a magic-2 batch around any
 * records section (a compression bomb: a few hundred KB that inflate to hundreds of MB), and a
 * valid compressed batch of many compressible records.
 */
import zlib from 'node:zlib';
import {
  ATTRIBUTES_OFFSET, BASE_SEQUENCE_OFFSET, BASE_TIMESTAMP_OFFSET, CRC_OFFSET, LAST_OFFSET_DELTA_OFFSET, LENGTH_OFFSET,
  LOG_OVERHEAD, MAGIC_OFFSET, MAX_TIMESTAMP_OFFSET, PARTITION_LEADER_EPOCH_OFFSET, PRODUCER_EPOCH_OFFSET, PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD, RECORDS_COUNT_OFFSET,
} from '../../lib/record/batch-header.js';
import { CompressionType } from '../../lib/record/compression.js';
import { crc32c } from '../../lib/record/crc.js';
import { buildRecordBatch, type SimpleRecord } from '../../lib/record/memory-records-builder.js';

/** A batch with a correct header and CRC-32C around `records` (compressed with `codec` or not). */
export function batchAround(records: Buffer, codec: number, count: number): Buffer {
  const b = Buffer.alloc(RECORD_BATCH_OVERHEAD + records.length);
  b.writeBigInt64BE(0n, 0);
  b.writeInt32BE(b.length - LOG_OVERHEAD, LENGTH_OFFSET);
  b.writeInt32BE(-1, PARTITION_LEADER_EPOCH_OFFSET);
  b.writeInt8(2, MAGIC_OFFSET);
  b.writeInt16BE(codec, ATTRIBUTES_OFFSET);
  b.writeInt32BE(count - 1, LAST_OFFSET_DELTA_OFFSET);
  const now = BigInt(Date.now());
  b.writeBigInt64BE(now, BASE_TIMESTAMP_OFFSET);
  b.writeBigInt64BE(now, MAX_TIMESTAMP_OFFSET);
  b.writeBigInt64BE(-1n, PRODUCER_ID_OFFSET);
  b.writeInt16BE(-1, PRODUCER_EPOCH_OFFSET);
  b.writeInt32BE(-1, BASE_SEQUENCE_OFFSET);
  b.writeInt32BE(count, RECORDS_COUNT_OFFSET);
  records.copy(b, RECORD_BATCH_OVERHEAD);
  b.writeUInt32BE(crc32c(b, ATTRIBUTES_OFFSET), CRC_OFFSET);
  return b;
}

/** gzip of `inflatedBytes` zero bytes, streamed (the inflated bytes are never held). */
export async function gzipOfZeros(inflatedBytes: number): Promise<Buffer> {
  const chunk = Buffer.alloc(Math.min(inflatedBytes, 4 * 1024 * 1024));
  const gzip = zlib.createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (d: Buffer) => out.push(d));
  const done = new Promise<void>((resolve, reject) => {
    gzip.on('end', resolve);
    gzip.on('error', reject);
  });
  for (let left = inflatedBytes; left > 0; left -= chunk.length) {
    if (!gzip.write(chunk.subarray(0, Math.min(left, chunk.length)))) await new Promise((r) => gzip.once('drain', r));
  }
  gzip.end();
  await done;
  return Buffer.concat(out);
}

/**
 * A compression bomb: a gzip batch whose single "record" inflates to `inflatedBytes` of zeros.
 * `forgedTrailer` makes the gzip trailer claim 1000 bytes, so that only inflating tells.
 */
export async function gzipBombBatch(inflatedBytes: number, forgedTrailer = false): Promise<Buffer> {
  const gz = await gzipOfZeros(inflatedBytes);
  if (forgedTrailer) gz.writeUInt32LE(1000, gz.length - 4);
  return batchAround(gz, CompressionType.GZIP, 1);
}

/** A valid batch of `count` records of `valueSize` compressible bytes, compressed with `codec`. */
export function compressibleBatch(codec: number, count: number, valueSize: number): Buffer {
  const value = Buffer.alloc(valueSize, 'x');
  const records: SimpleRecord[] = [];
  for (let i = 0; i < count; i++) records.push({ key: Buffer.from(String(i).padStart(10, '0')), value });
  return buildRecordBatch(records, { compression: codec });
}
