/**
 * `kafkats consumer-perf-test` — Kafka's kafka-consumer-perf-test.sh (ConsumerPerformance): a
 * consumer in --group (default perf-consumer-NNNNN) reads --messages records of --topic from the
 * earliest offset (--from-latest: the latest) until it has them or --timeout ms pass without a
 * record, then prints Kafka's CSV header `start.time, end.time, data.consumed.in.MB, MB.sec,
 * data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec`
 * and one line of figures (--show-detailed-stats: a line per --reporting-interval instead; times
 * in --date-format, Java's SimpleDateFormat letters y M d H m s S). kafkajs is the consumer;
 * rebalance time is the time until its first group join. --print-metrics prints the consumer's
 * metrics at the end (Kafka's ToolsUtils.printMetrics layout).
 */
import type { Command } from 'commander';
import { CliError, cliAction, parseBootstrapServers, parseIntOption } from './cli-support.js';
import { createKafka } from './kafkajs-support.js';
import { Progress } from './progress.js';
import { avg, formatMetrics, RequestStats } from './client-metrics.js';
import { SYSTEM_TIME } from '../common/time.js';

interface ConsumerPerfOptions {
  bootstrapServer?: string;
  topic?: string;
  messages?: string;
  group?: string;
  fromLatest?: boolean;
  timeout: string;
  reportingInterval: string;
  showDetailedStats?: boolean;
  hideHeader?: boolean;
  dateFormat: string;
  printMetrics?: boolean;
}

const CLIENT_ID = 'perf-consumer-client';

export function registerConsumerPerfTest(program: Command): void {
  program
    .command('consumer-perf-test')
    .description('measure consumer throughput (Kafka\'s kafka-consumer-perf-test.sh)')
    .option('--bootstrap-server <servers>', 'the brokers to connect to: host:port[,host:port…]')
    .option('--topic <topic>', 'the topic to consume from')
    .option('--messages <n>', 'how many messages to consume')
    .option('--group <group>', 'the consumer group (default: perf-consumer-<random>)')
    .option('--from-latest', 'start at the latest offset when the group has none (default: the earliest)')
    .option('--timeout <ms>', 'the longest time allowed between records', '10000')
    .option('--reporting-interval <ms>', 'interval of --show-detailed-stats lines', '5000')
    .option('--show-detailed-stats', 'print a line per reporting interval instead of the final line')
    .option('--hide-header', 'leave out the CSV header')
    .option('--date-format <format>', 'the time format (Java SimpleDateFormat letters)', 'yyyy-MM-dd HH:mm:ss:SSS')
    .option('--print-metrics', 'print the consumer\'s metrics at the end')
    .addHelpText('after', `
Example:
  kafkats consumer-perf-test --bootstrap-server localhost:9092 --topic perf --messages 100000`)
    .action(cliAction('consumer-perf-test', runConsumerPerf));
}

/** Java SimpleDateFormat's y, M, d, H, m, s and S letters (local time); other characters are kept. */
export function formatDate(ms: number, format: string): string {
  const d = new Date(ms);
  const fields: Record<string, number> = { y: d.getFullYear(), M: d.getMonth() + 1, d: d.getDate(), H: d.getHours(), m: d.getMinutes(), s: d.getSeconds(), S: d.getMilliseconds() };
  return format.replace(/'([^']*)'|(y+|M+|d+|H+|m+|s+|S+)/g, (all, quoted: string | undefined, run: string | undefined) => {
    if (quoted !== undefined) return quoted === '' ? "'" : quoted;
    const v = fields[run![0]!]!;
    return run![0] === 'y' && run!.length === 2 ? String(v % 100).padStart(2, '0') : String(v).padStart(run!.length, '0');
  });
}

export const CONSUMER_PERF_HEADER = 'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';
const DETAILED_HEADER = 'time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';

async function runConsumerPerf(opts: ConsumerPerfOptions): Promise<void> {
  const bootstrap = parseBootstrapServers(opts.bootstrapServer);
  if (opts.topic === undefined) throw new CliError('--topic is required');
  const numMessages = parseIntOption('--messages', opts.messages, { min: 1 });
  if (numMessages === undefined) throw new CliError('--messages is required');
  const timeoutMs = parseIntOption('--timeout', opts.timeout)!;
  const intervalMs = parseIntOption('--reporting-interval', opts.reportingInterval, { min: 1 })!;
  const group = opts.group ?? `perf-consumer-${Math.floor(Math.random() * 100_000)}`;
  const fmt = (ms: number): string => formatDate(ms, opts.dateFormat);
  const f4 = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : x > 0 ? 'Infinity' : 'NaN');

  const kafka = createKafka(bootstrap, CLIENT_ID);
  const admin = kafka.admin();
  await admin.connect();
  const topics = await admin.listTopics().finally(() => admin.disconnect().catch(() => undefined));
  if (!topics.includes(opts.topic)) throw new CliError(`topic '${opts.topic}' does not exist`);

  if (!opts.hideHeader) process.stdout.write((opts.showDetailedStats ? DETAILED_HEADER : CONSUMER_PERF_HEADER) + '\n');
  const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 100 });
  const requests = new RequestStats(consumer);
  const startMs = Date.now();
  let joinTimeMs = 0;
  let joinRoundMs = 0;
  let joins = 0;
  let joinMaxMs = 0;
  let joinStart = startMs;
  consumer.on(consumer.events.REBALANCING, () => { joinStart = Date.now(); });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    const t = Date.now() - joinStart;
    joinTimeMs += t;
    joinRoundMs += t;
    joins++;
    joinMaxMs = Math.max(joinMaxMs, t);
  });
  let messages = 0;
  let bytes = 0;
  let lastMessages = 0;
  let lastBytes = 0;
  let lastReport = Date.now();
  let lastConsumed = Date.now();
  const progress = new Progress('messages consumed', numMessages);
  await consumer.connect();
  await consumer.subscribe({ topic: opts.topic, fromBeginning: !opts.fromLatest });
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  await consumer.run({
    autoCommit: true,
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      if (batch.messages.length > 0) lastConsumed = now;
      for (const m of batch.messages) {
        messages++;
        bytes += (m.key?.length ?? 0) + (m.value?.length ?? 0);
      }
      progress.update(messages);
      if (opts.showDetailedStats && now - lastReport >= intervalMs) {
        const elapsed = now - lastReport;
        const mb = bytes / (1024 * 1024);
        const intervalMb = (bytes - lastBytes) / (1024 * 1024);
        const fetchMs = elapsed - joinRoundMs;
        process.stdout.write(`${fmt(now)}, 0, ${f4(mb)}, ${f4((1000 * intervalMb) / elapsed)}, ${messages}, ${f4((1000 * (messages - lastMessages)) / elapsed)}, ${joinRoundMs}, ${fetchMs}, ${f4(intervalMb / (fetchMs / 1000))}, ${f4((messages - lastMessages) / (fetchMs / 1000))}\n`);
        joinRoundMs = 0;
        lastReport = now;
        lastMessages = messages;
        lastBytes = bytes;
      }
      if (messages >= numMessages) finish();
    },
  });
  let consuming = true;
  void (async () => {
    // --timeout: no record for that long ends the test.
    while (consuming && Date.now() - lastConsumed <= timeoutMs) await SYSTEM_TIME.sleep(50);
    finish();
  })();
  await finished;
  consuming = false;
  const endMs = Date.now();
  progress.done();
  await consumer.disconnect().catch(() => undefined);
  if (messages < numMessages) process.stdout.write(`WARNING: Exiting before consuming the expected number of messages: timeout (${timeoutMs} ms) exceeded. You can use the --timeout option to increase the timeout.\n`);
  if (!opts.showDetailedStats) {
    const elapsedSec = (endMs - startMs) / 1000;
    const fetchMs = endMs - startMs - joinTimeMs;
    const mb = bytes / (1024 * 1024);
    process.stdout.write(`${fmt(startMs)}, ${fmt(endMs)}, ${f4(mb)}, ${f4(mb / elapsedSec)}, ${messages}, ${f4(messages / elapsedSec)}, ${joinTimeMs}, ${fetchMs}, ${f4(mb / (fetchMs / 1000))}, ${f4(messages / (fetchMs / 1000))}\n`);
  }
  if (opts.printMetrics) {
    const fetches = requests.of('Fetch');
    const all = requests.of();
    const elapsedSec = Math.max(1, endMs - startMs) / 1000;
    process.stdout.write(formatMetrics(new Map([
      ['consumer-fetch-manager-metrics:records-consumed-total', messages],
      ['consumer-fetch-manager-metrics:records-consumed-rate', messages / elapsedSec],
      ['consumer-fetch-manager-metrics:bytes-consumed-total', bytes],
      ['consumer-fetch-manager-metrics:bytes-consumed-rate', bytes / elapsedSec],
      ['consumer-fetch-manager-metrics:fetch-total', fetches.count],
      ['consumer-fetch-manager-metrics:fetch-rate', fetches.count / elapsedSec],
      ['consumer-fetch-manager-metrics:fetch-latency-avg', avg(fetches.latencySum, fetches.count)],
      ['consumer-fetch-manager-metrics:fetch-latency-max', fetches.count === 0 ? NaN : fetches.latencyMax],
      ['consumer-coordinator-metrics:join-total', joins],
      ['consumer-coordinator-metrics:join-time-avg', avg(joinTimeMs, joins)],
      ['consumer-coordinator-metrics:join-time-max', joins === 0 ? NaN : joinMaxMs],
      ['consumer-metrics:request-total', all.count],
      ['consumer-metrics:incoming-byte-total', all.bytes],
    ]), CLIENT_ID));
  }
}
