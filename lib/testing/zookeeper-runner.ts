/**
 * Runs a real, single-node ZooKeeper from the installed Apache/Debian package, for tests, for
 * `kafkats zookeeper` and for the local cluster. No mocks: the JVM is started directly
 * (`java -cp <zookeeper jars> org.apache.zookeeper.server.quorum.QuorumPeerMain zoo.cfg`) with a
 * generated zoo.cfg, so neither /etc/zookeeper nor zkServer.sh's pid/log conventions are touched.
 *
 * Where ZooKeeper is looked for: $ZOOKEEPER_HOME (an Apache tarball: lib/*.jar, or a Debian-style
 * tree), then the Debian package (/usr/share/zookeeper + /usr/share/java/zookeeper.jar, whose
 * manifest Class-Path names its dependencies), then /opt/zookeeper, /usr/local/zookeeper.
 *
 * A started ZooKeeper never outlives its parent: stop() sends SIGTERM then SIGKILL, a process
 * 'exit' hook kills every ZooKeeper still running, and a tiny detached watchdog shell kills the
 * JVM even if the parent itself dies by SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { createServer, connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How to provide ZooKeeper where kafkats does not install it (anything but Debian/Ubuntu). */
export const ZOOKEEPER_HOME_HINT =
  'download an Apache ZooKeeper binary release (apache-zookeeper-<version>-bin.tar.gz from ' +
  'https://zookeeper.apache.org/releases.html), unpack it and set ZOOKEEPER_HOME to the unpacked directory (the one with lib/*.jar)';

/** Thrown when no ZooKeeper installation can be found. */
export class ZooKeeperNotInstalledError extends Error {
  constructor(readonly searched: string[]) {
    super(
      'No ZooKeeper installation found (looked in: ' + searched.join(', ') + '). ' +
        '`kafkats cluster` (npm start) and `npm test` install it on Debian/Ubuntu (apt-get install zookeeper); elsewhere, ' +
        ZOOKEEPER_HOME_HINT + '. A Java runtime (java on PATH or JAVA_HOME) is required too.',
    );
    this.name = 'ZooKeeperNotInstalledError';
  }
}

/** Thrown when the ZooKeeper process exits early or does not answer `ruok` in time. */
export class ZooKeeperStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZooKeeperStartError';
  }
}

export interface ZooKeeperInstallation {
  /** Where it was found (ZOOKEEPER_HOME or the package directory). */
  readonly home: string;
  /** Java class path for QuorumPeerMain. */
  readonly classpath: string;
  /** The java executable. */
  readonly java: string;
}

export interface StartZooKeeperOptions {
  /** Client port; default: a free port chosen by the OS. */
  port?: number;
  /** Address the client port binds to (`clientPortAddress`); default 127.0.0.1. */
  host?: string;
  /** Data directory (created if missing); default: a new temp dir, removed by stop(). */
  dataDir?: string;
  /** ZooKeeper tickTime in ms; default 500 so sessions may be as short as 1 s (minSessionTimeout = 2 ticks). */
  tickTime?: number;
  /** maxSessionTimeout in ms; default 60000. */
  maxSessionTimeout?: number;
  /** How long to wait for the server to answer (`ruok` → imok, `srvr` → serving); default 30000 ms. */
  startTimeoutMs?: number;
  /** Also copy ZooKeeper's log lines to this process's stdout/stderr (foreground use). */
  inheritOutput?: boolean;
}

export interface RunningZooKeeper {
  /** `127.0.0.1:PORT` (append a chroot: `${connectString}/kafkats-x`). */
  readonly connectString: string;
  readonly port: number;
  readonly dataDir: string;
  /** ZooKeeper's log (stdout+stderr of the JVM), inside dataDir. */
  readonly logFile: string;
  readonly pid: number;
  /** Resolves when the process has exited (on its own or by stop()). */
  readonly exited: Promise<void>;
  /** SIGTERM, then SIGKILL after `timeoutMs` (default 5000); removes a temp data dir. Idempotent. */
  stop(timeoutMs?: number): Promise<void>;
}

const DEBIAN_HOME = '/usr/share/zookeeper';
const DEBIAN_JAR = '/usr/share/java/zookeeper.jar';
/** slf4j bindings that print to stderr; the first present is added so ZooKeeper's log is not lost. */
const SLF4J_BINDINGS = ['/usr/share/java/slf4j-simple.jar'];

function jarsIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jar'))
    .map((f) => join(dir, f));
}

/** The java executable ZooKeeper is run with: $JAVA_HOME/bin/java, /usr/bin/java, /usr/local/bin/java, else `java` (PATH). */
export function findJava(): string {
  const home = process.env.JAVA_HOME;
  if (home !== undefined && home !== '' && existsSync(join(home, 'bin', 'java'))) return join(home, 'bin', 'java');
  for (const p of ['/usr/bin/java', '/usr/local/bin/java']) if (existsSync(p)) return p;
  return 'java';
}

/** A classpath from an Apache-layout home (home/*.jar + home/lib/*.jar), or null. */
function apacheClasspath(home: string): string | null {
  const jars = [...jarsIn(home), ...jarsIn(join(home, 'lib'))];
  if (!jars.some((j) => /zookeeper-\d[^/]*\.jar$/.test(j) || j.endsWith('/zookeeper.jar'))) return null;
  const conf = join(home, 'conf');
  return [...(existsSync(conf) ? [conf] : []), ...jars].join(':');
}

/** Finds ZooKeeper: $ZOOKEEPER_HOME, the Debian package, /opt/zookeeper, /usr/local/zookeeper. */
export function findZooKeeper(env: NodeJS.ProcessEnv = process.env): ZooKeeperInstallation {
  const searched: string[] = [];
  const java = findJava();
  const zkHome = env.ZOOKEEPER_HOME;
  if (zkHome !== undefined && zkHome !== '') {
    searched.push(`ZOOKEEPER_HOME=${zkHome}`);
    const cp = apacheClasspath(zkHome);
    if (cp !== null) return { home: zkHome, classpath: cp, java };
  }
  searched.push(DEBIAN_HOME + ' (' + DEBIAN_JAR + ')');
  if (existsSync(DEBIAN_JAR)) {
    const binding = SLF4J_BINDINGS.filter((p) => existsSync(p));
    return { home: DEBIAN_HOME, classpath: [DEBIAN_JAR, ...binding].join(':'), java };
  }
  for (const home of ['/opt/zookeeper', '/usr/local/zookeeper']) {
    searched.push(home);
    const cp = apacheClasspath(home);
    if (cp !== null) return { home, classpath: cp, java };
  }
  throw new ZooKeeperNotInstalledError(searched);
}

/** A TCP port that was free a moment ago on 127.0.0.1 (the OS picks it). */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Sends a four-letter word (e.g. `ruok`) and returns the reply, or null on any failure. */
export async function fourLetterWord(port: number, word: string, timeoutMs = 1000, host = '127.0.0.1'): Promise<string | null> {
  return new Promise((resolve) => {
    const sock = netConnect({ host, port });
    let reply = '';
    const done = (v: string | null): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    sock.on('connect', () => sock.write(word));
    sock.on('data', (d) => {
      reply += d.toString('utf8');
    });
    sock.on('end', () => done(reply));
    sock.on('error', () => done(null));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---- process-exit safety net -------------------------------------------------------------------

const live = new Set<ChildProcess>();
let hooksInstalled = false;

function killAllSync(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  live.clear();
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      // When nobody else handles the signal, keep its default behaviour (exit) after killing our
      // ZooKeepers; otherwise the owner shuts down cleanly and the 'exit' hook catches leftovers.
      if (process.listenerCount(sig) === 1) {
        killAllSync();
        process.removeListener(sig, onSignal);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSignal);
  }
}

/**
 * A detached shell that kills the JVM when this (parent) process disappears, even by SIGKILL;
 * it ends by itself once the JVM is gone.
 */
function spawnWatchdog(zkPid: number): ChildProcess | null {
  try {
    const script = `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${zkPid} 2>/dev/null; do sleep 1; done; kill -9 ${zkPid} 2>/dev/null; exit 0`;
    const dog = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' });
    dog.unref();
    return dog;
  } catch {
    return null;
  }
}

// ---- start / stop -------------------------------------------------------------------------------

function zooCfg(dataDir: string, host: string, port: number, tickTime: number, maxSessionTimeout: number): string {
  return [
    '# generated by kafkats (lib/testing/zookeeper-runner.ts)',
    `tickTime=${tickTime}`,
    `dataDir=${dataDir}`,
    `clientPort=${port}`,
    `clientPortAddress=${host}`,
    'maxClientCnxns=0',
    'admin.enableServer=false',
    '4lw.commands.whitelist=ruok,srvr,stat,mntr,cons',
    `minSessionTimeout=${2 * tickTime}`,
    `maxSessionTimeout=${maxSessionTimeout}`,
    'autopurge.purgeInterval=0',
    '',
  ].join('\n');
}

async function startOnce(
  inst: ZooKeeperInstallation,
  port: number,
  dataDir: string,
  ownsDataDir: boolean,
  opts: StartZooKeeperOptions,
): Promise<RunningZooKeeper> {
  const tickTime = opts.tickTime ?? 500;
  const host = opts.host ?? '127.0.0.1';
  const cfgPath = join(dataDir, 'zoo.cfg');
  const zkData = join(dataDir, 'data');
  mkdirSync(zkData, { recursive: true });
  writeFileSync(cfgPath, zooCfg(zkData, host, port, tickTime, opts.maxSessionTimeout ?? 60000));
  const logFile = join(dataDir, 'zookeeper.log');
  const logFd = openSync(logFile, 'a');
  const args = [
    '-Xmx256m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Dzookeeper.jmx.log4j.disable=true',
    '-Dzookeeper.admin.enableServer=false',
    '-Dorg.slf4j.simpleLogger.showDateTime=true',
    '-cp',
    inst.classpath,
    'org.apache.zookeeper.server.quorum.QuorumPeerMain',
    cfgPath,
  ];
  const child = spawn(inst.java, args, {
    cwd: dataDir,
    // Own process group, like the brokers: Ctrl-C in a terminal reaches the parent only, which stops it last.
    detached: true,
    stdio: ['ignore', opts.inheritOutput === true ? 'pipe' : logFd, opts.inheritOutput === true ? 'pipe' : logFd],
  });
  closeSync(logFd);
  if (opts.inheritOutput === true) {
    const out = openSync(logFile, 'a');
    const tee = (chunk: Buffer, to: NodeJS.WriteStream): void => {
      writeFileSync(out, chunk);
      to.write(chunk);
    };
    child.stdout?.on('data', (c: Buffer) => tee(c, process.stdout));
    child.stderr?.on('data', (c: Buffer) => tee(c, process.stderr));
    child.on('exit', () => closeSync(out));
  }
  const pid = child.pid;
  let exitInfo: string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exitInfo = `code ${String(code)}, signal ${String(signal)}`;
      live.delete(child);
      resolve();
    });
    child.on('error', (err) => {
      exitInfo = `spawn error: ${err.message}`;
      live.delete(child);
      resolve();
    });
  });
  if (pid === undefined) {
    await exited;
    throw new ZooKeeperStartError(`could not start ${inst.java}: ${exitInfo ?? 'unknown error'}`);
  }
  installExitHooks();
  live.add(child);
  const dog = spawnWatchdog(pid);

  let stopping: Promise<void> | null = null;
  const stop = (timeoutMs = 5000): Promise<void> => {
    stopping ??= (async () => {
      if (exitInfo === null) {
        child.kill('SIGTERM');
        const timedOut = await Promise.race([exited.then(() => false), sleep(timeoutMs).then(() => true)]);
        if (timedOut) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      try {
        if (dog?.pid !== undefined) process.kill(dog.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 30000);
  for (;;) {
    if (exitInfo !== null) {
      await stop();
      throw new ZooKeeperStartError(`ZooKeeper exited during start-up (${String(exitInfo)}); see ${logFile}`);
    }
    // `ruok` answers imok before the server serves requests; `srvr` reports a Mode only once it does.
    if ((await fourLetterWord(port, 'ruok', 500, host)) === 'imok' && /Mode: /.test((await fourLetterWord(port, 'srvr', 500, host)) ?? '')) break;
    if (Date.now() > deadline) {
      await stop();
      throw new ZooKeeperStartError(`ZooKeeper did not answer ruok on port ${port} in time; see ${logFile}`);
    }
    await sleep(100);
  }
  return { connectString: `${host}:${port}`, port, dataDir, logFile, pid, exited, stop };
}

/**
 * Starts a standalone ZooKeeper and waits until it answers `ruok` and `srvr` shows it serving. With no port given a free one
 * is chosen (and start-up is retried on another port if it was taken meanwhile).
 */
export async function startZooKeeper(opts: StartZooKeeperOptions = {}): Promise<RunningZooKeeper> {
  const inst = findZooKeeper();
  const ownsDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'kafkats-zk-'));
  mkdirSync(dataDir, { recursive: true });
  const attempts = opts.port === undefined ? 3 : 1;
  let lastErr: unknown = null;
  for (let i = 0; i < attempts; i++) {
    const port = opts.port ?? (await findFreePort());
    try {
      return await startOnce(inst, port, dataDir, ownsDataDir, opts);
    } catch (err) {
      lastErr = err;
      if (!(err instanceof ZooKeeperStartError)) break;
    }
  }
  if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
  throw lastErr instanceof Error ? lastErr : new ZooKeeperStartError(String(lastErr));
}

// ---- one shared ZooKeeper per test run ----------------------------------------------------------

let shared: Promise<RunningZooKeeper> | null = null;

/**
 * One ZooKeeper for the whole test run, started on first use. Tests isolate themselves by chroot
 * (`${zk.connectString}${uniqueChroot()}`). It is stopped by stopSharedZooKeeper() (called from a
 * root after-all hook when mocha's globals exist) or, at the latest, by the process-exit hook.
 */
export function sharedZooKeeper(): Promise<RunningZooKeeper> {
  shared ??= startZooKeeper().catch((err: unknown) => {
    shared = null;
    throw err;
  });
  return shared;
}

/** Stops the shared ZooKeeper if it was started. */
export async function stopSharedZooKeeper(): Promise<void> {
  const s = shared;
  shared = null;
  if (s !== null) await (await s).stop();
}

/** A fresh chroot path, `/kafkats-<random hex>`. */
export function uniqueChroot(): string {
  return '/kafkats-' + randomBytes(6).toString('hex');
}

// Under mocha, this module is imported while spec files load (root suite context): register a root
// after-all hook that stops the shared ZooKeeper at the end of the run.
const mochaAfter = (globalThis as { after?: (fn: () => Promise<void>) => void }).after;
if (typeof mochaAfter === 'function' && typeof (globalThis as { describe?: unknown }).describe === 'function') {
  try {
    mochaAfter(stopSharedZooKeeper);
  } catch {
    /* not in a loading phase; the exit hook still covers us */
  }
}
