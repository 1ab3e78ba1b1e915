import { expect } from 'chai';
import { isValidTransition, TRANSACTION_STATE_IDS, transactionStateFromId } from '../../../lib/coordinator/transaction/transaction-state.js';
import { keyToBytes, readTxnRecordKey, readTxnRecordValue, valueToBytes } from '../../../lib/coordinator/transaction/transaction-log.js';
import { TransactionMetadata } from '../../../lib/coordinator/transaction/transaction-metadata.js';

describe('transaction state machine and TransactionLog formats', () => {
  it('allows only Kafka\'s transitions', () => {
    expect(isValidTransition('Empty', 'Ongoing')).to.equal(true);
    expect(isValidTransition('Ongoing', 'PrepareCommit')).to.equal(true);
    expect(isValidTransition('PrepareCommit', 'CompleteCommit')).to.equal(true);
    expect(isValidTransition('PrepareEpochFence', 'PrepareAbort')).to.equal(true);
    expect(isValidTransition('Empty', 'PrepareCommit')).to.equal(false);
    expect(isValidTransition('PrepareCommit', 'CompleteAbort')).to.equal(false);
    expect(isValidTransition('CompleteCommit', 'PrepareAbort')).to.equal(false);
  });

  it('maps states to the TransactionStatus bytes Kafka stores', () => {
    expect(TRANSACTION_STATE_IDS.PrepareCommit).to.equal(2);
    expect(TRANSACTION_STATE_IDS.PrepareEpochFence).to.equal(7);
    expect(transactionStateFromId(5)).to.equal('CompleteAbort');
  });

  it('round-trips TransactionLogKey/Value with version prefixes', () => {
    const key = keyToBytes('tx-1');
    expect(key.readInt16BE(0)).to.equal(0);
    expect(readTxnRecordKey(key)).to.equal('tx-1');
    const value = valueToBytes({
      producerId: 1000n, lastProducerId: -1n, producerEpoch: 3, lastProducerEpoch: -1, txnTimeoutMs: 60000, txnState: 'Ongoing',
      topicPartitions: [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 2 }], txnStartTimestamp: 5, txnLastUpdateTimestamp: 6,
    });
    const back = readTxnRecordValue(value)!;
    expect(back).to.include({ producerId: 1000n, producerEpoch: 3, txnTimeoutMs: 60000, txnState: 'Ongoing', txnStartTimestamp: 5 });
    expect(back.topicPartitions).to.deep.equal([{ topic: 'a', partition: 0 }, { topic: 'a', partition: 2 }]);
    expect(readTxnRecordValue(null)).to.equal(null);
  });

  it('refuses a second transition while one is pending and bumps the epoch on init', () => {
    const m = new TransactionMetadata('t', 5n, -1n, 0, -1, 1000, 'Empty', -1, 0);
    const t = m.prepareAddPartitions([{ topic: 'x', partition: 1 }], 10);
    expect(() => m.prepareAbortOrCommit('PrepareCommit', 11)).to.throw();
    m.completeTransition(t);
    expect(m.state).to.equal('Ongoing');
    expect(() => m.prepareIncrementProducerEpoch(1000, undefined, 12)).to.throw();
    m.completeTransition(m.prepareAbortOrCommit('PrepareAbort', 13));
    m.completeTransition(m.prepareComplete(14));
    // A fresh InitProducerId (no expected epoch) bumps and forgets the previous epoch, as Kafka's
    // prepareIncrementProducerEpoch: the producer it replaces can no longer pass as a retry.
    const bump = m.prepareIncrementProducerEpoch(1000, undefined, 15);
    expect(bump).to.include({ producerEpoch: 1, lastProducerEpoch: -1, txnState: 'Empty' });
  });
});
