/**
 * OffsetFetch (key 9), v0–8. v0–7 ask one group, v8 several. A null topic list (v2+) means every
 * partition the group has offsets for. Partitions without a committed offset answer offset -1,
 * metadata "" and no error, whether the topic exists or not. v2+ carry a group-level error (v0–1
 * put it on each requested partition instead); v5+ the leader epoch; v7+ requireStable (a commit
 * still being written answers UNSTABLE_OFFSET_COMMIT).
 */
import { ApiKeys } from '../../protocol/index.js';
import type { TopicPartition } from '../../common/topic-partition.js';
import type { OffsetFetchPartitionData } from '../../coordinator/group/group-metadata-manager.js';
import { Errors } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';

interface TopicsIn {
  name: string;
  partitionIndexes: number[];
}

interface TopicOut {
  name: string;
  partitions: Array<{ partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; metadata: string | null; errorCode: number }>;
}

function partitionsOf(topics: readonly TopicsIn[] | null): TopicPartition[] | null {
  return topics === null ? null : topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
}

/** Groups partition results by topic, topics in first-seen order. */
function byTopic(data: readonly OffsetFetchPartitionData[]): TopicOut[] {
  const topics = new Map<string, TopicOut>();
  for (const d of data) {
    let t = topics.get(d.topicPartition.topic);
    if (!t) {
      t = { name: d.topicPartition.topic, partitions: [] };
      topics.set(t.name, t);
    }
    t.partitions.push({ partitionIndex: d.topicPartition.partition, committedOffset: d.offset, committedLeaderEpoch: d.leaderEpoch, metadata: d.metadata, errorCode: d.error });
  }
  return [...topics.values()];
}

/** v0–1: a group-level error is reported on each requested partition. */
function errorPerPartition(tps: readonly TopicPartition[], error: number): OffsetFetchPartitionData[] {
  return tps.map((tp) => ({ topicPartition: tp, offset: -1n, leaderEpoch: -1, metadata: '', error }));
}

export const offsetFetchHandler = defineHandler({
  apiKey: ApiKeys.OFFSET_FETCH,
  minVersion: 0,
  maxVersion: 8,
  async handle(ctx, request) {
    const v = ctx.apiVersion;
    const coordinator = ctx.broker.groupCoordinator;
    const requireStable = v >= 7 && request.requireStable;
    if (v >= 8) {
      return {
        throttleTimeMs: 0,
        groups: request.groups.map((g) => {
          const { error, partitions } = coordinator.handleFetchOffsets(g.groupId, requireStable, partitionsOf(g.topics));
          return { groupId: g.groupId, errorCode: error, topics: error === Errors.NONE.code ? byTopic(partitions) : [] };
        }),
      };
    }
    const tps = partitionsOf(v >= 2 ? request.topics : request.topics ?? []);
    const { error, partitions } = coordinator.handleFetchOffsets(request.groupId, requireStable, tps);
    if (error !== Errors.NONE.code) {
      if (v < 2) return { topics: byTopic(errorPerPartition(tps ?? [], error)) };
      return { throttleTimeMs: 0, errorCode: error, topics: [] };
    }
    return { throttleTimeMs: 0, errorCode: Errors.NONE.code, topics: byTopic(partitions) };
  },
});
