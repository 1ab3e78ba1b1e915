/**
 * Kafka's ControllerContext: everything the active controller knows, loaded from ZooKeeper on
 * failover and changed only from the event loop — live brokers and their epochs, topics and their
 * assignments and ids, each partition's leader/ISR and state, each replica's state, and the topics
 * queued for deletion.
 */
import type { LeaderIsrAndControllerEpoch, ReplicaAssignment } from '../zk/topic-znodes.js';
import { PartitionState, ReplicaState } from './states.js';
import { type TopicPartition, tpKey } from '../common/topic-partition.js';

export interface LiveBroker {
  id: number;
  /** czxid of its /brokers/ids/<id> znode (KIP-380 broker epoch). */
  epoch: bigint;
  rack: string | null;
  endpoints: Array<{ listener: string; host: string; port: number; securityProtocol: number }>;
}

export interface PartitionReplica {
  tp: TopicPartition;
  replica: number;
}

export class ControllerContext {
  epoch = 0;
  epochZkVersion = 0;
  private liveBrokers = new Map<number, LiveBroker>();
  readonly shuttingDownBrokerIds = new Set<number>();
  readonly allTopics = new Set<string>();
  readonly topicIds = new Map<string, string>();
  /** topic → partition → replicas (RS, in order) with the adding / removing replicas of a reassignment. */
  private readonly assignments = new Map<string, Map<number, ReplicaAssignment>>();
  /** Partitions with a reassignment in progress (Kafka's partitionsBeingReassigned), by `topic-partition`. */
  readonly partitionsBeingReassigned = new Map<string, TopicPartition>();
  private readonly leadership = new Map<string, LeaderIsrAndControllerEpoch>();
  private readonly partitionStates = new Map<string, PartitionState>();
  private readonly replicaStates = new Map<string, ReplicaState>();
  readonly topicsToBeDeleted = new Set<string>();
  readonly topicsIneligibleForDeletion = new Set<string>();
  /** Replicas a live broker reported KAFKA_STORAGE_ERROR for (Kafka's replicasOnOfflineDirs): broker → partition keys. */
  readonly replicasOnOfflineDirs = new Map<number, Set<string>>();

  reset(): void {
    this.epoch = 0;
    this.epochZkVersion = 0;
    this.liveBrokers.clear();
    this.shuttingDownBrokerIds.clear();
    this.allTopics.clear();
    this.topicIds.clear();
    this.assignments.clear();
    this.leadership.clear();
    this.partitionStates.clear();
    this.replicaStates.clear();
    this.topicsToBeDeleted.clear();
    this.topicsIneligibleForDeletion.clear();
    this.replicasOnOfflineDirs.clear();
    this.partitionsBeingReassigned.clear();
  }

  // -- brokers --------------------------------------------------------------------------------

  setLiveBrokers(brokers: LiveBroker[]): void {
    this.liveBrokers = new Map(brokers.map((b) => [b.id, b]));
  }

  addLiveBrokers(brokers: LiveBroker[]): void {
    for (const b of brokers) this.liveBrokers.set(b.id, b);
  }

  removeLiveBrokers(ids: Iterable<number>): void {
    for (const id of ids) {
      this.liveBrokers.delete(id);
      this.shuttingDownBrokerIds.delete(id);
      // A broker that comes back has its log dirs again (Kafka clears them on failure and on startup).
      this.replicasOnOfflineDirs.delete(id);
    }
  }

  liveBrokerList(): LiveBroker[] {
    return [...this.liveBrokers.values()].sort((a, b) => a.id - b.id);
  }

  liveBroker(id: number): LiveBroker | undefined {
    return this.liveBrokers.get(id);
  }

  liveOrShuttingDownBrokerIds(): Set<number> {
    return new Set(this.liveBrokers.keys());
  }

  /** Live for elections: registered and not shutting down (Kafka's liveBrokerIds). */
  liveBrokerIds(): Set<number> {
    return new Set([...this.liveBrokers.keys()].filter((id) => !this.shuttingDownBrokerIds.has(id)));
  }

  /**
   * Kafka's isReplicaOnline: the broker is live (and not shutting down unless included) and, when a
   * partition is given, its replica is not on a failed log dir.
   */
  isReplicaOnline(brokerId: number, tp?: TopicPartition, includeShuttingDownBrokers = false): boolean {
    if (!this.liveBrokers.has(brokerId)) return false;
    if (!includeShuttingDownBrokers && this.shuttingDownBrokerIds.has(brokerId)) return false;
    return tp === undefined || !this.replicasOnOfflineDirs.get(brokerId)?.has(tpKey(tp));
  }

  /** Brokers that may lead `tp`: live, not shutting down, its replica not on a failed dir. */
  liveBrokerIdsFor(tp: TopicPartition): Set<number> {
    const out = this.liveBrokerIds();
    for (const [broker, offline] of this.replicasOnOfflineDirs) if (offline.has(tpKey(tp))) out.delete(broker);
    return out;
  }

  // -- topics and assignments ------------------------------------------------------------------

  /** Sets a partition's replicas with no reassignment in progress. */
  setAssignment(topic: string, partition: number, replicas: number[]): void {
    this.updatePartitionFullReplicaAssignment({ topic, partition }, { replicas, addingReplicas: [], removingReplicas: [] });
  }

  /** Kafka's updatePartitionFullReplicaAssignment: replicas plus the adding / removing ones. */
  updatePartitionFullReplicaAssignment(tp: TopicPartition, assignment: ReplicaAssignment): void {
    this.allTopics.add(tp.topic);
    let parts = this.assignments.get(tp.topic);
    if (!parts) {
      parts = new Map();
      this.assignments.set(tp.topic, parts);
    }
    parts.set(tp.partition, assignment);
  }

  /** The partition's replicas (RS: during a reassignment the original and the target ones). */
  partitionReplicaAssignment(tp: TopicPartition): number[] {
    return this.assignments.get(tp.topic)?.get(tp.partition)?.replicas ?? [];
  }

  /** Kafka's partitionFullReplicaAssignment: replicas with the adding / removing replicas (empty when unknown). */
  partitionFullReplicaAssignment(tp: TopicPartition): ReplicaAssignment {
    return this.assignments.get(tp.topic)?.get(tp.partition) ?? { replicas: [], addingReplicas: [], removingReplicas: [] };
  }

  /** Kafka's partitionFullReplicaAssignmentForTopic: partition → full assignment. */
  partitionFullReplicaAssignmentForTopic(topic: string): Map<number, ReplicaAssignment> {
    return new Map(this.assignments.get(topic) ?? []);
  }

  isTopicBeingReassigned(topic: string): boolean {
    for (const tp of this.partitionsBeingReassigned.values()) if (tp.topic === topic) return true;
    return false;
  }

  partitionsForTopic(topic: string): TopicPartition[] {
    const parts = this.assignments.get(topic);
    if (!parts) return [];
    return [...parts.keys()].sort((a, b) => a - b).map((partition) => ({ topic, partition }));
  }

  allPartitions(): TopicPartition[] {
    return [...this.assignments.keys()].flatMap((t) => this.partitionsForTopic(t));
  }

  partitionsOnBroker(brokerId: number): TopicPartition[] {
    return this.allPartitions().filter((tp) => this.partitionReplicaAssignment(tp).includes(brokerId));
  }

  replicasOnBrokers(brokerIds: ReadonlySet<number>): PartitionReplica[] {
    const out: PartitionReplica[] = [];
    for (const tp of this.allPartitions()) {
      for (const r of this.partitionReplicaAssignment(tp)) if (brokerIds.has(r)) out.push({ tp, replica: r });
    }
    return out;
  }

  replicasForPartitions(partitions: TopicPartition[]): PartitionReplica[] {
    return partitions.flatMap((tp) => this.partitionReplicaAssignment(tp).map((replica) => ({ tp, replica })));
  }

  removeTopic(topic: string): void {
    for (const tp of this.partitionsForTopic(topic)) {
      const key = tpKey(tp);
      this.leadership.delete(key);
      this.partitionStates.delete(key);
      for (const r of this.partitionReplicaAssignment(tp)) this.replicaStates.delete(`${key}:${r}`);
      this.partitionsBeingReassigned.delete(key);
    }
    this.assignments.delete(topic);
    this.allTopics.delete(topic);
    this.topicIds.delete(topic);
    this.topicsToBeDeleted.delete(topic);
    this.topicsIneligibleForDeletion.delete(topic);
  }

  // -- leadership and states -------------------------------------------------------------------

  putPartitionLeadershipInfo(tp: TopicPartition, info: LeaderIsrAndControllerEpoch): void {
    this.leadership.set(tpKey(tp), info);
  }

  partitionLeadershipInfo(tp: TopicPartition): LeaderIsrAndControllerEpoch | undefined {
    return this.leadership.get(tpKey(tp));
  }

  partitionState(tp: TopicPartition): PartitionState {
    return this.partitionStates.get(tpKey(tp)) ?? PartitionState.NonExistentPartition;
  }

  putPartitionState(tp: TopicPartition, state: PartitionState): void {
    this.partitionStates.set(tpKey(tp), state);
  }

  partitionsInState(state: PartitionState): TopicPartition[] {
    return this.allPartitions().filter((tp) => this.partitionState(tp) === state);
  }

  replicaState(r: PartitionReplica): ReplicaState {
    return this.replicaStates.get(`${tpKey(r.tp)}:${r.replica}`) ?? ReplicaState.NonExistentReplica;
  }

  putReplicaState(r: PartitionReplica, state: ReplicaState): void {
    this.replicaStates.set(`${tpKey(r.tp)}:${r.replica}`, state);
  }

  removeReplicaState(r: PartitionReplica): void {
    this.replicaStates.delete(`${tpKey(r.tp)}:${r.replica}`);
  }

  /** Partitions led by `brokerId` with replication factor > 1 (what ControlledShutdown still waits for). */
  partitionLeadersOnBroker(brokerId: number): TopicPartition[] {
    return this.allPartitions().filter((tp) => {
      const l = this.partitionLeadershipInfo(tp);
      return l?.leaderAndIsr.leader === brokerId && this.partitionReplicaAssignment(tp).length > 1 && !this.topicsToBeDeleted.has(tp.topic);
    });
  }

  isTopicQueuedUpForDeletion(topic: string): boolean {
    return this.topicsToBeDeleted.has(topic);
  }
}
