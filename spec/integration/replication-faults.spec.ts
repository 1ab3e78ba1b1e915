/**
 * Replication under faults on three broker processes: a leader's diverged tail is truncated when it
 * comes back as a follower (leader epochs, KIP-101/595), a stalled follower leaves the ISR after
 * replica.lag.time.max.ms and rejoins, topics written straight into ZooKeeper are picked up,
 * preferred leaders come back on demand and automatically, and a broker whose ZooKeeper session
 * expired re-registers and stops acting as leader with its stale epoch.
 */
import { expect } from 'chai';
import { createTopic, eventually, kcat, request, useCluster, withZk } from './support.js';
import type { RunningCluster } from '../../lib/testing/cluster.js';
import { randomUuid } from '../../lib/zk/znode-json.js';

const SESSION_TIMEOUT_MS = 6000;

async function partitionView(c: RunningCluster, topic: string, partition = 0): Promise<{ leader: number; leaderEpoch: number; isr: number[]; replicas: number[] }> {
  const b = c.brokers.find((x) => x.isRunning && !x.isPaused)!;
  const m = await request(b.bootstrap, 3, 9, { topics: [{ name: topic }], allowAutoTopicCreation: false });
  const p = m.topics[0]!.partitions.find((x) => x.partitionIndex === partition)!;
  return { leader: p.leaderId, leaderEpoch: p.leaderEpoch, isr: [...p.isrNodes].sort(), replicas: p.replicaNodes };
}

async function consumeAll(bootstrap: string, topic: string, partition = 0): Promise<string[]> {
  const r = await kcat(['-b', bootstrap, '-C', '-t', topic, '-p', String(partition), '-o', 'beginning', '-e', '-q']);
  return r.stdout.toString().split('\n').filter(Boolean);
}

describe('replication under faults', function () {
  this.timeout(240_000);
  const cluster = useCluster({
    brokers: 3,
    overrides: {
      'zookeeper.session.timeout.ms': SESSION_TIMEOUT_MS,
      'replica.lag.time.max.ms': 3000,
      'auto.leader.rebalance.enable': true,
      'leader.imbalance.check.interval.seconds': 2,
      'leader.imbalance.per.broker.percentage': 0,
    },
  });

  afterEach(async function () {
    this.timeout(120_000);
    // A failed test must not leave the next one with brokers down or frozen.
    for (const b of cluster().brokers) {
      b.resume();
      if (!b.isRunning) await b.start();
    }
    await cluster().waitUntilReady(60_000, 3);
  });

  it('truncates a returning leader\'s diverged tail to the new leader\'s log', async () => {
    await createTopic(cluster(), 'diverge', 1, 3, { 'unclean.leader.election.enable': 'true', 'min.insync.replicas': '1' });
    const start = await partitionView(cluster(), 'diverge');
    const leader = cluster().broker(start.leader);
    const followers = cluster().brokers.filter((b) => b.brokerId !== leader.brokerId);
    const common = ['c0', 'c1', 'c2'];
    expect((await kcat(['-b', leader.bootstrap, '-P', '-t', 'diverge', '-p', '0', '-X', 'acks=all'], common.join('\n') + '\n')).code).to.equal(0);
    await eventually(async () => (await partitionView(cluster(), 'diverge')).isr.length === 3, 20_000, 'full ISR');
    for (const f of followers) await f.kill9();
    // Only the leader is in the ISR now; acks=1 writes reach nobody else.
    await eventually(async () => (await partitionView(cluster(), 'diverge')).isr.length === 1, SESSION_TIMEOUT_MS + 20_000, 'ISR of the leader alone');
    expect((await kcat(['-b', leader.bootstrap, '-P', '-t', 'diverge', '-p', '0', '-X', 'acks=1'], 'lost-a\nlost-b\n')).code).to.equal(0);
    await leader.kill9();
    // A follower comes back; unclean election makes it leader with a newer epoch and new writes.
    const newLeader = followers[0]!;
    await newLeader.start();
    const elected = await eventually(async () => {
      const v = await partitionView(cluster(), 'diverge');
      return v.leader === newLeader.brokerId ? v : undefined;
    }, 30_000, 'unclean election of the returning follower');
    expect(elected.leaderEpoch).to.be.greaterThan(start.leaderEpoch);
    expect((await kcat(['-b', newLeader.bootstrap, '-P', '-t', 'diverge', '-p', '0', '-X', 'acks=1'], 'new-x\nnew-y\nnew-z\n')).code).to.equal(0);
    // The old leader returns as a follower: its tail (lost-a, lost-b) diverged and must be dropped.
    await leader.start();
    await followers[1]!.start();
    await eventually(async () => (await partitionView(cluster(), 'diverge')).isr.length === 3, 30_000, 'everyone back in the ISR');
    const expected = [...common, 'new-x', 'new-y', 'new-z'];
    expect(await consumeAll(newLeader.bootstrap, 'diverge')).to.deep.equal(expected);
    // Make the old leader lead again and read its log through it: the same records.
    await eventually(async () => {
      const r = await request(cluster().brokers.find((b) => b.isRunning)!.bootstrap, 3, 1, { topics: [] });
      const controller = cluster().broker(r.controllerId);
      await request(controller.bootstrap, 43, 1, { electionType: 0, topicPartitions: [{ topic: 'diverge', partitions: [0] }], timeoutMs: 10_000 });
      const v = await partitionView(cluster(), 'diverge');
      return v.leader === v.replicas[0];
    }, 30_000, 'preferred leader back');
    const v = await partitionView(cluster(), 'diverge');
    expect(await consumeAll(cluster().broker(v.leader).bootstrap, 'diverge')).to.deep.equal(expected);
  });

  it('removes a stalled follower from the ISR after replica.lag.time.max.ms and takes it back when it catches up', async () => {
    await createTopic(cluster(), 'stall', 1, 3);
    const v = await partitionView(cluster(), 'stall');
    const follower = cluster().broker(v.replicas.find((r) => r !== v.leader)!);
    const leader = cluster().broker(v.leader);
    follower.pause();
    try {
      // Traffic keeps the leader's log end moving while the follower is frozen.
      const deadline = Date.now() + 15_000;
      let shrunk = false;
      while (!shrunk && Date.now() < deadline) {
        await kcat(['-b', leader.bootstrap, '-P', '-t', 'stall', '-p', '0', '-X', 'acks=1'], 'tick\n');
        shrunk = !(await partitionView(cluster(), 'stall')).isr.includes(follower.brokerId);
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(shrunk, 'the stalled follower left the ISR').to.equal(true);
    } finally {
      follower.resume();
    }
    await eventually(async () => (await partitionView(cluster(), 'stall')).isr.includes(follower.brokerId), 30_000, 'the follower to rejoin the ISR');
    await cluster().waitUntilReady(30_000, 3);
  });

  it('picks up a topic created by writing its znodes directly, as kafka-topics --zookeeper does', async () => {
    await withZk(cluster(), async (zk) => {
      await zk.createTopicAssignment('from-zk', randomUuid(), new Map([[0, [2, 0, 1]], [1, [0, 1, 2]]]));
    });
    await eventually(async () => {
      const a = await partitionView(cluster(), 'from-zk', 0);
      const b = await partitionView(cluster(), 'from-zk', 1);
      return a.leader === 2 && b.leader === 0 && a.isr.length === 3;
    }, 20_000, 'leaders of from-zk');
    const p = await kcat(['-b', cluster().broker(2).bootstrap, '-P', '-t', 'from-zk', '-p', '0', '-X', 'acks=all'], 'z1\nz2\n');
    expect(p.code, p.stderr).to.equal(0);
    expect(await consumeAll(cluster().broker(0).bootstrap, 'from-zk')).to.deep.equal(['z1', 'z2']);
  });

  it('moves leadership back to the preferred replica automatically after a bounce', async () => {
    await createTopic(cluster(), 'preferred', 3, 3);
    const before = await Promise.all([0, 1, 2].map((p) => partitionView(cluster(), 'preferred', p)));
    const victim = cluster().broker(before[0]!.leader);
    await victim.stop();
    await eventually(async () => (await partitionView(cluster(), 'preferred', 0)).leader !== victim.brokerId, 20_000, 'leadership to move away');
    await victim.start();
    await eventually(async () => {
      const now = await Promise.all([0, 1, 2].map((p) => partitionView(cluster(), 'preferred', p)));
      return now.every((v) => v.leader === v.replicas[0]);
    }, 40_000, 'automatic preferred leader election');
  });

  it('re-registers a broker whose ZooKeeper session expired and fences its stale leadership', async () => {
    await createTopic(cluster(), 'expiry', 1, 3);
    const v = await partitionView(cluster(), 'expiry');
    const frozen = cluster().broker(v.leader);
    const epochBefore = await withZk(cluster(), async (zk) => (await zk.getBrokerAndEpoch(frozen.brokerId))!.epoch);
    frozen.pause();
    try {
      await eventually(async () => {
        const now = await partitionView(cluster(), 'expiry');
        return now.leader !== frozen.brokerId && now.leader >= 0 ? now : undefined;
      }, SESSION_TIMEOUT_MS + 20_000, 'a new leader while the old one is frozen');
    } finally {
      frozen.resume();
    }
    const after = await withZk(cluster(), async (zk) => eventually(async () => {
      const b = await zk.getBrokerAndEpoch(frozen.brokerId);
      return b && b.epoch > epochBefore ? b : undefined;
    }, 30_000, 're-registration with a new broker epoch'));
    expect(after.epoch > epochBefore).to.equal(true);
    // The old leader learns it is a follower now: a produce to it is refused.
    await eventually(async () => {
      const r = await request(frozen.bootstrap, 0, 7, { acks: 1, timeoutMs: 5000, topicData: [{ name: 'expiry', partitionData: [{ index: 0, records: Buffer.from((await import('../../lib/record/memory-records-builder.js')).buildRecordBatch([{ value: Buffer.from('stale') }])) }] }] });
      return r.responses[0]!.partitionResponses[0]!.errorCode === 6;
    }, 30_000, 'NOT_LEADER_OR_FOLLOWER from the fenced broker');
    await eventually(async () => (await partitionView(cluster(), 'expiry')).isr.length === 3, 30_000, 'the broker back in the ISR');
  });
});
