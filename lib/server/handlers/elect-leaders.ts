/**
 * ElectLeaders (key 43), v0–2: preferred-replica election (type 0) on demand, or unclean election
 * (type 1, v1+) for partitions without a leader, run by the controller on its event queue. A
 * request with no partitions means every partition. Any broker other than the controller answers
 * NOT_CONTROLLER, as a ZooKeeper-mode Kafka broker does. Needs ALTER on the cluster
 * (CLUSTER_AUTHORIZATION_FAILED, on the request and on each partition).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors, errorCodeOf } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { authorizeClusterOperation } from './auth-helper.js';
import { groupBy } from '../../utils/collections.js';

export const electLeadersHandler = defineHandler({
  apiKey: ApiKeys.ELECT_LEADERS,
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx, request) {
    if (!authorizeClusterOperation(ctx, Op.ALTER)) {
      const errorCode = Errors.CLUSTER_AUTHORIZATION_FAILED.code;
      return {
        throttleTimeMs: 0,
        errorCode,
        replicaElectionResults: (request.topicPartitions ?? []).map((t) => ({ topic: t.topic, partitionResult: t.partitions.map((partitionId) => ({ partitionId, errorCode, errorMessage: null })) })),
      };
    }
    const cache = ctx.broker.metadataCache;
    const partitions = request.topicPartitions === null
      ? cache.getAllTopics().flatMap((topic) => cache.getPartitions(topic).map((p) => ({ topic, partition: p.partition })))
      : request.topicPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
    const unclean = ctx.apiVersion >= 1 && request.electionType === 1;
    try {
      const results = await ctx.broker.controller.enqueue((ops) => (unclean ? ops.electUncleanLeaders(partitions) : ops.electPreferredLeaders(partitions)));
      const byTopic = groupBy(partitions, (tp) => tp.topic);
      return {
        throttleTimeMs: 0,
        errorCode: Errors.NONE.code,
        replicaElectionResults: [...byTopic].map(([topic, tps]) => ({
          topic,
          partitionResult: tps.map((tp) => {
            const r = results.get(`${tp.topic}-${tp.partition}`) ?? { errorCode: Errors.NONE.code, message: null };
            return { partitionId: tp.partition, errorCode: r.errorCode, errorMessage: r.message };
          }),
        })),
      };
    } catch (err) {
      return { throttleTimeMs: 0, errorCode: errorCodeOf(err), replicaElectionResults: [] };
    }
  },
});
