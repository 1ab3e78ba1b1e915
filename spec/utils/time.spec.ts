import { expect } from 'chai';
import { MockTime, SystemTime } from '../../lib/common/time.js';

describe('MockTime', () => {
  it('moves wall and monotonic clocks together on sleep()', async () => {
    const time = new MockTime(1000, 50);
    await time.sleep(25);
    expect(time.milliseconds()).to.equal(1025);
    expect(time.hiResClockMs()).to.equal(75);
    expect(time.nanoseconds()).to.equal(75_000_000n);
  });

  it('fires due timers in deadline order, each seeing its own deadline', () => {
    const time = new MockTime(0, 0);
    const seen: Array<[string, number]> = [];
    time.setTimer(() => seen.push(['b', time.milliseconds()]), 20);
    time.setTimer(() => seen.push(['a', time.milliseconds()]), 10);
    time.setTimer(() => seen.push(['late', time.milliseconds()]), 100);
    time.advance(50);
    expect(seen).to.deep.equal([['a', 10], ['b', 20]]);
    expect(time.milliseconds()).to.equal(50);
    expect(time.pendingTimers()).to.equal(1);
  });

  it('fires timers with equal deadlines in creation order', () => {
    const time = new MockTime();
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) time.setTimer(() => seen.push(i), 5);
    time.advance(5);
    expect(seen).to.deep.equal([0, 1, 2, 3, 4]);
  });

  it('fires timers created by a firing timer when they fall due in the same advance', () => {
    const time = new MockTime(0, 0);
    const fired: number[] = [];
    const tick = (): void => {
      fired.push(time.milliseconds());
      time.setTimer(tick, 10);
    };
    time.setTimer(tick, 10);
    time.advance(35);
    expect(fired).to.deep.equal([10, 20, 30]);
  });

  it('never fires a cancelled timer', () => {
    const time = new MockTime();
    let fired = false;
    const h = time.setTimer(() => { fired = true; }, 1);
    h.cancel();
    time.advance(10);
    expect(fired).to.equal(false);
    expect(time.pendingTimers()).to.equal(0);
  });

  it('refuses to go backwards', () => {
    expect(() => new MockTime().advance(-1)).to.throw(RangeError);
  });
});

describe('SystemTime', () => {
  it('runs a timer after the delay and its handle can cancel another', async () => {
    const time = new SystemTime();
    let cancelledFired = false;
    time.setTimer(() => { cancelledFired = true; }, 5).cancel();
    const start = time.hiResClockMs();
    await new Promise<void>((resolve) => time.setTimer(resolve, 10));
    expect(time.hiResClockMs() - start).to.be.at.least(9);
    await time.sleep(10);
    expect(cancelledFired).to.equal(false);
  });
});
