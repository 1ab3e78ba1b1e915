/**
 * Exactly-once with kafkajs 2.2.4 on a real broker: idempotent producer, transactions committed
 * and aborted as read_committed / read_uncommitted consumers see them, sendOffsets, fencing of a
 * zombie producer, and the transactional APIs' answers on the wire.
 */
import { expect } from 'chai';
import type kafkajs from 'kafkajs';
import { consumeWithGroup, createTopic, kafkajsClient, python, request, useCluster } from './support.js';
import { ApiKeys } from '../../lib/protocol/index.js';

describe('transactions and idempotence (kafkajs 2.2.4, one broker)', function () {
  this.timeout(120_000);
  const cluster = useCluster({
    brokers: 1,
    overrides: { 'group.initial.rebalance.delay.ms': 0, 'offsets.topic.num.partitions': 3, 'transaction.state.log.num.partitions': 3 },
  });
  let kafka: kafkajs.Kafka;

  before(() => {
    kafka = kafkajsClient(cluster(), 'txn-spec');
  });

  it('writes each record of an idempotent producer once, in order', async () => {
    await createTopic(cluster(), 'idem', 1);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < 20; i++) await producer.send({ topic: 'idem', acks: -1, messages: [{ value: `v${i}` }] });
    await producer.disconnect();
    const got = await consumeWithGroup(kafka, 'idem', 20, 'idem-g');
    expect(got.map((m) => String(m.value))).to.deep.equal(Array.from({ length: 20 }, (_, i) => `v${i}`));
  });

  it('shows committed records to read_committed consumers and hides aborted ones from them only', async () => {
    await createTopic(cluster(), 'txn-vis', 1);
    const producer = kafka.producer({ transactionalId: 'tx-vis', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    let t = await producer.transaction();
    await t.send({ topic: 'txn-vis', messages: [{ value: 'c1' }, { value: 'c2' }] });
    await t.commit();
    t = await producer.transaction();
    await t.send({ topic: 'txn-vis', messages: [{ value: 'a1' }] });
    await t.abort();
    t = await producer.transaction();
    await t.send({ topic: 'txn-vis', messages: [{ value: 'c3' }] });
    await t.commit();
    await producer.disconnect();
    const committed = await consumeWithGroup(kafka, 'txn-vis', 3, 'vis-rc', 30_000, { readUncommitted: false });
    expect(committed.map((m) => String(m.value))).to.deep.equal(['c1', 'c2', 'c3']);
    const all = await consumeWithGroup(kafka, 'txn-vis', 4, 'vis-ru', 30_000, { readUncommitted: true });
    expect(all.map((m) => String(m.value))).to.deep.equal(['c1', 'c2', 'a1', 'c3']);
  });

  it('commits consumer offsets atomically with the output (sendOffsets)', async () => {
    await createTopic(cluster(), 'txn-out', 1);
    const producer = kafka.producer({ transactionalId: 'tx-offsets', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const t = await producer.transaction();
    await t.send({ topic: 'txn-out', messages: [{ value: 'x' }] });
    await t.sendOffsets({ consumerGroupId: 'eos-group', topics: [{ topic: 'txn-out', partitions: [{ partition: 0, offset: '7' }] }] });
    await t.commit();
    const t2 = await producer.transaction();
    await t2.sendOffsets({ consumerGroupId: 'eos-group', topics: [{ topic: 'txn-out', partitions: [{ partition: 0, offset: '9' }] }] });
    await t2.abort();
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId: 'eos-group', topics: ['txn-out'] });
    await admin.disconnect();
    expect(offsets[0]!.partitions[0]!.offset).to.equal('7');
  });

  it('fences a zombie producer whose epoch is old', async () => {
    await createTopic(cluster(), 'txn-zombie', 1);
    const zombie = kafka.producer({ transactionalId: 'tx-zombie', idempotent: true, maxInFlightRequests: 1});
    await zombie.connect();
    const zt = await zombie.transaction();
    await zt.send({ topic: 'txn-zombie', messages: [{ value: 'zombie' }] });
    const fresh = kafka.producer({ transactionalId: 'tx-zombie', idempotent: true, maxInFlightRequests: 1 });
    await fresh.connect(); // InitProducerId bumps the epoch and aborts the zombie's transaction
    const ft = await fresh.transaction();
    await ft.send({ topic: 'txn-zombie', messages: [{ value: 'fresh' }] });
    await ft.commit();
    let error: unknown;
    try {
      await zt.commit();
    } catch (err) {
      error = err;
    }
    expect((error as { type?: string } | undefined)?.type).to.be.oneOf(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH']);
    await zombie.disconnect().catch(() => undefined);
    await fresh.disconnect();
    const got = await consumeWithGroup(kafka, 'txn-zombie', 1, 'zombie-rc', 30_000, { readUncommitted: false });
    expect(got.map((m) => String(m.value))).to.deep.equal(['fresh']);
  });

  it('answers InitProducerId for idempotent producers with ids from a ZooKeeper block', async () => {
    const bootstrap = cluster().brokers[0]!.bootstrap;
    const a = await request(bootstrap, ApiKeys.INIT_PRODUCER_ID, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 });
    const b = await request(bootstrap, ApiKeys.INIT_PRODUCER_ID, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 });
    expect(a.errorCode).to.equal(0);
    expect(b.producerId).to.equal(a.producerId + 1n);
    expect(a.producerEpoch).to.equal(0);
  });

  it('runs confluent-kafka-python transactions (init, begin, commit, abort)', async () => {
    await createTopic(cluster(), 'py-txn', 1);
    const script = `
import sys
from confluent_kafka import Producer, Consumer
bs = sys.argv[1]
p = Producer({'bootstrap.servers': bs, 'transactional.id': 'py-tx', 'enable.idempotence': True})
p.init_transactions(30)
p.begin_transaction(); p.produce('py-txn', b'keep1'); p.produce('py-txn', b'keep2'); p.commit_transaction(30)
p.begin_transaction(); p.produce('py-txn', b'drop'); p.abort_transaction(30)
c = Consumer({'bootstrap.servers': bs, 'group.id': 'py-txn-g', 'auto.offset.reset': 'earliest', 'isolation.level': 'read_committed'})
c.subscribe(['py-txn'])
got = []
for _ in range(60):
    m = c.poll(0.5)
    if m is not None and m.error() is None:
        got.append(m.value().decode())
    if len(got) >= 2:
        break
c.close()
print(','.join(got))
`;
    const r = await python(script, [cluster().brokers[0]!.bootstrap], 90_000);
    expect(r.stdout.toString().trim(), String(r.stderr)).to.equal('keep1,keep2');
  });
});
