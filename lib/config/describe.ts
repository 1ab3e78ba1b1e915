/**
 * DescribeConfigs views of the configuration, as Kafka's ConfigHelper builds them: per entry the
 * value as text, its source (DYNAMIC_TOPIC_CONFIG, DYNAMIC_BROKER_CONFIG,
 * DYNAMIC_DEFAULT_BROKER_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG), the synonyms in precedence
 * order, sensitivity, read-only flag (a broker key is writable when it is dynamic), type code and
 * documentation. The handler only has to copy these into the response. The KafkaConfig given is
 * the broker's current one: its dynamic layers supply the dynamic sources.
 */
import { CONFIG_TYPE_CODES, ConfigSource, renderValue, type ConfigKey, type ConfigSourceCode, type ConfigValue } from './config-def.js';
import { BROKER_CONFIG_DEF } from './broker-configs.js';
import { ALL_DYNAMIC_CONFIGS, BROKER_QUOTA_CONFIG_DEF } from './dynamic-config.js';
import { TOPIC_CONFIG_DEF } from './topic-configs.js';
import type { KafkaConfig } from './kafka-config.js';
import type { LogConfig } from './log-config.js';

export interface ConfigSynonymDescription {
  name: string;
  value: string | null;
  source: ConfigSourceCode;
}

export interface ConfigEntryDescription {
  name: string;
  value: string | null;
  readOnly: boolean;
  /** DescribeConfigs v0's IsDefault. */
  isDefault: boolean;
  source: ConfigSourceCode;
  isSensitive: boolean;
  synonyms: ConfigSynonymDescription[];
  /** DescribeConfigs v3+ ConfigType code. */
  configType: number;
  documentation: string;
}

function shown(key: ConfigKey, value: ConfigValue): string | null {
  return key.type === 'password' ? null : renderValue(key.type, value);
}

/** Broker keys that are alternative spellings of the same setting (time unit variants). */
const BROKER_SYNONYMS: ReadonlyArray<readonly string[]> = [
  ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'],
  ['log.roll.ms', 'log.roll.hours'],
  ['log.roll.jitter.ms', 'log.roll.jitter.hours'],
  ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'],
  ['log.dirs', 'log.dir'],
];

/** The spellings of `name`, itself first (Kafka's DynamicBrokerConfig.brokerConfigSynonyms). */
function brokerSynonymGroup(name: string): readonly string[] {
  const group = BROKER_SYNONYMS.find((g) => g.includes(name));
  return group ? [name, ...group.filter((n) => n !== name)] : [name];
}

/** The definition of a broker key: KafkaConfig's, else DynamicConfig.Broker's (the quota keys). */
function brokerKey(name: string): ConfigKey | undefined {
  return BROKER_CONFIG_DEF.key(name) ?? BROKER_QUOTA_CONFIG_DEF.key(name);
}

/** A raw value as DescribeConfigs shows it: null for passwords, as given for keys Kafka cannot type. */
function shownRaw(key: ConfigKey | undefined, raw: string): string | null {
  if (key === undefined) return raw;
  if (key.type === 'password') return null;
  try {
    return renderValue(key.type, (key === BROKER_CONFIG_DEF.key(key.name) ? BROKER_CONFIG_DEF : BROKER_QUOTA_CONFIG_DEF).parse(key.name, raw));
  } catch {
    return raw;
  }
}

/**
 * Kafka's ConfigHelper.configSynonyms for the broker key `name`: its synonyms (`name` first, then
 * the other spellings) as set in each source, by source precedence — this broker's dynamic
 * configs, the cluster-wide dynamic default, static server.properties, then defaults — and, as
 * Kafka does, the list starts at the first entry for `name` itself, so a key with no value of its
 * own (log.retention.ms left unset) has no synonyms even when another spelling
 * (log.retention.hours) supplies the value. Unknown keys (custom dynamic properties) are sensitive.
 */
function brokerSynonyms(config: KafkaConfig, name: string): ConfigSynonymDescription[] {
  const names = brokerSynonymGroup(name);
  const all: ConfigSynonymDescription[] = [];
  const sensitive = (n: string): boolean => brokerKey(n)?.type !== undefined ? brokerKey(n)!.type === 'password' : true;
  const dynamic = (origin: 'dynamic-broker' | 'dynamic-default', source: ConfigSourceCode): void => {
    const layer = config.dynamicLayer(origin);
    for (const n of names) {
      const raw = layer.get(n);
      if (raw !== undefined) all.push({ name: n, value: sensitive(n) ? null : shownRaw(brokerKey(n), raw), source });
    }
  };
  dynamic('dynamic-broker', ConfigSource.DYNAMIC_BROKER_CONFIG);
  dynamic('dynamic-default', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
  const statics = config.staticOriginals();
  for (const n of names) {
    const raw = statics.get(n);
    if (raw !== undefined && BROKER_CONFIG_DEF.has(n)) all.push({ name: n, value: shownRaw(BROKER_CONFIG_DEF.key(n), raw), source: ConfigSource.STATIC_BROKER_CONFIG });
  }
  for (const n of names) {
    const key = brokerKey(n);
    if (key && key.defaultValue !== null) all.push({ name: n, value: shown(key, key.defaultValue), source: ConfigSource.DEFAULT_CONFIG });
  }
  const first = all.findIndex((s) => s.name === name);
  return first < 0 ? [] : all.slice(first);
}

function wanted(name: string, keys: readonly string[] | null | undefined): boolean {
  return keys === null || keys === undefined || keys.length === 0 || keys.includes(name);
}

/**
 * Entries for a BROKER resource (Kafka's ConfigHelper.createBrokerConfigEntry). For one broker
 * (`perBrokerConfig`): every defined broker key (or the requested ones) with its effective value,
 * then the dynamic keys KafkaConfig does not define (quota keys; unknown custom properties, whose
 * type Kafka cannot tell and so shows as sensitive). For the cluster default: only the keys set in
 * /config/brokers/<default>, with their dynamic-default synonyms. Read-only unless the key is one
 * of Kafka's dynamic broker configs.
 */
export function describeBrokerConfigs(config: KafkaConfig, keys?: readonly string[] | null,
  includeSynonyms = false, perBrokerConfig = true): ConfigEntryDescription[] {
  const out: ConfigEntryDescription[] = [];
  const entry = (name: string, rawValue: string | null): ConfigEntryDescription => {
    const key = brokerKey(name);
    const isSensitive = key === undefined || key.type === 'password';
    const allSynonyms = brokerSynonyms(config, name).filter((syn) => perBrokerConfig || syn.source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
    const source = allSynonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG;
    return {
      name,
      value: isSensitive ? null : rawValue,
      readOnly: !ALL_DYNAMIC_CONFIGS.has(name),
      isDefault: source === ConfigSource.DEFAULT_CONFIG,
      source,
      isSensitive,
      synonyms: includeSynonyms ? allSynonyms : [],
      configType: key === undefined ? 0 : CONFIG_TYPE_CODES[key.type],
      documentation: key?.doc ?? '',
    };
  };
  if (!perBrokerConfig) {
    for (const [name, raw] of config.dynamicLayer('dynamic-default')) if (wanted(name, keys)) out.push(entry(name, shownRaw(brokerKey(name), raw)));
    return out;
  }
  for (const key of BROKER_CONFIG_DEF.keys()) {
    if (wanted(key.name, keys)) out.push(entry(key.name, shown(key, config.get(key.name))));
  }
  for (const [name, raw] of config.originals) {
    if (!BROKER_CONFIG_DEF.has(name) && (config.isSet(name) && !config.isStaticallySet(name)) && wanted(name, keys)) out.push(entry(name, shownRaw(brokerKey(name), raw)));
  }
  return out;
}

/**
 * Entries for a TOPIC resource: every topic key (or the requested ones) with its effective value,
 * sourced from the topic override, a broker key set in server.properties, or Kafka's default.
 */
export function describeTopicConfigs(logConfig: LogConfig, broker: KafkaConfig, keys?: readonly string[] | null,
  includeSynonyms = false): ConfigEntryDescription[] {
  const out: ConfigEntryDescription[] = [];
  for (const key of TOPIC_CONFIG_DEF.keys()) {
    if (!wanted(key.name, keys)) continue;
    const raw = (logConfig as unknown as Record<string, unknown>)[key.name] as ConfigValue;
    const value = shown(key, raw);
    // Kafka's createTopicConfigEntry: the topic override first, then the synonyms of the broker key
    // the topic key defaults from; the source is the first synonym's, DEFAULT_CONFIG when none.
    const primary = key.brokerKeys[0];
    const allSynonyms: ConfigSynonymDescription[] = [
      ...(logConfig.overriddenConfigs.has(key.name) ? [{ name: key.name, value, source: ConfigSource.DYNAMIC_TOPIC_CONFIG }] : []),
      ...(primary === undefined ? [] : brokerSynonyms(broker, primary)),
    ];
    const source = allSynonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG;
    const synonyms = includeSynonyms ? allSynonyms : [];
    out.push({
      name: key.name,
      value,
      readOnly: false,
      isDefault: source === ConfigSource.DEFAULT_CONFIG,
      source,
      isSensitive: false,
      synonyms,
      configType: CONFIG_TYPE_CODES[key.type],
      documentation: key.doc,
    });
  }
  return out;
}
