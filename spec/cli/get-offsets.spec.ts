/** `kafkats get-offsets` against a real cluster: latest, earliest and by-timestamp offsets per partition. */
import { expect } from 'chai';
import { bootstrapOf, kafkats, kafkatsOk, useCliCluster } from './support.js';

describe('kafkats get-offsets', function () {
  this.timeout(60_000);
  const cluster = useCliCluster();
  const bs = (): string => bootstrapOf(cluster());
  let between = 0;

  before(async function () {
    this.timeout(60_000);
    await kafkatsOk(['topics', '--bootstrap-server', bs(), '--create', '--topic', 'cli-offsets', '--partitions', '2', '--replication-factor', '2']);
    await kafkatsOk(['console-producer', '--bootstrap-server', bs(), '--topic', 'cli-offsets', '--partition', '0'], 'a\nb\nc\n');
    await new Promise((r) => setTimeout(r, 20));
    between = Date.now();
    await new Promise((r) => setTimeout(r, 20));
    await kafkatsOk(['console-producer', '--bootstrap-server', bs(), '--topic', 'cli-offsets', '--partition', '1'], 'x\ny\n');
    await kafkatsOk(['console-producer', '--bootstrap-server', bs(), '--topic', 'cli-offsets', '--partition', '0'], 'd\n');
  });

  it('prints the latest offset of every partition as topic:partition:offset', async () => {
    const r = await kafkatsOk(['get-offsets', '--bootstrap-server', bs(), '--topic', 'cli-offsets']);
    expect(r.stdout).to.equal('cli-offsets:0:4\ncli-offsets:1:2\n');
  });

  it('prints the earliest offsets with --time -2 and only the asked --partitions', async () => {
    const r = await kafkatsOk(['get-offsets', '--bootstrap-server', bs(), '--topic', 'cli-offsets', '--time', '-2', '--partitions', '1']);
    expect(r.stdout).to.equal('cli-offsets:1:0\n');
  });

  it('finds the first offset at or after a timestamp', async () => {
    const r = await kafkatsOk(['get-offsets', '--bootstrap-server', bs(), '--topic', 'cli-offsets', '--time', String(between)]);
    expect(r.stdout).to.equal('cli-offsets:0:3\ncli-offsets:1:0\n');
  });

  it('fails with a readable message for an unknown topic or a bad --time', async () => {
    const unknown = await kafkats(['get-offsets', '--bootstrap-server', bs(), '--topic', 'cli-no-such-topic']);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.contain('Could not match any topic-partitions');
    const bad = await kafkats(['get-offsets', '--bootstrap-server', bs(), '--topic', 'cli-offsets', '--time', 'yesterday']);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain('--time must be');
  });
});
