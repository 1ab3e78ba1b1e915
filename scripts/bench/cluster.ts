/**
 * End-to-end benchmark of a real kafkats cluster (issue "Performance"): ZooKeeper plus broker
 * processes started with lib/testing/cluster.ts (from dist/: run `npm run build` first), driven by
 * kcat (librdkafka) and kafkajs.
 *
 *   node --import tsx scripts/bench/cluster.ts            # full set (~4 min on 2 cores)
 *   node --import tsx scripts/bench/cluster.ts --quick    # reduced set, under ~2 minutes
 *   options: --repeat N (runs per throughput case, median reported), --only REGEX (case names),
 *            --rf 1|3 (one phase only), --records N (headline record count), --keep (keep data dir),
 *            --node-options "…" (NODE_OPTIONS of the broker processes, e.g. --max-semi-space-size=2),
 *            --override key=value (broker config, repeatable), --broker-output (print broker logs)
 *
 * Measures: produce throughput (records/s, MB/s of record payload) with kcat reading a file of one
 * record per line and with kafkajs; RF=1 (1 broker) and RF=3 acks=all (3 brokers); 100 B and 1 KiB
 * records; 1 and 6 partitions; consume throughput of what was produced (kcat -C -e, a kafkajs group
 * consumer); end-to-end latency p50/p99/p99.9 at a fixed rate (kcat producer fed by this process,
 * kcat consumer read by it, the send time in the payload); broker CPU (% of one core, all brokers
 * summed) and peak RSS (largest broker) during each case from /proc; broker start-up (spawn →
 * serving) empty and with the run's data; broker RSS after the load, right away and after 20 s idle.
 * Prints one markdown table with the machine.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import kafkajs from 'kafkajs';
import { startCluster, type RunningCluster } from '../../lib/testing/cluster.js';
import { startZooKeeper, uniqueChroot, type RunningZooKeeper } from '../../lib/testing/zookeeper-runner.js';
import { createTopic } from '../../spec/integration/support.js';
import { fmtRate, machineLine, markdownTable, median, percentile, recordFile, ResourceSampler, runTimed, sampleProc, type ProcSample } from './bench-support.js';

const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(name);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const QUICK = flag('--quick');
const REPEAT = Number(option('--repeat') ?? (QUICK ? 1 : 3));
const ONLY = option('--only') !== undefined ? new RegExp(option('--only')!) : null;
const RF_ONLY = option('--rf') !== undefined ? Number(option('--rf')) : null;
const HEADLINE = Number(option('--records') ?? (QUICK ? 300_000 : 1_000_000));
const KEEP = flag('--keep');
// Node options for the broker processes (they inherit NODE_OPTIONS), e.g. "--max-semi-space-size=2".
const BROKER_NODE_OPTIONS = option('--node-options');
// Broker config overrides, `--override key=value` (repeatable).
const OVERRIDES: Record<string, string> = {};
argv.forEach((a, i) => {
  const kv = a === '--override' ? argv[i + 1] : undefined;
  if (kv?.includes('=')) OVERRIDES[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
});
if (BROKER_NODE_OPTIONS !== undefined) process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} ${BROKER_NODE_OPTIONS}`.trim();

interface Row { test: string; client: string; rf: string; parts: string; size: string; records: string; result: string; mbps: string; cpu: string; rss: string }
const rows: Row[] = [];
const notes: string[] = [];

function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

interface ThroughputCase {
  name: string;
  client: 'kcat' | 'kafkajs';
  rf: 1 | 3;
  partitions: number;
  size: number;
  records: number;
}

function cases(rf: 1 | 3): ThroughputCase[] {
  const list: ThroughputCase[] = [];
  const kcatSmall = rf === 1 ? HEADLINE : Math.round(HEADLINE / (QUICK ? 1 : 2));
  const sizes = QUICK ? [100] : [100, 1024];
  const parts = QUICK ? [1] : [1, 6];
  for (const size of sizes) {
    for (const p of parts) {
      const n = size === 100 ? kcatSmall : Math.round(kcatSmall / 5);
      list.push({ name: `kcat-rf${rf}-p${p}-${size}`, client: 'kcat', rf, partitions: p, size, records: n });
    }
  }
  for (const size of sizes) {
    for (const p of parts) {
      const n = QUICK ? 50_000 : size === 100 ? 200_000 : 50_000;
      list.push({ name: `kafkajs-rf${rf}-p${p}-${size}`, client: 'kafkajs', rf, partitions: p, size, records: n });
    }
  }
  if (QUICK && rf === 3) return list.filter((c) => c.client === 'kcat');
  return list.filter((c) => !ONLY || ONLY.test(c.name));
}

let topicSeq = 0;
function topicName(c: ThroughputCase): string {
  return `${c.name}-${topicSeq++}`;
}

function brokerPids(cluster: RunningCluster): number[] {
  return cluster.brokers.map((b) => b.pid).filter((p): p is number => p !== undefined);
}

function kafka(cluster: RunningCluster): kafkajs.Kafka {
  return new kafkajs.Kafka({ clientId: 'bench', brokers: cluster.bootstrapServers, logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 5 } });
}

interface Measured { seconds: number; cpu: number; rss: number; anon: number }

const WARM_UP_RECORDS = 100;

/** Idle time before the after-load RSS sample. */
const SETTLE_MS = 20_000;

/**
 * A few acks=all records before the timed run, so that it starts on a warm topic: leaders and
 * followers fetching (a follower that fetched before its leader knew the partition backs off for
 * replica.fetch.backoff.ms), segments open.
 */
async function warmUp(cluster: RunningCluster, topic: string, c: ThroughputCase): Promise<void> {
  const file = path.join(os.tmpdir(), `kafkats-bench-warm-${process.pid}.txt`);
  fs.writeFileSync(file, 'w\n'.repeat(WARM_UP_RECORDS));
  try {
    const r = await runTimed('kcat', ['-P', '-b', cluster.bootstrapServers.join(','), '-t', topic, '-X', 'linger.ms=5', '-X', `acks=${c.rf === 1 ? 1 : 'all'}`], { stdinFile: file, timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`warm-up kcat -P exited ${r.code}: ${r.stderr.slice(-500)}`);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

async function kcatProduce(cluster: RunningCluster, c: ThroughputCase, topic: string, file: string): Promise<Measured> {
  const sampler = new ResourceSampler(brokerPids(cluster));
  sampler.begin();
  const r = await runTimed('kcat', ['-P', '-b', cluster.bootstrapServers.join(','), '-t', topic, '-X', 'linger.ms=5', '-X', 'batch.num.messages=10000', '-X', `acks=${c.rf === 1 ? 1 : 'all'}`], { stdinFile: file });
  const res = sampler.end();
  if (r.code !== 0) throw new Error(`kcat -P exited ${r.code}: ${r.stderr.slice(-500)}`);
  return { seconds: r.ms / 1000, cpu: res.cpuPercent, rss: res.peakRssMb, anon: res.peakAnonMb };
}

async function kcatConsume(cluster: RunningCluster, c: ThroughputCase, topic: string): Promise<Measured> {
  const sampler = new ResourceSampler(brokerPids(cluster));
  sampler.begin();
  // -c N: exit on the last record, not after the final empty long-poll (fetch.wait.max.ms) that -e waits for.
  // queued.min.messages: librdkafka stops fetching while more than this many records wait in its
  // own queue and looks again only on its 1 s broker-thread wake-up. At the default (100,000), a
  // fetch of 6 partitions × 1 MB (~55,000 records of 100 B) crosses it within two responses, so the
  // run stalls for whole seconds with the broker idle (seen with `-d fetch`: "not fetchable:
  // queued.min.messages exceeded" then nothing for 0.9 s) — a client-side limit that Kafka's
  // broker meets the same way. Raised so the number measures the broker.
  const cmd = `kcat -C -q -e -c ${c.records + WARM_UP_RECORDS} -o beginning -X queued.min.messages=1000000 -b ${cluster.bootstrapServers.join(',')} -t ${topic} | wc -l`;
  const r = await runTimed('sh', ['-c', cmd]);
  const res = sampler.end();
  const got = Number(r.stdout.trim()) - WARM_UP_RECORDS;
  if (got !== c.records) throw new Error(`kcat -C read ${got} of ${c.records} records: ${r.stderr.slice(-500)}`);
  return { seconds: r.ms / 1000, cpu: res.cpuPercent, rss: res.peakRssMb, anon: res.peakAnonMb };
}

async function kafkajsProduce(cluster: RunningCluster, c: ThroughputCase, topic: string): Promise<Measured> {
  const producer = kafka(cluster).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const value = Buffer.alloc(c.size, 'x');
  const perSend = 1000;
  const concurrency = 4;
  const batch = Array.from({ length: perSend }, () => ({ value }));
  let sent = 0;
  const sampler = new ResourceSampler(brokerPids(cluster));
  sampler.begin();
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (sent < c.records) {
      const n = Math.min(perSend, c.records - sent);
      sent += n;
      await producer.send({ topic, acks: c.rf === 1 ? 1 : -1, messages: n === perSend ? batch : batch.slice(0, n) });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const res = sampler.end();
  await producer.disconnect();
  return { seconds, cpu: res.cpuPercent, rss: res.peakRssMb, anon: res.peakAnonMb };
}

async function kafkajsConsume(cluster: RunningCluster, c: ThroughputCase, topic: string): Promise<Measured> {
  const consumer = kafka(cluster).consumer({ groupId: `bench-${topic}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const sampler = new ResourceSampler(brokerPids(cluster));
  let count = 0;
  let first = 0;
  let last = 0;
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kafkajs consumer read ${count} of ${c.records} records`)), 120_000);
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (first === 0) {
          first = performance.now();
          sampler.begin();
        }
        count += batch.messages.length;
        if (count >= c.records + WARM_UP_RECORDS) {
          last = performance.now();
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  try {
    await done;
  } finally {
    await consumer.disconnect();
  }
  const res = sampler.end();
  // Measured from the first batch to the last (group join and the first fetch's wait excluded).
  return { seconds: (last - first) / 1000, cpu: res.cpuPercent, rss: res.peakRssMb, anon: res.peakAnonMb };
}

function addThroughputRow(test: string, c: ThroughputCase, runs: Measured[]): void {
  const rates = runs.map((m) => c.records / m.seconds);
  const r = median(rates);
  const spread = runs.length > 1 ? ` (${fmtRate(Math.min(...rates))}–${fmtRate(Math.max(...rates))}, n=${runs.length})` : '';
  rows.push({
    test,
    client: c.client,
    rf: c.rf === 1 ? '1' : '3, acks=all',
    parts: String(c.partitions),
    size: c.size === 1024 ? '1 KiB' : `${c.size} B`,
    records: fmtRate(c.records).replace(' ', ''),
    result: `${fmtRate(r)} rec/s${spread}`,
    mbps: ((r * c.size) / 1e6).toFixed(1),
    cpu: `${median(runs.map((m) => m.cpu)).toFixed(0)}%`,
    rss: `${Math.max(...runs.map((m) => m.rss)).toFixed(0)} MB (${Math.max(...runs.map((m) => m.anon)).toFixed(0)} anon)`,
  });
  log(`${test} ${c.name}: ${fmtRate(r)} records/s${spread}`);
}

async function throughput(cluster: RunningCluster, c: ThroughputCase, tmp: string): Promise<void> {
  const file = c.client === 'kcat' ? recordFile(tmp, c.records, c.size) : '';
  const produced: Measured[] = [];
  const consumed: Measured[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const topic = topicName(c);
    await createTopic(cluster, topic, c.partitions, c.rf);
    await warmUp(cluster, topic, c);
    produced.push(c.client === 'kcat' ? await kcatProduce(cluster, c, topic, file) : await kafkajsProduce(cluster, c, topic));
    consumed.push(c.client === 'kcat' ? await kcatConsume(cluster, c, topic) : await kafkajsConsume(cluster, c, topic));
  }
  addThroughputRow('produce', c, produced);
  addThroughputRow('consume', c, consumed);
}

/**
 * End-to-end latency: this process writes `rate` records/s into a kcat producer's stdin (linger 0),
 * each carrying performance.now() at the time it was written, and reads them back from a kcat
 * consumer's stdout; the latency is the difference (one clock, one process).
 */
async function latency(cluster: RunningCluster, rf: 1 | 3, rate: number, seconds: number): Promise<void> {
  const topic = `latency-rf${rf}-${topicSeq++}`;
  const size = 100;
  await createTopic(cluster, topic, 1, rf);
  const bootstrap = cluster.bootstrapServers.join(',');
  const consumer = spawn('kcat', ['-C', '-q', '-u', '-o', 'end', '-b', bootstrap, '-t', topic], { stdio: ['ignore', 'pipe', 'ignore'] });
  const producer = spawn('kcat', ['-P', '-b', bootstrap, '-t', topic, '-X', 'linger.ms=0', '-X', `acks=${rf === 1 ? 1 : 'all'}`], { stdio: ['pipe', 'ignore', 'ignore'] });
  const latencies: number[] = [];
  let measuring = false;
  let seenWarm = false;
  let rest = '';
  consumer.stdout.setEncoding('latin1');
  consumer.stdout.on('data', (chunk: string) => {
    const now = performance.now();
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) {
      if (l.startsWith('W')) seenWarm = true;
      else if (l.startsWith('M') && measuring) latencies.push(now - Number(l.slice(1, 20)));
    }
  });
  const pad = 'x'.repeat(size);
  const line = (tag: string): string => {
    const head = `${tag}${performance.now().toFixed(3).padStart(19, '0')} `;
    return head + pad.slice(head.length) + '\n';
  };
  // Warm-up until the consumer sees records (it starts at the end of the log).
  const warmDeadline = Date.now() + 30_000;
  while (!seenWarm && Date.now() < warmDeadline) {
    producer.stdin.write(line('W'));
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 500));
  const sampler = new ResourceSampler(brokerPids(cluster));
  sampler.begin();
  measuring = true;
  const total = rate * seconds;
  const t0 = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
    while (sent < due) {
      producer.stdin.write(line('M'));
      sent++;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  // Keep a trickle of (unmeasured) records going while the last ones arrive.
  const deadline = Date.now() + 15_000;
  while (latencies.length < total && Date.now() < deadline) {
    producer.stdin.write(line('W'));
    await new Promise((r) => setTimeout(r, 20));
  }
  const res = sampler.end();
  producer.stdin.end();
  consumer.kill('SIGTERM');
  await new Promise((r) => producer.once('close', r));
  const sorted = Float64Array.from(latencies).sort();
  const lost = total - latencies.length;
  rows.push({
    test: 'e2e latency',
    client: 'kcat → kcat',
    rf: rf === 1 ? '1' : '3, acks=all',
    parts: '1',
    size: `${size} B`,
    records: `${rate}/s × ${seconds} s`,
    result: `p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, p99.9 ${percentile(sorted, 99.9).toFixed(1)} ms${lost > 0 ? ` (${lost} not received)` : ''}`,
    mbps: ((rate * size) / 1e6).toFixed(1),
    cpu: `${res.cpuPercent.toFixed(0)}%`,
    rss: `${res.peakRssMb.toFixed(0)} MB (${res.peakAnonMb.toFixed(0)} anon)`,
  });
  log(`latency rf=${rf}: ${rows[rows.length - 1]!.result}`);
}

async function startUp(cluster: RunningCluster, label: string): Promise<void> {
  const b = cluster.brokers[0]!;
  const times: number[] = [];
  for (let i = 0; i < (QUICK ? 1 : 3); i++) {
    await b.stop();
    const t0 = performance.now();
    await b.start(60_000);
    times.push(performance.now() - t0);
    await cluster.waitUntilReady(60_000);
  }
  const pid = b.pid;
  const idle = pid !== undefined ? sampleProc(pid) : null;
  rows.push({ test: 'broker start-up', client: '–', rf: '–', parts: '–', size: '–', records: '–', result: `${(median(times) / 1000).toFixed(2)} s spawn → serving, ${label}`, mbps: '–', cpu: '–', rss: idle ? `${(idle.rssBytes / 1048576).toFixed(0)} MB (${(idle.anonBytes / 1048576).toFixed(0)} anon) idle after restart` : '–' });
  log(`start-up (${label}): ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
}

function mb(s: ProcSample): string {
  return `${(s.rssBytes / 1048576).toFixed(0)} MB (${(s.anonBytes / 1048576).toFixed(0)} MB anonymous)`;
}

async function phase(zk: RunningZooKeeper, rf: 1 | 3, tmp: string): Promise<void> {
  const n = rf === 1 ? 1 : 3;
  log(`starting a ${n}-broker cluster`);
  let coldMs = 0;
  const cluster = await startCluster({
    brokers: n,
    zookeeper: `${zk.connectString}${uniqueChroot()}`,
    overrides: OVERRIDES,
    output: flag('--broker-output') ? 'inherit' : 'buffer',
    dataDir: KEEP ? fs.mkdtempSync(path.join(tmp, `cluster-rf${rf}-`)) : undefined,
    onProgress: (m) => {
      const ms = /broker 0 started .*\((\d+) ms\)/.exec(m);
      if (ms) coldMs = Number(ms[1]);
    },
  });
  try {
    if (rf === 1 && !ONLY) rows.push({ test: 'broker start-up', client: '–', rf: '–', parts: '–', size: '–', records: '–', result: `${(coldMs / 1000).toFixed(2)} s spawn → serving, empty`, mbps: '–', cpu: '–', rss: '–' });
    const idle = sampleProc(cluster.brokers[0]!.pid!);
    if (idle) notes.push(`RF=${rf}: broker RSS idle after start ${mb(idle)}`);
    for (const c of cases(rf)) {
      try {
        await throughput(cluster, c, tmp);
      } catch (err) {
        log(`${c.name} failed: ${(err as Error).message}`);
        rows.push({ test: 'produce/consume', client: c.client, rf: String(rf), parts: String(c.partitions), size: `${c.size} B`, records: String(c.records), result: `FAILED: ${(err as Error).message.slice(0, 80)}`, mbps: '–', cpu: '–', rss: '–' });
      }
    }
    if (!ONLY || ONLY.test('latency')) await latency(cluster, rf, QUICK ? 1000 : 2000, QUICK ? 5 : 15);
    const sampleAll = (): string => cluster.brokers.map((b) => (b.pid !== undefined ? sampleProc(b.pid) : null)).filter((s) => s !== null).map(mb).join(', ');
    const atEnd = sampleAll();
    // V8 collects what the load left in the old generation once allocation calms down (its memory
    // reducer), so RSS is sampled again after the brokers have been idle for a while.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    notes.push(`RF=${rf}: broker RSS right after the last case ${atEnd}; after ${SETTLE_MS / 1000} s idle ${sampleAll()}`);
    if (rf === 1 && !ONLY) await startUp(cluster, 'with this run\'s logs');
  } finally {
    await cluster.stop();
  }
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-bench-'));
  const t0 = Date.now();
  const machine = machineLine();
  log(machine);
  const zk = await startZooKeeper({ dataDir: path.join(tmp, 'zookeeper') });
  try {
    for (const rf of [1, 3] as const) {
      if (RF_ONLY !== null && RF_ONLY !== rf) continue;
      await phase(zk, rf, tmp);
    }
  } finally {
    await zk.stop();
    if (!KEEP) fs.rmSync(tmp, { recursive: true, force: true });
  }
  const header = ['test', 'client', 'RF', 'partitions', 'record', 'records', 'result (median)', 'MB/s', 'broker CPU', 'broker RSS peak (anonymous part)'];
  const table = markdownTable(header, rows.map((r) => [r.test, r.client, r.rf, r.parts, r.size, r.records, r.result, r.mbps, r.cpu, r.rss]));
  notes.push('RSS is VmRSS from /proc/<pid>/status, the largest broker; about 40 MB of it are file-backed pages of the node executable (shared between processes); the anonymous part (RssAnon) is the broker\'s own memory. RSS rarely shrinks, so a row\'s peak includes the rows before it.');
  notes.push('CPU is utime+stime of all brokers over the case\'s wall time, in % of one core. Throughput: records / wall time of the client process (kcat) or from the first to the last batch (kafkajs consumer); 100 acks=all warm-up records precede each timed run.');
  process.stdout.write(`\nMachine: ${machine}${BROKER_NODE_OPTIONS ? `\nBroker NODE_OPTIONS: ${BROKER_NODE_OPTIONS}` : ''}\nCommand: node --import tsx scripts/bench/cluster.ts ${argv.join(' ')} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n\n${table}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
