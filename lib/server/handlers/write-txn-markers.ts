/**
 * WriteTxnMarkers (key 27), v0–1: from a transaction coordinator to this partition leader. Each
 * marker is one control batch (COMMIT/ABORT, the coordinator epoch) appended with acks=all as a
 * coordinator append (epoch and coordinator-epoch checks, no sequence checks); it ends the
 * producer's transaction in the partition's producer state and, for aborts, indexes it in the
 * segment's .txnindex. Markers on __consumer_offsets complete the group's transactional offsets.
 * Needs ALTER or CLUSTER_ACTION on the cluster (every partition: CLUSTER_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { buildEndTransactionMarkerBatch, ControlRecordType } from '../../record/control-record.js';
import { GROUP_METADATA_TOPIC_NAME } from '../../common/topic.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { authorizeClusterOperation } from './auth-helper.js';

export const writeTxnMarkersHandler = defineHandler({
  apiKey: ApiKeys.WRITE_TXN_MARKERS,
  minVersion: 0,
  maxVersion: 1,
  async handle(ctx, request) {
    // ALTER on the cluster, or else CLUSTER_ACTION (denials of ALTER are not audited).
    if (!authorizeClusterOperation(ctx, Op.ALTER, { logIfDenied: false }) && !authorizeClusterOperation(ctx, Op.CLUSTER_ACTION)) {
      const errorCode = Errors.CLUSTER_AUTHORIZATION_FAILED.code;
      return { markers: request.markers.map((m) => ({ producerId: m.producerId, topics: m.topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, errorCode })) })) })) };
    }
    const rm = ctx.broker.replicaManager;
    const timeout = ctx.broker.config.requestTimeoutMs;
    const markers = await Promise.all(request.markers.map(async (m) => {
      const entries = m.topics.flatMap((t) => t.partitionIndexes.map((partition) => ({
        tp: { topic: t.name, partition },
        records: buildEndTransactionMarkerBatch(
          { type: m.transactionResult ? ControlRecordType.COMMIT : ControlRecordType.ABORT, coordinatorEpoch: m.coordinatorEpoch },
          { producerId: m.producerId, producerEpoch: m.producerEpoch },
        ),
      })));
      const results = entries.length === 0 ? [] : await rm.appendRecords({ timeoutMs: timeout, requiredAcks: -1, origin: 'coordinator', entries });
      const offsetsPartitions = results.filter((r) => r.errorCode === Errors.NONE.code && r.tp.topic === GROUP_METADATA_TOPIC_NAME).map((r) => r.tp.partition);
      if (offsetsPartitions.length > 0) ctx.broker.groupCoordinator.scheduleHandleTxnCompletion(m.producerId, offsetsPartitions, m.transactionResult);
      const byTopic = new Map<string, Array<{ partitionIndex: number; errorCode: number }>>();
      for (const r of results) byTopic.set(r.tp.topic, [...(byTopic.get(r.tp.topic) ?? []), { partitionIndex: r.tp.partition, errorCode: r.errorCode }]);
      return { producerId: m.producerId, topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })) };
    }));
    return { markers };
  },
});
