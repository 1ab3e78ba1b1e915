/**
 * DeleteRecords (key 21), v0–2: advances each partition's log start offset on its leader (offset -1
 * means the high watermark) and answers once every live replica has moved its log start as far —
 * the low watermark — or at the timeout (Kafka's DelayedDeleteRecords).
 */
import { ApiKeys } from '../../protocol/index.js';
import { defineHandler } from '../handler.js';

export const deleteRecordsHandler = defineHandler({
  apiKey: ApiKeys.DELETE_RECORDS,
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx, request) {
    const entries = request.topics.flatMap((t) => t.partitions.map((p) => ({ tp: { topic: t.name, partition: p.partitionIndex }, offset: p.offset })));
    const results = await ctx.broker.replicaManager.deleteRecords(request.timeoutMs, entries);
    const byTopic = new Map<string, Array<{ partitionIndex: number; lowWatermark: bigint; errorCode: number }>>();
    for (const r of results) {
      const list = byTopic.get(r.tp.topic) ?? [];
      list.push({ partitionIndex: r.tp.partition, lowWatermark: r.lowWatermark, errorCode: r.errorCode });
      byTopic.set(r.tp.topic, list);
    }
    return { throttleTimeMs: 0, topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })) };
  },
});
