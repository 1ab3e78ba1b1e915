/**
 * Kafka's ReplicaManager: the partitions hosted on this broker and everything that touches them —
 * LeaderAndIsr (become leader or follower, start/stop fetchers), StopReplica, produce appends with
 * acks 0/1/all (DelayedProduce), fetches by consumers and followers (DelayedFetch, follower fetch
 * state, high watermark), ISR expiry, and high-watermark checkpoints.
 *
 * Log dir failures (Kafka's LogDirFailureHandler + handleLogDirFailure): a dir reported to the
 * LogDirFailureChannel takes its partitions offline — their fetchers stop, requests for them answer
 * KAFKA_STORAGE_ERROR (also LeaderAndIsr, so the controller marks the replicas offline and moves
 * leadership), the LogManager closes their logs (halting the broker when no dir is left), and the
 * controller is told through /log_dir_event_notification.
 *
 * JBOD moves (ReplicaManager.alterReplicaLogDirs, KIP-113): a replica gets a future log in the
 * requested dir and the ReplicaAlterLogDirsManager copies it over and swaps it in; a replica not
 * hosted yet keeps the dir as its preferred one. A future log loaded at start-up resumes its move
 * when the replica's LeaderAndIsr arrives.
 */
import { Partition, type FetchIsolation, type AlterPartitionManager, type PartitionState } from '../cluster/partition.js';
import { type TopicPartition, tpKey } from '../common/topic-partition.js';
import { isInternalTopic } from '../common/topic.js';
import type { LogManager } from '../log/log-manager.js';
import { logFutureDirName } from '../log/log-file-utils.js';
import type { LogOffsetMetadata } from '../log/log.js';
import { DelayedOperationPurgatory } from '../common/delayed-operation-purgatory.js';
import type { DecompressionPool } from '../record/decompression-pool.js';
import { decompressEntries, largeCompressedEntries, type DecompressedEntries } from '../record/decompressed-entries.js';
import { DelayedProduce, type ProducePartitionStatus } from './delayed-produce.js';
import { DelayedFetch, type FetchPartitionWait } from './delayed-fetch.js';
import { DelayedDeleteRecords, type DeleteRecordsStatus } from './delayed-delete-records.js';
import { ReplicaFetcherManager, type FollowedPartition, type LeaderEndPointFactory } from './replica-fetcher-manager.js';
import { ReplicaAlterLogDirsManager } from './replica-alter-log-dirs-manager.js';
import type { FetcherConfig } from './replica-fetcher.js';
import type { ReplicaManagerConfig } from '../config/replica-manager-config.js';
import type { MetadataCache } from '../server/metadata-cache.js';
import type { LeaderAndIsrRequest, StopReplicaRequest, UpdateMetadataRequest } from '../protocol/generated/types.js';
import { Errors, ApiError, InvalidTopicError, KafkaStorageError, LogDirNotFoundError, NotLeaderOrFollowerError, UnknownTopicOrPartitionError, errorCodeOf } from '../protocol/errors.js';
import type { Time } from '../common/time.js';
import type { KafkaScheduler, ScheduledTask } from '../common/scheduler.js';
import { recordErrorsOf } from '../record/log-validator.js';
import type { KafkaMetrics } from '../metrics/kafka-metrics.js';
import type { ReplicaQuota } from './replication-quota-manager.js';
import { logger } from '../utils/logger.js';
import { RateLimitedLog } from '../common/rate-limited-log.js';

/** The broker's ReplicaManagerConfig with what the broker supplies at run time. */
export interface ReplicaManagerOptions extends Omit<ReplicaManagerConfig, 'fetcher'> {
  brokerId: number;
  fetcher: Omit<FetcherConfig, 'brokerId'>;
  /** How followers reach a leader; default RemoteLeaderEndPoint over the inter-broker listener. */
  leaderEndPoint?: LeaderEndPointFactory;
  /** Kafka's QuotaManagers for replication: leader side (fetches answered) and follower side (our fetcher). */
  quotas?: { leader: ReplicaQuota; follower: ReplicaQuota; alterLogDirs?: ReplicaQuota };
}

export interface ProduceEntry {
  tp: TopicPartition;
  records: Buffer;
}

export interface ProducePartitionResult {
  tp: TopicPartition;
  errorCode: number;
  baseOffset: bigint;
  logAppendTime: bigint;
  logStartOffset: bigint;
  errorMessage: string | null;
  recordErrors: Array<{ batchIndex: number; message: string }>;
}

export interface FetchPartitionRequest {
  tp: TopicPartition;
  fetchOffset: bigint;
  logStartOffset: bigint;
  maxBytes: number;
  currentLeaderEpoch: number;
  lastFetchedEpoch: number;
}

export interface FetchPartitionResult {
  tp: TopicPartition;
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  records: Buffer | null;
  divergingEpoch: { epoch: number; endOffset: bigint } | null;
  /** read_committed only: the aborted transactions overlapping the returned data (from .txnindex). */
  abortedTransactions?: Array<{ producerId: bigint; firstOffset: bigint }>;
  /** Where the read started in the log (DelayedFetch counts new bytes from it). */
  fetchOffsetMetadata?: LogOffsetMetadata;
}

export interface AppendRecordsParams {
  timeoutMs: number;
  /** 0, 1 or -1 (all). */
  requiredAcks: number;
  /**
   * Kafka's AppendOrigin. Only coordinators ('coordinator') may write to internal topics and write
   * control batches; client appends get sequence checks and duplicate detection. Default 'client'.
   */
  origin?: 'client' | 'coordinator';
  entries: ProduceEntry[];
}

export interface FetchParams {
  /** -1 for consumers; the follower's broker id for replication. */
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isolation: FetchIsolation;
  partitions: readonly FetchPartitionRequest[];
  /**
   * Aborted when nobody waits for the answer any more (the client's connection closed): a delayed
   * fetch then completes at once instead of waiting up to its max wait, which a client chooses.
   */
  signal?: AbortSignal;
}


/** Called with the partitions this broker started leading and those it started following or stopped. */
export type LeadershipChangeListener = (becameLeader: Partition[], becameFollower: Partition[]) => void;

export class ReplicaManager {
  private readonly log = logger('kafka.server.ReplicaManager');
  private readonly stateChangeLog = logger('state.change.logger');
  /** For requests from a stale controller, which anyone can send again and again. */
  private readonly staleControllerLog = new RateLimitedLog(this.stateChangeLog);
  private readonly partitions = new Map<string, Partition>();
  /** Partitions whose log dir failed (Kafka's HostedPartition.Offline). */
  private readonly offlinePartitions = new Set<string>();
  private controllerEpoch = 0;
  readonly producePurgatory: DelayedOperationPurgatory<DelayedProduce>;
  readonly fetchPurgatory: DelayedOperationPurgatory<DelayedFetch>;
  readonly deleteRecordsPurgatory: DelayedOperationPurgatory<DelayedDeleteRecords>;
  readonly fetcherManager: ReplicaFetcherManager;
  readonly replicaAlterLogDirsManager: ReplicaAlterLogDirsManager;
  private tasks: ScheduledTask[] = [];
  private started = false;
  /** Broker metrics, when the server has them. */
  metrics?: KafkaMetrics;
  /** Told of the partitions this broker started / stopped leading (the group and transaction coordinators). */
  private readonly leadershipChangeListeners: LeadershipChangeListener[] = [];
  /** Writes /log_dir_event_notification/log_dir_event_<seq> for this broker (KafkaZkClient.propagateLogDirEvent). */
  propagateLogDirEvent?: () => Promise<unknown>;
  private failureHandler: Promise<void> | undefined;
  /** Where large compressed batches are decompressed before validation (none: on the event loop). */
  decompressionPool?: DecompressionPool;

  constructor(
    private readonly config: ReplicaManagerOptions,
    private readonly time: Time,
    private readonly scheduler: KafkaScheduler,
    private readonly logManager: LogManager,
    private readonly metadataCache: MetadataCache,
    private readonly alterPartitionManager: AlterPartitionManager,
    private readonly minInSyncReplicas: (topic: string) => number,
  ) {
    this.producePurgatory = new DelayedOperationPurgatory('Produce', { time, brokerId: config.brokerId });
    this.fetchPurgatory = new DelayedOperationPurgatory('Fetch', { time, brokerId: config.brokerId });
    this.deleteRecordsPurgatory = new DelayedOperationPurgatory('DeleteRecords', { time, brokerId: config.brokerId });
    this.fetcherManager = new ReplicaFetcherManager({ ...config.fetcher, brokerId: config.brokerId }, time, config.leaderEndPoint, undefined, config.quotas?.follower);
    this.replicaAlterLogDirsManager = new ReplicaAlterLogDirsManager(logManager, scheduler, time,
      { fetchMaxBytes: config.fetcher.fetchMaxBytes, fetchBackoffMs: config.fetcher.fetchBackoffMs }, (tp) => this.partitions.get(tpKey(tp)), config.quotas?.alterLogDirs);
  }

  /** Kafka's ReplicaManager.startup: the ISR expiration and high-watermark checkpoint tasks on the broker's scheduler. */
  startup(): void {
    if (this.started) return;
    this.started = true;
    this.tasks.push(
      this.scheduler.schedule('isr-expiration', () => this.maybeShrinkIsr(), 0, Math.max(100, this.config.replicaLagTimeMaxMs / 2)),
      this.scheduler.schedule('highwatermark-checkpoint', () => this.logManager.checkpointHighWatermarks(), 0, this.config.highWatermarkCheckpointIntervalMs),
    );
  }

  /** Starts the LogDirFailureHandler: one failed dir at a time, from the failure channel. */
  startLogDirFailureHandler(): void {
    if (this.failureHandler) return;
    const channel = this.logManager.logDirFailureChannel;
    this.failureHandler = (async () => {
      for (;;) {
        const dir = await channel.takeNextOfflineLogDir();
        if (dir === undefined) return;
        try {
          await this.handleLogDirFailure(dir);
        } catch (err) {
          this.log.error({ err, dir }, 'Error while handling a log dir failure');
        }
      }
    })();
  }

  /** Takes the partitions of a failed log dir offline and tells the controller. */
  async handleLogDirFailure(dir: string): Promise<void> {
    this.log.warn(`Stopping serving replicas in dir ${dir}`);
    const offline = [...this.partitions.values()].filter((p) => p.localLogOrNull?.parentDir === dir);
    const newOffline = offline.map((p) => p.topicPartition);
    this.fetcherManager.removeFetcherForPartitions(newOffline);
    // Moves into or out of the failed dir stop; a future log there is closed with the dir's logs.
    const futureOffline = [...this.partitions.values()].filter((p) => this.logManager.logDirOf(p.topicPartition, true) === dir).map((p) => p.topicPartition);
    this.replicaAlterLogDirsManager.removePartitions([...newOffline, ...futureOffline]);
    for (const tp of newOffline) this.markPartitionOffline(tp);
    this.log.warn(`Broker ${this.config.brokerId} stopped fetcher for ${newOffline.length} partitions (${newOffline.slice(0, 10).map(tpKey).join(',')}${newOffline.length > 10 ? ',…' : ''}) because they are in the failed log directory ${dir}.`);
    this.logManager.handleLogDirFailure(dir);
    for (const tp of newOffline) this.completeDelayed(tp);
    // Coordinators resign the internal-topic partitions they can no longer read.
    if (offline.length > 0) this.notifyLeadershipChange([], offline);
    try {
      await this.propagateLogDirEvent?.();
    } catch (err) {
      this.log.error({ err }, 'Could not write the log dir event notification');
    }
    this.log.warn(`Stopped serving replicas in dir ${dir}`);
  }

  private markPartitionOffline(tp: TopicPartition): void {
    const key = tpKey(tp);
    this.partitions.get(key)?.detachLog();
    this.partitions.delete(key);
    this.offlinePartitions.add(key);
  }

  isPartitionOffline(tp: TopicPartition): boolean {
    return this.offlinePartitions.has(tpKey(tp));
  }

  async shutdown(): Promise<void> {
    this.logManager.logDirFailureChannel.close();
    await this.failureHandler;
    await this.replicaAlterLogDirsManager.shutdown();
    for (const t of this.tasks) t.cancel();
    this.tasks = [];
    await this.fetcherManager.shutdown();
    this.producePurgatory.shutdown();
    this.fetchPurgatory.shutdown();
    this.deleteRecordsPurgatory.shutdown();
    this.logManager.checkpointHighWatermarks();
  }

  addLeadershipChangeListener(listener: LeadershipChangeListener): void {
    this.leadershipChangeListeners.push(listener);
  }

  private notifyLeadershipChange(becameLeader: Partition[], becameFollower: Partition[]): void {
    for (const listener of this.leadershipChangeListeners) {
      try {
        listener(becameLeader, becameFollower);
      } catch (err) {
        this.log.error({ err }, 'A leadership change listener failed');
      }
    }
  }

  getPartition(tp: TopicPartition): Partition | undefined {
    return this.partitions.get(tpKey(tp));
  }

  allPartitions(): Partition[] {
    return [...this.partitions.values()];
  }

  leaderPartitions(): Partition[] {
    return this.allPartitions().filter((p) => p.isLeader);
  }

  private partitionForKey = (key: string): Partition | undefined => this.partitions.get(key);

  /** The partition if this broker leads it; otherwise the error a client must see. */
  getPartitionOrException(tp: TopicPartition): Partition {
    if (this.offlinePartitions.has(tpKey(tp))) throw new KafkaStorageError(`Partition ${tpKey(tp)} is in an offline log directory`);
    const p = this.partitions.get(tpKey(tp));
    if (p && p.localLogOrNull) return p;
    if (!this.metadataCache.getPartitionInfo(tp.topic, tp.partition)) throw new UnknownTopicOrPartitionError(`This server does not host this topic-partition ${tpKey(tp)}`);
    throw new NotLeaderOrFollowerError(`Broker ${this.config.brokerId} is not leader or follower of ${tpKey(tp)}`);
  }

  private createPartition(tp: TopicPartition): Partition {
    return new Partition(tp, {
      localBrokerId: this.config.brokerId,
      time: this.time,
      getOrCreateLog: (t) => this.logManager.getOrCreateLog(t),
      alterPartitionManager: this.alterPartitionManager,
      replicaLagTimeMaxMs: this.config.replicaLagTimeMaxMs,
      minInSyncReplicas: this.minInSyncReplicas,
      isBrokerAlive: (id) => this.metadataCache.hasAliveBroker(id),
      onHighWatermarkOrIsrChange: (t) => this.completeDelayed(t),
      onIsrChange: (shrink) => (shrink ? this.metrics?.markIsrShrink() : this.metrics?.markIsrExpand()),
    });
  }

  /** A partition's high watermark or ISR moved: waiting produces and fetches may finish. */
  private completeDelayed(tp: TopicPartition): void {
    const key = tpKey(tp);
    this.producePurgatory.checkAndComplete(key);
    this.fetchPurgatory.checkAndComplete(key);
    this.deleteRecordsPurgatory.checkAndComplete(key);
  }

  // ---- controller requests -------------------------------------------------------------------

  /** UpdateMetadata (ReplicaManager.maybeUpdateMetadataCache): returns the error code to answer. */
  maybeUpdateMetadataCache(request: UpdateMetadataRequest): number {
    if (request.controllerEpoch < this.controllerEpoch) {
      this.staleControllerLog.warn('stale-update-metadata', {}, `Ignoring UpdateMetadata from controller ${request.controllerId} with stale epoch ${request.controllerEpoch} (latest ${this.controllerEpoch})`);
      return Errors.STALE_CONTROLLER_EPOCH.code;
    }
    this.controllerEpoch = request.controllerEpoch;
    const deleted = this.metadataCache.updateMetadata(request);
    for (const d of deleted) this.completeDelayed({ topic: d.topic, partition: d.partition });
    return Errors.NONE.code;
  }

  /** LeaderAndIsr (ReplicaManager.becomeLeaderOrFollower). Returns per-partition error codes. */
  becomeLeaderOrFollower(request: LeaderAndIsrRequest): { errorCode: number; partitions: Array<{ topic: string; topicId: string; partition: number; errorCode: number }> } {
    if (request.controllerEpoch < this.controllerEpoch) {
      this.staleControllerLog.warn('stale-leader-and-isr', {}, `Ignoring LeaderAndIsr from controller ${request.controllerId} with epoch ${request.controllerEpoch}: the latest known controller epoch is ${this.controllerEpoch}`);
      return { errorCode: Errors.STALE_CONTROLLER_EPOCH.code, partitions: [] };
    }
    this.controllerEpoch = request.controllerEpoch;
    const results: Array<{ topic: string; topicId: string; partition: number; errorCode: number }> = [];
    const toLead: Array<{ p: Partition; s: PartitionState }> = [];
    const toFollow: Array<{ p: Partition; s: PartitionState }> = [];
    const states = [
      ...request.ungroupedPartitionStates.map((s) => ({ topicId: '', s })),
      ...request.topicStates.flatMap((t) => t.partitionStates.map((s) => ({ topicId: t.topicId, s: { ...s, topicName: t.topicName } }))),
    ];
    for (const { topicId, s } of states) {
      const tp = { topic: s.topicName, partition: s.partitionIndex };
      if (this.offlinePartitions.has(tpKey(tp))) {
        this.stateChangeLog.warn(`Ignoring LeaderAndIsr for ${tpKey(tp)}: its log directory is offline`);
        results.push({ topic: tp.topic, topicId, partition: tp.partition, errorCode: Errors.KAFKA_STORAGE_ERROR.code });
        continue;
      }
      let p = this.partitions.get(tpKey(tp));
      if (p && s.leaderEpoch <= p.leaderEpoch && p.localLogOrNull) {
        // Kafka answers STALE_CONTROLLER_EPOCH for a leader epoch that is not newer.
        this.stateChangeLog.info(`Ignoring LeaderAndIsr for ${tpKey(tp)}: leader epoch ${s.leaderEpoch} is not newer than ${p.leaderEpoch}`);
        results.push({ topic: tp.topic, topicId, partition: tp.partition, errorCode: Errors.STALE_CONTROLLER_EPOCH.code });
        continue;
      }
      if (!s.replicas.includes(this.config.brokerId)) {
        results.push({ topic: tp.topic, topicId, partition: tp.partition, errorCode: Errors.UNKNOWN_TOPIC_OR_PARTITION.code });
        continue;
      }
      if (!p) {
        p = this.createPartition(tp);
        this.partitions.set(tpKey(tp), p);
      }
      const state: PartitionState = {
        controllerEpoch: s.controllerEpoch,
        leader: s.leader,
        leaderEpoch: s.leaderEpoch,
        isr: s.isr,
        partitionEpoch: s.partitionEpoch,
        replicas: s.replicas,
        isNew: s.isNew,
        leaderRecoveryState: s.leaderRecoveryState,
      };
      (s.leader === this.config.brokerId ? toLead : toFollow).push({ p, s: state });
      results.push({ topic: tp.topic, topicId, partition: tp.partition, errorCode: Errors.NONE.code });
    }
    const failed = new Set<string>();
    const led: Partition[] = [];
    const followed: Partition[] = [];
    if (toLead.length > 0) {
      this.fetcherManager.removeFetcherForPartitions(toLead.map(({ p }) => p.topicPartition));
      for (const { p, s } of toLead) {
        try {
          p.makeLeader(s);
          led.push(p);
          this.stateChangeLog.info(`Leader ${this.config.brokerId} for ${tpKey(p.topicPartition)} with leader epoch ${s.leaderEpoch}, ISR [${s.isr.join(',')}]`);
        } catch (err) {
          failed.add(tpKey(p.topicPartition));
          if (err instanceof KafkaStorageError) this.markPartitionOffline(p.topicPartition);
          else this.stateChangeLog.error({ err }, `Failed to make broker ${this.config.brokerId} leader of ${tpKey(p.topicPartition)}`);
        }
      }
    }
    if (toFollow.length > 0) {
      const fetch: FollowedPartition[] = [];
      for (const { p, s } of toFollow) {
        try {
          const changed = p.makeFollower(s);
          followed.push(p);
          const ep = this.metadataCache.getAliveEndpoint(s.leader, this.config.interBrokerListener)
            ?? leaderEndpointFrom(request, s.leader);
          if (s.leader < 0 || !ep) {
            this.fetcherManager.removeFetcherForPartitions([p.topicPartition]);
            continue;
          }
          if (changed || !this.fetcherManager.isFollowing(p.topicPartition)) {
            fetch.push({ tp: p.topicPartition, partition: p, leaderId: s.leader, leaderHost: ep.host, leaderPort: ep.port, currentLeaderEpoch: s.leaderEpoch });
          }
        } catch (err) {
          failed.add(tpKey(p.topicPartition));
          if (err instanceof KafkaStorageError) this.markPartitionOffline(p.topicPartition);
          else this.stateChangeLog.error({ err }, `Failed to make broker ${this.config.brokerId} follower of ${tpKey(p.topicPartition)}`);
        }
      }
      if (fetch.length > 0) this.fetcherManager.addFetcherForPartitions(fetch);
    }
    for (const r of results) if (failed.has(`${r.topic}-${r.partition}`)) r.errorCode = Errors.KAFKA_STORAGE_ERROR.code;
    // A future log found at start-up (a move cut short) resumes once its replica is hosted again.
    const resumed = [...led, ...followed].map((p) => p.topicPartition).filter((tp) => this.logManager.getLog(tp, true) !== undefined && !this.replicaAlterLogDirsManager.isMoving(tp));
    if (resumed.length > 0) {
      this.log.info(`Resuming the log dir move of ${resumed.map(tpKey).join(',')}`);
      this.replicaAlterLogDirsManager.addPartitions(resumed);
    }
    const offline = [...failed].filter((k) => this.offlinePartitions.has(k));
    if (offline.length > 0) this.stateChangeLog.error(`Broker ${this.config.brokerId} answers KAFKA_STORAGE_ERROR for ${offline.length} partitions of LeaderAndIsr: their log could not be opened (log dir offline), e.g. ${offline.slice(0, 5).join(',')}`);
    // Waiting operations of partitions that changed role must now be answered.
    for (const p of [...led, ...followed]) this.completeDelayed(p.topicPartition);
    if (led.length + followed.length > 0) this.notifyLeadershipChange(led, followed);
    this.startup();
    void this.fetcherManager.shutdownIdleFetcherThreads();
    return { errorCode: Errors.NONE.code, partitions: results };
  }

  /** StopReplica (ReplicaManager.stopReplicas): stop fetching, and delete the log when asked. */
  stopReplicas(request: StopReplicaRequest): { errorCode: number; partitions: Array<{ topic: string; partition: number; errorCode: number }> } {
    if (request.controllerEpoch < this.controllerEpoch) return { errorCode: Errors.STALE_CONTROLLER_EPOCH.code, partitions: [] };
    this.controllerEpoch = request.controllerEpoch;
    const entries = [
      ...request.ungroupedPartitions.map((p) => ({ topic: p.topicName, partition: p.partitionIndex, deletePartition: request.deletePartitions, leaderEpoch: -1 })),
      ...request.topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition, deletePartition: request.deletePartitions, leaderEpoch: -1 }))),
      ...request.topicStates.flatMap((t) => t.partitionStates.map((s) => ({ topic: t.topicName, partition: s.partitionIndex, deletePartition: s.deletePartition, leaderEpoch: s.leaderEpoch }))),
    ];
    const results: Array<{ topic: string; partition: number; errorCode: number }> = [];
    const stopped: Partition[] = [];
    this.fetcherManager.removeFetcherForPartitions(entries.map((e) => ({ topic: e.topic, partition: e.partition })));
    this.replicaAlterLogDirsManager.removePartitions(entries.map((e) => ({ topic: e.topic, partition: e.partition })));
    for (const e of entries) {
      const tp = { topic: e.topic, partition: e.partition };
      if (this.offlinePartitions.has(tpKey(tp))) {
        results.push({ topic: e.topic, partition: e.partition, errorCode: Errors.KAFKA_STORAGE_ERROR.code });
        continue;
      }
      const p = this.partitions.get(tpKey(tp));
      // A leader epoch older than ours means a stale request (sentinels -1 / -2 always pass).
      if (p && e.leaderEpoch >= 0 && e.leaderEpoch < p.leaderEpoch) {
        results.push({ topic: e.topic, partition: e.partition, errorCode: Errors.STALE_CONTROLLER_EPOCH.code });
        continue;
      }
      try {
        if (p) {
          this.partitions.delete(tpKey(tp));
          p.detachLog();
          stopped.push(p);
        }
        if (e.deletePartition) this.logManager.asyncDelete(tp);
        this.completeDelayed(tp);
        results.push({ topic: e.topic, partition: e.partition, errorCode: Errors.NONE.code });
      } catch (err) {
        this.stateChangeLog.error({ err }, `Failed to stop replica ${tpKey(tp)}`);
        results.push({ topic: e.topic, partition: e.partition, errorCode: Errors.KAFKA_STORAGE_ERROR.code });
      }
    }
    if (stopped.length > 0) this.notifyLeadershipChange([], stopped);
    void this.fetcherManager.shutdownIdleFetcherThreads();
    return { errorCode: Errors.NONE.code, partitions: results };
  }

  /**
   * AlterReplicaLogDirs (Kafka's ReplicaManager.alterReplicaLogDirs): moves each replica to the
   * given log dir. Per replica: LOG_DIR_NOT_FOUND for a dir not in log.dirs, KAFKA_STORAGE_ERROR
   * for an offline dir or replica, REPLICA_NOT_AVAILABLE (the dir is kept as the replica's preferred
   * one) when this broker does not host it yet, UNKNOWN_TOPIC_OR_PARTITION when the partition does
   * not exist. Asking for the dir the replica is in cancels a move under way; asking for another
   * dir while a move is under way restarts it there.
   */
  alterReplicaLogDirs(entries: ReadonlyArray<{ tp: TopicPartition; logDir: string }>): Array<{ tp: TopicPartition; errorCode: number }> {
    return entries.map(({ tp, logDir }) => {
      try {
        // A future dir name must fit in 255 bytes (Kafka: KAFKA-4893).
        if (Buffer.byteLength(logFutureDirName(tp, '0'.repeat(32))) > 255) throw new InvalidTopicError('The topic name is too long.');
        const dir = this.logManager.configuredLogDir(logDir);
        if (dir === undefined) throw new LogDirNotFoundError(`Log dir ${logDir} is not found in the config.`);
        if (!this.logManager.isLogDirOnline(dir)) throw new KafkaStorageError(`Log directory ${logDir} is offline`);
        if (this.offlinePartitions.has(tpKey(tp))) throw new KafkaStorageError(`Partition ${tpKey(tp)} is offline`);
        const futureDir = this.logManager.logDirOf(tp, true);
        if (futureDir !== undefined && futureDir !== dir) {
          // Another destination: stop the move under way and drop its future log.
          this.replicaAlterLogDirsManager.removePartitions([tp]);
          this.logManager.asyncDelete(tp, true);
        }
        this.logManager.maybeUpdatePreferredLogDir(tp, dir);
        const partition = this.getPartitionOrException(tp);
        const current = partition.localLogOrException();
        if (current.parentDir === dir) {
          this.log.info(`The current log dir of ${tpKey(tp)} is the requested ${logDir}: no move`);
        } else if (this.logManager.getLog(tp, true) === undefined) {
          this.logManager.getOrCreateFutureLog(tp, dir);
          this.replicaAlterLogDirsManager.addPartitions([tp]);
          this.log.info(`Moving ${tpKey(tp)} from ${current.parentDir} to ${dir}`);
        } else {
          this.replicaAlterLogDirsManager.addPartitions([tp]);
        }
        return { tp, errorCode: Errors.NONE.code };
      } catch (err) {
        // Kafka keeps REPLICA_NOT_AVAILABLE here for a replica this broker does not host.
        if (err instanceof NotLeaderOrFollowerError) return { tp, errorCode: Errors.REPLICA_NOT_AVAILABLE.code };
        if (!(err instanceof ApiError)) this.log.error({ err }, `Error while changing the log dir of ${tpKey(tp)}`);
        else this.log.warn(`Unable to alter the log dir of ${tpKey(tp)}: ${err.message}`);
        return { tp, errorCode: errorCodeOf(err) };
      }
    });
  }

  private maybeShrinkIsr(): void {
    for (const p of this.partitions.values()) p.maybeShrinkIsr();
  }

  // ---- produce -------------------------------------------------------------------------------

  /**
   * Appends to local leader logs (each log validates with its own config); with acks=all waits
   * (DelayedProduce) until the ISR has the data or the timeout passes.
   */
  async appendRecords(params: AppendRecordsParams): Promise<ProducePartitionResult[]> {
    const { timeoutMs, requiredAcks, entries } = params;
    const origin = params.origin ?? 'client';
    const status = new Map<string, ProducePartitionStatus>();
    const order: string[] = [];
    for (const e of entries) {
      const key = tpKey(e.tp);
      order.push(key);
      // A large compressed batch is inflated on a worker thread first (never on the event loop).
      const large = this.decompressionPool && this.partitions.get(key)?.localLogOrNull ? largeCompressedEntries(e.records) : [];
      const decompressed = large.length > 0 ? await decompressEntries(large, this.decompressionPool!) : undefined;
      status.set(key, this.appendToLocalLog(e, requiredAcks, origin, decompressed));
    }
    const anySucceeded = [...status.values()].some((s) => s.errorCode === Errors.NONE.code);
    if (requiredAcks === -1 && anySucceeded) {
      for (const s of status.values()) s.acksPending = s.errorCode === Errors.NONE.code;
      await new Promise<void>((resolve) => {
        const op = new DelayedProduce(timeoutMs, status, this.partitionForKey, () => resolve(),
          (key) => (this.offlinePartitions.has(key) ? Errors.KAFKA_STORAGE_ERROR.code : Errors.UNKNOWN_TOPIC_OR_PARTITION.code));
        this.producePurgatory.tryCompleteElseWatch(op, [...status.keys()]);
      });
    }
    return order.map((key, i) => {
      const s = status.get(key)!;
      return { tp: entries[i]!.tp, errorCode: s.errorCode, baseOffset: s.baseOffset, logAppendTime: s.logAppendTime, logStartOffset: s.logStartOffset, errorMessage: s.errorMessage, recordErrors: s.recordErrors ?? [] };
    });
  }

  private appendToLocalLog(e: ProduceEntry, requiredAcks: number, origin: 'client' | 'coordinator', decompressed?: DecompressedEntries): ProducePartitionStatus {
    const failed = (err: unknown): ProducePartitionStatus => ({
      requiredOffset: -1n,
      errorCode: errorCodeOf(err),
      baseOffset: -1n,
      logAppendTime: -1n,
      logStartOffset: -1n,
      errorMessage: err instanceof ApiError ? err.message : null,
      recordErrors: recordErrorsOf(err),
      acksPending: false,
    });
    try {
      if (isInternalTopic(e.tp.topic) && origin !== 'coordinator') throw new InvalidTopicError(`Cannot append to internal topic ${e.tp.topic}`);
      this.metrics?.markProduceRequest(e.tp.topic);
      const partition = this.getPartitionOrException(e.tp);
      const info = partition.appendRecordsToLeader(e.records, requiredAcks, origin, decompressed);
      if (!info.duplicate) {
        this.metrics?.markBytesIn(e.tp.topic, e.records.length, info.numMessages);
        this.fetchPurgatory.checkAndComplete(tpKey(e.tp));
      }
      return {
        requiredOffset: info.lastOffset + 1n,
        errorCode: Errors.NONE.code,
        baseOffset: info.firstOffset,
        logAppendTime: info.logAppendTime,
        logStartOffset: info.logStartOffset,
        errorMessage: null,
        acksPending: false,
      };
    } catch (err) {
      if (!(err instanceof ApiError)) this.log.error({ err, topicPartition: tpKey(e.tp) }, 'Error appending to the log');
      this.metrics?.markFailedProduceRequest(e.tp.topic);
      return failed(err);
    }
  }

  // ---- delete records ------------------------------------------------------------------------

  /** DeleteRecords: move each leader's log start, then wait until the low watermark follows. */
  async deleteRecords(timeoutMs: number, entries: Array<{ tp: TopicPartition; offset: bigint }>): Promise<Array<{ tp: TopicPartition; lowWatermark: bigint; errorCode: number }>> {
    const status = new Map<string, DeleteRecordsStatus>();
    for (const e of entries) {
      const key = tpKey(e.tp);
      try {
        const partition = this.getPartitionOrException(e.tp);
        const low = partition.deleteRecordsOnLeader(e.offset);
        const required = e.offset === -1n ? partition.localLogOrException().logStartOffset : e.offset;
        status.set(key, { tp: e.tp, requiredOffset: required, lowWatermark: low, errorCode: Errors.NONE.code, pending: low < required });
      } catch (err) {
        if (!(err instanceof ApiError)) this.log.error({ err, topicPartition: key }, 'Error deleting records');
        status.set(key, { tp: e.tp, requiredOffset: -1n, lowWatermark: -1n, errorCode: errorCodeOf(err), pending: false });
      }
    }
    if ([...status.values()].some((s) => s.pending)) {
      await new Promise<void>((resolve) => {
        const op = new DelayedDeleteRecords(timeoutMs, status, this.partitionForKey, () => resolve());
        this.deleteRecordsPurgatory.tryCompleteElseWatch(op, [...status.keys()]);
      });
    }
    return [...status.values()].map((s) => ({ tp: s.tp, lowWatermark: s.lowWatermark, errorCode: s.errorCode }));
  }

  // ---- fetch ---------------------------------------------------------------------------------

  /** Reads for a consumer or a follower; waits (DelayedFetch) for min bytes up to max wait. */
  async fetchMessages(params: FetchParams): Promise<FetchPartitionResult[]> {
    return this.recordLeaderQuota(params, await this.fetchMessagesOnce(params));
  }

  /** Kafka's KafkaApis: the bytes a follower gets for throttled partitions count against the leader quota. */
  private recordLeaderQuota(params: FetchParams, results: FetchPartitionResult[]): FetchPartitionResult[] {
    const quota = this.config.quotas?.leader;
    if (quota && params.replicaId >= 0) quota.record(results.reduce((n, r) => n + (quota.isThrottled(r.tp) ? (r.records?.length ?? 0) : 0), 0));
    return results;
  }

  /**
   * Kafka's ReplicaManager.shouldLeaderThrottle: a follower outside the ISR fetching a throttled
   * partition while the leader quota is exceeded gets no records.
   */
  private shouldLeaderThrottle(partition: Partition, replicaId: number): boolean {
    const quota = this.config.quotas?.leader;
    return quota !== undefined && !partition.inSyncReplicaIds.includes(replicaId) && quota.isThrottled(partition.topicPartition) && quota.isQuotaExceeded();
  }

  private async fetchMessagesOnce(params: FetchParams): Promise<FetchPartitionResult[]> {
    const first = this.readFromLocalLog(params);
    const bytes = first.reduce((n, r) => n + (r.records?.length ?? 0), 0);
    const anyError = first.some((r) => r.errorCode !== Errors.NONE.code || r.divergingEpoch !== null);
    if (params.maxWaitMs <= 0 || params.partitions.length === 0 || bytes >= params.minBytes || anyError) return first;
    const waits: FetchPartitionWait[] = [];
    for (const [i, req] of params.partitions.entries()) {
      const p = this.partitions.get(tpKey(req.tp));
      const meta = first[i]?.fetchOffsetMetadata;
      if (!p || !meta) return first;
      waits.push({ key: tpKey(req.tp), fetchOffset: req.fetchOffset, leaderEpoch: p.leaderEpoch, fetchOffsetMetadata: meta });
    }
    const signal = params.signal;
    if (signal?.aborted) return first;
    let abandon = (): void => undefined;
    await new Promise<void>((resolve) => {
      const op = new DelayedFetch(params.maxWaitMs, params.minBytes, params.isolation, waits, this.partitionForKey, () => resolve(),
        (p) => params.replicaId >= 0 && this.shouldLeaderThrottle(p, params.replicaId));
      abandon = (): void => void op.forceComplete();
      signal?.addEventListener('abort', abandon, { once: true });
      this.fetchPurgatory.tryCompleteElseWatch(op, waits.map((w) => w.key));
    });
    signal?.removeEventListener('abort', abandon);
    return signal?.aborted ? first : this.readFromLocalLog(params);
  }

  private readFromLocalLog(params: FetchParams): FetchPartitionResult[] {
    const isFollower = params.replicaId >= 0;
    let remaining = params.maxBytes;
    let first = true;
    return params.partitions.map((req) => {
      const base: FetchPartitionResult = {
        tp: req.tp, errorCode: Errors.NONE.code, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, records: null, divergingEpoch: null,
      };
      try {
        this.metrics?.markFetchRequest(req.tp.topic);
        const partition = this.getPartitionOrException(req.tp);
        const info = partition.fetchRecords({
          replicaId: params.replicaId,
          fetchOffset: req.fetchOffset,
          followerLogStartOffset: req.logStartOffset,
          lastFetchedEpoch: req.lastFetchedEpoch,
          maxBytes: Math.max(0, Math.min(req.maxBytes, remaining)),
          isolation: params.isolation,
          minOneMessage: first,
          currentLeaderEpoch: req.currentLeaderEpoch,
        });
        const offsets = { highWatermark: info.highWatermark, lastStableOffset: info.lastStableOffset, logStartOffset: info.logStartOffset };
        if (info.divergingEpoch) return { ...base, ...offsets, divergingEpoch: info.divergingEpoch };
        if (isFollower) this.deleteRecordsPurgatory.checkAndComplete(tpKey(req.tp));
        const { abortedTransactions, fetchOffsetMetadata } = info.fetchedData;
        const records = isFollower && info.fetchedData.records.length > 0 && this.shouldLeaderThrottle(partition, params.replicaId)
          ? EMPTY_RECORDS : info.fetchedData.records;
        if (records.length > 0) {
          first = false;
          remaining -= records.length;
        }
        return { ...base, ...offsets, records, abortedTransactions, fetchOffsetMetadata };
      } catch (err) {
        if (!(err instanceof ApiError)) this.log.error({ err, topicPartition: tpKey(req.tp) }, 'Error reading from the log');
        this.metrics?.markFailedFetchRequest(req.tp.topic);
        return { ...base, errorCode: errorCodeOf(err) };
      }
    });
  }
}

const EMPTY_RECORDS = Buffer.alloc(0);

function leaderEndpointFrom(request: LeaderAndIsrRequest, leader: number): { host: string; port: number } | undefined {
  const l = request.liveLeaders.find((x) => x.brokerId === leader);
  return l ? { host: l.hostName, port: l.port } : undefined;
}
