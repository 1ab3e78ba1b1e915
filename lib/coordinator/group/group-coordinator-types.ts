/**
 * Shapes and constants shared by the group coordinator's parts and its callers (the handlers):
 * request parameters, results, and the error codes the coordinator answers with.
 */
import { errorForName } from '../../protocol/errors.js';
import type { Time } from '../../common/time.js';
import type { GroupMetadataStorage } from './group-metadata-manager.js';
import type { Protocol } from './member-metadata.js';
import type { GroupConfig, OffsetConfig } from './offset-config.js';

const code = (name: string): number => errorForName(name).code;
export const GroupErrors = {
  NONE: 0,
  UNKNOWN_SERVER_ERROR: code('UNKNOWN_SERVER_ERROR'),
  COORDINATOR_LOAD_IN_PROGRESS: code('COORDINATOR_LOAD_IN_PROGRESS'),
  COORDINATOR_NOT_AVAILABLE: code('COORDINATOR_NOT_AVAILABLE'),
  NOT_COORDINATOR: code('NOT_COORDINATOR'),
  ILLEGAL_GENERATION: code('ILLEGAL_GENERATION'),
  INCONSISTENT_GROUP_PROTOCOL: code('INCONSISTENT_GROUP_PROTOCOL'),
  INVALID_GROUP_ID: code('INVALID_GROUP_ID'),
  UNKNOWN_MEMBER_ID: code('UNKNOWN_MEMBER_ID'),
  INVALID_SESSION_TIMEOUT: code('INVALID_SESSION_TIMEOUT'),
  REBALANCE_IN_PROGRESS: code('REBALANCE_IN_PROGRESS'),
  MEMBER_ID_REQUIRED: code('MEMBER_ID_REQUIRED'),
  GROUP_MAX_SIZE_REACHED: code('GROUP_MAX_SIZE_REACHED'),
  FENCED_INSTANCE_ID: code('FENCED_INSTANCE_ID'),
  NON_EMPTY_GROUP: code('NON_EMPTY_GROUP'),
  GROUP_ID_NOT_FOUND: code('GROUP_ID_NOT_FOUND'),
  GROUP_SUBSCRIBED_TO_TOPIC: code('GROUP_SUBSCRIBED_TO_TOPIC'),
  UNKNOWN_TOPIC_OR_PARTITION: code('UNKNOWN_TOPIC_OR_PARTITION'),
  OFFSET_METADATA_TOO_LARGE: code('OFFSET_METADATA_TOO_LARGE'),
  UNSTABLE_OFFSET_COMMIT: code('UNSTABLE_OFFSET_COMMIT'),
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
