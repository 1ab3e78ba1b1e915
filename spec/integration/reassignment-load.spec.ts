/**
 * The heavy reassignment scenarios, on real broker processes and ZooKeeper with librdkafka
 * clients (confluent-kafka-python): a cluster grown from 3 to 4 brokers while an acks=all producer
 * and a consumer group run, half of a 12-partition RF=3 topic moved onto the new broker (three
 * partitions through /admin/reassign_partitions, three through the API) with no acknowledged record
 * lost; and a replication factor raised from 1 to 3 for a topic holding 100 MB, then lowered to 2.
 *
 * Sizes (chosen to keep this file near two minutes on a shared 2-core machine): the producer
 * writes ~1,000 records/s of ~100 bytes for the whole expansion (about 20 s); the RF change moves
 * 100 MB (100,000 records of 1 KB) to two new replicas.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { eventually, kcat, request, startBackground, useCluster, withZk } from './support.js';
import type { RunningCluster } from '../../lib/testing/cluster.js';
import { ReassignPartitionsZNode } from '../../lib/zk/admin-znodes.js';

interface PartitionView { partition: number; leader: number; isr: number[]; replicas: number[] }

async function topicView(c: RunningCluster, topic: string): Promise<PartitionView[]> {
  const b = c.brokers.find((x) => x.isRunning)!;
  const m = await request(b.bootstrap, 3, 9, { topics: [{ name: topic }], allowAutoTopicCreation: false });
  return m.topics[0]!.partitions.map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, isr: [...p.isrNodes].sort(), replicas: [...p.replicaNodes] }))
    .sort((a, b) => a.partition - b.partition);
}

async function controllerBootstrap(c: RunningCluster): Promise<string> {
  return c.broker((await c.waitUntilReady(60_000, c.brokers.filter((b) => b.isRunning).length)).controllerId).bootstrap;
}

async function ongoingCount(c: RunningCluster): Promise<number> {
  const r = await request(await controllerBootstrap(c), 46, 0, { timeoutMs: 30_000, topics: null });
  return r.topics.reduce((n, t) => n + t.partitions.length, 0);
}

async function alter(c: RunningCluster, topic: string, moves: Array<[number, number[]]>): Promise<number[]> {
  const r = await request(await controllerBootstrap(c), 45, 0, { timeoutMs: 30_000, topics: [{ name: topic, partitions: moves.map(([partitionIndex, replicas]) => ({ partitionIndex, replicas })) }] });
  return r.responses.flatMap((t) => t.partitions.map((p) => p.errorCode));
}

const bootstrapOf = (c: RunningCluster): string => c.brokers.filter((b) => b.isRunning).map((b) => b.bootstrap).join(',');

/** acks=all producer: ~1,000 records/s until the stop file appears; prints `A <value>` per acknowledged record, then `DONE`. */
const PRODUCER = `
import sys, os, time
from confluent_kafka import Producer
B, topic, stop = sys.argv[1], sys.argv[2], sys.argv[3]
def dr(err, msg):
    if err is None:
        sys.stdout.write('A %s\\n' % msg.value().decode())
p = Producer({'bootstrap.servers': B, 'acks': 'all', 'linger.ms': 5, 'message.timeout.ms': 120000, 'retries': 1000000, 'retry.backoff.ms': 100})
i = 0
while not os.path.exists(stop):
    for _ in range(20):
        p.produce(topic, key=str(i).encode(), value=('v%08d-' % i + 'x' * 90).encode(), on_delivery=dr)
        i += 1
    p.poll(0)
    time.sleep(0.02)
p.flush(120)
sys.stdout.write('DONE %d\\n' % i)
sys.stdout.flush()
`;

/** Group consumer: prints `C <value>` per record until the stop file appears. */
const CONSUMER = `
import sys, os
from confluent_kafka import Consumer
B, topic, group, stop = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
c = Consumer({'bootstrap.servers': B, 'group.id': group, 'auto.offset.reset': 'earliest', 'enable.auto.commit': True, 'session.timeout.ms': 10000})
c.subscribe([topic])
while not os.path.exists(stop):
    m = c.poll(0.5)
    if m is None or m.error():
        continue
    sys.stdout.write('C %s\\n' % m.value().decode())
    sys.stdout.flush()
c.close()
`;

describe('partition reassignment under load', function () {
  this.timeout(600_000);
  const cluster = useCluster({
    brokers: 4,
    overrides: {
      'auto.leader.rebalance.enable': false,
      'controlled.shutdown.retry.backoff.ms': 500,
      'group.initial.rebalance.delay.ms': 0,
      'offsets.topic.num.partitions': 6,
    },
  });

  it('expansion: broker 3 joins a 3-broker cluster and takes half of a 12-partition RF=3 topic under an acks=all producer and a consumer group; no acknowledged record is lost and leaders end on 4 brokers', async () => {
    const c = cluster();
    await c.broker(3).stop(60_000);
    await c.waitUntilReady(60_000, 3);
    const created = await request(await controllerBootstrap(c), 19, 5, {
      topics: [{ name: 'grow-load', numPartitions: 12, replicationFactor: 3, assignments: [], configs: [{ name: 'min.insync.replicas', value: '2' }] }],
      timeoutMs: 30_000,
      validateOnly: false,
    });
    expect(created.topics[0]!.errorCode).to.equal(0);
    await eventually(async () => (await topicView(c, 'grow-load')).every((p) => p.leader >= 0 && p.isr.length === 3), 30_000, 'topic online');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-expand-'));
    const stopProducer = path.join(tmp, 'stop-producer');
    const stopConsumer = path.join(tmp, 'stop-consumer');
    const producer = startBackground('/usr/bin/python3', ['-c', PRODUCER, bootstrapOf(c), 'grow-load', stopProducer]);
    const consumer = startBackground('/usr/bin/python3', ['-c', CONSUMER, bootstrapOf(c), 'grow-load', 'expansion-group', stopConsumer]);
    try {
      await eventually(async () => producer.lines().length > 2000 && consumer.lines().length > 1000, 60_000, 'producer and consumer running');
      await c.broker(3).start(60_000);
      await c.waitUntilReady(60_000, 4);
      // Half the partitions move onto broker 3 in place of their current leader (3 first, so it leads them).
      const before = await topicView(c, 'grow-load');
      const moves = before.slice(0, 6).map((p): [number, number[]] => [p.partition, [3, ...p.replicas.filter((r) => r !== p.leader)]]);
      await withZk(c, (zk) => zk.createPartitionReassignment(new Map(moves.slice(0, 3).map(([partition, replicas]) => [{ topic: 'grow-load', partition }, replicas]))));
      expect(await alter(c, 'grow-load', moves.slice(3))).to.deep.equal([0, 0, 0]);
      await eventually(async () => (await ongoingCount(c)) === 0 && !(await withZk(c, (zk) => zk.pathExists(ReassignPartitionsZNode.path))), 120_000, 'both reassignments done');
      // Metadata reaches the brokers after the controller finished (UpdateMetadata is asynchronous).
      const after = await eventually(async () => {
        const v = await topicView(c, 'grow-load');
        return moves.every(([partition, replicas]) => v[partition]!.replicas.join() === replicas.join()) && v.every((p) => p.isr.length === 3) ? v : undefined;
      }, 60_000, 'the new replica sets in sync in the metadata');
      expect(new Set(after.map((p) => p.leader)).size, `leaders ${after.map((p) => p.leader).join(',')}`).to.equal(4);
      await new Promise((r) => setTimeout(r, 2000)); // the producer keeps going past the end of the moves
    } finally {
      fs.writeFileSync(stopProducer, '');
    }
    await eventually(async () => producer.child.exitCode !== null, 150_000, 'the producer flushed and exited');
    expect(producer.child.exitCode, producer.stderr()).to.equal(0);
    const acked = new Set(producer.lines().filter((l) => l.startsWith('A ')).map((l) => l.slice(2)));
    expect(acked.size).to.be.greaterThan(5000);
    const lines = (await kcat(['-b', bootstrapOf(c), '-C', '-t', 'grow-load', '-o', 'beginning', '-e', '-q', '-f', '%s\n'], undefined, 120_000)).stdout.toString().split('\n');
    const stored = new Set(lines.filter(Boolean));
    const lost = [...acked].filter((v) => !stored.has(v));
    expect(lost.length, `acknowledged records missing from the log: ${lost.slice(0, 5).join(', ')}`).to.equal(0);
    const consumed = (): Set<string> => new Set(consumer.lines().filter((l) => l.startsWith('C ')).map((l) => l.slice(2)));
    try {
      await eventually(async () => {
        const got = consumed();
        return [...acked].every((v) => got.has(v));
      }, 60_000, 'the consumer group reads every acknowledged record')
        .catch((err: Error) => {
          const got = consumed();
          const missing = [...acked].filter((v) => !got.has(v));
          throw new Error(`${err.message}: ${missing.length} of ${acked.size} missing, e.g. ${missing.slice(0, 5).map((v) => v.slice(0, 9)).join(', ')}; consumer stderr: ${consumer.stderr().slice(-2000)}`);
        });
    } finally {
      fs.writeFileSync(stopConsumer, '');
      await consumer.stop('SIGTERM', 30_000);
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('raises the replication factor of a topic holding 100 MB from 1 to 3, then lowers it to 2', async () => {
    const c = cluster();
    const ctl = await controllerBootstrap(c);
    const r = await request(ctl, 19, 5, { topics: [{ name: 'rf-change', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [0] }], configs: [] }], timeoutMs: 30_000, validateOnly: false });
    expect(r.topics[0]!.errorCode).to.equal(0);
    await eventually(async () => (await topicView(c, 'rf-change'))[0]!.leader === 0, 30_000, 'topic online');
    const value = 'y'.repeat(1016);
    const input = Array.from({ length: 100_000 }, (_, i) => `${String(i).padStart(7, '0')}${value}`).join('\n') + '\n';
    const produced = await kcat(['-b', c.broker(0).bootstrap, '-P', '-t', 'rf-change', '-p', '0', '-X', 'acks=all', '-X', 'linger.ms=20', '-X', 'batch.size=1000000'], input, 180_000);
    expect(produced.code, produced.stderr).to.equal(0);
    const started = Date.now();
    expect(await alter(c, 'rf-change', [[0, [0, 1, 2]]])).to.deep.equal([0]);
    await eventually(async () => (await ongoingCount(c)) === 0, 240_000, 'RF 3');
    const upMs = Date.now() - started;
    let [p] = await topicView(c, 'rf-change');
    expect(p!.replicas).to.deep.equal([0, 1, 2]);
    expect(p!.isr).to.deep.equal([0, 1, 2]);
    console.log(`      100 MB replicated to 2 new replicas in ${(upMs / 1000).toFixed(1)} s`);
    expect(await alter(c, 'rf-change', [[0, [1, 2]]])).to.deep.equal([0]);
    await eventually(async () => (await ongoingCount(c)) === 0 && (await topicView(c, 'rf-change'))[0]!.replicas.length === 2, 60_000, 'RF 2');
    [p] = await topicView(c, 'rf-change');
    expect(p!.replicas).to.deep.equal([1, 2]);
    expect(p!.isr).to.deep.equal([1, 2]);
    expect(p!.leader).to.equal(1);
    const read = await kcat(['-b', bootstrapOf(c), '-C', '-t', 'rf-change', '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%o\n'], undefined, 180_000);
    const offsets = read.stdout.toString().split('\n').filter(Boolean);
    expect(offsets.length).to.equal(100_000);
    expect(offsets.at(-1)).to.equal('99999');
  });
});
