/**
 * StopReplica (key 5), v0–4: stop serving (and, with delete, remove) partitions; used by controlled
 * shutdown, reassignment and topic deletion (ReplicaManager.stopReplicas). Needs CLUSTER_ACTION
 * on the cluster (CLUSTER_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { authorizeClusterOperation } from './auth-helper.js';
import { controllerRequestError } from './controller-request.js';

export const stopReplicaHandler = defineHandler({
  apiKey: ApiKeys.STOP_REPLICA,
  minVersion: 0,
  maxVersion: 4,
  async handle(ctx, request) {
    if (!authorizeClusterOperation(ctx, Op.CLUSTER_ACTION)) {
      // StopReplicaRequest.getErrorResponse: the error on the request and on each of its partitions.
      const code = Errors.CLUSTER_AUTHORIZATION_FAILED.code;
      const partitions = ctx.apiVersion >= 3
        ? request.topicStates.flatMap((t) => t.partitionStates.map((p) => ({ topicName: t.topicName, partitionIndex: p.partitionIndex, errorCode: code })))
        : request.ungroupedPartitions.map((p) => ({ topicName: p.topicName, partitionIndex: p.partitionIndex, errorCode: code }))
          .concat(request.topics.flatMap((t) => t.partitionIndexes.map((partitionIndex) => ({ topicName: t.name, partitionIndex, errorCode: code }))));
      return { errorCode: code, partitionErrors: partitions };
    }
    const refused = await controllerRequestError(ctx, request);
    if (refused !== Errors.NONE.code) return { errorCode: refused };
    const result = ctx.broker.replicaManager.stopReplicas(request);
    return {
      errorCode: result.errorCode,
      partitionErrors: result.partitions.map((p) => ({ topicName: p.topic, partitionIndex: p.partition, errorCode: p.errorCode })),
    };
  },
});
