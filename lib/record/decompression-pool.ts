/**
 * Decompression off the event loop. Kafka decompresses a produced batch on one of its request
 * handler threads (num.io.threads) while its network threads go on serving; a broker with one
 * JavaScript thread would instead stop answering everyone for as long as a large batch takes to
 * inflate (hundreds of milliseconds for 100 MB). A DecompressionPool runs the bounded
 * decompression (measured-decompression.ts) on worker threads: the compressed bytes are copied to
 * the worker when it takes the job, the result's memory is transferred back. Workers start on first use, one job at a time each, and stop after
 * `idleTimeoutMs` without work; they never keep the process alive.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { CorruptMessageError, RequestTimedOutError } from '../protocol/errors.js';
import { SYSTEM_TIME, type Time, type TimerHandle } from '../common/time.js';

export interface DecompressionJob {
  id: number;
  codec: number;
  data: Uint8Array;
  limit: number;
  lz4BrokenHeaderChecksum: boolean;
}

export type DecompressionResult =
  | { id: number; data: Uint8Array }
  | { id: number; error: string; corrupt: boolean };

interface Pending {
  /** The job without its bytes, which are copied for the worker only when it is sent. */
  job: Omit<DecompressionJob, 'data'>;
  data: Buffer;
  resolve: (b: Buffer) => void;
  reject: (e: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  busy: Pending | null;
  idleTimer: TimerHandle | null;
}

export interface DecompressionPoolOptions {
  /** Worker threads at most (default: the CPUs but one, between 1 and 4). */
  maxWorkers?: number;
  /** A worker without work for this long stops (default 30 s). */
  idleTimeoutMs?: number;
  /** Jobs waiting for a worker at most (default 16). */
  maxQueued?: number;
  time?: Time;
}

export class DecompressionPool {
  private readonly maxWorkers: number;
  private readonly idleTimeoutMs: number;
  private readonly maxQueued: number;
  private readonly time: Time;
  private readonly workers: PoolWorker[] = [];
  /** Workers being terminated: their memory is not given back yet, so they still count. */
  private terminating = 0;
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private completed = 0;
  private refused = 0;

  constructor(options: DecompressionPoolOptions = {}) {
    this.maxWorkers = options.maxWorkers ?? Math.max(1, Math.min(4, os.availableParallelism() - 1));
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
    this.maxQueued = options.maxQueued ?? 16;
    this.time = options.time ?? SYSTEM_TIME;
  }

  /** Worker threads running now. */
  get workerCount(): number {
    return this.workers.length;
  }

  /** Jobs refused because too many were waiting. */
  get refusedJobs(): number {
    return this.refused;
  }

  /** Jobs done on worker threads so far. */
  get completedJobs(): number {
    return this.completed;
  }

  /**
   * Decompresses `data` with codec `type` on a worker (decompressMeasured: compression.ts' bound and
   * its CorruptMessageError for bad data or output past `limit`).
   */
  decompress(type: number, data: Buffer, limit: number, options: { lz4BrokenHeaderChecksum?: boolean } = {}): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const job = { id: this.nextId++, codec: type, limit, lz4BrokenHeaderChecksum: options.lz4BrokenHeaderChecksum ?? false };
      this.queue.push({ job, data, resolve, reject });
      this.dispatch();
      if (this.queue.length > this.maxQueued) {
        this.queue.pop();
        this.refused++;
        reject(new RequestTimedOutError(`${this.maxQueued} batches are already waiting to be decompressed`));
      }
    });
  }

  /** Stops every worker; jobs not finished fail. The pool starts new workers when used again. */
  async shutdown(): Promise<void> {
    const workers = this.workers.splice(0);
    for (const p of this.queue.splice(0)) p.reject(new Error('decompression pool shut down'));
    await Promise.all(workers.map(async (w) => {
      w.idleTimer?.cancel();
      w.busy?.reject(new Error('decompression pool shut down'));
      w.busy = null;
      await w.worker.terminate();
    }));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let w = this.workers.find((x) => x.busy === null);
      if (!w && this.workers.length + this.terminating < this.maxWorkers) w = this.spawn();
      if (!w) return;
      const p = this.queue.shift()!;
      w.idleTimer?.cancel();
      w.idleTimer = null;
      w.busy = p;
      const job: DecompressionJob = { ...p.job, data: new Uint8Array(p.data) };
      w.worker.postMessage(job, [job.data.buffer as ArrayBuffer]);
    }
  }

  private spawn(): PoolWorker {
    const w: PoolWorker = { worker: startWorker(), busy: null, idleTimer: null };
    w.worker.unref();
    w.worker.on('message', (r: DecompressionResult) => {
      const p = w.busy;
      w.busy = null;
      if (p && p.job.id === r.id) {
        this.completed++;
        if ('data' in r) p.resolve(Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength));
        else p.reject(r.corrupt ? new CorruptMessageError(r.error) : new Error(r.error));
      }
      w.idleTimer = this.time.setTimer(() => this.retire(w), this.idleTimeoutMs);
      this.dispatch();
    });
    // A worker that dies (out of memory, say) fails its job and is replaced on the next one.
    const fail = (err: Error): void => {
      const i = this.workers.indexOf(w);
      if (i < 0) return;
      this.workers.splice(i, 1);
      w.idleTimer?.cancel();
      w.busy?.reject(new CorruptMessageError(`decompression failed: ${err.message || err.name || String(err)}`));
      w.busy = null;
      this.dispatch();
    };
    w.worker.on('error', fail);
    w.worker.on('exit', (code) => fail(new Error(`worker exited with code ${code}`)));
    this.workers.push(w);
    return w;
  }

  /** Stops an idle worker; a new one starts only once it is gone (its memory given back). */
  private retire(w: PoolWorker): void {
    if (w.busy !== null) return;
    const i = this.workers.indexOf(w);
    if (i < 0) return;
    this.workers.splice(i, 1);
    this.terminating++;
    void w.worker.terminate().finally(() => {
      this.terminating--;
      this.dispatch();
    });
  }
}

/**
 * Starts decompression-worker beside this module: the compiled .js, or under tsx (specs, scripts
 * run from TypeScript) the .ts source through tsx's loader, which worker threads do not inherit.
 */
function startWorker(): Worker {
  const source = import.meta.url.endsWith('.ts');
  const url = new URL(`./decompression-worker.${source ? 'ts' : 'js'}`, import.meta.url);
  if (!source) return new Worker(url);
  return new Worker(`import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(url.href)}); });`, { eval: true });
}

/** The broker's pool (workers start only when a large compressed batch arrives). */
export const sharedDecompressionPool = new DecompressionPool();
