/**
 * LeaderAndIsr (key 4), v0–7: the controller tells this broker which partitions it leads or
 * follows; ReplicaManager.becomeLeaderOrFollower does the work. v5+ answers per topic id.
 * Needs CLUSTER_ACTION on the cluster (every partition answers CLUSTER_AUTHORIZATION_FAILED).
 */
import { ApiKeys, type Input } from '../../protocol/index.js';
import type { LeaderAndIsrRequest, LeaderAndIsrResponse } from '../../protocol/generated/types.js';
import { Errors } from '../../protocol/errors.js';
import { ConfigType } from '../../zk/config-znodes.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { authorizeClusterOperation } from './auth-helper.js';
import { controllerRequestError } from './controller-request.js';

export const leaderAndIsrHandler = defineHandler({
  apiKey: ApiKeys.LEADER_AND_ISR,
  minVersion: 0,
  maxVersion: 7,
  async handle(ctx, request) {
    if (!authorizeClusterOperation(ctx, Op.CLUSTER_ACTION)) return errorResponse(request, ctx.apiVersion, Errors.CLUSTER_AUTHORIZATION_FAILED.code);
    const refused = await controllerRequestError(ctx, request);
    if (refused !== Errors.NONE.code) return { errorCode: refused };
    // Kafka reads a topic's overrides from ZooKeeper when it creates a log (fetchLogConfig): read
    // them for topics that get a new log here, so that the log and the produce validator see e.g.
    // max.message.bytes (also when a deleted topic is created again with other configs).
    const states = [
      ...request.ungroupedPartitionStates,
      ...request.topicStates.flatMap((t) => t.partitionStates.map((s) => ({ ...s, topicName: t.topicName }))),
    ];
    const newLogTopics = new Set(states.filter((s) => !ctx.broker.logManager.getLog({ topic: s.topicName, partition: s.partitionIndex })).map((s) => s.topicName));
    await Promise.all([...newLogTopics].map(async (t) => ctx.broker.topicConfigs.set(t, await ctx.broker.zkClient.getEntityConfigs(ConfigType.Topic, t))));
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

/** LeaderAndIsrRequest.getErrorResponse: the error on the request and on each of its partitions. */
function errorResponse(request: LeaderAndIsrRequest, version: number, errorCode: number): Input<LeaderAndIsrResponse> {
  if (version < 5) {
    const states = [...request.ungroupedPartitionStates, ...request.topicStates.flatMap((t) => t.partitionStates.map((p) => ({ ...p, topicName: t.topicName })))];
    return { errorCode, partitionErrors: states.map((p) => ({ topicName: p.topicName, partitionIndex: p.partitionIndex, errorCode })) };
  }
  return { errorCode, topics: request.topicStates.map((t) => ({ topicId: t.topicId, partitionErrors: t.partitionStates.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })) };
}
