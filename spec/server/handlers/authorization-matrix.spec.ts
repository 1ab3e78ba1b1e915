/**
 * The deny-by-default authorization matrix: principals {super user, producer-only, consumer-only,
 * none} × every API, in process, each cell Kafka's rule — allowed (the request reaches its
 * subsystem and answers no authorization error) or the exact error Kafka answers. A fifth column,
 * no authorizer at all, must allow everything, as before ACLs.
 *
 * ACLs (what `kafka-acls --producer --topic ord --resource-pattern-type prefixed --transactional-id tx
 * --idempotent` and `kafka-acls --consumer --topic orders --group '*'` add): the producer's topic
 * grants are PREFIXED (`ord`), its transactional id LITERAL, the consumer's group grant the
 * WILDCARD `*`. Topics `orders` and `other` exist; group `g`, transactional id `tx`.
 */
import { expect } from 'chai';
import { errorForCode } from '../../../lib/protocol/errors.js';
import { Op, Permission, type AccessControlEntry } from '../../../lib/common/acl.js';
import { CLUSTER_NAME, PT, RT, type ResourcePattern } from '../../../lib/common/resource.js';
import { buildRecordBatch } from '../../../lib/record/memory-records-builder.js';
import type { KafkaPrincipal } from '../../../lib/common/kafka-principal.js';
import type { BrokerContext } from '../../../lib/server/handlers/broker-context.js';
import { InMemoryAuthorizer, callAs, principal, stubBroker, type Reached } from './authorization-support.js';
import { produceHandler } from '../../../lib/server/handlers/produce.js';
import { fetchHandler } from '../../../lib/server/handlers/fetch.js';
import { listOffsetsHandler } from '../../../lib/server/handlers/list-offsets.js';
import { metadataHandler } from '../../../lib/server/handlers/metadata.js';
import { leaderAndIsrHandler } from '../../../lib/server/handlers/leader-and-isr.js';
import { stopReplicaHandler } from '../../../lib/server/handlers/stop-replica.js';
import { updateMetadataHandler } from '../../../lib/server/handlers/update-metadata.js';
import { controlledShutdownHandler } from '../../../lib/server/handlers/controlled-shutdown.js';
import { alterPartitionHandler } from '../../../lib/server/handlers/alter-partition.js';
import { writeTxnMarkersHandler } from '../../../lib/server/handlers/write-txn-markers.js';
import { offsetCommitHandler } from '../../../lib/server/handlers/offset-commit.js';
import { offsetFetchHandler } from '../../../lib/server/handlers/offset-fetch.js';
import { findCoordinatorHandler } from '../../../lib/server/handlers/find-coordinator.js';
import { joinGroupHandler } from '../../../lib/server/handlers/join-group.js';
import { syncGroupHandler } from '../../../lib/server/handlers/sync-group.js';
import { heartbeatHandler } from '../../../lib/server/handlers/heartbeat.js';
import { leaveGroupHandler } from '../../../lib/server/handlers/leave-group.js';
import { describeGroupsHandler } from '../../../lib/server/handlers/describe-groups.js';
import { listGroupsHandler } from '../../../lib/server/handlers/list-groups.js';
import { deleteGroupsHandler } from '../../../lib/server/handlers/delete-groups.js';
import { offsetDeleteHandler } from '../../../lib/server/handlers/offset-delete.js';
import { createTopicsHandler } from '../../../lib/server/handlers/create-topics.js';
import { deleteTopicsHandler } from '../../../lib/server/handlers/delete-topics.js';
import { deleteRecordsHandler } from '../../../lib/server/handlers/delete-records.js';
import { createPartitionsHandler } from '../../../lib/server/handlers/create-partitions.js';
import { initProducerIdHandler } from '../../../lib/server/handlers/init-producer-id.js';
import { addPartitionsToTxnHandler } from '../../../lib/server/handlers/add-partitions-to-txn.js';
import { addOffsetsToTxnHandler } from '../../../lib/server/handlers/add-offsets-to-txn.js';
import { endTxnHandler } from '../../../lib/server/handlers/end-txn.js';
import { txnOffsetCommitHandler } from '../../../lib/server/handlers/txn-offset-commit.js';
import { describeConfigsHandler } from '../../../lib/server/handlers/describe-configs.js';
import { alterConfigsHandler } from '../../../lib/server/handlers/alter-configs.js';
import { incrementalAlterConfigsHandler } from '../../../lib/server/handlers/incremental-alter-configs.js';
import { describeLogDirsHandler } from '../../../lib/server/handlers/describe-log-dirs.js';
import { alterReplicaLogDirsHandler } from '../../../lib/server/handlers/alter-replica-log-dirs.js';
import { electLeadersHandler } from '../../../lib/server/handlers/elect-leaders.js';
import { offsetForLeaderEpochHandler } from '../../../lib/server/handlers/offset-for-leader-epoch.js';
import { describeProducersHandler } from '../../../lib/server/handlers/describe-producers.js';
import { describeTransactionsHandler } from '../../../lib/server/handlers/describe-transactions.js';
import { listTransactionsHandler } from '../../../lib/server/handlers/list-transactions.js';
import { describeClusterHandler } from '../../../lib/server/handlers/describe-cluster.js';
import { createAclsHandler } from '../../../lib/server/handlers/create-acls.js';
import { describeAclsHandler } from '../../../lib/server/handlers/describe-acls.js';
import { deleteAclsHandler } from '../../../lib/server/handlers/delete-acls.js';
import { describeUserScramCredentialsHandler } from '../../../lib/server/handlers/describe-user-scram-credentials.js';
import { alterUserScramCredentialsHandler } from '../../../lib/server/handlers/alter-user-scram-credentials.js';

const allow = (who: string, operation: number): AccessControlEntry => ({ principal: `User:${who}`, host: '*', operation, permissionType: Permission.ALLOW });
const pattern = (resourceType: number, name: string, patternType: number = PT.LITERAL): ResourcePattern => ({ resourceType, name, patternType });

const ACLS: Array<[ResourcePattern, AccessControlEntry[]]> = [
  [pattern(RT.TOPIC, 'ord', PT.PREFIXED), [allow('producer', Op.WRITE), allow('producer', Op.DESCRIBE), allow('producer', Op.CREATE)]],
  [pattern(RT.TRANSACTIONAL_ID, 'tx'), [allow('producer', Op.WRITE), allow('producer', Op.DESCRIBE)]],
  [pattern(RT.CLUSTER, CLUSTER_NAME), [allow('producer', Op.IDEMPOTENT_WRITE)]],
  [pattern(RT.TOPIC, 'orders'), [allow('consumer', Op.READ), allow('consumer', Op.DESCRIBE)]],
  [pattern(RT.GROUP, '*'), [allow('consumer', Op.READ)]],
];

const COLUMNS = ['super user', 'producer-only', 'consumer-only', 'none', 'no authorizer'] as const;
const PRINCIPALS: KafkaPrincipal[] = [principal('admin'), principal('producer'), principal('consumer'), principal('nobody'), principal('nobody')];

const TOPIC_DENIED = 'TOPIC_AUTHORIZATION_FAILED';
const GROUP_DENIED = 'GROUP_AUTHORIZATION_FAILED';
const CLUSTER_DENIED = 'CLUSTER_AUTHORIZATION_FAILED';
const TXN_DENIED = 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED';

type Outcome = string;
const name = (code: unknown): string => errorForCode(code as number).name;
const first = (o: Record<string, unknown>, ...path: Array<string | number>): unknown => path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], o);

interface Probe {
  api: string;
  /** Calls the handler as `who`; the outcome (an error name, or a description of what was visible). */
  run: (broker: BrokerContext, who: KafkaPrincipal) => Promise<Outcome>;
  /** Per COLUMNS. */
  expected: readonly [Outcome, Outcome, Outcome, Outcome, Outcome];
  /** The subsystem call an allowed request reaches. */
  reaches?: string;
}

const TOPIC_OPS = 'READ,WRITE,CREATE,DELETE,ALTER,DESCRIBE,DESCRIBE_CONFIGS,ALTER_CONFIGS';
const opNames = (bits: number, names: string[]): string => (bits === 0 ? '0' : names.filter((n) => bits & (1 << Op[n as keyof typeof Op])).join(','));

const batch = (transactional = false): Buffer => buildRecordBatch([{ value: Buffer.from('v') }], transactional ? { producerId: 7n, producerEpoch: 0, baseSequence: 0, isTransactional: true } : {});
const OK = 'NONE';

const PROBES: Probe[] = [
  { api: 'Produce to orders', reaches: 'appendRecords', expected: [OK, OK, TOPIC_DENIED, TOPIC_DENIED, OK],
    run: async (b, p) => name(first(await callAs(produceHandler, b, p, 9, { acks: 1, timeoutMs: 1000, transactionalId: null, topicData: [{ name: 'orders', partitionData: [{ index: 0, records: batch() }] }] }), 'responses', 0, 'partitionResponses', 0, 'errorCode')) },
  { api: 'Produce transactional (tx)', reaches: 'appendRecords', expected: [OK, OK, TXN_DENIED, TXN_DENIED, OK],
    run: async (b, p) => name(first(await callAs(produceHandler, b, p, 9, { acks: 1, timeoutMs: 1000, transactionalId: 'tx', topicData: [{ name: 'orders', partitionData: [{ index: 0, records: batch(true) }] }] }), 'responses', 0, 'partitionResponses', 0, 'errorCode')) },
  { api: 'Fetch (consumer) orders', reaches: 'fetchMessages', expected: [OK, TOPIC_DENIED, OK, TOPIC_DENIED, OK],
    run: async (b, p) => name(first(await callAs(fetchHandler, b, p, 12, { replicaId: -1, maxWaitMs: 0, minBytes: 0, topics: [{ topic: 'orders', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1000, replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA' }] }] }), 'responses', 0, 'partitions', 0, 'errorCode')) },
  { api: 'Fetch (follower, CLUSTER_ACTION)', reaches: 'fetchMessages', expected: [OK, TOPIC_DENIED, TOPIC_DENIED, TOPIC_DENIED, OK],
    run: async (b, p) => name(first(await callAs(fetchHandler, b, p, 12, { replicaId: 2, maxWaitMs: 0, minBytes: 0, topics: [{ topic: 'orders', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1000, replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA' }] }] }), 'responses', 0, 'partitions', 0, 'errorCode')) },
  { api: 'ListOffsets orders', reaches: 'getPartitionOrException', expected: ['NOT_LEADER_OR_FOLLOWER', 'NOT_LEADER_OR_FOLLOWER', 'NOT_LEADER_OR_FOLLOWER', TOPIC_DENIED, 'NOT_LEADER_OR_FOLLOWER'],
    run: async (b, p) => name(first(await callAs(listOffsetsHandler, b, p, 7, { replicaId: -1, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }] }] }), 'topics', 0, 'partitions', 0, 'errorCode')) },
  { api: 'Metadata orders', expected: [OK, OK, OK, TOPIC_DENIED, OK],
    run: async (b, p) => name(first(await callAs(metadataHandler, b, p, 9, { topics: [{ name: 'orders', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false }), 'topics', 0, 'errorCode')) },
  { api: 'Metadata orders: topicAuthorizedOperations (v8+)', expected: [TOPIC_OPS, 'WRITE,CREATE,DESCRIBE', 'READ,DESCRIBE', TOPIC_DENIED, TOPIC_OPS],
    run: async (b, p) => {
      const t = first(await callAs(metadataHandler, b, p, 10, { topics: [{ name: 'orders', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: true }), 'topics', 0) as { errorCode: number; topicAuthorizedOperations: number };
      return t.errorCode !== 0 ? name(t.errorCode) : opNames(t.topicAuthorizedOperations, ['READ', 'WRITE', 'CREATE', 'DELETE', 'ALTER', 'DESCRIBE', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS']);
    } },
  { api: 'Metadata all topics (hides what may not be described)', expected: ['orders,other', 'orders', 'orders', '', 'orders,other'],
    run: async (b, p) => ((await callAs(metadataHandler, b, p, 9, { topics: null }))['topics'] as Array<{ name: string }>).map((t) => t.name).join(',') },
  { api: 'Metadata auto-creating ord-new (CREATE)', reaches: 'autoCreateTopics', expected: ['LEADER_NOT_AVAILABLE', 'LEADER_NOT_AVAILABLE', TOPIC_DENIED, TOPIC_DENIED, 'LEADER_NOT_AVAILABLE'],
    run: async (b, p) => name(first(await callAs(metadataHandler, b, p, 9, { topics: [{ name: 'ord-new', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: true }), 'topics', 0, 'errorCode')) },
  { api: 'LeaderAndIsr', reaches: 'becomeLeaderOrFollower', expected: [OK, CLUSTER_DENIED, CLUSTER_DENIED, CLUSTER_DENIED, OK],
    run: async (b, p) => name((await callAs(leaderAndIsrHandler, b, p, 7, { controllerId: 0, controllerEpoch: 1, brokerEpoch: -1n, topicStates: [], liveLeaders: [] }))['errorCode']) },
  { api: 'UpdateMetadata', reaches: 'maybeUpdateMetadataCache', expected: [OK, CLUSTER_DENIED, CLUSTER_DENIED, CLUSTER_DENIED, OK],
    run: async (b, p) => name((await callAs(updateMetadataHandler, b, p, 8, { controllerId: 0, controllerEpoch: 1, brokerEpoch: -1n, topicStates: [], liveBrokers: [] }))['errorCode']) },
  { api: 'StopReplica', reaches: 'stopReplicas', expected: [OK, CLUSTER_DENIED, CLUSTER_DENIED, CLUSTER_DENIED, OK],
    run: async (b, p) => name((await callAs(stopReplicaHandler, b, p, 4, { controllerId: 0, controllerEpoch: 1, brokerEpoch: -1n, topicStates: [] }))['errorCode']) },
  { api: 'ControlledShutdown', reaches: 'controlledShutdown', expected: [OK, CLUSTER_DENIED, CLUSTER_DENIED, CLUSTER_DENIED, OK],
    run: async (b, p) => name((await callAs(controlledShutdownHandler, b, p, 3, { brokerId: 2, brokerEpoch: 5n }))['errorCode']) },
  { api: 'AlterPartition', reaches: 'alterPartition', expected: [OK, CLUSTER_DENIED, CLUSTER_DENIED, CLUSTER_DENIED, OK],
    run: async (b, p) => name((await callAs(alterPartitionHandler, b, p, 1, { brokerId: 2, brokerEpoch: 5n, topics: [] }))['errorCode']) },
  { api: 'WriteTxnMarkers', reaches: 'appendRecords', expected: [OK, CLUSTER_DENIED, CLUSTER_DENIED, CLUSTER_DENIED, OK],
    run: async (b, p) => name(first(await callAs(writeTxnMarkersHandler, b, p, 1, { markers: [{ producerId: 7n, producerEpoch: 0, transactionResult: true, coordinatorEpoch: 0, topics: [{ name: 'orders', partitionIndexes: [0] }] }] }), 'markers', 0, 'topics', 0, 'partitions', 0, 'errorCode')) },
  { api: 'OffsetCommit g / orders', reaches: 'commitOffsets', expected: [OK, GROUP_DENIED, OK, GROUP_DENIED, OK],
    run: async (b, p) => name(first(await callAs(offsetCommitHandler, b, p, 8, { groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null }] }] }), 'topics', 0, 'partitions', 0, 'errorCode')) },
  { api: 'OffsetFetch g', reaches: 'fetchOffsets', expected: [OK, GROUP_DENIED, OK, GROUP_DENIED, OK],
    run: async (b, p) => name((await callAs(offsetFetchHandler, b, p, 7, { groupId: 'g', topics: [{ name: 'orders', partitionIndexes: [0] }] }))['errorCode']) },
  { api: 'FindCoordinator group g', reaches: 'createInternalTopic', expected: ['COORDINATOR_NOT_AVAILABLE', GROUP_DENIED, 'COORDINATOR_NOT_AVAILABLE', GROUP_DENIED, 'COORDINATOR_NOT_AVAILABLE'],
    run: async (b, p) => name(first(await callAs(findCoordinatorHandler, b, p, 4, { keyType: 0, coordinatorKeys: ['g'] }), 'coordinators', 0, 'errorCode')) },
  { api: 'FindCoordinator transaction tx', reaches: 'createInternalTopic', expected: ['COORDINATOR_NOT_AVAILABLE', 'COORDINATOR_NOT_AVAILABLE', TXN_DENIED, TXN_DENIED, 'COORDINATOR_NOT_AVAILABLE'],
    run: async (b, p) => name((await callAs(findCoordinatorHandler, b, p, 3, { keyType: 1, key: 'tx' }))['errorCode']) },
  { api: 'JoinGroup g', reaches: 'joinGroup', expected: [OK, GROUP_DENIED, OK, GROUP_DENIED, OK],
    run: async (b, p) => name((await callAs(joinGroupHandler, b, p, 9, { groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', protocolType: 'consumer', protocols: [] }))['errorCode']) },
  { api: 'SyncGroup g', reaches: 'syncGroup', expected: [OK, GROUP_DENIED, OK, GROUP_DENIED, OK],
    run: async (b, p) => name((await callAs(syncGroupHandler, b, p, 5, { groupId: 'g', generationId: 1, memberId: 'm', protocolType: 'consumer', protocolName: 'range', assignments: [] }))['errorCode']) },
  { api: 'Heartbeat g', reaches: 'heartbeat', expected: [OK, GROUP_DENIED, OK, GROUP_DENIED, OK],
    run: async (b, p) => name((await callAs(heartbeatHandler, b, p, 4, { groupId: 'g', generationId: 1, memberId: 'm' }))['errorCode']) },
  { api: 'LeaveGroup g', reaches: 'leaveGroup', expected: [OK, GROUP_DENIED, OK, GROUP_DENIED, OK],
    run: async (b, p) => name((await callAs(leaveGroupHandler, b, p, 5, { groupId: 'g', members: [{ memberId: 'm', groupInstanceId: null, reason: null }] }))['errorCode']) },
  { api: 'DescribeGroups g (READ implies DESCRIBE)', reaches: 'describeGroup', expected: [OK, GROUP_DENIED, OK, GROUP_DENIED, OK],
    run: async (b, p) => name(first(await callAs(describeGroupsHandler, b, p, 5, { groups: ['g'], includeAuthorizedOperations: false }), 'groups', 0, 'errorCode')) },
  { api: 'ListGroups (only describable groups)', expected: ['g,h', '', 'g,h', '', 'g,h'],
    run: async (b, p) => ((await callAs(listGroupsHandler, b, p, 4, { statesFilter: [] }))['groups'] as Array<{ groupId: string }>).map((g) => g.groupId).join(',') },
  { api: 'DeleteGroups g (DELETE)', reaches: 'deleteGroups', expected: [OK, GROUP_DENIED, GROUP_DENIED, GROUP_DENIED, OK],
    run: async (b, p) => name(first(await callAs(deleteGroupsHandler, b, p, 2, { groupsNames: ['g'] }), 'results', 0, 'errorCode')) },
  { api: 'OffsetDelete g (DELETE)', reaches: 'deleteOffsets', expected: [OK, GROUP_DENIED, GROUP_DENIED, GROUP_DENIED, OK],
    run: async (b, p) => name((await callAs(offsetDeleteHandler, b, p, 0, { groupId: 'g', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }] }))['errorCode']) },
  { api: 'CreateTopics ord2 (CREATE)', reaches: 'createTopics', expected: [OK, OK, TOPIC_DENIED, TOPIC_DENIED, OK],
    run: async (b, p) => name(first(await callAs(createTopicsHandler, b, p, 7, { timeoutMs: 1000, validateOnly: false, topics: [{ name: 'ord2', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }] }), 'topics', 0, 'errorCode')) },
  { api: 'DeleteTopics orders (DELETE)', reaches: 'deleteTopics', expected: [OK, TOPIC_DENIED, TOPIC_DENIED, TOPIC_DENIED, OK],
    run: async (b, p) => name(first(await callAs(deleteTopicsHandler, b, p, 5, { timeoutMs: 1000, topicNames: ['orders'] }), 'responses', 0, 'errorCode')) },
  { api: 'DeleteRecords orders (DELETE)', reaches: 'deleteRecords', expected: [OK, TOPIC_DENIED, TOPIC_DENIED, TOPIC_DENIED, OK],
    run: async (b, p) => name(first(await callAs(deleteRecordsHandler, b, p, 2, { timeoutMs: 1000, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, offset: 0n }] }] }), 'topics', 0, 'partitions', 0, 'errorCode')) },
  { api: 'CreatePartitions orders (ALTER)', reaches: 'createPartitions', expected: [OK, TOPIC_DENIED, TOPIC_DENIED, TOPIC_DENIED, OK],
    run: async (b, p) => name(first(await callAs(createPartitionsHandler, b, p, 3, { timeoutMs: 1000, validateOnly: false, topics: [{ name: 'orders', count: 2, assignments: null }] }), 'results', 0, 'errorCode')) },
  { api: 'InitProducerId idempotent (IDEMPOTENT_WRITE or WRITE on some topic)', reaches: 'initProducerId', expected: [OK, OK, CLUSTER_DENIED, CLUSTER_DENIED, OK],
    run: async (b, p) => name((await callAs(initProducerIdHandler, b, p, 4, { transactionalId: null, transactionTimeoutMs: 1000, producerId: -1n, producerEpoch: -1 }))['errorCode']) },
  { api: 'InitProducerId tx', reaches: 'initProducerId', expected: [OK, OK, TXN_DENIED, TXN_DENIED, OK],
    run: async (b, p) => name((await callAs(initProducerIdHandler, b, p, 4, { transactionalId: 'tx', transactionTimeoutMs: 1000, producerId: -1n, producerEpoch: -1 }))['errorCode']) },
  { api: 'AddPartitionsToTxn tx / orders', reaches: 'addPartitionsToTxn', expected: [OK, OK, TXN_DENIED, TXN_DENIED, OK],
    run: async (b, p) => name(first(await callAs(addPartitionsToTxnHandler, b, p, 3, { v3AndBelowTransactionalId: 'tx', v3AndBelowProducerId: 7n, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: [{ name: 'orders', partitions: [0] }] }), 'resultsByTopicV3AndBelow', 0, 'resultsByPartition', 0, 'partitionErrorCode')) },
  { api: 'AddOffsetsToTxn tx / g', reaches: 'addPartitionsToTxn', expected: [OK, GROUP_DENIED, TXN_DENIED, TXN_DENIED, OK],
    run: async (b, p) => name((await callAs(addOffsetsToTxnHandler, b, p, 3, { transactionalId: 'tx', producerId: 7n, producerEpoch: 0, groupId: 'g' }))['errorCode']) },
  { api: 'EndTxn tx', reaches: 'endTxn', expected: [OK, OK, TXN_DENIED, TXN_DENIED, OK],
    run: async (b, p) => name((await callAs(endTxnHandler, b, p, 3, { transactionalId: 'tx', producerId: 7n, producerEpoch: 0, committed: true }))['errorCode']) },
  { api: 'TxnOffsetCommit tx / g / orders', reaches: 'txnCommitOffsets', expected: [OK, GROUP_DENIED, TXN_DENIED, TXN_DENIED, OK],
    run: async (b, p) => name(first(await callAs(txnOffsetCommitHandler, b, p, 3, { transactionalId: 'tx', groupId: 'g', producerId: 7n, producerEpoch: 0, generationId: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }] }), 'topics', 0, 'partitions', 0, 'errorCode')) },
  { api: 'DescribeConfigs topic orders (DESCRIBE_CONFIGS)', reaches: 'describeConfigs', expected: [OK, TOPIC_DENIED, TOPIC_DENIED, TOPIC_DENIED, OK],
    run: async (b, p) => name(first(await callAs(describeConfigsHandler, b, p, 4, { resources: [{ resourceType: 2, resourceName: 'orders', configurationKeys: null }] }), 'results', 0, 'errorCode')) },
  { api: 'DescribeConfigs broker 1 (cluster DESCRIBE_CONFIGS)', reaches: 'describeConfigs', expected: [OK, CLUSTER_DENIED, CLUSTER_DENIED, CLUSTER_DENIED, OK],
    run: async (b, p) => name(first(await callAs(describeConfigsHandler, b, p, 4, { resources: [{ resourceType: 4, resourceName: '1', configurationKeys: null }] }), 'results', 0, 'errorCode')) },
  { api: 'AlterConfigs topic orders (ALTER_CONFIGS)', reaches: 'alterConfigs', expected: [OK, TOPIC_DENIED, TOPIC_DENIED, TOPIC_DENIED, OK],
    run: async (b, p) => name(first(await callAs(alterConfigsHandler, b, p, 2, { resources: [{ resourceType: 2, resourceName: 'orders', configs: [] }], validateOnly: false }), 'responses', 0, 'errorCode')) },
  { api: 'IncrementalAlterConfigs broker 1 (cluster ALTER_CONFIGS)', reaches: 'incrementalAlterConfigs', expected: [OK, CLUSTER_DENIED, CLUSTER_DENIED, CLUSTER_DENIED, OK],
    run: async (b, p) => name(first(await callAs(incrementalAlterConfigsHandler, b, p, 1, { resources: [{ resourceType: 4, resourceName: '1', configs: [] }], validateOnly: false }), 'responses', 0, 'errorCode')) },
  { api: 'DescribeLogDirs (cluster DESCRIBE)', expected: [OK, CLUSTER_DENIED, CLUSTER_DENIED, CLUSTER_DENIED, OK],
    run: async (b, p) => name((await callAs(describeLogDirsHandler, b, p, 4, { topics: null }))['errorCode']) },
  { api: 'AlterReplicaLogDirs (cluster ALTER)', reaches: 'alterReplicaLogDirs', expected: [OK, CLUSTER_DENIED, CLUSTER_DENIED, CLUSTER_DENIED, OK],
    run: async (b, p) => name(first(await callAs(alterReplicaLogDirsHandler, b, p, 2, { dirs: [{ path: '/data', topics: [{ name: 'orders', partitions: [0] }] }] }), 'results', 0, 'partitions', 0, 'errorCode')) },
  { api: 'ElectLeaders (cluster ALTER)', reaches: 'electLeaders', expected: [OK, CLUSTER_DENIED, CLUSTER_DENIED, CLUSTER_DENIED, OK],
    run: async (b, p) => name((await callAs(electLeadersHandler, b, p, 2, { electionType: 0, topicPartitions: [{ topic: 'orders', partitions: [0] }], timeoutMs: 1000 }))['errorCode']) },
  { api: 'OffsetForLeaderEpoch orders (CLUSTER_ACTION or DESCRIBE)', reaches: 'getPartitionOrException', expected: ['NOT_LEADER_OR_FOLLOWER', 'NOT_LEADER_OR_FOLLOWER', 'NOT_LEADER_OR_FOLLOWER', TOPIC_DENIED, 'NOT_LEADER_OR_FOLLOWER'],
    run: async (b, p) => name(first(await callAs(offsetForLeaderEpochHandler, b, p, 4, { replicaId: -1, topics: [{ topic: 'orders', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }] }), 'topics', 0, 'partitions', 0, 'errorCode')) },
  { api: 'DescribeProducers orders (READ)', reaches: 'getPartitionOrException', expected: ['NOT_LEADER_OR_FOLLOWER', TOPIC_DENIED, 'NOT_LEADER_OR_FOLLOWER', TOPIC_DENIED, 'NOT_LEADER_OR_FOLLOWER'],
    run: async (b, p) => name(first(await callAs(describeProducersHandler, b, p, 0, { topics: [{ name: 'orders', partitionIndexes: [0] }] }), 'topics', 0, 'partitions', 0, 'errorCode')) },
  { api: 'DescribeTransactions tx (topics filtered by DESCRIBE)', reaches: 'describeTransaction', expected: ['NONE orders,other', 'NONE orders', `${TXN_DENIED} `, `${TXN_DENIED} `, 'NONE orders,other'],
    run: async (b, p) => {
      const s = first(await callAs(describeTransactionsHandler, b, p, 0, { transactionalIds: ['tx'] }), 'transactionStates', 0) as { errorCode: number; topics: Array<{ topic: string }> };
      return `${name(s.errorCode)} ${s.topics.map((t) => t.topic).join(',')}`;
    } },
  { api: 'ListTransactions (only describable ids)', expected: ['tx,ty', 'tx', '', '', 'tx,ty'],
    run: async (b, p) => ((await callAs(listTransactionsHandler, b, p, 1, { stateFilters: [], producerIdFilters: [], durationFilter: -1n }))['transactionStates'] as Array<{ transactionalId: string }>).map((t) => t.transactionalId).join(',') },
  { api: 'DescribeCluster authorized operations', expected: ['CREATE,CLUSTER_ACTION,DESCRIBE_CONFIGS,ALTER_CONFIGS,IDEMPOTENT_WRITE,ALTER,DESCRIBE', '0', '0', '0', 'CREATE,CLUSTER_ACTION,DESCRIBE_CONFIGS,ALTER_CONFIGS,IDEMPOTENT_WRITE,ALTER,DESCRIBE'],
    run: async (b, p) => {
      const bits = (await callAs(describeClusterHandler, b, p, 1, { includeClusterAuthorizedOperations: true, endpointType: 1 }))['clusterAuthorizedOperations'] as number;
      return opNames(bits, ['CREATE', 'CLUSTER_ACTION', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS', 'IDEMPOTENT_WRITE', 'ALTER', 'DESCRIBE']);
    } },
  { api: 'CreateAcls (cluster ALTER)', expected: [OK, CLUSTER_DENIED, CLUSTER_DENIED, CLUSTER_DENIED, 'SECURITY_DISABLED'],
    run: async (b, p) => name(first(await callAs(createAclsHandler, b, p, 3, { creations: [{ resourceType: RT.TOPIC, resourceName: 'x', resourcePatternType: PT.LITERAL, principal: 'User:x', host: '*', operation: Op.READ, permissionType: Permission.ALLOW }] }), 'results', 0, 'errorCode')) },
  { api: 'DescribeAcls (cluster DESCRIBE)', expected: [OK, CLUSTER_DENIED, CLUSTER_DENIED, CLUSTER_DENIED, 'SECURITY_DISABLED'],
    run: async (b, p) => name((await callAs(describeAclsHandler, b, p, 3, { resourceTypeFilter: RT.ANY, resourceNameFilter: null, patternTypeFilter: PT.ANY, principalFilter: null, hostFilter: null, operation: Op.ANY, permissionType: Permission.ANY }))['errorCode']) },
  { api: 'DeleteAcls (cluster ALTER)', expected: [OK, CLUSTER_DENIED, CLUSTER_DENIED, CLUSTER_DENIED, 'SECURITY_DISABLED'],
    run: async (b, p) => name(first(await callAs(deleteAclsHandler, b, p, 3, { filters: [{ resourceTypeFilter: RT.TOPIC, resourceNameFilter: 'nothing', patternTypeFilter: PT.LITERAL, principalFilter: null, hostFilter: null, operation: Op.ANY, permissionType: Permission.ANY }] }), 'filterResults', 0, 'errorCode')) },
  { api: 'DescribeUserScramCredentials (cluster DESCRIBE)', reaches: 'readUserConfigs', expected: [OK, CLUSTER_DENIED, CLUSTER_DENIED, CLUSTER_DENIED, OK],
    run: async (b, p) => name((await callAs(describeUserScramCredentialsHandler, b, p, 0, { users: null }))['errorCode']) },
  { api: 'AlterUserScramCredentials (cluster ALTER)', reaches: 'changeUserConfig', expected: [OK, CLUSTER_DENIED, CLUSTER_DENIED, CLUSTER_DENIED, OK],
    run: async (b, p) => name(first(await callAs(alterUserScramCredentialsHandler, b, p, 0, {
      deletions: [], upsertions: [{ name: 'u', mechanism: 1, iterations: 4096, salt: Buffer.from('s'), saltedPassword: Buffer.alloc(32) }] }), 'results', 0, 'errorCode')) },
];

describe('authorization matrix: {super user, producer-only, consumer-only, none, no authorizer} × APIs', () => {
  for (const probe of PROBES) {
    describe(probe.api, () => {
      COLUMNS.forEach((column, i) => {
        const expected = probe.expected[i]!;
        const allowedCell = !/AUTHORIZATION_FAILED/.test(expected);
        it(`${column}: ${expected === '' ? '(nothing visible)' : expected}`, async () => {
          const reached: Reached = [];
          const authorizer = column === 'no authorizer' ? undefined : new InMemoryAuthorizer({ superUsers: [principal('admin')], allowEveryoneIfNoAclIsFound: false }, ACLS);
          const broker = stubBroker(reached, authorizer);
          expect(await probe.run(broker, PRINCIPALS[i]!)).to.equal(expected);
          if (probe.reaches !== undefined) {
            // Allowed requests reach their subsystem; denied ones never do.
            if (allowedCell) expect(reached).to.include(probe.reaches);
            else expect(reached).to.not.include(probe.reaches);
          }
        });
      });
    });
  }
});
