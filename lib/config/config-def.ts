/**
 * A typed configuration table, after Kafka's `org.apache.kafka.common.config.ConfigDef`: each key has
 * a type, a default, an importance, an optional validator and a one-line doc. Values arrive as text
 * (server.properties, environment, `--override`, CreateTopics/AlterConfigs) and are parsed and
 * validated here; failures are `ConfigError`s naming the key and the offending value, worded like
 * Kafka's `ConfigException` ("Invalid value X for configuration Y: reason").
 *
 * Numbers: INT/SHORT/LONG/DOUBLE values are JS numbers. LONG values are range-checked as Java longs
 * and then clamped to ±Number.MAX_SAFE_INTEGER, so Kafka's "Long.MAX_VALUE means never" defaults are
 * represented by `LONG_MAX` (= Number.MAX_SAFE_INTEGER) and rendered back as 9223372036854775807.
 */

export type ConfigType = 'boolean' | 'string' | 'int' | 'short' | 'long' | 'double' | 'list' | 'class' | 'password';
export type Importance = 'high' | 'medium' | 'low';
export type ConfigValue = boolean | number | string | string[] | null;

/** The parsed JS type of a ConfigType (Kafka's ConfigDef.Type → Java type). */
export interface ConfigTypeValues {
  boolean: boolean;
  string: string;
  class: string;
  password: string;
  int: number;
  short: number;
  long: number;
  double: number;
  list: string[];
}

/** The parsed type of a key defined with type `T` and default `D`: nullable when there is no default. */
export type DefinedValue<T extends ConfigType, D> = D extends null | undefined ? ConfigTypeValues[T] | null : ConfigTypeValues[T];

/** Java's Long.MAX_VALUE as a JS number ("never"); same constant as lib/log/log-config.ts. */
export const LONG_MAX = Number.MAX_SAFE_INTEGER;
export const INT_MAX = 2147483647;
/** Java's Double.MAX_VALUE. */
export const DOUBLE_MAX = Number.MAX_VALUE;

/** DescribeConfigs `ConfigType` codes (DescribeConfigsResponse v3+). */
export const CONFIG_TYPE_CODES: Readonly<Record<ConfigType, number>> = {
  boolean: 1, string: 2, int: 3, short: 4, long: 5, double: 6, list: 7, class: 8, password: 9,
};

/** DescribeConfigs `ConfigSource` codes (Kafka's DescribeConfigsResponse.ConfigSource). */
export const ConfigSource = {
  UNKNOWN: 0,
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const;
export type ConfigSourceCode = (typeof ConfigSource)[keyof typeof ConfigSource];

/** A configuration problem; the message names the key and the offending value. The CLI prints it. */
export class ConfigError extends Error {
  readonly key: string | undefined;
  readonly value: unknown;

  constructor(message: string, key?: string, value?: unknown) {
    super(message);
    this.name = 'ConfigError';
    this.key = key;
    this.value = value;
  }

  /** Kafka's wording: `Invalid value <v> for configuration <k>: <reason>`. */
  static invalid(key: string, value: unknown, reason: string): ConfigError {
    return new ConfigError(`Invalid value ${displayValue(value)} for configuration ${key}: ${reason}`, key, value);
  }
}

function displayValue(v: unknown): string {
  if (Array.isArray(v)) return v.join(',');
  if (v === null || v === undefined) return 'null';
  return String(v);
}

/** A validator checks an already-parsed value and throws ConfigError.invalid(...) when it is wrong. */
export interface Validator {
  ensureValid(key: string, value: ConfigValue): void;
  /** Human-readable valid values, for docs ("[1,...]", "[delete, compact]"). */
  readonly description: string;
}

/** Kafka's Range.atLeast / Range.between for numeric keys. */
export function atLeast(min: number): Validator {
  return range(min, undefined);
}

export function between(min: number, max: number): Validator {
  return range(min, max);
}

function range(min: number | undefined, max: number | undefined): Validator {
  return {
    description: min !== undefined && max !== undefined ? `[${min},...,${max}]` : `[${min ?? '...'},...]`,
    ensureValid(key, value) {
      if (value === null) return;
      const n = value as number;
      if (min !== undefined && n < min) throw ConfigError.invalid(key, value, `Value must be at least ${min}`);
      if (max !== undefined && n > max) throw ConfigError.invalid(key, value, `Value must be no more than ${max}`);
    },
  };
}

/** Kafka's ValidString.in: the value must be one of the given strings (case-sensitive, like Kafka). */
export function validString(...allowed: string[]): Validator {
  return {
    description: `[${allowed.join(', ')}]`,
    ensureValid(key, value) {
      if (value === null) return;
      if (!allowed.includes(value as string)) {
        throw ConfigError.invalid(key, value, `String must be one of: ${allowed.join(', ')}`);
      }
    },
  };
}

/** Kafka's ValidList.in: every element of a list value must be one of the given strings. */
export function validList(...allowed: string[]): Validator {
  return {
    description: `[${allowed.join(', ')}]`,
    ensureValid(key, value) {
      if (value === null) return;
      for (const item of value as string[]) {
        if (!allowed.includes(item)) throw ConfigError.invalid(key, value, `String must be one of: ${allowed.join(', ')}`);
      }
    },
  };
}

/** Kafka's NonEmptyString. */
export function nonEmptyString(): Validator {
  return {
    description: 'non-empty string',
    ensureValid(key, value) {
      if (value === null) return;
      if ((value as string).trim().length === 0) throw ConfigError.invalid(key, value, 'String must be non-empty');
    },
  };
}

/** A validator from a predicate returning a reason string when the value is wrong. */
export function check(description: string, reasonIfInvalid: (value: ConfigValue) => string | undefined): Validator {
  return {
    description,
    ensureValid(key, value) {
      if (value === null) return;
      const reason = reasonIfInvalid(value);
      if (reason !== undefined) throw ConfigError.invalid(key, value, reason);
    },
  };
}

/** One configuration key. `topicKey` / `brokerKeys` describe Kafka's broker ↔ topic synonyms. */
export interface ConfigKey {
  readonly name: string;
  readonly type: ConfigType;
  /** Parsed default; `null` means "no default" (Kafka's null default). */
  readonly defaultValue: ConfigValue;
  readonly importance: Importance;
  readonly validator: Validator | undefined;
  readonly doc: string;
  /** Broker key only: the topic-level key it supplies the default for (log.retention.ms → retention.ms). */
  readonly topicKey: string | undefined;
  /** Topic key only: broker keys it falls back to, highest precedence first (retention.ms → log.retention.ms, …). */
  readonly brokerKeys: readonly string[];
  /** Kafka-internal or deprecated keys kept for compatibility; flagged in docs. */
  readonly deprecated: boolean;
}

export interface DefineOptions {
  validator?: Validator;
  topicKey?: string;
  brokerKeys?: readonly string[];
  deprecated?: boolean;
}

/**
 * An ordered table of ConfigKeys with typed parsing and validation. `V` maps every defined name to
 * its parsed type; it grows with each `define`, so a table built in one chain types its own values
 * (`ConfigValues<typeof BROKER_CONFIG_DEF>`).
 */
export class ConfigDef<V extends object = {}> {
  /** Type-level only: the parsed type of every defined key. */
  declare readonly valueTypes: V;
  private readonly byName = new Map<string, ConfigKey>();
  private readonly byLowerName = new Map<string, ConfigKey>();

  define<N extends string, T extends ConfigType, D extends ConfigValue | undefined>(name: N, type: T, defaultValue: D,
    importance: Importance, doc: string, options: DefineOptions = {}): ConfigDef<V & { readonly [K in N]: DefinedValue<T, D> }> {
    if (this.byName.has(name)) throw new Error(`Configuration ${name} is defined twice.`);
    const parsedDefault = defaultValue === undefined || defaultValue === null
      ? null
      : typeof defaultValue === 'string' && type !== 'string' && type !== 'password' && type !== 'class'
        ? parseValue(name, type, defaultValue)
        : defaultValue;
    const key: ConfigKey = {
      name, type, defaultValue: parsedDefault, importance, doc,
      validator: options.validator,
      topicKey: options.topicKey,
      brokerKeys: options.brokerKeys ?? [],
      deprecated: options.deprecated ?? false,
    };
    if (parsedDefault !== null) key.validator?.ensureValid(name, parsedDefault);
    this.byName.set(name, key);
    this.byLowerName.set(name.toLowerCase(), key);
    return this as ConfigDef<V & { readonly [K in N]: DefinedValue<T, D> }>;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  key(name: string): ConfigKey | undefined {
    return this.byName.get(name);
  }

  /** Case-insensitive lookup (environment variables lose case: zookeeper.clientCnxnSocket). */
  keyIgnoringCase(name: string): ConfigKey | undefined {
    return this.byLowerName.get(name.toLowerCase());
  }

  keys(): IterableIterator<ConfigKey> {
    return this.byName.values();
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  get size(): number {
    return this.byName.size;
  }

  /** Parses text (or an already-typed value) for a known key and runs its validator. */
  parse(name: string, raw: unknown): ConfigValue {
    const key = this.byName.get(name);
    if (!key) throw new ConfigError(`Unknown configuration ${name}`, name, raw);
    const value = parseValue(name, key.type, raw);
    if (value !== null) key.validator?.ensureValid(name, value);
    return value;
  }
}

/** The key → parsed type map of a ConfigDef. */
export type ConfigValues<C> = C extends ConfigDef<infer V> ? V : never;

const INT_MIN = -2147483648;
const LONG_MIN_BIG = -(2n ** 63n);
const LONG_MAX_BIG = 2n ** 63n - 1n;

/**
 * Kafka's ConfigDef.parseType: text is trimmed; booleans are true/false in any case; ints and
 * longs must be whole numbers in the Java type's range; lists are comma separated with blanks
 * dropped; `null`/`undefined` stay null.
 */
export function parseValue(name: string, type: ConfigType, raw: unknown): ConfigValue {
  if (raw === null || raw === undefined) return null;
  switch (type) {
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const s = String(raw).trim().toLowerCase();
      if (s === 'true') return true;
      if (s === 'false') return false;
      throw ConfigError.invalid(name, raw, 'Expected value to be either true or false');
    }
    case 'string':
    case 'class':
      return String(raw).trim();
    case 'password':
      return String(raw);
    case 'int':
    case 'short':
      return parseInteger(name, raw, type);
    case 'long': {
      if (typeof raw === 'bigint') return clampLong(raw);
      if (typeof raw === 'number') {
        if (!Number.isInteger(raw)) throw ConfigError.invalid(name, raw, 'Not a number of type LONG');
        return Math.max(-LONG_MAX, Math.min(LONG_MAX, raw));
      }
      const s = String(raw).trim();
      if (!/^[+-]?\d+$/.test(s)) throw ConfigError.invalid(name, raw, 'Not a number of type LONG');
      const big = BigInt(s);
      if (big < LONG_MIN_BIG || big > LONG_MAX_BIG) throw ConfigError.invalid(name, raw, 'Not a number of type LONG');
      return clampLong(big);
    }
    case 'double': {
      const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
      const s = typeof raw === 'number' ? 'x' : String(raw).trim();
      if (s === '' || Number.isNaN(n)) throw ConfigError.invalid(name, raw, 'Not a number of type DOUBLE');
      return n;
    }
    case 'list': {
      if (Array.isArray(raw)) return raw.map((x) => String(x).trim()).filter((x) => x.length > 0);
      const s = String(raw).trim();
      if (s.length === 0) return [];
      return s.split(/\s*,\s*/).filter((x) => x.length > 0);
    }
  }
}

function clampLong(big: bigint): number {
  if (big > BigInt(LONG_MAX)) return LONG_MAX;
  if (big < -BigInt(LONG_MAX)) return -LONG_MAX;
  return Number(big);
}

function parseInteger(name: string, raw: unknown, type: 'int' | 'short'): number {
  const label = type === 'int' ? 'INT' : 'SHORT';
  let n: number;
  if (typeof raw === 'number') {
    n = raw;
  } else {
    const s = String(raw).trim();
    if (!/^[+-]?\d+$/.test(s)) throw ConfigError.invalid(name, raw, `Not a number of type ${label}`);
    n = Number(s);
  }
  const [lo, hi] = type === 'int' ? [INT_MIN, INT_MAX] : [-32768, 32767];
  if (!Number.isInteger(n) || n < lo || n > hi) throw ConfigError.invalid(name, raw, `Not a number of type ${label}`);
  return n;
}

/** Renders a parsed value the way Kafka prints it in DescribeConfigs and docs (lists comma-joined, Long.MAX as 9223372036854775807). */
export function renderValue(type: ConfigType, value: ConfigValue): string | null {
  if (value === null) return null;
  if (Array.isArray(value)) return value.join(',');
  if (type === 'long' && value === LONG_MAX) return '9223372036854775807';
  if (type === 'long' && value === -LONG_MAX) return '-9223372036854775808';
  if (type === 'double' && typeof value === 'number') {
    if (value === DOUBLE_MAX) return '1.7976931348623157E308';
    return Number.isInteger(value) ? `${value}.0` : String(value);
  }
  return String(value);
}
