/**
 * The handler registry: every API this broker serves, one module each. ApiVersions answers from
 * this list, so adding a handler here is all it takes to advertise an API.
 */
import type { ApiHandler } from './handler.js';
import { addOffsetsToTxnHandler } from './add-offsets-to-txn.js';
import { addPartitionsToTxnHandler } from './add-partitions-to-txn.js';
import { alterConfigsHandler } from './alter-configs.js';
import { alterPartitionHandler } from './alter-partition.js';
import { alterPartitionReassignmentsHandler } from './alter-partition-reassignments.js';
import { alterReplicaLogDirsHandler } from './alter-replica-log-dirs.js';
import { alterUserScramCredentialsHandler } from './alter-user-scram-credentials.js';
import { apiVersionsHandler } from './api-versions.js';
import { controlledShutdownHandler } from './controlled-shutdown.js';
import { createAclsHandler } from './create-acls.js';
import { createPartitionsHandler } from './create-partitions.js';
import { createTopicsHandler } from './create-topics.js';
import { deleteAclsHandler } from './delete-acls.js';
import { deleteGroupsHandler } from './delete-groups.js';
import { deleteRecordsHandler } from './delete-records.js';
import { deleteTopicsHandler } from './delete-topics.js';
import { describeAclsHandler } from './describe-acls.js';
import { describeClusterHandler } from './describe-cluster.js';
import { describeConfigsHandler } from './describe-configs.js';
import { describeGroupsHandler } from './describe-groups.js';
import { describeLogDirsHandler } from './describe-log-dirs.js';
import { describeProducersHandler } from './describe-producers.js';
import { describeTransactionsHandler } from './describe-transactions.js';
import { describeUserScramCredentialsHandler } from './describe-user-scram-credentials.js';
import { electLeadersHandler } from './elect-leaders.js';
import { endTxnHandler } from './end-txn.js';
import { fetchHandler } from './fetch.js';
import { findCoordinatorHandler } from './find-coordinator.js';
import { heartbeatHandler } from './heartbeat.js';
import { incrementalAlterConfigsHandler } from './incremental-alter-configs.js';
import { initProducerIdHandler } from './init-producer-id.js';
import { joinGroupHandler } from './join-group.js';
import { leaderAndIsrHandler } from './leader-and-isr.js';
import { leaveGroupHandler } from './leave-group.js';
import { listGroupsHandler } from './list-groups.js';
import { listOffsetsHandler } from './list-offsets.js';
import { listPartitionReassignmentsHandler } from './list-partition-reassignments.js';
import { listTransactionsHandler } from './list-transactions.js';
import { metadataHandler } from './metadata.js';
import { offsetCommitHandler } from './offset-commit.js';
import { offsetDeleteHandler } from './offset-delete.js';
import { offsetFetchHandler } from './offset-fetch.js';
import { offsetForLeaderEpochHandler } from './offset-for-leader-epoch.js';
import { produceHandler } from './produce.js';
import { saslAuthenticateHandler, saslHandshakeHandler } from './sasl-handshake.js';
import { stopReplicaHandler } from './stop-replica.js';
import { syncGroupHandler } from './sync-group.js';
import { txnOffsetCommitHandler } from './txn-offset-commit.js';
import { updateMetadataHandler } from './update-metadata.js';
import { writeTxnMarkersHandler } from './write-txn-markers.js';

export const allHandlers: readonly ApiHandler[] = [
  addOffsetsToTxnHandler,
  addPartitionsToTxnHandler,
  alterConfigsHandler,
  alterPartitionHandler,
  alterPartitionReassignmentsHandler,
  alterReplicaLogDirsHandler,
  alterUserScramCredentialsHandler,
  apiVersionsHandler,
  controlledShutdownHandler,
  createAclsHandler,
  createPartitionsHandler,
  createTopicsHandler,
  deleteAclsHandler,
  deleteGroupsHandler,
  deleteRecordsHandler,
  deleteTopicsHandler,
  describeAclsHandler,
  describeClusterHandler,
  describeConfigsHandler,
  describeGroupsHandler,
  describeLogDirsHandler,
  describeProducersHandler,
  describeTransactionsHandler,
  describeUserScramCredentialsHandler,
  electLeadersHandler,
  endTxnHandler,
  fetchHandler,
  findCoordinatorHandler,
  heartbeatHandler,
  incrementalAlterConfigsHandler,
  initProducerIdHandler,
  joinGroupHandler,
  leaderAndIsrHandler,
  leaveGroupHandler,
  listGroupsHandler,
  listOffsetsHandler,
  listPartitionReassignmentsHandler,
  listTransactionsHandler,
  metadataHandler,
  offsetCommitHandler,
  offsetDeleteHandler,
  offsetFetchHandler,
  offsetForLeaderEpochHandler,
  produceHandler,
  saslHandshakeHandler,
  saslAuthenticateHandler,
  stopReplicaHandler,
  syncGroupHandler,
  txnOffsetCommitHandler,
  updateMetadataHandler,
  writeTxnMarkersHandler,
] as readonly ApiHandler[];
