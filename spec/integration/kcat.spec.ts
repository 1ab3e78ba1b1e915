/**
 * librdkafka through kcat against a real broker: metadata, and 100,000 records round-tripped byte
 * for byte with each compression codec, read from the beginning, from an offset and from a timestamp.
 */
import { expect } from 'chai';
import { createTopic, kcat, request, useCluster } from './support.js';

describe('kcat (librdkafka) against one broker', function () {
  this.timeout(120_000);
  const cluster = useCluster({ brokers: 1 });
  const lines = Array.from({ length: 100_000 }, (_, i) => `record-${i}-${'x'.repeat(i % 50)}`);
  const input = lines.join('\n') + '\n';

  it('lists the broker, the controller and the topics with -L', async () => {
    await createTopic(cluster(), 'kcat-meta', 3);
    const r = await kcat(['-b', cluster().bootstrapServers[0]!, '-L']);
    const out = r.stdout.toString();
    expect(out).to.match(/broker 0 at localhost:\d+ \(controller\)/);
    expect(out).to.include('topic "kcat-meta" with 3 partitions');
    expect(out).to.match(/partition 2, leader 0, replicas: 0, isrs: 0/);
  });

  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
    it(`round-trips 100,000 records byte for byte with ${codec} compression`, async () => {
      const topic = `kcat-${codec}`;
      await createTopic(cluster(), topic, 1);
      const b = cluster().bootstrapServers[0]!;
      const p = await kcat(['-b', b, '-P', '-t', topic, '-p', '0', '-z', codec, '-X', 'acks=all'], input);
      expect(p.code, p.stderr).to.equal(0);
      const c = await kcat(['-b', b, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q']);
      expect(c.stdout.toString() === input, 'consumed bytes equal produced bytes').to.equal(true);
      const fromOffset = await kcat(['-b', b, '-C', '-t', topic, '-p', '0', '-o', '99990', '-e', '-q', '-f', '%o %s\\n']);
      expect(fromOffset.stdout.toString().trim().split('\n')).to.deep.equal(lines.slice(99990).map((l, i) => `${99990 + i} ${l}`));
    });
  }

  it('reads from a timestamp (-o s@…) starting at the first record at or after it', async () => {
    const b = cluster().bootstrapServers[0]!;
    const probe = await kcat(['-b', b, '-C', '-t', 'kcat-none', '-p', '0', '-o', '50000', '-c', '1', '-q', '-f', '%T']);
    const ts = Number(probe.stdout.toString());
    expect(ts).to.be.greaterThan(0);
    const fromTs = await kcat(['-b', b, '-C', '-t', 'kcat-none', '-p', '0', '-o', `s@${ts}`, '-c', '1', '-q', '-f', '%o %T\\n']);
    const [offset, t] = fromTs.stdout.toString().trim().split(' ').map(Number);
    expect(offset).to.be.at.most(50000);
    expect(t).to.equal(ts);
    // The record just before it has an older timestamp.
    if (offset! > 0) {
      const before = await kcat(['-b', b, '-C', '-t', 'kcat-none', '-p', '0', '-o', String(offset! - 1), '-c', '1', '-q', '-f', '%T']);
      expect(Number(before.stdout.toString())).to.be.lessThan(ts);
    }
  });

  it('answers watermark queries (-Q) with the log end offset', async () => {
    const r = await kcat(['-b', cluster().bootstrapServers[0]!, '-Q', '-t', 'kcat-gzip:0:-1']);
    expect(r.stdout.toString()).to.include('kcat-gzip [0] offset 100000');
  });

  it('answers ListOffsets v0 with Kafka\'s segment-based offsets: "before now" gives the high watermark and the segment base', async () => {
    await createTopic(cluster(), 'v0-offsets', 1);
    const b = cluster().bootstrapServers[0]!;
    expect((await kcat(['-b', b, '-P', '-t', 'v0-offsets', '-p', '0'], 'a\nb\nc\n')).code).to.equal(0);
    const ask = async (timestamp: bigint, maxNumOffsets = 10): Promise<bigint[]> => {
      const r = await request(b, 2 /* ListOffsets */, 0, { replicaId: -1, topics: [{ name: 'v0-offsets', partitions: [{ partitionIndex: 0, timestamp, maxNumOffsets }] }] });
      const p = r.topics[0]!.partitions[0]!;
      expect(p.errorCode).to.equal(0);
      return p.oldStyleOffsets;
    };
    expect(await ask(BigInt(Date.now() + 1000))).to.deep.equal([3n, 0n]);
    expect(await ask(-1n)).to.deep.equal([3n, 0n]);
    expect(await ask(-1n, 1)).to.deep.equal([3n]);
    expect(await ask(-2n)).to.deep.equal([0n]);
    expect(await ask(1000n)).to.deep.equal([]);
  });

  for (const [fallback, magic] of [['0.9.0', 0], ['0.10.0', 1]] as const) {
    it(`serves a client speaking the ${fallback} protocol (message format v${magic}: up-converted on produce, down-converted on fetch)`, async () => {
      const topic = `kcat-legacy-${magic}`;
      await createTopic(cluster(), topic, 1);
      const b = cluster().bootstrapServers[0]!;
      const old = ['-X', 'api.version.request=false', '-X', `broker.version.fallback=${fallback}`];
      const legacy = lines.slice(0, 2000).join('\n') + '\n';
      for (const codec of ['none', 'gzip', 'snappy', 'lz4']) {
        const p = await kcat(['-b', b, ...old, '-P', '-t', topic, '-p', '0', '-z', codec], legacy);
        expect(p.code, p.stderr).to.equal(0);
      }
      const modern = await kcat(['-b', b, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q']);
      expect(modern.stdout.toString()).to.equal(legacy.repeat(4));
      const viaOld = await kcat(['-b', b, ...old, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q']);
      expect(viaOld.stdout.toString()).to.equal(legacy.repeat(4));
    });
  }
});
