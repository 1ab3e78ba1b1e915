/**
 * InitProducerId on the transaction coordinator, case by case against Kafka's
 * TransactionCoordinator.prepareInitProducerIdTransit and TransactionMetadata.prepareIncrementProducerEpoch
 * (KIP-360): which claims of (producer id, epoch) are accepted, bumped, returned unchanged or fenced.
 */
import { expect } from 'chai';
import { pino } from 'pino';
import { MockTime } from '../../../lib/common/time.js';
import { KafkaScheduler } from '../../../lib/common/scheduler.js';
import { TransactionCoordinator } from '../../../lib/coordinator/transaction/transaction-coordinator.js';
import { TransactionStateManager } from '../../../lib/coordinator/transaction/transaction-state-manager.js';
import { TransactionMarkerChannelManager } from '../../../lib/coordinator/transaction/transaction-marker-channel-manager.js';
import { TransactionState } from '../../../lib/coordinator/transaction/transaction-state.js';
import { Errors } from '../../../lib/protocol/errors.js';
import { setRootLogger } from '../../../lib/utils/logger.js';

setRootLogger(pino({ level: process.env.KAFKATS_LOG_LEVEL ?? 'silent' }));

const TIMEOUT = 60_000;
const EPOCH_EXHAUSTED = 32766; // Short.MaxValue - 1

describe('TransactionCoordinator InitProducerId (KIP-360 rules)', () => {
  let time: MockTime;
  let coordinator: TransactionCoordinator;
  let nextPid: bigint;

  beforeEach(async () => {
    time = new MockTime();
    nextPid = 1000n;
    const manager = new TransactionStateManager({
      numPartitions: () => 1,
      append: () => Promise.resolve(Errors.NONE.code),
      read: async function* () { /* an empty __transaction_state partition */ },
    });
    const markers = new TransactionMarkerChannelManager({
      brokerId: 0, leaderFor: () => undefined, topicExists: () => true, stillCoordinator: () => true, requestTimeoutMs: 1000, retryBackoffMs: 100,
    });
    coordinator = new TransactionCoordinator({ transactionMaxTimeoutMs: 900_000, abortTimedOutTransactionsIntervalMs: 10_000 }, manager,
      { generateProducerId: () => Promise.resolve(nextPid++) }, markers, time, new KafkaScheduler({ time }));
    await coordinator.onElection(0, 1);
  });
  afterEach(() => coordinator.shutdown());

  const init = (id: string, expected?: { producerId: bigint; producerEpoch: number }): ReturnType<TransactionCoordinator['handleInitProducerId']> =>
    coordinator.handleInitProducerId(id, TIMEOUT, expected);
  const metadata = (id: string) => coordinator.describe(id).metadata!;

  it('gives a new transactional id its producer id at epoch 0 whatever id and epoch the producer claims (the metadata is new)', async () => {
    expect(await init('a')).to.deep.equal({ error: Errors.NONE.code, producerId: 1000n, producerEpoch: 0 });
    expect(await init('b', { producerId: -1n, producerEpoch: -1 })).to.deep.equal({ error: Errors.NONE.code, producerId: 1001n, producerEpoch: 0 });
    // KIP-360 clients may send a stale id and epoch 0 for an id the coordinator never saw.
    expect(await init('c', { producerId: 0n, producerEpoch: 0 })).to.deep.equal({ error: Errors.NONE.code, producerId: 1002n, producerEpoch: 0 });
    expect(await init('d', { producerId: 77n, producerEpoch: 5 })).to.deep.equal({ error: Errors.NONE.code, producerId: 1003n, producerEpoch: 0 });
  });

  it('bumps the epoch for a plain re-init and for a producer naming its current id and epoch', async () => {
    await init('t');
    expect(await init('t')).to.include({ error: Errors.NONE.code, producerId: 1000n, producerEpoch: 1 });
    expect(await init('t', { producerId: 1000n, producerEpoch: 1 })).to.include({ error: Errors.NONE.code, producerId: 1000n, producerEpoch: 2 });
    expect(metadata('t').lastProducerEpoch).to.equal(1);
  });

  it('answers a retry of a bump it already made with the current epoch, unchanged', async () => {
    await init('t');
    await init('t', { producerId: 1000n, producerEpoch: 0 }); // epoch 1, last epoch 0
    expect(await init('t', { producerId: 1000n, producerEpoch: 0 })).to.include({ error: Errors.NONE.code, producerId: 1000n, producerEpoch: 1 });
    expect(metadata('t').producerEpoch).to.equal(1);
  });

  it('fences a producer whose epoch is neither current nor the previous one (PRODUCER_FENCED), and one naming another producer id', async () => {
    await init('t');
    await init('t'); // epoch 1, last epoch -1: a new producer took over
    expect((await init('t', { producerId: 1000n, producerEpoch: 0 })).error).to.equal(Errors.PRODUCER_FENCED.code);
    expect((await init('t', { producerId: 999n, producerEpoch: 1 })).error).to.equal(Errors.PRODUCER_FENCED.code);
    expect(metadata('t').producerEpoch).to.equal(1);
  });

  it('rotates to a new producer id when the epoch is exhausted, keeping the old id and epoch as the previous ones', async () => {
    await init('t');
    const m = metadata('t');
    m.producerEpoch = EPOCH_EXHAUSTED;
    const r = await init('t', { producerId: 1000n, producerEpoch: EPOCH_EXHAUSTED });
    expect(r).to.include({ error: Errors.NONE.code, producerId: 1001n, producerEpoch: 0 });
    expect(metadata('t')).to.include({ lastProducerId: 1000n, lastProducerEpoch: EPOCH_EXHAUSTED });
    // The retry of that rotation names the previous id with the exhausted epoch: accepted, nothing rotates again.
    expect(await init('t', { producerId: 1000n, producerEpoch: EPOCH_EXHAUSTED })).to.include({ error: Errors.NONE.code, producerId: 1001n, producerEpoch: 0 });
  });

  it('answers CONCURRENT_TRANSACTIONS while a commit or abort completes, and aborts an ongoing transaction of a fenced producer first', async () => {
    await init('t');
    expect(await coordinator.handleAddPartitionsToTransaction('t', 1000n, 0, [{ topic: 'x', partition: 0 }])).to.equal(Errors.NONE.code);
    expect(metadata('t').state).to.equal(TransactionState.Ongoing);
    expect((await init('t')).error).to.equal(Errors.CONCURRENT_TRANSACTIONS.code);
    expect(metadata('t').producerEpoch).to.equal(1);
    expect([TransactionState.PrepareAbort, TransactionState.CompleteAbort]).to.include(metadata('t').state);
  });

  it('answers INVALID_REQUEST for an empty transactional id, and serves idempotent producers (no transactional id) with fresh ids', async () => {
    expect((await init('')).error).to.equal(Errors.INVALID_REQUEST.code);
    expect(await coordinator.handleInitProducerId(null, TIMEOUT)).to.deep.equal({ error: Errors.NONE.code, producerId: 1000n, producerEpoch: 0 });
  });
});
