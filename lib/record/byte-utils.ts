/**
 * Zig-zag varint/varlong encoding as Kafka's `ByteUtils` does it for magic-2 records: a varint
 * carries at most 5 bytes (int32), a varlong at most 10 (int64). Readers work on a cursor over a
 * bounded region and throw InvalidRecordError on truncation or over-long encodings, so hostile
 * lengths never read outside the region.
 */
import { InvalidRecordError } from '../protocol/errors.js';

/** A read position inside `buf[.., end)`. Reused across reads to avoid per-record objects. */
export class ByteCursor {
  constructor(public buf: Buffer, public pos: number, public end: number) {}

  remaining(): number {
    return this.end - this.pos;
  }

  readInt8(): number {
    if (this.pos + 1 > this.end) throw truncated();
    return this.buf.readInt8(this.pos++);
  }

  /** Zig-zag varint (int32). */
  readVarint(): number {
    let raw = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) throw truncated();
      const b = this.buf[this.pos++]!;
      raw |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return (raw >>> 1) ^ -(raw & 1);
      shift += 7;
    }
    throw new InvalidRecordError('Varint is too long, the most significant bit in the 5th byte is set');
  }

  /** Zig-zag varlong (int64) as an exact bigint. */
  readVarlongBig(): bigint {
    let raw = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw truncated();
      const b = this.buf[this.pos++]!;
      raw |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asIntN(64, (raw >> 1n) ^ -(raw & 1n));
      shift += 7n;
    }
    throw new InvalidRecordError('Varlong is too long, the most significant bit in the 10th byte is set');
  }

  /** A length-prefixed (varint) byte field; -1 is null. Returns a view, not a copy. */
  readVarBytes(): Buffer | null {
    const len = this.readVarint();
    if (len < 0) return null;
    if (len > this.end - this.pos) throw truncated();
    const v = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return v;
  }
}

function truncated(): InvalidRecordError {
  return new InvalidRecordError('Found invalid record structure: truncated field');
}

export function sizeOfVarint(value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  let bytes = 1;
  while (v >= 0x80) {
    v >>>= 7;
    bytes++;
  }
  return bytes;
}

export function sizeOfVarlong(value: bigint): number {
  let v = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
  let bytes = 1;
  while (v >= 0x80n) {
    v >>= 7n;
    bytes++;
  }
  return bytes;
}

/** Writes a zig-zag varint at `pos`, returns the position after it. */
export function writeVarint(buf: Buffer, pos: number, value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

/** Writes a zig-zag varlong at `pos`, returns the position after it. */
export function writeVarlong(buf: Buffer, pos: number, value: bigint): number {
  let v = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
  while (v >= 0x80n) {
    buf[pos++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  buf[pos++] = Number(v);
  return pos;
}
