/**
 * confluent-kafka-python (Debian's python3-confluent-kafka on the system python, librdkafka
 * underneath) × features, against the compat cluster. The client code is python/checks.py; each
 * check runs one of its commands and asserts on the JSON it prints (what was written, what was read).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { run } from '../integration/support.js';
import { createTopic, useCompatCluster } from './cluster.js';
import { check, compatClient } from './matrix.js';

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

  async function py<T>(name: string, prefix: string, timeoutMs = 60_000): Promise<T> {
    const r = await run(PYTHON, [CHECKS, name, cluster().bootstrapServers.join(','), prefix], undefined, timeoutMs);
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
});
