/**
 * Shapes and constants shared by the group coordinator's parts and its callers (the handlers):
 * request parameters, results, and the error codes the coordinator answers with.
 */
import type { Time } from '../../common/time.js';
import type { GroupMetadataStorage } from './group-metadata-manager.js';
import type { Protocol } from './member-metadata.js';
import type { GroupConfig, OffsetConfig } from '../../config/group-coordinator-config.js';

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
