/**
 * The body of a DecompressionPool worker thread: runs compression.ts' bounded `decompress` on the
 * jobs it is sent and posts back the bytes (their memory transferred, not copied) or the error.
 * Inflating leaves garbage (a codec's intermediate chunks, a bomb's output up to the limit) that
 * this thread's garbage collector may keep for a long while; past RETIRE_BYTES it asks to be
 * retired, and terminating the thread gives all of it back at once.
 */
import { parentPort } from 'node:worker_threads';
import { CorruptMessageError } from '../protocol/errors.js';
import { decompress } from './compression.js';
import type { DecompressionJob, DecompressionResult } from './decompression-pool.js';

/** Array buffer memory this thread may keep between jobs. */
const RETIRE_BYTES = 16 * 1024 * 1024;

const port = parentPort;
if (!port) throw new Error('decompression-worker runs only as a worker thread');

port.on('message', (job: DecompressionJob) => {
  let result: DecompressionResult;
  const transfer: ArrayBuffer[] = [];
  let handedOver = 0;
  try {
    const out = decompress(job.codec, Buffer.from(job.data.buffer, job.data.byteOffset, job.data.byteLength), job.limit, { lz4BrokenHeaderChecksum: job.lz4BrokenHeaderChecksum });
    // A large result owns its memory and is handed over as is; a small one may sit in node's
    // shared allocation pool, so it is copied.
    const owned = out.buffer.byteLength > Buffer.poolSize ? out : new Uint8Array(out);
    transfer.push(owned.buffer as ArrayBuffer);
    handedOver = owned.buffer.byteLength;
    result = { id: job.id, data: owned, retire: false };
  } catch (err) {
    result = { id: job.id, error: err instanceof Error ? err.message : String(err), corrupt: err instanceof CorruptMessageError, retire: false };
  }
  result.retire = process.memoryUsage().arrayBuffers - handedOver > RETIRE_BYTES;
  port.postMessage(result, transfer);
});
