/**
 * `kafkats reassign-partitions` — Kafka's kafka-reassign-partitions.sh (ReassignPartitionsCommand):
 *   --generate --topics-to-move-json-file F --broker-list 0,1,2   proposes an assignment
 *   --execute  --reassignment-json-file F [--throttle B/s] [--replica-alter-log-dirs-throttle B/s] [--additional] [--timeout ms]
 *   --verify   --reassignment-json-file F [--preserve-throttles]  status; removes the throttles once done
 *   --cancel   --reassignment-json-file F [--preserve-throttles]  (--bootstrap-server only)
 *   --list
 * through the brokers (--bootstrap-server, Kafka 3's tool) or ZooKeeper (--zookeeper, Kafka 2's:
 * /admin/reassign_partitions). A throttle sets leader/follower.replication.throttled.rate on every
 * broker taking part and leader/follower.replication.throttled.replicas on the topics, as Kafka's
 * tool does; --verify clears them when nothing is in progress any more. Output lines are Kafka's.
 *
 * A file entry may name a log dir per replica (`"log_dirs": ["/data/b", "any"]`): --execute then
 * sends AlterReplicaLogDirs to the replica's broker, retrying for --timeout ms while the replica does
 * not exist there yet (REPLICA_NOT_AVAILABLE: a replica being added), and --verify reports each
 * move from DescribeLogDirs. --replica-alter-log-dirs-throttle sets
 * replica.alter.log.dirs.io.max.bytes.per.second on the brokers moving replicas. Log dir moves need
 * --bootstrap-server.
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { assignReplicasToBrokers } from '../controller/replica-assignment.js';
import { ApiError } from '../protocol/errors.js';
import { AdminClient } from './admin-client.js';
import { CliError, cliAction, parseBootstrapServers } from './cli-support.js';
import { AdminReassignmentCluster, ZkReassignmentCluster, type ConfigChange, type ReassignmentCluster } from './reassignment-cluster.js';
import { Errors, errorForCode } from '../protocol/errors.js';
import { delay, SYSTEM_TIME } from '../common/time.js';
import {
  calculateProposedMoveMap,
  compareTopicPartitions,
  currentReassignmentsToString,
  followerThrottles,
  formatAsReassignmentJson,
  leaderThrottles,
  parseReassignmentJson,
  parseTopicsToMove,
  partitionReassignmentStatesToString,
  compareReplicas,
  logDirMoveState,
  reassigningBrokers,
  replicaMoveStatesToString,
  replicaString,
  tpString,
  validateExecuteAssignment,
  validateGenerateArgs,
  type PartitionReassignmentState,
  type ProposedPartition,
  type ProposedReplicaDir,
} from './reassignment-json.js';

interface ReassignOptions {
  bootstrapServer?: string;
  zookeeper?: string;
  generate?: boolean;
  execute?: boolean;
  verify?: boolean;
  cancel?: boolean;
  list?: boolean;
  topicsToMoveJsonFile?: string;
  reassignmentJsonFile?: string;
  brokerList?: string;
  disableRackAware?: boolean;
  throttle?: string;
  replicaAlterLogDirsThrottle?: string;
  timeout?: string;
  additional?: boolean;
  preserveThrottles?: boolean;
}

/** Kafka's BROKER_LEVEL_THROTTLES and TOPIC_LEVEL_THROTTLES. */
export const BROKER_LEVEL_THROTTLES = ['leader.replication.throttled.rate', 'follower.replication.throttled.rate', 'replica.alter.log.dirs.io.max.bytes.per.second'];
export const TOPIC_LEVEL_THROTTLES = ['leader.replication.throttled.replicas', 'follower.replication.throttled.replicas'];

const CANNOT_EXECUTE_BECAUSE_OF_EXISTING = 'Cannot execute because there is an existing partition assignment.  Use --additional to override this and create a new partition assignment in addition to the existing one. The --additional flag can also be used to change the throttle by resubmitting the current reassignment.';
const YOU_MUST_RUN_VERIFY_PERIODICALLY = 'Warning: You must run --verify periodically, until the reassignment completes, to ensure the throttle is removed.';

export function registerReassignPartitions(program: Command): void {
  program
    .command('reassign-partitions')
    .description('move partition replicas between brokers (Kafka\'s kafka-reassign-partitions.sh)')
    .option('--bootstrap-server <servers>', 'the brokers to connect to: host:port[,host:port…]')
    .option('--zookeeper <connect>', 'work through ZooKeeper (host:port[/chroot]) as Kafka 2\'s tool did: /admin/reassign_partitions')
    .option('--generate', 'propose an assignment of the topics in --topics-to-move-json-file over --broker-list')
    .option('--execute', 'start the reassignment in --reassignment-json-file')
    .option('--verify', 'report the reassignment in --reassignment-json-file; removes the throttle once it is done')
    .option('--cancel', 'cancel the active reassignments of the partitions in --reassignment-json-file')
    .option('--list', 'list the active partition reassignments')
    .option('--topics-to-move-json-file <file>', '{"version":1,"topics":[{"topic":"t"}]}')
    .option('--reassignment-json-file <file>', '{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2],"log_dirs":["any","any"]}]}')
    .option('--broker-list <ids>', 'with --generate: the brokers to assign to, e.g. 0,1,2')
    .option('--disable-rack-aware', 'with --generate: ignore broker racks')
    .option('--throttle <bytes/s>', 'with --execute: throttle replication of the moving replicas to this rate')
    .option('--replica-alter-log-dirs-throttle <bytes/s>', 'with --execute: throttle moves between log dirs on the brokers to this rate')
    .option('--timeout <ms>', 'with --execute: how long to keep trying to start the log dir moves', '10000')
    .option('--additional', 'with --execute: add to (or re-throttle) reassignments already in progress')
    .option('--preserve-throttles', 'with --verify/--cancel: leave the throttles in place')
    .addHelpText('after', `
Examples:
  kafkats reassign-partitions --bootstrap-server localhost:9092 --generate --topics-to-move-json-file topics.json --broker-list 0,1,2,3
  kafkats reassign-partitions --bootstrap-server localhost:9092 --execute --reassignment-json-file plan.json --throttle 1000000
  kafkats reassign-partitions --bootstrap-server localhost:9092 --verify --reassignment-json-file plan.json`)
    .action(cliAction('reassign-partitions', run));
}

function readFile(flag: string, file: string | undefined): string {
  if (file === undefined) throw new CliError(`${flag} is required`);
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

async function run(opts: ReassignOptions): Promise<void> {
  const actions = (['generate', 'execute', 'verify', 'cancel', 'list'] as const).filter((a) => opts[a] === true);
  if (actions.length !== 1) throw new CliError('Command must include exactly one action: --generate, --execute, --verify, --cancel, --list');
  const action = actions[0]!;
  if ((opts.bootstrapServer === undefined) === (opts.zookeeper === undefined)) throw new CliError('Please specify either --bootstrap-server or --zookeeper');
  if (opts.throttle !== undefined && action !== 'execute') throw new CliError(`Option "--throttle" can't be used with action "--${action}"`);
  if (opts.zookeeper !== undefined && (action === 'cancel' || action === 'list')) throw new CliError(`Option "--zookeeper" can't be used with action "--${action}"`);
  const throttle = parseNonNegative('--throttle', opts.throttle, 'a number of bytes per second');
  const logDirThrottle = parseNonNegative('--replica-alter-log-dirs-throttle', opts.replicaAlterLogDirsThrottle, 'a number of bytes per second');
  if (logDirThrottle >= 0 && action !== 'execute') throw new CliError(`Option "--replica-alter-log-dirs-throttle" can't be used with action "--${action}"`);
  const timeoutMs = parseNonNegative('--timeout', opts.timeout, 'a number of milliseconds');
  const cluster: ReassignmentCluster = opts.zookeeper !== undefined
    ? await ZkReassignmentCluster.connect(opts.zookeeper)
    : new AdminReassignmentCluster(new AdminClient(parseBootstrapServers(opts.bootstrapServer), { clientId: 'reassign-partitions-tool' }));
  try {
    switch (action) {
      case 'generate':
        return await generate(cluster, readFile('--topics-to-move-json-file', opts.topicsToMoveJsonFile), opts.brokerList, opts.disableRackAware !== true);
      case 'execute':
        return await execute(cluster, readFile('--reassignment-json-file', opts.reassignmentJsonFile), { throttle, logDirThrottle, timeoutMs }, opts.additional === true);
      case 'verify':
        return await verify(cluster, readFile('--reassignment-json-file', opts.reassignmentJsonFile), opts.preserveThrottles === true);
      case 'cancel':
        return await cancel(cluster, readFile('--reassignment-json-file', opts.reassignmentJsonFile), opts.preserveThrottles === true);
      case 'list':
        out(currentReassignmentsToString(await cluster.ongoing()));
        return;
    }
  } finally {
    await cluster.close();
  }
}

function parseNonNegative(flag: string, value: string | undefined, what: string): number {
  if (value === undefined) return -1;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new CliError(`${flag} must be ${what}, got '${value}'`);
  return n;
}

function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Kafka's generateAssignment: each topic's partitions spread over the listed brokers with AdminUtils' algorithm. */
async function generate(cluster: ReassignmentCluster, json: string, brokerList: string | undefined, rackAware: boolean): Promise<void> {
  if (brokerList === undefined) throw new CliError('--broker-list is required with --generate');
  const brokers = brokerList.split(',').map((s) => {
    if (!/^\s*\d+\s*$/.test(s)) throw new CliError(`invalid --broker-list '${brokerList}': expected broker ids such as 0,1,2`);
    return Number(s);
  });
  const topics = parseTopicsToMove(json);
  validateGenerateArgs(brokers, topics);
  const current = await cluster.assignments(topics);
  const known = (await cluster.brokers()).filter((b) => brokers.includes(b.id)).sort((a, b) => a.id - b.id);
  const metadata = known.map((b) => ({ id: b.id, rack: rackAware ? b.rack : null }));
  const rackless = metadata.filter((b) => b.rack === null || b.rack === '').length;
  if (rackAware && rackless !== 0 && rackless !== metadata.length) {
    throw new CliError('Not all brokers have rack information. Add --disable-rack-aware in command line to make replica assignment without rack information.');
  }
  const currentParts = toProposed(current);
  const proposed: ProposedPartition[] = [];
  for (const topic of [...new Set(topics)]) {
    const parts = currentParts.filter((p) => p.tp.topic === topic);
    try {
      for (const [partition, replicas] of assignReplicasToBrokers(metadata, parts.length, parts[0]?.replicas.length ?? 0)) proposed.push({ tp: { topic, partition }, replicas });
    } catch (err) {
      if (err instanceof ApiError) throw new CliError(err.message);
      throw err;
    }
  }
  out(`Current partition replica assignment\n${formatAsReassignmentJson(currentParts)}\n`);
  out(`Proposed partition reassignment configuration\n${formatAsReassignmentJson(proposed)}`);
}

function toProposed(assignments: ReadonlyMap<string, number[]>): ProposedPartition[] {
  return [...assignments].map(([key, replicas]) => {
    const dash = key.lastIndexOf('-');
    return { tp: { topic: key.slice(0, dash), partition: Number(key.slice(dash + 1)) }, replicas };
  });
}

/** Kafka's executeAssignment. */
async function execute(cluster: ReassignmentCluster, json: string, limits: { throttle: number; logDirThrottle: number; timeoutMs: number }, additional: boolean): Promise<void> {
  const { throttle, logDirThrottle, timeoutMs } = limits;
  const { partitions, replicaDirs } = parseReassignmentJson(json);
  validateExecuteAssignment(partitions);
  if (replicaDirs.length > 0 && !cluster.alterReplicaLogDirs) throw new CliError('--bootstrap-server needs to be provided in order to reassign replica to the specified log directory');
  const ongoing = await cluster.ongoing();
  if (!additional && ongoing.length > 0) throw new CliError(CANNOT_EXECUTE_BECAUSE_OF_EXISTING);
  const all = new Set((await cluster.brokers()).map((b) => b.id));
  const unknown = [...new Set(partitions.flatMap((p) => p.replicas))].find((b) => !all.has(b));
  if (unknown !== undefined) throw new CliError(`Unknown broker id ${unknown}`);
  const current = await cluster.assignments(partitions.map((p) => p.tp.topic));
  const missing = partitions.filter((p) => !current.has(tpString(p.tp)));
  if (missing.length > 0) throw new CliError(`Unable to find partition: ${missing.map((p) => tpString(p.tp)).join(', ')}`);
  const currentParts = toProposed(current).filter((c) => partitions.some((p) => tpString(p.tp) === tpString(c.tp)));
  out(`Current partition replica assignment\n\n${formatAsReassignmentJson(currentParts)}\n\nSave this to use as the --reassignment-json-file option during rollback`);
  if (throttle >= 0 || logDirThrottle >= 0) out(YOU_MUST_RUN_VERIFY_PERIODICALLY);
  if (throttle >= 0) {
    const moves = calculateProposedMoveMap(ongoing, partitions, current);
    const leader = leaderThrottles(moves);
    const follower = followerThrottles(moves);
    const topicChanges: ConfigChange[] = [...new Set([...leader.keys(), ...follower.keys()])].map((topic) => ({
      type: 'topics',
      name: topic,
      set: {
        ...(leader.has(topic) ? { 'leader.replication.throttled.replicas': leader.get(topic)! } : {}),
        ...(follower.has(topic) ? { 'follower.replication.throttled.replicas': follower.get(topic)! } : {}),
      },
      delete: [],
    }));
    await cluster.alterConfigs(topicChanges);
    await cluster.alterConfigs(reassigningBrokers(moves).map((b) => ({
      type: 'brokers',
      name: String(b),
      set: { 'leader.replication.throttled.rate': String(throttle), 'follower.replication.throttled.rate': String(throttle) },
      delete: [],
    })));
    out(`The inter-broker throttle limit was set to ${throttle} B/s`);
  }
  if (logDirThrottle >= 0) {
    const movingBrokers = [...new Set(replicaDirs.map((d) => d.brokerId))].sort((a, b) => a - b);
    await cluster.alterConfigs(movingBrokers.map((b) => ({ type: 'brokers', name: String(b), set: { 'replica.alter.log.dirs.io.max.bytes.per.second': String(logDirThrottle) }, delete: [] })));
    out(`The replica-alter-dir throttle limit was set to ${logDirThrottle} B/s`);
  }
  const errors = await cluster.alter(partitions);
  if (errors.size > 0) {
    throw new CliError(`Error reassigning partition(s):\n${[...errors].sort(([a], [b]) => a.localeCompare(b)).map(([k, m]) => `${k}: ${m}`).join('\n')}`);
  }
  const names = [...partitions].sort((a, b) => compareTopicPartitions(a.tp, b.tp)).map((p) => tpString(p.tp));
  out(`Successfully started partition reassignment${names.length === 1 ? '' : 's'} for ${names.join(',')}`);
  if (replicaDirs.length > 0) await executeMoves(cluster, replicaDirs, timeoutMs);
}

/**
 * Kafka's executeMoves: AlterReplicaLogDirs for every replica that names a dir; a replica its
 * broker does not host yet (REPLICA_NOT_AVAILABLE, e.g. one being added) is asked again every
 * 100 ms until it starts or the timeout passes.
 */
async function executeMoves(cluster: ReassignmentCluster, moves: readonly ProposedReplicaDir[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pending = [...moves];
  for (;;) {
    const codes = await cluster.alterReplicaLogDirs!(pending);
    const retriable = new Set<number | undefined>([Errors.NONE.code, Errors.REPLICA_NOT_AVAILABLE.code, undefined]);
    const failed = pending.filter((m) => !retriable.has(codes.get(replicaString(m))));
    if (failed.length > 0) {
      throw new CliError(failed.map((m) => `Failed to alter dir for ${replicaString(m)}: ${errorForCode(codes.get(replicaString(m))!).name}`).join('\n'));
    }
    const completed = pending.filter((m) => codes.get(replicaString(m)) === Errors.NONE.code).sort(compareReplicas);
    if (completed.length > 0) out(`Successfully started log directory move${completed.length === 1 ? '' : 's'} for: ${completed.map(replicaString).join(',')}`);
    pending = pending.filter((m) => !completed.includes(m));
    if (pending.length === 0) return;
    if (Date.now() >= deadline) {
      throw new CliError(`Timed out before log directory move${pending.length === 1 ? '' : 's'} could be started for: ${[...pending].sort(compareReplicas).map(replicaString).join(',')}`);
    }
    await delay(SYSTEM_TIME, 100);
  }
}

/** Kafka's verifyAssignment: per partition in progress, completed, or not as the file says; throttles cleared when nothing is in progress. */
async function verify(cluster: ReassignmentCluster, json: string, preserveThrottles: boolean): Promise<void> {
  const { partitions, replicaDirs } = parseReassignmentJson(json);
  if (replicaDirs.length > 0 && !cluster.describeReplicaLogDirs) throw new CliError('--bootstrap-server needs to be provided in order to verify replica moves between log directories');
  const ongoing = await cluster.ongoing();
  const ongoingKeys = new Map(ongoing.map((r) => [tpString(r.tp), r]));
  const notFound = partitions.filter((p) => !ongoingKeys.has(tpString(p.tp)));
  const current = await currentReplicasOf(cluster, notFound.map((p) => p.tp.topic));
  const states: PartitionReassignmentState[] = partitions.map((p) => {
    const r = ongoingKeys.get(tpString(p.tp));
    if (r) return { tp: p.tp, currentReplicas: r.replicas, targetReplicas: p.replicas, done: false };
    return { tp: p.tp, currentReplicas: current.get(tpString(p.tp)) ?? [], targetReplicas: p.replicas, done: true };
  });
  out(partitionReassignmentStatesToString(states));
  out('');
  let movesOngoing = false;
  if (replicaDirs.length > 0) {
    const infos = await cluster.describeReplicaLogDirs!(replicaDirs);
    const moves = replicaDirs.map((d) => ({ ...d, info: infos.get(replicaString(d)) }));
    out(replicaMoveStatesToString(moves));
    out('');
    movesOngoing = moves.some((m) => !logDirMoveState(m.logDir, m.info).done);
  }
  if (ongoing.length === 0 && !movesOngoing && !preserveThrottles) await clearAllThrottles(cluster, partitions);
}

/** Current replicas of the topics' partitions; a missing topic has none (as Kafka reports it). */
async function currentReplicasOf(cluster: ReassignmentCluster, topics: string[]): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const t of new Set(topics)) {
    try {
      for (const [k, v] of await cluster.assignments([t])) out.set(k, v);
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
    }
  }
  return out;
}

/** Kafka's clearAllThrottles: the broker throttles on every broker (and every broker in the file), the topic throttles on the file's topics. */
async function clearAllThrottles(cluster: ReassignmentCluster, partitions: readonly ProposedPartition[]): Promise<void> {
  const brokers = new Set((await cluster.brokers()).map((b) => b.id));
  for (const p of partitions) for (const r of p.replicas) brokers.add(r);
  const brokerList = [...brokers].sort((a, b) => a - b);
  out(`Clearing broker-level throttles on broker${brokerList.length === 1 ? '' : 's'} ${brokerList.join(',')}`);
  await cluster.alterConfigs(brokerList.map((b) => ({ type: 'brokers', name: String(b), set: {}, delete: BROKER_LEVEL_THROTTLES })));
  const topics = [...new Set(partitions.map((p) => p.tp.topic))];
  out(`Clearing topic-level throttles on topic${topics.length === 1 ? '' : 's'} ${topics.join(',')}`);
  await cluster.alterConfigs(topics.map((t) => ({ type: 'topics', name: t, set: {}, delete: TOPIC_LEVEL_THROTTLES })));
}

/** Kafka's cancelAssignment: cancels the active reassignments among the file's partitions, then clears the throttles. */
async function cancel(cluster: ReassignmentCluster, json: string, preserveThrottles: boolean): Promise<void> {
  if (!cluster.canCancel) throw new CliError('Option "--zookeeper" can\'t be used with action "--cancel"');
  const { partitions } = parseReassignmentJson(json);
  const active = (await cluster.ongoing(partitions.map((p) => p.tp))).sort((a, b) => compareTopicPartitions(a.tp, b.tp));
  if (active.length > 0) {
    const errors = await cluster.alter(active.map((r) => ({ tp: r.tp, replicas: null })));
    if (errors.size > 0) {
      throw new CliError(`Error cancelling partition reassignment${errors.size === 1 ? '' : 's'} for:\n${[...errors].sort(([a], [b]) => a.localeCompare(b)).map(([k, m]) => `${k}: ${m}`).join('\n')}`);
    }
    out(`Successfully cancelled partition reassignment${active.length === 1 ? '' : 's'} for: ${active.map((r) => tpString(r.tp)).join(',')}`);
  } else {
    out('None of the specified partition reassignments are active.');
  }
  out('None of the specified partition moves are active.');
  if (!preserveThrottles) await clearAllThrottles(cluster, partitions);
}
