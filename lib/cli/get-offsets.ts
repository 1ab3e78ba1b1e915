/**
 * `kafkats get-offsets` — Kafka's kafka-get-offsets.sh (GetOffsetShell): ListOffsets for each
 * partition of the matching topics, sent to each partition's leader, printed as `topic:partition:offset`
 * sorted by topic and partition. --time -1 is the latest offset (log end), -2 the earliest (log
 * start), -3 the offset of the record with the largest timestamp, and any other value the first
 * offset whose timestamp is at or after it (nothing after the second colon when there is none).
 */
import type { Command } from 'commander';
import { ApiKeys } from '../protocol/index.js';
import { type AdminClient, errorText, withAdmin } from './admin-client.js';
import { COMMAND_CONFIG_HELP, commandConfigSecurity } from './command-config.js';
import { CliError, cliAction, parseBootstrapServers } from './cli-support.js';
import { Errors } from '../protocol/errors.js';

interface GetOffsetsOptions {
  bootstrapServer?: string;
  commandConfig?: string;
  topic?: string;
  partitions?: string;
  time: string;
  excludeInternalTopics?: boolean;
}

export function registerGetOffsets(program: Command): void {
  program
    .command('get-offsets')
    .description('print partition offsets as topic:partition:offset (Kafka\'s kafka-get-offsets.sh)')
    .option('--bootstrap-server <servers>', 'the brokers to connect to: host:port[,host:port…]')
    .option('--command-config <file>', COMMAND_CONFIG_HELP)
    .option('--topic <topic>', 'topic name or regular expression (default: all topics)')
    .option('--partitions <list>', 'comma-separated partition ids (default: all)')
    .option('--time <time>', '-1 or latest, -2 or earliest, -3 or max-timestamp, or a timestamp in ms', '-1')
    .option('--exclude-internal-topics', 'leave out internal topics')
    .addHelpText('after', `
Examples:
  kafkats get-offsets --bootstrap-server localhost:9092 --topic orders
  kafkats get-offsets --bootstrap-server localhost:9092 --topic orders --time -2`)
    .action(cliAction('get-offsets', runGetOffsets));
}

export function parseTime(value: string): bigint {
  const v = value.trim().toLowerCase();
  if (v === 'latest') return -1n;
  if (v === 'earliest') return -2n;
  if (v === 'max-timestamp') return -3n;
  if (!/^-?\d+$/.test(v) || BigInt(v) < -3n) throw new CliError(`--time must be -1 (latest), -2 (earliest), -3 (max-timestamp) or a timestamp in ms, got '${value}'`);
  return BigInt(v);
}

async function runGetOffsets(opts: GetOffsetsOptions): Promise<void> {
  const bootstrap = parseBootstrapServers(opts.bootstrapServer);
  const time = parseTime(opts.time);
  const wantedPartitions = opts.partitions !== undefined
    ? new Set(opts.partitions.split(',').map((p) => {
      if (!/^\d+$/.test(p.trim())) throw new CliError(`invalid partition '${p}' in --partitions`);
      return Number(p);
    }))
    : null;
  await withAdmin(bootstrap, async (admin) => {
    const lines = await getOffsets(admin, opts.topic, wantedPartitions, time, opts.excludeInternalTopics === true);
    if (lines.length > 0) process.stdout.write(lines.join('\n') + '\n');
  }, 'kafkats-get-offsets', commandConfigSecurity(opts.commandConfig, 'kafkats-get-offsets'));
}

export async function getOffsets(admin: AdminClient, topicPattern: string | undefined, partitions: Set<number> | null, time: bigint, excludeInternal: boolean): Promise<string[]> {
  const m = await admin.metadata(null);
  let match: (t: string) => boolean = () => true;
  if (topicPattern !== undefined) {
    let re: RegExp | null = null;
    try {
      re = new RegExp(`^(?:${topicPattern})$`);
    } catch {
      re = null;
    }
    match = (t) => t === topicPattern || (re !== null && re.test(t));
  }
  const topics = m.topics.filter((t) => t.name !== null && t.errorCode === Errors.NONE.code && match(t.name) && !(excludeInternal && t.isInternal));
  if (topics.length === 0 && topicPattern !== undefined) throw new CliError(`Could not match any topic-partitions with the specified filters (topic '${topicPattern}')`);
  const address = new Map(m.brokers.map((b) => [b.nodeId, `${b.host}:${b.port}`]));
  const byLeader = new Map<number, Array<{ topic: string; partition: number }>>();
  const results: Array<{ topic: string; partition: number; offset: string }> = [];
  for (const t of topics) {
    for (const p of t.partitions) {
      if (partitions !== null && !partitions.has(p.partitionIndex)) continue;
      if (p.leaderId < 0 || !address.has(p.leaderId)) {
        process.stderr.write(`Skipping partition ${t.name}-${p.partitionIndex}: it has no leader\n`);
        continue;
      }
      byLeader.set(p.leaderId, [...(byLeader.get(p.leaderId) ?? []), { topic: t.name as string, partition: p.partitionIndex }]);
    }
  }
  const version = time === -3n ? 7 : 1;
  for (const [leader, tps] of byLeader) {
    const byTopic = new Map<string, number[]>();
    for (const tp of tps) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
    const r = await admin.send(address.get(leader)!, ApiKeys.LIST_OFFSETS, version, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [...byTopic].map(([name, ps]) => ({ name, partitions: ps.map((partitionIndex) => ({ partitionIndex, timestamp: time, currentLeaderEpoch: -1 })) })),
    });
    for (const t of r.topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== Errors.NONE.code) {
          process.stderr.write(`Skipping partition ${t.name}-${p.partitionIndex}: ${errorText(p.errorCode, null)}\n`);
          continue;
        }
        results.push({ topic: t.name, partition: p.partitionIndex, offset: p.offset >= 0n ? String(p.offset) : '' });
      }
    }
  }
  results.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  return results.map((r) => `${r.topic}:${r.partition}:${r.offset}`);
}
