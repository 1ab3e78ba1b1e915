/**
 * `kafkats consumer-groups --reset-offsets`: Kafka's reset scenarios (--to-earliest, --to-latest,
 * --to-current, --to-offset, --shift-by, --to-datetime, --by-duration, --from-file), the reset
 * scopes (--topic t[:p,…] repeatable, --all-topics, or the partitions a --from-file plan names),
 * Kafka's range check (a target outside the log moves to its nearest end), --export as Kafka's CSV
 * (`topic,partition,offset` for one group, `group,topic,partition,offset` for several) and the
 * commit: one OffsetCommit with generation -1 and no member id, what Kafka's
 * alterConsumerGroupOffsets sends (the coordinator accepts it for a group without members).
 */
import { readFileSync } from 'node:fs';
import { ApiKeys } from '../protocol/index.js';
import { Errors } from '../protocol/errors.js';
import { type AdminClient, errorText } from './admin-client.js';
import { CliError, formatTable, parseIntOption } from './cli-support.js';

export interface ResetOptions {
  topic: string[];
  allTopics?: boolean;
  toEarliest?: boolean;
  toLatest?: boolean;
  toCurrent?: boolean;
  toOffset?: string;
  shiftBy?: string;
  toDatetime?: string;
  byDuration?: string;
  fromFile?: string;
  export?: boolean;
  execute?: boolean;
  dryRun?: boolean;
}

export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: bigint;
}

/** What the caller supplies about a group: its state and committed offsets (topic → partition → offset). */
export interface GroupView {
  state(groupId: string): Promise<string>;
  committed(groupId: string): Promise<Map<string, Map<number, bigint>>>;
  coordinator(groupId: string): Promise<string>;
}

const key = (topic: string, partition: number): string => `${topic}\0${partition}`;

/**
 * Kafka's Utils.getDateTime: `yyyy-MM-ddTHH:mm:ss.SSS` with an optional zone (`Z`, `±hh`, `±hhmm`,
 * `±hh:mm`); without one the time is UTC. Epoch milliseconds, or a CliError for any other shape.
 */
export function parseDateTime(value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(value.trim());
  const bad = (): never => { throw new CliError(`Error parsing timestamp '${value}': expected yyyy-MM-ddTHH:mm:ss.SSS with an optional zone (Z, +hh:mm), e.g. 2026-01-31T08:00:00.000`); };
  if (!m) return bad();
  const [y, mo, d, h, mi, s, ms] = m.slice(1, 8).map(Number) as [number, number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const back = new Date(t);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return bad();
  const zone = m[8];
  if (zone === undefined || zone === 'Z') return t;
  const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
  const offsetMin = (Number(z[2]) * 60 + Number(z[3] ?? 0)) * (z[1] === '-' ? -1 : 1);
  return t - offsetMin * 60_000;
}

/** Java's Duration.parse (ISO-8601 `PnDTnHnMn.nS`, e.g. PT1H, P1DT30M, PT0.5S) in milliseconds. */
export function parseIsoDuration(value: string): number {
  const m = /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{1,9}))?S)?)?$/i.exec(value.trim());
  if (!m || value.trim().toUpperCase().endsWith('T') || m.slice(2, 6).every((x) => x === undefined)) {
    throw new CliError(`Error parsing duration '${value}': expected ISO-8601 PnDTnHnMn.nS, e.g. PT1H or P1DT30M`);
  }
  const n = (x: string | undefined): number => (x === undefined ? 0 : Number(x));
  const fraction = m[6] !== undefined ? Number(`0.${m[6]}`) * (m[5]?.startsWith('-') ? -1 : 1) : 0;
  const ms = ((n(m[2]) * 24 + n(m[3])) * 60 + n(m[4])) * 60_000 + (n(m[5]) + fraction) * 1000;
  return Math.round(m[1] === '-' ? -ms : ms);
}

/**
 * Kafka's reset-plan CSV: `topic,partition,offset` lines for one group, `group,topic,partition,offset`
 * for several (a 3-field file is read for the single --group given).
 */
export function parseResetPlan(csv: string, singleGroup: string | undefined): Map<string, PartitionOffset[]> {
  const plan = new Map<string, PartitionOffset[]>();
  csv.split('\n').map((l) => l.trim()).forEach((line, i) => {
    if (line === '') return;
    const f = line.split(',');
    const bad = (): never => { throw new CliError(`invalid line ${i + 1} of the reset plan '${line}': expected ${singleGroup !== undefined ? 'topic,partition,offset or ' : ''}group,topic,partition,offset`); };
    let group: string;
    let rest: string[];
    if (f.length === 3 && singleGroup !== undefined) [group, rest] = [singleGroup, f];
    else if (f.length === 4) [group, rest] = [f[0]!, f.slice(1)];
    else return bad();
    const [topic, partition, offset] = rest as [string, string, string];
    if (topic === '' || !/^\d+$/.test(partition) || !/^-?\d+$/.test(offset)) return bad();
    plan.set(group, [...(plan.get(group) ?? []), { topic, partition: Number(partition), offset: BigInt(offset) }]);
  });
  return plan;
}

/** Kafka's CSV export of a reset: one line per partition, the group first when several groups were reset. */
export function exportCsv(plans: Map<string, PartitionOffset[]>, singleGroup: boolean): string {
  return [...plans].flatMap(([group, plan]) => plan.map((e) => (singleGroup ? '' : `${group},`) + `${e.topic},${e.partition},${e.offset}`)).map((l) => l + '\n').join('');
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

export function checkResetOptions(opts: ResetOptions): void {
  const scenarios = [opts.toEarliest, opts.toLatest, opts.toCurrent, opts.toOffset, opts.shiftBy, opts.toDatetime, opts.byDuration, opts.fromFile].filter((x) => x !== undefined && x !== false).length;
  if (scenarios !== 1) throw new CliError('--reset-offsets requires exactly one of --to-earliest, --to-latest, --to-current, --to-offset, --shift-by, --to-datetime, --by-duration or --from-file');
  if (opts.topic.length > 0 && opts.allTopics) throw new CliError('--topic and --all-topics cannot be used together');
  if (opts.topic.length === 0 && !opts.allTopics && opts.fromFile === undefined) throw new CliError('One of the reset scopes should be defined: --all-topics, --topic.');
  if (opts.execute && opts.dryRun) throw new CliError('--execute and --dry-run cannot be used together');
}

/** The partitions to reset: --topic specs (all partitions of a bare topic), or every partition the group has committed. */
async function partitionsToReset(admin: AdminClient, opts: ResetOptions, committed: Map<string, Map<number, bigint>>): Promise<Array<{ topic: string; partition: number }>> {
  if (opts.allTopics) return [...committed].sort(([a], [b]) => (a < b ? -1 : 1)).flatMap(([topic, ps]) => [...ps.keys()].sort((a, b) => a - b).map((partition) => ({ topic, partition })));
  const out: Array<{ topic: string; partition: number }> = [];
  const specs = opts.topic.map(parseTopicSpec);
  const m = await admin.metadata([...new Set(specs.map((s) => s.topic))]);
  for (const spec of specs) {
    const t = m.topics.find((x) => x.name === spec.topic);
    if (!t || t.errorCode !== Errors.NONE.code) throw new CliError(`topic '${spec.topic}' does not exist`);
    const all = t.partitions.map((p) => p.partitionIndex).sort((a, b) => a - b);
    for (const p of spec.partitions ?? all) {
      if (!all.includes(p)) throw new CliError(`partition ${p} does not exist in topic '${spec.topic}'`);
      out.push({ topic: spec.topic, partition: p });
    }
  }
  return out;
}

/** Kafka's checkOffsetsRange: a target past the log end becomes the log end, one before the log start the log start. */
async function clampToLog(admin: AdminClient, wanted: PartitionOffset[]): Promise<PartitionOffset[]> {
  if (wanted.length === 0) return wanted;
  const [low, high] = await Promise.all([admin.listOffsets(wanted, -2n), admin.listOffsets(wanted, -1n)]);
  return wanted.map((e) => {
    const lo = low.get(key(e.topic, e.partition))!;
    const hi = high.get(key(e.topic, e.partition))!;
    return { ...e, offset: e.offset > hi ? hi : e.offset < lo ? lo : e.offset };
  });
}

/** The offsets one group's reset sets, per Kafka's scenario rules. */
async function planFor(admin: AdminClient, view: GroupView, groupId: string, opts: ResetOptions, fromFile: Map<string, PartitionOffset[]> | null): Promise<PartitionOffset[]> {
  if (fromFile !== null) {
    const plan = fromFile.get(groupId);
    if (plan === undefined) {
      process.stdout.write(`\nError: No reset plan for group ${groupId} found\n`);
      return [];
    }
    return clampToLog(admin, plan);
  }
  const committed = await view.committed(groupId);
  const tps = await partitionsToReset(admin, opts, committed);
  const current = (tp: { topic: string; partition: number }): bigint | undefined => committed.get(tp.topic)?.get(tp.partition);
  const at = async (time: bigint): Promise<PartitionOffset[]> => {
    const offsets = await admin.listOffsets(tps, time);
    return tps.map((tp) => ({ ...tp, offset: offsets.get(key(tp.topic, tp.partition))! }));
  };
  if (opts.toEarliest) return at(-2n);
  if (opts.toLatest) return at(-1n);
  if (opts.toOffset !== undefined) {
    const offset = BigInt(parseIntOption('--to-offset', opts.toOffset)!);
    return clampToLog(admin, tps.map((tp) => ({ ...tp, offset })));
  }
  if (opts.shiftBy !== undefined) {
    const shift = BigInt(parseIntOption('--shift-by', opts.shiftBy, { min: Number.MIN_SAFE_INTEGER })!);
    return clampToLog(admin, tps.map((tp) => {
      const c = current(tp);
      if (c === undefined) throw new CliError(`Cannot shift offset for partition ${tp.topic}-${tp.partition} since there is no current committed offset`);
      return { ...tp, offset: c + shift };
    }));
  }
  if (opts.toCurrent) {
    const latest = await at(-1n);
    return latest.map((e) => ({ ...e, offset: current(e) ?? e.offset }));
  }
  const time = opts.toDatetime !== undefined ? parseDateTime(opts.toDatetime) : Date.now() - parseIsoDuration(opts.byDuration!);
  const byTime = await at(BigInt(time));
  const empty = byTime.filter((e) => e.offset < 0n);
  for (const e of empty) process.stdout.write(`\nWarn: Partition ${e.partition} from topic ${e.topic} is empty. Falling back to latest known offset.\n`);
  if (empty.length === 0) return byTime;
  const latest = await admin.listOffsets(empty, -1n);
  return byTime.map((e) => (e.offset < 0n ? { ...e, offset: latest.get(key(e.topic, e.partition))! } : e));
}

export async function commitOffsets(admin: AdminClient, coordinator: string, groupId: string, plan: PartitionOffset[]): Promise<void> {
  const byTopic = new Map<string, Array<{ partitionIndex: number; committedOffset: bigint; committedMetadata: string }>>();
  for (const e of plan) byTopic.set(e.topic, [...(byTopic.get(e.topic) ?? []), { partitionIndex: e.partition, committedOffset: e.offset, committedMetadata: '' }]);
  const r = await admin.send(coordinator, ApiKeys.OFFSET_COMMIT, 2, {
    groupId,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    retentionTimeMs: -1n,
    topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
  });
  const failed = r.topics.flatMap((t) => t.partitions.filter((p) => p.errorCode !== Errors.NONE.code).map((p) => `${t.name}-${p.partitionIndex}: ${errorText(p.errorCode, null)}`));
  if (failed.length > 0) throw new CliError(`Error: resetting offsets failed for ${failed.join(', ')}`);
}

/** Runs the reset for `groupIds` and prints Kafka's NEW-OFFSET table, or the CSV with --export. */
export async function resetOffsets(admin: AdminClient, view: GroupView, groupIds: string[], opts: ResetOptions): Promise<void> {
  checkResetOptions(opts);
  if (!opts.execute && !opts.dryRun && !opts.export) {
    process.stdout.write('WARN: No action will be performed as the --execute option is missing. Add --dry-run to keep this behaviour without the warning, or --execute to apply the reset.\n');
  }
  let fromFile: Map<string, PartitionOffset[]> | null = null;
  if (opts.fromFile !== undefined) {
    let csv: string;
    try {
      csv = readFileSync(opts.fromFile, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read --from-file ${opts.fromFile}: ${(err as Error).message}`);
    }
    fromFile = parseResetPlan(csv, groupIds.length === 1 ? groupIds[0] : undefined);
  }
  const plans = new Map<string, PartitionOffset[]>();
  let refused = false;
  for (const groupId of groupIds) {
    const state = await view.state(groupId);
    if (state !== 'Empty' && state !== 'Dead') {
      process.stderr.write(`\nError: Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${state}.\n`);
      refused = true;
      plans.set(groupId, []);
      continue;
    }
    const plan = await planFor(admin, view, groupId, opts, fromFile);
    if (opts.execute && plan.length > 0) await commitOffsets(admin, await view.coordinator(groupId), groupId, plan);
    plans.set(groupId, plan);
  }
  if (opts.export) process.stdout.write(exportCsv(plans, groupIds.length === 1) + '\n');
  else {
    const rows = [...plans].flatMap(([g, plan]) => plan.map((e) => [g, e.topic, String(e.partition), String(e.offset)]));
    process.stdout.write('\n' + formatTable(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], rows, 1, [30, 30, 10, 15]) + '\n');
  }
  if (refused) process.exitCode = 1;
}
