/**
 * Kafka's MemoryPool (KIP-72, `SimpleMemoryPool`): a bound on the bytes of requests being read and
 * waiting to be handled (`queued.max.request.bytes`). A connection takes a request's memory as soon
 * as it has read the request's size, before reading its body; when the pool cannot supply it, the
 * connection is muted (stops reading, so the bytes stay in the kernel's socket buffers) until
 * memory is released, which happens when a request has been handled or its connection closed.
 *
 * This pool only counts bytes; the buffers themselves come from BufferPool. It allocates strictly —
 * never more than its size in use — where Kafka's broker pool may overshoot by one request; a
 * request larger than the whole pool (possible only when socket.request.max.bytes is larger) is
 * served when nothing else is allocated. Muted connections wait in arrival order; released memory
 * goes to the first waiters it can serve, so a small request is not held up behind a large one.
 */

interface Waiter {
  readonly size: number;
  readonly onAllocated: () => void;
}

export class MemoryPool {
  private used = 0;
  private readonly queue: Waiter[] = [];

  /** `sizeBytes` may be Infinity (Kafka's MemoryPool.NONE: no bound, only counting). */
  constructor(readonly sizeBytes: number) {
    if (!(sizeBytes > 0)) throw new RangeError(`a memory pool needs a positive size, not ${sizeBytes}`);
  }

  /** A pool that never refuses (queued.max.request.bytes=-1). */
  static unbounded(): MemoryPool {
    return new MemoryPool(Infinity);
  }

  /** Bytes not allocated; negative while a request larger than the pool holds it. */
  get availableMemory(): number {
    return this.sizeBytes - this.used;
  }

  get usedMemory(): number {
    return this.used;
  }

  get isOutOfMemory(): boolean {
    return this.availableMemory <= 0;
  }

  /** Connections waiting for memory. */
  get waiters(): number {
    return this.queue.length;
  }

  /** Takes `sizeBytes` when available and returns true; false (nothing taken) otherwise. */
  tryAllocate(sizeBytes: number): boolean {
    if (!this.fits(sizeBytes)) return false;
    this.used += sizeBytes;
    return true;
  }

  /**
   * Calls `onAllocated` once `sizeBytes` has been taken for the caller (possibly at once). Returns
   * a function that withdraws the wait (memory already given is then the caller's to release).
   */
  allocateWhenAvailable(sizeBytes: number, onAllocated: () => void): () => void {
    if (this.tryAllocate(sizeBytes)) {
      onAllocated();
      return () => undefined;
    }
    const waiter: Waiter = { size: sizeBytes, onAllocated };
    this.queue.push(waiter);
    return () => {
      const i = this.queue.indexOf(waiter);
      if (i >= 0) this.queue.splice(i, 1);
    };
  }

  /** Gives back memory from tryAllocate/allocateWhenAvailable; waiters that now fit get theirs. */
  release(sizeBytes: number): void {
    if (sizeBytes <= 0) return;
    this.used = Math.max(0, this.used - sizeBytes);
    for (let i = 0; i < this.queue.length && this.availableMemory > 0;) {
      const w = this.queue[i]!;
      if (!this.fits(w.size)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.used += w.size;
      w.onAllocated();
    }
  }

  private fits(size: number): boolean {
    return size <= this.availableMemory || this.used === 0;
  }
}
