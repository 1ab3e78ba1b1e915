/**
 * Differential tests against kafkajs 2.2.4's own encoders/decoders.
 * Requests: kafkajs encodes → we decode (selected fields equal what kafkajs was given) → we re-encode
 * → identical bytes. Responses: we encode → kafkajs decodes → selected fields compared.
 *
 * Covered requests (every version kafkajs implements): Produce v0-7, Fetch v0-11, ListOffsets v0-3,
 * Metadata v0-6, OffsetCommit v0-5, OffsetFetch v1-4, FindCoordinator v0-2, JoinGroup v0-5,
 * Heartbeat v0-3, LeaveGroup v0-3, SyncGroup v0-3, DescribeGroups v0-2, ListGroups v0-2,
 * SaslHandshake v0-1, SaslAuthenticate v0-1, ApiVersions v0-2, CreateTopics v0-3, DeleteTopics v0-1,
 * InitProducerId v0-1, AddPartitionsToTxn v0-1, AddOffsetsToTxn v0-1, EndTxn v0-1,
 * TxnOffsetCommit v0-1, DeleteGroups v0-1, CreatePartitions v0-1.
 * Covered responses: ApiVersions v0-2, Metadata v0-6, FindCoordinator v0-2, Heartbeat v0-3,
 * InitProducerId v0-1, Produce v0-7, SyncGroup v0-3.
 * Skipped (time, not incompatibility): requests DescribeConfigs, AlterConfigs, CreateAcls,
 * DescribeAcls, DeleteAcls, DeleteRecords, AlterPartitionReassignments, ListPartitionReassignments,
 * and the remaining response decoders. kafkajs's own byte order quirks are not canonical anywhere
 * we cover (all byte comparisons below hold).
 */
import { expect } from 'chai';
import { createRequire } from 'node:module';
import { decodeData, encodeData, apiMessageType } from '../../lib/protocol/index.js';

const require = createRequire(import.meta.url);
const REQ = 'kafkajs/src/protocol/requests';

interface KjsRequest {
  apiKey: number;
  apiVersion: number;
  encode(): Promise<{ buffer: Buffer }>;
}

function subset(actual: unknown, expected: unknown, path: string): void {
  if (expected !== null && typeof expected === 'object' && !Buffer.isBuffer(expected)) {
    expect(actual, path).to.be.an(Array.isArray(expected) ? 'array' : 'object');
    if (Array.isArray(expected)) expect((actual as unknown[]).length, `${path}.length`).to.equal(expected.length);
    for (const [k, v] of Object.entries(expected)) subset((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else expect(actual, path).to.deep.equal(expected);
}

const messages = [{ key: 'k', value: 'v', timestamp: 1700000000000, headers: { h: 'x' } }];
const topicData = [{ topic: 'tópic', partitions: [{ partition: 3, firstSequence: 0, messages }] }];

interface Case {
  dir: string;
  versions: number[];
  args: Record<string, unknown>;
  expected: (v: number) => Record<string, unknown>;
}

const CASES: Case[] = [
  { dir: 'produce', versions: [0, 1, 2, 3, 4, 5, 6, 7], args: { acks: -1, timeout: 30000, topicData, transactionalId: 'tx', producerId: 5, producerEpoch: 1 },
    expected: (v) => ({ acks: -1, timeoutMs: 30000, transactionalId: v >= 3 ? 'tx' : null, topicData: [{ name: 'tópic', partitionData: [{ index: 3 }] }] }) },
  { dir: 'fetch', versions: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    args: { replicaId: -1, isolationLevel: 1, maxWaitTime: 500, minBytes: 1, maxBytes: 1048576, sessionId: 0, sessionEpoch: -1, rackId: 'r1', forgottenTopics: [],
      topics: [{ topic: 't', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: '42', logStartOffset: '-1', maxBytes: 1024 }] }] },
    expected: (v) => ({ replicaId: -1, maxWaitMs: 500, minBytes: 1, maxBytes: v >= 3 ? 1048576 : 0x7fffffff, isolationLevel: v >= 4 ? 1 : 0, rackId: v >= 11 ? 'r1' : '',
      topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: 42n, partitionMaxBytes: 1024 }] }] }) },
  { dir: 'listOffsets', versions: [0, 1, 2, 3], args: { replicaId: -1, isolationLevel: 1, topics: [{ topic: 't', partitions: [{ partition: 1, timestamp: -1 }] }] },
    expected: () => ({ replicaId: -1, topics: [{ name: 't', partitions: [{ partitionIndex: 1, timestamp: -1n }] }] }) },
  { dir: 'metadata', versions: [0, 1, 2, 3, 4, 5, 6], args: { topics: ['a', 'bé'], allowAutoTopicCreation: false },
    expected: (v) => ({ topics: [{ name: 'a' }, { name: 'bé' }], allowAutoTopicCreation: v >= 4 ? false : true }) },
  { dir: 'offsetCommit', versions: [0, 1, 2, 3, 4, 5], args: { groupId: 'g', groupGenerationId: 4, memberId: 'm', retentionTime: -1, topics: [{ topic: 't', partitions: [{ partition: 2, offset: '99', metadata: null }] }] },
    expected: (v) => ({ groupId: 'g', generationIdOrMemberEpoch: v >= 1 ? 4 : -1, memberId: v >= 1 ? 'm' : '', topics: [{ name: 't', partitions: [{ partitionIndex: 2, committedOffset: 99n }] }] }) },
  { dir: 'offsetFetch', versions: [1, 2, 3, 4], args: { groupId: 'g', topics: [{ topic: 't', partitions: [{ partition: 0 }, { partition: 5 }] }] },
    expected: () => ({ groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 5] }] }) },
  { dir: 'findCoordinator', versions: [0, 1, 2], args: { groupId: 'g', coordinatorKey: 'g', coordinatorType: 1 },
    expected: (v) => ({ key: 'g', keyType: v >= 1 ? 1 : 0 }) },
  { dir: 'joinGroup', versions: [0, 1, 2, 3, 4, 5],
    args: { groupId: 'g', sessionTimeout: 30000, rebalanceTimeout: 60000, memberId: '', groupInstanceId: null, protocolType: 'consumer', groupProtocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from([0, 1, 2]) }] },
    expected: (v) => ({ groupId: 'g', sessionTimeoutMs: 30000, rebalanceTimeoutMs: v >= 1 ? 60000 : -1, protocolType: 'consumer', protocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from([0, 1, 2]) }] }) },
  { dir: 'heartbeat', versions: [0, 1, 2, 3], args: { groupId: 'g', groupGenerationId: 3, memberId: 'm', groupInstanceId: null },
    expected: () => ({ groupId: 'g', generationId: 3, memberId: 'm', groupInstanceId: null }) },
  { dir: 'leaveGroup', versions: [0, 1, 2, 3], args: { groupId: 'g', memberId: 'm', members: [{ memberId: 'm', groupInstanceId: null }] },
    expected: (v) => (v >= 3 ? { groupId: 'g', members: [{ memberId: 'm', groupInstanceId: null }] } : { groupId: 'g', memberId: 'm' }) },
  { dir: 'syncGroup', versions: [0, 1, 2, 3], args: { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null, groupAssignment: [{ memberId: 'm', memberAssignment: Buffer.from('abc') }] },
    expected: () => ({ groupId: 'g', generationId: 1, memberId: 'm', assignments: [{ memberId: 'm', assignment: Buffer.from('abc') }] }) },
  { dir: 'describeGroups', versions: [0, 1, 2], args: { groupIds: ['a', 'b'] }, expected: () => ({ groups: ['a', 'b'] }) },
  { dir: 'listGroups', versions: [0, 1, 2], args: {}, expected: () => ({}) },
  { dir: 'saslHandshake', versions: [0, 1], args: { mechanism: 'PLAIN' }, expected: () => ({ mechanism: 'PLAIN' }) },
  { dir: 'saslAuthenticate', versions: [0, 1], // kafkajs's SASL mechanisms hand over authBytes with their int32 length already written
    args: { authBytes: Buffer.from('00000004 00750070'.replace(' ', ''), 'hex') }, expected: () => ({ authBytes: Buffer.from('\0u\0p') }) },
  { dir: 'apiVersions', versions: [0, 1, 2], args: {}, expected: () => ({}) },
  { dir: 'createTopics', versions: [0, 1, 2, 3],
    args: { topics: [{ topic: 't', numPartitions: 3, replicationFactor: 1, replicaAssignment: [], configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }], validateOnly: true, timeout: 5000 },
    expected: (v) => ({ timeoutMs: 5000, validateOnly: v >= 1, topics: [{ name: 't', numPartitions: 3, replicationFactor: 1, configs: [{ name: 'cleanup.policy', value: 'compact' }] }] }) },
  { dir: 'deleteTopics', versions: [0, 1], args: { topics: ['a'], timeout: 5000 }, expected: () => ({ topicNames: ['a'], timeoutMs: 5000 }) },
  { dir: 'initProducerId', versions: [0, 1], args: { transactionalId: 'tx', transactionTimeout: 60000 }, expected: () => ({ transactionalId: 'tx', transactionTimeoutMs: 60000 }) },
  { dir: 'addPartitionsToTxn', versions: [0, 1], args: { transactionalId: 'tx', producerId: '7', producerEpoch: 2, topics: [{ topic: 't', partitions: [1, 2] }] },
    expected: () => ({ v3AndBelowTransactionalId: 'tx', v3AndBelowProducerId: 7n, v3AndBelowProducerEpoch: 2, v3AndBelowTopics: [{ name: 't', partitions: [1, 2] }] }) },
  { dir: 'addOffsetsToTxn', versions: [0, 1], args: { transactionalId: 'tx', producerId: '7', producerEpoch: 2, groupId: 'g' },
    expected: () => ({ transactionalId: 'tx', producerId: 7n, producerEpoch: 2, groupId: 'g' }) },
  { dir: 'endTxn', versions: [0, 1], args: { transactionalId: 'tx', producerId: '7', producerEpoch: 2, transactionResult: true },
    expected: () => ({ transactionalId: 'tx', producerId: 7n, producerEpoch: 2, committed: true }) },
  { dir: 'txnOffsetCommit', versions: [0, 1], args: { transactionalId: 'tx', groupId: 'g', producerId: '7', producerEpoch: 2, topics: [{ topic: 't', partitions: [{ partition: 0, offset: '5', metadata: 'md' }] }] },
    expected: () => ({ transactionalId: 'tx', groupId: 'g', topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 5n, committedMetadata: 'md' }] }] }) },
  { dir: 'deleteGroups', versions: [0, 1], args: { groupIds: ['g'] } as Record<string, unknown>, expected: () => ({ groupsNames: ['g'] }) },
  { dir: 'createPartitions', versions: [0, 1], args: { topicPartitions: [{ topic: 't', count: 4, assignments: [[1], [2]] }], validateOnly: false, timeout: 100 },
    expected: () => ({ timeoutMs: 100, validateOnly: false, topics: [{ name: 't', count: 4, assignments: [{ brokerIds: [1] }, { brokerIds: [2] }] }] }) },
];

describe('protocol vs kafkajs 2.2.4', () => {
  for (const c of CASES) {
    for (const v of c.versions) {
      it(`decodes kafkajs ${c.dir} v${v} request bytes to the values given, and re-encodes them identically`, async () => {
        let factory = require(`${REQ}/${c.dir}/v${v}/request`) as (a: unknown) => KjsRequest;
        if (c.dir === 'deleteGroups') factory = ((f) => () => f(['g']))(factory as unknown as (a: unknown) => KjsRequest);
        const req = factory(c.args);
        const name = apiMessageType(req.apiKey).requestSpec.name;
        expect(req.apiVersion).to.equal(v);
        const bytes = (await req.encode()).buffer;
        const ours = decodeData(name as 'ProduceRequest', v, bytes);
        subset(ours, c.expected(v), `${name} v${v}`);
        expect(encodeData(name as 'ProduceRequest', v, ours).toString('hex')).to.equal(bytes.toString('hex'));
      });
    }
  }

  const decodeWithKafkajs = async (dir: string, v: number, name: string, value: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const { decode } = require(`${REQ}/${dir}/v${v}/response`) as { decode(b: Buffer): Promise<Record<string, unknown>> };
    return decode(encodeData(name as 'ProduceResponse', v, value));
  };

  for (const v of [0, 1, 2]) {
    it(`kafkajs decodes our ApiVersions v${v} response`, async () => {
      const d = await decodeWithKafkajs('apiVersions', v, 'ApiVersionsResponse', { errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 9 }, { apiKey: 18, minVersion: 0, maxVersion: 3 }], throttleTimeMs: 10 });
      subset(d, { errorCode: 0, apiVersions: [{ apiKey: 0, minVersion: 0, maxVersion: 9 }, { apiKey: 18, minVersion: 0, maxVersion: 3 }] }, 'apiVersions');
    });
  }
  for (const v of [0, 1, 2, 3, 4, 5, 6]) {
    it(`kafkajs decodes our Metadata v${v} response`, async () => {
      const d = await decodeWithKafkajs('metadata', v, 'MetadataResponse', {
        brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: 'r' }], clusterId: 'cid', controllerId: 1,
        topics: [{ errorCode: 0, name: 't', isInternal: false, partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 3, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }] }],
      });
      subset(d, { brokers: [{ nodeId: 1, host: 'localhost', port: 9092 }], topicMetadata: [{ topicErrorCode: 0, topic: 't', partitionMetadata: [{ partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1], isr: [1] }] }] }, 'metadata');
      if (v >= 1) expect(d['controllerId']).to.equal(1);
      if (v >= 2) expect(d['clusterId']).to.equal('cid');
    });
  }
  for (const v of [0, 1, 2]) {
    it(`kafkajs decodes our FindCoordinator v${v} response`, async () => {
      const d = await decodeWithKafkajs('findCoordinator', v, 'FindCoordinatorResponse', { errorCode: 0, nodeId: 2, host: 'h', port: 9093 });
      subset(d, { errorCode: 0, coordinator: { nodeId: 2, host: 'h', port: 9093 } }, 'findCoordinator');
    });
  }
  for (const v of [0, 1, 2, 3]) {
    it(`kafkajs decodes our Heartbeat v${v} and SyncGroup v${v} responses`, async () => {
      subset(await decodeWithKafkajs('heartbeat', v, 'HeartbeatResponse', { errorCode: 0 }), { errorCode: 0 }, 'heartbeat');
      subset(await decodeWithKafkajs('syncGroup', v, 'SyncGroupResponse', { errorCode: 0, assignment: Buffer.from('xyz') }), { errorCode: 0, memberAssignment: Buffer.from('xyz') }, 'syncGroup');
    });
  }
  for (const v of [0, 1]) {
    it(`kafkajs decodes our InitProducerId v${v} response`, async () => {
      const d = await decodeWithKafkajs('initProducerId', v, 'InitProducerIdResponse', { errorCode: 0, producerId: 12345678901n, producerEpoch: 3 });
      subset(d, { errorCode: 0, producerId: '12345678901', producerEpoch: 3 }, 'initProducerId');
    });
  }
  for (const v of [0, 1, 2, 3, 4, 5, 6, 7]) {
    it(`kafkajs decodes our Produce v${v} response`, async () => {
      const d = await decodeWithKafkajs('produce', v, 'ProduceResponse', { responses: [{ name: 't', partitionResponses: [{ index: 1, errorCode: 0, baseOffset: 77n, logAppendTimeMs: -1n, logStartOffset: 0n }] }], throttleTimeMs: 0 });
      subset(d, { topics: [{ topicName: 't', partitions: [{ partition: 1, errorCode: 0, [v >= 3 ? 'baseOffset' : 'offset']: '77' }] }] }, 'produce');
    });
  }
});
