/**
 * Checksums used by Kafka's record formats: CRC-32C (Castagnoli) for magic-2 record batches
 * (Kafka's `Crc32C`, covering attributes..end of batch) and CRC-32 (IEEE) for legacy magic 0/1
 * messages (Kafka's `Crc32`, covering magic..end of message). Both come from the crc-32 package
 * (slice-by-16 tables); results are unsigned 32-bit numbers as they appear on the wire.
 */
import CRC32 from 'crc-32';
import CRC32C from 'crc-32/crc32c.js';

/** CRC-32C of `buf[start, end)`, unsigned. */
export function crc32c(buf: Buffer, start = 0, end = buf.length): number {
  return CRC32C.buf(start === 0 && end === buf.length ? buf : buf.subarray(start, end)) >>> 0;
}

/** CRC-32 (IEEE 802.3) of `buf[start, end)`, unsigned. */
export function crc32(buf: Buffer, start = 0, end = buf.length): number {
  return CRC32.buf(start === 0 && end === buf.length ? buf : buf.subarray(start, end)) >>> 0;
}

// ---- updating a CRC-32C after a small in-place change ----
// CRC is affine in the message: for equal lengths, crc(M') = crc(M) ⊕ L(M ⊕ M'), where L is the
// unconditioned ("raw", zero initial register, no final xor) CRC. When only bytes [a, b) of
// [start, end) changed, L(M ⊕ M') is the raw CRC of the changed bytes' XOR followed by end − b
// zero bytes; those zero bytes are applied with precomputed GF(2) operators (as zlib's
// crc32_combine does), so the cost does not depend on the batch size.

const CRC32C_POLY_REFLECTED = 0x82f63b78;

function gf2MatrixTimes(mat: Uint32Array, vec: number): number {
  let sum = 0;
  for (let i = 0; vec !== 0; i++, vec >>>= 1) {
    if (vec & 1) sum ^= mat[i]!;
  }
  return sum >>> 0;
}

function gf2MatrixSquare(mat: Uint32Array): Uint32Array {
  const square = new Uint32Array(32);
  for (let n = 0; n < 32; n++) square[n] = gf2MatrixTimes(mat, mat[n]!);
  return square;
}

/** ZERO_BYTE_OPERATORS[k] applies 2^k zero bytes to a raw CRC-32C register. */
const ZERO_BYTE_OPERATORS: Uint32Array[] = (() => {
  let op: Uint32Array = new Uint32Array(32); // one zero bit
  op[0] = CRC32C_POLY_REFLECTED;
  for (let n = 1; n < 32; n++) op[n] = (1 << (n - 1)) >>> 0;
  op = gf2MatrixSquare(op); // 2 bits
  op = gf2MatrixSquare(op); // 4 bits
  op = gf2MatrixSquare(op); // 8 bits = 1 byte
  const ops = [op];
  for (let k = 1; k < 32; k++) ops.push(gf2MatrixSquare(ops[k - 1]!));
  return ops;
})();

function applyZeroBytes(register: number, count: number): number {
  for (let k = 0; count > 0; k++, count = Math.floor(count / 2)) {
    if (count % 2 === 1) register = gf2MatrixTimes(ZERO_BYTE_OPERATORS[k]!, register);
  }
  return register;
}

/**
 * The CRC-32C of `buf[start, end)` after bytes `[changeStart, changeStart + before.length)` changed
 * from `before` to their current contents, given `oldCrc` of the range before the change.
 */
export function crc32cAfterChange(oldCrc: number, buf: Buffer, end: number, changeStart: number, before: Buffer): number {
  const delta = Buffer.allocUnsafe(before.length);
  for (let i = 0; i < before.length; i++) delta[i] = before[i]! ^ buf[changeStart + i]!;
  const raw = ~CRC32C.buf(delta, -1) >>> 0;
  return (oldCrc ^ applyZeroBytes(raw, end - changeStart - before.length)) >>> 0;
}
