/**
 * Produce latency while the log cleaner compacts a large partition: one broker, a topic loaded with
 * `--gb` GB of keyed records (10,000 distinct keys) under cleanup.policy=delete, then switched to
 * compact with IncrementalAlterConfigs so the cleaner takes the whole partition at once. A probe
 * sends one small acks=1 Produce to another topic every 10 ms, first for a quiet window (baseline),
 * then from the switch until the partition's segments have shrunk (cleaning done). Both phases run
 * in one go and print with their ratio, so the comparison holds on a noisy machine.
 *
 *   npm run build && node --import tsx scripts/bench/cleaner-latency.ts [--gb 1] [--baseline-seconds 20]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sharedZooKeeper, stopSharedZooKeeper, uniqueChroot } from '../../lib/testing/zookeeper-runner.js';
import { startCluster } from '../../lib/testing/cluster.js';
import { NetworkClient } from '../../lib/network/network-client.js';
import { decodeResponse, encodeRequest } from '../../lib/protocol/index.js';
import { buildRecordBatch } from '../../lib/record/memory-records-builder.js';
import { createTopic, request } from '../../spec/integration/support.js';
import { machineLine, markdownTable, percentile, runTimed } from './bench-support.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const GB = arg('gb', 1);
const BASELINE_SECONDS = arg('baseline-seconds', 20);
const KEYS = 10_000;
const VALUE_BYTES = 1000;

/** A kcat -K: input file of `bytes` bytes of key:value lines over KEYS distinct keys. */
function keyedFile(dir: string, bytes: number): string {
  const file = path.join(dir, 'keyed.txt');
  const value = 'v'.repeat(VALUE_BYTES);
  const fd = fs.openSync(file, 'w');
  let written = 0;
  for (let i = 0; written < bytes; ) {
    const lines: string[] = [];
    for (let j = 0; j < 10_000; j++, i++) lines.push(`k${i % KEYS}:${i}-${value}`);
    const chunk = lines.join('\n') + '\n';
    fs.writeSync(fd, chunk);
    written += chunk.length;
  }
  fs.closeSync(fd);
  return file;
}

function segmentBytes(dir: string): number {
  return fs.readdirSync(dir).filter((n) => n.endsWith('.log')).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
}

/** Sends one-record acks=1 produces back to back (every `intervalMs`) until `until` says stop; returns latencies in ms. */
async function probe(host: string, port: number, until: () => boolean, intervalMs = 10): Promise<number[]> {
  const client = new NetworkClient({ host, port }, { requestTimeoutMs: 30_000, connectTimeoutMs: 5000, maxResponseSize: 1 << 20 });
  const latencies: number[] = [];
  let id = 1;
  try {
    while (!until()) {
      const records = buildRecordBatch([{ key: null, value: Buffer.from('probe'), timestamp: BigInt(Date.now()) }]);
      const frame = encodeRequest({ requestApiKey: 0, requestApiVersion: 7, correlationId: id, clientId: 'probe' },
        { transactionalId: null, acks: 1, timeoutMs: 30_000, topicData: [{ name: 'probe', partitionData: [{ index: 0, records }] }] });
      const t0 = performance.now();
      const r = decodeResponse(0, 7, (await client.send(id++, [frame])) as Buffer).body;
      latencies.push(performance.now() - t0);
      const code = r.responses[0]!.partitionResponses[0]!.errorCode;
      if (code !== 0) throw new Error(`probe produce failed with error ${code}`);
      await new Promise((res) => setTimeout(res, intervalMs));
    }
  } finally {
    client.close();
  }
  return latencies;
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-bench-cleaner-'));
  const zk = await sharedZooKeeper();
  const cluster = await startCluster({
    brokers: 1,
    zookeeper: `${zk.connectString}${uniqueChroot()}`,
    overrides: { 'log.cleaner.backoff.ms': 500 },
    startTimeoutMs: 60_000,
  });
  try {
    const broker = cluster.brokers[0]!;
    await createTopic(cluster, 'compacted', 1, 1, {
      'cleanup.policy': 'delete', 'retention.ms': '-1', 'retention.bytes': '-1',
      // 16 segments: the cleaner never touches the active one, so it must be a small part.
      'segment.bytes': String(Math.max(2 ** 20, Math.floor((GB * 2 ** 30) / 16))),
    });
    await createTopic(cluster, 'probe', 1, 1);
    const input = keyedFile(work, GB * 2 ** 30);
    const load = await runTimed('kcat', ['-b', broker.bootstrap, '-P', '-t', 'compacted', '-p', '0', '-K:', '-z', 'none', '-X', 'linger.ms=20', '-X', 'batch.size=1000000'], { stdinFile: input, timeoutMs: 1_800_000 });
    if (load.code !== 0) throw new Error(`kcat load failed: ${load.stderr}`);
    const partDir = path.join(broker.options.logDir, 'compacted-0');
    const loaded = segmentBytes(partDir);
    console.log(`loaded ${(loaded / 2 ** 20).toFixed(0)} MiB in ${(load.ms / 1000).toFixed(1)} s`);

    const baselineEnd = performance.now() + BASELINE_SECONDS * 1000;
    const baseline = await probe('localhost', broker.port, () => performance.now() > baselineEnd);

    const altered = await request(broker.bootstrap, 44 /* IncrementalAlterConfigs */, 0, {
      resources: [{ resourceType: 2, resourceName: 'compacted', configs: [{ name: 'cleanup.policy', configOperation: 0, value: 'compact' }] }],
      validateOnly: false,
    });
    if (altered.responses[0]!.errorCode !== 0) throw new Error(`IncrementalAlterConfigs failed: ${altered.responses[0]!.errorMessage}`);
    const t0 = performance.now();
    let cleanedAt = 0;
    const done = (): boolean => {
      if (segmentBytes(partDir) < loaded / 4) cleanedAt ||= performance.now();
      return cleanedAt > 0 || performance.now() - t0 > 1_800_000;
    };
    const cleaning = await probe('localhost', broker.port, done);
    if (!cleanedAt) throw new Error('the partition was not compacted within 30 minutes');

    baseline.sort((a, b) => a - b);
    cleaning.sort((a, b) => a - b);
    const row = (name: string, xs: number[]): string[] => [name, String(xs.length), percentile(xs, 50).toFixed(2), percentile(xs, 99).toFixed(2), xs[xs.length - 1]!.toFixed(1)];
    console.log(`\nProduce latency (acks=1, one record, every 10 ms) while ${(loaded / 2 ** 30).toFixed(2)} GiB of one partition is compacted — ${machineLine()}\n`);
    console.log(markdownTable(['phase', 'requests', 'p50 ms', 'p99 ms', 'max ms'], [row('quiet (baseline)', baseline), row('during cleaning', cleaning)]));
    console.log(`\ncleaning took ${((cleanedAt - t0) / 1000).toFixed(1)} s (${(loaded / 2 ** 20).toFixed(0)} → ${(segmentBytes(partDir) / 2 ** 20).toFixed(1)} MiB); p99 ratio cleaning / quiet: ${(percentile(cleaning, 99) / percentile(baseline, 99)).toFixed(2)}`);
  } finally {
    await cluster.stop();
    await stopSharedZooKeeper();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
