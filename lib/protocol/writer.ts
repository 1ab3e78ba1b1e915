/**
 * A growable big-endian writer for Kafka's wire types (Java's Writable). Output is a list of chunks
 * ready for `socket.writev`/`cork`: small writes go to a buffer that doubles while it is small and
 * is followed by fresh chunks once large (no copying of what was written), and `attach()` puts a large
 * Buffer (a `records` blob read from a segment) in the list by reference, never copying it.
 */
import { MessageEncodeError } from './reader.js';

/** Buffers at least this large are attached by reference instead of copied. */
export const ZERO_COPY_THRESHOLD = 4096;
const INITIAL_SIZE = 512;
const MAX_GROW_COPY = 64 * 1024;

export class Writer {
  private buf: Buffer;
  private pos = 0;
  /** Start of the part of `buf` not yet pushed to `chunks`. */
  private chunkStart = 0;
  private readonly chunks: Buffer[] = [];
  private flushed = 0;

  constructor(initialSize = INITIAL_SIZE) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.flushed + this.pos - this.chunkStart;
  }

  private ensure(n: number): number {
    const p = this.pos;
    if (p + n <= this.buf.length) {
      this.pos = p + n;
      return p;
    }
    const pending = p - this.chunkStart;
    if (this.buf.length < MAX_GROW_COPY) {
      // Small: grow by copying the pending part into a buffer twice as large.
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, pending + n + 64));
      this.buf.copy(next, 0, this.chunkStart, p);
      this.buf = next;
      this.chunkStart = 0;
      this.pos = pending + n;
      return pending;
    }
    // Large: keep what is written as a chunk and continue in a fresh buffer.
    if (pending > 0) this.pushChunk(this.buf.subarray(this.chunkStart, p));
    this.buf = Buffer.allocUnsafe(Math.max(this.buf.length, n));
    this.chunkStart = 0;
    this.pos = n;
    return 0;
  }

  private pushChunk(b: Buffer): void {
    this.chunks.push(b);
    this.flushed += b.length;
  }

  int8(v: number): void {
    const p = this.ensure(1);
    this.buf.writeInt8(v, p);
  }
  uint8(v: number): void {
    const p = this.ensure(1);
    this.buf[p] = v;
  }
  int16(v: number): void {
    const p = this.ensure(2);
    this.buf.writeInt16BE(v, p);
  }
  uint16(v: number): void {
    const p = this.ensure(2);
    this.buf.writeUInt16BE(v, p);
  }
  int32(v: number): void {
    const p = this.ensure(4);
    this.buf.writeInt32BE(v, p);
  }
  uint32(v: number): void {
    const p = this.ensure(4);
    this.buf.writeUInt32BE(v, p);
  }
  int64(v: bigint): void {
    const p = this.ensure(8);
    this.buf.writeBigInt64BE(v, p);
  }
  float64(v: number): void {
    const p = this.ensure(8);
    this.buf.writeDoubleBE(v, p);
  }
  bool(v: boolean): void {
    const p = this.ensure(1);
    this.buf[p] = v ? 1 : 0;
  }

  /** Unsigned varint, 0..2^32-1. */
  uvarint(v: number): void {
    if (!(v >= 0 && v <= 0xffffffff) || !Number.isInteger(v)) throw new MessageEncodeError(`unsigned varint out of range: ${v}`);
    while (v >= 0x80) {
      const p = this.ensure(1);
    this.buf[p] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    const p = this.ensure(1);
    this.buf[p] = v;
  }

  /** Zig-zag signed varint. */
  varint(v: number): void {
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  /** Zig-zag signed varlong. */
  varlong(v: bigint): void {
    let u = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    while (u >= 0x80n) {
      const p = this.ensure(1);
    this.buf[p] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    const p = this.ensure(1);
    this.buf[p] = Number(u);
  }

  /** A uuid given as Kafka's base64url text (22 characters). */
  uuid(v: string): void {
    const p = this.ensure(16);
    if (v.length !== 22 || this.buf.write(v, p, 16, 'base64url') !== 16 || this.buf.toString('base64url', p, p + 16) !== v) {
      throw new MessageEncodeError(`not a base64url uuid: ${JSON.stringify(v)}`);
    }
  }

  /** Raw bytes, copied. */
  raw(b: Buffer): void {
    const p = this.ensure(b.length);
    b.copy(this.buf, p);
  }

  /** Raw bytes: copied when small, otherwise kept by reference as its own output chunk (zero copy). */
  attach(b: Buffer): void {
    if (b.length < ZERO_COPY_THRESHOLD) {
      this.raw(b);
      return;
    }
    if (this.pos > this.chunkStart) this.pushChunk(this.buf.subarray(this.chunkStart, this.pos));
    this.chunkStart = this.pos;
    this.pushChunk(b);
  }

  /** int16-length (compact = false) or varint length+1 string; null allowed when the caller checked nullability. */
  string(v: string | null, compact: boolean): void {
    if (v === null) {
      if (compact) this.uvarint(0);
      else this.int16(-1);
      return;
    }
    const len = Buffer.byteLength(v, 'utf8');
    if (compact) this.uvarint(len + 1);
    else {
      if (len > 0x7fff) throw new MessageEncodeError(`string of ${len} bytes exceeds int16 length`);
      this.int16(len);
    }
    const p = this.ensure(len);
    this.buf.write(v, p, len, 'utf8');
  }

  /** int32-length (or compact) bytes; `zeroCopy` attaches large buffers by reference. */
  bytes(v: Buffer | null, compact: boolean, zeroCopy: boolean): void {
    if (v === null) {
      if (compact) this.uvarint(0);
      else this.int32(-1);
      return;
    }
    if (compact) this.uvarint(v.length + 1);
    else this.int32(v.length);
    if (zeroCopy) this.attach(v);
    else this.raw(v);
  }

  /** Overwrites an int32 at an absolute position of the output (e.g. a size prefix at 0). */
  patchInt32(absolutePos: number, v: number): void {
    let base = 0;
    for (const c of this.chunks) {
      if (absolutePos < base + c.length) {
        c.writeInt32BE(v, absolutePos - base);
        return;
      }
      base += c.length;
    }
    this.buf.writeInt32BE(v, this.chunkStart + absolutePos - base);
  }

  /** The output as chunks (for writev); the Writer must not be used afterwards. */
  toBuffers(): Buffer[] {
    if (this.pos > this.chunkStart) this.pushChunk(this.buf.subarray(this.chunkStart, this.pos));
    this.chunkStart = this.pos;
    return this.chunks;
  }

  /** The output as one Buffer (copies only when there is more than one chunk). */
  toBuffer(): Buffer {
    const chunks = this.toBuffers();
    if (chunks.length === 1) return chunks[0]!;
    const out = Buffer.allocUnsafe(this.flushed);
    let p = 0;
    for (const c of chunks) {
      c.copy(out, p);
      p += c.length;
    }
    return out;
  }
}
