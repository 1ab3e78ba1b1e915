/**
 * StopReplica (key 5), v0–4: stop serving (and, with delete, remove) partitions; used by controlled
 * shutdown, reassignment and topic deletion (ReplicaManager.stopReplicas).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { isBrokerEpochStale } from './broker-epoch.js';

export const stopReplicaHandler = defineHandler({
  apiKey: ApiKeys.STOP_REPLICA,
  minVersion: 0,
  maxVersion: 4,
  async handle(ctx, request) {
    if (isBrokerEpochStale(ctx, request.brokerEpoch)) return { errorCode: Errors.STALE_BROKER_EPOCH.code };
    const result = ctx.broker.replicaManager.stopReplicas(request);
    return {
      errorCode: result.errorCode,
      partitionErrors: result.partitions.map((p) => ({ topicName: p.topic, partitionIndex: p.partition, errorCode: p.errorCode })),
    };
  },
});
