/**
 * OffsetDelete (key 47), v0: deletes a group's committed offsets for some partitions (KIP-496).
 * Partitions of unknown topics answer Errors.UNKNOWN_TOPIC_OR_PARTITION.code; a consumer group with members
 * keeps offsets of topics it subscribes to (GROUP_SUBSCRIBED_TO_TOPIC); a group-level error
 * (GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP, NOT_COORDINATOR …) is answered alone, without topics.
 * Authorization: DELETE on the group (GROUP_AUTHORIZATION_FAILED), READ on each topic
 * (TOPIC_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import type { TopicPartition } from '../../common/topic-partition.js';
import { TopicPartitionMap } from '../../coordinator/group/offset-and-metadata.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { authorize, filterByAuthorized } from './auth-helper.js';


export const offsetDeleteHandler = defineHandler({
  apiKey: ApiKeys.OFFSET_DELETE,
  minVersion: 0,
  maxVersion: 0,
  async handle(ctx, request) {
    if (!authorize(ctx, Op.DELETE, RT.GROUP, request.groupId)) return { errorCode: Errors.GROUP_AUTHORIZATION_FAILED.code, throttleTimeMs: 0, topics: [] };
    const readable = filterByAuthorized(ctx, Op.READ, RT.TOPIC, request.topics, (t) => t.name);
    const known: TopicPartition[] = [];
    const unknown = new TopicPartitionMap<number>();
    for (const t of request.topics) {
      for (const p of t.partitions) {
        const tp = { topic: t.name, partition: p.partitionIndex };
        if (!readable.has(t.name)) unknown.set(tp, Errors.TOPIC_AUTHORIZATION_FAILED.code);
        else if (ctx.broker.metadataCache.getPartitionInfo(t.name, p.partitionIndex)) known.push(tp);
        else unknown.set(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION.code);
      }
    }
    const { error, partitionErrors } = ctx.broker.groupCoordinator.handleDeleteOffsets(request.groupId, known);
    if (error !== Errors.NONE.code) return { errorCode: error, throttleTimeMs: 0, topics: [] };
    return {
      errorCode: Errors.NONE.code,
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const tp = { topic: t.name, partition: p.partitionIndex };
          return { partitionIndex: p.partitionIndex, errorCode: unknown.get(tp) ?? partitionErrors.get(tp) ?? Errors.NONE.code };
        }),
      })),
    };
  },
});
