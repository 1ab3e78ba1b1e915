/**
 * The schema-driven codec: compiles a message descriptor (lib/protocol/generated/descriptors.ts) for
 * one version into reader/writer closures, once, and caches them. Mirrors what Kafka's
 * MessageDataGenerator emits per message (read/write/tagged fields), interpreted instead of generated.
 *
 * Value mapping: Kafka's PascalCase field names become camelCase keys; int64 → bigint (a number is
 * accepted on write); other numbers → number; uuid → base64url string (Kafka's Uuid.toString, 22
 * chars, all-zero = ZERO_UUID); bytes → Buffer (copied on read, so a stored value does not pin the
 * request frame; fields marked zeroCopy stay views); records → Buffer view of the frame (zero copy,
 * never decoded) or null. A field absent in a version reads as its default and is not written
 * (whatever its value). Tagged fields: unknown tags are skipped on read; on write only values that
 * differ from the default are sent, in increasing tag order.
 */
import { ApiError, UnsupportedVersionError } from './errors.js';
import { MessageDecodeError, MessageEncodeError, Reader, ZERO_UUID, type DecodeLimits } from './reader.js';
import { Writer } from './writer.js';
import { inRange, parseVersions, type FieldSpec, type MessageSpec } from './schema.js';
import { MESSAGE_SPECS } from './generated/descriptors.js';

type Value = unknown;
type Obj = Record<string, Value>;

interface ValueCodec {
  read(r: Reader): Value;
  write(w: Writer, v: Value): void;
}

interface FieldCodec extends ValueCodec {
  readonly key: string;
  readonly name: string;
  /** Present in this version and positional (not tagged). */
  readonly positional: boolean;
  readonly tagged: boolean;
  readonly tag: number;
  makeDefault(): Value;
  isDefault(v: Value): boolean;
}

export interface StructCodec {
  read(r: Reader): Obj;
  write(w: Writer, v: Obj): void;
  makeDefault(): Obj;
}

const EMPTY = Buffer.alloc(0);

/** PascalCase Kafka field name → the camelCase key used in values. */
export function fieldKey(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function defaultOf(f: FieldSpec, base: string): () => Value {
  const d = f.default;
  switch (base) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint16':
    case 'uint32':
    case 'float64': {
      const n = d === undefined ? 0 : Number(d);
      return () => n;
    }
    case 'int64': {
      const n = d === undefined ? 0n : BigInt(d);
      return () => n;
    }
    case 'bool': {
      const b = d === true || d === 'true';
      return () => b;
    }
    case 'string': {
      const s = d === undefined ? '' : d === 'null' ? null : String(d);
      return () => s;
    }
    case 'bytes':
      return d === 'null' ? () => null : () => EMPTY;
    case 'records':
      return () => null;
    case 'uuid':
      return () => ZERO_UUID;
    default:
      throw new Error(`no default for type ${base}`);
  }
}

function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  const ka = Object.keys(a as Obj);
  return ka.length === Object.keys(b as Obj).length && ka.every((k) => deepEqual((a as Obj)[k], (b as Obj)[k]));
}

function nonNull(what: string): never {
  throw new MessageEncodeError(`null value for non-nullable ${what}`);
}

const int64Of = (v: Value): bigint => (typeof v === 'bigint' ? v : BigInt(v as number));

/**
 * @param flexible   message-level flexibility (compact lengths of nested values, tag sections)
 * @param compact    this value's own encoding (differs only for RequestHeader.ClientId)
 */
function compileValue(f: FieldSpec, type: string, version: number, flexible: boolean, compact: boolean, nullable: boolean): ValueCodec {
  const what = `field ${f.name}`;
  if (type.startsWith('[]')) {
    const el = compileValue(f, type.slice(2), version, flexible, flexible, false);
    const readEl = el.read;
    const writeEl = el.write;
    return {
      read(r) {
        const n = r.arrayLength(compact, nullable);
        if (n < 0) return null;
        const a: Value[] = [];
        for (let i = 0; i < n; i++) a.push(readEl(r));
        return a;
      },
      write(w, v) {
        if (v === null || v === undefined) {
          if (!nullable) nonNull(what);
          if (compact) w.uvarint(0);
          else w.int32(-1);
          return;
        }
        const a = v as Value[];
        if (compact) w.uvarint(a.length + 1);
        else w.int32(a.length);
        for (let i = 0; i < a.length; i++) writeEl(w, a[i]);
      },
    };
  }
  switch (type) {
    case 'int8':
      return { read: (r) => r.int8(), write: (w, v) => w.int8(v as number) };
    case 'int16':
      return { read: (r) => r.int16(), write: (w, v) => w.int16(v as number) };
    case 'int32':
      return { read: (r) => r.int32(), write: (w, v) => w.int32(v as number) };
    case 'uint16':
      return { read: (r) => r.uint16(), write: (w, v) => w.uint16(v as number) };
    case 'uint32':
      return { read: (r) => r.uint32(), write: (w, v) => w.uint32(v as number) };
    case 'int64':
      return { read: (r) => r.int64(), write: (w, v) => w.int64(int64Of(v)) };
    case 'float64':
      return { read: (r) => r.float64(), write: (w, v) => w.float64(v as number) };
    case 'bool':
      return { read: (r) => r.bool(), write: (w, v) => w.bool(v as boolean) };
    case 'uuid':
      return { read: (r) => r.uuid(), write: (w, v) => w.uuid(v as string) };
    case 'string':
      return {
        read: (r) => r.string(compact, nullable),
        write(w, v) {
          if (v === null && !nullable) nonNull(what);
          w.string(v as string | null, compact);
        },
      };
    case 'bytes':
    case 'records': {
      const view = type === 'records' || f.zeroCopy === true;
      return {
        read(r) {
          const b = r.bytesView(compact, nullable);
          return b === null || view ? b : Buffer.from(b);
        },
        write(w, v) {
          if (v === null && !nullable) nonNull(what);
          w.bytes(v as Buffer | null, compact, view);
        },
      };
    }
    default: {
      if (!f.fields) throw new Error(`unresolved struct type ${type}`);
      const s = compileStruct(f.fields, version, flexible);
      if (!nullable) return { read: (r) => s.read(r), write: (w, v) => s.write(w, v as Obj) };
      return {
        read: (r) => (r.int8() < 0 ? null : s.read(r)),
        write(w, v) {
          if (v === null) w.int8(-1);
          else {
            w.int8(1);
            s.write(w, v as Obj);
          }
        },
      };
    }
  }
}

function compileField(f: FieldSpec, version: number, flexible: boolean): FieldCodec {
  const present = inRange(parseVersions(f.versions), version);
  const tagged = present && flexible && f.taggedVersions !== undefined && inRange(parseVersions(f.taggedVersions), version);
  const nullable = inRange(parseVersions(f.nullableVersions), version);
  const compact = f.flexibleVersions !== undefined ? inRange(parseVersions(f.flexibleVersions), version) : flexible;
  const isArray = f.type.startsWith('[]');
  const base = isArray ? f.type.slice(2) : f.type;
  const codec = present ? compileValue(f, f.type, version, flexible, compact, nullable) : null;
  let makeDefault: () => Value;
  let isDefault: (v: Value) => boolean;
  if (isArray) {
    makeDefault = f.default === 'null' ? () => null : () => [];
    isDefault = f.default === 'null' ? (v) => v === null : (v) => Array.isArray(v) && v.length === 0;
  } else if (f.fields) {
    if (f.default === 'null') {
      makeDefault = () => null;
      isDefault = (v) => v === null;
    } else {
      const s = compileStruct(f.fields, version, flexible);
      makeDefault = () => s.makeDefault();
      isDefault = (v) => deepEqual(v, s.makeDefault());
    }
  } else {
    makeDefault = defaultOf(f, base);
    const d = makeDefault();
    isDefault = Buffer.isBuffer(d) ? (v) => Buffer.isBuffer(v) && v.length === 0 : (v) => v === d;
  }
  const key = fieldKey(f.name);
  return {
    key,
    name: f.name,
    positional: present && !tagged,
    tagged,
    tag: f.tag ?? -1,
    read: codec ? codec.read : makeDefault,
    write: codec ? codec.write : () => undefined,
    makeDefault,
    isDefault,
  };
}

function compileStruct(specs: readonly FieldSpec[], version: number, flexible: boolean): StructCodec {
  const fields = specs.map((f) => compileField(f, version, flexible));
  const positional = fields.filter((f) => f.positional);
  const tagged = fields.filter((f) => f.tagged).sort((a, b) => a.tag - b.tag);
  const byTag = new Map(tagged.map((f) => [f.tag, f]));
  const n = fields.length;

  const readTagged = (r: Reader, o: Obj): void => {
    const count = r.uvarint();
    for (let i = 0; i < count; i++) {
      const tag = r.uvarint();
      const size = r.uvarint();
      if (size > r.remaining) r.fail(`tagged field ${tag} of ${size} bytes exceeds the ${r.remaining} remaining bytes`);
      const f = byTag.get(tag);
      if (f === undefined) {
        r.skip(size);
        continue;
      }
      const end = r.end;
      const stop = r.pos + size;
      r.end = stop;
      o[f.key] = f.read(r);
      r.end = end;
      r.pos = stop;
    }
  };

  return {
    read(r) {
      const o: Obj = {};
      for (let i = 0; i < n; i++) {
        const f = fields[i]!;
        o[f.key] = f.positional ? f.read(r) : f.makeDefault();
      }
      if (flexible) readTagged(r, o);
      return o;
    },
    write(w, o) {
      for (let i = 0; i < positional.length; i++) {
        const f = positional[i]!;
        const v = o[f.key];
        f.write(w, v === undefined ? f.makeDefault() : v);
      }
      if (!flexible) return;
      let count = 0;
      for (const f of tagged) {
        const v = o[f.key];
        if (v !== undefined && !f.isDefault(v)) count++;
      }
      w.uvarint(count);
      if (count === 0) return;
      for (const f of tagged) {
        const v = o[f.key];
        if (v === undefined || f.isDefault(v)) continue;
        const sub = new Writer(64);
        f.write(sub, v);
        const bytes = sub.toBuffer();
        w.uvarint(f.tag);
        w.uvarint(bytes.length);
        w.raw(bytes);
      }
    },
    makeDefault() {
      const o: Obj = {};
      for (let i = 0; i < n; i++) o[fields[i]!.key] = fields[i]!.makeDefault();
      return o;
    },
  };
}

const compiled = new Map<string, Array<StructCodec | undefined>>();

/** The descriptor of a message by Kafka name (e.g. 'ProduceRequest', 'OffsetCommitValue'). */
/**
 * Whether a decoded message can refer to the bytes it was decoded from: `records` fields and
 * `zeroCopy` bytes fields are views of them (other bytes fields and strings are copies).
 */
export function keepsViews(spec: MessageSpec): boolean {
  const walk = (fields: readonly FieldSpec[] | undefined): boolean =>
    (fields ?? []).some((f) => f.type === 'records' || f.type === '[]records' || (f.zeroCopy === true && f.type.endsWith('bytes')) || walk(f.fields));
  return walk(spec.fields);
}

export function messageSpec(name: string): MessageSpec {
  const spec = MESSAGE_SPECS[name];
  if (spec === undefined) throw new MessageDecodeError(`unknown message ${name}`);
  return spec;
}

/** The compiled codec of one message version (cached); UnsupportedVersionError outside validVersions. */
export function messageCodec(name: string, version: number): StructCodec {
  let byVersion = compiled.get(name);
  const hit = byVersion?.[version];
  if (hit !== undefined) return hit;
  const spec = messageSpec(name);
  if (!inRange(parseVersions(spec.validVersions), version)) {
    throw new UnsupportedVersionError(`${spec.name} version ${version} is not in ${spec.validVersions}`);
  }
  const codec = compileStruct(spec.fields, version, inRange(parseVersions(spec.flexibleVersions), version));
  if (byVersion === undefined) compiled.set(name, (byVersion = []));
  byVersion[version] = codec;
  return codec;
}

/** Re-throws anything that is not an ApiError (a RangeError from Buffer on an out-of-range int, …) as MessageEncodeError. */
export function asEncodeError(err: unknown, what: string): ApiError {
  if (err instanceof ApiError) return err;
  const e = new MessageEncodeError(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  (e as { cause?: unknown }).cause = err;
  return e;
}

/** Writes a message body into `w`. */
export function writeMessage(w: Writer, name: string, version: number, value: object): void {
  const codec = messageCodec(name, version);
  try {
    codec.write(w, value as Obj);
  } catch (err) {
    throw asEncodeError(err, `${name} v${version}`);
  }
}

/** Reads a message body from `r`. Only ApiError instances escape. */
export function readMessage(r: Reader, name: string, version: number): Obj {
  const codec = messageCodec(name, version);
  try {
    return codec.read(r);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new MessageDecodeError(`${name} v${version}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A value with every field at its default for that version (what an absent struct reads as). */
export function defaultMessage(name: string, version: number): Obj {
  return messageCodec(name, version).makeDefault();
}

/** Encodes one message body to a Buffer. */
export function encodeMessage(name: string, version: number, value: object): Buffer {
  const w = new Writer();
  writeMessage(w, name, version, value);
  return w.toBuffer();
}

/** Decodes one message body from a whole Buffer. */
export function decodeMessage(name: string, version: number, buf: Buffer, limits?: DecodeLimits): Obj {
  return readMessage(new Reader(buf, 0, buf.length, limits), name, version);
}
