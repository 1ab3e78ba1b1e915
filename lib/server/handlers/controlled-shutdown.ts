/**
 * ControlledShutdown (key 7), v0–3: a broker asks the controller to move leadership away before it
 * exits; answered with the partitions it still leads (KafkaController.doControlledShutdown).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors, errorCodeOf } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';

export const controlledShutdownHandler = defineHandler({
  apiKey: ApiKeys.CONTROLLED_SHUTDOWN,
  minVersion: 0,
  maxVersion: 3,
  async handle(ctx, request) {
    try {
      const remaining = await ctx.broker.controller.enqueue((ops) => ops.controlledShutdown(request.brokerId, request.brokerEpoch));
      return { errorCode: Errors.NONE.code, remainingPartitions: remaining.map((tp) => ({ topicName: tp.topic, partitionIndex: tp.partition })) };
    } catch (err) {
      return { errorCode: errorCodeOf(err), remainingPartitions: [] };
    }
  },
});
