/**
 * Kafka's DynamicBrokerConfig (KIP-226) in ZooKeeper mode: broker configs stored at
 * /config/brokers/<default> (cluster-wide) and /config/brokers/<id> (this broker) layered over the
 * static configuration — DYNAMIC_BROKER_CONFIG > DYNAMIC_DEFAULT_BROKER_CONFIG >
 * STATIC_BROKER_CONFIG > DEFAULT_CONFIG. Loaded at start-up and on every /config/changes
 * notification for brokers; each change rebuilds the current KafkaConfig and hands old and new to
 * the components that reconfigure the keys that changed (Kafka's BrokerReconfigurable).
 */
import type { KafkaConfig } from '../config/kafka-config.js';
import { ConfigError } from '../config/config-def.js';
import { BROKER_CONFIG_DEF } from '../config/broker-configs.js';
import { BROKER_QUOTA_CONFIG_DEF, isDynamicBrokerConfig, perBrokerConfigs, validateDynamicBrokerConfigs } from '../config/dynamic-config.js';
import type { KafkaZkClient } from '../zk/kafka-zk-client.js';
import { ConfigType } from '../zk/config-znodes.js';
import { logger } from '../utils/logger.js';

/** ZooKeeperInternals.DEFAULT_STRING: the entity name of the cluster-wide default. */
export const DEFAULT_ENTITY = '<default>';

/** Kafka's BrokerReconfigurable: told of a new config when one of its keys changed. */
export interface BrokerReconfigurable {
  readonly reconfigurableConfigs: ReadonlySet<string>;
  /** Throws ConfigError when the new config cannot be applied (the update is refused). */
  validateReconfiguration?(newConfig: KafkaConfig, currentConfig: KafkaConfig): void;
  reconfigure(oldConfig: KafkaConfig, newConfig: KafkaConfig): void;
  /**
   * Kafka's reload of a listener's key and trust store files whose configs did not change (an
   * AlterConfigs that sets the same location again); throws ConfigError when the files on disk
   * cannot be used (nothing changes then).
   */
  reloadFiles?(config: KafkaConfig): void;
}

/**
 * A component that follows dynamic broker configs through its own typed config object: `configOf`
 * is its builder from lib/config (e.g. connectionQuotaConfigFrom), and validation and
 * reconfiguration see old and new objects, never raw keys.
 */
export interface ComponentReconfigurable<T> {
  readonly reconfigurableConfigs: ReadonlySet<string>;
  configOf(config: KafkaConfig): T;
  /** Throws ConfigError when `next` cannot be applied. */
  validateReconfiguration?(next: T, current: T): void;
  reconfigure(old: T, next: T): void;
}

/** The BrokerReconfigurable of a ComponentReconfigurable; a config object that cannot be built refuses the update. */
export function brokerReconfigurable<T>(r: ComponentReconfigurable<T>): BrokerReconfigurable {
  const build = (config: KafkaConfig): T => {
    try {
      return r.configOf(config);
    } catch (err) {
      throw err instanceof ConfigError ? err : new ConfigError((err as Error).message);
    }
  };
  return {
    reconfigurableConfigs: r.reconfigurableConfigs,
    validateReconfiguration: (newConfig, currentConfig) => {
      const next = build(newConfig);
      r.validateReconfiguration?.(next, build(currentConfig));
    },
    reconfigure: (oldConfig, newConfig) => r.reconfigure(r.configOf(oldConfig), r.configOf(newConfig)),
  };
}

export class DynamicBrokerConfig {
  private readonly log = logger('kafka.server.DynamicBrokerConfig');
  private dynamicDefaultConfigs: Record<string, string> = {};
  private dynamicBrokerConfigs: Record<string, string> = {};
  private current: KafkaConfig;
  private readonly reconfigurables: BrokerReconfigurable[] = [];
  /** This broker's id (the static one, or the one ZooKeeper generated). */
  private brokerId: number;

  constructor(readonly staticConfig: KafkaConfig) {
    this.current = staticConfig;
    this.brokerId = staticConfig.brokerId;
  }

  /** The effective configuration (static + dynamic). */
  get currentConfig(): KafkaConfig {
    return this.current;
  }

  currentDynamicDefaultConfigs(): Readonly<Record<string, string>> {
    return this.dynamicDefaultConfigs;
  }

  currentDynamicBrokerConfigs(): Readonly<Record<string, string>> {
    return this.dynamicBrokerConfigs;
  }

  /** Kafka's DynamicBrokerConfig.initialize: the stored cluster default, then this broker's configs. */
  async initialize(zkClient: KafkaZkClient, brokerId: number = this.staticConfig.brokerId): Promise<void> {
    this.brokerId = brokerId;
    this.updateDefaultConfig(await zkClient.getEntityConfigs(ConfigType.Broker, DEFAULT_ENTITY));
    this.updateBrokerConfig(brokerId, await zkClient.getEntityConfigs(ConfigType.Broker, String(brokerId)));
  }

  /**
   * Kafka's BrokerConfigHandler.getOrDefault for a replication throttle: this broker's dynamic
   * value, else the cluster default's, else no throttle (Long.MAX_VALUE).
   */
  replicationThrottledRate(key: 'leader.replication.throttled.rate' | 'follower.replication.throttled.rate' | 'replica.alter.log.dirs.io.max.bytes.per.second'): number {
    const v = this.dynamicBrokerConfigs[key] ?? this.dynamicDefaultConfigs[key];
    if (v === undefined) return Number.MAX_SAFE_INTEGER;
    try {
      return Math.min(BROKER_QUOTA_CONFIG_DEF.parse(key, v) as number, Number.MAX_SAFE_INTEGER);
    } catch {
      return Number.MAX_SAFE_INTEGER;
    }
  }

  addReconfigurable(r: BrokerReconfigurable): void {
    this.reconfigurables.push(r);
  }

  /** The cluster-wide dynamic configs changed (/config/brokers/<default>). */
  updateDefaultConfig(persistentProps: Readonly<Record<string, string>>): void {
    const props = this.usable(persistentProps);
    for (const k of perBrokerConfigs(Object.keys(props))) {
      this.log.error(`Per-broker configs defined at default cluster level will be ignored: ${k}`);
      delete props[k];
    }
    this.dynamicDefaultConfigs = props;
    this.updateCurrentConfig();
  }

  /** This broker's dynamic configs changed (/config/brokers/<id>). */
  updateBrokerConfig(brokerId: number, persistentProps: Readonly<Record<string, string>>): void {
    if (brokerId !== this.brokerId) return;
    this.dynamicBrokerConfigs = this.usable(persistentProps);
    this.updateCurrentConfig();
  }

  /**
   * Kafka's DynamicBrokerConfig.validate for AlterConfigs: the keys may change dynamically, their
   * values are valid, and the configuration they would make is accepted by every component
   * (e.g. log cleaner threads at most doubled). `props` is the whole new set for that level.
   */
  validate(props: Readonly<Record<string, string>>, perBrokerConfig: boolean): void {
    validateDynamicBrokerConfigs(props, perBrokerConfig);
    const next = perBrokerConfig
      ? this.staticConfig.withDynamicConfigs(this.dynamicDefaultConfigs, props)
      : this.staticConfig.withDynamicConfigs(props, this.dynamicBrokerConfigs);
    const changed = changedKeys(this.current, next);
    for (const r of this.reconfigurables) if (changed.some((k) => r.reconfigurableConfigs.has(k))) r.validateReconfiguration?.(next, this.current);
  }

  /**
   * Kafka's DynamicBrokerConfig.reloadUpdatedFilesWithoutConfigChange, for a per-broker
   * AlterConfigs on this broker: the components whose configs `props` leaves unchanged reload the
   * files those configs name (a key store replaced in place). Throws ConfigError when one refuses.
   */
  reloadUpdatedFilesWithoutConfigChange(props: Readonly<Record<string, string>>): void {
    const next = this.staticConfig.withDynamicConfigs(this.dynamicDefaultConfigs, props);
    const changed = changedKeys(this.current, next);
    for (const r of this.reconfigurables) {
      if (r.reloadFiles && !changed.some((k) => r.reconfigurableConfigs.has(k))) r.reloadFiles(next);
    }
  }

  /**
   * Kafka's removeInvalidConfigs / nonDynamicConfigs on load: keys that may not change dynamically
   * and values that do not parse are logged and ignored; unknown keys stay (custom properties).
   */
  private usable(persistentProps: Readonly<Record<string, string>>): Record<string, string> {
    const out: Record<string, string> = {};
    const invalid: string[] = [];
    for (const [k, v] of Object.entries(persistentProps)) {
      if (BROKER_CONFIG_DEF.has(k) && !isDynamicBrokerConfig(k)) {
        this.log.error(`Non-dynamic configs configured in ZooKeeper will be ignored: ${k}`);
        continue;
      }
      try {
        validateDynamicBrokerConfigs({ [k]: v }, true);
        out[k] = v;
      } catch {
        invalid.push(k);
      }
    }
    if (invalid.length > 0) this.log.error(`Dynamic broker configs contain invalid values in: ${invalid.join(',')}. Invalid configs will be ignored.`);
    return out;
  }

  private updateCurrentConfig(): void {
    let next: KafkaConfig;
    try {
      next = this.staticConfig.withDynamicConfigs(this.dynamicDefaultConfigs, this.dynamicBrokerConfigs);
    } catch (err) {
      this.log.error({ err }, `Failed to update broker configuration with configs: ${JSON.stringify({ ...this.dynamicDefaultConfigs, ...this.dynamicBrokerConfigs })}`);
      return;
    }
    const old = this.current;
    const changed = changedKeys(old, next);
    if (changed.length === 0) {
      this.current = next;
      return;
    }
    const affected = this.reconfigurables.filter((r) => changed.some((k) => r.reconfigurableConfigs.has(k)));
    for (const r of affected) {
      try {
        r.validateReconfiguration?.(next, old);
      } catch (err) {
        const why = err instanceof ConfigError ? err.message : String(err);
        this.log.error(`Cannot update broker configuration with configs: ${changed.join(',')}: ${why}`);
        return;
      }
    }
    this.current = next;
    this.log.info(`Updated broker configuration: ${changed.map((k) => `${k}=${next.originals.get(k) ?? '(removed)'}`).join(', ')}`);
    for (const r of affected) {
      try {
        r.reconfigure(old, next);
      } catch (err) {
        this.log.error({ err }, `Failed to reconfigure for ${changed.join(',')}`);
      }
    }
  }
}

/** Keys whose raw value differs between two configurations (set, changed or removed). */
function changedKeys(a: KafkaConfig, b: KafkaConfig): string[] {
  const keys = new Set([...a.originals.keys(), ...b.originals.keys()]);
  return [...keys].filter((k) => a.originals.get(k) !== b.originals.get(k));
}

