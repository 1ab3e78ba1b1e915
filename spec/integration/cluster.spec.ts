/**
 * Three broker processes on a real ZooKeeper: leaders spread over brokers, one consistent view of
 * metadata, controller and leader failover after kill -9, followers catching up and rejoining the
 * ISR, min.insync.replicas, controlled shutdown and topic deletion.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { createTopic, eventually, kcat, request, useCluster, withZk } from './support.js';
import type { RunningCluster } from '../../lib/testing/cluster.js';
import { buildRecordBatch } from '../../lib/record/memory-records-builder.js';

const SESSION_TIMEOUT_MS = 4000;

interface PartitionView {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
}

async function topicView(bootstrap: string, topic: string): Promise<{ controllerId: number; partitions: PartitionView[] }> {
  const m = await request(bootstrap, 3, 9, { topics: [{ name: topic }], allowAutoTopicCreation: false });
  const t = m.topics[0]!;
  return {
    controllerId: m.controllerId,
    partitions: t.partitions
      .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, leaderEpoch: p.leaderEpoch, replicas: p.replicaNodes, isr: [...p.isrNodes].sort() }))
      .sort((a, b) => a.partition - b.partition),
  };
}

function running(c: RunningCluster): string {
  return c.brokers.find((b) => b.isRunning)!.bootstrap;
}

async function produce(bootstrap: string, topic: string, partition: number, acks: number, value: string): Promise<number> {
  const r = await request(bootstrap, 0, 7, { acks, timeoutMs: 10_000, topicData: [{ name: topic, partitionData: [{ index: partition, records: buildRecordBatch([{ value: Buffer.from(value) }]) }] }] });
  return r.responses[0]!.partitionResponses[0]!.errorCode;
}

describe('a three-broker cluster', function () {
  this.timeout(180_000);
  const cluster = useCluster({
    brokers: 3,
    overrides: {
      'zookeeper.session.timeout.ms': SESSION_TIMEOUT_MS,
      'replica.lag.time.max.ms': 5000,
      'controlled.shutdown.retry.backoff.ms': 500,
      'auto.leader.rebalance.enable': false,
    },
  });

  it('spreads the leaders of a 6-partition RF=3 topic over all brokers, with one view from every broker', async () => {
    await createTopic(cluster(), 'spread', 6, 3);
    const views = await Promise.all(cluster().brokers.map((b) => topicView(b.bootstrap, 'spread')));
    for (const v of views) expect(v).to.deep.equal(views[0]);
    const leaders = views[0]!.partitions.map((p) => p.leader);
    expect(new Set(leaders)).to.deep.equal(new Set([0, 1, 2]));
    for (const p of views[0]!.partitions) {
      expect([...p.replicas].sort()).to.deep.equal([0, 1, 2]);
      expect(p.isr).to.deep.equal([0, 1, 2]);
      expect(p.leader).to.equal(p.replicas[0]);
    }
  });

  it('replicates acknowledged records to every ISR member', async () => {
    await createTopic(cluster(), 'replicated', 1, 3, { 'min.insync.replicas': '2' });
    const input = Array.from({ length: 5000 }, (_, i) => `r${i}`).join('\n') + '\n';
    const p = await kcat(['-b', running(cluster()), '-P', '-t', 'replicated', '-p', '0', '-X', 'acks=all'], input);
    expect(p.code, p.stderr).to.equal(0);
    // Every replica's log holds the same bytes once followers caught up.
    await eventually(async () => {
      const sizes = cluster().brokers.map((b) => fs.statSync(path.join(b.options.logDir, 'replicated-0', '00000000000000000000.log')).size);
      return sizes.every((s) => s === sizes[0] && s > 0);
    }, 20_000, 'replica logs of equal size');
  });

  it('elects a new controller when the controller is killed with -9, with a higher epoch', async () => {
    const before = await topicView(running(cluster()), 'spread');
    const epochBefore = await withZk(cluster(), async (zk) => (await zk.getControllerEpoch())!.epoch);
    const old = cluster().broker(before.controllerId);
    await old.kill9();
    const newController = await eventually(async () => {
      const v = await topicView(running(cluster()), 'spread');
      return v.controllerId >= 0 && v.controllerId !== old.brokerId ? v.controllerId : undefined;
    }, SESSION_TIMEOUT_MS + 10_000, 'a new controller');
    const epochAfter = await withZk(cluster(), async (zk) => (await zk.getControllerEpoch())!.epoch);
    expect(newController).to.not.equal(old.brokerId);
    expect(epochAfter).to.be.greaterThan(epochBefore);
    await old.start();
    await cluster().waitUntilReady(30_000, 3);
    await eventually(async () => (await topicView(running(cluster()), 'replicated')).partitions[0]!.isr.length === 3, 30_000, 'the restarted broker back in the ISR');
  });

  it('moves leadership to an ISR member within the session timeout + 2 s when a leader is killed with -9, and clients keep working', async () => {
    const v = await topicView(running(cluster()), 'replicated');
    const leader = cluster().broker(v.partitions[0]!.leader);
    const killedAt = Date.now();
    await leader.kill9();
    const moved = await eventually(async () => {
      const now = await topicView(running(cluster()), 'replicated');
      const p = now.partitions[0]!;
      return p.leader >= 0 && p.leader !== leader.brokerId ? p : undefined;
    }, SESSION_TIMEOUT_MS + 15_000, 'a new leader');
    expect(Date.now() - killedAt).to.be.lessThan(SESSION_TIMEOUT_MS + 2000 + 3000); // + polling and process slack
    expect(v.partitions[0]!.isr).to.include(moved.leader);
    expect(moved.leaderEpoch).to.be.greaterThan(v.partitions[0]!.leaderEpoch);
    // A new leader may serve a high watermark that lags for a moment after its election (Kafka's
    // semantics), so a reader stopping at the end (-e) may stop short once: it must get all soon.
    let last = '';
    await eventually(async () => {
      const c = await kcat(['-b', running(cluster()), '-C', '-t', 'replicated', '-p', '0', '-o', 'beginning', '-e', '-q']);
      const n = c.stdout.toString().split('\n').filter(Boolean).length;
      last = `exit ${c.code}, ${n} records, stderr: ${c.stderr.toString().slice(-500)}`;
      if (n !== 5000) console.log(`    kcat after failover: ${last}`);
      return n === 5000;
    }, 20_000, 'every acknowledged record read from the new leader').catch((err: Error) => { throw new Error(`${err.message} (last kcat: ${last})`); });
    expect(await produce(cluster().broker(moved.leader).bootstrap, 'replicated', 0, -1, 'after-failover')).to.equal(0);

    // The restarted broker catches up as a follower and rejoins the ISR.
    await leader.start();
    await eventually(async () => {
      const now = await topicView(running(cluster()), 'replicated');
      return now.partitions[0]!.isr.length === 3;
    }, 30_000, 'the restarted broker to rejoin the ISR');
  });

  it('refuses acks=all with NOT_ENOUGH_REPLICAS when two of three brokers are down, while acks=1 works', async () => {
    const v = await topicView(running(cluster()), 'replicated');
    const leader = v.partitions[0]!.leader;
    const others = cluster().brokers.filter((b) => b.brokerId !== leader);
    for (const b of others) await b.kill9();
    const leaderBootstrap = cluster().broker(leader).bootstrap;
    // The controller removes dead brokers from the ISR once their sessions expire.
    await eventually(async () => (await produce(leaderBootstrap, 'replicated', 0, -1, 'x')) === 19, SESSION_TIMEOUT_MS + 20_000, 'NOT_ENOUGH_REPLICAS');
    expect(await produce(leaderBootstrap, 'replicated', 0, 1, 'acks-one')).to.equal(0);
    for (const b of others) await b.start();
    await cluster().waitUntilReady(30_000, 3);
    await eventually(async () => (await topicView(running(cluster()), 'replicated')).partitions[0]!.isr.length === 3, 30_000, 'full ISR again');
  });

  it('moves all leadership off a broker on SIGTERM before it exits (controlled shutdown)', async () => {
    const before = await topicView(running(cluster()), 'spread');
    const victim = cluster().broker(before.partitions[0]!.leader);
    const watcher = cluster().brokers.find((b) => b.brokerId !== victim.brokerId)!;
    let leaderless = 0;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const v = await topicView(watcher.bootstrap, 'spread').catch(() => null);
        if (v && v.partitions.some((p) => p.leader < 0)) leaderless += 1;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const code = await victim.stop();
    polling = false;
    await poll;
    expect(code).to.equal(0);
    const after = await topicView(watcher.bootstrap, 'spread');
    expect(after.partitions.every((p) => p.leader >= 0 && p.leader !== victim.brokerId)).to.equal(true);
    expect(leaderless, 'polls that saw a leaderless partition (100 ms apart)').to.be.at.most(10);
    await victim.start();
    await cluster().waitUntilReady(30_000, 3);
  });

  it('deletes a topic on every broker and from ZooKeeper, and can create it again', async () => {
    await createTopic(cluster(), 'doomed', 3, 3);
    const doomedLeader = (await topicView(running(cluster()), 'doomed')).partitions[0]!.leader;
    expect(await produce(cluster().broker(doomedLeader).bootstrap, 'doomed', 0, 1, 'bye')).to.equal(0);
    const meta = await cluster().waitUntilReady(30_000, 3);
    const r = await request(cluster().broker(meta.controllerId).bootstrap, 20, 4, { topicNames: ['doomed'], timeoutMs: 30_000 });
    expect(r.responses[0]!.errorCode).to.equal(0);
    await eventually(async () => {
      const dirs = cluster().brokers.flatMap((b) => fs.readdirSync(b.options.logDir).filter((d) => d.startsWith('doomed-') && !d.endsWith('-delete')));
      return dirs.length === 0;
    }, 30_000, 'partition directories to be removed');
    await withZk(cluster(), async (zk) => {
      await eventually(async () => !(await zk.pathExists('/brokers/topics/doomed')) && !(await zk.pathExists('/admin/delete_topics/doomed')) && !(await zk.pathExists('/config/topics/doomed')), 20_000, 'znodes removed');
    });
    await createTopic(cluster(), 'doomed', 2, 3);
    expect((await topicView(running(cluster()), 'doomed')).partitions).to.have.length(2);
  });
});
