/**
 * Kafka's `UnifiedLog` + `LocalLog` for one partition: an ordered list of LogSegments in
 * `<log.dir>/<topic>-<partition>/`, appended at the end and read from any offset.
 *
 * Offsets are `bigint` on every public method (Kafka's int64); inside, segments and indexes use
 * JS numbers, which is exact below 2^53 — offsets at or past 2^53 are refused with
 * KafkaStorageError (appends) or OffsetOutOfRangeError (reads).
 *
 * I/O: synchronous fs calls on the append and read paths (one pwrite per append, one pread per
 * read; measured faster than the promise API for this workload — see scripts/bench/log.ts), no
 * fsync per append: like Kafka's defaults (flush.messages = flush.ms = Long.MAX) durability comes
 * from the page cache plus replication. The log is flushed when a segment rolls (fsyncs in the
 * libuv pool, then the recovery point moves), on close, and when flush.messages / flush.ms say so
 * (a synchronous fsync, as Kafka's flush blocks its caller).
 *
 * I/O errors (Kafka's maybeHandleIOException): any error from a system call in a public operation
 * marks the log's dir offline in the LogDirFailureChannel and surfaces as KafkaStorageError; once
 * the dir is offline every operation answers KafkaStorageError. Segments leaving the log (retention,
 * truncation, cleaning) are renamed `.deleted` and keep their descriptors until the delete after
 * file.delete.delay.ms, so a flush still pending on them finishes on an open file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { KafkaStorageError, OffsetOutOfRangeError, RecordListTooLargeError } from '../protocol/errors.js';
import { logger, type Logger } from '../utils/logger.js';
import { analyzeBatches, MAX_SAFE_OFFSET, validateAndAssignOffsets } from './assign-offsets.js';
import { LEADER_EPOCH_CHECKPOINT_FILE, LeaderEpochCheckpointFile } from './checkpoint-file.js';
import { UnexpectedAppendOffsetError } from './errors.js';
import { LeaderEpochFileCache } from './leader-epoch-file-cache.js';
import { isDelete, toLogConfig, type LogConfig } from './log-config.js';
import { SYSTEM_TIME, type Time } from '../common/time.js';
import { DELETED_FILE_SUFFIX } from './log-file-utils.js';
import type { TopicPartition } from '../common/topic-partition.js';
import { sharedFileHandleCache, type FileHandleCache } from './file-handle-cache.js';
import { isIOError, LogDirFailureChannel } from './log-dir-failure-channel.js';
import { loadSegments } from './log-loader.js';
import { EARLIEST_TIMESTAMP, FetchIsolation, LATEST_TIMESTAMP, MAX_TIMESTAMP, toSafeOffset, type LogAppendInfo, type LogLoadOptions } from './log-types.js';
import type { AppendOrigin } from '../record/log-validator.js';
import type { DecompressedEntries } from '../record/decompressed-entries.js';
import { LogSegment, type FetchDataInfo, type LogOffsetMetadata, type TimestampAndOffset } from './log-segment.js';
import { ProducerStateManager, type CompletedTxn } from './producer-state-manager.js';
import { producerBatchesIn } from './producer-batches.js';
import type { AbortedTxn } from './transaction-index.js';

export type { FetchDataInfo, LogOffsetMetadata, TimestampAndOffset };
export { EARLIEST_LOCAL_TIMESTAMP, EARLIEST_TIMESTAMP, LATEST_TIERED_TIMESTAMP, LATEST_TIMESTAMP, MAX_TIMESTAMP, toSafeOffset } from './log-types.js';
export { FetchIsolation } from './log-types.js';
export type { LogAppendInfo, LogLoadOptions } from './log-types.js';

const EMPTY = Buffer.alloc(0);

export class Log {
  readonly log: Logger;
  config: LogConfig;
  readonly clock: Time;
  readonly leaderEpochCache: LeaderEpochFileCache;
  /** Kafka's ProducerStateManager (idempotence, transactions, last stable offset). */
  readonly producerStateManager: ProducerStateManager;
  private segments: LogSegment[];
  private _logEndOffset: number;
  private _logStartOffset: number;
  private _recoveryPoint: number;
  private _highWatermark: number;
  private unflushedMessages = 0;
  private _lastFlushTime: number;
  private pendingFlushes = new Set<Promise<void>>();
  private pendingDeletes = new Map<{ cancel(): void }, () => void>();
  readonly logDirFailureChannel: LogDirFailureChannel;
  /** The log dir holding this partition's directory (Kafka's parentDir; renameDir stays inside it). */
  readonly parentDir: string;
  private readonly fileHandleCache: FileHandleCache;
  private closed = false;

  private constructor(
    public dir: string,
    readonly topicPartition: TopicPartition,
    config: LogConfig,
    clock: Time,
    segments: LogSegment[],
    nextOffset: number,
    logStartOffset: number,
    recoveryPoint: number,
    cache: LeaderEpochFileCache,
    channel: LogDirFailureChannel,
    fileHandleCache: FileHandleCache,
  ) {
    this.logDirFailureChannel = channel;
    this.parentDir = path.dirname(dir);
    this.fileHandleCache = fileHandleCache;
    this.log = logger('log.Log', { topicPartition: `${topicPartition.topic}-${topicPartition.partition}` });
    this.config = config;
    this.clock = clock;
    this.segments = segments;
    this._logEndOffset = nextOffset;
    this._logStartOffset = logStartOffset;
    this._recoveryPoint = recoveryPoint;
    this._highWatermark = logStartOffset;
    this._lastFlushTime = clock.milliseconds();
    this.leaderEpochCache = cache;
    this.producerStateManager = new ProducerStateManager(dir);
    this.activeSegment.markActive();
  }


  /** Runs an operation that touches files (Kafka's maybeHandleIOException). */
  private io<T>(what: string, fn: () => T): T {
    return this.logDirFailureChannel.maybeHandleIOException(this.parentDir, () => `Error while ${what} for ${this.topicPartition.topic}-${this.topicPartition.partition} in dir ${this.parentDir}`, fn);
  }

  /** Opens the partition directory (creating it), recovering it as Kafka's LogLoader does. */
  static load(opts: LogLoadOptions): Log {
    const config = toLogConfig(opts.config ?? {});
    const clock = opts.clock ?? SYSTEM_TIME;
    const channel = opts.logDirFailureChannel ?? new LogDirFailureChannel();
    const fileHandleCache = opts.fileHandleCache ?? sharedFileHandleCache;
    return channel.maybeHandleIOException(path.dirname(opts.dir), () => `Error while loading log ${opts.dir}`, () => {
      fs.mkdirSync(opts.dir, { recursive: true });
      return Log.loadIn(opts, config, clock, channel, fileHandleCache);
    });
  }

  private static loadIn(opts: LogLoadOptions, config: LogConfig, clock: Time, channel: LogDirFailureChannel, fileHandleCache: FileHandleCache): Log {
    const log = logger('log.LogLoader', { dir: opts.dir });
    const cache = new LeaderEpochFileCache(new LeaderEpochCheckpointFile(path.join(opts.dir, LEADER_EPOCH_CHECKPOINT_FILE)));
    const checkpointStart = toSafeOffset(opts.logStartOffset ?? 0n, (m) => new KafkaStorageError(m));
    const recovered: [number, number][] = [];
    const loaded = loadSegments({
      dir: opts.dir,
      config,
      clock,
      recoveryPoint: toSafeOffset(opts.recoveryPoint ?? 0n, (m) => new KafkaStorageError(m)),
      logStartOffset: checkpointStart,
      hadCleanShutdown: opts.hadCleanShutdown ?? false,
      log,
      fileHandleCache,
      onRecoveredBatch: (epoch, base) => {
        if (epoch >= 0) recovered.push([epoch, base]);
      },
    });
    const first = loaded.segments[0]!;
    let logStartOffset = Math.max(checkpointStart, first.baseOffset);
    for (const [epoch, base] of recovered) {
      // As Kafka's recovery: only epochs newer than the cache's latest are recorded.
      const latest = cache.latestEpoch();
      if (latest === undefined || epoch > latest) cache.assign(epoch, BigInt(base));
    }
    cache.truncateFromEnd(BigInt(loaded.nextOffset));
    const l = new Log(opts.dir, opts.topicPartition, config, clock, loaded.segments, loaded.nextOffset, logStartOffset, loaded.recoveryPoint, cache, channel, fileHandleCache);
    if (logStartOffset > loaded.nextOffset) {
      // Every segment was removed below the start offset: start afresh there (Kafka does the same).
      l.truncateFullyAndStartAt(BigInt(logStartOffset));
      logStartOffset = l._logStartOffset;
    } else {
      cache.truncateFromStart(BigInt(logStartOffset));
    }
    l.loadProducerState();
    if (loaded.bytesTruncated > 0) l.log.warn({ bytesTruncated: loaded.bytesTruncated }, 'Recovery truncated the log');
    l.log.debug({ logStartOffset, logEndOffset: l._logEndOffset, segments: loaded.segments.length }, 'Loaded log');
    return l;
  }

  // ---- offsets ----

  get logEndOffset(): bigint {
    return BigInt(this._logEndOffset);
  }

  get logStartOffset(): bigint {
    return BigInt(this._logStartOffset);
  }

  get recoveryPoint(): bigint {
    return BigInt(this._recoveryPoint);
  }

  get highWatermark(): bigint {
    return BigInt(this._highWatermark);
  }

  get lastFlushTime(): number {
    return this._lastFlushTime;
  }

  get logEndOffsetMetadata(): LogOffsetMetadata {
    const a = this.activeSegment;
    return { messageOffset: this.logEndOffset, segmentBaseOffset: BigInt(a.baseOffset), relativePositionInSegment: a.size };
  }

  /** Sets the high watermark, clamped to [logStartOffset, logEndOffset]; returns the value set. */
  updateHighWatermark(hw: bigint): bigint {
    const n = Math.min(Math.max(toSafeOffset(hw, (m) => new OffsetOutOfRangeError(m)), this._logStartOffset), this._logEndOffset);
    this._highWatermark = n;
    return BigInt(n);
  }

  get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1]!;
  }

  logSegments(): readonly LogSegment[] {
    return this.segments;
  }

  get numberOfSegments(): number {
    return this.segments.length;
  }

  /** Total bytes of all segments. */
  size(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }

  /** Index of the segment with the largest base offset <= offset, or -1. */
  private floorSegmentIndex(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    if (hi < 0 || this.segments[0]!.baseOffset > offset) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  // ---- append ----

  /**
   * Appends a producer's (or a coordinator's) batches: Kafka's LogValidator, run with this log's
   * config, validates them and assigns offsets from the log end offset with `leaderEpoch`; the
   * batches are written unchanged after that. Returns the append's offsets and timestamps.
   */
  appendAsLeader(records: Buffer, leaderEpoch: number, origin: AppendOrigin = 'client', decompressed?: DecompressedEntries): LogAppendInfo {
    this.checkNotClosed();
    return this.io('appending records', () => this.doAppendAsLeader(records, leaderEpoch, origin, decompressed));
  }

  private doAppendAsLeader(records: Buffer, leaderEpoch: number, origin: AppendOrigin, decompressed: DecompressedEntries | undefined): LogAppendInfo {
    if (records.length === 0) return this.appendInfo(analyzeBatches(records, 0), -1); // nothing to append, as Kafka
    const result = validateAndAssignOffsets(records, this.config, { firstOffset: this._logEndOffset, leaderEpoch, now: this.clock.milliseconds(), origin, decompressed });
    const info = result.info;
    if (info.shallowCount === 0) return this.appendInfo(info, -1); // nothing to append, as Kafka
    if (info.lastOffset >= MAX_SAFE_OFFSET) throw new KafkaStorageError('Offsets past 2^53 are not supported');
    const { batches } = producerBatchesIn(result.validatedRecords);
    let prepared: ReturnType<ProducerStateManager['prepareUpdate']> | undefined;
    if (batches.length > 0) {
      if (origin === 'client') {
        // Kafka's analyzeAndValidateProducerState: a retried batch is answered with its original offsets.
        const dup = this.producerStateManager.findDuplicateBatch(batches[0]!);
        if (dup) return { ...this.appendInfo(info, -1), firstOffset: BigInt(dup.firstOffset), lastOffset: BigInt(dup.lastOffset), duplicate: true };
      }
      prepared = this.producerStateManager.prepareUpdate(batches, origin);
    }
    this.append(result.validatedRecords, info.firstOffset, info.lastOffset, info.maxTimestamp, info.shallowOffsetOfMaxTimestamp, info.numMessages);
    if (leaderEpoch >= 0) this.leaderEpochCache.assign(leaderEpoch, BigInt(info.firstOffset));
    if (prepared) this.completeProducerUpdate(prepared);
    else this.producerStateManager.mapEndOffset = this._logEndOffset;
    return this.appendInfo(info, result.logAppendTime);
  }

  /**
   * Appends a leader's batches with their offsets kept. The first offset must equal the log end
   * offset (UnexpectedAppendOffsetError otherwise: a gap or an overlap).
   */
  appendAsFollower(records: Buffer): LogAppendInfo {
    this.checkNotClosed();
    return this.io('appending records as a follower', () => this.doAppendAsFollower(records));
  }

  private doAppendAsFollower(records: Buffer): LogAppendInfo {
    if (records.length === 0) return this.appendInfo(analyzeBatches(records, 0), -1);
    const info = analyzeBatches(records, Math.max(this.config['max.message.bytes'], this.config['segment.bytes']));
    if (info.firstOffset !== this._logEndOffset) {
      throw new UnexpectedAppendOffsetError(
        `Follower append at offset ${info.firstOffset} does not continue log end offset ${this._logEndOffset}`,
        BigInt(info.firstOffset),
        BigInt(info.lastOffset),
      );
    }
    const { batches } = producerBatchesIn(records);
    this.append(records, info.firstOffset, info.lastOffset, info.maxTimestamp, info.shallowOffsetOfMaxTimestamp, info.numMessages);
    if (batches.length > 0) this.completeProducerUpdate(this.producerStateManager.prepareUpdate(batches, 'replication'));
    else this.producerStateManager.mapEndOffset = this._logEndOffset;
    for (let p = 0; p < records.length; ) {
      const epoch = records.readInt32BE(p + 12);
      if (epoch >= 0) this.leaderEpochCache.assign(epoch, BigInt(Number(records.readBigInt64BE(p))));
      p += records.readInt32BE(p + 8) + 12;
    }
    return this.appendInfo(info, -1);
  }

  /** Commits producer state after an append; aborted transactions go to the active segment's .txnindex. */
  private completeProducerUpdate(prepared: ReturnType<ProducerStateManager['prepareUpdate']>): void {
    const psm = this.producerStateManager;
    const lsos = prepared.completed.map((t) => psm.lastStableOffset(t));
    psm.update(prepared, this._logEndOffset);
    prepared.completed.forEach((t, i) => this.updateTxnIndex(t, lsos[i]!));
  }

  private updateTxnIndex(t: CompletedTxn, lastStableOffset: number): void {
    if (!t.isAborted) return;
    const seg = this.segments[Math.max(0, this.floorSegmentIndex(t.lastOffset))]!;
    try {
      seg.txnIndex.append({ producerId: t.producerId, firstOffset: BigInt(t.firstOffset), lastOffset: BigInt(t.lastOffset), lastStableOffset: BigInt(lastStableOffset) });
    } catch (err) {
      this.log.warn({ err }, 'Could not index an aborted transaction');
    }
  }

  // ---- producer state (Kafka's UnifiedLog.loadProducerState / rebuildProducerState) ----

  /**
   * Rebuilds the producer state: the newest snapshot at or below the log end offset, then every
   * batch after it replayed from the log (the aborted transactions they complete re-indexed only
   * when the segment's .txnindex has not got them yet).
   */
  loadProducerState(): void {
    const psm = this.producerStateManager;
    const snap = psm.loadLatestSnapshot(this._logEndOffset);
    let offset = Math.max(snap, this._logStartOffset, this.segments[0]!.baseOffset);
    if (snap < 0) psm.mapEndOffset = offset;
    while (offset < this._logEndOffset) {
      const { records } = this.read(BigInt(offset), 1024 * 1024, FetchIsolation.LOG_END, true);
      if (records.length === 0) break;
      const { batches, lastOffset } = producerBatchesIn(records);
      if (lastOffset < offset) break;
      const completed = psm.replay(batches.filter((b) => b.baseOffset >= offset), lastOffset + 1);
      for (const t of completed) {
        const seg = this.segments[Math.max(0, this.floorSegmentIndex(t.lastOffset))]!;
        const known = seg.txnIndex.allAbortedTxns().some((a) => a.lastOffset >= BigInt(t.lastOffset));
        if (!known) this.updateTxnIndex(t, psm.lastStableOffset(t));
      }
      offset = lastOffset + 1;
    }
    psm.mapEndOffset = this._logEndOffset;
  }

  /** The first offset of the oldest ongoing transaction, or undefined (Kafka's firstUnstableOffset). */
  get firstUnstableOffset(): bigint | undefined {
    const o = this.producerStateManager.firstUnstableOffset();
    return o === undefined ? undefined : BigInt(o);
  }

  /** min(first unstable offset, high watermark): what read_committed consumers may see. */
  get lastStableOffset(): bigint {
    const o = this.producerStateManager.firstUnstableOffset();
    return BigInt(o === undefined ? this._highWatermark : Math.min(o, this._highWatermark));
  }

  /** Aborted transactions overlapping [startOffset, upperBoundOffset), from the segments' .txnindex. */
  collectAbortedTransactions(startOffset: bigint, upperBoundOffset: bigint): AbortedTxn[] {
    const out: AbortedTxn[] = [];
    const start = Math.max(0, this.floorSegmentIndex(Number(startOffset)));
    for (let i = start; i < this.segments.length; i++) {
      const r = this.segments[i]!.collectAbortedTxns(startOffset, upperBoundOffset);
      out.push(...r.abortedTransactions);
      if (r.isComplete) break;
    }
    return out;
  }

  private appendInfo(info: ReturnType<typeof analyzeBatches>, logAppendTime: number): LogAppendInfo {
    return {
      firstOffset: BigInt(info.firstOffset),
      lastOffset: BigInt(info.lastOffset),
      maxTimestamp: BigInt(info.maxTimestamp),
      offsetOfMaxTimestamp: BigInt(info.shallowOffsetOfMaxTimestamp),
      logAppendTime: BigInt(logAppendTime),
      logStartOffset: BigInt(this._logStartOffset),
      numMessages: info.numMessages,
      shallowCount: info.shallowCount,
      validBytes: info.validBytes,
      lastLeaderEpoch: info.lastLeaderEpoch,
    };
  }

  private append(records: Buffer, firstOffset: number, lastOffset: number, maxTimestamp: number, offsetOfMaxTs: number, count: number): void {
    if (records.length > this.config['segment.bytes']) {
      // Kafka's RecordBatchTooLargeException.
      throw new RecordListTooLargeError(`Append of ${records.length} bytes exceeds segment.bytes ${this.config['segment.bytes']}`);
    }
    const segment = this.maybeRoll(records.length, firstOffset, lastOffset, maxTimestamp);
    segment.append(lastOffset, maxTimestamp, offsetOfMaxTs, records);
    this._logEndOffset = lastOffset + 1;
    this.unflushedMessages += count;
    if (this.unflushedMessages >= this.config['flush.messages']) this.flush();
  }

  private maybeRoll(messagesSize: number, firstOffset: number, lastOffset: number, maxTimestamp: number): LogSegment {
    const segment = this.activeSegment;
    const roll = segment.shouldRoll({
      maxSegmentBytes: this.config['segment.bytes'],
      maxSegmentMs: this.config['segment.ms'],
      maxTimestampInMessages: maxTimestamp,
      maxOffsetInMessages: lastOffset,
      messagesSize,
      now: this.clock.milliseconds(),
    });
    return roll ? this.roll(BigInt(firstOffset)) : segment;
  }

  /**
   * Starts a new active segment at max(expectedNextOffset, log end offset); the previous one
   * gets its final time-index entry, has its indexes trimmed, and is flushed in the background.
   */
  roll(expectedNextOffset?: bigint): LogSegment {
    this.checkNotClosed();
    return this.io('rolling a segment', () => this.doRoll(expectedNextOffset));
  }

  private doRoll(expectedNextOffset?: bigint): LogSegment {
    const newOffset = Math.max(expectedNextOffset === undefined ? 0 : Number(expectedNextOffset), this._logEndOffset);
    const active = this.activeSegment;
    if (active.baseOffset === newOffset && active.size === 0) return active;
    if (active.baseOffset >= newOffset) throw new KafkaStorageError(`Cannot roll to offset ${newOffset}: active segment starts at ${active.baseOffset}`);
    active.onBecomeInactiveSegment();
    const seg = this.openSegment(newOffset);
    this.segments.push(seg);
    active.markActive(false);
    seg.markActive();
    // Kafka takes a producer snapshot at the new segment's base offset on every roll.
    this.producerStateManager.mapEndOffset = newOffset;
    this.producerStateManager.takeSnapshot();
    this.producerStateManager.retainRecentSnapshots();
    this.log.info({ baseOffset: newOffset }, 'Rolled new log segment');
    this.scheduleFlush(newOffset);
    return seg;
  }

  /** A new segment with this log's settings; segment.jitter.ms picks a random jitter as Kafka does. */
  private openSegment(baseOffset: number): LogSegment {
    const jitter = this.config['segment.jitter.ms'];
    return LogSegment.open(this.dir, baseOffset, {
      indexIntervalBytes: this.config['index.interval.bytes'],
      maxIndexSize: this.config['segment.index.bytes'],
      rollJitterMs: jitter > 0 ? Math.floor(Math.random() * Math.min(jitter, this.config['segment.ms'])) : 0,
      clock: this.clock,
      fileHandleCache: this.fileHandleCache,
    });
  }

  /**
   * Kafka schedules flushUptoOffsetExclusive(newSegment.baseOffset) after a roll; here the
   * fsyncs of the rolled segments run in the libuv pool, then the recovery point moves.
   */
  private scheduleFlush(upTo: number): void {
    const from = this._recoveryPoint;
    const segs = this.segments.filter((s, i) => s.baseOffset < upTo && (this.segments[i + 1]?.baseOffset ?? Infinity) > from);
    const p = Promise.all(segs.map((s) => s.flushAsync())).then(() => {
      if (this.closed || upTo <= this._recoveryPoint) return;
      this._recoveryPoint = Math.min(upTo, this._logEndOffset);
      this._lastFlushTime = this.clock.milliseconds();
    });
    const tracked: Promise<void> = p
      .catch((err: unknown) => {
        if (isIOError(err)) this.logDirFailureChannel.maybeAddOfflineLogDir(this.parentDir, `Error while flushing ${this.topicPartition.topic}-${this.topicPartition.partition} in dir ${this.parentDir}`, err);
        else this.log.error({ err }, 'Background flush failed');
      })
      .finally(() => this.pendingFlushes.delete(tracked));
    this.pendingFlushes.add(tracked);
  }

  /** Resolves when the background flushes started by rolls have finished. */
  async pendingFlushesSettled(): Promise<void> {
    await Promise.all([...this.pendingFlushes]);
  }

  // ---- flush ----

  /** Flushes segments holding offsets in [recoveryPoint, offset) and advances the recovery point. */
  flush(offset: bigint = this.logEndOffset): void {
    this.io('flushing the log', () => this.doFlush(offset));
  }

  private doFlush(offset: bigint): void {
    const upTo = Math.min(Number(offset), this._logEndOffset);
    if (upTo <= this._recoveryPoint) return;
    for (let i = Math.max(0, this.floorSegmentIndex(this._recoveryPoint)); i < this.segments.length; i++) {
      const s = this.segments[i]!;
      if (s.baseOffset >= upTo) break;
      s.flush();
    }
    this._recoveryPoint = upTo;
    this._lastFlushTime = this.clock.milliseconds();
    if (upTo >= this._logEndOffset) this.unflushedMessages = 0;
  }

  /** Whether flush.ms has passed since the last flush (driven by LogManager's flusher). */
  flushDue(now: number): boolean {
    return this._recoveryPoint < this._logEndOffset && now - this._lastFlushTime >= this.config['flush.ms'];
  }

  // ---- read ----

  /** The offset a read under `isolation` stops before: the log end, the high watermark or the last stable offset. */
  fetchUpperBound(isolation: FetchIsolation): bigint {
    if (isolation === FetchIsolation.LOG_END) return BigInt(this._logEndOffset);
    if (isolation === FetchIsolation.HIGH_WATERMARK) return BigInt(this._highWatermark);
    return this.lastStableOffset;
  }

  /**
   * Kafka's UnifiedLog.read: batches starting with the one holding `startOffset`, at most
   * `maxLength` bytes (the first batch whole when `minOneMessage`), stopping before the batch that
   * holds the isolation's upper bound. Segment bytes as stored, no decoding, from one segment; under
   * TXN_COMMITTED also the aborted transactions overlapping what may be read.
   * Throws OffsetOutOfRangeError outside [logStartOffset, logEndOffset].
   */
  read(startOffset: bigint, maxLength: number, isolation: FetchIsolation, minOneMessage: boolean): FetchDataInfo {
    return this.io('reading the log', () => this.doRead(startOffset, maxLength, isolation, minOneMessage));
  }

  private doRead(startOffset: bigint, maxLength: number, isolation: FetchIsolation, minOneMessage: boolean): FetchDataInfo {
    const upperBound = this.fetchUpperBound(isolation);
    const info = this.readUpTo(startOffset, maxLength, isolation === FetchIsolation.LOG_END ? undefined : upperBound, minOneMessage);
    if (isolation !== FetchIsolation.TXN_COMMITTED) return info;
    const abortedTransactions = this.collectAbortedTransactions(startOffset, upperBound).map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset }));
    return { ...info, abortedTransactions };
  }

  private readUpTo(startOffset: bigint, maxLength: number, maxOffset: bigint | undefined, minOneMessage: boolean): FetchDataInfo {
    const off = toSafeOffset(startOffset, (m) => new OffsetOutOfRangeError(m));
    const end = this._logEndOffset;
    if (off === end) return this.emptyAt(this.logEndOffsetMetadata);
    if (off < this._logStartOffset || off > end) {
      throw new OffsetOutOfRangeError(`Offset ${startOffset} is out of range for ${this.topicPartition.topic}-${this.topicPartition.partition}: [${this._logStartOffset}, ${end}]`);
    }
    const maxOff = maxOffset === undefined ? undefined : Number(maxOffset);
    let i = this.floorSegmentIndex(off);
    if (i < 0) i = 0;
    for (; i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      const next = this.segments[i + 1];
      let maxPosition = seg.size;
      if (maxOff !== undefined) {
        if (maxOff <= off) return this.emptyAt({ messageOffset: startOffset, segmentBaseOffset: BigInt(seg.baseOffset), relativePositionInSegment: 0 });
        if (!next || next.baseOffset > maxOff) maxPosition = seg.translateOffset(maxOff)?.position ?? seg.size;
      }
      const info = seg.read(Math.max(off, seg.baseOffset), maxLength, maxPosition, minOneMessage);
      if (info) return info;
    }
    return this.emptyAt(this.logEndOffsetMetadata);
  }

  private emptyAt(meta: LogOffsetMetadata): FetchDataInfo {
    return { fetchOffsetMetadata: meta, records: EMPTY, firstEntryIncomplete: false };
  }

  // ---- ListOffsets ----

  /** Kafka's fetchOffsetByTimestamp, including the special -1 (latest), -2 (earliest), -3 (max timestamp). */
  fetchOffsetByTimestamp(targetTimestamp: bigint): TimestampAndOffset | undefined {
    if (targetTimestamp === EARLIEST_TIMESTAMP) {
      return { timestamp: -1n, offset: this.logStartOffset, leaderEpoch: this.leaderEpochCache.epochForOffset(this.logStartOffset) };
    }
    if (targetTimestamp === LATEST_TIMESTAMP) {
      return { timestamp: -1n, offset: this.logEndOffset, leaderEpoch: this.leaderEpochCache.latestEpoch() };
    }
    if (targetTimestamp === MAX_TIMESTAMP) {
      let best: LogSegment | undefined;
      for (const s of this.segments) if (s.size > 0 && (!best || s.maxTimestampSoFar > best.maxTimestampSoFar)) best = s;
      if (!best || best.maxTimestampSoFar < 0) return undefined;
      return best.findOffsetByTimestamp(best.maxTimestampSoFar, Math.max(this._logStartOffset, best.baseOffset));
    }
    const ts = Number(targetTimestamp);
    for (const s of this.segments) {
      if (s.size > 0 && s.largestTimestamp() >= ts) {
        const found = s.findOffsetByTimestamp(ts, Math.max(this._logStartOffset, s.baseOffset));
        if (found) return found;
      }
    }
    return undefined;
  }

  /**
   * ListOffsets v0's segment-based answer (Kafka's legacyFetchOffsetsBefore): each segment's base
   * offset (at least the log start offset) with the segment file's last-modified time, plus the log
   * end offset stamped now when the active segment holds data; latest (-1) starts from the last
   * entry, earliest (-2) from the first, any other time from the newest entry modified at or before
   * it. Up to `maxNumOffsets` offsets from there backwards, newest first.
   */
  legacyFetchOffsetsBefore(timestamp: bigint, maxNumOffsets: number): bigint[] {
    const entries: Array<{ offset: number; modified: number }> = this.segments.map((s) => ({ offset: Math.max(s.baseOffset, this._logStartOffset), modified: s.lastModified() }));
    if (this.activeSegment.size > 0) entries.push({ offset: this._logEndOffset, modified: this.clock.milliseconds() });
    let start: number;
    if (timestamp === LATEST_TIMESTAMP) start = entries.length - 1;
    else if (timestamp === EARLIEST_TIMESTAMP) start = 0;
    else {
      start = entries.length - 1;
      while (start >= 0 && entries[start]!.modified > Number(timestamp)) start--;
    }
    const out: bigint[] = [];
    for (let i = start; i >= 0 && out.length < maxNumOffsets; i--) out.push(BigInt(entries[i]!.offset));
    return out.sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  }

  /** Kafka's endOffsetForEpoch (OffsetsForLeaderEpoch). */
  endOffsetForEpoch(leaderEpoch: number): { epoch: number; endOffset: bigint } {
    return this.leaderEpochCache.endOffsetFor(leaderEpoch, this.logEndOffset);
  }

  // ---- truncation ----

  /** Removes everything at and after `targetOffset`; false when there was nothing to remove. */
  truncateTo(targetOffset: bigint): boolean {
    this.checkNotClosed();
    return this.io('truncating the log', () => this.doTruncateTo(targetOffset));
  }

  private doTruncateTo(targetOffset: bigint): boolean {
    const target = toSafeOffset(targetOffset, (m) => new OffsetOutOfRangeError(m));
    if (target < 0) throw new OffsetOutOfRangeError(`Cannot truncate to negative offset ${targetOffset}`);
    if (target >= this._logEndOffset) {
      // Nothing to drop from the log, but an epoch that starts at the log end (led here without an
      // append, never known to the new leader) must go, as Kafka always truncates the epoch cache:
      // a follower keeping it would send it as its last fetched epoch and diverge again and again.
      this.leaderEpochCache.truncateFromEnd(BigInt(this._logEndOffset));
      return false;
    }
    this.log.info({ targetOffset: target }, 'Truncating log');
    if (this.segments[0]!.baseOffset > target) {
      this.truncateFullyAndStartAt(targetOffset);
      return true;
    }
    const keep = this.floorSegmentIndex(target);
    const dropped = this.segments.splice(keep + 1);
    this.removeSegments(dropped);
    this.activeSegment.markActive();
    this.activeSegment.truncateTo(target);
    this.activeSegment.resizeIndexes(this.config['segment.index.bytes']);
    this._logEndOffset = target;
    this.leaderEpochCache.truncateFromEnd(targetOffset);
    this._logStartOffset = Math.min(this._logStartOffset, target);
    this._recoveryPoint = Math.min(this._recoveryPoint, target);
    this._highWatermark = Math.min(this._highWatermark, target);
    this.loadProducerState();
    return true;
  }

  /** Deletes every segment and starts an empty log at `newOffset` (also the new log start offset). */
  truncateFullyAndStartAt(newOffset: bigint): void {
    this.checkNotClosed();
    this.io('truncating the log fully', () => this.doTruncateFullyAndStartAt(newOffset));
  }

  private doTruncateFullyAndStartAt(newOffset: bigint): void {
    const n = toSafeOffset(newOffset, (m) => new OffsetOutOfRangeError(m));
    this.log.info({ newOffset: n }, 'Truncating fully and starting at a new offset');
    const old = this.segments.splice(0);
    this.removeSegments(old);
    this.segments.push(this.openSegment(n));
    this.activeSegment.markActive();
    this._logEndOffset = n;
    this._logStartOffset = n;
    this._recoveryPoint = n;
    this._highWatermark = n;
    this.leaderEpochCache.clearAndFlush();
    for (const o of this.producerStateManager.listSnapshotOffsets()) this.producerStateManager.deleteSnapshot(o);
    this.producerStateManager.reset();
    this.producerStateManager.mapEndOffset = n;
  }

  // ---- retention and DeleteRecords ----

  /**
   * Raises the log start offset (DeleteRecords, retention, or a leader's start offset on a
   * follower). It may not pass the high watermark. Returns whether it moved.
   */
  maybeIncrementLogStartOffset(newLogStartOffset: bigint, reason = 'ClientRecordDeletion'): boolean {
    const n = toSafeOffset(newLogStartOffset, (m) => new OffsetOutOfRangeError(m));
    if (n > this._highWatermark) {
      throw new OffsetOutOfRangeError(`Cannot increment the log start offset to ${n} of ${this.topicPartition.topic}-${this.topicPartition.partition} since it is larger than the high watermark ${this._highWatermark}`);
    }
    if (n <= this._logStartOffset) return false;
    this.log.info({ logStartOffset: n, reason }, 'Incremented log start offset');
    this._logStartOffset = n;
    this.leaderEpochCache.truncateFromStart(newLogStartOffset);
    if (this._recoveryPoint < n) this._recoveryPoint = n;
    return true;
  }

  /** Kafka's deleteOldSegments: retention.ms, retention.bytes (for delete) and the log start offset. */
  deleteOldSegments(): number {
    return this.io('deleting old segments', () => this.doDeleteOldSegments());
  }

  private doDeleteOldSegments(): number {
    let n = 0;
    if (isDelete(this.config)) {
      n += this.deleteRetentionMsBreachedSegments();
      n += this.deleteRetentionSizeBreachedSegments();
    }
    n += this.deleteLogStartOffsetBreachedSegments();
    return n;
  }

  private deleteRetentionMsBreachedSegments(): number {
    const retentionMs = this.config['retention.ms'];
    if (retentionMs < 0) return 0;
    const now = this.clock.milliseconds();
    return this.deleteSegmentsWhile((s) => now - s.largestTimestamp() > retentionMs, 'RetentionMsBreach');
  }

  private deleteRetentionSizeBreachedSegments(): number {
    const retentionSize = this.config['retention.bytes'];
    if (retentionSize < 0) return 0;
    let diff = this.size() - retentionSize;
    if (diff <= 0) return 0;
    return this.deleteSegmentsWhile((s) => {
      if (diff - s.size >= 0) {
        diff -= s.size;
        return true;
      }
      return false;
    }, 'RetentionSizeBreach');
  }

  private deleteLogStartOffsetBreachedSegments(): number {
    return this.deleteSegmentsWhile((_s, next) => next !== undefined && next.baseOffset <= this._logStartOffset, 'LogStartOffsetBreach');
  }

  /**
   * Deletes segments from the oldest while `predicate` holds, never past the high watermark
   * and never an empty active segment; rolls first when every segment goes.
   */
  private deleteSegmentsWhile(predicate: (s: LogSegment, next: LogSegment | undefined) => boolean, reason: string): number {
    const deletable: LogSegment[] = [];
    for (let i = 0; i < this.segments.length; i++) {
      const s = this.segments[i]!;
      const next = this.segments[i + 1];
      const upperBound = next ? next.baseOffset : this._logEndOffset;
      const isLastAndEmpty = !next && s.size === 0;
      if (isLastAndEmpty || upperBound > this._highWatermark || !predicate(s, next)) break;
      deletable.push(s);
    }
    if (deletable.length === 0) return 0;
    if (deletable.length === this.segments.length) this.roll();
    this.segments.splice(0, deletable.length);
    this.log.info({ reason, segments: deletable.map((s) => s.baseOffset) }, 'Deleting segments');
    this.removeSegments(deletable);
    const newStart = this.segments[0]!.baseOffset;
    if (newStart > this._logStartOffset) {
      this._logStartOffset = newStart;
      this.leaderEpochCache.truncateFromStart(BigInt(newStart));
      if (this._recoveryPoint < newStart) this._recoveryPoint = newStart;
    }
    return deletable.length;
  }

  /**
   * Renames the segments' files to `.deleted`; closes and removes them after file.delete.delay.ms
   * (Kafka's deleteSegmentFiles). Their descriptors stay open until then: a flush scheduled by the
   * roll before may still be running on them.
   */
  private removeSegments(segs: LogSegment[]): void {
    for (const s of segs) {
      s.markActive(false);
      s.changeFileSuffixes('', DELETED_FILE_SUFFIX);
    }
    const run = (): void => {
      for (const s of segs) {
        try {
          s.deleteIfExists();
        } catch (err) {
          this.log.warn({ err, baseOffset: s.baseOffset }, 'Could not delete a segment');
        }
      }
    };
    const timer = this.clock.setTimer(() => {
      this.pendingDeletes.delete(timer);
      run();
    }, this.config['file.delete.delay.ms']);
    this.pendingDeletes.set(timer, run);
  }

  /**
   * Replaces `oldSegments` with `newSegment` (the cleaner's result, files suffixed `.cleaned`):
   * cleaned → swap, old → deleted, swap → live, the crash-safe order LogLoader completes.
   */
  replaceSegments(newSegment: LogSegment, oldSegments: LogSegment[]): void {
    newSegment.onBecomeInactiveSegment();
    newSegment.flush();
    newSegment.changeFileSuffixes('.cleaned', '.swap');
    const ids = new Set(oldSegments);
    const idx = this.segments.findIndex((s) => ids.has(s));
    this.segments = this.segments.filter((s) => !ids.has(s));
    this.removeSegments(oldSegments);
    newSegment.changeFileSuffixes('.swap', '');
    this.segments.splice(idx < 0 ? 0 : idx, 0, newSegment);
  }

  // ---- lifecycle ----

  private checkNotClosed(): void {
    if (this.closed) throw new KafkaStorageError(`Log for ${this.topicPartition.topic}-${this.topicPartition.partition} is closed`);
  }

  /** Flushes, trims the indexes and closes every file; pending segment deletions run now. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.pendingFlushesSettled();
    this.closeNow();
  }

  /** Whether background flushes started by rolls are still running (close waits for them). */
  get hasPendingFlushes(): boolean {
    return this.pendingFlushes.size > 0;
  }

  /**
   * The synchronous part of close, for a caller that awaited pendingFlushesSettled and appended
   * nothing since (LogManager swapping a future log in): flushes, trims the indexes, closes.
   */
  closeFlushed(): void {
    if (this.closed) return;
    if (this.hasPendingFlushes) throw new Error(`Log for ${this.topicPartition.topic}-${this.topicPartition.partition} still has background flushes`);
    this.closeNow();
  }

  private closeNow(): void {
    if (this.closed) return;
    try {
      this.flush();
      this.io('closing the log', () => this.closeSegments());
    } catch (err) {
      this.closeHandlers();
      this.runPendingDeletes();
      throw err;
    }
  }

  private closeSegments(): void {
    try {
      this.producerStateManager.mapEndOffset = this._logEndOffset;
      this.producerStateManager.takeSnapshot();
    } catch (err) {
      if (isIOError(err)) throw err;
      this.log.warn({ err }, 'Could not write the producer state snapshot');
    }
    this.closed = true;
    for (const s of this.segments) s.close();
    this.runPendingDeletes();
  }

  /** Closes without flushing or trimming (a crash, for specs; or a log dir failure). */
  closeHandlers(): void {
    this.closed = true;
    for (const s of this.segments) {
      try {
        s.closeHandlers();
      } catch (err) {
        this.log.warn({ err, baseOffset: s.baseOffset }, 'Error closing a segment');
      }
    }
  }

  runPendingDeletes(): void {
    for (const [timer, run] of this.pendingDeletes) {
      timer.cancel();
      run();
    }
    this.pendingDeletes.clear();
  }

  /** Renames the partition directory (LogManager's asyncDelete); segment paths follow it. */
  renameDir(newDir: string): void {
    fs.renameSync(this.dir, newDir);
    this.dir = newDir;
  }

  /** Closes handles and removes the directory with everything in it. */
  delete(): void {
    this.closeHandlers();
    this.runPendingDeletes();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
