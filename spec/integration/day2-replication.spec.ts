/**
 * Day-2 replication on three broker processes: a rolling restart under load followed by a
 * preferred election leaves every ISR full and no broker flooding its log (the flip-back
 * truncation loop), and a follower that missed 5 MB of one partition catches up and rejoins the
 * ISR (responses that end inside a batch).
 */
import { expect } from 'chai';
import { createTopic, eventually, kcat, request, startBackground, useCluster } from './support.js';
import type { RunningCluster } from '../../lib/testing/cluster.js';
import { Errors } from '../../lib/protocol/errors.js';

interface PartitionView { partition: number; leader: number; isr: number[]; replicas: number[] }

async function topicView(c: RunningCluster, topic: string): Promise<PartitionView[]> {
  const b = c.brokers.find((x) => x.isRunning && !x.isPaused)!;
  const m = await request(b.bootstrap, 3, 9, { topics: [{ name: topic }], allowAutoTopicCreation: false });
  return m.topics[0]!.partitions.map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, isr: [...p.isrNodes].sort(), replicas: p.replicaNodes }));
}

const fullIsr = async (c: RunningCluster, topic: string): Promise<boolean> => (await topicView(c, topic)).every((p) => p.isr.length === p.replicas.length);

describe('day-2 replication', function () {
  this.timeout(300_000);
  const cluster = useCluster({
    brokers: 3,
    overrides: {
      'replica.lag.time.max.ms': 5000,
      'auto.leader.rebalance.enable': false,
      'controlled.shutdown.retry.backoff.ms': 500,
    },
  });

  it('after a rolling restart under load and a preferred election, every ISR is full within 30 s and no broker writes more than 100 log lines in the next minute', async () => {
    await createTopic(cluster(), 'rolling', 6, 3, { 'min.insync.replicas': '2' });
    // Load: kcat keeps producing acks=all until stopped (a line every millisecond or so).
    const producer = startBackground('sh', ['-c',
      `i=0; while true; do i=$((i+1)); echo "r$i"; done | kcat -b ${cluster().bootstrapServers.join(',')} -P -t rolling -X acks=all -X linger.ms=5 -X message.send.max.retries=100 -X retry.backoff.ms=100`]);
    try {
      for (const b of cluster().brokers) {
        const code = await b.stop(60_000);
        expect(code, `broker ${b.brokerId} exit code; its last lines:\n${b.recentOutput(40)}`).to.equal(0);
        await b.start(60_000);
        await cluster().waitUntilReady(60_000, 3);
        await eventually(() => fullIsr(cluster(), 'rolling'), 60_000, `full ISRs after restarting broker ${b.brokerId}`);
      }
      const controller = (await cluster().waitUntilReady(30_000, 3)).controllerId;
      const before = cluster().brokers.map((b) => b.outputLineCount);
      const r = await request(cluster().broker(controller).bootstrap, 43 /* ElectLeaders */, 1, { electionType: 0, topicPartitions: null, timeoutMs: 30_000 });
      expect(r.errorCode).to.equal(Errors.NONE.code);
      const electedAt = Date.now();
      await eventually(async () => {
        const view = await topicView(cluster(), 'rolling');
        return view.every((p) => p.leader === p.replicas[0] && p.isr.length === 3);
      }, 30_000, 'preferred leaders with full ISRs');
      // The flood this guards against wrote ~10,000 identical lines a second; a minute of quiet is the check.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 60_000 - (Date.now() - electedAt))));
      const written = cluster().brokers.map((b, i) => b.outputLineCount - before[i]!);
      expect(Math.max(...written), `lines per broker in the minute after the election: ${written.join(', ')}`).to.be.at.most(100);
      expect(await fullIsr(cluster(), 'rolling')).to.equal(true);
    } finally {
      await producer.stop();
    }
  });

  it('followers replicate through incremental fetch sessions, and a client may open, use and close one (KIP-227)', async () => {
    await createTopic(cluster(), 'sessions', 3, 3);
    // A full fetch at epoch 0 opens a session on the partition's leader.
    const b = cluster().brokers[0]!;
    const [p0] = (await topicView(cluster(), 'sessions')).filter((p) => p.leader === b.brokerId);
    expect(p0, 'broker 0 leads a partition').to.not.equal(undefined);
    const full = await request(b.bootstrap, 1 /* Fetch */, 12, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: 0, rackId: '', forgottenTopicsData: [],
      topics: [{ topic: 'sessions', partitions: [{ partition: p0!.partition, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    });
    expect(full.errorCode).to.equal(0);
    expect(full.sessionId).to.be.greaterThan(0);
    expect(full.responses.flatMap((t) => t.partitions)).to.have.length(1);
    // Incremental, nothing changed: the partition is read but left out of the answer.
    const inc = await request(b.bootstrap, 1, 12, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: full.sessionId, sessionEpoch: 1, rackId: '', forgottenTopicsData: [], topics: [],
    });
    expect(inc).to.deep.include({ errorCode: 0, sessionId: full.sessionId });
    expect(inc.responses).to.deep.equal([]);
    const stale = await request(b.bootstrap, 1, 12, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: full.sessionId, sessionEpoch: 1, rackId: '', forgottenTopicsData: [], topics: [],
    });
    expect(stale.errorCode).to.equal(Errors.INVALID_FETCH_SESSION_EPOCH.code);
    const unknown = await request(b.bootstrap, 1, 12, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 424242, sessionEpoch: 3, rackId: '', forgottenTopicsData: [], topics: [],
    });
    expect(unknown.errorCode).to.equal(Errors.FETCH_SESSION_ID_NOT_FOUND.code);
    // The followers of broker 0's partitions fetch through sessions too (the fetcher always opens one):
    // acks=all records written now reach them.
    expect((await kcat(['-b', b.bootstrap, '-P', '-t', 'sessions', '-p', String(p0!.partition), '-X', 'acks=all'], 'x\ny\n')).code).to.equal(0);
    await eventually(() => fullIsr(cluster(), 'sessions'), 30_000, 'full ISRs');
  });

  it('a follower that missed 5 MB of one partition catches up and rejoins the ISR', async () => {
    await createTopic(cluster(), 'behind', 1, 3, { 'min.insync.replicas': '1' });
    const [p] = await topicView(cluster(), 'behind');
    const follower = cluster().broker(p!.replicas.find((r) => r !== p!.leader)!);
    await follower.stop(60_000);
    await eventually(async () => !(await topicView(cluster(), 'behind'))[0]!.isr.includes(follower.brokerId), 30_000, 'the stopped follower out of the ISR');
    // 5,000 records of 1 KB: far more than one replica fetch (replica.fetch.max.bytes is 1 MiB).
    const value = 'x'.repeat(1000);
    const input = Array.from({ length: 5000 }, (_, i) => `${i}-${value}`).join('\n') + '\n';
    const leader = cluster().broker(p!.leader);
    const produced = await kcat(['-b', leader.bootstrap, '-P', '-t', 'behind', '-p', '0', '-X', 'acks=all', '-X', 'batch.size=65536'], input, 120_000);
    expect(produced.code, produced.stderr).to.equal(0);
    await follower.start(60_000);
    await eventually(async () => (await topicView(cluster(), 'behind'))[0]!.isr.includes(follower.brokerId), 60_000, 'the follower back in the ISR');
    const lines = (await kcat(['-b', follower.bootstrap, '-C', '-t', 'behind', '-p', '0', '-o', 'beginning', '-e', '-q'], undefined, 120_000)).stdout.toString().split('\n').filter(Boolean);
    expect(lines.length).to.equal(5000);
  });
});
