/**
 * Fetch (key 1), v0–13: consumers read up to the high watermark (or last stable offset under
 * read_committed), followers (replica id >= 0) up to the log end; min bytes / max wait through the
 * DelayedFetch purgatory; fetch.max.bytes and per-partition limits, with the first batch returned
 * whole even when larger (KIP-74). Segment bytes go out as they are, except for v0–3 clients, which
 * get them down-converted to magic 0/1.
 *
 * Fetch sessions (KIP-227, v7+): kafkats answers every request as a full fetch and never creates a
 * session (session id 0 in the response), which clients accept by continuing with full fetches; an
 * incremental request naming a session answers FETCH_SESSION_ID_NOT_FOUND so the client resets.
 * v13 names topics by id: unknown ids answer UNKNOWN_TOPIC_ID.
 */
import { ApiKeys } from '../../protocol/index.js';
import { ZERO_UUID } from '../../protocol/reader.js';
import { Errors, errorCodeOf } from '../../protocol/errors.js';
import { FetchIsolation } from '../../cluster/partition.js';
import { downConvert } from '../../record/records-util.js';
import type { FetchPartitionRequest } from '../../replication/replica-manager.js';
import { defineHandler } from './handler.js';
import { groupBy } from '../../utils/collections.js';

const NO_SESSION = 0;

export const fetchHandler = defineHandler({
  apiKey: ApiKeys.FETCH,
  minVersion: 0,
  maxVersion: 13,
  async handle(ctx, request) {
    const v = ctx.apiVersion;
    if (v >= 7 && request.sessionId !== NO_SESSION && request.sessionEpoch > 0) {
      return { throttleTimeMs: 0, errorCode: Errors.FETCH_SESSION_ID_NOT_FOUND.code, sessionId: NO_SESSION, responses: [] };
    }
    const cache = ctx.broker.metadataCache;
    const partitions: FetchPartitionRequest[] = [];
    const unknownIds: Array<{ topicId: string; partitions: number[] }> = [];
    for (const t of request.topics) {
      const topic = v >= 13 ? cache.getTopicName(t.topicId) : t.topic;
      if (topic === undefined) {
        unknownIds.push({ topicId: t.topicId, partitions: t.partitions.map((p) => p.partition) });
        continue;
      }
      for (const p of t.partitions) {
        partitions.push({
          tp: { topic, partition: p.partition },
          fetchOffset: p.fetchOffset,
          logStartOffset: p.logStartOffset,
          maxBytes: p.partitionMaxBytes,
          currentLeaderEpoch: p.currentLeaderEpoch,
          lastFetchedEpoch: v >= 12 ? p.lastFetchedEpoch : -1,
        });
      }
    }
    const isolation = request.replicaId >= 0 ? FetchIsolation.LOG_END : request.isolationLevel === 1 ? FetchIsolation.TXN_COMMITTED : FetchIsolation.HIGH_WATERMARK;
    const results = await ctx.broker.replicaManager.fetchMessages({
      replicaId: request.replicaId,
      maxWaitMs: request.maxWaitMs,
      minBytes: request.minBytes,
      maxBytes: v >= 3 ? Math.min(request.maxBytes, ctx.broker.config.getNumber('fetch.max.bytes')) : 0x7fffffff,
      isolation,
      partitions,
    });
    const byTopic = groupBy(results, (r) => r.tp.topic);
    const readCommitted = isolation === FetchIsolation.TXN_COMMITTED;
    const responses = [...byTopic].map(([topic, rs]) => ({
      topic,
      topicId: cache.getTopicId(topic) ?? ZERO_UUID,
      partitions: rs.map((r) => {
        let records = r.records;
        let errorCode = r.errorCode;
        if (v <= 3 && records && records.length > 0) {
          try {
            records = downConvert(records, v <= 1 ? 0 : 1, partitions.find((p) => p.tp.topic === topic && p.tp.partition === r.tp.partition)?.fetchOffset ?? 0n).records;
          } catch (err) {
            errorCode = errorCodeOf(err);
            records = null;
          }
        }
        if (records && records.length > 0) ctx.broker.metrics?.updateBytesOut(topic, request.replicaId >= 0, records.length);
        return {
          partitionIndex: r.tp.partition,
          errorCode,
          highWatermark: r.highWatermark,
          lastStableOffset: r.lastStableOffset,
          logStartOffset: r.logStartOffset,
          divergingEpoch: r.divergingEpoch ?? { epoch: -1, endOffset: -1n },
          abortedTransactions: readCommitted ? (r.abortedTransactions ?? []) : null,
          preferredReadReplica: -1,
          records: records ?? (errorCode === Errors.NONE.code ? Buffer.alloc(0) : null),
        };
      }),
    }));
    for (const u of unknownIds) {
      responses.push({
        topic: '',
        topicId: u.topicId,
        partitions: u.partitions.map((partition) => ({
          partitionIndex: partition, errorCode: Errors.UNKNOWN_TOPIC_ID.code, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n,
          divergingEpoch: { epoch: -1, endOffset: -1n }, abortedTransactions: null, preferredReadReplica: -1, records: null,
        })),
      });
    }
    return { throttleTimeMs: 0, errorCode: Errors.NONE.code, sessionId: NO_SESSION, responses };
  },
});
