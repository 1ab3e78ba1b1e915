/**
 * ListOffsets (key 2), v0–7: per partition, the offset for a timestamp — -2 earliest (log start),
 * -1 latest (high watermark for consumers, last stable offset under read_committed, log end for
 * followers), -3 the record with the largest timestamp (v7, KIP-734), else the first offset whose
 * timestamp is >= the target (offset -1 when none). Only the leader answers. v0 answers the old
 * "offsets" array form.
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors, ApiError, FencedLeaderEpochError, NotLeaderOrFollowerError, UnknownLeaderEpochError, UnsupportedVersionError, errorCodeOf } from '../../protocol/errors.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, MAX_TIMESTAMP } from '../../log/log.js';
import { defineHandler } from './handler.js';

export const listOffsetsHandler = defineHandler({
  apiKey: ApiKeys.LIST_OFFSETS,
  minVersion: 0,
  maxVersion: 7,
  async handle(ctx, request) {
    const rm = ctx.broker.replicaManager;
    const isFollower = request.replicaId >= 0;
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          try {
            const partition = rm.getPartitionOrException({ topic: t.name, partition: p.partitionIndex });
            if (!partition.isLeader) throw new NotLeaderOrFollowerError(`Broker ${ctx.broker.brokerId} is not the leader of ${t.name}-${p.partitionIndex}`);
            if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch !== partition.leaderEpoch) {
              throw p.currentLeaderEpoch < partition.leaderEpoch ? new FencedLeaderEpochError() : new UnknownLeaderEpochError();
            }
            const log = partition.localLogOrException();
            let offset: bigint;
            let timestamp = -1n;
            let leaderEpoch: number;
            if (p.timestamp === EARLIEST_TIMESTAMP) {
              offset = log.logStartOffset;
              leaderEpoch = log.leaderEpochCache.epochForOffset(offset) ?? -1;
            } else if (p.timestamp === LATEST_TIMESTAMP) {
              offset = isFollower ? log.logEndOffset : request.isolationLevel === 1 ? partition.lastStableOffset() : log.highWatermark;
              leaderEpoch = log.leaderEpochCache.latestEpoch() ?? -1;
            } else if (p.timestamp === MAX_TIMESTAMP && ctx.apiVersion < 7) {
              throw new UnsupportedVersionError('The max timestamp query needs ListOffsets v7');
            } else {
              const found = log.fetchOffsetByTimestamp(p.timestamp);
              // Consumers must not see offsets past the high watermark.
              if (!found || (!isFollower && found.offset >= log.highWatermark)) {
                return { partitionIndex: p.partitionIndex, errorCode: Errors.NONE.code, oldStyleOffsets: [], timestamp: -1n, offset: -1n, leaderEpoch: -1 };
              }
              offset = found.offset;
              timestamp = found.timestamp;
              leaderEpoch = found.leaderEpoch ?? log.leaderEpochCache.epochForOffset(found.offset) ?? -1;
            }
            return { partitionIndex: p.partitionIndex, errorCode: Errors.NONE.code, oldStyleOffsets: [offset], timestamp, offset, leaderEpoch };
          } catch (err) {
            if (!(err instanceof ApiError)) throw err;
            return { partitionIndex: p.partitionIndex, errorCode: errorCodeOf(err), oldStyleOffsets: [], timestamp: -1n, offset: -1n, leaderEpoch: -1 };
          }
        }),
      })),
    };
  },
});
