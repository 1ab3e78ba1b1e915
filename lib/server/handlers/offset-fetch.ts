/**
 * OffsetFetch (key 9), v0–9 (v9 adds KIP-848 member fields, unused by classic groups). v0–7 ask one group, v8 several. A null topic list (v2+) means every
 * partition the group has offsets for. Partitions without a committed offset answer offset -1,
 * metadata "" and no error, whether the topic exists or not. v2+ carry a group-level error (v0–1
 * put it on each requested partition instead); v5+ the leader epoch; v7+ requireStable (a commit
 * still being written answers UNSTABLE_OFFSET_COMMIT). Authorization: DESCRIBE on the group
 * (GROUP_AUTHORIZATION_FAILED) and on each topic (see fetchGroupOffsets).
 */
import { ApiKeys } from '../../protocol/index.js';
import type { TopicPartition } from '../../common/topic-partition.js';
import type { OffsetFetchPartitionData } from '../../coordinator/group/group-metadata-manager.js';
import { Errors } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from './handler.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { authorize, filterByAuthorized, partitionByAuthorized } from './auth-helper.js';

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

/**
 * One group's offsets as the principal may see them: GROUP_AUTHORIZATION_FAILED without DESCRIBE on
 * the group; requested topics without DESCRIBE answer TOPIC_AUTHORIZATION_FAILED, and "all
 * partitions" leaves them out.
 */
function fetchGroupOffsets(ctx: RequestContext, groupId: string, requireStable: boolean, topics: readonly TopicsIn[] | null):
  { error: number; partitions: OffsetFetchPartitionData[] } {
  if (!authorize(ctx, Op.DESCRIBE, RT.GROUP, groupId)) return { error: Errors.GROUP_AUTHORIZATION_FAILED.code, partitions: [] };
  const coordinator = ctx.broker.groupCoordinator;
  if (topics === null) {
    const r = coordinator.handleFetchOffsets(groupId, requireStable, null);
    const describable = filterByAuthorized(ctx, Op.DESCRIBE, RT.TOPIC, r.partitions, (d) => d.topicPartition.topic);
    return { error: r.error, partitions: r.partitions.filter((d) => describable.has(d.topicPartition.topic)) };
  }
  const [allowed, denied] = partitionByAuthorized(ctx, Op.DESCRIBE, RT.TOPIC, topics, (t) => t.name);
  const r = coordinator.handleFetchOffsets(groupId, requireStable, partitionsOf(allowed));
  if (r.error !== Errors.NONE.code) return r;
  const unauthorized = (partitionsOf(denied) ?? []).map((tp) => ({ topicPartition: tp, offset: -1n, leaderEpoch: -1, metadata: '', error: Errors.TOPIC_AUTHORIZATION_FAILED.code }));
  return { error: r.error, partitions: [...r.partitions, ...unauthorized] };
}

export const offsetFetchHandler = defineHandler({
  apiKey: ApiKeys.OFFSET_FETCH,
  minVersion: 0,
  maxVersion: 9,
  async handle(ctx, request) {
    const v = ctx.apiVersion;
    const requireStable = v >= 7 && request.requireStable;
    if (v >= 8) {
      return {
        throttleTimeMs: 0,
        groups: request.groups.map((g) => {
          const { error, partitions } = fetchGroupOffsets(ctx, g.groupId, requireStable, g.topics);
          return { groupId: g.groupId, errorCode: error, topics: error === Errors.NONE.code ? byTopic(partitions) : [] };
        }),
      };
    }
    const topics = v >= 2 ? request.topics : request.topics ?? [];
    const { error, partitions } = fetchGroupOffsets(ctx, request.groupId, requireStable, topics);
    if (error !== Errors.NONE.code) {
      if (v < 2) return { topics: byTopic(errorPerPartition(partitionsOf(topics) ?? [], error)) };
      return { throttleTimeMs: 0, errorCode: error, topics: [] };
    }
    return { throttleTimeMs: 0, errorCode: Errors.NONE.code, topics: byTopic(partitions) };
  },
});
