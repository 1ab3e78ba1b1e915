/**
 * One kafkats broker as a real OS process (`kafkats server-start`), for tests, `kafkats cluster`
 * and startCluster(): start, wait until it serves, stop gracefully (SIGTERM: controlled shutdown),
 * kill -9, restart with the same config and data. Its output is prefixed with the broker id and
 * kept in a ring buffer so a failing test can show the last lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs, { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import path from 'node:path';
import { BROKER_MALLOC_ENV } from '../server/heap-tuning.js';

const CLI = fileURLToPath(new URL('../../bin/kafkats.js', import.meta.url));

export interface BrokerProcessOptions {
  brokerId: number;
  port: number;
  host?: string;
  logDir: string;
  zookeeperConnect: string;
  /** Extra server.properties keys, passed as --override. */
  overrides?: Record<string, string | number | boolean>;
  /**
   * Listeners beside the PLAINTEXT one on `port` the harness talks to (e.g.
   * `INTERNAL://localhost:9094,SSL://localhost:9095`); their protocols go in listener.security.protocol.map.
   */
  extraListeners?: string;
  /** Where output goes besides the ring buffer: 'inherit' prints prefixed lines. */
  output?: 'inherit' | 'buffer';
  env?: NodeJS.ProcessEnv;
  /** RLIMIT_NOFILE of the broker process (started under prlimit(1)); the inherited limit when absent. */
  maxOpenFiles?: number;
  /** A command the broker runs under, e.g. `['ip', 'netns', 'exec', 'ns0']`; it must exec the broker (same pid). */
  launcher?: string[];
  /** Every output line is also appended to this file (all runs of the broker). */
  outputFile?: string;
}

/** How a broker process ended: its exit code, or the signal that ended it. */
export interface BrokerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Date.now() when the exit was seen. */
  at: number;
}

const RUNNING_BROKERS = new Set<BrokerProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test run that dies must not leave brokers behind.
  process.on('exit', () => {
    for (const b of RUNNING_BROKERS) b.killNow();
  });
}

export class BrokerProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);
  private readonly lines: string[] = [];
  private readonly lineListeners = new Set<(line: string) => void>();
  private paused = false;
  private lineCount = 0;
  private exit: BrokerExit | null = null;

  constructor(readonly options: BrokerProcessOptions) {}

  get brokerId(): number {
    return this.options.brokerId;
  }

  get port(): number {
    return this.options.port;
  }

  get bootstrap(): string {
    return `${this.options.host ?? 'localhost'}:${this.options.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get isRunning(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Lines the broker printed since this object was made (all its runs): a flood shows here. */
  get outputLineCount(): number {
    return this.lineCount;
  }

  /** Calls `listener` with every line the broker prints from now on; returns the unsubscribe. */
  onOutputLine(listener: (line: string) => void): () => void {
    this.lineListeners.add(listener);
    return () => this.lineListeners.delete(listener);
  }

  /** Resident memory of the process (VmRSS from /proc), or null when it is not running. */
  rssBytes(): number | null {
    if (!this.isRunning || this.child?.pid === undefined) return null;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${this.child.pid}/status`, 'latin1'));
      return m ? Number(m[1]) * 1024 : null;
    } catch {
      return null;
    }
  }

  /** How the last run ended, or null while the first run is still going (or never started). */
  get lastExit(): BrokerExit | null {
    return this.exit;
  }

  /** The last lines the broker printed (for failure messages). */
  recentOutput(n = 60): string {
    return this.lines.slice(-n).join('\n');
  }

  serverArgs(): string[] {
    const o = this.options;
    const host = o.host ?? 'localhost';
    const props: Record<string, string | number | boolean> = {
      'broker.id': o.brokerId,
      listeners: `PLAINTEXT://${host}:${o.port}${o.extraListeners ? `,${o.extraListeners}` : ''}`,
      'log.dirs': o.logDir,
      'zookeeper.connect': o.zookeeperConnect,
      ...o.overrides,
    };
    const args = ['server-start'];
    for (const [k, v] of Object.entries(props)) args.push('--override', `${k}=${v}`);
    return args;
  }

  /** Starts the process and resolves once its listener accepts connections and it logged `started`. */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.isRunning) throw new Error(`broker ${this.brokerId} is already running`);
    installExitHook();
    const command = [process.execPath, CLI, ...this.serverArgs()];
    const limited = this.options.maxOpenFiles === undefined ? command : ['prlimit', `--nofile=${this.options.maxOpenFiles}:${this.options.maxOpenFiles}`, '--', ...command];
    const launched = [...(this.options.launcher ?? []), ...limited];
    const child = spawn(launched[0]!, launched.slice(1), {
      // The broker logs at info (captured, printed only with output 'inherit'): readiness is its
      // `started` line, whatever level the test process itself logs at.
      env: { ...BROKER_MALLOC_ENV, ...process.env, KAFKATS_LOG_LEVEL: process.env.KAFKATS_BROKER_LOG_LEVEL ?? 'info', KAFKATS_BROKER_ID: String(this.brokerId), ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a terminal's Ctrl-C reaches only the parent, which then stops
      // brokers in order (controller last) instead of all of them racing a vanishing controller.
      detached: true,
    });
    this.child = child;
    this.exit = null;
    RUNNING_BROKERS.add(this);
    const outputFile = this.options.outputFile === undefined ? null : createWriteStream(this.options.outputFile, { flags: 'a' });
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
      RUNNING_BROKERS.delete(this);
      this.exit = { code, signal, at: Date.now() };
      resolve(code);
    }));
    // The output pipes close after the exit: the file ends with the last line.
    child.once('close', () => outputFile?.end());
    let started = false;
    const onLine = (line: string): void => {
      this.lineCount++;
      this.lines.push(line);
      if (this.lines.length > 500) this.lines.splice(0, this.lines.length - 500);
      for (const l of this.lineListeners) l(line);
      if (this.options.output === 'inherit') process.stdout.write(`[broker ${this.brokerId}] ${line}\n`);
      outputFile?.write(line + '\n');
      if (isStartedLine(line)) started = true;
    };
    pipeLines(child.stdout!, onLine);
    pipeLines(child.stderr!, onLine);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.isRunning) {
        throw new Error(`broker ${this.brokerId} exited during start-up (code ${child.exitCode}, signal ${child.signalCode}):\n${this.recentOutput()}`);
      }
      if (started && (await canConnect(this.options.host ?? 'localhost', this.options.port))) return;
      await sleep(50);
    }
    this.killNow();
    throw new Error(`broker ${this.brokerId} did not start within ${timeoutMs} ms:\n${this.recentOutput()}`);
  }

  /** SIGTERM (controlled shutdown) and wait for the exit; SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 30_000): Promise<number | null> {
    if (!this.child || !this.isRunning) return this.child?.exitCode ?? null;
    this.resume();
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.killNow(), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  /** Sends `signal` (e.g. SIGTERM, SIGINT) without waiting. */
  signal(signal: NodeJS.Signals): void {
    if (this.child && this.isRunning) this.child.kill(signal);
  }

  /** Waits for the process to exit: its exit code (null if a signal ended it), or 'running' after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<number | null | 'running'> {
    if (!this.child || !this.isRunning) return this.child?.exitCode ?? null;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'running'>((resolve) => (timer = setTimeout(() => resolve('running'), timeoutMs)));
    try {
      return await Promise.race([this.exited, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** kill -9, and wait until the process is gone. */
  async kill9(): Promise<void> {
    if (!this.child || !this.isRunning) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGSTOP: the process freezes (no fetches, no ZooKeeper heartbeats) until resume(). */
  pause(): void {
    if (this.child && this.isRunning) {
      this.child.kill('SIGSTOP');
      this.paused = true;
    }
  }

  resume(): void {
    if (this.child && this.isRunning) this.child.kill('SIGCONT');
    this.paused = false;
  }

  /** Frozen with SIGSTOP: alive, but it answers nothing. */
  get isPaused(): boolean {
    return this.paused;
  }

  killNow(): void {
    this.resume();
    if (this.child && this.isRunning) this.child.kill('SIGKILL');
  }

  async restart(timeoutMs?: number): Promise<void> {
    await this.stop();
    await this.start(timeoutMs);
  }
}

/** A broker's `[KafkaServer id=N] started` line (KafkaServer.startup's last), JSON as it prints it. */
export function isStartedLine(line: string): boolean {
  return /"msg":"\[KafkaServer id=-?\d+\] started"/.test(line);
}

function pipeLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) onLine(p);
  });
  stream.on('end', () => {
    if (rest) onLine(rest);
  });
}

export function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const REPO_ROOT = path.resolve(path.dirname(CLI), '..');
