/**
 * AlterReplicaLogDirs (key 34), v0–2: moves replicas of this broker between its log dirs (KIP-113,
 * JBOD). Each partition gets its own error code (ReplicaManager.alterReplicaLogDirs); a partition
 * named under several dirs goes to the last one, as Kafka's map does. Needs ALTER on the cluster
 * (CLUSTER_AUTHORIZATION_FAILED for every partition).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { authorizeClusterOperation } from './auth-helper.js';
import { groupBy } from '../../utils/collections.js';
import { tpKey, type TopicPartition } from '../../common/topic-partition.js';

export const alterReplicaLogDirsHandler = defineHandler({
  apiKey: ApiKeys.ALTER_REPLICA_LOG_DIRS,
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx, request) {
    const wanted = new Map<string, { tp: TopicPartition; logDir: string }>();
    for (const d of request.dirs) for (const t of d.topics) for (const partition of t.partitions) wanted.set(tpKey({ topic: t.name, partition }), { tp: { topic: t.name, partition }, logDir: d.path });
    const entries = [...wanted.values()];
    const results = authorizeClusterOperation(ctx, Op.ALTER)
      ? ctx.broker.replicaManager.alterReplicaLogDirs(entries)
      : entries.map((e) => ({ tp: e.tp, errorCode: Errors.CLUSTER_AUTHORIZATION_FAILED.code }));
    return {
      throttleTimeMs: 0,
      results: [...groupBy(results, (r) => r.tp.topic)].map(([topicName, rs]) => ({
        topicName,
        partitions: rs.map((r) => ({ partitionIndex: r.tp.partition, errorCode: r.errorCode })),
      })),
    };
  },
});
