/**
 * The published package as a user gets it: `npm pack` (of the built tree), then `npm install` of
 * the tarball in an empty directory with install scripts disabled (no dependency may need a
 * compiler or a download at install time), then the `kafkats` command through `npx`, `import` and
 * `require` of the API, and a one-broker `kafkats cluster` round-tripping a zstd record with the
 * installed console tools.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '../../lib/testing/zookeeper-runner.js';
import { canConnect } from '../../lib/testing/broker-process.js';
import { run, eventually } from './support.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Output { code: number | null; stdout: string; stderr: string }

/** Runs `cmd` in `cwd` and fails with its output unless it exits 0. */
async function ok(cmd: string, args: string[], cwd: string, input?: string, timeoutMs = 120_000): Promise<Output> {
  const r = await inDir(cwd, cmd, args, input, timeoutMs);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout.slice(-3000)}\nstderr: ${r.stderr.slice(-3000)}`);
  return r;
}

async function inDir(cwd: string, cmd: string, args: string[], input?: string, timeoutMs = 120_000): Promise<Output> {
  const r = await run(cmd, args, input, timeoutMs, cwd);
  return { code: r.code, stdout: r.stdout.toString(), stderr: r.stderr };
}

describe('the npm package', function () {
  this.timeout(240_000);
  let tmp = '';
  let app = '';

  before(async function () {
    this.timeout(240_000);
    if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('kafkats is not built: run `npm run build` first (npm test does)');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-npm-package-'));
    app = path.join(tmp, 'app');
    fs.mkdirSync(app);
    // dist/ is current (npm test builds first), so pack skips `prepare`, which needs the dev tools.
    const packed = await ok('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], ROOT);
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = info!.files.map((f) => f.path);
    expect(files).to.include.members(['LICENSE', 'README.md', 'package.json', 'bin/kafkats.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js']);
    expect(files.filter((f) => f.startsWith('lib/') || f.startsWith('spec/'))).to.deep.equal([]);
    await ok('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', path.join(tmp, info!.filename)], app, undefined, 200_000);
  });

  after(() => {
    if (tmp !== '') fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('carries the Apache-2.0 license its package.json names', () => {
    const installed = path.join(app, 'node_modules', 'kafkats');
    expect((JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')) as { license: string }).license).to.equal('Apache-2.0');
    expect(fs.readFileSync(path.join(installed, 'LICENSE'), 'utf8')).to.match(/Apache License\s+Version 2\.0, January 2004/);
  });

  it('installs no dependency that builds or downloads anything at install time (install scripts, node-gyp)', () => {
    const packages = (dir: string): string[] => fs.readdirSync(dir).filter((n) => !n.startsWith('.')).flatMap((n) =>
      n.startsWith('@') ? fs.readdirSync(path.join(dir, n)).map((m) => path.join(dir, n, m)) : [path.join(dir, n)]);
    const building = packages(path.join(app, 'node_modules')).filter((dir) => {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
      return ['preinstall', 'install', 'postinstall'].some((s) => pkg.scripts?.[s] !== undefined) || fs.existsSync(path.join(dir, 'binding.gyp'));
    }).map((dir) => path.relative(path.join(app, 'node_modules'), dir));
    expect(building).to.deep.equal([]);
  });

  it('runs `npx kafkats --help` from the installed package', async () => {
    const r = await ok('npx', ['--no', '--', 'kafkats', '--help'], app);
    expect(r.stdout).to.match(/^Usage: kafkats/m);
    for (const verb of ['server-start', 'cluster', 'topics', 'console-producer', 'console-consumer']) expect(r.stdout).to.match(new RegExp(`^ {2}${verb}\\b`, 'm'));
  });

  it('loads the API with import() from CommonJS, and with require() where Node can require ES modules', async () => {
    const viaImport = await ok(process.execPath, ['-e', "import('kafkats').then((m) => console.log(typeof m.startCluster, typeof m.KafkaServer))"], app);
    expect(viaImport.stdout.trim()).to.equal('function function');
    const viaRequire = await inDir(app, process.execPath, ['-e', "const { startCluster } = require('kafkats'); console.log(typeof startCluster)"]);
    if ((process.features as { require_module?: boolean }).require_module === true) {
      expect(viaRequire.stdout.trim(), viaRequire.stderr).to.equal('function');
    } else {
      expect(viaRequire.code).to.not.equal(0);
      expect(viaRequire.stderr).to.contain('ERR_REQUIRE_ESM');
    }
  });

  it('starts `npx kafkats cluster`, round-trips a zstd record with the installed tools, and stops on Ctrl-C', async () => {
    const port = await findFreePort();
    const bootstrap = `localhost:${port}`;
    // Its own process group, so SIGINT reaches npx and kafkats together, as Ctrl-C in a terminal does.
    const cluster = spawn('npx', ['--no', 'kafkats', 'cluster', '--brokers', '1', '--base-port', String(port), '--data-dir', path.join(tmp, 'data')], { cwd: app, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    cluster.stdout.on('data', (d: Buffer) => (output += d.toString()));
    cluster.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const closed = new Promise<void>((resolve) => cluster.once('close', () => resolve()));
    try {
      await eventually(async () => /^cluster ready$/m.test(output) || cluster.exitCode !== null, 90_000, 'kafkats cluster ready');
      expect(output, output).to.match(/^cluster ready$/m);
      await ok('npx', ['--no', 'kafkats', 'topics', '--bootstrap-server', bootstrap, '--create', '--topic', 'packaged', '--partitions', '1', '--replication-factor', '1'], app);
      await ok('npx', ['--no', 'kafkats', 'console-producer', '--bootstrap-server', bootstrap, '--topic', 'packaged', '--compression-codec', 'zstd'], app, 'hello from the tarball\n');
      const consumed = await ok('npx', ['--no', 'kafkats', 'console-consumer', '--bootstrap-server', bootstrap, '--topic', 'packaged', '--from-beginning', '--max-messages', '1', '--timeout-ms', '30000'], app);
      expect(consumed.stdout).to.contain('hello from the tarball');
      const dump = await ok('npx', ['--no', 'kafkats', 'dump-log', '--print-data-log', '--files', path.join(tmp, 'data', 'broker-0', 'packaged-0', '00000000000000000000.log')], app);
      expect(dump.stdout).to.match(/compresscodec: zstd/i);
      expect(dump.stdout).to.contain('payload: hello from the tarball');
    } finally {
      const signalGroup = (signal: NodeJS.Signals): void => {
        try { process.kill(-cluster.pid!, signal); } catch { /* the group is gone */ }
      };
      signalGroup('SIGINT');
      const killer = setTimeout(() => signalGroup('SIGKILL'), 30_000);
      await closed;
      clearTimeout(killer);
    }
    expect(output).to.match(/kafkats cluster: cluster stopped in \d+ ms/);
    expect(await canConnect('localhost', port, 500)).to.equal(false);
  });
});
