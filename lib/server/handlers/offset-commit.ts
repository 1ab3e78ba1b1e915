/**
 * OffsetCommit (key 8), v0–8. Partitions of topics this broker does not know answer
 * Errors.UNKNOWN_TOPIC_OR_PARTITION.code; the rest go to the group coordinator. generationId -1 with an empty
 * member id is a simple commit (groups not using group management). Offsets are stored as given
 * (negative ones too); a null metadata is stored as "". Timestamps as Kafka's KafkaApis sets them:
 * commitTimestamp = the request's (v1 only, when not -1) or now; v2–4 retentionTimeMs (when not -1)
 * sets expireTimestamp = now + retention (the record is then written as OffsetCommitValue v1).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { TopicPartitionMap, type OffsetAndMetadata } from '../../coordinator/group/offset-and-metadata.js';
import { defineHandler } from './handler.js';
import type { MetadataCache } from '../metadata-cache.js';


export const offsetCommitHandler = defineHandler({
  apiKey: ApiKeys.OFFSET_COMMIT,
  minVersion: 0,
  maxVersion: 8,
  async handle(ctx, request) {
    const v = ctx.apiVersion;
    const coordinator = ctx.broker.groupCoordinator;
    const now = coordinator.time.milliseconds();
    const retention = v >= 2 && v <= 4 ? Number(request.retentionTimeMs) : -1;
    const { toCommit, unknown } = offsetsToCommit(ctx.broker.metadataCache, request.topics, (p) => {
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
    return { throttleTimeMs: 0, topics: commitResponseTopics(request.topics, unknown, errors) };
  },
});

/**
 * Splits a commit's partitions (OffsetCommit and TxnOffsetCommit alike): those this broker does not
 * know answer Errors.UNKNOWN_TOPIC_OR_PARTITION.code, the others go to the coordinator as `toOffset` builds them.
 */
export function offsetsToCommit<P extends { partitionIndex: number }>(
  metadataCache: MetadataCache,
  topics: ReadonlyArray<{ name: string; partitions: readonly P[] }>,
  toOffset: (partition: P) => OffsetAndMetadata,
): { toCommit: TopicPartitionMap<OffsetAndMetadata>; unknown: TopicPartitionMap<number> } {
  const toCommit = new TopicPartitionMap<OffsetAndMetadata>();
  const unknown = new TopicPartitionMap<number>();
  for (const t of topics) {
    for (const p of t.partitions) {
      const tp = { topic: t.name, partition: p.partitionIndex };
      if (metadataCache.getPartitionInfo(t.name, p.partitionIndex)) toCommit.set(tp, toOffset(p));
      else unknown.set(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION.code);
    }
  }
  return { toCommit, unknown };
}

/** A commit's answer per partition: its unknown-partition error, else the coordinator's, else NONE (through `mapError`). */
export function commitResponseTopics(
  topics: ReadonlyArray<{ name: string; partitions: ReadonlyArray<{ partitionIndex: number }> }>,
  unknown: TopicPartitionMap<number>,
  errors: TopicPartitionMap<number>,
  mapError: (code: number) => number = (code) => code,
): Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }> {
  return topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      const tp = { topic: t.name, partition: p.partitionIndex };
      return { partitionIndex: p.partitionIndex, errorCode: mapError(unknown.get(tp) ?? errors.get(tp) ?? 0) };
    }),
  }));
}
