/**
 * LeaderAndIsr (key 4), v0–7: the controller tells this broker which partitions it leads or
 * follows; ReplicaManager.becomeLeaderOrFollower does the work. v5+ answers per topic id.
 */
import { ApiKeys } from '../../protocol/index.js';
import { StaleBrokerEpochError } from '../../protocol/errors.js';
import { defineHandler } from '../handler.js';
import { isBrokerEpochStale } from './broker-epoch.js';

export const leaderAndIsrHandler = defineHandler({
  apiKey: ApiKeys.LEADER_AND_ISR,
  minVersion: 0,
  maxVersion: 7,
  async handle(ctx, request) {
    if (isBrokerEpochStale(ctx, request.brokerEpoch)) return { errorCode: new StaleBrokerEpochError().code };
    const result = ctx.broker.replicaManager.becomeLeaderOrFollower(request);
    if (ctx.apiVersion < 5) {
      return {
        errorCode: result.errorCode,
        partitionErrors: result.partitions.map((p) => ({ topicName: p.topic, partitionIndex: p.partition, errorCode: p.errorCode })),
      };
    }
    const byTopic = new Map<string, { topicId: string; partitionErrors: Array<{ partitionIndex: number; errorCode: number }> }>();
    for (const p of result.partitions) {
      const t = byTopic.get(p.topic) ?? { topicId: p.topicId, partitionErrors: [] };
      t.partitionErrors.push({ partitionIndex: p.partition, errorCode: p.errorCode });
      byTopic.set(p.topic, t);
    }
    return { errorCode: result.errorCode, topics: [...byTopic.values()] };
  },
});
