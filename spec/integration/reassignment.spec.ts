/**
 * Partition reassignment on four broker processes and a real ZooKeeper (KIP-455 and the legacy
 * /admin znodes): moves through AlterPartitionReassignments and /admin/reassign_partitions, a
 * replication factor changed both ways, Kafka's errors for bad requests and a logged rejection for
 * a bad znode, a reassignment waiting for a stopped broker (listed, cancelled, replaced, resumed by
 * a new controller after the old one is killed -9), the legacy preferred election znode, and a
 * broker decommissioned. The heavy scenarios (load, 100 MB) are in reassignment-load.spec.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { eventually, kcat, request, useCluster, withZk } from './support.js';
import type { RunningCluster } from '../../lib/testing/cluster.js';
import { Errors } from '../../lib/protocol/errors.js';
import { PreferredReplicaElectionZNode, ReassignPartitionsZNode } from '../../lib/zk/admin-znodes.js';
import { TopicZNode } from '../../lib/zk/topic-znodes.js';

interface PartitionView { partition: number; leader: number; isr: number[]; replicas: number[] }

function running(c: RunningCluster): string {
  return c.brokers.find((b) => b.isRunning && !b.isPaused)!.bootstrap;
}

async function topicView(c: RunningCluster, topic: string): Promise<PartitionView[]> {
  const m = await request(running(c), 3, 9, { topics: [{ name: topic }], allowAutoTopicCreation: false });
  return m.topics[0]!.partitions.map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, isr: [...p.isrNodes].sort(), replicas: [...p.replicaNodes] }))
    .sort((a, b) => a.partition - b.partition);
}

async function controllerBootstrap(c: RunningCluster): Promise<string> {
  const running = c.brokers.filter((b) => b.isRunning && !b.isPaused).length;
  return c.broker((await c.waitUntilReady(60_000, running)).controllerId).bootstrap;
}

/** CreateTopics with an explicit assignment (partition → replicas). */
async function createAssigned(c: RunningCluster, name: string, assignment: number[][], configs: Record<string, string> = {}): Promise<void> {
  const r = await request(await controllerBootstrap(c), 19, 5, {
    topics: [{ name, numPartitions: -1, replicationFactor: -1, assignments: assignment.map((brokerIds, partitionIndex) => ({ partitionIndex, brokerIds })), configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
    timeoutMs: 30_000,
    validateOnly: false,
  });
  expect(r.topics[0]!.errorCode, r.topics[0]!.errorMessage ?? '').to.equal(0);
  await eventually(async () => (await topicView(c, name)).every((p) => p.leader >= 0 && p.isr.length === p.replicas.length), 30_000, `${name} online with full ISRs`);
}

async function alter(c: RunningCluster, topic: string, partitions: Array<[number, number[] | null]>): Promise<Map<number, { errorCode: number; errorMessage: string | null }>> {
  const r = await request(await controllerBootstrap(c), 45, 0, { timeoutMs: 30_000, topics: [{ name: topic, partitions: partitions.map(([partitionIndex, replicas]) => ({ partitionIndex, replicas })) }] });
  expect(r.errorCode).to.equal(0);
  return new Map(r.responses.flatMap((t) => t.partitions.map((p) => [p.partitionIndex, { errorCode: p.errorCode, errorMessage: p.errorMessage }] as const)));
}

async function ongoing(c: RunningCluster): Promise<Array<{ tp: string; replicas: number[]; adding: number[]; removing: number[] }>> {
  const r = await request(await controllerBootstrap(c), 46, 0, { timeoutMs: 30_000, topics: null });
  expect(r.errorCode).to.equal(0);
  return r.topics.flatMap((t) => t.partitions.map((p) => ({ tp: `${t.name}-${p.partitionIndex}`, replicas: p.replicas, adding: p.addingReplicas, removing: p.removingReplicas })));
}

async function produce(c: RunningCluster, topic: string, partition: number, count: number, prefix: string): Promise<void> {
  const input = Array.from({ length: count }, (_, i) => `${prefix}-${i}`).join('\n') + '\n';
  const r = await kcat(['-b', c.bootstrapServers.filter((_, i) => c.brokers[i]!.isRunning).join(','), '-P', '-t', topic, '-p', String(partition), '-X', 'acks=all'], input, 60_000);
  expect(r.code, r.stderr).to.equal(0);
}

async function consumeAll(c: RunningCluster, topic: string, partition: number): Promise<string[]> {
  const r = await kcat(['-b', c.bootstrapServers.filter((_, i) => c.brokers[i]!.isRunning).join(','), '-C', '-t', topic, '-p', String(partition), '-o', 'beginning', '-e', '-q'], undefined, 60_000);
  expect(r.code, r.stderr).to.equal(0);
  return r.stdout.toString().split('\n').filter(Boolean);
}

const znodeGone = (c: RunningCluster, p: string) => (): Promise<boolean> => withZk(c, async (zk) => !(await zk.pathExists(p)));

describe('partition reassignment', function () {
  this.timeout(300_000);
  const cluster = useCluster({
    brokers: 4,
    overrides: {
      'auto.leader.rebalance.enable': false,
      'controlled.shutdown.retry.backoff.ms': 500,
      'replica.lag.time.max.ms': 10_000,
    },
  });

  it('moves a partition with AlterPartitionReassignments: its records follow, the old replica is deleted, the topic znode ends with RS = TRS', async () => {
    const c = cluster();
    await createAssigned(c, 'moving', [[0]]);
    await produce(c, 'moving', 0, 2000, 'm');
    const r = await alter(c, 'moving', [[0, [3]]]);
    expect(r.get(0)).to.deep.equal({ errorCode: 0, errorMessage: null });
    await eventually(async () => (await ongoing(c)).length === 0 && (await topicView(c, 'moving'))[0]!.leader === 3, 60_000, 'the move done');
    expect((await topicView(c, 'moving'))[0]).to.include({ leader: 3 }).and.to.deep.include({ replicas: [3], isr: [3] });
    const records = await consumeAll(c, 'moving', 0);
    expect(records.length).to.equal(2000);
    expect(records[1999]).to.equal('m-1999');
    const assignment = await withZk(c, async (zk) => (await zk.getReplicaAssignmentAndTopicIdForTopics(['moving']))[0]!.assignment.get(0));
    expect(assignment).to.deep.equal({ replicas: [3], addingReplicas: [], removingReplicas: [] });
    await eventually(async () => !fs.existsSync(path.join(c.dataDir, 'broker-0', 'moving-0')), 30_000, 'the log of the removed replica gone from broker 0');
  });

  it('changes a replication factor from 1 to 3 through /admin/reassign_partitions (znode deleted when done) and from 3 to 2 through the API', async () => {
    const c = cluster();
    await createAssigned(c, 'grow', [[1]]);
    await produce(c, 'grow', 0, 1000, 'g');
    await withZk(c, (zk) => zk.createPartitionReassignment(new Map([[{ topic: 'grow', partition: 0 }, [1, 2, 3]]])));
    await eventually(znodeGone(c, ReassignPartitionsZNode.path), 60_000, '/admin/reassign_partitions deleted');
    let [p] = await topicView(c, 'grow');
    expect(p!.replicas).to.deep.equal([1, 2, 3]);
    expect(p!.isr).to.deep.equal([1, 2, 3]);
    expect(p!.leader).to.equal(1);
    // 3 → 2, dropping the leader: the new leader comes from the target replicas.
    expect((await alter(c, 'grow', [[0, [2, 3]]])).get(0)!.errorCode).to.equal(0);
    await eventually(async () => (await topicView(c, 'grow'))[0]!.replicas.length === 2, 60_000, 'RF 2');
    [p] = await topicView(c, 'grow');
    expect(p!.replicas).to.deep.equal([2, 3]);
    expect(p!.isr).to.deep.equal([2, 3]);
    expect(p!.leader).to.equal(2);
    expect((await consumeAll(c, 'grow', 0)).length).to.equal(1000);
    expect(await ongoing(c)).to.deep.equal([]);
  });

  it("answers bad AlterPartitionReassignments with Kafka's errors and rejects bad /admin/reassign_partitions entries by deleting them", async () => {
    const c = cluster();
    await createAssigned(c, 'bad', [[0, 1], [1, 2]]);
    const r = await alter(c, 'bad', [[0, []], [1, [2, 2]]]);
    expect(r.get(0)!.errorCode).to.equal(Errors.INVALID_REPLICA_ASSIGNMENT.code);
    expect(r.get(0)!.errorMessage).to.equal('Empty replica list specified in partition reassignment.');
    expect(r.get(1)!.errorCode).to.equal(Errors.INVALID_REPLICA_ASSIGNMENT.code);
    expect((await alter(c, 'bad', [[0, [0, 99]]])).get(0)!.errorCode, 'a broker that does not exist').to.equal(Errors.INVALID_REPLICA_ASSIGNMENT.code);
    expect((await alter(c, 'bad', [[7, [0, 1]]])).get(7)!.errorCode, 'an unknown partition').to.equal(Errors.UNKNOWN_TOPIC_OR_PARTITION.code);
    expect((await alter(c, 'no-such-topic', [[0, [0, 1]]])).get(0)!.errorCode, 'an unknown topic').to.equal(Errors.UNKNOWN_TOPIC_OR_PARTITION.code);
    expect((await alter(c, 'bad', [[0, null]])).get(0)!.errorCode, 'cancelling nothing').to.equal(Errors.NO_REASSIGNMENT_IN_PROGRESS.code);
    expect(await ongoing(c)).to.deep.equal([]);

    // Malformed JSON: logged and deleted, so a later reassignment is not refused as "in progress".
    await withZk(c, (zk) => zk.createRecursive(ReassignPartitionsZNode.path, Buffer.from('{"version":1,"partitions":[{"topic":'), true));
    await eventually(znodeGone(c, ReassignPartitionsZNode.path), 30_000, 'malformed znode deleted');
    // Bad entries are dropped, the good one runs, then the znode goes.
    await withZk(c, (zk) => zk.createRecursive(ReassignPartitionsZNode.path, Buffer.from(JSON.stringify({
      version: 1,
      partitions: [
        { topic: 'bad', partition: 0, replicas: [] },
        { topic: 'no-such-topic', partition: 0, replicas: [1] },
        { topic: 'bad', partition: 9, replicas: [1] },
        { topic: 'bad', partition: 1, replicas: [2, 3] },
      ],
    })), true));
    await eventually(znodeGone(c, ReassignPartitionsZNode.path), 60_000, 'znode deleted');
    const view = await topicView(c, 'bad');
    expect(view[0]!.replicas, 'the empty target left partition 0 alone').to.deep.equal([0, 1]);
    expect(view[1]!.replicas).to.deep.equal([2, 3]);
  });

  it('waits for a stopped target broker, lists the pending reassignment, cancels it (original replicas back) and lets a new target replace it', async () => {
    const c = cluster();
    await createAssigned(c, 'waiting', [[0, 1]]);
    await produce(c, 'waiting', 0, 500, 'w');
    await c.broker(3).stop(60_000);
    try {
      expect((await alter(c, 'waiting', [[0, [0, 3]]])).get(0)!.errorCode, 'the API refuses a broker that is not alive').to.equal(Errors.INVALID_REPLICA_ASSIGNMENT.code);
      await withZk(c, (zk) => zk.createPartitionReassignment(new Map([[{ topic: 'waiting', partition: 0 }, [0, 3]]])));
      await eventually(async () => (await ongoing(c)).length === 1, 30_000, 'the reassignment listed');
      expect(await ongoing(c)).to.deep.equal([{ tp: 'waiting-0', replicas: [0, 3, 1], adding: [3], removing: [1] }]);
      const znode = await withZk(c, async (zk) => TopicZNode.decode('waiting', (await zk.getDataAndStat(TopicZNode.path('waiting'))).data).assignment.get(0));
      expect(znode).to.deep.equal({ replicas: [0, 3, 1], addingReplicas: [3], removingReplicas: [1] });
      expect(await withZk(c, (zk) => zk.pathExists(ReassignPartitionsZNode.path)), 'the znode stays while it waits').to.equal(true);

      // Cancel: the API request supersedes the znode's entry.
      expect((await alter(c, 'waiting', [[0, null]])).get(0)!.errorCode).to.equal(0);
      await eventually(znodeGone(c, ReassignPartitionsZNode.path), 30_000, 'znode deleted on cancel');
      expect(await ongoing(c)).to.deep.equal([]);
      await eventually(async () => {
        const [p] = await topicView(c, 'waiting');
        return p!.replicas.join() === '0,1' && p!.isr.join() === '0,1';
      }, 30_000, 'original replicas restored');

      // A pending reassignment replaced by another: [0,3] waits, then [1,2] takes over and finishes.
      await withZk(c, (zk) => zk.createPartitionReassignment(new Map([[{ topic: 'waiting', partition: 0 }, [0, 3]]])));
      await eventually(async () => (await ongoing(c)).length === 1, 30_000, 'pending again');
      expect((await alter(c, 'waiting', [[0, [1, 2]]])).get(0)!.errorCode).to.equal(0);
      await eventually(async () => (await ongoing(c)).length === 0, 60_000, 'the replacing reassignment done');
      // The brokers learn RS = TRS from the UpdateMetadata that follows the completion.
      const [p] = await eventually(async () => {
        const view = await topicView(c, 'waiting');
        return view[0]!.replicas.length === 2 && view;
      }, 30_000, 'metadata with the final replicas');
      expect(p!.replicas).to.deep.equal([1, 2]);
      expect(p!.isr).to.deep.equal([1, 2]);
      expect((await consumeAll(c, 'waiting', 0)).length).to.equal(500);
    } finally {
      await c.broker(3).start(60_000);
      await c.waitUntilReady(60_000, 4);
    }
  });

  it('a new controller completes a reassignment whose controller was killed -9 while it waited for a broker', async () => {
    const c = cluster();
    await createAssigned(c, 'failover', [[1, 2], [2, 1]]);
    await produce(c, 'failover', 0, 500, 'f');
    await c.broker(3).stop(60_000);
    await withZk(c, (zk) => zk.createPartitionReassignment(new Map([[{ topic: 'failover', partition: 0 }, [3, 2]], [{ topic: 'failover', partition: 1 }, [2, 1, 3]]])));
    await eventually(async () => (await ongoing(c)).length === 2, 30_000, 'both pending');
    const old = (await c.waitUntilReady(30_000, 3)).controllerId;
    await c.broker(old).kill9();
    const survivors = c.brokers.filter((b) => b.isRunning).length;
    const elected = await eventually(async () => {
      const m = await c.waitUntilReady(30_000, survivors);
      return m.controllerId !== old && m.controllerId >= 0 ? m.controllerId : undefined;
    }, 60_000, 'a new controller');
    // The new controller knows the pending reassignments from the topic znode.
    await eventually(async () => (await ongoing(c)).length === 2, 30_000, 'pending on the new controller');
    expect(elected).to.not.equal(old);
    await c.broker(3).start(60_000);
    await c.broker(old).start(60_000);
    await c.waitUntilReady(60_000, 4);
    await eventually(async () => (await ongoing(c)).length === 0, 90_000, 'both reassignments completed');
    await eventually(znodeGone(c, ReassignPartitionsZNode.path), 30_000, 'znode deleted');
    await eventually(async () => {
      const v = await topicView(c, 'failover');
      return v[0]!.replicas.join() === '3,2' && v[1]!.replicas.join() === '2,1,3' && v.every((p) => p.isr.length === p.replicas.length);
    }, 60_000, 'the target replicas in sync');
    expect((await consumeAll(c, 'failover', 0)).length).to.equal(500);
  });

  it('elects preferred leaders named in /admin/preferred_replica_election and deletes the znode, skipping unknown partitions', async () => {
    const c = cluster();
    await createAssigned(c, 'preferred', [[1, 2]]);
    // Move leadership off broker 1 with a controlled shutdown, then bring it back.
    await c.broker(1).stop(60_000);
    await eventually(async () => (await topicView(c, 'preferred'))[0]!.leader === 2, 30_000, 'leader moved to 2');
    await c.broker(1).start(60_000);
    await eventually(async () => (await topicView(c, 'preferred'))[0]!.isr.length === 2, 60_000, 'broker 1 back in the ISR');
    expect((await topicView(c, 'preferred'))[0]!.leader).to.equal(2);
    await withZk(c, (zk) => zk.createPreferredReplicaElection([{ topic: 'preferred', partition: 0 }, { topic: 'unknown-topic', partition: 3 }]));
    await eventually(znodeGone(c, PreferredReplicaElectionZNode.path), 30_000, 'election znode deleted');
    await eventually(async () => (await topicView(c, 'preferred'))[0]!.leader === 1, 30_000, 'the preferred replica leads');
    // The watch is armed again: a second election znode is handled too (malformed: deleted, nothing elected).
    await withZk(c, (zk) => zk.createRecursive(PreferredReplicaElectionZNode.path, Buffer.from('not json'), true));
    await eventually(znodeGone(c, PreferredReplicaElectionZNode.path), 30_000, 'malformed election znode deleted');
  });

  it('decommissions a broker: every replica of every topic moved off broker 0, which then stops with nothing under-replicated', async () => {
    const c = cluster();
    await createAssigned(c, 'decom', [[0, 1], [1, 0], [2, 0], [0, 3], [3, 2], [0, 2]]);
    for (let p = 0; p < 6; p++) await produce(c, 'decom', p, 100, `d${p}`);
    const all = await request(running(c), 3, 9, { topics: null, allowAutoTopicCreation: false });
    const topics = all.topics.map((t) => t.name!);
    for (const topic of topics) {
      const moves = (await topicView(c, topic)).filter((p) => p.replicas.includes(0)).map((p): [number, number[]] => {
        const spare = [1, 2, 3].find((b) => !p.replicas.includes(b))!;
        return [p.partition, p.replicas.map((r) => (r === 0 ? spare : r))];
      });
      if (moves.length === 0) continue;
      const r = await alter(c, topic, moves);
      for (const [p] of moves) expect(r.get(p)!.errorCode, `${topic}-${p}`).to.equal(0);
    }
    await eventually(async () => (await ongoing(c)).length === 0, 120_000, 'all moves done');
    // Every broker learns the final replicas from the UpdateMetadata that follows each completion.
    for (const topic of topics) {
      await eventually(async () => !(await topicView(c, topic)).some((p) => p.replicas.includes(0) || p.isr.includes(0)), 30_000, `${topic} off broker 0`);
    }
    expect(await c.broker(0).stop(60_000)).to.equal(0);
    await c.waitUntilReady(60_000, 3);
    for (const topic of topics) {
      const view = await topicView(c, topic);
      expect(view.every((p) => p.isr.length === p.replicas.length && p.leader >= 0), `${topic}: ${JSON.stringify(view)}`).to.equal(true);
    }
    for (let p = 0; p < 6; p++) expect((await consumeAll(c, 'decom', p)).length).to.equal(100);
  });
});
