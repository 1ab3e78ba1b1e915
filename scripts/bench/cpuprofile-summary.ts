/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self time per function (name, file:line),
 * largest first, with its share of the non-idle samples, plus self time per file.
 *
 *   node --import tsx scripts/bench/cpuprofile-summary.ts <file.cpuprofile> [--top 30]
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export interface SelfTime { name: string; where: string; ms: number; share: number }

export function summarize(profile: CpuProfile): { total: number; idle: number; functions: SelfTime[]; files: SelfTime[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    // timeDeltas[i] is the time before sample i; attribute the next delta to this sample.
    const dt = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, dt));
  }
  const fn = new Map<string, SelfTime>();
  const file = new Map<string, SelfTime>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const cf = byId.get(id)!.callFrame;
    const name = cf.functionName || '(anonymous)';
    if (name === '(idle)') {
      idle += us;
      continue;
    }
    total += us;
    const short = shortUrl(cf.url);
    const where = short ? `${short}:${cf.lineNumber + 1}` : '';
    const key = `${name} ${where}`;
    const e = fn.get(key) ?? { name, where, ms: 0, share: 0 };
    e.ms += us / 1000;
    fn.set(key, e);
    const fk = short || name;
    const f = file.get(fk) ?? { name: fk, where: '', ms: 0, share: 0 };
    f.ms += us / 1000;
    file.set(fk, f);
  }
  const finish = (m: Map<string, SelfTime>): SelfTime[] =>
    [...m.values()].map((e) => ({ ...e, share: total > 0 ? (e.ms * 1000) / total : 0 })).sort((a, b) => b.ms - a.ms);
  return { total: total / 1000, idle: idle / 1000, functions: finish(fn), files: finish(file) };
}

function shortUrl(url: string): string {
  if (!url) return '';
  const u = url.replace(/^file:\/\//, '');
  const i = u.search(/\/(dist|lib|node_modules)\//);
  return i >= 0 ? u.slice(i + 1) : u.replace(/^node:/, 'node:');
}

function main(): void {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: cpuprofile-summary.ts <file.cpuprofile> [--top N]\n');
    process.exit(2);
  }
  const topArg = process.argv.indexOf('--top');
  const top = topArg > 0 ? Number(process.argv[topArg + 1]) : 30;
  const s = summarize(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile);
  const out: string[] = [`${file}: ${s.total.toFixed(0)} ms busy, ${s.idle.toFixed(0)} ms idle`, '', 'self ms   share  function (file:line)'];
  for (const e of s.functions.slice(0, top)) out.push(`${e.ms.toFixed(1).padStart(8)} ${(e.share * 100).toFixed(1).padStart(5)}%  ${e.name} ${e.where}`);
  out.push('', 'self ms   share  file');
  for (const e of s.files.slice(0, 15)) out.push(`${e.ms.toFixed(1).padStart(8)} ${(e.share * 100).toFixed(1).padStart(5)}%  ${e.name}`);
  process.stdout.write(out.join('\n') + '\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
