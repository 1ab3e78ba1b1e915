/**
 * AlterPartition (key 56, formerly AlterIsr), v0–1: a partition leader proposes a new ISR; the
 * controller validates epochs and liveness, writes the state znode and answers with the result
 * (KafkaController.tryProcessAlterPartition); a reassignment waiting for that ISR then completes. v2+ (topic ids, ISR with broker epochs) are not served.
 * Needs CLUSTER_ACTION on the cluster (CLUSTER_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors, errorCodeOf } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { authorizeClusterOperation } from './auth-helper.js';
import { groupBy } from '../../utils/collections.js';

export const alterPartitionHandler = defineHandler({
  apiKey: ApiKeys.ALTER_PARTITION,
  minVersion: 0,
  maxVersion: 1,
  async handle(ctx, request) {
    if (!authorizeClusterOperation(ctx, Op.CLUSTER_ACTION)) return { errorCode: Errors.CLUSTER_AUTHORIZATION_FAILED.code };
    const entries = request.topics.flatMap((t) =>
      t.partitions.map((p) => ({
        tp: { topic: t.topicName, partition: p.partitionIndex },
        leaderEpoch: p.leaderEpoch,
        newIsr: p.newIsr,
        leaderRecoveryState: p.leaderRecoveryState,
        partitionEpoch: p.partitionEpoch,
      })),
    );
    try {
      const result = await ctx.broker.controller.alterPartition(request.brokerId, request.brokerEpoch, entries);
      if (result.errorCode !== Errors.NONE.code) return { errorCode: result.errorCode };
      const byTopic = groupBy(result.partitions, (r) => r.tp.topic);
      return {
        errorCode: Errors.NONE.code,
        topics: [...byTopic].map(([topicName, rs]) => ({
          topicName,
          partitions: rs.map((r) => {
            const l = 'leaderAndIsr' in r ? r.leaderAndIsr : null;
            return {
              partitionIndex: r.tp.partition,
              errorCode: r.errorCode,
              leaderId: l?.leader ?? -1,
              leaderEpoch: l?.leaderEpoch ?? -1,
              isr: l?.isr ?? [],
              leaderRecoveryState: l?.leaderRecoveryState ?? 0,
              partitionEpoch: l?.partitionEpoch ?? -1,
            };
          }),
        })),
      };
    } catch (err) {
      return { errorCode: errorCodeOf(err) };
    }
  },
});
