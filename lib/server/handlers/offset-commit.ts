/**
 * OffsetCommit (key 8), v0–9 (v9, KIP-848, is v8 for classic groups). Partitions of topics this broker does not know answer
 * Errors.UNKNOWN_TOPIC_OR_PARTITION.code; the rest go to the group coordinator. generationId -1 with an empty
 * member id is a simple commit (groups not using group management). Offsets are stored as given
 * (negative ones too); a null metadata is stored as "". Timestamps as Kafka's KafkaApis sets them:
 * commitTimestamp = the request's (v1 only, when not -1) or now; v2–4 retentionTimeMs (when not -1)
 * sets expireTimestamp = now + retention (the record is then written as OffsetCommitValue v1).
 * Authorization: READ on the group (every partition answers GROUP_AUTHORIZATION_FAILED), READ on
 * each topic (TOPIC_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { TopicPartitionMap, type OffsetAndMetadata } from '../../coordinator/group/offset-and-metadata.js';
import { defineHandler, type RequestContext } from './handler.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { authorize, filterByAuthorized } from './auth-helper.js';


export const offsetCommitHandler = defineHandler({
  apiKey: ApiKeys.OFFSET_COMMIT,
  minVersion: 0,
  maxVersion: 9,
  async handle(ctx, request) {
    const v = ctx.apiVersion;
    const coordinator = ctx.broker.groupCoordinator;
    const now = coordinator.time.milliseconds();
    const retention = v >= 2 && v <= 4 ? Number(request.retentionTimeMs) : -1;
    if (!authorize(ctx, Op.READ, RT.GROUP, request.groupId)) {
      return { throttleTimeMs: 0, topics: commitResponseTopics(request.topics, new TopicPartitionMap(), new TopicPartitionMap(), () => Errors.GROUP_AUTHORIZATION_FAILED.code) };
    }
    const { toCommit, refused } = offsetsToCommit(ctx, request.topics, (p) => {
      const ts = v === 1 ? Number(p.commitTimestamp) : -1;
      return {
        offset: p.committedOffset,
        leaderEpoch: v >= 6 ? p.committedLeaderEpoch : -1,
        metadata: p.committedMetadata ?? '',
        commitTimestamp: ts === -1 ? now : ts,
        expireTimestamp: retention === -1 ? null : now + retention,
      };
    });
    const errors = toCommit.size === 0
      ? new TopicPartitionMap<number>()
      : await coordinator.handleCommitOffsets(request.groupId, v >= 1 ? request.memberId : '', v >= 7 ? request.groupInstanceId : null,
        v >= 1 ? request.generationIdOrMemberEpoch : -1, toCommit);
    return { throttleTimeMs: 0, topics: commitResponseTopics(request.topics, refused, errors) };
  },
});

/**
 * Splits a commit's partitions (OffsetCommit and TxnOffsetCommit alike): topics the principal may
 * not READ answer TOPIC_AUTHORIZATION_FAILED, partitions this broker does not know
 * UNKNOWN_TOPIC_OR_PARTITION; the others go to the coordinator as `toOffset` builds them.
 */
export function offsetsToCommit<P extends { partitionIndex: number }>(
  ctx: RequestContext,
  topics: ReadonlyArray<{ name: string; partitions: readonly P[] }>,
  toOffset: (partition: P) => OffsetAndMetadata,
): { toCommit: TopicPartitionMap<OffsetAndMetadata>; refused: TopicPartitionMap<number> } {
  const metadataCache = ctx.broker.metadataCache;
  const readable = filterByAuthorized(ctx, Op.READ, RT.TOPIC, topics, (t) => t.name);
  const toCommit = new TopicPartitionMap<OffsetAndMetadata>();
  const refused = new TopicPartitionMap<number>();
  for (const t of topics) {
    for (const p of t.partitions) {
      const tp = { topic: t.name, partition: p.partitionIndex };
      if (!readable.has(t.name)) refused.set(tp, Errors.TOPIC_AUTHORIZATION_FAILED.code);
      else if (metadataCache.getPartitionInfo(t.name, p.partitionIndex)) toCommit.set(tp, toOffset(p));
      else refused.set(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION.code);
    }
  }
  return { toCommit, refused };
}

/** A commit's answer per partition: its refusal, else the coordinator's error, else NONE (through `mapError`). */
export function commitResponseTopics(
  topics: ReadonlyArray<{ name: string; partitions: ReadonlyArray<{ partitionIndex: number }> }>,
  refused: TopicPartitionMap<number>,
  errors: TopicPartitionMap<number>,
  mapError: (code: number) => number = (code) => code,
): Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }> {
  return topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      const tp = { topic: t.name, partition: p.partitionIndex };
      return { partitionIndex: p.partitionIndex, errorCode: mapError(refused.get(tp) ?? errors.get(tp) ?? 0) };
    }),
  }));
}
