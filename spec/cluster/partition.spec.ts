import { expect } from 'chai';
import fs from 'node:fs';
import { MockTime } from '../../lib/common/time.js';
import { FetchIsolation, type Partition } from '../../lib/cluster/partition.js';
import { Errors, FencedLeaderEpochError, NotEnoughReplicasError, NotLeaderOrFollowerError, OffsetNotAvailableError, UnknownLeaderEpochError } from '../../lib/protocol/errors.js';
import { ManualAlterPartitionManager, newPartition, records, state, tempDir } from '../replication/support.js';

const TP = { topic: 't', partition: 0 };
const LAG_MS = 10_000;

/** A follower fetch as the leader's ReplicaManager passes it on. */
function followerFetch(p: Partition, replicaId: number, fetchOffset: bigint, lastFetchedEpoch = -1): ReturnType<Partition['fetchRecords']> {
  return p.fetchRecords({
    replicaId, fetchOffset, followerLogStartOffset: 0n, lastFetchedEpoch, maxBytes: 1 << 20,
    isolation: FetchIsolation.LOG_END, minOneMessage: true, currentLeaderEpoch: p.leaderEpoch,
  });
}

describe('Partition (leader side)', () => {
  let dir: string;
  let time: MockTime;
  let alter: ManualAlterPartitionManager;
  let alive: Set<number>;
  let leader: Partition;

  beforeEach(() => {
    dir = tempDir();
    time = new MockTime();
    alter = new ManualAlterPartitionManager();
    alive = new Set([0, 1, 2]);
    leader = newPartition(TP, 0, dir, time, alter, { minIsr: 2, lagMs: LAG_MS, alive: (id) => alive.has(id) });
    leader.makeLeader(state(0, 5, [0, 1, 2], [0, 1, 2]));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const log = (): ReturnType<Partition['localLogOrException']> => leader.localLogOrException();
  const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  it('advances the high watermark to the smallest log end offset of the ISR', () => {
    leader.appendRecordsToLeader(records(10), -1);
    expect(log().highWatermark).to.equal(0n);
    followerFetch(leader, 1, 10n);
    expect(log().highWatermark).to.equal(0n);
    followerFetch(leader, 2, 4n);
    expect(log().highWatermark).to.equal(4n);
    followerFetch(leader, 2, 10n);
    expect(log().highWatermark).to.equal(10n);
  });

  it('shrinks the ISR through AlterPartition once a follower lags replica.lag.time.max.ms, and uses the maximal ISR until the controller answers', async () => {
    leader.appendRecordsToLeader(records(10), -1);
    followerFetch(leader, 1, 10n);
    followerFetch(leader, 2, 10n);
    leader.appendRecordsToLeader(records(5), -1);
    followerFetch(leader, 1, 15n);
    time.advance(LAG_MS - 1);
    leader.maybeShrinkIsr();
    expect(alter.submitted).to.have.length(0);
    time.advance(2);
    followerFetch(leader, 1, 15n); // replica 1 is caught up; replica 2 stopped at 10
    leader.maybeShrinkIsr();
    expect(alter.submitted.map((s) => s.item.newIsr)).to.deep.equal([[0, 1]]);
    // While the shrink is pending the high watermark still waits for replica 2 (maximal ISR).
    expect(log().highWatermark).to.equal(10n);
    expect(leader.inSyncReplicaIds).to.deep.equal([0, 1, 2]);
    alter.acceptNext();
    await flush();
    expect(leader.inSyncReplicaIds).to.deep.equal([0, 1]);
    expect(log().highWatermark).to.equal(15n);
  });

  it('expands the ISR when a live follower reaches the high watermark and the leader epoch start, not when its broker is down', async () => {
    leader.appendRecordsToLeader(records(10), 1);
    leader.makeLeader(state(0, 6, [0, 1], [0, 1, 2], 1)); // epoch 6 starts at offset 10
    leader.appendRecordsToLeader(records(5), 1);
    followerFetch(leader, 1, 12n); // high watermark 12
    alive.delete(2);
    followerFetch(leader, 2, 15n);
    expect(alter.submitted, 'a follower on a dead broker').to.have.length(0);
    alive.add(2);
    followerFetch(leader, 2, 11n);
    expect(alter.submitted, 'below the high watermark').to.have.length(0);
    followerFetch(leader, 2, 12n);
    expect(alter.submitted.map((s) => s.item.newIsr)).to.deep.equal([[0, 1, 2]]);
    alter.acceptNext();
    await flush();
    expect(leader.inSyncReplicaIds).to.deep.equal([0, 1, 2]);
  });

  it('keeps the ISR when the controller rejects the change, and then may try again', async () => {
    leader.appendRecordsToLeader(records(1), -1);
    followerFetch(leader, 1, 1n);
    time.advance(LAG_MS + 1);
    followerFetch(leader, 1, 1n);
    leader.maybeShrinkIsr();
    const pending = alter.submitted.shift()!;
    pending.answer({ errorCode: Errors.INVALID_UPDATE_VERSION.code });
    await flush();
    expect(leader.inSyncReplicaIds).to.deep.equal([0, 1, 2]);
    leader.maybeShrinkIsr();
    expect(alter.submitted.map((s) => s.item.newIsr)).to.deep.equal([[0, 1]]);
  });

  it('refuses acks=all appends below min.insync.replicas and reports NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank after the append', async () => {
    leader.makeLeader(state(0, 6, [0], [0, 1, 2], 1));
    expect(() => leader.appendRecordsToLeader(records(1), -1)).to.throw(NotEnoughReplicasError);
    expect(leader.appendRecordsToLeader(records(1), 1).lastOffset).to.equal(0n); // acks=1 is not bound by min.insync
    leader.makeLeader(state(0, 7, [0, 1], [0, 1, 2], 2));
    const info = leader.appendRecordsToLeader(records(1), -1);
    expect(leader.checkEnoughReplicasReachOffset(info.lastOffset + 1n)).to.deep.equal({ done: false, errorCode: Errors.NONE.code });
    time.advance(LAG_MS + 1);
    leader.maybeShrinkIsr();
    alter.acceptNext();
    await flush();
    expect(leader.inSyncReplicaIds).to.deep.equal([0]);
    expect(leader.checkEnoughReplicasReachOffset(info.lastOffset + 1n)).to.deep.equal({ done: true, errorCode: Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND.code });
  });

  it('fences fetchers with an older leader epoch and answers UNKNOWN_LEADER_EPOCH to a newer one; a follower is not fetched from', () => {
    const fetch = (currentLeaderEpoch: number): unknown => leader.fetchRecords({
      replicaId: -1, fetchOffset: 0n, followerLogStartOffset: -1n, lastFetchedEpoch: -1, maxBytes: 100,
      isolation: FetchIsolation.HIGH_WATERMARK, minOneMessage: true, currentLeaderEpoch,
    });
    expect(() => fetch(4)).to.throw(FencedLeaderEpochError);
    expect(() => fetch(6)).to.throw(UnknownLeaderEpochError);
    expect(() => fetch(5)).not.to.throw();
    expect(() => followerFetch(leader, 9, 0n)).to.throw(NotLeaderOrFollowerError, /non-replica 9/);
    leader.makeFollower(state(1, 6, [0, 1, 2], [0, 1, 2], 1));
    expect(() => fetch(6)).to.throw(NotLeaderOrFollowerError);
  });

  it('answers a consumer\'s latest-offset query with OFFSET_NOT_AVAILABLE while a new leader\'s high watermark lags the start of its epoch', () => {
    leader.appendRecordsToLeader(records(4), 1); // offsets 0..3, high watermark 0 (no follower fetched)
    leader.makeLeader(state(0, 6, [0, 1, 2], [0, 1, 2], 1)); // epoch 6 starts at 4
    expect(() => leader.fetchOffsetForTimestamp(-1n, FetchIsolation.HIGH_WATERMARK, 6)).to.throw(OffsetNotAvailableError);
    expect(() => leader.fetchOffsetForTimestamp(-1n, FetchIsolation.TXN_COMMITTED, -1)).to.throw(OffsetNotAvailableError);
    expect(leader.fetchOffsetForTimestamp(-1n, FetchIsolation.LOG_END, 6)).to.deep.include({ offset: 4n, leaderEpoch: 6 });
    expect(leader.fetchOffsetForTimestamp(-2n, FetchIsolation.HIGH_WATERMARK, 6)).to.include({ offset: 0n });
    followerFetch(leader, 1, 4n);
    followerFetch(leader, 2, 4n);
    expect(leader.fetchOffsetForTimestamp(-1n, FetchIsolation.HIGH_WATERMARK, 6)).to.deep.include({ offset: 4n, leaderEpoch: 6 });
  });

  it('starts each leader epoch at the log end, and answers a follower whose last epoch diverges with the epoch end to truncate to', () => {
    leader.appendRecordsToLeader(records(3), 1);
    leader.makeLeader(state(0, 8, [0, 1, 2], [0, 1, 2], 1));
    leader.appendRecordsToLeader(records(2), 1);
    expect(log().leaderEpochCache.entries().map((e) => [e.epoch, e.startOffset])).to.deep.equal([[5, 0n], [8, 3n]]);
    // The follower has offsets 0..3 with epoch 6 at 3 (a leader the rest never saw): truncate to 3.
    const diverged = followerFetch(leader, 1, 4n, 6);
    expect(diverged.divergingEpoch).to.deep.equal({ epoch: 5, endOffset: 3n });
    expect(diverged.fetchedData.records.length).to.equal(0);
    const ok = followerFetch(leader, 1, 3n, 5);
    expect(ok.divergingEpoch).to.equal(null);
    expect(ok.fetchedData.records.length).to.be.greaterThan(0);
  });
});
