/**
 * Assertions shared by the compat modules whose client code runs in another process (Go, Python):
 * it prints the records it wrote (with the partition and offset of their acknowledgement) and the
 * records it read back as [partition, offset, key, value] arrays, and group checks print each
 * member's assignment and reads; these functions verify them and return the matrix note.
 */
import { expect } from 'chai';

export type WireRecord = [partition: number, offset: number, key: string | null, value: string | null];

const id = (r: WireRecord): string => `${r[0]}:${r[1]}`;
const text = (r: WireRecord): string => JSON.stringify(r);
const byPosition = (a: WireRecord, b: WireRecord): number => a[0] - b[0] || a[1] - b[1];

/** The first difference between two record lists in partition/offset order, or undefined. */
function firstDifference(expected: WireRecord[], actual: WireRecord[]): string | undefined {
  const e = [...expected].sort(byPosition);
  const a = [...actual].sort(byPosition);
  for (let i = 0; i < Math.max(e.length, a.length); i++) {
    if (e[i] === undefined || a[i] === undefined || text(e[i]!) !== text(a[i]!)) {
      return `at #${i}: expected ${e[i] ? text(e[i]!) : 'nothing'}, read ${a[i] ? text(a[i]!) : 'nothing'} (${e.length} expected, ${a.length} read)`;
    }
  }
  return undefined;
}

/**
 * Every acknowledged record read back exactly once, at the partition and offset of its
 * acknowledgement, with its key and value; each partition's offsets consecutive from `firstOffset`
 * and in send order; with `keysPinned` (records placed by the client's key partitioner), each key
 * on one partition.
 */
export function expectExactReadBack(sent: WireRecord[], readOrNull: WireRecord[] | null, options: { firstOffset?: number; keysPinned?: boolean } = {}): { records: number; keys: number; partitions: number } {
  const read = readOrNull ?? [];
  const firstOffset = options.firstOffset ?? 0;
  expect(sent.every((r) => r[1] >= 0), 'every record acknowledged with an offset').to.equal(true);
  const diff = firstDifference(sent, read);
  expect(diff, 'records read back').to.equal(undefined);
  const partitions = new Map<number, WireRecord[]>();
  for (const r of [...read].sort(byPosition)) partitions.set(r[0], [...(partitions.get(r[0]) ?? []), r]);
  for (const [p, rs] of partitions) {
    expect(rs.every((r, i) => r[1] === firstOffset + i), `partition ${p}: offsets consecutive from ${firstOffset}`).to.equal(true);
    const sendOrder = sent.filter((r) => r[0] === p).map((r) => r[1]);
    expect(sendOrder.every((o, i) => i === 0 || o > sendOrder[i - 1]!), `partition ${p}: records in send order`).to.equal(true);
  }
  const keyPartitions = new Map<string | null, Set<number>>();
  for (const r of sent) keyPartitions.set(r[2], (keyPartitions.get(r[2]) ?? new Set()).add(r[0]));
  if (options.keysPinned ?? true) {
    for (const [k, ps] of keyPartitions) expect(ps.size, `key ${k} on one partition`).to.equal(1);
  }
  return { records: read.length, keys: keyPartitions.size, partitions: partitions.size };
}

export interface Assignment { generation: number; partitions: number[] }

/** One phase of a group check: members' assignments, the records produced, what each member read. */
export interface GroupPhase {
  split: Assignment[];
  sent: WireRecord[];
  read: Array<WireRecord[] | null>;
  /** Per member, the offset each of its partitions started from, when the client tells it. */
  initial?: Array<Record<string, number>>;
}

/** A group check: three members read and commit, close, and three new members resume. */
export interface GroupRestart {
  first: GroupPhase;
  /** The group's committed offsets after the first phase, per partition. */
  committed: Record<string, number>;
  second: GroupPhase;
}

function expectPhase(phase: GroupPhase, partitions: number, members: number, firstOffset: number, what: string): void {
  expect(phase.split, `${what}: members`).to.have.length(members);
  const owned = phase.split.flatMap((a) => a.partitions).sort((a, b) => a - b);
  expect(owned, `${what}: every partition assigned once`).to.deep.equal(Array.from({ length: partitions }, (_, i) => i));
  expect(phase.split.every((a) => a.partitions.length > 0), `${what}: every member owns partitions`).to.equal(true);
  phase.read.forEach((rs, i) => {
    const foreign = (rs ?? []).filter((r) => !phase.split[i]!.partitions.includes(r[0]));
    expect(foreign.map(id), `${what}: member ${i} read only its partitions`).to.deep.equal([]);
  });
  const all = phase.read.flatMap((rs) => rs ?? []);
  const diff = firstDifference(phase.sent, all);
  expect(diff, `${what}: every record read once`).to.equal(undefined);
  const starts = new Map<number, number>();
  for (const r of all) starts.set(r[0], Math.min(starts.get(r[0]) ?? Infinity, r[1]));
  expect([...starts.values()].every((o) => o === firstOffset), `${what}: every partition read from offset ${firstOffset}`).to.equal(true);
}

/**
 * The first three members split the partitions, read every record once and commit; the committed
 * offsets are the end of what they read; three new members split the partitions again, start from
 * the committed offsets and read only the records produced after.
 */
export function expectGroupRestart(out: GroupRestart, partitions = 6, members = 3): string {
  const perPartition = out.first.sent.length / partitions;
  expectPhase(out.first, partitions, members, 0, 'first members');
  expect(out.committed, 'committed offsets').to.deep.equal(Object.fromEntries(Array.from({ length: partitions }, (_, p) => [String(p), perPartition])));
  expectPhase(out.second, partitions, members, perPartition, 'members after the restart');
  for (const initial of out.second.initial ?? []) {
    for (const [p, o] of Object.entries(initial)) expect(o, `restart: partition ${p} starts at the committed offset`).to.equal(perPartition);
  }
  const sizes = (ph: GroupPhase): string => ph.split.map((a) => a.partitions.length).join('+');
  return `${members} members split ${partitions} partitions ${sizes(out.first)}, read ${out.first.sent.length} once and committed ${perPartition} each; `
    + `after a restart ${members} new members (${sizes(out.second)}) resumed at ${perPartition} and read only the next ${out.second.sent.length}`;
}
