/**
 * Decompression that never holds more than its result. compression.ts' `decompress` collects the
 * output as it comes, so a batch inflating past the limit (a compression bomb) costs up to the
 * limit in memory before it is refused, and a valid one up to twice its size while its pieces are
 * joined. For gzip and zstd, whose framing does not bound the output (a gzip trailer or a zstd
 * frame header can lie), decompressMeasured streams the data once to measure the output — through
 * reused memory for zstd, in chunks dropped as they come for gzip — refusing it past the limit,
 * then inflates it again into one buffer of exactly that size. Twice the CPU for the large
 * batches it is used for (on a DecompressionPool's worker threads, never on the event loop).
 */
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { CorruptMessageError } from '../protocol/errors.js';
import { CompressionType, DecompressionLimitError, decompress, decompressedSizeBound, type CodecOptions } from './compression.js';

const require = createRequire(import.meta.url);
const zstdBinding = (): typeof import('zstd-napi/binding.js') => require('zstd-napi/binding.js') as typeof import('zstd-napi/binding.js');

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
  const measured = (type === CompressionType.GZIP || type === CompressionType.ZSTD) && decompressedSizeBound(type, data) > MEASURE_FIRST_BYTES;
  if (!measured) return decompress(type, data, limit, options);
  if (type === CompressionType.ZSTD) {
    zstdOutputSize(data, limit); // refuses past the limit without keeping any output
    return decompress(type, data, limit, options);
  }
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

/** The output size of zstd `data`, streamed through one reused buffer; CorruptMessageError past `limit`. */
function zstdOutputSize(data: Buffer, limit: number): number {
  const dctx = new (zstdBinding().DCtx)();
  const scratch = Buffer.allocUnsafe(CHUNK);
  let size = 0;
  let consumed = 0;
  try {
    for (;;) {
      const [ret, written, read] = dctx.decompressStream(scratch, data.subarray(consumed));
      size += written;
      consumed += read;
      if (size > limit) throw tooLarge(size, limit);
      if (ret === 0 && consumed >= data.length) return size;
      if (written === 0 && read === 0) throw new CorruptMessageError('Truncated zstd frame');
    }
  } catch (err) {
    if (err instanceof CorruptMessageError) throw err;
    throw new CorruptMessageError(`Invalid zstd data: ${(err as Error).message}`);
  }
}
