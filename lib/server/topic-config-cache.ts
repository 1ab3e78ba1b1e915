/**
 * The effective LogConfig of each topic on this broker: the broker's topic defaults plus the
 * topic's overrides from /config/topics/<topic>. Kafka reads the overrides from ZooKeeper when it
 * creates a log (fetchLogConfig) and again on every config change notification; here they are
 * loaded before a LeaderAndIsr is applied (ensureLoaded) so that log creation, validation and
 * min.insync.replicas checks can read them synchronously.
 */
import { LogConfig } from '../config/log-config.js';
import type { KafkaZkClient } from '../zk/kafka-zk-client.js';
import { ConfigType } from '../zk/config-znodes.js';
import { logger } from '../utils/logger.js';

export class TopicConfigCache {
  private readonly log = logger('kafka.server.TopicConfigCache');
  private readonly overrides = new Map<string, Record<string, string>>();
  private readonly effective = new Map<string, LogConfig>();
  private defaults: LogConfig;

  constructor(private readonly zkClient: KafkaZkClient, defaults: LogConfig) {
    this.defaults = defaults;
  }

  /** New broker defaults (a dynamic log config changed): every topic's effective config is rebuilt. */
  setDefaults(defaults: LogConfig): void {
    this.defaults = defaults;
    for (const [topic, overrides] of this.overrides) this.set(topic, overrides);
  }

  /** Topics whose overrides are loaded. */
  topics(): string[] {
    return [...this.overrides.keys()];
  }

  /** Reads the overrides of topics not seen yet. */
  async ensureLoaded(topics: Iterable<string>): Promise<void> {
    const missing = [...new Set(topics)].filter((t) => !this.overrides.has(t));
    await Promise.all(missing.map(async (t) => this.set(t, await this.zkClient.getEntityConfigs(ConfigType.Topic, t))));
  }

  /** Replaces a topic's overrides (config change notification); returns its new effective config. */
  set(topic: string, overrides: Record<string, string>): LogConfig {
    this.overrides.set(topic, overrides);
    let cfg: LogConfig;
    try {
      cfg = LogConfig.fromProps(this.defaults, overrides);
    } catch (err) {
      this.log.error(`Invalid config overrides for topic ${topic} (${(err as Error).message}); using the broker defaults`);
      cfg = this.defaults;
    }
    this.effective.set(topic, cfg);
    return cfg;
  }

  forget(topic: string): void {
    this.overrides.delete(topic);
    this.effective.delete(topic);
  }

  /** The topic's effective config (broker defaults until its overrides are loaded). */
  get(topic: string): LogConfig {
    return this.effective.get(topic) ?? this.defaults;
  }

  overridesOf(topic: string): Record<string, string> {
    return this.overrides.get(topic) ?? {};
  }
}
