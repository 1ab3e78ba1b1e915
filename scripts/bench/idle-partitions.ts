/**
 * Idle cost of many replicated partitions: 3 brokers, one topic of N partitions at RF=3, nothing
 * produced; each broker's CPU (utime+stime from /proc) and resident memory over a quiet window.
 * Run twice in one go — with incremental fetch sessions (KIP-227, the default) and without them
 * (max.incremental.fetch.session.cache.slots=0, so every follower fetch is a full fetch, as before
 * sessions existed) — and print both with their ratio, so the comparison holds on a noisy machine.
 *
 *   npm run build && node --import tsx scripts/bench/idle-partitions.ts [--partitions 1000] [--seconds 30]
 */
import { sharedZooKeeper, uniqueChroot, stopSharedZooKeeper } from '../../lib/testing/zookeeper-runner.js';
import { startCluster, type RunningCluster } from '../../lib/testing/cluster.js';
import { eventually, request } from '../../spec/integration/support.js';
import { machineLine, markdownTable, sampleProc } from './bench-support.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const PARTITIONS = arg('partitions', 1000);
const SECONDS = arg('seconds', 30);

interface Sample { cpuPercent: number; rssMb: number; anonMb: number }

async function idle(cluster: RunningCluster): Promise<Sample[]> {
  const pids = cluster.brokers.map((b) => b.pid!);
  const before = pids.map((p) => sampleProc(p)!);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const seconds = (performance.now() - t0) / 1000;
  return pids.map((p, i) => {
    const after = sampleProc(p)!;
    return { cpuPercent: (100 * (after.cpuSeconds - before[i]!.cpuSeconds)) / seconds, rssMb: after.rssBytes / 2 ** 20, anonMb: after.anonBytes / 2 ** 20 };
  });
}

async function run(sessions: boolean): Promise<Sample[]> {
  const zk = await sharedZooKeeper();
  const cluster = await startCluster({
    brokers: 3,
    zookeeper: `${zk.connectString}${uniqueChroot()}`,
    overrides: sessions ? {} : { 'max.incremental.fetch.session.cache.slots': 0 },
    startTimeoutMs: 120_000,
  });
  try {
    // CreateTopics with timeoutMs 0 answers once the assignment is in ZooKeeper; creating 1,000 RF=3
    // partitions can outlast a request timeout on a busy machine, so the wait is for full ISRs below.
    const meta = await cluster.waitUntilReady(60_000);
    const created = await request(cluster.broker(meta.controllerId).bootstrap, 19 /* CreateTopics */, 5, {
      topics: [{ name: 'idle', numPartitions: PARTITIONS, replicationFactor: 3, assignments: [], configs: [] }], timeoutMs: 0, validateOnly: false,
    });
    const code = created.topics[0]?.errorCode ?? -1;
    if (code !== 0 && code !== 7 /* REQUEST_TIMED_OUT: created, not yet everywhere */) throw new Error(`CreateTopics failed with error ${code}`);
    await eventually(async () => {
      const m = await request(cluster.bootstrapServers[0]!, 3, 9, { topics: [{ name: 'idle' }], allowAutoTopicCreation: false });
      return m.topics[0]!.partitions.every((p) => p.isrNodes.length === 3);
    }, 300_000, 'full ISRs');
    await new Promise((r) => setTimeout(r, 5000)); // settle
    return await idle(cluster);
  } finally {
    await cluster.stop();
  }
}

const withSessions = await run(true);
const without = await run(false);
const avg = (xs: Sample[], f: (s: Sample) => number): number => xs.reduce((n, s) => n + f(s), 0) / xs.length;
console.log(`\nIdle brokers, ${PARTITIONS} partitions at RF=3, ${SECONDS} s window — ${machineLine()}\n`);
console.log(markdownTable(['fetch', 'CPU % per broker (avg; each)', 'RSS MB (avg)', 'anon RSS MB (avg)'], [
  ['incremental sessions (KIP-227)', `${avg(withSessions, (s) => s.cpuPercent).toFixed(2)} (${withSessions.map((s) => s.cpuPercent.toFixed(2)).join(', ')})`, avg(withSessions, (s) => s.rssMb).toFixed(0), avg(withSessions, (s) => s.anonMb).toFixed(0)],
  ['full fetches (cache slots 0)', `${avg(without, (s) => s.cpuPercent).toFixed(2)} (${without.map((s) => s.cpuPercent.toFixed(2)).join(', ')})`, avg(without, (s) => s.rssMb).toFixed(0), avg(without, (s) => s.anonMb).toFixed(0)],
]));
console.log(`\nCPU ratio sessions / full fetches: ${(avg(withSessions, (s) => s.cpuPercent) / avg(without, (s) => s.cpuPercent)).toFixed(2)}`);
await stopSharedZooKeeper();
