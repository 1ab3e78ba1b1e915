import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProducerStateManager, type ProducerBatch } from '../../lib/log/producer-state-manager.js';
import { InvalidProducerEpochError, OutOfOrderSequenceNumberError, TransactionCoordinatorFencedError } from '../../lib/protocol/errors.js';

function batch(o: Partial<ProducerBatch> & { baseOffset: number }): ProducerBatch {
  return { producerId: 7n, producerEpoch: 0, baseSequence: 0, lastOffsetDelta: 0, maxTimestamp: 1, isTransactional: false, ...o };
}

describe('ProducerStateManager', () => {
  let dir: string;
  let psm: ProducerStateManager;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-'));
    psm = new ProducerStateManager(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const append = (b: ProducerBatch, origin: 'client' | 'coordinator' | 'replication' = 'client') => {
    const p = psm.prepareUpdate([b], origin);
    psm.update(p, b.baseOffset + b.lastOffsetDelta + 1);
    return p;
  };

  it('accepts consecutive sequences and finds a retried batch among the last 5 with its original offsets', () => {
    append(batch({ baseOffset: 0, baseSequence: 0, lastOffsetDelta: 2 }));
    append(batch({ baseOffset: 3, baseSequence: 3, lastOffsetDelta: 1 }));
    const dup = psm.findDuplicateBatch(batch({ baseOffset: 99, baseSequence: 0, lastOffsetDelta: 2 }));
    expect(dup).to.include({ firstOffset: 0, lastOffset: 2 });
    expect(psm.findDuplicateBatch(batch({ baseOffset: 99, baseSequence: 5, lastOffsetDelta: 0 }))).to.equal(undefined);
  });

  it('keeps only the metadata of the last 5 batches', () => {
    for (let i = 0; i < 7; i++) append(batch({ baseOffset: i, baseSequence: i }));
    expect(psm.lastEntry(7n)!.batchMetadata.map((m) => m.firstSeq)).to.deep.equal([2, 3, 4, 5, 6]);
    expect(psm.findDuplicateBatch(batch({ baseOffset: 50, baseSequence: 1 }))).to.equal(undefined);
  });

  it('answers OUT_OF_ORDER_SEQUENCE_NUMBER for a gap and for a new epoch not starting at 0', () => {
    append(batch({ baseOffset: 0, baseSequence: 0 }));
    expect(() => psm.prepareUpdate([batch({ baseOffset: 1, baseSequence: 2 })], 'client')).to.throw(OutOfOrderSequenceNumberError);
    expect(() => psm.prepareUpdate([batch({ baseOffset: 1, producerEpoch: 1, baseSequence: 5 })], 'client')).to.throw(OutOfOrderSequenceNumberError);
    expect(() => psm.prepareUpdate([batch({ baseOffset: 1, producerEpoch: 1, baseSequence: 0 })], 'client')).not.to.throw();
  });

  it('accepts any first sequence from an unknown producer and skips sequence checks for replication', () => {
    expect(() => append(batch({ baseOffset: 0, baseSequence: 42 }))).not.to.throw();
    expect(() => append(batch({ baseOffset: 1, baseSequence: 99 }), 'replication')).not.to.throw();
  });

  it('answers INVALID_PRODUCER_EPOCH for an older epoch, except on followers', () => {
    append(batch({ baseOffset: 0, producerEpoch: 3 }));
    expect(() => psm.prepareUpdate([batch({ baseOffset: 1, producerEpoch: 2, baseSequence: 1 })], 'client')).to.throw(InvalidProducerEpochError);
    expect(() => psm.prepareUpdate([batch({ baseOffset: 1, producerEpoch: 2, baseSequence: 1 })], 'replication')).not.to.throw();
  });

  it('tracks the first offset of an ongoing transaction and completes it with a marker', () => {
    append(batch({ baseOffset: 10, isTransactional: true }));
    append(batch({ producerId: 8n, baseOffset: 11, isTransactional: true }));
    expect(psm.firstUnstableOffset()).to.equal(10);
    const p = append(batch({ baseOffset: 12, baseSequence: -1, isTransactional: true, control: { type: 0, coordinatorEpoch: 1 } }), 'coordinator');
    expect(p.completed).to.deep.equal([{ producerId: 7n, firstOffset: 10, lastOffset: 12, isAborted: true }]);
    expect(psm.firstUnstableOffset()).to.equal(11);
    expect(() => psm.prepareUpdate([batch({ producerId: 8n, baseOffset: 13, isTransactional: true, control: { type: 1, coordinatorEpoch: 0 } })], 'coordinator')).not.to.throw();
    expect(() => psm.prepareUpdate([batch({ baseOffset: 13, isTransactional: true, control: { type: 1, coordinatorEpoch: 0 } })], 'coordinator')).to.throw(TransactionCoordinatorFencedError);
  });

  it('writes <offset>.snapshot and loads it back, ignoring newer snapshots than the log end', () => {
    append(batch({ baseOffset: 0, baseSequence: 0, lastOffsetDelta: 4, isTransactional: true }));
    psm.takeSnapshot();
    expect(fs.existsSync(path.join(dir, '00000000000000000005.snapshot'))).to.equal(true);
    const other = new ProducerStateManager(dir);
    expect(other.loadLatestSnapshot(100)).to.equal(5);
    expect(other.lastEntry(7n)!.batchMetadata[0]).to.include({ firstSeq: 0, lastSeq: 4, firstOffset: 0, lastOffset: 4 });
    expect(other.firstUnstableOffset()).to.equal(0);
    expect(other.findDuplicateBatch(batch({ baseOffset: 9, baseSequence: 0, lastOffsetDelta: 4 }))).to.include({ firstOffset: 0 });
    expect(new ProducerStateManager(dir).loadLatestSnapshot(4)).to.equal(-1);
    expect(fs.existsSync(path.join(dir, '00000000000000000005.snapshot'))).to.equal(false);
  });

  it('drops a corrupt snapshot instead of loading it', () => {
    append(batch({ baseOffset: 0 }));
    psm.takeSnapshot();
    const f = path.join(dir, '00000000000000000001.snapshot');
    const b = fs.readFileSync(f);
    b.writeUInt8(b.readUInt8(b.length - 1) ^ 0xff, b.length - 1);
    fs.writeFileSync(f, b);
    const other = new ProducerStateManager(dir);
    expect(other.loadLatestSnapshot(10)).to.equal(-1);
    expect(other.lastEntry(7n)).to.equal(undefined);
  });
});
