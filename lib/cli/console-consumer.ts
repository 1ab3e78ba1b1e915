/**
 * `kafkats console-consumer` — Kafka's kafka-console-consumer.sh. With --topic (and optionally
 * --group) it subscribes through a kafkajs consumer group: without --group a random
 * `console-consumer-<n>` group is used and, as in Kafka, no offsets are committed; with --group the
 * offsets of printed records are committed. With --partition it reads that one partition without
 * a group (Kafka's assign + seek) from --offset (earliest, latest or a number). Records print in
 * DefaultMessageFormatter's format (see message-formatter.ts); at the end it reports
 * `Processed a total of N messages` on stderr, like Kafka.
 */
import type { Command } from 'commander';
import { randomInt } from 'node:crypto';
import type { EachBatchPayload } from 'kafkajs';
import { CliError, cliAction, collect, parseBootstrapServers, parseIntOption, parseKeyValues } from './cli-support.js';
import { createKafka, kafkajsSecurity } from './kafkajs-support.js';
import { CLIENT_CONFIG_HELP, commandConfigSecurity } from './command-config.js';
import type { ClientChannelSecurity } from '../network/network-client.js';
import { formatRecord, formatterConfig, type FormatterConfig, type FormattedRecord } from './message-formatter.js';
import { AdminClient } from './admin-client.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, PartitionReader } from './partition-reader.js';

interface ConsumerOptions {
  bootstrapServer?: string;
  topic?: string;
  include?: string;
  group?: string;
  fromBeginning?: boolean;
  partition?: string;
  offset?: string;
  maxMessages?: string;
  timeoutMs?: string;
  property: string[];
  commandConfig?: string;
  'consumer.config'?: string;
}

export function registerConsoleConsumer(program: Command): void {
  program
    .command('console-consumer')
    .description('print records of a topic (Kafka\'s kafka-console-consumer.sh)')
    .option('--bootstrap-server <servers>', 'the brokers to connect to: host:port[,host:port…]')
    .option('--topic <topic>', 'the topic to consume')
    .option('--include <regex>', 'consume every topic matching this regular expression (instead of --topic)')
    .option('--group <group>', 'consumer group id (default: a random console-consumer-<n> that commits nothing)')
    .option('--command-config <file>', CLIENT_CONFIG_HELP)
    .option('--consumer.config <file>', 'Kafka\'s older name of --command-config')
    .option('--from-beginning', 'start at the earliest offset when the group has no committed offset')
    .option('--partition <n>', 'read only this partition, without a group')
    .option('--offset <offset>', 'with --partition: earliest, latest (default) or an offset')
    .option('--max-messages <n>', 'exit after this many records')
    .option('--timeout-ms <ms>', 'exit when no record arrived for this long')
    .option('--property <key=value>', 'output: print.key, print.value, print.offset, print.partition, print.timestamp, print.headers, key.separator, line.separator, headers.separator, null.literal (repeatable)', collect, [] as string[])
    .addHelpText('after', `
Examples:
  kafkats console-consumer --bootstrap-server localhost:9092 --topic orders --from-beginning --max-messages 10
  kafkats console-consumer --bootstrap-server localhost:9092 --topic orders --partition 0 --offset 42 --property print.key=true --property print.offset=true`)
    .action(cliAction('console-consumer', runConsumer));
}

/** Resolves when max messages, the idle timeout or a signal ends the run. */
class RunControl {
  count = 0;
  private resolveDone!: () => void;
  readonly done = new Promise<void>((r) => (this.resolveDone = r));
  stopped = false;
  private idle: NodeJS.Timeout | null = null;

  constructor(readonly maxMessages: number | undefined, private readonly timeoutMs: number | undefined) {
    const onSignal = (): void => this.stop();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    this.touch();
  }

  touch(): void {
    if (this.timeoutMs === undefined || this.stopped) return;
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => this.stop(), this.timeoutMs);
  }

  /** Counts one printed record; false when the run must not print more. */
  take(): boolean {
    if (this.stopped) return false;
    this.count++;
    this.touch();
    if (this.maxMessages !== undefined && this.count >= this.maxMessages) this.stop();
    return true;
  }

  get full(): boolean {
    return this.stopped || (this.maxMessages !== undefined && this.count >= this.maxMessages);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.idle) clearTimeout(this.idle);
    this.resolveDone();
  }
}

async function runConsumer(opts: ConsumerOptions): Promise<void> {
  const bootstrap = parseBootstrapServers(opts.bootstrapServer);
  const format = formatterConfig(parseKeyValues(opts.property, '--property'));
  const maxMessages = parseIntOption('--max-messages', opts.maxMessages, { min: 1 });
  const timeoutMs = parseIntOption('--timeout-ms', opts.timeoutMs, { min: 1 });
  if ((opts.topic === undefined) === (opts.include === undefined)) throw new CliError('exactly one of --topic or --include is required');
  if (opts.partition !== undefined) {
    if (opts.group !== undefined) throw new CliError('Options group and partition cannot be specified together.');
    if (opts.topic === undefined) throw new CliError('--partition needs --topic');
    if (opts.offset !== undefined && opts.fromBeginning) throw new CliError('Options from-beginning and offset cannot be specified together.');
  } else if (opts.offset !== undefined) {
    throw new CliError('The partition is required when offset is specified.');
  }
  const security = commandConfigSecurity(opts.commandConfig ?? opts['consumer.config'], 'console-consumer');
  const control = new RunControl(maxMessages, timeoutMs);
  try {
    if (opts.partition !== undefined) await consumePartition(bootstrap, security, opts, format, control);
    else await consumeGroup(bootstrap, security, opts, format, control);
  } finally {
    process.stderr.write(`Processed a total of ${control.count} messages\n`);
  }
}

async function consumePartition(bootstrap: string[], security: ClientChannelSecurity | null, opts: ConsumerOptions, format: FormatterConfig, control: RunControl): Promise<void> {
  const partition = parseIntOption('--partition', opts.partition)!;
  const admin = new AdminClient(bootstrap, { clientId: 'console-consumer', security });
  try {
    const reader = new PartitionReader(admin, opts.topic!, partition);
    const resetTo = opts.fromBeginning ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP;
    const o = (opts.offset ?? (opts.fromBeginning ? 'earliest' : 'latest')).trim().toLowerCase();
    let start: bigint;
    if (o === 'earliest') start = await reader.offsetFor(EARLIEST_TIMESTAMP);
    else if (o === 'latest') start = await reader.offsetFor(LATEST_TIMESTAMP);
    else if (/^\d+$/.test(o)) start = BigInt(o);
    else throw new CliError(`The provided offset value '${opts.offset}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.`);
    reader.seek(start);
    while (!control.stopped) {
      const records = await reader.poll(500, resetTo);
      for (const r of records) {
        if (!control.take()) break;
        process.stdout.write(formatRecord(r, format));
      }
    }
  } finally {
    admin.close();
  }
}

interface KafkajsMessage {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
  timestamp: string;
  headers?: Record<string, Buffer | string | Array<Buffer | string> | undefined>;
  batchContext?: { timestampType?: number };
  isControlRecord?: boolean;
}

function fromKafkajs(partition: number, m: KafkajsMessage): FormattedRecord {
  const headers: Array<[string, Buffer | null]> = [];
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    for (const one of Array.isArray(v) ? v : [v]) headers.push([k, one === undefined || one === null ? null : Buffer.isBuffer(one) ? one : Buffer.from(one)]);
  }
  return { timestampType: m.batchContext?.timestampType ?? 0, timestamp: m.timestamp, partition, offset: m.offset, key: m.key, value: m.value, headers };
}

async function consumeGroup(bootstrap: string[], security: ClientChannelSecurity | null, opts: ConsumerOptions, format: FormatterConfig, control: RunControl): Promise<void> {
  const explicitGroup = opts.group !== undefined;
  const groupId = opts.group ?? `console-consumer-${randomInt(100_000)}`;
  const kafka = createKafka(bootstrap, 'console-consumer', kafkajsSecurity(security));
  // A short fetch wait: stopping (max messages, timeout) waits for the fetch in flight.
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500, retry: { retries: 5 } });
  let crash: unknown = null;
  consumer.on(consumer.events.CRASH, (e: { payload: { error: Error; restart: boolean } }) => {
    if (!e.payload.restart) {
      crash = e.payload.error;
      control.stop();
    }
  });
  consumer.on(consumer.events.GROUP_JOIN, () => control.touch());
  await consumer.connect();
  try {
    let topic: string | RegExp = opts.topic ?? '';
    if (opts.include !== undefined) {
      try {
        topic = new RegExp(opts.include);
      } catch {
        throw new CliError(`--include '${opts.include}' is not a valid regular expression`);
      }
    }
    await consumer.subscribe({ topics: [topic], fromBeginning: opts.fromBeginning === true });
    await consumer.run({
      autoCommit: explicitGroup,
      autoCommitThreshold: 1,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload) => {
        for (const m of batch.messages as KafkajsMessage[]) {
          if (control.full || !isRunning() || isStale()) break;
          if (!m.isControlRecord) {
            if (!control.take()) break;
            process.stdout.write(formatRecord(fromKafkajs(batch.partition, m), format));
          }
          resolveOffset(m.offset);
        }
        if (explicitGroup) await commitOffsetsIfNecessary();
      },
    });
    await control.done;
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  if (crash !== null) throw crash;
}
