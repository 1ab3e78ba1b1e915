import { expect } from 'chai';
import fs from 'node:fs';
import { MockTime } from '../../lib/common/time.js';
import { ReplicaFetcher, type FetcherConfig } from '../../lib/replication/replica-fetcher.js';
import type { Partition } from '../../lib/cluster/partition.js';
import { InProcessLeader, newPartition, records, state, tempDir, turnUntil } from './support.js';

const CONFIG: FetcherConfig = {
  brokerId: 1,
  fetchMaxWaitMs: 500,
  fetchMinBytes: 1,
  fetchMaxBytes: 64 * 1024,
  fetchResponseMaxBytes: 10 * 1024 * 1024,
  fetchBackoffMs: 1000,
  requestTimeoutMs: 30_000,
};

describe('ReplicaFetcher', () => {
  let dir: string;
  let time: MockTime;
  let fetchers: ReplicaFetcher[];

  beforeEach(() => {
    dir = tempDir();
    time = new MockTime();
    fetchers = [];
  });
  afterEach(async () => {
    for (const f of fetchers) await f.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const startFetcher = (leader: InProcessLeader, followers: Partition[], leaderEpoch: number): ReplicaFetcher => {
    const f = new ReplicaFetcher(leader, CONFIG, time);
    fetchers.push(f);
    f.addPartitions(followers.map((p) => ({ tp: p.topicPartition, partition: p, currentLeaderEpoch: leaderEpoch })));
    return f;
  };

  it('catches up from far behind when responses end inside a batch: only whole batches are appended', async () => {
    const tp = { topic: 't', partition: 0 };
    const leaderPartition = newPartition(tp, 0, `${dir}/b0`, time);
    leaderPartition.makeLeader(state(0, 0, [0], [0, 1]));
    // 5 MB in 25 KB batches; every 64 KB partition read ends inside the third batch.
    for (let i = 0; i < 200; i++) leaderPartition.appendRecordsToLeader(records(25, 1000), 1);
    const follower = newPartition(tp, 1, `${dir}/b1`, time);
    follower.makeFollower(state(0, 0, [0], [0, 1]));
    const leader = new InProcessLeader(0);
    leader.add(leaderPartition);
    let partial = 0;
    leader.cut = (_tp, recs) => {
      if (recs.length % 25_000 !== 0) partial++;
      return recs;
    };

    startFetcher(leader, [follower], 0);
    const leo = leaderPartition.localLogOrException().logEndOffset;
    await turnUntil(() => follower.localLogOrException().logEndOffset === leo, 5000);
    expect(partial, 'responses that ended inside a batch').to.be.greaterThan(0);
    expect(follower.localLogOrException().logEndOffset).to.equal(5000n);
  });

  it('handles each partition of a response on its own: a bad partition does not skip the others', async () => {
    const leader = new InProcessLeader(0);
    const followers: Partition[] = [];
    for (const partition of [0, 1]) {
      const tp = { topic: 't', partition };
      const lp = newPartition(tp, 0, `${dir}/b0`, time);
      lp.makeLeader(state(0, 0, [0], [0, 1]));
      lp.appendRecordsToLeader(records(5), 1);
      leader.add(lp);
      const fp = newPartition(tp, 1, `${dir}/b1`, time);
      fp.makeFollower(state(0, 0, [0], [0, 1]));
      followers.push(fp);
    }
    // Partition 0's answer is garbage (a batch length below any legal size); partition 1's is fine.
    leader.cut = (tp, recs) => {
      if (tp.partition !== 0) return recs;
      const bad = Buffer.from(recs);
      bad.writeInt32BE(3, 8);
      return bad;
    };

    startFetcher(leader, followers, 0);
    await turnUntil(() => leader.fetches >= 1 && followers[1]!.localLogOrException().logEndOffset === 5n, 50);
    expect(followers[0]!.localLogOrException().logEndOffset).to.equal(0n);
    // The bad partition backs off; once the leader answers properly it catches up too.
    leader.cut = undefined;
    time.advance(CONFIG.fetchBackoffMs);
    await turnUntil(() => followers[0]!.localLogOrException().logEndOffset === 5n, 50);
  });

  it('after leadership moves away and back without appends, truncates once and follows the new epoch (no endless truncation)', async () => {
    const tp = { topic: 't', partition: 0 };
    const a = newPartition(tp, 0, `${dir}/a`, time);
    const b = newPartition(tp, 1, `${dir}/b`, time);
    a.makeLeader(state(0, 0, [0, 1], [0, 1]));
    b.makeFollower(state(0, 0, [0, 1], [0, 1]));
    a.appendRecordsToLeader(records(10), 1);
    const leaderA = new InProcessLeader(0);
    leaderA.add(a);
    const first = startFetcher(leaderA, [b], 0);
    await turnUntil(() => b.localLogOrException().logEndOffset === 10n);
    first.removePartitions([tp]);

    // b leads epoch 1 and appends nothing (the epoch starts at 10 in b's cache only); then a leads epoch 2.
    b.makeLeader(state(1, 1, [0, 1], [0, 1], 1));
    a.makeFollower(state(1, 1, [0, 1], [0, 1], 1));
    a.makeLeader(state(0, 2, [0, 1], [0, 1], 2));
    b.makeFollower(state(0, 2, [0, 1], [0, 1], 2));
    a.appendRecordsToLeader(records(5), 1);
    expect(b.localLogOrException().leaderEpochCache.latestEpoch()).to.equal(1);

    let truncations = 0;
    const bLog = b.localLogOrException();
    const truncateTo = bLog.truncateTo.bind(bLog);
    bLog.truncateTo = (offset: bigint) => {
      truncations++;
      return truncateTo(offset);
    };
    startFetcher(leaderA, [b], 2);
    await turnUntil(() => bLog.logEndOffset === 15n, 200);
    expect(truncations).to.equal(1);
    expect(bLog.leaderEpochCache.latestEpoch()).to.equal(2);
  });
});
