/**
 * Kafka's cluster/Partition.scala for one partition on this broker: leader or follower state from
 * the controller's LeaderAndIsr, the ISR (changed by the leader through AlterPartition, KIP-497,
 * with the "maximal ISR" rule while a change is pending), follower fetch states, the high
 * watermark, appends as leader with min.insync.replicas, reads bounded by the high watermark for
 * consumers, and acks=all completion checks for DelayedProduce.
 */
import { EARLIEST_LOCAL_TIMESTAMP, EARLIEST_TIMESTAMP, FetchIsolation, LATEST_TIERED_TIMESTAMP, LATEST_TIMESTAMP, type Log, type LogAppendInfo, type FetchDataInfo, type TimestampAndOffset } from '../log/log.js';
import type { AppendOrigin } from '../record/log-validator.js';
import type { DecompressedEntries } from '../record/decompressed-entries.js';
import { Errors, FencedLeaderEpochError, NotEnoughReplicasError, NotLeaderOrFollowerError, OffsetNotAvailableError, OffsetOutOfRangeError, UnknownLeaderEpochError } from '../protocol/errors.js';
import { Replica } from './replica.js';
import type { TopicPartition } from '../common/topic-partition.js';
import { logger, type Logger } from '../utils/logger.js';

export interface PartitionState {
  controllerEpoch: number;
  leader: number;
  leaderEpoch: number;
  isr: number[];
  partitionEpoch: number;
  replicas: number[];
  isNew: boolean;
  leaderRecoveryState?: number;
}

export interface AlterPartitionItem {
  tp: TopicPartition;
  leaderEpoch: number;
  newIsr: number[];
  partitionEpoch: number;
  leaderRecoveryState: number;
}

/** The result of an AlterPartition round trip for one partition. */
export type AlterPartitionResult =
  | { errorCode: typeof Errors.NONE.code; leader: number; leaderEpoch: number; isr: number[]; partitionEpoch: number }
  | { errorCode: number };

export interface AlterPartitionManager {
  submit(item: AlterPartitionItem): Promise<AlterPartitionResult>;
}

export interface PartitionDeps {
  localBrokerId: number;
  time: { milliseconds(): number };
  getOrCreateLog(tp: TopicPartition, isNew: boolean): Log;
  alterPartitionManager: AlterPartitionManager;
  replicaLagTimeMaxMs: number;
  /** Topic-level min.insync.replicas. */
  minInSyncReplicas(topic: string): number;
  /** Live brokers: a follower may join the ISR only when it is a live broker (ZK mode). */
  isBrokerAlive(brokerId: number): boolean;
  /** Called when the ISR or high watermark changed, so delayed produce/fetch can complete. */
  onHighWatermarkOrIsrChange?(tp: TopicPartition): void;
  /** A committed ISR change: shrink (true) or expansion (false). */
  onIsrChange?(shrink: boolean): void;
}

export { FetchIsolation };

/** What one fetch of this partition read (Kafka's LogReadInfo): records (and aborted transactions) or a divergence. */
export interface LogReadInfo {
  fetchedData: FetchDataInfo;
  /** Set when the fetcher's last fetched epoch ends before its fetch offset here (KIP-595): truncate, nothing read. */
  divergingEpoch: { epoch: number; endOffset: bigint } | null;
  highWatermark: bigint;
  logStartOffset: bigint;
  logEndOffset: bigint;
  lastStableOffset: bigint;
}

interface IsrState {
  isr: number[];
  /** The ISR the high watermark is computed against: includes a pending expansion, excludes nothing pending a shrink. */
  maximalIsr: number[];
  pending: boolean;
}

export class Partition {
  readonly log: Logger;
  private localLog: Log | null = null;
  private leaderReplicaIdOpt: number | null = null;
  private _leaderEpoch = -1;
  private leaderEpochStartOffset: bigint | null = null;
  private _partitionEpoch = -1;
  private _controllerEpoch = -1;
  private assignment: number[] = [];
  private isrState: IsrState = { isr: [], maximalIsr: [], pending: false };
  private remoteReplicas = new Map<number, Replica>();

  constructor(readonly topicPartition: TopicPartition, private readonly deps: PartitionDeps) {
    this.log = logger('kafka.cluster.Partition', { topicPartition: `${topicPartition.topic}-${topicPartition.partition}` });
  }

  get topic(): string {
    return this.topicPartition.topic;
  }

  get leaderEpoch(): number {
    return this._leaderEpoch;
  }

  get partitionEpoch(): number {
    return this._partitionEpoch;
  }

  get leaderReplicaId(): number | null {
    return this.leaderReplicaIdOpt;
  }

  get isLeader(): boolean {
    return this.leaderReplicaIdOpt === this.deps.localBrokerId;
  }

  get inSyncReplicaIds(): readonly number[] {
    return this.isrState.isr;
  }

  get assignedReplicas(): readonly number[] {
    return this.assignment;
  }

  get localLogOrNull(): Log | null {
    return this.localLog;
  }

  localLogOrException(): Log {
    if (!this.localLog) throw new NotLeaderOrFollowerError(`Log for partition ${this.topic}-${this.topicPartition.partition} is not available on broker ${this.deps.localBrokerId}`);
    return this.localLog;
  }

  /** Under-replicated: a leader whose ISR is smaller than its assignment. */
  get isUnderReplicated(): boolean {
    return this.isLeader && this.isrState.isr.length < this.assignment.length;
  }

  get isUnderMinIsr(): boolean {
    return this.isLeader && this.isrState.isr.length < this.deps.minInSyncReplicas(this.topic);
  }

  createLogIfNotExists(isNew: boolean): Log {
    if (!this.localLog) this.localLog = this.deps.getOrCreateLog(this.topicPartition, isNew);
    return this.localLog;
  }

  /**
   * The replica's future log took the current log's place (Kafka's
   * maybeReplaceCurrentWithFutureReplica, the Partition side): same offsets, another log dir.
   */
  replaceCurrentLog(log: Log): void {
    if (!this.localLog) throw new NotLeaderOrFollowerError(`No current log of ${this.topic}-${this.topicPartition.partition} to replace`);
    this.localLog = log;
  }

  /** Forgets the log (StopReplica / deletion); the LogManager deletes or keeps its files. */
  detachLog(): Log | null {
    const l = this.localLog;
    this.localLog = null;
    this.leaderReplicaIdOpt = null;
    this.remoteReplicas.clear();
    return l;
  }

  /** Becomes leader (Partition.makeLeader); returns true when this broker was not the leader before. */
  makeLeader(state: PartitionState): boolean {
    const log = this.createLogIfNotExists(state.isNew);
    const now = this.deps.time.milliseconds();
    const isNewLeader = !this.isLeader;
    const epochChanged = state.leaderEpoch !== this._leaderEpoch;
    this.updateAssignmentAndIsr(state);
    if (epochChanged || this.leaderEpochStartOffset === null) {
      const leo = log.logEndOffset;
      this.leaderEpochStartOffset = leo;
      log.leaderEpochCache.assign(state.leaderEpoch, leo);
      this.log.info(`Leader ${this.topic}-${this.topicPartition.partition} with leader epoch ${state.leaderEpoch} starts at offset ${leo}; ISR [${state.isr.join(',')}]`);
    }
    this.leaderReplicaIdOpt = this.deps.localBrokerId;
    this._leaderEpoch = state.leaderEpoch;
    this._partitionEpoch = state.partitionEpoch;
    this._controllerEpoch = state.controllerEpoch;
    for (const r of this.remoteReplicas.values()) {
      r.resetReplicaState(now, log.logEndOffset, isNewLeader, this.isrState.isr.includes(r.brokerId));
    }
    this.maybeIncrementLeaderHW(now);
    return isNewLeader;
  }

  /** Becomes follower (Partition.makeFollower); returns true when the leader or its epoch changed. */
  makeFollower(state: PartitionState): boolean {
    this.createLogIfNotExists(state.isNew);
    const changed = this.leaderReplicaIdOpt !== state.leader || this._leaderEpoch !== state.leaderEpoch;
    this.updateAssignmentAndIsr(state);
    this.leaderReplicaIdOpt = state.leader;
    this._leaderEpoch = state.leaderEpoch;
    this._partitionEpoch = state.partitionEpoch;
    this._controllerEpoch = state.controllerEpoch;
    this.leaderEpochStartOffset = null;
    this.remoteReplicas.clear();
    return changed;
  }

  private updateAssignmentAndIsr(state: PartitionState): void {
    this.assignment = [...state.replicas];
    const remote = state.replicas.filter((r) => r !== this.deps.localBrokerId);
    for (const id of [...this.remoteReplicas.keys()]) if (!remote.includes(id)) this.remoteReplicas.delete(id);
    for (const id of remote) if (!this.remoteReplicas.has(id)) this.remoteReplicas.set(id, new Replica(id));
    this.isrState = { isr: [...state.isr], maximalIsr: [...state.isr], pending: false };
  }

  /** Checks a fetcher's current leader epoch against ours (KIP-320). */
  private checkCurrentLeaderEpoch(currentLeaderEpoch: number): void {
    if (currentLeaderEpoch < 0) return;
    if (currentLeaderEpoch < this._leaderEpoch) throw new FencedLeaderEpochError(`Epoch ${currentLeaderEpoch} is older than the current leader epoch ${this._leaderEpoch}`);
    if (currentLeaderEpoch > this._leaderEpoch) throw new UnknownLeaderEpochError(`Epoch ${currentLeaderEpoch} is newer than the current leader epoch ${this._leaderEpoch}`);
  }

  /** `decompressed`: compressed entries of `records` already inflated off the event loop. */
  appendRecordsToLeader(records: Buffer, requiredAcks: number, origin: AppendOrigin = 'client', decompressed?: DecompressedEntries): LogAppendInfo {
    if (!this.isLeader || !this.localLog) {
      throw new NotLeaderOrFollowerError(`Leader not local for partition ${this.topic}-${this.topicPartition.partition} on broker ${this.deps.localBrokerId}`);
    }
    const minIsr = this.deps.minInSyncReplicas(this.topic);
    if (requiredAcks === -1 && this.isrState.isr.length < minIsr) {
      throw new NotEnoughReplicasError(
        `The size of the current ISR [${this.isrState.isr.join(',')}] is insufficient to satisfy the min.isr requirement of ${minIsr} for partition ${this.topic}-${this.topicPartition.partition}`,
      );
    }
    const info = this.localLog.appendAsLeader(records, this._leaderEpoch, origin, decompressed);
    this.maybeIncrementLeaderHW(this.deps.time.milliseconds());
    return info;
  }

  /** For DelayedProduce: whether acks=all is satisfied for `requiredOffset`, and with which error code. */
  checkEnoughReplicasReachOffset(requiredOffset: bigint): { done: boolean; errorCode: number } {
    if (!this.isLeader || !this.localLog) return { done: true, errorCode: Errors.NOT_LEADER_OR_FOLLOWER.code };
    if (this.localLog.highWatermark >= requiredOffset) {
      const minIsr = this.deps.minInSyncReplicas(this.topic);
      return { done: true, errorCode: this.isrState.isr.length >= minIsr ? Errors.NONE.code : Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND.code };
    }
    return { done: false, errorCode: Errors.NONE.code };
  }

  /**
   * Kafka's Partition.fetchRecords, on the leader: checks the fetcher's leader epoch, answers a
   * diverging epoch to a fetcher whose last fetched epoch ends before its fetch offset here
   * (KIP-595), records a follower's fetch position (ISR expansion, high watermark), then reads
   * under `isolation` (decided by the Fetch handler).
   */
  fetchRecords(opts: {
    replicaId: number;
    fetchOffset: bigint;
    /** A follower's log start offset (ignored for consumers). */
    followerLogStartOffset: bigint;
    lastFetchedEpoch: number;
    maxBytes: number;
    isolation: FetchIsolation;
    minOneMessage: boolean;
    currentLeaderEpoch: number;
  }): LogReadInfo {
    this.checkCurrentLeaderEpoch(opts.currentLeaderEpoch);
    if (!this.isLeader) {
      throw new NotLeaderOrFollowerError(`Leader not local for partition ${this.topic}-${this.topicPartition.partition} on broker ${this.deps.localBrokerId}`);
    }
    const log = this.localLogOrException();
    // Kafka's followerReplicaOrThrow: only an assigned replica may fetch as a follower.
    if (opts.replicaId >= 0 && !this.remoteReplicas.has(opts.replicaId)) {
      throw new NotLeaderOrFollowerError(`Received fetch request from non-replica ${opts.replicaId} for ${this.topic}-${this.topicPartition.partition}`);
    }
    if (opts.lastFetchedEpoch >= 0) {
      const end = log.endOffsetForEpoch(opts.lastFetchedEpoch);
      if (end.epoch < opts.lastFetchedEpoch || end.endOffset < opts.fetchOffset) {
        return { ...this.offsetSnapshot(log), fetchedData: { fetchOffsetMetadata: log.logEndOffsetMetadata, records: Buffer.alloc(0), firstEntryIncomplete: false }, divergingEpoch: end };
      }
    }
    if (opts.replicaId >= 0) this.updateFollowerFetchState(opts.replicaId, opts.fetchOffset, opts.followerLogStartOffset);
    if (opts.fetchOffset < log.logStartOffset || opts.fetchOffset > log.logEndOffset) {
      throw new OffsetOutOfRangeError(
        `Received request for offset ${opts.fetchOffset} for partition ${this.topic}-${this.topicPartition.partition}, but we only have log segments in the range ${log.logStartOffset} to ${log.logEndOffset}.`,
      );
    }
    const snapshot = this.offsetSnapshot(log);
    const fetchedData = log.read(opts.fetchOffset, opts.maxBytes, opts.isolation, opts.minOneMessage);
    return { ...snapshot, fetchedData, divergingEpoch: null };
  }

  private offsetSnapshot(log: Log): { highWatermark: bigint; logStartOffset: bigint; logEndOffset: bigint; lastStableOffset: bigint } {
    return { highWatermark: log.highWatermark, logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset, lastStableOffset: log.lastStableOffset };
  }

  /**
   * ListOffsets v1+ (Kafka's Partition.fetchOffsetForTimestamp) on the leader: latest is the last
   * offset the asker may fetch (log end for followers, high watermark or last stable offset for
   * consumers by `isolation`), earliest is the log start; a time finds the first record at or after
   * it below that bound. Undefined when nothing qualifies. A consumer asking a new leader whose high
   * watermark still lags the start of its epoch gets OFFSET_NOT_AVAILABLE (retriable) instead of an
   * offset that went backwards.
   */
  fetchOffsetForTimestamp(timestamp: bigint, isolation: FetchIsolation, currentLeaderEpoch: number): TimestampAndOffset | undefined {
    const log = this.leaderLogWithEpoch(currentLeaderEpoch);
    const lastFetchable = log.fetchUpperBound(isolation);
    const epochStart = this.leaderEpochStartOffset;
    const lagging = isolation !== FetchIsolation.LOG_END && epochStart !== null && epochStart > log.highWatermark
      ? new OffsetNotAvailableError(`Failed to fetch offsets for partition ${this.topic}-${this.topicPartition.partition} with leader epoch ${this._leaderEpoch} as this partition's high watermark (${log.highWatermark}) is lagging behind the start offset from the beginning of this epoch (${epochStart}).`)
      : undefined;
    if (timestamp === LATEST_TIMESTAMP) {
      if (lagging) throw lagging;
      return { timestamp: -1n, offset: lastFetchable, leaderEpoch: this._leaderEpoch };
    }
    // No tiered storage: the local log is the whole log, and nothing is tiered.
    if (timestamp === LATEST_TIERED_TIMESTAMP) return { timestamp: -1n, offset: -1n, leaderEpoch: -1 };
    if (timestamp === EARLIEST_LOCAL_TIMESTAMP) timestamp = EARLIEST_TIMESTAMP;
    const found = log.fetchOffsetByTimestamp(timestamp);
    if (timestamp === EARLIEST_TIMESTAMP) return found;
    if (!found || found.offset >= lastFetchable) {
      if (lagging) throw lagging;
      return undefined;
    }
    return { ...found, leaderEpoch: found.leaderEpoch ?? log.leaderEpochCache.epochForOffset(found.offset) };
  }

  /**
   * ListOffsets v0 (Kafka's Partition.legacyFetchOffsetsForTimestamp): the log's segment-based
   * offsets; a consumer gets offsets past the high watermark replaced by the high watermark.
   */
  legacyFetchOffsetsForTimestamp(timestamp: bigint, maxNumOffsets: number, isFromConsumer: boolean): bigint[] {
    const log = this.leaderLogWithEpoch(-1);
    const all = log.legacyFetchOffsetsBefore(timestamp, maxNumOffsets);
    if (!isFromConsumer) return all;
    const hw = log.highWatermark;
    if (!all.some((o) => o > hw)) return all;
    return [hw, ...all.filter((o) => o <= hw)];
  }

  private leaderLogWithEpoch(currentLeaderEpoch: number): Log {
    this.checkCurrentLeaderEpoch(currentLeaderEpoch);
    if (!this.isLeader) {
      throw new NotLeaderOrFollowerError(`Leader not local for partition ${this.topic}-${this.topicPartition.partition} on broker ${this.deps.localBrokerId}`);
    }
    return this.localLogOrException();
  }

  /** The offset a read under `isolation` stops before (for DelayedFetch). */
  fetchUpperBound(isolation: FetchIsolation): bigint {
    return this.localLogOrException().fetchUpperBound(isolation);
  }

  /** min(first offset of the ongoing transactions, high watermark) (Kafka's UnifiedLog.lastStableOffset). */
  lastStableOffset(): bigint {
    return this.localLog?.lastStableOffset ?? 0n;
  }

  /**
   * A follower fetched from `fetchOffset` (Partition.updateFollowerFetchState): record it, maybe
   * expand the ISR, maybe advance the high watermark. Returns false for a replica not assigned here.
   */
  updateFollowerFetchState(replicaId: number, fetchOffset: bigint, followerLogStartOffset: bigint): boolean {
    const replica = this.remoteReplicas.get(replicaId);
    const log = this.localLog;
    if (!replica || !log) return false;
    const now = this.deps.time.milliseconds();
    replica.updateFetchState(fetchOffset, followerLogStartOffset, now, log.logEndOffset);
    this.maybeExpandIsr(replica);
    if (this.maybeIncrementLeaderHW(now)) this.deps.onHighWatermarkOrIsrChange?.(this.topicPartition);
    return true;
  }

  /** HW = min log end offset over the leader and the maximal ISR (Partition.maybeIncrementLeaderHW). */
  maybeIncrementLeaderHW(_now: number): boolean {
    const log = this.localLog;
    if (!log || !this.isLeader) return false;
    let newHw = log.logEndOffset;
    for (const id of this.isrState.maximalIsr) {
      if (id === this.deps.localBrokerId) continue;
      const r = this.remoteReplicas.get(id);
      const leo = r?.logEndOffset ?? -1n;
      if (leo < newHw) newHw = leo;
    }
    if (newHw > log.highWatermark) {
      log.updateHighWatermark(newHw);
      this.log.debug(`High watermark updated to ${newHw}`);
      return true;
    }
    return false;
  }

  private isFollowerInSync(r: Replica): boolean {
    const log = this.localLog;
    if (!log) return false;
    const epochStart = this.leaderEpochStartOffset ?? 0n;
    return r.logEndOffset >= log.highWatermark && r.logEndOffset >= epochStart;
  }

  private maybeExpandIsr(r: Replica): void {
    if (this.isrState.pending || this.isrState.isr.includes(r.brokerId)) return;
    if (!this.isFollowerInSync(r) || !this.deps.isBrokerAlive(r.brokerId)) return;
    const newIsr = [...this.isrState.isr, r.brokerId];
    this.log.info(`Expanding ISR from ${this.isrState.isr.join(',')} to ${newIsr.join(',')}`);
    this.submitIsrChange({ isr: this.isrState.isr, maximalIsr: newIsr, pending: true }, newIsr);
  }

  /** Removes followers that have not caught up within replica.lag.time.max.ms (Partition.maybeShrinkIsr). */
  maybeShrinkIsr(): void {
    if (!this.isLeader || this.isrState.pending || !this.localLog) return;
    const now = this.deps.time.milliseconds();
    const leo = this.localLog.logEndOffset;
    const outOfSync = this.isrState.isr.filter((id) => {
      if (id === this.deps.localBrokerId) return false;
      const r = this.remoteReplicas.get(id);
      if (!r) return true;
      // A follower at the leader's end is in sync whatever its timestamp says.
      if (r.logEndOffset >= leo && r.logEndOffset >= 0n) return false;
      return now - r.lastCaughtUpTimeMs > this.deps.replicaLagTimeMaxMs;
    });
    if (outOfSync.length === 0) return;
    const newIsr = this.isrState.isr.filter((id) => !outOfSync.includes(id));
    this.log.info(`Shrinking ISR from ${this.isrState.isr.join(',')} to ${newIsr.join(',')}: out of sync replicas ${outOfSync.join(',')}`);
    this.submitIsrChange({ isr: this.isrState.isr, maximalIsr: this.isrState.isr, pending: true }, newIsr);
  }

  private submitIsrChange(pendingState: IsrState, newIsr: number[]): void {
    this.isrState = pendingState;
    const epochAtSubmit = this._leaderEpoch;
    const item: AlterPartitionItem = {
      tp: this.topicPartition,
      leaderEpoch: this._leaderEpoch,
      newIsr,
      partitionEpoch: this._partitionEpoch,
      leaderRecoveryState: 0,
    };
    this.deps.alterPartitionManager.submit(item).then(
      (result) => this.handleAlterPartitionResult(result, epochAtSubmit),
      (err: unknown) => {
        this.log.warn(`AlterPartition failed: ${(err as Error).message}`);
        if (this._leaderEpoch === epochAtSubmit) this.isrState = { isr: this.isrState.isr, maximalIsr: this.isrState.isr, pending: false };
      },
    );
  }

  private handleAlterPartitionResult(result: AlterPartitionResult, epochAtSubmit: number): void {
    // A LeaderAndIsr may have moved us on meanwhile: then this answer is stale.
    if (this._leaderEpoch !== epochAtSubmit || !this.isrState.pending) return;
    if (result.errorCode !== Errors.NONE.code || !('isr' in result)) {
      this.log.info(`AlterPartition was rejected with error ${result.errorCode}; keeping ISR ${this.isrState.isr.join(',')}`);
      this.isrState = { isr: this.isrState.isr, maximalIsr: this.isrState.isr, pending: false };
      return;
    }
    if (result.leaderEpoch !== this._leaderEpoch) return;
    const shrink = result.isr.length < this.isrState.isr.length;
    this.isrState = { isr: result.isr, maximalIsr: result.isr, pending: false };
    this.deps.onIsrChange?.(shrink);
    this._partitionEpoch = result.partitionEpoch;
    this.log.info(`ISR updated to ${result.isr.join(',')} and partition epoch to ${result.partitionEpoch}`);
    this.maybeIncrementLeaderHW(this.deps.time.milliseconds());
    this.deps.onHighWatermarkOrIsrChange?.(this.topicPartition);
  }

  /**
   * DeleteRecords on the leader (Partition.deleteRecordsOnLeader): -1 means the high watermark; an
   * offset past it is OFFSET_OUT_OF_RANGE. Returns the new low watermark.
   */
  deleteRecordsOnLeader(offset: bigint): bigint {
    if (!this.isLeader || !this.localLog) throw new NotLeaderOrFollowerError(`Leader not local for partition ${this.topic}-${this.topicPartition.partition}`);
    const log = this.localLog;
    const target = offset === -1n ? log.highWatermark : offset;
    if (target < 0n || target > log.highWatermark) {
      throw new OffsetOutOfRangeError(`Cannot increment the log start offset to ${target} of partition ${this.topic}-${this.topicPartition.partition} since it is larger than the high watermark ${log.highWatermark}`);
    }
    log.maybeIncrementLogStartOffset(target, 'ClientRecordDeletion');
    return this.lowWatermarkIfLeader();
  }

  /** The smallest log start offset over the leader and the followers on live brokers. */
  lowWatermarkIfLeader(): bigint {
    const log = this.localLogOrException();
    let low = log.logStartOffset;
    for (const r of this.remoteReplicas.values()) {
      if (!this.deps.isBrokerAlive(r.brokerId)) continue;
      if (r.logStartOffset < low) low = r.logStartOffset;
    }
    return low;
  }

  get controllerEpoch(): number {
    return this._controllerEpoch;
  }
}
