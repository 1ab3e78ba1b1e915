import { expect } from 'chai';
import { decodeVersionPrefixed } from '../../../lib/protocol/frames.js';
import { type JoinGroupParams } from '../../../lib/coordinator/group/group-coordinator.js';
import type { JoinGroupResult } from '../../../lib/coordinator/group/member-metadata.js';
import { GroupState } from '../../../lib/coordinator/group/group-state.js';
import { readMessageKey } from '../../../lib/coordinator/group/group-metadata-records.js';
import {
  assignmentBytes, flush, INITIAL_DELAY, joinParams, REBALANCE_TIMEOUT, SESSION_TIMEOUT, startCoordinator, subscription, type Harness,
} from './support.js';
import { Errors } from '../../../lib/protocol/errors.js';

const GROUP = 'g1';

/** KIP-394 two-step join: MEMBER_ID_REQUIRED, then the parked join with the given id. */
async function joinDynamic(h: Harness, clientId: string, overrides: Partial<JoinGroupParams> = {}): Promise<{ memberId: string; joined: Promise<JoinGroupResult> }> {
  const first = await h.coordinator.handleJoinGroup(joinParams(GROUP, { clientId, ...overrides }));
  expect(first.error).to.equal(Errors.MEMBER_ID_REQUIRED.code);
  expect(first.memberId.startsWith(`${clientId}-`)).to.equal(true);
  return { memberId: first.memberId, joined: h.coordinator.handleJoinGroup(joinParams(GROUP, { clientId, memberId: first.memberId, ...overrides })) };
}

/** The leader's assignor: partitions round robin over member ids in order (the broker never assigns). */
function roundRobin(memberIds: string[], partitions: number): Map<string, Buffer> {
  const owned = new Map<string, number[]>(memberIds.map((id) => [id, []]));
  for (let p = 0; p < partitions; p++) owned.get(memberIds[p % memberIds.length]!)!.push(p);
  const out = new Map<string, Buffer>();
  for (const [id, ps] of owned) if (ps.length > 0) out.set(id, assignmentBytes([['t', ps]]));
  return out;
}

function partitionsOf(assignment: Buffer): number[] {
  if (assignment.length === 0) return [];
  return decodeVersionPrefixed('ConsumerProtocolAssignment', assignment).value.assignedPartitions.flatMap((t) => t.partitions);
}

/** Joins n dynamic members, completes the initial delayed rebalance, syncs everyone; returns member ids and assignments. */
async function stableGroup(h: Harness, n: number, partitions = 5): Promise<{ ids: string[]; leader: string; assignments: Map<string, number[]>; generation: number }> {
  const members = [];
  for (let i = 0; i < n; i++) members.push(await joinDynamic(h, `c${i}`));
  h.time.advance(INITIAL_DELAY); // first delay: new members were added → waits again
  h.time.advance(INITIAL_DELAY);
  const results = await Promise.all(members.map((m) => m.joined));
  const generation = results[0]!.generationId;
  const leaderResult = results.find((r) => r.members.length > 0)!;
  const ids = leaderResult.members.map((m) => m.memberId);
  const syncs = results.filter((r) => r !== leaderResult).map((r) => h.coordinator.handleSyncGroup({
    groupId: GROUP, generationId: generation, memberId: r.memberId, protocolType: 'consumer', protocolName: 'range', groupInstanceId: null, assignments: new Map(),
  }));
  const leaderSync = h.coordinator.handleSyncGroup({
    groupId: GROUP, generationId: generation, memberId: leaderResult.memberId, protocolType: 'consumer', protocolName: 'range', groupInstanceId: null,
    assignments: roundRobin(ids, partitions),
  });
  const synced = await Promise.all([...syncs, leaderSync]);
  const order = [...results.filter((r) => r !== leaderResult), leaderResult];
  const assignments = new Map<string, number[]>();
  synced.forEach((s, i) => {
    expect(s.error).to.equal(Errors.NONE.code);
    assignments.set(order[i]!.memberId, partitionsOf(s.memberAssignment));
  });
  return { ids, leader: leaderResult.leaderId, assignments, generation };
}

describe('GroupCoordinator membership', () => {
  let h: Harness;
  beforeEach(async () => { h = await startCoordinator(); });
  afterEach(async () => { await h.coordinator.shutdown(); });

  it('answers MEMBER_ID_REQUIRED with a fresh member id to a v4+ dynamic member without one', async () => {
    const r = await h.coordinator.handleJoinGroup(joinParams(GROUP));
    expect(r.error).to.equal(Errors.MEMBER_ID_REQUIRED.code);
    expect(r.memberId).to.match(/^client-[0-9a-f-]{36}$/);
    expect(h.coordinator.groupManager.getGroup(GROUP)!.numPending()).to.equal(1);
  });

  it('drops a pending member id that is not used within the session timeout', async () => {
    await h.coordinator.handleJoinGroup(joinParams(GROUP));
    h.time.advance(SESSION_TIMEOUT);
    expect(h.coordinator.groupManager.getGroup(GROUP)!.numPending()).to.equal(0);
  });

  it('rejects session timeouts outside group.min/max.session.timeout.ms with INVALID_SESSION_TIMEOUT', async () => {
    expect((await h.coordinator.handleJoinGroup(joinParams(GROUP, { sessionTimeoutMs: 5999 }))).error).to.equal(Errors.INVALID_SESSION_TIMEOUT.code);
    expect((await h.coordinator.handleJoinGroup(joinParams(GROUP, { sessionTimeoutMs: 300_001 }))).error).to.equal(Errors.INVALID_SESSION_TIMEOUT.code);
  });

  it('rejects an empty group id with INVALID_GROUP_ID and a member id for an unknown group with UNKNOWN_MEMBER_ID', async () => {
    expect((await h.coordinator.handleJoinGroup(joinParams(''))).error).to.equal(Errors.INVALID_GROUP_ID.code);
    expect((await h.coordinator.handleJoinGroup(joinParams('nope', { memberId: 'm-1' }))).error).to.equal(Errors.UNKNOWN_MEMBER_ID.code);
  });

  it('waits group.initial.rebalance.delay.ms (again while members keep arriving) before the first generation', async () => {
    const a = await joinDynamic(h, 'a');
    let done = false;
    void a.joined.then(() => { done = true; });
    h.time.advance(INITIAL_DELAY - 1);
    await flush();
    expect(done).to.equal(false);
    const b = await joinDynamic(h, 'b');
    h.time.advance(1); // first delay ends, a new member arrived → another delay
    await flush();
    expect(done).to.equal(false);
    h.time.advance(INITIAL_DELAY);
    const [ra, rb] = await Promise.all([a.joined, b.joined]);
    expect(ra.generationId).to.equal(1);
    expect(rb.generationId).to.equal(1);
    expect(ra.leaderId).to.equal(a.memberId);
    expect(ra.members.map((m) => m.memberId)).to.have.members([a.memberId, b.memberId]);
    expect(rb.members).to.deep.equal([]);
    expect(ra.protocolName).to.equal('range');
    expect(h.coordinator.groupManager.getGroup(GROUP)!.currentState).to.equal(GroupState.CompletingRebalance);
  });

  it('6 members on 5 partitions: everyone gets the leader\'s assignment and the member left out gets an empty one', async () => {
    const { ids, assignments, generation } = await stableGroup(h, 6);
    expect(ids).to.have.length(6);
    expect(generation).to.equal(1);
    const owners = [...assignments.values()].flat().sort();
    expect(owners).to.deep.equal([0, 1, 2, 3, 4]);
    expect([...assignments.values()].filter((ps) => ps.length === 0)).to.have.length(1);
    expect(h.coordinator.groupManager.getGroup(GROUP)!.currentState).to.equal(GroupState.Stable);
    // The generation was persisted as a GroupMetadata record.
    const keys = h.storage.records(h.storage.partitionFor(GROUP)).map((r) => readMessageKey(r.key!));
    expect(keys.some((k) => k.type === 'group')).to.equal(true);
  });

  it('answers a follower SyncGroup that arrives after the group is Stable with its stored assignment', async () => {
    const { ids, assignments, generation } = await stableGroup(h, 2, 2);
    const r = await h.coordinator.handleSyncGroup({ groupId: GROUP, generationId: generation, memberId: ids[1]!, protocolType: null, protocolName: null, groupInstanceId: null, assignments: new Map() });
    expect(partitionsOf(r.memberAssignment)).to.deep.equal(assignments.get(ids[1]!));
  });

  it('rejects SyncGroup with a wrong generation (ILLEGAL_GENERATION) or protocol (INCONSISTENT_GROUP_PROTOCOL)', async () => {
    const { ids, generation } = await stableGroup(h, 1, 1);
    const base = { groupId: GROUP, memberId: ids[0]!, groupInstanceId: null, assignments: new Map<string, Buffer>() };
    expect((await h.coordinator.handleSyncGroup({ ...base, generationId: generation + 1, protocolType: null, protocolName: null })).error).to.equal(Errors.ILLEGAL_GENERATION.code);
    expect((await h.coordinator.handleSyncGroup({ ...base, generationId: generation, protocolType: 'consumer', protocolName: 'roundrobin' })).error).to.equal(Errors.INCONSISTENT_GROUP_PROTOCOL.code);
    expect((await h.coordinator.handleSyncGroup({ ...base, generationId: generation, protocolType: 'connect', protocolName: 'range' })).error).to.equal(Errors.INCONSISTENT_GROUP_PROTOCOL.code);
  });

  it('heartbeats: NONE when stable, UNKNOWN_MEMBER_ID for strangers, ILLEGAL_GENERATION for old generations', async () => {
    const { ids, generation } = await stableGroup(h, 2, 2);
    expect(h.coordinator.handleHeartbeat(GROUP, ids[0]!, null, generation)).to.equal(Errors.NONE.code);
    expect(h.coordinator.handleHeartbeat(GROUP, 'stranger', null, generation)).to.equal(Errors.UNKNOWN_MEMBER_ID.code);
    expect(h.coordinator.handleHeartbeat(GROUP, ids[0]!, null, generation - 1)).to.equal(Errors.ILLEGAL_GENERATION.code);
    expect(h.coordinator.handleHeartbeat('unknown-group', ids[0]!, null, generation)).to.equal(Errors.UNKNOWN_MEMBER_ID.code);
  });

  it('evicts a member whose session expires and rebalances the rest, who see REBALANCE_IN_PROGRESS on heartbeat', async () => {
    const { ids, generation } = await stableGroup(h, 3, 5);
    const [a, b, dead] = ids as [string, string, string];
    const group = h.coordinator.groupManager.getGroup(GROUP)!;
    for (let elapsed = 0; elapsed <= SESSION_TIMEOUT; elapsed += 2500) {
      h.time.advance(2500);
      if (group.is(GroupState.Stable)) {
        expect(h.coordinator.handleHeartbeat(GROUP, a, null, generation)).to.equal(Errors.NONE.code);
        expect(h.coordinator.handleHeartbeat(GROUP, b, null, generation)).to.equal(Errors.NONE.code);
      }
    }
    expect(group.has(dead)).to.equal(false);
    expect(group.currentState).to.equal(GroupState.PreparingRebalance);
    expect(h.coordinator.handleHeartbeat(GROUP, a, null, generation)).to.equal(Errors.REBALANCE_IN_PROGRESS.code);
    const ra = h.coordinator.handleJoinGroup(joinParams(GROUP, { memberId: a }));
    const rb = h.coordinator.handleJoinGroup(joinParams(GROUP, { memberId: b }));
    const [ja, jb] = await Promise.all([ra, rb]); // completes as soon as every remaining member rejoined
    expect(ja.generationId).to.equal(generation + 1);
    expect(jb.generationId).to.equal(generation + 1);
    expect([ja, jb].find((r) => r.members.length > 0)!.members.map((m) => m.memberId)).to.have.members([a, b]);
  });

  it('removes members that do not rejoin within the rebalance timeout', async () => {
    const { ids, generation } = await stableGroup(h, 3, 3);
    const [a, b, lazy] = ids as [string, string, string];
    const leader = h.coordinator.groupManager.getGroup(GROUP)!.leaderOrNull()!;
    const joinA = h.coordinator.handleJoinGroup(joinParams(GROUP, { memberId: leader })); // leader rejoin forces a rebalance
    const other = [a, b, lazy].find((id) => id !== leader && id !== lazy)!;
    const joinB = h.coordinator.handleJoinGroup(joinParams(GROUP, { memberId: other }));
    let done = false;
    void joinA.then(() => { done = true; });
    for (let t = 0; t < REBALANCE_TIMEOUT - 5000; t += 5000) {
      h.time.advance(5000);
      expect(h.coordinator.handleHeartbeat(GROUP, lazy, null, generation)).to.equal(Errors.REBALANCE_IN_PROGRESS.code); // alive, but not rejoining
    }
    await flush();
    expect(done).to.equal(false);
    h.time.advance(5000);
    const [ja, jb] = await Promise.all([joinA, joinB]);
    expect(ja.generationId).to.equal(generation + 1);
    expect(jb.generationId).to.equal(generation + 1);
    const group = h.coordinator.groupManager.getGroup(GROUP)!;
    expect(group.has(lazy)).to.equal(false);
    expect(group.allMembers()).to.have.members([leader, other]);
    expect(h.coordinator.handleHeartbeat(GROUP, lazy, null, generation + 1)).to.equal(Errors.UNKNOWN_MEMBER_ID.code);
  });

  it('removes members that do not send SyncGroup within the rebalance timeout and rebalances', async () => {
    const a = await joinDynamic(h, 'a');
    const b = await joinDynamic(h, 'b');
    h.time.advance(INITIAL_DELAY);
    h.time.advance(INITIAL_DELAY);
    const [ra] = await Promise.all([a.joined, b.joined]);
    const leaderId = ra.leaderId;
    const sync = h.coordinator.handleSyncGroup({ groupId: GROUP, generationId: 1, memberId: leaderId, protocolType: null, protocolName: null, groupInstanceId: null, assignments: new Map() });
    expect((await sync).error).to.equal(Errors.NONE.code);
    const silent = leaderId === a.memberId ? b.memberId : a.memberId;
    const group = h.coordinator.groupManager.getGroup(GROUP)!;
    // Both keep heartbeating; only the follower never sends SyncGroup.
    for (let t = 0; t < REBALANCE_TIMEOUT - 2500; t += 2500) {
      h.time.advance(2500);
      expect(h.coordinator.handleHeartbeat(GROUP, leaderId, null, 1)).to.equal(Errors.NONE.code);
      expect(h.coordinator.handleHeartbeat(GROUP, silent, null, 1)).to.equal(Errors.NONE.code);
    }
    expect(group.has(silent)).to.equal(true);
    h.time.advance(2500);
    expect(group.has(silent)).to.equal(false);
    expect(group.currentState).to.equal(GroupState.PreparingRebalance);
    expect(h.coordinator.handleHeartbeat(GROUP, leaderId, null, 1)).to.equal(Errors.REBALANCE_IN_PROGRESS.code);
  });

  it('LeaveGroup removes a batch of members, answers UNKNOWN_MEMBER_ID for strangers, and rebalances', async () => {
    const { ids } = await stableGroup(h, 3, 3);
    const result = h.coordinator.handleLeaveGroup(GROUP, [
      { memberId: ids[1]!, groupInstanceId: null }, { memberId: ids[2]!, groupInstanceId: null }, { memberId: 'who', groupInstanceId: null },
    ]);
    expect(result.topLevelError).to.equal(Errors.NONE.code);
    expect(result.memberResponses.map((r) => r.error)).to.deep.equal([Errors.NONE.code, Errors.NONE.code, Errors.UNKNOWN_MEMBER_ID.code]);
    const group = h.coordinator.groupManager.getGroup(GROUP)!;
    expect(group.allMembers()).to.deep.equal([ids[0]]);
    expect(group.currentState).to.equal(GroupState.PreparingRebalance);
  });

  it('goes Empty (and stores an empty generation) when the last member leaves', async () => {
    const { ids, generation } = await stableGroup(h, 1, 1);
    h.coordinator.handleLeaveGroup(GROUP, [{ memberId: ids[0]!, groupInstanceId: null }]);
    const group = h.coordinator.groupManager.getGroup(GROUP)!;
    expect(group.currentState).to.equal(GroupState.Empty);
    expect(group.generationId).to.equal(generation + 1);
  });

  it('rejects a member beyond group.max.size with GROUP_MAX_SIZE_REACHED', async () => {
    await h.coordinator.shutdown();
    h = await startCoordinator({ groupConfig: { groupMaxSize: 2 } });
    await joinDynamic(h, 'a');
    await joinDynamic(h, 'b');
    // While preparing, the members awaiting join count against the limit.
    const r = await h.coordinator.handleJoinGroup(joinParams(GROUP, { clientId: 'c' }));
    expect(r.error).to.equal(Errors.GROUP_MAX_SIZE_REACHED.code);
    expect(r.memberId).to.equal('');
    expect(h.coordinator.groupManager.getGroup(GROUP)!.size).to.equal(2);
  });

  it('rejects a member of another protocol type or with no common protocol (INCONSISTENT_GROUP_PROTOCOL)', async () => {
    await stableGroup(h, 1, 1);
    expect((await h.coordinator.handleJoinGroup(joinParams(GROUP, { protocolType: 'connect', requireKnownMemberId: false }))).error).to.equal(Errors.INCONSISTENT_GROUP_PROTOCOL.code);
    expect((await h.coordinator.handleJoinGroup(joinParams(GROUP, { protocols: [{ name: 'sticky', metadata: Buffer.alloc(0) }], requireKnownMemberId: false }))).error)
      .to.equal(Errors.INCONSISTENT_GROUP_PROTOCOL.code);
  });

  it('selects the protocol by vote among those every member supports', async () => {
    const p = (names: string[]): JoinGroupParams['protocols'] => names.map((name) => ({ name, metadata: subscription(['t']) }));
    const joins = [
      h.coordinator.handleJoinGroup(joinParams(GROUP, { requireKnownMemberId: false, protocols: p(['roundrobin', 'range', 'sticky']) })),
      h.coordinator.handleJoinGroup(joinParams(GROUP, { requireKnownMemberId: false, protocols: p(['range', 'roundrobin']) })),
      h.coordinator.handleJoinGroup(joinParams(GROUP, { requireKnownMemberId: false, protocols: p(['range', 'roundrobin']) })),
    ];
    h.time.advance(INITIAL_DELAY);
    h.time.advance(INITIAL_DELAY);
    const results = await Promise.all(joins);
    for (const r of results) expect(r.protocolName).to.equal('range');
  });

  it('answers a pending JoinGroup with NOT_COORDINATOR when the partition is resigned', async () => {
    const a = await joinDynamic(h, 'a');
    await h.coordinator.onResignation(h.storage.partitionFor(GROUP), 2);
    expect((await a.joined).error).to.equal(Errors.NOT_COORDINATOR.code);
    expect((await h.coordinator.handleJoinGroup(joinParams(GROUP))).error).to.equal(Errors.NOT_COORDINATOR.code);
  });

  describe('static membership (KIP-345)', () => {
    async function stableStatic(): Promise<{ ids: Map<string, string>; generation: number; assignment: Map<string, number[]> }> {
      const joins = ['i1', 'i2'].map((instance) => h.coordinator.handleJoinGroup(joinParams(GROUP, { groupInstanceId: instance, requireKnownMemberId: false, clientId: instance })));
      h.time.advance(INITIAL_DELAY);
      h.time.advance(INITIAL_DELAY);
      const results = await Promise.all(joins);
      const ids = new Map([['i1', results[0]!.memberId], ['i2', results[1]!.memberId]]);
      const leader = results.find((r) => r.members.length > 0)!;
      const assignments = roundRobin(leader.members.map((m) => m.memberId), 4);
      const syncs = await Promise.all(results.map((r) => h.coordinator.handleSyncGroup({
        groupId: GROUP, generationId: r.generationId, memberId: r.memberId, protocolType: 'consumer', protocolName: 'range',
        groupInstanceId: r.memberId === ids.get('i1') ? 'i1' : 'i2', assignments: r === leader ? assignments : new Map(),
      })));
      const assignment = new Map(results.map((r, i) => [r.memberId, partitionsOf(syncs[i]!.memberAssignment)]));
      return { ids, generation: results[0]!.generationId, assignment };
    }

    it('a restarted static member gets a new member id, keeps its assignment and does not trigger a rebalance', async () => {
      const { ids, generation, assignment } = await stableStatic();
      const oldId = ids.get('i2')!;
      const rejoin = await h.coordinator.handleJoinGroup(joinParams(GROUP, { groupInstanceId: 'i2', requireKnownMemberId: false, clientId: 'i2' }));
      expect(rejoin.error).to.equal(Errors.NONE.code);
      expect(rejoin.memberId).to.not.equal(oldId);
      expect(rejoin.generationId).to.equal(generation);
      expect(rejoin.leaderId).to.not.equal(rejoin.memberId);
      const group = h.coordinator.groupManager.getGroup(GROUP)!;
      expect(group.currentState).to.equal(GroupState.Stable);
      const sync = await h.coordinator.handleSyncGroup({ groupId: GROUP, generationId: generation, memberId: rejoin.memberId, protocolType: null, protocolName: null, groupInstanceId: 'i2', assignments: new Map() });
      expect(partitionsOf(sync.memberAssignment)).to.deep.equal(assignment.get(oldId));
      // The old incarnation is fenced.
      expect(h.coordinator.handleHeartbeat(GROUP, oldId, 'i2', generation)).to.equal(Errors.FENCED_INSTANCE_ID.code);
      expect((await h.coordinator.handleJoinGroup(joinParams(GROUP, { memberId: oldId, groupInstanceId: 'i2', requireKnownMemberId: false }))).error).to.equal(Errors.FENCED_INSTANCE_ID.code);
    });

    it('v9: a restarted static leader learns it leads but skips the assignment', async () => {
      const { generation } = await stableStatic();
      const group = h.coordinator.groupManager.getGroup(GROUP)!;
      const leaderInstance = group.get(group.leaderOrNull()!).groupInstanceId!;
      const rejoin = await h.coordinator.handleJoinGroup(joinParams(GROUP, { groupInstanceId: leaderInstance, requireKnownMemberId: false, supportSkippingAssignment: true }));
      expect(rejoin.leaderId).to.equal(rejoin.memberId);
      expect(rejoin.skipAssignment).to.equal(true);
      expect(rejoin.members).to.have.length(2);
      expect(rejoin.generationId).to.equal(generation);
    });

    it('a static member that stops heartbeating is removed after its session timeout', async () => {
      const { ids, generation } = await stableStatic();
      for (let t = 0; t <= SESSION_TIMEOUT; t += 2500) {
        h.time.advance(2500);
        h.coordinator.handleHeartbeat(GROUP, ids.get('i1')!, 'i1', generation);
      }
      const group = h.coordinator.groupManager.getGroup(GROUP)!;
      expect(group.hasStaticMember('i2')).to.equal(false);
      expect(group.hasStaticMember('i1')).to.equal(true);
    });

    it('LeaveGroup by group.instance.id alone removes the static member (admin removal)', async () => {
      await stableStatic();
      const r = h.coordinator.handleLeaveGroup(GROUP, [{ memberId: '', groupInstanceId: 'i1' }, { memberId: '', groupInstanceId: 'nobody' }]);
      expect(r.memberResponses.map((m) => m.error)).to.deep.equal([Errors.NONE.code, Errors.UNKNOWN_MEMBER_ID.code]);
      expect(h.coordinator.groupManager.getGroup(GROUP)!.hasStaticMember('i1')).to.equal(false);
    });
  });
});
