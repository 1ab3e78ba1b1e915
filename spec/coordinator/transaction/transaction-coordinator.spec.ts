import { expect } from 'chai';
import { pino } from 'pino';
import { ADD_PARTITIONS_MARKER_WAIT_MS, TransactionCoordinator, type TxnMarkerSender } from '../../../lib/coordinator/transaction/transaction-coordinator.js';
import { TransactionStateManager, type TransactionLogStorage } from '../../../lib/coordinator/transaction/transaction-state-manager.js';
import type { TxnMarkerEntry } from '../../../lib/coordinator/transaction/transaction-marker-channel-manager.js';
import { TransactionState } from '../../../lib/coordinator/transaction/transaction-state.js';
import { MockTime } from '../../../lib/common/time.js';
import { KafkaScheduler } from '../../../lib/common/scheduler.js';
import { Errors } from '../../../lib/protocol/errors.js';
import { setRootLogger } from '../../../lib/utils/logger.js';

setRootLogger(pino({ level: process.env.KAFKATS_LOG_LEVEL ?? 'silent' }));

const ABORT_INTERVAL_MS = 10_000;
const TXN_TIMEOUT_MS = 60_000;
const ID = 'payments-tx';
const orders0 = { topic: 'orders', partition: 0 };
const orders1 = { topic: 'orders', partition: 1 };

/** Lets queued promise continuations run (no timers involved). */
async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Marker sends the spec completes by hand. */
class ManualMarkers implements TxnMarkerSender {
  readonly sent: Array<{ entry: TxnMarkerEntry; done: (ok: boolean) => void }> = [];

  sendMarkers(entry: TxnMarkerEntry): Promise<boolean> {
    return new Promise((done) => this.sent.push({ entry, done }));
  }

  shutdown(): void {}
}

/** `__transaction_state` with one partition, in memory: appends succeed unless told to fail. */
class InMemoryTxnLog implements TransactionLogStorage {
  appends = 0;
  failNext: number[] = [];

  numPartitions(): number {
    return 1;
  }

  append(): Promise<number> {
    this.appends++;
    return Promise.resolve(this.failNext.shift() ?? Errors.NONE.code);
  }

  async *read(): AsyncGenerator<{ key: Buffer | null; value: Buffer | null }> {}
}

describe('TransactionCoordinator timers and waits (MockTime)', () => {
  let time: MockTime;
  let scheduler: KafkaScheduler;
  let txnLog: InMemoryTxnLog;
  let markers: ManualMarkers;
  let coordinator: TransactionCoordinator;
  let producerId: bigint;

  beforeEach(async () => {
    time = new MockTime();
    scheduler = new KafkaScheduler({ time });
    scheduler.startup();
    txnLog = new InMemoryTxnLog();
    markers = new ManualMarkers();
    let nextProducerId = 1000n;
    coordinator = new TransactionCoordinator(
      { transactionMaxTimeoutMs: 900_000, abortTimedOutTransactionsIntervalMs: ABORT_INTERVAL_MS },
      new TransactionStateManager(txnLog),
      { generateProducerId: () => Promise.resolve(nextProducerId++) },
      markers,
      time,
      scheduler,
    );
    coordinator.startup();
    await coordinator.onElection(0, 0);
    const init = await coordinator.handleInitProducerId(ID, TXN_TIMEOUT_MS);
    expect(init.error).to.equal(Errors.NONE.code);
    producerId = init.producerId;
    expect(await coordinator.handleAddPartitionsToTransaction(ID, producerId, 0, [orders0])).to.equal(Errors.NONE.code);
  });

  afterEach(async () => {
    coordinator.shutdown();
    await scheduler.shutdown();
  });

  const metadata = () => coordinator.describe(ID).metadata!;

  describe('the transaction-abort task', () => {
    it('runs every transaction.abort.timed.out.transaction.cleanup.interval.ms on the broker\'s scheduler', () => {
      expect(scheduler.pendingTasks).to.equal(2); // transaction-abort and transactionalId-expiration
      coordinator.shutdown();
      expect(scheduler.pendingTasks).to.equal(0);
    });

    it('fences and aborts an ongoing transaction at the first sweep after transaction.timeout.ms has passed', async () => {
      // Kafka's rule: expired once txnStartTimestamp + txnTimeoutMs < now. The sweep at 60 s sees it exactly at its timeout.
      time.advance(TXN_TIMEOUT_MS);
      await settle();
      expect(metadata().state).to.equal(TransactionState.Ongoing);
      expect(markers.sent).to.have.length(0);

      time.advance(ABORT_INTERVAL_MS);
      await settle();
      expect(metadata().state).to.equal(TransactionState.PrepareAbort);
      expect(metadata().producerEpoch).to.equal(1);
      expect(markers.sent.map((s) => s.entry)).to.deep.equal([{
        transactionalId: ID, producerId, producerEpoch: 1, committed: false, coordinatorEpoch: 0, partitions: [orders0],
      }]);
      // The timed-out producer is fenced.
      expect(await coordinator.handleEndTransaction(ID, producerId, 0, true)).to.equal(Errors.PRODUCER_FENCED.code);

      markers.sent[0]!.done(true);
      await settle();
      expect(metadata().state).to.equal(TransactionState.CompleteAbort);
    });

    it('leaves a transaction alone while it is within its timeout', async () => {
      time.advance(TXN_TIMEOUT_MS - 1);
      await settle();
      expect(metadata().state).to.equal(TransactionState.Ongoing);
      expect(markers.sent).to.have.length(0);
    });
  });

  describe('AddPartitionsToTxn behind a completing transaction (DelayedTxnCompletion)', () => {
    async function commitWithMarkersPending(): Promise<void> {
      expect(await coordinator.handleEndTransaction(ID, producerId, 0, true)).to.equal(Errors.NONE.code);
      expect(metadata().state).to.equal(TransactionState.PrepareCommit);
      expect(markers.sent).to.have.length(1);
    }

    function track<T>(p: Promise<T>): { settled: boolean; value?: T } {
      const r: { settled: boolean; value?: T } = { settled: false };
      p.then((v) => { r.settled = true; r.value = v; }, () => { r.settled = true; });
      return r;
    }

    it('answers as soon as the previous transaction\'s CompleteCommit is written, without any time passing', async () => {
      await commitWithMarkersPending();
      const add = track(coordinator.handleAddPartitionsToTransaction(ID, producerId, 0, [orders1]));
      await settle();
      expect(add.settled).to.equal(false);

      const before = time.hiResClockMs();
      markers.sent[0]!.done(true);
      await settle();
      expect(add).to.deep.equal({ settled: true, value: Errors.NONE.code });
      expect(time.hiResClockMs()).to.equal(before);
      expect(metadata().state).to.equal(TransactionState.Ongoing);
      expect([...metadata().topicPartitions.values()]).to.deep.equal([orders1]);
    });

    it('times out after 3 s like every DelayedOperation and answers CONCURRENT_TRANSACTIONS while the markers are still pending', async () => {
      await commitWithMarkersPending();
      const add = track(coordinator.handleAddPartitionsToTransaction(ID, producerId, 0, [orders1]));
      time.advance(ADD_PARTITIONS_MARKER_WAIT_MS - 1);
      await settle();
      expect(add.settled).to.equal(false);

      time.advance(1);
      await settle();
      expect(add).to.deep.equal({ settled: true, value: Errors.CONCURRENT_TRANSACTIONS.code });
      expect(metadata().state).to.equal(TransactionState.PrepareCommit);
    });

    it('answers NOT_COORDINATOR at once when this broker stops leading the transaction\'s partition', async () => {
      await commitWithMarkersPending();
      const add = track(coordinator.handleAddPartitionsToTransaction(ID, producerId, 0, [orders1]));
      await settle();
      coordinator.onResignation(0);
      await settle();
      expect(add).to.deep.equal({ settled: true, value: Errors.NOT_COORDINATOR.code });
    });

    it('answers at once when nothing is completing', async () => {
      const add = track(coordinator.handleAddPartitionsToTransaction(ID, producerId, 0, [orders1]));
      await settle();
      expect(add).to.deep.equal({ settled: true, value: Errors.NONE.code });
    });
  });

  it('retries a failed CompleteCommit write after 200 ms of the injected clock', async () => {
    expect(await coordinator.handleEndTransaction(ID, producerId, 0, true)).to.equal(Errors.NONE.code);
    txnLog.failNext.push(Errors.NOT_ENOUGH_REPLICAS.code);
    const appendsBefore = txnLog.appends;
    markers.sent[0]!.done(true);
    await settle();
    expect(txnLog.appends).to.equal(appendsBefore + 1);
    expect(metadata().state).to.equal(TransactionState.PrepareCommit);

    time.advance(199);
    await settle();
    expect(txnLog.appends).to.equal(appendsBefore + 1);

    time.advance(1);
    await settle();
    expect(txnLog.appends).to.equal(appendsBefore + 2);
    expect(metadata().state).to.equal(TransactionState.CompleteCommit);
  });
});
