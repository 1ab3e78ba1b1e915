/**
 * Kafka's ReplicationQuotaManager (server/ReplicationQuotaManager.scala): one for the leader side
 * (bytes sent to followers of throttled replicas, leader.replication.throttled.rate), one for the
 * follower side (bytes fetched for throttled replicas, follower.replication.throttled.rate). Which
 * partitions are throttled comes from the topics' leader/follower.replication.throttled.replicas
 * (`*`, or `partition:broker` entries naming this broker). A replica that is not in sync is held
 * back while the measured rate is above the quota; bytes of throttled partitions are recorded.
 */
import { SampledRate, type SampledRateConfig } from '../common/sampled-rate.js';
import type { Time } from '../common/time.js';
import type { TopicPartition } from '../common/topic-partition.js';
import { logger } from '../utils/logger.js';

/** Kafka's ReplicationQuotaManager.AllReplicas. */
export const ALL_REPLICAS = '*';

/** The ReplicaQuota view fetchers and fetch handling use. */
export interface ReplicaQuota {
  isThrottled(tp: TopicPartition): boolean;
  isQuotaExceeded(): boolean;
  record(bytes: number): void;
}

/** Kafka's QuotaType for replication. */
export type ReplicationQuotaType = 'LeaderReplication' | 'FollowerReplication' | 'AlterLogDirsReplication';

export class ReplicationQuotaManager implements ReplicaQuota {
  private readonly log = logger('kafka.server.ReplicationQuotaManager');
  private readonly throttledPartitions = new Map<string, typeof ALL_REPLICAS | ReadonlySet<number>>();
  private readonly rate: SampledRate;
  /** Bytes per second; Long.MAX_VALUE (no throttle) until set. */
  private bound = Number.MAX_SAFE_INTEGER;

  constructor(readonly type: ReplicationQuotaType, config: SampledRateConfig, time: Time) {
    this.rate = new SampledRate(config, time);
  }

  /** Kafka's updateQuota: the new bound applies to what was measured so far. */
  updateQuota(bytesPerSecond: number): void {
    if (bytesPerSecond !== this.bound) this.log.info(`Updated ${this.type} quota to ${bytesPerSecond === Number.MAX_SAFE_INTEGER ? 'unlimited' : `${bytesPerSecond} B/s`}`);
    this.bound = bytesPerSecond;
  }

  upperBound(): number {
    return this.bound;
  }

  /** Measured bytes per second of throttled replication. */
  measuredRate(): number {
    return this.rate.measure();
  }

  isQuotaExceeded(): boolean {
    return this.bound < Number.MAX_SAFE_INTEGER && this.rate.measure() > this.bound;
  }

  isThrottled(tp: TopicPartition): boolean {
    const p = this.throttledPartitions.get(tp.topic);
    return p !== undefined && (p === ALL_REPLICAS || p.has(tp.partition));
  }

  record(bytes: number): void {
    if (bytes > 0) this.rate.record(bytes);
  }

  markThrottled(topic: string, partitions: typeof ALL_REPLICAS | readonly number[]): void {
    this.throttledPartitions.set(topic, partitions === ALL_REPLICAS ? ALL_REPLICAS : new Set(partitions));
  }

  removeThrottle(topic: string): void {
    this.throttledPartitions.delete(topic);
  }

  /**
   * TopicConfigHandler.updateThrottledList: a topic's throttled-replicas value as seen by broker
   * `brokerId` — everything for `*`, the partitions of `partition:brokerId` entries otherwise.
   */
  updateThrottledList(topic: string, value: readonly string[] | undefined, brokerId: number): void {
    const entries = (value ?? []).map((e) => e.trim()).filter((e) => e !== '');
    if (entries.length === 0) {
      this.removeThrottle(topic);
      return;
    }
    if (entries.length === 1 && entries[0] === ALL_REPLICAS) {
      this.markThrottled(topic, ALL_REPLICAS);
      return;
    }
    const partitions = entries.map((e) => e.split(':')).filter(([, b]) => Number(b) === brokerId).map(([p]) => Number(p));
    this.markThrottled(topic, partitions);
  }
}

/** Kafka's QuotaManagers (the replication part): leader and follower side, and moves between log dirs. */
export interface ReplicationQuotas {
  leader: ReplicationQuotaManager;
  follower: ReplicationQuotaManager;
  /** replica.alter.log.dirs.io.max.bytes.per.second: every replica being moved counts. */
  alterLogDirs: ReplicationQuotaManager;
}
