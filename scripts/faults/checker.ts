/**
 * The fault campaign's checker: pure functions from what the workload saw (acknowledged and read
 * records), what the replicas hold at the end, and what the campaign observed during the faults
 * (registrations, recoveries, exits) to a list of checks, each with a count and examples. A check
 * passes when its count is 0.
 *
 * "The log" of a partition is its leader's replica at the end, up to the high watermark.
 */
import type { ReplicaLog, BatchSummary } from './replica-logs.js';
import { parseValue, type AckedRecord, type ReadRecord, type WorkloadEvent } from './workload.js';

export interface PartitionEnd {
  leader: number;
  highWatermark: number;
}

/** A finding the campaign made while faults ran (registration, recovery, crash). */
export interface Finding {
  fault: number | null;
  nemesis: string | null;
  brokers: number[];
  at: number;
  detail: string;
  logTails?: Record<string, string>;
}

export interface CheckInput {
  acked: AckedRecord[];
  read: ReadRecord[];
  /** Values the producer got an error for (written or not: both are allowed). */
  failed: string[];
  ends: Map<number, PartitionEnd>;
  /** Every replica of every partition, as read from the brokers' log dirs. */
  replicas: Map<number, ReplicaLog[]>;
  unregistered: Finding[];
  underReplicated: Finding[];
  crashes: Finding[];
  /** Workload processes (producer, consumers) that exited on their own. */
  workloadDeaths: WorkloadEvent[];
  /** Fatal errors the idempotent producer raised (the instance is replaced and the run goes on). */
  producerFatalErrors: WorkloadEvent[];
  /** What happened to a partition after `at` (elections, faults), for the examples of a loss. */
  attribute?: (partition: number, at: number) => unknown;
  /** The producer's idempotence log lines (sequence errors, epoch bumps) between two times. */
  clientLog?: (from: number, to: number) => string[];
  /** What the consumer group did around an offset, for the examples of records never read. */
  groupActivity?: (partition: number, offset: number) => unknown;
}

export interface CheckResult {
  name: string;
  title: string;
  count: number;
  examples: unknown[];
  /** Reported, but not a violation (the data checks decide). */
  informational?: boolean;
}

const MAX_EXAMPLES = 20;

interface Located { partition: number; offset: number; leaderEpoch: number; producer: string }

/** Leader log records below the high watermark, by value. */
type AtOffset = { value: string | null; leaderEpoch: number; producer: string };

function indexLog(input: CheckInput): { byValue: Map<string, Located[]>; atOffset: Map<number, Map<number, AtOffset>> } {
  const byValue = new Map<string, Located[]>();
  const atOffset = new Map<number, Map<number, AtOffset>>();
  for (const [partition, end] of input.ends) {
    const leader = input.replicas.get(partition)?.find((r) => r.brokerId === end.leader);
    const offsets = new Map<number, AtOffset>();
    atOffset.set(partition, offsets);
    for (const r of leader?.records ?? []) {
      if (r.offset >= end.highWatermark) break;
      offsets.set(r.offset, { value: r.value, leaderEpoch: r.leaderEpoch, producer: r.producer });
      if (r.value === null) continue;
      const list = byValue.get(r.value) ?? [];
      list.push({ partition, offset: r.offset, leaderEpoch: r.leaderEpoch, producer: r.producer });
      byValue.set(r.value, list);
    }
  }
  return { byValue, atOffset };
}

/** Consecutive offsets of one partition folded into ranges, for readable examples. */
function ranges<T extends { partition: number; offset: number }>(items: T[], describe: (first: T, last: T, n: number) => Record<string, unknown>): unknown[] {
  const sorted = [...items].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  const out: unknown[] = [];
  let i = 0;
  while (i < sorted.length && out.length < MAX_EXAMPLES) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]!.partition === sorted[i]!.partition && sorted[j + 1]!.offset <= sorted[j]!.offset + 1) j++;
    out.push(describe(sorted[i]!, sorted[j]!, j - i + 1));
    i = j + 1;
  }
  return out;
}

export function checkLog(input: CheckInput): CheckResult[] {
  const { byValue, atOffset } = indexLog(input);
  const lost: AckedRecord[] = [];
  const moved: Array<{ acked: AckedRecord; now: Located[] }> = [];
  for (const a of input.acked) {
    const found = byValue.get(a.value);
    if (found === undefined) lost.push(a);
    // An acknowledgement without an offset (-1: the client knows it was written, not where) is only checked for presence.
    else if (a.offset >= 0 && !found.some((f) => f.partition === a.partition && f.offset === a.offset)) moved.push({ acked: a, now: found });
  }
  // A broker can only recognise a retry within one producer epoch: two copies under the same
  // producer id and epoch are a duplicate the broker wrote; copies under different epochs are the
  // client sending the record again after bumping its epoch (librdkafka#4953, also with Kafka).
  const epochOf = (l: Located): string => l.producer.split('/').slice(0, 2).join('/');
  const copies = [...byValue].filter(([, l]) => l.length > 1);
  const duplicates = copies.filter(([, l]) => new Set(l.map(epochOf)).size < l.length);
  const resent = copies.filter(([, l]) => new Set(l.map(epochOf)).size === l.length);
  const outOfOrder: Array<{ partition: number; offset: number; value: string; previous: string; previousOffset: number }> = [];
  for (const [partition, offsets] of atOffset) {
    const last = new Map<string, { seq: number; value: string; offset: number }>();
    for (const [offset, r] of [...offsets].sort((x, y) => x[0] - y[0])) {
      const v = r.value === null ? null : parseValue(r.value);
      if (v === null) continue;
      const key = `${v.generation}/${v.key}`;
      const prev = last.get(key);
      if (prev !== undefined && v.seq < prev.seq) outOfOrder.push({ partition, offset, value: r.value!, previous: prev.value, previousOffset: prev.offset });
      if (prev === undefined || v.seq > prev.seq) last.set(key, { seq: v.seq, value: r.value!, offset });
    }
  }
  const readMissing: ReadRecord[] = [];
  const seenRead = new Set<string>();
  for (const r of input.read) {
    const key = `${r.partition}/${r.offset}/${r.value}`;
    if (seenRead.has(key)) continue;
    seenRead.add(key);
    if (atOffset.get(r.partition)?.get(r.offset)?.value !== r.value) readMissing.push(r);
  }
  const readValues = new Set(input.read.map((r) => r.value));
  const neverRead = input.acked.filter((a) => !readValues.has(a.value));
  const now = (p: number, o: number): unknown => atOffset.get(p)?.get(o) ?? null;
  return [
    {
      name: 'acked-lost',
      title: 'acknowledged records lost',
      count: lost.length,
      examples: ranges(lost, (f, l, n) => ({
        partition: f.partition, fromOffset: f.offset, toOffset: l.offset, records: n, firstValue: f.value, lastValue: l.value,
        ackedAt: new Date(f.at).toISOString(), nowAtFirstOffset: now(f.partition, f.offset), after: input.attribute?.(f.partition, f.at),
      })),
    },
    {
      name: 'acked-offset-changed',
      title: 'acknowledged records now at another offset',
      count: moved.length,
      examples: moved.slice(0, MAX_EXAMPLES).map((m) => ({ acked: m.acked, now: m.now, nowAtAckedOffset: now(m.acked.partition, m.acked.offset), after: input.attribute?.(m.acked.partition, m.acked.at) })),
    },
    {
      name: 'duplicates',
      title: 'records written more than once (within one producer epoch)',
      count: duplicates.reduce((n, [, l]) => n + l.length - 1, 0),
      examples: duplicates.slice(0, MAX_EXAMPLES).map(([value, at]) => duplicateExample(input, value, at)),
    },
    {
      name: 'duplicates-resent',
      title: 'records the client sent again under a new producer epoch',
      count: resent.reduce((n, [, l]) => n + l.length - 1, 0),
      examples: resent.slice(0, MAX_EXAMPLES).map(([value, at]) => duplicateExample(input, value, at)),
      informational: true,
    },
    {
      name: 'order',
      title: 'records out of order within a key',
      count: outOfOrder.length,
      examples: outOfOrder.slice(0, MAX_EXAMPLES),
    },
    {
      name: 'read-then-missing',
      title: 'records read, later missing or changed',
      count: readMissing.length,
      examples: ranges(readMissing, (f, l, n) => ({
        partition: f.partition, fromOffset: f.offset, toOffset: l.offset, records: n, readValue: f.value, readAt: new Date(f.at).toISOString(),
        consumer: f.consumer, nowAtFirstOffset: now(f.partition, f.offset), after: input.attribute?.(f.partition, f.at),
      })),
    },
    {
      name: 'never-read',
      title: 'acknowledged records the consumer group never read',
      count: neverRead.length,
      examples: ranges(neverRead, (f, l, n) => ({ partition: f.partition, fromOffset: f.offset, toOffset: l.offset, records: n, firstValue: f.value, group: input.groupActivity?.(f.partition, f.offset) })),
    },
  ];
}

/** A value written more than once: each copy (offset, leader epoch, producer id/epoch/sequence) and what the client logged. */
function duplicateExample(input: CheckInput, value: string, at: Located[]): Record<string, unknown> {
  const acked = input.acked.filter((a) => a.value === value);
  const when = acked[0]?.at ?? 0;
  return { value, copies: at, acked, clientLog: input.clientLog?.(when - 15_000, when), after: input.attribute?.(at[0]!.partition, when) };
}

function sameBatch(a: BatchSummary, b: BatchSummary): boolean {
  return a.baseOffset === b.baseOffset && a.lastOffset === b.lastOffset && a.partitionLeaderEpoch === b.partitionLeaderEpoch && a.digest === b.digest;
}

/** Every replica holds the leader's batches, byte for byte, up to the high watermark. */
export function checkReplicas(input: CheckInput): CheckResult {
  const differences: unknown[] = [];
  let count = 0;
  for (const [partition, end] of input.ends) {
    const all = input.replicas.get(partition) ?? [];
    const leader = all.find((r) => r.brokerId === end.leader);
    const below = (r: ReplicaLog): BatchSummary[] => r.batches.filter((b) => b.baseOffset < end.highWatermark);
    if (leader === undefined) {
      count++;
      differences.push({ partition, problem: `the leader ${end.leader} is not among the replicas read` });
      continue;
    }
    const reference = below(leader);
    for (const r of all) {
      const problems: string[] = [];
      if (!r.present) problems.push('no directory for the partition');
      problems.push(...r.problems);
      const mine = below(r);
      let i = 0;
      while (i < reference.length && i < mine.length && sameBatch(reference[i]!, mine[i]!)) i++;
      if (i < reference.length || i < mine.length) {
        problems.push(`first different batch #${i} (offset ${reference[i]?.baseOffset ?? mine[i]?.baseOffset})`);
      }
      if (problems.length > 0) {
        count++;
        if (differences.length < MAX_EXAMPLES) {
          differences.push({
            partition, broker: r.brokerId, leader: end.leader, highWatermark: end.highWatermark, problems,
            leaderBatch: reference[i] ?? null, replicaBatch: mine[i] ?? null, leaderBatches: reference.length, replicaBatches: mine.length,
            replicaLogEndOffset: r.logEndOffset,
          });
        }
      }
    }
  }
  return { name: 'replicas-differ', title: 'replicas not batch-for-batch identical up to the high watermark', count, examples: differences };
}

/** The checks that count as violations. */
export function violations(checks: CheckResult[]): CheckResult[] {
  return checks.filter((c) => c.count > 0 && c.informational !== true);
}

/** Every check: the log's, the replicas', and what the campaign found while the faults ran. */
export function check(input: CheckInput): CheckResult[] {
  const finding = (name: string, title: string, list: Array<Finding | WorkloadEvent>): CheckResult => ({ name, title, count: list.length, examples: list.slice(0, MAX_EXAMPLES) });
  return [
    ...checkLog(input),
    checkReplicas(input),
    finding('unregistered', 'brokers unregistered > 30 s after a heal', input.unregistered),
    finding('under-replicated', 'partitions under-replicated > 60 s after a heal', input.underReplicated),
    finding('crashes', 'broker processes that exited unexpectedly', input.crashes),
    finding('workload-died', 'workload processes that died', input.workloadDeaths),
    // librdkafka raises some idempotence errors as fatal in leader-change races Kafka has too (e.g.
    // OUT_OF_ORDER_SEQUENCE_NUMBER for a request pipelined behind two NOT_LEADER answers): shown,
    // with their text, while the data checks above decide whether anything went wrong.
    { ...finding('producer-fatal', 'fatal errors of the idempotent producer (instance replaced)', input.producerFatalErrors), informational: true },
  ];
}
