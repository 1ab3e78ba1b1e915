/** `--help` on the command and on every verb: usage on stdout, exit 0; an unknown verb fails readably. */
import { expect } from 'chai';
import { kafkats } from './support.js';

const VERBS = ['server-start', 'cluster', 'zookeeper', 'topics', 'console-producer', 'console-consumer', 'consumer-groups', 'configs', 'get-offsets', 'leader-election', 'reassign-partitions', 'dump-log', 'acls', 'delete-records', 'log-dirs', 'broker-api-versions', 'producer-perf-test', 'consumer-perf-test', 'console'];

describe('kafkats --help', function () {
  this.timeout(180_000);

  it('lists every verb', async () => {
    const r = await kafkats(['--help']);
    expect(r.code).to.equal(0);
    for (const v of VERBS) expect(r.stdout).to.match(new RegExp(`^  ${v} `, 'm'));
  });

  it('prints usage for every verb', async () => {
    // A few at a time: each is a node process, and the machine may be busy with brokers.
    const results: Awaited<ReturnType<typeof kafkats>>[] = [];
    for (let i = 0; i < VERBS.length; i += 4) results.push(...await Promise.all(VERBS.slice(i, i + 4).map((v) => kafkats([v, '--help']))));
    results.forEach((r, i) => {
      expect(r.code, VERBS[i]).to.equal(0);
      expect(r.stdout).to.contain(`Usage: kafkats ${VERBS[i]} [options]`);
    });
  });

  it('prints usage for zookeeper-shell, whose command follows the connect string', async () => {
    const r = await kafkats(['zookeeper-shell', '--help']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.contain('Usage: kafkats zookeeper-shell [options] <connect> [command...]');
    expect(r.stdout).to.contain('deleteall path');
  });

  it('rejects an unknown verb or option without a stack trace', async () => {
    const r = await kafkats(['topicz']);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain("error: unknown command 'topicz'");
    const o = await kafkats(['topics', '--lisst']);
    expect(o.code).to.equal(1);
    expect(o.stderr).to.contain("error: unknown option '--lisst'");
    expect(o.stderr).not.to.match(/\n\s+at /);
  });
});
