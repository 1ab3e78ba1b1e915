/**
 * Kafka's ReplicaFetcherManager (AbstractFetcherManager): one ReplicaFetcher per source broker
 * (num.replica.fetchers = 1), partitions added when this broker becomes their follower and removed
 * when it leads them, stops following them, or deletes them; idle fetchers are shut down.
 */
import { ReplicaFetcher, type FetcherConfig } from './replica-fetcher.js';
import { RemoteLeaderEndPoint } from './remote-leader-end-point.js';
import type { ReplicaQuota } from './replication-quota-manager.js';
import type { LeaderEndPoint } from './leader-end-point.js';
import type { Time } from '../common/time.js';
import type { Partition } from '../cluster/partition.js';
import { type TopicPartition, tpKey } from '../common/topic-partition.js';

/** Makes the end point a fetcher pulls from (RemoteLeaderEndPoint unless a spec gives its own). */
export type LeaderEndPointFactory = (leaderId: number, host: string, port: number, config: FetcherConfig) => LeaderEndPoint;

const remoteLeader: LeaderEndPointFactory = (leaderId, host, port, config) => new RemoteLeaderEndPoint(leaderId, host, port, config);

export interface FollowedPartition {
  tp: TopicPartition;
  partition: Partition;
  leaderId: number;
  leaderHost: string;
  leaderPort: number;
  currentLeaderEpoch: number;
}

export class ReplicaFetcherManager {
  private readonly fetchers = new Map<string, ReplicaFetcher>();
  /** tp key → fetcher key, to remove partitions without scanning. */
  private readonly owner = new Map<string, string>();

  constructor(
    private readonly config: FetcherConfig,
    private readonly time: Time,
    private readonly leaderEndPoint: LeaderEndPointFactory = remoteLeader,
    private readonly onFollowerAppend?: (tp: TopicPartition) => void,
    /** The follower replication quota (follower.replication.throttled.rate). */
    private readonly quota?: ReplicaQuota,
  ) {}

  addFetcherForPartitions(partitions: FollowedPartition[]): void {
    this.removeFetcherForPartitions(partitions.map((p) => p.tp));
    for (const p of partitions) {
      const key = `${p.leaderId}@${p.leaderHost}:${p.leaderPort}`;
      let f = this.fetchers.get(key);
      if (!f) {
        f = new ReplicaFetcher(this.leaderEndPoint(p.leaderId, p.leaderHost, p.leaderPort, this.config), this.config, this.time, this.onFollowerAppend, this.quota);
        this.fetchers.set(key, f);
      }
      f.addPartitions([{ tp: p.tp, partition: p.partition, currentLeaderEpoch: p.currentLeaderEpoch }]);
      this.owner.set(tpKey(p.tp), key);
    }
  }

  removeFetcherForPartitions(tps: TopicPartition[]): void {
    for (const tp of tps) {
      const key = this.owner.get(tpKey(tp));
      if (key === undefined) continue;
      this.fetchers.get(key)?.removePartitions([tp]);
      this.owner.delete(tpKey(tp));
    }
  }

  isFollowing(tp: TopicPartition): boolean {
    return this.owner.has(tpKey(tp));
  }

  async shutdownIdleFetcherThreads(): Promise<void> {
    for (const [key, f] of this.fetchers) {
      if (f.partitionCount === 0) {
        this.fetchers.delete(key);
        await f.shutdown();
      }
    }
  }

  async shutdown(): Promise<void> {
    const all = [...this.fetchers.values()];
    this.fetchers.clear();
    this.owner.clear();
    await Promise.all(all.map((f) => f.shutdown()));
  }
}
