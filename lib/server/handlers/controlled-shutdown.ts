/**
 * ControlledShutdown (key 7), v0–3: a broker asks the controller to move leadership away before it
 * exits; answered with the partitions it still leads (KafkaController.doControlledShutdown).
 * Needs CLUSTER_ACTION on the cluster (CLUSTER_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors, errorCodeOf } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { authorizeClusterOperation } from './auth-helper.js';

export const controlledShutdownHandler = defineHandler({
  apiKey: ApiKeys.CONTROLLED_SHUTDOWN,
  minVersion: 0,
  maxVersion: 3,
  async handle(ctx, request) {
    if (!authorizeClusterOperation(ctx, Op.CLUSTER_ACTION)) return { errorCode: Errors.CLUSTER_AUTHORIZATION_FAILED.code, remainingPartitions: [] };
    try {
      const remaining = await ctx.broker.controller.enqueue((ops) => ops.controlledShutdown(request.brokerId, request.brokerEpoch));
      return { errorCode: Errors.NONE.code, remainingPartitions: remaining.map((tp) => ({ topicName: tp.topic, partitionIndex: tp.partition })) };
    } catch (err) {
      return { errorCode: errorCodeOf(err), remainingPartitions: [] };
    }
  },
});
