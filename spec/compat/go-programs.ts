/**
 * The Go check programs of the compat suite (spec/compat/go/src/compat/<client>), built offline in
 * GOPATH mode against Debian's Go sources in /usr/share/gocode (golang-go and the client's -dev
 * package, no module download). A built binary is cached in the OS temp dir under a key of the
 * program sources, the Go version and the Debian package versions, so a run rebuilds only when one
 * of them changed; Go's own build cache sits beside it.
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { RunningCluster } from '../../lib/testing/cluster.js';
import { run } from '../integration/support.js';
import { useCompatCluster } from './cluster.js';

const GOPATH_ROOT = fileURLToPath(new URL('./go/', import.meta.url));
const CACHE = path.join(os.tmpdir(), 'kafkats-compat-go');

export interface GoProgram {
  /** Runs one check: `<check> <bootstrap> <name> [extra...]`; resolves with the printed JSON. */
  run<T>(check: string, bootstrap: string, name: string, extra?: string[], timeoutMs?: number): Promise<T>;
}

/** A Debian package's version (dpkg-query), or undefined when it is not installed. */
export function debianVersion(pkg: string): string | undefined {
  try {
    const out = execFileSync('dpkg-query', ['-W', '-f', '${Status} ${Version}', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const m = /install ok installed (\S+)/.exec(out);
    return m?.[1];
  } catch {
    return undefined;
  }
}

function sourcesOf(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourcesOf(p) : e.name.endsWith('.go') ? [p] : [];
  }).sort();
}

/**
 * Why the program cannot be built here (a missing Debian package), or undefined when it can.
 * `packages` are the Debian packages it needs besides golang-go.
 */
export function missingGoPackages(packages: string[]): string | undefined {
  const missing = ['golang-go', ...packages].filter((p) => debianVersion(p) === undefined);
  return missing.length > 0 ? `Debian package(s) not installed: ${missing.join(', ')} (npm test installs them on Debian/Ubuntu)` : undefined;
}

/** The upstream part of a Debian package's version ("1.22.1" of "1.22.1-1"), for the matrix. */
export function upstreamVersion(pkg: string): string {
  return (debianVersion(pkg) ?? 'not installed').replace(/^\d+:/, '').replace(/-[^-]+$/, '');
}

/**
 * Builds (or finds in the cache) the program `compat/<name>`. `packages` are the Debian packages
 * whose versions key the cache.
 */
export async function goProgram(name: string, packages: string[]): Promise<GoProgram> {
  const goVersion = execFileSync('go', ['version'], { encoding: 'utf8' }).trim();
  const hash = createHash('sha256');
  hash.update(goVersion);
  for (const p of packages) hash.update(`${p}=${debianVersion(p) ?? 'none'}\n`);
  for (const f of sourcesOf(path.join(GOPATH_ROOT, 'src', 'compat'))) hash.update(`${path.relative(GOPATH_ROOT, f)}\n`).update(fs.readFileSync(f));
  const binary = path.join(CACHE, `${name}-${hash.digest('hex').slice(0, 16)}`);
  if (!fs.existsSync(binary)) {
    fs.mkdirSync(CACHE, { recursive: true });
    const tmp = `${binary}.${process.pid}.tmp`;
    const env = {
      ...process.env,
      GO111MODULE: 'off',
      GOPATH: `/usr/share/gocode:${GOPATH_ROOT}`,
      GOCACHE: path.join(CACHE, 'gocache'),
      GOFLAGS: '',
      GOPROXY: 'off',
      CGO_CFLAGS: '-Wno-deprecated-declarations',
    };
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn('go', ['build', '-o', tmp, `compat/${name}`], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    if (r.code !== 0) throw new Error(`go build compat/${name} failed (${r.code}):\n${r.stderr.slice(-3000)}`);
    fs.renameSync(tmp, binary);
  }
  return {
    async run<T>(check: string, bootstrap: string, arg: string, extra: string[] = [], timeoutMs = 60_000): Promise<T> {
      const r = await run(binary, [check, bootstrap, arg, ...extra], undefined, timeoutMs);
      if (r.code !== 0) throw new Error(`${name} ${check} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-1)[0] ?? ''}\n${r.stderr.slice(-3000)}`);
      return JSON.parse(r.stdout.toString()) as T;
    },
  };
}

/** Each Go client's spec set-up: the shared compat cluster and its Go program, built once before the rows. */
export function useGoClient(name: string, packages: string[]): {
  cluster: () => RunningCluster;
  /** Runs a command of the program with a broker list (default: every broker of the cluster). */
  run: <T>(command: string, arg: string, extra?: string[], timeoutMs?: number, bootstrap?: string) => Promise<T>;
} {
  const cluster = useCompatCluster();
  let program: GoProgram | undefined;
  before(async function () {
    this.timeout(600_000);
    program = await goProgram(name, packages);
  });
  return {
    cluster,
    run: <T>(command: string, arg: string, extra: string[] = [], timeoutMs?: number, bootstrap = cluster().bootstrapServers.join(',')) =>
      program!.run<T>(command, bootstrap, arg, extra, timeoutMs),
  };
}

/** A metadata row's partitions: 0-5 of an RF=3 topic, each with the full ISR and its leader among the replicas. */
export function expectSixFullPartitions(partitions: Array<{ partition: number; leader: number; replicas: number[]; isr: number[] }>): void {
  expect(partitions.map((p) => p.partition).sort()).to.deep.equal([0, 1, 2, 3, 4, 5]);
  for (const p of partitions) {
    expect([...p.replicas].sort()).to.deep.equal([0, 1, 2]);
    expect([...p.isr].sort()).to.deep.equal([0, 1, 2]);
    expect(p.replicas).to.include(p.leader);
  }
}
