/**
 * KIP-951 leader discovery, shared by Produce (v10+) and Fetch (v16+): a partition answered
 * NOT_LEADER_OR_FOLLOWER (or, for Fetch, FENCED_LEADER_EPOCH) carries the current leader and epoch
 * this broker knows, and the response lists those leaders' endpoints on the request's listener, so a
 * client can retry at once without a metadata round trip.
 */
import { Errors } from '../../protocol/errors.js';
import type { TopicPartition } from '../../common/topic-partition.js';
import type { RequestContext } from './handler.js';

export interface LeaderHint {
  leaderId: number;
  leaderEpoch: number;
}

export interface NodeEndpoint {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export const NO_LEADER_HINT: LeaderHint = { leaderId: -1, leaderEpoch: -1 };

/** Collects the hints of one response: `hint` per partition, `endpoints` for the response. */
export class LeaderHints {
  private readonly nodes = new Map<number, NodeEndpoint>();

  constructor(private readonly ctx: RequestContext, private readonly errorCodes: readonly number[]) {}

  /** The leader to name for a partition answered with `errorCode` (none for other errors). */
  hint(tp: TopicPartition, errorCode: number): LeaderHint {
    if (!this.errorCodes.includes(errorCode)) return NO_LEADER_HINT;
    const cache = this.ctx.broker.metadataCache;
    const info = cache.getPartitionInfo(tp.topic, tp.partition);
    if (!info || info.leader < 0) return NO_LEADER_HINT;
    const ep = cache.getAliveEndpoint(info.leader, this.ctx.listenerName);
    if (ep) this.nodes.set(info.leader, { nodeId: info.leader, host: ep.host, port: ep.port, rack: cache.getAliveBroker(info.leader)?.rack ?? null });
    return { leaderId: info.leader, leaderEpoch: info.leaderEpoch };
  }

  get endpoints(): NodeEndpoint[] {
    return [...this.nodes.values()];
  }
}

export const PRODUCE_LEADER_HINT_ERRORS = [Errors.NOT_LEADER_OR_FOLLOWER.code];
export const FETCH_LEADER_HINT_ERRORS = [Errors.NOT_LEADER_OR_FOLLOWER.code, Errors.FENCED_LEADER_EPOCH.code];
