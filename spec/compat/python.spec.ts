/**
 * confluent-kafka-python (Debian's python3-confluent-kafka on the system python, librdkafka
 * underneath) × features, against the compat cluster: the rows every client of the matrix has
 * (metadata from one broker, 10,000 keyed records, every codec, a 3-member group restart,
 * idempotence, groups, offsets by time) and its admin, headers, commit and transaction checks. The client code is python/checks.py; each
 * check runs one of its commands and asserts on the JSON it prints (what was written, what was read).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { run } from '../integration/support.js';
import { createTopic, useCompatCluster } from './cluster.js';
import { check, compatClient } from './matrix.js';
import { expectExactReadBack, expectGroupRestart, type GroupRestart, type WireRecord } from './read-back.js';

const PYTHON = '/usr/bin/python3';
const CHECKS = fileURLToPath(new URL('./python/checks.py', import.meta.url));

function pythonClientVersion(): string {
  try {
    const out = execFileSync(PYTHON, ['-c', 'import confluent_kafka as c; print(c.version()[0], c.libversion()[0])'], { encoding: 'utf8' }).trim();
    const [py, lib] = out.split(' ');
    return `${py}, librdkafka ${lib}`;
  } catch {
    return 'not installed';
  }
}

const client = compatClient({ name: 'confluent-kafka-python', version: pythonClientVersion() });

interface PyRecord { partition: number; offset: number; key: string | null; value: string | null; headers: Array<[string, string | null]> }

describe(`compat: confluent-kafka-python ${client.version}`, function () {
  this.timeout(120_000);
  const cluster = useCompatCluster();

  async function py<T>(name: string, prefix: string, timeoutMs = 60_000, extra: string[] = [], bootstrap = cluster().bootstrapServers.join(',')): Promise<T> {
    const r = await run(PYTHON, [CHECKS, name, bootstrap, prefix, ...extra], undefined, timeoutMs);
    if (r.code !== 0) throw new Error(`checks.py ${name} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-1)[0] ?? ''}\n${r.stderr.slice(-3000)}`);
    return JSON.parse(r.stdout.toString()) as T;
  }
  const key = (r: PyRecord): string => `${r.partition}:${r.offset}`;

  check(client, 'admin: topics, partitions, configs', async () => {
    const out = await py<{
      created: Record<string, Record<string, { leader: number; replicas: number[]; isrs: number[] }>>;
      grown: Record<string, unknown>;
      retention_before: string;
      retention_after: string;
      topics_after_delete: string[];
    }>('admin', 'py-admin');
    const a = out.created['py-admin-a']!;
    expect(Object.keys(a).sort()).to.deep.equal(['0', '1', '2']);
    for (const p of Object.values(a)) expect(p.replicas).to.deep.equal([0, 1, 2]);
    expect(Object.values(out.created['py-admin-b']!).map((p) => p.replicas.length)).to.deep.equal([2]);
    expect(Object.keys(out.grown).sort()).to.deep.equal(['0', '1', '2', '3', '4']);
    expect([out.retention_before, out.retention_after]).to.deep.equal(['7200000', '3600000']);
    expect(out.topics_after_delete).to.deep.equal(['py-admin-a']);
    return 'create (RF 3 and 2), create partitions 3 → 5, describe/alter configs, delete';
  });

  check(client, 'produce (acks=all, lz4, keys, headers) and read back', async () => {
    await createTopic(cluster(), 'py-produce', 3, 3);
    const out = await py<{ sent: Array<[number, string, string]>; delivered: PyRecord[]; read: PyRecord[] }>('produce', 'py-produce');
    expect(out.delivered).to.have.length(600);
    const delivered = new Map(out.delivered.map((d) => [key(d), d]));
    expect(out.read).to.have.length(600);
    for (const r of out.read) {
      const d = delivered.get(key(r));
      expect(d, `a delivery report for ${key(r)}`).to.not.equal(undefined);
      expect([r.key, r.value]).to.deep.equal([d!.key, d!.value]);
      expect(r.headers).to.deep.equal([['n', r.key!.slice(1)], ['dup', 'a'], ['dup', 'b']]);
    }
    // Per partition, the records in send order at consecutive offsets from 0.
    for (const p of [0, 1, 2]) {
      const mine = out.read.filter((r) => r.partition === p).sort((x, y) => x.offset - y.offset);
      expect(mine.map((r) => `${r.offset}:${r.key}:${r.value}`)).to.deep.equal(out.sent.filter((s) => s[0] === p).map((s, i) => `${i}:${s[1]}:${s[2]}`));
    }
    return '600 records: delivery reports, values, keys and headers read back';
  });

  check(client, 'consumer group (subscribe, 2 members)', async () => {
    await createTopic(cluster(), 'py-group', 4, 3);
    const out = await py<{ split: Record<'a' | 'b', number[]>; got: Record<'a' | 'b', PyRecord[]>; sent: Array<[number, string]> }>('group', 'py-group', 90_000);
    expect([...out.split.a, ...out.split.b].sort()).to.deep.equal([0, 1, 2, 3]);
    for (const n of ['a', 'b'] as const) {
      expect(out.got[n].every((r) => out.split[n].includes(r.partition)), `${n} read only its partitions`).to.equal(true);
    }
    const read = [...out.got.a, ...out.got.b].map((r) => `${r.partition}:${r.value}`).sort();
    expect(read).to.deep.equal(out.sent.map(([p, v]) => `${p}:${v}`).sort());
    return `2 members split 4 partitions ${out.split.a.length}+${out.split.b.length}; 200 records read once`;
  });

  check(client, 'commit and resume from the committed offset', async () => {
    await createTopic(cluster(), 'py-commit', 1, 3);
    const out = await py<{ first: PyRecord[]; committed: number[]; resumed: PyRecord }>('commit', 'py-commit');
    expect(out.first.map((r) => `${r.offset}:${r.value}`)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `${i}:c${i}`));
    expect(out.committed).to.deep.equal([10]);
    expect(`${out.resumed.offset}:${out.resumed.value}`).to.equal('10:c10');
    return 'committed 10 after reading 0..9; committed() answers 10; a new member resumes at 10';
  });

  check(client, 'transactions with send_offsets_to_transaction', async () => {
    await createTopic(cluster(), 'py-txn', 1, 3);
    await createTopic(cluster(), 'py-txn-in', 1, 3);
    const out = await py<{ read: PyRecord[]; committed: number[] }>('transactions', 'py-txn', 45_000);
    expect(out.read.map((r) => r.value)).to.deep.equal(['out0', 'out1', 'out2', 'out3', 'out4']);
    expect(out.committed).to.deep.equal([5]);
    return 'committed transaction visible to read_committed, aborted one not; offsets committed with it';
  }, 50_000);
  interface ReadBack { sent: WireRecord[]; read: WireRecord[] }

  check(client, 'metadata from one broker', async () => {
    await createTopic(cluster(), 'py-meta', 6, 3);
    const md = await py<{ brokers: string[]; controller: number; from: number; partitions: Array<{ partition: number; leader: number; replicas: number[]; isr: number[] }> }>('metadata', 'py-meta', 60_000, [], cluster().bootstrapServers[1]!);
    expect(md.brokers).to.deep.equal(cluster().brokers.map((b) => `${b.brokerId}:${b.bootstrap}`).sort());
    expect([0, 1, 2]).to.include(md.controller);
    expect(md.from).to.equal(cluster().brokers[1]!.brokerId);
    expect(md.partitions.map((p) => p.partition).sort()).to.deep.equal([0, 1, 2, 3, 4, 5]);
    for (const p of md.partitions) {
      expect([...p.replicas].sort()).to.deep.equal([0, 1, 2]);
      expect([...p.isr].sort()).to.deep.equal([0, 1, 2]);
      expect(p.replicas).to.include(p.leader);
    }
    return 'list_topics bootstrapped from broker 1: 3 brokers, the controller; 6 partitions RF 3 with full ISR';
  });

  check(client, '10,000 keyed records, acks=all, read back exactly', async () => {
    await createTopic(cluster(), 'py-keyed', 6, 3);
    const out = await py<ReadBack>('produce-read', 'py-keyed', 60_000, ['10000', 'none']);
    const r = expectExactReadBack(out.sent, out.read);
    return `${r.records} records, ${r.keys} keys over ${r.partitions} partitions (librdkafka's consistent_random partitioner), each at its delivered offset`;
  });

  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
    check(client, `compression: ${codec}`, async () => {
      const topic = `py-codec-${codec}`;
      await createTopic(cluster(), topic, 2, 3);
      const out = await py<ReadBack>('produce-read', topic, 60_000, ['500', codec]);
      const r = expectExactReadBack(out.sent, out.read);
      return `${r.records} keyed records at their delivered offsets`;
    });
  }

  check(client, 'consumer group: 3 members on 6 partitions, restart from committed offsets', async () => {
    await createTopic(cluster(), 'py-group-restart', 6, 3);
    const out = await py<GroupRestart>('group-restart', 'py-group-restart', 110_000);
    return expectGroupRestart(out) + ' (auto commit; committed() read the offsets)';
  }, 115_000);

  check(client, 'idempotent producer', async () => {
    await createTopic(cluster(), 'py-idempotent', 2, 3);
    const out = await py<ReadBack>('idempotent', 'py-idempotent');
    const r = expectExactReadBack(out.sent, out.read, { keysPinned: false });
    return `enable.idempotence: ${r.records} records exactly once, in order`;
  });

  check(client, 'list and describe groups', async () => {
    await createTopic(cluster(), 'py-groups', 2, 3);
    type Description = { group: string; state: string; protocolType: string; protocol: string; error: string | null; members: number[][] };
    const out = await py<{ listed: string[]; stable: Description[]; empty: Description[] }>('list-groups', 'py-groups');
    expect(out.listed).to.deep.equal(['py-groups-g']);
    expect(out.stable).to.deep.equal([{ group: 'py-groups-g', state: 'Stable', protocolType: 'consumer', protocol: 'range', error: null, members: [[0, 1]] }]);
    expect(out.empty).to.deep.equal([{ group: 'py-groups-g', state: 'Empty', protocolType: 'consumer', protocol: '', error: null, members: [] }]);
    return 'AdminClient.list_groups (ListGroups + DescribeGroups): Stable with the member assignment, Empty after it left';
  });

  check(client, 'offsets by timestamp', async () => {
    await createTopic(cluster(), 'py-time', 1, 3);
    const out = await py<Record<string, number>>('offsets-by-time', 'py-time');
    expect(out).to.deep.equal({ between: 50, beforeAll: 0, future: -1, latest: 100, earliest: 0 });
    return 'offsets_for_times: first record at or after the time 50, before all 0, a future time -1; watermarks 0/100';
  });
});
