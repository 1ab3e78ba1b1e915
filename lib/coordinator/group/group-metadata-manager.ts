/**
 * Kafka's GroupMetadataManager: the cache of groups this broker coordinates, their persistence in
 * __consumer_offsets, loading on election and unloading on resignation, and offset expiry.
 *
 * It knows nothing of logs or replication: it writes and reads through a GroupMetadataStorage that
 * the server implements over ReplicaManager (append = acks=all to the partition's leader, here).
 * Loads and unloads run one at a time in the order they were scheduled (Kafka's single-threaded
 * group-metadata-manager scheduler), each guarded by the partition's coordinator epoch.
 */
import type { TopicPartition } from '../../common/topic-partition.js';
import { errorCodeOf, Errors } from '../../protocol/errors.js';
import { buildRecordBatch, type SimpleRecord } from '../../record/memory-records-builder.js';
import { KafkaScheduler } from '../../common/scheduler.js';
import { logger } from '../../utils/logger.js';
import type { Time } from '../../common/time.js';
import { GroupMetadata } from './group-metadata.js';
import {
  groupMetadataKey, groupMetadataValue, offsetCommitKey, offsetCommitValue, readGroupMessageValue, readMessageKey, readOffsetMessageValue,
} from './group-metadata-records.js';
import { GroupState } from './group-state.js';
import { INVALID_OFFSET, NO_LEADER_EPOCH, NO_METADATA, TopicPartitionMap, type OffsetAndMetadata } from './offset-and-metadata.js';
import type { OffsetConfig } from '../../config/group-coordinator-config.js';
import { GROUP_METADATA_TOPIC_NAME } from '../../common/topic.js';

const NONE = 0;
const UNAVAILABLE_ON_APPEND = new Set<number>([Errors.UNKNOWN_TOPIC_OR_PARTITION.code, Errors.NOT_ENOUGH_REPLICAS.code, Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND.code]);
const NOT_LEADER_ON_APPEND = new Set<number>([Errors.NOT_LEADER_OR_FOLLOWER.code, Errors.KAFKA_STORAGE_ERROR.code]);
const TOO_LARGE_ON_APPEND = new Set<number>([Errors.MESSAGE_TOO_LARGE.code, Errors.RECORD_LIST_TOO_LARGE.code, Errors.INVALID_FETCH_SIZE.code]);

/**
 * One record of __consumer_offsets as read back for loading, with what the loader needs of its
 * batch: the producer id and transactional flag (offsets written by TxnOffsetCommit count only once
 * their COMMIT marker is read), and for a control batch its marker type (ControlRecordType: 0 ABORT,
 * 1 COMMIT; key and value are then null). Absent fields mean a plain, non-transactional record.
 */
export interface StoredRecord {
  key: Buffer | null;
  value: Buffer | null;
  offset: bigint;
  producerId?: bigint;
  isTransactional?: boolean;
  controlType?: number;
}

const CONTROL_ABORT = 0;
const CONTROL_COMMIT = 1;

/**
 * The storage boundary, implemented by the server over ReplicaManager:
 * - partitionFor: abs(javaStringHashCode(groupId)) % partition count of __consumer_offsets
 *   (use partitionForGroup from group-metadata-records.ts).
 * - append: appends one magic-2 batch (built here) to the partition as leader with acks=all and
 *   resolves to the error code (0 = ok) once replicated or failed (timeout = offsets.commit.timeout.ms).
 * - read: the partition's records from the log start to the log end, in offset order, control
 *   batches included (as their marker type) and each record tagged with its batch's producer id
 *   and transactional flag.
 */
export interface GroupMetadataStorage {
  partitionFor(groupId: string): number;
  append(partition: number, records: Buffer): Promise<number>;
  read(partition: number): AsyncIterable<StoredRecord>;
}

export interface OffsetFetchPartitionData {
  topicPartition: TopicPartition;
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  error: number;
}

/** Kafka's maybeConvertOffsetCommitError: append errors as an OffsetCommit answers them. */
export function maybeConvertOffsetCommitError(error: number): number {
  if (error === Errors.NETWORK_EXCEPTION.code) return Errors.COORDINATOR_LOAD_IN_PROGRESS.code;
  if (UNAVAILABLE_ON_APPEND.has(error)) return Errors.COORDINATOR_NOT_AVAILABLE.code;
  if (NOT_LEADER_ON_APPEND.has(error)) return Errors.NOT_COORDINATOR.code;
  if (TOO_LARGE_ON_APPEND.has(error)) return Errors.INVALID_COMMIT_OFFSET_SIZE.code;
  return error;
}

/** How storeGroup maps append errors (Kafka's storeGroup callback). */
export function convertStoreGroupError(error: number): number {
  if (error === NONE) return NONE;
  if (UNAVAILABLE_ON_APPEND.has(error)) return Errors.COORDINATOR_NOT_AVAILABLE.code;
  if (NOT_LEADER_ON_APPEND.has(error)) return Errors.NOT_COORDINATOR.code;
  if (error === Errors.REQUEST_TIMED_OUT.code) return Errors.REBALANCE_IN_PROGRESS.code;
  if (TOO_LARGE_ON_APPEND.has(error)) return Errors.UNKNOWN_SERVER_ERROR.code;
  return error;
}

export class GroupMetadataManager {
  private readonly log;
  private readonly groupMetadataCache = new Map<string, GroupMetadata>();
  private readonly loadingPartitions = new Set<number>();
  private readonly ownedPartitions = new Set<number>();
  private readonly epochForPartitionId = new Map<number, number>();
  private readonly scheduler: KafkaScheduler;
  /** Loads and unloads, serialized (Kafka's one-thread scheduler). */
  private loadChain: Promise<void> = Promise.resolve();
  private shuttingDown = false;

  constructor(readonly brokerId: number, readonly config: OffsetConfig, readonly storage: GroupMetadataStorage, private readonly time: Time) {
    this.log = logger('kafka.coordinator.group.GroupMetadataManager', { broker: brokerId });
    this.scheduler = new KafkaScheduler({ time, threadNamePrefix: 'group-metadata-manager-' });
  }

  startup(enableMetadataExpiration: boolean): void {
    this.scheduler.startup();
    if (enableMetadataExpiration) {
      this.scheduler.schedule('delete-expired-group-metadata', () => { this.cleanupExpiredOffsets(); }, 0, this.config.offsetsRetentionCheckIntervalMs);
    }
  }

  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    await this.scheduler.shutdown();
    await this.loadChain;
    this.groupMetadataCache.clear();
    this.ownedPartitions.clear();
    this.loadingPartitions.clear();
  }

  currentGroups(): GroupMetadata[] {
    return [...this.groupMetadataCache.values()];
  }

  isPartitionOwned(partition: number): boolean {
    return this.ownedPartitions.has(partition);
  }

  isPartitionLoading(partition: number): boolean {
    return this.loadingPartitions.has(partition);
  }

  partitionFor(groupId: string): number {
    return this.storage.partitionFor(groupId);
  }

  isGroupLocal(groupId: string): boolean {
    return this.isPartitionOwned(this.partitionFor(groupId));
  }

  isGroupLoading(groupId: string): boolean {
    return this.isPartitionLoading(this.partitionFor(groupId));
  }

  isLoading(): boolean {
    return this.loadingPartitions.size > 0;
  }

  /** True when this broker owns the group's partition and has no live group of that id. */
  groupNotExists(groupId: string): boolean {
    if (!this.isGroupLocal(groupId)) return false;
    const g = this.groupMetadataCache.get(groupId);
    return g === undefined || g.is(GroupState.Dead);
  }

  getGroup(groupId: string): GroupMetadata | undefined {
    return this.groupMetadataCache.get(groupId);
  }

  getOrMaybeCreateGroup(groupId: string, createIfNotExist: boolean): GroupMetadata | undefined {
    const g = this.groupMetadataCache.get(groupId);
    if (g !== undefined || !createIfNotExist) return g;
    return this.addGroup(new GroupMetadata(groupId, GroupState.Empty, this.time));
  }

  /** Adds the group unless one with that id is cached; returns the cached one. */
  addGroup(group: GroupMetadata): GroupMetadata {
    const current = this.groupMetadataCache.get(group.groupId);
    if (current !== undefined) return current;
    this.groupMetadataCache.set(group.groupId, group);
    return group;
  }

  /** Persists the group's metadata with `assignment`; `callback` gets the error as SyncGroup answers it. */
  storeGroup(group: GroupMetadata, assignment: ReadonlyMap<string, Buffer>, callback: (error: number) => void): void {
    const partition = this.partitionFor(group.groupId);
    if (!this.isPartitionOwned(partition)) {
      callback(Errors.NOT_COORDINATOR.code);
      return;
    }
    const timestamp = BigInt(this.time.milliseconds());
    const records = this.buildBatch([{ key: groupMetadataKey(group.groupId), value: groupMetadataValue(group, assignment), timestamp }]);
    const generationId = group.generationId;
    this.appendForGroup(partition, records, (error) => {
      if (error !== NONE) this.log.debug({ groupId: group.groupId, generationId, error }, 'Metadata of group failed when appending to log');
      callback(convertStoreGroupError(error));
    });
  }

  /**
   * Appends the commits and, once stored, makes them visible in the group. Commits whose metadata
   * exceeds offset.metadata.max.bytes answer Errors.OFFSET_METADATA_TOO_LARGE.code and are not written.
   */
  storeOffsets(group: GroupMetadata, offsets: TopicPartitionMap<OffsetAndMetadata>, callback: (errors: TopicPartitionMap<number>) => void): void {
    const valid = (o: OffsetAndMetadata): boolean => o.metadata.length <= this.config.maxMetadataSize;
    const filtered = [...offsets.entries()].filter(([, o]) => valid(o));
    const answer = (error: number): void => {
      const out = new TopicPartitionMap<number>();
      for (const [tp, o] of offsets.entries()) out.set(tp, valid(o) ? error : Errors.OFFSET_METADATA_TOO_LARGE.code);
      callback(out);
    };
    if (filtered.length === 0) {
      answer(Errors.OFFSET_METADATA_TOO_LARGE.code);
      return;
    }
    const partition = this.partitionFor(group.groupId);
    if (!this.isPartitionOwned(partition)) {
      answer(Errors.NOT_COORDINATOR.code);
      return;
    }
    const timestamp = BigInt(this.time.milliseconds());
    const records = this.buildBatch(filtered.map(([tp, o]) => ({ key: offsetCommitKey(group.groupId, tp), value: offsetCommitValue(o), timestamp })));
    group.prepareOffsetCommit(filtered);
    this.appendForGroup(partition, records, (error) => {
      if (!group.is(GroupState.Dead)) {
        for (const [tp, o] of filtered) {
          if (error === NONE) group.onOffsetCommitAppend(tp, o);
          else group.failPendingOffsetWrite(tp, o);
        }
      }
      if (error !== NONE) this.log.debug({ groupId: group.groupId, error }, 'Offset commit failed when appending to log');
      answer(maybeConvertOffsetCommitError(error));
    });
  }

  /**
   * Committed offsets of a group: all of them when `partitions` is null, else each asked partition
   * (offset -1, metadata "" when none). With requireStable, a partition with a commit still being
   * written answers Errors.UNSTABLE_OFFSET_COMMIT.code.
   */
  getOffsets(groupId: string, requireStable: boolean, partitions: readonly TopicPartition[] | null): OffsetFetchPartitionData[] {
    const none = (tp: TopicPartition, error = NONE): OffsetFetchPartitionData =>
      ({ topicPartition: tp, offset: INVALID_OFFSET, leaderEpoch: NO_LEADER_EPOCH, metadata: NO_METADATA, error });
    const group = this.groupMetadataCache.get(groupId);
    if (group === undefined || group.is(GroupState.Dead)) return (partitions ?? []).map((tp) => none(tp));
    const tps = partitions ?? group.allOffsets().map(([tp]) => tp);
    return tps.map((tp) => {
      if (requireStable && (group.hasPendingOffsetCommitsForTopicPartition(tp) || this.hasPendingTxnOffsetCommit(groupId, tp))) return none(tp, Errors.UNSTABLE_OFFSET_COMMIT.code);
      const o = group.offset(tp);
      return o === undefined ? none(tp) : { topicPartition: tp, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, error: NONE };
    });
  }

  /**
   * Kafka's scheduleLoadGroupAndOffsets: marks the partition loading (requests for its groups answer
   * Errors.COORDINATOR_LOAD_IN_PROGRESS.code) and loads it after earlier loads/unloads. The returned promise
   * settles when this load is done (it never rejects).
   */
  scheduleLoadGroupAndOffsets(partition: number, coordinatorEpoch: number, onGroupLoaded: (g: GroupMetadata) => void): Promise<void> {
    if (this.ownedPartitions.has(partition) || this.loadingPartitions.has(partition)) {
      this.log.info(`Already loading offsets and group metadata from ${GROUP_METADATA_TOPIC_NAME}-${partition}`);
      return this.loadChain;
    }
    this.loadingPartitions.add(partition);
    this.log.info(`Scheduling loading of offsets and group metadata from ${GROUP_METADATA_TOPIC_NAME}-${partition} for epoch ${coordinatorEpoch}`);
    return this.enqueue(() => this.loadGroupsAndOffsets(partition, coordinatorEpoch, onGroupLoaded));
  }

  /** Kafka's removeGroupsForPartition: unloads the partition's groups after earlier loads/unloads. */
  removeGroupsForPartition(partition: number, coordinatorEpoch: number | undefined, onGroupUnloaded: (g: GroupMetadata) => void): Promise<void> {
    this.log.info(`Scheduling unloading of offsets and group metadata from ${GROUP_METADATA_TOPIC_NAME}-${partition}`);
    return this.enqueue(() => {
      this.removeGroupsAndOffsets(partition, coordinatorEpoch, onGroupUnloaded);
      return Promise.resolve();
    });
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.loadChain.then(task).catch((err: unknown) => { this.log.error({ err }, 'Error in group metadata load/unload'); });
    this.loadChain = run;
    return run;
  }

  /** Kafka's maybeUpdateCoordinatorEpoch: true when `epoch` (if given) is the partition's newest. */
  private maybeUpdateCoordinatorEpoch(partition: number, epoch: number | undefined): boolean {
    const current = this.epochForPartitionId.get(partition);
    let updated = current;
    if (current === undefined) updated = epoch;
    else if (epoch !== undefined && epoch > current) updated = epoch;
    if (updated !== undefined) this.epochForPartitionId.set(partition, updated);
    return epoch === undefined || epoch === updated;
  }

  private async loadGroupsAndOffsets(partition: number, epoch: number, onGroupLoaded: (g: GroupMetadata) => void): Promise<void> {
    const start = this.time.milliseconds();
    try {
      if (!this.maybeUpdateCoordinatorEpoch(partition, epoch)) {
        this.log.info(`Not loading offsets and group metadata for ${GROUP_METADATA_TOPIC_NAME}-${partition} in epoch ${epoch} since current epoch is ${this.epochForPartitionId.get(partition)}`);
        return;
      }
      await this.doLoadGroupsAndOffsets(partition, onGroupLoaded);
      this.log.info(`Finished loading offsets and group metadata from ${GROUP_METADATA_TOPIC_NAME}-${partition} in ${this.time.milliseconds() - start} milliseconds for epoch ${epoch}`);
    } catch (err) {
      this.log.error({ err }, `Error loading offsets from ${GROUP_METADATA_TOPIC_NAME}-${partition}`);
    } finally {
      if (this.loadingPartitions.delete(partition)) this.ownedPartitions.add(partition);
    }
  }

  private async doLoadGroupsAndOffsets(partition: number, onGroupLoaded: (g: GroupMetadata) => void): Promise<void> {
    const loadedOffsets = new Map<string, TopicPartitionMap<OffsetAndMetadata>>();
    // Transactional commits per producer id, applied when its COMMIT marker is read, dropped on ABORT.
    const pendingOffsets = new Map<bigint, Map<string, TopicPartitionMap<OffsetAndMetadata>>>();
    const loadedGroups = new Map<string, GroupMetadata>();
    const removedGroups = new Set<string>();
    const offsetsOf = (m: Map<string, TopicPartitionMap<OffsetAndMetadata>>, groupId: string): TopicPartitionMap<OffsetAndMetadata> => {
      let offsets = m.get(groupId);
      if (!offsets) {
        offsets = new TopicPartitionMap();
        m.set(groupId, offsets);
      }
      return offsets;
    };
    for await (const record of this.storage.read(partition)) {
      if (this.shuttingDown) return;
      const producerId = record.producerId ?? -1n;
      if (record.controlType !== undefined) {
        if (record.controlType !== CONTROL_COMMIT && record.controlType !== CONTROL_ABORT) continue;
        const txn = pendingOffsets.get(producerId);
        pendingOffsets.delete(producerId);
        if (txn && record.controlType === CONTROL_COMMIT) {
          for (const [groupId, offsets] of txn) {
            const target = offsetsOf(loadedOffsets, groupId);
            for (const [tp, o] of offsets.entries()) target.set(tp, o);
          }
        }
        continue;
      }
      if (record.key === null) {
        this.log.warn(`Group metadata/offset entry with a null key at offset ${record.offset} of ${GROUP_METADATA_TOPIC_NAME}-${partition}; skipped`);
        continue;
      }
      const key = readMessageKey(record.key);
      if (key.type === 'offset') {
        const isTxnOffsetCommit = record.isTransactional === true && producerId >= 0n;
        let byGroup = loadedOffsets;
        if (isTxnOffsetCommit) {
          byGroup = pendingOffsets.get(producerId) ?? new Map<string, TopicPartitionMap<OffsetAndMetadata>>();
          pendingOffsets.set(producerId, byGroup);
        }
        const value = readOffsetMessageValue(record.value);
        if (value === null) byGroup.get(key.groupId)?.delete(key.topicPartition);
        else offsetsOf(byGroup, key.groupId).set(key.topicPartition, value);
      } else if (key.type === 'group') {
        const group = readGroupMessageValue(key.groupId, record.value, this.time);
        if (group !== null) {
          removedGroups.delete(key.groupId);
          loadedGroups.set(key.groupId, group);
        } else {
          loadedGroups.delete(key.groupId);
          removedGroups.add(key.groupId);
        }
      } else {
        this.log.warn(`Unknown message key with version ${key.version} while loading offsets and group metadata from ${GROUP_METADATA_TOPIC_NAME}-${partition}. Ignoring it.`);
      }
    }
    // Transactions still open at the log end: their offsets stay pending until their marker comes.
    const pendingGroups = new Set<string>();
    for (const [producerId, byGroup] of pendingOffsets) {
      for (const [groupId, offsets] of byGroup) {
        if (offsets.size === 0) continue;
        pendingGroups.add(groupId);
        const open = this.pendingTxnOffsets.get(producerId) ?? new Map<string, TopicPartitionMap<OffsetAndMetadata>>();
        const target = open.get(groupId) ?? new TopicPartitionMap<OffsetAndMetadata>();
        for (const [tp, o] of offsets.entries()) target.set(tp, o);
        open.set(groupId, target);
        this.pendingTxnOffsets.set(producerId, open);
      }
    }
    for (const group of loadedGroups.values()) {
      this.loadGroup(group, loadedOffsets.get(group.groupId), onGroupLoaded);
    }
    // Groups that only store offsets (no members, no GroupMetadata record), committed or pending.
    for (const groupId of new Set([...loadedOffsets.keys(), ...pendingGroups])) {
      const offsets = loadedOffsets.get(groupId);
      if (loadedGroups.has(groupId) || ((offsets?.size ?? 0) === 0 && !pendingGroups.has(groupId))) continue;
      this.loadGroup(new GroupMetadata(groupId, GroupState.Empty, this.time), offsets, onGroupLoaded);
    }
    for (const groupId of removedGroups) {
      if (this.groupMetadataCache.has(groupId) && !loadedOffsets.has(groupId)) {
        this.log.warn(`Unexpected unload of active group ${groupId} while loading partition ${GROUP_METADATA_TOPIC_NAME}-${partition}`);
      }
    }
  }

  private loadGroup(group: GroupMetadata, offsets: TopicPartitionMap<OffsetAndMetadata> | undefined, onGroupLoaded: (g: GroupMetadata) => void): void {
    if (offsets) group.initializeOffsets(offsets.entries());
    const current = this.addGroup(group);
    if (current !== group) {
      this.log.debug(`Attempt to load group ${group.groupId} from log with generation ${group.generationId} failed because there is already a cached group with generation ${current.generationId}`);
      return;
    }
    onGroupLoaded(group);
  }

  private removeGroupsAndOffsets(partition: number, epoch: number | undefined, onGroupUnloaded: (g: GroupMetadata) => void): void {
    if (!this.maybeUpdateCoordinatorEpoch(partition, epoch)) {
      this.log.info(`Not removing offsets and group metadata for ${GROUP_METADATA_TOPIC_NAME}-${partition} in epoch ${epoch} since current epoch is ${this.epochForPartitionId.get(partition)}`);
      return;
    }
    let groups = 0;
    let offsets = 0;
    this.ownedPartitions.delete(partition);
    this.loadingPartitions.delete(partition);
    for (const [producerId, byGroup] of this.pendingTxnOffsets) {
      for (const groupId of [...byGroup.keys()]) if (this.partitionFor(groupId) === partition) byGroup.delete(groupId);
      if (byGroup.size === 0) this.pendingTxnOffsets.delete(producerId);
    }
    for (const group of [...this.groupMetadataCache.values()]) {
      if (this.partitionFor(group.groupId) !== partition) continue;
      onGroupUnloaded(group);
      this.groupMetadataCache.delete(group.groupId);
      groups++;
      offsets += group.numOffsets();
    }
    this.log.info(`Finished unloading ${GROUP_METADATA_TOPIC_NAME}-${partition} for coordinator epoch ${epoch ?? 'none'}. Removed ${offsets} cached offsets and ${groups} cached groups.`);
  }

  /** The periodic expiry task: drops expired offsets and groups left Empty without offsets. */
  cleanupExpiredOffsets(): number {
    const now = this.time.milliseconds();
    const removed = this.cleanupGroupMetadata(this.currentGroups(), (g) => g.removeExpiredOffsets(now, this.config.offsetsRetentionMs));
    this.log.info(`Removed ${removed} expired offsets in ${this.time.milliseconds() - now} milliseconds.`);
    return removed;
  }

  /**
   * Kafka's cleanupGroupMetadata: removes offsets chosen by `selector`, turns Empty groups without
   * offsets Dead, and writes tombstones (offsets; the group's metadata when it ever had a
   * generation). Tombstones are appended without waiting: if lost, the next run writes them again.
   * Returns how many offsets were removed.
   */
  cleanupGroupMetadata(groups: readonly GroupMetadata[], selector: (g: GroupMetadata) => Array<[TopicPartition, OffsetAndMetadata]>): number {
    let offsetsRemoved = 0;
    for (const group of groups) {
      const groupId = group.groupId;
      const removedOffsets = selector(group);
      if (group.is(GroupState.Empty) && !group.hasOffsets() && !this.hasPendingTxnOffsetCommit(groupId)) {
        this.log.info(`Group ${groupId} transitioned to Dead in generation ${group.generationId}`);
        group.transitionTo(GroupState.Dead);
      }
      const partition = this.partitionFor(groupId);
      if (!this.isPartitionOwned(partition)) {
        this.log.info(`BrokerId ${this.brokerId} is no longer a coordinator for the group ${groupId}. Proceeding cleanup for other alive groups`);
        continue;
      }
      const timestamp = BigInt(this.time.milliseconds());
      const tombstones: SimpleRecord[] = removedOffsets.map(([tp]) => ({ key: offsetCommitKey(groupId, tp), value: null, timestamp }));
      if (group.is(GroupState.Dead) && this.groupMetadataCache.get(groupId) === group) {
        this.groupMetadataCache.delete(groupId);
        // A group that never had a generation only stored offsets: no metadata record to delete.
        if (group.generationId > 0) tombstones.push({ key: groupMetadataKey(groupId), value: null, timestamp });
      }
      if (tombstones.length > 0) {
        const n = tombstones.length;
        this.appendForGroup(partition, this.buildBatch(tombstones), (error) => {
          if (error !== NONE) this.log.error({ error }, `Failed to append ${n} tombstones to ${GROUP_METADATA_TOPIC_NAME}-${partition} for expired/deleted offsets and/or metadata for group ${groupId}.`);
        });
        offsetsRemoved += removedOffsets.length;
      }
    }
    return offsetsRemoved;
  }

  // ---- transactional offsets (KIP-98 TxnOffsetCommit) ----

  /** Offsets written by a transaction, per producer id and group, until its marker arrives. */
  private readonly pendingTxnOffsets = new Map<bigint, Map<string, TopicPartitionMap<OffsetAndMetadata>>>();

  /**
   * TxnOffsetCommit: the offsets are written as a transactional batch of the producer and stay
   * invisible (pending) until the coordinator's COMMIT marker reaches this partition.
   */
  storeTxnOffsets(group: GroupMetadata, producerId: bigint, producerEpoch: number, offsets: TopicPartitionMap<OffsetAndMetadata>, callback: (errors: TopicPartitionMap<number>) => void): void {
    const answer = (error: number): void => {
      const out = new TopicPartitionMap<number>();
      for (const [tp, o] of offsets.entries()) out.set(tp, o.metadata.length <= this.config.maxMetadataSize ? error : Errors.OFFSET_METADATA_TOO_LARGE.code);
      callback(out);
    };
    const filtered = [...offsets.entries()].filter(([, o]) => o.metadata.length <= this.config.maxMetadataSize);
    const partition = this.partitionFor(group.groupId);
    if (!this.isPartitionOwned(partition)) return answer(Errors.NOT_COORDINATOR.code);
    if (filtered.length === 0) return answer(Errors.OFFSET_METADATA_TOO_LARGE.code);
    const timestamp = BigInt(this.time.milliseconds());
    const records = buildRecordBatch(
      filtered.map(([tp, o]) => ({ key: offsetCommitKey(group.groupId, tp), value: offsetCommitValue(o), timestamp })),
      { compression: this.config.offsetsTopicCompressionCodec, producerId, producerEpoch, baseSequence: 0, isTransactional: true },
    );
    this.appendForGroup(partition, records, (error) => {
      if (error === NONE) {
        const byGroup = this.pendingTxnOffsets.get(producerId) ?? new Map<string, TopicPartitionMap<OffsetAndMetadata>>();
        const pending = byGroup.get(group.groupId) ?? new TopicPartitionMap<OffsetAndMetadata>();
        for (const [tp, o] of filtered) pending.set(tp, o);
        byGroup.set(group.groupId, pending);
        this.pendingTxnOffsets.set(producerId, byGroup);
      }
      answer(maybeConvertOffsetCommitError(error));
    });
  }

  /** Whether a transaction of some producer holds an offset of the group (of `tp`, when given) not yet committed or aborted. */
  hasPendingTxnOffsetCommit(groupId: string, tp?: TopicPartition): boolean {
    for (const byGroup of this.pendingTxnOffsets.values()) {
      const offsets = byGroup.get(groupId);
      if (offsets && (tp === undefined ? offsets.size > 0 : offsets.has(tp))) return true;
    }
    return false;
  }

  /**
   * A transaction marker reached these __consumer_offsets partitions: publish or drop the offsets.
   * While one of them is loading, this runs after the load (Kafka schedules both on one thread), so
   * a marker written past the point the load read to still completes what the load left pending.
   */
  handleTxnCompletion(producerId: bigint, partitions: ReadonlySet<number>, isCommit: boolean): void {
    if ([...partitions].some((p) => this.loadingPartitions.has(p))) {
      void this.enqueue(() => {
        this.completeTxnOffsets(producerId, partitions, isCommit);
        return Promise.resolve();
      });
      return;
    }
    this.completeTxnOffsets(producerId, partitions, isCommit);
  }

  private completeTxnOffsets(producerId: bigint, partitions: ReadonlySet<number>, isCommit: boolean): void {
    const byGroup = this.pendingTxnOffsets.get(producerId);
    if (!byGroup) return;
    for (const [groupId, offsets] of byGroup) {
      if (!partitions.has(this.partitionFor(groupId))) continue;
      byGroup.delete(groupId);
      const group = this.groupMetadataCache.get(groupId);
      if (isCommit && group && !group.is(GroupState.Dead)) group.initializeOffsets(offsets.entries());
    }
    if (byGroup.size === 0) this.pendingTxnOffsets.delete(producerId);
  }

  private buildBatch(records: SimpleRecord[]): Buffer {
    return buildRecordBatch(records, { compression: this.config.offsetsTopicCompressionCodec });
  }

  /** Starts the append now and calls `callback` with its error code (0 = stored) when it settles. */
  private appendForGroup(partition: number, records: Buffer, callback: (error: number) => void): void {
    let started: Promise<number>;
    try {
      started = this.storage.append(partition, records);
    } catch (err) {
      started = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    started.then(
      (error) => callback(error),
      (err: unknown) => {
        const error = errorCodeOf(err);
        if (error === Errors.UNKNOWN_SERVER_ERROR.code) this.log.error({ err }, `Unexpected error appending to ${GROUP_METADATA_TOPIC_NAME}-${partition}`);
        callback(error);
      },
    ).catch((err: unknown) => { this.log.error({ err }, 'Error in group coordinator append callback'); });
  }
}
