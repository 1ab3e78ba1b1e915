import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { MockTime } from '../../lib/common/time.js';
import { KafkaScheduler } from '../../lib/common/scheduler.js';
import { LogManager } from '../../lib/log/log-manager.js';
import { MetadataCache } from '../../lib/server/metadata-cache.js';
import { ReplicaManager, type FetchPartitionResult } from '../../lib/replication/replica-manager.js';
import { FetchIsolation } from '../../lib/log/log.js';
import type { LeaderEndPoint, LeaderFetchResult } from '../../lib/replication/leader-end-point.js';
import type { FetchRequest, LeaderAndIsrPartitionState } from '../../lib/protocol/generated/types.js';
import type { Input } from '../../lib/protocol/frames.js';
import { Errors } from '../../lib/protocol/errors.js';
import type { TopicPartition } from '../../lib/common/topic-partition.js';
import { FetchManager, FetchSessionCache } from '../../lib/server/fetch-session.js';
import { ManualAlterPartitionManager, records, tempDir, turnUntil } from './support.js';

const TP = { topic: 't', partition: 0 };
const LAG_MS = 10_000;

interface Broker {
  id: number;
  rm: ReplicaManager;
  logs: LogManager;
  alter: ManualAlterPartitionManager;
  scheduler: KafkaScheduler;
  sessions: FetchManager;
}

/**
 * A follower's view of another in-process ReplicaManager (Kafka's LocalLeaderEndPoint does this for
 * future replicas): Fetch goes through the leader's fetch sessions and fetchMessages, purgatory
 * included, as the Fetch handler composes them.
 */
class ReplicaManagerEndPoint implements LeaderEndPoint {
  private closeNow: (err: Error) => void = () => {};
  private readonly closed = new Promise<never>((_resolve, reject) => (this.closeNow = reject));

  requests: Array<{ sessionEpoch: number; partitions: number }> = [];

  constructor(readonly brokerId: number, private readonly leader: () => ReplicaManager, private readonly sessions: FetchManager) {
    this.closed.catch(() => {});
  }

  async fetch(input: Input<FetchRequest>): Promise<LeaderFetchResult> {
    const request = input as FetchRequest;
    await new Promise((resolve) => setImmediate(resolve));
    // As closing a network client fails its requests in flight, close() ends a fetch waiting in the leader's purgatory.
    const fetchData = request.topics.flatMap((t) => t.partitions.map((p) => ({
      tp: { topic: t.topic, partition: p.partition }, fetchOffset: p.fetchOffset, logStartOffset: p.logStartOffset,
      maxBytes: p.partitionMaxBytes, currentLeaderEpoch: p.currentLeaderEpoch, lastFetchedEpoch: p.lastFetchedEpoch,
    })));
    this.requests.push({ sessionEpoch: request.sessionEpoch, partitions: fetchData.length });
    const context = this.sessions.newContext(request.sessionId, request.sessionEpoch, fetchData,
      request.forgottenTopicsData.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition }))), true);
    const read = context.partitions.length === 0 ? [] : await Promise.race([this.closed, this.leader().fetchMessages({
      replicaId: request.replicaId, maxWaitMs: request.maxWaitMs, minBytes: request.minBytes, maxBytes: request.maxBytes,
      isolation: FetchIsolation.LOG_END, partitions: context.partitions,
    })]);
    const { errorCode, sessionId, results } = context.respond(read);
    const partition = (r: FetchPartitionResult): FetchRequestResponsePartition => ({
      partitionIndex: r.tp.partition, errorCode: r.errorCode, highWatermark: r.highWatermark, lastStableOffset: r.lastStableOffset,
      logStartOffset: r.logStartOffset, divergingEpoch: r.divergingEpoch ?? { epoch: -1, endOffset: -1n },
      currentLeader: { leaderId: -1, leaderEpoch: -1 }, snapshotId: { endOffset: -1n, epoch: -1 }, abortedTransactions: null,
      preferredReadReplica: -1, records: r.records,
    });
    return {
      response: { throttleTimeMs: 0, errorCode, sessionId, nodeEndpoints: [], responses: results.map((r) => ({ topic: r.tp.topic, topicId: '', partitions: [partition(r)] })) },
      release: () => {},
    };
  }

  async fetchEarliestOffset(tp: TopicPartition): Promise<bigint> {
    return this.leader().getPartition(tp)!.localLogOrException().logStartOffset;
  }

  async fetchLatestOffset(tp: TopicPartition): Promise<bigint> {
    return this.leader().getPartition(tp)!.localLogOrException().logEndOffset;
  }

  close(): void {
    this.closeNow(new Error('closed'));
  }
}
type FetchRequestResponsePartition = LeaderFetchResult['response']['responses'][number]['partitions'][number];

describe('ReplicaManager', () => {
  let dir: string;
  let time: MockTime;
  const brokers = new Map<number, Broker>();
  let endPoints: ReplicaManagerEndPoint[] = [];

  const start = async (id: number): Promise<Broker> => {
    const logs = new LogManager({ logDirs: [path.join(dir, `b${id}`)], brokerId: id, clock: time, cleanerEnabled: false });
    await logs.startup();
    const cache = new MetadataCache(id);
    cache.updateMetadata({
      controllerId: 0, isKRaftController: false, type: 0, controllerEpoch: 1, brokerEpoch: -1n, ungroupedPartitionStates: [], topicStates: [],
      liveBrokers: [0, 1].map((b) => ({ id: b, v0Host: 'in-process', v0Port: b, rack: null, endpoints: [{ port: b, host: 'in-process', listener: 'PLAINTEXT', securityProtocol: 0 }] })),
    });
    const alter = new ManualAlterPartitionManager();
    const scheduler = new KafkaScheduler({ time });
    scheduler.startup();
    const rm = new ReplicaManager({
      brokerId: id, interBrokerListener: 'PLAINTEXT', replicaLagTimeMaxMs: LAG_MS, highWatermarkCheckpointIntervalMs: 5000, defaultMinInSyncReplicas: 1,
      fetcher: { fetchMaxWaitMs: 500, fetchMinBytes: 1, fetchMaxBytes: 1 << 20, fetchResponseMaxBytes: 10 << 20, fetchBackoffMs: 1000, requestTimeoutMs: 30_000 },
      leaderEndPoint: (leaderId) => {
        const e = new ReplicaManagerEndPoint(leaderId, () => brokers.get(leaderId)!.rm, brokers.get(leaderId)!.sessions);
        endPoints.push(e);
        return e;
      },
    }, time, scheduler, logs, cache, alter, () => 2);
    const b = { id, rm, logs, alter, scheduler, sessions: new FetchManager(time, new FetchSessionCache(10)) };
    brokers.set(id, b);
    return b;
  };

  const partitionState = (leader: number, leaderEpoch: number, isr: number[], replicas = [0, 1]): LeaderAndIsrPartitionState => ({
    topicName: TP.topic, partitionIndex: TP.partition, controllerEpoch: 1, leader, leaderEpoch, isr, partitionEpoch: leaderEpoch,
    replicas, addingReplicas: [], removingReplicas: [], isNew: false, leaderRecoveryState: 0,
  });
  const leaderAndIsr = (b: Broker, s: LeaderAndIsrPartitionState, controllerEpoch = 1): ReturnType<ReplicaManager['becomeLeaderOrFollower']> =>
    b.rm.becomeLeaderOrFollower({ controllerId: 0, isKRaftController: false, controllerEpoch, brokerEpoch: -1n, type: 0, ungroupedPartitionStates: [], topicStates: [{ topicName: TP.topic, topicId: '', partitionStates: [s] }], liveLeaders: [] });
  const produce = (b: Broker, n: number, requiredAcks = -1): ReturnType<ReplicaManager['appendRecords']> =>
    b.rm.appendRecords({ timeoutMs: 30_000, requiredAcks, entries: [{ tp: TP, records: records(n) }] });
  const consumerFetch = (b: Broker, fetchOffset: bigint, minBytes: number, maxWaitMs: number): ReturnType<ReplicaManager['fetchMessages']> =>
    b.rm.fetchMessages({ replicaId: -1, maxWaitMs, minBytes, maxBytes: 1 << 20, isolation: FetchIsolation.HIGH_WATERMARK, partitions: [{ tp: TP, fetchOffset, logStartOffset: -1n, maxBytes: 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }] });

  beforeEach(() => {
    dir = tempDir();
    time = new MockTime();
    endPoints = [];
  });
  afterEach(async () => {
    for (const b of brokers.values()) {
      await b.rm.shutdown();
      await b.scheduler.shutdown();
      await b.logs.shutdown();
    }
    brokers.clear();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers acks=all once the follower has fetched the data (DelayedProduce), with the follower replicating through its fetcher', async () => {
    const leader = await start(0);
    const follower = await start(1);
    expect(leaderAndIsr(leader, partitionState(0, 1, [0, 1])).partitions[0]!.errorCode).to.equal(Errors.NONE.code);
    expect(leaderAndIsr(follower, partitionState(0, 1, [0, 1])).partitions[0]!.errorCode).to.equal(Errors.NONE.code);
    const [r] = await produce(leader, 5);
    expect(r).to.include({ errorCode: Errors.NONE.code, baseOffset: 0n });
    expect(follower.rm.getPartition(TP)!.localLogOrException().logEndOffset).to.equal(5n);
    expect(leader.rm.getPartition(TP)!.localLogOrException().highWatermark).to.equal(5n);
  });

  it('answers acks=all with REQUEST_TIMED_OUT when the ISR never catches up within the timeout', async () => {
    const leader = await start(0);
    leaderAndIsr(leader, partitionState(0, 1, [0, 1]));
    let answered: Awaited<ReturnType<ReplicaManager['appendRecords']>> | undefined;
    void produce(leader, 1).then((r) => (answered = r));
    await turnUntil(() => leader.rm.producePurgatory.watched() > 0 || answered !== undefined, 10);
    expect(answered).to.equal(undefined);
    time.advance(30_000);
    await turnUntil(() => answered !== undefined, 10);
    expect(answered![0]!.errorCode).to.equal(Errors.REQUEST_TIMED_OUT.code);
  });

  it('holds a consumer fetch until min bytes are readable below the high watermark, or answers empty when max wait passes', async () => {
    const leader = await start(0);
    leaderAndIsr(leader, partitionState(0, 1, [0]));
    let got: FetchPartitionResult[] | undefined;
    void consumerFetch(leader, 0n, 1, 500).then((r) => (got = r));
    await turnUntil(() => leader.rm.fetchPurgatory.watched() > 0, 10);
    expect(got).to.equal(undefined);
    await produce(leader, 3, 1);
    await turnUntil(() => got !== undefined, 10);
    expect(got![0]!.records!.length).to.be.greaterThan(0);

    let empty: FetchPartitionResult[] | undefined;
    void consumerFetch(leader, 3n, 1, 500).then((r) => (empty = r));
    await turnUntil(() => leader.rm.fetchPurgatory.watched() > 0, 10);
    time.advance(499);
    await turnUntil(() => true, 3);
    expect(empty).to.equal(undefined);
    time.advance(1);
    await turnUntil(() => empty !== undefined, 10);
    expect(empty![0]!.records!.length).to.equal(0);
  });

  it('shrinks the ISR from its scheduled isr-expiration task when the follower stops fetching', async () => {
    const leader = await start(0);
    leaderAndIsr(leader, partitionState(0, 1, [0, 1]));
    await produce(leader, 1, 1);
    time.advance(LAG_MS + LAG_MS / 2 + 1);
    expect(leader.alter.submitted.map((s) => s.item.newIsr)).to.deep.equal([[0]]);
  });

  it('moves a partition from leader to follower: produce answers NOT_LEADER_OR_FOLLOWER and a waiting acks=all produce is answered at once', async () => {
    const a = await start(0);
    const b = await start(1);
    leaderAndIsr(a, partitionState(0, 1, [0, 1]));
    let waiting: Awaited<ReturnType<ReplicaManager['appendRecords']>> | undefined;
    void produce(a, 1).then((r) => (waiting = r));
    await turnUntil(() => a.rm.producePurgatory.watched() > 0, 10);
    leaderAndIsr(b, partitionState(1, 2, [0, 1]));
    leaderAndIsr(a, partitionState(1, 2, [0, 1]));
    await turnUntil(() => waiting !== undefined, 10);
    expect(waiting![0]!.errorCode).to.equal(Errors.NOT_LEADER_OR_FOLLOWER.code);
    expect((await produce(a, 1, 1))[0]!.errorCode).to.equal(Errors.NOT_LEADER_OR_FOLLOWER.code);
    // The former leader now follows b; its unreplicated record (offset 0, epoch 1) is truncated away.
    await produce(b, 2, 1);
    await turnUntil(() => a.rm.getPartition(TP)!.localLogOrException().logEndOffset === 2n, 200);
  });

  it('replicates through an incremental fetch session: after the full fetch, requests carry only partitions whose position moved', async () => {
    const leader = await start(0);
    const follower = await start(1);
    for (const partition of [0, 1, 2]) {
      for (const b of [leader, follower]) {
        b.rm.becomeLeaderOrFollower({ controllerId: 0, isKRaftController: false, controllerEpoch: 1, brokerEpoch: -1n, type: 0, ungroupedPartitionStates: [], liveLeaders: [],
          topicStates: [{ topicName: TP.topic, topicId: '', partitionStates: [{ ...partitionState(0, 1, [0, 1]), partitionIndex: partition }] }] });
      }
    }
    await leader.rm.appendRecords({ timeoutMs: 30_000, requiredAcks: -1, entries: [{ tp: { topic: 't', partition: 1 }, records: records(4) }] });
    expect(follower.rm.getPartition({ topic: 't', partition: 1 })!.localLogOrException().logEndOffset).to.equal(4n);
    const requests = endPoints.flatMap((e) => e.requests);
    expect(requests[0]).to.deep.equal({ sessionEpoch: 0, partitions: 3 });
    // Partition 1's position moved once (0 → 4); the other two are never sent again.
    expect(requests.slice(1).every((r) => r.sessionEpoch > 0 && r.partitions <= 1)).to.equal(true);
    expect(leader.sessions.cache.size).to.equal(1);
  });

  it('ignores LeaderAndIsr from an older controller epoch, and answers STALE_CONTROLLER_EPOCH for a leader epoch that is not newer', async () => {
    const a = await start(0);
    leaderAndIsr(a, partitionState(0, 3, [0]), 5);
    expect(leaderAndIsr(a, partitionState(0, 4, [0]), 4).errorCode).to.equal(Errors.STALE_CONTROLLER_EPOCH.code);
    expect(leaderAndIsr(a, partitionState(0, 3, [0]), 5).partitions[0]!.errorCode).to.equal(Errors.STALE_CONTROLLER_EPOCH.code);
    expect(a.rm.getPartition(TP)!.leaderEpoch).to.equal(3);
  });
});
