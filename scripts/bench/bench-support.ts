/**
 * Helpers for scripts/bench/cluster.ts: record files for kcat, child processes with timing, broker
 * resource sampling from /proc (VmRSS, utime+stime), percentiles, a markdown table.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A file of `count` records of `size` bytes each, one per line (kcat -P reads lines from stdin). */
export function recordFile(dir: string, count: number, size: number): string {
  const file = path.join(dir, `records-${count}x${size}.txt`);
  if (fs.existsSync(file) && fs.statSync(file).size === count * (size + 1)) return file;
  const line = Buffer.alloc(size + 1, 'x');
  line[size] = 0x0a;
  const chunkLines = 10_000;
  const chunk = Buffer.alloc(chunkLines * (size + 1));
  for (let i = 0; i < chunkLines; i++) line.copy(chunk, i * (size + 1));
  const fd = fs.openSync(file, 'w');
  try {
    for (let left = count; left > 0; left -= chunkLines) {
      const n = Math.min(left, chunkLines);
      // A distinct prefix per line keeps records from being identical (no accidental dedup effects).
      for (let i = 0; i < n; i++) chunk.write(String(count - left + i).padStart(10, '0'), i * (size + 1), 'latin1');
      fs.writeSync(fd, chunk, 0, n * (size + 1));
    }
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

export interface ProcResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command, stdin from a file when given, and measures spawn → exit. */
export function runTimed(cmd: string, args: string[], opts: { stdinFile?: string; timeoutMs?: number; shell?: boolean } = {}): Promise<ProcResult> {
  return new Promise((resolve, reject) => {
    const stdin = opts.stdinFile !== undefined ? fs.openSync(opts.stdinFile, 'r') : 'ignore';
    const spawnOpts: SpawnOptions = { stdio: [stdin, 'pipe', 'pipe'], shell: opts.shell };
    const t0 = performance.now();
    const child = spawn(cmd, args, spawnOpts);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => {
      if (err.length < 20_000) err += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (typeof stdin === 'number') fs.closeSync(stdin);
      resolve({ code, stdout: out, stderr: err, ms: performance.now() - t0 });
    });
  });
}

const CLK_TCK = 100; // sysconf(_SC_CLK_TCK) on Linux
const PAGE = 4096;

export interface ProcSample {
  /** VmRSS: resident memory, including the file-backed pages of the node executable (~40 MB, shared). */
  rssBytes: number;
  /** RssAnon: the process's own (anonymous) resident memory: heaps, buffers, stacks. */
  anonBytes: number;
  cpuSeconds: number;
}

/** VmRSS and utime+stime of a process, or null when it is gone. */
export function sampleProc(pid: number): ProcSample | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the `(comm)` part: state is field 3; utime 14, stime 15; rss 24 (pages).
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    const status = fs.readFileSync(`/proc/${pid}/status`, 'latin1');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    const rssBytes = m ? Number(m[1]) * 1024 : Number(rest[21]) * PAGE;
    const a = /RssAnon:\s+(\d+) kB/.exec(status);
    return { rssBytes, anonBytes: a ? Number(a[1]) * 1024 : rssBytes, cpuSeconds: (utime + stime) / CLK_TCK };
  } catch {
    return null;
  }
}

/** Samples the given pids every `intervalMs` while a measurement runs: peak RSS and CPU used. */
export class ResourceSampler {
  private timer: NodeJS.Timeout | null = null;
  private start = new Map<number, ProcSample>();
  private peak = new Map<number, number>();
  private peakAnon = new Map<number, number>();
  private t0 = 0;

  constructor(private readonly pids: number[], private readonly intervalMs = 100) {}

  begin(): void {
    this.t0 = performance.now();
    for (const pid of this.pids) {
      const s = sampleProc(pid);
      if (s) {
        this.start.set(pid, s);
        this.peak.set(pid, s.rssBytes);
        this.peakAnon.set(pid, s.anonBytes);
      }
    }
    this.timer = setInterval(() => this.tick(), this.intervalMs);
  }

  private tick(): void {
    for (const pid of this.pids) {
      const s = sampleProc(pid);
      if (s) {
        this.peak.set(pid, Math.max(this.peak.get(pid) ?? 0, s.rssBytes));
        this.peakAnon.set(pid, Math.max(this.peakAnon.get(pid) ?? 0, s.anonBytes));
      }
    }
  }

  /** Max over brokers of peak RSS; CPU as % of one core, summed over brokers; RSS at the end. */
  end(): { peakRssMb: number; peakAnonMb: number; endRssMb: number; cpuPercent: number } {
    if (this.timer) clearInterval(this.timer);
    this.tick();
    const secs = (performance.now() - this.t0) / 1000;
    let cpu = 0;
    let endRss = 0;
    for (const pid of this.pids) {
      const s = sampleProc(pid);
      const s0 = this.start.get(pid);
      if (s && s0) cpu += s.cpuSeconds - s0.cpuSeconds;
      if (s) endRss = Math.max(endRss, s.rssBytes);
    }
    return {
      peakRssMb: Math.max(0, ...this.peak.values()) / 1048576,
      peakAnonMb: Math.max(0, ...this.peakAnon.values()) / 1048576,
      endRssMb: endRss / 1048576,
      cpuPercent: secs > 0 ? (cpu / secs) * 100 : 0,
    };
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function machineLine(): string {
  const cpus = os.cpus();
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}, ${os.platform()} ${os.release()}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`;
}

export function markdownTable(header: string[], rows: string[][]): string {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

export function fmtRate(n: number): string {
  if (!Number.isFinite(n)) return '–';
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} k`;
  return n.toFixed(0);
}
