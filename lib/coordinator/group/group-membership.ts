/**
 * The membership half of Kafka's GroupCoordinator (classic protocol): JoinGroup, SyncGroup,
 * Heartbeat, LeaveGroup, rebalances driven by the DelayedJoin / DelayedSync / DelayedHeartbeat
 * purgatories, static membership (KIP-345), member-id-required joins (KIP-394), loading and
 * unloading on election/resignation. GroupCoordinator (group-coordinator.ts) extends it with the
 * offset and admin APIs — Kafka's one class split in two files to stay readable. Every entry point
 * answers through a Promise or a return value carrying Kafka's error codes; nothing throws at clients.
 *
 * The broker is protocol-agnostic: protocol metadata and assignments are opaque bytes, chosen by
 * vote among the protocols every member supports; the leader consumer computes the assignment.
 */
import { DelayedOperationPurgatory } from '../../common/delayed-operation-purgatory.js';
import { groupJoinKey, groupSyncKey, memberKey, type DelayedOperation } from '../../common/delayed-operation.js';
import { logger } from '../../utils/logger.js';
import { SYSTEM_TIME, type Time } from '../../common/time.js';
import { DelayedHeartbeat, type HeartbeatCallbacks } from './delayed-heartbeat.js';
import { DelayedJoin, DelayedSync, InitialDelayedJoin, type RebalanceCallbacks } from './delayed-join.js';
import { type GroupMetadata } from './group-metadata.js';
import { GroupMetadataManager } from './group-metadata-manager.js';
import { GroupState } from './group-state.js';
import {
  EMPTY_BYTES, joinError, MemberMetadata, plainProtocolSet, syncError,
  type JoinCallback, type JoinGroupResult, type SyncCallback, type SyncGroupResult,
} from './member-metadata.js';
import { DEFAULT_GROUP_CONFIG, DEFAULT_OFFSET_CONFIG, type GroupConfig, type OffsetConfig } from '../../config/group-coordinator-config.js';
import {
  NEW_MEMBER_JOIN_TIMEOUT_MS, UNKNOWN_MEMBER_ID,
  type GroupApi, type GroupCoordinatorOptions, type JoinGroupParams, type LeaveGroupResult, type LeaveMemberIdentity, type LeaveMemberResponse, type SyncGroupParams,
} from './group-coordinator-types.js';
import { Errors } from '../../protocol/errors.js';

export class GroupMembership implements RebalanceCallbacks, HeartbeatCallbacks {
  readonly brokerId: number;
  readonly groupConfig: GroupConfig;
  readonly offsetConfig: OffsetConfig;
  readonly groupManager: GroupMetadataManager;
  readonly heartbeatPurgatory: DelayedOperationPurgatory<DelayedHeartbeat>;
  readonly rebalancePurgatory: DelayedOperationPurgatory<DelayedOperation>;
  readonly time: Time;
  protected readonly log;
  private active = false;

  constructor(options: GroupCoordinatorOptions) {
    this.brokerId = options.brokerId;
    this.time = options.time ?? SYSTEM_TIME;
    this.groupConfig = { ...DEFAULT_GROUP_CONFIG, ...options.groupConfig };
    this.offsetConfig = { ...DEFAULT_OFFSET_CONFIG, ...options.offsetConfig };
    this.groupManager = new GroupMetadataManager(this.brokerId, this.offsetConfig, options.storage, this.time);
    this.heartbeatPurgatory = new DelayedOperationPurgatory('Heartbeat', { time: this.time, brokerId: this.brokerId });
    this.rebalancePurgatory = new DelayedOperationPurgatory('Rebalance', { time: this.time, brokerId: this.brokerId });
    this.log = logger('kafka.coordinator.group.GroupCoordinator', { broker: this.brokerId });
  }

  startup(enableMetadataExpiration = true): void {
    this.log.info('Starting up.');
    this.groupManager.startup(enableMetadataExpiration);
    this.active = true;
    this.log.info('Startup complete.');
  }

  async shutdown(): Promise<void> {
    this.log.info('Shutting down.');
    this.active = false;
    await this.groupManager.shutdown();
    this.heartbeatPurgatory.shutdown();
    this.rebalancePurgatory.shutdown();
    this.log.info('Shutdown complete.');
  }

  isActive(): boolean {
    return this.active;
  }

  /** The __consumer_offsets partition that holds `groupId`. */
  partitionFor(groupId: string): number {
    return this.groupManager.partitionFor(groupId);
  }

  // ---------------------------------------------------------------- JoinGroup

  handleJoinGroup(p: JoinGroupParams): Promise<JoinGroupResult> {
    return new Promise((resolve) => { this.doHandleJoinGroup(p, resolve); });
  }

  private doHandleJoinGroup(p: JoinGroupParams, cb: JoinCallback): void {
    const error = this.validateGroupStatus(p.groupId, 'JoinGroup');
    if (error !== undefined) return cb(joinError(p.memberId, error));
    if (p.sessionTimeoutMs < this.groupConfig.groupMinSessionTimeoutMs || p.sessionTimeoutMs > this.groupConfig.groupMaxSessionTimeoutMs) {
      return cb(joinError(p.memberId, Errors.INVALID_SESSION_TIMEOUT.code));
    }
    const isUnknownMember = p.memberId === UNKNOWN_MEMBER_ID;
    const group = this.groupManager.getOrMaybeCreateGroup(p.groupId, isUnknownMember);
    if (group === undefined) return cb(joinError(p.memberId, Errors.UNKNOWN_MEMBER_ID.code));
    const reason = p.reason ?? 'not provided';
    if (!this.acceptJoiningMember(group, p.memberId)) {
      group.remove(p.memberId);
      cb(joinError(UNKNOWN_MEMBER_ID, Errors.GROUP_MAX_SIZE_REACHED.code));
    } else if (isUnknownMember) {
      this.doNewMemberJoinGroup(group, p, cb, reason);
    } else {
      this.doCurrentMemberJoinGroup(group, p, cb, reason);
    }
    if (group.is(GroupState.PreparingRebalance)) this.rebalancePurgatory.checkAndComplete(groupJoinKey(group.groupId));
  }

  /** Kafka's acceptJoiningMember: group.max.size counts awaiting members while preparing, members otherwise. */
  private acceptJoiningMember(group: GroupMetadata, memberId: string): boolean {
    switch (group.currentState) {
      case GroupState.Empty:
      case GroupState.Dead:
        return true;
      case GroupState.PreparingRebalance:
        return (group.has(memberId) && group.get(memberId).isAwaitingJoin()) || group.numAwaiting() < this.groupConfig.groupMaxSize;
      default:
        return group.has(memberId) || group.size < this.groupConfig.groupMaxSize;
    }
  }

  private doNewMemberJoinGroup(group: GroupMetadata, p: JoinGroupParams, cb: JoinCallback, reason: string): void {
    if (group.is(GroupState.Dead)) return cb(joinError(UNKNOWN_MEMBER_ID, Errors.COORDINATOR_NOT_AVAILABLE.code));
    if (!group.supportsProtocols(p.protocolType, plainProtocolSet(p.protocols))) return cb(joinError(UNKNOWN_MEMBER_ID, Errors.INCONSISTENT_GROUP_PROTOCOL.code));
    const newMemberId = group.generateMemberId(p.clientId, p.groupInstanceId);
    if (p.groupInstanceId !== null) {
      const oldMemberId = group.currentStaticMemberId(p.groupInstanceId);
      if (oldMemberId !== undefined) {
        this.log.info(`Static member with groupInstanceId=${p.groupInstanceId} and unknown member id joins group ${group.groupId} in ${group.currentState} state. Replacing previously mapped member ${oldMemberId} with this groupInstanceId.`);
        this.updateStaticMemberAndRebalance(group, oldMemberId, newMemberId, p, cb, reason);
      } else {
        this.addMemberAndRebalance(group, newMemberId, p, cb, reason);
      }
    } else if (p.requireKnownMemberId) {
      group.addPendingMember(newMemberId);
      this.addPendingMemberExpiration(group, newMemberId, p.sessionTimeoutMs);
      cb(joinError(newMemberId, Errors.MEMBER_ID_REQUIRED.code));
    } else {
      this.addMemberAndRebalance(group, newMemberId, p, cb, reason);
    }
  }

  /** Kafka's validateCurrentMember: a static member must map to this member id; the member must exist. */
  validateCurrentMember(group: GroupMetadata, memberId: string, groupInstanceId: string | null, operation: string): number | undefined {
    if (groupInstanceId !== null) {
      const current = group.currentStaticMemberId(groupInstanceId);
      if (current === undefined) return Errors.UNKNOWN_MEMBER_ID.code;
      if (current !== memberId) {
        this.log.info(`Request memberId=${memberId} for static member with groupInstanceId=${groupInstanceId} is fenced by current memberId=${current} during operation ${operation}`);
        return Errors.FENCED_INSTANCE_ID.code;
      }
      return undefined;
    }
    return group.has(memberId) ? undefined : Errors.UNKNOWN_MEMBER_ID.code;
  }

  private doCurrentMemberJoinGroup(group: GroupMetadata, p: JoinGroupParams, cb: JoinCallback, reason: string): void {
    if (group.is(GroupState.Dead)) return cb(joinError(p.memberId, Errors.COORDINATOR_NOT_AVAILABLE.code));
    if (!group.supportsProtocols(p.protocolType, plainProtocolSet(p.protocols))) return cb(joinError(p.memberId, Errors.INCONSISTENT_GROUP_PROTOCOL.code));
    if (group.isPendingMember(p.memberId)) {
      if (p.groupInstanceId !== null) return cb(joinError(p.memberId, Errors.UNKNOWN_MEMBER_ID.code));
      this.log.info(`Pending dynamic member with id ${p.memberId} joins group ${group.groupId} in ${group.currentState} state. Adding to the group now.`);
      return this.addMemberAndRebalance(group, p.memberId, p, cb, reason);
    }
    const error = this.validateCurrentMember(group, p.memberId, p.groupInstanceId, 'join-group');
    if (error !== undefined) return cb(joinError(p.memberId, error));
    const member = group.get(p.memberId);
    const currentGenerationResult = (members: JoinGroupResult['members']): JoinGroupResult => ({
      members, memberId: p.memberId, generationId: group.generationId, protocolType: group.protocolType, protocolName: group.protocolName,
      leaderId: group.leaderOrNull() ?? '', skipAssignment: false, error: Errors.NONE.code,
    });
    switch (group.currentState) {
      case GroupState.PreparingRebalance:
        return this.updateMemberAndRebalance(group, member, p, `Member ${member.memberId} joining group during ${group.currentState}; client reason: ${reason}`, cb);
      case GroupState.CompletingRebalance:
        if (member.matches(p.protocols)) {
          // The member lost the JoinGroup response: answer with the current generation again.
          return cb(currentGenerationResult(group.isLeader(p.memberId) ? group.currentMemberMetadata() : []));
        }
        return this.updateMemberAndRebalance(group, member, p, `Updating metadata for member ${member.memberId} during ${group.currentState}; client reason: ${reason}`, cb);
      case GroupState.Stable:
        if (group.isLeader(p.memberId)) {
          // The leader rejoining forces a rebalance (e.g. topic metadata changed for its assignor).
          return this.updateMemberAndRebalance(group, member, p, `Leader ${member.memberId} re-joining group during ${group.currentState}; client reason: ${reason}`, cb);
        }
        if (!member.matches(p.protocols)) {
          return this.updateMemberAndRebalance(group, member, p, `Updating metadata for member ${member.memberId} during ${group.currentState}; client reason: ${reason}`, cb);
        }
        return cb(currentGenerationResult([]));
      default:
        this.log.warn(`Attempt to add rejoining member ${p.memberId} of group ${group.groupId} in unexpected group state ${group.currentState}`);
        return cb(joinError(p.memberId, Errors.UNKNOWN_MEMBER_ID.code));
    }
  }

  private addMemberAndRebalance(group: GroupMetadata, memberId: string, p: JoinGroupParams, cb: JoinCallback, reason: string): void {
    const member = new MemberMetadata(memberId, p.groupInstanceId, p.clientId, p.clientHost, p.rebalanceTimeoutMs, p.sessionTimeoutMs, p.protocolType, p.protocols);
    member.isNew = true;
    if (group.is(GroupState.PreparingRebalance) && group.generationId === 0) group.newMemberAdded = true;
    group.add(member, cb);
    // A new member cannot heartbeat while its JoinGroup is parked: expire it after a long fixed timeout.
    this.completeAndScheduleNextExpiration(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
    this.maybePrepareRebalance(group, `Adding new member ${memberId} with group instance id ${p.groupInstanceId ?? 'None'}; client reason: ${reason}`);
  }

  private updateStaticMemberAndRebalance(group: GroupMetadata, oldMemberId: string, newMemberId: string, p: JoinGroupParams, cb: JoinCallback, reason: string): void {
    const instanceId = p.groupInstanceId as string;
    const currentLeader = group.leaderOrNull() ?? '';
    const member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
    this.completeAndScheduleNextHeartbeatExpiration(group, member);
    const oldRebalanceTimeoutMs = member.rebalanceTimeoutMs;
    const oldSessionTimeoutMs = member.sessionTimeoutMs;
    const oldProtocols = member.supportedProtocols;
    group.updateMember(member, p.protocols, p.rebalanceTimeoutMs, p.sessionTimeoutMs, cb);
    switch (group.currentState) {
      case GroupState.Stable: {
        // Rebalance only if the next generation would select another protocol; else persist the new member id.
        if (group.protocolName !== group.selectProtocol()) {
          this.maybePrepareRebalance(group, `Group's selectedProtocol will change because static member ${member.memberId} with instance id ${instanceId} joined with change of protocol; client reason: ${reason}`);
          return;
        }
        const assignment = new Map(group.allMemberMetadata().map((m) => [m.memberId, m.assignment] as const));
        this.groupManager.storeGroup(group, assignment, (error) => {
          if (error !== Errors.NONE.code) {
            this.log.warn(`Failed to persist metadata for group ${group.groupId}: error ${error}`);
            group.updateMember(member, oldProtocols, oldRebalanceTimeoutMs, oldSessionTimeoutMs, null);
            const oldMember = group.replaceStaticMember(instanceId, newMemberId, oldMemberId);
            this.completeAndScheduleNextHeartbeatExpiration(group, oldMember);
            cb({ members: [], memberId: UNKNOWN_MEMBER_ID, generationId: group.generationId, protocolType: group.protocolType,
              protocolName: group.protocolName, leaderId: currentLeader, skipAssignment: false, error });
          } else if (p.supportSkippingAssignment) {
            // v9+: the static leader learns it leads but skips running the assignor (KIP-814).
            const isLeader = group.isLeader(newMemberId);
            group.maybeInvokeJoinCallback(member, {
              members: isLeader ? group.currentMemberMetadata() : [], memberId: newMemberId, generationId: group.generationId,
              protocolType: group.protocolType, protocolName: group.protocolName, leaderId: group.leaderOrNull() ?? '', skipAssignment: isLeader, error: Errors.NONE.code,
            });
          } else {
            // Before v9: answer with the old leader id so the rejoined member does not run a trivial assignment.
            group.maybeInvokeJoinCallback(member, {
              members: [], memberId: newMemberId, generationId: group.generationId, protocolType: group.protocolType,
              protocolName: group.protocolName, leaderId: currentLeader, skipAssignment: false, error: Errors.NONE.code,
            });
          }
        });
        return;
      }
      case GroupState.CompletingRebalance:
        // The leader may already be assigning for the old member id: rebalance again.
        this.prepareRebalance(group, `Updating metadata for static member ${member.memberId} with instance id ${instanceId}; client reason: ${reason}`);
        return;
      default:
        return;
    }
  }

  private updateMemberAndRebalance(group: GroupMetadata, member: MemberMetadata, p: JoinGroupParams, reason: string, cb: JoinCallback): void {
    group.updateMember(member, p.protocols, p.rebalanceTimeoutMs, p.sessionTimeoutMs, cb);
    this.maybePrepareRebalance(group, reason);
  }

  private maybePrepareRebalance(group: GroupMetadata, reason: string): void {
    if (group.canRebalance()) this.prepareRebalance(group, reason);
  }

  /** Moves the group to PreparingRebalance with a DelayedJoin (InitialDelayedJoin for an Empty group). */
  prepareRebalance(group: GroupMetadata, reason: string): void {
    if (group.is(GroupState.CompletingRebalance)) this.resetAndPropagateAssignmentError(group, Errors.REBALANCE_IN_PROGRESS.code);
    this.removeSyncExpiration(group);
    const rebalanceTimeoutMs = group.rebalanceTimeoutMs();
    const delay = this.groupConfig.groupInitialRebalanceDelayMs;
    const delayedRebalance = group.is(GroupState.Empty)
      ? new InitialDelayedJoin(this, this.rebalancePurgatory, group, delay, delay, Math.max(rebalanceTimeoutMs - delay, 0))
      : new DelayedJoin(this, group, rebalanceTimeoutMs);
    group.transitionTo(GroupState.PreparingRebalance);
    this.log.info(`Preparing to rebalance group ${group.groupId} in state ${group.currentState} with old generation ${group.generationId} (__consumer_offsets-${this.partitionFor(group.groupId)}) (reason: ${reason})`);
    this.rebalancePurgatory.tryCompleteElseWatch(delayedRebalance, [groupJoinKey(group.groupId)]);
  }

  private removeMemberAndUpdateGroup(group: GroupMetadata, member: MemberMetadata, reason: string): void {
    // A parked JoinGroup of a member being removed is answered first (it may retry).
    group.maybeInvokeJoinCallback(member, joinError(UNKNOWN_MEMBER_ID, Errors.UNKNOWN_MEMBER_ID.code));
    group.remove(member.memberId);
    switch (group.currentState) {
      case GroupState.Stable:
      case GroupState.CompletingRebalance:
        this.maybePrepareRebalance(group, reason);
        break;
      case GroupState.PreparingRebalance:
        this.rebalancePurgatory.checkAndComplete(groupJoinKey(group.groupId));
        break;
      default:
        break;
    }
  }

  private removePendingMemberAndUpdateGroup(group: GroupMetadata, memberId: string): void {
    group.remove(memberId);
    if (group.is(GroupState.PreparingRebalance)) this.rebalancePurgatory.checkAndComplete(groupJoinKey(group.groupId));
  }

  tryCompleteJoin(group: GroupMetadata, forceComplete: () => boolean): boolean {
    return group.hasAllMembersJoined() ? forceComplete() : false;
  }

  onCompleteJoin(group: GroupMetadata): void {
    const notYetRejoined = group.notYetRejoinedMembers().filter((m) => !m.isStaticMember());
    if (notYetRejoined.length > 0) {
      this.log.info(`Group ${group.groupId} removed dynamic members who haven't joined: ${notYetRejoined.map((m) => m.memberId).join(',')}`);
      for (const m of notYetRejoined) {
        group.remove(m.memberId);
        this.removeHeartbeatForLeavingMember(group, m.memberId);
      }
    }
    if (group.is(GroupState.Dead)) {
      this.log.info(`Group ${group.groupId} is dead, skipping rebalance stage`);
      return;
    }
    if (!group.maybeElectNewJoinedLeader() && group.size > 0) {
      // Only static members that did not rejoin are left: wait another rebalance timeout.
      this.log.error(`Group ${group.groupId} could not complete rebalance because no members rejoined`);
      this.rebalancePurgatory.tryCompleteElseWatch(new DelayedJoin(this, group, group.rebalanceTimeoutMs()), [groupJoinKey(group.groupId)]);
      return;
    }
    group.initNextGeneration();
    if (group.is(GroupState.Empty)) {
      this.log.info(`Group ${group.groupId} with generation ${group.generationId} is now empty (__consumer_offsets-${this.partitionFor(group.groupId)})`);
      this.groupManager.storeGroup(group, new Map(), (error) => {
        if (error !== Errors.NONE.code) this.log.warn(`Failed to write empty metadata for group ${group.groupId}: error ${error}`);
      });
      return;
    }
    this.log.info(`Stabilized group ${group.groupId} generation ${group.generationId} (__consumer_offsets-${this.partitionFor(group.groupId)}) with ${group.size} members`);
    for (const member of group.allMemberMetadata()) {
      group.maybeInvokeJoinCallback(member, {
        members: group.isLeader(member.memberId) ? group.currentMemberMetadata() : [],
        memberId: member.memberId, generationId: group.generationId, protocolType: group.protocolType, protocolName: group.protocolName,
        leaderId: group.leaderOrNull() ?? '', skipAssignment: false, error: Errors.NONE.code,
      });
      this.completeAndScheduleNextHeartbeatExpiration(group, member);
      member.isNew = false;
      group.addPendingSyncMember(member.memberId);
    }
    this.schedulePendingSync(group);
  }

  // ---------------------------------------------------------------- SyncGroup

  handleSyncGroup(p: SyncGroupParams): Promise<SyncGroupResult> {
    return new Promise((resolve) => { this.doHandleSyncGroup(p, resolve); });
  }

  private doHandleSyncGroup(p: SyncGroupParams, cb: SyncCallback): void {
    const status = this.validateGroupStatus(p.groupId, 'SyncGroup');
    // While loading, the rebalance state is lost: REBALANCE_IN_PROGRESS makes the member rejoin.
    if (status === Errors.COORDINATOR_LOAD_IN_PROGRESS.code) return cb(syncError(Errors.REBALANCE_IN_PROGRESS.code));
    if (status !== undefined) return cb(syncError(status));
    const group = this.groupManager.getGroup(p.groupId);
    if (group === undefined) return cb(syncError(Errors.UNKNOWN_MEMBER_ID.code));
    const error = this.validateSyncGroup(group, p);
    if (error !== undefined) return cb(syncError(error));
    switch (group.currentState) {
      case GroupState.Empty:
        return cb(syncError(Errors.UNKNOWN_MEMBER_ID.code));
      case GroupState.PreparingRebalance:
        return cb(syncError(Errors.REBALANCE_IN_PROGRESS.code));
      case GroupState.CompletingRebalance: {
        group.get(p.memberId).awaitingSyncCallback = cb;
        this.removePendingSyncMember(group, p.memberId);
        if (!group.isLeader(p.memberId)) return;
        this.log.info(`Assignment received from leader ${p.memberId} for group ${group.groupId} for generation ${group.generationId}. The group has ${group.size} members, ${group.allStaticMembers().length} of which are static.`);
        const assignment = new Map<string, Buffer>();
        const missing: string[] = [];
        for (const id of group.allMembers()) {
          const a = p.assignments.get(id);
          if (a === undefined) missing.push(id);
          assignment.set(id, a ?? EMPTY_BYTES);
        }
        if (missing.length > 0) this.log.warn(`Setting empty assignments for members ${missing.join(',')} of ${group.groupId} for generation ${group.generationId}`);
        const generationId = p.generationId;
        this.groupManager.storeGroup(group, assignment, (storeError) => {
          // Another member may have joined meanwhile: act only if still completing this generation.
          if (!group.is(GroupState.CompletingRebalance) || generationId !== group.generationId) return;
          if (storeError !== Errors.NONE.code) {
            this.resetAndPropagateAssignmentError(group, storeError);
            this.maybePrepareRebalance(group, `Error ${storeError} when storing group assignment during SyncGroup (member: ${p.memberId})`);
          } else {
            this.setAndPropagateAssignment(group, assignment);
            group.transitionTo(GroupState.Stable);
          }
        });
        return;
      }
      case GroupState.Stable: {
        this.removePendingSyncMember(group, p.memberId);
        const member = group.get(p.memberId);
        cb({ protocolType: group.protocolType, protocolName: group.protocolName, memberAssignment: member.assignment, error: Errors.NONE.code });
        this.completeAndScheduleNextHeartbeatExpiration(group, member);
        return;
      }
      default:
        return cb(syncError(Errors.COORDINATOR_NOT_AVAILABLE.code));
    }
  }

  private validateSyncGroup(group: GroupMetadata, p: SyncGroupParams): number | undefined {
    if (group.is(GroupState.Dead)) return Errors.COORDINATOR_NOT_AVAILABLE.code;
    const memberError = this.validateCurrentMember(group, p.memberId, p.groupInstanceId, 'sync-group');
    if (memberError !== undefined) return memberError;
    if (p.generationId !== group.generationId) return Errors.ILLEGAL_GENERATION.code;
    if (p.protocolType !== null && group.protocolType !== p.protocolType) return Errors.INCONSISTENT_GROUP_PROTOCOL.code;
    if (p.protocolName !== null && group.protocolName !== p.protocolName) return Errors.INCONSISTENT_GROUP_PROTOCOL.code;
    return undefined;
  }

  private setAndPropagateAssignment(group: GroupMetadata, assignment: ReadonlyMap<string, Buffer>): void {
    for (const m of group.allMemberMetadata()) m.assignment = assignment.get(m.memberId) ?? EMPTY_BYTES;
    this.propagateAssignment(group, Errors.NONE.code);
  }

  private resetAndPropagateAssignmentError(group: GroupMetadata, error: number): void {
    for (const m of group.allMemberMetadata()) m.assignment = EMPTY_BYTES;
    this.propagateAssignment(group, error);
  }

  private propagateAssignment(group: GroupMetadata, error: number): void {
    const ok = error === Errors.NONE.code;
    for (const member of group.allMemberMetadata()) {
      if (ok && member.assignment.length === 0) {
        this.log.warn(`Sending empty assignment to member ${member.memberId} of ${group.groupId} for generation ${group.generationId} with no errors`);
      }
      const result: SyncGroupResult = ok
        ? { protocolType: group.protocolType, protocolName: group.protocolName, memberAssignment: member.assignment, error }
        : syncError(error);
      // Reset the session timeout after the assignment went out (expirations while waiting were ignored).
      if (group.maybeInvokeSyncCallback(member, result)) this.completeAndScheduleNextHeartbeatExpiration(group, member);
    }
  }

  private removePendingSyncMember(group: GroupMetadata, memberId: string): void {
    group.removePendingSyncMember(memberId);
    this.rebalancePurgatory.checkAndComplete(groupSyncKey(group.groupId));
  }

  private removeSyncExpiration(group: GroupMetadata): void {
    group.clearPendingSyncMembers();
    this.rebalancePurgatory.checkAndComplete(groupSyncKey(group.groupId));
  }

  private schedulePendingSync(group: GroupMetadata): void {
    this.rebalancePurgatory.tryCompleteElseWatch(new DelayedSync(this, group, group.generationId, group.rebalanceTimeoutMs()), [groupSyncKey(group.groupId)]);
  }

  tryCompletePendingSync(group: GroupMetadata, generationId: number, forceComplete: () => boolean): boolean {
    if (generationId !== group.generationId) return forceComplete();
    switch (group.currentState) {
      case GroupState.CompletingRebalance:
      case GroupState.Stable:
        return group.hasReceivedSyncFromAllMembers() ? forceComplete() : false;
      default:
        return forceComplete();
    }
  }

  onExpirePendingSync(group: GroupMetadata, generationId: number): void {
    if (generationId !== group.generationId) return;
    if (!group.is(GroupState.CompletingRebalance) && !group.is(GroupState.Stable)) return;
    if (group.hasReceivedSyncFromAllMembers()) return;
    const pending = group.allPendingSyncMembers();
    for (const memberId of pending) {
      group.remove(memberId);
      this.removeHeartbeatForLeavingMember(group, memberId);
    }
    this.log.debug(`Group ${group.groupId} removed members who haven't sent their sync request: ${pending.join(',')}`);
    this.prepareRebalance(group, `Removing ${pending.join(',')} on pending sync request expiration`);
  }

  // ---------------------------------------------------------------- LeaveGroup

  handleLeaveGroup(groupId: string, leavingMembers: readonly LeaveMemberIdentity[]): LeaveGroupResult {
    const status = this.validateGroupStatus(groupId, 'LeaveGroup');
    if (status !== undefined) return { topLevelError: status, memberResponses: [] };
    const response = (m: LeaveMemberIdentity, error: number): LeaveMemberResponse => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, error });
    const group = this.groupManager.getGroup(groupId);
    if (group === undefined) return { topLevelError: Errors.NONE.code, memberResponses: leavingMembers.map((m) => response(m, Errors.UNKNOWN_MEMBER_ID.code)) };
    if (group.is(GroupState.Dead)) return { topLevelError: Errors.COORDINATOR_NOT_AVAILABLE.code, memberResponses: [] };
    const removeCurrentMember = (memberId: string, reason: string): void => {
      const member = group.get(memberId);
      this.removeMemberAndUpdateGroup(group, member, `Removing member ${memberId} on LeaveGroup; client reason: ${reason}`);
      this.removeHeartbeatForLeavingMember(group, memberId);
      this.log.info(`Member ${member.toString()} has left group ${groupId} through explicit \`LeaveGroup\`; client reason: ${reason}`);
    };
    const memberResponses = leavingMembers.map((m) => {
      const reason = m.reason ?? 'not provided';
      if (m.memberId === UNKNOWN_MEMBER_ID) {
        // Administrative removal of a static member by its group.instance.id.
        const current = m.groupInstanceId === null ? undefined : group.currentStaticMemberId(m.groupInstanceId);
        if (current === undefined) return response(m, Errors.UNKNOWN_MEMBER_ID.code);
        removeCurrentMember(current, reason);
        return response(m, Errors.NONE.code);
      }
      if (group.isPendingMember(m.memberId)) {
        this.removePendingMemberAndUpdateGroup(group, m.memberId);
        this.heartbeatPurgatory.checkAndComplete(memberKey(group.groupId, m.memberId));
        return response(m, Errors.NONE.code);
      }
      const error = this.validateCurrentMember(group, m.memberId, m.groupInstanceId, 'leave-group');
      if (error !== undefined) return response(m, error);
      removeCurrentMember(m.memberId, reason);
      return response(m, Errors.NONE.code);
    });
    return { topLevelError: Errors.NONE.code, memberResponses };
  }

  // ---------------------------------------------------------------- Heartbeat

  /** Heartbeat's error code. While the coordinator loads, heartbeats are answered NONE blindly. */
  handleHeartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    const status = this.validateGroupStatus(groupId, 'Heartbeat');
    if (status === Errors.COORDINATOR_LOAD_IN_PROGRESS.code) return Errors.NONE.code;
    if (status !== undefined) return status;
    const group = this.groupManager.getGroup(groupId);
    if (group === undefined) return Errors.UNKNOWN_MEMBER_ID.code;
    if (group.is(GroupState.Dead)) return Errors.COORDINATOR_NOT_AVAILABLE.code;
    const memberError = this.validateCurrentMember(group, memberId, groupInstanceId, 'heartbeat');
    if (memberError !== undefined) return memberError;
    if (generationId !== group.generationId) return Errors.ILLEGAL_GENERATION.code;
    switch (group.currentState) {
      case GroupState.Empty:
        return Errors.UNKNOWN_MEMBER_ID.code;
      case GroupState.CompletingRebalance:
      case GroupState.Stable:
        this.completeAndScheduleNextHeartbeatExpiration(group, group.get(memberId));
        return Errors.NONE.code;
      case GroupState.PreparingRebalance:
        this.completeAndScheduleNextHeartbeatExpiration(group, group.get(memberId));
        return Errors.REBALANCE_IN_PROGRESS.code;
      default:
        return Errors.COORDINATOR_NOT_AVAILABLE.code;
    }
  }

  /** Satisfies the member's current DelayedHeartbeat and arms the next one (session timeout). */
  completeAndScheduleNextHeartbeatExpiration(group: GroupMetadata, member: MemberMetadata): void {
    this.completeAndScheduleNextExpiration(group, member, member.sessionTimeoutMs);
  }

  private completeAndScheduleNextExpiration(group: GroupMetadata, member: MemberMetadata, timeoutMs: number): void {
    const key = memberKey(group.groupId, member.memberId);
    member.heartbeatSatisfied = true;
    this.heartbeatPurgatory.checkAndComplete(key);
    member.heartbeatSatisfied = false;
    this.heartbeatPurgatory.tryCompleteElseWatch(new DelayedHeartbeat(this, group, member.memberId, false, timeoutMs), [key]);
  }

  private addPendingMemberExpiration(group: GroupMetadata, pendingMemberId: string, timeoutMs: number): void {
    this.heartbeatPurgatory.tryCompleteElseWatch(new DelayedHeartbeat(this, group, pendingMemberId, true, timeoutMs), [memberKey(group.groupId, pendingMemberId)]);
  }

  protected removeHeartbeatForLeavingMember(group: GroupMetadata, memberId: string): void {
    this.heartbeatPurgatory.checkAndComplete(memberKey(group.groupId, memberId));
  }

  tryCompleteHeartbeat(group: GroupMetadata, memberId: string, isPending: boolean, forceComplete: () => boolean): boolean {
    if (group.is(GroupState.Dead)) return forceComplete();
    if (isPending) return group.has(memberId) ? forceComplete() : false;
    if (!group.has(memberId) || group.get(memberId).hasSatisfiedHeartbeat()) return forceComplete();
    return false;
  }

  onExpireHeartbeat(group: GroupMetadata, memberId: string, isPending: boolean): void {
    if (group.is(GroupState.Dead)) return;
    if (isPending) {
      this.log.info(`Pending member ${memberId} in group ${group.groupId} has been removed after session timeout expiration.`);
      this.removePendingMemberAndUpdateGroup(group, memberId);
      return;
    }
    if (!group.has(memberId)) return;
    const member = group.get(memberId);
    if (!member.hasSatisfiedHeartbeat()) {
      this.log.info(`Member ${member.memberId} in group ${group.groupId} has failed, removing it from the group`);
      this.removeMemberAndUpdateGroup(group, member, `removing member ${member.memberId} on heartbeat expiration`);
    }
  }

  // ---------------------------------------------------------------- election / resignation

  /** This broker now leads `partition` of __consumer_offsets: load its groups (COORDINATOR_LOAD_IN_PROGRESS meanwhile). */
  onElection(partition: number, coordinatorEpoch: number): Promise<void> {
    this.log.info(`Elected as the group coordinator for partition ${partition} in epoch ${coordinatorEpoch}`);
    return this.groupManager.scheduleLoadGroupAndOffsets(partition, coordinatorEpoch, (g) => this.onGroupLoaded(g));
  }

  /** This broker no longer leads `partition`: unload its groups (their members get NOT_COORDINATOR). */
  onResignation(partition: number, coordinatorEpoch?: number): Promise<void> {
    this.log.info(`Resigned as the group coordinator for partition ${partition} in epoch ${coordinatorEpoch ?? 'none'}`);
    return this.groupManager.removeGroupsForPartition(partition, coordinatorEpoch, (g) => this.onGroupUnloaded(g));
  }

  private onGroupLoaded(group: GroupMetadata): void {
    this.log.info(`Loading group metadata for ${group.groupId} with generation ${group.generationId}`);
    if (group.size > this.groupConfig.groupMaxSize) {
      this.prepareRebalance(group, `Freshly-loaded group is over capacity (${this.groupConfig.groupMaxSize}). Rebalancing in order to give a chance for consumers to commit offsets`);
    }
    for (const m of group.allMemberMetadata()) this.completeAndScheduleNextHeartbeatExpiration(group, m);
  }

  private onGroupUnloaded(group: GroupMetadata): void {
    this.log.info(`Unloading group metadata for ${group.groupId} with generation ${group.generationId}`);
    const previous = group.currentState;
    group.transitionTo(GroupState.Dead);
    if (previous === GroupState.PreparingRebalance) {
      for (const m of group.allMemberMetadata()) group.maybeInvokeJoinCallback(m, joinError(m.memberId, Errors.NOT_COORDINATOR.code));
      this.rebalancePurgatory.checkAndComplete(groupJoinKey(group.groupId));
    } else if (previous === GroupState.Stable || previous === GroupState.CompletingRebalance) {
      for (const m of group.allMemberMetadata()) {
        group.maybeInvokeSyncCallback(m, syncError(Errors.NOT_COORDINATOR.code));
        this.heartbeatPurgatory.checkAndComplete(memberKey(group.groupId, m.memberId));
      }
    }
    this.removeSyncExpiration(group);
  }

  // ---------------------------------------------------------------- validation

  /** Kafka's validateGroupStatus: a valid id, an active coordinator, loaded and local. */
  validateGroupStatus(groupId: string, api: GroupApi): number | undefined {
    const emptyAllowed = api === 'OffsetCommit' || api === 'OffsetFetch' || api === 'DescribeGroups' || api === 'DeleteGroups';
    if (groupId === null || (!emptyAllowed && groupId === '')) return Errors.INVALID_GROUP_ID.code;
    if (!this.active) return Errors.COORDINATOR_NOT_AVAILABLE.code;
    if (this.groupManager.isGroupLoading(groupId)) return Errors.COORDINATOR_LOAD_IN_PROGRESS.code;
    if (!this.groupManager.isGroupLocal(groupId)) return Errors.NOT_COORDINATOR.code;
    return undefined;
  }
}
