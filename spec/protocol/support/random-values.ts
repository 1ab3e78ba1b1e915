/**
 * Seeded random values for any message version, built from the descriptors independently of the
 * codec: absent fields get their defaults (computed here, not by the codec), so a decoded value must
 * deep-equal the generated one.
 */
import { inRange, parseVersions, type FieldSpec, type MessageSpec } from '../../../lib/protocol/schema.js';

export type Rng = () => number;

/** mulberry32 */
export function seededRandom(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = ['', 'a', 'topic-1', 'héllo wörld', '日本語のトピック', 'emoji 🎉🚀', 'x'.repeat(300)];
const key = (n: string): string => n.charAt(0).toLowerCase() + n.slice(1);

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[Math.floor(rng() * xs.length)]!;
}

function int(rng: Rng, bits: number, signed: boolean): number {
  const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const min = signed ? -(2 ** (bits - 1)) : 0;
  const r = rng();
  if (r < 0.15) return max;
  if (r < 0.3) return min;
  if (r < 0.4) return signed ? -1 : 0;
  return min + Math.floor(rng() * (max - min + 1));
}

function int64(rng: Rng): bigint {
  const r = rng();
  if (r < 0.2) return 0x7fffffffffffffffn;
  if (r < 0.3) return -0x8000000000000000n;
  if (r < 0.4) return -1n;
  return BigInt.asIntN(64, (BigInt(Math.floor(rng() * 2 ** 32)) << 32n) | BigInt(Math.floor(rng() * 2 ** 32)));
}

function buffer(rng: Rng): Buffer {
  const b = Buffer.alloc(Math.floor(rng() * 40));
  for (let i = 0; i < b.length; i++) b[i] = Math.floor(rng() * 256);
  return b;
}

/** The default of a field, per Kafka's rules (README §2), for a field absent in a version. */
export function defaultValue(f: FieldSpec, version: number): unknown {
  const d = f.default;
  if (f.type.startsWith('[]')) return d === 'null' ? null : [];
  if (f.fields) return d === 'null' ? null : defaultStruct(f.fields, version);
  switch (f.type) {
    case 'int64':
      return d === undefined ? 0n : BigInt(d);
    case 'bool':
      return d === true || d === 'true';
    case 'string':
      return d === undefined ? '' : d === 'null' ? null : String(d);
    case 'bytes':
      return d === 'null' ? null : Buffer.alloc(0);
    case 'records':
      return null;
    case 'uuid':
      return 'AAAAAAAAAAAAAAAAAAAAAA';
    default:
      return d === undefined ? 0 : Number(d);
  }
}

function defaultStruct(fields: readonly FieldSpec[], version: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of fields) o[key(f.name)] = defaultValue(f, version);
  return o;
}

function primitive(rng: Rng, type: string, nullable: boolean): unknown {
  if (nullable && rng() < 0.25) return null;
  switch (type) {
    case 'int8':
      return int(rng, 8, true);
    case 'int16':
      return int(rng, 16, true);
    case 'int32':
      return int(rng, 32, true);
    case 'uint16':
      return int(rng, 16, false);
    case 'uint32':
      return int(rng, 32, false);
    case 'int64':
      return int64(rng);
    case 'float64':
      return pick(rng, [0, 1.5, -3.25, 1e300, -Number.MAX_VALUE, Number.MIN_VALUE]);
    case 'bool':
      return rng() < 0.5;
    case 'string':
      return pick(rng, STRINGS);
    case 'bytes':
    case 'records':
      return buffer(rng);
    case 'uuid':
      return Buffer.from(Array.from({ length: 16 }, () => Math.floor(rng() * 256))).toString('base64url');
    default:
      throw new Error(`unknown type ${type}`);
  }
}

export function randomStruct(rng: Rng, fields: readonly FieldSpec[], version: number, flexible: boolean, depth = 0): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of fields) {
    const k = key(f.name);
    if (!inRange(parseVersions(f.versions), version)) {
      o[k] = defaultValue(f, version);
      continue;
    }
    const tagged = flexible && f.taggedVersions !== undefined && inRange(parseVersions(f.taggedVersions), version);
    if (tagged && rng() < 0.3) {
      o[k] = defaultValue(f, version);
      continue;
    }
    o[k] = randomField(rng, f, version, flexible, depth);
  }
  return o;
}

function randomField(rng: Rng, f: FieldSpec, version: number, flexible: boolean, depth: number): unknown {
  const nullable = inRange(parseVersions(f.nullableVersions), version);
  if (f.type.startsWith('[]')) {
    if (nullable && rng() < 0.25) return null;
    const n = depth > 3 ? 0 : Math.floor(rng() * 3);
    const el = f.type.slice(2);
    return Array.from({ length: n }, () => (f.fields ? randomStruct(rng, f.fields, version, flexible, depth + 1) : primitive(rng, el, false)));
  }
  if (f.fields) {
    if (nullable && rng() < 0.3) return null;
    return randomStruct(rng, f.fields, version, flexible, depth + 1);
  }
  return primitive(rng, f.type, nullable);
}

export function randomMessage(rng: Rng, spec: MessageSpec, version: number): Record<string, unknown> {
  return randomStruct(rng, spec.fields, version, inRange(parseVersions(spec.flexibleVersions), version));
}

export function versionsOf(spec: MessageSpec): number[] {
  const r = parseVersions(spec.validVersions);
  const out: number[] = [];
  for (let v = r.min; v <= r.max; v++) out.push(v);
  return out;
}
