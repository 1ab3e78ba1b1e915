/**
 * kafka-python (pure Python; Debian's python3-kafka on the system python, with python3-snappy,
 * python3-lz4 and python3-zstandard for its codecs) × features, against the compat cluster. The
 * client code is python/kafka_python_checks.py; each check runs one of its commands and asserts on
 * the JSON it prints.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { run } from '../integration/support.js';
import { createTopic, useCompatCluster } from './cluster.js';
import { check, compatClient, noSuchApi } from './matrix.js';
import { expectExactReadBack, expectGroupRestart, type GroupRestart, type WireRecord } from './read-back.js';

const PYTHON = '/usr/bin/python3';
const CHECKS = fileURLToPath(new URL('./python/kafka_python_checks.py', import.meta.url));
const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'];

/** The kafka-python version, or why it cannot be tested: the package or a codec module missing. */
function probe(): { version: string; missing?: string } {
  try {
    const out = execFileSync(PYTHON, ['-c', 'import kafka, kafka.codec as c; print(kafka.__version__, c.has_snappy() and c.has_lz4() and c.has_zstd())'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const [version, codecs] = out.split(' ');
    return codecs === 'True' ? { version: version! } : { version: version!, missing: 'a codec module is missing: install python3-snappy, python3-lz4 and python3-zstandard (npm test does on Debian/Ubuntu)' };
  } catch {
    return { version: 'not installed', missing: 'Debian package python3-kafka not installed (npm test installs it on Debian/Ubuntu)' };
  }
}

const probed = probe();
const client = compatClient({ name: 'kafka-python', version: `${probed.version} (Debian)`, ...(probed.missing ? { notTested: probed.missing } : {}) });

interface ReadBack { sent: WireRecord[]; read: WireRecord[] }

describe(`compat: kafka-python ${client.version}`, function () {
  this.timeout(120_000);
  if (probed.missing) return;
  const cluster = useCompatCluster();

  async function py<T>(name: string, topic: string, extra: string[] = [], bootstrap = cluster().bootstrapServers.join(','), timeoutMs = 60_000): Promise<T> {
    const r = await run(PYTHON, [CHECKS, name, bootstrap, topic, ...extra], undefined, timeoutMs);
    if (r.code !== 0) throw new Error(`kafka_python_checks.py ${name} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-1)[0] ?? ''}\n${r.stderr.slice(-3000)}`);
    return JSON.parse(r.stdout.toString()) as T;
  }

  check(client, 'metadata from one broker', async () => {
    await createTopic(cluster(), 'kpy-meta', 6, 3);
    const md = await py<{ brokers: string[]; controller: number; error: number; partitions: Array<{ partition: number; leader: number; replicas: number[]; isr: number[] }> }>('metadata', 'kpy-meta', [], cluster().bootstrapServers[1]!);
    expect(md.brokers).to.deep.equal(cluster().brokers.map((b) => `${b.brokerId}:${b.bootstrap}`).sort());
    expect([0, 1, 2]).to.include(md.controller);
    expect(md.error).to.equal(0);
    expect(md.partitions.map((p) => p.partition).sort()).to.deep.equal([0, 1, 2, 3, 4, 5]);
    for (const p of md.partitions) {
      expect([...p.replicas].sort()).to.deep.equal([0, 1, 2]);
      expect([...p.isr].sort()).to.deep.equal([0, 1, 2]);
      expect(p.replicas).to.include(p.leader);
    }
    return 'KafkaAdminClient bootstrapped from broker 1: describe_cluster (3 brokers, the controller), describe_topics (6 partitions RF 3, full ISR)';
  });

  check(client, 'create topic', async () => {
    const out = await py<{ partitions: number; replicationFactors: Record<string, number>; 'retention.ms': string }>('create-topic', 'kpy-created');
    expect(out).to.deep.equal({ partitions: 6, replicationFactors: { 3: 6 }, 'retention.ms': '3600000' });
    return 'create_topics: 6 partitions RF 3 with retention.ms, read back with describe_topics and describe_configs';
  });

  check(client, '10,000 keyed records, acks=all, read back exactly', async () => {
    await createTopic(cluster(), 'kpy-keyed', 6, 3);
    const out = await py<ReadBack>('produce-read', 'kpy-keyed', ['10000', 'none']);
    const r = expectExactReadBack(out.sent, out.read);
    return `${r.records} records, ${r.keys} keys over ${r.partitions} partitions (murmur2 partitioner), each at its acknowledged offset`;
  });

  for (const codec of ['none', ...CODECS]) {
    check(client, `compression: ${codec}`, async () => {
      const topic = `kpy-codec-${codec}`;
      await createTopic(cluster(), topic, 2, 3);
      const out = await py<ReadBack>('produce-read', topic, ['500', codec]);
      const r = expectExactReadBack(out.sent, out.read);
      return `${r.records} keyed records at their acknowledged offsets`;
    });
  }

  check(client, 'consumer group: 3 members on 6 partitions, restart from committed offsets', async () => {
    await createTopic(cluster(), 'kpy-group', 6, 3);
    const out = await py<GroupRestart>('group', 'kpy-group', [], undefined, 110_000);
    return expectGroupRestart(out) + ' (auto commit; list_consumer_group_offsets read the offsets)';
  }, 115_000);

  noSuchApi(client, 'idempotent producer', 'kafka-python 2.0.2 has no idempotent producer');
  noSuchApi(client, 'transactions', 'kafka-python 2.0.2 has no transactions');

  check(client, 'list and describe groups', async () => {
    await createTopic(cluster(), 'kpy-groups', 2, 3);
    type Description = { group: string; state: string; protocolType: string; protocol: string; error: number; members: number[][] };
    const out = await py<{ listed: Array<[string, string]>; stable: Description; empty: Description; committed: Record<string, number> }>('groups-admin', 'kpy-groups');
    expect(out.listed).to.deep.equal([['kpy-groups-g', 'consumer']]);
    expect(out.stable).to.deep.equal({ group: 'kpy-groups-g', state: 'Stable', protocolType: 'consumer', protocol: 'range', error: 0, members: [[0, 1]] });
    expect(out.empty).to.deep.equal({ group: 'kpy-groups-g', state: 'Empty', protocolType: 'consumer', protocol: '', error: 0, members: [] });
    expect(out.committed).to.deep.equal({ 0: 5, 1: 5 });
    return 'list_consumer_groups; describe_consumer_groups Stable with the member assignment, Empty after it left; list_consumer_group_offsets';
  });

  check(client, 'offsets by timestamp', async () => {
    await createTopic(cluster(), 'kpy-time', 1, 3);
    const out = await py<Record<string, number | null>>('offsets-by-time', 'kpy-time');
    expect(out).to.deep.equal({ beforeAll: 0, between: 50, future: null, latest: 100, earliest: 0 });
    return 'offsets_for_times: first record at or after the time 50, before all 0, a future time none; end/beginning offsets 100/0';
  });

  check(client, 'delete topic', async () => {
    await createTopic(cluster(), 'kpy-deleted', 2, 3);
    const out = await py<{ before: boolean; after: boolean }>('delete-topic', 'kpy-deleted');
    expect(out).to.deep.equal({ before: true, after: false });
    return 'delete_topics: gone from list_topics';
  });
});
