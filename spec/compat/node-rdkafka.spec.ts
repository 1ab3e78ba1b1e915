/**
 * node-rdkafka (Node bindings over librdkafka, built from the librdkafka sources bundled in its npm
 * package: a devDependency whose install compiles them) × features. When the package does not
 * load (its native build failed), the module records one "not tested" row saying why.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import kafkajs from 'kafkajs';
import { eventually, kafkajsClient } from '../integration/support.js';
import { createTopic, useCompatCluster } from './cluster.js';
import { check, compatClient, noSuchApi, notTested } from './matrix.js';
import { expectExactReadBack, expectGroupRestart, type Assignment, type GroupPhase, type WireRecord } from './read-back.js';

interface RdMessage { topic: string; partition: number; offset: number; key?: Buffer | null; value: Buffer | null; headers?: Array<Record<string, Buffer>>; opaque?: unknown }
interface RdTopicPartition { topic: string; partition: number; offset?: number }
interface RdClient {
  connect(opts: object, cb: (err: Error | null, v?: unknown) => void): void;
  disconnect(cb: (err: Error | null, v?: unknown) => void): void;
  on(event: string, fn: (...args: never[]) => void): void;
  getMetadata(opts: { topic?: string; timeout: number }, cb: (err: Error | null, md: RdMetadata) => void): void;
  queryWatermarkOffsets(topic: string, partition: number, timeout: number, cb: (err: Error | null, w: { highOffset: number; lowOffset: number }) => void): void;
}
interface RdProducer extends RdClient {
  produce(topic: string, partition: number | null, value: Buffer, key?: string | null, timestamp?: number | null, opaque?: unknown, headers?: Array<Record<string, string>>): void;
  setPollInterval(ms: number): void;
  flush(timeout: number, cb: (err: Error | null, v?: unknown) => void): void;
  initTransactions(timeout: number, cb: (err: Error | null) => void): void;
  beginTransaction(cb: (err: Error | null) => void): void;
  commitTransaction(timeout: number, cb: (err: Error | null) => void): void;
  abortTransaction(timeout: number, cb: (err: Error | null) => void): void;
  sendOffsetsToTransaction(offsets: RdTopicPartition[], consumer: RdConsumer, timeout: number, cb: (err: Error | null) => void): void;
}
interface RdConsumer extends RdClient {
  subscribe(topics: string[]): void;
  assign(tps: RdTopicPartition[]): void;
  consume(): void;
  commitSync(tp: RdTopicPartition | RdTopicPartition[] | RdMessage | null): void;
  committed(tps: RdTopicPartition[], timeout: number, cb: (err: Error | null, tps: RdTopicPartition[]) => void): void;
  offsetsForTimes(tps: RdTopicPartition[], timeout: number, cb: (err: Error | null, tps: RdTopicPartition[]) => void): void;
}
interface RdAdminClient {
  createTopic(topic: { topic: string; num_partitions: number; replication_factor: number; config?: Record<string, string> }, timeout: number, cb: (err: Error | null) => void): void;
  deleteTopic(topic: string, timeout: number, cb: (err: Error | null) => void): void;
  disconnect(): void;
}
interface RdMetadata {
  orig_broker_id: number;
  brokers: Array<{ id: number; host: string; port: number }>;
  topics: Array<{ name: string; partitions: Array<{ id: number; leader: number; replicas: number[]; isrs: number[] }> }>;
}
interface RdModule {
  Producer: new (conf: object, topicConf?: object) => RdProducer;
  KafkaConsumer: new (conf: object, topicConf?: object) => RdConsumer;
  AdminClient: { create(conf: object): RdAdminClient };
  librdkafkaVersion: string;
  features: string[];
}

function load(): { mod?: RdModule; version: string; reason?: string } {
  const require = createRequire(import.meta.url);
  const candidates = ['node-rdkafka', path.resolve('.tmp/compat/node_modules/node-rdkafka'), ...(process.env.KAFKATS_COMPAT_NODE_RDKAFKA ? [process.env.KAFKATS_COMPAT_NODE_RDKAFKA] : [])];
  for (const c of candidates) {
    try {
      const mod = require(c) as RdModule;
      const pkg = require(`${c}/package.json`) as { version: string };
      return { mod, version: `${pkg.version.replace(/^v/, '')}, librdkafka ${mod.librdkafkaVersion}` };
    } catch {
      // try the next candidate
    }
  }
  return { version: '3.6.1 (npm)', reason: 'node-rdkafka is not installed: `npm run compat:node-rdkafka` compiles it with its librdkafka (node-gyp, a few minutes; .ci/run does it) into .tmp/compat, outside the package\'s dependencies' };
}

const loaded = load();
const client = compatClient({ name: 'node-rdkafka', version: loaded.version, ...(loaded.reason ? { notTested: loaded.reason } : {}) });
const rd = loaded.mod;

const promisify = <T>(fn: (cb: (err: Error | null, v: T) => void) => void): Promise<T> => new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));

describe(`compat: node-rdkafka ${loaded.version}`, function () {
  this.timeout(120_000);
  if (!rd) return;
  const cluster = useCompatCluster();
  const base = (bootstrap = cluster().bootstrapServers.join(',')): object => ({ 'metadata.broker.list': bootstrap, 'client.id': 'compat-node-rdkafka' });

  async function producer(extra: object = {}): Promise<RdProducer> {
    const p = new rd!.Producer({ ...base(), dr_msg_cb: true, 'linger.ms': 5, ...extra }, { 'request.required.acks': -1 });
    await promisify<unknown>((cb) => p.connect({}, cb));
    p.setPollInterval(20);
    return p;
  }

  interface Outgoing { partition: number | null; key: string | null; value: string; headers?: Array<Record<string, string>>; timestamp?: number }

  /** Produces with acks=all; the records in send order at the partition and offset of their delivery report. */
  async function produceAll(topic: string, values: Outgoing[], extra: object = {}): Promise<WireRecord[]> {
    const p = await producer(extra);
    const delivered: WireRecord[] = values.map((v) => [-1, -1, v.key, v.value]);
    let reports = 0;
    const errors: Error[] = [];
    p.on('delivery-report', ((err: Error | null, r: RdMessage) => {
      reports++;
      if (err) errors.push(err);
      else delivered[r.opaque as number] = [r.partition, r.offset, r.key?.toString() ?? null, r.value!.toString()];
    }) as (...args: never[]) => void);
    values.forEach((v, i) => p.produce(topic, v.partition, Buffer.from(v.value), v.key, v.timestamp ?? null, i, v.headers));
    await promisify<unknown>((cb) => p.flush(30_000, cb));
    await eventually(async () => reports >= values.length, 30_000, 'delivery reports');
    await promisify<unknown>((cb) => p.disconnect(cb));
    if (errors.length > 0) throw errors[0]!;
    return delivered;
  }

  async function consumer(groupId: string, onMessage: (m: RdMessage) => void, extra: object = {}, topicExtra: object = {}): Promise<RdConsumer & { assignment: () => number[] }> {
    let assignment: number[] = [];
    const c = new rd!.KafkaConsumer({ ...base(), 'group.id': groupId, 'enable.auto.commit': false, rebalance_cb: true, ...extra }, { 'auto.offset.reset': 'earliest', ...topicExtra });
    c.on('rebalance', ((err: { code: number }, tps: RdTopicPartition[]) => {
      assignment = err.code === -175 ? tps.map((t) => t.partition).sort() : [];
    }) as (...args: never[]) => void);
    c.on('data', onMessage as (...args: never[]) => void);
    await promisify<unknown>((cb) => c.connect({}, cb));
    return Object.assign(c, { assignment: () => assignment });
  }

  const close = (c: RdClient): Promise<unknown> => promisify<unknown>((cb) => c.disconnect(cb));
  const wire = (m: RdMessage): WireRecord => [m.partition, m.offset, m.key?.toString() ?? null, m.value?.toString() ?? null];

  /** Every record of the topic, read from each partition's beginning until librdkafka reports its end (partition.eof). */
  async function readAll(topic: string, extra: object = {}): Promise<WireRecord[]> {
    const got: RdMessage[] = [];
    const atEnd = new Set<number>();
    const c = await consumer(`${topic}-reader`, (m) => got.push(m), { 'enable.partition.eof': true, ...extra });
    c.on('partition.eof', ((e: RdTopicPartition) => atEnd.add(e.partition)) as (...args: never[]) => void);
    try {
      const md = await promisify<RdMetadata>((cb) => c.getMetadata({ topic, timeout: 10_000 }, cb));
      const partitions = md.topics.find((t) => t.name === topic)!.partitions.map((p) => p.id);
      c.assign(partitions.map((partition) => ({ topic, partition, offset: -2 /* RD_KAFKA_OFFSET_BEGINNING */ })));
      c.consume();
      await eventually(async () => partitions.every((p) => atEnd.has(p)), 30_000, `${topic} read to its end`);
    } finally {
      await close(c);
    }
    return got.map(wire);
  }

  async function admin<T>(fn: (a: RdAdminClient) => Promise<T>): Promise<T> {
    const a = rd!.AdminClient.create(base());
    try {
      return await fn(a);
    } finally {
      a.disconnect();
    }
  }

  async function topicNames(): Promise<string[]> {
    const p = await producer();
    try {
      return (await promisify<RdMetadata>((cb) => p.getMetadata({ timeout: 10_000 }, cb))).topics.map((t) => t.name);
    } finally {
      await close(p);
    }
  }

  check(client, 'metadata from one broker', async () => {
    await createTopic(cluster(), 'rdk-meta', 6, 3);
    const p = new rd!.Producer(base(cluster().bootstrapServers[1]!));
    await promisify<unknown>((cb) => p.connect({}, cb));
    try {
      const md = await promisify<RdMetadata>((cb) => p.getMetadata({ topic: 'rdk-meta', timeout: 10_000 }, cb));
      expect(md.brokers.map((b) => `${b.id}:${b.port}`).sort()).to.deep.equal(cluster().brokers.map((b) => `${b.brokerId}:${b.port}`).sort());
      const parts = md.topics.find((t) => t.name === 'rdk-meta')!.partitions;
      expect(parts.map((x) => x.id).sort()).to.deep.equal([0, 1, 2, 3, 4, 5]);
      for (const x of parts) {
        expect([...x.replicas].sort()).to.deep.equal([0, 1, 2]);
        expect([...x.isrs].sort()).to.deep.equal([0, 1, 2]);
      }
    } finally {
      await close(p);
    }
    return 'bootstrapped from broker 1: 3 brokers; 6 partitions RF 3 with full ISR';
  });

  check(client, 'create topic', async () => {
    await admin((a) => promisify<void>((cb) => a.createTopic({ topic: 'rdk-created', num_partitions: 6, replication_factor: 3, config: { 'retention.ms': '3600000' } }, 20_000, (err) => cb(err, undefined))));
    const p = await producer();
    try {
      const parts = await eventually(async () => {
        const md = await promisify<RdMetadata>((cb) => p.getMetadata({ topic: 'rdk-created', timeout: 10_000 }, cb));
        const ps = md.topics.find((t) => t.name === 'rdk-created')?.partitions ?? [];
        return ps.length === 6 && ps.every((x) => x.leader >= 0) ? ps : undefined;
      }, 30_000, 'rdk-created with leaders');
      expect(parts.map((x) => x.replicas.length)).to.deep.equal([3, 3, 3, 3, 3, 3]);
    } finally {
      await close(p);
    }
    // node-rdkafka has no DescribeConfigs: kafkajs reads the topic config it set.
    const kadmin = kafkajsClient(cluster(), 'compat-node-rdkafka-admin').admin();
    await kadmin.connect();
    try {
      const d = await kadmin.describeConfigs({ includeSynonyms: false, resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: 'rdk-created', configNames: ['retention.ms'] }] });
      expect(d.resources[0]!.configEntries.map((e) => [e.configName, e.configValue])).to.deep.equal([['retention.ms', '3600000']]);
    } finally {
      await kadmin.disconnect();
    }
    return 'AdminClient.createTopic: 6 partitions RF 3 with retention.ms (config read back with kafkajs)';
  });

  check(client, '10,000 keyed records, acks=all, read back exactly', async () => {
    await createTopic(cluster(), 'rdk-keyed', 6, 3);
    const sent = await produceAll('rdk-keyed', Array.from({ length: 10_000 }, (_, i) => ({ partition: null, key: `rdk-k${i % 97}`, value: `rdk-v${i}-${'x'.repeat(i % 53)}` })));
    const r = expectExactReadBack(sent, await readAll('rdk-keyed'));
    return `${r.records} records, ${r.keys} keys over ${r.partitions} partitions (librdkafka's consistent_random partitioner), each at its delivered offset`;
  });

  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
    const needs: Record<string, [string, string]> = { gzip: ['gzip', 'zlib1g-dev'], zstd: ['zstd', 'libzstd-dev'] };
    const need = needs[codec];
    if (need && !rd.features.includes(need[0])) {
      notTested(client, `produce/consume compression: ${codec}`, `this node-rdkafka build has no ${codec} (${need[1]} was absent when it compiled librdkafka)`);
      continue;
    }
    check(client, `produce/consume compression: ${codec}`, async () => {
      const topic = `rdk-codec-${codec}`;
      await createTopic(cluster(), topic, 2, 3);
      const values = Array.from({ length: 400 }, (_, i) => ({ partition: i % 2, key: `k${i}`, value: `${codec}-${i}-${'q'.repeat(i % 41)}`, headers: [{ n: String(i) }] }));
      const delivered = new Map((await produceAll(topic, values, { 'compression.codec': codec })).map((r) => [r[3], r[1]]));
      const got: RdMessage[] = [];
      const c = await consumer(`${topic}-reader`, (m) => got.push(m));
      try {
        c.subscribe([topic]);
        c.consume();
        await eventually(async () => got.length >= values.length, 30_000, `${values.length} records`);
      } finally {
        await close(c);
      }
      const read = got.map((m) => `${m.partition}:${m.offset}:${m.key?.toString()}:${m.value!.toString()}:${m.headers?.[0]?.n?.toString()}`).sort();
      expect(read).to.deep.equal(values.map((v, i) => `${v.partition}:${delivered.get(v.value)}:${v.key}:${v.value}:${i}`).sort());
      return '400 keyed records with headers at their delivered offsets';
    });
  }

  check(client, 'consumer group with rebalance and commit', async () => {
    const topic = 'rdk-group';
    const groupId = 'rdk-group-g';
    await createTopic(cluster(), topic, 4, 3);
    const got = new Map<string, RdMessage[]>([['a', []], ['b', []]]);
    const a = await consumer(groupId, (m) => got.get('a')!.push(m));
    const b = await consumer(groupId, (m) => got.get('b')!.push(m));
    try {
      a.subscribe([topic]);
      a.consume();
      await eventually(async () => a.assignment().length === 4, 30_000, 'a owns 4 partitions');
      b.subscribe([topic]);
      b.consume();
      await eventually(async () => a.assignment().length > 0 && b.assignment().length > 0 && new Set([...a.assignment(), ...b.assignment()]).size === 4 && a.assignment().length + b.assignment().length === 4, 60_000, 'a and b split 4 partitions');
      const split = [a.assignment().length, b.assignment().length];
      const values = Array.from({ length: 200 }, (_, i) => ({ partition: i % 4, key: null, value: `g${i}` }));
      await produceAll(topic, values);
      await eventually(async () => got.get('a')!.length + got.get('b')!.length >= 200, 30_000, '200 records consumed');
      for (const [n, c] of [['a', a], ['b', b]] as const) expect(got.get(n)!.every((m) => c.assignment().includes(m.partition)), `${n} read only its partitions`).to.equal(true);
      expect([...got.get('a')!, ...got.get('b')!].map((m) => `${m.partition}:${m.value!.toString()}`).sort()).to.deep.equal(values.map((v) => `${v.partition}:${v.value}`).sort());
      // Commit the last record a read on one of its partitions and read the committed offset back.
      const last = got.get('a')!.filter((m) => m.partition === a.assignment()[0]).at(-1)!;
      a.commitSync({ topic, partition: last.partition, offset: last.offset + 1 });
      const committed = await promisify<RdTopicPartition[]>((cb) => a.committed([{ topic, partition: last.partition }], 10_000, cb));
      expect(committed.map((t) => [t.partition, t.offset])).to.deep.equal([[last.partition, last.offset + 1]]);
      return `2 members split 4 partitions ${split.join('+')}; 200 records read once; committed offset read back`;
    } finally {
      await close(a);
      await close(b);
    }
  });

  /** Three auto-committing members share the topic's 6 partitions, read the phase's 600 records once and close. */
  async function groupPhase(topic: string, groupId: string, phase: number): Promise<GroupPhase> {
    const reads: RdMessage[][] = [[], [], []];
    const members = await Promise.all(reads.map((r) => consumer(groupId, (m) => r.push(m), { 'enable.auto.commit': true, 'auto.commit.interval.ms': 200, 'partition.assignment.strategy': 'range' })));
    try {
      for (const m of members) {
        m.subscribe([topic]);
        m.consume();
      }
      const split = await eventually(async () => {
        const s: Assignment[] = members.map((m) => ({ generation: 0, partitions: m.assignment() }));
        const all = s.flatMap((a) => a.partitions);
        return s.every((a) => a.partitions.length > 0) && all.length === 6 && new Set(all).size === 6 ? s : undefined;
      }, 60_000, '3 members sharing 6 partitions');
      const sent = await produceAll(topic, Array.from({ length: 600 }, (_, i) => ({ partition: i % 6, key: `rdk-group-${phase}-k${i % 97}`, value: `rdk-group-${phase}-v${i}` })));
      await eventually(async () => reads.flat().length >= 600, 30_000, '600 records read');
      await new Promise((r) => setTimeout(r, 500)); // a duplicate delivery would show up here
      return { split, sent, read: reads.map((r) => r.map(wire)) };
    } finally {
      for (const m of members) await close(m);
    }
  }

  check(client, 'consumer group: 3 members on 6 partitions, restart from committed offsets', async () => {
    const topic = 'rdk-group-restart';
    const groupId = `${topic}-g`;
    await createTopic(cluster(), topic, 6, 3);
    const first = await groupPhase(topic, groupId, 1);
    const probe = await consumer(groupId, () => undefined);
    let committed: RdTopicPartition[];
    try {
      committed = await promisify<RdTopicPartition[]>((cb) => probe.committed(Array.from({ length: 6 }, (_, partition) => ({ topic, partition })), 10_000, cb));
    } finally {
      await close(probe);
    }
    const second = await groupPhase(topic, groupId, 2);
    return expectGroupRestart({ first, committed: Object.fromEntries(committed.map((t) => [String(t.partition), t.offset!])), second }) + ' (auto commit; committed() read the offsets)';
  }, 115_000);

  check(client, 'idempotent producer', async () => {
    await createTopic(cluster(), 'rdk-idempotent', 2, 3);
    const sent = await produceAll('rdk-idempotent', Array.from({ length: 1000 }, (_, i) => ({ partition: i % 2, key: `i${i}`, value: `idem-${i}` })), { 'enable.idempotence': true });
    const r = expectExactReadBack(sent, await readAll('rdk-idempotent'), { keysPinned: false });
    return `enable.idempotence: ${r.records} records exactly once, in order`;
  });

  check(client, 'transactions with sendOffsetsToTransaction', async () => {
    await createTopic(cluster(), 'rdk-txn', 1, 3);
    await createTopic(cluster(), 'rdk-txn-in', 1, 3);
    await produceAll('rdk-txn-in', Array.from({ length: 5 }, (_, i) => ({ partition: 0, key: null, value: `in${i}` })));
    const consumed: RdMessage[] = [];
    const c = await consumer('rdk-txn-g', (m) => consumed.push(m));
    const p = await producer({ 'transactional.id': 'rdk-txn-id', 'transaction.timeout.ms': 30_000 });
    try {
      c.subscribe(['rdk-txn-in']);
      c.consume();
      await eventually(async () => consumed.length >= 5, 30_000, '5 input records');
      await promisify<void>((cb) => p.initTransactions(15_000, (err) => cb(err, undefined)));
      await promisify<void>((cb) => p.beginTransaction((err) => cb(err, undefined)));
      for (const m of consumed) p.produce('rdk-txn', 0, Buffer.from(m.value!.toString().replace('in', 'out')));
      await promisify<void>((cb) => p.sendOffsetsToTransaction([{ topic: 'rdk-txn-in', partition: 0, offset: consumed.at(-1)!.offset + 1 }], c, 15_000, (err) => cb(err, undefined)));
      await promisify<void>((cb) => p.commitTransaction(15_000, (err) => cb(err, undefined)));
      await promisify<void>((cb) => p.beginTransaction((err) => cb(err, undefined)));
      p.produce('rdk-txn', 0, Buffer.from('aborted'));
      await promisify<unknown>((cb) => p.flush(10_000, cb));
      await promisify<void>((cb) => p.abortTransaction(15_000, (err) => cb(err, undefined)));
      const committed = await promisify<RdTopicPartition[]>((cb) => c.committed([{ topic: 'rdk-txn-in', partition: 0 }], 10_000, cb));
      expect(committed.map((t) => t.offset)).to.deep.equal([5]);
    } finally {
      await close(p);
      await close(c);
    }
    const committedRead = await readAll('rdk-txn', { 'isolation.level': 'read_committed' });
    expect(committedRead.map((r) => r[3])).to.deep.equal(['out0', 'out1', 'out2', 'out3', 'out4']);
    const uncommittedRead = await readAll('rdk-txn', { 'isolation.level': 'read_uncommitted' });
    expect(uncommittedRead.map((r) => r[3])).to.deep.equal(['out0', 'out1', 'out2', 'out3', 'out4', 'aborted']);
    return 'committed transaction visible to read_committed, aborted one not (read_uncommitted sees it); offsets committed with it';
  }, 60_000);

  noSuchApi(client, 'list and describe groups', 'node-rdkafka 3.6.1 has no ListGroups/DescribeGroups API');

  check(client, 'offsets by timestamp', async () => {
    await createTopic(cluster(), 'rdk-time', 1, 3);
    const now = Date.now();
    await produceAll('rdk-time', Array.from({ length: 100 }, (_, i) => ({ partition: 0, key: null, value: `t${i}`, timestamp: (i < 50 ? now - 3_600_000 : now - 1_800_000) + i })));
    // offsetsForTimes is served by the consumer binding (the producer's has none).
    const p = await consumer('rdk-time-q', () => undefined);
    try {
      const at = async (ts: number): Promise<number> => (await promisify<RdTopicPartition[]>((cb) => p.offsetsForTimes([{ topic: 'rdk-time', partition: 0, offset: ts }], 10_000, cb)))[0]!.offset!;
      const w = await promisify<{ highOffset: number; lowOffset: number }>((cb) => p.queryWatermarkOffsets('rdk-time', 0, 10_000, cb));
      expect({ between: await at(now - 2_700_000), beforeAll: await at(now - 7_200_000), future: await at(now + 3_600_000), latest: w.highOffset, earliest: w.lowOffset })
        .to.deep.equal({ between: 50, beforeAll: 0, future: -1, latest: 100, earliest: 0 });
    } finally {
      await close(p);
    }
    return 'offsetsForTimes: first record at or after the time 50, before all 0, a future time -1; watermarks 0/100';
  });

  check(client, 'delete topic', async () => {
    await createTopic(cluster(), 'rdk-deleted', 2, 3);
    expect(await topicNames()).to.include('rdk-deleted');
    await admin((a) => promisify<void>((cb) => a.deleteTopic('rdk-deleted', 20_000, (err) => cb(err, undefined))));
    await eventually(async () => !(await topicNames()).includes('rdk-deleted'), 30_000, 'rdk-deleted gone');
    return 'AdminClient.deleteTopic: gone from the metadata';
  });
});
