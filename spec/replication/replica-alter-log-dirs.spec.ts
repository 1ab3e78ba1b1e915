import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { MockTime } from '../../lib/common/time.js';
import { KafkaScheduler } from '../../lib/common/scheduler.js';
import { LogManager } from '../../lib/log/log-manager.js';
import { MetadataCache } from '../../lib/server/metadata-cache.js';
import { ReplicaManager } from '../../lib/replication/replica-manager.js';
import { FetchIsolation, type Log } from '../../lib/log/log.js';
import type { LeaderAndIsrPartitionState } from '../../lib/protocol/generated/types.js';
import { Errors } from '../../lib/protocol/errors.js';
import { batchesIn } from '../../lib/record/record-batch.js';
import { ReplicationQuotaManager, type ReplicationQuotaType } from '../../lib/replication/replication-quota-manager.js';
import { ManualAlterPartitionManager, records, tempDir, turnUntil } from './support.js';

const TP = { topic: 't', partition: 0 };
const OTHER = { topic: 't', partition: 1 };
const BACKOFF_MS = 1000;

interface Broker {
  rm: ReplicaManager;
  logs: LogManager;
  scheduler: KafkaScheduler;
}

/** Every batch of a log as bytes, from its start: what a move must carry over unchanged. */
function allBatches(log: Log): Buffer[] {
  const out: Buffer[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { records: r } = log.read(offset, 1 << 20, FetchIsolation.LOG_END, true);
    for (const b of batchesIn(r)) {
      const bytes = r.subarray(b.position, b.position + b.size);
      out.push(Buffer.from(bytes));
      offset = bytes.readBigInt64BE(0) + BigInt(bytes.readInt32BE(23)) + 1n; // baseOffset + lastOffsetDelta + 1
    }
  }
  return out;
}

describe('ReplicaManager.alterReplicaLogDirs (JBOD moves with a future log)', () => {
  let root: string;
  let dirA: string;
  let dirB: string;
  let time: MockTime;
  let broker: Broker | undefined;

  const start = async (alterLogDirsQuota?: ReplicationQuotaManager): Promise<Broker> => {
    const logs = new LogManager({ logDirs: [dirA, dirB], brokerId: 0, clock: time, cleanerEnabled: false, defaultConfig: { 'segment.bytes': 4096, 'file.delete.delay.ms': 60_000 } });
    const scheduler = new KafkaScheduler({ time });
    scheduler.startup();
    const logsStarted = logs.startup();
    await logsStarted;
    const cache = new MetadataCache(0);
    cache.updateMetadata({
      controllerId: 0, isKRaftController: false, type: 0, controllerEpoch: 1, brokerEpoch: -1n, ungroupedPartitionStates: [],
      topicStates: [{ topicName: 't', topicId: '', partitionStates: [TP, OTHER].map((tp) => ({ topicName: tp.topic, partitionIndex: tp.partition, controllerEpoch: 1, leader: 0, leaderEpoch: 1, isr: [0], zkVersion: 1, replicas: [0], offlineReplicas: [] })) }],
      liveBrokers: [{ id: 0, v0Host: 'in-process', v0Port: 0, rack: null, endpoints: [{ port: 0, host: 'in-process', listener: 'PLAINTEXT', securityProtocol: 0 }] }],
    });
    const rm = new ReplicaManager({
      brokerId: 0, interBrokerListener: 'PLAINTEXT', replicaLagTimeMaxMs: 10_000, highWatermarkCheckpointIntervalMs: 5000, defaultMinInSyncReplicas: 1,
      // Small passes, so a move takes several of them.
      fetcher: { fetchMaxWaitMs: 500, fetchMinBytes: 1, fetchMaxBytes: 2048, fetchResponseMaxBytes: 10 << 20, fetchBackoffMs: BACKOFF_MS, requestTimeoutMs: 30_000 },
      ...(alterLogDirsQuota ? { quotas: { leader: quota('LeaderReplication'), follower: quota('FollowerReplication'), alterLogDirs: alterLogDirsQuota } } : {}),
    }, time, scheduler, logs, cache, new ManualAlterPartitionManager(), () => 1);
    broker = { rm, logs, scheduler };
    return broker;
  };
  const quota = (type: ReplicationQuotaType): ReplicationQuotaManager => new ReplicationQuotaManager(type, { samples: 11, timeWindowMs: 1000 }, time);
  const stop = async (b: Broker): Promise<void> => {
    await b.rm.shutdown();
    await b.scheduler.shutdown();
    await b.logs.shutdown();
    broker = undefined;
  };
  const leaderAndIsr = (b: Broker, tp = TP, leaderEpoch = 1): number => {
    const s: LeaderAndIsrPartitionState = {
      topicName: tp.topic, partitionIndex: tp.partition, controllerEpoch: 1, leader: 0, leaderEpoch, isr: [0], partitionEpoch: leaderEpoch,
      replicas: [0], addingReplicas: [], removingReplicas: [], isNew: false, leaderRecoveryState: 0,
    };
    return b.rm.becomeLeaderOrFollower({ controllerId: 0, isKRaftController: false, controllerEpoch: 1, brokerEpoch: -1n, type: 0, ungroupedPartitionStates: [], topicStates: [{ topicName: tp.topic, topicId: '', partitionStates: [s] }], liveLeaders: [] }).partitions[0]!.errorCode;
  };
  const produce = async (b: Broker, batches: number, tp = TP): Promise<void> => {
    for (let i = 0; i < batches; i++) {
      const [r] = await b.rm.appendRecords({ timeoutMs: 1000, requiredAcks: 1, entries: [{ tp, records: records(10, 100) }] });
      expect(r!.errorCode).to.equal(Errors.NONE.code);
    }
  };
  const alter = (b: Broker, logDir: string, tp = TP): number => b.rm.alterReplicaLogDirs([{ tp, logDir }])[0]!.errorCode;
  /** Waits until the mover's pass in progress (which may await fsyncs in the libuv pool) is over. */
  const settled = async (): Promise<void> => {
    await new Promise((resolve) => setImmediate(resolve));
    await turnUntil(() => !broker || !broker.rm.replicaAlterLogDirsManager.isWorking, 100_000);
  };
  /** Lets the scheduler run the mover pass by pass (each pass may await flushes) until `done`. */
  const pumpUntil = async (done: () => boolean, maxPasses = 400): Promise<number> => {
    for (let i = 0; i < maxPasses; i++) {
      if (done()) return i;
      time.advance(1);
      await settled();
    }
    throw new Error(`not done after ${maxPasses} passes`);
  };
  const dirNames = (dir: string): string[] => fs.readdirSync(dir).filter((n) => n.startsWith('t-')).sort();

  beforeEach(() => {
    root = tempDir();
    dirA = path.join(root, 'a');
    dirB = path.join(root, 'b');
    time = new MockTime();
  });
  afterEach(async () => {
    if (broker) await stop(broker);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('copies the replica into <topic>-<partition>.<uniqueId>-future in the target dir while it takes appends, then swaps it in and deletes the old log', async () => {
    const b = await start();
    expect(leaderAndIsr(b)).to.equal(Errors.NONE.code);
    expect(b.logs.logDirOf(TP)).to.equal(dirA);
    await produce(b, 20);
    const before = allBatches(b.rm.getPartition(TP)!.localLogOrException());

    expect(alter(b, dirB)).to.equal(Errors.NONE.code);
    const futureDirs = dirNames(dirB);
    expect(futureDirs).to.have.length(1);
    expect(futureDirs[0]).to.match(/^t-0\.[0-9a-f]{32}-future$/);
    const future = b.logs.getLog(TP, true)!;
    expect(future.parentDir).to.equal(dirB);

    // A few passes in, the copy is part-way; the producer keeps writing to the current log.
    time.advance(0);
    await settled();
    expect(future.logEndOffset > 0n && future.logEndOffset < 200n, `future LEO ${future.logEndOffset}`).to.equal(true);
    expect(b.rm.getPartition(TP)!.localLogOrException().parentDir).to.equal(dirA);
    await produce(b, 5);

    await pumpUntil(() => b.logs.getLog(TP, true) === undefined);
    const current = b.rm.getPartition(TP)!.localLogOrException();
    expect(current.parentDir).to.equal(dirB);
    expect(current.logEndOffset).to.equal(250n);
    expect(current.highWatermark).to.equal(250n);
    const after = allBatches(current);
    expect(after.slice(0, before.length).map((x) => x.toString('hex'))).to.deep.equal(before.map((x) => x.toString('hex')));
    expect(after).to.have.length(25);
    expect(dirNames(dirB)).to.deep.equal(['t-0']);
    expect(dirNames(dirA)).to.have.length(1);
    expect(dirNames(dirA)[0]).to.match(/^t-0\.[0-9a-f]{32}-delete$/);
    time.advance(60_000);
    expect(dirNames(dirA)).to.deep.equal([]);

    // The moved replica keeps serving produce.
    await produce(b, 1);
    expect(b.rm.getPartition(TP)!.localLogOrException().logEndOffset).to.equal(260n);
    expect(b.rm.replicaAlterLogDirsManager.partitionCount).to.equal(0);
  });

  it('answers LOG_DIR_NOT_FOUND, UNKNOWN_TOPIC_OR_PARTITION, KAFKA_STORAGE_ERROR, and does nothing for the current dir', async () => {
    const b = await start();
    leaderAndIsr(b);
    expect(alter(b, path.join(root, 'elsewhere'))).to.equal(Errors.LOG_DIR_NOT_FOUND.code);
    expect(alter(b, dirB, { topic: 'nope', partition: 0 })).to.equal(Errors.UNKNOWN_TOPIC_OR_PARTITION.code);
    expect(alter(b, dirA)).to.equal(Errors.NONE.code);
    expect(b.logs.getLog(TP, true)).to.equal(undefined);
    expect(dirNames(dirB)).to.deep.equal([]);
    // A relative spelling of a configured dir names that dir.
    expect(alter(b, path.relative(process.cwd(), dirA))).to.equal(Errors.NONE.code);

    b.logs.logDirFailureChannel.maybeAddOfflineLogDir(dirB, 'injected', new Error('EIO'));
    expect(alter(b, dirB)).to.equal(Errors.KAFKA_STORAGE_ERROR.code);
  });

  it('remembers the dir of a replica it does not host yet (REPLICA_NOT_AVAILABLE) and creates the replica there', async () => {
    const b = await start();
    // The fewest-partitions rule would pick dir A for the first log.
    expect(alter(b, dirB, OTHER)).to.equal(Errors.REPLICA_NOT_AVAILABLE.code);
    expect(leaderAndIsr(b, OTHER)).to.equal(Errors.NONE.code);
    expect(b.logs.logDirOf(OTHER)).to.equal(dirB);
    expect(b.logs.getLog(OTHER, true)).to.equal(undefined);
  });

  it('cancels a move when asked for the current dir again, dropping the future log', async () => {
    const b = await start();
    leaderAndIsr(b);
    await produce(b, 20);
    expect(alter(b, dirB)).to.equal(Errors.NONE.code);
    expect(b.logs.getLog(TP, true)).to.not.equal(undefined);
    expect(alter(b, dirA)).to.equal(Errors.NONE.code);
    expect(b.logs.getLog(TP, true)).to.equal(undefined);
    expect(b.rm.replicaAlterLogDirsManager.isMoving(TP)).to.equal(false);
    expect(dirNames(dirB).every((n) => n.endsWith('-delete'))).to.equal(true);
    time.advance(60_000);
    expect(b.rm.getPartition(TP)!.localLogOrException().parentDir).to.equal(dirA);
  });

  it('loads a future log again after a restart and finishes the move once the replica is hosted', async () => {
    let b = await start();
    leaderAndIsr(b);
    await produce(b, 20);
    expect(alter(b, dirB)).to.equal(Errors.NONE.code);
    time.advance(0);
    await settled();
    const copied = b.logs.getLog(TP, true)!.logEndOffset;
    expect(copied > 0n && copied < 200n, `copied ${copied}`).to.equal(true);
    await stop(b);
    expect(dirNames(dirB)[0]).to.match(/-future$/);

    b = await start();
    expect(b.logs.getLog(TP, true)?.logEndOffset, 'the future log is loaded with what it had copied').to.equal(copied);
    expect(b.logs.logDirOf(TP)).to.equal(dirA);
    leaderAndIsr(b, TP, 2);
    expect(b.rm.replicaAlterLogDirsManager.isMoving(TP)).to.equal(true);
    await pumpUntil(() => b.logs.getLog(TP, true) === undefined);
    expect(b.logs.logDirOf(TP)).to.equal(dirB);
    expect(b.rm.getPartition(TP)!.localLogOrException().logEndOffset).to.equal(200n);
    await stop(b);

    b = await start();
    expect(b.logs.logDirOf(TP), 'the moved replica stays in its new dir').to.equal(dirB);
    expect(b.logs.getLog(TP)!.logEndOffset).to.equal(200n);
  });

  it('deletes the future log with the partition (StopReplica with delete) and ends the move', async () => {
    const b = await start();
    leaderAndIsr(b);
    await produce(b, 20);
    alter(b, dirB);
    b.rm.stopReplicas({ controllerId: 0, isKRaftController: false, controllerEpoch: 1, brokerEpoch: -1n, deletePartitions: true, ungroupedPartitions: [], topics: [], topicStates: [{ topicName: 't', partitionStates: [{ partitionIndex: 0, leaderEpoch: -2, deletePartition: true }] }] });
    expect(b.logs.getLog(TP, true)).to.equal(undefined);
    expect(b.rm.replicaAlterLogDirsManager.isMoving(TP)).to.equal(false);
    time.advance(60_000);
    expect(dirNames(dirA)).to.deep.equal([]);
    expect(dirNames(dirB)).to.deep.equal([]);
  });

  it('stops the move when the target dir fails, and keeps serving the replica from its current dir', async () => {
    const b = await start();
    b.rm.startLogDirFailureHandler();
    leaderAndIsr(b);
    await produce(b, 20);
    alter(b, dirB);
    b.logs.logDirFailureChannel.maybeAddOfflineLogDir(dirB, 'injected', new Error('EIO'));
    await turnUntil(() => b.logs.getLog(TP, true) === undefined, 50);
    expect(b.rm.replicaAlterLogDirsManager.isMoving(TP)).to.equal(false);
    expect(b.rm.isPartitionOffline(TP)).to.equal(false);
    await produce(b, 1);
    expect(b.rm.getPartition(TP)!.localLogOrException().parentDir).to.equal(dirA);
    expect(b.rm.getPartition(TP)!.localLogOrException().logEndOffset).to.equal(210n);
  });

  it('holds the copy back while replica.alter.log.dirs.io.max.bytes.per.second is exceeded', async () => {
    const throttle = quota('AlterLogDirsReplication');
    throttle.updateQuota(100);
    const b = await start(throttle);
    leaderAndIsr(b);
    await produce(b, 20);
    alter(b, dirB);
    for (let i = 0; i < 20; i++) {
      time.advance(BACKOFF_MS);
      await settled();
    }
    const held = b.logs.getLog(TP, true)!.logEndOffset;
    expect(held > 0n && held <= 40n, `copied ${held} of 200 offsets at 100 B/s in 20 s`).to.equal(true);
    expect(throttle.measuredRate()).to.be.greaterThan(0);
    throttle.updateQuota(Number.MAX_SAFE_INTEGER);
    await pumpUntil(() => b.logs.getLog(TP, true) === undefined, 2000);
    expect(b.logs.logDirOf(TP)).to.equal(dirB);
  });

  it('truncates the future log where the current log was truncated (by leader epoch) and ends up with the current log\'s batches and epochs', async () => {
    const b = await start();
    leaderAndIsr(b);
    await produce(b, 20);
    expect(alter(b, dirB)).to.equal(Errors.NONE.code);
    const future = b.logs.getLog(TP, true)!;
    await pumpUntil(() => future.logEndOffset >= 100n);
    const current = b.rm.getPartition(TP)!.localLogOrException();
    current.truncateTo(50n);
    expect(leaderAndIsr(b, TP, 2)).to.equal(Errors.NONE.code);
    await produce(b, 5);
    await pumpUntil(() => b.logs.getLog(TP, true) === undefined);
    const moved = b.rm.getPartition(TP)!.localLogOrException();
    expect(moved.parentDir).to.equal(dirB);
    expect(moved.logEndOffset).to.equal(100n);
    expect(moved.leaderEpochCache.entries().map((e) => [e.epoch, e.startOffset])).to.deep.equal([[1, 0n], [2, 50n]]);
    const epochs = allBatches(moved).map((x) => x.readInt32BE(12));
    expect(epochs).to.deep.equal([...Array(5).fill(1), ...Array(5).fill(2)]);
  });

  it('swaps only once a cleaning of the current log that began before the move is over', async () => {
    const b = await start();
    leaderAndIsr(b);
    await produce(b, 5);
    b.logs.cleaningInProgress.add('t-0');
    alter(b, dirB);
    for (let i = 0; i < 20; i++) {
      time.advance(BACKOFF_MS);
      await settled();
    }
    expect(b.logs.getLog(TP, true)?.logEndOffset, 'caught up, not swapped').to.equal(50n);
    b.logs.cleaningInProgress.delete('t-0');
    time.advance(BACKOFF_MS);
    await pumpUntil(() => b.logs.getLog(TP, true) === undefined, 20);
    expect(b.logs.logDirOf(TP)).to.equal(dirB);
  });

  it('answers INVALID_TOPIC_EXCEPTION when the future dir name would pass 255 bytes', async () => {
    const b = await start();
    expect(alter(b, dirB, { topic: 'x'.repeat(249), partition: 0 })).to.equal(Errors.INVALID_TOPIC_EXCEPTION.code);
  });
});
