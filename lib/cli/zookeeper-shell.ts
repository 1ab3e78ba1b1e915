/**
 * `kafkats zookeeper-shell <connect> [command…]` — Kafka's zookeeper-shell.sh (ZooKeeper's
 * ZooKeeperMain) for the commands operators use: ls [-s] [-R], get [-s], stat, create [-e] [-s],
 * set [-v version], delete [-v version], deleteall, getAcl [-s], setAcl [-s] [-v version], plus help and
 * quit. With a command it runs that
 * one and exits (1 when it failed); without, it reads commands from stdin, with ZooKeeperMain's
 * prompt `[zk: <connect>(CONNECTED) n] ` on a terminal. Output as ZooKeeperMain prints it: `[a, b]`
 * for ls, the data as text (`null` for none) for get, Stat's `cZxid = 0x…` lines, `Created /path`;
 * failures as `Node does not exist: /path` and the like on stderr.
 */
import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { CreateMode, MatchAnyVersion, splitChroot, ZooKeeperClient, type Stat, type ZkAcl } from '../zk/zookeeper-client.js';
import { BadVersionError, KeeperCode, KeeperError, NoAuthError, NoChildrenForEphemeralsError, NodeExistsError, NoNodeError, NotEmptyError } from '../zk/keeper-errors.js';
import { CliError, cliAction, parseIntOption } from './cli-support.js';

interface ShellOptions {
  timeoutMs: string;
}

const USAGE = `ZooKeeper commands (kafkats zookeeper-shell):
\tls [-s] [-R] path
\tget [-s] path
\tstat path
\tcreate [-e] [-s] path [data]
\tset [-s] [-v version] path data
\tdelete [-v version] path
\tdeleteall path
\thelp
\tquit`;

export function registerZooKeeperShell(program: Command): void {
  // ZooKeeper's flags (ls -s, create -e) follow the command: pass them through to it untouched.
  program.enablePositionalOptions();
  program
    .command('zookeeper-shell')
    .description('browse and edit ZooKeeper\'s znodes, one command or interactively (Kafka\'s zookeeper-shell.sh)')
    .argument('<connect>', 'ZooKeeper connect string host:port[,host:port…][/chroot]')
    .argument('[command...]', 'one command to run (ls, get, stat, create, set, delete, deleteall, getAcl, setAcl); none: read commands from stdin')
    .option('--timeout-ms <ms>', 'connection timeout', '10000')
    .passThroughOptions()
    .addHelpText('after', `
${USAGE}

Examples:
  kafkats zookeeper-shell localhost:2181/kafkats ls /brokers/ids
  kafkats zookeeper-shell localhost:2181/kafkats get /controller
  echo 'stat /brokers/ids/0' | kafkats zookeeper-shell localhost:2181/kafkats`)
    .action(cliAction('zookeeper-shell', runShell));
}

const hex = (n: bigint): string => `0x${n.toString(16)}`;

/** Java's Date.toString(): `Sun Dec 06 06:31:48 UTC 2026` in local time. */
function javaDate(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number): string => String(n).padStart(2, '0');
  const zone = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName')?.value ?? 'UTC';
  return `${days[d.getDay()]} ${months[d.getMonth()]} ${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${zone} ${d.getFullYear()}`;
}

/** ZooKeeper's StatPrinter lines. */
export function formatStat(s: Stat): string {
  return [
    `cZxid = ${hex(s.czxid)}`, `ctime = ${javaDate(s.ctime)}`, `mZxid = ${hex(s.mzxid)}`, `mtime = ${javaDate(s.mtime)}`,
    `pZxid = ${hex(s.pzxid)}`, `cversion = ${s.cversion}`, `dataVersion = ${s.version}`, `aclVersion = ${s.aversion}`,
    `ephemeralOwner = ${hex(s.ephemeralOwner)}`, `dataLength = ${s.dataLength}`, `numChildren = ${s.numChildren}`,
  ].join('\n') + '\n';
}

/** Splits a command line on blanks, keeping '…' and "…" together (ZooKeeperMain's quoting). */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

/** A mistake in a shell command: printed, and the shell goes on (one-shot: exit 1). */
class ShellError extends Error {}

function parseFlags(args: string[], withValue: readonly string[] = []): { flags: Map<string, string>; rest: string[] } {
  const flags = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (/^-[a-zA-Z]$/.test(a)) {
      if (withValue.includes(a)) {
        if (i + 1 >= args.length) throw new ShellError(`${a} needs a value`);
        flags.set(a, args[++i]!);
      } else flags.set(a, '');
    } else rest.push(a);
  }
  return { flags, rest };
}

function pathArg(rest: string[], usage: string): string {
  const p = rest[0];
  if (p === undefined) throw new ShellError(`usage: ${usage}`);
  if (!p.startsWith('/')) throw new ShellError('Path must start with / character');
  if (p.length > 1 && p.endsWith('/')) throw new ShellError('Path must not end with / character');
  return p;
}

function versionOf(flags: Map<string, string>): number {
  const v = flags.get('-v');
  if (v === undefined) return MatchAnyVersion;
  if (!/^-?\d+$/.test(v)) throw new ShellError(`version ${v} is not a number`);
  return Number(v);
}

/** ZooDefs.Perms as ZooKeeper's ZKUtil.getPermString writes them: c d r w a. */
const PERMS: ReadonlyArray<[string, number]> = [['c', 4], ['d', 8], ['r', 1], ['w', 2], ['a', 16]];

function permString(perms: number): string {
  return PERMS.filter(([, bit]) => (perms & bit) !== 0).map(([letter]) => letter).join('');
}

/**
 * ZooKeeper's AclParser: comma-separated `scheme:id:perms` (the id may hold colons, as digest ids
 * do). A malformed entry or an unknown permission letter is reported on stderr and skipped, as
 * ZooKeeperMain does (an entry left with no permission too: ZooKeeper would store it, the client
 * library cannot encode it); an empty result is then refused by the client (`Acl is not valid`).
 */
function parseAcl(text: string): ZkAcl[] {
  const acl: ZkAcl[] = [];
  for (const entry of text.split(',')) {
    const first = entry.indexOf(':');
    const last = entry.lastIndexOf(':');
    if (first < 0 || first === last) {
      process.stderr.write(`${entry} does not have the form scheme:id:perm\n`);
      continue;
    }
    let perms = 0;
    for (const letter of entry.slice(last + 1)) {
      const bit = PERMS.find(([l]) => l === letter)?.[1];
      if (bit === undefined) process.stderr.write(`Unknown perm type: ${letter}\n`);
      else perms |= bit;
    }
    // ZooKeeper would store an entry granting nothing; the client library cannot encode one.
    if (perms === 0) {
      process.stderr.write(`${entry} grants no permission; skipped\n`);
      continue;
    }
    acl.push({ scheme: entry.slice(0, first), id: entry.slice(first + 1, last), perms });
  }
  return acl;
}

async function listRecursive(zk: Chrooted, path: string, out: string[]): Promise<void> {
  out.push(path);
  const children = (await zk.getChildren(path)).sort();
  for (const c of children) await listRecursive(zk, path === '/' ? `/${c}` : `${path}/${c}`, out);
}

/**
 * The session's view below a chroot, as ZooKeeper's client applies one: paths are prefixed, created
 * paths come back without it. (The shell connects to the hosts alone, so a missing chroot is not
 * created the way a broker's connection creates it.)
 */
class Chrooted {
  constructor(private readonly zk: ZooKeeperClient, private readonly chroot: string) {}
  private full(path: string): string {
    return this.chroot === '' ? path : path === '/' ? this.chroot : this.chroot + path;
  }
  getChildren(path: string): Promise<string[]> { return this.zk.getChildren(this.full(path)); }
  exists(path: string): Promise<Stat | null> { return this.zk.exists(this.full(path)); }
  getData(path: string): Promise<{ data: Buffer | null; stat: Stat }> { return this.zk.getData(this.full(path), { watch: false }); }
  setData(path: string, data: Buffer, version: number): Promise<Stat> { return this.zk.setData(this.full(path), data, version); }
  delete(path: string, version: number): Promise<void> { return this.zk.delete(this.full(path), version); }
  deleteRecursive(path: string): Promise<void> { return this.zk.deleteRecursive(this.full(path)); }
  getAcl(path: string): Promise<{ acl: ZkAcl[]; stat: Stat }> { return this.zk.getAcl(this.full(path)); }
  setAcl(path: string, acl: ZkAcl[], version: number): Promise<Stat> { return this.zk.setAcl(this.full(path), acl, version); }
  async create(path: string, data: Buffer | null, mode: (typeof CreateMode)[keyof typeof CreateMode]): Promise<string> {
    const created = await this.zk.create(this.full(path), data, mode);
    return this.chroot === '' ? created : created.slice(this.chroot.length) || '/';
  }
}

/** Runs one command; its output (stdout) — errors are thrown. */
async function execute(zk: Chrooted, argv: string[]): Promise<string> {
  const [cmd, ...args] = argv;
  switch (cmd) {
    case 'ls': {
      const { flags, rest } = parseFlags(args);
      const path = pathArg(rest, 'ls [-s] [-R] path');
      if (flags.has('-R')) {
        const out: string[] = [];
        await listRecursive(zk, path, out);
        return out.join('\n') + '\n';
      }
      const children = (await zk.getChildren(path)).sort();
      const stat = flags.has('-s') ? await zk.exists(path) : null;
      return `[${children.join(', ')}]\n` + (stat ? formatStat(stat) : '');
    }
    case 'get': {
      const { flags, rest } = parseFlags(args);
      const { data, stat } = await zk.getData(pathArg(rest, 'get [-s] path'));
      return `${data === null ? 'null' : data.toString('utf8')}\n` + (flags.has('-s') ? formatStat(stat) : '');
    }
    case 'stat': {
      const { rest } = parseFlags(args);
      const path = pathArg(rest, 'stat path');
      const stat = await zk.exists(path);
      if (stat === null) throw new NoNodeError(path);
      return formatStat(stat);
    }
    case 'create': {
      const { flags, rest } = parseFlags(args);
      const path = pathArg(rest, 'create [-e] [-s] path [data]');
      const mode = flags.has('-e') ? (flags.has('-s') ? CreateMode.EPHEMERAL_SEQUENTIAL : CreateMode.EPHEMERAL) : flags.has('-s') ? CreateMode.PERSISTENT_SEQUENTIAL : CreateMode.PERSISTENT;
      const created = await zk.create(path, rest[1] !== undefined ? Buffer.from(rest[1]) : null, mode);
      return `Created ${created}\n`;
    }
    case 'set': {
      const { flags, rest } = parseFlags(args, ['-v']);
      const path = pathArg(rest, 'set [-s] [-v version] path data');
      if (rest[1] === undefined) throw new ShellError('usage: set [-s] [-v version] path data');
      const stat = await zk.setData(path, Buffer.from(rest[1]), versionOf(flags));
      return flags.has('-s') ? formatStat(stat) : '';
    }
    case 'delete': {
      const { flags, rest } = parseFlags(args, ['-v']);
      await zk.delete(pathArg(rest, 'delete [-v version] path'), versionOf(flags));
      return '';
    }
    case 'deleteall': {
      const { rest } = parseFlags(args, ['-b']);
      const path = pathArg(rest, 'deleteall path');
      if (path === '/') throw new ShellError('deleteall of / is refused');
      await zk.deleteRecursive(path);
      return '';
    }
    case 'getAcl': {
      const { flags, rest } = parseFlags(args);
      const { acl, stat } = await zk.getAcl(pathArg(rest, 'getAcl [-s] path'));
      // ZooKeeperMain prints each Id as jute's CSV record, which ends in a newline.
      return acl.map((a) => `'${a.scheme},'${a.id}\n: ${permString(a.perms)}\n`).join('') + (flags.has('-s') ? formatStat(stat) : '');
    }
    case 'setAcl': {
      const { flags, rest } = parseFlags(args, ['-v']);
      const path = pathArg(rest, 'setAcl [-s] [-v version] path acl');
      if (rest[1] === undefined) throw new ShellError('usage: setAcl [-s] [-v version] path acl');
      const stat = await zk.setAcl(path, parseAcl(rest[1]), versionOf(flags));
      return flags.has('-s') ? formatStat(stat) : '';
    }
    case 'help':
      return USAGE + '\n';
    default:
      throw new ShellError(`Command not found: Command not found ${cmd}\n${USAGE}`);
  }
}

/** ZooKeeperMain's messages for the KeeperExceptions a command meets. */
function commandError(err: unknown, argv: string[]): string {
  const path = argv.slice(1).find((a) => a.startsWith('/')) ?? '';
  if (err instanceof NoNodeError) return `Node does not exist: ${path}`;
  if (err instanceof NodeExistsError) return `Node already exists: ${path}`;
  if (err instanceof NotEmptyError) return `Node not empty: ${path}`;
  if (err instanceof BadVersionError) return `version No is not valid : ${path}`;
  if (err instanceof NoChildrenForEphemeralsError) return `Ephemerals cannot have children: ${path}`;
  if (err instanceof NoAuthError) return `Insufficient permission : ${path}`;
  if (err instanceof KeeperError && err.code === KeeperCode.INVALID_ACL) return `Acl is not valid : ${err.path ?? 'null'}`;
  return (err as Error).message;
}

async function runShell(connect: string, command: string[], opts: ShellOptions): Promise<void> {
  const timeoutMs = parseIntOption('--timeout-ms', opts.timeoutMs, { min: 1 })!;
  process.stdout.write(`Connecting to ${connect}\n`);
  const { hosts, chroot } = splitChroot(connect);
  let zk: ZooKeeperClient;
  try {
    zk = await ZooKeeperClient.connect({ connectString: hosts, sessionTimeoutMs: 30_000, connectionTimeoutMs: timeoutMs, name: 'kafkats-zookeeper-shell' });
  } catch (err) {
    throw new CliError(`cannot connect to ZooKeeper at ${connect}: ${(err as Error).message}`);
  }
  process.stdout.write('\nWATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null\n');
  const view = new Chrooted(zk, chroot);
  let failed = false;
  const run = async (argv: string[]): Promise<void> => {
    try {
      process.stdout.write(await execute(view, argv));
    } catch (err) {
      failed = true;
      process.stderr.write(commandError(err, argv) + '\n');
    }
  };
  try {
    if (command.length > 0) {
      await run(command);
      if (failed) process.exitCode = 1;
      return;
    }
    const tty = process.stdin.isTTY === true;
    process.stdout.write(tty ? 'Welcome to ZooKeeper!\n' : 'Welcome to ZooKeeper!\nJLine support is disabled\n');
    const rl = createInterface({ input: process.stdin, output: tty ? process.stdout : undefined, terminal: tty });
    let n = 0;
    const prompt = (): void => {
      if (tty) {
        rl.setPrompt(`[zk: ${connect}(CONNECTED) ${n}] `);
        rl.prompt();
      }
    };
    prompt();
    for await (const line of rl) {
      const argv = tokenize(line);
      if (argv.length > 0) {
        if (argv[0] === 'quit' || argv[0] === 'exit') break;
        await run(argv);
        n++;
      }
      prompt();
    }
    rl.close();
  } finally {
    await zk.close();
  }
}
