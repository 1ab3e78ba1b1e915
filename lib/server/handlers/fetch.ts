/**
 * Fetch (key 1), v0–17: consumers read up to the high watermark (or last stable offset under
 * read_committed), followers (replica id >= 0) up to the log end; min bytes / max wait through the
 * DelayedFetch purgatory; fetch.max.bytes and per-partition limits, with the first batch returned
 * whole even when larger (KIP-74). Segment bytes go out as they are, except for v0–3 clients, which
 * get them down-converted to magic 0/1.
 *
 * Fetch sessions (KIP-227, v7+) through the broker's FetchManager: a full fetch at epoch 0 opens a
 * session, later requests carry only changed partitions and are answered with only the partitions
 * that changed; an unknown session answers FETCH_SESSION_ID_NOT_FOUND, a wrong epoch
 * INVALID_FETCH_SESSION_EPOCH, and epoch -1 is a full fetch without a session.
 * v13 names topics by id: unknown ids answer UNKNOWN_TOPIC_ID. v15+ carry the replica in ReplicaState
 * (KIP-903); v16+ name the current leader of a partition answered NOT_LEADER_OR_FOLLOWER or
 * FENCED_LEADER_EPOCH, with its endpoint (KIP-951); v14 and v17 change nothing kafkats serves.
 * Authorization (KafkaApis.handleFetchRequest): a follower needs CLUSTER_ACTION on the cluster, a
 * consumer READ on each topic of the fetch context; denied partitions answer TOPIC_AUTHORIZATION_FAILED.
 */
import { ApiKeys } from '../../protocol/index.js';
import { ZERO_UUID } from '../../protocol/reader.js';
import { Errors, errorCodeOf } from '../../protocol/errors.js';
import { FetchIsolation } from '../../log/log.js';
import { downConvert } from '../../record/records-util.js';
import type { FetchPartitionRequest, FetchPartitionResult } from '../../replication/replica-manager.js';
import type { TopicPartition } from '../../common/topic-partition.js';
import { FINAL_EPOCH, INVALID_SESSION_ID } from '../../common/fetch-metadata.js';
import { defineHandler } from './handler.js';
import { FETCH_LEADER_HINT_ERRORS, LeaderHints, NO_LEADER_HINT } from './leader-hints.js';
import { groupBy } from '../../utils/collections.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { authorizeClusterOperation, filterByAuthorized } from './auth-helper.js';

const EMPTY_RECORDS = Buffer.alloc(0);

export const fetchHandler = defineHandler({
  apiKey: ApiKeys.FETCH,
  minVersion: 0,
  maxVersion: 17,
  async handle(ctx, request) {
    const v = ctx.apiVersion;
    const cache = ctx.broker.metadataCache;
    const topicName = (t: { topic: string; topicId: string }): string | undefined => (v >= 13 ? cache.getTopicName(t.topicId) : t.topic);
    const fetchData: FetchPartitionRequest[] = [];
    const unknownIds: Array<{ topicId: string; partitions: number[] }> = [];
    for (const t of request.topics) {
      const topic = topicName(t);
      if (topic === undefined) {
        unknownIds.push({ topicId: t.topicId, partitions: t.partitions.map((p) => p.partition) });
        continue;
      }
      for (const p of t.partitions) {
        fetchData.push({
          tp: { topic, partition: p.partition },
          fetchOffset: p.fetchOffset,
          logStartOffset: p.logStartOffset,
          maxBytes: p.partitionMaxBytes,
          currentLeaderEpoch: p.currentLeaderEpoch,
          lastFetchedEpoch: v >= 12 ? p.lastFetchedEpoch : -1,
        });
      }
    }
    const toForget: TopicPartition[] = v >= 7
      ? request.forgottenTopicsData.flatMap((t) => {
        const topic = topicName(t);
        return topic === undefined ? [] : t.partitions.map((partition) => ({ topic, partition }));
      })
      : [];
    // v15+ (KIP-903) carry the fetching replica in ReplicaState.
    const replicaId = v >= 15 ? request.replicaState.replicaId : request.replicaId;
    const isFollower = replicaId >= 0;
    const context = v >= 7
      ? ctx.broker.fetchManager.newContext(request.sessionId, request.sessionEpoch, fetchData, toForget, isFollower)
      : ctx.broker.fetchManager.newContext(INVALID_SESSION_ID, FINAL_EPOCH, fetchData, [], isFollower);
    const isolation = isFollower ? FetchIsolation.LOG_END : request.isolationLevel === 1 ? FetchIsolation.TXN_COMMITTED : FetchIsolation.HIGH_WATERMARK;
    // A follower needs CLUSTER_ACTION (else every partition is refused), a consumer READ on each topic.
    const followerDenied = isFollower && !authorizeClusterOperation(ctx, Op.CLUSTER_ACTION);
    const readable = isFollower ? null : filterByAuthorized(ctx, Op.READ, RT.TOPIC, context.partitions, (p) => p.tp.topic);
    const allowed = context.partitions.filter((p) => !followerDenied && (readable === null || readable.has(p.tp.topic)));
    const read = allowed.length === 0 ? [] : await ctx.broker.replicaManager.fetchMessages({
      replicaId,
      maxWaitMs: request.maxWaitMs,
      minBytes: request.minBytes,
      maxBytes: v >= 3 ? Math.min(request.maxBytes, ctx.broker.config.fetchMaxBytes) : 0x7fffffff,
      isolation,
      partitions: allowed,
      signal: ctx.connection.closedSignal,
    });
    let next = 0;
    const answer = context.respond(context.partitions.map((p): FetchPartitionResult => (allowed[next] === p ? read[next++]!
      : { tp: p.tp, errorCode: Errors.TOPIC_AUTHORIZATION_FAILED.code, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, records: null, divergingEpoch: null })));
    const fetchOffsets = new Map(context.partitions.map((p) => [`${p.tp.topic}-${p.tp.partition}`, p.fetchOffset]));
    const readCommitted = isolation === FetchIsolation.TXN_COMMITTED;
    const hints = new LeaderHints(ctx, v >= 16 ? FETCH_LEADER_HINT_ERRORS : []);
    const responses = [...groupBy(answer.results, (r) => r.tp.topic)].map(([topic, rs]) => ({
      topic,
      topicId: cache.getTopicId(topic) ?? ZERO_UUID,
      partitions: rs.map((r) => {
        let records = r.records;
        let errorCode = r.errorCode;
        if (v <= 3 && records && records.length > 0) {
          try {
            records = downConvert(records, v <= 1 ? 0 : 1, fetchOffsets.get(`${topic}-${r.tp.partition}`) ?? 0n).records;
          } catch (err) {
            errorCode = errorCodeOf(err);
            records = null;
          }
        }
        if (records && records.length > 0) ctx.broker.metrics?.updateBytesOut(topic, isFollower, records.length);
        return {
          partitionIndex: r.tp.partition,
          errorCode,
          highWatermark: r.highWatermark,
          lastStableOffset: r.lastStableOffset,
          logStartOffset: r.logStartOffset,
          divergingEpoch: r.divergingEpoch ?? { epoch: -1, endOffset: -1n },
          abortedTransactions: readCommitted ? (r.abortedTransactions ?? []) : null,
          preferredReadReplica: -1,
          // Kafka's FetchResponse.partitionResponse: an empty record set, also for an error (never null:
          // librdkafka fails the whole response on a -1 MessageSetSize).
          records: records ?? EMPTY_RECORDS,
          currentLeader: hints.hint(r.tp, errorCode),
        };
      }),
    }));
    for (const u of unknownIds) {
      responses.push({
        topic: '',
        topicId: u.topicId,
        partitions: u.partitions.map((partition) => ({
          partitionIndex: partition, errorCode: followerDenied ? Errors.TOPIC_AUTHORIZATION_FAILED.code : Errors.UNKNOWN_TOPIC_ID.code, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n,
          divergingEpoch: { epoch: -1, endOffset: -1n }, abortedTransactions: null, preferredReadReplica: -1, records: EMPTY_RECORDS, currentLeader: NO_LEADER_HINT,
        })),
      });
    }
    return { throttleTimeMs: 0, errorCode: answer.errorCode, sessionId: answer.sessionId, responses, nodeEndpoints: hints.endpoints };
  },
});
