/**
 * Differential tests of our request codec against kafkajs 2.2.4's own request encoders.
 * For EVERY node_modules/kafkajs/src/protocol/requests/<api>/v<N>/request.js: kafkajs builds the whole
 * frame (protocol/request.js: size, header v1 with client id, body) → our decodeRequest gives the api
 * key, version, correlation id, client id and body fields kafkajs was given (names mapped to Kafka's) →
 * our encodeRequest of that decoded value reproduces kafkajs's frame byte for byte. Every kafkajs
 * request is canonical Kafka encoding for the values it writes, so the byte comparison holds for all.
 * kafkajs quirks (value-level, not byte-level) are noted next to the cases they affect.
 * A guard test fails if kafkajs ships a request version that has no case here.
 * Responses: kafkajs-responses.spec.ts.
 */
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { decodeRequest, encodeRequest, type RequestApiKey } from '../../lib/protocol/index.js';

const require = createRequire(import.meta.url);
const REQ = 'kafkajs/src/protocol/requests';

interface KjsRequest {
  apiKey: number;
  apiVersion: number;
  encode(): Promise<{ buffer: Buffer }>;
}
const createRequest = require('kafkajs/src/protocol/request') as (a: { correlationId: number; clientId: string; request: KjsRequest }) => Promise<{ buffer: Buffer }>;

/** Every kafkajs request (or response) version on disk, as "dir/vN". */
function kafkajsVersions(file: 'request.js' | 'response.js'): string[] {
  const root = join(dirname(require.resolve('kafkajs/package.json')), 'src/protocol/requests');
  const out: string[] = [];
  for (const dir of readdirSync(root, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const v of readdirSync(join(root, dir.name))) if (/^v\d+$/.test(v) && readdirSync(join(root, dir.name, v)).includes(file)) out.push(`${dir.name}/${v}`);
  }
  return out.sort();
}

/** Deep "expected ⊆ actual": every key of `expected` must be present in `actual` with an equal value. */
function subset(actual: unknown, expected: unknown, path: string): void {
  if (expected !== null && typeof expected === 'object' && !Buffer.isBuffer(expected)) {
    expect(actual, path).to.be.an(Array.isArray(expected) ? 'array' : 'object');
    if (Array.isArray(expected)) expect((actual as unknown[]).length, `${path}.length`).to.equal(expected.length);
    for (const [k, v] of Object.entries(expected)) subset((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else expect(actual, path).to.deep.equal(expected);
}

const messages = [{ key: 'k', value: 'v', timestamp: 1700000000000, headers: { h: 'x' } }];
const topicData = [{ topic: 'tópic', partitions: [{ partition: 3, firstSequence: 0, messages }] }];
const ACL_FILTER = { resourceType: 2, resourceName: 't', resourcePatternType: 1, principal: null, host: '*', operation: 1, permissionType: 1 };

interface Case {
  dir: string;
  label?: string;
  versions: number[];
  args: unknown;
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
  // kafkajs's deleteGroups request factories take the bare array of group ids, not an object
  { dir: 'deleteGroups', versions: [0, 1], args: ['g', 'h'], expected: () => ({ groupsNames: ['g', 'h'] }) },
  { dir: 'createPartitions', versions: [0, 1], args: { topicPartitions: [{ topic: 't', count: 4, assignments: [[1], [2]] }], validateOnly: false, timeout: 100 },
    expected: () => ({ timeoutMs: 100, validateOnly: false, topics: [{ name: 't', count: 4, assignments: [{ brokerIds: [1] }, { brokerIds: [2] }] }] }) },
  // kafkajs writes configNames with writeNullableArray, which sends an empty list as null (-1): [] arrives as null
  { dir: 'describeConfigs', versions: [0, 1, 2],
    args: { resources: [{ type: 2, name: 't', configNames: ['cleanup.policy', 'retention.ms'] }, { type: 4, name: '1', configNames: [] }], includeSynonyms: true },
    expected: (v) => ({ includeSynonyms: v >= 1, resources: [{ resourceType: 2, resourceName: 't', configurationKeys: ['cleanup.policy', 'retention.ms'] }, { resourceType: 4, resourceName: '1', configurationKeys: null }] }) },
  { dir: 'alterConfigs', versions: [0, 1],
    args: { resources: [{ type: 2, name: 't', configEntries: [{ name: 'retention.ms', value: '1000' }, { name: 'segment.ms', value: null }] }], validateOnly: true },
    expected: () => ({ validateOnly: true, resources: [{ resourceType: 2, resourceName: 't', configs: [{ name: 'retention.ms', value: '1000' }, { name: 'segment.ms', value: null }] }] }) },
  { dir: 'createAcls', versions: [0, 1],
    args: { creations: [{ resourceType: 2, resourceName: 't', resourcePatternType: 4, principal: 'User:bob', host: '*', operation: 3, permissionType: 3 }] },
    // v0 has no pattern type on the wire: Kafka's default is LITERAL (3)
    expected: (v) => ({ creations: [{ resourceType: 2, resourceName: 't', resourcePatternType: v >= 1 ? 4 : 3, principal: 'User:bob', host: '*', operation: 3, permissionType: 3 }] }) },
  { dir: 'describeAcls', versions: [0, 1], args: { ...ACL_FILTER },
    expected: (v) => ({ resourceTypeFilter: 2, resourceNameFilter: 't', patternTypeFilter: v >= 1 ? 1 : 3, principalFilter: null, hostFilter: '*', operation: 1, permissionType: 1 }) },
  { dir: 'deleteAcls', versions: [0, 1], args: { filters: [ACL_FILTER] },
    expected: (v) => ({ filters: [{ resourceTypeFilter: 2, resourceNameFilter: 't', patternTypeFilter: v >= 1 ? 1 : 3, principalFilter: null, hostFilter: '*', operation: 1, permissionType: 1 }] }) },
  { dir: 'deleteRecords', versions: [0, 1], args: { topics: [{ topic: 't', partitions: [{ partition: 0, offset: '42' }, { partition: 1, offset: '-1' }] }], timeout: 1500 },
    expected: () => ({ timeoutMs: 1500, topics: [{ name: 't', partitions: [{ partitionIndex: 0, offset: 42n }, { partitionIndex: 1, offset: -1n }] }] }) },
  // flexible (header v2): kafkajs writes the header's empty tag section as the first byte of the body
  { dir: 'alterPartitionReassignments', versions: [0],
    args: { topics: [{ topic: 't', partitionAssignment: [{ partition: 0, replicas: [1, 2] }, { partition: 1, replicas: [] }] }], timeout: 3000 },
    expected: () => ({ timeoutMs: 3000, topics: [{ name: 't', partitions: [{ partitionIndex: 0, replicas: [1, 2] }, { partitionIndex: 1, replicas: [] }] }] }) },
  { dir: 'listPartitionReassignments', versions: [0], args: { topics: [{ topic: 't', partitions: [0, 3] }], timeout: 3000 },
    expected: () => ({ timeoutMs: 3000, topics: [{ name: 't', partitionIndexes: [0, 3] }] }) },
  { dir: 'listPartitionReassignments', label: 'all topics', versions: [0], args: { topics: null },
    expected: () => ({ timeoutMs: 5000, topics: null }) },
];

describe('protocol vs kafkajs 2.2.4 requests', () => {
  it('has a case for every request version kafkajs implements', () => {
    const covered = CASES.flatMap((c) => c.versions.map((v) => `${c.dir}/v${v}`));
    expect(kafkajsVersions('request.js').filter((k) => !covered.includes(k))).to.deep.equal([]);
  });

  for (const c of CASES) {
    for (const v of c.versions) {
      it(`decodes kafkajs's ${c.dir} v${v}${c.label ? ` (${c.label})` : ''} request frame to the values given, and re-encodes it byte for byte`, async () => {
        const factory = require(`${REQ}/${c.dir}/v${v}/request`) as (a: unknown) => KjsRequest;
        const request = factory(c.args);
        expect(request.apiVersion).to.equal(v);
        const frame = (await createRequest({ correlationId: 0x1234567, clientId: 'kafkajs-diff', request })).buffer;
        const decoded = decodeRequest(frame.subarray(4));
        expect([decoded.apiKey, decoded.apiVersion, decoded.header.correlationId, decoded.header.clientId]).to.deep.equal([request.apiKey, v, 0x1234567, 'kafkajs-diff']);
        subset(decoded.body, c.expected(v), `${c.dir} v${v}`);
        const ours = encodeRequest({ requestApiKey: decoded.apiKey as RequestApiKey, requestApiVersion: v, correlationId: 0x1234567, clientId: 'kafkajs-diff' }, decoded.body as never);
        expect(ours.toString('hex')).to.equal(frame.toString('hex'));
      });
    }
  }
});
