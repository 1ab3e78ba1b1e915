/**
 * Starts a local ZooKeeper in the foreground until Ctrl-C (development helper; `kafkats zookeeper`
 * wraps the same runner).
 *
 *   node --import tsx scripts/zookeeper.ts [--port 2181] [--data-dir ./data/zookeeper] [--tick-time 500]
 */
import { Command } from 'commander';
import { startZooKeeper, ZooKeeperNotInstalledError } from '../lib/testing/zookeeper-runner.js';

const program = new Command()
  .name('zookeeper')
  .description('Run a local ZooKeeper from the installed package until Ctrl-C')
  .option('-p, --port <port>', 'client port (default: 2181)', '2181')
  .option('-d, --data-dir <dir>', 'data directory (default: a temp dir, removed on exit)')
  .option('-t, --tick-time <ms>', 'tickTime in ms', '500')
  .option('-q, --quiet', 'do not copy ZooKeeper log lines to the terminal')
  .parse();

const opts = program.opts<{ port: string; dataDir?: string; tickTime: string; quiet?: boolean }>();

try {
  const zk = await startZooKeeper({
    port: Number(opts.port),
    ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {}),
    tickTime: Number(opts.tickTime),
    inheritOutput: opts.quiet !== true,
  });
  process.stderr.write(`ZooKeeper listening on ${zk.connectString} (data ${zk.dataDir}, log ${zk.logFile}); Ctrl-C to stop\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void zk.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await zk.exited;
  if (!stopping) {
    process.stderr.write('ZooKeeper exited unexpectedly\n');
    process.exit(1);
  }
} catch (err) {
  process.stderr.write(`${err instanceof ZooKeeperNotInstalledError ? err.message : String(err)}\n`);
  process.exit(1);
}
