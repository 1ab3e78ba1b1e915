/**
 * Shapes of the generated message descriptors (lib/protocol/generated/descriptors.ts): the facts of
 * Kafka's message JSON (clients/src/main/resources/common/message/*.json) without the `about` text,
 * with `commonStructs` resolved inline. Version ranges keep Kafka's notation ("3", "1-4", "5+",
 * "none"); `parseVersions` turns them into inclusive numeric ranges.
 */

export interface FieldSpec {
  readonly name: string;
  /** A primitive, a struct name, or `[]X`. */
  readonly type: string;
  readonly versions: string;
  readonly nullableVersions?: string;
  readonly taggedVersions?: string;
  readonly tag?: number;
  /** Field-level override of the message's flexible range (only RequestHeader.ClientId: "none"). */
  readonly flexibleVersions?: string;
  /** The JSON `default`, as written there (runtime converts it to the field's type). */
  readonly default?: string | number | boolean;
  readonly ignorable?: boolean;
  readonly mapKey?: boolean;
  readonly entityType?: string;
  readonly zeroCopy?: boolean;
  /** Present when the type is a struct or an array of structs (common structs resolved). */
  readonly fields?: readonly FieldSpec[];
}

export type MessageKind = 'request' | 'response' | 'header' | 'data';

export interface MessageSpec {
  readonly name: string;
  readonly type: MessageKind;
  readonly apiKey?: number;
  readonly validVersions: string;
  readonly deprecatedVersions?: string;
  readonly flexibleVersions: string;
  readonly listeners?: readonly string[];
  readonly latestVersionUnstable?: boolean;
  readonly fields: readonly FieldSpec[];
}

/** Inclusive version range; `max` is 32767 for open-ended ranges ("5+"). */
export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

export const MAX_VERSION = 0x7fff;
const NONE: VersionRange = { min: 1, max: 0 };
const cache = new Map<string, VersionRange>();

/** "3" → 3..3, "1-4" → 1..4, "5+" → 5..32767, "none" (or undefined) → empty. */
export function parseVersions(text: string | undefined): VersionRange {
  if (text === undefined) return NONE;
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  let range: VersionRange;
  const t = text.trim();
  if (t === 'none') range = NONE;
  else if (t.endsWith('+')) range = { min: Number(t.slice(0, -1)), max: MAX_VERSION };
  else if (t.includes('-')) {
    const [a, b] = t.split('-');
    range = { min: Number(a), max: Number(b) };
  } else range = { min: Number(t), max: Number(t) };
  if (!Number.isInteger(range.min) || !Number.isInteger(range.max)) throw new Error(`bad version range ${text}`);
  cache.set(text, range);
  return range;
}

export function inRange(range: VersionRange, version: number): boolean {
  return version >= range.min && version <= range.max;
}

