import { expect } from 'chai';
import { ControllerEventManager, type ControllerEvent } from '../../lib/controller/controller-event-manager.js';

interface TestEvent extends ControllerEvent {
  readonly name: string;
  readonly preempt?: boolean;
}

/** A processor whose events block until released, recording what ran and what was preempted. */
function blockingProcessor() {
  const processed: string[] = [];
  const preempted: string[] = [];
  const releases: Array<() => void> = [];
  return {
    processed,
    preempted,
    release: (): void => releases.shift()?.(),
    processor: {
      process: async (e: TestEvent): Promise<void> => {
        processed.push(e.name);
        await new Promise<void>((resolve) => releases.push(resolve));
      },
      preempt: (e: TestEvent): void => void preempted.push(e.name),
    },
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('ControllerEventManager', () => {
  it('on clearAndPut preempts the queued events (keeping preempting ones) and the new event waits behind the one in progress', async () => {
    const p = blockingProcessor();
    const events = new ControllerEventManager<TestEvent>(p.processor);
    events.start();
    events.put({ name: 'InProgress' });
    await tick();
    events.put({ name: 'BrokerChange' });
    events.put({ name: 'Startup', preempt: true });
    const expire = events.clearAndPut({ name: 'Expire', preempt: true });
    let started = false;
    void expire.awaitProcessing().then(() => (started = true));
    await tick();
    expect(p.preempted).to.deep.equal(['BrokerChange']);
    expect(started).to.equal(false);
    p.release(); // InProgress ends
    await tick();
    p.release(); // Startup ends
    await tick();
    expect(p.processed).to.deep.equal(['InProgress', 'Startup', 'Expire']);
    expect(started).to.equal(true);
    p.release();
    await events.close();
  });

  it('on close preempts what is still queued, and awaitProcessing of a dropped event resolves', async () => {
    const p = blockingProcessor();
    const events = new ControllerEventManager<TestEvent>(p.processor);
    events.start();
    events.put({ name: 'InProgress' });
    await tick();
    const queued = events.put({ name: 'Run' });
    const closed = events.close();
    await queued.awaitProcessing();
    expect(p.preempted).to.deep.equal(['Run']);
    p.release();
    await closed;
    expect(p.processed).to.deep.equal(['InProgress']);
    const late = events.put({ name: 'AfterClose' });
    await late.awaitProcessing();
    expect(p.preempted).to.deep.equal(['Run', 'AfterClose']);
  });
});
