/**
 * AddPartitionsToTxn (key 24).
 * v0–3 (clients): the producer names the partitions it will write in its transaction. Partitions of
 * unknown topics answer UNKNOWN_TOPIC_OR_PARTITION and then the others OPERATION_NOT_ATTEMPTED (as
 * Kafka); otherwise every partition gets the coordinator's answer. Authorization: WRITE on the
 * transactional id (every partition: TRANSACTIONAL_ID_AUTHORIZATION_FAILED), WRITE on each topic
 * (TOPIC_AUTHORIZATION_FAILED, the others OPERATION_NOT_ATTEMPTED).
 * v4–5 (brokers, KIP-890): a batch of transactions, CLUSTER_ACTION required (else a top-level
 * CLUSTER_AUTHORIZATION_FAILED); `verifyOnly` asks whether the partitions are already in the
 * transaction (TRANSACTION_ABORTABLE when not; INVALID_TXN_STATE for v4, which does not know it),
 * otherwise they are added as for a client.
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import type { AddPartitionsToTxnTopic } from '../../protocol/generated/types.js';
import { defineHandler, type RequestContext } from './handler.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { isInternalTopic } from '../../common/topic.js';
import type { TopicPartition } from '../../common/topic-partition.js';
import { authorize, authorizeClusterOperation, filterByAuthorized } from './auth-helper.js';
import { COORDINATOR_NOT_AVAILABLE, fencedForVersion } from './txn-errors.js';

interface TxnToAdd {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  verifyOnly: boolean;
  topics: readonly AddPartitionsToTxnTopic[];
}

/** Every partition's answer for one transaction of the request. */
async function addOrVerify(ctx: RequestContext, t: TxnToAdd, fromBroker: boolean): Promise<Map<string, number>> {
  const cache = ctx.broker.metadataCache;
  const tps: TopicPartition[] = t.topics.flatMap((x) => x.partitions.map((partition) => ({ topic: x.name, partition })));
  const all = (error: number): Map<string, number> => new Map(tps.map((tp) => [`${tp.topic}-${tp.partition}`, error]));
  // Clients need WRITE on the transactional id and the topics; brokers were checked for CLUSTER_ACTION.
  if (!fromBroker && !authorize(ctx, Op.WRITE, RT.TRANSACTIONAL_ID, t.transactionalId)) return all(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code);
  // Internal topics are never authorized for WRITE here (clients add them through AddOffsetsToTxn).
  const writable = fromBroker ? null : filterByAuthorized(ctx, Op.WRITE, RT.TOPIC, tps.filter((tp) => !isInternalTopic(tp.topic)), (tp) => tp.topic);
  const failed = new Map<string, number>();
  for (const tp of tps) {
    if (writable && !writable.has(tp.topic)) failed.set(`${tp.topic}-${tp.partition}`, Errors.TOPIC_AUTHORIZATION_FAILED.code);
    else if (!cache.getPartitionInfo(tp.topic, tp.partition)) failed.set(`${tp.topic}-${tp.partition}`, Errors.UNKNOWN_TOPIC_OR_PARTITION.code);
  }
  if (failed.size > 0) return new Map(tps.map((tp) => [`${tp.topic}-${tp.partition}`, failed.get(`${tp.topic}-${tp.partition}`) ?? Errors.OPERATION_NOT_ATTEMPTED.code]));
  const txn = ctx.broker.transactionCoordinator;
  if (!txn) return all(COORDINATOR_NOT_AVAILABLE);
  if (t.verifyOnly) {
    const verified = txn.verifyPartitionsInTransaction(t.transactionalId, t.producerId, t.producerEpoch, tps);
    if (ctx.apiVersion < 5) for (const [k, e] of verified) if (e === Errors.TRANSACTION_ABORTABLE.code) verified.set(k, Errors.INVALID_TXN_STATE.code);
    return verified;
  }
  return all(fencedForVersion(await txn.handleAddPartitionsToTransaction(t.transactionalId, t.producerId, t.producerEpoch, tps), ctx.apiVersion, 2));
}

const byTopic = (topics: readonly AddPartitionsToTxnTopic[], errors: Map<string, number>): Array<{ name: string; resultsByPartition: Array<{ partitionIndex: number; partitionErrorCode: number }> }> =>
  topics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: errors.get(`${t.name}-${p}`) ?? Errors.NONE.code })) }));

export const addPartitionsToTxnHandler = defineHandler({
  apiKey: ApiKeys.ADD_PARTITIONS_TO_TXN,
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx, request) {
    if (ctx.apiVersion < 4) {
      const t = { transactionalId: request.v3AndBelowTransactionalId, producerId: request.v3AndBelowProducerId, producerEpoch: request.v3AndBelowProducerEpoch, verifyOnly: false, topics: request.v3AndBelowTopics };
      return { throttleTimeMs: 0, errorCode: Errors.NONE.code, resultsByTransaction: [], resultsByTopicV3AndBelow: byTopic(t.topics, await addOrVerify(ctx, t, false)) };
    }
    if (!authorizeClusterOperation(ctx, Op.CLUSTER_ACTION)) {
      return { throttleTimeMs: 0, errorCode: Errors.CLUSTER_AUTHORIZATION_FAILED.code, resultsByTransaction: [], resultsByTopicV3AndBelow: [] };
    }
    const results = await Promise.all(request.transactions.map(async (t) => ({ transactionalId: t.transactionalId, topicResults: byTopic(t.topics, await addOrVerify(ctx, t, true)) })));
    return { throttleTimeMs: 0, errorCode: Errors.NONE.code, resultsByTransaction: results, resultsByTopicV3AndBelow: [] };
  },
});
