/**
 * JBOD moves (KIP-113) on real brokers with two log dirs each and a real ZooKeeper: a replica with
 * a few MB moves from one dir to the other through a `-future` log while a producer keeps writing,
 * DescribeLogDirs shows the future replica during the move and only the new dir after, a broker
 * restarted mid-move resumes the move, and every acknowledged record is read back (kcat). Bad
 * input gets Kafka's error codes; a target dir that fails during a move (a full tmpfs) goes offline
 * without taking the broker down. `kafkats reassign-partitions` with log_dirs starts and verifies a
 * move.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, kafkajsClient, kcat, request, useCluster } from './support.js';
import { kafkats, kafkatsOk } from '../cli/support.js';
import { fillDisk, mountTmpfs, unmount } from '../../lib/testing/full-disk.js';
import type { RunningCluster } from '../../lib/testing/cluster.js';
import { Errors } from '../../lib/protocol/errors.js';

const DESCRIBE_LOG_DIRS = 35;
const ALTER_REPLICA_LOG_DIRS = 34;

interface ReplicaInDir { logDir: string; errorCode: number; size: bigint; offsetLag: bigint; isFuture: boolean }

/** DescribeLogDirs on one broker: where each replica of `topic`-0 is, current and future. */
async function replicasOf(c: RunningCluster, brokerId: number, topic: string): Promise<{ dirs: Array<{ logDir: string; errorCode: number }>; replicas: ReplicaInDir[] }> {
  const r = await request(c.broker(brokerId).bootstrap, DESCRIBE_LOG_DIRS, 4, { topics: [{ topic, partitions: [0] }] });
  const replicas: ReplicaInDir[] = [];
  for (const d of r.results) {
    for (const t of d.topics) {
      for (const p of t.partitions) replicas.push({ logDir: d.logDir, errorCode: d.errorCode, size: p.partitionSize, offsetLag: p.offsetLag, isFuture: p.isFutureKey });
    }
  }
  return { dirs: r.results.map((d) => ({ logDir: d.logDir, errorCode: d.errorCode })), replicas };
}

async function alterLogDir(c: RunningCluster, brokerId: number, topic: string, logDir: string, version = 2): Promise<number> {
  const r = await request(c.broker(brokerId).bootstrap, ALTER_REPLICA_LOG_DIRS, version, { dirs: [{ path: logDir, topics: [{ name: topic, partitions: [0] }] }] });
  return r.results[0]!.partitions[0]!.errorCode;
}

async function createAssigned(c: RunningCluster, name: string, replicas: number[], configs: Record<string, string> = {}): Promise<void> {
  const meta = await c.waitUntilReady(60_000);
  const r = await request(c.broker(meta.controllerId).bootstrap, 19, 5, {
    topics: [{ name, numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: replicas }], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
    timeoutMs: 30_000,
    validateOnly: false,
  });
  expect(r.topics[0]!.errorCode, `CreateTopics ${name}`).to.equal(0);
  await eventually(async () => {
    const m = await request(c.broker(replicas[0]!).bootstrap, 3, 9, { topics: [{ name }], allowAutoTopicCreation: false });
    const p = m.topics[0]?.partitions[0];
    return p !== undefined && p.leaderId >= 0 && p.isrNodes.length === replicas.length;
  }, 60_000, `${name} online with a full ISR`);
}

async function setBrokerConfig(c: RunningCluster, brokerId: number, name: string, value: string | null): Promise<void> {
  const r = await request(c.broker(brokerId).bootstrap, 44, 1, {
    resources: [{ resourceType: 4, resourceName: String(brokerId), configs: [{ name, configOperation: value === null ? 1 : 0, value }] }], validateOnly: false,
  });
  expect(r.responses[0]!.errorCode, `IncrementalAlterConfigs ${name}`).to.equal(0);
}

/** `n` records of ~1 KB, `<prefix>-<i>-xxx…`, with kcat (acks=all); returns the values. */
async function produceWithKcat(bootstrap: string, topic: string, prefix: string, n: number): Promise<string[]> {
  const values = Array.from({ length: n }, (_, i) => `${prefix}-${i}-${'x'.repeat(1000)}`);
  const r = await kcat(['-b', bootstrap, '-P', '-t', topic, '-p', '0', '-X', 'acks=all', '-X', 'message.timeout.ms=60000'], `${values.join('\n')}\n`, 120_000);
  expect(r.code, `kcat produce: ${r.stderr.toString()}`).to.equal(0);
  return values;
}

async function consumeAll(bootstrap: string, topic: string): Promise<string[]> {
  const r = await kcat(['-b', bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q'], undefined, 120_000);
  expect(r.code, `kcat consume: ${r.stderr.toString()}`).to.equal(0);
  return r.stdout.toString().split('\n').filter(Boolean);
}

const segmentFiles = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.log')) : []);

describe('JBOD: moving replicas between log dirs (AlterReplicaLogDirs)', function () {
  this.timeout(600_000);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-jbod-'));
  const dirsOf = (id: number): [string, string] => [path.join(root, `b${id}-a`), path.join(root, `b${id}-b`)];
  before(() => mountTmpfs(dirsOf(1)[1], '8m'));
  const cluster = useCluster({
    brokers: 2,
    overrides: { 'log.segment.delete.delay.ms': 1000, 'offsets.topic.replication.factor': 1 },
    brokerOverrides: (id): Record<string, string> => ({ 'log.dirs': dirsOf(id).join(',') }),
  });
  after(() => {
    try {
      unmount(dirsOf(1)[1]);
    } catch {
      /* not mounted */
    }
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('moves a replica with data to the other dir while a producer writes, survives a restart mid-move and keeps every record', async () => {
    const c = cluster();
    await createAssigned(c, 'jbod', [0], { 'segment.bytes': String(1 << 20) });
    const first = await produceWithKcat(c.broker(0).bootstrap, 'jbod', 'first', 4000);
    const before = await replicasOf(c, 0, 'jbod');
    expect(before.replicas).to.have.length(1);
    const from = before.replicas[0]!.logDir;
    const to = dirsOf(0).map((d) => path.resolve(d)).find((d) => d !== from)!;
    expect(segmentFiles(path.join(from, 'jbod-0')).length, 'several segments in the source dir').to.be.greaterThan(2);

    // A slow copy (300 KB/s for ~4 MB), so the move is seen under way and the broker restarts mid-move.
    await setBrokerConfig(c, 0, 'replica.alter.log.dirs.io.max.bytes.per.second', '300000');
    await eventually(async () => /Updated AlterLogDirsReplication quota to 300000 B\/s/.test(c.broker(0).recentOutput(400)), 30_000, 'the throttle applied on broker 0');
    const kafka = kafkajsClient(c, 'jbod-producer');
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const during: string[] = [];
    let producing = true;
    const writer = (async () => {
      for (let i = 0; producing; i++) {
        const batch = Array.from({ length: 20 }, (_, j) => `during-${i}-${j}`);
        await producer.send({ topic: 'jbod', acks: -1, messages: batch.map((value) => ({ partition: 0, value })) });
        during.push(...batch);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    expect(await alterLogDir(c, 0, 'jbod', to)).to.equal(Errors.NONE.code);
    const moving = await eventually(async () => {
      const v = await replicasOf(c, 0, 'jbod');
      const future = v.replicas.find((r) => r.isFuture);
      return future && future.size > 0n ? v : undefined;
    }, 30_000, 'DescribeLogDirs to show the future replica');
    const future = moving.replicas.find((r) => r.isFuture)!;
    const current = moving.replicas.find((r) => !r.isFuture)!;
    expect(future.logDir).to.equal(to);
    expect(current.logDir).to.equal(from);
    expect(future.offsetLag > 0n, `future offsetLag ${future.offsetLag}`).to.equal(true);
    expect(fs.readdirSync(to).some((n) => /^jbod-0\.[0-9a-f]{32}-future$/.test(n)), 'the future dir').to.equal(true);
    await eventually(async () => during.length >= 200, 30_000, 'the producer writes during the move');
    producing = false;
    await writer;
    await producer.disconnect();

    // Restart mid-move: the future log is loaded again and the move resumes.
    const stillMoving = (await replicasOf(c, 0, 'jbod')).replicas.some((r) => r.isFuture);
    expect(stillMoving, 'still moving before the restart').to.equal(true);
    await c.restartBroker(0, 120_000);
    expect(c.broker(0).recentOutput(400)).to.match(/Resuming the log dir move of jbod-0/);
    await setBrokerConfig(c, 0, 'replica.alter.log.dirs.io.max.bytes.per.second', null);
    const done = await eventually(async () => {
      const v = await replicasOf(c, 0, 'jbod');
      return v.replicas.length === 1 && !v.replicas[0]!.isFuture && v.replicas[0]!.logDir === to ? v : undefined;
    }, 120_000, 'the move to finish');
    expect(done.replicas[0]!.size > 4_000_000n, `size ${done.replicas[0]!.size}`).to.equal(true);
    const after = await produceWithKcat(c.broker(0).bootstrap, 'jbod', 'after', 100);
    expect(await consumeAll(c.broker(0).bootstrap, 'jbod')).to.deep.equal([...first, ...during, ...after]);
    expect(segmentFiles(path.join(to, 'jbod-0')).length, 'segments in the target dir').to.be.greaterThan(2);
    await eventually(async () => !fs.readdirSync(from).some((n) => n.startsWith('jbod-0')), 30_000, 'the old replica removed from the source dir');

    // A restart after the move keeps the replica in its new dir.
    await c.restartBroker(0, 120_000);
    const again = await replicasOf(c, 0, 'jbod');
    expect(again.replicas.map((r) => [r.logDir, r.isFuture])).to.deep.equal([[to, false]]);
    expect(await consumeAll(c.broker(0).bootstrap, 'jbod')).to.have.length(first.length + during.length + after.length);
  });

  it('answers LOG_DIR_NOT_FOUND, UNKNOWN_TOPIC_OR_PARTITION, REPLICA_NOT_AVAILABLE and, for the current dir, NONE without a move (v0, v1, v2)', async () => {
    const c = cluster();
    await createAssigned(c, 'jbod-bad', [0]);
    const here = (await replicasOf(c, 0, 'jbod-bad')).replicas[0]!.logDir;
    for (const v of [0, 1, 2]) {
      expect(await alterLogDir(c, 0, 'jbod-bad', path.join(root, 'not-a-log-dir'), v), `v${v} unknown dir`).to.equal(Errors.LOG_DIR_NOT_FOUND.code);
      expect(await alterLogDir(c, 0, 'no-such-topic', here, v), `v${v} unknown partition`).to.equal(Errors.UNKNOWN_TOPIC_OR_PARTITION.code);
      expect(await alterLogDir(c, 1, 'jbod-bad', path.resolve(dirsOf(1)[0]), v), `v${v} replica not on broker 1`).to.equal(Errors.REPLICA_NOT_AVAILABLE.code);
      expect(await alterLogDir(c, 0, 'jbod-bad', here, v), `v${v} current dir`).to.equal(Errors.NONE.code);
    }
    const v = await replicasOf(c, 0, 'jbod-bad');
    expect(v.replicas.map((r) => [r.logDir, r.isFuture])).to.deep.equal([[here, false]]);
    expect(c.broker(0).isRunning).to.equal(true);
  });

  it('takes a target dir that fails during a move offline without stopping the broker; the replica stays readable in its dir, and the offline dir answers KAFKA_STORAGE_ERROR', async () => {
    const c = cluster();
    const ok = path.resolve(dirsOf(1)[0]);
    const small = path.resolve(dirsOf(1)[1]);
    await createAssigned(c, 'jbod-full', [1], { 'segment.bytes': String(1 << 20) });
    const at = (await replicasOf(c, 1, 'jbod-full')).replicas[0]!.logDir;
    if (at !== ok) {
      expect(await alterLogDir(c, 1, 'jbod-full', ok)).to.equal(Errors.NONE.code);
      await eventually(async () => {
        const v = await replicasOf(c, 1, 'jbod-full');
        return v.replicas.length === 1 && v.replicas[0]!.logDir === ok;
      }, 60_000, 'jbod-full in the roomy dir');
    }
    const values = await produceWithKcat(c.broker(1).bootstrap, 'jbod-full', 'full', 2000);
    fillDisk(small);
    expect(await alterLogDir(c, 1, 'jbod-full', small)).to.equal(Errors.NONE.code);
    await eventually(async () => {
      const v = await replicasOf(c, 1, 'jbod-full');
      return v.dirs.find((d) => d.logDir === small)?.errorCode === Errors.KAFKA_STORAGE_ERROR.code;
    }, 60_000, 'the full dir reported offline');
    expect(c.broker(1).isRunning, 'broker 1 keeps running').to.equal(true);
    const v = await replicasOf(c, 1, 'jbod-full');
    expect(v.replicas.map((r) => [r.logDir, r.isFuture])).to.deep.equal([[ok, false]]);
    expect(await alterLogDir(c, 1, 'jbod-full', small)).to.equal(Errors.KAFKA_STORAGE_ERROR.code);
    expect(await consumeAll(c.broker(1).bootstrap, 'jbod-full')).to.deep.equal(values);
    await produceWithKcat(c.broker(1).bootstrap, 'jbod-full', 'more', 10);
  });

  it('kafkats reassign-partitions --execute sends AlterReplicaLogDirs for replicas that name a dir, sets the log dir throttle, and --verify reports the move', async () => {
    const c = cluster();
    await createAssigned(c, 'jbod-cli', [0]);
    await produceWithKcat(c.broker(0).bootstrap, 'jbod-cli', 'cli', 500);
    const from = (await replicasOf(c, 0, 'jbod-cli')).replicas[0]!.logDir;
    const to = dirsOf(0).map((d) => path.resolve(d)).find((d) => d !== from)!;
    const plan = path.join(root, 'jbod-plan.json');
    fs.writeFileSync(plan, JSON.stringify({ version: 1, partitions: [{ topic: 'jbod-cli', partition: 0, replicas: [0], log_dirs: [to] }] }));
    const bs = c.bootstrapServers.join(',');
    const e = await kafkatsOk(['reassign-partitions', '--bootstrap-server', bs, '--execute', '--reassignment-json-file', plan, '--replica-alter-log-dirs-throttle', '100000000']);
    expect(e.stdout).to.contain('The replica-alter-dir throttle limit was set to 100000000 B/s\n');
    expect(e.stdout).to.contain('Successfully started partition reassignment for jbod-cli-0\n');
    expect(e.stdout).to.match(/Successfully started log directory move for: jbod-cli-0-0\n$/);
    const verified = await eventually(async () => {
      const v = await kafkatsOk(['reassign-partitions', '--bootstrap-server', bs, '--verify', '--reassignment-json-file', plan]);
      return v.stdout.includes('completed successfully') ? v.stdout : undefined;
    }, 60_000, 'verify reports the move completed');
    expect(verified).to.equal('Status of partition reassignment:\nReassignment of partition jbod-cli-0 is completed.\n\n'
      + 'Reassignment of replica jbod-cli-0-0 completed successfully.\n\n'
      + 'Clearing broker-level throttles on brokers 0,1\nClearing topic-level throttles on topic jbod-cli\n');
    expect((await replicasOf(c, 0, 'jbod-cli')).replicas.map((r) => r.logDir)).to.deep.equal([to]);

    // Asking for a dir the broker does not have fails with Kafka's message.
    fs.writeFileSync(plan, JSON.stringify({ version: 1, partitions: [{ topic: 'jbod-cli', partition: 0, replicas: [0], log_dirs: [path.join(root, 'nowhere')] }] }));
    const bad = await kafkats(['reassign-partitions', '--bootstrap-server', bs, '--execute', '--reassignment-json-file', plan, '--additional']);
    expect(bad.code).to.not.equal(0);
    expect(bad.stderr).to.contain('Failed to alter dir for jbod-cli-0-0: LOG_DIR_NOT_FOUND');
  });
});
