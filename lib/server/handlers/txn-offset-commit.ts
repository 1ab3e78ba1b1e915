/**
 * TxnOffsetCommit (key 28), v0–3: offsets committed inside a transaction (sendOffsetsToTransaction),
 * stored at the group coordinator as the producer's transactional batch and made visible by the
 * COMMIT marker. v3 carries the member's generation for fencing (KIP-447). PRODUCER_FENCED becomes
 * INVALID_PRODUCER_EPOCH below v2.
 */
import { ApiKeys } from '../../protocol/index.js';
import { errorForName } from '../../protocol/errors.js';
import { TopicPartitionMap, type OffsetAndMetadata } from '../../coordinator/group/offset-and-metadata.js';
import { defineHandler } from '../handler.js';
import { fencedForVersion } from './txn-errors.js';

const UNKNOWN_TOPIC_OR_PARTITION = errorForName('UNKNOWN_TOPIC_OR_PARTITION').code;

export const txnOffsetCommitHandler = defineHandler({
  apiKey: ApiKeys.TXN_OFFSET_COMMIT,
  minVersion: 0,
  maxVersion: 3,
  async handle(ctx, request) {
    const v = ctx.apiVersion;
    const now = Date.now();
    const toCommit = new TopicPartitionMap<OffsetAndMetadata>();
    const unknown = new TopicPartitionMap<number>();
    for (const t of request.topics) {
      for (const p of t.partitions) {
        const tp = { topic: t.name, partition: p.partitionIndex };
        if (!ctx.broker.metadataCache.getPartitionInfo(t.name, p.partitionIndex)) {
          unknown.set(tp, UNKNOWN_TOPIC_OR_PARTITION);
          continue;
        }
        toCommit.set(tp, { offset: p.committedOffset, leaderEpoch: v >= 2 ? p.committedLeaderEpoch : -1, metadata: p.committedMetadata ?? '', commitTimestamp: now, expireTimestamp: null });
      }
    }
    const errors = toCommit.size === 0 ? new TopicPartitionMap<number>()
      : await ctx.broker.groupCoordinator.handleTxnCommitOffsets(request.groupId, request.producerId, request.producerEpoch,
        v >= 3 ? request.memberId : '', v >= 3 ? request.groupInstanceId : null, v >= 3 ? request.generationId : -1, toCommit);
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const tp = { topic: t.name, partition: p.partitionIndex };
          return { partitionIndex: p.partitionIndex, errorCode: fencedForVersion(unknown.get(tp) ?? errors.get(tp) ?? 0, v, 2) };
        }),
      })),
    };
  },
});
