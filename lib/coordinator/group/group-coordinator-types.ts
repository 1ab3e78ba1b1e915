/**
 * Shapes and constants shared by the group coordinator's parts and its callers (the handlers):
 * request parameters, results, and the error codes the coordinator answers with.
 */
import { Errors } from '../../protocol/errors.js';
import type { Time } from '../../common/time.js';
import type { GroupMetadataStorage } from './group-metadata-manager.js';
import type { Protocol } from './member-metadata.js';
import type { GroupConfig, OffsetConfig } from '../../config/group-coordinator-config.js';

export const GroupErrors = {
  NONE: 0,
  UNKNOWN_SERVER_ERROR: Errors.UNKNOWN_SERVER_ERROR.code,
  COORDINATOR_LOAD_IN_PROGRESS: Errors.COORDINATOR_LOAD_IN_PROGRESS.code,
  COORDINATOR_NOT_AVAILABLE: Errors.COORDINATOR_NOT_AVAILABLE.code,
  NOT_COORDINATOR: Errors.NOT_COORDINATOR.code,
  ILLEGAL_GENERATION: Errors.ILLEGAL_GENERATION.code,
  INCONSISTENT_GROUP_PROTOCOL: Errors.INCONSISTENT_GROUP_PROTOCOL.code,
  INVALID_GROUP_ID: Errors.INVALID_GROUP_ID.code,
  UNKNOWN_MEMBER_ID: Errors.UNKNOWN_MEMBER_ID.code,
  INVALID_SESSION_TIMEOUT: Errors.INVALID_SESSION_TIMEOUT.code,
  REBALANCE_IN_PROGRESS: Errors.REBALANCE_IN_PROGRESS.code,
  MEMBER_ID_REQUIRED: Errors.MEMBER_ID_REQUIRED.code,
  GROUP_MAX_SIZE_REACHED: Errors.GROUP_MAX_SIZE_REACHED.code,
  FENCED_INSTANCE_ID: Errors.FENCED_INSTANCE_ID.code,
  NON_EMPTY_GROUP: Errors.NON_EMPTY_GROUP.code,
  GROUP_ID_NOT_FOUND: Errors.GROUP_ID_NOT_FOUND.code,
  GROUP_SUBSCRIBED_TO_TOPIC: Errors.GROUP_SUBSCRIBED_TO_TOPIC.code,
  UNKNOWN_TOPIC_OR_PARTITION: Errors.UNKNOWN_TOPIC_OR_PARTITION.code,
  OFFSET_METADATA_TOO_LARGE: Errors.OFFSET_METADATA_TOO_LARGE.code,
  UNSTABLE_OFFSET_COMMIT: Errors.UNSTABLE_OFFSET_COMMIT.code,
} as const;

/** The memberId of a member that does not have one yet (JoinGroupRequest.UNKNOWN_MEMBER_ID). */
export const UNKNOWN_MEMBER_ID = '';
/** How long a new member's JoinGroup may stay parked before it is dropped (Kafka's NewMemberJoinTimeoutMs). */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

/** The api a group id is validated for (empty ids are allowed for offsets, describe and delete). */
export type GroupApi = 'JoinGroup' | 'SyncGroup' | 'Heartbeat' | 'LeaveGroup' | 'OffsetCommit' | 'OffsetFetch' | 'DescribeGroups' | 'DeleteGroups' | 'OffsetDelete';

export interface JoinGroupParams {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  /** JoinGroup v4+ for dynamic members (KIP-394). */
  requireKnownMemberId: boolean;
  /** JoinGroup v9+ (KIP-814). */
  supportSkippingAssignment: boolean;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  reason?: string | null;
}

export interface SyncGroupParams {
  groupId: string;
  generationId: number;
  memberId: string;
  protocolType: string | null;
  protocolName: string | null;
  groupInstanceId: string | null;
  assignments: ReadonlyMap<string, Buffer>;
}

export interface LeaveMemberIdentity {
  memberId: string;
  groupInstanceId: string | null;
  reason?: string | null;
}

export interface LeaveMemberResponse {
  memberId: string;
  groupInstanceId: string | null;
  error: number;
}

export interface LeaveGroupResult {
  topLevelError: number;
  memberResponses: LeaveMemberResponse[];
}

export interface GroupCoordinatorOptions {
  brokerId: number;
  storage: GroupMetadataStorage;
  groupConfig?: Partial<GroupConfig>;
  offsetConfig?: Partial<OffsetConfig>;
  time?: Time;
}
