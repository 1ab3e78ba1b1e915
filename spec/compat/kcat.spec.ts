/**
 * librdkafka (C) through Debian's kcat × features, against the compat cluster: metadata, every
 * compression round-tripped, offsets by timestamp, a balanced consumer group (-G) and watermark
 * queries. Each check compares what kcat reads with what it wrote.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { expect } from 'chai';
import { eventually, kcat, request } from '../integration/support.js';
import { createTopic, useCompatCluster } from './cluster.js';
import { check, compatClient } from './matrix.js';

function kcatVersion(): string {
  const out = execFileSync('kcat', ['-V'], { encoding: 'utf8' });
  const m = /Version (\S+) .*librdkafka (\S+)/.exec(out);
  return m ? `kcat ${m[1]}, librdkafka ${m[2]}` : 'unknown';
}

const client = compatClient({ name: 'kcat (librdkafka)', version: kcatVersion() });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface KcatMetadata {
  controllerid: number;
  brokers: Array<{ id: number; name: string }>;
  topics: Array<{ topic: string; partitions: Array<{ partition: number; leader: number; replicas: Array<{ id: number }>; isrs: Array<{ id: number }> }> }>;
}

describe(`compat: ${client.version}`, function () {
  this.timeout(120_000);
  const cluster = useCompatCluster();
  const bootstrap = (): string => cluster().bootstrapServers.join(',');

  async function produce(topic: string, input: string, args: string[] = []): Promise<void> {
    const p = await kcat(['-b', bootstrap(), '-P', '-t', topic, '-X', 'acks=all', ...args], input, 30_000);
    expect(p.code, p.stderr).to.equal(0);
  }

  async function consume(topic: string, format: string, args: string[] = []): Promise<string[]> {
    const c = await kcat(['-b', bootstrap(), '-C', '-t', topic, '-e', '-q', '-f', format, ...args], undefined, 30_000);
    expect(c.code, c.stderr).to.equal(0);
    return c.stdout.toString().split('\n').filter((l) => l !== '');
  }

  async function metadata(topic: string): Promise<KcatMetadata> {
    const r = await kcat(['-b', bootstrap(), '-L', '-J', '-t', topic], undefined, 30_000);
    expect(r.code, r.stderr).to.equal(0);
    return JSON.parse(r.stdout.toString()) as KcatMetadata;
  }

  check(client, 'metadata (-L)', async () => {
    await createTopic(cluster(), 'kcat-meta', 6, 3);
    const m = await metadata('kcat-meta');
    expect(m.brokers.map((b) => `${b.id}:${b.name}`).sort()).to.deep.equal(cluster().brokers.map((b) => `${b.brokerId}:${b.bootstrap}`).sort());
    expect([0, 1, 2]).to.include(m.controllerid);
    const parts = m.topics[0]!.partitions;
    expect(parts.map((p) => p.partition).sort()).to.deep.equal([0, 1, 2, 3, 4, 5]);
    for (const p of parts) {
      expect(p.replicas.map((r) => r.id).sort()).to.deep.equal([0, 1, 2]);
      expect(p.isrs.map((r) => r.id).sort()).to.deep.equal([0, 1, 2]);
    }
    expect(new Set(parts.map((p) => p.leader)).size).to.equal(3);
    return '3 brokers, controller; 6 partitions RF 3 with full ISR';
  });

  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
    check(client, `produce/consume compression: ${codec}`, async () => {
      const topic = `kcat-codec-${codec}`;
      await createTopic(cluster(), topic, 1, 3);
      const lines = Array.from({ length: 2000 }, (_, i) => `key${i % 17}\t${codec}-value-${i}-${'y'.repeat(i % 61)}`);
      await produce(topic, lines.join('\n') + '\n', ['-p', '0', '-z', codec, '-K', '\t']);
      const got = await consume(topic, '%o %k\t%s\\n', ['-p', '0', '-o', 'beginning']);
      expect(got).to.deep.equal(lines.map((l, i) => `${i} ${l}`));
      return '2000 keyed records, offsets 0..1999';
    });
  }

  check(client, 'offsets by time (-Q topic:p:ts, -o s@ts)', async () => {
    const topic = 'kcat-time';
    await createTopic(cluster(), topic, 1, 3);
    await produce(topic, Array.from({ length: 50 }, (_, i) => `early-${i}`).join('\n') + '\n', ['-p', '0']);
    await sleep(20);
    const t = Date.now();
    await sleep(20);
    await produce(topic, Array.from({ length: 50 }, (_, i) => `late-${i}`).join('\n') + '\n', ['-p', '0']);
    const q = await kcat(['-b', bootstrap(), '-Q', '-t', `${topic}:0:${t}`], undefined, 30_000);
    expect(q.code, q.stderr).to.equal(0);
    expect(q.stdout.toString()).to.include(`${topic} [0] offset 50`);
    const fromTs = await consume(topic, '%o %s\\n', ['-p', '0', '-o', `s@${t}`, '-c', '3']);
    expect(fromTs).to.deep.equal(['50 late-0', '51 late-1', '52 late-2']);
    const future = await kcat(['-b', bootstrap(), '-Q', '-t', `${topic}:0:${t + 3_600_000}`], undefined, 30_000);
    expect(future.stdout.toString()).to.include(`${topic} [0] offset -1`);
    return 'first record at or after the time: offset 50; a future time answers -1';
  });

  check(client, 'balanced consumer group (-G)', async () => {
    const topic = 'kcat-group';
    const group = 'kcat-group-g';
    await createTopic(cluster(), topic, 4, 3);
    const members: Array<{ child: ChildProcess; out: string; err: string }> = [];
    const start = (): void => {
      const child = spawn('kcat', ['-b', bootstrap(), '-u', '-G', group, '-X', 'auto.offset.reset=earliest', '-f', '%p:%s\\n', topic], { stdio: ['ignore', 'pipe', 'pipe'] });
      const m = { child, out: '', err: '' };
      child.stdout.on('data', (d: Buffer) => (m.out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (m.err += d.toString()));
      members.push(m);
    };
    /** The partitions of the member's latest "assigned:" line (kcat prints one per rebalance). */
    const assigned = (m: { err: string }): number[] | undefined => {
      const lines = m.err.split('\n').filter((l) => /rebalanced/.test(l));
      const last = lines.at(-1);
      if (last === undefined) return undefined;
      if (!/assigned/.test(last)) return [];
      return [...last.matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1])).sort();
    };
    try {
      start();
      start();
      const split = await eventually(async () => {
        const a = members.map(assigned);
        if (a.some((x) => x === undefined || x.length === 0)) return undefined;
        const all = a.flatMap((x) => x!);
        return all.length === 4 && new Set(all).size === 4 ? a : undefined;
      }, 60_000, 'two kcat members sharing 4 partitions');
      const lines = Array.from({ length: 400 }, (_, i) => `g${i}`);
      for (let p = 0; p < 4; p++) await produce(topic, lines.filter((_, i) => i % 4 === p).join('\n') + '\n', ['-p', String(p)]);
      await eventually(async () => members.reduce((n, m) => n + m.out.split('\n').filter((l) => l !== '').length, 0) >= 400, 30_000, '400 records consumed');
      await sleep(300);
      const read = members.map((m) => m.out.split('\n').filter((l) => l !== ''));
      read.forEach((r, i) => expect(r.every((l) => split[i]!.includes(Number(l.split(':')[0]))), `member ${i} read only its partitions`).to.equal(true));
      expect(read.flat().sort()).to.deep.equal(lines.map((l, i) => `${i % 4}:${l}`).sort());
      return `2 members split 4 partitions ${split.map((s) => s!.length).join('+')}; 400 records read once`;
    } finally {
      for (const m of members) m.child.kill('SIGTERM');
      await Promise.all(members.map((m) => new Promise((r) => (m.child.exitCode !== null ? r(null) : m.child.once('exit', r)))));
    }
  });

  check(client, 'query watermarks (-Q)', async () => {
    const topic = 'kcat-watermarks';
    await createTopic(cluster(), topic, 2, 3);
    await produce(topic, Array.from({ length: 30 }, (_, i) => `w${i}`).join('\n') + '\n', ['-p', '0']);
    await produce(topic, Array.from({ length: 7 }, (_, i) => `w${i}`).join('\n') + '\n', ['-p', '1']);
    // Move partition 0's log start to 12 (DeleteRecords on its leader), so the low watermark is not 0.
    const leader = (await metadata(topic)).topics[0]!.partitions.find((p) => p.partition === 0)!.leader;
    const del = await request(cluster().broker(leader).bootstrap, 21, 1, { topics: [{ name: topic, partitions: [{ partitionIndex: 0, offset: 12n }] }], timeoutMs: 10_000 });
    expect(del.topics[0]!.partitions[0]!.errorCode).to.equal(0);
    const q = async (spec: string): Promise<string> => {
      const r = await kcat(['-b', bootstrap(), '-Q', '-t', spec], undefined, 30_000);
      expect(r.code, r.stderr).to.equal(0);
      return r.stdout.toString().trim();
    };
    expect(await q(`${topic}:0:-1`)).to.equal(`${topic} [0] offset 30`);
    expect(await q(`${topic}:0:-2`)).to.equal(`${topic} [0] offset 12`);
    expect(await q(`${topic}:1:-1`)).to.equal(`${topic} [1] offset 7`);
    expect(await q(`${topic}:1:-2`)).to.equal(`${topic} [1] offset 0`);
    expect(await consume(topic, '%o\\n', ['-p', '0', '-o', 'beginning', '-c', '1'])).to.deep.equal(['12']);
    return 'high 30/7, low 12 (after DeleteRecords)/0';
  });

  check(client, 'idempotent producer (enable.idempotence)', async () => {
    const topic = 'kcat-idempotent';
    await createTopic(cluster(), topic, 1, 3);
    const lines = Array.from({ length: 500 }, (_, i) => `i${i}`);
    const p = await kcat(['-b', bootstrap(), '-P', '-t', topic, '-p', '0', '-X', 'enable.idempotence=true', '-X', 'message.timeout.ms=10000'], lines.join('\n') + '\n', 20_000);
    expect(p.code, p.stderr).to.equal(0);
    expect(p.stderr).to.not.match(/fatal|error/i);
    expect(await consume(topic, '%o %s\\n', ['-p', '0', '-o', 'beginning'])).to.deep.equal(lines.map((l, i) => `${i} ${l}`));
    return '500 records exactly once';
  }, 30_000);
});
