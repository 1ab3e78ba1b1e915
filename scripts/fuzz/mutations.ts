/**
 * How the fuzzer turns a seed request into hostile bytes: mutations of the payload (bit flips,
 * byte overwrites, truncation, appended garbage, huge length/count fields spliced in, random api
 * keys and versions in the header) and of the frame's size prefix (negative, huge, off by some).
 */
import type { Rng } from '../../spec/protocol/support/random-values.js';

/** int32/varint/int16 values that make length and count fields huge, negative or overflowing. */
const HUGE = ['7fffffff', 'ffffffff', 'ffffffff0f', '7fff', '80808080808080808001', 'fffffffe', '00ffffff', '8000'].map((h) => Buffer.from(h, 'hex'));

export type Mutation = 'none' | 'flip' | 'overwrite' | 'truncate' | 'append' | 'splice-huge' | 'header';

export function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[Math.floor(rng() * xs.length)]!;
}

function randomBytes(rng: Rng, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rng() * 256);
  return b;
}

/**
 * A mutated copy of `payload` (a request without its size prefix) and the mutation applied; a new
 * api key in the header is never one of `avoidKeys`.
 */
export function mutate(rng: Rng, payload: Buffer, avoidKeys: ReadonlySet<number> = new Set()): { payload: Buffer; mutation: Mutation } {
  const r = rng();
  if (r < 0.1) return { payload, mutation: 'none' };
  const f = Buffer.from(payload);
  if (r < 0.35) {
    const flips = 1 + Math.floor(rng() * 4);
    for (let j = 0; j < flips && f.length > 0; j++) f[Math.floor(rng() * f.length)]! ^= 1 << Math.floor(rng() * 8);
    return { payload: f, mutation: 'flip' };
  }
  if (r < 0.55) {
    const n = 1 + Math.floor(rng() * 8);
    for (let j = 0; j < n && f.length > 0; j++) f[Math.floor(rng() * f.length)] = Math.floor(rng() * 256);
    return { payload: f, mutation: 'overwrite' };
  }
  if (r < 0.65) return { payload: f.subarray(0, Math.floor(rng() * f.length)), mutation: 'truncate' };
  if (r < 0.72) return { payload: Buffer.concat([f, randomBytes(rng, 1 + Math.floor(rng() * 64))]), mutation: 'append' };
  if (r < 0.9) {
    const h = pick(rng, HUGE);
    const at = Math.min(f.length, 8 + Math.floor(rng() * Math.max(1, f.length - 8)));
    const replace = rng() < 0.5 ? h.length : 0;
    return { payload: Buffer.concat([f.subarray(0, at), h, f.subarray(Math.min(f.length, at + replace))]), mutation: 'splice-huge' };
  }
  // Header: a random api key and/or version (any int16), keeping the body.
  if (f.length >= 4) {
    if (rng() < 0.5) {
      let key: number;
      do key = rng() < 0.5 ? Math.floor(rng() * 100) : Math.floor(rng() * 65536) - 32768;
      while (avoidKeys.has(key));
      f.writeInt16BE(key, 0);
    }
    else f.writeInt16BE(rng() < 0.7 ? Math.floor(rng() * 20) - 2 : Math.floor(rng() * 65536) - 32768, 2);
  }
  return { payload: f, mutation: 'header' };
}

export type LengthMode = 'exact' | 'negative' | 'over-limit' | 'huge-unsent' | 'short' | 'long';

/**
 * The size-prefixed frame of `payload`. `exact` is the honest prefix; the others lie: negative,
 * past socket.request.max.bytes, a large size followed by a few bytes only (its memory is taken
 * until the connection closes), smaller or larger than the payload.
 */
export function frame(rng: Rng, payload: Buffer, mode: LengthMode, maxRequestSize: number): Buffer {
  let size: number;
  switch (mode) {
    case 'exact': size = payload.length; break;
    case 'negative': size = rng() < 0.5 ? -1 : -Math.floor(rng() * 2 ** 31); break;
    case 'over-limit': size = maxRequestSize + 1 + Math.floor(rng() * (2 ** 31 - 2 - maxRequestSize)); break;
    case 'huge-unsent': size = Math.floor(maxRequestSize / 2 + rng() * maxRequestSize / 2); break;
    case 'short': size = Math.max(0, payload.length - 1 - Math.floor(rng() * 16)); break;
    case 'long': size = payload.length + 1 + Math.floor(rng() * 1024); break;
  }
  const head = Buffer.allocUnsafe(4);
  head.writeInt32BE(size, 0);
  return Buffer.concat([head, payload]);
}
