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

function brokerSynonymGroup(name: string): readonly string[] {
  return BROKER_SYNONYMS.find((g) => g.includes(name)) ?? [name];
}

function brokerSynonyms(config: KafkaConfig, names: readonly string[]): ConfigSynonymDescription[] {
  const out: ConfigSynonymDescription[] = [];
  for (const n of names) {
    const key = BROKER_CONFIG_DEF.key(n);
    if (!key) continue;
    if (config.isSet(n)) out.push({ name: n, value: shown(key, config.get(n)), source: ConfigSource.STATIC_BROKER_CONFIG });
  }
  for (const n of names) {
    const key = BROKER_CONFIG_DEF.key(n);
    if (!key || config.isSet(n) || key.defaultValue === null) continue;
    out.push({ name: n, value: shown(key, key.defaultValue), source: ConfigSource.DEFAULT_CONFIG });
  }
  return out;
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
    const source = config.isSet(key.name) ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
    out.push({
      name: key.name,
      value: shown(key, config.get(key.name)),
      readOnly: true,
      isDefault: source === ConfigSource.DEFAULT_CONFIG,
      source,
      isSensitive: key.type === 'password',
      synonyms: includeSynonyms ? brokerSynonyms(config, brokerSynonymGroup(key.name)) : [],
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
    const overridden = logConfig.overriddenConfigs.has(key.name);
    const brokerSet = key.brokerKeys.some((b) => broker.isSet(b));
    const source = overridden ? ConfigSource.DYNAMIC_TOPIC_CONFIG
      : brokerSet ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
    const synonyms: ConfigSynonymDescription[] = [];
    if (includeSynonyms) {
      if (overridden) synonyms.push({ name: key.name, value, source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
      synonyms.push(...brokerSynonyms(broker, key.brokerKeys));
    }
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
