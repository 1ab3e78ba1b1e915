/**
 * In-process support for the handler authorization specs: an authorizer over the real decision core
 * (AuthorizerData; the ZooKeeper side is AclAuthorizer's own spec), a BrokerContext whose
 * subsystems answer success and record that they were reached, a real MetadataCache fed as the
 * controller would, and a call helper that sets the request's principal and client address.
 */
import { defaultMessage, encodeResponse, apiKeyName } from '../../../lib/protocol/index.js';
import type { RequestApiKey } from '../../../lib/protocol/frames.js';
import type { RequestBodies } from '../../../lib/protocol/generated/types.js';
import type { ApiHandler, RequestContext } from '../../../lib/server/handlers/handler.js';
import type { BrokerContext } from '../../../lib/server/handlers/broker-context.js';
import type { Authorizer, AuthorizableRequestContext, Action, AclCreateResult, AclDeleteResult } from '../../../lib/security/auth/authorizer.js';
import { AuthorizerData, type AuthorizerDataConfig } from '../../../lib/security/auth/authorizer-data.js';
import { KafkaPrincipal } from '../../../lib/common/kafka-principal.js';
import type { AccessControlEntry, AclBinding, AclBindingFilter } from '../../../lib/common/acl.js';
import type { ResourcePattern } from '../../../lib/common/resource.js';
import { KafkaConfig } from '../../../lib/config/kafka-config.js';
import { MetadataCache } from '../../../lib/server/metadata-cache.js';
import { TopicPartitionMap } from '../../../lib/coordinator/group/offset-and-metadata.js';
import { NotLeaderOrFollowerError } from '../../../lib/protocol/errors.js';
import { MetadataSimulator } from '../admin-helpers.js';
import { randomUuid } from '../../../lib/zk/znode-json.js';
import { FetchManager, FetchSessionCache } from '../../../lib/server/fetch-session.js';
import { SYSTEM_TIME } from '../../../lib/common/time.js';

/** An Authorizer deciding from AuthorizerData, ACLs given up front. */
export class InMemoryAuthorizer implements Authorizer {
  readonly data: AuthorizerData;
  constructor(config: AuthorizerDataConfig, acls: ReadonlyArray<[ResourcePattern, AccessControlEntry[]]>) {
    this.data = new AuthorizerData(config);
    for (const [pattern, entries] of acls) this.data.update(pattern, { acls: [...(this.data.get(pattern)?.acls ?? []), ...entries], zkVersion: 0 });
  }
  async start(): Promise<void> {}
  async close(): Promise<void> {}
  authorize(ctx: AuthorizableRequestContext, actions: readonly Action[]): Array<'ALLOWED' | 'DENIED'> {
    return actions.map((a) => (this.data.authorize(ctx.principal, ctx.clientAddress, a.operation, a.resourcePattern.resourceType, a.resourcePattern.name) ? 'ALLOWED' : 'DENIED'));
  }
  authorizeByResourceType(ctx: AuthorizableRequestContext, operation: number, resourceType: number): 'ALLOWED' | 'DENIED' {
    return this.data.authorizeByResourceType(ctx.principal, ctx.clientAddress, operation, resourceType) ? 'ALLOWED' : 'DENIED';
  }
  async createAcls(_ctx: AuthorizableRequestContext, bindings: readonly AclBinding[]): Promise<AclCreateResult[]> {
    for (const b of bindings) this.data.update(b.pattern, { acls: [...(this.data.get(b.pattern)?.acls ?? []), b.entry], zkVersion: 0 });
    return bindings.map(() => ({ error: null }));
  }
  async deleteAcls(_ctx: AuthorizableRequestContext, filters: readonly AclBindingFilter[]): Promise<AclDeleteResult[]> {
    return filters.map((f) => ({ error: null, aclBindingDeleteResults: this.data.acls(f).map((binding) => ({ binding, error: null })) }));
  }
  acls(filter: AclBindingFilter): AclBinding[] {
    return this.data.acls(filter);
  }
}

/** The subsystem calls a request got as far as (the handler was not stopped by authorization). */
export type Reached = string[];

export const TOPICS = ['orders', 'other'];

/** A BrokerContext whose subsystems succeed and record each call in `reached`. */
export function stubBroker(reached: Reached, authorizer?: Authorizer): BrokerContext {
  const metadataCache = new MetadataCache(1);
  const sim = new MetadataSimulator(metadataCache, [{ id: 1 }]);
  for (const t of TOPICS) sim.publish(t, randomUuid(), new Map([[0, [1]]]));
  const call = <T>(name: string, value: T): T => {
    reached.push(name);
    return value;
  };
  const ok = { errorCode: 0, errorMessage: null };
  const broker = {
    brokerId: 1,
    clusterId: 'cluster',
    config: KafkaConfig.fromProps({ 'broker.id': 1, 'zookeeper.connect': 'localhost:2181', 'log.dirs': '/tmp/kafkats-authz-spec', listeners: 'PLAINTEXT://localhost:9091' }),
    metadataCache,
    authorizer,
    fetchManager: new FetchManager(SYSTEM_TIME, new FetchSessionCache(10)),
    replicaManager: {
      appendRecords: async (o: { entries: Array<{ tp: { topic: string; partition: number } }> }) => call('appendRecords',
        o.entries.map((e) => ({ tp: e.tp, errorCode: 0, baseOffset: 0n, logAppendTime: -1n, logStartOffset: 0n, errorMessage: null, recordErrors: [] }))),
      fetchMessages: async (o: { partitions: Array<{ tp: { topic: string; partition: number } }> }) => call('fetchMessages',
        o.partitions.map((p) => ({ tp: p.tp, errorCode: 0, highWatermark: 0n, lastStableOffset: 0n, logStartOffset: 0n, records: Buffer.alloc(0) }))),
      becomeLeaderOrFollower: () => call('becomeLeaderOrFollower', { errorCode: 0, partitions: [] }),
      maybeUpdateMetadataCache: () => call('maybeUpdateMetadataCache', 0),
      stopReplicas: () => call('stopReplicas', { errorCode: 0, partitions: [] }),
      alterReplicaLogDirs: (entries: Array<{ tp: { topic: string; partition: number } }>) => call('alterReplicaLogDirs', entries.map((e) => ({ tp: e.tp, errorCode: 0 }))),
      deleteRecords: async (_t: number, entries: Array<{ tp: { topic: string; partition: number } }>) => call('deleteRecords', entries.map((e) => ({ tp: e.tp, lowWatermark: 0n, errorCode: 0 }))),
      getPartitionOrException: () => {
        reached.push('getPartitionOrException');
        throw new NotLeaderOrFollowerError();
      },
    },
    controller: {
      isActive: true,
      context: { isTopicQueuedUpForDeletion: () => false, topicIds: new Map([['orders', metadataCache.getTopicId('orders')]]) },
      alterPartition: async () => call('alterPartition', { errorCode: 0, partitions: [] }),
      enqueue: async (fn: (ops: Record<string, () => unknown>) => unknown) => fn({
        controlledShutdown: () => call('controlledShutdown', []),
        alterPartition: () => call('alterPartition', { errorCode: 0, partitions: [] }),
        electPreferredLeaders: () => call('electLeaders', new Map()),
        electUncleanLeaders: () => call('electLeaders', new Map()),
      }),
    },
    adminManager: {
      createTopics: async (_t: number, _v: boolean, topics: Array<{ name: string }>) => call('createTopics',
        new Map(topics.map((t) => [t.name, { ...ok, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', numPartitions: 1, replicationFactor: 1, configs: [] }]))),
      deleteTopics: async (_t: number, topics: string[]) => call('deleteTopics', new Map(topics.map((t) => [t, ok]))),
      createPartitions: async (_t: number, topics: Array<{ name: string }>) => call('createPartitions', new Map(topics.map((t) => [t.name, ok]))),
      autoCreateTopics: async (names: string[]) => call('autoCreateTopics', new Map(names.map((n) => [n, 5]))),
      createInternalTopicIfMissing: async () => call('createInternalTopic', 0),
      describeConfigs: async (rs: Array<{ resourceType: number; resourceName: string }>) => call('describeConfigs', rs.map((r) => ({ ...ok, ...r, configs: [] }))),
      alterConfigs: async (rs: Array<{ resourceType: number; resourceName: string }>) => call('alterConfigs', rs.map((r) => ({ ...ok, ...r }))),
      incrementalAlterConfigs: async (rs: Array<{ resourceType: number; resourceName: string }>) => call('incrementalAlterConfigs', rs.map((r) => ({ ...ok, ...r }))),
      adminZkClient: {
        zkClient: { getAllEntitiesWithConfig: async () => call('readUserConfigs', []) },
        fetchEntityConfig: async () => ({}),
        changeEntityConfig: async () => call('changeUserConfig', undefined),
      },
    },
    groupCoordinator: {
      time: { milliseconds: () => 0 },
      partitionFor: () => 0,
      handleCommitOffsets: async () => call('commitOffsets', new TopicPartitionMap<number>()),
      handleTxnCommitOffsets: async () => call('txnCommitOffsets', new TopicPartitionMap<number>()),
      handleFetchOffsets: (_g: string, _s: boolean, tps: Array<{ topic: string; partition: number }> | null) => call('fetchOffsets',
        { error: 0, partitions: (tps ?? TOPICS.map((topic) => ({ topic, partition: 0 }))).map((tp) => ({ topicPartition: tp, offset: 5n, leaderEpoch: -1, metadata: '', error: 0 })) }),
      handleJoinGroup: async () => call('joinGroup', { members: [], memberId: 'm', generationId: 1, protocolType: 'consumer', protocolName: 'range', leaderId: 'm', skipAssignment: false, error: 0 }),
      handleSyncGroup: async () => call('syncGroup', { protocolType: 'consumer', protocolName: 'range', memberAssignment: Buffer.alloc(0), error: 0 }),
      handleHeartbeat: () => call('heartbeat', 0),
      handleLeaveGroup: () => call('leaveGroup', { topLevelError: 0, memberResponses: [] }),
      handleDescribeGroup: () => call('describeGroup', { error: 0, summary: { state: 'Empty', protocolType: 'consumer', protocol: '', members: [] } }),
      handleListGroups: () => call('listGroups', { error: 0, groups: [{ groupId: 'g', protocolType: 'consumer', state: 'Empty' }, { groupId: 'h', protocolType: 'consumer', state: 'Empty' }] }),
      handleDeleteGroups: (ids: string[]) => call('deleteGroups', new Map(ids.map((id) => [id, 0]))),
      handleDeleteOffsets: () => call('deleteOffsets', { error: 0, partitionErrors: new TopicPartitionMap<number>() }),
      scheduleHandleTxnCompletion: () => undefined,
    },
    transactionCoordinator: {
      partitionFor: () => 0,
      handleInitProducerId: async () => call('initProducerId', { error: 0, producerId: 7n, producerEpoch: 0 }),
      handleAddPartitionsToTransaction: async () => call('addPartitionsToTxn', 0),
      handleEndTransaction: async () => call('endTxn', 0),
      describe: (id: string) => call('describeTransaction', { error: 0, metadata: { transactionalId: id, state: 'Ongoing', txnTimeoutMs: 1, txnStartTimestamp: 0, producerId: 7n, producerEpoch: 0, topicPartitions: new Map([['orders-0', { topic: 'orders', partition: 0 }], ['other-0', { topic: 'other', partition: 0 }]]) } }),
      list: () => call('listTransactions', [{ transactionalId: 'tx', producerId: 7n, state: 'Ongoing', txnStartTimestamp: 0 }, { transactionalId: 'ty', producerId: 8n, state: 'Ongoing', txnStartTimestamp: 0 }]),
    },
    logManager: { allLogs: () => [], logDirs: [], getLog: () => undefined },
    topicConfigs: { set: () => undefined },
    zkClient: { getEntityConfigs: async () => ({}) },
    brokerEpoch: () => 5n,
    supportedApis: () => [],
  };
  return broker as unknown as BrokerContext;
}

/** Calls a handler as `principal` from `host` with the version's default request plus `body`; the answer must encode. */
export async function callAs<K extends RequestApiKey>(handler: ApiHandler<K>, broker: BrokerContext, principal: KafkaPrincipal, version: number,
  body: Partial<RequestBodies[K]>, host = '10.0.0.1'): Promise<Record<string, unknown>> {
  const request = { ...defaultMessage(`${apiKeyName(handler.apiKey)}Request`, version), ...body } as unknown as RequestBodies[K];
  const ctx = {
    header: { requestApiKey: handler.apiKey, requestApiVersion: version, correlationId: 1, clientId: 'spec' },
    apiVersion: version,
    connection: { id: 'c1', listenerName: 'PLAINTEXT', remoteAddress: host, remotePort: 5555, principal },
    listenerName: 'PLAINTEXT',
    broker,
  } as unknown as RequestContext;
  const response = await handler.handle(ctx, request);
  if (response !== null) encodeResponse(handler.apiKey, version, 1, response as never);
  return (response ?? {}) as Record<string, unknown>;
}

export const principal = (name: string): KafkaPrincipal => new KafkaPrincipal('User', name);
