/**
 * AddPartitionsToTxn (key 24), v0–3: the producer names the partitions it will write in its
 * transaction. Partitions of unknown topics answer Errors.UNKNOWN_TOPIC_OR_PARTITION.code and then the others
 * Errors.OPERATION_NOT_ATTEMPTED.code (as Kafka); otherwise every partition gets the coordinator's answer.
 * Authorization: WRITE on the transactional id (every partition: TRANSACTIONAL_ID_AUTHORIZATION_FAILED),
 * WRITE on each topic (TOPIC_AUTHORIZATION_FAILED, the others OPERATION_NOT_ATTEMPTED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { isInternalTopic } from '../../common/topic.js';
import { authorize, filterByAuthorized } from './auth-helper.js';
import { COORDINATOR_NOT_AVAILABLE, fencedForVersion } from './txn-errors.js';


export const addPartitionsToTxnHandler = defineHandler({
  apiKey: ApiKeys.ADD_PARTITIONS_TO_TXN,
  minVersion: 0,
  maxVersion: 3,
  async handle(ctx, request) {
    const cache = ctx.broker.metadataCache;
    const tps = request.v3AndBelowTopics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
    const txnAllowed = authorize(ctx, Op.WRITE, RT.TRANSACTIONAL_ID, request.v3AndBelowTransactionalId);
    // Internal topics are never authorized for WRITE here (clients add them through AddOffsetsToTxn).
    const writable = filterByAuthorized(ctx, Op.WRITE, RT.TOPIC, tps.filter((tp) => !isInternalTopic(tp.topic)), (tp) => tp.topic);
    const failed = new Map<string, number>();
    for (const tp of tps) {
      if (!writable.has(tp.topic)) failed.set(`${tp.topic}-${tp.partition}`, Errors.TOPIC_AUTHORIZATION_FAILED.code);
      else if (!cache.getPartitionInfo(tp.topic, tp.partition)) failed.set(`${tp.topic}-${tp.partition}`, Errors.UNKNOWN_TOPIC_OR_PARTITION.code);
    }
    let error: number;
    const txn = ctx.broker.transactionCoordinator;
    if (!txnAllowed) error = Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code;
    else if (failed.size > 0) error = Errors.OPERATION_NOT_ATTEMPTED.code;
    else if (!txn) error = COORDINATOR_NOT_AVAILABLE;
    else error = fencedForVersion(await txn.handleAddPartitionsToTransaction(request.v3AndBelowTransactionalId, request.v3AndBelowProducerId, request.v3AndBelowProducerEpoch, tps), ctx.apiVersion, 2);
    return {
      throttleTimeMs: 0,
      errorCode: Errors.NONE.code,
      resultsByTransaction: [],
      resultsByTopicV3AndBelow: request.v3AndBelowTopics.map((t) => ({
        name: t.name,
        resultsByPartition: t.partitions.map((p) => ({
          partitionIndex: p,
          partitionErrorCode: txnAllowed ? failed.get(`${t.name}-${p}`) ?? error : error,
        })),
      })),
    };
  },
});
