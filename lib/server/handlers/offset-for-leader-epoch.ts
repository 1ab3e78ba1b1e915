/**
 * OffsetForLeaderEpoch (key 23), v0–4: the end offset of a leader epoch on the leader's log
 * (KIP-101/279), used by consumers to detect truncation after an unclean leader change (KIP-320)
 * and by followers of older brokers. An epoch the log never saw answers epoch -1 / offset -1.
 * Needs CLUSTER_ACTION on the cluster or DESCRIBE on the topic (TOPIC_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors, ApiError, FencedLeaderEpochError, NotLeaderOrFollowerError, UnknownLeaderEpochError, errorCodeOf } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { authorizeClusterOperation, filterByAuthorized } from './auth-helper.js';

export const offsetForLeaderEpochHandler = defineHandler({
  apiKey: ApiKeys.OFFSET_FOR_LEADER_EPOCH,
  minVersion: 0,
  maxVersion: 4,
  async handle(ctx, request) {
    // CLUSTER_ACTION (followers of older brokers), or else DESCRIBE on each topic (consumers, KIP-320).
    const describable = authorizeClusterOperation(ctx, Op.CLUSTER_ACTION, { logIfDenied: false }) ? null
      : filterByAuthorized(ctx, Op.DESCRIBE, RT.TOPIC, request.topics, (t) => t.topic);
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => {
          if (describable !== null && !describable.has(t.topic)) return { errorCode: Errors.TOPIC_AUTHORIZATION_FAILED.code, partition: p.partition, leaderEpoch: -1, endOffset: -1n };
          try {
            const partition = ctx.broker.replicaManager.getPartitionOrException({ topic: t.topic, partition: p.partition });
            if (!partition.isLeader) throw new NotLeaderOrFollowerError();
            if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch < partition.leaderEpoch) throw new FencedLeaderEpochError();
            if (p.currentLeaderEpoch > partition.leaderEpoch) throw new UnknownLeaderEpochError();
            const end = partition.localLogOrException().endOffsetForEpoch(p.leaderEpoch);
            return { errorCode: Errors.NONE.code, partition: p.partition, leaderEpoch: end.epoch, endOffset: end.endOffset };
          } catch (err) {
            if (!(err instanceof ApiError)) throw err;
            return { errorCode: errorCodeOf(err), partition: p.partition, leaderEpoch: -1, endOffset: -1n };
          }
        }),
      })),
    };
  },
});
