import { expect } from 'chai';
import { MockTime } from '../../lib/common/time.js';
import { FetchManager, FetchSessionCache, MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS } from '../../lib/server/fetch-session.js';
import { FINAL_EPOCH, INITIAL_EPOCH, INVALID_SESSION_ID } from '../../lib/common/fetch-metadata.js';
import type { FetchPartitionRequest, FetchPartitionResult } from '../../lib/replication/replica-manager.js';
import { Errors } from '../../lib/protocol/errors.js';

const req = (partition: number, fetchOffset = 0n): FetchPartitionRequest =>
  ({ tp: { topic: 't', partition }, fetchOffset, logStartOffset: 0n, maxBytes: 1024, currentLeaderEpoch: 0, lastFetchedEpoch: -1 });
const result = (p: FetchPartitionRequest, opts: { records?: number; hw?: bigint; errorCode?: number } = {}): FetchPartitionResult => ({
  tp: p.tp, errorCode: opts.errorCode ?? Errors.NONE.code, highWatermark: opts.hw ?? 10n, lastStableOffset: opts.hw ?? 10n, logStartOffset: 0n,
  records: Buffer.alloc(opts.records ?? 0), divergingEpoch: null,
});
const partitionsOf = (rs: FetchPartitionResult[]): number[] => rs.map((r) => r.tp.partition);

describe('fetch sessions (KIP-227): FetchManager and FetchSessionCache', () => {
  let time: MockTime;
  let manager: FetchManager;
  let ids: number;

  beforeEach(() => {
    time = new MockTime();
    ids = 0;
    manager = new FetchManager(time, new FetchSessionCache(2, MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS, () => ((++ids) % 1000) / 1000));
  });

  /** A full fetch at epoch 0 of partitions 0..n-1 that opens a session; its id. */
  const open = (n: number, follower = true): number => {
    const ctx = manager.newContext(INVALID_SESSION_ID, INITIAL_EPOCH, Array.from({ length: n }, (_, i) => req(i)), [], follower);
    const answer = ctx.respond(ctx.partitions.map((p) => result(p)));
    expect(answer.results).to.have.length(n);
    return answer.sessionId;
  };

  it('opens a session on a full fetch at epoch 0, then reads every session partition and answers only the changed ones', () => {
    const id = open(3);
    expect(id).to.be.greaterThan(0);
    // Epoch 1 names nothing new: all three partitions are read, only the one with records is answered.
    const ctx = manager.newContext(id, 1, [], [], true);
    expect(ctx.partitions.map((p) => p.tp.partition)).to.deep.equal([0, 1, 2]);
    const answer = ctx.respond(ctx.partitions.map((p) => result(p, { records: p.tp.partition === 1 ? 5 : 0 })));
    expect(answer).to.include({ errorCode: Errors.NONE.code, sessionId: id });
    expect(partitionsOf(answer.results)).to.deep.equal([1]);
    // A new high watermark or an error is answered too; the partition answered last moves to the back.
    const next = manager.newContext(id, 2, [req(1, 5n)], [], true);
    expect(next.partitions.map((p) => [p.tp.partition, p.fetchOffset])).to.deep.equal([[0, 0n], [2, 0n], [1, 5n]]);
    const changed = next.respond(next.partitions.map((p) => result(p, { hw: p.tp.partition === 2 ? 11n : 10n, errorCode: p.tp.partition === 0 ? Errors.NOT_LEADER_OR_FOLLOWER.code : 0 })));
    expect(partitionsOf(changed.results)).to.deep.equal([0, 2]);
  });

  it('forgets partitions named in forgotten topics and closes a session left empty', () => {
    const id = open(2);
    const ctx = manager.newContext(id, 1, [], [{ topic: 't', partition: 0 }], true);
    expect(ctx.partitions.map((p) => p.tp.partition)).to.deep.equal([1]);
    ctx.respond(ctx.partitions.map((p) => result(p)));
    const empty = manager.newContext(id, 2, [], [{ topic: 't', partition: 1 }], true);
    expect(empty.respond([]).sessionId).to.equal(INVALID_SESSION_ID);
    expect(manager.newContext(id, 3, [], [], true).respond([]).errorCode).to.equal(Errors.FETCH_SESSION_ID_NOT_FOUND.code);
  });

  it('answers FETCH_SESSION_ID_NOT_FOUND for an unknown session and INVALID_FETCH_SESSION_EPOCH for a wrong epoch', () => {
    expect(manager.newContext(12345, 1, [req(0)], [], false).respond([]).errorCode).to.equal(Errors.FETCH_SESSION_ID_NOT_FOUND.code);
    const id = open(1);
    expect(manager.newContext(id, 7, [], [], true).respond([]).errorCode).to.equal(Errors.INVALID_FETCH_SESSION_EPOCH.code);
    // A duplicate of a request already answered has the old epoch.
    manager.newContext(id, 1, [], [], true).respond([result(req(0))]);
    expect(manager.newContext(id, 1, [], [], true).respond([]).errorCode).to.equal(Errors.INVALID_FETCH_SESSION_EPOCH.code);
  });

  it('serves epoch -1 as a full fetch without a session, and a full fetch closes the session it names', () => {
    const sessionless = manager.newContext(INVALID_SESSION_ID, FINAL_EPOCH, [req(0)], [], false);
    expect(sessionless.respond([result(req(0))]).sessionId).to.equal(INVALID_SESSION_ID);
    expect(manager.cache.size).to.equal(0);
    const id = open(1);
    manager.newContext(id, FINAL_EPOCH, [req(0)], [], true).respond([result(req(0))]);
    expect(manager.cache.get(id)).to.equal(undefined);
  });

  it('evicts by Kafka\'s rules when the cache is full: a stale session first, a privileged session beats an unprivileged one, otherwise none', () => {
    const consumer = open(1, false);
    const follower = open(5, true);
    // Full: a new consumer session cannot evict a young session.
    expect(open(2, false)).to.equal(INVALID_SESSION_ID);
    // A new follower session evicts the unprivileged one.
    const follower2 = open(1, true);
    expect(follower2).to.not.equal(INVALID_SESSION_ID);
    expect(manager.cache.get(consumer)).to.equal(undefined);
    // Nothing is stale and both are privileged and young: no room.
    expect(open(9, true)).to.equal(INVALID_SESSION_ID);
    // Once unused for longer than the eviction time, the least recently used session goes.
    time.advance(MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS - 1);
    manager.newContext(follower2, 1, [], [], true).respond([result(req(0))]);
    time.advance(2);
    expect(open(1, false)).to.not.equal(INVALID_SESSION_ID);
    expect(manager.cache.get(follower)).to.equal(undefined);
    expect(manager.cache.get(follower2)).to.not.equal(undefined);
  });

  it('creates no session with max.incremental.fetch.session.cache.slots=0', () => {
    manager = new FetchManager(time, new FetchSessionCache(0));
    expect(open(1)).to.equal(INVALID_SESSION_ID);
  });
});
