/**
 * One record inside a magic-2 batch (Kafka's `DefaultRecord`):
 *
 *   length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
 *   keyLength varint | key | valueLength varint | value | headerCount varint |
 *   [headerKeyLength varint | headerKey utf8 | headerValueLength varint | headerValue]*
 *
 * Lengths of -1 mean null (header keys may not be null). Malformed records are InvalidRecordError.
 */
import { InvalidRecordError } from '../protocol/errors.js';
import { type ByteCursor, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './byte-utils.js';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** A record as read back from a batch or message set. */
export interface Record {
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** Size of the record body (without its leading length varint). */
export function sizeOfBodyInBytes(
  offsetDelta: number,
  timestampDelta: bigint,
  key: Buffer | null | undefined,
  value: Buffer | null | undefined,
  headers: readonly RecordHeader[] | undefined,
): number {
  let size = 1 + sizeOfVarlong(timestampDelta) + sizeOfVarint(offsetDelta);
  size += key == null ? 1 : sizeOfVarint(key.length) + key.length;
  size += value == null ? 1 : sizeOfVarint(value.length) + value.length;
  const n = headers?.length ?? 0;
  size += sizeOfVarint(n);
  for (let i = 0; i < n; i++) {
    const h = headers![i]!;
    const keyLen = Buffer.byteLength(h.key, 'utf8');
    size += sizeOfVarint(keyLen) + keyLen;
    size += h.value == null ? 1 : sizeOfVarint(h.value.length) + h.value.length;
  }
  return size;
}

export function sizeInBytes(bodySize: number): number {
  return sizeOfVarint(bodySize) + bodySize;
}

/** Writes one record (length prefix included) at `pos`; returns the position after it. */
export function writeRecord(
  buf: Buffer,
  pos: number,
  bodySize: number,
  offsetDelta: number,
  timestampDelta: bigint,
  key: Buffer | null | undefined,
  value: Buffer | null | undefined,
  headers: readonly RecordHeader[] | undefined,
): number {
  pos = writeVarint(buf, pos, bodySize);
  buf[pos++] = 0; // attributes: unused
  pos = writeVarlong(buf, pos, timestampDelta);
  pos = writeVarint(buf, pos, offsetDelta);
  pos = writeBytesField(buf, pos, key);
  pos = writeBytesField(buf, pos, value);
  const n = headers?.length ?? 0;
  pos = writeVarint(buf, pos, n);
  for (let i = 0; i < n; i++) {
    const h = headers![i]!;
    const keyLen = Buffer.byteLength(h.key, 'utf8');
    pos = writeVarint(buf, pos, keyLen);
    pos += buf.write(h.key, pos, 'utf8');
    pos = writeBytesField(buf, pos, h.value);
  }
  return pos;
}

function writeBytesField(buf: Buffer, pos: number, v: Buffer | null | undefined): number {
  if (v == null) return writeVarint(buf, pos, -1);
  pos = writeVarint(buf, pos, v.length);
  v.copy(buf, pos);
  return pos + v.length;
}

/**
 * Reads one record at the cursor. `timestampOverride` (LogAppendTime batches) replaces the
 * record's own timestamp, as Kafka's DefaultRecordBatch does. Key/value/header values are views
 * into the underlying buffer.
 */
export function readRecord(
  cursor: ByteCursor,
  baseOffset: bigint,
  baseTimestamp: bigint,
  timestampOverride: bigint | null,
): Record {
  const bodySize = cursor.readVarint();
  if (bodySize < 0 || bodySize > cursor.remaining()) {
    throw new InvalidRecordError(`Invalid record size: expected ${bodySize} bytes, ${cursor.remaining()} remain`);
  }
  const end = cursor.pos + bodySize;
  const outerEnd = cursor.end;
  cursor.end = end;
  cursor.readInt8(); // attributes
  const timestampDelta = cursor.readVarlongBig();
  const offsetDelta = cursor.readVarint();
  const key = cursor.readVarBytes();
  const value = cursor.readVarBytes();
  const headerCount = cursor.readVarint();
  if (headerCount < 0) throw new InvalidRecordError(`Found invalid number of record headers ${headerCount}`);
  // Every header takes at least two bytes: a count past that is hostile.
  if (headerCount > cursor.remaining() / 2) {
    throw new InvalidRecordError(`Found invalid number of record headers ${headerCount}`);
  }
  const headers: RecordHeader[] = [];
  for (let i = 0; i < headerCount; i++) {
    const keyLen = cursor.readVarint();
    if (keyLen < 0) throw new InvalidRecordError(`Invalid negative header key size ${keyLen}`);
    if (keyLen > cursor.remaining()) throw new InvalidRecordError('Found invalid record structure: truncated header key');
    const hkey = cursor.buf.toString('utf8', cursor.pos, cursor.pos + keyLen);
    cursor.pos += keyLen;
    headers.push({ key: hkey, value: cursor.readVarBytes() });
  }
  if (cursor.pos !== end) {
    throw new InvalidRecordError(`Invalid record size: expected to read ${bodySize} bytes in record payload, but instead read ${cursor.pos - (end - bodySize)}`);
  }
  cursor.end = outerEnd;
  return {
    offset: baseOffset + BigInt(offsetDelta),
    timestamp: timestampOverride ?? baseTimestamp + timestampDelta,
    key,
    value,
    headers,
  };
}
