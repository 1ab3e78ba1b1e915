/**
 * CPU profiles of brokers under load: starts ZooKeeper and N `kafkats server-start` processes with
 * `node --cpu-prof` (spawned by hand: --cpu-prof is not allowed in NODE_OPTIONS), creates a topic
 * with RF=N, drives it with kcat (produce a file of one record per line, then consume it back),
 * stops the brokers with SIGTERM so V8 writes the .cpuprofile files, and prints the self time per
 * function of each (scripts/bench/cpuprofile-summary.ts). Open a file in Chrome DevTools or
 * speedscope for a flame graph.
 *
 *   node --import tsx scripts/bench/profile.ts [--brokers 1] [--records 1000000] [--size 100]
 *        [--partitions 1] [--mode produce|both] [--top 25] [--out DIR]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BrokerProcess, isStartedLine, REPO_ROOT } from '../../lib/testing/broker-process.js';
import { findFreePort, startZooKeeper } from '../../lib/testing/zookeeper-runner.js';
import { createTopic } from '../../spec/integration/support.js';
import type { RunningCluster } from '../../lib/testing/cluster.js';
import { recordFile, runTimed } from './bench-support.js';
import { summarize } from './cpuprofile-summary.js';

const argv = process.argv.slice(2);
const option = (name: string, def: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1]! : def;
};
const BROKERS = Number(option('--brokers', '1'));
const RECORDS = Number(option('--records', '1000000'));
const SIZE = Number(option('--size', '100'));
const PARTITIONS = Number(option('--partitions', '1'));
const MODE = option('--mode', 'both');
const TOP = Number(option('--top', '25'));
const OUT = option('--out', fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-prof-')));

function startProfiled(b: BrokerProcess, dir: string): { child: ChildProcess; started: Promise<void>; exited: Promise<unknown> } {
  fs.mkdirSync(dir, { recursive: true });
  const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, path.join(REPO_ROOT, 'bin/kafkats.js'), ...b.serverArgs()], {
    env: { ...process.env, KAFKATS_LOG_LEVEL: 'info', KAFKATS_BROKER_ID: String(b.brokerId) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let output = '';
  const started = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      output = (output + d.toString()).slice(-20_000);
      if (output.split('\n').some(isStartedLine)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`broker ${b.brokerId} exited (${code}) during start-up:\n${output}`)));
  });
  return { child, started, exited };
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-profile-'));
  const zk = await startZooKeeper({ dataDir: path.join(tmp, 'zookeeper') });
  const small: Record<string, number> = BROKERS < 3 ? { 'offsets.topic.replication.factor': BROKERS, 'transaction.state.log.replication.factor': BROKERS, 'transaction.state.log.min.isr': 1 } : {};
  const brokers: BrokerProcess[] = [];
  for (let i = 0; i < BROKERS; i++) {
    brokers.push(new BrokerProcess({ brokerId: i, port: await findFreePort(), logDir: path.join(tmp, `broker-${i}`), zookeeperConnect: zk.connectString, overrides: small }));
  }
  const procs = brokers.map((b) => startProfiled(b, path.join(OUT, `broker-${b.brokerId}`)));
  const bootstrap = brokers.map((b) => b.bootstrap).join(',');
  try {
    await Promise.all(procs.map((p) => p.started));
    const cluster = {
      brokers: brokers.map((b) => ({ bootstrap: b.bootstrap, brokerId: b.brokerId, isRunning: true })),
      broker: (id: number) => brokers[id],
      waitUntilReady: async () => ({ controllerId: await controllerId(bootstrap), brokers: [] }),
    } as unknown as RunningCluster;
    const topic = 'profile';
    await createTopic(cluster, topic, PARTITIONS, BROKERS);
    const file = recordFile(tmp, RECORDS, SIZE);
    const acks = BROKERS > 1 ? 'all' : '1';
    const warm = await runTimed('sh', ['-c', `seq 100 | kcat -P -b ${bootstrap} -t ${topic} -X acks=${acks}`]);
    if (warm.code !== 0) throw new Error(`warm-up failed: ${warm.stderr}`);
    const r = await runTimed('kcat', ['-P', '-b', bootstrap, '-t', topic, '-X', 'linger.ms=5', '-X', 'batch.num.messages=10000', '-X', `acks=${acks}`], { stdinFile: file });
    process.stderr.write(`produce (acks=${acks}): ${RECORDS} records in ${r.ms.toFixed(0)} ms (${((RECORDS / r.ms) * 1000).toFixed(0)} records/s), exit ${r.code}\n`);
    if (MODE !== 'produce') {
      const c = await runTimed('sh', ['-c', `kcat -C -q -e -c ${RECORDS + 100} -o beginning -b ${bootstrap} -t ${topic} | wc -l`]);
      process.stderr.write(`consume: ${c.stdout.trim()} records in ${c.ms.toFixed(0)} ms (${((RECORDS / c.ms) * 1000).toFixed(0)} records/s)\n`);
    }
  } finally {
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exited));
    await zk.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  for (const b of brokers) {
    const dir = path.join(OUT, `broker-${b.brokerId}`);
    const file = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f))[0];
    if (!file) continue;
    const s = summarize(JSON.parse(fs.readFileSync(file, 'utf8')));
    const out = [``, `broker ${b.brokerId}: ${file}`, `${s.total.toFixed(0)} ms busy, ${s.idle.toFixed(0)} ms idle`, 'self ms   share  function (file:line)'];
    for (const e of s.functions.slice(0, TOP)) out.push(`${e.ms.toFixed(1).padStart(8)} ${(e.share * 100).toFixed(1).padStart(5)}%  ${e.name} ${e.where}`);
    out.push('self ms   share  file');
    for (const e of s.files.slice(0, 12)) out.push(`${e.ms.toFixed(1).padStart(8)} ${(e.share * 100).toFixed(1).padStart(5)}%  ${e.name}`);
    process.stdout.write(out.join('\n') + '\n');
  }
}

/** The controller id from one broker's Metadata (kcat -L). */
async function controllerId(bootstrap: string): Promise<number> {
  const r = await runTimed('kcat', ['-L', '-J', '-b', bootstrap]);
  const id = (JSON.parse(r.stdout) as { controllerid?: number }).controllerid;
  return id ?? 0;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`profile failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
