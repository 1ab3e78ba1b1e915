/**
 * The produce path's validation step: Kafka's LogValidator (lib/record/log-validator.ts: size,
 * magic, CRC-32C, offsets, timestamps, compaction keys, legacy up-conversion, recompression) plugged
 * into the log's append boundary (LeaderRecordValidator), configured per topic.
 */
import type { LeaderRecordValidator } from '../log/assign-offsets.js';
import { validateMessagesAndAssignOffsets, type AppendOrigin } from '../record/log-validator.js';

export interface TopicValidationConfig {
  compacted: boolean;
  /** compression.type of the topic: 'producer' keeps the producer's codec. */
  targetCompression: number | 'producer';
  timestampBeforeMaxMs?: number;
  timestampAfterMaxMs?: number;
}

export function leaderRecordValidator(topic: TopicValidationConfig, origin: AppendOrigin = 'client'): LeaderRecordValidator {
  return (records, ctx) => {
    const r = validateMessagesAndAssignOffsets(records, {
      nextOffset: BigInt(ctx.firstOffset),
      partitionLeaderEpoch: ctx.leaderEpoch,
      timestampType: ctx.timestampType === 'LogAppendTime' ? 1 : 0,
      now: BigInt(ctx.now),
      timestampBeforeMaxMs: topic.timestampBeforeMaxMs,
      timestampAfterMaxMs: topic.timestampAfterMaxMs,
      compactedTopic: topic.compacted,
      origin,
      targetCompression: topic.targetCompression,
      maxMessageBytes: ctx.maxBatchSize,
    });
    return {
      validatedRecords: r.validatedRecords,
      logAppendTime: Number(r.logAppendTime),
      info: {
        firstOffset: Number(r.firstOffset),
        lastOffset: Number(r.lastOffset),
        maxTimestamp: Number(r.maxTimestamp),
        shallowOffsetOfMaxTimestamp: Number(r.offsetOfMaxTimestamp),
        numMessages: r.count,
        shallowCount: r.shallowCount,
        validBytes: r.validatedRecords.length,
        lastLeaderEpoch: ctx.leaderEpoch,
      },
    };
  };
}
