/**
 * Which broker configs may change at runtime (KIP-226), after Kafka's DynamicBrokerConfig and
 * DynamicConfig.Broker: the reconfigurable keys (log defaults for topics, the log cleaner, thread
 * pools, listeners, connection limits), the keys only a broker of its own may set (listeners), the
 * replication quota keys (QuotaConfig, not part of KafkaConfig), and Kafka's validation of a
 * dynamic update with its messages. A key Kafka does not know is accepted as a custom property;
 * a known static key is refused.
 */
import { ConfigDef, ConfigError, LONG_MAX, atLeast } from './config-def.js';
import { BROKER_CONFIG_DEF } from './broker-configs.js';
import { TOPIC_CONFIG_DEF } from './topic-configs.js';

/** Kafka's QuotaConfig broker keys (DynamicConfig.Broker): replication and log-dir move throttles. */
export const BROKER_QUOTA_CONFIG_DEF: ConfigDef = new ConfigDef()
  .define('leader.replication.throttled.rate', 'long', LONG_MAX, 'medium',
    'Bytes per second a leader may send to followers of the replicas listed in leader.replication.throttled.replicas.', { validator: atLeast(0) })
  .define('follower.replication.throttled.rate', 'long', LONG_MAX, 'medium',
    'Bytes per second a follower may fetch for the replicas listed in follower.replication.throttled.replicas.', { validator: atLeast(0) })
  .define('replica.alter.log.dirs.io.max.bytes.per.second', 'long', LONG_MAX, 'medium',
    'Bytes per second a replica being moved between log dirs may copy.', { validator: atLeast(0) });

/** Kafka's DynamicLogConfig.ReconfigurableConfigs: the broker keys behind topic defaults, but log.message.format.version. */
export const LOG_CONFIGS = [...TOPIC_CONFIG_DEF.keys()]
  .filter((k) => k.name !== 'message.format.version')
  .flatMap((k) => k.brokerKeys);

/** LogCleaner.ReconfigurableConfigs. */
export const LOG_CLEANER_CONFIGS = ['log.cleaner.threads', 'log.cleaner.dedupe.buffer.size', 'log.cleaner.io.buffer.load.factor',
  'log.cleaner.io.buffer.size', 'message.max.bytes', 'log.cleaner.io.max.bytes.per.second', 'log.cleaner.backoff.ms'];

/** DynamicThreadPool.ReconfigurableConfigs. */
const THREAD_POOL_CONFIGS = ['num.io.threads', 'num.replica.fetchers', 'num.recovery.threads.per.data.dir', 'background.threads'];

/** SocketServer.ReconfigurableConfigs. */
export const SOCKET_SERVER_CONFIGS = ['max.connections.per.ip', 'max.connections.per.ip.overrides', 'max.connections', 'max.connection.creation.rate'];

/** DynamicListenerConfig.ReconfigurableConfigs (the listener keys; the SSL/SASL ones kafkats does not define). */
const LISTENER_CONFIGS = ['advertised.listeners', 'listeners', 'listener.security.protocol.map'];

/** DynamicProducerStateManagerConfig. */
const PRODUCER_STATE_CONFIGS = ['producer.id.expiration.ms', 'transaction.partition.verification.enable'];

/** Kafka's DynamicBrokerConfig.AllDynamicConfigs (the names kafkats defines). */
export const ALL_DYNAMIC_CONFIGS: ReadonlySet<string> = new Set([
  ...LOG_CLEANER_CONFIGS, ...LOG_CONFIGS, ...THREAD_POOL_CONFIGS, 'metric.reporters', ...LISTENER_CONFIGS, ...SOCKET_SERVER_CONFIGS,
  ...PRODUCER_STATE_CONFIGS,
].filter((n) => BROKER_CONFIG_DEF.has(n)));

/** Kafka's ClusterLevelListenerConfigs: listener-related keys that may also be set cluster-wide. */
const CLUSTER_LEVEL_LISTENER_CONFIGS = new Set(['max.connections', 'max.connection.creation.rate', 'num.network.threads']);

/** Kafka's PerBrokerConfigs: may only be set for one broker, not as the cluster default. */
export const PER_BROKER_CONFIGS: ReadonlySet<string> = new Set(LISTENER_CONFIGS.filter((n) => !CLUSTER_LEVEL_LISTENER_CONFIGS.has(n)));

/** Every key a dynamic broker config may hold (DynamicConfig.Broker: AllDynamicConfigs and the quota keys). */
export function isDynamicBrokerConfig(name: string): boolean {
  return ALL_DYNAMIC_CONFIGS.has(name) || BROKER_QUOTA_CONFIG_DEF.has(name);
}

/** Scala's Set.toString, which Kafka's messages print: `Set(a, b)`. */
function scalaSet(names: readonly string[]): string {
  return `Set(${names.join(', ')})`;
}

/**
 * Kafka's DynamicBrokerConfig.validateConfigs: no static key, valid values for the keys Kafka
 * knows (unknown ones are custom properties), and no per-broker key at the cluster level. Throws
 * ConfigError with Kafka's messages.
 */
export function validateDynamicBrokerConfigs(props: Readonly<Record<string, string>>, perBrokerConfig: boolean): void {
  const names = Object.keys(props);
  const nonDynamic = names.filter((n) => BROKER_CONFIG_DEF.has(n) && !isDynamicBrokerConfig(n));
  if (nonDynamic.length > 0) throw new ConfigError(`Cannot update these configs dynamically: ${scalaSet(nonDynamic)}`);
  for (const n of names) {
    if (BROKER_CONFIG_DEF.has(n)) BROKER_CONFIG_DEF.parse(n, props[n]);
    else if (BROKER_QUOTA_CONFIG_DEF.has(n)) BROKER_QUOTA_CONFIG_DEF.parse(n, props[n]);
  }
  if (!perBrokerConfig) {
    const perBroker = names.filter((n) => PER_BROKER_CONFIGS.has(n));
    if (perBroker.length > 0) throw new ConfigError(`Cannot update these configs at default cluster level, broker id must be specified: ${scalaSet(perBroker)}`);
  }
}
