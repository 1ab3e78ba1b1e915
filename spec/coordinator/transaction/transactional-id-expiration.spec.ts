/**
 * transactional.id.expiration.ms (Kafka's removeExpiredTransactionalIds): a transactional id whose
 * transaction is complete and that saw no activity for that long is written off with a tombstone in
 * __transaction_state by the scheduled 'transactionalId-expiration' task; one in a transaction stays.
 */
import { expect } from 'chai';
import { pino } from 'pino';
import { MockTime } from '../../../lib/common/time.js';
import { KafkaScheduler } from '../../../lib/common/scheduler.js';
import { TransactionCoordinator } from '../../../lib/coordinator/transaction/transaction-coordinator.js';
import { TransactionStateManager } from '../../../lib/coordinator/transaction/transaction-state-manager.js';
import { TransactionMarkerChannelManager } from '../../../lib/coordinator/transaction/transaction-marker-channel-manager.js';
import { readTxnRecordKey } from '../../../lib/coordinator/transaction/transaction-log.js';
import { batchesIn, iterateRecords } from '../../../lib/record/record-batch.js';
import { Errors } from '../../../lib/protocol/errors.js';
import { setRootLogger } from '../../../lib/utils/logger.js';

setRootLogger(pino({ level: process.env.KAFKATS_LOG_LEVEL ?? 'silent' }));

const EXPIRATION_MS = 60_000;
const CHECK_MS = 10_000;

describe('transactional id expiration', () => {
  it('writes a tombstone for an idle completed transactional id and forgets it; a reload does not bring it back', async () => {
    const time = new MockTime();
    const scheduler = new KafkaScheduler({ time });
    scheduler.startup();
    const written: Array<{ key: Buffer | null; value: Buffer | null }> = [];
    const manager = new TransactionStateManager({
      numPartitions: () => 1,
      append: (_p, records) => {
        for (const b of batchesIn(records)) for (const r of iterateRecords(records.subarray(b.position, b.position + b.size))) written.push({ key: r.key, value: r.value });
        return Promise.resolve(Errors.NONE.code);
      },
      read: async function* () { yield* written; },
    });
    const markers = new TransactionMarkerChannelManager({
      brokerId: 0, leaderFor: () => undefined, topicExists: () => true, stillCoordinator: () => true, requestTimeoutMs: 1000, retryBackoffMs: 100,
    });
    let pid = 1n;
    const coordinator = new TransactionCoordinator(
      { transactionMaxTimeoutMs: 900_000, abortTimedOutTransactionsIntervalMs: 600_000, transactionalIdExpirationMs: EXPIRATION_MS, removeExpiredTransactionalIdsIntervalMs: CHECK_MS },
      manager, { generateProducerId: () => Promise.resolve(pid++) }, markers, time, scheduler);
    await coordinator.onElection(0, 1);
    coordinator.startup();
    try {
      expect((await coordinator.handleInitProducerId('idle', 30_000)).error).to.equal(Errors.NONE.code);
      expect((await coordinator.handleInitProducerId('busy', 30_000)).error).to.equal(Errors.NONE.code);
      const busy = coordinator.describe('busy').metadata!;
      expect(await coordinator.handleAddPartitionsToTransaction('busy', busy.producerId, busy.producerEpoch, [{ topic: 'x', partition: 0 }])).to.equal(Errors.NONE.code);
      // The task runs every CHECK_MS; each run settles before the next is due.
      const tick = async (): Promise<void> => {
        time.advance(CHECK_MS);
        for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      };
      for (let t = CHECK_MS; t < EXPIRATION_MS; t += CHECK_MS) await tick();
      expect(coordinator.describe('idle').metadata).to.not.equal(undefined);
      await tick();
      expect(coordinator.describe('idle').metadata).to.equal(undefined);
      expect(coordinator.describe('busy').metadata?.state).to.equal('Ongoing');
      const tombstone = written.at(-1)!;
      expect(readTxnRecordKey(tombstone.key!)).to.equal('idle');
      expect(tombstone.value).to.equal(null);
      // A new coordinator loading the partition sees the tombstone as the latest value.
      await coordinator.onElection(0, 2);
      expect(coordinator.describe('idle').metadata).to.equal(undefined);
      expect(coordinator.describe('busy').metadata).to.not.equal(undefined);
    } finally {
      coordinator.shutdown();
      await scheduler.shutdown();
    }
  });
});
