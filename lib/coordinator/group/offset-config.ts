/**
 * Kafka's GroupConfig and OffsetConfig: the group coordinator's settings, read from KafkaConfig
 * (`group.*`, `offsets.*`, `offset.metadata.max.bytes`) with Kafka's defaults.
 */
import type { KafkaConfig } from '../../config/kafka-config.js';

export interface GroupConfig {
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  groupMaxSize: number;
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
  /** offsets.topic.compression.codec (codec id) */
  offsetsTopicCompressionCodec: number;
  /** offsets.commit.timeout.ms */
  offsetCommitTimeoutMs: number;
}

export const DEFAULT_GROUP_CONFIG: GroupConfig = {
  groupMinSessionTimeoutMs: 6000,
  groupMaxSessionTimeoutMs: 1_800_000,
  groupMaxSize: 2_147_483_647,
  groupInitialRebalanceDelayMs: 3000,
};

export const DEFAULT_OFFSET_CONFIG: OffsetConfig = {
  maxMetadataSize: 4096,
  offsetsRetentionMs: 10080 * 60_000,
  offsetsRetentionCheckIntervalMs: 600_000,
  offsetsTopicNumPartitions: 50,
  offsetsTopicCompressionCodec: 0,
  offsetCommitTimeoutMs: 5000,
};

export function groupConfigFrom(config: KafkaConfig): GroupConfig {
  return {
    groupMinSessionTimeoutMs: config.getNumber('group.min.session.timeout.ms'),
    groupMaxSessionTimeoutMs: config.getNumber('group.max.session.timeout.ms'),
    groupMaxSize: config.getNumber('group.max.size'),
    groupInitialRebalanceDelayMs: config.getNumber('group.initial.rebalance.delay.ms'),
  };
}

export function offsetConfigFrom(config: KafkaConfig): OffsetConfig {
  return {
    maxMetadataSize: config.getNumber('offset.metadata.max.bytes'),
    offsetsRetentionMs: config.getNumber('offsets.retention.minutes') * 60_000,
    offsetsRetentionCheckIntervalMs: config.getNumber('offsets.retention.check.interval.ms'),
    offsetsTopicNumPartitions: config.getNumber('offsets.topic.num.partitions'),
    offsetsTopicCompressionCodec: config.getNumber('offsets.topic.compression.codec'),
    offsetCommitTimeoutMs: config.getNumber('offsets.commit.timeout.ms'),
  };
}
