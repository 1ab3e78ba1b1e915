/**
 * Kafka's TransactionStateManager: the transactional ids of the `__transaction_state` partitions
 * this broker leads, cached per partition with the coordinator epoch (the partition's leader
 * epoch). Writes a transition to the log (acks=all) before completing it; loads a partition's
 * latest value per id when this broker becomes its leader, and drops it when it stops leading.
 */
import { Errors } from '../../protocol/errors.js';
import { buildRecordBatch } from '../../record/memory-records-builder.js';
import { logger } from '../../utils/logger.js';
import { partitionForTransactionalId } from './transaction-log.js';
import { keyToBytes, readTxnRecordKey, readTxnRecordValue, valueToBytes, type TxnTransitMetadata } from './transaction-log.js';
import { TransactionMetadata } from './transaction-metadata.js';
import { TransactionState } from './transaction-state.js';

const E = {
  NOT_COORDINATOR: Errors.NOT_COORDINATOR.code,
  COORDINATOR_LOAD_IN_PROGRESS: Errors.COORDINATOR_LOAD_IN_PROGRESS.code,
  COORDINATOR_NOT_AVAILABLE: Errors.COORDINATOR_NOT_AVAILABLE.code,
  UNKNOWN_TOPIC_OR_PARTITION: Errors.UNKNOWN_TOPIC_OR_PARTITION.code,
  NOT_LEADER_OR_FOLLOWER: Errors.NOT_LEADER_OR_FOLLOWER.code,
  NOT_ENOUGH_REPLICAS: Errors.NOT_ENOUGH_REPLICAS.code,
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND.code,
  REQUEST_TIMED_OUT: Errors.REQUEST_TIMED_OUT.code,
  KAFKA_STORAGE_ERROR: Errors.KAFKA_STORAGE_ERROR.code,
  UNKNOWN_SERVER_ERROR: Errors.UNKNOWN_SERVER_ERROR.code,
};

/** How the manager reaches `__transaction_state` (wired to the ReplicaManager by the server). */
export interface TransactionLogStorage {
  numPartitions(): number;
  /** Appends with acks=all; resolves to the partition's error code. */
  append(partition: number, records: Buffer): Promise<number>;
  /** Every (key, value) of the partition up to its high watermark, in order. */
  read(partition: number): AsyncIterable<{ key: Buffer | null; value: Buffer | null }>;
}

export type CoordinatorEpochAndTxnMetadata = { coordinatorEpoch: number; metadata: TransactionMetadata | undefined };

export class TransactionStateManager {
  private readonly log = logger('kafka.coordinator.transaction.TransactionStateManager');
  private readonly owned = new Map<number, { coordinatorEpoch: number; txns: Map<string, TransactionMetadata> }>();
  private readonly loading = new Map<number, number>();

  constructor(private readonly storage: TransactionLogStorage) {}

  partitionFor(transactionalId: string): number {
    return partitionForTransactionalId(transactionalId, this.storage.numPartitions());
  }

  /** The cached metadata, or the error to answer (NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS). */
  getTransactionState(transactionalId: string): { error: number } | CoordinatorEpochAndTxnMetadata {
    const p = this.partitionFor(transactionalId);
    if (this.loading.has(p)) return { error: E.COORDINATOR_LOAD_IN_PROGRESS };
    const o = this.owned.get(p);
    if (!o) return { error: E.NOT_COORDINATOR };
    return { coordinatorEpoch: o.coordinatorEpoch, metadata: o.txns.get(transactionalId) };
  }

  putTransactionStateIfNotExists(m: TransactionMetadata): TransactionMetadata {
    const o = this.owned.get(this.partitionFor(m.transactionalId));
    if (!o) return m;
    const existing = o.txns.get(m.transactionalId);
    if (existing) return existing;
    o.txns.set(m.transactionalId, m);
    return m;
  }

  /** All cached transactions (DescribeTransactions / ListTransactions / timeouts). */
  *allTransactions(): Generator<{ coordinatorEpoch: number; metadata: TransactionMetadata }> {
    for (const o of this.owned.values()) for (const m of o.txns.values()) yield { coordinatorEpoch: o.coordinatorEpoch, metadata: m };
  }

  isCoordinatorEpochCurrent(transactionalId: string, coordinatorEpoch: number): boolean {
    return this.owned.get(this.partitionFor(transactionalId))?.coordinatorEpoch === coordinatorEpoch;
  }

  /**
   * Writes the transition; on success completes it on the cached metadata (when this broker is
   * still the coordinator in that epoch). Resolves to the error to answer.
   */
  async appendTransactionToLog(m: TransactionMetadata, coordinatorEpoch: number, t: TxnTransitMetadata, now: number): Promise<number> {
    const partition = this.partitionFor(m.transactionalId);
    const records = buildRecordBatch([{ key: keyToBytes(m.transactionalId), value: valueToBytes(t), timestamp: BigInt(now) }]);
    let code: number;
    try {
      code = await this.storage.append(partition, records);
    } catch (err) {
      this.log.error({ err }, `Appending ${t.txnState} for ${m.transactionalId} failed`);
      code = E.UNKNOWN_SERVER_ERROR;
    }
    if (code === Errors.NONE.code && !this.isCoordinatorEpochCurrent(m.transactionalId, coordinatorEpoch)) code = E.NOT_COORDINATOR;
    if (code !== Errors.NONE.code) {
      if (m.pendingState === t.txnState) m.pendingState = undefined;
      if (code === E.UNKNOWN_TOPIC_OR_PARTITION || code === E.NOT_ENOUGH_REPLICAS || code === E.NOT_ENOUGH_REPLICAS_AFTER_APPEND || code === E.REQUEST_TIMED_OUT || code === E.KAFKA_STORAGE_ERROR) return E.COORDINATOR_NOT_AVAILABLE;
      if (code === E.NOT_LEADER_OR_FOLLOWER || code === E.NOT_COORDINATOR) return E.NOT_COORDINATOR;
      return code === E.COORDINATOR_NOT_AVAILABLE ? code : E.UNKNOWN_SERVER_ERROR;
    }
    m.completeTransition(t);
    this.log.debug(`Appended ${t.txnState} for ${m.transactionalId} (producer ${t.producerId} epoch ${t.producerEpoch})`);
    return Errors.NONE.code;
  }

  /**
   * Kafka's loadTransactionsForTxnTopicPartition: the latest value per id; returns the transactions
   * caught in PrepareCommit/PrepareAbort so the coordinator completes them.
   */
  async loadTransactionsForTxnTopicPartition(partition: number, coordinatorEpoch: number): Promise<Array<{ coordinatorEpoch: number; metadata: TransactionMetadata }>> {
    this.loading.set(partition, coordinatorEpoch);
    this.owned.delete(partition);
    const latest = new Map<string, TxnTransitMetadata | null>();
    try {
      for await (const r of this.storage.read(partition)) {
        if (r.key === null) continue;
        const id = readTxnRecordKey(r.key);
        if (id === undefined) continue;
        latest.set(id, readTxnRecordValue(r.value));
      }
    } finally {
      if (this.loading.get(partition) === coordinatorEpoch) this.loading.delete(partition);
    }
    const txns = new Map<string, TransactionMetadata>();
    for (const [id, t] of latest) if (t && t.txnState !== TransactionState.Dead) txns.set(id, TransactionMetadata.fromTransit(id, t));
    this.owned.set(partition, { coordinatorEpoch, txns });
    this.log.info(`Loaded ${txns.size} transactional ids from ${partition} of __transaction_state with coordinator epoch ${coordinatorEpoch}`);
    return [...txns.values()]
      .filter((m) => m.state === TransactionState.PrepareCommit || m.state === TransactionState.PrepareAbort)
      .map((metadata) => ({ coordinatorEpoch, metadata }));
  }

  /**
   * Kafka's removeExpiredTransactionalIds: an id whose transaction is complete (Empty, CompleteCommit,
   * CompleteAbort) and that saw no activity for transactional.id.expiration.ms is written off with a
   * tombstone in its __transaction_state partition (compaction then drops it) and leaves the cache.
   * Returns the ids removed.
   */
  async removeExpiredTransactionalIds(now: number, expirationMs: number): Promise<string[]> {
    const removed: string[] = [];
    for (const [partition, o] of [...this.owned]) {
      const expired = [...o.txns.values()].filter((m) => m.pendingState === undefined
        && (m.state === TransactionState.Empty || m.state === TransactionState.CompleteCommit || m.state === TransactionState.CompleteAbort)
        && now - m.txnLastUpdateTimestamp >= expirationMs);
      if (expired.length === 0) continue;
      const transits = expired.map((m) => m.prepareDead(now));
      const tombstones = buildRecordBatch(expired.map((m) => ({ key: keyToBytes(m.transactionalId), value: null, timestamp: BigInt(now) })));
      let code: number;
      try {
        code = await this.storage.append(partition, tombstones);
      } catch (err) {
        this.log.error({ err }, `Writing tombstones of expired transactional ids to partition ${partition} failed`);
        code = E.UNKNOWN_SERVER_ERROR;
      }
      const current = this.owned.get(partition);
      expired.forEach((m, i) => {
        if (code !== Errors.NONE.code || current !== o) {
          if (m.pendingState === TransactionState.Dead) m.pendingState = undefined;
          return;
        }
        m.completeTransition(transits[i]!);
        o.txns.delete(m.transactionalId);
        removed.push(m.transactionalId);
      });
      if (code !== Errors.NONE.code) this.log.warn(`Could not remove ${expired.length} expired transactional ids of partition ${partition} (error ${code}); retrying later`);
    }
    if (removed.length > 0) this.log.info(`Removed ${removed.length} expired transactional ids: ${removed.join(', ')}`);
    return removed;
  }

  removeTransactionsForTxnTopicPartition(partition: number): void {
    this.loading.delete(partition);
    if (this.owned.delete(partition)) this.log.info(`Unloaded transaction metadata of partition ${partition} of __transaction_state`);
  }

  ownedPartitions(): number[] {
    return [...this.owned.keys()];
  }
}
