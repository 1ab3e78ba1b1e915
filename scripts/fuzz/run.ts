/**
 * The protocol fuzzer as a command: starts ZooKeeper and one broker (startCluster, from dist/),
 * runs the fuzzer, prints a table and writes a JSON report; exits 1 when a check failed.
 *
 *   npm run test:fuzz -- --frames 1000000 [--seed N] [--concurrency 200] [--idle 2000] [--report fuzz-report.json]
 *                        [--broker-log fuzz-broker.log]   (every line the broker printed during the run)
 *                        [--weights mutated=80,compression-bomb=0,…]   (connection behaviours: BEHAVIOURS)
 */
import fs from 'node:fs';
import os from 'node:os';
import { startCluster } from '../../lib/testing/cluster.js';
import { findFreePort } from '../../lib/testing/zookeeper-runner.js';
import { BEHAVIOURS, formatReport, runFuzz, type Behaviour } from './protocol-fuzzer.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const frames = Number(arg('--frames') ?? 100_000);
const seed = arg('--seed') !== undefined ? Number(arg('--seed')) : undefined;
const report = arg('--report') ?? 'fuzz-report.json';
const brokerLog = arg('--broker-log') ?? 'fuzz-broker.log';
const weights: Partial<Record<Behaviour, number>> = {};
for (const kv of (arg('--weights') ?? '').split(',').filter((x) => x !== '')) {
  const [k, v] = kv.split('=');
  if (!(k! in BEHAVIOURS) || !Number.isFinite(Number(v))) throw new Error(`--weights: unknown behaviour or weight in '${kv}' (behaviours: ${Object.keys(BEHAVIOURS).join(', ')})`);
  weights[k as Behaviour] = Number(v);
}
const MAX_REQUEST = 104857600;
const QUEUED = 104857600;

const metricsPort = await findFreePort();
const started = Date.now();
const cluster = await startCluster({
  brokers: 1,
  overrides: { 'kafkats.metrics.port': metricsPort, 'socket.request.max.bytes': MAX_REQUEST, 'queued.max.request.bytes': QUEUED },
  onProgress: (m) => console.log(`[cluster] ${m}`),
});
let ok = false;
const logFd = fs.openSync(brokerLog, 'w');
cluster.brokers[0]!.onOutputLine((line) => fs.writeSync(logFd, `${line}\n`));
try {
  const r = await runFuzz({
    broker: cluster.brokers[0]!,
    frames,
    seed,
    maxRequestSize: MAX_REQUEST,
    queuedMaxRequestBytes: QUEUED,
    metricsPort,
    concurrency: arg('--concurrency') !== undefined ? Number(arg('--concurrency')) : undefined,
    idleConnections: arg('--idle') !== undefined ? Number(arg('--idle')) : undefined,
    weights,
    onProgress: (m) => console.log(`[fuzz ${((Date.now() - started) / 1000).toFixed(0)} s] ${m}`),
  });
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`;
  console.log(`\n${formatReport(r)}\nmachine: ${machine}`);
  fs.writeFileSync(report, `${JSON.stringify({ ...r, machine, command: `npm run test:fuzz -- ${process.argv.slice(2).join(' ')}` }, null, 2)}\n`);
  console.log(`report written to ${report}`);
  ok = r.ok;
} finally {
  await cluster.stop();
  fs.closeSync(logFd);
}
process.exit(ok ? 0 : 1);
