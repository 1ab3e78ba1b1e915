/**
 * `kafkats delete-records` — Kafka's kafka-delete-records.sh (DeleteRecordsCommand): the
 * `--offset-json-file` (`{"partitions":[{"topic":"t","partition":0,"offset":10}],"version":1}`,
 * offset -1 for the high watermark) becomes DeleteRecords requests sent to each partition's
 * leader; every partition's new low watermark, or its error, is printed as Kafka's tool does.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { ApiKeys } from '../protocol/index.js';
import { Errors, errorForCode } from '../protocol/errors.js';
import { withAdmin } from './admin-client.js';
import { CliError, cliAction, parseBootstrapServers } from './cli-support.js';

interface DeleteRecordsOptions {
  bootstrapServer?: string;
  offsetJsonFile?: string;
}

interface RecordsToDelete {
  topic: string;
  partition: number;
  offset: bigint;
}

export function registerDeleteRecords(program: Command): void {
  program
    .command('delete-records')
    .description('delete records of partitions up to an offset (Kafka\'s kafka-delete-records.sh)')
    .option('--bootstrap-server <servers>', 'the brokers to connect to: host:port[,host:port…]')
    .option('--offset-json-file <file>', 'JSON file with the partitions and the offset to delete up to')
    .addHelpText('after', `
Offset JSON file:
  {"partitions":[{"topic":"orders","partition":0,"offset":1000}],"version":1}   (offset -1: up to the high watermark)

Example:
  kafkats delete-records --bootstrap-server localhost:9092 --offset-json-file offsets.json`)
    .action(cliAction('delete-records', runDeleteRecords));
}

/** Kafka's DeleteRecordsCommand.parseOffsetJsonStringWithoutDedup, with its duplicate check. */
export function parseOffsetJson(json: string): RecordsToDelete[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new CliError(`The offset JSON file is not valid JSON: ${(err as Error).message}`);
  }
  const o = parsed as { version?: unknown; partitions?: unknown };
  if (typeof o !== 'object' || o === null || o.version !== 1) throw new CliError(`Not supported version field value ${JSON.stringify(o?.version)}`);
  if (!Array.isArray(o.partitions)) throw new CliError('Missing partitions field');
  const out = o.partitions.map((p: { topic?: unknown; partition?: unknown; offset?: unknown }) => {
    if (typeof p.topic !== 'string' || p.topic === '') throw new CliError(`Missing or invalid topic in ${JSON.stringify(p)}`);
    if (!Number.isInteger(p.partition) || (p.partition as number) < 0) throw new CliError(`Missing or invalid partition in ${JSON.stringify(p)}`);
    if (!Number.isInteger(p.offset) || (p.offset as number) < -1) throw new CliError(`Missing or invalid offset in ${JSON.stringify(p)}`);
    return { topic: p.topic, partition: p.partition as number, offset: BigInt(p.offset as number) };
  });
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const r of out) {
    const k = `${r.topic}-${r.partition}`;
    if (seen.has(k)) duplicates.add(k);
    seen.add(k);
  }
  if (duplicates.size > 0) throw new CliError(`Offset json file contains duplicate topic partitions: ${[...duplicates].join(',')}`);
  return out;
}

async function runDeleteRecords(opts: DeleteRecordsOptions): Promise<void> {
  const bootstrap = parseBootstrapServers(opts.bootstrapServer);
  if (opts.offsetJsonFile === undefined) throw new CliError('Missing required argument "[offset-json-file]"');
  let json: string;
  try {
    json = fs.readFileSync(opts.offsetJsonFile, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read --offset-json-file ${opts.offsetJsonFile}: ${(err as Error).message}`);
  }
  const records = parseOffsetJson(json);
  await withAdmin(bootstrap, async (admin) => {
    process.stdout.write('Executing records delete operation\n');
    const m = await admin.metadata([...new Set(records.map((r) => r.topic))]);
    const address = new Map(m.brokers.map((b) => [b.nodeId, `${b.host}:${b.port}`]));
    const results = new Map<string, string>();
    const byLeader = new Map<string, RecordsToDelete[]>();
    for (const r of records) {
      const t = m.topics.find((x) => x.name === r.topic);
      const p = t?.partitions.find((x) => x.partitionIndex === r.partition);
      const leader = p === undefined ? undefined : address.get(p.leaderId);
      if (t === undefined || t.errorCode !== Errors.NONE.code || p === undefined) {
        results.set(`${r.topic}-${r.partition}`, `error: ${errorForCode(t?.errorCode ?? Errors.UNKNOWN_TOPIC_OR_PARTITION.code).message}`);
      } else if (leader === undefined) {
        results.set(`${r.topic}-${r.partition}`, `error: ${Errors.LEADER_NOT_AVAILABLE.message}`);
      } else {
        byLeader.set(leader, [...(byLeader.get(leader) ?? []), r]);
      }
    }
    for (const [leader, rs] of byLeader) {
      const topics = [...new Set(rs.map((r) => r.topic))].map((name) => ({
        name,
        partitions: rs.filter((r) => r.topic === name).map((r) => ({ partitionIndex: r.partition, offset: r.offset })),
      }));
      const resp = await admin.send(leader, ApiKeys.DELETE_RECORDS, 2, { topics, timeoutMs: 30_000 });
      for (const t of resp.topics) {
        for (const p of t.partitions) {
          results.set(`${t.name}-${p.partitionIndex}`, p.errorCode === Errors.NONE.code ? `low_watermark: ${p.lowWatermark}` : `error: ${errorForCode(p.errorCode).message}`);
        }
      }
    }
    process.stdout.write('Records delete operation completed:\n');
    for (const r of records) {
      const k = `${r.topic}-${r.partition}`;
      process.stdout.write(`partition: ${k}\t${results.get(k) ?? `error: ${Errors.UNKNOWN_SERVER_ERROR.message}`}\n`);
    }
  }, 'kafkats-delete-records');
}
