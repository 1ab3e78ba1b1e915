/**
 * `kafkats console` — a web console for a cluster (what kafka-ui, AKHQ or Redpanda Console give a
 * Kafka operator): cluster, topics, a message browser, consumer groups and ACLs, read through the
 * Kafka protocol and the brokers' /metrics (and, with --zookeeper, what only ZooKeeper knows:
 * controller epoch, broker epochs, topics marked for deletion), served by this process until Ctrl-C.
 */
import type { Command } from 'commander';
import { CliError, cliAction, parseBootstrapServers, parseIntOption } from '../cli-support.js';
import { ConsoleServer } from './console-server.js';

interface ConsoleOptions {
  bootstrapServer?: string;
  zookeeper?: string;
  host: string;
  port: string;
  readOnly?: boolean;
  refreshMs: string;
}

export function registerConsole(program: Command): void {
  program
    .command('console')
    .description('serve a web console for the cluster: brokers, topics, messages, consumer groups, ACLs, reassignments')
    .option('--bootstrap-server <servers>', 'the brokers to connect to: host:port[,host:port…]')
    .option('--zookeeper <connect>', 'also read what only ZooKeeper knows (host:port[/chroot]): controller epoch, broker epochs, topics marked for deletion; read-only')
    .option('--host <host>', 'the address to serve the console on', '127.0.0.1')
    .option('--port <port>', 'the HTTP port to serve the console on (0: any free port)', '8080')
    .option('--read-only', 'show the cluster but refuse every change (create, delete, produce, reset)')
    .option('--refresh-ms <ms>', 'how often open pages are updated', '2000')
    .addHelpText('after', `
Examples:
  kafkats console --bootstrap-server localhost:9092
  kafkats console --bootstrap-server localhost:9092 --port 9000 --read-only
  kafkats console --bootstrap-server localhost:9092 --zookeeper localhost:2181`)
    .action(cliAction('console', runConsole, { longRunning: true }));
}

async function runConsole(opts: ConsoleOptions): Promise<void> {
  const bootstrap = parseBootstrapServers(opts.bootstrapServer);
  const port = parseIntOption('--port', opts.port)!;
  if (port > 65535) throw new CliError(`--port must be at most 65535, got ${port}`);
  const refreshMs = parseIntOption('--refresh-ms', opts.refreshMs, { min: 200 })!;
  if (opts.zookeeper !== undefined && !/^[^/,\s]+:\d+(,[^/,\s]+:\d+)*(\/\S*)?$/.test(opts.zookeeper)) {
    throw new CliError(`invalid --zookeeper '${opts.zookeeper}': expected host:port[,host:port…][/chroot]`);
  }
  const server = new ConsoleServer({ bootstrap, host: opts.host, port, readOnly: opts.readOnly ?? false, zookeeper: opts.zookeeper, refreshMs });
  let url: string;
  try {
    ({ url } = await server.listen());
  } catch (err) {
    await server.close().catch(() => undefined);
    throw new CliError(`cannot serve the console on ${opts.host}:${port}: ${(err as Error).message}`);
  }
  process.stdout.write(`kafkats console for ${bootstrap.join(',')}${opts.zookeeper ? ` (ZooKeeper ${opts.zookeeper})` : ''}${opts.readOnly ? ' (read-only)' : ''} at ${url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  process.exit(0);
}
