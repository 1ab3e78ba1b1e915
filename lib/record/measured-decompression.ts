/**
 * Decompression that never holds more than its result. compression.ts' `decompress` collects the
 * output as it comes, so a batch inflating past the limit (a compression bomb) costs up to the
 * limit in memory before it is refused, and a valid one up to twice its size while its pieces are
 * joined. For gzip, whose framing does not bound the output (a gzip trailer can lie),
 * decompressMeasured streams the data once to measure the output — in chunks dropped as they come —
 * refusing it past the limit,
 * then inflates it again into one buffer of exactly that size. Twice the CPU for the large
 * batches it is used for (on a DecompressionPool's worker threads, never on the event loop).
 */
import zlib from 'node:zlib';
import { CorruptMessageError } from '../protocol/errors.js';
import { CompressionType, DecompressionLimitError, decompress, decompressedSizeBound, type CodecOptions } from './compression.js';


/** Outputs that may be larger than this are measured first. */
export const MEASURE_FIRST_BYTES = 8 * 1024 * 1024;
const CHUNK = 1024 * 1024;

function tooLarge(size: number, limit: number): DecompressionLimitError {
  return new DecompressionLimitError(size, limit);
}

/**
 * `decompress`, measuring first when the codec's framing does not bound the output and it may
 * exceed MEASURE_FIRST_BYTES. `afterChunk` runs after each megabyte of dropped output (a worker
 * collects its garbage there).
 */
export async function decompressMeasured(type: number, data: Buffer, limit: number, options: CodecOptions = {}, afterChunk?: () => void): Promise<Buffer> {
  // zstd: decompress() walks the frames first and decodes each into at most its block bound or the
  // room left under the limit, so it needs no measuring pass.
  const measured = type === CompressionType.GZIP && decompressedSizeBound(type, data) > MEASURE_FIRST_BYTES;
  if (!measured) return decompress(type, data, limit, options);
  const size = await streamGunzip(data, limit, null, afterChunk);
  const out = Buffer.allocUnsafe(size);
  await streamGunzip(data, size, out, afterChunk);
  return out;
}

/** Inflates gzip `data` chunk by chunk, copying into `into` when given; returns the output size. */
function streamGunzip(data: Buffer, limit: number, into: Buffer | null, afterChunk?: () => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const gunzip = zlib.createGunzip({ chunkSize: CHUNK });
    let size = 0;
    let failed = false;
    const fail = (err: Error): void => {
      if (failed) return;
      failed = true;
      gunzip.destroy();
      reject(err instanceof CorruptMessageError ? err : new CorruptMessageError(`Invalid gzip data: ${err.message}`));
    };
    gunzip.on('data', (chunk: Buffer) => {
      if (size + chunk.length > limit) return fail(tooLarge(size + chunk.length, limit));
      if (into) chunk.copy(into, size);
      size += chunk.length;
      afterChunk?.();
    });
    gunzip.on('error', fail);
    gunzip.on('end', () => {
      if (!failed) resolve(size);
    });
    gunzip.end(data);
  });
}

