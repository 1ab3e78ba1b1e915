/**
 * Kafka's ZkMetadataCache: a broker's view of the cluster, replaced piece by piece by the
 * controller's UpdateMetadata requests (never read from ZooKeeper by a non-controller broker).
 * Answers Metadata, DescribeCluster and routing questions (who leads a partition, where the
 * controller is) for any listener.
 */
import { ZERO_UUID } from '../protocol/reader.js';
import type { UpdateMetadataRequest, UpdateMetadataPartitionState } from '../protocol/generated/types.js';

export interface EndPoint {
  host: string;
  port: number;
  listener: string;
  securityProtocol: number;
}

export interface CachedBroker {
  id: number;
  rack: string | null;
  endpoints: EndPoint[];
}

export interface PartitionInfo {
  topic: string;
  partition: number;
  controllerEpoch: number;
  leader: number;
  leaderEpoch: number;
  isr: number[];
  zkVersion: number;
  replicas: number[];
  offlineReplicas: number[];
}

/** Called after each UpdateMetadata with the topics whose partition states it carried. */
export type MetadataUpdateListener = (topics: ReadonlySet<string>) => void;

/** Leader id the controller sends for partitions of a topic being deleted (LeaderAndIsr.LeaderDuringDelete). */
export const LEADER_DURING_DELETE = -2;

export class MetadataCache {
  private brokers = new Map<number, CachedBroker>();
  private topics = new Map<string, Map<number, PartitionInfo>>();
  private topicIds = new Map<string, string>();
  private controllerId: number | null = null;
  private readonly updateListeners = new Set<MetadataUpdateListener>();

  constructor(readonly brokerId: number) {}

  /**
   * Registers a listener called at the end of every updateMetadata with the topics whose partition
   * states the request carried (deleted ones included). Kafka's KafkaApis calls
   * adminManager.tryCompleteDelayedTopicOperations the same way after each UpdateMetadata.
   * Returns a function that removes the listener.
   */
  onUpdate(listener: MetadataUpdateListener): () => void {
    this.updateListeners.add(listener);
    return () => this.updateListeners.delete(listener);
  }

  /** Applies an UpdateMetadata request; returns the partitions that were deleted. */
  updateMetadata(req: UpdateMetadataRequest): PartitionInfo[] {
    this.controllerId = req.controllerId < 0 ? null : req.controllerId;
    const brokers = new Map<number, CachedBroker>();
    for (const b of req.liveBrokers) {
      const endpoints: EndPoint[] = b.endpoints.length > 0
        ? b.endpoints.map((e) => ({ host: e.host, port: e.port, listener: e.listener, securityProtocol: e.securityProtocol }))
        : [{ host: b.v0Host, port: b.v0Port, listener: 'PLAINTEXT', securityProtocol: 0 }];
      brokers.set(b.id, { id: b.id, rack: b.rack, endpoints });
    }
    this.brokers = brokers;
    const deleted: PartitionInfo[] = [];
    for (const { topicId, state } of partitionStatesOf(req)) {
      const info = toPartitionInfo(state);
      let parts = this.topics.get(info.topic);
      if (info.leader === LEADER_DURING_DELETE) {
        if (parts?.delete(info.partition)) deleted.push(info);
        if (parts && parts.size === 0) {
          this.topics.delete(info.topic);
          this.topicIds.delete(info.topic);
        }
        continue;
      }
      if (!parts) {
        parts = new Map();
        this.topics.set(info.topic, parts);
      }
      parts.set(info.partition, info);
      if (topicId !== undefined && topicId !== ZERO_UUID) this.topicIds.set(info.topic, topicId);
    }
    if (this.updateListeners.size > 0) {
      const topics = new Set<string>();
      for (const { state } of partitionStatesOf(req)) topics.add(state.topicName);
      for (const l of this.updateListeners) {
        try {
          l(topics);
        } catch {
          // A listener's failure must not break applying the controller's metadata.
        }
      }
    }
    return deleted;
  }

  getControllerId(): number | null {
    return this.controllerId;
  }

  getAliveBrokers(): CachedBroker[] {
    return [...this.brokers.values()].sort((a, b) => a.id - b.id);
  }

  getAliveBroker(id: number): CachedBroker | undefined {
    return this.brokers.get(id);
  }

  hasAliveBroker(id: number): boolean {
    return this.brokers.has(id);
  }

  /** The endpoint of a broker on a listener, as Metadata answers a client connected to that listener. */
  getAliveEndpoint(id: number, listener: string): EndPoint | undefined {
    return this.brokers.get(id)?.endpoints.find((e) => e.listener === listener);
  }

  contains(topic: string): boolean {
    return this.topics.has(topic);
  }

  getAllTopics(): string[] {
    return [...this.topics.keys()].sort();
  }

  getTopicId(topic: string): string | undefined {
    return this.topicIds.get(topic);
  }

  getTopicName(topicId: string): string | undefined {
    for (const [name, id] of this.topicIds) if (id === topicId) return name;
    return undefined;
  }

  getPartitions(topic: string): PartitionInfo[] {
    const parts = this.topics.get(topic);
    return parts ? [...parts.values()].sort((a, b) => a.partition - b.partition) : [];
  }

  getPartitionInfo(topic: string, partition: number): PartitionInfo | undefined {
    return this.topics.get(topic)?.get(partition);
  }

  numPartitions(topic: string): number | undefined {
    return this.topics.get(topic)?.size;
  }
}

/** UpdateMetadata v0–4 carry ungrouped partition states, v5+ group them by topic (with ids). */
function partitionStatesOf(req: UpdateMetadataRequest): Array<{ topicId: string | undefined; state: UpdateMetadataPartitionState }> {
  const out: Array<{ topicId: string | undefined; state: UpdateMetadataPartitionState }> = [];
  for (const s of req.ungroupedPartitionStates) out.push({ topicId: undefined, state: s });
  for (const t of req.topicStates) {
    for (const s of t.partitionStates) out.push({ topicId: t.topicId, state: { ...s, topicName: t.topicName } });
  }
  return out;
}

function toPartitionInfo(s: UpdateMetadataPartitionState): PartitionInfo {
  return {
    topic: s.topicName,
    partition: s.partitionIndex,
    controllerEpoch: s.controllerEpoch,
    leader: s.leader,
    leaderEpoch: s.leaderEpoch,
    isr: s.isr,
    zkVersion: s.zkVersion,
    replicas: s.replicas,
    offlineReplicas: s.offlineReplicas,
  };
}
