/**
 * `kafkats zookeeper --port 2181 --data-dir DIR` — a standalone ZooKeeper from the installed
 * package (lib/testing/zookeeper-runner.ts), in the foreground until Ctrl-C/SIGTERM, like Kafka's
 * zookeeper-server-start.sh. ZooKeeper's own log goes to DIR/zookeeper.log (and to the terminal
 * with --verbose). A missing ZooKeeper or Java is first installed on Debian/Ubuntu, announced in
 * one line (lib/testing/system-requirements.ts).
 */
import type { Command } from 'commander';
import path from 'node:path';
import { startZooKeeper } from '../testing/zookeeper-runner.js';
import { ensureSystemRequirements, SystemRequirementsError, ZOOKEEPER_REQUIREMENTS } from '../testing/system-requirements.js';
import { CliError, cliAction, parseIntOption } from './cli-support.js';

interface ZkOptions {
  port: string;
  dataDir?: string;
  verbose?: boolean;
}

export function registerZooKeeper(program: Command): void {
  program
    .command('zookeeper')
    .description('run a standalone ZooKeeper in the foreground (Kafka\'s zookeeper-server-start.sh)')
    .option('--port <port>', 'client port', '2181')
    .option('--data-dir <dir>', 'data directory (default: a temporary one, removed on exit)')
    .option('--verbose', 'also print ZooKeeper\'s own log')
    .action(cliAction('zookeeper', runZooKeeper, { longRunning: true }));
}

/** ZooKeeper and Java, installed when missing on Debian/Ubuntu (one line via `say`), or a CliError saying what to do. */
export async function ensureZooKeeperInstalled(purpose: string, say: (line: string) => void): Promise<void> {
  try {
    await ensureSystemRequirements(ZOOKEEPER_REQUIREMENTS, { purpose, say });
  } catch (err) {
    throw err instanceof SystemRequirementsError ? new CliError(err.message) : err;
  }
}

async function runZooKeeper(opts: ZkOptions): Promise<void> {
  const port = parseIntOption('--port', opts.port, { min: 1 })!;
  if (port > 65535) throw new CliError(`--port must be at most 65535, got ${port}`);
  const dataDir = opts.dataDir !== undefined ? path.resolve(opts.dataDir) : undefined;
  await ensureZooKeeperInstalled('kafkats zookeeper', (line) => void process.stdout.write(`kafkats zookeeper: ${line}\n`));
  const started = Date.now();
  let zk;
  try {
    zk = await startZooKeeper({ port, dataDir, inheritOutput: opts.verbose === true });
  } catch (err) {
    throw new CliError(`ZooKeeper failed to start: ${(err as Error).message}`);
  }
  process.stdout.write(`ZooKeeper serving at ${zk.connectString} (pid ${zk.pid}, started in ${Date.now() - started} ms)\n`);
  process.stdout.write(`  data: ${zk.dataDir}\n  log:  ${zk.logFile}\n`);
  process.stdout.write(`  brokers: --override zookeeper.connect=${zk.connectString}/kafkats   (Ctrl-C stops it)\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`received ${signal}, stopping ZooKeeper\n`);
    zk.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  await zk.exited;
  // Ctrl-C in a terminal signals the JVM too: give our own SIGINT handler a moment to claim it.
  await new Promise((r) => setTimeout(r, 300));
  if (!stopping) {
    process.stderr.write(`kafkats zookeeper: ZooKeeper exited unexpectedly; see ${zk.logFile}\n`);
    process.exit(1);
  }
}
