/** Broker and topic configuration: KafkaConfig, LogConfig, the ConfigDef tables and helpers. */
export {
  ConfigDef, ConfigError, ConfigSource, CONFIG_TYPE_CODES, LONG_MAX, INT_MAX, DOUBLE_MAX,
  atLeast, between, validString, validList, nonEmptyString, check, parseValue, renderValue,
  type ConfigType, type Importance, type ConfigValue, type ConfigKey, type Validator, type ConfigSourceCode,
} from './config-def.js';
export { BROKER_CONFIG_DEF, brokerConfigDef, SECURITY_PROTOCOLS, BROKER_COMPRESSION_TYPES, LATEST_IBP } from './broker-configs.js';
export { TOPIC_CONFIG_DEF, TOPIC_CONFIG_NAMES } from './topic-configs.js';
export { parseProperties, parseOverrides, parseEnvOverrides } from './properties.js';
export {
  parseListeners, parseEndPoint, parseListenerSecurityProtocolMap, endPointConnectionString,
  type EndPoint, type SecurityProtocol,
} from './listeners.js';
export { KafkaConfig, type KafkaConfigOptions, type ConfigOrigin } from './kafka-config.js';
export {
  LogConfig, validateTopicConfigs, defaultTopicConfigValues, normaliseCleanupPolicy,
  type TopicConfigValues, type TopicConfigName, type CleanupPolicy, type TimestampType, type BrokerCompressionType,
} from './log-config.js';
export { describeBrokerConfigs, describeTopicConfigs, type ConfigEntryDescription, type ConfigSynonymDescription } from './describe.js';
export { renderConfigMarkdown, renderConfigurationReference } from './markdown.js';
