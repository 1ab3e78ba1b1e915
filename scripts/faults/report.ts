/**
 * The fault campaign's report: a JSON file with everything (faults with their targets and timings,
 * workload counts, every check with examples, findings with broker log tails, the leadership
 * timeline) and a table on stdout.
 */
import fs from 'node:fs';
import { violations, type CheckResult } from './checker.js';
import type { TimelineEntry } from './cluster-observer.js';

export interface FaultRecord {
  index: number;
  nemesis: string;
  description: string;
  targets: number[];
  startedAt: number;
  holdMs: number;
  healedAt: number | null;
  /** Time from the heal until every broker was in /brokers/ids (null: not within the bounds). */
  registeredAfterMs: number | null;
  /** Time from the heal until every partition had a leader and a full ISR (null: not within 60 s). */
  fullIsrAfterMs: number | null;
  details: Record<string, unknown>;
  /** Brokers the campaign had to kill and restart because they stayed unregistered. */
  repairs: number[];
  error?: string;
}

export interface CampaignReport {
  command: string;
  startedAt: string;
  endedAt: string;
  faultPhaseSeconds: number;
  totalSeconds: number;
  seed: number;
  mode: 'netns' | 'processes';
  notes: string[];
  skipped: Array<{ nemesis: string; reason: string }>;
  config: Record<string, unknown>;
  faults: FaultRecord[];
  workload: Record<string, unknown>;
  checks: CheckResult[];
  campaignErrors: string[];
  ok: boolean;
  interrupted: boolean;
  runDir: string;
  runDirKept: boolean;
  brokerLogs: Record<string, string>;
  timeline: Record<string, TimelineEntry[]>;
}

const seconds = (ms: number | null): string => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

/** The stdout summary: faults per nemesis with recovery times, then every check. */
export function formatReport(r: CampaignReport): string {
  const byNemesis = new Map<string, FaultRecord[]>();
  for (const f of r.faults) byNemesis.set(f.nemesis, [...(byNemesis.get(f.nemesis) ?? []), f]);
  const median = (xs: number[]): number | null => (xs.length === 0 ? null : [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!);
  const max = (xs: number[]): number | null => (xs.length === 0 ? null : Math.max(...xs));
  const faultRows = [['nemesis', 'faults', 'errors', 'registered after heal (median / max)', 'full ISR after heal (median / max)', 'not recovered']];
  for (const [name, list] of byNemesis) {
    const reg = list.map((f) => f.registeredAfterMs).filter((x): x is number => x !== null);
    const isr = list.map((f) => f.fullIsrAfterMs).filter((x): x is number => x !== null);
    const notRecovered = list.filter((f) => f.healedAt !== null && (f.registeredAfterMs === null || f.fullIsrAfterMs === null)).length;
    faultRows.push([name, String(list.length), String(list.filter((f) => f.error !== undefined).length), `${seconds(median(reg))} / ${seconds(max(reg))}`, `${seconds(median(isr))} / ${seconds(max(isr))}`, String(notRecovered)]);
  }
  const checkRows = [['check', 'count', 'result'], ...r.checks.map((c) => [c.title, String(c.count), c.informational === true ? 'info' : c.count === 0 ? 'ok' : 'FAIL'])];
  const w = r.workload;
  const lines = [
    '',
    `Fault campaign: ${r.faults.length} faults in ${(r.faultPhaseSeconds / 60).toFixed(1)} min (${(r.totalSeconds / 60).toFixed(1)} min in all), seed ${r.seed}, ${r.mode} mode`,
    ...r.notes.map((n) => `  note: ${n}`),
    ...r.skipped.map((s) => `  skipped ${s.nemesis}: ${s.reason}`),
    '',
    table(faultRows),
    '',
    `Workload: ${String(w.acked)} records acknowledged (${String(w.ackedWithoutOffset)} without an offset), ${String(w.failed)} failed deliveries (may or may not be written), ${String(w.fatalErrors)} fatal producer errors; ${String(w.read)} reads by ${String(w.consumers)} group consumers (${String(w.rebalances)} rebalance callbacks)`,
    '',
    table(checkRows),
  ];
  for (const c of r.checks.filter((x) => x.count > 0)) {
    lines.push('', `${c.title} (${c.count}), first examples:`);
    for (const e of c.examples.slice(0, 3)) lines.push('  ' + JSON.stringify(e, (k, v: unknown) => (k === 'logTails' ? '(in the JSON report)' : v)).slice(0, 600));
  }
  if (r.campaignErrors.length > 0) lines.push('', 'Campaign errors (faults that could not be applied or healed):', ...r.campaignErrors.map((e) => `  ${e}`));
  lines.push('', `Broker logs: ${Object.values(r.brokerLogs).join(', ')}${r.runDirKept ? '' : ' (removed: clean run; --keep keeps them)'}`);
  const failed = [...violations(r.checks).map((c) => c.name), ...(r.campaignErrors.length > 0 ? ['campaign errors'] : [])];
  lines.push(r.interrupted ? 'RESULT: INTERRUPTED' : r.ok ? 'RESULT: PASS' : `RESULT: FAIL (${failed.join(', ')})`);
  return lines.join('\n');
}

export function writeReport(file: string, r: CampaignReport): void {
  fs.writeFileSync(file, JSON.stringify(r, null, 2) + '\n');
}
