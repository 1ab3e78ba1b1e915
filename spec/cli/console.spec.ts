/**
 * `kafkats console-producer` and `kafkats console-consumer` against a real cluster: what the
 * producer sends (keys, headers, every compression codec, acks) is read back by the consumer in
 * Kafka's output format, through a group or from one partition at an offset.
 */
import { expect } from 'chai';
import { bootstrapOf, kafkats, kafkatsOk, useCliCluster } from './support.js';

describe('kafkats console-producer and console-consumer', function () {
  this.timeout(60_000);
  const cluster = useCliCluster();
  const bs = (): string => bootstrapOf(cluster());

  before(async function () {
    this.timeout(60_000);
    await kafkatsOk(['topics', '--bootstrap-server', bootstrapOf(cluster()), '--create', '--topic', 'cli-console', '--partitions', '1', '--replication-factor', '3']);
    await kafkatsOk(['topics', '--bootstrap-server', bootstrapOf(cluster()), '--create', '--topic', 'cli-console-2p', '--partitions', '2', '--replication-factor', '2']);
  });

  it('produces stdin lines as records, prints nothing on success, and they read back in order', async () => {
    const p = await kafkatsOk(['console-producer', '--bootstrap-server', bs(), '--topic', 'cli-console'], 'one\ntwo\nthree\n');
    expect(p.stdout).to.equal('');
    const c = await kafkatsOk(['console-consumer', '--bootstrap-server', bs(), '--topic', 'cli-console', '--from-beginning', '--max-messages', '3']);
    expect(c.stdout).to.equal('one\ntwo\nthree\n');
    expect(c.stderr).to.contain('Processed a total of 3 messages');
  });

  it('parses keys and headers with the LineMessageReader properties and sends each compression codec', async () => {
    const codecs = ['gzip', 'snappy', 'lz4', 'zstd'];
    for (const codec of codecs) {
      await kafkatsOk(['console-producer', '--bootstrap-server', bs(), '--topic', 'cli-console', '--compression-codec', codec, '--acks', codec === 'gzip' ? '1' : 'all',
        '--property', 'parse.key=true', '--property', 'key.separator=:', '--property', 'parse.headers=true'], `h1:${codec},h2:x\tk-${codec}:v-${codec}\n`);
    }
    const c = await kafkatsOk(['console-consumer', '--bootstrap-server', bs(), '--topic', 'cli-console', '--partition', '0', '--offset', '3', '--max-messages', '4',
      '--property', 'print.key=true', '--property', 'print.headers=true', '--property', 'print.offset=true', '--property', 'key.separator=|']);
    expect(c.stdout.trimEnd().split('\n')).to.deep.equal(codecs.map((codec, i) => `Offset:${3 + i}|h1:${codec},h2:x|k-${codec}|v-${codec}`));
  });

  it('reads one partition from a given offset without a group, with partition and timestamp columns', async () => {
    const before = Date.now();
    await kafkatsOk(['console-producer', '--bootstrap-server', bs(), '--topic', 'cli-console-2p', '--partition', '1'], 'p1-a\np1-b\np1-c\n');
    const c = await kafkatsOk(['console-consumer', '--bootstrap-server', bs(), '--topic', 'cli-console-2p', '--partition', '1', '--offset', '1', '--max-messages', '2',
      '--property', 'print.partition=true', '--property', 'print.timestamp=true']);
    const lines = c.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.replace(/^CreateTime:\d+\t/, ''))).to.deep.equal(['Partition:1\tp1-b', 'Partition:1\tp1-c']);
    const ts = Number(/^CreateTime:(\d+)/.exec(lines[0]!)![1]);
    expect(ts).to.be.within(before - 60_000, Date.now() + 1000);
    const earliest = await kafkatsOk(['console-consumer', '--bootstrap-server', bs(), '--topic', 'cli-console-2p', '--partition', '1', '--offset', 'earliest', '--max-messages', '1']);
    expect(earliest.stdout).to.equal('p1-a\n');
  });

  it('exits after --timeout-ms without records, having printed none', async () => {
    const started = Date.now();
    const c = await kafkatsOk(['console-consumer', '--bootstrap-server', bs(), '--topic', 'cli-console-2p', '--partition', '0', '--timeout-ms', '800']);
    expect(c.stdout).to.equal('');
    expect(c.stderr).to.contain('Processed a total of 0 messages');
    expect(Date.now() - started).to.be.below(15_000);
  });

  it('commits the offsets of printed records for an explicit --group, so the next run continues after them', async () => {
    const a = await kafkatsOk(['console-consumer', '--bootstrap-server', bs(), '--topic', 'cli-console', '--group', 'cli-console-group', '--from-beginning', '--max-messages', '2']);
    expect(a.stdout).to.equal('one\ntwo\n');
    const b = await kafkatsOk(['console-consumer', '--bootstrap-server', bs(), '--topic', 'cli-console', '--group', 'cli-console-group', '--from-beginning', '--max-messages', '1']);
    expect(b.stdout).to.equal('three\n');
  });

  it('rejects a line without the key separator with its line number, and bad option combinations', async () => {
    const r = await kafkats(['console-producer', '--bootstrap-server', bs(), '--topic', 'cli-console', '--property', 'parse.key=true'], 'k\tv\nno-separator\n');
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain("No key separator found on line number 2: 'no-separator'");
    const both = await kafkats(['console-consumer', '--bootstrap-server', bs(), '--topic', 'cli-console', '--partition', '0', '--group', 'g']);
    expect(both.code).to.equal(1);
    expect(both.stderr).to.contain('Options group and partition cannot be specified together.');
    const codec = await kafkats(['console-producer', '--bootstrap-server', bs(), '--topic', 'cli-console', '--compression-codec', 'brotli'], 'x\n');
    expect(codec.code).to.equal(1);
    expect(codec.stderr).to.contain("unknown compression codec 'brotli'");
  });
});
