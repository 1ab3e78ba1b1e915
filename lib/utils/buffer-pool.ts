/**
 * Reusable large buffers for the two places a broker allocates megabytes per request: a request
 * frame spread over several TCP chunks (a 1 MB produce request is copied into one buffer) and the
 * log bytes a fetch reads for its response. Allocated fresh, each is freed only when V8 collects
 * its wrapper; at hundreds of requests per second those dead buffers pile up in the malloc heap,
 * tens of megabytes that glibc cannot give back once smaller allocations sit in between. Here a
 * buffer goes back to the pool as soon as its owner knows nobody refers to it any more — the
 * connection, once a reusable request was handled (RequestHandler.frameReusable) and once a
 * response's bytes were written to the socket — and the next large allocation reuses it.
 *
 * Capacities are powers of two from MIN_POOLED_SIZE up; acquire() returns a view of exactly the
 * asked size. At most `maxRetainedBytes` of free buffers are kept, the rest left to the GC. A
 * buffer that is never released (a reader that keeps what it read) is simply collected.
 * (Kafka's MemoryPool, KIP-72, only bounds request memory; the JVM's allocator makes reuse moot there.)
 */

/** Smaller buffers are allocated as usual (node's allocator handles them well). */
export const MIN_POOLED_SIZE = 64 * 1024;

export class BufferPool {
  private readonly free = new Map<number, Buffer[]>();
  /** Views handed out → the buffer they view (weak: a view never released is simply collected). */
  private readonly leased = new WeakMap<Buffer, Buffer>();
  private retained = 0;

  constructor(private readonly maxRetainedBytes: number) {}

  /** Bytes of free buffers kept for reuse. */
  get retainedBytes(): number {
    return this.retained;
  }

  /** A buffer of exactly `size` bytes (contents undefined). */
  acquire(size: number): Buffer {
    const capacity = capacityFor(size);
    if (size < MIN_POOLED_SIZE || capacity > this.maxRetainedBytes) return Buffer.allocUnsafe(size);
    const reused = this.free.get(capacity)?.pop();
    if (reused) this.retained -= capacity;
    const backing = reused ?? Buffer.allocUnsafeSlow(capacity);
    const view = backing.subarray(0, size);
    this.leased.set(view, backing);
    return view;
  }

  /**
   * Gives back a buffer from acquire(); nothing may refer to its bytes any more. Buffers the pool
   * did not hand out (or already got back) are ignored, so an owner can release whatever it holds.
   */
  release(view: Buffer): void {
    const backing = this.leased.get(view);
    if (!backing) return;
    this.leased.delete(view);
    if (this.retained + backing.length > this.maxRetainedBytes) return;
    let list = this.free.get(backing.length);
    if (!list) this.free.set(backing.length, (list = []));
    list.push(backing);
    this.retained += backing.length;
  }
}

function capacityFor(size: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(size, 1)));
}

/** The broker's pool: request frames and fetched log bytes (8 MiB of free buffers at most). */
export const sharedBufferPool = new BufferPool(8 * 1024 * 1024);
