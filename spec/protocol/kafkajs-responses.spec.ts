/**
 * Differential tests of our response encoder against kafkajs 2.2.4's own response decoders.
 * For EVERY node_modules/kafkajs/src/protocol/requests/<api>/v<N>/response.js: we encode a non-trivial
 * response frame with encodeResponseBuffer → strip the size and correlation id as kafkajs's Connection
 * does (flexible versions keep the response header's tag section, which kafkajs's decode reads itself)
 * → kafkajs's decode gives the values we encoded (names mapped to kafkajs's), and its parse accepts
 * them (all error codes are 0 so parse must not throw). kafkajs quirks are noted next to their cases.
 * Throttle times: `THROTTLE[dir] = [from, clientSideFrom]`: kafkajs reports the broker's throttle as
 * `throttleTime` from version `from`, and as `clientSideThrottleTime` (with throttleTime 0) from the
 * version where Kafka moved throttling to the client (KIP-219).
 * A guard test fails if kafkajs ships a response version that has no case here.
 */
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { decodeRequest, encodeResponseBuffer, type RequestApiKey } from '../../lib/protocol/index.js';

const require = createRequire(import.meta.url);
const REQ = 'kafkajs/src/protocol/requests';
const KJS_API_KEYS = require(`${REQ}/apiKeys`) as Record<string, number>;

type Obj = Record<string, unknown>;
interface KjsResponse {
  decode(b: Buffer): Promise<Obj>;
  parse(d: Obj): Promise<Obj>;
}
interface KjsRequest {
  encode(): Promise<{ buffer: Buffer }>;
}
const createRequest = require('kafkajs/src/protocol/request') as (a: { correlationId: number; clientId: string; request: KjsRequest }) => Promise<{ buffer: Buffer }>;

function kafkajsResponseVersions(): string[] {
  const root = join(dirname(require.resolve('kafkajs/package.json')), 'src/protocol/requests');
  const out: string[] = [];
  for (const dir of readdirSync(root, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const v of readdirSync(join(root, dir.name))) if (/^v\d+$/.test(v) && readdirSync(join(root, dir.name, v)).includes('response.js')) out.push(`${dir.name}/${v}`);
  }
  return out.sort();
}

/** Deep "expected ⊆ actual": every key of `expected` must be present in `actual` with an equal value. */
function subset(actual: unknown, expected: unknown, path: string): void {
  if (expected !== null && typeof expected === 'object' && !Buffer.isBuffer(expected)) {
    expect(actual, path).to.be.an(Array.isArray(expected) ? 'array' : 'object');
    if (Array.isArray(expected)) expect((actual as unknown[]).length, `${path}.length`).to.equal(expected.length);
    for (const [k, v] of Object.entries(expected)) subset((actual as Obj)[k], v, `${path}.${k}`);
  } else expect(actual, path).to.deep.equal(expected);
}

const THROTTLE_MS = 25;
const NEVER = Infinity;
const THROTTLE: Record<string, [number, number]> = {
  produce: [1, 6], fetch: [1, 8], listOffsets: [2, 3], metadata: [3, 6], offsetCommit: [3, 4], offsetFetch: [3, 4],
  findCoordinator: [1, 2], joinGroup: [2, 3], heartbeat: [1, 2], leaveGroup: [1, 2], syncGroup: [1, 2], describeGroups: [1, 2],
  listGroups: [1, 2], saslHandshake: [NEVER, NEVER], saslAuthenticate: [NEVER, NEVER], apiVersions: [1, 2], createTopics: [2, 3],
  deleteTopics: [1, 1], deleteRecords: [0, 1], initProducerId: [0, 1], addPartitionsToTxn: [0, 1], addOffsetsToTxn: [0, 1],
  endTxn: [0, 1], txnOffsetCommit: [0, 1], describeAcls: [0, 1], createAcls: [0, 1], deleteAcls: [0, 1], describeConfigs: [0, 2],
  alterConfigs: [0, 1], createPartitions: [0, 1], alterPartitionReassignments: [0, NEVER], listPartitionReassignments: [0, NEVER],
  // kafkajs quirk: DeleteGroups v0 returns the throttle as `throttleTimeMs`, and v1 copies the (absent)
  // `throttleTime` into clientSideThrottleTime, so v1 reports clientSideThrottleTime undefined (checked below).
  deleteGroups: [NEVER, NEVER],
};
function throttleOf(dir: string, v: number): Obj {
  const [from, clientSideFrom] = THROTTLE[dir]!;
  if (v >= clientSideFrom) return { throttleTime: 0, clientSideThrottleTime: THROTTLE_MS };
  return v >= from ? { throttleTime: THROTTLE_MS } : {};
}

interface Case {
  dir: string;
  versions: number[];
  value: (v: number) => Obj;
  expected: (v: number) => Obj;
}

const when = (cond: boolean, o: Obj): Obj => (cond ? o : {});
const buf = (s: string): Buffer => Buffer.from(s);
/** Record bytes taken from kafkajs's own producer requests (filled in before the tests run). */
const RECORDS: { messageSet: Buffer; batch: Buffer } = { messageSet: Buffer.alloc(0), batch: Buffer.alloc(0) };
const aclDescription = { principal: 'User:bob', host: '*', operation: 3, permissionType: 3 };
const sortedTopicErrors = (v: number, withMessageFrom: number): Obj[] =>
  ['a', 'b'].map((topic) => ({ topic, errorCode: 0, ...when(v >= withMessageFrom, { errorMessage: null }) }));

const CASES: Case[] = [
  // kafkajs names the log append time `timestamp` in v2 and `logAppendTime` from v3
  { dir: 'produce', versions: [0, 1, 2, 3, 4, 5, 6, 7],
    value: () => ({ responses: [{ name: 't', partitionResponses: [{ index: 1, errorCode: 0, baseOffset: 77n, logAppendTimeMs: 1700000000000n, logStartOffset: 5n }] }] }),
    expected: (v) => ({ topics: [{ topicName: 't', partitions: [{ partition: 1, errorCode: 0, ...(v >= 3 ? { baseOffset: '77' } : { offset: '77' }),
      ...when(v === 2, { timestamp: '1700000000000' }), ...when(v >= 3, { logAppendTime: '1700000000000' }), ...when(v >= 5, { logStartOffset: '5' }) }] }] }) },
  // kafkajs names the partition's log start offset `lastStartOffset` (sic). Records: a magic-1 message set
  // for v0-3 (what brokers down-convert to), a v2 batch from v4; kafkajs decodes both into messages.
  { dir: 'fetch', versions: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    value: (v) => ({ errorCode: 0, sessionId: 9, responses: [{ topic: 't', partitions: [{ partitionIndex: 2, errorCode: 0, highWatermark: 100n, lastStableOffset: 90n,
      logStartOffset: 5n, abortedTransactions: [{ producerId: 7n, firstOffset: 50n }], preferredReadReplica: 3, records: v >= 4 ? RECORDS.batch : RECORDS.messageSet }] }] }),
    expected: (v) => ({ ...when(v >= 7, { errorCode: 0, sessionId: 9 }), responses: [{ topicName: 't', partitions: [{ partition: 2, errorCode: 0, highWatermark: '100',
      ...when(v >= 4, { lastStableOffset: '90', abortedTransactions: [{ producerId: '7', firstOffset: '50' }] }), ...when(v >= 5, { lastStartOffset: '5' }),
      ...when(v >= 11, { preferredReadReplica: 3 }), messages: [{ key: buf('k'), value: buf('v') }] }] }] }) },
  { dir: 'listOffsets', versions: [0, 1, 2, 3],
    value: () => ({ topics: [{ name: 't', partitions: [{ partitionIndex: 1, errorCode: 0, oldStyleOffsets: [10n, 0n], timestamp: 1700000000000n, offset: 10n }] }] }),
    expected: (v) => ({ responses: [{ topic: 't', partitions: [{ partition: 1, errorCode: 0, ...(v === 0 ? { offsets: ['10', '0'] } : { timestamp: '1700000000000', offset: '10' }) }] }] }) },
  { dir: 'metadata', versions: [0, 1, 2, 3, 4, 5, 6],
    value: () => ({ brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: 'r' }, { nodeId: 2, host: 'h2', port: 9093, rack: null }], clusterId: 'cid', controllerId: 1,
      topics: [{ errorCode: 0, name: 't', isInternal: true, partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 3, replicaNodes: [1, 2], isrNodes: [1], offlineReplicas: [2] }] }] }),
    expected: (v) => ({ ...when(v >= 1, { controllerId: 1 }), ...when(v >= 2, { clusterId: 'cid' }),
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092, ...when(v >= 1, { rack: 'r' }) }, { nodeId: 2, host: 'h2', port: 9093, ...when(v >= 1, { rack: null }) }],
      topicMetadata: [{ topicErrorCode: 0, topic: 't', ...when(v >= 1, { isInternal: true }),
        partitionMetadata: [{ partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1, 2], isr: [1], ...when(v >= 5, { offlineReplicas: [2] }) }] }] }) },
  { dir: 'offsetCommit', versions: [0, 1, 2, 3, 4, 5],
    value: () => ({ topics: [{ name: 't', partitions: [{ partitionIndex: 2, errorCode: 0 }, { partitionIndex: 4, errorCode: 0 }] }] }),
    expected: () => ({ responses: [{ topic: 't', partitions: [{ partition: 2, errorCode: 0 }, { partition: 4, errorCode: 0 }] }] }) },
  { dir: 'offsetFetch', versions: [1, 2, 3, 4],
    value: () => ({ errorCode: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 99n, metadata: 'md', errorCode: 0 }, { partitionIndex: 1, committedOffset: -1n, metadata: '', errorCode: 0 }] }] }),
    expected: (v) => ({ ...when(v >= 2, { errorCode: 0 }),
      responses: [{ topic: 't', partitions: [{ partition: 0, offset: '99', metadata: 'md', errorCode: 0 }, { partition: 1, offset: '-1', metadata: '', errorCode: 0 }] }] }) },
  { dir: 'findCoordinator', versions: [0, 1, 2], value: () => ({ errorCode: 0, errorMessage: null, nodeId: 2, host: 'h', port: 9093 }),
    expected: (v) => ({ errorCode: 0, ...when(v >= 1, { errorMessage: null }), coordinator: { nodeId: 2, host: 'h', port: 9093 } }) },
  { dir: 'joinGroup', versions: [0, 1, 2, 3, 4, 5],
    value: () => ({ errorCode: 0, generationId: 4, protocolName: 'RoundRobinAssigner', leader: 'm1', memberId: 'm2',
      members: [{ memberId: 'm1', groupInstanceId: 'i1', metadata: buf('md1') }, { memberId: 'm2', groupInstanceId: null, metadata: buf('') }] }),
    expected: (v) => ({ errorCode: 0, generationId: 4, groupProtocol: 'RoundRobinAssigner', leaderId: 'm1', memberId: 'm2',
      members: [{ memberId: 'm1', memberMetadata: buf('md1'), ...when(v >= 5, { groupInstanceId: 'i1' }) }, { memberId: 'm2', memberMetadata: buf(''), ...when(v >= 5, { groupInstanceId: null }) }] }) },
  { dir: 'heartbeat', versions: [0, 1, 2, 3], value: () => ({ errorCode: 0 }), expected: () => ({ errorCode: 0 }) },
  { dir: 'leaveGroup', versions: [0, 1, 2, 3], value: () => ({ errorCode: 0, members: [{ memberId: 'm', groupInstanceId: 'i', errorCode: 0 }] }),
    expected: (v) => ({ errorCode: 0, ...when(v >= 3, { members: [{ memberId: 'm', groupInstanceId: 'i', errorCode: 0 }] }) }) },
  { dir: 'syncGroup', versions: [0, 1, 2, 3], value: () => ({ errorCode: 0, assignment: buf('xyz') }), expected: () => ({ errorCode: 0, memberAssignment: buf('xyz') }) },
  { dir: 'describeGroups', versions: [0, 1, 2],
    value: () => ({ groups: [{ errorCode: 0, groupId: 'g', groupState: 'Stable', protocolType: 'consumer', protocolData: 'RoundRobinAssigner',
      members: [{ memberId: 'm', clientId: 'c', clientHost: '/127.0.0.1', memberMetadata: buf('meta'), memberAssignment: buf('asg') }] }] }),
    expected: () => ({ groups: [{ errorCode: 0, groupId: 'g', state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner',
      members: [{ memberId: 'm', clientId: 'c', clientHost: '/127.0.0.1', memberMetadata: buf('meta'), memberAssignment: buf('asg') }] }] }) },
  { dir: 'listGroups', versions: [0, 1, 2], value: () => ({ errorCode: 0, groups: [{ groupId: 'g', protocolType: 'consumer' }, { groupId: 'h', protocolType: '' }] }),
    expected: () => ({ errorCode: 0, groups: [{ groupId: 'g', protocolType: 'consumer' }, { groupId: 'h', protocolType: '' }] }) },
  { dir: 'saslHandshake', versions: [0, 1], value: () => ({ errorCode: 0, mechanisms: ['PLAIN', 'SCRAM-SHA-256'] }),
    expected: () => ({ errorCode: 0, enabledMechanisms: ['PLAIN', 'SCRAM-SHA-256'] }) },
  // kafkajs re-prefixes authBytes with their int32 length (its SASL mechanisms expect the v0 framing)
  { dir: 'saslAuthenticate', versions: [0, 1], value: () => ({ errorCode: 0, errorMessage: null, authBytes: buf('srv'), sessionLifetimeMs: 3600000n }),
    expected: (v) => ({ errorCode: 0, errorMessage: null, authBytes: Buffer.concat([Buffer.from([0, 0, 0, 3]), buf('srv')]), ...when(v >= 1, { sessionLifetimeMs: '3600000' }) }) },
  { dir: 'apiVersions', versions: [0, 1, 2], value: () => ({ errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 9 }, { apiKey: 18, minVersion: 0, maxVersion: 3 }] }),
    expected: () => ({ errorCode: 0, apiVersions: [{ apiKey: 0, minVersion: 0, maxVersion: 9 }, { apiKey: 18, minVersion: 0, maxVersion: 3 }] }) },
  // kafkajs sorts topicErrors by topic name (CreateTopics, DeleteTopics, CreatePartitions, DeleteRecords): we send b then a
  { dir: 'createTopics', versions: [0, 1, 2, 3], value: () => ({ topics: [{ name: 'b', errorCode: 0, errorMessage: null }, { name: 'a', errorCode: 0, errorMessage: null }] }),
    expected: (v) => ({ topicErrors: sortedTopicErrors(v, 1) }) },
  { dir: 'deleteTopics', versions: [0, 1], value: () => ({ responses: [{ name: 'b', errorCode: 0 }, { name: 'a', errorCode: 0 }] }),
    expected: (v) => ({ topicErrors: sortedTopicErrors(v, NEVER) }) },
  { dir: 'createPartitions', versions: [0, 1], value: () => ({ results: [{ name: 'b', errorCode: 0, errorMessage: null }, { name: 'a', errorCode: 0, errorMessage: null }] }),
    expected: (v) => ({ topicErrors: sortedTopicErrors(v, 0) }) },
  // kafkajs's DeleteRecords response module is a factory of the request's topics (used by parse for errors);
  // it returns lowWatermark undecoded from its Decoder.readInt64, a bigint (every other int64 is a decimal string)
  { dir: 'deleteRecords', versions: [0, 1],
    value: () => ({ topics: [{ name: 'b', partitions: [{ partitionIndex: 0, lowWatermark: 42n, errorCode: 0 }] }, { name: 'a', partitions: [{ partitionIndex: 1, lowWatermark: 8589934592n, errorCode: 0 }] }] }),
    expected: () => ({ topics: [{ topic: 'a', partitions: [{ partition: 1, lowWatermark: 8589934592n, errorCode: 0 }] }, { topic: 'b', partitions: [{ partition: 0, lowWatermark: 42n, errorCode: 0 }] }] }) },
  { dir: 'initProducerId', versions: [0, 1], value: () => ({ errorCode: 0, producerId: 12345678901n, producerEpoch: 3 }),
    expected: () => ({ errorCode: 0, producerId: '12345678901', producerEpoch: 3 }) },
  { dir: 'addPartitionsToTxn', versions: [0, 1],
    value: () => ({ resultsByTopicV3AndBelow: [{ name: 't', resultsByPartition: [{ partitionIndex: 1, partitionErrorCode: 0 }, { partitionIndex: 2, partitionErrorCode: 0 }] }] }),
    expected: () => ({ errors: [{ topic: 't', partitionErrors: [{ partition: 1, errorCode: 0 }, { partition: 2, errorCode: 0 }] }] }) },
  { dir: 'addOffsetsToTxn', versions: [0, 1], value: () => ({ errorCode: 0 }), expected: () => ({ errorCode: 0 }) },
  { dir: 'endTxn', versions: [0, 1], value: () => ({ errorCode: 0 }), expected: () => ({ errorCode: 0 }) },
  { dir: 'txnOffsetCommit', versions: [0, 1], value: () => ({ topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 3, errorCode: 0 }] }] }),
    expected: () => ({ topics: [{ topic: 't', partitions: [{ partition: 0, errorCode: 0 }, { partition: 3, errorCode: 0 }] }] }) },
  { dir: 'deleteGroups', versions: [0, 1], value: () => ({ results: [{ groupId: 'g', errorCode: 0 }, { groupId: 'h', errorCode: 0 }] }),
    expected: (v) => ({ throttleTimeMs: THROTTLE_MS, ...when(v >= 1, { throttleTime: 0, clientSideThrottleTime: undefined }), results: [{ groupId: 'g', errorCode: 0 }, { groupId: 'h', errorCode: 0 }] }) },
  // v0 has is_default and kafkajs derives configSource from it (TOPIC_CONFIG 1 for a topic, DEFAULT_CONFIG 5);
  // v1+ carry configSource and kafkajs derives isDefault from it. Synonyms exist from v1.
  { dir: 'describeConfigs', versions: [0, 1, 2],
    value: () => ({ results: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 't', configs: [
      { name: 'cleanup.policy', value: 'compact', readOnly: false, isDefault: false, configSource: 1, isSensitive: false, synonyms: [{ name: 'log.cleanup.policy', value: 'delete', source: 5 }] },
      { name: 'secret', value: null, readOnly: true, isDefault: true, configSource: 5, isSensitive: true, synonyms: [] }] }] }),
    expected: (v) => ({ resources: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 't', configEntries: [
      { configName: 'cleanup.policy', configValue: 'compact', readOnly: false, isDefault: false, configSource: 1, isSensitive: false,
        ...when(v >= 1, { configSynonyms: [{ configName: 'log.cleanup.policy', configValue: 'delete', configSource: 5 }] }) },
      { configName: 'secret', configValue: null, readOnly: true, isDefault: true, configSource: 5, isSensitive: true, ...when(v >= 1, { configSynonyms: [] }) }] }] }) },
  { dir: 'alterConfigs', versions: [0, 1],
    value: () => ({ responses: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 't' }, { errorCode: 0, errorMessage: '', resourceType: 4, resourceName: '1' }] }),
    expected: () => ({ resources: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 't' }, { errorCode: 0, errorMessage: '', resourceType: 4, resourceName: '1' }] }) },
  { dir: 'createAcls', versions: [0, 1], value: () => ({ results: [{ errorCode: 0, errorMessage: null }, { errorCode: 0, errorMessage: '' }] }),
    expected: () => ({ creationResponses: [{ errorCode: 0, errorMessage: null }, { errorCode: 0, errorMessage: '' }] }) },
  { dir: 'describeAcls', versions: [0, 1],
    value: () => ({ errorCode: 0, errorMessage: null, resources: [{ resourceType: 2, resourceName: 't', patternType: 4, acls: [aclDescription] }] }),
    expected: (v) => ({ errorCode: 0, errorMessage: null, resources: [{ resourceType: 2, resourceName: 't', ...when(v >= 1, { resourcePatternType: 4 }), acls: [aclDescription] }] }) },
  { dir: 'deleteAcls', versions: [0, 1],
    value: () => ({ filterResults: [{ errorCode: 0, errorMessage: null, matchingAcls: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 't', patternType: 4, ...aclDescription }] }] }),
    expected: (v) => ({ filterResponses: [{ errorCode: 0, errorMessage: null,
      matchingAcls: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 't', ...when(v >= 1, { resourcePatternType: 4 }), ...aclDescription }] }] }) },
  // flexible: kafkajs reads the response header's tag section at the start of decode; it drops error messages
  { dir: 'alterPartitionReassignments', versions: [0],
    value: () => ({ errorCode: 0, errorMessage: null, responses: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, errorMessage: null }, { partitionIndex: 1, errorCode: 0, errorMessage: 'x' }] }] }),
    expected: () => ({ errorCode: 0, responses: [{ topic: 't', partitions: [{ partition: 0, errorCode: 0 }, { partition: 1, errorCode: 0 }] }] }) },
  { dir: 'listPartitionReassignments', versions: [0],
    value: () => ({ errorCode: 0, errorMessage: null, topics: [{ name: 't', partitions: [{ partitionIndex: 0, replicas: [1, 2, 3], addingReplicas: [3], removingReplicas: [1] }] }] }),
    expected: () => ({ errorCode: 0, topics: [{ name: 't', partitions: [{ partition: 0, replicas: [1, 2, 3], addingReplicas: [3], removingReplicas: [1] }] }] }) },
];

const pascal = (dir: string): string => dir[0]!.toUpperCase() + dir.slice(1);

describe('protocol vs kafkajs 2.2.4 responses', () => {
  before(async () => {
    // Record bytes as kafkajs's producer writes them: Produce v2 carries a magic-1 message set, v3 a v2 batch.
    const produce = async (v: number): Promise<Buffer> => {
      const factory = require(`${REQ}/produce/v${v}/request`) as (a: unknown) => KjsRequest;
      const request = factory({ acks: -1, timeout: 1000, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: 'k', value: 'v', timestamp: 1700000000000 }] }] }] });
      const decoded = decodeRequest((await createRequest({ correlationId: 1, clientId: 'c', request })).buffer.subarray(4));
      const records = (decoded.body as { topicData: { partitionData: { records: Buffer | null }[] }[] }).topicData[0]!.partitionData[0]!.records;
      return Buffer.from(records!);
    };
    RECORDS.messageSet = await produce(2);
    RECORDS.batch = await produce(3);
  });

  it('has a case for every response version kafkajs implements', () => {
    const covered = CASES.flatMap((c) => c.versions.map((v) => `${c.dir}/v${v}`));
    expect(kafkajsResponseVersions().filter((k) => !covered.includes(k))).to.deep.equal([]);
  });

  for (const c of CASES) {
    for (const v of c.versions) {
      it(`kafkajs decodes and accepts our ${c.dir} v${v} response with the values we encoded`, async () => {
        const apiKey = KJS_API_KEYS[c.dir === 'findCoordinator' ? 'GroupCoordinator' : pascal(c.dir)] as RequestApiKey;
        expect(apiKey, `api key of ${c.dir}`).to.be.a('number');
        const frame = encodeResponseBuffer(apiKey, v, 0x7654321, { throttleTimeMs: THROTTLE_MS, ...c.value(v) } as never);
        expect(frame.readInt32BE(0)).to.equal(frame.length - 4);
        expect(frame.readInt32BE(4)).to.equal(0x7654321);
        const mod = require(`${REQ}/${c.dir}/v${v}/response`) as KjsResponse | ((a: unknown) => KjsResponse);
        const kjs = typeof mod === 'function' ? mod({ topics: [{ topic: 'a', partitions: [{ partition: 1, offset: '8' }] }] }) : mod;
        const decoded = await kjs.decode(frame.subarray(8));
        subset(decoded, { ...throttleOf(c.dir, v), ...c.expected(v) }, `${c.dir} v${v}`);
        await kjs.parse(decoded);
      });
    }
  }
});
