/**
 * The file formats and text of Kafka's ReassignPartitionsCommand, as pure functions: the
 * topics-to-move JSON (`{"version":1,"topics":[{"topic":"t"}]}`), the reassignment JSON
 * (`{"version":1,"partitions":[{"topic","partition","replicas","log_dirs"}]}`), the move map the
 * throttles are computed from (sources = current replicas, destinations = new ones), the
 * `leader.replication.throttled.replicas` / `follower.replication.throttled.replicas` values, and the
 * status lines of --verify (partitions and replica log dir moves) and --list.
 */
import { CliError } from './cli-support.js';

/** Kafka's ANY_LOG_DIR: no particular log dir for this replica. */
export const ANY_LOG_DIR = 'any';

export interface TopicPartitionKey {
  topic: string;
  partition: number;
}

export interface ProposedPartition {
  tp: TopicPartitionKey;
  replicas: number[];
}

/** A replica whose log dir the file names (Kafka's TopicPartitionReplica → dir). */
export interface ProposedReplicaDir {
  tp: TopicPartitionKey;
  brokerId: number;
  logDir: string;
}

export interface OngoingReassignment {
  tp: TopicPartitionKey;
  replicas: number[];
  adding: number[];
  removing: number[];
}

export const tpString = (tp: TopicPartitionKey): string => `${tp.topic}-${tp.partition}`;

export function compareTopicPartitions(a: TopicPartitionKey, b: TopicPartitionKey): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}

function parseJson(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new CliError(`The input string is not a valid JSON: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new CliError('The input string is not a valid JSON object');
  return v as Record<string, unknown>;
}

function checkVersion(o: Record<string, unknown>): void {
  const version = o.version ?? 1;
  if (version !== 1) throw new CliError(`Not supported version field value ${JSON.stringify(version)}`);
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** Kafka's parseTopicsData: the topic names of a topics-to-move file. */
export function parseTopicsToMove(text: string): string[] {
  const o = parseJson(text);
  checkVersion(o);
  if (o.topics === undefined) return [];
  if (!Array.isArray(o.topics)) throw new CliError('"topics" must be an array of {"topic": name}');
  return o.topics.map((t: unknown) => {
    const topic = (t as { topic?: unknown } | null)?.topic;
    if (typeof topic !== 'string') throw new CliError(`invalid topics entry ${JSON.stringify(t)}: expected {"topic": name}`);
    return topic;
  });
}

/** Kafka's parsePartitionReassignmentData: partitions in file order (duplicates kept for the checks) and named log dirs. */
export function parseReassignmentJson(text: string): { partitions: ProposedPartition[]; replicaDirs: ProposedReplicaDir[] } {
  const o = parseJson(text);
  checkVersion(o);
  const partitions: ProposedPartition[] = [];
  const replicaDirs: ProposedReplicaDir[] = [];
  if (o.partitions === undefined) return { partitions, replicaDirs };
  if (!Array.isArray(o.partitions)) throw new CliError('"partitions" must be an array');
  for (const e of o.partitions as unknown[]) {
    const f = (e ?? {}) as Record<string, unknown>;
    if (typeof f.topic !== 'string' || !isInt(f.partition) || !Array.isArray(f.replicas) || !f.replicas.every(isInt)) {
      throw new CliError(`invalid partitions entry ${JSON.stringify(e)}: expected {"topic": name, "partition": n, "replicas": [ids]}`);
    }
    const tp = { topic: f.topic, partition: f.partition };
    const replicas = f.replicas as number[];
    let logDirs: string[];
    if (f.log_dirs === undefined) logDirs = replicas.map(() => ANY_LOG_DIR);
    else if (Array.isArray(f.log_dirs) && f.log_dirs.every((d) => typeof d === 'string')) logDirs = f.log_dirs as string[];
    else throw new CliError(`invalid log_dirs in ${JSON.stringify(e)}: expected a list of directories or "any"`);
    if (logDirs.length !== replicas.length) {
      throw new CliError(`Size of replicas list [${replicas.join(', ')}] is different from size of log dirs list [${logDirs.join(', ')}] for partition ${tpString(tp)}`);
    }
    partitions.push({ tp, replicas });
    logDirs.forEach((logDir, i) => {
      if (logDir !== ANY_LOG_DIR) replicaDirs.push({ tp, brokerId: replicas[i]!, logDir });
    });
  }
  return { partitions, replicaDirs };
}

function duplicates<T>(items: readonly T[]): T[] {
  const seen = new Set<T>();
  const dup = new Set<T>();
  for (const i of items) (seen.has(i) ? dup : seen).add(i);
  return [...dup];
}

/** Kafka's parseExecuteAssignmentArgs checks: non-empty, no empty or duplicated replica list, no partition twice. */
export function validateExecuteAssignment(partitions: readonly ProposedPartition[]): void {
  if (partitions.length === 0) throw new CliError('Partition reassignment list cannot be empty');
  if (partitions.some((p) => p.replicas.length === 0)) throw new CliError('Partition replica list cannot be empty');
  const dupParts = duplicates(partitions.map((p) => tpString(p.tp)));
  if (dupParts.length > 0) throw new CliError(`Partition reassignment contains duplicate topic partitions: ${dupParts.join(',')}`);
  const dupReplicas = partitions.map((p) => ({ tp: p.tp, dup: duplicates(p.replicas) })).filter((d) => d.dup.length > 0);
  if (dupReplicas.length > 0) {
    throw new CliError(`Partition replica lists may not contain duplicate entries: ${dupReplicas.map((d) => `${tpString(d.tp)} contains multiple entries for ${d.dup.join(',')}`).join('. ')}`);
  }
}

/** Kafka's parseGenerateAssignmentArgs checks. */
export function validateGenerateArgs(brokers: readonly number[], topics: readonly string[]): void {
  const dupBrokers = duplicates(brokers);
  if (dupBrokers.length > 0) throw new CliError(`Broker list contains duplicate entries: ${dupBrokers.join(', ')}`);
  const dupTopics = duplicates(topics);
  if (dupTopics.length > 0) throw new CliError(`List of topics to reassign contains duplicate entries: ${dupTopics.join(', ')}`);
}

/** Kafka's formatAsReassignmentJson: compact JSON, partitions sorted by topic then partition. */
export function formatAsReassignmentJson(partitions: ReadonlyArray<ProposedPartition>, replicaDirs: ReadonlyArray<ProposedReplicaDir> = []): string {
  const dirOf = (tp: TopicPartitionKey, broker: number): string =>
    replicaDirs.find((d) => d.brokerId === broker && tpString(d.tp) === tpString(tp))?.logDir ?? ANY_LOG_DIR;
  const sorted = [...partitions].sort((a, b) => compareTopicPartitions(a.tp, b.tp));
  return JSON.stringify({
    version: 1,
    partitions: sorted.map((p) => ({ topic: p.tp.topic, partition: p.tp.partition, replicas: p.replicas, log_dirs: p.replicas.map((r) => dirOf(p.tp, r)) })),
  });
}

/** One partition's move: the replicas it has (sources) and those it gains (destinations). */
export interface PartitionMove {
  sources: Set<number>;
  destinations: Set<number>;
}

/** topic → partition → move. */
export type MoveMap = Map<string, Map<number, PartitionMove>>;

/**
 * Kafka's calculateProposedMoveMap: moves already under way keep their sources (the original
 * replicas); a new move's sources are its current replicas, its destinations the replicas it gains.
 */
export function calculateProposedMoveMap(ongoing: readonly OngoingReassignment[], proposed: readonly ProposedPartition[], current: ReadonlyMap<string, number[]>): MoveMap {
  const moves: MoveMap = new Map();
  const partMoves = (topic: string): Map<number, PartitionMove> => {
    let m = moves.get(topic);
    if (!m) moves.set(topic, (m = new Map()));
    return m;
  };
  for (const r of ongoing) {
    partMoves(r.tp.topic).set(r.tp.partition, { sources: new Set(r.replicas.filter((b) => !r.adding.includes(b))), destinations: new Set(r.adding) });
  }
  for (const p of proposed) {
    const m = partMoves(p.tp.topic);
    const sources = m.get(p.tp.partition)?.sources ?? new Set(current.get(tpString(p.tp)) ?? []);
    if (sources.size === 0) throw new CliError(`Trying to reassign a topic partition ${tpString(p.tp)} with 0 replicas`);
    m.set(p.tp.partition, { sources, destinations: new Set(p.replicas.filter((b) => !sources.has(b))) });
  }
  return moves;
}

function throttleValue(moves: Map<number, PartitionMove>, pick: (m: PartitionMove) => Iterable<number>): string {
  const components = new Set<string>();
  for (const [partition, move] of moves) for (const b of pick(move)) components.add(`${partition}:${b}`);
  // Kafka keeps them in a TreeSet of strings: lexical order.
  return [...components].sort().join(',');
}

/** Kafka's calculateLeaderThrottles: `partition:source` for every source replica. */
export function leaderThrottles(moves: MoveMap): Map<string, string> {
  return new Map([...moves].map(([topic, m]) => [topic, throttleValue(m, (move) => move.sources)]));
}

/** Kafka's calculateFollowerThrottles: `partition:destination` for every replica being added. */
export function followerThrottles(moves: MoveMap): Map<string, string> {
  return new Map([...moves].map(([topic, m]) => [topic, throttleValue(m, (move) => [...move.destinations].filter((d) => !move.sources.has(d)))]));
}

/** Kafka's calculateReassigningBrokers: every source and destination broker. */
export function reassigningBrokers(moves: MoveMap): number[] {
  const out = new Set<number>();
  for (const m of moves.values()) for (const move of m.values()) for (const b of [...move.sources, ...move.destinations]) out.add(b);
  return [...out].sort((a, b) => a - b);
}

/** The state --verify reports for one partition (Kafka's PartitionReassignmentState). */
export interface PartitionReassignmentState {
  tp: TopicPartitionKey;
  currentReplicas: number[];
  targetReplicas: number[];
  done: boolean;
}

/** Kafka's partitionReassignmentStatesToString. */
export function partitionReassignmentStatesToString(states: readonly PartitionReassignmentState[]): string {
  const lines = ['Status of partition reassignment:'];
  for (const s of [...states].sort((a, b) => compareTopicPartitions(a.tp, b.tp))) {
    if (!s.done) lines.push(`Reassignment of partition ${tpString(s.tp)} is still in progress.`);
    else if (s.currentReplicas.join(',') === s.targetReplicas.join(',')) lines.push(`Reassignment of partition ${tpString(s.tp)} is completed.`);
    else lines.push(`There is no active reassignment of partition ${tpString(s.tp)}, but replica set is ${s.currentReplicas.join(',')} rather than ${s.targetReplicas.join(',')}.`);
  }
  return lines.join('\n');
}

/** Kafka's curReassignmentsToString (--list). */
export function currentReassignmentsToString(ongoing: readonly OngoingReassignment[]): string {
  if (ongoing.length === 0) return 'No partition reassignments found.';
  const lines = [...ongoing].sort((a, b) => compareTopicPartitions(a.tp, b.tp)).map((r) =>
    `${tpString(r.tp)}: replicas: ${r.replicas.join(',')}.${r.adding.length > 0 ? ` adding: ${r.adding.join(',')}.` : ''}${r.removing.length > 0 ? ` removing: ${r.removing.join(',')}.` : ''}`);
  return `Current partition reassignments:\n${lines.join('\n')}`;
}

/** Kafka's TopicPartitionReplica.toString: `topic-partition-broker`. */
export function replicaString(r: { tp: TopicPartitionKey; brokerId: number }): string {
  return `${tpString(r.tp)}-${r.brokerId}`;
}

/** Kafka's compareTopicPartitionReplicas: by topic, then broker, then partition. */
export function compareReplicas(a: { tp: TopicPartitionKey; brokerId: number }, b: { tp: TopicPartitionKey; brokerId: number }): number {
  if (a.tp.topic !== b.tp.topic) return a.tp.topic < b.tp.topic ? -1 : 1;
  return a.brokerId !== b.brokerId ? a.brokerId - b.brokerId : a.tp.partition - b.tp.partition;
}

/** Where a replica lives on its broker (Kafka's DescribeReplicaLogDirsResult.ReplicaLogDirInfo). */
export interface ReplicaLogDirInfo {
  currentLogDir: string | null;
  futureLogDir: string | null;
}

/** Kafka's LogDirMoveState, from a replica's target dir and what its broker describes (undefined: not found). */
export function logDirMoveState(target: string, info: ReplicaLogDirInfo | undefined): { state: 'missing-replica' | 'missing-log-dir' | 'completed' | 'cancelled' | 'active'; done: boolean; current: string | null; future: string | null } {
  const current = info?.currentLogDir ?? null;
  const future = info?.futureLogDir ?? null;
  if (info === undefined) return { state: 'missing-replica', done: true, current, future };
  if (current === null) return { state: 'missing-log-dir', done: true, current, future };
  if (future === null) return { state: current === target ? 'completed' : 'cancelled', done: true, current, future };
  return { state: 'active', done: false, current, future };
}

/** Kafka's replicaMoveStatesToString: one line per replica move of the file. */
export function replicaMoveStatesToString(moves: ReadonlyArray<ProposedReplicaDir & { info: ReplicaLogDirInfo | undefined }>): string {
  return [...moves].sort(compareReplicas).map((m) => {
    const s = logDirMoveState(m.logDir, m.info);
    const on = `Partition ${tpString(m.tp)}`;
    switch (s.state) {
      case 'missing-log-dir': return `${on} is not found in any live log dir on broker ${m.brokerId}. There is likely an offline log directory on the broker.`;
      case 'missing-replica': return `${on} cannot be found in any live log directory on broker ${m.brokerId}.`;
      case 'active': return s.future === m.logDir
        ? `Reassignment of replica ${replicaString(m)} is still in progress.`
        : `${on} on broker ${m.brokerId} is being moved to log dir ${s.future} instead of ${m.logDir}.`;
      case 'cancelled': return `${on} on broker ${m.brokerId} is not being moved from log dir ${s.current} to ${m.logDir}.`;
      case 'completed': return `Reassignment of replica ${replicaString(m)} completed successfully.`;
    }
  }).join('\n');
}
