/**
 * `kafkats producer-perf-test` — Kafka's kafka-producer-perf-test.sh (ProducerPerformance):
 * --num-records records of --record-size random uppercase bytes (or lines of --payload-file) sent
 * to --topic at most --throughput records/s (-1: no limit), with --producer-props k=v… (or
 * --producer.config FILE) naming bootstrap.servers and producer settings (acks, compression.type,
 * batch.size, linger.ms, client.id). Prints Kafka's lines: every 5 s `N records sent, X records/sec
 * (Y MB/sec), Z ms avg latency, W ms max latency.` and at the end the totals with the 50th, 95th,
 * 99th and 99.9th latency percentiles. Latency is a record's time from creation to the broker's
 * acknowledgement of its batch. kafkajs is the producer: records are grouped into batches of up to
 * batch.size bytes, with up to 5 batches in flight.
 *
 * Transactions as in Kafka 3.5+: on when a transactional id is given (--transactional-id, which wins
 * over a transactional.id producer setting) or --transaction-duration-ms is; a transaction is
 * committed once it is that old (default 3000 ms) and at the end; the default id is
 * performance-producer-<random uuid>. --print-metrics prints the producer's metrics at the end.
 */
import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Transaction } from 'kafkajs';
import { avg, formatMetrics, RequestStats, type MetricValues } from './client-metrics.js';
import { CliError, cliAction, parseBootstrapServers, parseIntOption, parseKeyValues } from './cli-support.js';
import { compressionTypeFor, createKafka } from './kafkajs-support.js';
import { Progress } from './progress.js';
import { SYSTEM_TIME } from '../common/time.js';

interface ProducerPerfOptions {
  topic?: string;
  numRecords?: string;
  recordSize?: string;
  payloadFile?: string;
  payloadDelimiter: string;
  throughput?: string;
  producerProps: string[];
  producerConfig?: string;
  bootstrapServer?: string;
  transactionalId?: string;
  transactionDurationMs?: string;
  printMetrics?: boolean;
}

/** Kafka's default transaction duration when a transactional id is given without one. */
const DEFAULT_TRANSACTION_DURATION_MS = 3000;

export function registerProducerPerfTest(program: Command): void {
  program
    .command('producer-perf-test')
    .description('measure producer throughput and latency (Kafka\'s kafka-producer-perf-test.sh)')
    .option('--topic <topic>', 'the topic to produce to')
    .option('--num-records <n>', 'how many records to send')
    .option('--record-size <bytes>', 'the size of each record (or use --payload-file)')
    .option('--payload-file <file>', 'take record values at random from this file, split by --payload-delimiter')
    .option('--payload-delimiter <d>', 'the delimiter of --payload-file', '\\n')
    .option('--throughput <n>', 'at most this many records per second; -1 for no limit')
    .option('--producer-props <k=v...>', 'producer settings: bootstrap.servers=h:p, acks, compression.type, batch.size, linger.ms, client.id', (v: string, prev: string[]) => [...prev, ...v.split(/\s+/).filter((x) => x !== '')], [] as string[])
    .option('--producer.config <file>', 'a properties file of producer settings')
    .option('--bootstrap-server <servers>', 'shorthand for --producer-props bootstrap.servers=…')
    .option('--transactional-id <id>', 'send in transactions with this transactional id (wins over transactional.id in the producer settings)')
    .option('--transaction-duration-ms <ms>', `commit each transaction once it is this old; turns transactions on (default with a transactional id: ${DEFAULT_TRANSACTION_DURATION_MS})`)
    .option('--print-metrics', 'print the producer\'s metrics at the end')
    .addHelpText('after', `
Example:
  kafkats producer-perf-test --topic perf --num-records 100000 --record-size 100 --throughput -1 --producer-props bootstrap.servers=localhost:9092 acks=all
  kafkats producer-perf-test --topic perf --num-records 100000 --record-size 100 --throughput -1 --bootstrap-server localhost:9092 --transaction-duration-ms 500 --print-metrics`)
    .action(cliAction('producer-perf-test', runProducerPerf));
}

/** Java-properties lines (`k=v` or `k: v`, `#` comments) → entries. */
export function parseProperties(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('!')).map((l) => l.replace(/^([^=:\s]+)\s*[:=]\s*/, '$1='));
}

/** ProducerPerformance's statistics: a 5 s window and the totals with a sample of latencies. */
export class PerfStats {
  private readonly start = Date.now();
  private windowStart = Date.now();
  private windowCount = 0;
  private windowBytes = 0;
  private windowTotalLatency = 0;
  private windowMaxLatency = 0;
  count = 0;
  bytes = 0;
  private totalLatency = 0;
  private maxLatency = 0;
  private readonly latencies: number[] = [];
  private readonly sampling: number;

  constructor(numRecords: number, private readonly reportingIntervalMs = 5000, private readonly out: (line: string) => void = (l) => process.stdout.write(l)) {
    this.sampling = Math.max(1, Math.floor(numRecords / Math.min(numRecords, 500_000)));
  }

  record(latencyMs: number, bytes: number, now: number): void {
    this.count++;
    this.bytes += bytes;
    this.totalLatency += latencyMs;
    this.maxLatency = Math.max(this.maxLatency, latencyMs);
    this.windowCount++;
    this.windowBytes += bytes;
    this.windowTotalLatency += latencyMs;
    this.windowMaxLatency = Math.max(this.windowMaxLatency, latencyMs);
    if (this.count % this.sampling === 0) this.latencies.push(latencyMs);
    if (now - this.windowStart >= this.reportingIntervalMs) {
      this.printWindow(now);
      this.windowStart = now;
      this.windowCount = this.windowBytes = this.windowTotalLatency = this.windowMaxLatency = 0;
    }
  }

  private printWindow(now: number): void {
    const elapsed = Math.max(1, now - this.windowStart);
    this.out(`${this.windowCount} records sent, ${(1000 * this.windowCount / elapsed).toFixed(1)} records/sec (${(1000 * this.windowBytes / elapsed / (1024 * 1024)).toFixed(2)} MB/sec), ${(this.windowTotalLatency / this.windowCount).toFixed(1)} ms avg latency, ${this.windowMaxLatency.toFixed(1)} ms max latency.\n`);
  }

  printTotal(): void {
    const elapsed = Math.max(1, Date.now() - this.start);
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const pct = (p: number): number => (sorted.length === 0 ? 0 : Math.trunc(sorted[Math.min(sorted.length - 1, Math.trunc(p * sorted.length))]!));
    const avg = this.count === 0 ? 0 : this.totalLatency / this.count;
    this.out(`${this.count} records sent, ${(1000 * this.count / elapsed).toFixed(1)} records/sec (${(1000 * this.bytes / elapsed / (1024 * 1024)).toFixed(2)} MB/sec), ${avg.toFixed(2)} ms avg latency, ${this.maxLatency.toFixed(2)} ms max latency, ${pct(0.5)} ms 50th, ${pct(0.95)} ms 95th, ${pct(0.99)} ms 99th, ${pct(0.999)} ms 99.9th.\n`);
  }
}

function randomPayload(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = 65 + Math.floor(Math.random() * 26);
  return b;
}

function acksOf(v: string | undefined): number {
  switch (v ?? 'all') {
    case 'all': case '-1': return -1;
    case '1': return 1;
    case '0': return 0;
    default: throw new CliError(`invalid acks '${v}': use all, -1, 1 or 0`);
  }
}

async function runProducerPerf(opts: ProducerPerfOptions): Promise<void> {
  if (opts.topic === undefined) throw new CliError('--topic is required');
  const numRecords = parseIntOption('--num-records', opts.numRecords, { min: 1 });
  if (numRecords === undefined) throw new CliError('--num-records is required');
  if (opts.throughput === undefined) throw new CliError('--throughput is required (-1 for no limit)');
  const throughput = parseIntOption('--throughput', opts.throughput, { min: -1 })!;
  if ((opts.recordSize === undefined) === (opts.payloadFile === undefined)) throw new CliError('exactly one of --record-size and --payload-file is required');
  const recordSize = parseIntOption('--record-size', opts.recordSize, { min: 0 });
  let payloads: Buffer[] = [];
  if (opts.payloadFile !== undefined) {
    const delimiter = opts.payloadDelimiter.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
    let text: string;
    try {
      text = readFileSync(opts.payloadFile, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read --payload-file ${opts.payloadFile}: ${(err as Error).message}`);
    }
    payloads = text.split(delimiter).filter((p) => p !== '').map((p) => Buffer.from(p));
    if (payloads.length === 0) throw new CliError(`File is empty: ${opts.payloadFile}`);
    process.stdout.write(`Reading payloads from: ${opts.payloadFile}\nNumber of messages read: ${payloads.length}\n`);
  } else payloads = [randomPayload(recordSize!)];

  const entries: string[] = [];
  if (opts.producerConfig !== undefined) {
    try {
      entries.push(...parseProperties(readFileSync(opts.producerConfig, 'utf8')));
    } catch (err) {
      throw new CliError(`cannot read --producer.config ${opts.producerConfig}: ${(err as Error).message}`);
    }
  }
  entries.push(...opts.producerProps);
  if (opts.bootstrapServer !== undefined) entries.push(`bootstrap.servers=${opts.bootstrapServer}`);
  const props = parseKeyValues(entries, '--producer-props entry');
  if (!props.has('bootstrap.servers')) throw new CliError('bootstrap.servers is required: --producer-props bootstrap.servers=host:port (or --bootstrap-server)');
  const bootstrap = parseBootstrapServers(props.get('bootstrap.servers'));
  const acks = acksOf(props.get('acks'));
  const compression = compressionTypeFor(props.get('compression.type'));
  const batchSize = parseIntOption('batch.size', props.get('batch.size') ?? '16384', { min: 1 })!;
  const lingerMs = parseIntOption('linger.ms', props.get('linger.ms') ?? '0')!;

  const transactionDurationOption = parseIntOption('--transaction-duration-ms', opts.transactionDurationMs, { min: 1 });
  const transactionalId = opts.transactionalId ?? props.get('transactional.id') ?? (transactionDurationOption !== undefined ? `performance-producer-${randomUUID()}` : undefined);
  const transactionDurationMs = transactionalId === undefined ? undefined : transactionDurationOption ?? DEFAULT_TRANSACTION_DURATION_MS;

  const clientId = props.get('client.id') ?? 'perf-producer-client';
  const kafka = createKafka(bootstrap, clientId);
  const producer = transactionalId !== undefined
    ? kafka.producer({ allowAutoTopicCreation: true, transactionalId, idempotent: true, maxInFlightRequests: 1 })
    : kafka.producer({ allowAutoTopicCreation: true, idempotent: props.get('enable.idempotence') === 'true', maxInFlightRequests: 5 });
  const requests = new RequestStats(producer);
  const txnTimesNs = { begin: 0, commit: 0 };
  /** Runs a transaction step and adds its duration in nanoseconds (Kafka's txn-*-time-ns-total). */
  const timed = async <T>(which: keyof typeof txnTimesNs, fn: () => Promise<T>): Promise<T> => {
    const t0 = process.hrtime.bigint();
    try {
      return await fn();
    } finally {
      txnTimesNs[which] += Number(process.hrtime.bigint() - t0);
    }
  };
  await producer.connect();
  const stats = new PerfStats(numRecords);
  const progress = new Progress('records sent', numRecords);
  const start = Date.now();
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;
  let errors = 0;
  let transaction: Transaction | null = null;
  let transactionStart = 0;
  const commit = async (): Promise<void> => {
    await Promise.all(inFlight);
    if (failure !== null || transaction === null) return;
    const t = transaction;
    transaction = null;
    await timed('commit', () => t.commit());
  };
  try {
    let i = 0;
    while (i < numRecords && failure === null) {
      const batch: Array<{ value: Buffer }> = [];
      const created: number[] = [];
      let bytes = 0;
      const batchStart = Date.now();
      while (i < numRecords && (batch.length === 0 || bytes < batchSize)) {
        if (throughput > 0) {
          // Kafka's ThroughputThrottler: never ahead of `throughput` records per second since the start.
          const due = start + (i * 1000) / throughput;
          const wait = due - Date.now();
          if (wait > 0) {
            if (batch.length > 0) break;
            await SYSTEM_TIME.sleep(Math.min(wait, 100));
            continue;
          }
        }
        const value = payloads[payloads.length === 1 ? 0 : Math.floor(Math.random() * payloads.length)]!;
        batch.push({ value });
        created.push(Date.now());
        bytes += value.length;
        i++;
        if (lingerMs > 0 && Date.now() - batchStart >= lingerMs) break;
      }
      if (batch.length === 0) continue;
      if (transactionalId !== undefined && transaction === null) {
        transaction = await timed('begin', () => producer.transaction());
        transactionStart = Date.now();
      }
      while (inFlight.size >= 5) await Promise.race(inFlight);
      const sender = transaction ?? producer;
      const p = sender.send({ topic: opts.topic, acks, compression, messages: batch }).then(() => {
        const now = Date.now();
        batch.forEach((m, k) => stats.record(now - created[k]!, m.value.length, now));
        progress.update(stats.count);
      }, (err: unknown) => {
        errors += batch.length;
        failure ??= err;
      }).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (transaction !== null && Date.now() - transactionStart >= transactionDurationMs!) await commit();
    }
    await commit();
    await Promise.all(inFlight);
  } finally {
    progress.done();
    if (transaction !== null) await (transaction as Transaction).abort().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
  }
  if (failure !== null) throw failure;
  stats.printTotal();
  if (opts.printMetrics) {
    const produce = requests.of('Produce');
    const all = requests.of();
    const elapsedSec = Math.max(1, Date.now() - start) / 1000;
    const values: MetricValues = new Map([
      ['producer-metrics:record-send-total', stats.count],
      ['producer-metrics:record-send-rate', stats.count / elapsedSec],
      ['producer-metrics:record-error-total', errors],
      ['producer-metrics:record-size-avg', avg(stats.bytes, stats.count)],
      ['producer-metrics:records-per-request-avg', avg(stats.count, produce.count)],
      ['producer-metrics:produce-request-total', produce.count],
      ['producer-metrics:request-latency-avg', avg(produce.latencySum, produce.count)],
      ['producer-metrics:request-latency-max', produce.count === 0 ? NaN : produce.latencyMax],
      ['producer-metrics:request-total', all.count],
      ['producer-metrics:request-rate', all.count / elapsedSec],
      ['producer-metrics:incoming-byte-total', all.bytes],
    ]);
    if (transactionalId !== undefined) {
      values.set('producer-metrics:txn-begin-time-ns-total', txnTimesNs.begin);
      values.set('producer-metrics:txn-commit-time-ns-total', txnTimesNs.commit);
    }
    process.stdout.write(formatMetrics(values, clientId));
  }
}
