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

/**
 * Kafka's DynamicSecurityConfigs (SslConfigs.RECONFIGURABLE_CONFIGS): a listener's key and trust
 * stores, changed only with the listener prefix (`listener.name.<l>.ssl.keystore.location`), per broker.
 */
export const DYNAMIC_SECURITY_CONFIGS: readonly string[] = ['ssl.keystore.type', 'ssl.keystore.location', 'ssl.keystore.password', 'ssl.key.password',
  'ssl.truststore.type', 'ssl.truststore.location', 'ssl.truststore.password', 'ssl.keystore.certificate.chain', 'ssl.keystore.key',
  'ssl.truststore.certificates'];

/** DynamicListenerConfig.ReconfigurableConfigs (the listener keys; the SSL/SASL ones kafkats does not define). */
const LISTENER_CONFIGS = ['advertised.listeners', 'listeners', 'listener.security.protocol.map'];

/** DynamicProducerStateManagerConfig. */
const PRODUCER_STATE_CONFIGS = ['producer.id.expiration.ms', 'transaction.partition.verification.enable'];

/** Kafka's DynamicBrokerConfig.AllDynamicConfigs (the names kafkats defines). */
export const ALL_DYNAMIC_CONFIGS: ReadonlySet<string> = new Set([
  ...LOG_CLEANER_CONFIGS, ...LOG_CONFIGS, ...THREAD_POOL_CONFIGS, 'metric.reporters', ...LISTENER_CONFIGS, ...SOCKET_SERVER_CONFIGS,
  ...PRODUCER_STATE_CONFIGS, ...DYNAMIC_SECURITY_CONFIGS,
].filter((n) => BROKER_CONFIG_DEF.has(n)));

/** Kafka's ClusterLevelListenerConfigs: listener-related keys that may also be set cluster-wide. */
const CLUSTER_LEVEL_LISTENER_CONFIGS = new Set(['max.connections', 'max.connection.creation.rate', 'num.network.threads']);

/** Kafka's PerBrokerConfigs: may only be set for one broker, not as the cluster default. */
export const PER_BROKER_CONFIGS: ReadonlySet<string> = new Set([...DYNAMIC_SECURITY_CONFIGS, ...LISTENER_CONFIGS].filter((n) => !CLUSTER_LEVEL_LISTENER_CONFIGS.has(n)));

/** Kafka's ListenerConfigRegex: the base name of a `listener.name.<l>.<name>` key, else null. */
export function listenerConfigBaseName(name: string): string | null {
  const m = /^listener\.name\.[^.]*\.(.*)$/.exec(name);
  return m ? m[1]! : null;
}

/** Kafka's perBrokerConfigs: the per-broker keys among `names`, listener-prefixed ones included. */
export function perBrokerConfigs(names: readonly string[]): string[] {
  return names.filter((n) => {
    if (PER_BROKER_CONFIGS.has(n)) return true;
    const base = listenerConfigBaseName(n);
    return base !== null && !CLUSTER_LEVEL_LISTENER_CONFIGS.has(base);
  });
}

/** Every key a dynamic broker config may hold (DynamicConfig.Broker: AllDynamicConfigs and the quota keys). */
export function isDynamicBrokerConfig(name: string): boolean {
  return ALL_DYNAMIC_CONFIGS.has(name) || BROKER_QUOTA_CONFIG_DEF.has(name);
}

/** Kafka's DynamicBrokerConfig.isPasswordConfig: a password key, also listener- or mechanism-prefixed (`….sasl.jaas.config`). */
export function isPasswordConfig(name: string): boolean {
  return PASSWORD_CONFIGS.some((p) => name === p || name.endsWith(`.${p}`));
}

const PASSWORD_CONFIGS = [...BROKER_CONFIG_DEF.keys()].filter((k) => k.type === 'password').map((k) => k.name);

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
  const unprefixed = DYNAMIC_SECURITY_CONFIGS.filter((n) => n in props);
  if (unprefixed.length > 0) throw new ConfigError(`These security configs can be dynamically updated only per-listener using the listener prefix: ${scalaSet(unprefixed)}`);
  for (const n of names) {
    const base = listenerConfigBaseName(n);
    if (BROKER_CONFIG_DEF.has(n)) BROKER_CONFIG_DEF.parse(n, props[n]);
    else if (BROKER_QUOTA_CONFIG_DEF.has(n)) BROKER_QUOTA_CONFIG_DEF.parse(n, props[n]);
    else if (base !== null && BROKER_CONFIG_DEF.has(base)) BROKER_CONFIG_DEF.parse(base, props[n]);
  }
  if (!perBrokerConfig) {
    const perBroker = perBrokerConfigs(names);
    if (perBroker.length > 0) throw new ConfigError(`Cannot update these configs at default cluster level, broker id must be specified: ${scalaSet(perBroker)}`);
  }
}
