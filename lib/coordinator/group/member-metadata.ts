/**
 * Kafka's MemberMetadata (kafka.coordinator.group): one member of a classic group — its protocols
 * (in preference order, with their opaque metadata), timeouts, the assignment the leader gave it, and
 * the parked JoinGroup / SyncGroup response callbacks while a rebalance is in progress. Also the
 * result shapes the coordinator hands to those callbacks (JoinGroupResult, SyncGroupResult …).
 */

export interface Protocol {
  readonly name: string;
  readonly metadata: Buffer;
}

export const EMPTY_BYTES: Buffer = Buffer.alloc(0);

/** Kafka's JoinGroupResult. */
export interface JoinGroupResult {
  members: Array<{ memberId: string; groupInstanceId: string | null; metadata: Buffer }>;
  memberId: string;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string;
  skipAssignment: boolean;
  error: number;
}

/** Kafka's SyncGroupResult. */
export interface SyncGroupResult {
  protocolType: string | null;
  protocolName: string | null;
  memberAssignment: Buffer;
  error: number;
}

export const NO_GENERATION = -1;
export const NO_LEADER = '';
export const NO_PROTOCOL = '';
export const NO_PROTOCOL_TYPE = '';
export const NO_STATE = '';

export function joinError(memberId: string, error: number): JoinGroupResult {
  return { members: [], memberId, generationId: NO_GENERATION, protocolType: null, protocolName: null, leaderId: NO_LEADER, skipAssignment: false, error };
}

export function syncError(error: number): SyncGroupResult {
  return { protocolType: null, protocolName: null, memberAssignment: EMPTY_BYTES, error };
}

export type JoinCallback = (result: JoinGroupResult) => void;
export type SyncCallback = (result: SyncGroupResult) => void;

/** Kafka's MemberSummary (DescribeGroups). */
export interface MemberSummary {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  metadata: Buffer;
  assignment: Buffer;
}

export function plainProtocolSet(protocols: readonly Protocol[]): Set<string> {
  return new Set(protocols.map((p) => p.name));
}

export class MemberMetadata {
  assignment: Buffer = EMPTY_BYTES;
  awaitingJoinCallback: JoinCallback | null = null;
  awaitingSyncCallback: SyncCallback | null = null;
  /** A member that joined in the current rebalance and has not yet received its first JoinGroup response. */
  isNew = false;
  heartbeatSatisfied = false;

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public supportedProtocols: readonly Protocol[],
  ) {}

  isStaticMember(): boolean {
    return this.groupInstanceId !== null;
  }

  isAwaitingJoin(): boolean {
    return this.awaitingJoinCallback !== null;
  }

  isAwaitingSync(): boolean {
    return this.awaitingSyncCallback !== null;
  }

  /**
   * Kafka's hasSatisfiedHeartbeat: a new member needs its heartbeat (it may expire while awaiting
   * join); members parked in JoinGroup/SyncGroup count as alive; everyone else needs the next heartbeat.
   */
  hasSatisfiedHeartbeat(): boolean {
    if (this.isNew) return this.heartbeatSatisfied;
    if (this.isAwaitingJoin() || this.isAwaitingSync()) return true;
    return this.heartbeatSatisfied;
  }

  /** The metadata this member sent for `protocol`. */
  metadata(protocol: string): Buffer {
    const p = this.supportedProtocols.find((x) => x.name === protocol);
    if (!p) throw new Error(`Member ${this.memberId} does not support protocol ${protocol}`);
    return p.metadata;
  }

  /** True when `protocols` equal the stored ones (names, order and metadata bytes). */
  matches(protocols: readonly Protocol[]): boolean {
    if (protocols.length !== this.supportedProtocols.length) return false;
    for (let i = 0; i < protocols.length; i++) {
      const a = protocols[i]!;
      const b = this.supportedProtocols[i]!;
      if (a.name !== b.name || !a.metadata.equals(b.metadata)) return false;
    }
    return true;
  }

  /** This member's vote: its most preferred protocol among the candidates. */
  vote(candidates: ReadonlySet<string>): string {
    const p = this.supportedProtocols.find((x) => candidates.has(x.name));
    if (!p) throw new Error(`Member ${this.memberId} does not support any of the candidate protocols`);
    return p.name;
  }

  summary(protocol: string): MemberSummary {
    return {
      memberId: this.memberId, groupInstanceId: this.groupInstanceId, clientId: this.clientId, clientHost: this.clientHost,
      metadata: this.metadata(protocol), assignment: this.assignment,
    };
  }

  summaryNoMetadata(): MemberSummary {
    return {
      memberId: this.memberId, groupInstanceId: this.groupInstanceId, clientId: this.clientId, clientHost: this.clientHost,
      metadata: EMPTY_BYTES, assignment: EMPTY_BYTES,
    };
  }

  toString(): string {
    return `MemberMetadata(memberId=${this.memberId}, groupInstanceId=${this.groupInstanceId ?? 'null'}, clientId=${this.clientId}, ` +
      `clientHost=${this.clientHost}, sessionTimeoutMs=${this.sessionTimeoutMs}, rebalanceTimeoutMs=${this.rebalanceTimeoutMs}, ` +
      `supportedProtocols=[${this.supportedProtocols.map((p) => p.name).join(',')}])`;
  }
}
