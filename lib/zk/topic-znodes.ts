/**
 * The topic znodes: `/brokers/topics/<topic>` (replica assignment and topic id) and the partition
 * state `/brokers/topics/<topic>/partitions/<p>/state` (leader, ISR, epochs) (kafka/zk/ZkData.scala).
 */
import type { TopicPartition } from '../common/topic-partition.js';
import { InvalidZNodeDataError, encodeJson, parseObject, int, optInt, str, intArray, obj, partitionId, uuidFromString } from './znode-json.js';

export const TopicsZNode = { path: '/brokers/topics' } as const;

/** Kafka's ReplicaAssignment: replicas (RS) plus adding/removing sets during reassignment. */
export interface ReplicaAssignment {
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

/** Kafka's TopicIdReplicaAssignment: a topic's id (null before IBP 2.8) and partition → assignment. */
export interface TopicIdReplicaAssignment {
  topic: string;
  topicId: string | null;
  assignment: Map<number, ReplicaAssignment>;
}

/** `/brokers/topics/<topic>`: version 3 with topic_id, partitions, adding_replicas, removing_replicas. */
export const TopicZNode = {
  path(topic: string): string {
    return `${TopicsZNode.path}/${topic}`;
  },
  encode(topicId: string | null, assignment: Map<number, ReplicaAssignment>): Buffer {
    const partitions: Record<string, number[]> = {};
    const adding: Record<string, number[]> = {};
    const removing: Record<string, number[]> = {};
    for (const [p, a] of [...assignment.entries()].sort((x, y) => x[0] - y[0])) {
      partitions[String(p)] = a.replicas;
      if (a.addingReplicas.length > 0) adding[String(p)] = a.addingReplicas;
      if (a.removingReplicas.length > 0) removing[String(p)] = a.removingReplicas;
    }
    const json: Record<string, unknown> = { version: 3 };
    if (topicId !== null) json.topic_id = topicId;
    json.partitions = partitions;
    json.adding_replicas = adding;
    json.removing_replicas = removing;
    return encodeJson(json);
  },
  decode(topic: string, bytes: Buffer | null): TopicIdReplicaAssignment {
    const path = this.path(topic);
    const o = parseObject(path, bytes);
    let topicId: string | null = null;
    if (o.topic_id !== undefined && o.topic_id !== null) {
      topicId = str(path, o, 'topic_id');
      try {
        uuidFromString(topicId);
      } catch {
        throw new InvalidZNodeDataError(path, `bad topic_id ${topicId}`);
      }
    }
    const assignment = new Map<number, ReplicaAssignment>();
    const adding = o.adding_replicas === undefined || o.adding_replicas === null ? {} : obj(path, o.adding_replicas, 'adding_replicas');
    const removing = o.removing_replicas === undefined || o.removing_replicas === null ? {} : obj(path, o.removing_replicas, 'removing_replicas');
    if (o.partitions !== undefined && o.partitions !== null) {
      for (const [k, v] of Object.entries(obj(path, o.partitions, 'partitions'))) {
        assignment.set(partitionId(path, k), {
          replicas: intArray(path, v, `partitions[${k}]`),
          addingReplicas: adding[k] === undefined ? [] : intArray(path, adding[k], `adding_replicas[${k}]`),
          removingReplicas: removing[k] === undefined ? [] : intArray(path, removing[k], `removing_replicas[${k}]`),
        });
      }
    }
    return { topic, topicId, assignment };
  },
};

export const TopicPartitionsZNode = {
  path(topic: string): string {
    return `${TopicZNode.path(topic)}/partitions`;
  },
};

export const TopicPartitionZNode = {
  path(tp: TopicPartition): string {
    return `${TopicPartitionsZNode.path(tp.topic)}/${tp.partition}`;
  },
};

/** Kafka's LeaderAndIsr (api/LeaderAndIsr.scala); partitionEpoch = the state znode's zkVersion. */
export interface LeaderAndIsr {
  leader: number;
  leaderEpoch: number;
  isr: number[];
  /** 0 = RECOVERED, 1 = RECOVERING (after an unclean election, IBP >= 3.2). */
  leaderRecoveryState: number;
  partitionEpoch: number;
}

/** Kafka's LeaderIsrAndControllerEpoch. */
export interface LeaderIsrAndControllerEpoch {
  leaderAndIsr: LeaderAndIsr;
  controllerEpoch: number;
}

/** `/brokers/topics/<t>/partitions/<p>/state`: version 1; leader_recovery_state only when 1. */
export const TopicPartitionStateZNode = {
  path(tp: TopicPartition): string {
    return `${TopicPartitionZNode.path(tp)}/state`;
  },
  encode(v: LeaderIsrAndControllerEpoch): Buffer {
    const json: Record<string, unknown> = {
      controller_epoch: v.controllerEpoch,
      leader: v.leaderAndIsr.leader,
      version: 1,
      leader_epoch: v.leaderAndIsr.leaderEpoch,
      isr: v.leaderAndIsr.isr,
    };
    if (v.leaderAndIsr.leaderRecoveryState === 1) json.leader_recovery_state = 1;
    return encodeJson(json);
  },
  /** `zkVersion` (the Stat version) becomes leaderAndIsr.partitionEpoch. */
  decode(tp: TopicPartition, bytes: Buffer | null, zkVersion: number): LeaderIsrAndControllerEpoch {
    const path = this.path(tp);
    const o = parseObject(path, bytes);
    const lrs = optInt(path, o, 'leader_recovery_state', 0);
    if (lrs !== 0 && lrs !== 1) throw new InvalidZNodeDataError(path, `bad leader_recovery_state ${lrs}`);
    return {
      leaderAndIsr: {
        leader: int(path, o, 'leader'),
        leaderEpoch: int(path, o, 'leader_epoch'),
        isr: intArray(path, o.isr, 'isr'),
        leaderRecoveryState: lrs,
        partitionEpoch: zkVersion,
      },
      controllerEpoch: int(path, o, 'controller_epoch'),
    };
  },
};
