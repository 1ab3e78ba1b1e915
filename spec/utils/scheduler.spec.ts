import { expect } from 'chai';
import { pino } from 'pino';
import { KafkaScheduler } from '../../lib/common/scheduler.js';
import { MockTime } from '../../lib/common/time.js';
import { rootLogger, setRootLogger } from '../../lib/utils/logger.js';

describe('KafkaScheduler', () => {
  let time: MockTime;
  let scheduler: KafkaScheduler;
  const previous = rootLogger();

  before(() => setRootLogger(pino({ level: 'silent' })));
  after(() => setRootLogger(previous));

  beforeEach(() => {
    time = new MockTime(0, 0);
    scheduler = new KafkaScheduler({ time });
    scheduler.startup();
  });

  afterEach(async () => {
    await scheduler.shutdown();
  });

  it('runs a one-shot task once, after its delay', () => {
    let runs = 0;
    const task = scheduler.scheduleOnce('once', () => { runs++; }, 100);
    time.advance(99);
    expect(runs).to.equal(0);
    time.advance(1);
    expect(runs).to.equal(1);
    time.advance(1000);
    expect(runs).to.equal(1);
    expect(task.isDone()).to.equal(true);
    expect(scheduler.pendingTasks).to.equal(0);
  });

  it('runs a periodic task at a fixed rate', () => {
    const at: number[] = [];
    scheduler.schedule('periodic', () => { at.push(time.milliseconds()); }, 10, 100);
    time.advance(350);
    expect(at).to.deep.equal([10, 110, 210, 310]);
  });

  it('stops a cancelled periodic task', () => {
    let runs = 0;
    const task = scheduler.schedule('p', () => { runs++; }, 0, 10);
    time.advance(25);
    task.cancel();
    time.advance(100);
    expect(runs).to.equal(3);
    expect(task.isDone()).to.equal(true);
  });

  it('logs a throwing task instead of throwing, and keeps its period', () => {
    let runs = 0;
    scheduler.schedule('bad', () => { runs++; throw new Error('boom'); }, 0, 10);
    expect(() => time.advance(30)).to.not.throw();
    expect(runs).to.equal(4);
  });

  it('swallows a rejected async task and schedules the next run after it settles', async () => {
    let runs = 0;
    scheduler.schedule('async-bad', async () => { runs++; await Promise.resolve(); throw new Error('boom'); }, 0, 10);
    time.advance(0);
    expect(runs).to.equal(1);
    await new Promise((r) => setImmediate(r));
    time.advance(10);
    expect(runs).to.equal(2);
  });

  it('does not overlap runs of a slow async periodic task', async () => {
    let running = 0;
    let maxRunning = 0;
    let release: (() => void) | undefined;
    scheduler.schedule('slow', async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise<void>((r) => { release = r; });
      running--;
    }, 0, 10);
    time.advance(50);
    expect(maxRunning).to.equal(1);
    release?.();
    await new Promise((r) => setImmediate(r));
    // It was late, so it runs again at once, still one at a time.
    time.advance(0);
    expect(maxRunning).to.equal(1);
    expect(running).to.equal(1);
    release?.();
  });

  it('refuses tasks before startup and after shutdown, and shutdown waits for running tasks', async () => {
    const s = new KafkaScheduler({ time });
    expect(() => s.schedule('x', () => undefined)).to.throw(/not running/);
    s.startup();
    let finished = false;
    s.scheduleOnce('slow', async () => { await new Promise((r) => setTimeout(r, 5)); finished = true; });
    time.advance(0);
    await s.shutdown();
    expect(finished).to.equal(true);
    expect(() => s.schedule('y', () => undefined)).to.throw(/not running/);
  });

  it('uses unref()ed timers on the system clock', async () => {
    const s = new KafkaScheduler();
    s.startup();
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    s.schedule('idle', () => undefined, 60_000, 60_000);
    // An unref()ed timer is not reported as an active resource keeping the loop alive.
    const after = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(after).to.equal(before);
    await s.shutdown();
  });
});
