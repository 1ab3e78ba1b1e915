/**
 * Full disks on real broker processes (Kafka's log-dir failure handling): broker 0 has two log
 * dirs, the first a small tmpfs that the spec fills; broker 2 has one tmpfs dir only. With RF=3 and
 * the leader's disk full, producers get KAFKA_STORAGE_ERROR (retriable), the controller learns of
 * it through /log_dir_event_notification and moves leadership, and every acks=all record stays
 * readable on every replica; after space is freed and the broker restarted, its log recovers and it
 * rejoins the ISR. A broker whose every log dir failed halts.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, kcat, request, useCluster } from './support.js';
import { fillDisk, mountTmpfs, unmount } from '../../lib/testing/full-disk.js';
import { buildRecordBatch } from '../../lib/record/memory-records-builder.js';
import { batchesIn, iterateRecords } from '../../lib/record/record-batch.js';
import type { RunningCluster } from '../../lib/testing/cluster.js';

const KAFKA_STORAGE_ERROR = 56;

async function partitionView(c: RunningCluster, topic: string): Promise<{ leader: number; isr: number[]; offline: number[] }> {
  const b = c.brokers.find((x) => x.isRunning)!;
  const m = await request(b.bootstrap, 3, 9, { topics: [{ name: topic }], allowAutoTopicCreation: false });
  const p = m.topics[0]!.partitions[0]!;
  return { leader: p.leaderId, isr: [...p.isrNodes].sort(), offline: [...p.offlineReplicas] };
}

/** Every record value in a replica's partition directory, read straight from its segment files. */
function valuesOnDisk(partitionDir: string): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(partitionDir).filter((n) => /^\d{20}\.log$/.test(n)).sort()) {
    const data = fs.readFileSync(path.join(partitionDir, name));
    for (const b of batchesIn(data)) {
      for (const r of iterateRecords(data.subarray(b.position, b.position + b.size))) out.push(r.value!.toString());
    }
  }
  return out;
}

async function createAssigned(c: RunningCluster, name: string, replicas: number[]): Promise<void> {
  const meta = await c.waitUntilReady(30_000, c.brokers.filter((b) => b.isRunning).length);
  const r = await request(c.broker(meta.controllerId).bootstrap, 19, 5, {
    topics: [{ name, numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: replicas }], configs: [{ name: 'min.insync.replicas', value: '2' }] }],
    timeoutMs: 30_000,
    validateOnly: false,
  });
  expect(r.topics[0]!.errorCode, `CreateTopics ${name}`).to.equal(0);
  await eventually(async () => (await partitionView(c, name)).isr.length === replicas.length, 30_000, `full ISR of ${name}`);
}

async function produce(bootstrap: string, topic: string, values: string[]): Promise<void> {
  const r = await kcat(['-b', bootstrap, '-P', '-t', topic, '-p', '0', '-X', 'acks=all', '-X', 'message.timeout.ms=60000'], `${values.join('\n')}\n`, 90_000);
  expect(r.code, `kcat produce: ${r.stderr.toString()}`).to.equal(0);
}

describe('log dirs on a full disk', function () {
  this.timeout(300_000);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-full-disk-'));
  const b0full = path.join(root, 'b0-full');
  const b0ok = path.join(root, 'b0-ok');
  const b2 = path.join(root, 'b2-full');
  before(() => {
    mountTmpfs(b0full, '8m');
    mountTmpfs(b2, '16m');
  });
  const cluster = useCluster({
    brokers: 3,
    overrides: { 'replica.lag.time.max.ms': 5000 },
    brokerOverrides: (id): Record<string, string> => (id === 0 ? { 'log.dirs': `${b0full},${b0ok}` } : id === 2 ? { 'log.dirs': b2 } : {}),
  });
  after(() => {
    for (const d of [b0full, b2]) {
      try {
        unmount(d);
      } catch {
        /* not mounted */
      }
    }
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('answers KAFKA_STORAGE_ERROR, moves leadership away, keeps acknowledged records on every replica, and recovers after a restart', async () => {
    const c = cluster();
    await createAssigned(c, 'full', [0, 1, 2]);
    expect(fs.existsSync(path.join(b0full, 'full-0')), 'full-0 lives on the tmpfs dir of broker 0').to.equal(true);
    const before = Array.from({ length: 20 }, (_, i) => `before-${i}`);
    await produce(c.broker(0).bootstrap, 'full', before);

    const filler = fillDisk(b0full);
    const big = buildRecordBatch([{ key: null, value: Buffer.alloc(256 * 1024, 0x61), timestamp: BigInt(Date.now()) }]);
    const r = await request(c.broker(0).bootstrap, 0, 8, { transactionalId: null, acks: -1, timeoutMs: 10_000, topicData: [{ name: 'full', partitionData: [{ index: 0, records: big }] }] });
    expect(r.responses[0]!.partitionResponses[0]!.errorCode, 'produce error code on the full disk').to.equal(KAFKA_STORAGE_ERROR);

    const moved = await eventually(async () => {
      const v = await partitionView(c, 'full');
      return v.leader >= 0 && v.leader !== 0 ? v : undefined;
    }, 60_000, 'leadership to move off broker 0');
    expect(moved.isr).to.not.include(0);
    expect(c.broker(0).isRunning, 'broker 0 keeps serving its other dir').to.equal(true);

    const after = Array.from({ length: 20 }, (_, i) => `after-${i}`);
    await produce(c.bootstrapServers.join(','), 'full', after);
    const consumed = await kcat(['-b', c.bootstrapServers.join(','), '-C', '-t', 'full', '-p', '0', '-o', 'beginning', '-e', '-q']);
    expect(consumed.stdout.toString().split('\n').filter(Boolean)).to.deep.equal([...before, ...after]);
    for (const id of [1, 2]) {
      const dir = id === 2 ? b2 : path.join(c.dataDir, 'broker-1');
      await eventually(async () => valuesOnDisk(path.join(dir, 'full-0')).length === 40, 30_000, `replica on broker ${id}`);
      expect(valuesOnDisk(path.join(dir, 'full-0')), `records on broker ${id}`).to.deep.equal([...before, ...after]);
    }

    // An operator frees space and restarts broker 0: the dir had no clean shutdown, so it is recovered.
    fs.rmSync(filler);
    await c.broker(0).restart(60_000);
    expect(c.broker(0).recentOutput(500)).to.match(/Recovering unflushed segment/);
    await eventually(async () => (await partitionView(c, 'full')).isr.length === 3, 60_000, 'broker 0 back in the ISR');
    await eventually(async () => valuesOnDisk(path.join(b0full, 'full-0')).length === 40, 30_000, 'broker 0 caught up');
    expect(valuesOnDisk(path.join(b0full, 'full-0'))).to.deep.equal([...before, ...after]);
  });

  it('halts a broker whose every log dir failed', async () => {
    const c = cluster();
    await createAssigned(c, 'halt', [2, 0, 1]);
    await produce(c.broker(2).bootstrap, 'halt', ['h0']);
    fillDisk(b2);
    const big = buildRecordBatch([{ key: null, value: Buffer.alloc(256 * 1024, 0x62), timestamp: BigInt(Date.now()) }]);
    await request(c.broker(2).bootstrap, 0, 8, { transactionalId: null, acks: -1, timeoutMs: 10_000, topicData: [{ name: 'halt', partitionData: [{ index: 0, records: big }] }] }).catch(() => undefined);
    await eventually(async () => !c.broker(2).isRunning, 30_000, 'broker 2 to halt');
    expect(await c.broker(2).stop(), 'exit code').to.equal(1);
    expect(c.broker(2).recentOutput(200)).to.match(/all log dirs have failed/);
    const v = await eventually(async () => {
      const p = await partitionView(c, 'halt');
      return p.leader >= 0 && p.leader !== 2 ? p : undefined;
    }, 60_000, 'leadership to move off broker 2');
    expect([0, 1]).to.include(v.leader);
  });
});
