/**
 * Exactly-once under failure, on three real broker processes: an idempotent librdkafka producer
 * while its partition's leader is killed -9, an idempotent kafkajs producer across clean leader
 * moves (controlled shutdown, preferred-leader election), a kafkajs consume-transform-produce loop
 * whose group coordinator is killed -9 in the middle, and transaction coordinator failover (a
 * commit caught between EndTxn and its markers, and a transaction left open by a killed
 * coordinator that the next producer initialisation fences and aborts).
 *
 * kafkajs under hard kills is not tested for idempotence: after a failed request it rolls back
 * the sequence numbers of every partition in it, including batches the broker wrote
 * (tulios/kafkajs#598), so a broker that follows Kafka's rules answers its later batches as
 * duplicates or out of order.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import type kafkajs from 'kafkajs';
import { createTopic, eventually, kafkajsClient, kcat, request, useCluster } from './support.js';
import type { RunningCluster } from '../../lib/testing/cluster.js';
import { partitionForTransactionalId } from '../../lib/coordinator/transaction/transaction-log.js';

const TXN_LOG_PARTITIONS = 3;

const IDEMPOTENT_PRODUCER = String.raw`
import json, sys, time
from confluent_kafka import Producer
bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
errors = []
acked = [0]
def on_delivery(err, msg):
    if err is None:
        acked[0] += 1
    else:
        errors.append(str(err))
def on_error(e):
    if e.fatal():
        errors.append('fatal: ' + str(e))
p = Producer({'bootstrap.servers': bootstrap, 'enable.idempotence': True, 'acks': 'all', 'linger.ms': 5,
              'message.timeout.ms': 120000, 'retry.backoff.ms': 100, 'topic.metadata.refresh.interval.ms': 1000,
              'error_cb': on_error})
for i in range(count):
    while True:
        try:
            p.produce(topic, value=str(i).encode(), partition=0, on_delivery=on_delivery)
            break
        except BufferError:
            p.poll(0.05)
    if i % 100 == 99:
        p.poll(0)
        time.sleep(0.05)
left = p.flush(150)
print(json.dumps({'acked': acked[0], 'unflushed': left, 'errors': errors[:20]}))
`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Brokers frozen with SIGSTOP (they would hold a request until resumed). */
const paused = new Set<number>();

async function anyBootstrap(cluster: RunningCluster): Promise<string> {
  return cluster.brokers.find((b) => b.isRunning && !paused.has(b.brokerId))!.bootstrap;
}

async function partitionState(cluster: RunningCluster, topic: string, partition: number): Promise<{ leader: number; replicas: number[]; isr: number[] }> {
  const m = await request(await anyBootstrap(cluster), 3, 1, { topics: [{ name: topic }] });
  const p = m.topics[0]?.partitions.find((x) => x.partitionIndex === partition);
  if (!p) throw new Error(`no metadata for ${topic}-${partition}`);
  return { leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes };
}

/** The coordinator's broker id (keyType 0 group, 1 transactional id), retried until one answers. */
async function findCoordinator(cluster: RunningCluster, key: string, keyType: 0 | 1, notId = -1): Promise<number> {
  return eventually(async () => {
    const r = await request(await anyBootstrap(cluster), 10, 1, { key, keyType });
    return r.errorCode === 0 && r.nodeId !== notId ? r.nodeId : undefined;
  }, 60_000, `coordinator of ${key}`);
}

async function describeTransaction(cluster: RunningCluster, brokerId: number, transactionalId: string): Promise<{ error: number; state: string; producerId: bigint; producerEpoch: number }> {
  const r = await request(cluster.broker(brokerId).bootstrap, 65, 0, { transactionalIds: [transactionalId] });
  const s = r.transactionStates[0]!;
  return { error: s.errorCode, state: s.transactionState, producerId: s.producerId, producerEpoch: s.producerEpoch };
}

/** Every value of a topic as a librdkafka consumer with the given isolation level reads it (to its end / last stable offset). */
async function readTopic(cluster: RunningCluster, topic: string, isolation: 'read_committed' | 'read_uncommitted', format = '%s\\n'): Promise<string[]> {
  const r = await kcat(['-b', cluster.bootstrapServers.join(','), '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-X', `isolation.level=${isolation}`, '-f', format], undefined, 120_000);
  if (r.code !== 0) throw new Error(`kcat failed: ${r.stderr}`);
  return r.stdout.toString().split('\n').filter(Boolean);
}

async function allRunning(cluster: RunningCluster): Promise<void> {
  for (const b of cluster.brokers) if (!b.isRunning) await b.start(60_000);
  await cluster.waitUntilReady(60_000, cluster.brokers.length);
}

/** Waits until every replica of the partition is back in its ISR. */
async function fullIsr(cluster: RunningCluster, topic: string, partition: number): Promise<void> {
  await eventually(async () => {
    const s = await partitionState(cluster, topic, partition);
    return s.leader >= 0 && s.isr.length === s.replicas.length;
  }, 60_000, `full ISR of ${topic}-${partition}`);
}

describe('exactly-once under broker failures (three brokers)', function () {
  this.timeout(180_000);
  const cluster = useCluster({
    brokers: 3,
    overrides: {
      'zookeeper.session.timeout.ms': 6000,
      'replica.lag.time.max.ms': 5000,
      'group.initial.rebalance.delay.ms': 0,
      'offsets.topic.num.partitions': 3,
      'transaction.state.log.num.partitions': TXN_LOG_PARTITIONS,
      // Two replicas: the broker that holds none of a transactional id's log partition can be
      // paused without stalling the coordinator's own appends.
      'transaction.state.log.replication.factor': 2,
      'transaction.state.log.min.isr': 1,
    },
  });

  beforeEach(async () => {
    await allRunning(cluster());
  });

  it('librdkafka idempotent producer: the leader killed -9 mid-stream, each record is stored once, in order', async () => {
    await createTopic(cluster(), 'eos-idem-rd', 1, 3, { 'min.insync.replicas': '2' });
    const count = 20_000; // about 11 s of producing
    const child = spawn('/usr/bin/python3', ['-c', IDEMPOTENT_PRODUCER, cluster().bootstrapServers.join(','), 'eos-idem-rd', String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

    await sleep(1500);
    const victim = cluster().broker((await partitionState(cluster(), 'eos-idem-rd', 0)).leader);
    await victim.kill9();
    const killedAt = Date.now();
    await eventually(async () => {
      const s = await partitionState(cluster(), 'eos-idem-rd', 0);
      return s.leader >= 0 && s.leader !== victim.brokerId;
    }, 30_000, 'a new leader');
    // Restarted once its old ZooKeeper session is gone: a broker restarted earlier serves clients
    // while it waits for that session to expire, with an empty metadata cache (see the report).
    await sleep(Math.max(0, killedAt + 7000 - Date.now()));
    expect(child.exitCode, 'the producer is still streaming when the old leader restarts').to.equal(null);
    await victim.start(60_000);

    expect(await exited, err.slice(-2000)).to.equal(0);
    const result = JSON.parse(out) as { acked: number; unflushed: number; errors: string[] };
    expect(result.errors).to.deep.equal([]);
    expect(result.acked).to.equal(count);
    const values = await readTopic(cluster(), 'eos-idem-rd', 'read_uncommitted');
    expect(values.length, 'records stored').to.equal(count);
    expect(values.map(Number)).to.deep.equal(Array.from({ length: count }, (_, i) => i));
  });

  it('kafkajs idempotent producer: leadership moved by controlled shutdown and by preferred election, no duplicates, no gaps', async () => {
    await createTopic(cluster(), 'eos-idem-js', 1, 3, { 'min.insync.replicas': '2' });
    const kafka = kafkajsClient(cluster(), 'eos-idem-js', { retry: { initialRetryTime: 100, retries: 10 } });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const first = await partitionState(cluster(), 'eos-idem-js', 0);
    const victim = cluster().broker(first.leader);
    let moves: Promise<void> | undefined;
    let movesDone = false;
    let batches = 0;
    try {
      // Produce until both leadership moves are over, then 20 batches more.
      for (let b = 0, after = 0; after < 20; b++) {
        if (b === 40) {
          moves = (async () => {
            await victim.stop(30_000); // SIGTERM: controlled shutdown moves its leaderships first
            const during = await partitionState(cluster(), 'eos-idem-js', 0);
            expect(during.leader, 'leader while the old one is down').to.not.be.oneOf([-1, victim.brokerId]);
            await victim.start(60_000);
            await fullIsr(cluster(), 'eos-idem-js', 0);
            // Back to the preferred replica (the first of the assignment) with ElectLeaders.
            const meta = await cluster().waitUntilReady(30_000, 3);
            const r = await request(cluster().broker(meta.controllerId).bootstrap, 43, 1,
              { electionType: 0, topicPartitions: [{ topic: 'eos-idem-js', partitions: [0] }], timeoutMs: 30_000 });
            expect(r.errorCode).to.equal(0);
          })().finally(() => (movesDone = true));
        }
        await producer.send({ topic: 'eos-idem-js', acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ value: String(b * 10 + i) })) });
        batches = b + 1;
        if (movesDone) after++;
        else if (b >= 40) await sleep(50); // keep the stream going while leadership moves
      }
      await moves;
    } finally {
      await producer.disconnect();
    }
    const preferred = (await partitionState(cluster(), 'eos-idem-js', 0));
    expect(preferred.leader, 'leader after the preferred election').to.equal(preferred.replicas[0]);
    const values = await readTopic(cluster(), 'eos-idem-js', 'read_uncommitted');
    expect(values.map(Number)).to.deep.equal(Array.from({ length: batches * 10 }, (_, i) => i));
  });

  it('kafkajs consume-transform-produce over 10,000 records, group coordinator killed -9 during it: exactly 10,000 committed outputs, each input once', async () => {
    const inputs = 10_000;
    await createTopic(cluster(), 'ctp-in', 3, 3, { 'min.insync.replicas': '2' });
    await createTopic(cluster(), 'ctp-out', 3, 3, { 'min.insync.replicas': '2' });
    const kafka = kafkajsClient(cluster(), 'ctp', { retry: { initialRetryTime: 100, retries: 10 } });
    const feeder = kafka.producer();
    await feeder.connect();
    for (let i = 0; i < inputs; i += 300) {
      await feeder.send({ topic: 'ctp-in', acks: -1, messages: Array.from({ length: Math.min(300, inputs - i) }, (_, j) => ({ key: String(i + j), value: String(i + j) })) });
    }
    await feeder.disconnect();

    const groupId = 'ctp-group';
    const admin = kafka.admin();
    await admin.connect();
    const committedInputs = async (): Promise<number> => {
      const o = await admin.fetchOffsets({ groupId, topics: ['ctp-in'] });
      return o[0]!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    };
    let outputsAcked = 0;
    let incarnations = 0;
    let killed: Promise<void> | undefined;
    const deadline = Date.now() + 120_000;
    try {
      while (Date.now() < deadline && (await committedInputs().catch(() => 0)) < inputs) {
        incarnations++;
        // As a kafkajs user recovers: a fresh transactional producer first (its InitProducerId
        // fences the previous one and waits for its transaction to complete), then a consumer
        // that resumes from the committed offsets.
        const producer = kafka.producer({ transactionalId: 'ctp-txn', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 20_000 });
        const consumer = kafka.consumer({
          groupId, readUncommitted: false, sessionTimeout: 6000, rebalanceTimeout: 10_000, heartbeatInterval: 500,
          maxWaitTimeInMs: 200, maxBytesPerPartition: 1024, retry: { retries: 3, initialRetryTime: 100 },
        });
        let fail: (e: unknown) => void = () => undefined;
        const failed = new Promise<unknown>((resolve) => (fail = resolve));
        let failure: unknown;
        const onFail = (e: unknown): void => {
          failure ??= e;
          fail(e);
        };
        consumer.on(consumer.events.CRASH, (e) => onFail(e.payload.error));
        try {
          await producer.connect();
          await consumer.connect();
          await consumer.subscribe({ topics: ['ctp-in'], fromBeginning: true });
          await consumer.run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              if (failure !== undefined) throw failure as Error; // never produce after a failure: only a new incarnation resumes
              if (batch.messages.length === 0) return;
              const last = batch.messages[batch.messages.length - 1]!;
              const txn = await producer.transaction();
              try {
                await txn.send({ topic: 'ctp-out', messages: batch.messages.map((m) => ({ key: m.key, value: `out-${String(m.value)}` })) });
                await txn.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(BigInt(last.offset) + 1n) }] }] });
                await txn.commit();
              } catch (e) {
                await txn.abort().catch(() => undefined);
                onFail(e);
                throw e;
              }
              outputsAcked += batch.messages.length;
              if (!killed && outputsAcked >= 2500) {
                const coordinator = cluster().broker(await findCoordinator(cluster(), groupId, 0));
                killed = (async () => {
                  await coordinator.kill9();
                  await sleep(1000);
                  await coordinator.start(60_000);
                })();
              }
            },
          });
          while (failure === undefined && Date.now() < deadline && (await committedInputs().catch(() => 0)) < inputs) {
            await Promise.race([failed, sleep(500)]);
          }
        } catch (e) {
          onFail(e);
        } finally {
          await Promise.race([consumer.disconnect().catch(() => undefined), sleep(15_000)]);
          await Promise.race([producer.disconnect().catch(() => undefined), sleep(15_000)]);
        }
        if (failure !== undefined) await sleep(500);
      }
      await killed;
      expect(killed, 'the group coordinator was killed during the loop').to.not.equal(undefined);
      expect(await committedInputs()).to.equal(inputs);
    } finally {
      await admin.disconnect();
    }
    const lines = await readTopic(cluster(), 'ctp-out', 'read_committed', '%k %s\\n');
    const keys = lines.map((l) => l.split(' ')[0]!);
    expect(lines.length, `committed outputs (${incarnations} incarnations)`).to.equal(inputs);
    expect(new Set(keys).size, 'distinct inputs transformed').to.equal(inputs);
    for (const l of lines) {
      const [k, v] = l.split(' ');
      expect(v).to.equal(`out-${k}`);
    }
  });

  it('group coordinator failover: the new coordinator applies offsets of committed transactions only and keeps open ones pending until their marker', async () => {
    await createTopic(cluster(), 'gc-in', 1, 3);
    const groupId = 'gc-txn-group';
    const kafka = kafkajsClient(cluster(), 'gc', { retry: { initialRetryTime: 200, retries: 12 } });
    const offsetTxn = async (transactionalId: string, offset: string): Promise<{ producer: kafkajs.Producer; txn: kafkajs.Transaction }> => {
      const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout: 60_000 });
      await producer.connect();
      const txn = await producer.transaction();
      await txn.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: 'gc-in', partitions: [{ partition: 0, offset }] }] });
      return { producer, txn };
    };
    const committed = await offsetTxn('gc-committed', '5');
    await committed.txn.commit();
    const aborted = await offsetTxn('gc-aborted', '9');
    await aborted.txn.abort();
    const open = await offsetTxn('gc-open', '7');
    const admin = kafka.admin();
    await admin.connect();
    const committedOffset = async (): Promise<string> => (await admin.fetchOffsets({ groupId, topics: ['gc-in'] }))[0]!.partitions[0]!.offset;
    try {
      await eventually(async () => (await committedOffset()) === '5', 20_000, 'offset 5 before the failover');
      const first = await findCoordinator(cluster(), groupId, 0);
      await cluster().broker(first).kill9();
      await findCoordinator(cluster(), groupId, 0, first);
      // Loaded from the log: the aborted transaction's 9 and the open one's 7 are not applied.
      expect(await eventually(async () => committedOffset().catch(() => undefined), 30_000, 'offsets at the new coordinator')).to.equal('5');
      await open.txn.commit(); // its COMMIT marker reaches the new coordinator, which held 7 pending
      await eventually(async () => (await committedOffset().catch(() => '')) === '7', 30_000, 'offset 7 after the commit');
    } finally {
      await admin.disconnect();
      for (const p of [committed, aborted, open]) await p.producer.disconnect().catch(() => undefined);
    }
  });

  it('transaction coordinator failover: completes a commit caught before its markers, and the next producer fences and aborts a transaction left open', async () => {
    // Create __transaction_state, then pick an id whose log partition has no replica on some broker.
    await findCoordinator(cluster(), 'tc-bootstrap', 1);
    const transactionalId = 'tc-failover';
    const txnPartition = partitionForTransactionalId(transactionalId, TXN_LOG_PARTITIONS);
    await fullIsr(cluster(), '__transaction_state', txnPartition);
    const txnLog = await partitionState(cluster(), '__transaction_state', txnPartition);
    const dataBrokerId = cluster().brokers.map((b) => b.brokerId).find((id) => !txnLog.replicas.includes(id))!;
    const meta = await cluster().waitUntilReady(30_000, 3);
    const created = await request(cluster().broker(meta.controllerId).bootstrap, 19, 5, {
      topics: [{ name: 'tc-data', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [dataBrokerId] }], configs: [] }],
      timeoutMs: 30_000, validateOnly: false,
    });
    expect(created.topics[0]!.errorCode).to.equal(0);
    await eventually(async () => (await partitionState(cluster(), 'tc-data', 0)).leader === dataBrokerId, 30_000, 'leader of tc-data');

    const kafka = kafkajsClient(cluster(), 'tc', { retry: { initialRetryTime: 200, retries: 12 } });
    const zombie = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout: 60_000 });
    await zombie.connect();
    const firstCoordinator = await findCoordinator(cluster(), transactionalId, 1);
    expect(firstCoordinator).to.equal(txnLog.leader);
    const t1 = await zombie.transaction();
    await t1.send({ topic: 'tc-data', messages: [{ value: 'committed-1' }, { value: 'committed-2' }] });

    // Phase 1: the data partition's leader is frozen, so EndTxn(commit) writes PrepareCommit but the
    // markers cannot land; then the coordinator dies. Its successor must complete the commit.
    const dataBroker = cluster().broker(dataBrokerId);
    dataBroker.pause();
    paused.add(dataBrokerId);
    try {
      await t1.commit();
      expect((await describeTransaction(cluster(), firstCoordinator, transactionalId)).state).to.equal('PrepareCommit');
      await cluster().broker(firstCoordinator).kill9();
      await sleep(1000);
    } finally {
      dataBroker.resume();
      paused.delete(dataBrokerId);
    }
    const secondCoordinator = await findCoordinator(cluster(), transactionalId, 1, firstCoordinator);
    await eventually(async () => (await describeTransaction(cluster(), secondCoordinator, transactionalId)).state === 'CompleteCommit', 60_000, 'CompleteCommit at the new coordinator');
    expect(await readTopic(cluster(), 'tc-data', 'read_committed')).to.deep.equal(['committed-1', 'committed-2']);

    // Phase 2: a transaction is open when its coordinator is killed; the next InitProducerId with
    // the same id (at the next coordinator) fences the old producer and aborts the transaction.
    await cluster().broker(firstCoordinator).start(60_000);
    await fullIsr(cluster(), '__transaction_state', txnPartition);
    const t2 = await zombie.transaction();
    await t2.send({ topic: 'tc-data', messages: [{ value: 'zombie' }] });
    const zombieTxn = await describeTransaction(cluster(), secondCoordinator, transactionalId);
    expect(zombieTxn.state).to.equal('Ongoing');
    await cluster().broker(secondCoordinator).kill9();

    const thirdCoordinator = await findCoordinator(cluster(), transactionalId, 1, secondCoordinator);
    expect(thirdCoordinator).to.equal(firstCoordinator);
    const fresh = kafkajsClient(cluster(), 'tc-fresh', { retry: { initialRetryTime: 200, retries: 12 } })
      .producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
    // As a user would: retry the connection (InitProducerId) while the coordinator loads and aborts.
    for (let attempt = 1; ; attempt++) {
      try {
        await fresh.connect();
        break;
      } catch (e) {
        if (attempt >= 3) throw e;
      }
    }
    const t3 = await fresh.transaction();
    await t3.send({ topic: 'tc-data', messages: [{ value: 'fresh' }] });
    await t3.commit();
    await fresh.disconnect();
    // The zombie's EndTxn, at the coordinator now serving its id, is fenced (kafkajs's own retry
    // may not even get there: it keeps the dead coordinator cached and fails with a connection error).
    const zombieEnd = await request(cluster().broker(thirdCoordinator).bootstrap, 26, 2,
      { transactionalId, producerId: zombieTxn.producerId, producerEpoch: zombieTxn.producerEpoch, committed: true });
    expect(zombieEnd.errorCode, 'EndTxn of the zombie').to.be.oneOf([90 /* PRODUCER_FENCED */, 47 /* INVALID_PRODUCER_EPOCH */]);
    // kafkajs retries the zombie's commit against the coordinator it has cached (the dead one) with
    // exponential backoff for minutes; the fencing itself is asserted above on the wire, so only
    // the client's outcome is checked here, within a bound: it must not report a commit.
    const zombieOutcome = await Promise.race([
      t2.commit().then(() => 'committed', () => 'failed'),
      sleep(20_000).then(() => 'still retrying'),
    ]);
    expect(zombieOutcome, 'the zombie producer cannot commit').to.not.equal('committed');
    await Promise.race([zombie.disconnect().catch(() => undefined), sleep(5000)]);

    expect(await readTopic(cluster(), 'tc-data', 'read_committed')).to.deep.equal(['committed-1', 'committed-2', 'fresh']);
    expect(await readTopic(cluster(), 'tc-data', 'read_uncommitted')).to.deep.equal(['committed-1', 'committed-2', 'zombie', 'fresh']);
    expect((await describeTransaction(cluster(), thirdCoordinator, transactionalId)).state).to.equal('CompleteCommit');
  });
});
