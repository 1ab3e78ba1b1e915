/**
 * DescribeConfigs views of the configuration, as Kafka's ConfigHelper builds them: per entry the
 * value as text, its source (DYNAMIC_TOPIC_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG), the
 * synonyms in precedence order, sensitivity, read-only flag, type code and documentation.
 * The handler only has to copy these into the response.
 */
import { CONFIG_TYPE_CODES, ConfigSource, renderValue, type ConfigKey, type ConfigSourceCode, type ConfigValue } from './config-def.js';
import { BROKER_CONFIG_DEF } from './broker-configs.js';
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

/**
 * Kafka's ConfigHelper.configSynonyms for the broker key `name`: its synonyms (`name` first, then
 * the other spellings) as set in each source, by source precedence — static server.properties,
 * then defaults — and, as Kafka does, the list starts at the first entry for `name` itself, so a
 * key with no value of its own (log.retention.ms left unset) has no synonyms even when another
 * spelling (log.retention.hours) supplies the value.
 */
function brokerSynonyms(config: KafkaConfig, name: string): ConfigSynonymDescription[] {
  const names = brokerSynonymGroup(name);
  const all: ConfigSynonymDescription[] = [];
  for (const n of names) {
    const key = BROKER_CONFIG_DEF.key(n);
    if (key && config.isSet(n)) all.push({ name: n, value: shown(key, config.get(n)), source: ConfigSource.STATIC_BROKER_CONFIG });
  }
  for (const n of names) {
    const key = BROKER_CONFIG_DEF.key(n);
    if (key && key.defaultValue !== null) all.push({ name: n, value: shown(key, key.defaultValue), source: ConfigSource.DEFAULT_CONFIG });
  }
  const first = all.findIndex((s) => s.name === name);
  return first < 0 ? [] : all.slice(first);
}

function wanted(name: string, keys: readonly string[] | null | undefined): boolean {
  return keys === null || keys === undefined || keys.length === 0 || keys.includes(name);
}

/**
 * Entries for a BROKER resource: every defined broker key (or the requested ones), read-only
 * because kafkats has no dynamic broker configs, passwords null and sensitive.
 */
export function describeBrokerConfigs(config: KafkaConfig, keys?: readonly string[] | null,
  includeSynonyms = false): ConfigEntryDescription[] {
  const out: ConfigEntryDescription[] = [];
  for (const key of BROKER_CONFIG_DEF.keys()) {
    if (!wanted(key.name, keys)) continue;
    const allSynonyms = brokerSynonyms(config, key.name);
    const source = allSynonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG;
    out.push({
      name: key.name,
      value: shown(key, config.get(key.name)),
      readOnly: true,
      isDefault: source === ConfigSource.DEFAULT_CONFIG,
      source,
      isSensitive: key.type === 'password',
      synonyms: includeSynonyms ? allSynonyms : [],
      configType: CONFIG_TYPE_CODES[key.type],
      documentation: key.doc,
    });
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
