/**
 * Kafka's ReplicaFetcherThread (AbstractFetcherThread): one per source broker, pulling every
 * partition this broker follows from that leader (a LeaderEndPoint) with Fetch requests carrying our
 * replica id. Fetch v12 sends each partition's last fetched epoch; a leader whose log diverged
 * answers with a diverging epoch and the follower truncates (KIP-595 semantics, the successor of
 * KIP-101/279's OffsetsForLeaderEpoch round trip). An out-of-range fetch offset is resolved with
 * the leader's earliest / latest offsets, as Kafka does.
 *
 * Each partition of a response is handled on its own: an error delays that partition by
 * replica.fetch.backoff.ms and never skips the others. A size-capped response may end inside a
 * batch (the protocol allows it); only whole batches are appended and the next fetch starts at the
 * first missing offset. Partitions that got data move to the end of the fetch order (Kafka's
 * PartitionStates.updateAndMoveToEnd), so every partition in turn is fetched first and gets its
 * whole first batch (KIP-74), however large.
 */
import type { ClientChannelSecurity } from '../network/network-client.js';
import { Errors, ApiError } from '../protocol/errors.js';
import type { FetchResponse } from '../protocol/generated/types.js';
import type { Partition } from '../cluster/partition.js';
import { type TopicPartition, tpKey } from '../common/topic-partition.js';
import type { Time, TimerHandle } from '../common/time.js';
import { RateLimitedLog } from '../common/rate-limited-log.js';
import { validBytes } from '../record/record-batch.js';
import { logger, type Logger } from '../utils/logger.js';
import { groupBy } from '../utils/collections.js';
import type { LeaderEndPoint } from './leader-end-point.js';
import { FetchSessionHandler } from './fetch-session-handler.js';
import type { ReplicaQuota } from './replication-quota-manager.js';
import type { ReplicaFetcherConfig } from '../config/replica-manager-config.js';

export interface FetcherConfig extends ReplicaFetcherConfig {
  brokerId: number;
  /** TLS/SASL of the inter-broker listener followers fetch over. */
  security?: ClientChannelSecurity | null;
}

type FetchResponsePartition = FetchResponse['responses'][number]['partitions'][number];

interface FetchState {
  tp: TopicPartition;
  partition: Partition;
  currentLeaderEpoch: number;
  /** Skip this partition until then (after an error). */
  delayedUntil: number;
  /** Leader's high watermark minus our fetch position after the last answer; null before one (Kafka's PartitionFetchState.lag). */
  lag: bigint | null;
}

export class ReplicaFetcher {
  readonly log: Logger;
  private readonly limited: RateLimitedLog;
  /** In fetch order: partitions that got data move to the end. */
  private readonly partitions = new Map<string, FetchState>();
  private readonly session = new FetchSessionHandler();
  private running = true;
  private wake: (() => void) | null = null;
  readonly done: Promise<void>;

  constructor(
    private readonly leader: LeaderEndPoint,
    private readonly config: FetcherConfig,
    private readonly time: Time,
    private readonly onFollowerAppend?: (tp: TopicPartition) => void,
    /** The follower replication quota: throttled partitions not in sync wait while it is exceeded. */
    private readonly quota?: ReplicaQuota,
  ) {
    this.log = logger('kafka.server.ReplicaFetcherThread', { leader: leader.brokerId });
    this.limited = new RateLimitedLog(this.log, { time });
    this.done = this.loop();
  }

  get sourceBrokerId(): number {
    return this.leader.brokerId;
  }

  get partitionCount(): number {
    return this.partitions.size;
  }

  addPartitions(entries: Array<{ tp: TopicPartition; partition: Partition; currentLeaderEpoch: number }>): void {
    for (const e of entries) this.partitions.set(tpKey(e.tp), { ...e, delayedUntil: 0, lag: null });
    this.wake?.();
  }

  removePartitions(tps: TopicPartition[]): void {
    for (const tp of tps) this.partitions.delete(tpKey(tp));
  }

  async shutdown(): Promise<void> {
    this.running = false;
    this.leader.close();
    this.wake?.();
    await this.done;
    this.limited.flush();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const now = this.time.milliseconds();
      const quotaExceeded = this.quota?.isQuotaExceeded() ?? false;
      const ready = [...this.partitions.values()].filter((s) => s.delayedUntil <= now && s.partition.localLogOrNull !== null
        && !(quotaExceeded && this.shouldFollowerThrottle(s)));
      if (ready.length === 0) {
        // Nothing fetchable: wait for a new partition, the end of a backoff, or (no log yet) one backoff.
        const delayed = [...this.partitions.values()].filter((s) => s.delayedUntil > now).map((s) => s.delayedUntil - now);
        const wait = this.partitions.size === 0 ? 60_000 : Math.min(this.config.fetchBackoffMs, ...delayed);
        await this.waitUntilWokenOr(wait);
        continue;
      }
      try {
        await this.fetchOnce(ready);
      } catch (err) {
        if (!this.running) return;
        this.limited.warn('fetch-failed', {}, `Error fetching from broker ${this.sourceBrokerId}: ${(err as Error).message}`);
        this.delay(ready);
        await this.waitUntilWokenOr(this.config.fetchBackoffMs);
      }
    }
  }

  /**
   * Kafka's ReplicaFetcherThread.shouldFollowerThrottle (with the quota known to be exceeded): a
   * throttled partition that has not caught up with the leader's high watermark.
   */
  private shouldFollowerThrottle(s: FetchState): boolean {
    const inSync = s.lag !== null && s.lag <= 0n;
    return !inSync && this.quota !== undefined && this.quota.isThrottled(s.tp);
  }

  private async waitUntilWokenOr(ms: number): Promise<void> {
    let timer: TimerHandle | undefined;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      timer = this.time.setTimer(resolve, ms);
    });
    timer?.cancel();
    this.wake = null;
  }

  private delay(states: FetchState[]): void {
    const until = this.time.milliseconds() + this.config.fetchBackoffMs;
    for (const s of states) s.delayedUntil = until;
  }

  private async fetchOnce(states: FetchState[]): Promise<void> {
    const sent = new Map(states.map((s) => [tpKey(s.tp), { state: s, fetchOffset: s.partition.localLogOrException().logEndOffset }]));
    // Only what changed since the last request goes in an incremental fetch (KIP-227).
    const request = this.session.build(states.map((s) => {
      const log = s.partition.localLogOrException();
      return {
        tp: s.tp,
        currentLeaderEpoch: s.currentLeaderEpoch,
        fetchOffset: log.logEndOffset,
        lastFetchedEpoch: log.leaderEpochCache.latestEpoch() ?? -1,
        logStartOffset: log.logStartOffset,
        maxBytes: this.config.fetchMaxBytes,
      };
    }));
    let fetched: Awaited<ReturnType<LeaderEndPoint['fetch']>>;
    try {
      fetched = await this.leader.fetch({
        replicaId: this.config.brokerId,
        maxWaitMs: this.config.fetchMaxWaitMs,
        minBytes: this.config.fetchMinBytes,
        maxBytes: this.config.fetchResponseMaxBytes,
        isolationLevel: 0,
        sessionId: request.sessionId,
        sessionEpoch: request.sessionEpoch,
        topics: [...groupBy(request.toSend, (p) => p.tp.topic)].map(([topic, list]) => ({
          topic,
          partitions: list.map((p) => ({
            partition: p.tp.partition,
            currentLeaderEpoch: p.currentLeaderEpoch,
            fetchOffset: p.fetchOffset,
            lastFetchedEpoch: p.lastFetchedEpoch,
            logStartOffset: p.logStartOffset,
            partitionMaxBytes: p.maxBytes,
          })),
        })),
        forgottenTopicsData: [...groupBy(request.toForget, (tp) => tp.topic)].map(([topic, tps]) => ({ topic, partitions: tps.map((tp) => tp.partition) })),
        rackId: '',
      });
    } catch (err) {
      this.session.handleError();
      throw err;
    }
    const { response, release } = fetched;
    try {
      if (!this.session.handleResponse(response.errorCode, response.sessionId)) {
        if (response.errorCode === Errors.FETCH_SESSION_ID_NOT_FOUND.code || response.errorCode === Errors.INVALID_FETCH_SESSION_EPOCH.code) {
          this.log.debug(`Fetch session ${request.sessionId} with broker ${this.sourceBrokerId} answered ${response.errorCode}; starting a new session`);
          return;
        }
        this.limited.warn(`fetch-error-${response.errorCode}`, {}, `Fetch from broker ${this.sourceBrokerId} answered error ${response.errorCode}`);
        this.delay(states);
        return;
      }
      for (const t of response.responses) {
        for (const p of t.partitions) {
          const key = tpKey({ topic: t.topic, partition: p.partitionIndex });
          const entry = sent.get(key);
          // Dropped or re-added (new leader epoch) while the fetch was in flight: ignore this answer.
          if (!entry || this.partitions.get(key) !== entry.state) continue;
          try {
            const gotData = await this.processPartitionData(entry.state, entry.fetchOffset, p);
            if (gotData && this.partitions.get(key) === entry.state) {
              this.partitions.delete(key);
              this.partitions.set(key, entry.state);
            }
          } catch (err) {
            this.partitionFailed(entry.state, err);
          }
        }
      }
    } finally {
      // Appends copy the records into the log (synchronous writes); nothing keeps the frame.
      release();
    }
  }

  /** Kafka's handlePartitionsWithErrors for one partition: log (rate-limited) and back off. */
  private partitionFailed(state: FetchState, err: unknown): void {
    const what = err instanceof ApiError ? err.errorName : 'unexpected error';
    const msg = `Error processing data of partition ${tpKey(state.tp)} fetched from broker ${this.sourceBrokerId}: ${(err as Error).message}`;
    if (err instanceof ApiError) this.limited.warn(`partition-error-${tpKey(state.tp)}-${what}`, {}, msg);
    else this.limited.error(`partition-error-${tpKey(state.tp)}-${what}`, { err }, msg);
    this.delay([state]);
  }

  /** Applies one partition's answer; returns whether records were appended. */
  private async processPartitionData(state: FetchState, fetchOffset: bigint, p: FetchResponsePartition): Promise<boolean> {
    const log = state.partition.localLogOrNull;
    if (!log) return false;
    if (p.errorCode === Errors.NONE.code) {
      if (p.divergingEpoch.epoch >= 0 || p.divergingEpoch.endOffset >= 0n) {
        this.truncateOnDivergence(state, p.divergingEpoch.epoch, p.divergingEpoch.endOffset);
        return false;
      }
      if (log.logEndOffset !== fetchOffset) return false; // truncated meanwhile
      let appended = false;
      const whole = p.records ? validBytes(p.records) : 0;
      if (p.records && whole > 0) {
        log.appendAsFollower(whole === p.records.length ? p.records : p.records.subarray(0, whole));
        this.onFollowerAppend?.(state.tp);
        appended = true;
      }
      if (p.records && p.records.length > 0 && this.quota?.isThrottled(state.tp)) this.quota.record(p.records.length);
      const lag = p.highWatermark - log.logEndOffset;
      state.lag = lag > 0n ? lag : 0n;
      const hw = p.highWatermark < log.logEndOffset ? p.highWatermark : log.logEndOffset;
      if (hw > log.highWatermark) log.updateHighWatermark(hw);
      if (p.logStartOffset > log.logStartOffset && p.logStartOffset <= log.logEndOffset) log.maybeIncrementLogStartOffset(p.logStartOffset, 'LeaderOffsetIncremented');
      return appended;
    }
    if (p.errorCode === Errors.OFFSET_OUT_OF_RANGE.code) {
      await this.handleOutOfRange(state);
      return false;
    }
    // NOT_LEADER_OR_FOLLOWER, FENCED/UNKNOWN_LEADER_EPOCH, UNKNOWN_TOPIC_OR_PARTITION …: wait for the
    // controller's next LeaderAndIsr, retrying after the backoff.
    this.log.debug(`Partition ${tpKey(state.tp)} fetch error ${p.errorCode}; backing off`);
    this.delay([state]);
    return false;
  }

  /** Truncates to where the leader's log and ours agree (Kafka's getOffsetTruncationState). */
  private truncateOnDivergence(state: FetchState, leaderEpoch: number, leaderEndOffset: bigint): void {
    const log = state.partition.localLogOrException();
    const ours = log.endOffsetForEpoch(leaderEpoch);
    let target: bigint;
    if (ours.epoch < 0) target = leaderEndOffset < log.logEndOffset ? leaderEndOffset : log.logEndOffset;
    else if (ours.epoch === leaderEpoch) target = leaderEndOffset < ours.endOffset ? leaderEndOffset : ours.endOffset;
    else target = ours.endOffset < log.logEndOffset ? ours.endOffset : log.logEndOffset; // another round follows
    if (target < log.highWatermark) log.updateHighWatermark(target);
    this.limited.info(`truncate-${tpKey(state.tp)}`, {}, `Truncating ${tpKey(state.tp)} to offset ${target} (leader epoch ${leaderEpoch} ends at ${leaderEndOffset} on the leader)`);
    log.truncateTo(target);
  }

  /** Kafka's fetchOffsetAndTruncate: follow the leader's end if we are ahead, its start if we are behind. */
  private async handleOutOfRange(state: FetchState): Promise<void> {
    const log = state.partition.localLogOrException();
    const leaderEnd = await this.leader.fetchLatestOffset(state.tp, state.currentLeaderEpoch);
    if (leaderEnd < log.logEndOffset) {
      this.limited.warn(`out-of-range-${tpKey(state.tp)}`, {}, `Truncating ${tpKey(state.tp)} from ${log.logEndOffset} to the leader's end offset ${leaderEnd}`);
      log.truncateTo(leaderEnd);
      return;
    }
    const leaderStart = await this.leader.fetchEarliestOffset(state.tp, state.currentLeaderEpoch);
    if (leaderStart > log.logEndOffset) {
      this.limited.warn(`out-of-range-${tpKey(state.tp)}`, {}, `Resetting ${tpKey(state.tp)} to the leader's start offset ${leaderStart}`);
      log.truncateFullyAndStartAt(leaderStart);
    }
  }
}
