/** KafkaZkClient's admin methods: topic deletion markers, `/admin/reassign_partitions` and `/admin/preferred_replica_election`. */
import { KafkaZkClientBase } from './kafka-zk-client-base.js';
import { NoNodeError } from './keeper-errors.js';
import { DeleteTopicsTopicZNode, DeleteTopicsZNode, PreferredReplicaElectionZNode, ReassignPartitionsZNode } from './admin-znodes.js';
import { ZkVersion } from './zk-data.js';
import { CreateMode, ZkOps } from './zookeeper-client.js';
import type { TopicPartition } from '../common/topic-partition.js';

/** Admin methods of KafkaZkClient (mixed into it; see kafka-zk-client.ts). */
export class AdminZkOps extends KafkaZkClientBase {
  // ---- topic deletion ---------------------------------------------------------------------------

  /** Kafka's createDeleteTopicPath: creates `/admin/delete_topics/<t>` (NodeExistsError if already marked). */
  async createDeleteTopicPath(topic: string): Promise<void> {
    await this.zooKeeperClient.create(DeleteTopicsTopicZNode.path(topic), null, CreateMode.PERSISTENT);
  }

  /** Kafka's isTopicMarkedForDeletion. */
  async isTopicMarkedForDeletion(topic: string): Promise<boolean> {
    return this.pathExists(DeleteTopicsTopicZNode.path(topic));
  }

  /** Kafka's getTopicDeletions: children of `/admin/delete_topics` (arms the TopicDeletionHandler's watch). */
  async getTopicDeletions(): Promise<string[]> {
    return this.getChildrenOrEmpty(DeleteTopicsZNode.path);
  }

  /** Kafka's deleteTopicDeletions: removes the marker znodes, fenced. */
  async deleteTopicDeletions(topics: Iterable<string>, expectedControllerEpochZkVersion: number): Promise<void> {
    for (const t of topics) await this.deleteRecursive(DeleteTopicsTopicZNode.path(t), expectedControllerEpochZkVersion);
  }

  // ---- reassignment and preferred election (the legacy /admin znodes) ---------------------------------

  /**
   * Kafka's getPartitionReassignment: `/admin/reassign_partitions` as partition → target replicas
   * (a partition named twice keeps its last entry, as Kafka's toMap does); empty when the znode is
   * absent. Malformed data throws InvalidZNodeDataError.
   */
  async getPartitionReassignment(): Promise<Map<TopicPartition, number[]>> {
    const { data, stat } = await this.getDataAndStat(ReassignPartitionsZNode.path);
    if (stat === null) return new Map();
    const byKey = new Map<string, { tp: TopicPartition; replicas: number[] }>();
    for (const e of ReassignPartitionsZNode.decode(data)) byKey.set(`${e.topic}-${e.partition}`, { tp: { topic: e.topic, partition: e.partition }, replicas: e.replicas });
    return new Map([...byKey.values()].map((e) => [e.tp, e.replicas]));
  }

  /** Kafka's reassignPartitionsInProgress: whether `/admin/reassign_partitions` exists. */
  async reassignPartitionsInProgress(): Promise<boolean> {
    return this.pathExists(ReassignPartitionsZNode.path);
  }

  /** Kafka's createPartitionReassignment (the legacy tool's write): NodeExistsError while one is in progress. */
  async createPartitionReassignment(reassignment: Map<TopicPartition, number[]>): Promise<void> {
    const entries = [...reassignment].map(([tp, replicas]) => ({ topic: tp.topic, partition: tp.partition, replicas }));
    await this.createRecursive(ReassignPartitionsZNode.path, ReassignPartitionsZNode.encode(entries), true);
  }

  /** Kafka's setOrCreatePartitionReassignment: rewrites (or creates) `/admin/reassign_partitions`, fenced. */
  async setOrCreatePartitionReassignment(reassignment: Map<TopicPartition, number[]>, expectedControllerEpochZkVersion: number): Promise<void> {
    const data = ReassignPartitionsZNode.encode([...reassignment].map(([tp, replicas]) => ({ topic: tp.topic, partition: tp.partition, replicas })));
    try {
      await this.fencedOp(ZkOps.setData(ReassignPartitionsZNode.path, data, ZkVersion.MatchAnyVersion), expectedControllerEpochZkVersion);
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
      await this.fencedOp(ZkOps.create(ReassignPartitionsZNode.path, data), expectedControllerEpochZkVersion);
    }
  }

  /** Kafka's deletePartitionReassignment: removes `/admin/reassign_partitions`, fenced; missing is fine. */
  async deletePartitionReassignment(expectedControllerEpochZkVersion: number): Promise<void> {
    await this.deleteRecursive(ReassignPartitionsZNode.path, expectedControllerEpochZkVersion);
  }

  /** Kafka's getPreferredReplicaElection: the partitions in `/admin/preferred_replica_election` (empty when absent); malformed data throws InvalidZNodeDataError. */
  async getPreferredReplicaElection(): Promise<TopicPartition[]> {
    const { data, stat } = await this.getDataAndStat(PreferredReplicaElectionZNode.path);
    return stat === null ? [] : PreferredReplicaElectionZNode.decode(data);
  }

  /** Kafka's createPreferredReplicaElection (the legacy election tool's write): NodeExistsError while one is pending. */
  async createPreferredReplicaElection(partitions: Iterable<TopicPartition>): Promise<void> {
    await this.createRecursive(PreferredReplicaElectionZNode.path, PreferredReplicaElectionZNode.encode(partitions), true);
  }

  /** Kafka's deletePreferredReplicaElection: removes `/admin/preferred_replica_election`, fenced; missing is fine. */
  async deletePreferredReplicaElection(expectedControllerEpochZkVersion: number): Promise<void> {
    await this.deleteRecursive(PreferredReplicaElectionZNode.path, expectedControllerEpochZkVersion);
  }
}
