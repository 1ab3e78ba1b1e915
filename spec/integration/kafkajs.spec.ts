/**
 * kafkajs 2.2.4 against a real broker on real ZooKeeper: the admin client (topics, partitions,
 * configs, offsets, cluster, deleteRecords) and the producer with acks 0/1/-1 and every codec,
 * its records read back exactly (keys, values, headers, timestamps, order) by a group consumer.
 */
import { expect } from 'chai';
import kafkajs from 'kafkajs';
import { consumeWithGroup, eventually, kafkajsClient, useCluster, type ReceivedMessage } from './support.js';

const { CompressionTypes, ConfigResourceTypes } = kafkajs;

describe('kafkajs 2.2.4 against one broker', function () {
  this.timeout(90_000);
  const cluster = useCluster({ brokers: 1, overrides: { 'group.initial.rebalance.delay.ms': 0, 'offsets.topic.num.partitions': 5 } });
  let kafka: kafkajs.Kafka;
  let admin: kafkajs.Admin;
  let producer: kafkajs.Producer;

  before(async () => {
    kafka = kafkajsClient(cluster(), 'kafkajs-spec');
    admin = kafka.admin();
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await admin.connect();
    await producer.connect();
  });
  after(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
  });

  describe('admin', () => {
    it('creates, lists and deletes topics', async () => {
      const created = await admin.createTopics({ topics: [{ topic: 'adm-a', numPartitions: 3 }, { topic: 'adm-b', numPartitions: 1 }], waitForLeaders: true });
      expect(created).to.equal(true);
      expect(await admin.listTopics()).to.include.members(['adm-a', 'adm-b']);
      const meta = await admin.fetchTopicMetadata({ topics: ['adm-a'] });
      expect(meta.topics[0]!.partitions.map((p) => p.partitionId).sort()).to.deep.equal([0, 1, 2]);
      // kafkajs maps TOPIC_ALREADY_EXISTS for every topic to `false`.
      expect(await admin.createTopics({ topics: [{ topic: 'adm-a', numPartitions: 1 }] })).to.equal(false);
      expect((await admin.fetchTopicMetadata({ topics: ['adm-a'] })).topics[0]!.partitions).to.have.length(3);
      await admin.deleteTopics({ topics: ['adm-b'], timeout: 20_000 });
      await eventually(async () => !(await admin.listTopics()).includes('adm-b'), 20_000, 'adm-b gone');
      expect(await admin.listTopics()).to.include('adm-a');
    });

    it('creates partitions of an existing topic', async () => {
      await admin.createTopics({ topics: [{ topic: 'adm-grow', numPartitions: 2 }], waitForLeaders: true });
      await admin.createPartitions({ topicPartitions: [{ topic: 'adm-grow', count: 5 }] });
      await eventually(async () => {
        const m = await admin.fetchTopicMetadata({ topics: ['adm-grow'] });
        return m.topics[0]!.partitions.length === 5 && m.topics[0]!.partitions.every((p) => p.leader >= 0);
      }, 20_000, 'five partitions with leaders');
      await expectRejectCode(admin.createPartitions({ topicPartitions: [{ topic: 'adm-grow', count: 3 }] }), 'INVALID_PARTITIONS');
    });

    it('describes and alters topic configs', async () => {
      await admin.createTopics({ topics: [{ topic: 'adm-conf', numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '123456' }] }], waitForLeaders: true });
      const describe = async (): Promise<Map<string, { value: string; isDefault: boolean }>> => {
        const r = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'adm-conf' }], includeSynonyms: false });
        const res = r.resources[0]!;
        expect(res.errorCode).to.equal(0);
        return new Map(res.configEntries.map((e) => [e.configName, { value: e.configValue, isDefault: e.isDefault }]));
      };
      const before = await describe();
      expect(before.get('retention.ms')).to.deep.equal({ value: '123456', isDefault: false });
      expect(before.get('cleanup.policy')?.value).to.equal('delete');
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'adm-conf', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] });
      const after = await describe();
      expect(after.get('cleanup.policy')).to.deep.equal({ value: 'compact', isDefault: false });
      // AlterConfigs replaces the whole set: retention.ms returned to its default.
      expect(after.get('retention.ms')?.isDefault).to.equal(true);
      const broker = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.BROKER, name: '0', configNames: ['num.partitions'] }], includeSynonyms: false });
      expect(broker.resources[0]!.configEntries.map((e) => e.configName)).to.deep.equal(['num.partitions']);
    });

    it('describes the cluster: its broker, controller and cluster id', async () => {
      const d = await admin.describeCluster();
      expect(d.brokers.map((b) => b.nodeId)).to.deep.equal([0]);
      expect(d.brokers[0]!.port).to.equal(cluster().brokers[0]!.port);
      expect(d.controller).to.equal(0);
      expect(d.clusterId).to.be.a('string').with.length.greaterThan(0);
    });

    it('fetches topic offsets, offsets by timestamp, and deletes records', async () => {
      await admin.createTopics({ topics: [{ topic: 'adm-offsets', numPartitions: 2 }], waitForLeaders: true });
      const t0 = Date.now() - 100_000;
      await producer.send({
        topic: 'adm-offsets',
        acks: -1,
        messages: Array.from({ length: 10 }, (_, i) => ({ partition: 0, value: `v${i}`, timestamp: String(t0 + i * 1000) })),
      });
      const offsets = await admin.fetchTopicOffsets('adm-offsets');
      expect(offsets.sort((a, b) => a.partition - b.partition)).to.deep.equal([
        { partition: 0, offset: '10', high: '10', low: '0' },
        { partition: 1, offset: '0', high: '0', low: '0' },
      ]);
      const byTs = await admin.fetchTopicOffsetsByTimestamp('adm-offsets', t0 + 4500);
      expect(byTs.find((p) => p.partition === 0)!.offset).to.equal('5');
      // Past the newest timestamp: the log end offset, as kafkajs maps -1.
      const late = await admin.fetchTopicOffsetsByTimestamp('adm-offsets', Date.now() + 60_000);
      expect(late.find((p) => p.partition === 0)!.offset).to.equal('10');

      await admin.deleteTopicRecords({ topic: 'adm-offsets', partitions: [{ partition: 0, offset: '7' }] });
      const afterDelete = await admin.fetchTopicOffsets('adm-offsets');
      expect(afterDelete.find((p) => p.partition === 0)).to.deep.include({ low: '7', high: '10' });
      const rest = await consumeWithGroup(kafka, 'adm-offsets', 3, 'adm-offsets-reader');
      expect(rest.map((m) => [m.offset, m.value!.toString()])).to.deep.equal([['7', 'v7'], ['8', 'v8'], ['9', 'v9']]);
    });
  });

  describe('producer and consumer', () => {
    const compressions: Array<[string, kafkajs.CompressionTypes]> = [
      ['none', CompressionTypes.None],
      ['gzip', CompressionTypes.GZIP],
      ['snappy', CompressionTypes.Snappy],
      ['lz4', CompressionTypes.LZ4],
      ['zstd', CompressionTypes.ZSTD],
    ];
    const acksList = [0, 1, -1];

    /** 3 batches of 40 records with keys (some null), headers and distinct, non-monotonic timestamps. */
    function messagesFor(tag: string, batch: number): kafkajs.Message[] {
      const base = 1_600_000_000_000 + batch * 100_000;
      return Array.from({ length: 40 }, (_, i) => ({
        key: i % 7 === 0 ? null : `${tag}-k${i % 5}`,
        value: i % 11 === 0 ? Buffer.alloc(0) : Buffer.from(`${tag}-b${batch}-v${i}-${'z'.repeat(i * 13)}`),
        headers: i % 3 === 0 ? {} : { 'h-one': `one-${i}`, bin: Buffer.from([0, 1, 2, 255, i]) },
        timestamp: String(base + ((i * 37) % 40) * 10),
      }));
    }

    function expectExact(got: ReceivedMessage[], sent: kafkajs.Message[]): void {
      expect(got.map((m) => m.offset)).to.deep.equal(sent.map((_, i) => String(i)));
      got.forEach((m, i) => {
        const s = sent[i]!;
        const ctx = `record ${i}`;
        expect(m.key === null ? null : m.key.toString(), ctx).to.equal(s.key === null ? null : String(s.key));
        expect(m.value?.equals(s.value as Buffer), ctx).to.equal(true);
        expect(m.timestamp, ctx).to.equal(s.timestamp);
        const headers = Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, (v as Buffer).toString('hex')]));
        const sentHeaders = Object.fromEntries(Object.entries(s.headers ?? {}).map(([k, v]) => [k, Buffer.from(v as string | Buffer).toString('hex')]));
        expect(headers, ctx).to.deep.equal(sentHeaders);
      });
    }

    for (const [codecName, codec] of compressions) {
      it(`sends with acks 0, 1 and -1 and ${codecName} compression; a group consumer reads every record back exactly`, async () => {
        const topic = `kjs-${codecName}`;
        await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
        const sent: kafkajs.Message[] = [];
        for (const [i, acks] of acksList.entries()) {
          const messages = messagesFor(codecName, i);
          const r = await producer.send({ topic, acks, compression: codec, messages });
          sent.push(...messages);
          if (acks !== 0) expect(r[0]).to.deep.include({ topicName: topic, partition: 0, errorCode: 0, baseOffset: String(i * 40) });
          // acks=0 gets no answer: wait until the broker has appended it before the next batch.
          else await eventually(async () => (await admin.fetchTopicOffsets(topic))[0]!.high === String((i + 1) * 40), 10_000, 'acks=0 batch appended');
        }
        const got = await consumeWithGroup(kafka, topic, sent.length, `reader-${codecName}`);
        expectExact(got, sent);
      });
    }

    it('keeps the order of 2,000 records sent in many small batches across 3 partitions, per partition', async () => {
      const topic = 'kjs-order';
      await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
      for (let b = 0; b < 20; b++) {
        await producer.send({ topic, acks: 1, compression: CompressionTypes.GZIP, messages: Array.from({ length: 100 }, (_, i) => ({ partition: (b * 100 + i) % 3, value: String(b * 100 + i) })) });
      }
      const got = await consumeWithGroup(kafka, topic, 2000, 'reader-order');
      for (let p = 0; p < 3; p++) {
        const values = got.filter((m) => m.partition === p).map((m) => Number(m.value!.toString()));
        const expected = Array.from({ length: 2000 }, (_, i) => i).filter((i) => i % 3 === p);
        expect(values, `partition ${p}`).to.deep.equal(expected);
      }
    });

    it('rejects a record larger than max.message.bytes with MESSAGE_TOO_LARGE', async () => {
      await admin.createTopics({ topics: [{ topic: 'kjs-small', numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '2000' }] }], waitForLeaders: true });
      const p = kafka.producer({ retry: { retries: 0 } });
      await p.connect();
      try {
        await expectRejectCode(p.send({ topic: 'kjs-small', acks: -1, messages: [{ value: Buffer.alloc(5000, 1) }] }), 'MESSAGE_TOO_LARGE');
      } finally {
        await p.disconnect();
      }
    });
  });
});

/** Resolves when `p` rejects with a KafkaJSProtocolError of the given type (possibly wrapped). */
async function expectRejectCode(p: Promise<unknown>, type: string): Promise<void> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err, `expected a ${type} rejection`).to.not.equal(undefined);
  const types = new Set<string>();
  const visit = (e: unknown): void => {
    if (!e || typeof e !== 'object') return;
    const o = e as { type?: string; originalError?: unknown; errors?: unknown[]; cause?: unknown };
    if (o.type) types.add(o.type);
    visit(o.originalError);
    visit(o.cause);
    o.errors?.forEach(visit);
  };
  visit(err);
  expect([...types], String(err)).to.include(type);
}
