/**
 * `kafkats cluster` — a local kafkats cluster in the foreground: ZooKeeper (the one given with
 * --zookeeper, or one started from the installed package with its data in <data-dir>/zookeeper)
 * and N broker processes; broker i has id i, listens on base-port + i and advertises localhost,
 * with its log dir in <data-dir>/broker-i. Without --zookeeper, a missing ZooKeeper or Java is first
 * installed on Debian/Ubuntu, announced in one line (lib/testing/system-requirements.ts). Broker
 * logs stream to the terminal prefixed by broker (reformatted from pino JSON unless --log-format
 * json); the controller's and state-change loggers' lines go to <data-dir>/logs/controller.log and
 * state-change.log as Kafka's log4j.properties sends them, and to the terminal only from
 * --log-level debug (their warnings and errors always). Once every broker serves Metadata showing
 * all brokers and one controller it prints a status table and the line `cluster ready`; Ctrl-C or
 * SIGTERM stops brokers (controlled shutdown) and then ZooKeeper, and exits 0. A failed start
 * prints the reason and exits 1.
 * The ZooKeeper it starts listens on 2181 when that port is free; --restart-crashed starts a broker
 * that exited on its own again (once per 30 s, so a broker that cannot run is not restarted forever).
 * `npm start` is `kafkats cluster --brokers 3 --base-port 9092 --data-dir ./data`.
 */
import type { Command } from 'commander';
import path from 'node:path';
import { startCluster, type RunningCluster } from '../testing/cluster.js';
import { canConnect } from '../testing/broker-process.js';
import { CliError, cliAction, collect, formatTable, parseIntOption, parseKeyValues } from './cli-support.js';
import { ensureZooKeeperInstalled } from './zookeeper.js';
import { installBrokerLogFormatter, LEVELS } from './log-format.js';

interface ClusterCliOptions {
  brokers: string;
  zookeeper?: string;
  zookeeperPort?: string;
  basePort: string;
  dataDir?: string;
  host: string;
  override: string[];
  metricsBasePort?: string;
  logFormat: string;
  logLevel: string;
  startTimeoutMs: string;
  restartCrashed?: boolean;
}

/** ZooKeeper's usual client port, taken by the ZooKeeper `kafkats cluster` starts when it is free. */
const ZOOKEEPER_DEFAULT_PORT = 2181;
/** A broker that dies again this soon after a restart is left down (no restart loop). */
const CRASH_LOOP_MS = 30_000;

export function registerCluster(program: Command): void {
  program
    .command('cluster')
    .description('run a local cluster: ZooKeeper and N brokers in the foreground (Ctrl-C stops everything)')
    .option('--brokers <n>', 'number of brokers (ids 0..n-1)', '3')
    .option('--zookeeper <connect>', 'use this ZooKeeper (host:port[/chroot]) instead of starting one')
    .option('--zookeeper-port <port>', `client port of the ZooKeeper started here (default: ${ZOOKEEPER_DEFAULT_PORT} when free, else a free port)`)
    .option('--base-port <port>', 'broker i listens on base-port + i', '9092')
    .option('--data-dir <dir>', 'log dirs (broker-<i>) and ZooKeeper data (default: a temporary dir removed on exit)')
    .option('--host <host>', 'host the brokers listen on and advertise', 'localhost')
    .option('--override <key=value>', 'server.properties key for every broker (repeatable)', collect, [] as string[])
    .option('--metrics-base-port <port>', 'serve /metrics and /health on metrics-base-port + i (kafkats.metrics.port)')
    .option('--log-format <format>', 'broker log lines: pretty or json', 'pretty')
    .option('--log-level <level>', 'lowest broker log level shown: trace, debug (also shows the controller and state-change lines), info, warn, error', 'info')
    .option('--start-timeout-ms <ms>', 'give up when the cluster is not ready within this time', '60000')
    .option('--restart-crashed', 'start a broker again when it exits on its own (kill -9, crash); not when it crashes again within 30 s')
    .addHelpText('after', `
Examples:
  kafkats cluster --brokers 3 --base-port 9092 --data-dir ./data
  kafkats cluster --brokers 1 --zookeeper 127.0.0.1:2181/kafkats --override log.retention.ms=600000`)
    .action(cliAction('cluster', runCluster, { longRunning: true }));
}

async function portInUse(host: string, port: number): Promise<boolean> {
  return canConnect(host, port, 500);
}

async function runCluster(opts: ClusterCliOptions): Promise<void> {
  const t0 = Date.now();
  const n = parseIntOption('--brokers', opts.brokers, { min: 1 })!;
  const basePort = parseIntOption('--base-port', opts.basePort, { min: 1 })!;
  const metricsBase = parseIntOption('--metrics-base-port', opts.metricsBasePort, { min: 1 });
  const zkPortOption = parseIntOption('--zookeeper-port', opts.zookeeperPort, { min: 1 });
  const startTimeoutMs = parseIntOption('--start-timeout-ms', opts.startTimeoutMs, { min: 1000 })!;
  if (basePort + n - 1 > 65535) throw new CliError(`--base-port ${basePort} leaves no room for ${n} brokers`);
  if (opts.logFormat !== 'pretty' && opts.logFormat !== 'json') throw new CliError('--log-format must be pretty or json');
  const minLevel = LEVELS[opts.logLevel.toLowerCase()];
  if (minLevel === undefined) throw new CliError(`--log-level must be one of ${Object.keys(LEVELS).join(', ')}`);
  const overrides = Object.fromEntries(parseKeyValues(opts.override, '--override'));
  for (const k of ['broker.id', 'listeners', 'log.dirs', 'zookeeper.connect']) {
    if (k in overrides) throw new CliError(`--override ${k} is set by \`kafkats cluster\` itself (use --brokers, --base-port, --data-dir, --zookeeper)`);
  }
  for (let i = 0; i < n; i++) {
    if (await portInUse(opts.host, basePort + i)) throw new CliError(`port ${basePort + i} (broker ${i}) is already in use on ${opts.host}; stop what uses it or pick another --base-port`);
    if (metricsBase !== undefined && await portInUse(opts.host, metricsBase + i)) throw new CliError(`metrics port ${metricsBase + i} (broker ${i}) is already in use`);
  }
  const dataDir = opts.dataDir !== undefined ? path.resolve(opts.dataDir) : undefined;
  const color = process.stdout.isTTY === true;
  const logsDir = dataDir !== undefined ? path.join(dataDir, 'logs') : undefined;
  installBrokerLogFormatter({ format: opts.logFormat, color, minLevel, logsDir });
  // Brokers emit what is shown: --log-level debug reaches their debug lines too.
  process.env.KAFKATS_BROKER_LOG_LEVEL ??= opts.logLevel.toLowerCase();
  const say = (msg: string): void => void process.stdout.write(`${color ? '\x1b[1m' : ''}kafkats cluster:${color ? '\x1b[0m' : ''} ${msg}\n`);
  if (opts.zookeeper === undefined) await ensureZooKeeperInstalled('kafkats cluster', say);
  const zkPort = zkPortOption ?? (opts.zookeeper === undefined && !(await portInUse('127.0.0.1', ZOOKEEPER_DEFAULT_PORT)) ? ZOOKEEPER_DEFAULT_PORT : undefined);

  let cluster: RunningCluster | null = null;
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      say('second interrupt: killing brokers and ZooKeeper now');
      process.exit(130);
    }
    stopping = true;
    say(`received ${signal}, stopping ${n} broker${n === 1 ? '' : 's'} (controlled shutdown)${opts.zookeeper ? '' : ' and ZooKeeper'}`);
    const started = Date.now();
    (cluster ? cluster.stop() : Promise.resolve()).then(
      () => {
        say(`cluster stopped in ${Date.now() - started} ms`);
        process.exit(0);
      },
      (err: unknown) => {
        process.stderr.write(`kafkats cluster: stop failed: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  try {
    cluster = await startCluster({
      brokers: n,
      zookeeper: opts.zookeeper,
      zookeeperPort: zkPort,
      basePort,
      dataDir,
      host: opts.host,
      overrides,
      brokerOverrides: metricsBase !== undefined ? (id) => ({ 'kafkats.metrics.port': metricsBase + id }) : undefined,
      output: 'inherit',
      startTimeoutMs,
      onProgress: say,
    });
  } catch (err) {
    if (stopping) return;
    throw new CliError(`the cluster failed to start: ${(err as Error).message}`);
  }
  if (stopping) return;
  const meta = await cluster.waitUntilReady(10_000);
  const metricsPort = (id: number): number | null => {
    if (metricsBase !== undefined) return metricsBase + id;
    const p = Number(overrides['kafkats.metrics.port'] ?? -1);
    return p > 0 ? p : null;
  };
  const rows = cluster.brokers.map((b) => {
    const mp = metricsPort(b.brokerId);
    return [String(b.brokerId), `PLAINTEXT://${b.bootstrap}`, meta.controllerId === b.brokerId ? 'yes' : '', mp !== null ? `http://${opts.host}:${mp}/metrics` : '-', String(b.pid ?? '-'), b.options.logDir];
  });
  const table = formatTable(['BROKER', 'LISTENER', 'CONTROLLER', 'METRICS', 'PID', 'LOG DIR'], rows);
  process.stdout.write(`\n${table}\n\n`);
  process.stdout.write(`ZooKeeper:         ${cluster.zookeeperConnect}${opts.zookeeper ? '' : ` (started by kafkats, data in ${path.join(cluster.dataDir, 'zookeeper')})`}\n`);
  process.stdout.write(`bootstrap servers: ${cluster.bootstrapServers.join(',')}\n`);
  if (logsDir !== undefined) process.stdout.write(`controller and state-change logs: ${logsDir}/controller.log, state-change.log\n`);
  process.stdout.write(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; Ctrl-C stops the cluster\n`);
  process.stdout.write('cluster ready\n');

  // Keep running; report a broker that dies on its own (and start it again with --restart-crashed).
  const reported = new Set<number>();
  const restartedAt = new Map<number, number>();
  const running = cluster;
  setInterval(() => {
    if (stopping) return;
    for (const b of running.brokers) {
      if (b.isRunning || reported.has(b.brokerId)) continue;
      reported.add(b.brokerId);
      process.stderr.write(`kafkats cluster: broker ${b.brokerId} exited unexpectedly; last lines:\n${b.recentOutput(20)}\n`);
      if (!opts.restartCrashed) continue;
      const last = restartedAt.get(b.brokerId);
      if (last !== undefined && Date.now() - last < CRASH_LOOP_MS) {
        say(`broker ${b.brokerId} exited again within ${CRASH_LOOP_MS / 1000} s of its restart; leaving it down`);
        continue;
      }
      say(`restarting broker ${b.brokerId} (--restart-crashed)`);
      restartedAt.set(b.brokerId, Date.now());
      b.start().then(
        () => {
          reported.delete(b.brokerId);
          say(`broker ${b.brokerId} restarted (pid ${b.pid ?? '-'})`);
        },
        (err: unknown) => process.stderr.write(`kafkats cluster: broker ${b.brokerId} failed to restart: ${(err as Error).message}\n`),
      );
    }
  }, 1000);
}
