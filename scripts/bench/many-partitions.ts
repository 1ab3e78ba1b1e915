/**
 * Many partitions on one broker under a descriptor limit: a real ZooKeeper and one broker process
 * started under prlimit(1), a topic of N RF=1 partitions created, one record produced to and
 * fetched from every partition, then a controlled restart and the time until every partition is
 * served again.
 *
 *   node --import tsx scripts/bench/many-partitions.ts [--partitions 10000] [--nofile 20000] [--dir /tmp]
 *
 * "Time to serve after restart" runs from spawning the broker process to the first Fetch that
 * answers every partition without error and with its record. Results: docs/many-partitions.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BrokerProcess } from '../../lib/testing/broker-process.js';
import { fetchClusterMetadata } from '../../lib/testing/cluster.js';
import { createTopicWithPartitions, fetchEach, openDescriptors, produceToEach } from '../../lib/testing/partition-load.js';
import { findFreePort, startZooKeeper } from '../../lib/testing/zookeeper-runner.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}

const PARTITIONS = Number(arg('partitions', '10000'));
const NOFILE = Number(arg('nofile', '20000'));
const BASE = fs.mkdtempSync(path.join(arg('dir', os.tmpdir()), 'kafkats-bench-many-'));
const TOPIC = 'many';
const all = Array.from({ length: PARTITIONS }, (_, i) => i);

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : -1;
}

async function until<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out: ${what}${last ? ` (${(last as Error).message})` : ''}`);
}

async function servedAll(port: number, withRecords: boolean): Promise<boolean> {
  const r = await fetchEach('localhost', port, TOPIC, all);
  return r.size === PARTITIONS && [...r.values()].every((p) => p.errorCode === 0 && (!withRecords || p.bytes > 0));
}

async function main(): Promise<void> {
  const rows: Array<[string, string]> = [];
  const t = (): number => performance.now();
  const zk = await startZooKeeper({ dataDir: path.join(BASE, 'zookeeper') });
  const broker = new BrokerProcess({
    brokerId: 0, port: await findFreePort(), logDir: path.join(BASE, 'logs'), zookeeperConnect: `${zk.connectString}/bench-many`,
    overrides: { 'offsets.topic.replication.factor': 1, 'transaction.state.log.replication.factor': 1, 'transaction.state.log.min.isr': 1 },
    maxOpenFiles: NOFILE,
  });
  try {
    await broker.start(120_000);
    await until('broker ready', 60_000, async () => ((await fetchClusterMetadata('localhost', broker.port)).controllerId === 0 ? true : undefined));
    const idleFds = openDescriptors(broker.pid!);

    let t0 = t();
    const created = await createTopicWithPartitions('localhost', broker.port, TOPIC, PARTITIONS, 600_000);
    if (created.errorCode !== 0) throw new Error(`CreateTopics failed: ${created.errorCode} ${created.errorMessage}`);
    await until('every partition served', 600_000, async () => ((await servedAll(broker.port, false)) ? true : undefined));
    rows.push(['CreateTopics until every partition is served', `${Math.round(t() - t0)} ms`]);

    t0 = t();
    const failed = await produceToEach('localhost', broker.port, TOPIC, all, 'bench');
    rows.push([`produce 1 record to each of ${PARTITIONS} partitions (one request)`, `${Math.round(t() - t0)} ms, ${failed.size} failed`]);
    t0 = t();
    if (!(await servedAll(broker.port, true))) throw new Error('a partition did not return its record');
    rows.push(['fetch every partition from offset 0 (one request)', `${Math.round(t() - t0)} ms`]);
    rows.push(['open descriptors of the broker (idle → with all partitions)', `${idleFds} → ${openDescriptors(broker.pid!)} (limit ${NOFILE})`]);
    rows.push(['broker RSS with all partitions', `${rssMiB(broker.pid!)} MiB`]);

    t0 = t();
    const code = await broker.stop(300_000);
    rows.push(['controlled shutdown', `${Math.round(t() - t0)} ms, exit code ${code}`]);
    if (!fs.existsSync(path.join(BASE, 'logs', '.kafka_cleanshutdown'))) throw new Error('no clean-shutdown marker after the shutdown');

    t0 = t();
    await broker.start(600_000);
    const started = t() - t0;
    await until('every partition served after the restart', 600_000, async () => ((await servedAll(broker.port, true)) ? true : undefined));
    const served = t() - t0;
    rows.push(['restart: spawn → `started` logged', `${Math.round(started)} ms`]);
    rows.push(['**restart: spawn → every partition served (time to serve)**', `**${Math.round(served)} ms**`]);
    const again = await produceToEach('localhost', broker.port, TOPIC, all, 'after-restart');
    rows.push(['produce to every partition after the restart', `${again.size} failed`]);
    rows.push(['open descriptors after the restart', `${openDescriptors(broker.pid!)}`]);
    const emfile = broker.recentOutput(500).split('\n').filter((l) => l.includes('EMFILE')).length;
    rows.push(['EMFILE lines in the broker log (last 500 lines)', String(emfile)]);
  } catch (err) {
    console.error(`broker output (last lines):\n${broker.recentOutput(40)}`);
    throw err;
  } finally {
    await broker.stop(300_000);
    await zk.stop();
    fs.rmSync(BASE, { recursive: true, force: true });
  }
  const cpu = os.cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown';
  console.log(`kafkats many-partitions bench — ${cpu} ×${os.cpus().length}, node ${process.version}, ${os.platform()} ${os.release()}`);
  console.log(`${PARTITIONS} partitions (RF=1) on one broker, RLIMIT_NOFILE ${NOFILE}, dir ${arg('dir', os.tmpdir())}`);
  console.log('| step | result |\n|------|--------|');
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
