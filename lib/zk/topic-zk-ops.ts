/** KafkaZkClient's topic methods: `/brokers/topics/<t>` assignments and topic ids, partition state znodes, topic removal. */
import { KafkaZkClientBase } from './kafka-zk-client-base.js';
import { BadVersionError, ControllerMovedError, NodeExistsError } from './keeper-errors.js';
import { ConfigEntityZNode, ConfigType } from './config-znodes.js';
import { ZkVersion } from './zk-data.js';
import { TopicPartitionStateZNode, TopicPartitionZNode, TopicPartitionsZNode, TopicZNode, TopicsZNode, type LeaderAndIsr, type LeaderIsrAndControllerEpoch, type ReplicaAssignment, type TopicIdReplicaAssignment } from './topic-znodes.js';
import { CreateMode, ZkOps, type ZkOp } from './zookeeper-client.js';
import type { TopicPartition } from '../common/topic-partition.js';

/** Kafka's UpdateLeaderAndIsrResult. */
export interface UpdateLeaderAndIsrResult {
  /** Written partitions with their new partitionEpoch (zkVersion), or the error that stopped them. */
  finishedPartitions: Map<TopicPartition, LeaderAndIsr | Error>;
  /** Partitions whose zkVersion was stale (BADVERSION): re-read and retry. */
  partitionsToRetry: TopicPartition[];
}

/** Topic methods of KafkaZkClient (mixed into it; see kafka-zk-client.ts). */
export class TopicZkOps extends KafkaZkClientBase {
  /** Kafka's getAllTopicsInCluster (arms the TopicChangeHandler's child watch when `registerWatch`). */
  async getAllTopicsInCluster(registerWatch = false): Promise<string[]> {
    return this.getChildrenOrEmpty(TopicsZNode.path, registerWatch);
  }

  /** Kafka's topicExists. */
  async topicExists(topic: string): Promise<boolean> {
    return this.pathExists(TopicZNode.path(topic));
  }

  /** Kafka's createTopicAssignment: creates `/brokers/topics/<t>` (NodeExistsError → TOPIC_ALREADY_EXISTS). */
  async createTopicAssignment(topic: string, topicId: string | null, assignment: Map<number, number[] | ReplicaAssignment>): Promise<void> {
    await this.zooKeeperClient.create(TopicZNode.path(topic), TopicZNode.encode(topicId, toReplicaAssignments(assignment)), CreateMode.PERSISTENT);
  }

  /** Kafka's setTopicAssignment: rewrites `/brokers/topics/<t>` (reassignment, added partitions, topic id back-fill). */
  async setTopicAssignment(
    topic: string,
    topicId: string | null,
    assignment: Map<number, number[] | ReplicaAssignment>,
    expectedControllerEpochZkVersion: number = ZkVersion.MatchAnyVersion,
  ): Promise<void> {
    const data = TopicZNode.encode(topicId, toReplicaAssignments(assignment));
    await this.fencedOp(ZkOps.setData(TopicZNode.path(topic), data, ZkVersion.MatchAnyVersion), expectedControllerEpochZkVersion);
  }

  /** Kafka's getReplicaAssignmentAndTopicIdForTopics: id and full assignment of each existing topic. */
  async getReplicaAssignmentAndTopicIdForTopics(topics: Iterable<string>): Promise<TopicIdReplicaAssignment[]> {
    const res = await Promise.all(
      [...topics].map(async (t) => {
        const { data, stat } = await this.getDataAndStat(TopicZNode.path(t));
        return stat === null ? null : TopicZNode.decode(t, data);
      }),
    );
    return res.filter((r): r is TopicIdReplicaAssignment => r !== null);
  }

  /** Kafka's getReplicaAssignmentForTopics: topic → partition → replicas (existing topics only). */
  async getReplicaAssignmentForTopics(topics: Iterable<string>): Promise<Map<string, Map<number, number[]>>> {
    const out = new Map<string, Map<number, number[]>>();
    for (const t of await this.getReplicaAssignmentAndTopicIdForTopics(topics)) {
      out.set(t.topic, new Map([...t.assignment].map(([p, a]) => [p, a.replicas])));
    }
    return out;
  }

  /** Kafka's getTopicIdsForTopics: topic → id for topics that have one. */
  async getTopicIdsForTopics(topics: Iterable<string>): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const t of await this.getReplicaAssignmentAndTopicIdForTopics(topics)) if (t.topicId !== null) out.set(t.topic, t.topicId);
    return out;
  }

  /** Kafka's getTopicPartitionCount: number of partitions, or null if the topic does not exist. */
  async getTopicPartitionCount(topic: string): Promise<number | null> {
    const [t] = await this.getReplicaAssignmentAndTopicIdForTopics([topic]);
    return t === undefined ? null : t.assignment.size;
  }

  /** Kafka's getTopicPartitionState: the partition's state znode, or null. */
  async getTopicPartitionState(partition: TopicPartition): Promise<LeaderIsrAndControllerEpoch | null> {
    const { data, stat } = await this.getDataAndStat(TopicPartitionStateZNode.path(partition));
    return stat === null ? null : TopicPartitionStateZNode.decode(partition, data, stat.version);
  }

  /**
   * Kafka's getTopicPartitionStates: state of each partition that has one. The map's keys are the
   * very objects passed in (so callers can look them up by identity); missing states are omitted.
   */
  async getTopicPartitionStates(partitions: Iterable<TopicPartition>): Promise<Map<TopicPartition, LeaderIsrAndControllerEpoch>> {
    const list = [...partitions];
    const states = await Promise.all(list.map((p) => this.getTopicPartitionState(p)));
    const out = new Map<TopicPartition, LeaderIsrAndControllerEpoch>();
    list.forEach((p, i) => {
      const s = states[i];
      if (s !== null && s !== undefined) out.set(p, s);
    });
    return out;
  }

  /**
   * Kafka's createTopicPartitionStatesRaw: creates `partitions`, `partitions/<p>` (null data, existing is
   * fine) and `partitions/<p>/state` for each partition, all fenced. Per-partition result: null on
   * success or the typed error (NodeExistsError if the state already exists). ControllerMovedError
   * is thrown when fenced out.
   */
  async createTopicPartitionStatesRaw(
    leaderIsrAndControllerEpochs: Map<TopicPartition, LeaderIsrAndControllerEpoch>,
    expectedControllerEpochZkVersion: number,
  ): Promise<Map<TopicPartition, Error | null>> {
    const entries = [...leaderIsrAndControllerEpochs];
    const ignoreExists = async (op: ZkOp): Promise<void> => {
      try {
        await this.fencedOp(op, expectedControllerEpochZkVersion);
      } catch (err) {
        if (!(err instanceof NodeExistsError)) throw err;
      }
    };
    for (const topic of new Set(entries.map(([p]) => p.topic))) await ignoreExists(ZkOps.create(TopicPartitionsZNode.path(topic), null));
    await Promise.all(entries.map(([p]) => ignoreExists(ZkOps.create(TopicPartitionZNode.path(p), null))));
    const results = await Promise.all(
      entries.map(async ([p, state]): Promise<Error | null> => {
        try {
          await this.fencedOp(ZkOps.create(TopicPartitionStateZNode.path(p), TopicPartitionStateZNode.encode(state)), expectedControllerEpochZkVersion);
          return null;
        } catch (err) {
          if (err instanceof ControllerMovedError) throw err;
          return err instanceof Error ? err : new Error(String(err));
        }
      }),
    );
    return new Map(entries.map(([p], i) => [p, results[i] ?? null]));
  }

  /**
   * Kafka's updateLeaderAndIsr: one conditional setData per partition (expected version =
   * leaderAndIsr.partitionEpoch), fenced. Successes come back with their new partitionEpoch;
   * BADVERSION puts the partition in partitionsToRetry; other errors are per partition.
   * ControllerMovedError is thrown when fenced out.
   */
  async updateLeaderAndIsr(
    leaderAndIsrs: Map<TopicPartition, LeaderAndIsr>,
    controllerEpoch: number,
    expectedControllerEpochZkVersion: number,
  ): Promise<UpdateLeaderAndIsrResult> {
    const finishedPartitions = new Map<TopicPartition, LeaderAndIsr | Error>();
    const partitionsToRetry: TopicPartition[] = [];
    const entries = [...leaderAndIsrs];
    const outcomes = await Promise.all(
      entries.map(async ([p, lai]): Promise<LeaderAndIsr | Error> => {
        const data = TopicPartitionStateZNode.encode({ leaderAndIsr: lai, controllerEpoch });
        try {
          const r = await this.fencedOp(ZkOps.setData(TopicPartitionStateZNode.path(p), data, lai.partitionEpoch), expectedControllerEpochZkVersion);
          return { ...lai, partitionEpoch: r.type === 'setData' ? r.stat.version : lai.partitionEpoch + 1 };
        } catch (err) {
          if (err instanceof ControllerMovedError) throw err;
          return err instanceof Error ? err : new Error(String(err));
        }
      }),
    );
    entries.forEach(([p], i) => {
      const o = outcomes[i];
      if (o instanceof BadVersionError) partitionsToRetry.push(p);
      else if (o !== undefined) finishedPartitions.set(p, o);
    });
    return { finishedPartitions, partitionsToRetry };
  }

  /** Kafka's deleteTopicZNode: deletes `/brokers/topics/<t>` recursively, fenced. */
  async deleteTopicZNode(topic: string, expectedControllerEpochZkVersion: number): Promise<void> {
    await this.deleteRecursive(TopicZNode.path(topic), expectedControllerEpochZkVersion);
  }

  /** Kafka's deleteTopicConfigs: deletes `/config/topics/<t>` for each topic, fenced. */
  async deleteTopicConfigs(topics: Iterable<string>, expectedControllerEpochZkVersion: number): Promise<void> {
    for (const t of topics) await this.deleteRecursive(ConfigEntityZNode.path(ConfigType.Topic, t), expectedControllerEpochZkVersion);
  }
}

function toReplicaAssignments(assignment: Map<number, number[] | ReplicaAssignment>): Map<number, ReplicaAssignment> {
  const out = new Map<number, ReplicaAssignment>();
  for (const [p, a] of assignment) out.set(p, Array.isArray(a) ? { replicas: a, addingReplicas: [], removingReplicas: [] } : a);
  return out;
}

