/**
 * TxnOffsetCommit (key 28), v0–3: offsets committed inside a transaction (sendOffsetsToTransaction),
 * stored at the group coordinator as the producer's transactional batch and made visible by the
 * COMMIT marker. v3 carries the member's generation for fencing (KIP-447). PRODUCER_FENCED becomes
 * INVALID_PRODUCER_EPOCH below v2.
 */
import { ApiKeys } from '../../protocol/index.js';
import { TopicPartitionMap } from '../../coordinator/group/offset-and-metadata.js';
import { defineHandler } from './handler.js';
import { fencedForVersion } from './txn-errors.js';
import { commitResponseTopics, offsetsToCommit } from './offset-commit.js';

export const txnOffsetCommitHandler = defineHandler({
  apiKey: ApiKeys.TXN_OFFSET_COMMIT,
  minVersion: 0,
  maxVersion: 3,
  async handle(ctx, request) {
    const v = ctx.apiVersion;
    const now = Date.now();
    const { toCommit, unknown } = offsetsToCommit(ctx.broker.metadataCache, request.topics, (p) => (
      { offset: p.committedOffset, leaderEpoch: v >= 2 ? p.committedLeaderEpoch : -1, metadata: p.committedMetadata ?? '', commitTimestamp: now, expireTimestamp: null }
    ));
    const errors = toCommit.size === 0 ? new TopicPartitionMap<number>()
      : await ctx.broker.groupCoordinator.handleTxnCommitOffsets(request.groupId, request.producerId, request.producerEpoch,
        v >= 3 ? request.memberId : '', v >= 3 ? request.groupInstanceId : null, v >= 3 ? request.generationId : -1, toCommit);
    return { throttleTimeMs: 0, topics: commitResponseTopics(request.topics, unknown, errors, (code) => fencedForVersion(code, v, 2)) };
  },
});
