/**
 * `kafkats log-dirs` — Kafka's kafka-log-dirs.sh (LogDirsCommand): `--describe` asks each broker
 * (all of them, or `--broker-list`) for its log dirs with DescribeLogDirs and prints Kafka's two
 * header lines and one JSON line: per broker, per log dir, the replicas of the `--topic-list`
 * topics (all when absent) with their size, offset lag and whether they are a future replica.
 */
import type { Command } from 'commander';
import { ApiKeys } from '../protocol/index.js';
import { Errors } from '../protocol/errors.js';
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
    .description('describe the log dirs of brokers and the replicas in them (Kafka\'s kafka-log-dirs.sh)')
    .option('--bootstrap-server <servers>', 'the brokers to connect to: host:port[,host:port…]')
    .option('--describe', 'describe the log dirs')
    .option('--broker-list <ids>', 'comma-separated broker ids to query (default: all brokers)')
    .option('--topic-list <topics>', 'comma-separated topics to list (default: all topics)')
    .addHelpText('after', `
Examples:
  kafkats log-dirs --bootstrap-server localhost:9092 --describe
  kafkats log-dirs --bootstrap-server localhost:9092 --describe --broker-list 0,1 --topic-list orders`)
    .action(cliAction('log-dirs', runLogDirs));
}

function parseList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** The Java class Kafka's tool prints for a log dir's error. */
function errorClassName(code: number): string {
  if (code === Errors.KAFKA_STORAGE_ERROR.code) return 'org.apache.kafka.common.errors.KafkaStorageException';
  return Object.values(Errors).find((e) => e.code === code)?.name ?? String(code);
}

async function runLogDirs(opts: LogDirsOptions): Promise<void> {
  if (!opts.describe) throw new CliError('Must provide --describe');
  const bootstrap = parseBootstrapServers(opts.bootstrapServer);
  const topics = new Set(parseList(opts.topicList));
  const requested = parseList(opts.brokerList).map((b) => {
    if (!/^\d+$/.test(b)) throw new CliError(`--broker-list must be comma-separated broker ids, got '${b}'`);
    return Number(b);
  });
  await withAdmin(bootstrap, async (admin) => {
    const { brokers } = await admin.brokers();
    const existing = brokers.map((b) => b.nodeId).sort((a, b) => a - b);
    const missing = requested.filter((b) => !existing.includes(b));
    if (missing.length > 0) throw new CliError(`ERROR: The given brokers do not exist from --broker-list: ${missing.join(',')}. Current existent brokers: ${existing.join(',')}`);
    const ids = requested.length > 0 ? requested : existing;
    process.stdout.write('Querying brokers for log directories information\n');
    const out: unknown[] = [];
    for (const id of ids) {
      const r = await admin.send(await admin.addressOf(id), ApiKeys.DESCRIBE_LOG_DIRS, 1, { topics: null });
      const logDirs = r.results.map((d) => ({
        logDir: d.logDir,
        error: d.errorCode === Errors.NONE.code ? null : errorClassName(d.errorCode),
        partitions: d.topics
          .filter((t) => topics.size === 0 || topics.has(t.name))
          .flatMap((t) => t.partitions.map((p) => ({ topic: t.name, p })))
          .sort((a, b) => (a.topic === b.topic ? a.p.partitionIndex - b.p.partitionIndex : a.topic < b.topic ? -1 : 1))
          .map(({ topic, p }) => ({ partition: `${topic}-${p.partitionIndex}`, size: Number(p.partitionSize), offsetLag: Number(p.offsetLag), isFuture: p.isFutureKey })),
      }));
      out.push({ broker: id, logDirs });
    }
    process.stdout.write(`Received log directory information from brokers ${ids.join(',')}\n`);
    process.stdout.write(`${JSON.stringify({ version: 1, brokers: out })}\n`);
  }, 'kafkats-log-dirs');
}
