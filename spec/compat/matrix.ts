/**
 * The compatibility matrix: every client module declares itself with compatClient() and its feature
 * checks with check(). Each check is a mocha test; its outcome becomes one cell. A root-level
 * after-all hook writes docs/compatibility.md when every client module was loaded and every check
 * ran (a run narrowed with --grep or a single file only prints what it saw), sorted by client and
 * check order and free of timings, so the file changes only when results do.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KNOWN_GAPS, knownGap, type KnownGap } from './known-gaps.js';

/** The client modules of the suite, in matrix order. A run that loaded all of them writes the doc. */
export const CLIENT_ORDER = ['kafkajs', 'kcat (librdkafka)', 'confluent-kafka-python', 'kafka-python', 'node-rdkafka', 'sarama', 'kafka-go (segmentio)', 'confluent-kafka-go'] as const;
export type ClientName = (typeof CLIENT_ORDER)[number];

export type Result = 'pass' | 'FAIL' | 'unsupported' | 'no such API' | 'not tested';

export interface Cell {
  client: ClientName;
  feature: string;
  index: number;
  result?: Result;
  notes: string;
  /** The allow-list issue of an "unsupported" cell. */
  issue?: number;
}

export interface ClientInfo {
  name: ClientName;
  /** What `version` means, e.g. "kcat 1.7.1, librdkafka 2.0.2". */
  version: string;
  /** Set when the whole client could not be tested (one "not tested" row with this reason). */
  notTested?: string;
}

const clients = new Map<ClientName, ClientInfo>();
const cells: Cell[] = [];
const DOC = fileURLToPath(new URL('../../docs/compatibility.md', import.meta.url));

export function compatClient(info: ClientInfo): ClientInfo {
  clients.set(info.name, info);
  if (info.notTested !== undefined) cells.push({ client: info.name, feature: '(all features)', index: 0, result: 'not tested', notes: info.notTested });
  return info;
}

/**
 * A feature row the client itself does not offer (no public API for it in this version): the
 * cell reads "client has no such API", with `what` saying what is missing.
 */
export function noSuchApi(client: ClientInfo, feature: string, what: string): void {
  cells.push({ client: client.name, feature, index: cells.filter((c) => c.client === client.name).length, result: 'no such API', notes: what });
}

/** A feature row that could not be tested with this client build (never green). */
export function notTested(client: ClientInfo, feature: string, reason: string): void {
  cells.push({ client: client.name, feature, index: cells.filter((c) => c.client === client.name).length, result: 'not tested', notes: reason });
}

export interface Outcome {
  result: 'pass' | 'unsupported' | 'FAIL';
  notes: string;
  /** The failure, when the check failed (allow-listed or not). */
  error?: unknown;
}

/**
 * Runs one check under the allow-list rule: a pass is a pass (a stale allow-list entry is named in
 * the notes); a failure is "unsupported" only when `gap` lists it, otherwise FAIL.
 */
export async function runCheck(fn: () => Promise<string | void>, timeoutMs: number, gap: KnownGap | undefined): Promise<Outcome> {
  try {
    const note = (await withTimeout(fn(), timeoutMs)) ?? '';
    const stale = gap ? `allow-list entry for #${gap.issue} is stale: remove it from spec/compat/known-gaps.ts` : '';
    return { result: 'pass', notes: [note, stale].filter((x) => x !== '').join('; ') };
  } catch (error) {
    if (gap) return { result: 'unsupported', notes: `#${gap.issue}: ${gap.reason}`, error };
    return { result: 'FAIL', notes: firstLine(error), error };
  }
}

/**
 * One feature check as a mocha test. `fn` verifies data and may return a short, deterministic note
 * for the matrix. A failure of an allow-listed check marks the test pending and the cell
 * "unsupported (#n)"; any other failure fails the test and the cell reads FAIL.
 */
export function check(client: ClientInfo, feature: string, fn: () => Promise<string | void>, timeoutMs = 60_000): void {
  const cell: Cell = { client: client.name, feature, index: cells.filter((c) => c.client === client.name).length, notes: '' };
  cells.push(cell);
  it(feature, async function () {
    this.timeout(timeoutMs + 5000);
    const gap = knownGap(client.name, feature);
    const outcome = await runCheck(fn, timeoutMs, gap);
    cell.result = outcome.result;
    cell.notes = outcome.notes;
    if (outcome.result === 'unsupported') {
      cell.issue = gap!.issue;
      // Skip reason: this client/feature cell is on the known-gap allow-list (with its issue number)
      // and the check really failed; it is reported "unsupported (#n)" in docs/compatibility.md
      // instead of failing the suite. The allow-list is empty today, so nothing skips.
      console.log(`      (${client.name} / ${feature}: unsupported, #${gap!.issue}; the check failed with: ${firstLine(outcome.error)})`);
      this.skip();
    }
    if (outcome.result === 'FAIL') throw outcome.error;
  });
}

function firstLine(err: unknown): string {
  const detail = (err as { partitions?: unknown } | null)?.partitions;
  const msg = (err instanceof Error ? `${err.name}: ${err.message}` : String(err)) + (detail ? ` ${JSON.stringify(detail)}` : '');
  return (msg.split('\n')[0] ?? '').slice(0, 200);
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the check timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

function cellText(c: Cell): string {
  if (c.result === 'unsupported') return `unsupported (#${c.issue ?? '?'})`;
  if (c.result === 'no such API') return 'client has no such API';
  return c.result ?? 'not run';
}

const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The markdown document for the given cells: rows by client order, then check order; no timings. */
export function renderMatrix(infos: ReadonlyMap<ClientName, ClientInfo>, all: readonly Cell[], gaps: readonly KnownGap[] = KNOWN_GAPS): string {
  const sorted = [...all].sort((a, b) => CLIENT_ORDER.indexOf(a.client) - CLIENT_ORDER.indexOf(b.client) || a.index - b.index);
  const lines = [
    '# Client compatibility',
    '',
    'Generated by the compatibility suite (`npm run test:compat`, sources in `spec/compat/`): every',
    'row is a check that ran real client code against one 3-broker kafkats cluster on a real ZooKeeper',
    'and verified the data (records read equal records written, every partition assigned once, the',
    'committed offset is the one read back). Do not edit by hand.',
    '',
    '"unsupported (#n)" means the check ran and failed because kafkats does not serve that feature yet;',
    'the linked issue tracks it (allow-list: `spec/compat/known-gaps.ts`). "client has no such API" means',
    'that version of the client offers no public API for the feature (the notes say what is missing).',
    '',
    '## Summary',
    '',
    '| Client | Version | pass | unsupported | FAIL | no such API | not tested |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const name of CLIENT_ORDER) {
    const info = infos.get(name);
    if (!info) continue;
    const mine = sorted.filter((c) => c.client === name);
    const n = (r: Result): number => mine.filter((c) => c.result === r).length;
    lines.push(`| ${esc(name)} | ${esc(info.version)} | ${n('pass')} | ${n('unsupported')} | ${n('FAIL')} | ${n('no such API')} | ${n('not tested')} |`);
  }
  lines.push('', '## Features', '', '| Client | Version | Feature | Result | Notes |', '| --- | --- | --- | --- | --- |');
  for (const c of sorted) {
    const info = infos.get(c.client)!;
    lines.push(`| ${esc(c.client)} | ${esc(info.version)} | ${esc(c.feature)} | ${cellText(c)} | ${esc(c.notes)} |`);
  }
  const stale = gaps.filter((g) => all.some((c) => c.client === g.client && c.feature === g.feature && c.result === 'pass'));
  const orphan = gaps.filter((g) => infos.has(g.client as ClientName) && !all.some((c) => c.client === g.client && c.feature === g.feature));
  if (stale.length > 0 || orphan.length > 0) {
    lines.push('', '## Allow-list entries to remove', '');
    for (const g of stale) lines.push(`- ${g.client} / ${g.feature} (#${g.issue}): the check passes`);
    for (const g of orphan) lines.push(`- ${g.client} / ${g.feature} (#${g.issue}): no such check`);
  }
  return lines.join('\n') + '\n';
}

function writeMatrix(): void {
  if (cells.length === 0) return;
  const complete = CLIENT_ORDER.every((n) => clients.has(n)) && cells.every((c) => c.result !== undefined);
  const doc = renderMatrix(clients, cells);
  if (!complete) {
    console.log(`\ncompatibility matrix (partial run, ${DOC} not written):\n${doc}`);
    return;
  }
  const previous = fs.existsSync(DOC) ? fs.readFileSync(DOC, 'utf8') : '';
  if (previous !== doc) {
    fs.mkdirSync(fileURLToPath(new URL('../../docs/', import.meta.url)), { recursive: true });
    fs.writeFileSync(DOC, doc);
  }
  const count = (r: Result): number => cells.filter((c) => c.result === r).length;
  console.log(`\ncompatibility matrix: ${count('pass')} pass, ${count('unsupported')} unsupported, ${count('FAIL')} FAIL, ${count('no such API')} no such API, ${count('not tested')} not tested → ${DOC}${previous === doc ? ' (unchanged)' : ''}`);
}

// Imported while spec files load (root suite): the matrix is written after every test of the run.
after(function () {
  writeMatrix();
});
