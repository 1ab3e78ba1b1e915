/**
 * Kafka's TransactionMetadata: one transactional id's producer id and epoch (and the previous
 * ones, KIP-360), timeout, state, partitions of the ongoing transaction and timestamps. Changes go
 * through prepare*(…) → a TxnTransitMetadata written to `__transaction_state` → completeTransition;
 * `pendingState` marks a write in flight (other requests answer CONCURRENT_TRANSACTIONS meanwhile).
 */
import type { TopicPartition } from '../../common/topic-partition.js';
import { Errors } from '../../protocol/errors.js';
import type { TxnTransitMetadata } from './transaction-log.js';
import { assertTransition, TransactionState } from './transaction-state.js';

const MAX_EPOCH = 32767;
const NO_PRODUCER_EPOCH = -1;

export class TransactionMetadata {
  pendingState: TransactionState | undefined;
  readonly topicPartitions = new Map<string, TopicPartition>();

  constructor(
    readonly transactionalId: string,
    public producerId: bigint,
    public lastProducerId: bigint,
    public producerEpoch: number,
    public lastProducerEpoch: number,
    public txnTimeoutMs: number,
    public state: TransactionState,
    public txnStartTimestamp: number,
    public txnLastUpdateTimestamp: number,
  ) {}

  static fromTransit(transactionalId: string, t: TxnTransitMetadata): TransactionMetadata {
    const m = new TransactionMetadata(transactionalId, t.producerId, t.lastProducerId, t.producerEpoch, t.lastProducerEpoch,
      t.txnTimeoutMs, t.txnState, t.txnStartTimestamp, t.txnLastUpdateTimestamp);
    for (const tp of t.topicPartitions) m.topicPartitions.set(`${tp.topic}-${tp.partition}`, tp);
    return m;
  }

  get isProducerEpochExhausted(): boolean {
    return this.producerEpoch >= MAX_EPOCH - 1;
  }

  private transit(to: TransactionState, changes: Partial<TxnTransitMetadata>, now: number): TxnTransitMetadata {
    if (this.pendingState !== undefined) throw new Error(`TransactionalId ${this.transactionalId} has a pending state ${this.pendingState}`);
    assertTransition(this.transactionalId, this.state, to);
    this.pendingState = to;
    return {
      producerId: this.producerId,
      lastProducerId: this.lastProducerId,
      producerEpoch: this.producerEpoch,
      lastProducerEpoch: this.lastProducerEpoch,
      txnTimeoutMs: this.txnTimeoutMs,
      txnState: to,
      topicPartitions: [...this.topicPartitions.values()],
      txnStartTimestamp: this.txnStartTimestamp,
      txnLastUpdateTimestamp: now,
      ...changes,
    };
  }

  /**
   * InitProducerId on a completed transaction (Kafka's prepareIncrementProducerEpoch). Without an
   * expected epoch: epoch + 1, previous epoch forgotten (a new producer). With one (KIP-360): the
   * current epoch (or no epoch yet) bumps and remembers it; the previous epoch is a retry of a bump
   * already made and gets the current epoch unchanged; any other epoch is PRODUCER_FENCED.
   */
  prepareIncrementProducerEpoch(newTxnTimeoutMs: number, expectedProducerEpoch: number | undefined, now: number): TxnTransitMetadata | { error: number } {
    let next: { producerEpoch: number; lastProducerEpoch: number };
    if (expectedProducerEpoch === undefined) next = { producerEpoch: this.producerEpoch + 1, lastProducerEpoch: NO_PRODUCER_EPOCH };
    else if (this.producerEpoch === NO_PRODUCER_EPOCH || expectedProducerEpoch === this.producerEpoch) next = { producerEpoch: this.producerEpoch + 1, lastProducerEpoch: this.producerEpoch };
    else if (expectedProducerEpoch === this.lastProducerEpoch) next = { producerEpoch: this.producerEpoch, lastProducerEpoch: this.lastProducerEpoch };
    else return { error: Errors.PRODUCER_FENCED.code };
    return this.transit(TransactionState.Empty, { ...next, txnTimeoutMs: newTxnTimeoutMs, topicPartitions: [], txnStartTimestamp: -1 }, now);
  }

  /** A new producer id at epoch 0 once the epoch is exhausted (Kafka's prepareProducerIdRotation). */
  prepareProducerIdRotation(newProducerId: bigint, newTxnTimeoutMs: number, now: number, recordLastEpoch: boolean): TxnTransitMetadata {
    return this.transit(TransactionState.Empty, {
      producerId: newProducerId, producerEpoch: 0, lastProducerId: this.producerId, lastProducerEpoch: recordLastEpoch ? this.producerEpoch : NO_PRODUCER_EPOCH,
      txnTimeoutMs: newTxnTimeoutMs, topicPartitions: [], txnStartTimestamp: -1,
    }, now);
  }

  /** A new producer took over an ongoing transaction: bump the epoch, then abort with it. */
  prepareFenceProducerEpoch(now: number): TxnTransitMetadata {
    const epoch = this.isProducerEpochExhausted ? this.producerEpoch : this.producerEpoch + 1;
    return this.transit(TransactionState.PrepareEpochFence, { producerEpoch: epoch, lastProducerEpoch: -1 }, now);
  }

  prepareAddPartitions(add: TopicPartition[], now: number): TxnTransitMetadata {
    const start = this.state === TransactionState.Ongoing ? this.txnStartTimestamp : now;
    const all = new Map(this.topicPartitions);
    for (const tp of add) all.set(`${tp.topic}-${tp.partition}`, tp);
    return this.transit(TransactionState.Ongoing, { topicPartitions: [...all.values()], txnStartTimestamp: start }, now);
  }

  prepareAbortOrCommit(to: typeof TransactionState.PrepareCommit | typeof TransactionState.PrepareAbort, now: number): TxnTransitMetadata {
    return this.transit(to, {}, now);
  }

  prepareComplete(now: number): TxnTransitMetadata {
    const to = this.state === TransactionState.PrepareCommit ? TransactionState.CompleteCommit : TransactionState.CompleteAbort;
    return this.transit(to, { topicPartitions: [] }, now);
  }

  prepareDead(now: number): TxnTransitMetadata {
    return this.transit(TransactionState.Dead, { topicPartitions: [] }, now);
  }

  completeTransition(t: TxnTransitMetadata): void {
    if (this.pendingState !== t.txnState) throw new Error(`TransactionalId ${this.transactionalId}: completing ${t.txnState} but pending ${this.pendingState}`);
    this.producerId = t.producerId;
    this.lastProducerId = t.lastProducerId;
    this.producerEpoch = t.producerEpoch;
    this.lastProducerEpoch = t.lastProducerEpoch;
    this.txnTimeoutMs = t.txnTimeoutMs;
    this.state = t.txnState;
    this.topicPartitions.clear();
    for (const tp of t.topicPartitions) this.topicPartitions.set(`${tp.topic}-${tp.partition}`, tp);
    this.txnStartTimestamp = t.txnStartTimestamp;
    this.txnLastUpdateTimestamp = t.txnLastUpdateTimestamp;
    this.pendingState = undefined;
  }
}
