/**
 * The replication settings of ReplicaManager and its fetchers (Kafka's ReplicationConfigs keys
 * as ReplicaManager and ReplicaFetcherThread read them), and the replication quota windows
 * (Kafka's ReplicationQuotaManagerConfig).
 */
import type { KafkaConfig } from './kafka-config.js';

/** What a follower's fetcher reads from the broker config. */
export interface ReplicaFetcherConfig {
  /** replica.fetch.wait.max.ms */
  fetchMaxWaitMs: number;
  /** replica.fetch.min.bytes */
  fetchMinBytes: number;
  /** replica.fetch.max.bytes */
  fetchMaxBytes: number;
  /** replica.fetch.response.max.bytes */
  fetchResponseMaxBytes: number;
  /** replica.fetch.backoff.ms */
  fetchBackoffMs: number;
  /** replica.socket.timeout.ms */
  requestTimeoutMs: number;
}

export interface ReplicaManagerConfig {
  /** inter.broker.listener.name (or security.inter.broker.protocol) as KafkaConfig resolves it. */
  interBrokerListener: string;
  /** replica.lag.time.max.ms */
  replicaLagTimeMaxMs: number;
  /** replica.high.watermark.checkpoint.interval.ms */
  highWatermarkCheckpointIntervalMs: number;
  /** min.insync.replicas */
  defaultMinInSyncReplicas: number;
  fetcher: ReplicaFetcherConfig;
}

/** Kafka's ReplicationQuotaManagerConfig as a sampled-rate window. */
export interface ReplicationQuotaManagerConfig {
  /** replication.quota.window.num */
  readonly samples: number;
  /** replication.quota.window.size.seconds in ms */
  readonly timeWindowMs: number;
}

export function replicaManagerConfigFrom(config: KafkaConfig): ReplicaManagerConfig {
  return {
    interBrokerListener: config.interBrokerListenerName,
    replicaLagTimeMaxMs: config.get('replica.lag.time.max.ms'),
    highWatermarkCheckpointIntervalMs: config.get('replica.high.watermark.checkpoint.interval.ms'),
    defaultMinInSyncReplicas: config.get('min.insync.replicas'),
    fetcher: {
      fetchMaxWaitMs: config.get('replica.fetch.wait.max.ms'),
      fetchMinBytes: config.get('replica.fetch.min.bytes'),
      fetchMaxBytes: config.get('replica.fetch.max.bytes'),
      fetchResponseMaxBytes: config.get('replica.fetch.response.max.bytes'),
      fetchBackoffMs: config.get('replica.fetch.backoff.ms'),
      requestTimeoutMs: config.get('replica.socket.timeout.ms'),
    },
  };
}

export function replicationQuotaManagerConfigFrom(config: KafkaConfig): ReplicationQuotaManagerConfig {
  return { samples: config.get('replication.quota.window.num'), timeWindowMs: config.get('replication.quota.window.size.seconds') * 1000 };
}
