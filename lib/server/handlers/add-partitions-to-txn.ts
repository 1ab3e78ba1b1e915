/**
 * AddPartitionsToTxn (key 24), v0–3: the producer names the partitions it will write in its
 * transaction. Partitions of unknown topics answer Errors.UNKNOWN_TOPIC_OR_PARTITION.code and then the others
 * Errors.OPERATION_NOT_ATTEMPTED.code (as Kafka); otherwise every partition gets the coordinator's answer.
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { COORDINATOR_NOT_AVAILABLE, fencedForVersion } from './txn-errors.js';


export const addPartitionsToTxnHandler = defineHandler({
  apiKey: ApiKeys.ADD_PARTITIONS_TO_TXN,
  minVersion: 0,
  maxVersion: 3,
  async handle(ctx, request) {
    const cache = ctx.broker.metadataCache;
    const tps = request.v3AndBelowTopics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
    const unknown = new Set(tps.filter((tp) => !cache.getPartitionInfo(tp.topic, tp.partition)).map((tp) => `${tp.topic}-${tp.partition}`));
    let error: number;
    const txn = ctx.broker.transactionCoordinator;
    if (unknown.size > 0) error = Errors.OPERATION_NOT_ATTEMPTED.code;
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
          partitionErrorCode: unknown.has(`${t.name}-${p}`) ? Errors.UNKNOWN_TOPIC_OR_PARTITION.code : error,
        })),
      })),
    };
  },
});
