/**
 * startCluster()'s fault handles, as a Node team uses them to test its app against a failover:
 * leaderOf, killBroker, restartBroker, pauseBroker/resumeBroker and waitForIsr on real brokers.
 */
import { expect } from 'chai';
import { createTopic, eventually, useCluster } from './support.js';

describe('startCluster fault handles', function () {
  this.timeout(180_000);
  const cluster = useCluster({ brokers: 3, overrides: { 'zookeeper.session.timeout.ms': 6000, 'replica.lag.time.max.ms': 3000 } });

  it('kills the leader, sees another one elected, restarts the old one and waits for the full ISR', async () => {
    await createTopic(cluster(), 'handles', 1, 3);
    const first = await cluster().leaderOf('handles', 0);
    expect(first).to.be.within(0, 2);
    await cluster().killBroker(first);
    const second = await eventually(async () => {
      const l = await cluster().leaderOf('handles', 0);
      return l >= 0 && l !== first ? l : undefined;
    }, 30_000, 'a new leader');
    expect(second).to.not.equal(first);
    await cluster().restartBroker(first);
    expect((await cluster().waitForIsr('handles', 0, { timeoutMs: 60_000 })).length).to.equal(3);
  });

  it('pauses a follower until it leaves the ISR, and resumes it until it is back', async () => {
    const leader = await cluster().leaderOf('handles', 0);
    const follower = [0, 1, 2].find((id) => id !== leader)!;
    cluster().pauseBroker(follower);
    try {
      await eventually(async () => {
        const isr = await cluster().waitForIsr('handles', 0, { size: 1, timeoutMs: 5_000 });
        return !isr.includes(follower);
      }, 30_000, 'the paused follower out of the ISR');
    } finally {
      cluster().resumeBroker(follower);
    }
    expect(await cluster().waitForIsr('handles', 0, { timeoutMs: 60_000 })).to.include(follower);
  });
});
