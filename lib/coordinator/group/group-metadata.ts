/**
 * Kafka's GroupMetadata: one classic group — its state (see group-state.ts), generation, protocol
 * type and selected protocol, leader, members (dynamic and static, KIP-345), members pending a
 * member id (KIP-394) or a SyncGroup, and its committed offsets (plus commits waiting for their
 * append). Holds no timers: the GroupCoordinator drives it. Not thread-safe by design — everything
 * runs on the event loop, which is what Kafka's group lock buys.
 */
import { randomUUID } from 'node:crypto';
import type { TopicPartition } from '../../common/topic-partition.js';
import { logger } from '../../utils/logger.js';
import type { Time } from '../../common/time.js';
import { CONSUMER_PROTOCOL_TYPE, subscribedTopicsOf } from './consumer-protocol.js';
import { GroupState, IllegalGroupStateTransition, isValidTransition } from './group-state.js';
import {
  joinError, type MemberMetadata, NO_PROTOCOL, syncError,
  type JoinCallback, type JoinGroupResult, type MemberSummary, type Protocol, type SyncGroupResult,
} from './member-metadata.js';
import { TopicPartitionMap, type OffsetAndMetadata } from './offset-and-metadata.js';
import { Errors } from '../../protocol/errors.js';

const stateChangeLog = logger('state.change');
const log = logger('kafka.coordinator.group.GroupMetadata');


/** Kafka's GroupOverview (ListGroups). */
export interface GroupOverview {
  groupId: string;
  protocolType: string;
  state: GroupState;
}

/** Kafka's GroupSummary (DescribeGroups). */
export interface GroupSummary {
  state: string;
  protocolType: string;
  protocol: string;
  members: MemberSummary[];
}

export interface LoadedGroupFields {
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string | null;
  currentStateTimestamp: number | null;
  members: MemberMetadata[];
}

export class GroupMetadata {
  private state: GroupState;
  currentStateTimestamp: number | null;
  protocolType: string | null = null;
  protocolName: string | null = null;
  generationId = 0;
  private leaderId: string | null = null;
  /** Set when a new member joined during the initial (delayed) rebalance of an Empty group. */
  newMemberAdded = false;

  private readonly members = new Map<string, MemberMetadata>();
  /** group.instance.id → member.id */
  private readonly staticMembers = new Map<string, string>();
  private readonly pendingMembers = new Set<string>();
  private numMembersAwaitingJoin = 0;
  private readonly supportedProtocols = new Map<string, number>();
  private readonly offsets = new TopicPartitionMap<OffsetAndMetadata>();
  private readonly pendingOffsetCommits = new TopicPartitionMap<OffsetAndMetadata>();
  private readonly pendingSyncMembers = new Set<string>();
  /** For protocol type "consumer": the union of the members' subscribed topics (null = unknown). */
  private subscribedTopics: Set<string> | null = null;

  constructor(readonly groupId: string, initialState: GroupState, private readonly time: Time) {
    this.state = initialState;
    this.currentStateTimestamp = time.milliseconds();
  }

  /** Kafka's GroupMetadata.loadGroup: a group rebuilt from its GroupMetadataValue record. */
  static loadGroup(groupId: string, initialState: GroupState, fields: LoadedGroupFields, time: Time): GroupMetadata {
    const group = new GroupMetadata(groupId, initialState, time);
    group.generationId = fields.generationId;
    group.protocolType = fields.protocolType === null || fields.protocolType === '' ? null : fields.protocolType;
    group.protocolName = fields.protocolName;
    group.leaderId = fields.leaderId;
    group.currentStateTimestamp = fields.currentStateTimestamp;
    for (const m of fields.members) group.add(m, null);
    group.subscribedTopics = group.computeSubscribedTopics();
    return group;
  }

  get currentState(): GroupState {
    return this.state;
  }

  is(state: GroupState): boolean {
    return this.state === state;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  get(memberId: string): MemberMetadata {
    const m = this.members.get(memberId);
    if (!m) throw new Error(`Member ${memberId} is not in group ${this.groupId}`);
    return m;
  }

  get size(): number {
    return this.members.size;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  leaderOrNull(): string | null {
    return this.leaderId;
  }

  currentStateTimestampOrDefault(): number {
    return this.currentStateTimestamp ?? -1;
  }

  isConsumerGroup(): boolean {
    return this.protocolType === CONSUMER_PROTOCOL_TYPE;
  }

  add(member: MemberMetadata, callback: JoinCallback | null = null): void {
    if (member.groupInstanceId !== null) {
      if (this.staticMembers.has(member.groupInstanceId)) {
        throw new Error(`Static member with groupInstanceId=${member.groupInstanceId} cannot be added to group ${this.groupId} since it is already a member`);
      }
      this.staticMembers.set(member.groupInstanceId, member.memberId);
    }
    if (this.members.size === 0) this.protocolType = member.protocolType;
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
    this.incSupportedProtocols(member);
    member.awaitingJoinCallback = callback;
    if (member.isAwaitingJoin()) this.numMembersAwaitingJoin++;
    this.pendingMembers.delete(member.memberId);
  }

  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (member) {
      this.members.delete(memberId);
      this.decSupportedProtocols(member);
      if (member.isAwaitingJoin()) this.numMembersAwaitingJoin--;
      if (member.groupInstanceId !== null) this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.isLeader(memberId)) {
      const next = this.members.keys().next();
      this.leaderId = next.done ? null : next.value;
    }
    this.pendingMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
  }

  /**
   * Keeps the leader if it rejoined, else elects any member that rejoined. False when the group has
   * no leader or nobody rejoined.
   */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    const current = this.get(this.leaderId);
    if (current.isAwaitingJoin()) return true;
    for (const [id, m] of this.members) {
      if (m.isAwaitingJoin()) {
        log.info({ groupId: this.groupId }, `Group leader ${current.memberId} failed to join before the rebalance timeout; ${id} is the new leader`);
        this.leaderId = id;
        return true;
      }
    }
    return false;
  }

  /** Static members only: moves the member to `newMemberId`, fencing whoever is parked under the old id. */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): MemberMetadata {
    const member = this.members.get(oldMemberId);
    if (!member) throw new Error(`Cannot replace non-existing member id ${oldMemberId}`);
    this.members.delete(oldMemberId);
    this.maybeInvokeJoinCallback(member, joinError(oldMemberId, Errors.FENCED_INSTANCE_ID.code));
    this.maybeInvokeSyncCallback(member, syncError(Errors.FENCED_INSTANCE_ID.code));
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId;
    this.staticMembers.set(groupInstanceId, newMemberId);
    return member;
  }

  isPendingMember(memberId: string): boolean {
    return this.pendingMembers.has(memberId);
  }

  addPendingMember(memberId: string): void {
    if (this.has(memberId)) throw new Error(`Attempt to add pending member ${memberId} which is already a stable member of the group`);
    this.pendingMembers.add(memberId);
  }

  addPendingSyncMember(memberId: string): void {
    if (!this.has(memberId)) throw new Error(`Attempt to add a pending sync for member ${memberId} which is not a member of the group`);
    this.pendingSyncMembers.add(memberId);
  }

  removePendingSyncMember(memberId: string): void {
    if (!this.has(memberId)) throw new Error(`Attempt to remove a pending sync for member ${memberId} which is not a member of the group`);
    this.pendingSyncMembers.delete(memberId);
  }

  hasReceivedSyncFromAllMembers(): boolean {
    return this.pendingSyncMembers.size === 0;
  }

  allPendingSyncMembers(): string[] {
    return [...this.pendingSyncMembers];
  }

  clearPendingSyncMembers(): void {
    this.pendingSyncMembers.clear();
  }

  hasStaticMember(groupInstanceId: string): boolean {
    return this.staticMembers.has(groupInstanceId);
  }

  currentStaticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }

  notYetRejoinedMembers(): MemberMetadata[] {
    return [...this.members.values()].filter((m) => !m.isAwaitingJoin());
  }

  hasAllMembersJoined(): boolean {
    return this.members.size === this.numMembersAwaitingJoin && this.pendingMembers.size === 0;
  }

  allMembers(): string[] {
    return [...this.members.keys()];
  }

  allStaticMembers(): string[] {
    return [...this.staticMembers.keys()];
  }

  allMemberMetadata(): MemberMetadata[] {
    return [...this.members.values()];
  }

  numPending(): number {
    return this.pendingMembers.size;
  }

  numAwaiting(): number {
    return this.numMembersAwaitingJoin;
  }

  /** The largest rebalance timeout of the members (how long a rebalance may wait for rejoins). */
  rebalanceTimeoutMs(): number {
    let t = 0;
    for (const m of this.members.values()) t = Math.max(t, m.rebalanceTimeoutMs);
    return t;
  }

  /** `<group.instance.id or client.id>-<uuid>`, as Kafka makes member ids. */
  generateMemberId(clientId: string, groupInstanceId: string | null): string {
    return `${groupInstanceId ?? clientId}-${randomUUID()}`;
  }

  canRebalance(): boolean {
    return isValidTransition(this.state, GroupState.PreparingRebalance);
  }

  transitionTo(target: GroupState): void {
    if (!isValidTransition(this.state, target)) throw new IllegalGroupStateTransition(this.groupId, this.state, target);
    stateChangeLog.debug({ groupId: this.groupId, generation: this.generationId }, `Group ${this.groupId} transitioned from ${this.state} to ${target}`);
    this.state = target;
    this.currentStateTimestamp = this.time.milliseconds();
  }

  /** Every member votes for its most preferred protocol among those all members support; most votes wins. */
  selectProtocol(): string {
    if (this.members.size === 0) throw new Error('Cannot select protocol for empty group');
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const p = m.vote(candidates);
      votes.set(p, (votes.get(p) ?? 0) + 1);
    }
    let best = '';
    let bestVotes = -1;
    for (const [p, n] of votes) {
      if (n > bestVotes) {
        best = p;
        bestVotes = n;
      }
    }
    return best;
  }

  private candidateProtocols(): Set<string> {
    const n = this.members.size;
    return new Set([...this.supportedProtocols].filter(([, count]) => count === n).map(([p]) => p));
  }

  private incSupportedProtocols(member: MemberMetadata): void {
    for (const p of member.supportedProtocols) this.supportedProtocols.set(p.name, (this.supportedProtocols.get(p.name) ?? 0) + 1);
  }

  private decSupportedProtocols(member: MemberMetadata): void {
    for (const p of member.supportedProtocols) {
      const n = (this.supportedProtocols.get(p.name) ?? 0) - 1;
      if (n <= 0) this.supportedProtocols.delete(p.name);
      else this.supportedProtocols.set(p.name, n);
    }
  }

  /** Whether a member with this protocol type and protocols may join (an Empty group accepts any non-empty set). */
  supportsProtocols(memberProtocolType: string, memberProtocols: ReadonlySet<string>): boolean {
    if (this.is(GroupState.Empty)) return memberProtocolType !== '' && memberProtocols.size > 0;
    if (this.protocolType !== memberProtocolType) return false;
    for (const p of memberProtocols) if ((this.supportedProtocols.get(p) ?? 0) === this.members.size) return true;
    return false;
  }

  getSubscribedTopics(): ReadonlySet<string> | null {
    return this.subscribedTopics;
  }

  /** True if the consumer group subscribes to `topic`, or when it cannot tell (to be safe). */
  isSubscribedToTopic(topic: string): boolean {
    return this.subscribedTopics === null || this.subscribedTopics.has(topic);
  }

  /** Kafka's computeSubscribedTopics: null unless protocol type is "consumer" and every subscription parses. */
  computeSubscribedTopics(): Set<string> | null {
    if (this.protocolType !== CONSUMER_PROTOCOL_TYPE) return null;
    if (this.members.size === 0) return new Set();
    if (this.protocolName === null) return null;
    const topics = new Set<string>();
    try {
      for (const m of this.members.values()) for (const t of subscribedTopicsOf(m.metadata(this.protocolName))) topics.add(t);
    } catch (err) {
      log.warn({ err, groupId: this.groupId }, `Failed to parse Consumer Protocol ${CONSUMER_PROTOCOL_TYPE}:${this.protocolName} of group ${this.groupId}. Consumer group coordinator is not aware of the subscribed topics.`);
      return null;
    }
    return topics;
  }

  updateMember(member: MemberMetadata, protocols: readonly Protocol[], rebalanceTimeoutMs: number, sessionTimeoutMs: number, callback: JoinCallback | null): void {
    this.decSupportedProtocols(member);
    member.supportedProtocols = protocols;
    this.incSupportedProtocols(member);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    if (callback !== null && !member.isAwaitingJoin()) this.numMembersAwaitingJoin++;
    else if (callback === null && member.isAwaitingJoin()) this.numMembersAwaitingJoin--;
    member.awaitingJoinCallback = callback;
  }

  maybeInvokeJoinCallback(member: MemberMetadata, result: JoinGroupResult): void {
    const cb = member.awaitingJoinCallback;
    if (cb === null) return;
    member.awaitingJoinCallback = null;
    this.numMembersAwaitingJoin--;
    try {
      cb(result);
    } catch (err) {
      log.error({ err, groupId: this.groupId }, `Failed to invoke join callback for ${member.toString()}`);
      cb(joinError(member.memberId, Errors.UNKNOWN_SERVER_ERROR.code));
    }
  }

  /** True if a parked SyncGroup was answered. */
  maybeInvokeSyncCallback(member: MemberMetadata, result: SyncGroupResult): boolean {
    const cb = member.awaitingSyncCallback;
    if (cb === null) return false;
    member.awaitingSyncCallback = null;
    try {
      cb(result);
    } catch (err) {
      log.error({ err, groupId: this.groupId }, `Failed to invoke sync callback for ${member.toString()}`);
      cb(syncError(Errors.UNKNOWN_SERVER_ERROR.code));
    }
    return true;
  }

  initNextGeneration(): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo(GroupState.CompletingRebalance);
    } else {
      this.protocolName = null;
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo(GroupState.Empty);
    }
    this.clearPendingSyncMembers();
  }

  /** The members and their metadata for the selected protocol (the leader's JoinGroup response). */
  currentMemberMetadata(): JoinGroupResult['members'] {
    if (this.is(GroupState.Dead) || this.is(GroupState.PreparingRebalance)) {
      throw new Error(`Cannot obtain member metadata for group in state ${this.state}`);
    }
    const protocol = this.protocolName as string;
    return [...this.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata(protocol) }));
  }

  summary(): GroupSummary {
    if (this.is(GroupState.Stable)) {
      const protocol = this.protocolName;
      if (protocol === null) throw new Error('Invalid null group protocol for stable group');
      return { state: this.state, protocolType: this.protocolType ?? '', protocol, members: [...this.members.values()].map((m) => m.summary(protocol)) };
    }
    return { state: this.state, protocolType: this.protocolType ?? '', protocol: NO_PROTOCOL, members: [...this.members.values()].map((m) => m.summaryNoMetadata()) };
  }

  overview(): GroupOverview {
    return { groupId: this.groupId, protocolType: this.protocolType ?? '', state: this.state };
  }

  // ---- offsets ----

  initializeOffsets(offsets: Iterable<[TopicPartition, OffsetAndMetadata]>): void {
    for (const [tp, o] of offsets) this.offsets.set(tp, o);
  }

  /** After a successful append: the commit becomes visible if it is still the pending one. */
  onOffsetCommitAppend(tp: TopicPartition, offset: OffsetAndMetadata): void {
    if (this.pendingOffsetCommits.has(tp)) this.offsets.set(tp, offset);
    if (this.pendingOffsetCommits.get(tp) === offset) this.pendingOffsetCommits.delete(tp);
  }

  failPendingOffsetWrite(tp: TopicPartition, offset: OffsetAndMetadata): void {
    if (this.pendingOffsetCommits.get(tp) === offset) this.pendingOffsetCommits.delete(tp);
  }

  prepareOffsetCommit(offsets: Iterable<[TopicPartition, OffsetAndMetadata]>): void {
    for (const [tp, o] of offsets) this.pendingOffsetCommits.set(tp, o);
  }

  hasPendingOffsetCommitsForTopicPartition(tp: TopicPartition): boolean {
    return this.pendingOffsetCommits.has(tp);
  }

  removeAllOffsets(): Array<[TopicPartition, OffsetAndMetadata]> {
    return this.removeOffsets(this.offsets.keys());
  }

  removeOffsets(tps: readonly TopicPartition[]): Array<[TopicPartition, OffsetAndMetadata]> {
    const removed: Array<[TopicPartition, OffsetAndMetadata]> = [];
    for (const tp of tps) {
      this.pendingOffsetCommits.delete(tp);
      const o = this.offsets.get(tp);
      if (o !== undefined) {
        this.offsets.delete(tp);
        removed.push([tp, o]);
      }
    }
    return removed;
  }

  /**
   * Kafka's removeExpiredOffsets: an Empty group expires all offsets once the retention passed since
   * it became Empty (or since each commit for groups loaded without a state timestamp); a Stable
   * consumer group expires offsets of topics it no longer subscribes to; a group with no protocol
   * type (simple commits only) expires by commit time. Offsets with an explicit expire timestamp
   * (OffsetCommit v1–4 retention) expire at that time. Pending commits never expire.
   */
  removeExpiredOffsets(currentTimestamp: number, offsetRetentionMs: number): Array<[TopicPartition, OffsetAndMetadata]> {
    const expired = (base: (o: OffsetAndMetadata) => number, subscribed: ReadonlySet<string> = new Set()): Array<[TopicPartition, OffsetAndMetadata]> => {
      const out: Array<[TopicPartition, OffsetAndMetadata]> = [];
      for (const [tp, o] of this.offsets.entries()) {
        if (subscribed.has(tp.topic) || this.pendingOffsetCommits.has(tp)) continue;
        const isExpired = o.expireTimestamp === null ? currentTimestamp - base(o) >= offsetRetentionMs : currentTimestamp >= o.expireTimestamp;
        if (isExpired) out.push([tp, o]);
      }
      return out;
    };
    let result: Array<[TopicPartition, OffsetAndMetadata]> = [];
    if (this.protocolType !== null && this.is(GroupState.Empty)) {
      result = expired((o) => this.currentStateTimestamp ?? o.commitTimestamp);
    } else if (this.protocolType === CONSUMER_PROTOCOL_TYPE && this.subscribedTopics !== null && this.is(GroupState.Stable)) {
      result = expired((o) => o.commitTimestamp, this.subscribedTopics);
    } else if (this.protocolType === null) {
      result = expired((o) => o.commitTimestamp);
    }
    for (const [tp] of result) this.offsets.delete(tp);
    return result;
  }

  allOffsets(): Array<[TopicPartition, OffsetAndMetadata]> {
    return [...this.offsets.entries()];
  }

  offset(tp: TopicPartition): OffsetAndMetadata | undefined {
    return this.offsets.get(tp);
  }

  numOffsets(): number {
    return this.offsets.size;
  }

  hasOffsets(): boolean {
    return this.offsets.size > 0 || this.pendingOffsetCommits.size > 0;
  }

  toString(): string {
    return `GroupMetadata(groupId=${this.groupId}, generation=${this.generationId}, protocolType=${this.protocolType ?? 'None'}, ` +
      `currentState=${this.state}, members=${this.members.size})`;
  }
}

