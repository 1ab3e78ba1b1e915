/**
 * The log layer's settings: LogManager's (log dirs, retention check, producer id expiry of
 * ProducerStateManagerConfig) and the LogCleaner's CleanerConfig with Kafka's rule for changing
 * its thread count at runtime (LogCleaner.validateReconfiguration).
 */
import { ConfigError } from './config-def.js';
import type { KafkaConfig } from './kafka-config.js';

/** Kafka's CleanerConfig, the parts kafkats uses (one cleaner runs on the event loop). */
export interface CleanerConfig {
  /** log.cleaner.enable */
  readonly enableCleaner: boolean;
  /** log.cleaner.threads */
  readonly numThreads: number;
}

export interface LogManagerConfig {
  readonly logDirs: string[];
  /** log.retention.check.interval.ms */
  readonly retentionCheckIntervalMs: number;
  /** producer.id.expiration.ms (ProducerStateManagerConfig) */
  readonly producerIdExpirationMs: number;
  /** producer.id.expiration.check.interval.ms */
  readonly producerIdExpirationCheckIntervalMs: number;
  /** log.cleaner.enable */
  readonly cleanerEnabled: boolean;
}

export function cleanerConfigFrom(config: KafkaConfig): CleanerConfig {
  return { enableCleaner: config.get('log.cleaner.enable'), numThreads: config.get('log.cleaner.threads') };
}

export function logManagerConfigFrom(config: KafkaConfig): LogManagerConfig {
  return {
    logDirs: [...config.logDirs],
    retentionCheckIntervalMs: config.get('log.retention.check.interval.ms'),
    producerIdExpirationMs: config.get('producer.id.expiration.ms'),
    producerIdExpirationCheckIntervalMs: config.get('producer.id.expiration.check.interval.ms'),
    cleanerEnabled: cleanerConfigFrom(config).enableCleaner,
  };
}

/** Kafka's LogCleaner.validateReconfiguration: at least one thread, at most halved or doubled at once. */
export function validateCleanerReconfiguration(next: CleanerConfig, current: CleanerConfig): void {
  const threads = next.numThreads;
  if (threads < 1) throw new ConfigError('Log cleaner threads should be at least 1');
  if (threads < current.numThreads / 2) throw new ConfigError(`Log cleaner threads cannot be reduced to less than half the current value ${current.numThreads}`);
  if (threads > current.numThreads * 2) throw new ConfigError(`Log cleaner threads cannot be increased to more than double the current value ${current.numThreads}`);
}
