/**
 * node-rdkafka (Node bindings over librdkafka, built from the librdkafka sources bundled in its npm
 * package) × features. It is not a dependency of kafkats: the module runs when `node-rdkafka`
 * resolves from the repository or KAFKATS_COMPAT_NODE_RDKAFKA names an installed package directory,
 * and otherwise records one "not tested" row saying why.
 */
import { createRequire } from 'node:module';
import { expect } from 'chai';
import { eventually } from '../integration/support.js';
import { createTopic, useCompatCluster } from './cluster.js';
import { check, compatClient, notTested } from './matrix.js';

interface RdMessage { topic: string; partition: number; offset: number; key?: Buffer | null; value: Buffer | null; headers?: Array<Record<string, Buffer>> }
interface RdTopicPartition { topic: string; partition: number; offset?: number }
interface RdClient {
  connect(opts: object, cb: (err: Error | null, v?: unknown) => void): void;
  disconnect(cb: (err: Error | null, v?: unknown) => void): void;
  on(event: string, fn: (...args: never[]) => void): void;
}
interface RdProducer extends RdClient {
  produce(topic: string, partition: number | null, value: Buffer, key?: string | null, timestamp?: number | null, opaque?: unknown, headers?: Array<Record<string, string>>): void;
  setPollInterval(ms: number): void;
  flush(timeout: number, cb: (err: Error | null, v?: unknown) => void): void;
  getMetadata(opts: { topic?: string; timeout: number }, cb: (err: Error | null, md: RdMetadata) => void): void;
}
interface RdConsumer extends RdClient {
  subscribe(topics: string[]): void;
  consume(): void;
  commitSync(tp: RdTopicPartition | RdTopicPartition[] | RdMessage | null): void;
  committed(tps: RdTopicPartition[], timeout: number, cb: (err: Error | null, tps: RdTopicPartition[]) => void): void;
}
interface RdMetadata {
  orig_broker_id: number;
  brokers: Array<{ id: number; host: string; port: number }>;
  topics: Array<{ name: string; partitions: Array<{ id: number; leader: number; replicas: number[]; isrs: number[] }> }>;
}
interface RdModule {
  Producer: new (conf: object, topicConf?: object) => RdProducer;
  KafkaConsumer: new (conf: object, topicConf?: object) => RdConsumer;
  librdkafkaVersion: string;
  features: string[];
}

function load(): { mod?: RdModule; version: string; reason?: string } {
  const require = createRequire(import.meta.url);
  const candidates = ['node-rdkafka', ...(process.env.KAFKATS_COMPAT_NODE_RDKAFKA ? [process.env.KAFKATS_COMPAT_NODE_RDKAFKA] : [])];
  for (const c of candidates) {
    try {
      const mod = require(c) as RdModule;
      const pkg = require(`${c}/package.json`) as { version: string };
      return { mod, version: `${pkg.version.replace(/^v/, '')}, librdkafka ${mod.librdkafkaVersion}` };
    } catch {
      // try the next candidate
    }
  }
  return {
    version: '3.6.1 (npm)',
    reason: 'not a dependency: `npm install node-rdkafka` works from the npm registry alone (it compiles its bundled librdkafka, about 1 minute), '
      + 'but kafkats does not install it; set KAFKATS_COMPAT_NODE_RDKAFKA=<its package dir> to run these checks',
  };
}

const loaded = load();
const client = compatClient({ name: 'node-rdkafka', version: loaded.version, ...(loaded.reason ? { notTested: loaded.reason } : {}) });
const rd = loaded.mod;

const promisify = <T>(fn: (cb: (err: Error | null, v: T) => void) => void): Promise<T> => new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));

describe(`compat: node-rdkafka ${loaded.version}`, function () {
  this.timeout(120_000);
  if (!rd) return;
  const cluster = useCompatCluster();
  const base = (): object => ({ 'metadata.broker.list': cluster().bootstrapServers.join(','), 'client.id': 'compat-node-rdkafka' });

  async function producer(extra: object = {}): Promise<RdProducer> {
    const p = new rd!.Producer({ ...base(), dr_msg_cb: true, 'linger.ms': 5, ...extra }, { 'request.required.acks': -1 });
    await promisify<unknown>((cb) => p.connect({}, cb));
    p.setPollInterval(20);
    return p;
  }

  async function produceAll(topic: string, values: Array<{ partition: number; key: string | null; value: string; headers?: Array<Record<string, string>> }>, extra: object = {}): Promise<Map<string, number>> {
    const p = await producer(extra);
    const delivered = new Map<string, number>();
    const errors: Error[] = [];
    p.on('delivery-report', ((err: Error | null, r: RdMessage) => {
      if (err) errors.push(err);
      else delivered.set(r.value!.toString(), r.offset);
    }) as (...args: never[]) => void);
    for (const v of values) p.produce(topic, v.partition, Buffer.from(v.value), v.key, null, null, v.headers);
    await promisify<unknown>((cb) => p.flush(30_000, cb));
    await eventually(async () => delivered.size + errors.length >= values.length, 30_000, 'delivery reports');
    await promisify<unknown>((cb) => p.disconnect(cb));
    if (errors.length > 0) throw errors[0]!;
    return delivered;
  }

  async function consumer(groupId: string, onMessage: (m: RdMessage) => void, extra: object = {}): Promise<RdConsumer & { assignment: () => number[] }> {
    let assignment: number[] = [];
    const c = new rd!.KafkaConsumer({ ...base(), 'group.id': groupId, 'enable.auto.commit': false, rebalance_cb: true, ...extra }, { 'auto.offset.reset': 'earliest' });
    c.on('rebalance', ((err: { code: number }, tps: RdTopicPartition[]) => {
      assignment = err.code === -175 ? tps.map((t) => t.partition).sort() : [];
    }) as (...args: never[]) => void);
    c.on('data', onMessage as (...args: never[]) => void);
    await promisify<unknown>((cb) => c.connect({}, cb));
    return Object.assign(c, { assignment: () => assignment });
  }

  const close = (c: RdClient): Promise<unknown> => promisify<unknown>((cb) => c.disconnect(cb));

  check(client, 'metadata', async () => {
    await createTopic(cluster(), 'rdk-meta', 6, 3);
    const p = await producer();
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
    return '3 brokers; 6 partitions RF 3 with full ISR';
  });

  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
    if (codec === 'zstd' && !rd.features.includes('zstd')) {
      notTested(client, `produce/consume compression: ${codec}`, 'this node-rdkafka build has no zstd (libzstd headers were absent when it compiled librdkafka)');
      continue;
    }
    check(client, `produce/consume compression: ${codec}`, async () => {
      const topic = `rdk-codec-${codec}`;
      await createTopic(cluster(), topic, 2, 3);
      const values = Array.from({ length: 400 }, (_, i) => ({ partition: i % 2, key: `k${i}`, value: `${codec}-${i}-${'q'.repeat(i % 41)}`, headers: [{ n: String(i) }] }));
      const delivered = await produceAll(topic, values, { 'compression.codec': codec });
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
});
