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
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
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
}

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
    .addHelpText('after', `
Example:
  kafkats producer-perf-test --topic perf --num-records 100000 --record-size 100 --throughput -1 --producer-props bootstrap.servers=localhost:9092 acks=all`)
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
  private bytes = 0;
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

  const kafka = createKafka(bootstrap, props.get('client.id') ?? 'perf-producer-client');
  const producer = kafka.producer({ allowAutoTopicCreation: true, idempotent: props.get('enable.idempotence') === 'true', maxInFlightRequests: 5 });
  await producer.connect();
  const stats = new PerfStats(numRecords);
  const progress = new Progress('records sent', numRecords);
  const start = Date.now();
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;
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
      while (inFlight.size >= 5) await Promise.race(inFlight);
      const p = producer.send({ topic: opts.topic, acks, compression, messages: batch }).then(() => {
        const now = Date.now();
        batch.forEach((m, k) => stats.record(now - created[k]!, m.value.length, now));
        progress.update(stats.count);
      }, (err: unknown) => {
        failure ??= err;
      }).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
  } finally {
    progress.done();
    await producer.disconnect().catch(() => undefined);
  }
  if (failure !== null) throw failure;
  stats.printTotal();
}
