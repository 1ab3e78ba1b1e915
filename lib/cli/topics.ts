/**
 * `kafkats topics` — Kafka's kafka-topics.sh (TopicCommand): --create, --list, --describe, --alter
 * (--partitions), --delete against --bootstrap-server, and a read-only --list/--describe straight
 * from ZooKeeper's znodes with --zookeeper (what kafka-topics.sh did before Kafka 3.0).
 * Output follows TopicCommand: `Created topic t.`, and for --describe one line per topic
 * (`Topic: t<TAB>TopicId: …<TAB>PartitionCount: …<TAB>ReplicationFactor: …<TAB>Configs: k=v,…`)
 * then one per partition (`<TAB>Topic: t<TAB>Partition: 0<TAB>Leader: 1<TAB>Replicas: 1,2<TAB>Isr: 1,2`).
 * Errors print `Error while executing topic command : <reason>` and exit 1.
 */
import type { Command } from 'commander';
import { ApiKeys } from '../protocol/index.js';
import { ConfigSource } from '../config/config-def.js';
import { isInternalTopic } from '../common/topic.js';
import { KafkaZkClient } from '../zk/kafka-zk-client.js';
import { type AdminClient, errorText, NOT_CONTROLLER, withAdmin } from './admin-client.js';
import { COMMAND_CONFIG_HELP, commandConfigSecurity } from './command-config.js';
import { CliError, cliAction, collect, parseBootstrapServers, parseIntOption, parseKeyValues } from './cli-support.js';
import { Errors } from '../protocol/errors.js';

interface TopicsOptions {
  bootstrapServer?: string;
  commandConfig?: string;
  zookeeper?: string;
  create?: boolean;
  list?: boolean;
  describe?: boolean;
  alter?: boolean;
  delete?: boolean;
  topic?: string;
  partitions?: string;
  replicationFactor?: string;
  replicaAssignment?: string;
  config: string[];
  ifExists?: boolean;
  ifNotExists?: boolean;
  excludeInternal?: boolean;
  underReplicatedPartitions?: boolean;
  unavailablePartitions?: boolean;
}

/** One partition as the describe output shows it. */
export interface PartitionDescription {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface TopicDescription {
  name: string;
  topicId: string | null;
  isInternal: boolean;
  partitions: PartitionDescription[];
  configs: Array<[string, string]>;
  markedForDeletion?: boolean;
}


export function registerTopics(program: Command): void {
  program
    .command('topics')
    .description('create, list, describe, alter and delete topics (Kafka\'s kafka-topics.sh)')
    .option('--bootstrap-server <servers>', 'the brokers to connect to: host:port[,host:port…]')
    .option('--command-config <file>', COMMAND_CONFIG_HELP)
    .option('--zookeeper <connect>', 'read --list/--describe from ZooKeeper (host:port[/chroot]); read-only')
    .option('--create', 'create a topic')
    .option('--list', 'list the topics')
    .option('--describe', 'describe topics (all, or those matching --topic)')
    .option('--alter', 'add partitions to a topic (--partitions)')
    .option('--delete', 'delete topics matching --topic')
    .option('--topic <topic>', 'the topic (a regular expression except with --create)')
    .option('--partitions <n>', 'partition count for --create, or the new count for --alter')
    .option('--replication-factor <n>', 'replication factor for --create')
    .option('--replica-assignment <list>', 'explicit replicas: partitions separated by commas, broker ids by colons (0:1,1:2)')
    .option('--config <key=value>', 'a topic config override for --create (repeatable)', collect, [] as string[])
    .option('--if-exists', 'with --alter/--delete/--describe: do nothing when the topic does not exist')
    .option('--if-not-exists', 'with --create: do nothing when the topic exists')
    .option('--exclude-internal', 'leave out internal topics with --list/--describe')
    .option('--under-replicated-partitions', 'with --describe: only partitions whose ISR is smaller than the replica set')
    .option('--unavailable-partitions', 'with --describe: only partitions without a live leader')
    .addHelpText('after', `
Examples:
  kafkats topics --bootstrap-server localhost:9092 --create --topic orders --partitions 6 --replication-factor 3 --config retention.ms=86400000
  kafkats topics --bootstrap-server localhost:9092 --describe --topic orders
  kafkats topics --zookeeper 127.0.0.1:2181/kafkats --list`)
    .action(cliAction('topics', runTopics));
}

async function runTopics(opts: TopicsOptions): Promise<void> {
  const actions = (['create', 'list', 'describe', 'alter', 'delete'] as const).filter((a) => opts[a]);
  if (actions.length !== 1) throw new CliError('exactly one of --create, --list, --describe, --alter or --delete is required (see --help)');
  const action = actions[0]!;
  if (opts.zookeeper !== undefined) {
    if (action !== 'list' && action !== 'describe') throw new CliError('--zookeeper supports only --list and --describe (changes go through --bootstrap-server)');
    await zookeeperReadOnly(opts.zookeeper, action, opts);
    return;
  }
  const bootstrap = parseBootstrapServers(opts.bootstrapServer);
  try {
    await withAdmin(bootstrap, async (admin) => {
      switch (action) {
        case 'create': return createTopic(admin, opts);
        case 'list': return listTopics(admin, opts);
        case 'describe': return describeTopics(admin, opts);
        case 'alter': return alterTopic(admin, opts);
        case 'delete': return deleteTopics(admin, opts);
      }
    }, 'kafkats-topics', commandConfigSecurity(opts.commandConfig, 'kafkats-topics'));
  } catch (err) {
    if (err instanceof CliError) throw new CliError(`Error while executing topic command : ${err.message}`);
    throw err;
  }
}

function requireTopic(opts: TopicsOptions): string {
  if (opts.topic === undefined || opts.topic === '') throw new CliError('--topic is required');
  return opts.topic;
}

/** TopicCommand treats --topic as a regular expression (whole-name match) for everything but --create. */
function topicMatcher(topic: string | undefined): (name: string) => boolean {
  if (topic === undefined) return () => true;
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${topic})$`);
  } catch {
    return (name) => name === topic;
  }
  return (name) => name === topic || re.test(name);
}

/** `0:1,1:2` → [[0,1],[1,2]]; every partition must list the same number of distinct brokers. */
export function parseReplicaAssignment(value: string): number[][] {
  const partitions = value.split(',').map((p) => p.trim().split(':').map((b) => {
    if (!/^\d+$/.test(b.trim())) throw new CliError(`invalid --replica-assignment '${value}': broker ids must be integers`);
    return Number(b);
  }));
  for (const [i, p] of partitions.entries()) {
    if (new Set(p).size !== p.length) throw new CliError(`Partition replica lists may not contain duplicate entries (partition ${i}: ${p.join(':')})`);
    if (p.length !== partitions[0]!.length) throw new CliError(`Partition ${i} has different replication factor: ${p.join(':')}`);
  }
  return partitions;
}

async function createTopic(admin: AdminClient, opts: TopicsOptions): Promise<void> {
  const name = requireTopic(opts);
  const partitions = parseIntOption('--partitions', opts.partitions, { min: 1 });
  const rf = parseIntOption('--replication-factor', opts.replicationFactor, { min: 1 });
  const assignment = opts.replicaAssignment !== undefined ? parseReplicaAssignment(opts.replicaAssignment) : null;
  if (assignment && (partitions !== undefined || rf !== undefined)) {
    throw new CliError('--replica-assignment cannot be used with --partitions or --replication-factor');
  }
  const configs = [...parseKeyValues(opts.config, '--config')].map(([n, value]) => ({ name: n, value }));
  const r = await admin.sendToController(ApiKeys.CREATE_TOPICS, 5, {
    topics: [{
      name,
      numPartitions: assignment ? -1 : (partitions ?? -1),
      replicationFactor: assignment ? -1 : (rf ?? -1),
      assignments: assignment ? assignment.map((brokerIds, partitionIndex) => ({ partitionIndex, brokerIds })) : [],
      configs,
    }],
    timeoutMs: 30_000,
    validateOnly: false,
  }, (res) => res.topics.some((t) => t.errorCode === NOT_CONTROLLER));
  const t = r.topics[0];
  if (!t) throw new CliError('the broker answered CreateTopics without a result');
  if (t.errorCode === Errors.TOPIC_ALREADY_EXISTS.code && opts.ifNotExists) return;
  if (t.errorCode !== Errors.NONE.code) throw new CliError(errorText(t.errorCode, t.errorMessage));
  process.stdout.write(`Created topic ${name}.\n`);
}

async function allTopicNames(admin: AdminClient, opts: TopicsOptions): Promise<string[]> {
  const m = await admin.metadata(null);
  return m.topics
    .filter((t) => t.name !== null && !(opts.excludeInternal && (t.isInternal || isInternalTopic(t.name))))
    .map((t) => t.name as string)
    .sort();
}

async function matchingTopics(admin: AdminClient, opts: TopicsOptions): Promise<string[]> {
  const match = topicMatcher(opts.topic);
  const topics = (await allTopicNames(admin, opts)).filter(match);
  if (topics.length === 0 && opts.topic !== undefined && !opts.ifExists) {
    throw new CliError(`Topic '${opts.topic}' does not exist as expected`);
  }
  return topics;
}

async function listTopics(admin: AdminClient, opts: TopicsOptions): Promise<void> {
  const topics = (await allTopicNames(admin, opts)).filter(topicMatcher(opts.topic));
  if (topics.length > 0) process.stdout.write(topics.join('\n') + '\n');
}

/** DescribeConfigs for topics: every entry not at Kafka's default, as `Configs:` shows them. */
async function topicConfigs(admin: AdminClient, topics: string[]): Promise<Map<string, Array<[string, string]>>> {
  const out = new Map<string, Array<[string, string]>>();
  if (topics.length === 0) return out;
  const r = await admin.sendToAny(ApiKeys.DESCRIBE_CONFIGS, 4, {
    resources: topics.map((resourceName) => ({ resourceType: 2, resourceName, configurationKeys: null })),
    includeSynonyms: false,
    includeDocumentation: false,
  });
  for (const res of r.results) {
    if (res.errorCode !== Errors.NONE.code) continue;
    out.set(res.resourceName, res.configs
      .filter((c) => c.configSource !== ConfigSource.DEFAULT_CONFIG)
      .map((c) => [c.name, c.isSensitive ? '<sensitive>' : (c.value ?? 'null')] as [string, string]));
  }
  return out;
}

async function describeTopics(admin: AdminClient, opts: TopicsOptions): Promise<void> {
  const names = await matchingTopics(admin, opts);
  if (names.length === 0) return;
  const m = await admin.metadata(names);
  const configs = await topicConfigs(admin, names);
  const live = new Set(m.brokers.map((b) => b.nodeId));
  const descriptions: TopicDescription[] = m.topics
    .filter((t) => t.errorCode === Errors.NONE.code && t.name !== null)
    .map((t) => ({
      name: t.name as string,
      topicId: t.topicId,
      isInternal: t.isInternal,
      partitions: t.partitions
        .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes }))
        .sort((a, b) => a.partition - b.partition),
      configs: configs.get(t.name as string) ?? [],
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  printDescriptions(descriptions, opts, live);
}

/** Prints TopicCommand's describe lines; the partition filters apply as in Kafka. */
export function formatDescriptions(descriptions: TopicDescription[], filters: { underReplicated?: boolean; unavailable?: boolean } = {}, liveBrokers?: Set<number>): string {
  const lines: string[] = [];
  const filtering = filters.underReplicated || filters.unavailable;
  for (const d of descriptions) {
    const rf = d.partitions[0]?.replicas.length ?? 0;
    if (!filtering) {
      lines.push(`Topic: ${d.name}\tTopicId: ${d.topicId ?? ''}\tPartitionCount: ${d.partitions.length}\tReplicationFactor: ${rf}\tConfigs: ${d.configs.map(([k, v]) => `${k}=${v}`).join(',')}${d.markedForDeletion ? '\tMarkedForDeletion: true' : ''}`);
    }
    for (const p of d.partitions) {
      const noLeader = p.leader < 0 || (liveBrokers !== undefined && !liveBrokers.has(p.leader));
      if (filters.underReplicated && !(p.isr.length < p.replicas.length)) continue;
      if (filters.unavailable && !noLeader) continue;
      lines.push(`\tTopic: ${d.name}\tPartition: ${p.partition}\tLeader: ${p.leader < 0 ? 'none' : p.leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}`);
    }
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}

function printDescriptions(descriptions: TopicDescription[], opts: TopicsOptions, live?: Set<number>): void {
  process.stdout.write(formatDescriptions(descriptions, { underReplicated: opts.underReplicatedPartitions, unavailable: opts.unavailablePartitions }, live));
}

async function alterTopic(admin: AdminClient, opts: TopicsOptions): Promise<void> {
  requireTopic(opts);
  const count = parseIntOption('--partitions', opts.partitions, { min: 1 });
  if (count === undefined) throw new CliError('--alter needs --partitions (the new partition count); topic configs change with `kafkats configs`');
  const assignment = opts.replicaAssignment !== undefined ? parseReplicaAssignment(opts.replicaAssignment) : null;
  const topics = await matchingTopics(admin, opts);
  if (topics.length === 0) return;
  process.stderr.write('WARNING: If partitions are increased for a topic that has a key, the partition logic or ordering of the messages will be affected\n');
  const r = await admin.sendToController(ApiKeys.CREATE_PARTITIONS, 1, {
    topics: topics.map((name) => ({ name, count, assignments: assignment ? assignment.map((brokerIds) => ({ brokerIds })) : null })),
    timeoutMs: 30_000,
    validateOnly: false,
  }, (res) => res.results.some((t) => t.errorCode === NOT_CONTROLLER));
  const failed = r.results.filter((t) => t.errorCode !== Errors.NONE.code);
  if (failed.length > 0) throw new CliError(failed.map((t) => `${t.name}: ${errorText(t.errorCode, t.errorMessage)}`).join('; '));
}

async function deleteTopics(admin: AdminClient, opts: TopicsOptions): Promise<void> {
  requireTopic(opts);
  const topics = await matchingTopics(admin, opts);
  if (topics.length === 0) return;
  const r = await admin.sendToController(ApiKeys.DELETE_TOPICS, 4, { topicNames: topics, timeoutMs: 30_000 }, (res) => res.responses.some((t) => t.errorCode === NOT_CONTROLLER));
  const failed = r.responses.filter((t) => t.errorCode !== Errors.NONE.code);
  if (failed.length > 0) throw new CliError(failed.map((t) => `${t.name}: ${errorText(t.errorCode, t.errorMessage)}`).join('; '));
}

/** --zookeeper: /brokers/topics, the partition state znodes and /config/topics, read-only. */
async function zookeeperReadOnly(connectString: string, action: 'list' | 'describe', opts: TopicsOptions): Promise<void> {
  let zk: KafkaZkClient;
  try {
    zk = await KafkaZkClient.create({ connectString, sessionTimeoutMs: 10_000, connectionTimeoutMs: 10_000, name: 'kafkats-topics' });
  } catch (err) {
    throw new CliError(`cannot connect to ZooKeeper at ${connectString}: ${(err as Error).message}`);
  }
  try {
    const deleting = new Set(await zk.getTopicDeletions());
    const match = topicMatcher(opts.topic);
    const names = (await zk.getAllTopicsInCluster())
      .filter((t) => match(t) && !(opts.excludeInternal && isInternalTopic(t)))
      .sort();
    if (action === 'list') {
      const lines = names.map((t) => (deleting.has(t) ? `${t} - marked for deletion` : t));
      if (lines.length > 0) process.stdout.write(lines.join('\n') + '\n');
      return;
    }
    if (names.length === 0 && opts.topic !== undefined && !opts.ifExists) throw new CliError(`Error while executing topic command : Topic '${opts.topic}' does not exist as expected`);
    const assignments = await zk.getReplicaAssignmentAndTopicIdForTopics(names);
    const live = new Set(await zk.getSortedBrokerList());
    const descriptions: TopicDescription[] = [];
    for (const a of assignments) {
      const tps = [...a.assignment.keys()].sort((x, y) => x - y).map((partition) => ({ topic: a.topic, partition }));
      const states = await zk.getTopicPartitionStates(tps);
      const configs = await zk.getEntityConfigs('topics', a.topic);
      descriptions.push({
        name: a.topic,
        topicId: a.topicId,
        isInternal: isInternalTopic(a.topic),
        partitions: tps.map((tp) => {
          const s = states.get(tp);
          return { partition: tp.partition, leader: s?.leaderAndIsr.leader ?? -1, replicas: a.assignment.get(tp.partition)?.replicas ?? [], isr: s?.leaderAndIsr.isr ?? [] };
        }),
        configs: Object.entries(configs).sort(([x], [y]) => x.localeCompare(y)),
        markedForDeletion: deleting.has(a.topic),
      });
    }
    descriptions.sort((x, y) => x.name.localeCompare(y.name));
    printDescriptions(descriptions, opts, live);
  } finally {
    await zk.close();
  }
}
