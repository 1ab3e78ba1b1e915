import { expect } from 'chai';
import { pino } from 'pino';
import { DelayedOperation, topicPartitionOperationKey, memberKey, groupJoinKey } from '../../lib/common/delayed-operation.js';
import { DelayedOperationPurgatory } from '../../lib/common/delayed-operation-purgatory.js';
import { MockTime, SystemTime } from '../../lib/common/time.js';
import { rootLogger, setRootLogger } from '../../lib/utils/logger.js';

/** Completes once `ready` is set; records every callback. */
class MockDelayedOperation extends DelayedOperation {
  ready = false;
  completions = 0;
  expirations = 0;
  tryCompleteCalls = 0;
  onCompleteHook: (() => void) | undefined;

  override tryComplete(): boolean {
    this.tryCompleteCalls++;
    return this.ready ? this.forceComplete() : false;
  }

  override onComplete(): void {
    this.completions++;
    this.onCompleteHook?.();
  }

  override onExpiration(): void {
    this.expirations++;
  }
}

describe('DelayedOperationPurgatory', () => {
  let time: MockTime;
  let purgatory: DelayedOperationPurgatory<MockDelayedOperation>;
  const previous = rootLogger();

  before(() => setRootLogger(pino({ level: 'silent' })));
  after(() => setRootLogger(previous));

  beforeEach(() => {
    time = new MockTime(0, 0);
    purgatory = new DelayedOperationPurgatory<MockDelayedOperation>('mock', { time });
  });

  afterEach(() => purgatory.shutdown());

  it('completes at once an operation that can complete, without watching it', () => {
    const op = new MockDelayedOperation(100);
    op.ready = true;
    expect(purgatory.tryCompleteElseWatch(op, ['a'])).to.equal(true);
    expect(op.completions).to.equal(1);
    expect(purgatory.watched()).to.equal(0);
    expect(purgatory.numDelayed()).to.equal(0);
  });

  it('watches an operation that cannot complete, and completes it on checkAndComplete of its key', () => {
    const op = new MockDelayedOperation(100);
    expect(purgatory.tryCompleteElseWatch(op, ['a', 'b'])).to.equal(false);
    expect(purgatory.watched()).to.equal(2);
    expect(purgatory.numDelayed()).to.equal(1);
    expect(purgatory.checkAndComplete('a')).to.equal(0);
    expect(op.completions).to.equal(0);
    op.ready = true;
    expect(purgatory.checkAndComplete('b')).to.equal(1);
    expect(op.completions).to.equal(1);
    expect(op.isCompleted()).to.equal(true);
    // Unlinked from both keys and the timer at once.
    expect(purgatory.watched()).to.equal(0);
    expect(purgatory.watchKeyCount()).to.equal(0);
    expect(purgatory.numDelayed()).to.equal(0);
    expect(purgatory.checkAndComplete('a')).to.equal(0);
    time.advance(1000);
    expect(op.expirations).to.equal(0);
  });

  it('checkAndComplete on an unknown key completes nothing', () => {
    expect(purgatory.checkAndComplete('nobody')).to.equal(0);
  });

  it('expires an operation on its timeout exactly once, calling onComplete then onExpiration', () => {
    const order: string[] = [];
    const op = new MockDelayedOperation(100);
    op.onCompleteHook = () => order.push(`complete:${op.expirations}`);
    purgatory.tryCompleteElseWatch(op, ['a']);
    time.advance(99);
    expect(op.isCompleted()).to.equal(false);
    time.advance(1);
    expect(op.completions).to.equal(1);
    expect(op.expirations).to.equal(1);
    expect(order).to.deep.equal(['complete:0']);
    time.advance(1000);
    op.ready = true;
    expect(purgatory.checkAndComplete('a')).to.equal(0);
    expect(op.forceComplete()).to.equal(false);
    expect(op.completions).to.equal(1);
    expect(op.expirations).to.equal(1);
    expect(purgatory.watched()).to.equal(0);
  });

  it('expires operations in deadline order', () => {
    const expired: number[] = [];
    for (const delay of [30, 10, 20]) {
      const op = new MockDelayedOperation(delay);
      op.onCompleteHook = () => expired.push(delay);
      purgatory.tryCompleteElseWatch(op, [`k${delay}`]);
    }
    time.advance(15);
    expect(expired).to.deep.equal([10]);
    time.advance(20);
    expect(expired).to.deep.equal([10, 20, 30]);
  });

  it('a forceComplete from outside wins over the timer and the watchers', () => {
    const op = new MockDelayedOperation(50);
    purgatory.tryCompleteElseWatch(op, ['a', 'b']);
    expect(op.forceComplete()).to.equal(true);
    expect(op.forceComplete()).to.equal(false);
    expect(purgatory.watched()).to.equal(0);
    expect(purgatory.numDelayed()).to.equal(0);
    time.advance(100);
    expect(op.completions).to.equal(1);
    expect(op.expirations).to.equal(0);
  });

  it('an operation completed from its own onComplete re-entry is completed only once', () => {
    const op = new MockDelayedOperation(50);
    op.onCompleteHook = () => {
      // Re-entrant: completion triggers another check of the same key and another forceComplete.
      expect(purgatory.checkAndComplete('a')).to.equal(0);
      expect(op.forceComplete()).to.equal(false);
    };
    purgatory.tryCompleteElseWatch(op, ['a']);
    op.ready = true;
    expect(purgatory.checkAndComplete('a')).to.equal(1);
    expect(op.completions).to.equal(1);
  });

  it('an onComplete that watches a new operation under the same key does not disturb the check', () => {
    const first = new MockDelayedOperation(50);
    const second = new MockDelayedOperation(50);
    first.onCompleteHook = () => { purgatory.tryCompleteElseWatch(second, ['a']); };
    purgatory.tryCompleteElseWatch(first, ['a']);
    first.ready = true;
    expect(purgatory.checkAndComplete('a')).to.equal(1);
    expect(second.isCompleted()).to.equal(false);
    expect(purgatory.watched()).to.equal(1);
    second.ready = true;
    expect(purgatory.checkAndComplete('a')).to.equal(1);
    expect(purgatory.watched()).to.equal(0);
  });

  it('does not watch an operation that is already completed', () => {
    const op = new MockDelayedOperation(50);
    op.forceComplete();
    expect(purgatory.tryCompleteElseWatch(op, ['a'])).to.equal(false);
    expect(purgatory.watched()).to.equal(0);
    expect(purgatory.numDelayed()).to.equal(0);
  });

  it('handles many keys and operations without leaking watchers', () => {
    const ops: MockDelayedOperation[] = [];
    for (let i = 0; i < 2000; i++) {
      const op = new MockDelayedOperation(1000 + (i % 7));
      ops.push(op);
      purgatory.tryCompleteElseWatch(op, [topicPartitionOperationKey('t', i % 50), topicPartitionOperationKey('u', i % 13)]);
    }
    expect(purgatory.watched()).to.equal(4000);
    expect(purgatory.watchKeyCount()).to.equal(63);
    expect(purgatory.numDelayed()).to.equal(2000);
    for (const op of ops.slice(0, 1000)) op.ready = true;
    let completed = 0;
    for (let p = 0; p < 50; p++) completed += purgatory.checkAndComplete(topicPartitionOperationKey('t', p));
    expect(completed).to.equal(1000);
    expect(purgatory.watched()).to.equal(2000);
    expect(purgatory.numDelayed()).to.equal(1000);
    time.advance(2000);
    expect(ops.filter((o) => o.expirations === 1)).to.have.length(1000);
    expect(ops.every((o) => o.completions === 1)).to.equal(true);
    expect(purgatory.watched()).to.equal(0);
    expect(purgatory.watchKeyCount()).to.equal(0);
    expect(purgatory.purgeCompleted()).to.equal(0);
    expect(purgatory.numDelayed()).to.equal(0);
  });

  it('purgeCompleted sweeps completed operations and leaves the watcher count at 0', () => {
    const a = new MockDelayedOperation(100);
    const b = new MockDelayedOperation(100);
    purgatory.tryCompleteElseWatch(a, ['x', 'y']);
    purgatory.tryCompleteElseWatch(b, ['y']);
    a.forceComplete();
    b.forceComplete();
    purgatory.purgeCompleted();
    expect(purgatory.watched()).to.equal(0);
    expect(purgatory.watchKeyCount()).to.equal(0);
  });

  it('keeps expiring correctly after many cancellations compact the timer heap', () => {
    const survivors: MockDelayedOperation[] = [];
    for (let i = 0; i < 500; i++) {
      const op = new MockDelayedOperation(100 + i);
      purgatory.tryCompleteElseWatch(op, ['k']);
      if (i % 10 === 0) survivors.push(op);
      else op.forceComplete();
    }
    expect(purgatory.numDelayed()).to.equal(50);
    time.advance(1000);
    expect(survivors.every((o) => o.expirations === 1)).to.equal(true);
    expect(purgatory.numDelayed()).to.equal(0);
  });

  it('cancelForKey stops watching and timing without completing', () => {
    const op = new MockDelayedOperation(10);
    purgatory.tryCompleteElseWatch(op, [groupJoinKey('g'), memberKey('g', 'm')]);
    expect(purgatory.cancelForKey(groupJoinKey('g'))).to.deep.equal([op]);
    expect(purgatory.watched()).to.equal(0);
    expect(purgatory.numDelayed()).to.equal(0);
    time.advance(100);
    expect(op.completions).to.equal(0);
    expect(op.expirations).to.equal(0);
  });

  it('logs an operation that throws in tryComplete and still completes the others', () => {
    const bad = new MockDelayedOperation(100);
    const good = new MockDelayedOperation(100);
    purgatory.tryCompleteElseWatch(bad, ['k']);
    purgatory.tryCompleteElseWatch(good, ['k']);
    bad.tryComplete = () => { throw new Error('boom'); };
    good.ready = true;
    expect(purgatory.checkAndComplete('k')).to.equal(1);
    expect(good.completions).to.equal(1);
  });

  it('never expires operations when the timer is disabled', () => {
    const p = new DelayedOperationPurgatory<MockDelayedOperation>('no-timer', { time, timerEnabled: false });
    const op = new MockDelayedOperation(1);
    p.tryCompleteElseWatch(op, ['k']);
    time.advance(100);
    expect(op.isCompleted()).to.equal(false);
    expect(p.numDelayed()).to.equal(0);
    p.shutdown();
  });

  it('after shutdown, timers do not fire and new operations are refused', () => {
    const op = new MockDelayedOperation(10);
    purgatory.tryCompleteElseWatch(op, ['k']);
    purgatory.shutdown();
    time.advance(100);
    expect(op.expirations).to.equal(0);
    expect(purgatory.watched()).to.equal(0);
    expect(() => purgatory.tryCompleteElseWatch(new MockDelayedOperation(1), ['k'])).to.throw(/shut down/);
  });

  it('expires on the real clock with an unref()ed timer', async () => {
    const p = new DelayedOperationPurgatory<MockDelayedOperation>('real', { time: new SystemTime() });
    const op = new MockDelayedOperation(20);
    const timeoutsBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    p.tryCompleteElseWatch(op, ['k']);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).to.equal(timeoutsBefore);
    await new Promise((r) => setTimeout(r, 60));
    expect(op.expirations).to.equal(1);
    p.shutdown();
  });
});
