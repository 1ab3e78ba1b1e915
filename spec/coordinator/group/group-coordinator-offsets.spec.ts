import { expect } from 'chai';
import { GroupState } from '../../../lib/coordinator/group/group-state.js';
import { TopicPartitionMap, type OffsetAndMetadata } from '../../../lib/coordinator/group/offset-and-metadata.js';
import { readMessageKey } from '../../../lib/coordinator/group/group-metadata-records.js';
import { Errors } from '../../../lib/protocol/errors.js';
import { flush, INITIAL_DELAY, joinParams, startCoordinator, subscription, type Harness } from './support.js';

const GROUP = 'offsets-group';

function offsets(entries: Array<[string, number, bigint, string?]>, time = 1000): TopicPartitionMap<OffsetAndMetadata> {
  const m = new TopicPartitionMap<OffsetAndMetadata>();
  for (const [topic, partition, offset, metadata] of entries) {
    m.set({ topic, partition }, { offset, leaderEpoch: -1, metadata: metadata ?? '', commitTimestamp: time, expireTimestamp: null });
  }
  return m;
}

async function simpleCommit(h: Harness, entries: Array<[string, number, bigint, string?]>, group = GROUP): Promise<TopicPartitionMap<number>> {
  return h.coordinator.handleCommitOffsets(group, '', null, -1, offsets(entries, h.time.milliseconds()));
}

function fetched(h: Harness, group = GROUP, tps: Array<[string, number]> | null = null): Array<[string, number, bigint, number]> {
  const { error, partitions } = h.coordinator.handleFetchOffsets(group, false, tps && tps.map(([topic, partition]) => ({ topic, partition })));
  expect(error).to.equal(Errors.NONE.code);
  return partitions.map((p) => [p.topicPartition.topic, p.topicPartition.partition, p.offset, p.error]);
}

/** A one-member consumer group subscribed to `topics`, Stable at generation 1. */
async function stableMember(h: Harness, topics: string[]): Promise<string> {
  const join = h.coordinator.handleJoinGroup(joinParams(GROUP, { requireKnownMemberId: false, protocols: [{ name: 'range', metadata: subscription(topics) }] }));
  h.time.advance(INITIAL_DELAY);
  const j = await join;
  await h.coordinator.handleSyncGroup({ groupId: GROUP, generationId: j.generationId, memberId: j.memberId, protocolType: null, protocolName: null, groupInstanceId: null, assignments: new Map() });
  return j.memberId;
}

describe('GroupCoordinator offsets and admin', () => {
  let h: Harness;
  beforeEach(async () => { h = await startCoordinator(); });
  afterEach(async () => { await h.coordinator.shutdown(); });

  it('accepts a simple commit (generation -1) for an unknown group, creating it Empty, and stores negative offsets as given', async () => {
    const errors = await simpleCommit(h, [['t', 0, 17n, 'meta'], ['t', 1, -5n]]);
    expect([...errors.entries()].map(([, e]) => e)).to.deep.equal([Errors.NONE.code, Errors.NONE.code]);
    expect(h.coordinator.groupManager.getGroup(GROUP)!.currentState).to.equal(GroupState.Empty);
    expect(fetched(h)).to.deep.equal([['t', 0, 17n, 0], ['t', 1, -5n, 0]]);
  });

  it('answers offset -1 for partitions without commits and for unknown groups', async () => {
    await simpleCommit(h, [['t', 0, 3n]]);
    expect(fetched(h, GROUP, [['t', 0], ['t', 9], ['other', 0]])).to.deep.equal([['t', 0, 3n, 0], ['t', 9, -1n, 0], ['other', 0, -1n, 0]]);
    expect(fetched(h, 'no-such-group', [['t', 0]])).to.deep.equal([['t', 0, -1n, 0]]);
    expect(fetched(h, 'no-such-group')).to.deep.equal([]);
  });

  it('rejects a commit with a generation for an unknown group (ILLEGAL_GENERATION) and simple commits to a group with members (UNKNOWN_MEMBER_ID)', async () => {
    const r = await h.coordinator.handleCommitOffsets('fresh', 'm', null, 3, offsets([['t', 0, 1n]]));
    expect(r.get({ topic: 't', partition: 0 })).to.equal(Errors.ILLEGAL_GENERATION.code);
    await stableMember(h, ['t']);
    expect((await simpleCommit(h, [['t', 0, 1n]])).get({ topic: 't', partition: 0 })).to.equal(Errors.UNKNOWN_MEMBER_ID.code);
  });

  it('takes commits from a member of the current generation, also while PreparingRebalance, but REBALANCE_IN_PROGRESS while CompletingRebalance', async () => {
    const member = await stableMember(h, ['t']);
    const tp = { topic: 't', partition: 0 };
    expect((await h.coordinator.handleCommitOffsets(GROUP, member, null, 1, offsets([['t', 0, 10n]]))).get(tp)).to.equal(Errors.NONE.code);
    expect((await h.coordinator.handleCommitOffsets(GROUP, member, null, 0, offsets([['t', 0, 10n]]))).get(tp)).to.equal(Errors.ILLEGAL_GENERATION.code);
    const rejoin = h.coordinator.handleJoinGroup(joinParams(GROUP, { memberId: member, protocols: [{ name: 'range', metadata: subscription(['t', 'u']) }] }));
    // The rejoin alone completes the join phase (all members joined): CompletingRebalance, generation 2.
    const j = await rejoin;
    expect(h.coordinator.groupManager.getGroup(GROUP)!.currentState).to.equal(GroupState.CompletingRebalance);
    expect((await h.coordinator.handleCommitOffsets(GROUP, member, null, 2, offsets([['t', 0, 11n]]))).get(tp)).to.equal(Errors.REBALANCE_IN_PROGRESS.code);
    // A second member joining moves the group to PreparingRebalance; the first may still commit generation 2.
    void h.coordinator.handleJoinGroup(joinParams(GROUP, { requireKnownMemberId: false, clientId: 'second' }));
    expect(h.coordinator.groupManager.getGroup(GROUP)!.currentState).to.equal(GroupState.PreparingRebalance);
    expect((await h.coordinator.handleCommitOffsets(GROUP, member, null, j.generationId, offsets([['t', 0, 12n]]))).get(tp)).to.equal(Errors.NONE.code);
    expect(fetched(h, GROUP, [['t', 0]])).to.deep.equal([['t', 0, 12n, 0]]);
  });

  it('refuses metadata longer than offset.metadata.max.bytes per partition and stores the rest', async () => {
    await h.coordinator.shutdown();
    h = await startCoordinator({ offsetConfig: { maxMetadataSize: 4 } });
    const r = await simpleCommit(h, [['t', 0, 1n, 'ok'], ['t', 1, 2n, 'too long']]);
    expect(r.get({ topic: 't', partition: 0 })).to.equal(Errors.NONE.code);
    expect(r.get({ topic: 't', partition: 1 })).to.equal(Errors.OFFSET_METADATA_TOO_LARGE.code);
    expect(fetched(h)).to.deep.equal([['t', 0, 1n, 0]]);
  });

  it('maps append failures as Kafka does and does not make the offsets visible', async () => {
    h.storage.nextError = Errors.NOT_ENOUGH_REPLICAS.code;
    expect((await simpleCommit(h, [['t', 0, 1n]])).get({ topic: 't', partition: 0 })).to.equal(Errors.COORDINATOR_NOT_AVAILABLE.code);
    h.storage.nextError = Errors.NOT_LEADER_OR_FOLLOWER.code;
    expect((await simpleCommit(h, [['t', 0, 1n]])).get({ topic: 't', partition: 0 })).to.equal(Errors.NOT_COORDINATOR.code);
    h.storage.nextError = Errors.RECORD_LIST_TOO_LARGE.code;
    expect((await simpleCommit(h, [['t', 0, 1n]])).get({ topic: 't', partition: 0 })).to.equal(Errors.INVALID_COMMIT_OFFSET_SIZE.code);
    expect(fetched(h, GROUP, [['t', 0]])).to.deep.equal([['t', 0, -1n, 0]]);
  });

  it('answers UNSTABLE_OFFSET_COMMIT to requireStable fetches while a commit is being written', async () => {
    await simpleCommit(h, [['t', 0, 1n]]);
    h.storage.hold = true;
    const pending = simpleCommit(h, [['t', 0, 2n]]);
    const during = h.coordinator.handleFetchOffsets(GROUP, true, [{ topic: 't', partition: 0 }]).partitions[0]!;
    expect(during.error).to.equal(Errors.UNSTABLE_OFFSET_COMMIT.code);
    expect(h.coordinator.handleFetchOffsets(GROUP, false, [{ topic: 't', partition: 0 }]).partitions[0]!.offset).to.equal(1n);
    h.storage.release();
    await pending;
    expect(h.coordinator.handleFetchOffsets(GROUP, true, [{ topic: 't', partition: 0 }]).partitions[0]!.offset).to.equal(2n);
  });

  it('round-trips offsets and group metadata through the storage: a fresh coordinator loads the same state', async () => {
    const member = await stableMember(h, ['t']);
    await h.coordinator.handleCommitOffsets(GROUP, member, null, 1, offsets([['t', 0, 100n, 'a'], ['t', 1, 200n]]));
    await simpleCommit(h, [['x', 3, 7n]], 'simple-group');
    await simpleCommit(h, [['x', 3, 8n]], 'simple-group'); // the later commit wins on load
    const fresh = await startCoordinator({ storage: h.storage });
    try {
      expect(fetched(fresh, GROUP)).to.deep.equal([['t', 0, 100n, 0], ['t', 1, 200n, 0]]);
      expect(fresh.coordinator.handleFetchOffsets(GROUP, false, null).partitions[0]!.metadata).to.equal('a');
      expect(fetched(fresh, 'simple-group')).to.deep.equal([['x', 3, 8n, 0]]);
      const { summary } = fresh.coordinator.handleDescribeGroup(GROUP);
      expect(summary.state).to.equal('Stable');
      expect(summary.members.map((m) => m.memberId)).to.deep.equal([member]);
      // The loaded member must keep heartbeating: its session is armed on load.
      expect(fresh.coordinator.handleHeartbeat(GROUP, member, null, 1)).to.equal(Errors.NONE.code);
      fresh.time.advance(10_001);
      expect(fresh.coordinator.groupManager.getGroup(GROUP)!.has(member)).to.equal(false);
    } finally {
      await fresh.coordinator.shutdown();
    }
  });

  it('answers COORDINATOR_LOAD_IN_PROGRESS while loading and NOT_COORDINATOR for partitions it does not lead', async () => {
    await simpleCommit(h, [['t', 0, 1n]]);
    const storage = h.storage;
    storage.blockReads();
    const p = storage.partitionFor(GROUP);
    const other = await startCoordinator({ storage, own: [] });
    try {
      expect(other.coordinator.handleFetchOffsets(GROUP, false, null).error).to.equal(Errors.NOT_COORDINATOR.code);
      const loaded = other.coordinator.onElection(p, 1);
      expect(other.coordinator.handleFetchOffsets(GROUP, false, null).error).to.equal(Errors.COORDINATOR_LOAD_IN_PROGRESS.code);
      expect((await other.coordinator.handleJoinGroup(joinParams(GROUP))).error).to.equal(Errors.COORDINATOR_LOAD_IN_PROGRESS.code);
      expect(other.coordinator.handleHeartbeat(GROUP, 'm', null, 1)).to.equal(Errors.NONE.code); // answered blindly while loading
      expect((await other.coordinator.handleSyncGroup({ groupId: GROUP, generationId: 1, memberId: 'm', protocolType: null, protocolName: null, groupInstanceId: null, assignments: new Map() })).error)
        .to.equal(Errors.REBALANCE_IN_PROGRESS.code);
      expect(other.coordinator.handleListGroups([]).error).to.equal(Errors.COORDINATOR_LOAD_IN_PROGRESS.code);
      storage.unblockReads();
      await loaded;
      expect(fetched(other)).to.deep.equal([['t', 0, 1n, 0]]);
      await other.coordinator.onResignation(p, 1);
      expect(other.coordinator.handleFetchOffsets(GROUP, false, null).error).to.equal(Errors.NOT_COORDINATOR.code);
      expect(other.coordinator.groupManager.getGroup(GROUP)).to.equal(undefined);
    } finally {
      storage.unblockReads();
      await other.coordinator.shutdown();
    }
  });

  it('ignores a resignation from an older coordinator epoch', async () => {
    const p = h.storage.partitionFor(GROUP);
    await simpleCommit(h, [['t', 0, 1n]]);
    await h.coordinator.onResignation(p, 0); // elected in epoch 1
    expect(fetched(h)).to.deep.equal([['t', 0, 1n, 0]]);
  });

  it('DeleteGroups deletes an Empty group with tombstones for its offsets and metadata; a fresh load no longer sees it', async () => {
    const member = await stableMember(h, ['t']);
    await h.coordinator.handleCommitOffsets(GROUP, member, null, 1, offsets([['t', 0, 5n]]));
    expect(h.coordinator.handleDeleteGroups([GROUP]).get(GROUP)).to.equal(Errors.NON_EMPTY_GROUP.code);
    h.coordinator.handleLeaveGroup(GROUP, [{ memberId: member, groupInstanceId: null }]);
    const result = h.coordinator.handleDeleteGroups([GROUP, 'unknown']);
    expect(result.get(GROUP)).to.equal(Errors.NONE.code);
    expect(result.get('unknown')).to.equal(Errors.GROUP_ID_NOT_FOUND.code);
    await flush();
    const last = h.storage.records(h.storage.partitionFor(GROUP)).slice(-2);
    expect(last.map((r) => [readMessageKey(r.key!).type, r.value])).to.deep.equal([['offset', null], ['group', null]]);
    expect(h.coordinator.handleDescribeGroup(GROUP).summary.state).to.equal('Dead');
    const fresh = await startCoordinator({ storage: h.storage });
    try {
      expect(fresh.coordinator.groupManager.getGroup(GROUP)).to.equal(undefined);
      expect(fetched(fresh, GROUP, [['t', 0]])).to.deep.equal([['t', 0, -1n, 0]]);
    } finally {
      await fresh.coordinator.shutdown();
    }
  });

  it('OffsetDelete: removes offsets of an Empty group, refuses topics a consumer group subscribes to, GROUP_ID_NOT_FOUND for unknown groups', async () => {
    await simpleCommit(h, [['t', 0, 1n], ['u', 0, 2n]]);
    let r = h.coordinator.handleDeleteOffsets(GROUP, [{ topic: 'u', partition: 0 }]);
    expect(r.error).to.equal(Errors.NONE.code);
    expect(r.partitionErrors.get({ topic: 'u', partition: 0 })).to.equal(Errors.NONE.code);
    expect(fetched(h)).to.deep.equal([['t', 0, 1n, 0]]);
    const member = await stableMember(h, ['t']);
    await h.coordinator.handleCommitOffsets(GROUP, member, null, 1, offsets([['v', 0, 3n]]));
    r = h.coordinator.handleDeleteOffsets(GROUP, [{ topic: 't', partition: 0 }, { topic: 'v', partition: 0 }]);
    expect(r.error).to.equal(Errors.NONE.code);
    expect(r.partitionErrors.get({ topic: 't', partition: 0 })).to.equal(Errors.GROUP_SUBSCRIBED_TO_TOPIC.code);
    expect(r.partitionErrors.get({ topic: 'v', partition: 0 })).to.equal(Errors.NONE.code);
    expect(fetched(h)).to.deep.equal([['t', 0, 1n, 0]]);
    expect(h.coordinator.handleDeleteOffsets('unknown', [{ topic: 't', partition: 0 }]).error).to.equal(Errors.GROUP_ID_NOT_FOUND.code);
  });

  it('expires offsets of an Empty group offsets.retention after it became Empty, then drops the group', async () => {
    await h.coordinator.shutdown();
    h = await startCoordinator({ offsetConfig: { offsetsRetentionMs: 60_000, offsetsRetentionCheckIntervalMs: 1000 }, expiration: true });
    const member = await stableMember(h, ['t']);
    await h.coordinator.handleCommitOffsets(GROUP, member, null, 1, offsets([['t', 0, 5n]], h.time.milliseconds()));
    // Stable and subscribed to the topic: the offset stays, however old.
    for (let i = 0; i < 40; i++) { h.time.advance(3000); expect(h.coordinator.handleHeartbeat(GROUP, member, null, 1)).to.equal(Errors.NONE.code); }
    expect(fetched(h, GROUP, [['t', 0]])).to.deep.equal([['t', 0, 5n, 0]]);
    h.coordinator.handleLeaveGroup(GROUP, [{ memberId: member, groupInstanceId: null }]);
    h.time.advance(59_000);
    expect(fetched(h, GROUP, [['t', 0]])).to.deep.equal([['t', 0, 5n, 0]]);
    h.time.advance(2000);
    expect(fetched(h, GROUP, [['t', 0]])).to.deep.equal([['t', 0, -1n, 0]]);
    expect(h.coordinator.groupManager.getGroup(GROUP)).to.equal(undefined);
    await flush();
    const tombstones = h.storage.records(h.storage.partitionFor(GROUP)).filter((r) => r.value === null).map((r) => readMessageKey(r.key!).type);
    expect(tombstones).to.deep.equal(['offset', 'group']);
  });

  it('expires a simple group\'s offsets by commit time and honours an explicit expire timestamp', async () => {
    await h.coordinator.shutdown();
    h = await startCoordinator({ offsetConfig: { offsetsRetentionMs: 60_000, offsetsRetentionCheckIntervalMs: 1000 }, expiration: true });
    const now = h.time.milliseconds();
    const m = offsets([['t', 0, 1n]], now);
    m.set({ topic: 't', partition: 1 }, { offset: 2n, leaderEpoch: -1, metadata: '', commitTimestamp: now, expireTimestamp: now + 5000 });
    await h.coordinator.handleCommitOffsets(GROUP, '', null, -1, m);
    h.time.advance(6000);
    expect(fetched(h)).to.deep.equal([['t', 0, 1n, 0]]);
    h.time.advance(60_000);
    expect(fetched(h)).to.deep.equal([]);
    // Never had a generation: no group tombstone.
    await flush();
    expect(h.storage.records(h.storage.partitionFor(GROUP)).filter((r) => r.value === null).map((r) => readMessageKey(r.key!).type)).to.deep.equal(['offset', 'offset']);
  });

  it('ListGroups filters by state case-insensitively; DescribeGroups answers Dead for unknown groups', async () => {
    await simpleCommit(h, [['t', 0, 1n]], 'empty-one');
    await stableMember(h, ['t']);
    expect(h.coordinator.handleListGroups([]).groups.map((g) => g.groupId).sort()).to.deep.equal(['empty-one', GROUP]);
    expect(h.coordinator.handleListGroups(['stable']).groups.map((g) => [g.groupId, g.state, g.protocolType])).to.deep.equal([[GROUP, 'Stable', 'consumer']]);
    expect(h.coordinator.handleListGroups(['Empty']).groups.map((g) => g.groupId)).to.deep.equal(['empty-one']);
    const d = h.coordinator.handleDescribeGroup('nobody');
    expect([d.error, d.summary.state, d.summary.members.length]).to.deep.equal([Errors.NONE.code, 'Dead', 0]);
    const s = h.coordinator.handleDescribeGroup(GROUP).summary;
    expect([s.state, s.protocolType, s.protocol]).to.deep.equal(['Stable', 'consumer', 'range']);
    expect(s.members[0]!.metadata).to.deep.equal(subscription(['t']));
  });

  it('removes offsets of deleted partitions from every group', async () => {
    await simpleCommit(h, [['gone', 0, 1n], ['kept', 0, 2n]]);
    expect(h.coordinator.handleDeletedPartitions([{ topic: 'gone', partition: 0 }])).to.equal(1);
    expect(fetched(h)).to.deep.equal([['kept', 0, 2n, 0]]);
  });
});
