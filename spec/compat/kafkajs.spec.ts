/**
 * kafkajs 2.2.4 (pure JavaScript client) × features, against the compat cluster. Codecs are
 * registered as kafkajs users do (support.ts: kafkajs-snappy, an lz4js codec, node:zlib zstd or @bokuweb/zstd-wasm). Every
 * check reads back what it wrote, or the group state it changed.
 */
import { createRequire } from 'node:module';
import { expect } from 'chai';
import kafkajs from 'kafkajs';
import { consumeWithGroup, eventually, kafkajsClient, type ReceivedMessage } from '../integration/support.js';
import { createTopic, useCompatCluster } from './cluster.js';
import { check, compatClient } from './matrix.js';

const { CompressionTypes, ConfigResourceTypes, AssignerProtocol, Partitioners } = kafkajs;
const version = (createRequire(import.meta.url)('kafkajs/package.json') as { version: string }).version;
const client = compatClient({ name: 'kafkajs', version });

const str = (b: Buffer | string | null | undefined): string | null => (b === null || b === undefined ? null : b.toString());
const byOffset = (a: ReceivedMessage, b: ReceivedMessage): number => a.partition - b.partition || Number(a.offset) - Number(b.offset);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function messages(n: number, prefix: string, extra: (i: number) => Partial<kafkajs.Message> = () => ({})): kafkajs.Message[] {
  return Array.from({ length: n }, (_, i) => ({ key: `${prefix}-k${i}`, value: `${prefix}-v${i}-${'x'.repeat(i % 37)}`, ...extra(i) }));
}

describe(`compat: kafkajs ${version}`, function () {
  this.timeout(120_000);
  const cluster = useCompatCluster();
  let kafka: kafkajs.Kafka;
  let admin: kafkajs.Admin;
  let producer: kafkajs.Producer;

  before(async () => {
    kafka = kafkajsClient(cluster(), 'compat-kafkajs');
    admin = kafka.admin();
    producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await admin.connect();
    await producer.connect();
  });
  after(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
  });

  check(client, 'metadata: brokers, controller, partitions, replicas, ISR', async () => {
    await createTopic(cluster(), 'kjs-meta', 6, 3);
    const cl = await admin.describeCluster();
    expect(cl.brokers.map((b) => `${b.nodeId}:${b.port}`).sort()).to.deep.equal(cluster().brokers.map((b) => `${b.brokerId}:${b.port}`).sort());
    expect([0, 1, 2]).to.include(cl.controller);
    const m = await admin.fetchTopicMetadata({ topics: ['kjs-meta'] });
    const parts = m.topics[0]!.partitions;
    expect(parts.map((p) => p.partitionId).sort()).to.deep.equal([0, 1, 2, 3, 4, 5]);
    for (const p of parts) {
      expect([...p.replicas].sort()).to.deep.equal([0, 1, 2]);
      expect([...p.isr].sort()).to.deep.equal([0, 1, 2]);
      expect(p.replicas).to.include(p.leader);
    }
    expect(new Set(parts.map((p) => p.leader)).size).to.equal(3);
    return '3 brokers; 6 partitions RF 3, leaders on every broker';
  });

  for (const acks of [0, 1, -1]) {
    const name = acks === -1 ? 'all' : String(acks);
    check(client, `produce acks=${name}`, async () => {
      const topic = `kjs-acks-${name}`;
      await createTopic(cluster(), topic, 3, 3);
      const msgs = messages(300, topic, (i) => ({ partition: i % 3 }));
      const meta = await producer.send({ topic, acks, messages: msgs });
      const got = (await consumeWithGroup(kafka, topic, msgs.length, `${topic}-reader`)).sort(byOffset);
      // Per partition: the records in send order at consecutive offsets (from the returned base offset).
      const base = new Map<number, number>(acks === 0 ? [0, 1, 2].map((p) => [p, 0]) : meta.map((r) => [r.partition, Number(r.baseOffset)]));
      const expected = [0, 1, 2].flatMap((p) => msgs.filter((m) => m.partition === p).map((m, i) => `${p}:${base.get(p)! + i}:${str(m.key as string)}:${str(m.value as string)}`));
      expect(got.map((g) => `${g.partition}:${g.offset}:${str(g.key)}:${str(g.value)}`)).to.deep.equal(expected);
      if (acks !== 0) expect(meta.map((r) => r.errorCode)).to.deep.equal([0, 0, 0]);
      return `300 records over 3 partitions read back at the offsets ${acks === 0 ? 'expected' : 'returned'}`;
    });
  }

  for (const [codec, type] of [['none', CompressionTypes.None], ['gzip', CompressionTypes.GZIP], ['snappy', CompressionTypes.Snappy], ['lz4', CompressionTypes.LZ4], ['zstd', CompressionTypes.ZSTD]] as const) {
    check(client, `compression: ${codec}`, async () => {
      const topic = `kjs-codec-${codec}`;
      await createTopic(cluster(), topic, 1, 3);
      const msgs = messages(500, topic, (i) => ({ headers: { h: `h${i}` } }));
      await producer.send({ topic, acks: -1, compression: type, messages: msgs });
      const got = (await consumeWithGroup(kafka, topic, msgs.length, `${topic}-reader`)).sort(byOffset);
      expect(got.map((g) => [g.offset, str(g.key), str(g.value), str(g.headers.h as Buffer)])).to.deep.equal(msgs.map((m, i) => [String(i), m.key, m.value, `h${i}`]));
      return codec === 'none' ? '500 records' : codec === 'gzip' ? '500 records; built-in codec' : `500 records; codec ${codec === 'snappy' ? 'kafkajs-snappy' : codec === 'lz4' ? 'lz4js' : 'node:zlib zstd or @bokuweb/zstd-wasm'}`;
    });
  }

  check(client, 'headers (string, binary, repeated keys)', async () => {
    const topic = 'kjs-headers';
    await createTopic(cluster(), topic, 1, 3);
    const bin = Buffer.from([0, 1, 2, 255, 254]);
    await producer.send({ topic, messages: [
      { value: 'a', headers: { single: 'one', binary: bin } },
      { value: 'b', headers: { repeated: ['x', 'y', 'z'], empty: '' } },
      { value: 'c' },
    ] });
    const got = (await consumeWithGroup(kafka, topic, 3, `${topic}-reader`)).sort(byOffset);
    expect(got.map((g) => str(g.value))).to.deep.equal(['a', 'b', 'c']);
    expect(str(got[0]!.headers.single as Buffer)).to.equal('one');
    expect(Buffer.compare(got[0]!.headers.binary as Buffer, bin)).to.equal(0);
    expect((got[1]!.headers.repeated as Buffer[]).map(str)).to.deep.equal(['x', 'y', 'z']);
    expect(str(got[1]!.headers.empty as Buffer)).to.equal('');
    expect(got[2]!.headers).to.deep.equal({});
  });

  check(client, 'keys: default (murmur2) partitioner, per-key order', async () => {
    const topic = 'kjs-keys';
    await createTopic(cluster(), topic, 6, 3);
    const msgs = Array.from({ length: 400 }, (_, i) => ({ key: `key-${i % 20}`, value: `v${i}` }));
    await producer.send({ topic, messages: msgs });
    const got = (await consumeWithGroup(kafka, topic, msgs.length, `${topic}-reader`)).sort(byOffset);
    const partitioner = Partitioners.DefaultPartitioner();
    const partitionMetadata = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions;
    for (let k = 0; k < 20; k++) {
      const key = `key-${k}`;
      const mine = got.filter((g) => str(g.key) === key);
      expect(new Set(mine.map((g) => g.partition)), key).to.deep.equal(new Set([partitioner({ topic, partitionMetadata, message: { key, value: null } })]));
      expect(mine.map((g) => str(g.value))).to.deep.equal(msgs.filter((m) => m.key === key).map((m) => m.value));
    }
    return `400 records, 20 keys over ${new Set(got.map((g) => g.partition)).size} partitions`;
  });

  check(client, 'consumer group with rebalance', async () => {
    const topic = 'kjs-group';
    const groupId = 'kjs-group-g';
    await createTopic(cluster(), topic, 6, 3);
    const assignment = new Map<string, number[]>();
    const received = new Map<string, string[]>();
    const consumers: kafkajs.Consumer[] = [];
    const start = async (name: string): Promise<kafkajs.Consumer> => {
      const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 200 });
      consumers.push(consumer);
      received.set(name, []);
      consumer.on(consumer.events.GROUP_JOIN, (e) => assignment.set(name, [...(e.payload.memberAssignment[topic] ?? [])].sort()));
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ partition, message }) => { received.get(name)!.push(`${partition}:${str(message.value)}`); } });
      return consumer;
    };
    const covers = (names: string[]): boolean => {
      const all = names.flatMap((n) => assignment.get(n) ?? []);
      return names.every((n) => (assignment.get(n) ?? []).length > 0) && all.length === 6 && new Set(all).size === 6;
    };
    try {
      await start('a');
      await eventually(async () => covers(['a']), 30_000, 'a owns all 6 partitions');
      const b = await start('b');
      await eventually(async () => covers(['a', 'b']), 30_000, 'a and b split the 6 partitions');
      const split = [assignment.get('a')!.length, assignment.get('b')!.length];
      const values = Array.from({ length: 60 }, (_, i) => ({ partition: i % 6, value: `g${i}` }));
      await producer.send({ topic, messages: values });
      await eventually(async () => received.get('a')!.length + received.get('b')!.length >= 60, 30_000, '60 records consumed');
      await sleep(500);
      for (const n of ['a', 'b']) {
        const mine = new Set(assignment.get(n));
        expect(received.get(n)!.every((r) => mine.has(Number(r.split(':')[0]))), `${n} read only its partitions`).to.equal(true);
      }
      expect([...received.get('a')!, ...received.get('b')!].sort()).to.deep.equal(values.map((v) => `${v.partition}:${v.value}`).sort());
      // b leaves: a takes every partition back and reads what follows.
      await b.disconnect();
      await eventually(async () => (assignment.get('a') ?? []).length === 6, 30_000, 'a owns all 6 again');
      await producer.send({ topic, messages: [0, 1, 2, 3, 4, 5].map((p) => ({ partition: p, value: `after-${p}` })) });
      await eventually(async () => received.get('a')!.filter((r) => r.includes('after-')).length === 6, 30_000, 'a reads the 6 later records');
      return `2 members split 6 partitions ${split.join('+')}; after one leaves the other owns 6`;
    } finally {
      for (const c of consumers) await c.disconnect();
    }
  });

  check(client, 'seek, pause and resume', async () => {
    const topic = 'kjs-seek';
    await createTopic(cluster(), topic, 1, 3);
    await producer.send({ topic, messages: Array.from({ length: 20 }, (_, i) => ({ value: `s${i}` })) });
    const consumer = kafka.consumer({ groupId: `${topic}-g`, maxWaitTimeInMs: 200 });
    const got: string[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => { got.push(`${message.offset}:${str(message.value)}`); } });
      consumer.seek({ topic, partition: 0, offset: '10' });
      await eventually(async () => got.length >= 10, 30_000, 'records from offset 10');
      expect(got).to.deep.equal(Array.from({ length: 10 }, (_, i) => `${10 + i}:s${10 + i}`));
      consumer.pause([{ topic }]);
      expect(consumer.paused()).to.deep.equal([{ topic, partitions: [0] }]);
      await producer.send({ topic, messages: [{ value: 'p0' }, { value: 'p1' }] });
      await sleep(1500);
      expect(got, 'nothing delivered while paused').to.have.length(10);
      consumer.resume([{ topic }]);
      await eventually(async () => got.length >= 12, 30_000, 'records after resume');
      expect(got.slice(10)).to.deep.equal(['20:p0', '21:p1']);
      return 'seek to offset 10 reads 10..19; nothing while paused; resume continues at 20';
    } finally {
      await consumer.disconnect();
    }
  });

  check(client, 'admin: create, list, delete topics', async () => {
    expect(await admin.createTopics({ topics: [{ topic: 'kjs-adm-a', numPartitions: 3, replicationFactor: 3 }, { topic: 'kjs-adm-b', numPartitions: 1, replicationFactor: 2 }], waitForLeaders: true })).to.equal(true);
    expect(await admin.listTopics()).to.include.members(['kjs-adm-a', 'kjs-adm-b']);
    const meta = await admin.fetchTopicMetadata({ topics: ['kjs-adm-a', 'kjs-adm-b'] });
    expect(meta.topics.map((t) => [t.name, t.partitions.length, t.partitions[0]!.replicas.length]).sort()).to.deep.equal([['kjs-adm-a', 3, 3], ['kjs-adm-b', 1, 2]]);
    expect(await admin.createTopics({ topics: [{ topic: 'kjs-adm-a', numPartitions: 1 }] }), 'already exists').to.equal(false);
    await admin.deleteTopics({ topics: ['kjs-adm-b'], timeout: 20_000 });
    await eventually(async () => !(await admin.listTopics()).includes('kjs-adm-b'), 30_000, 'kjs-adm-b deleted');
    expect(await admin.listTopics()).to.include('kjs-adm-a');
  });

  check(client, 'admin: create partitions', async () => {
    const topic = 'kjs-adm-grow';
    await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 3 }], waitForLeaders: true });
    await admin.createPartitions({ topicPartitions: [{ topic, count: 5 }] });
    await eventually(async () => {
      const m = await admin.fetchTopicMetadata({ topics: [topic] });
      return m.topics[0]!.partitions.length === 5 && m.topics[0]!.partitions.every((p) => p.leader >= 0 && p.replicas.length === 3);
    }, 30_000, 'five partitions with leaders');
    await producer.send({ topic, messages: [{ partition: 4, value: 'in-new-partition' }] });
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets.find((o) => o.partition === 4)!.high).to.equal('1');
    const got = await consumeWithGroup(kafka, topic, 1, `${topic}-reader`);
    expect(got.map((g) => `${g.partition}:${str(g.value)}`)).to.deep.equal(['4:in-new-partition']);
    return '2 → 5 partitions; a record in partition 4 read back';
  });

  check(client, 'admin: describe and alter configs', async () => {
    const topic = 'kjs-adm-conf';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 3, configEntries: [{ name: 'retention.ms', value: '123456' }] }], waitForLeaders: true });
    const read = async (): Promise<Record<string, string>> => {
      const r = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'cleanup.policy'] }], includeSynonyms: false });
      return Object.fromEntries(r.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
    };
    expect(await read()).to.deep.equal({ 'retention.ms': '123456', 'cleanup.policy': 'delete' });
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: '654321' }, { name: 'cleanup.policy', value: 'compact' }] }] });
    await eventually(async () => (await read())['retention.ms'] === '654321', 20_000, 'altered retention.ms');
    expect(await read()).to.deep.equal({ 'retention.ms': '654321', 'cleanup.policy': 'compact' });
    const broker = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.BROKER, name: '0', configNames: ['log.retention.hours'] }], includeSynonyms: false });
    expect(broker.resources[0]!.configEntries.map((e) => [e.configName, e.configValue])).to.deep.equal([['log.retention.hours', '168']]);
    return 'topic configs read back after create and alter; broker config described';
  });

  check(client, 'admin: list, describe and delete groups', async () => {
    const topic = 'kjs-adm-groups';
    const groupId = 'kjs-adm-groups-g';
    await createTopic(cluster(), topic, 2, 3);
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    let joined: number[] = [];
    consumer.on(consumer.events.GROUP_JOIN, (e) => (joined = [...(e.payload.memberAssignment[topic] ?? [])].sort()));
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic] });
      await consumer.run({ eachMessage: async () => undefined });
      await eventually(async () => joined.length === 2, 30_000, 'consumer joined');
      const listed = await admin.listGroups();
      expect(listed.groups.find((g) => g.groupId === groupId)?.protocolType).to.equal('consumer');
      const d = (await admin.describeGroups([groupId])).groups[0]!;
      expect([d.groupId, d.state, d.protocolType, d.members.length]).to.deep.equal([groupId, 'Stable', 'consumer', 1]);
      const assigned = AssignerProtocol.MemberAssignment.decode(d.members[0]!.memberAssignment)!;
      expect([...(assigned.assignment[topic] ?? [])].sort()).to.deep.equal([0, 1]);
    } finally {
      await consumer.disconnect();
    }
    expect((await admin.describeGroups([groupId])).groups[0]!.state).to.equal('Empty');
    const del = await admin.deleteGroups([groupId]);
    expect(del.map((r) => [r.groupId, r.errorCode])).to.deep.equal([[groupId, 0]]);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).to.not.include(groupId);
    expect((await admin.describeGroups([groupId])).groups[0]!.state).to.equal('Dead');
    return 'Stable with the member assignment; Empty after leave; deleted';
  });

  check(client, 'admin: group offsets and topic offsets (set, fetch, by timestamp)', async () => {
    const topic = 'kjs-adm-offsets';
    const groupId = 'kjs-adm-offsets-g';
    await createTopic(cluster(), topic, 1, 3);
    await producer.send({ topic, messages: Array.from({ length: 5 }, (_, i) => ({ value: `o${i}` })) });
    await sleep(20);
    const middle = Date.now();
    await sleep(20);
    await producer.send({ topic, messages: Array.from({ length: 5 }, (_, i) => ({ value: `o${5 + i}` })) });
    expect((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, o.low, o.high])).to.deep.equal([[0, '0', '10']]);
    expect((await admin.fetchTopicOffsetsByTimestamp(topic, middle)).map((o) => [o.partition, o.offset])).to.deep.equal([[0, '5']]);
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '7' }] });
    const fetched = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(fetched[0]!.partitions.map((p) => [p.partition, p.offset])).to.deep.equal([[0, '7']]);
    // A consumer of that group resumes at the committed offset, then commits what it read.
    const got = await consumeWithGroup(kafka, topic, 3, groupId);
    expect(got.map((g) => `${g.offset}:${str(g.value)}`)).to.deep.equal(['7:o7', '8:o8', '9:o9']);
    await eventually(async () => (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions[0]!.offset === '10', 20_000, 'committed offset 10');
    return 'setOffsets 7 → consumer reads 7..9 and commits 10; offset by timestamp = 5';
  });

  check(client, 'admin: deleteRecords (deleteTopicRecords)', async () => {
    const topic = 'kjs-adm-delrec';
    await createTopic(cluster(), topic, 1, 3);
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ value: `d${i}` })) });
    // kafkajs looks the leaders up in the admin's metadata cache only: load the topic first.
    await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '4' }] });
    expect((await admin.fetchTopicOffsets(topic)).map((o) => [o.low, o.high])).to.deep.equal([['4', '10']]);
    const got = (await consumeWithGroup(kafka, topic, 6, `${topic}-reader`)).sort(byOffset);
    expect(got.map((g) => `${g.offset}:${str(g.value)}`)).to.deep.equal([4, 5, 6, 7, 8, 9].map((i) => `${i}:d${i}`));
    return 'log start 4; a consumer from the beginning reads 4..9';
  });

  check(client, 'idempotent producer', async () => {
    const topic = 'kjs-idempotent';
    await createTopic(cluster(), topic, 2, 3);
    const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, retry: { retries: 2, initialRetryTime: 100 } });
    await p.connect();
    try {
      const msgs = messages(100, topic, (i) => ({ partition: i % 2 }));
      for (let i = 0; i < 100; i += 25) await p.send({ topic, acks: -1, messages: msgs.slice(i, i + 25) });
      const got = (await consumeWithGroup(kafka, topic, 100, `${topic}-reader`)).sort(byOffset);
      const expected = [0, 1].flatMap((part) => msgs.filter((m) => m.partition === part).map((m, i) => `${part}:${i}:${str(m.value as string)}`));
      expect(got.map((g) => `${g.partition}:${g.offset}:${str(g.value)}`)).to.deep.equal(expected);
      return '100 records in 4 sends, each exactly once in order';
    } finally {
      await p.disconnect();
    }
  }, 30_000);

  check(client, 'transactions with sendOffsets', async () => {
    const topic = 'kjs-txn-out';
    const groupId = 'kjs-txn-group';
    await createTopic(cluster(), topic, 1, 3);
    await createTopic(cluster(), 'kjs-txn-in', 1, 3);
    const p = kafka.producer({ transactionalId: 'kjs-txn-1', idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, retry: { retries: 2, initialRetryTime: 100 } });
    await p.connect();
    try {
      const txn = await p.transaction();
      await txn.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `t${i}` })) });
      await txn.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: 'kjs-txn-in', partitions: [{ partition: 0, offset: '42' }] }] });
      await txn.commit();
    } finally {
      await p.disconnect();
    }
    const got = await consumeWithGroup(kafka, topic, 10, `${topic}-reader`, 20_000, { readUncommitted: false });
    expect(got.map((g) => str(g.value))).to.deep.equal(Array.from({ length: 10 }, (_, i) => `t${i}`));
    const committed = await admin.fetchOffsets({ groupId, topics: ['kjs-txn-in'] });
    expect(committed[0]!.partitions.map((x) => [x.partition, x.offset])).to.deep.equal([[0, '42']]);
    return 'committed records visible to read_committed; sendOffsets committed 42';
  }, 30_000);

  check(client, 'transactions: abort hides records from read_committed', async () => {
    const topic = 'kjs-txn-abort';
    await createTopic(cluster(), topic, 1, 3);
    const p = kafka.producer({ transactionalId: 'kjs-txn-2', idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, retry: { retries: 2, initialRetryTime: 100 } });
    await p.connect();
    try {
      const aborted = await p.transaction();
      await aborted.send({ topic, messages: [{ value: 'aborted-0' }, { value: 'aborted-1' }] });
      await aborted.abort();
      const committed = await p.transaction();
      await committed.send({ topic, messages: [{ value: 'kept-0' }, { value: 'kept-1' }] });
      await committed.commit();
    } finally {
      await p.disconnect();
    }
    const got = await consumeWithGroup(kafka, topic, 2, `${topic}-reader`, 20_000, { readUncommitted: false });
    expect(got.map((g) => str(g.value))).to.deep.equal(['kept-0', 'kept-1']);
    return 'read_committed reads only the committed transaction';
  }, 30_000);
});
