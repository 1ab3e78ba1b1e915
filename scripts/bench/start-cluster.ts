/**
 * How long `startCluster({ brokers: 3 })` takes to start and `stop()` to return, as a Node test
 * suite calls them: with its own ZooKeeper (the package's example) and with a ZooKeeper already
 * running (one per test run, a chroot per cluster). Each case runs --runs times; prints min, median
 * and max in milliseconds.
 *
 *   npm run build && node --import tsx scripts/bench/start-cluster.ts [--runs 5] [--brokers 3]
 */
import { startCluster, type ClusterOptions } from '../../lib/testing/cluster.js';
import { sharedZooKeeper, stopSharedZooKeeper, uniqueChroot } from '../../lib/testing/zookeeper-runner.js';
import { machineLine, markdownTable } from './bench-support.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const RUNS = arg('runs', 5);
const BROKERS = arg('brokers', 3);

async function timeOnce(options: () => Promise<ClusterOptions>): Promise<{ startMs: number; stopMs: number }> {
  const opts = await options();
  const t0 = performance.now();
  const cluster = await startCluster(opts);
  const startMs = performance.now() - t0;
  const t1 = performance.now();
  await cluster.stop();
  return { startMs, stopMs: performance.now() - t1 };
}

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `${sorted[0]!.toFixed(0)} / ${median.toFixed(0)} / ${sorted.at(-1)!.toFixed(0)}`;
}

async function main(): Promise<void> {
  const cases: Array<[string, () => Promise<ClusterOptions>]> = [
    ['own ZooKeeper (started and stopped with the cluster)', async () => ({ brokers: BROKERS })],
    ['ZooKeeper already running (a chroot per cluster)', async () => ({ brokers: BROKERS, zookeeper: `${(await sharedZooKeeper()).connectString}${uniqueChroot()}` })],
  ];
  const rows: string[][] = [];
  for (const [name, options] of cases) {
    const results: Array<{ startMs: number; stopMs: number }> = [];
    for (let i = 0; i < RUNS; i++) results.push(await timeOnce(options));
    rows.push([name, stats(results.map((r) => r.startMs)), stats(results.map((r) => r.stopMs))]);
    process.stderr.write(`${name}: done\n`);
  }
  await stopSharedZooKeeper();
  console.log(machineLine());
  console.log(`startCluster({ brokers: ${BROKERS} }), ${RUNS} runs each (min / median / max, ms):\n`);
  console.log(markdownTable(['case', 'start', 'stop'], rows));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
