/**
 * The JSON codec helpers of the znode data classes (Kafka's Json reads in ZkData.scala) and Kafka's
 * Uuid text form. Decoders validate what they read and throw InvalidZNodeDataError on garbage.
 */
import type { TopicPartition } from '../common/topic-partition.js';
import { randomBytes } from 'node:crypto';

/** Thrown when a znode's data cannot be decoded (bad UTF-8/JSON, missing or mistyped fields). */
export class InvalidZNodeDataError extends Error {
  readonly path: string;
  constructor(path: string, reason: string) {
    super(`Invalid data in znode ${path}: ${reason}`);
    this.name = 'InvalidZNodeDataError';
    this.path = path;
  }
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export type JsonObject = { [k: string]: Json };

export function encodeJson(v: unknown): Buffer {
  return Buffer.from(JSON.stringify(v), 'utf8');
}

export function parseObject(path: string, bytes: Buffer | null): JsonObject {
  if (bytes === null || bytes.length === 0) throw new InvalidZNodeDataError(path, 'no data');
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new InvalidZNodeDataError(path, 'not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InvalidZNodeDataError(path, 'not a JSON object');
  return v as JsonObject;
}

export function int(path: string, o: JsonObject, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new InvalidZNodeDataError(path, `${key} is not an integer`);
  return v;
}

export function optInt(path: string, o: JsonObject, key: string, dflt: number): number {
  return o[key] === undefined || o[key] === null ? dflt : int(path, o, key);
}

export function str(path: string, o: JsonObject, key: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new InvalidZNodeDataError(path, `${key} is not a string`);
  return v;
}

/** A long written as a JSON string (Kafka's timestamps, producer-id block bounds); numbers accepted too. */
export function longString(path: string, o: JsonObject, key: string): bigint {
  const v = o[key];
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d{1,19}$/.test(v)) return BigInt(v);
  throw new InvalidZNodeDataError(path, `${key} is not a long`);
}

export function intArray(path: string, v: Json | undefined, what: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isInteger(x))) {
    throw new InvalidZNodeDataError(path, `${what} is not an array of integers`);
  }
  return v as number[];
}

export function obj(path: string, v: Json | undefined, what: string): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InvalidZNodeDataError(path, `${what} is not an object`);
  return v;
}

export function partitionId(path: string, key: string): number {
  if (!/^\d{1,10}$/.test(key) || Number(key) > 0x7fffffff) throw new InvalidZNodeDataError(path, `bad partition id ${key}`);
  return Number(key);
}

export function topicPartitionList(path: string, o: JsonObject): TopicPartition[] {
  const arr = o.partitions;
  if (!Array.isArray(arr)) throw new InvalidZNodeDataError(path, 'partitions is not an array');
  return arr.map((p) => {
    const po = obj(path, p, 'partition entry');
    return { topic: str(path, po, 'topic'), partition: int(path, po, 'partition') };
  });
}

/** Kafka's Uuid.toString: URL-safe base64 of the 16 bytes, no padding (22 chars). */
export function uuidToString(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/** Parses a Kafka Uuid string (22 chars base64url) to its 16 bytes. */
export function uuidFromString(s: string): Buffer {
  const b = /^[A-Za-z0-9_-]{22}$/.test(s) ? Buffer.from(s, 'base64url') : Buffer.alloc(0);
  if (b.length !== 16) throw new InvalidZNodeDataError('-', `bad uuid ${s}`);
  return b;
}

/** Kafka's Uuid.randomUuid: random v4-style id, never all-zero, METADATA_TOPIC_ID (1) or starting with '-'. */
export function randomUuid(): string {
  for (;;) {
    const b = randomBytes(16);
    b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
    b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
    const s = uuidToString(b);
    if (!s.startsWith('-')) return s;
  }
}
