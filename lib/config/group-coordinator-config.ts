/**
 * Kafka's GroupConfig and OffsetConfig: the group coordinator's settings (`group.*`, `offsets.*`,
 * `offset.metadata.max.bytes`), built from a KafkaConfig or from the table's defaults.
 */
import { BROKER_CONFIG_DEFAULTS, type BrokerConfigReader } from './broker-configs.js';

export interface GroupConfig {
  /** group.min.session.timeout.ms */
  groupMinSessionTimeoutMs: number;
  /** group.max.session.timeout.ms */
  groupMaxSessionTimeoutMs: number;
  /** group.max.size */
  groupMaxSize: number;
  /** group.initial.rebalance.delay.ms */
  groupInitialRebalanceDelayMs: number;
}

export interface OffsetConfig {
  /** offset.metadata.max.bytes */
  maxMetadataSize: number;
  /** offsets.retention.minutes in ms */
  offsetsRetentionMs: number;
  /** offsets.retention.check.interval.ms */
  offsetsRetentionCheckIntervalMs: number;
  /** offsets.topic.num.partitions */
  offsetsTopicNumPartitions: number;
  /** offsets.topic.replication.factor */
  offsetsTopicReplicationFactor: number;
  /** offsets.topic.segment.bytes */
  offsetsTopicSegmentBytes: number;
  /** offsets.topic.compression.codec (codec id) */
  offsetsTopicCompressionCodec: number;
  /** offsets.commit.timeout.ms */
  offsetCommitTimeoutMs: number;
  /** offsets.commit.required.acks */
  offsetCommitRequiredAcks: number;
}

export function groupConfigFrom(config: BrokerConfigReader): GroupConfig {
  return {
    groupMinSessionTimeoutMs: config.get('group.min.session.timeout.ms'),
    groupMaxSessionTimeoutMs: config.get('group.max.session.timeout.ms'),
    groupMaxSize: config.get('group.max.size'),
    groupInitialRebalanceDelayMs: config.get('group.initial.rebalance.delay.ms'),
  };
}

export function offsetConfigFrom(config: BrokerConfigReader): OffsetConfig {
  return {
    maxMetadataSize: config.get('offset.metadata.max.bytes'),
    offsetsRetentionMs: config.get('offsets.retention.minutes') * 60_000,
    offsetsRetentionCheckIntervalMs: config.get('offsets.retention.check.interval.ms'),
    offsetsTopicNumPartitions: config.get('offsets.topic.num.partitions'),
    offsetsTopicReplicationFactor: config.get('offsets.topic.replication.factor'),
    offsetsTopicSegmentBytes: config.get('offsets.topic.segment.bytes'),
    offsetsTopicCompressionCodec: config.get('offsets.topic.compression.codec'),
    offsetCommitTimeoutMs: config.get('offsets.commit.timeout.ms'),
    offsetCommitRequiredAcks: config.get('offsets.commit.required.acks'),
  };
}

export const DEFAULT_GROUP_CONFIG: GroupConfig = groupConfigFrom(BROKER_CONFIG_DEFAULTS);
export const DEFAULT_OFFSET_CONFIG: OffsetConfig = offsetConfigFrom(BROKER_CONFIG_DEFAULTS);
