/**
 * AlterPartitionReassignments (key 45), v0 (KIP-455): starts, replaces or (with null replicas)
 * cancels partition reassignments on the controller's event queue; each partition answers once its
 * reassignment has started, not when it completes (KafkaApis.handleAlterPartitionReassignmentsRequest).
 * A broker that is not the controller answers NOT_CONTROLLER at the top level.
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors, errorCodeOf, errorForCode } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { groupBy } from '../../utils/collections.js';

export const alterPartitionReassignmentsHandler = defineHandler({
  apiKey: ApiKeys.ALTER_PARTITION_REASSIGNMENTS,
  minVersion: 0,
  maxVersion: 0,
  async handle(ctx, request) {
    // A partition named twice keeps its last entry (Kafka collects them into a map).
    const byKey = new Map<string, { tp: { topic: string; partition: number }; replicas: number[] | null }>();
    for (const t of request.topics) {
      for (const p of t.partitions) byKey.set(`${t.name}-${p.partitionIndex}`, { tp: { topic: t.name, partition: p.partitionIndex }, replicas: p.replicas });
    }
    const requests = [...byKey.values()];
    try {
      const results = await ctx.broker.controller.enqueue((ops) => ops.alterPartitionReassignments(requests));
      const byTopic = groupBy(requests, (r) => r.tp.topic);
      return {
        throttleTimeMs: 0,
        errorCode: Errors.NONE.code,
        errorMessage: null,
        responses: [...byTopic].map(([name, rs]) => ({
          name,
          partitions: rs.map((r) => {
            const e = results.get(`${r.tp.topic}-${r.tp.partition}`) ?? { errorCode: Errors.UNKNOWN_SERVER_ERROR.code, errorMessage: null };
            return { partitionIndex: r.tp.partition, errorCode: e.errorCode, errorMessage: e.errorMessage };
          }),
        })),
      };
    } catch (err) {
      const code = errorCodeOf(err);
      return { throttleTimeMs: 0, errorCode: code, errorMessage: errorForCode(code).message, responses: [] };
    }
  },
});
