/**
 * ListPartitionReassignments (key 46), v0 (KIP-455): the controller's ongoing reassignments — of
 * the named partitions, or all when topics is null — with replicas, adding and removing replicas
 * (KafkaApis.handleListPartitionReassignmentsRequest). Not the controller: NOT_CONTROLLER.
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors, errorCodeOf, errorForCode } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { groupBy } from '../../utils/collections.js';

export const listPartitionReassignmentsHandler = defineHandler({
  apiKey: ApiKeys.LIST_PARTITION_REASSIGNMENTS,
  minVersion: 0,
  maxVersion: 0,
  async handle(ctx, request) {
    const partitions = request.topics === null
      ? null
      : [...new Map(request.topics.flatMap((t) => t.partitionIndexes.map((partition) => [`${t.name}-${partition}`, { topic: t.name, partition }] as const))).values()];
    try {
      const ongoing = await ctx.broker.controller.enqueue(async (ops) => ops.listPartitionReassignments(partitions));
      const byTopic = groupBy(ongoing, (r) => r.tp.topic);
      return {
        throttleTimeMs: 0,
        errorCode: Errors.NONE.code,
        errorMessage: null,
        topics: [...byTopic].map(([name, rs]) => ({
          name,
          partitions: rs.map((r) => ({
            partitionIndex: r.tp.partition,
            replicas: r.assignment.replicas,
            addingReplicas: r.assignment.addingReplicas,
            removingReplicas: r.assignment.removingReplicas,
          })),
        })),
      };
    } catch (err) {
      const code = errorCodeOf(err);
      return { throttleTimeMs: 0, errorCode: code, errorMessage: errorForCode(code).message, topics: [] };
    }
  },
});
