/**
 * TxnOffsetCommit (key 28), v0–4 (v4 only allows TRANSACTION_ABORTABLE): offsets committed inside a transaction (sendOffsetsToTransaction),
 * stored at the group coordinator as the producer's transactional batch and made visible by the
 * COMMIT marker. v3 carries the member's generation for fencing (KIP-447). PRODUCER_FENCED becomes
 * INVALID_PRODUCER_EPOCH below v2. Authorization: WRITE on the transactional id, READ on the group
 * and on each topic (TRANSACTIONAL_ID_ / GROUP_ / TOPIC_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { TopicPartitionMap } from '../../coordinator/group/offset-and-metadata.js';
import { defineHandler } from './handler.js';
import { Errors } from '../../protocol/errors.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { authorize } from './auth-helper.js';
import { fencedForVersion } from './txn-errors.js';
import { commitResponseTopics, offsetsToCommit } from './offset-commit.js';

export const txnOffsetCommitHandler = defineHandler({
  apiKey: ApiKeys.TXN_OFFSET_COMMIT,
  minVersion: 0,
  maxVersion: 4,
  async handle(ctx, request) {
    const v = ctx.apiVersion;
    const now = Date.now();
    // WRITE on the transactional id, then READ on the group; every partition answers a denial.
    const denied = !authorize(ctx, Op.WRITE, RT.TRANSACTIONAL_ID, request.transactionalId) ? Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code
      : !authorize(ctx, Op.READ, RT.GROUP, request.groupId) ? Errors.GROUP_AUTHORIZATION_FAILED.code : null;
    if (denied !== null) return { throttleTimeMs: 0, topics: commitResponseTopics(request.topics, new TopicPartitionMap(), new TopicPartitionMap(), () => denied) };
    const { toCommit, refused } = offsetsToCommit(ctx, request.topics, (p) => (
      { offset: p.committedOffset, leaderEpoch: v >= 2 ? p.committedLeaderEpoch : -1, metadata: p.committedMetadata ?? '', commitTimestamp: now, expireTimestamp: null }
    ));
    const errors = toCommit.size === 0 ? new TopicPartitionMap<number>()
      : await ctx.broker.groupCoordinator.handleTxnCommitOffsets(request.groupId, request.producerId, request.producerEpoch,
        v >= 3 ? request.memberId : '', v >= 3 ? request.groupInstanceId : null, v >= 3 ? request.generationId : -1, toCommit);
    return { throttleTimeMs: 0, topics: commitResponseTopics(request.topics, refused, errors, (code) => fencedForVersion(code, v, 2)) };
  },
});
