/**
 * KafkaConfig: the broker's static configuration (Kafka's kafka.server.KafkaConfig, ZooKeeper mode).
 *
 * Sources, lowest to highest precedence: Kafka's defaults < server.properties (or a props object)
 * < environment (`KAFKA_CFG_LOG_RETENTION_MS` → log.retention.ms; the Confluent image's
 * `KAFKA_LOG_RETENTION_MS` for a known key too, KAFKA_CFG_* winning) < `--override k=v`. Values are
 * parsed and validated against BROKER_CONFIG_DEF; problems throw ConfigError naming the key and the
 * value. Unknown keys never crash: they are kept in `originals` and reported in `warnings`.
 *
 * Derived values follow Kafka: log.retention.ms > log.retention.minutes > log.retention.hours;
 * log.roll.ms > log.roll.hours (and jitter); log.flush.interval.ms > log.flush.scheduler.interval.ms;
 * log.dirs falls back to log.dir; advertised.listeners falls back to listeners;
 * zookeeper.connection.timeout.ms falls back to zookeeper.session.timeout.ms.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, type ConfigKey, type ConfigValue } from './config-def.js';
import { BROKER_CONFIG_DEF, parseSuperUsers, type BrokerConfigName, type BrokerConfigValues } from './broker-configs.js';
import type { KafkaPrincipal } from '../common/kafka-principal.js';
import { parseProperties, parseOverrides, parseEnvOverrides, parseConfluentEnvOverrides } from './properties.js';
import {
  parseListeners, parseListenerSecurityProtocolMap, toSecurityProtocol, type EndPoint, type SecurityProtocol,
} from './listeners.js';
import { LogConfig, toTopicValue, type TopicConfigValues } from './log-config.js';
import {
  interBrokerSecurityConfig, isListenerPrefixedKey, listenerSecurityConfigs, type InterBrokerSecurityConfig, type ListenerSecurityConfig,
} from './listener-security.js';
import { TOPIC_CONFIG_DEF } from './topic-configs.js';

/** The broker's authorizer (Kafka's AclAuthorizer configuration). */
export interface AuthorizerConfig {
  readonly className: string;
  readonly superUsers: readonly KafkaPrincipal[];
  readonly allowEveryoneIfNoAclIsFound: boolean;
}

/** Where a key's value came from. */
export type ConfigOrigin = 'default' | 'file' | 'props' | 'env' | 'override' | 'dynamic-default' | 'dynamic-broker';

/** Origins of the dynamic layers (KIP-226), which DynamicBrokerConfig adds on top of the static ones. */
const DYNAMIC_ORIGINS: ReadonlySet<ConfigOrigin> = new Set(['dynamic-default', 'dynamic-broker']);

export interface KafkaConfigOptions {
  /** Environment to read KAFKA_CFG_* overrides from. Defaults to none (load() defaults to process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** `--override` items (`k=v`) or a map of overrides; highest precedence. */
  overrides?: readonly string[] | Readonly<Record<string, unknown>>;
}

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;

/** Resolves a lower-cased env-derived name to the defined key with that spelling (e.g. clientCnxnSocket). */
function resolveEnvKey(name: string): string {
  return BROKER_CONFIG_DEF.keyIgnoringCase(name)?.name ?? name;
}

function csv(s: string): string[] {
  return s.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
}

export class KafkaConfig {
  static readonly configDef = BROKER_CONFIG_DEF;

  /** Raw values after precedence, including unknown keys. */
  readonly originals: ReadonlyMap<string, string>;
  /** Source of every explicitly given key. */
  readonly origins: ReadonlyMap<string, ConfigOrigin>;
  /** Non-fatal problems (unknown keys, ignored features). */
  readonly warnings: readonly string[];
  private readonly values = new Map<string, ConfigValue>();
  private readonly layers: ReadonlyArray<[ConfigOrigin, Map<string, unknown>]>;

  // Frequently used and derived values (Kafka's KafkaConfig vals).
  readonly brokerId: number;
  readonly brokerIdGenerationEnable: boolean;
  readonly rack: string | null;
  readonly zkConnect: string;
  readonly zkSessionTimeoutMs: number;
  readonly zkConnectionTimeoutMs: number;
  readonly logDirs: readonly string[];
  readonly listenerSecurityProtocolMap: ReadonlyMap<string, SecurityProtocol>;
  readonly listeners: readonly EndPoint[];
  /** advertised.listeners, or the listeners when it is unset. Hosts may be '' (fill in the machine's name). */
  readonly advertisedListeners: readonly EndPoint[];
  readonly interBrokerListenerName: string;
  readonly interBrokerSecurityProtocol: SecurityProtocol;
  /** The SSL/SASL settings of every listener (listener.name.<l>.* overrides applied), validated. */
  readonly listenerSecurity: ReadonlyMap<string, ListenerSecurityConfig>;
  /** How this broker connects to the others: the inter-broker listener's client-side security. */
  readonly interBrokerSecurity: InterBrokerSecurityConfig;
  readonly logRetentionTimeMillis: number;
  readonly logRollTimeMillis: number;
  readonly logRollTimeJitterMillis: number;
  readonly logFlushIntervalMs: number;
  readonly messageMaxBytes: number;
  readonly socketRequestMaxBytes: number;
  /**
   * Bound of the network layer's memory pool (see queued.max.request.bytes); -1 for none. Unset, it
   * is kafkats' default raised to socket.request.max.bytes, so that any request fits in the pool.
   */
  readonly queuedMaxRequestBytes: number;
  readonly numPartitions: number;
  readonly defaultReplicationFactor: number;
  /** reserved.broker.max.id: a generated broker id is ZooKeeper's sequence number above it. */
  readonly maxReservedBrokerId: number;
  /** request.timeout.ms: the broker's own inter-broker client requests (coordinators, markers). */
  readonly requestTimeoutMs: number;
  /** fetch.max.bytes: cap on one consumer fetch response. */
  readonly fetchMaxBytes: number;
  /** max.incremental.fetch.session.cache.slots (KIP-227). */
  readonly maxIncrementalFetchSessionCacheSlots: number;
  /** password.encoder.secret: encrypts dynamic password configs stored in ZooKeeper; null when unset. */
  readonly passwordEncoderSecret: string | null;
  readonly autoCreateTopicsEnable: boolean;
  readonly deleteTopicEnable: boolean;
  /** authorizer.class.name with super.users and allow.everyone.if.no.acl.found; null when no authorizer is set. */
  readonly authorizer: AuthorizerConfig | null;

  /** Reads a server.properties file; environment defaults to process.env here. */
  static load(path: string, options: KafkaConfigOptions = {}): KafkaConfig {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfigError(`Cannot read configuration file ${path}: ${(err as Error).message}`);
    }
    return KafkaConfig.fromProperties(text, { env: process.env, ...options });
  }

  /** Parses server.properties text, then applies env and override layers. */
  static fromProperties(text: string, options: KafkaConfigOptions = {}): KafkaConfig {
    return new KafkaConfig([['file', parseProperties(text)], ...KafkaConfig.upperLayers(options)]);
  }

  /** From a props object (tests, programmatic use); values may be strings or already typed. */
  static fromProps(props: Readonly<Record<string, unknown>> | ReadonlyMap<string, unknown>, options: KafkaConfigOptions = {}): KafkaConfig {
    const map = props instanceof Map ? new Map(props) : new Map(Object.entries(props));
    return new KafkaConfig([['props', map], ...KafkaConfig.upperLayers(options)]);
  }

  private static upperLayers(options: KafkaConfigOptions): Array<[ConfigOrigin, Map<string, unknown>]> {
    const layers: Array<[ConfigOrigin, Map<string, unknown>]> = [];
    if (options.env) {
      // Confluent's KAFKA_* names for known keys, then KAFKA_CFG_* (which wins for the same key).
      const confluent = parseConfluentEnvOverrides(options.env, (name) => BROKER_CONFIG_DEF.keyIgnoringCase(name)?.name);
      layers.push(['env', new Map([...confluent, ...parseEnvOverrides(options.env, resolveEnvKey)])]);
    }
    const o = options.overrides;
    if (o) layers.push(['override', Array.isArray(o) ? parseOverrides(o as readonly string[]) : new Map(Object.entries(o))]);
    return layers;
  }

  private constructor(layers: Array<[ConfigOrigin, Map<string, unknown>]>) {
    this.layers = layers;
    const originals = new Map<string, string>();
    const origins = new Map<string, ConfigOrigin>();
    const raw = new Map<string, unknown>();
    for (const [origin, layer] of layers) {
      for (const [k, v] of layer) {
        if (v === undefined) continue;
        raw.set(k, v);
        originals.set(k, v === null ? '' : Array.isArray(v) ? v.join(',') : String(v as string | number | boolean));
        origins.set(k, origin);
      }
    }
    this.originals = originals;
    this.origins = origins;
    const warnings: string[] = [];
    this.warnings = warnings;

    for (const k of raw.keys()) {
      if (!BROKER_CONFIG_DEF.has(k) && !isListenerPrefixedKey(k)) warnings.push(`Unknown configuration '${k}' (from ${origins.get(k)}) was ignored.`);
    }
    for (const key of BROKER_CONFIG_DEF.keys()) {
      this.values.set(key.name, raw.has(key.name) ? BROKER_CONFIG_DEF.parse(key.name, raw.get(key.name)) : key.defaultValue);
    }

    // --- ZooKeeper mode only ---
    if (this.getList('process.roles').length > 0) {
      throw new ConfigError('process.roles is set, which selects KRaft mode; kafkats runs in ZooKeeper mode only (remove process.roles).',
        'process.roles', this.get('process.roles'));
    }
    const controllerListenerNames = this.getString('controller.listener.names');
    if (controllerListenerNames !== null && controllerListenerNames.length > 0) {
      throw new ConfigError(`controller.listener.names must be empty when not running in KRaft mode: [${controllerListenerNames}]`,
        'controller.listener.names', controllerListenerNames);
    }
    const zk = this.getString('zookeeper.connect');
    if (zk === null || zk.length === 0) {
      throw new ConfigError('Missing required configuration `zookeeper.connect` which has no default value.', 'zookeeper.connect');
    }
    this.zkConnect = zk;
    this.zkSessionTimeoutMs = this.getNumber('zookeeper.session.timeout.ms');
    this.zkConnectionTimeoutMs = (this.get('zookeeper.connection.timeout.ms') as number | null) ?? this.zkSessionTimeoutMs;

    // --- broker id ---
    this.brokerId = this.getNumber('broker.id');
    this.brokerIdGenerationEnable = this.getBoolean('broker.id.generation.enable');
    const maxReserved = this.get('reserved.broker.max.id');
    this.maxReservedBrokerId = maxReserved;
    if (this.brokerIdGenerationEnable) {
      if (this.brokerId < -1 || this.brokerId > maxReserved) {
        throw ConfigError.invalid('broker.id', this.brokerId,
          `broker.id must be greater than or equal to -1 and not greater than reserved.broker.max.id (${maxReserved})`);
      }
    } else if (this.brokerId < 0) {
      throw ConfigError.invalid('broker.id', this.brokerId, 'broker.id must be greater than or equal to 0');
    }
    if (this.isSet('node.id') && this.isSet('broker.id') && this.getNumber('node.id') !== this.brokerId) {
      throw new ConfigError(`You must set \`node.id\` to the same value as \`broker.id\` (${this.brokerId}).`, 'node.id', this.get('node.id'));
    }
    this.rack = this.getString('broker.rack');

    // --- log ---
    const dirs = csv(this.getString('log.dirs') ?? this.getString('log.dir') ?? '');
    if (dirs.length === 0) throw new ConfigError('At least one log directory must be defined via log.dirs or log.dir.', 'log.dirs');
    const dup = dirs.find((x, i) => dirs.indexOf(x) !== i);
    if (dup !== undefined) throw ConfigError.invalid(this.isSet('log.dirs') ? 'log.dirs' : 'log.dir', dirs, `Duplicate log directory ${dup}`);
    this.logDirs = dirs;

    this.logRetentionTimeMillis = this.computeRetentionMs();
    if (!(this.logRetentionTimeMillis >= 1 || this.logRetentionTimeMillis === -1)) {
      throw ConfigError.invalid(this.retentionKey(), this.logRetentionTimeMillis, 'log.retention.ms must be unlimited (-1) or, greater than or equal to 1');
    }
    this.logRollTimeMillis = (this.get('log.roll.ms') as number | null) ?? this.getNumber('log.roll.hours') * HOUR_MS;
    if (this.logRollTimeMillis < 1) throw ConfigError.invalid('log.roll.ms', this.logRollTimeMillis, 'log.roll.ms must be greater than or equal to 1');
    this.logRollTimeJitterMillis = (this.get('log.roll.jitter.ms') as number | null) ?? this.getNumber('log.roll.jitter.hours') * HOUR_MS;
    if (this.logRollTimeJitterMillis < 0) {
      throw ConfigError.invalid('log.roll.jitter.ms', this.logRollTimeJitterMillis, 'log.roll.jitter.ms must be greater than or equal to 0');
    }
    this.logFlushIntervalMs = (this.get('log.flush.interval.ms') as number | null) ?? this.getNumber('log.flush.scheduler.interval.ms');
    const cleanerThreads = this.getNumber('log.cleaner.threads');
    if (cleanerThreads > 0 && this.getNumber('log.cleaner.dedupe.buffer.size') / cleanerThreads <= 1024 * 1024) {
      throw ConfigError.invalid('log.cleaner.dedupe.buffer.size', this.get('log.cleaner.dedupe.buffer.size'),
        'log.cleaner.dedupe.buffer.size must be at least 1MB per cleaner thread.');
    }
    // log.cleanup.policy must name at least one policy, as a topic's cleanup.policy must.
    toTopicValue('log.cleanup.policy', this.get('log.cleanup.policy'));

    // --- replication / offsets ---
    const fetchWait = this.getNumber('replica.fetch.wait.max.ms');
    if (fetchWait > this.getNumber('replica.socket.timeout.ms')) {
      throw ConfigError.invalid('replica.socket.timeout.ms', this.get('replica.socket.timeout.ms'),
        'replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms to prevent unnecessary socket timeouts');
    }
    if (fetchWait > this.getNumber('replica.lag.time.max.ms')) {
      throw ConfigError.invalid('replica.fetch.wait.max.ms', fetchWait,
        'replica.fetch.wait.max.ms should always be less than or equal to replica.lag.time.max.ms to prevent frequent changes in ISR');
    }
    const commitAcks = this.getNumber('offsets.commit.required.acks');
    if (commitAcks < -1 || commitAcks > this.getNumber('offsets.topic.replication.factor')) {
      throw ConfigError.invalid('offsets.commit.required.acks', commitAcks,
        'offsets.commit.required.acks must be greater or equal -1 and less or equal to offsets.topic.replication.factor');
    }

    // --- network ---
    this.socketRequestMaxBytes = this.getNumber('socket.request.max.bytes');
    const queuedBytes = this.getNumber('queued.max.request.bytes');
    if (this.isSet('queued.max.request.bytes')) {
      if (queuedBytes > 0 && queuedBytes < this.socketRequestMaxBytes) {
        throw ConfigError.invalid('queued.max.request.bytes', queuedBytes, 'queued.max.request.bytes must be larger or equal to socket.request.max.bytes');
      }
      this.queuedMaxRequestBytes = queuedBytes > 0 ? queuedBytes : -1;
    } else {
      this.queuedMaxRequestBytes = Math.max(queuedBytes, this.socketRequestMaxBytes);
    }
    if (this.getNumber('max.connections.per.ip') === 0 && (this.getString('max.connections.per.ip.overrides') ?? '') === '') {
      throw ConfigError.invalid('max.connections.per.ip', 0, 'max.connections.per.ip can be set to zero only if max.connections.per.ip.overrides property is set.');
    }
    const idle = this.getNumber('connections.max.idle.ms');
    if (idle >= 0 && this.getNumber('connection.failed.authentication.delay.ms') >= idle) {
      throw ConfigError.invalid('connection.failed.authentication.delay.ms', this.get('connection.failed.authentication.delay.ms'),
        `connection.failed.authentication.delay.ms should always be less than connections.max.idle.ms=${idle} to prevent failed authentication responses from timing out`);
    }

    // --- listeners ---
    this.listenerSecurityProtocolMap = parseListenerSecurityProtocolMap(this.getString('listener.security.protocol.map') ?? '');
    this.listeners = parseListeners(this.getString('listeners') ?? '', this.listenerSecurityProtocolMap, 'listeners', true);
    const adv = this.getString('advertised.listeners');
    this.advertisedListeners = adv !== null
      ? parseListeners(adv, this.listenerSecurityProtocolMap, 'advertised.listeners', false)
      : this.listeners;
    if (this.advertisedListeners.length === 0) throw new ConfigError('There must be at least one advertised listener.', 'advertised.listeners', adv);
    const listenerNames = new Set(this.listeners.map((l) => l.listenerName));
    const advertisedNames = new Set(this.advertisedListeners.map((l) => l.listenerName));
    for (const n of advertisedNames) {
      if (!listenerNames.has(n)) {
        throw ConfigError.invalid('advertised.listeners', adv, `advertised.listeners listener names must be equal to or a subset of the ones defined in listeners. Found ${[...advertisedNames].join(',')}. The valid options based on the current configuration are ${[...listenerNames].join(',')}`);
      }
    }
    if (this.advertisedListeners.some((l) => l.host === '0.0.0.0')) {
      throw ConfigError.invalid('advertised.listeners', adv ?? this.getString('listeners'),
        'advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. Use a routable IP address.');
    }
    const ibName = this.getString('inter.broker.listener.name');
    if (ibName !== null) {
      if (this.isSet('security.inter.broker.protocol')) {
        throw new ConfigError('Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.', 'inter.broker.listener.name', ibName);
      }
      this.interBrokerListenerName = ibName.toUpperCase();
      const proto = this.listenerSecurityProtocolMap.get(this.interBrokerListenerName);
      if (!proto) {
        throw ConfigError.invalid('inter.broker.listener.name', ibName,
          `Listener with name ${this.interBrokerListenerName} defined in inter.broker.listener.name not found in listener.security.protocol.map.`);
      }
      this.interBrokerSecurityProtocol = proto;
    } else {
      this.interBrokerSecurityProtocol = toSecurityProtocol(this.getString('security.inter.broker.protocol') ?? 'PLAINTEXT', 'security.inter.broker.protocol');
      this.interBrokerListenerName = this.interBrokerSecurityProtocol;
    }
    if (!advertisedNames.has(this.interBrokerListenerName)) {
      throw ConfigError.invalid('inter.broker.listener.name', this.interBrokerListenerName,
        `inter.broker.listener.name must be a listener name defined in advertised.listeners. The valid options based on currently configured listeners are ${[...advertisedNames].join(',')}`);
    }
    if (this.getString('control.plane.listener.name') !== null) {
      warnings.push('control.plane.listener.name is not supported by kafkats; controller requests use the inter-broker listener.');
    }
    this.listenerSecurity = listenerSecurityConfigs(this, this.listeners);
    const ibListener = this.listenerSecurity.get(this.interBrokerListenerName);
    if (!ibListener) {
      throw ConfigError.invalid('inter.broker.listener.name', this.interBrokerListenerName,
        `inter.broker.listener.name must be a listener name defined in listeners (${[...this.listenerSecurity.keys()].join(',')})`);
    }
    this.interBrokerSecurity = interBrokerSecurityConfig(this, ibListener);

    this.messageMaxBytes = this.getNumber('message.max.bytes');
    this.numPartitions = this.getNumber('num.partitions');
    this.defaultReplicationFactor = this.getNumber('default.replication.factor');
    this.autoCreateTopicsEnable = this.getBoolean('auto.create.topics.enable');
    this.deleteTopicEnable = this.getBoolean('delete.topic.enable');
    this.requestTimeoutMs = this.get('request.timeout.ms');
    this.fetchMaxBytes = this.get('fetch.max.bytes');
    this.maxIncrementalFetchSessionCacheSlots = this.get('max.incremental.fetch.session.cache.slots');
    this.passwordEncoderSecret = this.get('password.encoder.secret');
    const authorizerClassName = (this.getString('authorizer.class.name') ?? '').trim();
    this.authorizer = authorizerClassName === '' ? null : {
      className: authorizerClassName,
      superUsers: parseSuperUsers(this.getString('super.users') ?? ''),
      allowEveryoneIfNoAclIsFound: this.getBoolean('allow.everyone.if.no.acl.found'),
    };
  }

  private computeRetentionMs(): number {
    const ms = this.get('log.retention.ms') as number | null;
    const minutes = this.get('log.retention.minutes') as number | null;
    const millis = ms ?? (minutes !== null ? minutes * MINUTE_MS : this.getNumber('log.retention.hours') * HOUR_MS);
    return millis < 0 ? -1 : millis;
  }

  private retentionKey(): string {
    if (this.get('log.retention.ms') !== null) return 'log.retention.ms';
    return this.get('log.retention.minutes') !== null ? 'log.retention.minutes' : 'log.retention.hours';
  }

  /**
   * The parsed value of a defined key (its default when not given); undefined keys throw. A key
   * of the table is typed from its definition (`get('replica.lag.time.max.ms')` is a number).
   */
  get<K extends BrokerConfigName>(name: K): BrokerConfigValues[K];
  get(name: string): ConfigValue;
  get(name: string): ConfigValue {
    if (!this.values.has(name)) throw new ConfigError(`Unknown configuration ${name}`, name);
    return this.values.get(name) as ConfigValue;
  }

  /** True when the key was given explicitly (file, props, env, override or a dynamic config). */
  isSet(name: string): boolean {
    return this.origins.has(name);
  }

  /** True when the key was given in the static configuration (server.properties, env or override). */
  isStaticallySet(name: string): boolean {
    const o = this.origins.get(name);
    return o !== undefined && !DYNAMIC_ORIGINS.has(o);
  }

  /** The raw values of one dynamic layer: the cluster-wide default or this broker's own configs. */
  dynamicLayer(origin: 'dynamic-default' | 'dynamic-broker'): Map<string, string> {
    const out = new Map<string, string>();
    for (const [o, layer] of this.layers) if (o === origin) for (const [k, v] of layer) if (v !== undefined && v !== null) out.set(k, String(v as string));
    return out;
  }

  /** The static configuration's raw values (Kafka's DynamicBrokerConfig.staticBrokerConfigs). */
  staticOriginals(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [origin, layer] of this.layers) {
      if (DYNAMIC_ORIGINS.has(origin)) continue;
      for (const [k, v] of layer) if (v !== undefined) out.set(k, v === null ? '' : Array.isArray(v) ? v.join(',') : String(v as string | number | boolean));
    }
    return out;
  }

  /**
   * This broker's configuration with dynamic configs on top of the static ones (Kafka's
   * DynamicBrokerConfig.currentConfig): the cluster-wide default, then this broker's own, highest.
   * Validated as a whole, like any KafkaConfig; the dynamic layers of this instance are replaced.
   */
  withDynamicConfigs(dynamicDefault: Readonly<Record<string, string>>, dynamicBroker: Readonly<Record<string, string>>): KafkaConfig {
    const base = this.layers.filter(([origin]) => !DYNAMIC_ORIGINS.has(origin));
    return new KafkaConfig([...base, ['dynamic-default', new Map(Object.entries(dynamicDefault))], ['dynamic-broker', new Map(Object.entries(dynamicBroker))]]);
  }

  getNumber(name: string): number {
    const v = this.get(name);
    if (typeof v !== 'number') throw new ConfigError(`Configuration ${name} has no numeric value`, name, v);
    return v;
  }

  getString(name: string): string | null {
    const v = this.get(name);
    return v === null ? null : Array.isArray(v) ? v.join(',') : String(v);
  }

  getBoolean(name: string): boolean {
    return this.get(name) === true;
  }

  getList(name: string): string[] {
    const v = this.get(name);
    return Array.isArray(v) ? [...v] : v === null ? [] : csv(String(v));
  }

  /** The ConfigKey of a defined broker key. */
  configKey(name: string): ConfigKey | undefined {
    return BROKER_CONFIG_DEF.key(name);
  }

  /**
   * The broker-level defaults for topic configs (Kafka's extractLogConfigMap): each topic key takes
   * its broker synonym (derived ms values for retention/roll/flush). Pass it to LogConfig.fromProps
   * with a topic's overrides.
   */
  logConfig(): LogConfig {
    const values: Record<string, unknown> = {};
    for (const key of TOPIC_CONFIG_DEF.keys()) {
      const broker = key.brokerKeys[0];
      let v: unknown;
      switch (key.name) {
        case 'retention.ms': v = this.logRetentionTimeMillis; break;
        case 'segment.ms': v = this.logRollTimeMillis; break;
        case 'segment.jitter.ms': v = this.logRollTimeJitterMillis; break;
        case 'flush.ms': v = this.logFlushIntervalMs; break;
        default: v = broker !== undefined ? this.get(broker) : key.defaultValue;
      }
      values[key.name] = toTopicValue(key.name, v as ConfigValue);
    }
    return LogConfig.fromProps(values as unknown as TopicConfigValues, {});
  }

  /** All defined keys with their effective values, passwords hidden (for logging at startup). */
  toLoggableString(): string {
    const lines: string[] = [];
    for (const key of BROKER_CONFIG_DEF.keys()) {
      const v = this.values.get(key.name) ?? null;
      const shown = key.type === 'password' && v !== null ? '[hidden]' : Array.isArray(v) ? v.join(',') : String(v);
      lines.push(`\t${key.name} = ${shown}`);
    }
    return `KafkaConfig values:\n${lines.sort().join('\n')}`;
  }
}
