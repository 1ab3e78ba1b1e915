/**
 * A replication throttle on real broker processes: `kafkats reassign-partitions --execute
 * --throttle 1000000` adds a replica to a partition holding 30 MB; the new replica's catch-up rate
 * (its log size on disk, sampled while it grows) stays within ±20% of 1 MB/s and is printed; once
 * the move is complete, `--verify` removes the throttle from the brokers and the topic.
 *
 * Quota windows and fetch cadence: Kafka's replication quota is a Rate over
 * replication.quota.window.num samples that counts at least num − 1 windows of elapsed time, so it
 * lets num − 1 seconds' worth through at once (10 MB at 1 MB/s with the default 11 windows, a third
 * of this move), and a follower whose only partitions are throttled waits replica.fetch.backoff.ms
 * (1 s) before it looks again, which with few windows leaves whole seconds unused (measured with 3
 * windows and the 1 s backoff: 0.64 MB/s). This cluster keeps 5 windows of 1 s, a 100 ms backoff and
 * 256 KB follower fetches, so the catch-up shows the throttle itself without moving hundreds of
 * megabytes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { eventually, kcat, request, useCluster } from './support.js';
import { kafkatsOk } from '../cli/support.js';
import type { RunningCluster } from '../../lib/testing/cluster.js';
import { ConfigSource } from '../../lib/config/config-def.js';

const TOPIC = 'throttled';
const THROTTLE = 1_000_000;
const RECORDS = 30_000;

function logBytes(c: RunningCluster, broker: number): number {
  const dir = path.join(c.broker(broker).options.logDir, `${TOPIC}-0`);
  if (!fs.existsSync(dir)) return 0;
  return fs.readdirSync(dir).filter((f) => f.endsWith('.log')).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
}

/** The throttle configs broker `id` reports for itself and for the topic (absent ones left out). */
async function throttleConfigs(c: RunningCluster, id: number): Promise<Record<string, string | null>> {
  const r = await request(c.broker(id).bootstrap, 32, 4, {
    resources: [
      { resourceType: 4, resourceName: String(id), configurationKeys: ['leader.replication.throttled.rate', 'follower.replication.throttled.rate'] },
      { resourceType: 2, resourceName: TOPIC, configurationKeys: ['leader.replication.throttled.replicas', 'follower.replication.throttled.replicas'] },
    ],
    includeSynonyms: false,
    includeDocumentation: false,
  });
  const out: Record<string, string | null> = {};
  for (const res of r.results) {
    expect(res.errorCode, res.errorMessage ?? '').to.equal(0);
    for (const e of res.configs) if (e.configSource !== ConfigSource.DEFAULT_CONFIG) out[e.name] = e.value;
  }
  return out;
}

describe('replication throttle', function () {
  this.timeout(300_000);
  const cluster = useCluster({
    brokers: 2,
    overrides: {
      'auto.leader.rebalance.enable': false,
      'replication.quota.window.num': 5,
      'replication.quota.window.size.seconds': 1,
      'replica.fetch.backoff.ms': 100,
      'replica.fetch.max.bytes': 262_144,
    },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-throttle-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('holds a moved replica\'s catch-up at 1 MB/s ±20% under --throttle 1000000, and --verify removes the throttle', async () => {
    const c = cluster();
    const meta = await c.waitUntilReady(60_000, 2);
    const bs = c.broker(0).bootstrap;
    const created = await request(c.broker(meta.controllerId).bootstrap, 19, 5, {
      topics: [{ name: TOPIC, numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [0] }], configs: [] }],
      timeoutMs: 30_000,
      validateOnly: false,
    });
    expect(created.topics[0]!.errorCode).to.equal(0);
    await eventually(async () => (await request(bs, 3, 9, { topics: [{ name: TOPIC }], allowAutoTopicCreation: false })).topics[0]!.partitions[0]?.leaderId === 0, 30_000, 'topic online');
    const value = 'z'.repeat(1016);
    const input = Array.from({ length: RECORDS }, (_, i) => `${String(i).padStart(7, '0')}${value}`).join('\n') + '\n';
    const produced = await kcat(['-b', bs, '-P', '-t', TOPIC, '-p', '0', '-X', 'acks=all', '-X', 'linger.ms=20', '-X', 'batch.size=1000000'], input, 120_000);
    expect(produced.code, produced.stderr).to.equal(0);
    const total = logBytes(c, 0);
    expect(total).to.be.greaterThan(RECORDS * 1000);

    const plan = path.join(dir, 'plan.json');
    fs.writeFileSync(plan, JSON.stringify({ version: 1, partitions: [{ topic: TOPIC, partition: 0, replicas: [0, 1] }] }));
    const executed = await kafkatsOk(['reassign-partitions', '--bootstrap-server', bs, '--execute', '--reassignment-json-file', plan, '--throttle', String(THROTTLE)]);
    expect(executed.stdout).to.contain(`The inter-broker throttle limit was set to ${THROTTLE} B/s`);
    const started = Date.now();
    const samples: Array<[number, number]> = [];
    await eventually(async () => {
      const bytes = logBytes(c, 1);
      samples.push([Date.now() - started, bytes]);
      return bytes >= total;
    }, 120_000, 'the new replica caught up');
    const [doneMs] = samples.at(-1)!;
    const average = total / (doneMs / 1000);
    // Steady state: from the first sample past 5 s to the end, beyond the first window's allowance.
    const from = samples.find(([t]) => t >= 5000) ?? samples[0]!;
    const steady = (total - from[1]) / ((doneMs - from[0]) / 1000);
    const progress = samples.filter((_, i) => i % 8 === 0).map(([t, b]) => `${(t / 1000).toFixed(1)}s:${(b / 1e6).toFixed(1)}MB`).join(' ');
    console.log(`      throttle ${THROTTLE} B/s: ${(total / 1e6).toFixed(1)} MB caught up in ${(doneMs / 1000).toFixed(1)} s = ${(average / 1e6).toFixed(3)} MB/s on average, ${(steady / 1e6).toFixed(3)} MB/s after 5 s`);
    console.log(`      progress ${progress}`);
    expect(average / THROTTLE, 'average catch-up rate / throttle').to.be.within(0.8, 1.2);
    expect(steady / THROTTLE, 'steady catch-up rate / throttle').to.be.within(0.8, 1.2);

    expect(await throttleConfigs(c, 0)).to.deep.equal({
      'leader.replication.throttled.rate': String(THROTTLE),
      'follower.replication.throttled.rate': String(THROTTLE),
      'leader.replication.throttled.replicas': '0:0',
      'follower.replication.throttled.replicas': '0:1',
    });
    const verified = await eventually(async () => {
      const v = await kafkatsOk(['reassign-partitions', '--bootstrap-server', bs, '--verify', '--reassignment-json-file', plan]);
      return v.stdout.includes('still in progress') ? undefined : v.stdout;
    }, 60_000, '--verify reports completion');
    expect(verified).to.equal('Status of partition reassignment:\n'
      + `Reassignment of partition ${TOPIC}-0 is completed.\n`
      + `\nClearing broker-level throttles on brokers 0,1\nClearing topic-level throttles on topic ${TOPIC}\n`);
    for (const id of [0, 1]) await eventually(async () => Object.keys(await throttleConfigs(c, id)).length === 0, 20_000, `no throttle left on broker ${id}`);
  });
});
