/**
 * Kafka's `LogManager`: owns the `log.dirs`, one `<topic>-<partition>` directory per partition.
 * At start-up it checks each dir's `meta.properties`, reads the checkpoint files and the
 * `.kafka_cleanshutdown` marker, and loads every log (interleaved across logs and dirs, with
 * progress logged); it then runs the retention, flush, checkpoint and cleaner tasks on unref'd
 * timers. Partition deletion renames the directory to `<topic>-<partition>.<uniqueId>-delete`
 * and removes it after file.delete.delay.ms. On shutdown it closes every log, writes the
 * checkpoints and the clean-shutdown marker.
 *
 * JBOD moves (KIP-113): a replica moving to another log dir has a future log there,
 * `<topic>-<partition>.<uniqueId>-future`, loaded again at start-up like the current logs; once it
 * has caught up, replaceCurrentWithFutureLog renames it to `<topic>-<partition>` and the current
 * log goes the way of a deleted one. A dir asked for before the replica exists is remembered as
 * the replica's preferred dir for when it is created.
 *
 * Log dir failures (Kafka's LogManager.handleLogDirFailure): an I/O error in a dir is reported to
 * the LogDirFailureChannel; the dir is then offline — no new logs are created there, its logs are
 * closed without flushing when the failure is handled, and it never gets a clean-shutdown marker,
 * so its logs are recovered at the next start. When every dir has failed the broker halts.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { logger } from '../utils/logger.js';
import { KafkaStorageError } from '../protocol/errors.js';
import { FileHandleCache } from './file-handle-cache.js';
import { isIOError, LogDirFailureChannel } from './log-dir-failure-channel.js';
import {
  CLEANER_OFFSET_CHECKPOINT_FILE,
  LOG_START_OFFSET_CHECKPOINT_FILE,
  OffsetCheckpointFile,
  RECOVERY_POINT_CHECKPOINT_FILE,
  REPLICATION_OFFSET_CHECKPOINT_FILE,
} from './checkpoint-file.js';
import { InconsistentBrokerIdError } from './errors.js';
import { LogCleaner } from './log-cleaner.js';
import { isCompact, toLogConfig, type LogConfig } from './log-config.js';
import { SYSTEM_TIME, type Time } from '../common/time.js';
import { KafkaScheduler, type ScheduledTask } from '../common/scheduler.js';
import { CLEAN_SHUTDOWN_FILE, DELETE_DIR_SUFFIX, logDeleteDirName, logDirName, logFutureDirName, parseLogDirName } from './log-file-utils.js';
import type { TopicPartition } from '../common/topic-partition.js';
import { Log } from './log.js';
import { readMetaProperties, writeMetaProperties } from './meta-properties.js';

export interface LogManagerOptions {
  logDirs: string[];
  brokerId: number;
  clusterId?: string;
  /** Defaults for every log (topic-level keys); per-topic overrides come from topicConfig. */
  defaultConfig?: Partial<LogConfig> | Record<string, unknown>;
  topicConfig?: (topic: string) => Partial<LogConfig> | Record<string, unknown> | undefined;
  clock?: Time;
  /** The broker's scheduler for the log tasks (a private one on `clock` when not given). */
  scheduler?: KafkaScheduler;
  /** log.retention.check.interval.ms (Kafka: 300000). */
  retentionCheckIntervalMs?: number;
  /** log.flush.scheduler.interval.ms: how often flush.ms is checked (Kafka: Long.MAX; we poll every 1000 ms). */
  flushCheckIntervalMs?: number;
  /** log.flush.offset.checkpoint.interval.ms (Kafka: 60000). */
  flushRecoveryOffsetCheckpointMs?: number;
  /** log.flush.start.offset.checkpoint.interval.ms (Kafka: 60000). */
  flushStartOffsetCheckpointMs?: number;
  /** producer.id.expiration.ms (Kafka: 1 day) and producer.id.expiration.check.interval.ms (10 minutes). */
  producerIdExpirationMs?: number;
  producerIdExpirationCheckIntervalMs?: number;
  /** log.cleaner.enable (Kafka: true). */
  cleanerEnabled?: boolean;
  /** log.cleaner.backoff.ms (Kafka: 15000). */
  cleanerBackoffMs?: number;
  /** log.cleaner.threads (Kafka: 1): how many logs a cleaner pass cleans at once. */
  cleanerThreads?: number;
  /** Logs loaded at once per start-up (Kafka: num.recovery.threads.per.data.dir = 1 per dir). */
  loadConcurrency?: number;
  /** Where I/O errors are reported (shared with ReplicaManager's failure handler). */
  logDirFailureChannel?: LogDirFailureChannel;
  /** Called when no log dir is left (Kafka's Exit.halt(1)); default: exit the process with 1. */
  halt?: () => void;
  /** Old segments' descriptors kept open (an LRU; the active segments' are always open). */
  maxOpenSegmentFiles?: number;
}

interface LogEntry {
  log: Log;
  logDir: string;
}

const key = (tp: TopicPartition): string => `${tp.topic}-${tp.partition}`;

export class LogManager {
  private readonly log = logger('log.LogManager');
  readonly clock: Time;
  private readonly logs = new Map<string, LogEntry>();
  /** Replicas being moved to another log dir (Kafka's futureLogs). */
  private readonly futureLogs = new Map<string, LogEntry>();
  /** Dirs asked for by AlterReplicaLogDirs before the replica existed (Kafka's preferredLogDirs). */
  private readonly preferredLogDirs = new Map<string, string>();
  private readonly cleanerCheckpoints = new Map<string, bigint>();
  private readonly scheduler: KafkaScheduler;
  private readonly ownScheduler: boolean;
  private readonly tasks: ScheduledTask[] = [];
  private readonly pendingDirDeletes = new Map<ScheduledTask, string>();
  readonly cleaner: LogCleaner;
  private cleanerThreads: number;
  /** Logs being cleaned now (Kafka's LogCleanerManager in-progress set). */
  readonly cleaningInProgress = new Set<string>();
  private started = false;
  readonly logDirFailureChannel: LogDirFailureChannel;
  readonly fileHandleCache: FileHandleCache;

  constructor(readonly options: LogManagerOptions) {
    this.clock = options.clock ?? SYSTEM_TIME;
    this.cleaner = new LogCleaner(this.clock);
    this.cleanerThreads = Math.max(1, options.cleanerThreads ?? 1);
    this.ownScheduler = options.scheduler === undefined;
    this.scheduler = options.scheduler ?? new KafkaScheduler({ time: this.clock, threadNamePrefix: 'log-manager-' });
    this.logDirFailureChannel = options.logDirFailureChannel ?? new LogDirFailureChannel();
    this.fileHandleCache = new FileHandleCache(options.maxOpenSegmentFiles);
  }

  get logDirs(): string[] {
    return this.options.logDirs;
  }

  isLogDirOnline(dir: string): boolean {
    return !this.logDirFailureChannel.hasOfflineLogDir(dir);
  }

  /** Dirs without a failure (Kafka's liveLogDirs). */
  liveLogDirs(): string[] {
    return this.options.logDirs.filter((d) => this.isLogDirOnline(d));
  }

  /** The log dir holding a partition's log (or its future log), if it is loaded. */
  logDirOf(tp: TopicPartition, isFuture = false): string | undefined {
    return (isFuture ? this.futureLogs : this.logs).get(key(tp))?.logDir;
  }

  /** The configured log dir a requested path names (requests carry absolute paths), if any. */
  configuredLogDir(requested: string): string | undefined {
    const resolved = path.resolve(requested);
    return this.options.logDirs.find((d) => path.resolve(d) === resolved);
  }

  /** Runs file work on `dir`, reporting an I/O error to the failure channel (then rethrowing it). */
  private inDir<T>(dir: string, what: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (isIOError(err)) this.logDirFailureChannel.maybeAddOfflineLogDir(dir, `Error while ${what} in dir ${dir}`, err);
      throw err;
    }
  }

  /**
   * Takes a failed dir out of service (Kafka's LogManager.handleLogDirFailure): its logs are
   * closed without flushing and forgotten; with no dir left, the broker halts.
   */
  handleLogDirFailure(dir: string): void {
    this.log.warn({ dir }, 'Stopping serving logs in dir');
    if (this.liveLogDirs().length === 0) {
      this.log.fatal({ logDirs: this.options.logDirs }, 'Shutdown broker because all log dirs have failed');
      (this.options.halt ?? haltProcess)();
      return;
    }
    const closed: string[] = [];
    for (const logs of [this.logs, this.futureLogs]) {
      for (const [k, e] of logs) {
        if (e.logDir !== dir) continue;
        e.log.closeHandlers();
        e.log.runPendingDeletes();
        logs.delete(k);
        closed.push(k);
      }
    }
    this.log.warn({ dir, logs: closed.length }, 'Logs in the failed dir are offline');
  }

  configFor(topic: string): LogConfig {
    return toLogConfig({ ...(this.options.defaultConfig ?? {}), ...(this.options.topicConfig?.(topic) ?? {}) });
  }

  // ---- start-up ----

  async startup(): Promise<void> {
    for (const dir of this.options.logDirs) this.prepareDir(dir);
    await this.loadLogs();
    this.started = true;
    if (this.ownScheduler && !this.scheduler.isStarted()) this.scheduler.startup();
    // Kafka's LogManager.startup: the periodic log tasks on the broker's scheduler.
    const every = (ms: number, fn: () => void, name: string): void => {
      if (!Number.isFinite(ms) || ms <= 0) return;
      this.tasks.push(this.scheduler.schedule(name, fn, ms, ms));
    };
    every(this.options.retentionCheckIntervalMs ?? 300000, () => this.cleanupLogs(), 'kafka-log-retention');
    every(this.options.flushCheckIntervalMs ?? 1000, () => this.flushDirtyLogs(), 'kafka-log-flusher');
    every(this.options.flushRecoveryOffsetCheckpointMs ?? 60000, () => this.checkpointLogRecoveryOffsets(), 'kafka-recovery-point-checkpoint');
    every(this.options.flushStartOffsetCheckpointMs ?? 60000, () => this.checkpointLogStartOffsets(), 'kafka-log-start-offset-checkpoint');
    every(this.options.producerIdExpirationCheckIntervalMs ?? 600_000, () => this.removeExpiredProducers(), 'PRODUCER_EXPIRE_CHECK');
    if (this.options.cleanerEnabled ?? true) every(this.options.cleanerBackoffMs ?? 15000, () => this.cleanLogs(), 'kafka-log-cleaner');
  }

  private prepareDir(dir: string): void {
    fs.mkdirSync(dir, { recursive: true });
    const meta = readMetaProperties(dir);
    if (meta) {
      const id = meta.get('broker.id');
      if (id !== undefined && Number(id) !== this.options.brokerId) {
        throw new InconsistentBrokerIdError(`Configured broker.id ${this.options.brokerId} doesn't match stored broker.id ${id} in meta.properties of ${dir}`);
      }
    } else {
      writeMetaProperties(dir, this.options.brokerId, this.options.clusterId);
    }
  }

  private async loadLogs(): Promise<void> {
    const jobs: (() => void)[] = [];
    for (const dir of this.options.logDirs) {
      if (!this.isLogDirOnline(dir)) continue;
      const cleanMarker = path.join(dir, CLEAN_SHUTDOWN_FILE);
      const hadCleanShutdown = fs.existsSync(cleanMarker);
      const recoveryPoints = this.readCheckpointSafely(path.join(dir, RECOVERY_POINT_CHECKPOINT_FILE));
      const startOffsets = this.readCheckpointSafely(path.join(dir, LOG_START_OFFSET_CHECKPOINT_FILE));
      const highWatermarks = this.readCheckpointSafely(path.join(dir, REPLICATION_OFFSET_CHECKPOINT_FILE));
      for (const [k, v] of this.readCheckpointSafely(path.join(dir, CLEANER_OFFSET_CHECKPOINT_FILE))) this.cleanerCheckpoints.set(k, v);
      const names = fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
      const partitions: Array<{ tp: TopicPartition; isFuture: boolean; name: string }> = [];
      for (const name of names) {
        if (name.endsWith(DELETE_DIR_SUFFIX)) {
          this.scheduleDirDelete(path.join(dir, name), 0);
          continue;
        }
        const parsed = parseLogDirName(name);
        if (parsed) partitions.push({ ...parsed, name });
      }
      this.log.info({ dir, logs: partitions.length, hadCleanShutdown }, 'Loading logs');
      let loaded = 0;
      for (const { tp, isFuture, name } of partitions) {
        jobs.push(() => {
          if (!this.isLogDirOnline(dir)) return;
          const k = key(tp);
          let log: Log;
          try {
            log = Log.load({
            dir: path.join(dir, name),
            topicPartition: tp,
            config: this.configFor(tp.topic),
            clock: this.clock,
            recoveryPoint: recoveryPoints.get(k) ?? 0n,
            logStartOffset: startOffsets.get(k) ?? 0n,
            hadCleanShutdown,
            logDirFailureChannel: this.logDirFailureChannel,
            fileHandleCache: this.fileHandleCache,
          });
          } catch (err) {
            // Kafka: an IOException while loading takes the dir offline; the broker goes on with the others.
            if (!(err instanceof KafkaStorageError)) throw err;
            this.log.error({ dir, topicPartition: k, err }, 'Error while loading a log: the dir is offline');
            return;
          }
          const hw = highWatermarks.get(k);
          if (hw !== undefined) log.updateHighWatermark(hw);
          const into = isFuture ? this.futureLogs : this.logs;
          const previous = into.get(k);
          if (previous) {
            // Kafka refuses to start with two copies of one replica; we keep the first and say so.
            this.log.error({ dir, topicPartition: k, other: previous.logDir }, 'Duplicate log directories found: ignoring this one');
            log.closeHandlers();
            return;
          }
          into.set(k, { log, logDir: dir });
          loaded++;
          this.log.info({ dir, topicPartition: k, isFuture, progress: `${loaded}/${partitions.length}` }, 'Completed load of log');
        });
      }
      jobs.push(() => {
        if (this.isLogDirOnline(dir)) this.inDir(dir, 'removing the clean-shutdown marker', () => fs.rmSync(cleanMarker, { force: true }));
      });
    }
    // Loading is synchronous file work; jobs are interleaved with the event loop so several
    // loads and other start-up work progress together and progress is logged as it happens.
    const concurrency = Math.max(1, this.options.loadConcurrency ?? this.options.logDirs.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        job();
        await new Promise<void>((r) => setImmediate(r));
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    if (this.liveLogDirs().length === 0) throw new KafkaStorageError(`All log dirs have failed: ${this.options.logDirs.join(',')}`);
  }

  private readCheckpointSafely(file: string): Map<string, bigint> {
    try {
      return new OffsetCheckpointFile(file).read();
    } catch (err) {
      this.log.warn({ file, err }, 'Ignoring an unreadable checkpoint file; recovering from offset 0');
      return new Map();
    }
  }

  // ---- logs ----

  getLog(tp: TopicPartition, isFuture = false): Log | undefined {
    return (isFuture ? this.futureLogs : this.logs).get(key(tp))?.log;
  }

  /** Every loaded log, current and future (Kafka's allLogs). */
  allLogs(): Log[] {
    return [...this.logs.values(), ...this.futureLogs.values()].map((e) => e.log);
  }

  /** The current logs only (one per hosted replica). */
  currentLogs(): Log[] {
    return [...this.logs.values()].map((e) => e.log);
  }

  /** Whether a log is a future log (a replica being moved). */
  isFuture(log: Log): boolean {
    return this.futureLogs.get(key(log.topicPartition))?.log === log;
  }

  /**
   * Kafka's maybeUpdatePreferredLogDir: remembers the dir a replica should be created in, unless
   * its current or future log is already there.
   */
  maybeUpdatePreferredLogDir(tp: TopicPartition, logDir: string): void {
    const k = key(tp);
    if (this.logs.get(k)?.logDir === logDir || this.futureLogs.get(k)?.logDir === logDir) return;
    this.preferredLogDirs.set(k, logDir);
  }

  /**
   * Kafka's nextLogDirs: the live log dir holding the fewest partitions (the first of them, in
   * log.dirs order, on a tie).
   */
  private nextLogDir(dirs: readonly string[]): string {
    const counts = new Map(dirs.map((d) => [d, 0]));
    for (const { logDir } of this.logs.values()) if (counts.has(logDir)) counts.set(logDir, counts.get(logDir)! + 1);
    return dirs.reduce((best, d) => (counts.get(d)! < counts.get(best)! ? d : best));
  }

  /** The partition's log, created (in the live log dir with the fewest partitions) when missing. */
  getOrCreateLog(tp: TopicPartition, config?: Partial<LogConfig> | Record<string, unknown>): Log {
    const existing = this.logs.get(key(tp));
    if (existing) return existing.log;
    const dirs = this.liveLogDirs();
    if (dirs.length === 0) throw new KafkaStorageError(`Cannot create log for ${key(tp)}: no log dir is online`);
    const preferred = this.preferredLogDirs.get(key(tp));
    const logDir = preferred !== undefined && dirs.includes(preferred) ? preferred : this.nextLogDir(dirs);
    this.preferredLogDirs.delete(key(tp));
    // An I/O error here (EMFILE, ENOSPC) takes the dir offline and answers KafkaStorageError.
    const log = Log.load({
      dir: path.join(logDir, logDirName(tp)),
      topicPartition: tp,
      config: config ?? this.configFor(tp.topic),
      clock: this.clock,
      hadCleanShutdown: true,
      logDirFailureChannel: this.logDirFailureChannel,
      fileHandleCache: this.fileHandleCache,
    });
    this.logs.set(key(tp), { log, logDir });
    this.log.info({ topicPartition: key(tp), dir: logDir }, 'Created log');
    return log;
  }

  /** Kafka's getOrCreateLog(isFuture = true): the replica's future log in `logDir`, created empty when missing. */
  getOrCreateFutureLog(tp: TopicPartition, logDir: string): Log {
    const existing = this.futureLogs.get(key(tp));
    if (existing) return existing.log;
    if (!this.isLogDirOnline(logDir)) throw new KafkaStorageError(`Cannot create future log for ${key(tp)}: log dir ${logDir} is offline`);
    const log = Log.load({
      dir: path.join(logDir, logFutureDirName(tp, uniqueId())),
      topicPartition: tp,
      config: this.configFor(tp.topic),
      clock: this.clock,
      hadCleanShutdown: true,
      logDirFailureChannel: this.logDirFailureChannel,
      fileHandleCache: this.fileHandleCache,
    });
    this.futureLogs.set(key(tp), { log, logDir });
    this.log.info({ topicPartition: key(tp), dir: log.dir }, 'Created future log');
    return log;
  }

  /**
   * Kafka's replaceCurrentWithFutureLog, once the future log has caught up and its background
   * flushes are done (the caller awaited them; nothing is appended in between, this runs in one
   * go): the future log is closed, its dir renamed to `<topic>-<partition>` and opened again as
   * the current log; the old current log is renamed `-delete` and removed after
   * file.delete.delay.ms. Returns the new current log.
   */
  replaceCurrentWithFutureLog(tp: TopicPartition): Log {
    const k = key(tp);
    const source = this.logs.get(k);
    const dest = this.futureLogs.get(k);
    if (!source || !dest) throw new Error(`Cannot replace the current log of ${k}: no ${source ? 'future' : 'current'} log`);
    const { log: future, logDir } = dest;
    const epochs = source.log.leaderEpochCache.entries();
    const highWatermark = source.log.highWatermark;
    this.inDir(logDir, 'renaming the future log', () => {
      future.closeFlushed();
      future.renameDir(path.join(logDir, logDirName(tp)));
    });
    const log = Log.load({
      dir: path.join(logDir, logDirName(tp)),
      topicPartition: tp,
      config: future.config,
      clock: this.clock,
      recoveryPoint: future.recoveryPoint,
      logStartOffset: future.logStartOffset,
      hadCleanShutdown: true,
      logDirFailureChannel: this.logDirFailureChannel,
      fileHandleCache: this.fileHandleCache,
    });
    // Epochs the current log knows without a batch of theirs (a leader that has not appended yet).
    for (const e of epochs) if ((log.leaderEpochCache.latestEpoch() ?? -1) < e.epoch && e.startOffset <= log.logEndOffset) log.leaderEpochCache.assign(e.epoch, e.startOffset);
    log.updateHighWatermark(highWatermark);
    this.futureLogs.delete(k);
    this.logs.set(k, { log, logDir });
    this.retireLog(source.log, source.logDir);
    this.checkpointLogRecoveryOffsetsInDir(logDir);
    this.checkpointLogStartOffsetsInDir(logDir);
    this.log.info({ topicPartition: k, from: source.logDir, to: logDir }, 'The current replica is replaced by the future replica');
    return log;
  }

  /** Applies a new config (topic config change) to a loaded log. */
  updateConfig(tp: TopicPartition, config: Partial<LogConfig> | Record<string, unknown>): void {
    const entry = this.logs.get(key(tp));
    if (entry) entry.log.config = toLogConfig(config);
  }

  /**
   * Removes the partition: closes its files, renames the directory to
   * `<topic>-<partition>.<uniqueId>-delete`, deletes it after file.delete.delay.ms.
   */
  asyncDelete(tp: TopicPartition, isFuture = false): string | undefined {
    const logs = isFuture ? this.futureLogs : this.logs;
    const entry = logs.get(key(tp));
    if (!isFuture) this.asyncDelete(tp, true);
    if (!entry) return undefined;
    logs.delete(key(tp));
    if (!isFuture) this.cleanerCheckpoints.delete(key(tp));
    return this.retireLog(entry.log, entry.logDir);
  }

  /** Closes a log that is no longer served, renames it `-delete` and schedules the removal of its dir. */
  private retireLog(log: Log, logDir: string): string {
    const tp = log.topicPartition;
    log.closeHandlers();
    log.runPendingDeletes();
    const target = path.join(logDir, logDeleteDirName(tp, uniqueId()));
    this.inDir(logDir, 'renaming a log for deletion', () => log.renameDir(target));
    this.scheduleDirDelete(target, log.config['file.delete.delay.ms']);
    this.checkpointLogRecoveryOffsetsInDir(logDir);
    this.checkpointLogStartOffsetsInDir(logDir);
    this.log.info({ topicPartition: key(tp), dir: target }, 'Log scheduled for deletion');
    return target;
  }

  /** Deletes a `-delete` dir after file.delete.delay.ms (Kafka's kafka-delete-logs task). */
  private scheduleDirDelete(dir: string, delayMs: number): void {
    if (!this.scheduler.isStarted()) {
      fs.rmSync(dir, { recursive: true, force: true });
      return;
    }
    const task = this.scheduler.scheduleOnce('kafka-delete-logs', () => {
      this.pendingDirDeletes.delete(task);
      fs.rmSync(dir, { recursive: true, force: true });
    }, delayMs);
    this.pendingDirDeletes.set(task, dir);
  }

  // ---- tasks ----

  /** Retention for every log (Kafka's cleanupLogs); compacted-only logs just honour the log start offset. */
  cleanupLogs(): number {
    let deleted = 0;
    for (const { log } of this.logs.values()) {
      if (!log.isClosed) deleted += log.deleteOldSegments();
    }
    return deleted;
  }

  /** Flushes logs whose flush.ms has passed. */
  flushDirtyLogs(): void {
    const now = this.clock.milliseconds();
    for (const { log } of this.logs.values()) if (!log.isClosed && log.flushDue(now)) log.flush();
  }

  /** Kafka's PRODUCER_EXPIRE_CHECK over every log: idempotent producer ids unused for producer.id.expiration.ms. */
  removeExpiredProducers(): number {
    const now = this.clock.milliseconds();
    const expiration = this.options.producerIdExpirationMs ?? 86_400_000;
    let removed = 0;
    for (const { log } of this.logs.values()) if (!log.isClosed) removed += log.producerStateManager.removeExpiredProducers(now, expiration);
    return removed;
  }

  /**
   * One cleaner pass over every compacted log whose dirty ratio reaches min.cleanable.dirty.ratio or
   * whose oldest dirty record passed max.compaction.lag.ms, the dirtiest first, log.cleaner.threads
   * logs at a time (Kafka's cleaner threads; here their rounds interleave on the event loop).
   */
  async cleanLogs(): Promise<number> {
    const candidates: Array<{ k: string; log: Log; from: bigint; ratio: number }> = [];
    for (const [k, { log }] of this.logs) {
      // A replica being moved is not cleaned (Kafka's abortAndPauseCleaning) until it is swapped.
      if (log.isClosed || !isCompact(log.config) || this.futureLogs.has(k) || this.cleaningInProgress.has(k)) continue;
      const firstDirty = this.cleanerCheckpoints.get(k) ?? log.logStartOffset;
      const from = firstDirty < log.logStartOffset ? log.logStartOffset : firstDirty;
      const ratio = this.cleaner.cleanableRatio(log, from);
      if (ratio >= log.config['min.cleanable.dirty.ratio'] || this.cleaner.compactionLagExceeded(log, from)) candidates.push({ k, log, from, ratio });
    }
    candidates.sort((a, b) => b.ratio - a.ratio);
    let cleaned = 0;
    const cleanerThread = async (): Promise<void> => {
      for (let next = candidates.shift(); next; next = candidates.shift()) {
        const { k, log, from } = next;
        if (this.cleaningInProgress.has(k) || this.logs.get(k)?.log !== log) continue;
        this.cleaningInProgress.add(k);
        try {
          const stats = await this.cleaner.clean(log, from);
          if (this.logs.get(k)?.log !== log) continue; // deleted or replaced while it was cleaned
          this.cleanerCheckpoints.set(k, stats.endOffset);
          cleaned++;
        } finally {
          this.cleaningInProgress.delete(k);
        }
      }
    };
    await Promise.all(Array.from({ length: this.cleanerThreads }, cleanerThread));
    if (cleaned > 0) this.checkpointCleanerOffsets();
    return cleaned;
  }

  /**
   * Kafka's LogCleaner.reconfigure (log.cleaner.threads as a dynamic broker config): the cleaner
   * goes on with `threads` threads — from its next pass; a pass under way finishes its logs.
   */
  reconfigureCleaner(threads: number): void {
    const next = Math.max(1, threads);
    if (next !== this.cleanerThreads) this.log.info({ from: this.cleanerThreads, to: next }, 'Log cleaner reconfigured: log.cleaner.threads');
    this.cleanerThreads = next;
  }

  get cleanerThreadCount(): number {
    return this.cleanerThreads;
  }

  private entriesIn(dir: string, value: (log: Log, k: string) => bigint | undefined): Map<string, { tp: TopicPartition; offset: bigint }> {
    const out = new Map<string, { tp: TopicPartition; offset: bigint }>();
    // A replica's future log lives in another dir than its current log: one entry per dir.
    for (const [k, e] of [...this.logs, ...this.futureLogs]) {
      if (e.logDir !== dir) continue;
      const v = value(e.log, k);
      if (v !== undefined) out.set(k, { tp: e.log.topicPartition, offset: v });
    }
    return out;
  }

  private checkpointLogRecoveryOffsetsInDir(dir: string): void {
    if (!this.isLogDirOnline(dir)) return;
    this.inDir(dir, 'writing the recovery point checkpoint', () => new OffsetCheckpointFile(path.join(dir, RECOVERY_POINT_CHECKPOINT_FILE)).write(this.entriesIn(dir, (l) => l.recoveryPoint)));
  }

  private checkpointLogStartOffsetsInDir(dir: string): void {
    // Kafka only records start offsets above the first segment's base offset.
    if (!this.isLogDirOnline(dir)) return;
    this.inDir(dir, 'writing the log start offset checkpoint', () => new OffsetCheckpointFile(path.join(dir, LOG_START_OFFSET_CHECKPOINT_FILE)).write(
      this.entriesIn(dir, (l) => (l.logStartOffset > BigInt(l.logSegments()[0]?.baseOffset ?? 0) ? l.logStartOffset : undefined)),
    ));
  }

  checkpointLogRecoveryOffsets(): void {
    for (const dir of this.options.logDirs) this.checkpointLogRecoveryOffsetsInDir(dir);
  }

  checkpointLogStartOffsets(): void {
    for (const dir of this.options.logDirs) this.checkpointLogStartOffsetsInDir(dir);
  }

  /** replication-offset-checkpoint: each log's high watermark (ReplicaManager calls this in Kafka). */
  checkpointHighWatermarks(): void {
    for (const dir of this.liveLogDirs()) {
      this.inDir(dir, 'writing the high watermark checkpoint', () => new OffsetCheckpointFile(path.join(dir, REPLICATION_OFFSET_CHECKPOINT_FILE)).write(this.entriesIn(dir, (l) => l.highWatermark)));
    }
  }

  checkpointCleanerOffsets(): void {
    for (const dir of this.liveLogDirs()) {
      this.inDir(dir, 'writing the cleaner offset checkpoint', () => new OffsetCheckpointFile(path.join(dir, CLEANER_OFFSET_CHECKPOINT_FILE)).write(this.entriesIn(dir, (_l, k) => this.cleanerCheckpoints.get(k))));
    }
  }

  // ---- shutdown ----

  /** Stops the tasks, closes every log, writes the checkpoints and the clean-shutdown marker. */
  async shutdown(): Promise<void> {
    for (const t of this.tasks.splice(0)) t.cancel();
    for (const [t, dir] of this.pendingDirDeletes) {
      t.cancel();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    this.pendingDirDeletes.clear();
    if (this.ownScheduler) await this.scheduler.shutdown();
    if (!this.started) return;
    this.started = false;
    // A log whose close fails has reported its dir offline (Log.close): that dir gets no marker.
    const closes = await Promise.allSettled([...this.logs.values(), ...this.futureLogs.values()].map(async (e) => {
      try {
        await e.log.close();
      } catch (err) {
        if (isIOError(err) || err instanceof KafkaStorageError) this.logDirFailureChannel.maybeAddOfflineLogDir(e.logDir, `Error while closing ${e.log.topicPartition.topic}-${e.log.topicPartition.partition}`, err);
        throw err;
      }
    }));
    for (const r of closes) if (r.status === 'rejected') this.log.error({ err: r.reason }, 'Error closing a log');
    const step = (fn: () => void): void => {
      try {
        fn();
      } catch (err) {
        this.log.error({ err }, 'Error writing a checkpoint at shutdown');
      }
    };
    step(() => this.checkpointLogRecoveryOffsets());
    step(() => this.checkpointLogStartOffsets());
    step(() => this.checkpointHighWatermarks());
    step(() => this.checkpointCleanerOffsets());
    // An I/O error never counts as a clean shutdown: only dirs without one get the marker.
    for (const dir of this.liveLogDirs()) step(() => this.inDir(dir, 'writing the clean-shutdown marker', () => fs.writeFileSync(path.join(dir, CLEAN_SHUTDOWN_FILE), '')));
    this.logs.clear();
    this.futureLogs.clear();
    this.log.info('Shut down the log manager');
  }
}

/** A dashless UUID, as Kafka names `-delete` and `-future` dirs. */
function uniqueId(): string {
  return crypto.randomUUID().replace(/-/g, '');
}

/** Kafka's Exit.halt(1): stop now, without the shutdown sequence (the logs are not closed cleanly). */
function haltProcess(): void {
  process.exit(1);
}
