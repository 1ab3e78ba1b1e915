/**
 * `kafkats leader-election` against a real cluster: after the preferred leader of a partition
 * restarts (leadership moved away, automatic rebalance off), a PREFERRED election through the tool
 * moves leadership back, as the brokers' Metadata shows; a second run reports nothing to do.
 */
import { expect } from 'chai';
import { eventually, request } from '../integration/support.js';
import { bootstrapOf, kafkats, kafkatsOk, useCliCluster } from './support.js';

const TOPIC = 'cli-elect';

describe('kafkats leader-election', function () {
  this.timeout(90_000);
  const cluster = useCliCluster();
  const bs = (): string => bootstrapOf(cluster());

  async function partitionState(): Promise<{ leader: number; isr: number[] }> {
    const running = cluster().brokers.find((b) => b.isRunning)!;
    const m = await request(running.bootstrap, 3, 9, { topics: [{ name: TOPIC }], allowAutoTopicCreation: false });
    const p = m.topics[0]!.partitions[0]!;
    return { leader: p.leaderId, isr: [...p.isrNodes].sort() };
  }

  it('moves leadership back to the preferred replica after it restarted', async () => {
    const meta = await cluster().waitUntilReady(30_000);
    const [preferred, other] = [0, 1, 2].filter((id) => id !== meta.controllerId);
    await kafkatsOk(['topics', '--bootstrap-server', bs(), '--create', '--topic', TOPIC, '--replica-assignment', `${preferred}:${other}`]);
    await eventually(async () => (await partitionState()).leader === preferred, 20_000, 'initial leader');

    await cluster().broker(preferred!).stop();
    await eventually(async () => (await partitionState()).leader === other, 30_000, 'leader moved away');
    await cluster().broker(preferred!).start();
    await eventually(async () => {
      const s = await partitionState();
      return s.isr.length === 2 && s.leader === other;
    }, 30_000, 'preferred replica back in the ISR');

    const r = await kafkatsOk(['leader-election', '--bootstrap-server', bs(), '--election-type', 'preferred', '--topic', TOPIC, '--partition', '0']);
    expect(r.stdout).to.equal(`Successfully completed leader election (PREFERRED) for partitions ${TOPIC}-0\n`);
    await eventually(async () => (await partitionState()).leader === preferred, 20_000, 'preferred leader elected');

    const again = await kafkatsOk(['leader-election', '--bootstrap-server', bs(), '--election-type', 'PREFERRED', '--topic', TOPIC, '--partition', '0']);
    expect(again.stdout).to.equal(`Valid replica already elected for partitions ${TOPIC}-0\n`);
  });

  it('elects over all partitions with --all-topic-partitions, and checks its arguments', async () => {
    const all = await kafkatsOk(['leader-election', '--bootstrap-server', bs(), '--election-type', 'preferred', '--all-topic-partitions']);
    expect(all.stdout).to.contain(`${TOPIC}-0`);
    const bad = await kafkats(['leader-election', '--bootstrap-server', bs(), '--election-type', 'sideways', '--all-topic-partitions']);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain('--election-type must be PREFERRED or UNCLEAN');
    const unknown = await kafkats(['leader-election', '--bootstrap-server', bs(), '--election-type', 'preferred', '--topic', 'cli-no-such-topic', '--partition', '0']);
    expect(unknown.code).to.equal(1);
    expect(unknown.stdout).to.contain('Error completing leader election (PREFERRED) for partition: cli-no-such-topic-0: UNKNOWN_TOPIC_OR_PARTITION');
  });
});
