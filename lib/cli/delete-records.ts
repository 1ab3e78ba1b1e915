/**
 * `kafkats delete-records` — Kafka's kafka-delete-records.sh (DeleteRecordsCommand): reads
 * `{"partitions": [{"topic": "t", "partition": 0, "offset": 5}], "version": 1}` (offset -1: up to
 * the high watermark), sends DeleteRecords to each partition's leader and prints
 * `Executing records delete operation`, `Records delete operation completed:` and one
 * `partition: t-0<TAB>low_watermark: 5` (or `<TAB>error: …`) line per partition.
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { ApiKeys } from '../protocol/index.js';
import { Errors, errorForCode } from '../protocol/errors.js';
import { withAdmin } from './admin-client.js';
import { CliError, cliAction, parseBootstrapServers, parseIntOption } from './cli-support.js';

interface DeleteRecordsOptions {
  bootstrapServer?: string;
  offsetJsonFile?: string;
  timeoutMs: string;
}

export function registerDeleteRecords(program: Command): void {
  program
    .command('delete-records')
    .description('delete the records of partitions below given offsets (Kafka\'s kafka-delete-records.sh)')
    .option('--bootstrap-server <servers>', 'the brokers to connect to: host:port[,host:port…]')
    .option('--offset-json-file <file>', 'JSON with an offset per partition: {"partitions": [{"topic": "foo", "partition": 1, "offset": 1}], "version": 1}')
    .option('--timeout-ms <ms>', 'how long the leaders may wait for the followers to move their log start', '30000')
    .addHelpText('after', `
Examples:
  echo '{"partitions": [{"topic": "orders", "partition": 0, "offset": 100}], "version": 1}' > offsets.json
  kafkats delete-records --bootstrap-server localhost:9092 --offset-json-file offsets.json`)
    .action(cliAction('delete-records', runDeleteRecords));
}

export interface RecordsToDelete {
  topic: string;
  partition: number;
  offset: bigint;
}

/** Kafka's offset JSON (version 1, the only one): the partitions and offsets, duplicates refused. */
export function parseOffsetJson(text: string): RecordsToDelete[] {
  let js: unknown;
  try {
    js = JSON.parse(text);
  } catch {
    throw new CliError('The input string is not a valid JSON');
  }
  if (typeof js !== 'object' || js === null || Array.isArray(js)) throw new CliError('The input string is not a valid JSON object');
  const o = js as { version?: unknown; partitions?: unknown };
  const version = o.version ?? 1;
  if (version !== 1) throw new CliError(`Not supported version field value ${JSON.stringify(version)}`);
  if (!Array.isArray(o.partitions)) throw new CliError('Missing partitions field');
  const out: RecordsToDelete[] = o.partitions.map((p: unknown, i: number) => {
    const e = p as { topic?: unknown; partition?: unknown; offset?: unknown };
    if (typeof e?.topic !== 'string' || !Number.isInteger(e.partition) || !Number.isInteger(e.offset)) {
      throw new CliError(`partitions[${i}] must be {"topic": string, "partition": integer, "offset": integer}, got ${JSON.stringify(p)}`);
    }
    return { topic: e.topic, partition: e.partition as number, offset: BigInt(e.offset as number) };
  });
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const e of out) {
    const k = `${e.topic}-${e.partition}`;
    if (seen.has(k)) dups.add(k);
    seen.add(k);
  }
  if (dups.size > 0) throw new CliError(`Offset json file contains duplicate topic partitions: ${[...dups].join(',')}`);
  return out;
}

async function runDeleteRecords(opts: DeleteRecordsOptions): Promise<void> {
  const bootstrap = parseBootstrapServers(opts.bootstrapServer);
  if (opts.offsetJsonFile === undefined) throw new CliError('--offset-json-file is required');
  const timeoutMs = parseIntOption('--timeout-ms', opts.timeoutMs)!;
  let text: string;
  try {
    text = readFileSync(opts.offsetJsonFile, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read --offset-json-file ${opts.offsetJsonFile}: ${(err as Error).message}`);
  }
  const wanted = parseOffsetJson(text);
  await withAdmin(bootstrap, async (admin) => {
    process.stdout.write('Executing records delete operation\n');
    const m = await admin.metadata([...new Set(wanted.map((w) => w.topic))]);
    const address = new Map(m.brokers.map((b) => [b.nodeId, `${b.host}:${b.port}`]));
    const lineOf = new Map<string, string>();
    const byLeader = new Map<string, RecordsToDelete[]>();
    for (const w of wanted) {
      const t = m.topics.find((x) => x.name === w.topic);
      const p = t?.errorCode === Errors.NONE.code ? t.partitions.find((x) => x.partitionIndex === w.partition) : undefined;
      const leader = p !== undefined ? address.get(p.leaderId) : undefined;
      if (leader === undefined) {
        const why = (p === undefined ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.LEADER_NOT_AVAILABLE).message;
        lineOf.set(`${w.topic}-${w.partition}`, `partition: ${w.topic}-${w.partition}\terror: ${why}`);
        continue;
      }
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), w]);
    }
    await Promise.all([...byLeader].map(async ([leader, ws]) => {
      const byTopic = new Map<string, RecordsToDelete[]>();
      for (const w of ws) byTopic.set(w.topic, [...(byTopic.get(w.topic) ?? []), w]);
      const r = await admin.send(leader, ApiKeys.DELETE_RECORDS, 2, {
        timeoutMs,
        topics: [...byTopic].map(([name, es]) => ({ name, partitions: es.map((e) => ({ partitionIndex: e.partition, offset: e.offset })) })),
      });
      for (const t of r.topics) {
        for (const p of t.partitions) {
          lineOf.set(`${t.name}-${p.partitionIndex}`, p.errorCode === Errors.NONE.code
            ? `partition: ${t.name}-${p.partitionIndex}\tlow_watermark: ${p.lowWatermark}`
            : `partition: ${t.name}-${p.partitionIndex}\terror: ${errorForCode(p.errorCode).message}`);
        }
      }
    }));
    // In the offset file's order, whichever leader answers first.
    const lines = wanted.map((w) => lineOf.get(`${w.topic}-${w.partition}`)).filter((l): l is string => l !== undefined);
    process.stdout.write('Records delete operation completed:\n' + lines.join('\n') + (lines.length > 0 ? '\n' : ''));
    // Kafka's tool prints a partition's failure (the error's message) and still exits 0.
  }, 'kafkats-delete-records');
}
