/**
 * `kafkats console-producer` — Kafka's kafka-console-producer.sh: one record per stdin line, sent
 * with kafkajs. Line parsing follows Kafka's LineMessageReader properties: parse.key /
 * key.separator (tab), parse.headers / headers.delimiter (tab) / headers.separator (,) /
 * headers.key.separator (:), null.marker, ignore.error. So with both on, a line is
 * `h1:v1,h2:v2<TAB>key<TAB>value`. Like Kafka it prints nothing on success (a `>` prompt only when
 * stdin is a terminal); a failed send is reported and exits 1.
 */
import type { Command } from 'commander';
import kafkajs, { type Message } from 'kafkajs';
import { CliError, cliAction, collect, parseBootstrapServers, parseIntOption, parseKeyValues, stdinLines } from './cli-support.js';
import { compressionTypeFor, createKafka, kafkajsSecurity } from './kafkajs-support.js';
import { CLIENT_CONFIG_HELP, commandConfigSecurity } from './command-config.js';

interface ProducerOptions {
  bootstrapServer?: string;
  topic?: string;
  property: string[];
  producerProperty: string[];
  acks?: string;
  requestRequiredAcks?: string;
  compressionCodec?: string | boolean;
  partition?: string;
  sync?: boolean;
  batchSize?: string;
  timeout?: string;
  commandConfig?: string;
  'producer.config'?: string;
}

export interface LineReaderConfig {
  parseKey: boolean;
  keySeparator: string;
  parseHeaders: boolean;
  headersDelimiter: string;
  headersSeparator: string;
  headersKeySeparator: string;
  nullMarker: string | null;
  ignoreError: boolean;
}

export function lineReaderConfig(props: Map<string, string>): LineReaderConfig {
  const known = new Set(['parse.key', 'key.separator', 'parse.headers', 'headers.delimiter', 'headers.separator', 'headers.key.separator', 'null.marker', 'ignore.error']);
  for (const k of props.keys()) if (!known.has(k)) throw new CliError(`unknown --property '${k}' (known: ${[...known].join(', ')})`);
  const cfg: LineReaderConfig = {
    parseKey: props.get('parse.key')?.trim().toLowerCase() === 'true',
    keySeparator: props.get('key.separator') ?? '\t',
    parseHeaders: props.get('parse.headers')?.trim().toLowerCase() === 'true',
    headersDelimiter: props.get('headers.delimiter') ?? '\t',
    headersSeparator: props.get('headers.separator') ?? ',',
    headersKeySeparator: props.get('headers.key.separator') ?? ':',
    nullMarker: props.get('null.marker') ?? null,
    ignoreError: props.get('ignore.error')?.trim().toLowerCase() === 'true',
  };
  for (const [k, v] of [['key.separator', cfg.keySeparator], ['headers.delimiter', cfg.headersDelimiter], ['headers.separator', cfg.headersSeparator], ['headers.key.separator', cfg.headersKeySeparator]] as const) {
    if (v === '') throw new CliError(`${k} must not be empty`);
  }
  if (cfg.nullMarker === '') throw new CliError('null.marker must not be empty');
  return cfg;
}

/** Kafka's LineMessageReader: one line → key, value and headers (null.marker → null). */
export function parseLine(line: string, lineNumber: number, cfg: LineReaderConfig): { key: string | null; value: string | null; headers: Record<string, string | null> } {
  let rest = line;
  const headers: Record<string, string | null> = {};
  const nul = (s: string): string | null => (cfg.nullMarker !== null && s === cfg.nullMarker ? null : s);
  if (cfg.parseHeaders) {
    const i = rest.indexOf(cfg.headersDelimiter);
    if (i < 0) {
      if (!cfg.ignoreError) throw new CliError(`No headers delimiter found on line number ${lineNumber}: '${line}'`);
    } else {
      const text = rest.slice(0, i);
      rest = rest.slice(i + cfg.headersDelimiter.length);
      if (text !== '') {
        for (const pair of text.split(cfg.headersSeparator)) {
          const j = pair.indexOf(cfg.headersKeySeparator);
          if (j < 0) {
            if (cfg.ignoreError) continue;
            throw new CliError(`No header key separator found in pair '${pair}' on line number ${lineNumber}`);
          }
          const hk = pair.slice(0, j);
          if (cfg.nullMarker !== null && hk === cfg.nullMarker) throw new CliError(`Header keys should not be equal to the null marker '${cfg.nullMarker}' as they can't be null`);
          headers[hk] = nul(pair.slice(j + cfg.headersKeySeparator.length));
        }
      }
    }
  }
  let key: string | null = null;
  if (cfg.parseKey) {
    const i = rest.indexOf(cfg.keySeparator);
    if (i < 0) {
      if (!cfg.ignoreError) throw new CliError(`No key separator found on line number ${lineNumber}: '${line}'`);
    } else {
      key = nul(rest.slice(0, i));
      rest = rest.slice(i + cfg.keySeparator.length);
    }
  }
  return { key, value: nul(rest), headers };
}

function parseAcks(value: string | undefined): -1 | 0 | 1 {
  if (value === undefined) return -1;
  const v = value.trim().toLowerCase();
  if (v === 'all' || v === '-1') return -1;
  if (v === '0') return 0;
  if (v === '1') return 1;
  throw new CliError(`invalid acks '${value}': use all, -1, 0 or 1`);
}

export function registerConsoleProducer(program: Command): void {
  program
    .command('console-producer')
    .description('send stdin lines as records (Kafka\'s kafka-console-producer.sh)')
    .option('--bootstrap-server <servers>', 'the brokers to connect to: host:port[,host:port…]')
    .option('--topic <topic>', 'the topic to produce to')
    .option('--property <key=value>', 'line parsing: parse.key, key.separator, parse.headers, headers.delimiter, headers.separator, headers.key.separator, null.marker, ignore.error (repeatable)', collect, [] as string[])
    .option('--command-config <file>', CLIENT_CONFIG_HELP)
    .option('--producer.config <file>', 'Kafka\'s older name of --command-config')
    .option('--producer-property <key=value>', 'producer settings: acks, compression.type, linger.ms (repeatable; others are ignored with a warning)', collect, [] as string[])
    .option('--acks <acks>', 'required acknowledgements: all (-1), 1 or 0 (default all)')
    .option('--request-required-acks <acks>', 'Kafka\'s spelling of --acks')
    .option('--compression-codec [codec]', 'none, gzip, snappy, lz4 or zstd (gzip when given without a value)')
    .option('--partition <n>', 'send every record to this partition (kafkats extension; default: the key\'s murmur2 partition, round robin without a key)')
    .option('--sync', 'send each record on its own and wait for its acknowledgement')
    .option('--batch-size <n>', 'records per produce request when not --sync (default 200)')
    .option('--timeout <ms>', 'longest wait for a batch to fill (linger) in ms (default 1000 like Kafka)')
    .addHelpText('after', `
Examples:
  printf 'a\\nb\\n' | kafkats console-producer --bootstrap-server localhost:9092 --topic orders
  kafkats console-producer --bootstrap-server localhost:9092 --topic orders --property parse.key=true --property key.separator=: --compression-codec zstd`)
    .action(cliAction('console-producer', runProducer));
}

async function runProducer(opts: ProducerOptions): Promise<void> {
  const bootstrap = parseBootstrapServers(opts.bootstrapServer);
  if (!opts.topic) throw new CliError('--topic is required');
  const topic = opts.topic;
  const cfg = lineReaderConfig(parseKeyValues(opts.property, '--property'));
  const producerProps = parseKeyValues(opts.producerProperty, '--producer-property');
  for (const k of producerProps.keys()) {
    if (!['acks', 'compression.type', 'linger.ms'].includes(k)) process.stderr.write(`WARN: --producer-property ${k} is not used by kafkats console-producer\n`);
  }
  const acks = parseAcks(opts.acks ?? opts.requestRequiredAcks ?? producerProps.get('acks'));
  const codecName = opts.compressionCodec === true ? 'gzip' : (opts.compressionCodec || producerProps.get('compression.type'));
  const compression = compressionTypeFor(codecName);
  const partition = parseIntOption('--partition', opts.partition);
  const batchSize = opts.sync ? 1 : (parseIntOption('--batch-size', opts.batchSize, { min: 1 }) ?? 200);
  const lingerMs = parseIntOption('--timeout', opts.timeout ?? producerProps.get('linger.ms')) ?? 1000;

  const security = commandConfigSecurity(opts.commandConfig ?? opts['producer.config'], 'console-producer');
  const kafka = createKafka(bootstrap, 'console-producer', kafkajsSecurity(security));
  const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner, allowAutoTopicCreation: true });
  await producer.connect();
  let pending: Message[] = [];
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown = null;
  let timer: NodeJS.Timeout | null = null;
  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending.length === 0) return chain;
    const messages = pending;
    pending = [];
    chain = chain.then(async () => {
      if (failure !== null) return;
      try {
        await producer.send({ topic, messages, acks, compression });
      } catch (err) {
        failure = err;
      }
    });
    return chain;
  };
  const interactive = process.stdin.isTTY === true;
  try {
    let lineNumber = 0;
    if (interactive) process.stdout.write('>');
    for await (const line of stdinLines()) {
      lineNumber++;
      if (failure !== null) break;
      const { key, value, headers } = parseLine(line, lineNumber, cfg);
      const message: Message = { key, value, headers: Object.keys(headers).length > 0 ? headers as Message['headers'] : undefined };
      if (partition !== undefined) message.partition = partition;
      pending.push(message);
      if (pending.length >= batchSize) await flush();
      else if (!timer) timer = setTimeout(() => void flush(), lingerMs);
      if (interactive) {
        if (opts.sync) await chain;
        process.stdout.write('>');
      }
    }
    await flush();
    if (failure !== null) throw failure;
  } catch (err) {
    // A bad line stops the run as in Kafka, but the lines before it are still sent.
    await flush();
    throw err;
  } finally {
    if (timer) clearTimeout(timer);
    await producer.disconnect().catch(() => undefined);
  }
}
