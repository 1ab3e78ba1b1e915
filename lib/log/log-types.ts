/**
 * The value types of Log's public API (Kafka's LogAppendInfo and friends) and the bigint ↔
 * number guard used at its boundary.
 */
import { MAX_SAFE_OFFSET } from './assign-offsets.js';
import type { LogConfig } from './log-config.js';
import type { Time } from '../common/time.js';
import type { TopicPartition } from '../common/topic-partition.js';
import type { FileHandleCache } from './file-handle-cache.js';
import type { LogDirFailureChannel } from './log-dir-failure-channel.js';

/** ListOffsets special timestamps (Kafka's ListOffsetsRequest). */
export const LATEST_TIMESTAMP = -1n;
export const EARLIEST_TIMESTAMP = -2n;
export const MAX_TIMESTAMP = -3n;
/** KIP-405: the local log start offset (ListOffsets v8); without tiered storage, the log start offset. */
export const EARLIEST_LOCAL_TIMESTAMP = -4n;
/** KIP-1005: the highest offset in tiered storage (ListOffsets v9); -1 without tiered storage. */
export const LATEST_TIERED_TIMESTAMP = -5n;

/** Kafka's LogAppendInfo, in bigint. */
export interface LogAppendInfo {
  firstOffset: bigint;
  lastOffset: bigint;
  maxTimestamp: bigint;
  offsetOfMaxTimestamp: bigint;
  /** -1 unless the topic uses LogAppendTime. */
  logAppendTime: bigint;
  logStartOffset: bigint;
  numMessages: number;
  shallowCount: number;
  validBytes: number;
  lastLeaderEpoch: number;
  /** True when the batch repeated one already in the log (idempotent retry): nothing was appended. */
  duplicate?: boolean;
}

export interface LogLoadOptions {
  dir: string;
  topicPartition: TopicPartition;
  config?: Partial<LogConfig> | Record<string, unknown>;
  clock?: Time;
  recoveryPoint?: bigint;
  logStartOffset?: bigint;
  hadCleanShutdown?: boolean;
  /** Where I/O errors are reported (the broker's LogDirFailureChannel); a private one by default. */
  logDirFailureChannel?: LogDirFailureChannel;
  /** Where old segments' descriptors are kept (default: the process-wide cache). */
  fileHandleCache?: FileHandleCache;
}

/**
 * How far a read may go (Kafka's FetchIsolation): the log end (followers), the high watermark
 * (read_uncommitted consumers) or the last stable offset (read_committed consumers, who also get
 * the aborted transactions of what they read).
 */
export const FetchIsolation = { LOG_END: 0, HIGH_WATERMARK: 1, TXN_COMMITTED: 2 } as const;
export type FetchIsolation = (typeof FetchIsolation)[keyof typeof FetchIsolation];

/** The offset as a number; `onError` builds the error for values outside [-1, 2^53). */
export function toSafeOffset(offset: bigint, onError: (msg: string) => Error): number {
  if (offset > BigInt(MAX_SAFE_OFFSET) || offset < -1n) throw onError(`Offset ${offset} is outside the supported range [0, 2^53)`);
  return Number(offset);
}
