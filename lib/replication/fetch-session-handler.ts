/**
 * The fetcher's side of an incremental fetch session (KIP-227; Kafka's clients FetchSessionHandler):
 * remembers what the leader's session holds, turns the partitions to fetch into a full request (a
 * new session) or an incremental one (only partitions added or changed, plus the ones to forget),
 * and follows the leader's answer: a new session id, the next epoch, or back to a full fetch after
 * a session error or a failed request.
 */
import { type TopicPartition, tpKey } from '../common/topic-partition.js';
import { Errors } from '../protocol/errors.js';
import { INITIAL_EPOCH, INVALID_SESSION_ID, nextEpoch } from '../common/fetch-metadata.js';

/** What a fetch asks of one partition; a change in any field is sent in the next request. */
export interface SessionPartitionData {
  tp: TopicPartition;
  fetchOffset: bigint;
  logStartOffset: bigint;
  maxBytes: number;
  currentLeaderEpoch: number;
  lastFetchedEpoch: number;
}

export interface SessionFetchRequest {
  sessionId: number;
  sessionEpoch: number;
  /** The partitions to put in the request (all of them for a full fetch). */
  toSend: SessionPartitionData[];
  toForget: TopicPartition[];
}

const same = (a: SessionPartitionData, b: SessionPartitionData): boolean =>
  a.fetchOffset === b.fetchOffset && a.logStartOffset === b.logStartOffset && a.maxBytes === b.maxBytes
  && a.currentLeaderEpoch === b.currentLeaderEpoch && a.lastFetchedEpoch === b.lastFetchedEpoch;

export class FetchSessionHandler {
  private sessionId = INVALID_SESSION_ID;
  private epoch = INITIAL_EPOCH;
  /** What the leader's session holds after the last request. */
  private sessionPartitions = new Map<string, SessionPartitionData>();

  get currentSessionId(): number {
    return this.sessionId;
  }

  /** The request for the partitions to fetch now. */
  build(next: readonly SessionPartitionData[]): SessionFetchRequest {
    const nextMap = new Map(next.map((p) => [tpKey(p.tp), p]));
    if (this.epoch === INITIAL_EPOCH) {
      this.sessionPartitions = nextMap;
      return { sessionId: this.sessionId, sessionEpoch: INITIAL_EPOCH, toSend: [...next], toForget: [] };
    }
    const toSend = next.filter((p) => {
      const prev = this.sessionPartitions.get(tpKey(p.tp));
      return prev === undefined || !same(prev, p);
    });
    const toForget = [...this.sessionPartitions.entries()].filter(([k]) => !nextMap.has(k)).map(([, p]) => p.tp);
    this.sessionPartitions = nextMap;
    return { sessionId: this.sessionId, sessionEpoch: this.epoch, toSend, toForget };
  }

  /**
   * Follows the leader's answer to the last request; false when the answer is a session error (the
   * next request is a full fetch, and this answer carries no partitions).
   */
  handleResponse(errorCode: number, responseSessionId: number): boolean {
    if (errorCode !== Errors.NONE.code) {
      if (errorCode === Errors.FETCH_SESSION_ID_NOT_FOUND.code) this.sessionId = INVALID_SESSION_ID;
      this.epoch = INITIAL_EPOCH; // a full fetch next, closing the session we had if any
      return false;
    }
    if (this.epoch === INITIAL_EPOCH) {
      // The answer to a full fetch: a new session, or none (the leader's cache was full).
      this.sessionId = responseSessionId;
      this.epoch = responseSessionId === INVALID_SESSION_ID ? INITIAL_EPOCH : nextEpoch(INITIAL_EPOCH);
      return true;
    }
    this.epoch = nextEpoch(this.epoch);
    return true;
  }

  /** The request failed (no answer): start over with a full fetch that closes the session. */
  handleError(): void {
    this.epoch = INITIAL_EPOCH;
  }
}
