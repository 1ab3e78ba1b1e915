/**
 * A bounds-checked big-endian reader over a Buffer for Kafka's wire types (Java's Readable /
 * ByteBufferAccessor). It fails "sticky": the first out-of-bounds or malformed read throws a
 * MessageDecodeError (an InvalidRequestError, code INVALID_REQUEST) and poisons the reader, so every
 * later read throws too. Lengths and counts are checked against the remaining bytes and the
 * configured limits before anything is allocated from them.
 */
import { InvalidRequestError, UnknownServerError } from './errors.js';

/** A frame or field that cannot be decoded (truncated, negative length, over a limit, bad varint). */
export class MessageDecodeError extends InvalidRequestError {}

/** A value that cannot be encoded in the requested version (null in a non-nullable field, bad uuid, out-of-range int). */
export class MessageEncodeError extends UnknownServerError {}

export interface DecodeLimits {
  /** Largest element count accepted for an array (also bounded by the remaining bytes). */
  maxArrayLength: number;
  /** Largest byte length accepted for a string, bytes or records field (also bounded by the remaining bytes). */
  maxBytesLength: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxArrayLength: 0x7fffffff, maxBytesLength: 0x7fffffff };

/** The all-zero uuid ("no topic id"), as base64url. */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export class Reader {
  buf: Buffer;
  pos: number;
  end: number;
  maxArrayLength: number;
  maxBytesLength: number;
  private failure: MessageDecodeError | null = null;

  constructor(buf: Buffer, offset = 0, end = buf.length, limits: DecodeLimits = DEFAULT_DECODE_LIMITS) {
    this.buf = buf;
    this.pos = offset;
    this.end = end;
    this.maxArrayLength = limits.maxArrayLength;
    this.maxBytesLength = limits.maxBytesLength;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  get failed(): boolean {
    return this.failure !== null;
  }

  /** Throws (and remembers) a decode error; every later read fails with the same error. */
  fail(message: string): never {
    if (this.failure === null) {
      this.failure = new MessageDecodeError(message);
      this.end = -1;
    }
    throw this.failure;
  }

  private need(n: number): number {
    const p = this.pos;
    if (p + n > this.end) {
      if (this.failure !== null) throw this.failure;
      this.fail(`truncated: need ${n} bytes at offset ${p}, ${Math.max(0, this.end - p)} left`);
    }
    this.pos = p + n;
    return p;
  }

  int8(): number {
    return this.buf.readInt8(this.need(1));
  }
  uint8(): number {
    return this.buf[this.need(1)]!;
  }
  int16(): number {
    return this.buf.readInt16BE(this.need(2));
  }
  uint16(): number {
    return this.buf.readUInt16BE(this.need(2));
  }
  int32(): number {
    return this.buf.readInt32BE(this.need(4));
  }
  uint32(): number {
    return this.buf.readUInt32BE(this.need(4));
  }
  int64(): bigint {
    return this.buf.readBigInt64BE(this.need(8));
  }
  float64(): number {
    return this.buf.readDoubleBE(this.need(8));
  }
  bool(): boolean {
    return this.buf[this.need(1)] !== 0;
  }

  /** Unsigned varint of at most 5 bytes (values 0..2^32-1). */
  uvarint(): number {
    let value = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.buf[this.need(1)]!;
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (value > 0xffffffff) this.fail('unsigned varint overflows 32 bits');
        return value;
      }
      shift += 7;
    }
    return this.fail('unsigned varint longer than 5 bytes');
  }

  /** Zig-zag signed varint (record format). */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** Zig-zag signed varlong of at most 10 bytes. */
  varlong(): bigint {
    let value = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.buf[this.need(1)]!;
      value |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return (value >> 1n) ^ -(value & 1n);
      shift += 7n;
    }
    return this.fail('varlong longer than 10 bytes');
  }

  /** 16 bytes, returned as Kafka's base64url text form (22 characters, no padding). */
  uuid(): string {
    const p = this.need(16);
    return this.buf.toString('base64url', p, p + 16);
  }

  /** A byte length already read from the wire: -1 → null when nullable, else bounds-checked. */
  private checkedLength(len: number, nullable: boolean, what: string): number {
    if (len < 0) {
      if (len === -1 && nullable) return -1;
      this.fail(len === -1 ? `null ${what} in a non-nullable field` : `negative ${what} length ${len}`);
    }
    if (len > this.maxBytesLength) this.fail(`${what} length ${len} exceeds limit ${this.maxBytesLength}`);
    if (len > this.end - this.pos) this.fail(`${what} length ${len} exceeds the ${Math.max(0, this.end - this.pos)} remaining bytes`);
    return len;
  }

  /** int16-length string (compact = false) or unsigned-varint length+1 (compact = true). */
  string(compact: boolean, nullable: boolean): string | null {
    const len = this.checkedLength(compact ? this.uvarint() - 1 : this.int16(), nullable, 'string');
    if (len < 0) return null;
    const p = this.pos;
    this.pos = p + len;
    return this.buf.toString('utf8', p, p + len);
  }

  /** Zero-copy view of a bytes/records field (int32 length, or compact), or null. */
  bytesView(compact: boolean, nullable: boolean): Buffer | null {
    const len = this.checkedLength(compact ? this.uvarint() - 1 : this.int32(), nullable, 'bytes');
    if (len < 0) return null;
    const p = this.pos;
    this.pos = p + len;
    return this.buf.subarray(p, p + len);
  }

  /** Element count of an array (int32, or compact), -1 for null; at most one element per remaining byte. */
  arrayLength(compact: boolean, nullable: boolean): number {
    const n = compact ? this.uvarint() - 1 : this.int32();
    if (n < 0) {
      if (n === -1 && nullable) return -1;
      this.fail(n === -1 ? 'null array in a non-nullable field' : `negative array length ${n}`);
    }
    if (n > this.maxArrayLength) this.fail(`array length ${n} exceeds limit ${this.maxArrayLength}`);
    if (n > this.end - this.pos) this.fail(`array length ${n} exceeds the ${Math.max(0, this.end - this.pos)} remaining bytes`);
    return n;
  }

  /** Skips n bytes (unknown tagged fields). */
  skip(n: number): void {
    this.need(n);
  }
}
