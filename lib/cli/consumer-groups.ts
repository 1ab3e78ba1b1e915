/**
 * `kafkats consumer-groups` — Kafka's kafka-consumer-groups.sh (ConsumerGroupCommand): --list,
 * --describe with --offsets (the default: GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG
 * CONSUMER-ID HOST CLIENT-ID), --members [--verbose] (GROUP CONSUMER-ID [GROUP-INSTANCE-ID] HOST
 * CLIENT-ID #PARTITIONS [ASSIGNMENT]) or --state (GROUP COORDINATOR (ID) ASSIGNMENT-STRATEGY STATE
 * #MEMBERS); --reset-offsets (lib/cli/consumer-group-reset.ts); --delete; --delete-offsets
 * (OffsetDelete, Kafka's TOPIC PARTITION STATUS table). kafkajs' admin lists and deletes groups and
 * reads log-end offsets; through kafkats' codec go DescribeGroups (the group instance ids kafkajs
 * drops) and OffsetFetch with topics = null (every committed offset of the group — kafkajs asks
 * for named topics).
 */
import type { Command } from 'commander';
import kafkajs, { type Admin } from 'kafkajs';
import { ApiKeys } from '../protocol/index.js';
import { AdminClient, errorText } from './admin-client.js';
import { CliError, cliAction, collect, formatTable, parseBootstrapServers } from './cli-support.js';
import { createKafka, kafkajsSecurity } from './kafkajs-support.js';
import { COMMAND_CONFIG_HELP, commandConfigSecurity } from './command-config.js';
import { Errors } from '../protocol/errors.js';
import { resetOffsets, type GroupView, type ResetOptions } from './consumer-group-reset.js';

interface GroupsOptions extends ResetOptions {
  bootstrapServer?: string;
  list?: boolean;
  describe?: boolean;
  resetOffsets?: boolean;
  delete?: boolean;
  deleteOffsets?: boolean;
  group: string[];
  allGroups?: boolean;
  members?: boolean;
  verbose?: boolean;
  state?: boolean;
  offsets?: boolean;
  commandConfig?: string;
}

export function registerConsumerGroups(program: Command): void {
  program
    .command('consumer-groups')
    .description('list, describe, reset the offsets of and delete consumer groups (Kafka\'s kafka-consumer-groups.sh)')
    .option('--bootstrap-server <servers>', 'the brokers to connect to: host:port[,host:port…]')
    .option('--command-config <file>', COMMAND_CONFIG_HELP)
    .option('--list', 'list all consumer groups')
    .option('--describe', 'describe groups: --offsets (default), --members [--verbose] or --state')
    .option('--reset-offsets', 'reset the committed offsets of inactive groups')
    .option('--delete', 'delete groups (they must have no active members)')
    .option('--delete-offsets', 'delete the committed offsets of a group for --topic t[:p,…]')
    .option('--group <group>', 'the consumer group (repeatable)', collect, [] as string[])
    .option('--all-groups', 'with --describe/--reset-offsets/--delete: every group')
    .option('--offsets', 'with --describe: committed offsets, log-end offsets and lag per partition (the default)')
    .option('--members', 'with --describe: the group\'s members')
    .option('--verbose', 'with --describe --members: each member\'s assignment')
    .option('--state', 'with --describe: coordinator, assignment strategy, state and member count')
    .option('--topic <topic>', 'with --reset-offsets/--delete-offsets: topic or topic:p1,p2 (repeatable)', collect, [] as string[])
    .option('--all-topics', 'with --reset-offsets: every partition the group has offsets for')
    .option('--to-earliest', 'reset to the earliest offset')
    .option('--to-latest', 'reset to the latest offset')
    .option('--to-current', 'reset to the current committed offset (the latest where there is none)')
    .option('--to-offset <n>', 'reset to this offset')
    .option('--shift-by <n>', 'move the committed offset by n (may be negative)')
    .option('--to-datetime <time>', 'reset to the first offset at or after yyyy-MM-ddTHH:mm:ss.SSS[zone] (UTC without a zone)')
    .option('--by-duration <duration>', 'reset to the first offset at or after now minus an ISO-8601 duration (PnDTnHnMn.nS)')
    .option('--from-file <csv>', 'reset to the offsets of a CSV file (topic,partition,offset or group,topic,partition,offset)')
    .option('--export', 'with --reset-offsets: print the plan as CSV (for a later --from-file)')
    .option('--execute', 'apply the reset')
    .option('--dry-run', 'only show the offsets a reset would set (the default)')
    .addHelpText('after', `
Examples:
  kafkats consumer-groups --bootstrap-server localhost:9092 --describe --group billing
  kafkats consumer-groups --bootstrap-server localhost:9092 --describe --group billing --members --verbose
  kafkats consumer-groups --bootstrap-server localhost:9092 --reset-offsets --group billing --topic orders --to-datetime 2026-01-31T08:00:00.000 --execute
  kafkats consumer-groups --bootstrap-server localhost:9092 --reset-offsets --group billing --all-topics --to-current --export > plan.csv
  kafkats consumer-groups --bootstrap-server localhost:9092 --delete-offsets --group billing --topic orders`)
    .action(cliAction('consumer-groups', runGroups));
}

async function runGroups(opts: GroupsOptions): Promise<void> {
  const actions = (['list', 'describe', 'resetOffsets', 'delete', 'deleteOffsets'] as const).filter((a) => opts[a]);
  if (actions.length !== 1) throw new CliError('Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets');
  if (!opts.describe && (opts.members || opts.state || opts.offsets)) throw new CliError('--members, --state and --offsets go with --describe');
  if ([opts.members, opts.state, opts.offsets].filter(Boolean).length > 1) throw new CliError('--describe takes at most one of --offsets, --members and --state');
  if (opts.verbose && !opts.members) throw new CliError('--verbose goes with --describe --members');
  if (opts.export && !opts.resetOffsets) throw new CliError('--export goes with --reset-offsets');
  const bootstrap = parseBootstrapServers(opts.bootstrapServer);
  const security = commandConfigSecurity(opts.commandConfig, 'kafkats-consumer-groups');
  const kafka = createKafka(bootstrap, 'kafkats-consumer-groups', kafkajsSecurity(security));
  const admin = kafka.admin();
  const raw = new AdminClient(bootstrap, { clientId: 'kafkats-consumer-groups', security });
  await admin.connect();
  try {
    switch (actions[0]!) {
      case 'list': return await listGroups(admin);
      case 'describe': return await describeGroups(admin, raw, opts);
      case 'resetOffsets': return await resetOffsets(raw, groupView(raw), await groupsOf(admin, opts), opts);
      case 'delete': return await deleteGroups(admin, opts);
      case 'deleteOffsets': return await deleteOffsets(raw, opts);
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
  if (opts.group.length === 0) throw new CliError('--group (or --all-groups) is required');
  return [...new Set(opts.group)];
}

interface Coordinator {
  nodeId: number;
  address: string;
}

async function coordinatorOf(raw: AdminClient, groupId: string): Promise<Coordinator> {
  const fc = await raw.sendToAny(ApiKeys.FIND_COORDINATOR, 1, { key: groupId, keyType: 0 });
  if (fc.errorCode !== Errors.NONE.code) throw new CliError(`FindCoordinator for group '${groupId}': ${errorText(fc.errorCode, fc.errorMessage)}`);
  return { nodeId: fc.nodeId, address: `${fc.host}:${fc.port}` };
}

/** OffsetFetch with topics = null on the group coordinator: every committed offset of the group. */
export async function committedOffsets(raw: AdminClient, groupId: string): Promise<Map<string, Map<number, bigint>>> {
  const r = await raw.send((await coordinatorOf(raw, groupId)).address, ApiKeys.OFFSET_FETCH, 3, { groupId, topics: null });
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

interface Member {
  memberId: string;
  groupInstanceId: string | null;
  host: string;
  clientId: string;
  partitions: Array<{ topic: string; partition: number }>;
}

export interface GroupDescription {
  groupId: string;
  state: string;
  protocol: string;
  coordinator: Coordinator;
  members: Member[];
}

/** DescribeGroups v5 on the group's coordinator, with each consumer member's assignment decoded. */
export async function describeGroup(raw: AdminClient, groupId: string): Promise<GroupDescription> {
  const coordinator = await coordinatorOf(raw, groupId);
  const r = await raw.send(coordinator.address, ApiKeys.DESCRIBE_GROUPS, 5, { groups: [groupId], includeAuthorizedOperations: false });
  const g = r.groups[0];
  if (!g) throw new CliError(`DescribeGroups for group '${groupId}' returned no group`);
  if (g.errorCode !== Errors.NONE.code) throw new CliError(`DescribeGroups for group '${groupId}': ${errorText(g.errorCode, null)}`);
  const members = g.members.map((m) => {
    let partitions: Array<{ topic: string; partition: number }> = [];
    if (g.protocolType === 'consumer' && m.memberAssignment.length > 0) {
      try {
        const a = kafkajs.AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
        partitions = Object.entries(a?.assignment ?? {}).flatMap(([topic, ps]) => ps.map((partition) => ({ topic, partition })));
      } catch {
        partitions = [];
      }
    }
    return { memberId: m.memberId, groupInstanceId: m.groupInstanceId, host: m.clientHost, clientId: m.clientId, partitions };
  });
  return { groupId, state: g.groupState, protocol: g.protocolData, coordinator, members };
}

function groupView(raw: AdminClient): GroupView {
  return {
    state: async (groupId) => (await describeGroup(raw, groupId)).state,
    committed: (groupId) => committedOffsets(raw, groupId),
    coordinator: async (groupId) => (await coordinatorOf(raw, groupId)).address,
  };
}

/** Kafka's lines before a group's table: whether it exists, is empty or is rebalancing. False when it does not exist. */
function reportState(g: GroupDescription): boolean {
  if (g.state === 'Dead') {
    process.stderr.write(`\nError: Consumer group '${g.groupId}' does not exist.\n`);
    process.exitCode = 1;
    return false;
  }
  if (g.state === 'Empty') process.stderr.write(`\nConsumer group '${g.groupId}' has no active members.\n`);
  if (g.state === 'PreparingRebalance' || g.state === 'CompletingRebalance') process.stderr.write(`\nWarning: Consumer group '${g.groupId}' is rebalancing.\n`);
  return true;
}

async function offsetsTable(admin: Admin, raw: AdminClient, g: GroupDescription): Promise<string> {
  const committed = await committedOffsets(raw, g.groupId);
  const owner = new Map<string, Member>();
  for (const m of g.members) for (const tp of m.partitions) owner.set(`${tp.topic}\0${tp.partition}`, m);
  const topics = new Set<string>([...committed.keys(), ...g.members.flatMap((m) => m.partitions.map((p) => p.topic))]);
  const logEnd = new Map<string, Map<number, bigint>>();
  for (const t of topics) {
    try {
      logEnd.set(t, new Map((await admin.fetchTopicOffsets(t)).map((o) => [o.partition, BigInt(o.high)])));
    } catch {
      logEnd.set(t, new Map());
    }
  }
  const rows: string[][] = [];
  for (const t of [...topics].sort()) {
    const parts = new Set<number>([...(committed.get(t)?.keys() ?? []), ...g.members.flatMap((m) => m.partitions.filter((p) => p.topic === t).map((p) => p.partition))]);
    for (const p of [...parts].sort((a, b) => a - b)) {
      const current = committed.get(t)?.get(p);
      const end = logEnd.get(t)?.get(p);
      const lag = current !== undefined && end !== undefined ? String(end - current > 0n ? end - current : 0n) : '-';
      const m = owner.get(`${t}\0${p}`);
      rows.push([g.groupId, t, String(p), current !== undefined ? String(current) : '-', end !== undefined ? String(end) : '-', lag, m?.memberId ?? '-', m?.host ?? '-', m?.clientId ?? '-']);
    }
  }
  for (const m of g.members.filter((x) => x.partitions.length === 0)) rows.push([g.groupId, '-', '-', '-', '-', '-', m.memberId, m.host, m.clientId]);
  return formatTable(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'], rows, 1, [0, 0, 10, 15, 15, 15]);
}

/** Kafka's member assignment text: `topic(0,1), other(2)`, or `-` for none. */
function assignmentText(m: Member): string {
  if (m.partitions.length === 0) return '-';
  const byTopic = new Map<string, number[]>();
  for (const p of m.partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
  return [...byTopic].map(([t, ps]) => `${t}(${ps.sort((a, b) => a - b).join(',')})`).sort().join(', ');
}

function membersTable(g: GroupDescription, verbose: boolean): string {
  const withInstance = g.members.some((m) => m.groupInstanceId);
  const header = ['GROUP', 'CONSUMER-ID', ...(withInstance ? ['GROUP-INSTANCE-ID'] : []), 'HOST', 'CLIENT-ID', '#PARTITIONS', ...(verbose ? ['ASSIGNMENT'] : [])];
  const rows = g.members.map((m) => [g.groupId, m.memberId, ...(withInstance ? [m.groupInstanceId ?? ''] : []), m.host, m.clientId, String(m.partitions.length), ...(verbose ? [assignmentText(m)] : [])]);
  const min = [15, 15, ...(withInstance ? [17] : []), 15, 15, 15];
  return formatTable(header, rows, 1, min);
}

function stateTable(g: GroupDescription): string {
  const coordinator = `${g.coordinator.address}  (${g.coordinator.nodeId})`;
  return formatTable(['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'], [[g.groupId, coordinator, g.protocol, g.state, String(g.members.length)]], 1, [0, 25, 20, 15]);
}

async function describeGroups(admin: Admin, raw: AdminClient, opts: GroupsOptions): Promise<void> {
  for (const groupId of await groupsOf(admin, opts)) {
    const g = await describeGroup(raw, groupId);
    if (!reportState(g)) continue;
    const table = opts.members ? membersTable(g, opts.verbose === true) : opts.state ? stateTable(g) : await offsetsTable(admin, raw, g);
    process.stdout.write('\n' + table + '\n');
  }
}

/** OffsetDelete on the coordinator for --topic t[:p,…] (all partitions of a bare topic); Kafka's TOPIC PARTITION STATUS table. */
async function deleteOffsets(raw: AdminClient, opts: GroupsOptions): Promise<void> {
  if (opts.group.length !== 1) throw new CliError('--delete-offsets takes exactly one --group');
  if (opts.topic.length === 0) throw new CliError('--delete-offsets requires --topic t[:p,…] (repeatable)');
  const groupId = opts.group[0]!;
  const specs = opts.topic.map((t) => {
    const i = t.indexOf(':');
    if (i < 0) return { topic: t, partitions: null as number[] | null };
    return { topic: t.slice(0, i), partitions: t.slice(i + 1).split(',').map((p) => {
      if (!/^\d+$/.test(p.trim())) throw new CliError(`invalid partition '${p}' in --topic ${t}`);
      return Number(p);
    }) };
  });
  const m = await raw.metadata([...new Set(specs.map((s) => s.topic))]);
  const wanted = specs.flatMap((s) => {
    const t = m.topics.find((x) => x.name === s.topic && x.errorCode === Errors.NONE.code);
    // An unknown topic is sent as partition -1 ("Not Provided"), as Kafka does, to get its error back.
    const ps = s.partitions ?? (t ? t.partitions.map((p) => p.partitionIndex).sort((a, b) => a - b) : [-1]);
    return ps.map((partition) => ({ topic: s.topic, partition }));
  });
  const byTopic = new Map<string, number[]>();
  for (const w of wanted) byTopic.set(w.topic, [...(byTopic.get(w.topic) ?? []), w.partition]);
  const r = await raw.send((await coordinatorOf(raw, groupId)).address, ApiKeys.OFFSET_DELETE, 0, {
    groupId,
    topics: [...byTopic].map(([name, ps]) => ({ name, partitions: ps.map((partitionIndex) => ({ partitionIndex })) })),
  });
  const results = new Map<string, number>();
  for (const t of r.topics) for (const p of t.partitions) results.set(`${t.name}\0${p.partitionIndex}`, p.errorCode);
  const top = r.errorCode;
  const partitionErrors = wanted.some((w) => (results.get(`${w.topic}\0${w.partition}`) ?? top) !== Errors.NONE.code);
  const topName = errorText(top, null);
  if (top === Errors.NONE.code && !partitionErrors) process.stdout.write(`Request succeed for deleting offsets with topic ${specs.map((s) => s.topic).join(', ')} group ${groupId}\n`);
  else if (topName === 'GROUP_ID_NOT_FOUND') process.stdout.write(`\nError: '${groupId}' does not exist.\n`);
  else if (topName === 'INVALID_GROUP_ID') process.stdout.write(`\nError: '${groupId}' is not valid.\n`);
  else if (topName === 'NON_EMPTY_GROUP') process.stdout.write(`\nError: Deleting offsets of a consumer group '${groupId}' is forbidden if the group is not empty.\n`);
  else process.stdout.write('\nError: Encounter some partition level error, see the follow-up details:\n');
  const rows = wanted
    .map((w) => {
      const code = results.get(`${w.topic}\0${w.partition}`) ?? top;
      return [w.topic, w.partition >= 0 ? String(w.partition) : 'Not Provided', code === Errors.NONE.code ? 'Successful' : `Error: :${errorText(code, null)}`];
    })
    .sort((a, b) => (a[0]! + a[1]! < b[0]! + b[1]! ? -1 : 1));
  process.stdout.write('\n' + formatTable(['TOPIC', 'PARTITION', 'STATUS'], rows, 1, [30, 15, 15]) + '\n');
  if (top !== Errors.NONE.code || partitionErrors) process.exitCode = 1;
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
