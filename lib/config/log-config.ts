/**
 * Kafka's LogConfig: the effective topic-level configuration of one topic, built from the broker's
 * topic defaults (`KafkaConfig.logConfig()`, which already folds in log.* keys) plus the topic's
 * overrides (/config/topics/<topic>). Values are exposed under Kafka's dotted topic keys
 * (`config['segment.bytes']`), numbers for ints/longs (ms and bytes; Long.MAX_VALUE is LONG_MAX),
 * so a LogConfig is assignable to lib/log/log-config.ts's LogConfig.
 *
 * Topic config validation for CreateTopics / AlterConfigs / IncrementalAlterConfigs throws
 * InvalidConfigError (INVALID_CONFIG) with a message naming the key and value.
 */
import { InvalidConfigError } from '../protocol/errors.js';
import { ConfigError, LONG_MAX, type ConfigValue } from './config-def.js';
import { TOPIC_CONFIG_DEF, TOPIC_CONFIG_NAMES } from './topic-configs.js';

export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';
export type TimestampType = 'CreateTime' | 'LogAppendTime';
export type BrokerCompressionType = 'uncompressed' | 'zstd' | 'lz4' | 'snappy' | 'gzip' | 'producer';

/** Every topic-level key with its parsed type. */
export interface TopicConfigValues {
  'segment.bytes': number;
  'segment.ms': number;
  'segment.jitter.ms': number;
  'segment.index.bytes': number;
  'flush.messages': number;
  'flush.ms': number;
  'retention.bytes': number;
  'retention.ms': number;
  'max.message.bytes': number;
  'index.interval.bytes': number;
  'delete.retention.ms': number;
  'min.compaction.lag.ms': number;
  'max.compaction.lag.ms': number;
  'file.delete.delay.ms': number;
  'min.cleanable.dirty.ratio': number;
  'cleanup.policy': CleanupPolicy;
  'unclean.leader.election.enable': boolean;
  'min.insync.replicas': number;
  'compression.type': BrokerCompressionType;
  'preallocate': boolean;
  'message.format.version': string;
  'message.timestamp.type': TimestampType;
  'message.timestamp.difference.max.ms': number;
  'message.timestamp.before.max.ms': number;
  'message.timestamp.after.max.ms': number;
  'message.downconversion.enable': boolean;
  'leader.replication.throttled.replicas': string[];
  'follower.replication.throttled.replicas': string[];
  'remote.storage.enable': boolean;
  'local.retention.ms': number;
  'local.retention.bytes': number;
}

/** Canonical string of a cleanup.policy list ('compact,delete' when both). Empty lists are rejected. */
export function normaliseCleanupPolicy(key: string, list: readonly string[]): CleanupPolicy {
  const compact = list.includes('compact');
  const del = list.includes('delete');
  if (compact && del) return 'compact,delete';
  if (compact) return 'compact';
  if (del) return 'delete';
  throw ConfigError.invalid(key, list, 'At least one of compact or delete is required');
}

/** Converts a parsed value to the shape TopicConfigValues uses (cleanup.policy list → canonical string). */
export function toTopicValue(name: string, value: ConfigValue): unknown {
  if (name === 'cleanup.policy') return normaliseCleanupPolicy(name, value as string[]);
  return value;
}

/** Kafka's topic defaults with no broker configuration at all (TopicConfig defaults). */
export function defaultTopicConfigValues(): TopicConfigValues {
  const out: Record<string, unknown> = {};
  for (const key of TOPIC_CONFIG_DEF.keys()) out[key.name] = toTopicValue(key.name, key.defaultValue);
  return out as unknown as TopicConfigValues;
}

function asInvalidConfig(err: unknown): never {
  if (err instanceof ConfigError) throw new InvalidConfigError(err.message);
  throw err;
}

/**
 * Validates topic-level overrides as sent in CreateTopics / AlterConfigs (string values) and
 * returns them parsed. Unknown names, null values, unparsable or out-of-range values, and
 * min.compaction.lag.ms > max.compaction.lag.ms all throw InvalidConfigError.
 */
export function validateTopicConfigs(configs: Readonly<Record<string, string | null | undefined>> | ReadonlyMap<string, string | null>,
  defaults: TopicConfigValues = defaultTopicConfigValues()): Partial<TopicConfigValues> {
  const entries = configs instanceof Map ? [...configs.entries()] : Object.entries(configs);
  const parsed: Record<string, unknown> = {};
  const nulls: string[] = [];
  for (const [name, raw] of entries) {
    if (!TOPIC_CONFIG_DEF.has(name)) throw new InvalidConfigError(`Unknown topic config name: ${name}`);
    if (raw === null || raw === undefined) {
      nulls.push(name);
      continue;
    }
    try {
      parsed[name] = toTopicValue(name, TOPIC_CONFIG_DEF.parse(name, raw));
    } catch (err) {
      asInvalidConfig(err);
    }
  }
  if (nulls.length > 0) throw new InvalidConfigError(`Null value not supported for topic configs: ${nulls.join(',')}`);
  const merged = { ...defaults, ...parsed } as TopicConfigValues;
  if (merged['min.compaction.lag.ms'] > merged['max.compaction.lag.ms']) {
    throw new InvalidConfigError(`conflict topic config setting min.compaction.lag.ms (${merged['min.compaction.lag.ms']}) > `
      + `max.compaction.lag.ms (${merged['max.compaction.lag.ms']})`);
  }
  if (parsed['remote.storage.enable'] === true) {
    throw new InvalidConfigError('Invalid value true for configuration remote.storage.enable: tiered storage is not supported by kafkats');
  }
  return parsed as Partial<TopicConfigValues>;
}

// Declaration merging: a LogConfig instance carries every TopicConfigValues key as a property.
export interface LogConfig extends TopicConfigValues {}

/** The effective configuration of one topic. */
export class LogConfig {
  /** Topic keys set on the topic itself (source DYNAMIC_TOPIC_CONFIG in DescribeConfigs). */
  readonly overriddenConfigs: ReadonlySet<string>;
  /** Override names that are not topic configs (left in ZooKeeper by other tools); ignored. */
  readonly ignoredConfigs: readonly string[];

  private constructor(values: TopicConfigValues, overridden: ReadonlySet<string>, ignored: readonly string[]) {
    Object.assign(this, values);
    this.overriddenConfigs = overridden;
    this.ignoredConfigs = ignored;
    Object.freeze(this);
  }

  /**
   * Kafka's LogConfig.fromProps(defaults, overrides): broker-derived defaults plus per-topic
   * overrides (strings from /config/topics/<t>, or already-typed values). Invalid override values
   * throw InvalidConfigError; unknown names are ignored and listed in `ignoredConfigs`.
   */
  static fromProps(defaults: TopicConfigValues = defaultTopicConfigValues(),
    overrides: Readonly<Record<string, unknown>> | ReadonlyMap<string, unknown> = {}): LogConfig {
    const entries = overrides instanceof Map ? [...overrides.entries()] : Object.entries(overrides);
    const values: Record<string, unknown> = { ...defaults };
    const overridden = new Set<string>();
    const ignored: string[] = [];
    for (const [name, raw] of entries) {
      if (raw === undefined || raw === null) continue;
      if (!TOPIC_CONFIG_DEF.has(name)) {
        ignored.push(name);
        continue;
      }
      try {
        values[name] = toTopicValue(name, TOPIC_CONFIG_DEF.parse(name, raw));
      } catch (err) {
        asInvalidConfig(err);
      }
      overridden.add(name);
    }
    return new LogConfig(values as unknown as TopicConfigValues, overridden, ignored);
  }

  get compact(): boolean {
    return this['cleanup.policy'].includes('compact');
  }

  get delete(): boolean {
    return this['cleanup.policy'].includes('delete');
  }

  /** Kafka's maxSegmentMs: compacted topics also roll by max.compaction.lag.ms. */
  maxSegmentMs(): number {
    return this.compact && this['max.compaction.lag.ms'] > 0
      ? Math.min(this['max.compaction.lag.ms'], this['segment.ms']) : this['segment.ms'];
  }

  /** Size new segment files are created with (segment.bytes when preallocating, else 0). */
  initFileSize(): number {
    return this.preallocate ? this['segment.bytes'] : 0;
  }

  /** A random jitter in [0, min(segment.jitter.ms, segment.ms)). */
  randomSegmentJitter(random: () => number = Math.random): number {
    const jitter = this['segment.jitter.ms'];
    if (jitter === 0) return 0;
    return Math.floor(random() * Math.min(jitter, this['segment.ms']));
  }

  /** A plain copy of the values under their dotted keys. */
  toRecord(): TopicConfigValues {
    const out: Record<string, unknown> = {};
    for (const name of TOPIC_CONFIG_NAMES) {
      const v = (this as unknown as Record<string, unknown>)[name];
      out[name] = Array.isArray(v) ? [...(v as unknown[])] : v;
    }
    return out as unknown as TopicConfigValues;
  }

  /** True when retention.ms / flush.* etc. mean "never" (Long.MAX_VALUE). */
  static isUnbounded(value: number): boolean {
    return value >= LONG_MAX;
  }
}

export { TOPIC_CONFIG_NAMES };
