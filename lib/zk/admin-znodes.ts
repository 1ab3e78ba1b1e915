/**
 * The admin request znodes the controller acts on: `/admin/delete_topics/<topic>`,
 * `/admin/reassign_partitions` and `/admin/preferred_replica_election` (kafka/zk/ZkData.scala).
 */
import type { TopicPartition } from '../common/topic-partition.js';
import { InvalidZNodeDataError, encodeJson, parseObject, int, str, intArray, obj, topicPartitionList } from './znode-json.js';

export const DeleteTopicsZNode = { path: '/admin/delete_topics' } as const;

/** `/admin/delete_topics/<topic>`: no data; existence is the deletion request. */
export const DeleteTopicsTopicZNode = {
  path(topic: string): string {
    return `${DeleteTopicsZNode.path}/${topic}`;
  },
};

/** `/admin/reassign_partitions` (legacy): `{"version":1,"partitions":[{"topic","partition","replicas"}]}`. */
export const ReassignPartitionsZNode = {
  path: '/admin/reassign_partitions',
  encode(reassignment: Iterable<{ topic: string; partition: number; replicas: number[] }>): Buffer {
    return encodeJson({ version: 1, partitions: [...reassignment].map((r) => ({ topic: r.topic, partition: r.partition, replicas: r.replicas })) });
  },
  decode(bytes: Buffer | null): Array<{ topic: string; partition: number; replicas: number[] }> {
    const o = parseObject(this.path, bytes);
    const arr = o.partitions;
    if (!Array.isArray(arr)) throw new InvalidZNodeDataError(this.path, 'partitions is not an array');
    return arr.map((e) => {
      const eo = obj(this.path, e, 'partition entry');
      return { topic: str(this.path, eo, 'topic'), partition: int(this.path, eo, 'partition'), replicas: intArray(this.path, eo.replicas, 'replicas') };
    });
  },
};

/** `/admin/preferred_replica_election` (legacy): `{"version":1,"partitions":[{"topic","partition"}]}`. */
export const PreferredReplicaElectionZNode = {
  path: '/admin/preferred_replica_election',
  encode(partitions: Iterable<TopicPartition>): Buffer {
    return encodeJson({ version: 1, partitions: [...partitions].map((p) => ({ topic: p.topic, partition: p.partition })) });
  },
  decode(bytes: Buffer | null): TopicPartition[] {
    return topicPartitionList(this.path, parseObject(this.path, bytes));
  },
};
