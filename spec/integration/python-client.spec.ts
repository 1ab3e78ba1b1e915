/**
 * confluent-kafka-python (Debian's python3-confluent-kafka 1.7.0 on librdkafka 2.0.2, run from
 * /usr/bin/python3) against a real broker: AdminClient create/describe/delete, a Producer with
 * delivery reports, a Consumer with assign() reading back exactly, and a subscribed consumer group
 * whose commits a second member resumes from.
 */
import { expect } from 'chai';
import { createTopic, python, useCluster } from './support.js';

/** Runs a python snippet with `bootstrap` as sys.argv[1]; returns the JSON it prints last. */
async function py<T>(bootstrap: string, body: string, args: string[] = [], timeoutMs = 60_000): Promise<T> {
  const script = `import sys, json\nfrom confluent_kafka import *\nfrom confluent_kafka.admin import *\nB = sys.argv[1]\n${body}`;
  const r = await python(script, [bootstrap, ...args], timeoutMs);
  expect(r.code, `python failed: ${r.stderr}\n${r.stdout.toString()}`).to.equal(0);
  const lines = r.stdout.toString().trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}

describe('confluent-kafka-python (librdkafka 2.0.2) against one broker', function () {
  this.timeout(90_000);
  const cluster = useCluster({ brokers: 1, overrides: { 'group.initial.rebalance.delay.ms': 0, 'offsets.topic.num.partitions': 5 } });
  const bootstrap = (): string => cluster().bootstrapServers[0]!;

  it('creates, describes and deletes topics with AdminClient', async () => {
    const out = await py<{ created: Record<string, string | null>; partitions: number; config: Record<string, string>; deleted: Record<string, string | null>; after: string[]; again: string }>(bootstrap(), `
a = AdminClient({'bootstrap.servers': B})
fs = a.create_topics([NewTopic('py-admin', num_partitions=4, replication_factor=1, config={'retention.ms': '3600000'})], operation_timeout=20)
created = {t: (None if f.exception() is None else str(f.exception())) for t, f in fs.items()}
again = a.create_topics([NewTopic('py-admin', num_partitions=1, replication_factor=1)])['py-admin'].exception()
md = a.list_topics(timeout=10)
partitions = len(md.topics['py-admin'].partitions)
res = a.describe_configs([ConfigResource('topic', 'py-admin')])
entries = list(res.values())[0].result()
config = {k: v.value for k, v in entries.items() if k in ('retention.ms', 'cleanup.policy')}
fs = a.delete_topics(['py-admin'], operation_timeout=20)
deleted = {t: (None if f.exception() is None else str(f.exception())) for t, f in fs.items()}
import time
for _ in range(100):
    if 'py-admin' not in a.list_topics(timeout=10).topics: break
    time.sleep(0.1)
after = sorted(t for t in a.list_topics(timeout=10).topics if not t.startswith('__'))
print(json.dumps({'created': created, 'partitions': partitions, 'config': config, 'deleted': deleted, 'after': after, 'again': again.args[0].name()}))
`);
    expect(out.created).to.deep.equal({ 'py-admin': null });
    expect(out.again).to.equal('TOPIC_ALREADY_EXISTS');
    expect(out.partitions).to.equal(4);
    expect(out.config).to.deep.equal({ 'retention.ms': '3600000', 'cleanup.policy': 'delete' });
    expect(out.deleted).to.deep.equal({ 'py-admin': null });
    expect(out.after).to.not.include('py-admin');
  });

  it('produces with delivery reports and reads every record back exactly with assign()', async () => {
    await createTopic(cluster(), 'py-data', 2);
    const out = await py<{ reports: Array<[number, number, string | null]>; read: Array<[number, number, string | null, string, Array<[string, string]> | null, number]> }>(bootstrap(), `
reports = []
def dr(err, msg):
    reports.append([msg.partition(), msg.offset(), None if err is None else err.name()])
p = Producer({'bootstrap.servers': B, 'acks': 'all', 'compression.type': 'lz4', 'linger.ms': 5})
for i in range(300):
    key = None if i % 10 == 0 else ('k%d' % (i % 4)).encode()
    p.produce('py-data', value=('value-%d-' % i).encode() + bytes([i % 256]) * (i % 17), key=key, partition=i % 2,
              headers=[('h', ('x%d' % i).encode())] if i % 3 else None, timestamp=1600000000000 + i, on_delivery=dr)
    p.poll(0)
p.flush(30)
c = Consumer({'bootstrap.servers': B, 'group.id': 'unused', 'enable.auto.commit': False})
c.assign([TopicPartition('py-data', 0, OFFSET_BEGINNING), TopicPartition('py-data', 1, OFFSET_BEGINNING)])
read = []
while len(read) < 300:
    m = c.poll(10)
    if m is None: break
    if m.error(): raise Exception(m.error())
    h = m.headers()
    read.append([m.partition(), m.offset(), None if m.key() is None else m.key().decode(), m.value().hex(),
                 None if h is None else [[k, v.decode()] for k, v in h], m.timestamp()[1]])
c.close()
print(json.dumps({'reports': reports, 'read': read}))
`);
    expect(out.reports).to.have.length(300);
    expect(out.reports.every((r) => r[2] === null)).to.equal(true);
    for (const part of [0, 1]) {
      const offsets = out.reports.filter((r) => r[0] === part).map((r) => r[1]);
      expect(offsets, `delivery offsets of partition ${part}`).to.deep.equal(Array.from({ length: 150 }, (_, i) => i));
    }
    expect(out.read).to.have.length(300);
    for (const part of [0, 1]) {
      const got = out.read.filter((r) => r[0] === part);
      const expected = Array.from({ length: 150 }, (_, j) => {
        const i = j * 2 + part;
        const value = Buffer.concat([Buffer.from(`value-${i}-`), Buffer.alloc(i % 17, i % 256)]).toString('hex');
        return [part, j, i % 10 === 0 ? null : `k${i % 4}`, value, i % 3 ? [['h', `x${i}`]] : null, 1_600_000_000_000 + i];
      });
      expect(got, `partition ${part}`).to.deep.equal(expected);
    }
  });

  it('runs a subscribed consumer group whose committed offsets a restarted member resumes from', async () => {
    await createTopic(cluster(), 'py-group', 3);
    const out = await py<{ first: number[]; committed: Array<[number, number]>; second: number[] }>(bootstrap(), `
p = Producer({'bootstrap.servers': B})
for i in range(60):
    p.produce('py-group', value=str(i).encode(), partition=i % 3)
p.flush(30)
conf = {'bootstrap.servers': B, 'group.id': 'py-g', 'auto.offset.reset': 'earliest', 'enable.auto.commit': False,
        'session.timeout.ms': 6000, 'heartbeat.interval.ms': 500}
def read(n):
    c = Consumer(conf)
    c.subscribe(['py-group'])
    got = []
    while len(got) < n:
        m = c.poll(15)
        if m is None: break
        if m.error(): raise Exception(m.error())
        got.append(int(m.value()))
    return c, got
c, first = read(30)
c.commit(asynchronous=False)
committed = [[tp.partition, tp.offset] for tp in c.committed([TopicPartition('py-group', i) for i in range(3)], timeout=10)]
c.close()
c, second = read(30)
c.close()
print(json.dumps({'first': first, 'committed': committed, 'second': second}))
`);
    const firstSet = new Set(out.first);
    expect(firstSet.size).to.equal(30);
    // The commit covered exactly what the first member read: per partition, the next offset.
    const sumCommitted = out.committed.reduce((s, [, o]) => s + Math.max(o, 0), 0);
    expect(sumCommitted).to.equal(30);
    // The second member starts at the committed offsets: no record skipped, none repeated.
    expect([...out.first, ...out.second].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 60 }, (_, i) => i));
  });
});
