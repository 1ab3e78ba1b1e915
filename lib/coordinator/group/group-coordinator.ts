/**
 * Kafka's GroupCoordinator: it composes GroupMembership (join/sync/heartbeat/leave and rebalancing,
 * which also owns the GroupMetadataManager and the coordinator's lifecycle) and adds the offset and
 * admin APIs — OffsetCommit (including simple commits with generation -1 for groups that
 * do not use group management), OffsetFetch, ListGroups, DescribeGroups, DeleteGroups,
 * OffsetDelete — and the cleanup of offsets of deleted partitions.
 *
 * Construct it over a GroupMetadataStorage (the server's adapter over ReplicaManager), call
 * startup(), then onElection/onResignation as this broker gains or loses leadership of
 * __consumer_offsets partitions.
 */
import type { KafkaConfig } from '../../config/kafka-config.js';
import type { TopicPartition } from '../../common/topic-partition.js';
import { SYSTEM_TIME, type Time } from '../../common/time.js';
import {
  UNKNOWN_MEMBER_ID, type GroupCoordinatorOptions, type JoinGroupParams, type LeaveGroupResult, type LeaveMemberIdentity, type SyncGroupParams,
} from './group-coordinator-types.js';
import { GroupMembership } from './group-membership.js';
import type { GroupMetadata, GroupOverview, GroupSummary } from './group-metadata.js';
import type { GroupMetadataManager, GroupMetadataStorage, OffsetFetchPartitionData } from './group-metadata-manager.js';
import { GroupState, parseGroupState } from './group-state.js';
import { NO_PROTOCOL, NO_PROTOCOL_TYPE, NO_STATE, type JoinGroupResult, type SyncGroupResult } from './member-metadata.js';
import { TopicPartitionMap, type OffsetAndMetadata } from './offset-and-metadata.js';
import { groupConfigFrom, offsetConfigFrom } from '../../config/group-coordinator-config.js';
import { Errors } from '../../protocol/errors.js';
import { logger } from '../../utils/logger.js';

export * from './group-coordinator-types.js';

/** DescribeGroups' answer for a group that cannot be described (Kafka's EmptyGroup). */
export const EMPTY_GROUP: GroupSummary = { state: NO_STATE, protocolType: NO_PROTOCOL_TYPE, protocol: NO_PROTOCOL, members: [] };
/** DescribeGroups' answer for an unknown group (Kafka's DeadGroup). */
export const DEAD_GROUP: GroupSummary = { state: GroupState.Dead, protocolType: NO_PROTOCOL_TYPE, protocol: NO_PROTOCOL, members: [] };

export class GroupCoordinator {
  /** Join/sync/heartbeat/leave, rebalances, and the lifecycle of the coordinator's partitions. */
  readonly membership: GroupMembership;
  private readonly log;

  constructor(options: GroupCoordinatorOptions) {
    this.membership = new GroupMembership(options);
    this.log = logger('kafka.coordinator.group.GroupCoordinator', { broker: options.brokerId });
  }

  /** The coordinator with the broker's group.* / offsets.* settings. */
  static fromConfig(config: KafkaConfig, storage: GroupMetadataStorage, time: Time = SYSTEM_TIME): GroupCoordinator {
    return new GroupCoordinator({ brokerId: config.brokerId, storage, time, groupConfig: groupConfigFrom(config), offsetConfig: offsetConfigFrom(config) });
  }

  get groupManager(): GroupMetadataManager {
    return this.membership.groupManager;
  }

  get time(): Time {
    return this.membership.time;
  }

  // ---------------------------------------------------------------- lifecycle and membership

  startup(enableMetadataExpiration = true): void {
    this.membership.startup(enableMetadataExpiration);
  }

  shutdown(): Promise<void> {
    return this.membership.shutdown();
  }

  isActive(): boolean {
    return this.membership.isActive();
  }

  partitionFor(groupId: string): number {
    return this.membership.partitionFor(groupId);
  }

  onElection(partition: number, coordinatorEpoch: number): Promise<void> {
    return this.membership.onElection(partition, coordinatorEpoch);
  }

  onResignation(partition: number, coordinatorEpoch?: number): Promise<void> {
    return this.membership.onResignation(partition, coordinatorEpoch);
  }

  handleJoinGroup(p: JoinGroupParams): Promise<JoinGroupResult> {
    return this.membership.handleJoinGroup(p);
  }

  handleSyncGroup(p: SyncGroupParams): Promise<SyncGroupResult> {
    return this.membership.handleSyncGroup(p);
  }

  handleHeartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    return this.membership.handleHeartbeat(groupId, memberId, groupInstanceId, generationId);
  }

  handleLeaveGroup(groupId: string, leavingMembers: readonly LeaveMemberIdentity[]): LeaveGroupResult {
    return this.membership.handleLeaveGroup(groupId, leavingMembers);
  }

  // ---------------------------------------------------------------- OffsetCommit

  /**
   * Commits offsets for the group; resolves to an error per partition once stored (or refused).
   * generationId < 0 with no member id is a simple commit, accepted for an Empty or unknown group.
   */
  handleCommitOffsets(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number,
    offsets: TopicPartitionMap<OffsetAndMetadata>): Promise<TopicPartitionMap<number>> {
    return new Promise((resolve) => {
      const all = (error: number): void => {
        const out = new TopicPartitionMap<number>();
        for (const [tp] of offsets.entries()) out.set(tp, error);
        resolve(out);
      };
      const status = this.membership.validateGroupStatus(groupId, 'OffsetCommit');
      if (status !== undefined) return all(status);
      let group = this.groupManager.getGroup(groupId);
      if (group === undefined) {
        // Not relying on Kafka for group management: allow the commit. Otherwise: an old generation.
        if (generationId >= 0) return all(Errors.ILLEGAL_GENERATION.code);
        this.log.info(`Creating simple consumer group ${groupId} via manual offset commit.`);
        group = this.groupManager.getOrMaybeCreateGroup(groupId, true) as GroupMetadata;
      }
      const error = this.validateOffsetCommit(group, generationId, memberId, groupInstanceId);
      if (error !== undefined) return all(error);
      switch (group.currentState) {
        case GroupState.Empty:
          return this.groupManager.storeOffsets(group, offsets, resolve);
        case GroupState.Stable:
        case GroupState.PreparingRebalance:
          // Still accepted while preparing: the heartbeat tells the member to rejoin.
          this.membership.completeAndScheduleNextHeartbeatExpiration(group, group.get(memberId));
          return this.groupManager.storeOffsets(group, offsets, resolve);
        case GroupState.CompletingRebalance:
          // The member has the new generation from JoinGroup but no assignment yet.
          return all(Errors.REBALANCE_IN_PROGRESS.code);
        default:
          return all(Errors.COORDINATOR_NOT_AVAILABLE.code);
      }
    });
  }

  private validateOffsetCommit(group: GroupMetadata, generationId: number, memberId: string, groupInstanceId: string | null): number | undefined {
    if (group.is(GroupState.Dead)) return Errors.COORDINATOR_NOT_AVAILABLE.code;
    if (generationId < 0 && group.is(GroupState.Empty)) return undefined;
    if (generationId >= 0 || memberId !== UNKNOWN_MEMBER_ID || groupInstanceId !== null) {
      const memberError = this.membership.validateCurrentMember(group, memberId, groupInstanceId, 'offset-commit');
      if (memberError !== undefined) return memberError;
      return generationId !== group.generationId ? Errors.ILLEGAL_GENERATION.code : undefined;
    }
    // A non-empty group takes commits from its members only.
    return group.is(GroupState.Empty) ? undefined : Errors.UNKNOWN_MEMBER_ID.code;
  }

  // ---------------------------------------------------------------- TxnOffsetCommit (KIP-98)

  /** Offsets committed inside a transaction: stored now, visible once the COMMIT marker arrives. */
  handleTxnCommitOffsets(groupId: string, producerId: bigint, producerEpoch: number, memberId: string, groupInstanceId: string | null,
    generationId: number, offsets: TopicPartitionMap<OffsetAndMetadata>): Promise<TopicPartitionMap<number>> {
    return new Promise((resolve) => {
      const all = (error: number): void => {
        const out = new TopicPartitionMap<number>();
        for (const [tp] of offsets.entries()) out.set(tp, error);
        resolve(out);
      };
      const status = this.membership.validateGroupStatus(groupId, 'OffsetCommit');
      if (status !== undefined) return all(status);
      const group = this.groupManager.getGroup(groupId) ?? this.groupManager.getOrMaybeCreateGroup(groupId, true) as GroupMetadata;
      if (generationId >= 0 || memberId !== UNKNOWN_MEMBER_ID) {
        const error = this.validateOffsetCommit(group, generationId, memberId, groupInstanceId);
        if (error !== undefined) return all(error);
      }
      this.groupManager.storeTxnOffsets(group, producerId, producerEpoch, offsets, resolve);
    });
  }

  /** Kafka's scheduleHandleTxnCompletion: a marker for `producerId` landed on these offsets partitions. */
  scheduleHandleTxnCompletion(producerId: bigint, offsetsPartitions: readonly number[], isCommit: boolean): void {
    this.groupManager.handleTxnCompletion(producerId, new Set(offsetsPartitions), isCommit);
  }

  // ---------------------------------------------------------------- OffsetFetch

  /** Committed offsets, whatever the group state (the group may only use Kafka for offset storage). */
  handleFetchOffsets(groupId: string, requireStable: boolean, partitions: readonly TopicPartition[] | null): { error: number; partitions: OffsetFetchPartitionData[] } {
    const status = this.membership.validateGroupStatus(groupId, 'OffsetFetch');
    if (status !== undefined) return { error: status, partitions: [] };
    return { error: Errors.NONE.code, partitions: this.groupManager.getOffsets(groupId, requireStable, partitions) };
  }

  // ---------------------------------------------------------------- ListGroups / DescribeGroups

  /** Groups in any of `states` (case-insensitive; empty = all); COORDINATOR_LOAD_IN_PROGRESS while any partition loads. */
  handleListGroups(states: readonly string[]): { error: number; groups: GroupOverview[] } {
    if (!this.membership.isActive()) return { error: Errors.COORDINATOR_NOT_AVAILABLE.code, groups: [] };
    const error = this.groupManager.isLoading() ? Errors.COORDINATOR_LOAD_IN_PROGRESS.code : Errors.NONE.code;
    const wanted = new Set(states.map((s) => parseGroupState(s)).filter((s) => s !== undefined));
    const groups = this.groupManager.currentGroups()
      .filter((g) => states.length === 0 || wanted.has(g.currentState))
      .map((g) => g.overview());
    return { error, groups };
  }

  /** A group's state, protocol and members (metadata and assignments only when Stable); unknown → Dead. */
  handleDescribeGroup(groupId: string): { error: number; summary: GroupSummary } {
    const status = this.membership.validateGroupStatus(groupId, 'DescribeGroups');
    if (status !== undefined) return { error: status, summary: EMPTY_GROUP };
    const group = this.groupManager.getGroup(groupId);
    if (group === undefined) return { error: Errors.NONE.code, summary: DEAD_GROUP };
    return { error: Errors.NONE.code, summary: group.summary() };
  }

  // ---------------------------------------------------------------- DeleteGroups / OffsetDelete

  /** Deletes Empty groups with their offsets; NON_EMPTY_GROUP for groups with members. */
  handleDeleteGroups(groupIds: readonly string[]): Map<string, number> {
    const errors = new Map<string, number>();
    const eligible: GroupMetadata[] = [];
    for (const groupId of groupIds) {
      const status = this.membership.validateGroupStatus(groupId, 'DeleteGroups');
      if (status !== undefined) {
        errors.set(groupId, status);
        continue;
      }
      const group = this.groupManager.getGroup(groupId);
      if (group === undefined || group.is(GroupState.Dead)) {
        errors.set(groupId, this.groupManager.groupNotExists(groupId) ? Errors.GROUP_ID_NOT_FOUND.code : Errors.NOT_COORDINATOR.code);
      } else if (group.is(GroupState.Empty)) {
        group.transitionTo(GroupState.Dead);
        eligible.push(group);
      } else {
        errors.set(groupId, Errors.NON_EMPTY_GROUP.code);
      }
    }
    if (eligible.length > 0) {
      const removed = this.groupManager.cleanupGroupMetadata(eligible, (g) => g.removeAllOffsets());
      for (const g of eligible) errors.set(g.groupId, Errors.NONE.code);
      this.log.info(`The following groups were deleted: ${eligible.map((g) => g.groupId).join(', ')}. A total of ${removed} offsets were removed.`);
    }
    return errors;
  }

  /**
   * Deletes committed offsets of some partitions. An Empty group loses them all; a consumer group
   * with members keeps those of topics it subscribes to (GROUP_SUBSCRIBED_TO_TOPIC); another
   * non-empty group answers NON_EMPTY_GROUP. A group-level error leaves partitionErrors empty.
   */
  handleDeleteOffsets(groupId: string, partitions: readonly TopicPartition[]): { error: number; partitionErrors: TopicPartitionMap<number> } {
    const partitionErrors = new TopicPartitionMap<number>();
    const status = this.membership.validateGroupStatus(groupId, 'OffsetDelete');
    if (status !== undefined) return { error: status, partitionErrors };
    const group = this.groupManager.getGroup(groupId);
    if (group === undefined || group.is(GroupState.Dead)) {
      return { error: this.groupManager.groupNotExists(groupId) ? Errors.GROUP_ID_NOT_FOUND.code : Errors.NOT_COORDINATOR.code, partitionErrors };
    }
    let eligible: TopicPartition[];
    if (group.is(GroupState.Empty)) {
      eligible = [...partitions];
    } else if (group.isConsumerGroup()) {
      eligible = [];
      for (const tp of partitions) {
        if (group.isSubscribedToTopic(tp.topic)) partitionErrors.set(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC.code);
        else eligible.push(tp);
      }
    } else {
      return { error: Errors.NON_EMPTY_GROUP.code, partitionErrors };
    }
    if (eligible.length > 0) {
      const removed = this.groupManager.cleanupGroupMetadata([group], (g) => g.removeOffsets(eligible));
      for (const tp of eligible) partitionErrors.set(tp, Errors.NONE.code);
      this.log.info(`The following offsets of the group ${groupId} were deleted: ${eligible.map((tp) => `${tp.topic}-${tp.partition}`).join(', ')}. A total of ${removed} offsets were removed.`);
    }
    return { error: Errors.NONE.code, partitionErrors };
  }

  /** Drops committed offsets of deleted partitions from every group (called when topics are deleted). */
  handleDeletedPartitions(partitions: readonly TopicPartition[]): number {
    const removed = this.groupManager.cleanupGroupMetadata(this.groupManager.currentGroups(), (g) => g.removeOffsets(partitions));
    this.log.info(`Removed ${removed} offsets associated with deleted partitions: ${partitions.map((tp) => `${tp.topic}-${tp.partition}`).join(', ')}.`);
    return removed;
  }
}
