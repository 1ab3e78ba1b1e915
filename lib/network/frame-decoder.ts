/**
 * Reassembles size-prefixed Kafka frames (`int32 size` + `size` bytes) from TCP chunks.
 * A frame that lies inside one chunk is returned as a zero-copy view of it; a frame spread over
 * several chunks is copied once into a buffer allocated only after its size passed the limit.
 * Mirrors the receive half of Kafka's NetworkReceive (`socket.request.max.bytes` check included).
 */

export class InvalidFrameSizeError extends Error {
  constructor(readonly size: number, readonly maxSize: number) {
    super(size < 0 ? `invalid negative frame size ${size}` : `frame of ${size} bytes exceeds the limit of ${maxSize} bytes`);
    this.name = 'InvalidFrameSizeError';
  }
}

export class FrameDecoder {
  /** Bytes received but not yet part of a returned frame (at most one partial frame's worth). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** When a large frame is being assembled: its buffer and how much of it is filled. */
  private assembling: Buffer | null = null;
  private filled = 0;

  /** `allocate` gives the buffer a multi-chunk frame is assembled in (a FramePool's, say). */
  constructor(
    private readonly maxFrameSize: number,
    private readonly allocate: (size: number) => Buffer = Buffer.allocUnsafe,
  ) {}

  /** Bytes buffered towards the next frame. */
  get bufferedBytes(): number {
    return this.assembling ? this.filled : this.pendingBytes;
  }

  /** Feeds a chunk; returns the complete frames (payload without the size prefix), in order. */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let data = chunk;
    while (data.length > 0) {
      if (this.assembling) {
        const need = this.assembling.length - this.filled;
        const n = Math.min(need, data.length);
        data.copy(this.assembling, this.filled, 0, n);
        this.filled += n;
        data = data.subarray(n);
        if (this.filled === this.assembling.length) {
          frames.push(this.assembling);
          this.assembling = null;
          this.filled = 0;
        }
        continue;
      }
      if (this.pendingBytes > 0) {
        // Complete the 4-byte size prefix from pending bytes plus this chunk (at most 3 bytes pending).
        const take = Math.min(4 - this.pendingBytes, data.length);
        this.pending.push(data.subarray(0, take));
        this.pendingBytes += take;
        data = data.subarray(take);
        if (this.pendingBytes < 4) break;
        const prefix = Buffer.alloc(4);
        let at = 0;
        for (const p of this.pending) at += p.copy(prefix, at);
        this.pending = [];
        this.pendingBytes = 0;
        this.startFrame(prefix.readInt32BE(0));
        if (this.assembling && (this.assembling as Buffer).length === 0) {
          frames.push(this.assembling);
          this.assembling = null;
        }
        continue;
      }
      if (data.length < 4) {
        this.pending.push(data);
        this.pendingBytes = data.length;
        break;
      }
      const size = data.readInt32BE(0);
      this.checkSize(size);
      if (data.length >= 4 + size) {
        frames.push(data.subarray(4, 4 + size));
        data = data.subarray(4 + size);
      } else {
        this.startFrame(size);
        data = data.subarray(4);
      }
    }
    return frames;
  }

  private checkSize(size: number): void {
    if (size < 0 || size > this.maxFrameSize) throw new InvalidFrameSizeError(size, this.maxFrameSize);
  }

  private startFrame(size: number): void {
    this.checkSize(size);
    this.assembling = this.allocate(size);
    this.filled = 0;
  }
}
