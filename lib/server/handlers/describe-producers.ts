/**
 * DescribeProducers (key 61), v0 (KIP-664): the active producers of partitions this broker leads,
 * from each partition's producer state (epoch, last sequence, coordinator epoch, ongoing
 * transaction start offset). Each topic needs READ (TOPIC_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors, ApiError, errorCodeOf, NotLeaderOrFollowerError } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { authorize } from './auth-helper.js';

export const describeProducersHandler = defineHandler({
  apiKey: ApiKeys.DESCRIBE_PRODUCERS,
  minVersion: 0,
  maxVersion: 0,
  async handle(ctx, request) {
    const rm = ctx.broker.replicaManager;
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => {
          if (!authorize(ctx, Op.READ, RT.TOPIC, t.name)) {
            return { partitionIndex, errorCode: Errors.TOPIC_AUTHORIZATION_FAILED.code, errorMessage: Errors.TOPIC_AUTHORIZATION_FAILED.message, activeProducers: [] };
          }
          try {
            const p = rm.getPartitionOrException({ topic: t.name, partition: partitionIndex });
            if (!p.isLeader) throw new NotLeaderOrFollowerError();
            const producers = [...p.localLogOrException().producerStateManager.activeProducers.values()];
            return {
              partitionIndex, errorCode: Errors.NONE.code, errorMessage: null,
              activeProducers: producers.map((e) => ({
                producerId: e.producerId, producerEpoch: e.producerEpoch,
                lastSequence: e.batchMetadata[e.batchMetadata.length - 1]?.lastSeq ?? -1,
                lastTimestamp: BigInt(e.lastTimestamp), coordinatorEpoch: e.coordinatorEpoch,
                currentTxnStartOffset: BigInt(e.currentTxnFirstOffset),
              })),
            };
          } catch (err) {
            if (!(err instanceof ApiError)) throw err;
            return { partitionIndex, errorCode: errorCodeOf(err), errorMessage: err.message, activeProducers: [] };
          }
        }),
      })),
    };
  },
});
