import { expect } from 'chai';
import { defaultMessage, encodeResponse } from '../../../lib/protocol/index.js';
import type { RequestApiKey } from '../../../lib/protocol/frames.js';
import type { RequestBodies } from '../../../lib/protocol/generated/types.js';
import type { ApiHandler, RequestContext } from '../../../lib/server/handlers/handler.js';
import type { BrokerContext } from '../../../lib/server/handlers/broker-context.js';
import { findCoordinatorHandler } from '../../../lib/server/handlers/find-coordinator.js';
import { joinGroupHandler } from '../../../lib/server/handlers/join-group.js';
import { syncGroupHandler } from '../../../lib/server/handlers/sync-group.js';
import { leaveGroupHandler } from '../../../lib/server/handlers/leave-group.js';
import { offsetCommitHandler } from '../../../lib/server/handlers/offset-commit.js';
import { offsetFetchHandler } from '../../../lib/server/handlers/offset-fetch.js';
import { offsetDeleteHandler } from '../../../lib/server/handlers/offset-delete.js';
import { describeGroupsHandler, GROUP_AUTHORIZED_OPERATIONS } from '../../../lib/server/handlers/describe-groups.js';
import { listGroupsHandler } from '../../../lib/server/handlers/list-groups.js';
import { deleteGroupsHandler } from '../../../lib/server/handlers/delete-groups.js';
import { TopicPartitionMap, type OffsetAndMetadata } from '../../../lib/coordinator/group/offset-and-metadata.js';
import { heartbeatHandler } from '../../../lib/server/handlers/heartbeat.js';
import { startCoordinator, subscription, type Harness } from '../../coordinator/group/support.js';
import { Errors } from '../../../lib/protocol/errors.js';

const TOPICS = new Map([['t', 2], ['__consumer_offsets', 3]]);

function brokerOf(h: Harness, created: string[], topics = TOPICS): BrokerContext {
  const metadataCache = {
    contains: (topic: string) => topics.has(topic),
    getPartitionInfo: (topic: string, partition: number) =>
      (topics.has(topic) && partition < topics.get(topic)! ? { topic, partition, leader: partition === 2 ? -1 : 7 } : undefined),
    getAliveEndpoint: (id: number, listener: string) => (id === 7 && listener === 'PLAINTEXT' ? { host: 'b7.local', port: 9097, listener, securityProtocol: 0 } : undefined),
  };
  const adminManager = { createInternalTopicIfMissing: (topic: string) => { created.push(topic); return Promise.resolve(); } };
  return { brokerId: 1, groupCoordinator: h.coordinator, metadataCache, adminManager } as unknown as BrokerContext;
}

async function call<K extends RequestApiKey>(handler: ApiHandler<K>, broker: BrokerContext, version: number, body: Partial<RequestBodies[K]>): Promise<Record<string, unknown>> {
  const request = { ...defaultMessage(requestName(handler.apiKey), version), ...body } as unknown as RequestBodies[K];
  const ctx = {
    header: { requestApiKey: handler.apiKey, requestApiVersion: version, correlationId: 1, clientId: 'cid' },
    apiVersion: version, connection: { id: 'c1', listenerName: 'PLAINTEXT', remoteAddress: '10.1.2.3', remotePort: 5555 },
    listenerName: 'PLAINTEXT', broker,
  } as unknown as RequestContext;
  const response = await handler.handle(ctx, request);
  encodeResponse(handler.apiKey, version, 1, response as never); // every answer must encode in its version
  return response as Record<string, unknown>;
}

const NAMES: Record<number, string> = {
  8: 'OffsetCommitRequest', 9: 'OffsetFetchRequest', 10: 'FindCoordinatorRequest', 11: 'JoinGroupRequest', 12: 'HeartbeatRequest', 13: 'LeaveGroupRequest',
  14: 'SyncGroupRequest', 15: 'DescribeGroupsRequest', 16: 'ListGroupsRequest', 42: 'DeleteGroupsRequest', 47: 'OffsetDeleteRequest',
};
const requestName = (apiKey: number): string => NAMES[apiKey]!;

describe('group API handlers', () => {
  let h: Harness;
  let created: string[];
  let broker: BrokerContext;
  beforeEach(async () => {
    h = await startCoordinator({ groupConfig: { groupInitialRebalanceDelayMs: 0 } });
    created = [];
    broker = brokerOf(h, created);
  });
  afterEach(async () => { await h.coordinator.shutdown(); });

  describe('FindCoordinator', () => {
    it('answers the leader of the group\'s __consumer_offsets partition on the request\'s listener', async () => {
      const group = ['a', 'b', 'c', 'd', 'e'].find((g) => h.storage.partitionFor(g) !== 2)!;
      const r = await call(findCoordinatorHandler, broker, 1, { key: group, keyType: 0 });
      expect([r['errorCode'], r['nodeId'], r['host'], r['port']]).to.deep.equal([0, 7, 'b7.local', 9097]);
    });

    it('answers COORDINATOR_NOT_AVAILABLE and creates __consumer_offsets when it does not exist', async () => {
      const r = await call(findCoordinatorHandler, brokerOf(h, created, new Map()), 0, { key: 'g' });
      expect([r['errorCode'], r['nodeId'], r['host'], r['port']]).to.deep.equal([Errors.COORDINATOR_NOT_AVAILABLE.code, -1, '', -1]);
      expect(created).to.deep.equal(['__consumer_offsets']);
    });

    it('v4 answers each key; no leader → COORDINATOR_NOT_AVAILABLE; transactions unavailable; unknown key type → INVALID_REQUEST', async () => {
      const leaderless = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].find((g) => h.storage.partitionFor(g) === 2)!;
      const led = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].find((g) => h.storage.partitionFor(g) !== 2)!;
      const r = await call(findCoordinatorHandler, broker, 4, { keyType: 0, coordinatorKeys: [led, leaderless] });
      const cs = r['coordinators'] as Array<{ key: string; errorCode: number; nodeId: number }>;
      expect(cs.map((c) => [c.key, c.errorCode, c.nodeId])).to.deep.equal([[led, 0, 7], [leaderless, Errors.COORDINATOR_NOT_AVAILABLE.code, -1]]);
      const txn = await call(findCoordinatorHandler, broker, 3, { key: 'tx', keyType: 1 });
      expect(txn['errorCode']).to.equal(Errors.COORDINATOR_NOT_AVAILABLE.code);
      const bad = await call(findCoordinatorHandler, broker, 3, { key: 'x', keyType: 9 });
      expect(bad['errorCode']).to.equal(42);
    });
  });

  it('JoinGroup v0 uses the session timeout as rebalance timeout and joins without MEMBER_ID_REQUIRED; v4 requires a member id', async () => {
    const v4 = await call(joinGroupHandler, broker, 4, { groupId: 'g4', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 20_000, memberId: '', protocolType: 'consumer', protocols: [{ name: 'range', metadata: subscription(['t']) }] });
    expect(v4['errorCode']).to.equal(Errors.MEMBER_ID_REQUIRED.code);
    const joined = call(joinGroupHandler, broker, 0, { groupId: 'g0', sessionTimeoutMs: 10_000, memberId: '', protocolType: 'consumer', protocols: [{ name: 'range', metadata: subscription(['t']) }] });
    h.time.advance(0);
    const r = await joined;
    expect(r['errorCode']).to.equal(0);
    expect(r['protocolName']).to.equal('range');
    const member = h.coordinator.groupManager.getGroup('g0')!.get(r['memberId'] as string);
    expect([member.rebalanceTimeoutMs, member.clientId, member.clientHost]).to.deep.equal([10_000, 'cid', '/10.1.2.3']);
  });

  it('JoinGroup v6 answers "" for a missing protocol name (v7+ null)', async () => {
    const r = await call(joinGroupHandler, broker, 6, { groupId: 'g', sessionTimeoutMs: 1, memberId: '', protocolType: 'consumer', protocols: [] });
    expect([r['errorCode'], r['protocolName']]).to.deep.equal([Errors.INVALID_SESSION_TIMEOUT.code, '']);
  });

  it('SyncGroup v5 without protocol type/name answers INCONSISTENT_GROUP_PROTOCOL', async () => {
    const r = await call(syncGroupHandler, broker, 5, { groupId: 'g', generationId: 1, memberId: 'm', protocolType: null, protocolName: 'range' });
    expect(r['errorCode']).to.equal(Errors.INCONSISTENT_GROUP_PROTOCOL.code);
  });

  it('LeaveGroup v0–2 folds the member error into the top-level error; v3 answers per member', async () => {
    await call(offsetCommitHandler, broker, 2, { groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null }] }] });
    const v1 = await call(leaveGroupHandler, broker, 1, { groupId: 'g', memberId: 'ghost' });
    expect(v1['errorCode']).to.equal(Errors.UNKNOWN_MEMBER_ID.code);
    const v3 = await call(leaveGroupHandler, broker, 3, { groupId: 'g', members: [{ memberId: 'ghost', groupInstanceId: null, reason: null }] });
    expect(v3['errorCode']).to.equal(0);
    expect((v3['members'] as Array<{ errorCode: number }>).map((m) => m.errorCode)).to.deep.equal([Errors.UNKNOWN_MEMBER_ID.code]);
  });

  it('Heartbeat for an unknown group answers UNKNOWN_MEMBER_ID', async () => {
    expect((await call(heartbeatHandler, broker, 4, { groupId: 'g', generationId: 1, memberId: 'm' }))['errorCode']).to.equal(Errors.UNKNOWN_MEMBER_ID.code);
  });

  it('OffsetCommit answers UNKNOWN_TOPIC_OR_PARTITION for unknown partitions and OffsetFetch returns what was committed', async () => {
    const p = (partitionIndex: number, offset: bigint): Record<string, unknown> => ({ partitionIndex, committedOffset: offset, committedLeaderEpoch: 4, commitTimestamp: -1n, committedMetadata: 'md' });
    const c = await call(offsetCommitHandler, broker, 8, { groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 't', partitions: [p(0, 10n), p(5, 1n)] }, { name: 'nope', partitions: [p(0, 1n)] }] as never });
    const errs = (c['topics'] as Array<{ partitions: Array<{ errorCode: number }> }>).map((t) => t.partitions.map((x) => x.errorCode));
    expect(errs).to.deep.equal([[0, Errors.UNKNOWN_TOPIC_OR_PARTITION.code], [Errors.UNKNOWN_TOPIC_OR_PARTITION.code]]);
    const all = await call(offsetFetchHandler, broker, 7, { groupId: 'g', topics: null });
    expect(all['topics']).to.deep.equal([{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 10n, committedLeaderEpoch: 4, metadata: 'md', errorCode: 0 }] }]);
    const v8 = await call(offsetFetchHandler, broker, 8, { groups: [
      { groupId: 'g', memberId: null, memberEpoch: -1, topics: [{ name: 't', partitionIndexes: [0, 1] }] },
      { groupId: '', memberId: null, memberEpoch: -1, topics: null },
    ] });
    const groups = v8['groups'] as Array<{ groupId: string; errorCode: number; topics: Array<{ partitions: Array<{ committedOffset: bigint }> }> }>;
    expect(groups.map((g) => [g.groupId, g.errorCode])).to.deep.equal([['g', 0], ['', 0]]);
    expect(groups[0]!.topics[0]!.partitions.map((x) => x.committedOffset)).to.deep.equal([10n, -1n]);
  });

  it('OffsetFetch v1 reports a group-level error on each requested partition; v2+ at the top', async () => {
    await h.coordinator.onResignation(h.storage.partitionFor('g'), 5);
    const v1 = await call(offsetFetchHandler, broker, 1, { groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 1] }] });
    expect((v1['topics'] as Array<{ partitions: Array<{ errorCode: number }> }>)[0]!.partitions.map((x) => x.errorCode)).to.deep.equal([Errors.NOT_COORDINATOR.code, Errors.NOT_COORDINATOR.code]);
    const v3 = await call(offsetFetchHandler, broker, 3, { groupId: 'g', topics: [{ name: 't', partitionIndexes: [0] }] });
    expect([v3['errorCode'], v3['topics']]).to.deep.equal([Errors.NOT_COORDINATOR.code, []]);
  });

  it('OffsetDelete answers UNKNOWN_TOPIC_OR_PARTITION per unknown partition and a group error alone', async () => {
    const missing = await call(offsetDeleteHandler, broker, 0, { groupId: 'nobody', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }] });
    expect([missing['errorCode'], missing['topics']]).to.deep.equal([Errors.GROUP_ID_NOT_FOUND.code, []]);
    const offsets = new TopicPartitionMap<OffsetAndMetadata>();
    offsets.set({ topic: 't', partition: 0 }, { offset: 3n, leaderEpoch: -1, metadata: '', commitTimestamp: 0, expireTimestamp: null });
    await h.coordinator.handleCommitOffsets('g', '', null, -1, offsets);
    const r = await call(offsetDeleteHandler, broker, 0, { groupId: 'g', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }, { name: 'nope', partitions: [{ partitionIndex: 0 }] }] });
    expect(r['errorCode']).to.equal(0);
    expect((r['topics'] as Array<{ partitions: Array<{ errorCode: number }> }>).map((t) => t.partitions[0]!.errorCode)).to.deep.equal([0, Errors.UNKNOWN_TOPIC_OR_PARTITION.code]);
    expect(h.coordinator.handleFetchOffsets('g', false, null).partitions).to.deep.equal([]);
  });

  it('DescribeGroups answers Dead for unknown groups and authorized operations on request; ListGroups and DeleteGroups answer per group', async () => {
    const d = await call(describeGroupsHandler, broker, 5, { groups: ['x'], includeAuthorizedOperations: true });
    const g = (d['groups'] as Array<Record<string, unknown>>)[0]!;
    expect([g['errorCode'], g['groupState'], g['authorizedOperations']]).to.deep.equal([0, 'Dead', GROUP_AUTHORIZED_OPERATIONS]);
    const l = await call(listGroupsHandler, broker, 4, { statesFilter: ['Stable'] });
    expect([l['errorCode'], l['groups']]).to.deep.equal([0, []]);
    const del = await call(deleteGroupsHandler, broker, 2, { groupsNames: ['x', 'x'] });
    expect(del['results']).to.deep.equal([{ groupId: 'x', errorCode: Errors.GROUP_ID_NOT_FOUND.code }]);
  });
});
