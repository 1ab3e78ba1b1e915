/**
 * Kafka's ConfigHelper.describeConfigs (kafka/server/ConfigHelper.scala) for a ZooKeeper-mode
 * broker: TOPIC resources (broker topic defaults + the topic's /config/topics overrides), BROKER
 * resources (this broker's current KafkaConfig, static and dynamic; "" = the cluster-wide dynamic
 * defaults) and BROKER_LOGGER (every logger's level, Log4jController). Entry values, sources and
 * synonyms come from lib/config/describe.ts.
 */
import { Errors, ApiError, InvalidRequestError, UnknownServerError, UnknownTopicOrPartitionError } from '../../protocol/errors.js';
import { ConfigSource } from '../../config/config-def.js';
import { describeBrokerConfigs, describeTopicConfigs, type ConfigEntryDescription } from '../../config/describe.js';
import { LogConfig } from '../../config/log-config.js';
import type { KafkaConfig } from '../../config/kafka-config.js';
import type { MetadataCache } from '../metadata-cache.js';
import type { AdminZkClient } from './admin-zk-client.js';
import { ConfigType } from '../../zk/config-znodes.js';
import { validateTopicName } from '../../common/topic.js';
import { logger, loggerLevels } from '../../utils/logger.js';
import { RateLimitedLog } from '../../common/rate-limited-log.js';

/** Kafka's ConfigResource.Type ids. */
export const ConfigResourceType = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  BROKER: 4,
  BROKER_LOGGER: 8,
  CLIENT_METRICS: 16,
} as const;

export interface DescribeConfigsResourceInput {
  resourceType: number;
  resourceName: string;
  /** null or empty: all keys. */
  configurationKeys: readonly string[] | null;
}

export interface DescribedConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  configSource: number;
  isSensitive: boolean;
  synonyms: Array<{ name: string; value: string | null; source: number }>;
  configType: number;
  documentation: string | null;
}

export interface DescribeConfigsResultOutput {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  configs: DescribedConfig[];
}

/** ZkAdminManager.resourceNameToBrokerId. */
export function resourceNameToBrokerId(resourceName: string): number {
  if (!/^-?\d{1,10}$/.test(resourceName) || !Number.isSafeInteger(Number(resourceName))) {
    throw new InvalidRequestError(`Broker id must be an integer, but it is: ${resourceName}`);
  }
  return Number(resourceName);
}

export class ConfigHelper {
  private readonly log = new RateLimitedLog(logger('kafka.server.ConfigHelper'));

  /** `broker.config` is read on each use: it is the broker's current (dynamic) configuration. */
  constructor(private readonly brokerId: number, private readonly broker: { readonly config: KafkaConfig }, private readonly metadataCache: MetadataCache,
    private readonly adminZkClient: AdminZkClient) {}

  private get config(): KafkaConfig {
    return this.broker.config;
  }

  /** The effective LogConfig of a topic: broker topic defaults plus its /config/topics overrides. */
  async topicLogConfig(topic: string): Promise<{ logConfig: LogConfig; overrides: Record<string, string> }> {
    const overrides = await this.adminZkClient.fetchEntityConfig(ConfigType.Topic, topic);
    return { logConfig: LogConfig.fromProps(this.config.logConfig().toRecord(), overrides), overrides };
  }

  async describeConfigs(resources: readonly DescribeConfigsResourceInput[], includeSynonyms: boolean,
    includeDocumentation: boolean): Promise<DescribeConfigsResultOutput[]> {
    const out: DescribeConfigsResultOutput[] = [];
    for (const resource of resources) {
      const keys = resource.configurationKeys === null || resource.configurationKeys.length === 0 ? null : resource.configurationKeys;
      const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
      try {
        const entries = await this.describeResource(resource, keys, includeSynonyms);
        out.push({ ...base, errorCode: Errors.NONE.code, errorMessage: null, configs: entries.map((e) => toDescribed(e, includeDocumentation)) });
      } catch (err) {
        const apiErr = err instanceof ApiError ? err : new UnknownServerError();
        if (err instanceof ApiError) this.log.info('describe-configs-error', { err }, `Error processing describe configs request for resource ${resource.resourceName}`);
        else this.log.error('describe-configs-failure', { err }, `Error processing describe configs request for resource ${resource.resourceName}`);
        out.push({ ...base, errorCode: apiErr.code, errorMessage: apiErr.message, configs: [] });
      }
    }
    return out;
  }

  private async describeResource(resource: DescribeConfigsResourceInput, keys: readonly string[] | null,
    includeSynonyms: boolean): Promise<ConfigEntryDescription[]> {
    switch (resource.resourceType) {
      case ConfigResourceType.TOPIC: {
        const topic = resource.resourceName;
        validateTopicName(topic);
        if (!this.metadataCache.contains(topic)) throw new UnknownTopicOrPartitionError(`Topic ${topic} does not exist`);
        const { logConfig } = await this.topicLogConfig(topic);
        return describeTopicConfigs(logConfig, this.config, keys, includeSynonyms);
      }
      case ConfigResourceType.BROKER: {
        // "" = the cluster-wide dynamic defaults (/config/brokers/<default>).
        if (resource.resourceName === '') return describeBrokerConfigs(this.config, keys, includeSynonyms, false);
        if (resourceNameToBrokerId(resource.resourceName) !== this.brokerId) {
          throw new InvalidRequestError(`Unexpected broker id, expected ${this.brokerId} or empty string, but received ${resource.resourceName}`);
        }
        return describeBrokerConfigs(this.config, keys, includeSynonyms);
      }
      case ConfigResourceType.BROKER_LOGGER: {
        if (resource.resourceName === '') throw new InvalidRequestError('Broker id must not be empty');
        if (resourceNameToBrokerId(resource.resourceName) !== this.brokerId) {
          throw new InvalidRequestError(`Unexpected broker id, expected ${this.brokerId} but received ${resource.resourceName}`);
        }
        // Kafka's Log4jController.loggers: root and every logger with its effective level.
        return [...loggerLevels()].filter(([name]) => keys === null || keys.includes(name)).map(([name, level]): ConfigEntryDescription => ({
          name, value: level, readOnly: false, isDefault: false, source: ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG,
          isSensitive: false, synonyms: [], configType: 0, documentation: '',
        }));
      }
      default:
        throw new InvalidRequestError(`Unsupported resource type: ${resource.resourceType}`);
    }
  }
}

function toDescribed(e: ConfigEntryDescription, includeDocumentation: boolean): DescribedConfig {
  return {
    name: e.name,
    value: e.value,
    readOnly: e.readOnly,
    isDefault: e.isDefault,
    configSource: e.source,
    isSensitive: e.isSensitive,
    synonyms: e.synonyms.map((s) => ({ name: s.name, value: s.value, source: s.source })),
    configType: e.configType,
    documentation: includeDocumentation ? e.documentation : null,
  };
}
