/**
 * Kafka's ReplicaAlterLogDirsManager with its ReplicaAlterLogDirsThread (KIP-113): moves replicas
 * between this broker's log dirs. Each moving replica has a future log in the target dir; the copy
 * reads the current log from the future log's end (log-end isolation, as for a follower) and
 * appends the bytes as they are (record batches stay opaque, offsets and epochs kept), one
 * partition at a time, at most replica.fetch.max.bytes per pass, on the broker's scheduler — never
 * on a request's path. The future log follows the current log's start offset, high watermark and
 * truncations (by leader epoch, as a follower does). Once the future log has caught up (same log end
 * offset, no flush in flight) it replaces the current one in a single synchronous step, so no append
 * can fall between (Kafka's Partition.maybeReplaceCurrentWithFutureReplica).
 *
 * replica.alter.log.dirs.io.max.bytes.per.second (the AlterLogDirsReplication quota) holds the copy
 * back while the measured rate is above it. A storage error in either dir ends that move; the
 * failed dir is handled by the LogDirFailureChannel (the broker keeps serving the other dirs).
 */
import type { Partition } from '../cluster/partition.js';
import type { Log } from '../log/log.js';
import { FetchIsolation } from '../log/log-types.js';
import type { LogManager } from '../log/log-manager.js';
import { KafkaStorageError } from '../protocol/errors.js';
import type { KafkaScheduler, ScheduledTask } from '../common/scheduler.js';
import { type TopicPartition, tpKey } from '../common/topic-partition.js';
import { RateLimitedLog } from '../common/rate-limited-log.js';
import type { Time } from '../common/time.js';
import { validBytes } from '../record/record-batch.js';
import { logger } from '../utils/logger.js';
import type { ReplicaQuota } from './replication-quota-manager.js';

export interface AlterLogDirsConfig {
  /** replica.fetch.max.bytes: bytes copied per pass. */
  fetchMaxBytes: number;
  /** replica.fetch.backoff.ms: the pause when nothing could be copied. */
  fetchBackoffMs: number;
}

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

export class ReplicaAlterLogDirsManager {
  private readonly log = logger('kafka.server.ReplicaAlterLogDirsThread');
  private readonly limited: RateLimitedLog;
  /** Replicas being moved, in the order they are worked on (one at a time). */
  private readonly moving = new Map<string, TopicPartition>();
  private task: ScheduledTask | undefined;
  private working = false;
  private stopped = false;

  constructor(
    private readonly logManager: LogManager,
    private readonly scheduler: KafkaScheduler,
    time: Time,
    private readonly config: AlterLogDirsConfig,
    private readonly getPartition: (tp: TopicPartition) => Partition | undefined,
    private readonly quota?: Pick<ReplicaQuota, 'isQuotaExceeded' | 'record'>,
  ) {
    this.limited = new RateLimitedLog(this.log, { time });
  }

  /** Starts (or keeps) moving these replicas into their future logs. */
  addPartitions(tps: readonly TopicPartition[]): void {
    for (const tp of tps) this.moving.set(tpKey(tp), tp);
    if (tps.length > 0) this.schedule(0);
  }

  removePartitions(tps: readonly TopicPartition[]): void {
    for (const tp of tps) this.moving.delete(tpKey(tp));
  }

  isMoving(tp: TopicPartition): boolean {
    return this.moving.has(tpKey(tp));
  }

  /** Whether a pass is running (it may be waiting for a log's background flushes). */
  get isWorking(): boolean {
    return this.working;
  }

  get partitionCount(): number {
    return this.moving.size;
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    this.task?.cancel();
    this.moving.clear();
    while (this.working) await new Promise<void>((r) => setImmediate(r));
    this.limited.flush();
  }

  private schedule(delayMs: number): void {
    if (this.stopped || this.working || (this.task && !this.task.isDone()) || !this.scheduler.isStarted()) return;
    this.task = this.scheduler.scheduleOnce('ReplicaAlterLogDirsThread', () => this.run(), delayMs);
  }

  private async run(): Promise<void> {
    this.task = undefined;
    this.working = true;
    let progressed = false;
    try {
      progressed = await this.doWork();
    } finally {
      this.working = false;
    }
    if (this.moving.size > 0) this.schedule(progressed ? 0 : this.config.fetchBackoffMs);
  }

  /**
   * One pass over the first moving replica: copy up to fetchMaxBytes, then swap if caught up.
   * Returns whether anything was copied or swapped (the next pass then follows at once).
   */
  async doWork(): Promise<boolean> {
    const tp = this.moving.values().next().value;
    if (tp === undefined || this.stopped) return false;
    if (this.quota?.isQuotaExceeded()) return false;
    const k = tpKey(tp);
    try {
      const current = this.getPartition(tp)?.localLogOrNull ?? null;
      const future = this.logManager.getLog(tp, true);
      if (!current || !future) {
        // The replica went away (StopReplica, deletion, a failed dir): its move ends here.
        this.moving.delete(k);
        return false;
      }
      const copied = this.copy(current, future);
      if (future.logEndOffset !== current.logEndOffset) return copied > 0;
      return await this.maybeReplaceCurrentWithFutureReplica(tp, current, future) || copied > 0;
    } catch (err) {
      if (err instanceof KafkaStorageError) {
        this.limited.warn(`storage-${k}`, {}, `Stopped moving ${k} between log dirs: ${err.message}`);
        this.moving.delete(k);
      } else {
        this.limited.error(`error-${k}`, { err }, `Error moving ${k} between log dirs; retrying after ${this.config.fetchBackoffMs} ms`);
        // To the back of the queue, so one failing move does not hold up the others.
        this.moving.delete(k);
        this.moving.set(k, tp);
      }
      return false;
    }
  }

  /** Brings the future log in line with the current one and appends the next batches; returns the bytes copied. */
  private copy(current: Log, future: Log): number {
    this.truncateToCurrent(current, future);
    if (future.logEndOffset < current.logStartOffset) future.truncateFullyAndStartAt(current.logStartOffset);
    let copied = 0;
    if (future.logEndOffset < current.logEndOffset) {
      const { records } = current.read(future.logEndOffset, this.config.fetchMaxBytes, FetchIsolation.LOG_END, true);
      const whole = validBytes(records);
      if (whole > 0) {
        future.appendAsFollower(whole === records.length ? records : records.subarray(0, whole));
        copied = whole;
        this.quota?.record(whole);
      }
    }
    const hw = min(current.highWatermark, future.logEndOffset);
    if (hw > future.highWatermark) future.updateHighWatermark(hw);
    if (current.logStartOffset > future.logStartOffset && current.logStartOffset <= future.highWatermark) {
      future.maybeIncrementLogStartOffset(current.logStartOffset, 'LeaderOffsetIncremented');
    }
    return copied;
  }

  /**
   * Where the future log still agrees with the current one (the current log may have been
   * truncated as a follower): Kafka's follower truncation by leader epoch, the current log in the
   * leader's place.
   */
  private truncateToCurrent(current: Log, future: Log): void {
    let target = min(future.logEndOffset, current.logEndOffset);
    const epoch = future.leaderEpochCache.latestEpoch();
    if (epoch !== undefined) {
      const theirs = current.endOffsetForEpoch(epoch);
      if (theirs.epoch === epoch) target = min(target, theirs.endOffset);
      else if (theirs.epoch >= 0) {
        const ours = future.endOffsetForEpoch(theirs.epoch);
        target = min(target, ours.epoch === theirs.epoch ? min(ours.endOffset, theirs.endOffset) : ours.endOffset);
      } else target = min(target, current.logStartOffset);
    }
    if (target < future.logEndOffset) {
      this.limited.info(`truncate-${tpKey(future.topicPartition)}`, {}, `Truncating the future log of ${tpKey(future.topicPartition)} to ${target}`);
      if (target < future.highWatermark) future.updateHighWatermark(target);
      future.truncateTo(target);
    }
  }

  /** Swaps the caught-up future log in (after the logs' background flushes), unless either log moved meanwhile. */
  private async maybeReplaceCurrentWithFutureReplica(tp: TopicPartition, current: Log, future: Log): Promise<boolean> {
    await future.pendingFlushesSettled();
    await current.pendingFlushesSettled();
    const partition = this.getPartition(tp);
    // Everything below runs without yielding: no append can come between the check and the swap.
    if (this.stopped || !this.moving.has(tpKey(tp)) || partition?.localLogOrNull !== current || this.logManager.getLog(tp, true) !== future) return false;
    if (future.logEndOffset !== current.logEndOffset || future.hasPendingFlushes || current.hasPendingFlushes) return false;
    // A cleaning that began before the move finishes on the current log first (Kafka aborts it).
    if (this.logManager.cleaningInProgress.has(tpKey(tp))) return false;
    const from = this.logManager.logDirOf(tp);
    const log = this.logManager.replaceCurrentWithFutureLog(tp);
    partition.replaceCurrentLog(log);
    this.moving.delete(tpKey(tp));
    this.log.info(`Moved ${tpKey(tp)} from ${from} to ${this.logManager.logDirOf(tp)} at offset ${log.logEndOffset}`);
    return true;
  }
}
