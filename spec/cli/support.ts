/**
 * Support for the CLI specs: run the built `kafkats` command (`node bin/kafkats.js …`, built by
 * `npm test` before mocha runs) and one 3-broker cluster shared by every CLI spec file of the run.
 * The shared cluster starts its own ZooKeeper, so stopping it (a root after-all hook) never races
 * with the run's shared ZooKeeper going away.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startCluster, type RunningCluster } from '../../lib/testing/cluster.js';

export const CLI = fileURLToPath(new URL('../../bin/kafkats.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function assertBuilt(): void {
  if (!existsSync(BUILT)) throw new Error('kafkats is not built: run `npm run build` first (npm test does)');
}

/** Runs `kafkats <args>` to completion with optional stdin. */
export function kafkats(args: string[], input?: string, timeoutMs = 30_000): Promise<CliResult> {
  assertBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kafkats ${args.join(' ')} timed out after ${timeoutMs} ms\nstdout: ${stdout.slice(-2000)}\nstderr: ${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

/** Runs a command and fails with its output unless it exits 0. */
export async function kafkatsOk(args: string[], input?: string, timeoutMs?: number): Promise<CliResult> {
  const r = await kafkats(args, input, timeoutMs);
  if (r.code !== 0) throw new Error(`kafkats ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

/** A long-running `kafkats` process (cluster, zookeeper, a consumer) whose output is watched. */
export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[]) {
    assertBuilt();
    this.child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Resolves once stdout matches `re`; rejects on exit or timeout with the output so far. */
  async waitFor(re: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (Date.now() < deadline) {
      const m = this.stdout.match(re);
      if (m) return m;
      if (exited) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${re} in the output of kafkats ${exited ? `(exited ${this.child.exitCode})` : '(timed out)'}\nstdout: ${this.stdout.slice(-3000)}\nstderr: ${this.stderr.slice(-3000)}`);
  }

  /** Sends `signal` and waits for the exit code (SIGKILL after `timeoutMs`). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 30_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

let shared: Promise<RunningCluster> | null = null;

/** The overrides of the shared CLI cluster: fast group joins, no automatic leader moves. */
export const CLI_CLUSTER_OVERRIDES = {
  'group.initial.rebalance.delay.ms': 0,
  'auto.leader.rebalance.enable': false,
  'controlled.shutdown.retry.backoff.ms': 500,
  'offsets.topic.num.partitions': 5,
  'replica.lag.time.max.ms': 5000,
};

let users = 0;

async function stopShared(): Promise<void> {
  const s = shared;
  shared = null;
  if (s !== null) await (await s.catch(() => null))?.stop();
}

/**
 * The run's shared 3-broker cluster for CLI specs, started on first use (in a `before` hook) and
 * stopped after the last `describe` that uses it (counted while the files load), so it does not
 * idle through the rest of the suite; a root after-all hook covers filtered runs.
 */
export function useCliCluster(): () => RunningCluster {
  let cluster: RunningCluster | undefined;
  users++;
  after(async function () {
    this.timeout(60_000);
    if (--users === 0) await stopShared();
  });
  before(async function () {
    this.timeout(120_000);
    if (shared === null) {
      const started = Date.now();
      shared = startCluster({ brokers: 3, overrides: CLI_CLUSTER_OVERRIDES }).then((c) => {
        process.stdout.write(`      (startCluster({ brokers: 3 }) with its own ZooKeeper: ready in ${Date.now() - started} ms)\n`);
        return c;
      }, (err: unknown) => {
        shared = null;
        throw err;
      });
    }
    cluster = await shared;
  });
  return () => {
    if (!cluster) throw new Error('cluster not started');
    return cluster;
  };
}

export function bootstrapOf(cluster: RunningCluster): string {
  return cluster.bootstrapServers.join(',');
}

// Registered while spec files load (root suite): stop the shared cluster at the end of the run.
const mochaAfter = (globalThis as { after?: (fn: (this: { timeout(ms: number): void }) => Promise<void>) => void }).after;
if (typeof mochaAfter === 'function') {
  mochaAfter(async function () {
    this.timeout(60_000);
    await stopShared();
  });
}
