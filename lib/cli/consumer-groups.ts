/**
 * `kafkats consumer-groups` — Kafka's kafka-consumer-groups.sh (ConsumerGroupCommand): --list,
 * --describe (GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID),
 * --reset-offsets (--to-earliest | --to-latest | --to-offset n | --shift-by n, with --dry-run or
 * --execute; only for an inactive group, offsets clamped to the log's range as in Kafka) and
 * --delete. kafkajs' admin lists, describes and deletes groups and reads log-end offsets; through
 * kafkats' codec go OffsetFetch with topics = null (every committed offset of the group — kafkajs
 * only asks for named topics) and the reset's OffsetCommit with generation -1 (what Kafka's
 * AdminClient sends; kafkajs' setOffsets joins the group instead).
 */
import type { Command } from 'commander';
import kafkajs, { type Admin, type GroupDescription } from 'kafkajs';
import { ApiKeys } from '../protocol/index.js';
import { AdminClient, errorText } from './admin-client.js';
import { CliError, cliAction, formatTable, parseBootstrapServers, parseIntOption } from './cli-support.js';
import { createKafka } from './kafkajs-support.js';
import { Errors } from '../protocol/errors.js';

interface GroupsOptions {
  bootstrapServer?: string;
  list?: boolean;
  describe?: boolean;
  resetOffsets?: boolean;
  delete?: boolean;
  group?: string;
  allGroups?: boolean;
  topic?: string;
  allTopics?: boolean;
  toEarliest?: boolean;
  toLatest?: boolean;
  toOffset?: string;
  shiftBy?: string;
  execute?: boolean;
  dryRun?: boolean;
}

export function registerConsumerGroups(program: Command): void {
  program
    .command('consumer-groups')
    .description('list, describe, reset the offsets of and delete consumer groups (Kafka\'s kafka-consumer-groups.sh)')
    .option('--bootstrap-server <servers>', 'the brokers to connect to: host:port[,host:port…]')
    .option('--list', 'list all consumer groups')
    .option('--describe', 'describe a group: committed offsets, log-end offsets, lag and members')
    .option('--reset-offsets', 'reset the committed offsets of an inactive group')
    .option('--delete', 'delete groups (they must have no active members)')
    .option('--group <group>', 'the consumer group')
    .option('--all-groups', 'with --describe/--delete: every group')
    .option('--topic <topic>', 'with --reset-offsets: topic or topic:p1,p2 to reset')
    .option('--all-topics', 'with --reset-offsets: every topic the group has offsets for')
    .option('--to-earliest', 'reset to the earliest offset')
    .option('--to-latest', 'reset to the latest offset')
    .option('--to-offset <n>', 'reset to this offset')
    .option('--shift-by <n>', 'move the committed offset by n (may be negative)')
    .option('--execute', 'apply the reset')
    .option('--dry-run', 'only show the offsets a reset would set (the default)')
    .addHelpText('after', `
Examples:
  kafkats consumer-groups --bootstrap-server localhost:9092 --describe --group billing
  kafkats consumer-groups --bootstrap-server localhost:9092 --reset-offsets --group billing --topic orders --to-earliest --execute`)
    .action(cliAction('consumer-groups', runGroups));
}

async function runGroups(opts: GroupsOptions): Promise<void> {
  const actions = (['list', 'describe', 'resetOffsets', 'delete'] as const).filter((a) => opts[a]);
  if (actions.length !== 1) throw new CliError('exactly one of --list, --describe, --reset-offsets or --delete is required (see --help)');
  const bootstrap = parseBootstrapServers(opts.bootstrapServer);
  const kafka = createKafka(bootstrap, 'kafkats-consumer-groups');
  const admin = kafka.admin();
  const raw = new AdminClient(bootstrap, { clientId: 'kafkats-consumer-groups' });
  await admin.connect();
  try {
    switch (actions[0]!) {
      case 'list': return await listGroups(admin);
      case 'describe': return await describeGroups(admin, raw, opts);
      case 'resetOffsets': return await resetOffsets(admin, raw, opts);
      case 'delete': return await deleteGroups(admin, opts);
    }
  } finally {
    raw.close();
    await admin.disconnect().catch(() => undefined);
  }
}

async function listGroups(admin: Admin): Promise<void> {
  const { groups } = await admin.listGroups();
  const ids = groups.map((g) => g.groupId).sort();
  if (ids.length > 0) process.stdout.write(ids.join('\n') + '\n');
}

async function groupsOf(admin: Admin, opts: GroupsOptions): Promise<string[]> {
  if (opts.allGroups) return (await admin.listGroups()).groups.map((g) => g.groupId).sort();
  if (!opts.group) throw new CliError('--group (or --all-groups) is required');
  return [opts.group];
}

async function coordinatorOf(raw: AdminClient, groupId: string): Promise<string> {
  const fc = await raw.sendToAny(ApiKeys.FIND_COORDINATOR, 1, { key: groupId, keyType: 0 });
  if (fc.errorCode !== Errors.NONE.code) throw new CliError(`FindCoordinator for group '${groupId}': ${errorText(fc.errorCode, fc.errorMessage)}`);
  return `${fc.host}:${fc.port}`;
}

/** OffsetFetch with topics = null on the group coordinator: every committed offset of the group. */
export async function committedOffsets(raw: AdminClient, groupId: string): Promise<Map<string, Map<number, bigint>>> {
  const r = await raw.send(await coordinatorOf(raw, groupId), ApiKeys.OFFSET_FETCH, 3, { groupId, topics: null });
  if (r.errorCode !== Errors.NONE.code) throw new CliError(`OffsetFetch for group '${groupId}': ${errorText(r.errorCode, null)}`);
  const out = new Map<string, Map<number, bigint>>();
  for (const t of r.topics) {
    for (const p of t.partitions) {
      if (p.errorCode !== Errors.NONE.code || p.committedOffset < 0n) continue;
      const m = out.get(t.name) ?? new Map<number, bigint>();
      m.set(p.partitionIndex, p.committedOffset);
      out.set(t.name, m);
    }
  }
  return out;
}

interface Assignment {
  memberId: string;
  host: string;
  clientId: string;
  partitions: Array<{ topic: string; partition: number }>;
}

function assignmentsOf(g: GroupDescription): Assignment[] {
  return g.members.map((m) => {
    let partitions: Array<{ topic: string; partition: number }> = [];
    if (g.protocolType === 'consumer' && m.memberAssignment.length > 0) {
      try {
        const a = kafkajs.AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
        partitions = Object.entries(a?.assignment ?? {}).flatMap(([topic, ps]) => ps.map((partition) => ({ topic, partition })));
      } catch {
        partitions = [];
      }
    }
    return { memberId: m.memberId, host: m.clientHost, clientId: m.clientId, partitions };
  });
}

async function describeGroup(admin: Admin, raw: AdminClient, groupId: string): Promise<string> {
  const { groups } = await admin.describeGroups([groupId]);
  const g = groups[0];
  if (!g || g.state === 'Dead') throw new CliError(`Error: Consumer group '${groupId}' does not exist.`);
  const committed = await committedOffsets(raw, groupId);
  const members = assignmentsOf(g);
  const owner = new Map<string, Assignment>();
  for (const m of members) for (const tp of m.partitions) owner.set(`${tp.topic}\0${tp.partition}`, m);
  const topics = new Set<string>([...committed.keys(), ...members.flatMap((m) => m.partitions.map((p) => p.topic))]);
  const logEnd = new Map<string, Map<number, bigint>>();
  for (const t of topics) {
    try {
      logEnd.set(t, new Map((await admin.fetchTopicOffsets(t)).map((o) => [o.partition, BigInt(o.high)])));
    } catch {
      logEnd.set(t, new Map());
    }
  }
  const rows: string[][] = [];
  const seen = new Set<string>();
  const row = (topic: string, partition: number): void => {
    const key = `${topic}\0${partition}`;
    if (seen.has(key)) return;
    seen.add(key);
    const current = committed.get(topic)?.get(partition);
    const end = logEnd.get(topic)?.get(partition);
    const lag = current !== undefined && end !== undefined ? String(end - current > 0n ? end - current : 0n) : '-';
    const m = owner.get(key);
    rows.push([groupId, topic, String(partition), current !== undefined ? String(current) : '-', end !== undefined ? String(end) : '-', lag, m?.memberId ?? '-', m?.host ?? '-', m?.clientId ?? '-']);
  };
  for (const t of [...topics].sort()) {
    const parts = new Set<number>([...(committed.get(t)?.keys() ?? []), ...members.flatMap((m) => m.partitions.filter((p) => p.topic === t).map((p) => p.partition))]);
    for (const p of [...parts].sort((a, b) => a - b)) row(t, p);
  }
  for (const m of members.filter((x) => x.partitions.length === 0)) rows.push([groupId, '-', '-', '-', '-', '-', m.memberId, m.host, m.clientId]);
  const lines: string[] = [];
  if (g.state === 'PreparingRebalance' || g.state === 'CompletingRebalance') lines.push(`Warning: Consumer group '${groupId}' is rebalancing.`);
  if (members.length === 0) lines.push(`Consumer group '${groupId}' has no active members.`);
  lines.push('');
  lines.push(formatTable(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'], rows, 1, [0, 0, 10, 15, 15, 15]));
  return lines.join('\n') + '\n';
}

async function describeGroups(admin: Admin, raw: AdminClient, opts: GroupsOptions): Promise<void> {
  for (const g of await groupsOf(admin, opts)) process.stdout.write(await describeGroup(admin, raw, g) + '\n');
}

/** `t` or `t:0,1,2` → topic and partitions (null: all). */
function parseTopicSpec(spec: string): { topic: string; partitions: number[] | null } {
  const i = spec.indexOf(':');
  if (i < 0) return { topic: spec, partitions: null };
  const partitions = spec.slice(i + 1).split(',').map((p) => {
    if (!/^\d+$/.test(p.trim())) throw new CliError(`invalid partition '${p}' in --topic ${spec}`);
    return Number(p);
  });
  return { topic: spec.slice(0, i), partitions };
}

async function resetOffsets(admin: Admin, raw: AdminClient, opts: GroupsOptions): Promise<void> {
  if (!opts.group) throw new CliError('--group is required with --reset-offsets');
  const groupId = opts.group;
  const scenarios = [opts.toEarliest, opts.toLatest, opts.toOffset !== undefined, opts.shiftBy !== undefined].filter(Boolean).length;
  if (scenarios !== 1) throw new CliError('exactly one of --to-earliest, --to-latest, --to-offset or --shift-by is required');
  if ((opts.topic === undefined) === (opts.allTopics === undefined)) throw new CliError('one of --topic or --all-topics is required with --reset-offsets');
  if (opts.execute && opts.dryRun) throw new CliError('--execute and --dry-run cannot be used together');
  const toOffset = opts.toOffset !== undefined ? BigInt(parseIntOption('--to-offset', opts.toOffset)!) : undefined;
  const shiftBy = opts.shiftBy !== undefined ? BigInt(parseIntOption('--shift-by', opts.shiftBy, { min: Number.MIN_SAFE_INTEGER })!) : undefined;
  if (!opts.execute && !opts.dryRun) {
    process.stdout.write('WARN: No action will be performed as the --execute option is missing. Add --dry-run to keep this behaviour without the warning, or --execute to apply the reset.\n');
  }
  const { groups } = await admin.describeGroups([groupId]);
  const state = groups[0]?.state ?? 'Dead';
  if (state !== 'Empty' && state !== 'Dead') {
    throw new CliError(`Error: Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${state}.`);
  }
  const committed = await committedOffsets(raw, groupId);
  // --all-topics means the partitions the group has committed offsets for, as in Kafka.
  const specs = opts.topic !== undefined
    ? [parseTopicSpec(opts.topic)]
    : [...committed.keys()].sort().map((topic) => ({ topic, partitions: [...committed.get(topic)!.keys()] as number[] | null }));
  const plan: Array<{ topic: string; partition: number; offset: bigint }> = [];
  for (const spec of specs) {
    let range: Array<{ partition: number; low: bigint; high: bigint }>;
    try {
      range = (await admin.fetchTopicOffsets(spec.topic)).map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) }));
    } catch (err) {
      throw new CliError(`cannot read the offsets of topic '${spec.topic}': ${(err as Error).message}`);
    }
    const wanted = spec.partitions ?? range.map((r) => r.partition);
    for (const p of [...wanted].sort((a, b) => a - b)) {
      const r = range.find((x) => x.partition === p);
      if (!r) throw new CliError(`partition ${p} does not exist in topic '${spec.topic}'`);
      let target: bigint;
      if (opts.toEarliest) target = r.low;
      else if (opts.toLatest) target = r.high;
      else if (toOffset !== undefined) target = toOffset;
      else {
        const current = committed.get(spec.topic)?.get(p);
        if (current === undefined) throw new CliError(`Cannot shift offset for partition ${spec.topic}-${p} since there is no current committed offset`);
        target = current + shiftBy!;
      }
      // Kafka's checkOffsetRange: out-of-range targets are moved to the nearest end of the log.
      if (target < r.low) target = r.low;
      if (target > r.high) target = r.high;
      plan.push({ topic: spec.topic, partition: p, offset: target });
    }
  }
  if (opts.execute) await commitOffsets(raw, groupId, plan);
  const rows = plan.map((e) => [groupId, e.topic, String(e.partition), String(e.offset)]);
  process.stdout.write('\n' + formatTable(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], rows, 1, [30, 30, 10, 15]) + '\n');
}

/**
 * What Kafka's alterConsumerGroupOffsets sends: one OffsetCommit with generation -1 and no member
 * id, which the coordinator accepts for a group without members. (kafkajs' setOffsets instead
 * joins the group and waits for a fetch, seconds per topic.)
 */
async function commitOffsets(raw: AdminClient, groupId: string, plan: Array<{ topic: string; partition: number; offset: bigint }>): Promise<void> {
  const byTopic = new Map<string, Array<{ partitionIndex: number; committedOffset: bigint; committedMetadata: string }>>();
  for (const e of plan) byTopic.set(e.topic, [...(byTopic.get(e.topic) ?? []), { partitionIndex: e.partition, committedOffset: e.offset, committedMetadata: '' }]);
  const r = await raw.send(await coordinatorOf(raw, groupId), ApiKeys.OFFSET_COMMIT, 2, {
    groupId,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    retentionTimeMs: -1n,
    topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
  });
  const failed = r.topics.flatMap((t) => t.partitions.filter((p) => p.errorCode !== Errors.NONE.code).map((p) => `${t.name}-${p.partitionIndex}: ${errorText(p.errorCode, null)}`));
  if (failed.length > 0) throw new CliError(`Error: resetting offsets failed for ${failed.join(', ')}`);
}

async function deleteGroups(admin: Admin, opts: GroupsOptions): Promise<void> {
  const ids = await groupsOf(admin, opts);
  if (ids.length === 0) return;
  try {
    await admin.deleteGroups(ids);
  } catch (err) {
    const groups = (err as { groups?: Array<{ groupId: string; errorCode?: number; error?: { type?: string; message?: string } }> }).groups;
    if (!groups) throw err;
    const failed = groups.filter((g) => (g.errorCode ?? Errors.NONE.code) !== Errors.NONE.code);
    const lines = failed.map((g) => `* Group '${g.groupId}' could not be deleted due to: ${g.error?.type ?? errorText(g.errorCode ?? -1, null)}${g.error?.message ? `: ${g.error.message}` : ''}`);
    throw new CliError(`Error: Deletion of some consumer groups failed:\n${lines.join('\n')}`);
  }
  process.stdout.write(`Deletion of requested consumer groups (${ids.map((g) => `'${g}'`).join(', ')}) was successful.\n`);
}
