/**
 * ListOffsets (key 2), v0–9, answered by the partition leader.
 * v1+: per partition one offset — -2 earliest (log start), -1 latest (log end for followers, high
 * watermark for consumers, last stable offset under read_committed), -3 the record with the largest
 * timestamp (v7, KIP-734), -4 the local log start (v8, KIP-405: the log start, no tiered storage),
 * -5 the last tiered offset (v9, KIP-1005: -1, no tiered storage), else the first offset whose
 * timestamp is >= the target (-1 when none).
 * v0: Kafka's old segment-based answer — up to maxNumOffsets offsets, newest first: segment base
 * offsets by the segment files' last-modified times plus the log end (Log.legacyFetchOffsetsBefore),
 * capped at the high watermark for consumers. Each topic needs DESCRIBE (TOPIC_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors, ApiError, UnsupportedVersionError, errorCodeOf } from '../../protocol/errors.js';
import { FetchIsolation, MAX_TIMESTAMP } from '../../log/log.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { filterByAuthorized } from './auth-helper.js';

const CONSUMER_REPLICA_ID = -1;
const NOT_FOUND = { timestamp: -1n, offset: -1n, leaderEpoch: -1 };

export const listOffsetsHandler = defineHandler({
  apiKey: ApiKeys.LIST_OFFSETS,
  minVersion: 0,
  maxVersion: 9,
  async handle(ctx, request) {
    const rm = ctx.broker.replicaManager;
    const isolation = request.replicaId >= 0 ? FetchIsolation.LOG_END : request.isolationLevel === 1 ? FetchIsolation.TXN_COMMITTED : FetchIsolation.HIGH_WATERMARK;
    const describable = filterByAuthorized(ctx, Op.DESCRIBE, RT.TOPIC, request.topics, (t) => t.name);
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          if (!describable.has(t.name)) {
            return { partitionIndex: p.partitionIndex, errorCode: Errors.TOPIC_AUTHORIZATION_FAILED.code, oldStyleOffsets: [], ...NOT_FOUND };
          }
          try {
            const partition = rm.getPartitionOrException({ topic: t.name, partition: p.partitionIndex });
            if (ctx.apiVersion === 0) {
              const offsets = partition.legacyFetchOffsetsForTimestamp(p.timestamp, p.maxNumOffsets, request.replicaId === CONSUMER_REPLICA_ID);
              return { partitionIndex: p.partitionIndex, errorCode: Errors.NONE.code, oldStyleOffsets: offsets, ...NOT_FOUND };
            }
            if (p.timestamp === MAX_TIMESTAMP && ctx.apiVersion < 7) throw new UnsupportedVersionError('The max timestamp query needs ListOffsets v7');
            const found = partition.fetchOffsetForTimestamp(p.timestamp, isolation, p.currentLeaderEpoch);
            if (!found) return { partitionIndex: p.partitionIndex, errorCode: Errors.NONE.code, oldStyleOffsets: [], ...NOT_FOUND };
            return { partitionIndex: p.partitionIndex, errorCode: Errors.NONE.code, oldStyleOffsets: [], timestamp: found.timestamp, offset: found.offset, leaderEpoch: found.leaderEpoch ?? -1 };
          } catch (err) {
            if (!(err instanceof ApiError)) throw err;
            return { partitionIndex: p.partitionIndex, errorCode: errorCodeOf(err), oldStyleOffsets: [], ...NOT_FOUND };
          }
        }),
      })),
    };
  },
});
