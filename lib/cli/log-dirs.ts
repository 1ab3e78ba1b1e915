/**
 * `kafkats log-dirs --describe` — Kafka's kafka-log-dirs.sh (LogDirsCommand): DescribeLogDirs on
 * each broker (--broker-list, default all), printed as Kafka prints it: `Querying brokers for log
 * directories information`, `Received log directory information from brokers 0,1,2`, then one JSON
 * line {"brokers":[{"broker":0,"logDirs":[{"partitions":[{"partition":"t-0","size":0,"offsetLag":0,
 * "isFuture":false}],"error":null,"logDir":"/data"}]}],"version":1} — keys in the order Kafka's
 * tool prints them — with partitions limited to --topic-list when given.
 */
import type { Command } from 'commander';
import { ApiKeys } from '../protocol/index.js';
import { Errors, errorForCode } from '../protocol/errors.js';
import { withAdmin } from './admin-client.js';
import { CliError, cliAction, parseBootstrapServers } from './cli-support.js';

interface LogDirsOptions {
  bootstrapServer?: string;
  describe?: boolean;
  brokerList?: string;
  topicList?: string;
}

export function registerLogDirs(program: Command): void {
  program
    .command('log-dirs')
    .description('describe the log directories of brokers as JSON (Kafka\'s kafka-log-dirs.sh)')
    .option('--bootstrap-server <servers>', 'the brokers to connect to: host:port[,host:port…]')
    .option('--describe', 'describe the log directories of the brokers')
    .option('--broker-list <ids>', 'the brokers to query, "0,1,2" (default: every broker)')
    .option('--topic-list <topics>', 'only these topics, "t1,t2" (default: every topic)')
    .addHelpText('after', `
Examples:
  kafkats log-dirs --bootstrap-server localhost:9092 --describe
  kafkats log-dirs --bootstrap-server localhost:9092 --describe --broker-list 1 --topic-list orders`)
    .action(cliAction('log-dirs', runLogDirs));
}

function parseList(flag: string, value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

async function runLogDirs(opts: LogDirsOptions): Promise<void> {
  if (!opts.describe) throw new CliError('--describe is required (see --help)');
  const bootstrap = parseBootstrapServers(opts.bootstrapServer);
  const wantedBrokers = parseList('--broker-list', opts.brokerList).map((b) => {
    if (!/^\d+$/.test(b)) throw new CliError(`invalid broker id '${b}' in --broker-list`);
    return Number(b);
  });
  const topics = new Set(parseList('--topic-list', opts.topicList));
  await withAdmin(bootstrap, async (admin) => {
    const { brokers } = await admin.brokers();
    const ids = brokers.map((b) => b.nodeId).sort((a, b) => a - b);
    const missing = wantedBrokers.filter((b) => !ids.includes(b));
    if (missing.length > 0) throw new CliError(`ERROR: The given brokers do not exist from --broker-list: ${missing.join(',')}. Current existent brokers: ${ids.join(',')}`);
    const queried = wantedBrokers.length > 0 ? [...new Set(wantedBrokers)].sort((a, b) => a - b) : ids;
    process.stdout.write('Querying brokers for log directories information\n');
    const described = await Promise.all(queried.map(async (id) => {
      const b = brokers.find((x) => x.nodeId === id)!;
      const r = await admin.send(`${b.host}:${b.port}`, ApiKeys.DESCRIBE_LOG_DIRS, 4, { topics: null });
      if (r.errorCode !== Errors.NONE.code) throw new CliError(`DescribeLogDirs on broker ${id}: ${errorForCode(r.errorCode).name}`);
      return {
        broker: id,
        logDirs: r.results.map((d) => ({
          partitions: d.topics
            .filter((t) => topics.size === 0 || topics.has(t.name))
            .flatMap((t) => t.partitions.map((p) => ({ topic: t.name, p })))
            .sort((a, b) => (a.topic === b.topic ? a.p.partitionIndex - b.p.partitionIndex : a.topic < b.topic ? -1 : 1))
            .map(({ topic, p }) => ({ partition: `${topic}-${p.partitionIndex}`, size: Number(p.partitionSize), offsetLag: Number(p.offsetLag), isFuture: p.isFutureKey })),
          error: d.errorCode === Errors.NONE.code ? null : errorForCode(d.errorCode).name,
          logDir: d.logDir,
        })),
      };
    }));
    process.stdout.write(`Received log directory information from brokers ${queried.join(',')}\n`);
    process.stdout.write(JSON.stringify({ brokers: described, version: 1 }) + '\n');
  }, 'log-dirs-tool');
}
