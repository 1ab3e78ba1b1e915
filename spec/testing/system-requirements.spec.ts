/**
 * What the machine must provide besides Node.js, and how it gets it: the install plan for each kind
 * of host (root, password-free sudo, neither, not Debian/Ubuntu), how Java and the OS are judged,
 * and — as real processes — `npm test`'s first step on this machine (silent: everything is here)
 * and as an unprivileged user who lacks kcat (stops with the exact command).
 */
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  isDebianLike,
  javaProblemFrom,
  neededOn,
  planInstall,
  TEST_REQUIREMENTS,
  unmetRequirements,
  ZOOKEEPER_REQUIREMENTS,
  type Unmet,
} from '../../lib/testing/system-requirements.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/system-requirements.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The compatibility suite's Debian packages (what .ci/run installed before it became `npm test`). */
const COMPAT_PACKAGES = [
  'golang-go',
  'golang-github-shopify-sarama-dev',
  'golang-github-segmentio-kafka-go-dev',
  'golang-github-confluentinc-confluent-kafka-go-dev',
  'librdkafka-dev',
  'python3-kafka',
  'python3-snappy',
  'python3-lz4',
  'python3-zstandard',
  'g++',
  'make',
  'zlib1g-dev',
  'libzstd-dev',
];

/** Everything `npm test` needs, as missing as on a fresh machine. */
const ALL_MISSING: Unmet[] = TEST_REQUIREMENTS.map((requirement) => ({ requirement, problem: 'not found' }));

describe('system requirements', () => {
  describe('planInstall', () => {
    it('installs every missing Debian package with apt-get as root, announced in one line that says what and why', () => {
      const plan = planInstall(ALL_MISSING, { debianLike: true, root: true, passwordlessSudo: false }, 'npm test');
      if (plan.kind !== 'install') throw new Error(`expected an install plan, got: ${plan.message}`);
      expect(plan.packages).to.deep.equal(['zookeeper', 'default-jre-headless', 'kcat', 'python3-confluent-kafka', 'procps', 'chromium', ...COMPAT_PACKAGES]);
      expect(plan.commands.map((c) => c.slice(0, 2))).to.deep.equal([['apt-get', 'update'], ['apt-get', 'install']]);
      expect(plan.commands[1]).to.include('-y').and.include('--no-install-recommends');
      expect(plan.commands[1]!.slice(-plan.packages.length)).to.deep.equal(plan.packages);
      expect(plan.line).to.not.include('\n');
      expect(plan.line).to.match(/^installing zookeeper default-jre-headless kcat python3-confluent-kafka procps chromium golang-go .* libzstd-dev with apt-get as root: npm test needs ZooKeeper, /);
      expect(plan.line).to.include('Java, runs ZooKeeper (not found)').and.include('kcat').and.include('confluent-kafka-python');
      expect(plan.line).to.include('sarama, a Go client of the compatibility suite (not found)').and.include("kafka-python's zstd codec");
    });

    it('goes through sudo -n (never a password prompt) when not root and sudo needs no password', () => {
      const plan = planInstall(ALL_MISSING.slice(0, 1), { debianLike: true, root: false, passwordlessSudo: true }, 'kafkats cluster');
      if (plan.kind !== 'install') throw new Error(`expected an install plan, got: ${plan.message}`);
      for (const c of plan.commands) expect(c.slice(0, 3)).to.deep.equal(['sudo', '-n', 'DEBIAN_FRONTEND=noninteractive']);
      expect(plan.commands[1]!.at(-1)).to.equal('zookeeper');
      expect(plan.line).to.match(/^installing zookeeper with apt-get through sudo -n: kafkats cluster needs ZooKeeper/);
    });

    it('stops with the exact apt-get command when it may not install (no root, sudo wants a password)', () => {
      const plan = planInstall(ALL_MISSING, { debianLike: true, root: false, passwordlessSudo: false }, 'npm test');
      if (plan.kind !== 'refuse') throw new Error('expected a refusal');
      expect(plan.message).to.include(`\n  sudo apt-get update && sudo apt-get install zookeeper default-jre-headless kcat python3-confluent-kafka procps chromium ${COMPAT_PACKAGES.join(' ')}\n`);
    });

    it('on other systems names ZOOKEEPER_HOME with an Apache ZooKeeper tarball, Java, kcat and pip, and no apt-get', () => {
      const plan = planInstall(ALL_MISSING, { debianLike: false, root: true, passwordlessSudo: false }, 'npm test');
      if (plan.kind !== 'refuse') throw new Error('expected a refusal');
      expect(plan.message).to.include('ZOOKEEPER_HOME').and.include('apache-zookeeper-<version>-bin.tar.gz').and.include('https://zookeeper.apache.org/releases.html');
      expect(plan.message).to.include('JAVA_HOME').and.include('brew install kcat').and.include('/usr/bin/python3 -m pip install --user confluent-kafka');
      expect(plan.message).to.include('README: "Other systems"');
      expect(plan.message).to.not.include('apt-get');
    });

    it("asks for the compatibility suite's Debian-built clients on Debian/Ubuntu only (elsewhere their specs report them not tested)", () => {
      const compat = ALL_MISSING.filter((u) => COMPAT_PACKAGES.includes(u.requirement.debianPackage));
      expect(compat.map((u) => u.requirement.debianPackage)).to.deep.equal(COMPAT_PACKAGES);
      expect(neededOn({ debianLike: true }, compat)).to.deep.equal(compat);
      expect(neededOn({ debianLike: false }, compat)).to.deep.equal([]);
      expect(neededOn({ debianLike: false }, ALL_MISSING).map((u) => u.requirement.name)).to.deep.equal(['ZooKeeper', 'Java', 'kcat', 'confluent-kafka-python', 'ps']);
      const plan = planInstall(ALL_MISSING, { debianLike: false, root: true, passwordlessSudo: false }, 'npm test');
      if (plan.kind !== 'refuse') throw new Error('expected a refusal');
      expect(plan.message).to.not.include('sarama').and.not.include('golang');
    });
  });

  it('tells Debian, Ubuntu and their derivatives from other systems by /etc/os-release', () => {
    expect(isDebianLike('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n')).to.equal(true);
    expect(isDebianLike('NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n')).to.equal(true);
    expect(isDebianLike('NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n')).to.equal(true);
    expect(isDebianLike('NAME="Fedora Linux"\nID=fedora\n')).to.equal(false);
    expect(isDebianLike('ID="rhel"\nID_LIKE="fedora"\n')).to.equal(false);
    expect(isDebianLike('')).to.equal(false);
  });

  it('judges a Java by whether it runs ZooKeeper: missing, too old (UnsupportedClassVersionError) or fine', () => {
    const enoent = Object.assign(new Error('spawn java ENOENT'), { code: 'ENOENT' });
    expect(javaProblemFrom('java', { error: enoent, status: null, stderr: '' })).to.equal('not found: java');
    const tooOld =
      'Exception in thread "main" java.lang.UnsupportedClassVersionError: org/apache/zookeeper/version/VersionInfoMain has been compiled by a more recent version of the Java Runtime (class file version 52.0), this version of the Java Runtime only recognizes class file versions up to 51.0\n\tat java.lang.ClassLoader.defineClass1(Native Method)\n';
    expect(javaProblemFrom('/opt/jdk7/bin/java', { status: 1, stderr: tooOld })).to.equal(
      '/opt/jdk7/bin/java is too old for ZooKeeper: org/apache/zookeeper/version/VersionInfoMain has been compiled by a more recent version of the Java Runtime (class file version 52.0), this version of the Java Runtime only recognizes class file versions up to 51.0',
    );
    expect(javaProblemFrom('/usr/bin/java', { status: 0, stderr: '' })).to.equal(null);
  });

  describe('a JAVA_HOME whose Java is too old for ZooKeeper', function () {
    this.timeout(60_000);
    let oldJdk: string;
    const savedJavaHome = process.env.JAVA_HOME;

    before(() => {
      // A stand-in for a Java 7 home: its java fails on ZooKeeper's class files exactly as one does.
      oldJdk = mkdtempSync(join(tmpdir(), 'kafkats-old-jdk-'));
      mkdirSync(join(oldJdk, 'bin'));
      writeFileSync(
        join(oldJdk, 'bin', 'java'),
        '#!/bin/sh\necho \'Exception in thread "main" java.lang.UnsupportedClassVersionError: org/apache/zookeeper/version/VersionInfoMain : Unsupported major.minor version 52.0\' >&2\nexit 1\n',
      );
      chmodSync(oldJdk, 0o755);
      chmodSync(join(oldJdk, 'bin'), 0o755);
      chmodSync(join(oldJdk, 'bin', 'java'), 0o755);
    });
    afterEach(() => {
      if (savedJavaHome === undefined) delete process.env.JAVA_HOME;
      else process.env.JAVA_HOME = savedJavaHome;
    });
    after(() => rmSync(oldJdk, { recursive: true, force: true }));

    it('is named with what to do about JAVA_HOME, not answered with a package that would not change it', () => {
      process.env.JAVA_HOME = oldJdk;
      const unmet = unmetRequirements(ZOOKEEPER_REQUIREMENTS);
      expect(unmet.map((u) => u.requirement.name)).to.deep.equal(['Java']);
      expect(unmet[0]!.problem).to.equal(`${oldJdk}/bin/java is too old for ZooKeeper: org/apache/zookeeper/version/VersionInfoMain : Unsupported major.minor version 52.0`);
      for (const host of [{ debianLike: true, root: true, passwordlessSudo: false }, { debianLike: true, root: false, passwordlessSudo: false }]) {
        const plan = planInstall(unmet, host, 'kafkats cluster');
        if (plan.kind !== 'refuse') throw new Error(`expected a refusal, got: ${plan.line}`);
        expect(plan.message).to.include(`JAVA_HOME=${oldJdk}`).and.include('point JAVA_HOME at a Java 8 or newer, or unset it');
        expect(plan.message).to.not.include('apt-get');
      }
    });

    it('stops `kafkats zookeeper` (as the user nobody) with that message before ZooKeeper starts', function () {
      if (process.getuid?.() !== 0) {
        // Skip reason: becoming an unprivileged user (nobody) needs root; the message itself is covered above.
        console.log('skipped: not root, so kafkats cannot be run as the user nobody');
        this.skip();
      }
      const bin = join(ROOT, 'bin', 'kafkats.js');
      if (spawnSync(process.execPath, ['-e', `require('fs').readFileSync(${JSON.stringify(bin)})`], { uid: 65534, gid: 65534, stdio: 'ignore' }).status !== 0) {
        // Skip reason: the user nobody cannot read this checkout (a clone under /root, say); the message itself is covered above.
        console.log(`skipped: the user nobody cannot read ${bin}`);
        this.skip();
      }
      const r = spawnSync(process.execPath, [bin, 'zookeeper', '--port', '1'], {
        cwd: tmpdir(),
        encoding: 'utf8',
        uid: 65534,
        gid: 65534,
        env: { PATH: '/usr/bin:/bin', HOME: tmpdir(), JAVA_HOME: oldJdk },
      });
      expect(r.stdout + r.stderr).to.include(`Java, runs ZooKeeper (${oldJdk}/bin/java is too old for ZooKeeper`).and.include('point JAVA_HOME at a Java 8 or newer, or unset it');
      expect(r.stdout + r.stderr).to.not.include('apt-get').and.not.include('ZooKeeper serving');
      expect(r.status).to.equal(1);
    });
  });

  it('finds everything npm test needs on this machine (ZooKeeper run by its Java, kcat, confluent-kafka-python, ps)', function () {
    this.timeout(60_000);
    expect(unmetRequirements(ZOOKEEPER_REQUIREMENTS)).to.deep.equal([]);
    expect(unmetRequirements(TEST_REQUIREMENTS)).to.deep.equal([]);
  });

  describe("npm test's first step (scripts/system-requirements.ts) as a process", function () {
    this.timeout(60_000);

    it('prints nothing and exits 0 when everything is installed', () => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT], { cwd: ROOT, encoding: 'utf8' });
      expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).to.deep.equal({ status: 0, stdout: '', stderr: '' });
    });

    it('as a user who may not install, stops before anything else with the exact command for what is missing (kcat off PATH)', function () {
      if (process.getuid?.() !== 0) {
        // Skip reason: becoming an unprivileged user (nobody) needs root; the refusal itself is covered by planInstall above.
        console.log('skipped: not root, so the script cannot be run as the user nobody');
        this.skip();
      }
      const tsx = join(ROOT, 'node_modules', 'tsx', 'package.json');
      if (spawnSync(process.execPath, ['-e', `require('fs').readFileSync(${JSON.stringify(tsx)})`], { uid: 65534, gid: 65534, stdio: 'ignore' }).status !== 0) {
        // Skip reason: the user nobody cannot read this checkout (a clone under /root, say); the refusal itself is covered by planInstall above.
        console.log(`skipped: the user nobody cannot read ${tsx}`);
        this.skip();
      }
      const home = mkdtempSync(join(tmpdir(), 'kafkats-sysreq-'));
      chmodSync(home, 0o755);
      // PATH holds ps only: no kcat (and no sudo); java and python are found by their absolute paths.
      const bin = join(home, 'bin');
      mkdirSync(bin);
      symlinkSync(execFileSync('/bin/sh', ['-c', 'command -v ps'], { encoding: 'utf8' }).trim(), join(bin, 'ps'));
      try {
        const r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT], { cwd: ROOT, encoding: 'utf8', uid: 65534, gid: 65534, env: { PATH: bin, HOME: home } });
        expect(r.stdout).to.equal('');
        expect(r.stderr).to.equal(
          'kafkats: npm test needs kcat, a librdkafka client the tests drive (not found on PATH); kafkats installs it itself only as root or with sudo that needs no password. Run:\n' +
            '  sudo apt-get update && sudo apt-get install kcat\n' +
            'then run the command again.\n',
        );
        expect(r.status).to.equal(1);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    });
  });
});
