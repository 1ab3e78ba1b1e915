/**
 * Reassembles size-prefixed Kafka frames (`int32 size` + `size` bytes) from TCP chunks.
 * A frame that lies inside one chunk is returned as a zero-copy view of it; a frame spread over
 * several chunks is copied once into a buffer allocated only after its size passed the limit.
 * Mirrors the receive half of Kafka's NetworkReceive: the `socket.request.max.bytes` check, and
 * the memory of a frame taken from a MemoryPool as soon as its size is read. When that memory is
 * refused the decoder waits: it keeps the bytes it holds, returns no further frame, and goes on
 * when its owner has obtained the memory and calls memoryGranted(). The memory of a frame returned
 * is the caller's to release; the decoder releases what it took for frames it did not return (on
 * a bad size after them, or on close()).
 */

/** The part of a MemoryPool a decoder uses. */
export interface FrameMemory {
  tryAllocate(size: number): boolean;
  release(size: number): void;
}

export class InvalidFrameSizeError extends Error {
  constructor(readonly size: number, readonly maxSize: number) {
    super(size < 0 ? `invalid negative frame size ${size}` : `frame of ${size} bytes exceeds the limit of ${maxSize} bytes`);
    this.name = 'InvalidFrameSizeError';
  }
}

export class FrameDecoder {
  /** The first bytes (< 4) of a size prefix split across chunks. */
  private prefix: Buffer[] = [];
  private prefixBytes = 0;
  /** When a large frame is being assembled: its buffer and how much of it is filled. */
  private assembling: Buffer | null = null;
  private filled = 0;
  /** Size of the frame whose memory was refused (-1: none), and the bytes after its prefix. */
  private waitingSize = -1;
  private held: Buffer[] = [];

  /**
   * `allocate` gives the buffer a multi-chunk frame is assembled in (a BufferPool's, say);
   * `memory` accounts for frames (none: never refuses).
   */
  constructor(
    private readonly maxFrameSize: number,
    private readonly allocate: (size: number) => Buffer = Buffer.allocUnsafe,
    private readonly memory?: FrameMemory,
  ) {}

  /** Bytes buffered towards the next frame. */
  get bufferedBytes(): number {
    if (this.waitingSize >= 0) return this.held.reduce((n, b) => n + b.length, 0);
    return this.assembling ? this.filled : this.prefixBytes;
  }

  /** Size of the frame waiting for its memory, or -1. */
  get awaitingMemory(): number {
    return this.waitingSize;
  }

  /** Memory taken for the frame being assembled (0 when none). */
  get reservedPartialFrame(): number {
    return this.assembling ? this.assembling.length : 0;
  }

  /**
   * Feeds a chunk; returns the complete frames (payload without the size prefix), in order.
   * Throws InvalidFrameSizeError at a bad size (the frames before it are dropped, their memory released).
   */
  push(chunk: Buffer): Buffer[] {
    if (this.waitingSize >= 0) {
      this.held.push(chunk);
      return [];
    }
    return this.decode((frames) => this.consume(chunk, frames));
  }

  /** The memory of the waiting frame was taken for it (by its owner): goes on with the bytes held. */
  memoryGranted(): Buffer[] {
    if (this.waitingSize < 0) throw new Error('no frame is waiting for memory');
    const size = this.waitingSize;
    const held = this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held);
    this.waitingSize = -1;
    this.held = [];
    return this.decode((frames) => this.consume(this.startFrame(size, held, frames), frames));
  }

  /** Drops what is buffered and releases the memory of the frame being assembled. */
  close(): void {
    if (this.assembling) this.memory?.release(this.assembling.length);
    this.assembling = null;
    this.filled = 0;
    this.prefix = [];
    this.prefixBytes = 0;
    this.waitingSize = -1;
    this.held = [];
  }

  private decode(run: (frames: Buffer[]) => void): Buffer[] {
    const frames: Buffer[] = [];
    try {
      run(frames);
    } catch (err) {
      for (const f of frames) this.memory?.release(f.length);
      throw err;
    }
    return frames;
  }

  private consume(chunk: Buffer, frames: Buffer[]): void {
    let data = chunk;
    while (data.length > 0 && this.waitingSize < 0) {
      if (this.assembling) {
        const n = Math.min(this.assembling.length - this.filled, data.length);
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
      let size: number;
      if (this.prefixBytes > 0 || data.length < 4) {
        // A size prefix split across chunks (at most 3 bytes are ever kept).
        const take = Math.min(4 - this.prefixBytes, data.length);
        this.prefix.push(data.subarray(0, take));
        this.prefixBytes += take;
        data = data.subarray(take);
        if (this.prefixBytes < 4) break;
        size = Buffer.concat(this.prefix, 4).readInt32BE(0);
        this.prefix = [];
        this.prefixBytes = 0;
      } else {
        size = data.readInt32BE(0);
        data = data.subarray(4);
      }
      if (size < 0 || size > this.maxFrameSize) throw new InvalidFrameSizeError(size, this.maxFrameSize);
      if (this.memory && !this.memory.tryAllocate(size)) {
        this.waitingSize = size;
        if (data.length > 0) this.held.push(data);
        break;
      }
      data = this.startFrame(size, data, frames);
    }
  }

  /** A frame whose memory is reserved: returned at once when `data` holds it, else assembled. */
  private startFrame(size: number, data: Buffer, frames: Buffer[]): Buffer {
    if (data.length >= size) {
      frames.push(data.subarray(0, size));
      return data.subarray(size);
    }
    this.assembling = this.allocate(size);
    this.filled = 0;
    return data;
  }
}
