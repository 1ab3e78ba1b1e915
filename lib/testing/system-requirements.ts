/**
 * What the machine itself must provide besides Node.js — ZooKeeper and a Java to run it (for
 * `kafkats cluster`, `npm start`, `kafkats zookeeper`), plus kcat and confluent-kafka-python (the
 * independent clients `npm test` drives) — and the one place that installs them.
 *
 * On Debian/Ubuntu a missing piece is installed with apt-get, directly as root or through
 * `sudo -n` when that works without a password, after one line saying what is installed and why;
 * apt-get's own output is shown only if it fails. Otherwise (no root, a password needed, another
 * system) it stops with the exact command or the steps to take. Nothing asks for input.
 * `npm test` runs this first (scripts/system-requirements.ts), `.ci/run` through `npm test`: this is
 * the one list of what the machine provides (the compatibility suite's Debian-built clients included).
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { findJava, findZooKeeper, ZOOKEEPER_HOME_HINT, ZooKeeperNotInstalledError } from './zookeeper-runner.js';

/** The python the specs run confluent-kafka-python with (Debian's package installs it there). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export interface SystemRequirement {
  /** What it is: `ZooKeeper`, `Java`, `kcat`, `confluent-kafka-python`. */
  readonly name: string;
  /** Why kafkats needs it. */
  readonly why: string;
  /** The Debian/Ubuntu package that provides it. */
  readonly debianPackage: string;
  /**
   * How to provide it on other systems; null when it is asked for on Debian/Ubuntu only (a
   * compatibility-suite client built from Debian's packages, reported "not tested" elsewhere).
   */
  readonly elsewhere: string | null;
  /** What is wrong with this machine (`not found …`, `too old …`), or null when it is there. */
  problem(): string | null;
  /**
   * When what is wrong is a setting that installing the package would not change (a JAVA_HOME
   * pointing at an old Java), what the user must do instead; asked only when problem() is not null.
   */
  remedy?(): string | null;
}

/** A requirement this machine does not meet, with what is wrong. */
export interface Unmet {
  readonly requirement: SystemRequirement;
  readonly problem: string;
  /** What the user must do because a package would not help (SystemRequirement.remedy). */
  readonly remedy?: string;
}

/** `cmd` resolved through PATH like a shell would, or null. */
export function onPath(cmd: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, cmd);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return null;
}

/**
 * What a `java -cp <ZooKeeper> …VersionInfoMain` run says about the Java: null when it ran
 * ZooKeeper's class, `not found` when there is no such executable, `too old …` when the JVM
 * cannot load ZooKeeper's class files. Other failures are left to ZooKeeper's own start-up.
 */
export function javaProblemFrom(java: string, run: { error?: NodeJS.ErrnoException; status: number | null; stderr: string }): string | null {
  if (run.error?.code === 'ENOENT') return `not found: ${java}`;
  if (run.status === 0) return null;
  const unsupported = /UnsupportedClassVersionError[^\n]*/.exec(run.stderr);
  if (unsupported !== null) return `${java} is too old for ZooKeeper: ${unsupported[0].replace(/^.*UnsupportedClassVersionError:\s*/, '').trim()}`;
  return null;
}

const ZOOKEEPER: SystemRequirement = {
  name: 'ZooKeeper',
  why: 'the coordinator the brokers register in',
  debianPackage: 'zookeeper',
  elsewhere: ZOOKEEPER_HOME_HINT,
  problem() {
    try {
      findZooKeeper();
      return null;
    } catch (err) {
      if (err instanceof ZooKeeperNotInstalledError) return `not found in ${err.searched.join(', ')}`;
      throw err;
    }
  },
};

const JAVA: SystemRequirement = {
  name: 'Java',
  why: 'runs ZooKeeper',
  debianPackage: 'default-jre-headless',
  elsewhere: 'install a Java runtime, 8 or newer (macOS: `brew install openjdk`), and put `java` on PATH or set JAVA_HOME',
  problem() {
    const java = findJava();
    let classpath: string;
    try {
      classpath = findZooKeeper().classpath;
    } catch {
      // No ZooKeeper yet to try it with: only its presence can be checked.
      return existsSync(java) || onPath(java) !== null ? null : 'not found as $JAVA_HOME/bin/java, /usr/bin/java, /usr/local/bin/java or on PATH';
    }
    const run = spawnSync(java, ['-cp', classpath, 'org.apache.zookeeper.version.VersionInfoMain'], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
    return javaProblemFrom(java, { error: run.error as NodeJS.ErrnoException | undefined, status: run.status, stderr: run.stderr ?? '' });
  },
  remedy() {
    // findJava() prefers $JAVA_HOME/bin/java over the package's /usr/bin/java.
    const home = process.env.JAVA_HOME;
    return home !== undefined && home !== '' && findJava() === join(home, 'bin', 'java') ? `JAVA_HOME=${home}: point JAVA_HOME at a Java 8 or newer, or unset it` : null;
  },
};

const KCAT: SystemRequirement = {
  name: 'kcat',
  why: 'a librdkafka client the tests drive',
  debianPackage: 'kcat',
  elsewhere: 'install kcat (macOS: `brew install kcat`; or build it from https://github.com/edenhill/kcat) and put it on PATH',
  problem: () => (onPath('kcat') !== null ? null : 'not found on PATH'),
};

const CONFLUENT_KAFKA_PYTHON: SystemRequirement = {
  name: 'confluent-kafka-python',
  why: 'a Python client the tests drive',
  debianPackage: 'python3-confluent-kafka',
  elsewhere: `make \`import confluent_kafka\` work for ${SYSTEM_PYTHON} (\`${SYSTEM_PYTHON} -m pip install --user confluent-kafka\`)`,
  problem() {
    const run = spawnSync(SYSTEM_PYTHON, ['-c', 'import confluent_kafka'], { stdio: 'ignore', timeout: 60_000 });
    return run.status === 0 ? null : `not importable by ${SYSTEM_PYTHON}`;
  },
};

const PS: SystemRequirement = {
  name: 'ps',
  why: 'the specs look for leftover processes with it',
  debianPackage: 'procps',
  elsewhere: 'install ps (procps) and put it on PATH',
  problem: () => (onPath('ps') !== null ? null : 'not found on PATH'),
};

/** Whether dpkg knows `pkg` as installed. */
export function debianPackageInstalled(pkg: string): boolean {
  const dpkgQuery = onPath('dpkg-query', `${process.env.PATH ?? ''}${delimiter}/usr/bin`) ?? 'dpkg-query';
  const run = spawnSync(dpkgQuery, ['-W', '-f', '${Status}', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
  return run.status === 0 && run.stdout.includes('install ok installed');
}

/** A Debian package a compatibility-suite client (spec/compat) is built or run from. */
function compatPackage(debianPackage: string, name: string, why: string): SystemRequirement {
  return {
    name,
    why,
    debianPackage,
    elsewhere: null,
    problem: () => (debianPackageInstalled(debianPackage) ? null : `Debian package ${debianPackage} not installed`),
  };
}

/** The compatibility suite's further clients: sarama, kafka-go and confluent-kafka-go built offline from Debian's Go sources, kafka-python with its codecs. */
const COMPAT_PACKAGES: readonly SystemRequirement[] = [
  compatPackage('golang-go', 'Go', 'builds the Go clients of the compatibility suite'),
  compatPackage('golang-github-shopify-sarama-dev', 'sarama', 'a Go client of the compatibility suite'),
  compatPackage('golang-github-segmentio-kafka-go-dev', 'kafka-go', 'a Go client of the compatibility suite'),
  compatPackage('golang-github-confluentinc-confluent-kafka-go-dev', 'confluent-kafka-go', 'a Go client of the compatibility suite'),
  compatPackage('librdkafka-dev', "librdkafka's headers", 'confluent-kafka-go builds against them'),
  compatPackage('python3-kafka', 'kafka-python', 'a Python client of the compatibility suite'),
  compatPackage('python3-snappy', 'python-snappy', "kafka-python's snappy codec"),
  compatPackage('python3-lz4', 'python-lz4', "kafka-python's lz4 codec"),
  compatPackage('python3-zstandard', 'python-zstandard', "kafka-python's zstd codec"),
  // npm run compat:node-rdkafka compiles node-rdkafka's librdkafka: a compiler, and zlib/zstd for its codecs.
  compatPackage('g++', 'g++', 'compiles node-rdkafka (npm run compat:node-rdkafka)'),
  compatPackage('make', 'make', 'builds node-rdkafka (npm run compat:node-rdkafka)'),
  compatPackage('zlib1g-dev', "zlib's headers", "node-rdkafka's gzip codec"),
  compatPackage('libzstd-dev', "zstd's headers", "node-rdkafka's zstd codec"),
];

/** The console spec drives Debian's Chromium headless through playwright-core (no browser download). */
const CHROMIUM = compatPackage('chromium', 'Chromium', 'the console spec drives it headless');

/** What running ZooKeeper needs: `kafkats cluster` (`npm start`) and `kafkats zookeeper`. */
export const ZOOKEEPER_REQUIREMENTS: readonly SystemRequirement[] = [ZOOKEEPER, JAVA];
/**
 * What `npm test` needs: ZooKeeper, the independent clients, ps (absent from minimal images), and on
 * Debian/Ubuntu Chromium for the console spec and the compatibility suite's further clients.
 */
export const TEST_REQUIREMENTS: readonly SystemRequirement[] = [...ZOOKEEPER_REQUIREMENTS, KCAT, CONFLUENT_KAFKA_PYTHON, PS, CHROMIUM, ...COMPAT_PACKAGES];

/** The requirements this machine does not meet. */
export function unmetRequirements(requirements: readonly SystemRequirement[]): Unmet[] {
  const unmet: Unmet[] = [];
  for (const requirement of requirements) {
    const problem = requirement.problem();
    if (problem === null) continue;
    const remedy = requirement.remedy?.() ?? null;
    unmet.push(remedy === null ? { requirement, problem } : { requirement, problem, remedy });
  }
  return unmet;
}

// ---- how to get them ----------------------------------------------------------------------------

/** What decides how missing pieces can be installed here. */
export interface HostFacts {
  /** Debian, Ubuntu or a derivative with apt-get. */
  readonly debianLike: boolean;
  readonly root: boolean;
  /** `sudo -n true` succeeds (only asked when not root). */
  readonly passwordlessSudo: boolean;
}

/** Debian, Ubuntu, or a system that names one of them in ID_LIKE, from /etc/os-release text. */
export function isDebianLike(osRelease: string): boolean {
  const field = (key: string): string => new RegExp(`^${key}=["']?([^"'\\n]*)`, 'm').exec(osRelease)?.[1] ?? '';
  return [field('ID'), ...field('ID_LIKE').split(/\s+/)].some((id) => id === 'debian' || id === 'ubuntu');
}

/** The unmet requirements that matter on `host`: all on Debian/Ubuntu, elsewhere those with a way to provide them. */
export function neededOn(host: Pick<HostFacts, 'debianLike'>, unmet: readonly Unmet[]): Unmet[] {
  return host.debianLike ? [...unmet] : unmet.filter((u) => u.requirement.elsewhere !== null);
}

/** This machine's facts (`sudo -n true` is run only when it matters). */
export function hostFacts(): HostFacts {
  let osRelease = '';
  try {
    osRelease = readFileSync('/etc/os-release', 'utf8');
  } catch {
    /* not Linux, or a very old one */
  }
  const debianLike = process.platform === 'linux' && isDebianLike(osRelease) && onPath('apt-get', `${process.env.PATH ?? ''}${delimiter}/usr/bin`) !== null;
  const root = process.getuid?.() === 0;
  const passwordlessSudo = debianLike && !root && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  return { debianLike, root, passwordlessSudo };
}

export type InstallPlan =
  /** `commands`: apt-get update, then apt-get install (argv each); `line`: the announcement. */
  | { readonly kind: 'install'; readonly packages: readonly string[]; readonly commands: readonly (readonly string[])[]; readonly line: string }
  | { readonly kind: 'refuse'; readonly message: string };

const APT_ENV = ['DEBIAN_FRONTEND=noninteractive', 'NEEDRESTART_MODE=a'];
const APT_INSTALL_OPTIONS = ['-y', '-qq', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=300', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold'];

function describeUnmet(unmet: readonly Unmet[]): string {
  return unmet.map((u) => `${u.requirement.name}, ${u.requirement.why} (${u.problem})`).join('; ');
}

/**
 * How to get what `purpose` (e.g. `npm test`) needs: apt-get as root or through `sudo -n` on
 * Debian/Ubuntu; else the exact command to run (Debian/Ubuntu) or what to provide (other systems).
 */
export function planInstall(unmet: readonly Unmet[], host: HostFacts, purpose: string): InstallPlan {
  const byHand = unmet.filter((u) => u.remedy !== undefined);
  if (byHand.length > 0) {
    // Installing packages would not fix these: say what to do first, then what the next run needs.
    const rest = unmet.filter((u) => u.remedy === undefined);
    const restPlan = rest.length > 0 ? planInstall(rest, host, purpose) : null;
    return {
      kind: 'refuse',
      message:
        `${purpose} needs ${describeUnmet(byHand)}; installing a package would not change that: ${byHand.map((u) => u.remedy).join('; ')}.` +
        (restPlan === null ? '\nthen run the command again.' : restPlan.kind === 'install' ? `\nthen run the command again (it then installs ${restPlan.packages.join(' ')} itself).` : `\n${restPlan.message}`),
    };
  }
  const packages = [...new Set(unmet.map((u) => u.requirement.debianPackage))];
  if (host.debianLike && (host.root || host.passwordlessSudo)) {
    // sudo resets the environment: the variables go on its command line (runQuietly sets them for root).
    const sudo = host.root ? [] : ['sudo', '-n', ...APT_ENV];
    const how = host.root ? 'apt-get as root' : 'apt-get through sudo -n';
    const update = [...sudo, 'apt-get', 'update', '-qq'];
    const install = [...sudo, 'apt-get', 'install', ...APT_INSTALL_OPTIONS, ...packages];
    return {
      kind: 'install',
      packages,
      commands: [
        update,
        install,
      ],
      line: `installing ${packages.join(' ')} with ${how}: ${purpose} needs ${describeUnmet(unmet)}`,
    };
  }
  if (host.debianLike) {
    return {
      kind: 'refuse',
      message:
        `${purpose} needs ${describeUnmet(unmet)}; kafkats installs ${packages.length === 1 ? 'it' : 'them'} itself only as root or with sudo that needs no password. Run:\n` +
        `  sudo apt-get update && sudo apt-get install ${packages.join(' ')}\n` +
        'then run the command again.',
    };
  }
  return {
    kind: 'refuse',
    message:
      `${purpose} needs what this machine lacks (kafkats installs it itself only on Debian/Ubuntu):\n` +
      neededOn(host, unmet).map((u) => `  - ${u.requirement.name}, ${u.requirement.why} (${u.problem}): ${u.requirement.elsewhere}`).join('\n') +
      '\nthen run the command again (README: "Other systems").',
  };
}

/** Thrown when what is needed is missing and could not be installed; the message says what to do. */
export class SystemRequirementsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SystemRequirementsError';
  }
}

/** Runs apt-get with its output captured (returned, not shown), no input, non-interactive. */
function runQuietly(argv: readonly string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const [cmd, ...args] = argv as [string, ...string[]];
    const env = { ...process.env, ...Object.fromEntries(APT_ENV.map((kv) => kv.split('='))) };
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    const keep = (d: Buffer): void => {
      output = (output + d.toString('utf8')).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) => resolve({ code: null, output: output + String(err) }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

export interface EnsureOptions {
  /** Who needs it, in the install line and messages: `npm test`, `kafkats cluster`. */
  purpose: string;
  /** Prints the one line announcing an install. */
  say: (line: string) => void;
}

/**
 * Makes sure this machine meets `requirements`: silent when it does; installs what is missing on
 * Debian/Ubuntu (one line via `say`); throws SystemRequirementsError with what to do otherwise,
 * or when an install failed or did not help.
 */
export async function ensureSystemRequirements(requirements: readonly SystemRequirement[], opts: EnsureOptions): Promise<void> {
  const found = unmetRequirements(requirements);
  if (found.length === 0) return;
  const host = hostFacts();
  const unmet = neededOn(host, found);
  if (unmet.length === 0) return; // only Debian-only pieces, whose specs report "not tested" here
  const plan = planInstall(unmet, host, opts.purpose);
  if (plan.kind === 'refuse') throw new SystemRequirementsError(plan.message);
  opts.say(plan.line);
  for (const command of plan.commands) {
    const r = await runQuietly(command);
    if (r.code !== 0) {
      throw new SystemRequirementsError(
        `\`${command.join(' ')}\` failed (exit ${r.code ?? 'by signal'}); its output ends with:\n${r.output.trimEnd().split('\n').slice(-25).join('\n')}\n` +
          `Install ${plan.packages.join(' ')} yourself, then run the command again.`,
      );
    }
  }
  const still = neededOn(host, unmetRequirements(requirements));
  if (still.length > 0) {
    throw new SystemRequirementsError(
      `after installing ${plan.packages.join(' ')}, ${opts.purpose} still lacks: ${describeUnmet(still)}` +
        (still.some((u) => u.requirement === JAVA) ? '. Point JAVA_HOME at a Java 8 or newer (Debian: /usr/lib/jvm/default-java) or unset it.' : ''),
    );
  }
}
