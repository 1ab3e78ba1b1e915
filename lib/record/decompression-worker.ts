/**
 * The body of a DecompressionPool worker thread: runs the bounded decompression (measured first
 * when the output may be large, see measured-decompression.ts) on the jobs it is sent and posts
 * back the bytes (their memory transferred, not copied) or the error. Inflating leaves garbage
 * (dropped chunks, pieces joined into the result) that the collector would keep for a while; this
 * thread only runs jobs, so it collects as it goes and after any job leaving more than
 * COLLECT_ABOVE_BYTES behind, giving that memory back at once.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { parentPort } from 'node:worker_threads';
import { CorruptMessageError } from '../protocol/errors.js';
import { decompressMeasured } from './measured-decompression.js';
import type { DecompressionJob, DecompressionResult } from './decompression-pool.js';

/** Array buffer memory this thread may keep between jobs. */
const COLLECT_ABOVE_BYTES = 16 * 1024 * 1024;
/** Dropped output between two collections while measuring. */
const COLLECT_EVERY_CHUNKS = 8;

// A collector to call (this thread only runs jobs, so a pause here stalls nothing else).
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as (() => void) | undefined;

const port = parentPort;
if (!port) throw new Error('decompression-worker runs only as a worker thread');

async function run(job: DecompressionJob): Promise<void> {
  let result: DecompressionResult;
  const transfer: ArrayBuffer[] = [];
  let handedOver = 0;
  let chunks = 0;
  const afterChunk = (): void => {
    if (++chunks % COLLECT_EVERY_CHUNKS === 0) gc?.();
  };
  try {
    const data = Buffer.from(job.data.buffer, job.data.byteOffset, job.data.byteLength);
    const out = await decompressMeasured(job.codec, data, job.limit, { lz4BrokenHeaderChecksum: job.lz4BrokenHeaderChecksum }, afterChunk);
    // A large result owns its memory and is handed over as is; a small one may sit in node's
    // shared allocation pool, so it is copied.
    const owned = out.buffer.byteLength > Buffer.poolSize ? out : new Uint8Array(out);
    transfer.push(owned.buffer as ArrayBuffer);
    handedOver = owned.buffer.byteLength;
    result = { id: job.id, data: owned };
  } catch (err) {
    result = { id: job.id, error: err instanceof Error ? err.message : String(err), corrupt: err instanceof CorruptMessageError };
  }
  post(result, transfer);
  if (process.memoryUsage().arrayBuffers - handedOver > COLLECT_ABOVE_BYTES) gc?.();
}

/**
 * Posts the result, its memory transferred. A native codec's output (lz4-napi's) may live in an
 * ArrayBuffer that Node 24 refuses to transfer (DataCloneError, nothing detached): that one is
 * copied into memory of this thread's own and the copy transferred.
 */
function post(result: DecompressionResult, transfer: ArrayBuffer[]): void {
  try {
    port!.postMessage(result, transfer);
  } catch (err) {
    if (!('data' in result) || !(err instanceof Error && err.name === 'DataCloneError')) throw err;
    const copy = new Uint8Array(result.data);
    port!.postMessage({ id: result.id, data: copy } satisfies DecompressionResult, [copy.buffer]);
  }
}

port.on('message', (job: DecompressionJob) => void run(job));
