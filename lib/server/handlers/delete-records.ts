/**
 * DeleteRecords (key 21), v0–2: advances each partition's log start offset on its leader (offset -1
 * means the high watermark) and answers once every live replica has moved its log start as far —
 * the low watermark — or at the timeout (Kafka's DelayedDeleteRecords). Each topic needs DELETE
 * (TOPIC_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { defineHandler } from './handler.js';
import { Errors } from '../../protocol/errors.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { filterByAuthorized } from './auth-helper.js';
import { groupBy } from '../../utils/collections.js';

export const deleteRecordsHandler = defineHandler({
  apiKey: ApiKeys.DELETE_RECORDS,
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx, request) {
    const deletable = filterByAuthorized(ctx, Op.DELETE, RT.TOPIC, request.topics, (t) => t.name);
    const entries = request.topics.filter((t) => deletable.has(t.name))
      .flatMap((t) => t.partitions.map((p) => ({ tp: { topic: t.name, partition: p.partitionIndex }, offset: p.offset })));
    const denied = request.topics.filter((t) => !deletable.has(t.name))
      .flatMap((t) => t.partitions.map((p) => ({ tp: { topic: t.name, partition: p.partitionIndex }, lowWatermark: -1n, errorCode: Errors.TOPIC_AUTHORIZATION_FAILED.code })));
    const results = [...(entries.length === 0 ? [] : await ctx.broker.replicaManager.deleteRecords(request.timeoutMs, entries)), ...denied];
    const byTopic = groupBy(results, (r) => r.tp.topic);
    return {
      throttleTimeMs: 0,
      topics: [...byTopic].map(([name, rs]) => ({ name, partitions: rs.map((r) => ({ partitionIndex: r.tp.partition, lowWatermark: r.lowWatermark, errorCode: r.errorCode })) })),
    };
  },
});
