/**
 * The topic-level log configuration the log layer reads (Kafka's `LogConfig`), with Kafka's
 * defaults. Keys are Kafka's dotted topic-level names; `toLogConfig` also accepts camelCase
 * (`segmentBytes`) and ignores keys it does not know. lib/config/ owns validation and the
 * broker-level `log.*` fallbacks; this is the minimal shape lib/log/ needs.
 */

export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';
export type TimestampType = 'CreateTime' | 'LogAppendTime';

export interface LogConfig {
  'segment.bytes': number;
  'segment.ms': number;
  'segment.jitter.ms': number;
  'segment.index.bytes': number;
  'index.interval.bytes': number;
  'retention.ms': number;
  'retention.bytes': number;
  'cleanup.policy': CleanupPolicy;
  'delete.retention.ms': number;
  'min.cleanable.dirty.ratio': number;
  'min.compaction.lag.ms': number;
  'max.compaction.lag.ms': number;
  'file.delete.delay.ms': number;
  'flush.messages': number;
  'flush.ms': number;
  'message.timestamp.type': TimestampType;
  'message.timestamp.before.max.ms': number;
  'message.timestamp.after.max.ms': number;
  'max.message.bytes': number;
  /** 'producer' keeps the producer's codec; uncompressed/gzip/snappy/lz4/zstd recompress. */
  'compression.type': string;
  'preallocate': boolean;
}

/** Java's Long.MAX_VALUE as a JS number: "never" for flush.messages / flush.ms / max.compaction.lag.ms. */
export const LONG_MAX = Number.MAX_SAFE_INTEGER;

/** Kafka's defaults (TopicConfig / ServerLogConfigs). */
export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  'segment.bytes': 1024 * 1024 * 1024,
  'segment.ms': 7 * 24 * 60 * 60 * 1000,
  'segment.jitter.ms': 0,
  'segment.index.bytes': 10 * 1024 * 1024,
  'index.interval.bytes': 4096,
  'retention.ms': 7 * 24 * 60 * 60 * 1000,
  'retention.bytes': -1,
  'cleanup.policy': 'delete',
  'delete.retention.ms': 24 * 60 * 60 * 1000,
  'min.cleanable.dirty.ratio': 0.5,
  'min.compaction.lag.ms': 0,
  'max.compaction.lag.ms': LONG_MAX,
  'file.delete.delay.ms': 60000,
  // Kafka's defaults: never force an fsync by count or time; durability comes from the page cache
  // plus replication, and the log is flushed on roll and on close.
  'flush.messages': LONG_MAX,
  'flush.ms': LONG_MAX,
  'message.timestamp.type': 'CreateTime',
  'message.timestamp.before.max.ms': LONG_MAX,
  'message.timestamp.after.max.ms': LONG_MAX,
  'max.message.bytes': 1048588,
  'compression.type': 'producer',
  'preallocate': false,
});

const KEYS = Object.keys(DEFAULT_LOG_CONFIG) as (keyof LogConfig)[];
const CAMEL = new Map<string, keyof LogConfig>(
  KEYS.map((k) => [k.replace(/\.([a-z])/g, (_m, c: string) => c.toUpperCase()), k]),
);

function coerce(key: keyof LogConfig, v: unknown): unknown {
  const def = DEFAULT_LOG_CONFIG[key];
  if (typeof def === 'number') {
    const n = typeof v === 'bigint' ? Number(v) : Number(v);
    if (!Number.isFinite(n)) return def;
    return Math.min(n, LONG_MAX);
  }
  if (typeof def === 'boolean') return v === true || v === 'true';
  return String(v);
}

/** A full LogConfig from overrides keyed by dotted Kafka names or camelCase; unknown keys are ignored. */
export function toLogConfig(overrides: Partial<LogConfig> | Record<string, unknown> = {}): LogConfig {
  const out: Record<string, unknown> = { ...DEFAULT_LOG_CONFIG };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) continue;
    const key = (KEYS as string[]).includes(k) ? (k as keyof LogConfig) : CAMEL.get(k);
    if (key) out[key] = coerce(key, v);
  }
  return out as unknown as LogConfig;
}

export function isCompact(config: LogConfig): boolean {
  return config['cleanup.policy'].split(',').map((s) => s.trim()).includes('compact');
}

export function isDelete(config: LogConfig): boolean {
  return config['cleanup.policy'].split(',').map((s) => s.trim()).includes('delete');
}

