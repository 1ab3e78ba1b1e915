/**
 * Kafka's TransactionCoordinator: InitProducerId (idempotent and transactional), AddPartitionsToTxn,
 * AddOffsetsToTxn, EndTxn, the abort of transactions past their timeout, and completion of
 * in-flight commits/aborts after a coordinator failover. Errors follow Kafka's: a producer id that
 * does not match is INVALID_PRODUCER_ID_MAPPING, an old epoch PRODUCER_FENCED (handlers map it to
 * INVALID_PRODUCER_EPOCH for old request versions), a write in flight CONCURRENT_TRANSACTIONS.
 * The timeout sweep is a task on the broker's KafkaScheduler; waits go through a purgatory and
 * retries through the injected clock.
 */
import { Errors } from '../../protocol/errors.js';
import type { TransactionConfig } from '../../config/transaction-config.js';
import { logger } from '../../utils/logger.js';
import { delay, type Time } from '../../common/time.js';
import type { KafkaScheduler, ScheduledTask } from '../../common/scheduler.js';
import { DelayedOperationPurgatory } from '../../common/delayed-operation-purgatory.js';
import type { ProducerIdManager } from './producer-id-manager.js';
import type { TransactionMarkerChannelManager } from './transaction-marker-channel-manager.js';
import { DelayedTxnCompletion, txnTopicPartitionKey } from './delayed-txn-completion.js';
import type { TxnTransitMetadata } from './transaction-log.js';
import { TransactionMetadata } from './transaction-metadata.js';
import type { TopicPartition } from '../../common/topic-partition.js';
import type { TransactionStateManager } from './transaction-state-manager.js';
import { TransactionState } from './transaction-state.js';

export const TxnErrors = {
  INVALID_REQUEST: Errors.INVALID_REQUEST.code,
  INVALID_TRANSACTION_TIMEOUT: Errors.INVALID_TRANSACTION_TIMEOUT.code,
  CONCURRENT_TRANSACTIONS: Errors.CONCURRENT_TRANSACTIONS.code,
  INVALID_PRODUCER_ID_MAPPING: Errors.INVALID_PRODUCER_ID_MAPPING.code,
  PRODUCER_FENCED: Errors.PRODUCER_FENCED.code,
  INVALID_PRODUCER_EPOCH: Errors.INVALID_PRODUCER_EPOCH.code,
  INVALID_TXN_STATE: Errors.INVALID_TXN_STATE.code,
  UNKNOWN_SERVER_ERROR: Errors.UNKNOWN_SERVER_ERROR.code,
  COORDINATOR_NOT_AVAILABLE: Errors.COORDINATOR_NOT_AVAILABLE.code,
};
const E = TxnErrors;
const MAX_PRODUCER_EPOCH = 32767;

export interface InitProducerIdResult {
  error: number;
  producerId: bigint;
  producerEpoch: number;
}

/** The coordinator's part of TransactionConfig; the expiry settings fall back to Kafka's defaults. */
export type TransactionCoordinatorConfig = Pick<TransactionConfig, 'transactionMaxTimeoutMs' | 'abortTimedOutTransactionsIntervalMs'>
  & Partial<Pick<TransactionConfig, 'transactionalIdExpirationMs' | 'removeExpiredTransactionalIdsIntervalMs'>>;

/** How long AddPartitionsToTxn / AddOffsetsToTxn wait for the previous transaction's markers. */
export const ADD_PARTITIONS_MARKER_WAIT_MS = 3000;

/** What the coordinator needs of the marker channel (unit specs answer by hand). */
export type TxnMarkerSender = Pick<TransactionMarkerChannelManager, 'sendMarkers' | 'shutdown'>;

/** A transaction still completing: a write in flight or its markers not yet all written. */
function isCompleting(m: TransactionMetadata): boolean {
  return m.pendingState !== undefined || m.state === TransactionState.PrepareCommit || m.state === TransactionState.PrepareAbort || m.state === TransactionState.PrepareEpochFence;
}

export class TransactionCoordinator {
  private readonly log = logger('kafka.coordinator.transaction.TransactionCoordinator');
  private abortTask: ScheduledTask | undefined;
  private expirationTask: ScheduledTask | undefined;
  private readonly txnCompletionPurgatory: DelayedOperationPurgatory<DelayedTxnCompletion>;

  constructor(
    private readonly config: TransactionCoordinatorConfig,
    readonly txnManager: TransactionStateManager,
    private readonly producerIdManager: ProducerIdManager,
    private readonly markers: TxnMarkerSender,
    private readonly time: Time,
    private readonly scheduler: KafkaScheduler,
  ) {
    this.txnCompletionPurgatory = new DelayedOperationPurgatory('TxnCompletion', { time });
  }

  partitionFor(transactionalId: string): number {
    return this.txnManager.partitionFor(transactionalId);
  }

  /**
   * Kafka's startup: the 'transaction-abort' task runs abortTimedOutTransactions every
   * transaction.abort.timed.out.transaction.cleanup.interval.ms, and 'transactionalId-expiration'
   * removes expired transactional ids every transaction.remove.expired.transaction.cleanup.interval.ms.
   */
  startup(): void {
    const interval = this.config.abortTimedOutTransactionsIntervalMs;
    this.abortTask = this.scheduler.schedule('transaction-abort', () => this.abortTimedOutTransactions(), interval, interval);
    const expiryInterval = this.config.removeExpiredTransactionalIdsIntervalMs ?? 3_600_000;
    const expiration = this.config.transactionalIdExpirationMs ?? 7 * 24 * 3_600_000;
    this.expirationTask = this.scheduler.schedule('transactionalId-expiration',
      async () => { await this.txnManager.removeExpiredTransactionalIds(this.time.milliseconds(), expiration); }, expiryInterval, expiryInterval);
  }

  shutdown(): void {
    this.abortTask?.cancel();
    this.abortTask = undefined;
    this.expirationTask?.cancel();
    this.expirationTask = undefined;
    this.txnCompletionPurgatory.shutdown();
    this.markers.shutdown();
  }

  /** Writes a transition, then lets requests waiting on this transactional id re-check it. */
  private async appendTransactionToLog(m: TransactionMetadata, coordinatorEpoch: number, t: TxnTransitMetadata, now: number): Promise<number> {
    try {
      return await this.txnManager.appendTransactionToLog(m, coordinatorEpoch, t, now);
    } finally {
      this.txnCompletionPurgatory.checkAndComplete(m.transactionalId);
    }
  }

  /**
   * Resolves once the previous transaction of `transactionalId` has completed (or the id is no
   * longer coordinated here), or after ADD_PARTITIONS_MARKER_WAIT_MS: a DelayedTxnCompletion.
   */
  private waitForTxnCompletion(transactionalId: string, producerId: bigint, producerEpoch: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): boolean => {
        const v = this.validateProducer(transactionalId, producerId, producerEpoch);
        return 'error' in v || !isCompleting(v.metadata);
      };
      const op = new DelayedTxnCompletion(ADD_PARTITIONS_MARKER_WAIT_MS, done, resolve);
      try {
        this.txnCompletionPurgatory.tryCompleteElseWatch(op, [transactionalId, txnTopicPartitionKey(this.partitionFor(transactionalId))]);
      } catch {
        resolve(); // shutting down: answer from the current state
      }
    });
  }

  // ---- InitProducerId ----

  async handleInitProducerId(transactionalId: string | null, txnTimeoutMs: number, expected?: { producerId: bigint; producerEpoch: number }): Promise<InitProducerIdResult> {
    const fail = (error: number): InitProducerIdResult => ({ error, producerId: -1n, producerEpoch: -1 });
    if (transactionalId === null) {
      // Idempotent producers: a fresh id from this broker's block, epoch 0.
      return { error: Errors.NONE.code, producerId: await this.producerIdManager.generateProducerId(), producerEpoch: 0 };
    }
    if (transactionalId === '') return fail(E.INVALID_REQUEST);
    if (txnTimeoutMs <= 0 || txnTimeoutMs > this.config.transactionMaxTimeoutMs) return fail(E.INVALID_TRANSACTION_TIMEOUT);
    let state = this.txnManager.getTransactionState(transactionalId);
    if ('error' in state) return fail(state.error);
    if (!state.metadata) {
      const pid = await this.producerIdManager.generateProducerId();
      const now = this.time.milliseconds();
      this.txnManager.putTransactionStateIfNotExists(new TransactionMetadata(transactionalId, pid, -1n, -1, -1, txnTimeoutMs, TransactionState.Empty, -1, now));
      state = this.txnManager.getTransactionState(transactionalId);
      if ('error' in state || !state.metadata) return fail('error' in state ? state.error : E.COORDINATOR_NOT_AVAILABLE);
    }
    const { coordinatorEpoch, metadata: m } = state;
    if (m.pendingState !== undefined) return fail(E.CONCURRENT_TRANSACTIONS);
    // KIP-360 (Kafka's prepareInitProducerIdTransit): a claimed id is valid when the metadata is new
    // (no epoch yet), names the current producer id (the epoch is checked when bumping), or names the
    // previous id with an exhausted epoch (a retry of a rotation whose answer was lost).
    const claimIsValid = (e: { producerId: bigint; producerEpoch: number }): boolean =>
      m.producerEpoch === -1 || e.producerId === m.producerId || (e.producerId === m.lastProducerId && e.producerEpoch >= MAX_PRODUCER_EPOCH - 1);
    if (expected && !claimIsValid(expected)) return fail(E.PRODUCER_FENCED);
    const now = this.time.milliseconds();
    switch (m.state) {
      case TransactionState.PrepareAbort:
      case TransactionState.PrepareCommit:
      case TransactionState.PrepareEpochFence:
      case TransactionState.Dead:
        return fail(E.CONCURRENT_TRANSACTIONS);
      case TransactionState.Ongoing: {
        // Fence the old producer: bump the epoch and abort its transaction; the client retries.
        const t = m.prepareFenceProducerEpoch(now);
        m.completeTransition(t); // PrepareEpochFence is not written (as Kafka)
        void this.endTransaction(transactionalId, m.producerId, m.producerEpoch, false, false);
        return fail(E.CONCURRENT_TRANSACTIONS);
      }
      default: {
        const rotate = m.isProducerEpochExhausted && (!expected || expected.producerEpoch === m.producerEpoch);
        const newPid = rotate ? await this.producerIdManager.generateProducerId() : undefined;
        if (m.pendingState !== undefined) return fail(E.CONCURRENT_TRANSACTIONS);
        const t = newPid !== undefined
          ? m.prepareProducerIdRotation(newPid, txnTimeoutMs, now, expected !== undefined)
          : m.prepareIncrementProducerEpoch(txnTimeoutMs, expected?.producerEpoch, now);
        if ('error' in t) return fail(t.error);
        const err = await this.appendTransactionToLog(m, coordinatorEpoch, t, now);
        if (err !== Errors.NONE.code) return fail(err);
        this.log.info(`Initialized transactionalId ${transactionalId} with producerId ${t.producerId} and producer epoch ${t.producerEpoch} on partition ${this.partitionFor(transactionalId)} of __transaction_state`);
        return { error: Errors.NONE.code, producerId: t.producerId, producerEpoch: t.producerEpoch };
      }
    }
  }

  // ---- AddPartitionsToTxn / AddOffsetsToTxn ----

  private validateProducer(transactionalId: string, producerId: bigint, producerEpoch: number): { error: number } | { coordinatorEpoch: number; metadata: TransactionMetadata } {
    if (transactionalId === '') return { error: E.INVALID_REQUEST };
    const state = this.txnManager.getTransactionState(transactionalId);
    if ('error' in state) return state;
    const m = state.metadata;
    if (!m || m.producerId !== producerId) return { error: E.INVALID_PRODUCER_ID_MAPPING };
    if (m.producerEpoch !== producerEpoch) return { error: E.PRODUCER_FENCED };
    return { coordinatorEpoch: state.coordinatorEpoch, metadata: m };
  }

  async handleAddPartitionsToTransaction(transactionalId: string, producerId: bigint, producerEpoch: number, partitions: TopicPartition[]): Promise<number> {
    // The previous transaction's markers may still be in flight (EndTxn answers once PrepareCommit/
    // PrepareAbort is written, as in Kafka). Kafka answers CONCURRENT_TRANSACTIONS at once and the
    // Java client retries; kafkajs does not retry it for AddOffsetsToTxn, so wait a little (bounded)
    // for the markers before answering — the answer is the same, only later.
    let v = this.validateProducer(transactionalId, producerId, producerEpoch);
    if (!('error' in v) && isCompleting(v.metadata)) {
      await this.waitForTxnCompletion(transactionalId, producerId, producerEpoch);
      v = this.validateProducer(transactionalId, producerId, producerEpoch);
    }
    if ('error' in v) return v.error;
    const m = v.metadata;
    if (isCompleting(m)) return E.CONCURRENT_TRANSACTIONS;
    if (m.state === TransactionState.Dead) return E.INVALID_TXN_STATE;
    if (m.state === TransactionState.Ongoing && partitions.every((tp) => m.topicPartitions.has(`${tp.topic}-${tp.partition}`))) return Errors.NONE.code;
    const now = this.time.milliseconds();
    return this.appendTransactionToLog(m, v.coordinatorEpoch, m.prepareAddPartitions(partitions, now), now);
  }

  /**
   * KIP-890 verification (Kafka's handleVerifyPartitionsInTransaction), asked by a partition leader
   * before it appends a transactional batch: per partition NONE when it is part of the producer's
   * ongoing transaction, TRANSACTION_ABORTABLE when it is not; the producer id and epoch are checked
   * first (INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED), CONCURRENT_TRANSACTIONS while completing.
   */
  verifyPartitionsInTransaction(transactionalId: string, producerId: bigint, producerEpoch: number, partitions: readonly TopicPartition[]): Map<string, number> {
    const all = (error: number): Map<string, number> => new Map(partitions.map((tp) => [`${tp.topic}-${tp.partition}`, error]));
    if (transactionalId === '') return all(E.INVALID_REQUEST);
    const state = this.txnManager.getTransactionState(transactionalId);
    if ('error' in state) return all(state.error);
    const m = state.metadata;
    if (!m || m.producerId !== producerId) return all(E.INVALID_PRODUCER_ID_MAPPING);
    if (m.producerEpoch !== producerEpoch) return all(E.PRODUCER_FENCED);
    if (m.state === TransactionState.PrepareCommit || m.state === TransactionState.PrepareAbort) return all(E.CONCURRENT_TRANSACTIONS);
    return new Map(partitions.map((tp) => {
      const key = `${tp.topic}-${tp.partition}`;
      return [key, m.topicPartitions.has(key) ? Errors.NONE.code : Errors.TRANSACTION_ABORTABLE.code];
    }));
  }

  // ---- EndTxn ----

  handleEndTransaction(transactionalId: string, producerId: bigint, producerEpoch: number, committed: boolean): Promise<number> {
    return this.endTransaction(transactionalId, producerId, producerEpoch, committed, true);
  }

  private async endTransaction(transactionalId: string, producerId: bigint, producerEpoch: number, committed: boolean, isFromClient: boolean): Promise<number> {
    if (transactionalId === '') return E.INVALID_REQUEST;
    const state = this.txnManager.getTransactionState(transactionalId);
    if ('error' in state) return state.error;
    const m = state.metadata;
    if (!m || m.producerId !== producerId) return E.INVALID_PRODUCER_ID_MAPPING;
    if (isFromClient && producerEpoch !== m.producerEpoch) return E.PRODUCER_FENCED;
    if (m.pendingState !== undefined) return E.CONCURRENT_TRANSACTIONS;
    const now = this.time.milliseconds();
    switch (m.state) {
      case TransactionState.Ongoing:
      case TransactionState.PrepareEpochFence: {
        if (m.state === TransactionState.PrepareEpochFence && committed) return E.PRODUCER_FENCED;
        if (m.state === TransactionState.PrepareEpochFence) {
          // Re-enter Ongoing silently so PrepareAbort's table check holds for the fenced case too.
        }
        const t = m.prepareAbortOrCommit(committed ? TransactionState.PrepareCommit : TransactionState.PrepareAbort, now);
        const err = await this.appendTransactionToLog(m, state.coordinatorEpoch, t, now);
        if (err !== Errors.NONE.code) return err;
        this.completeTransactionInBackground(state.coordinatorEpoch, m);
        return Errors.NONE.code;
      }
      case TransactionState.CompleteCommit:
        return committed ? Errors.NONE.code : E.INVALID_TXN_STATE;
      case TransactionState.CompleteAbort:
        return committed ? E.INVALID_TXN_STATE : Errors.NONE.code;
      case TransactionState.PrepareCommit:
        return committed ? E.CONCURRENT_TRANSACTIONS : E.INVALID_TXN_STATE;
      case TransactionState.PrepareAbort:
        return committed ? E.INVALID_TXN_STATE : E.CONCURRENT_TRANSACTIONS;
      default:
        return E.INVALID_TXN_STATE;
    }
  }

  /** Sends the markers, then writes CompleteCommit/CompleteAbort (Kafka's TxnMarkerQueue + completion). */
  private completeTransactionInBackground(coordinatorEpoch: number, m: TransactionMetadata): void {
    const committed = m.state === TransactionState.PrepareCommit;
    const entry = {
      transactionalId: m.transactionalId,
      producerId: m.producerId,
      producerEpoch: m.producerEpoch,
      committed,
      coordinatorEpoch,
      partitions: [...m.topicPartitions.values()],
    };
    const run = async (): Promise<void> => {
      const done = await this.markers.sendMarkers(entry);
      if (!done) return;
      for (let attempt = 0; attempt < 50; attempt++) {
        if (!this.txnManager.isCoordinatorEpochCurrent(m.transactionalId, coordinatorEpoch)) return;
        if (m.pendingState !== undefined) {
          await delay(this.time, 100);
          continue;
        }
        const now = this.time.milliseconds();
        const err = await this.appendTransactionToLog(m, coordinatorEpoch, m.prepareComplete(now), now);
        if (err === Errors.NONE.code) {
          this.log.debug(`Completed ${committed ? 'commit' : 'abort'} of transactionalId ${m.transactionalId}`);
          return;
        }
        await delay(this.time, 200);
      }
    };
    run().catch((err: unknown) => this.log.error({ err }, `Completing the transaction of ${m.transactionalId} failed`));
  }

  // ---- timeouts and failover ----

  /** Kafka's abortTimedOutTransactions: ongoing transactions past their timeout are fenced and aborted. */
  abortTimedOutTransactions(): void {
    const now = this.time.milliseconds();
    for (const { metadata: m } of [...this.txnManager.allTransactions()]) {
      if (m.state !== TransactionState.Ongoing || m.pendingState !== undefined) continue;
      if (m.txnStartTimestamp + m.txnTimeoutMs >= now) continue;
      this.log.info(`Aborting the transaction of ${m.transactionalId} (producer ${m.producerId}, epoch ${m.producerEpoch}): timed out after ${m.txnTimeoutMs} ms`);
      const t = m.prepareFenceProducerEpoch(now);
      m.completeTransition(t);
      this.endTransaction(m.transactionalId, m.producerId, m.producerEpoch, false, false)
        .then((err) => { if (err !== Errors.NONE.code) this.log.info(`Aborting timed-out transaction of ${m.transactionalId} answered ${err}`); })
        .catch((err: unknown) => this.log.error({ err }, 'abort of a timed-out transaction failed'));
    }
  }

  /** Became leader of a __transaction_state partition: load it and finish in-flight commits/aborts. */
  async onElection(partition: number, coordinatorEpoch: number): Promise<void> {
    const inFlight = await this.txnManager.loadTransactionsForTxnTopicPartition(partition, coordinatorEpoch)
      .finally(() => this.txnCompletionPurgatory.checkAndComplete(txnTopicPartitionKey(partition)));
    for (const { coordinatorEpoch: epoch, metadata } of inFlight) {
      this.log.info(`Completing the ${metadata.state} of ${metadata.transactionalId} after loading partition ${partition}`);
      this.completeTransactionInBackground(epoch, metadata);
    }
  }

  onResignation(partition: number): void {
    this.txnManager.removeTransactionsForTxnTopicPartition(partition);
    this.txnCompletionPurgatory.checkAndComplete(txnTopicPartitionKey(partition));
  }

  // ---- DescribeTransactions / ListTransactions ----

  describe(transactionalId: string): { error: number; metadata?: TransactionMetadata } {
    const s = this.txnManager.getTransactionState(transactionalId);
    if ('error' in s) return { error: s.error };
    if (!s.metadata) return { error: Errors.TRANSACTIONAL_ID_NOT_FOUND.code };
    return { error: Errors.NONE.code, metadata: s.metadata };
  }

  list(states: readonly string[], producerIds: readonly bigint[]): TransactionMetadata[] {
    const out: TransactionMetadata[] = [];
    for (const { metadata: m } of this.txnManager.allTransactions()) {
      if (states.length > 0 && !states.includes(m.state)) continue;
      if (producerIds.length > 0 && !producerIds.includes(m.producerId)) continue;
      out.push(m);
    }
    return out;
  }
}
