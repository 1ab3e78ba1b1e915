/**
 * What a fault campaign run created outside its own process — network namespaces, links, tmpfs
 * mounts, iptables rules in the root namespace, broker and ZooKeeper processes — written to a small
 * state file as it is created, so that the run's cleanup (normal end, Ctrl-C, an exception) and the
 * next run (after this one was killed) can remove it. Cleanup is synchronous so it also runs from a
 * process 'exit' hook.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface RunResources {
  runId: string;
  pid: number;
  startedAt: string;
  /** The run's directory: a process whose command line names it belongs to the run. */
  runDir: string;
  namespaces: string[];
  links: string[];
  mounts: string[];
  /** iptables argument lists that delete a rule this run added in the root namespace. */
  rootRules: string[][];
  pids: number[];
}

const STATE_DIR = process.getuid?.() === 0 ? '/run/kafkats-faults' : path.join(os.tmpdir(), 'kafkats-faults-runs');

/**
 * Runs a command quietly; returns whether it succeeded and its output. A command that could not be
 * started at all (a spawn error such as ELOOP or EAGAIN on a loaded, shared machine: one left a cut
 * in place once) is tried again up to 3 times, 200 ms apart; a command that ran and failed is not.
 */
export function run(cmd: string, args: string[]): { ok: boolean; out: string } {
  let r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  for (let retry = 0; retry < 3 && r.error !== undefined && r.status === null && (r.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT'; retry++) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  }
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}`.trim() };
}

/** Runs a command; throws with its output when it fails. */
export function mustRun(cmd: string, args: string[]): string {
  const r = run(cmd, args);
  if (!r.ok) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.out}`);
  return r.out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

export class RunRegistry {
  private readonly state: RunResources;
  private readonly file: string;

  constructor(runId: string, runDir: string) {
    this.state = { runId, pid: process.pid, startedAt: new Date().toISOString(), runDir, namespaces: [], links: [], mounts: [], rootRules: [], pids: [] };
    fs.mkdirSync(STATE_DIR, { recursive: true });
    this.file = path.join(STATE_DIR, `${runId}.json`);
    this.save();
  }

  add<K extends 'namespaces' | 'links' | 'mounts' | 'rootRules' | 'pids'>(kind: K, value: RunResources[K][number]): void {
    (this.state[kind] as unknown[]).push(value);
    this.save();
  }

  private save(): void {
    fs.writeFileSync(this.file, JSON.stringify(this.state, null, 2));
  }

  /** Removes everything the run created (processes first, then rules, mounts, links, namespaces). */
  cleanup(): string[] {
    const done = cleanupResources(this.state);
    fs.rmSync(this.file, { force: true });
    return done;
  }

  /**
   * Cleans what earlier runs left behind when they were killed: every state file whose process is
   * gone (or is no longer a campaign). Returns one line per removed resource.
   */
  static cleanLeftovers(): string[] {
    if (!fs.existsSync(STATE_DIR)) return [];
    const done: string[] = [];
    for (const name of fs.readdirSync(STATE_DIR).filter((f) => f.endsWith('.json'))) {
      const file = path.join(STATE_DIR, name);
      let state: RunResources;
      try {
        state = JSON.parse(fs.readFileSync(file, 'utf8')) as RunResources;
      } catch {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (state.pid !== process.pid && alive(state.pid) && /faults/.test(commandLine(state.pid))) continue;
      done.push(...cleanupResources(state).map((l) => `run ${state.runId} (pid ${state.pid}, ${state.startedAt}): ${l}`));
      fs.rmSync(file, { force: true });
    }
    return done;
  }
}

function cleanupResources(s: RunResources): string[] {
  const done: string[] = [];
  const kill = (pid: number, why: string): void => {
    // A pid is only ours while its command line still names the run's directory.
    if (alive(pid) && commandLine(pid).includes(s.runDir)) {
      try {
        process.kill(pid, 'SIGKILL');
        done.push(`killed ${why} ${pid}`);
      } catch {
        /* gone meanwhile */
      }
    }
  };
  for (const pid of s.pids) kill(pid, 'process');
  for (const ns of s.namespaces) {
    const pids = run('ip', ['netns', 'pids', ns]);
    if (pids.ok) for (const p of pids.out.split(/\s+/).filter(Boolean).map(Number)) kill(p, `process in ${ns}`);
  }
  for (const rule of s.rootRules) if (run('iptables', rule).ok) done.push(`iptables ${rule.join(' ')}`);
  for (const m of [...s.mounts].reverse()) if (run('umount', ['-l', m]).ok) done.push(`unmounted ${m}`);
  for (const l of s.links) if (run('ip', ['link', 'del', l]).ok) done.push(`deleted link ${l}`);
  for (const ns of s.namespaces) if (run('ip', ['netns', 'del', ns]).ok) done.push(`deleted netns ${ns}`);
  return done;
}
