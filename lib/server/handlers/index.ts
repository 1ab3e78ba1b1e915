/**
 * The handler registry: every API this broker serves, one module each. ApiVersions answers from
 * this list, so adding a handler here is all it takes to advertise an API.
 */
import type { ApiHandler } from '../handler.js';
import { alterConfigsHandler } from './alter-configs.js';
import { alterPartitionHandler } from './alter-partition.js';
import { apiVersionsHandler } from './api-versions.js';
import { controlledShutdownHandler } from './controlled-shutdown.js';
import { createPartitionsHandler } from './create-partitions.js';
import { createTopicsHandler } from './create-topics.js';
import { deleteGroupsHandler } from './delete-groups.js';
import { deleteRecordsHandler } from './delete-records.js';
import { deleteTopicsHandler } from './delete-topics.js';
import { describeClusterHandler } from './describe-cluster.js';
import { describeConfigsHandler } from './describe-configs.js';
import { describeGroupsHandler } from './describe-groups.js';
import { describeLogDirsHandler } from './describe-log-dirs.js';
import { electLeadersHandler } from './elect-leaders.js';
import { fetchHandler } from './fetch.js';
import { findCoordinatorHandler } from './find-coordinator.js';
import { heartbeatHandler } from './heartbeat.js';
import { incrementalAlterConfigsHandler } from './incremental-alter-configs.js';
import { joinGroupHandler } from './join-group.js';
import { leaderAndIsrHandler } from './leader-and-isr.js';
import { leaveGroupHandler } from './leave-group.js';
import { listGroupsHandler } from './list-groups.js';
import { listOffsetsHandler } from './list-offsets.js';
import { metadataHandler } from './metadata.js';
import { offsetCommitHandler } from './offset-commit.js';
import { offsetDeleteHandler } from './offset-delete.js';
import { offsetFetchHandler } from './offset-fetch.js';
import { offsetForLeaderEpochHandler } from './offset-for-leader-epoch.js';
import { produceHandler } from './produce.js';
import { saslHandshakeHandler } from './sasl-handshake.js';
import { stopReplicaHandler } from './stop-replica.js';
import { syncGroupHandler } from './sync-group.js';
import { updateMetadataHandler } from './update-metadata.js';

export const allHandlers: readonly ApiHandler[] = [
  alterConfigsHandler,
  alterPartitionHandler,
  apiVersionsHandler,
  controlledShutdownHandler,
  createPartitionsHandler,
  createTopicsHandler,
  deleteGroupsHandler,
  deleteRecordsHandler,
  deleteTopicsHandler,
  describeClusterHandler,
  describeConfigsHandler,
  describeGroupsHandler,
  describeLogDirsHandler,
  electLeadersHandler,
  fetchHandler,
  findCoordinatorHandler,
  heartbeatHandler,
  incrementalAlterConfigsHandler,
  joinGroupHandler,
  leaderAndIsrHandler,
  leaveGroupHandler,
  listGroupsHandler,
  listOffsetsHandler,
  metadataHandler,
  offsetCommitHandler,
  offsetDeleteHandler,
  offsetFetchHandler,
  offsetForLeaderEpochHandler,
  produceHandler,
  saslHandshakeHandler,
  stopReplicaHandler,
  syncGroupHandler,
  updateMetadataHandler,
] as readonly ApiHandler[];
