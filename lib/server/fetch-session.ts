/**
 * Incremental fetch sessions on the broker (KIP-227; Kafka's FetchSession.scala: CachedPartition,
 * FetchSession, FetchSessionCache, FetchManager and its fetch contexts).
 *
 * A fetcher opens a session with a full fetch at epoch 0; the broker caches the session's partitions
 * (what to fetch, and the high watermark and log start offset last sent) and answers with a session
 * id. Later requests at the next epoch carry only the partitions whose fetch position changed (and
 * the ones to forget); the broker reads every partition of the session and answers only those with
 * records, a new high watermark or log start offset, or an error. Followers' sessions are privileged.
 * Sessions live in a cache of max.incremental.fetch.session.cache.slots, evicted by Kafka's rules.
 */
import { type TopicPartition, tpKey } from '../common/topic-partition.js';
import type { Time } from '../common/time.js';
import { FINAL_EPOCH, INITIAL_EPOCH, INVALID_SESSION_ID, nextEpoch } from '../common/fetch-metadata.js';
import { Errors } from '../protocol/errors.js';
import type { FetchPartitionRequest, FetchPartitionResult } from '../replication/replica-manager.js';

/** Kafka's KafkaServer.MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS. */
export const MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS = 120_000;

/** One partition of a session: the request parameters and what the last response told the fetcher. */
class CachedPartition {
  highWatermark = -1n;
  localLogStartOffset = -1n;

  constructor(public request: FetchPartitionRequest) {}

  /** Whether the fetcher must hear about this partition; records what it is told when `update`. */
  maybeUpdateResponseData(r: FetchPartitionResult, update: boolean): boolean {
    let mustRespond = (r.records?.length ?? 0) > 0 || r.divergingEpoch !== null;
    if (this.highWatermark !== r.highWatermark) {
      mustRespond = true;
      if (update) this.highWatermark = r.highWatermark;
    }
    if (this.localLogStartOffset !== r.logStartOffset) {
      mustRespond = true;
      if (update) this.localLogStartOffset = r.logStartOffset;
    }
    if (r.errorCode !== Errors.NONE.code) {
      // Re-sent once the error goes away.
      if (update) this.highWatermark = -1n;
      mustRespond = true;
    }
    return mustRespond;
  }
}

export class FetchSession {
  /** In fetch order: partitions the fetcher heard about move to the end. */
  readonly partitions = new Map<string, CachedPartition>();
  lastUsedMs: number;
  /** Whether the cache may evict it for anyone / for a privileged session (decided when touched). */
  evictableByAll = false;
  evictableByPrivileged = false;

  constructor(readonly id: number, readonly privileged: boolean, readonly creationMs: number, public epoch: number) {
    this.lastUsedMs = creationMs;
  }

  /** Applies an incremental request: new or changed partitions, and the ones to forget. */
  update(fetchData: readonly FetchPartitionRequest[], toForget: readonly TopicPartition[]): void {
    for (const req of fetchData) {
      const cached = this.partitions.get(tpKey(req.tp));
      if (cached) cached.request = req;
      else this.partitions.set(tpKey(req.tp), new CachedPartition(req));
    }
    for (const tp of toForget) this.partitions.delete(tpKey(tp));
  }
}

/** Kafka's FetchSessionCache. */
export class FetchSessionCache {
  private readonly sessions = new Map<number, FetchSession>();

  constructor(private readonly maxEntries: number, private readonly evictionMs = MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS, private readonly random: () => number = Math.random) {}

  get size(): number {
    return this.sessions.size;
  }

  get totalPartitions(): number {
    let n = 0;
    for (const s of this.sessions.values()) n += s.partitions.size;
    return n;
  }

  get(id: number): FetchSession | undefined {
    return this.sessions.get(id);
  }

  remove(id: number): boolean {
    return this.sessions.delete(id);
  }

  /** A new session when there is room or one can be evicted; INVALID_SESSION_ID otherwise. */
  maybeCreateSession(now: number, privileged: boolean, partitions: ReadonlyArray<readonly [FetchPartitionRequest, FetchPartitionResult]>): number {
    if (this.sessions.size >= this.maxEntries && !this.tryEvict(privileged, partitions.length, now)) return INVALID_SESSION_ID;
    const session = new FetchSession(this.newSessionId(), privileged, now, nextEpoch(INITIAL_EPOCH));
    for (const [req, resp] of partitions) {
      const cached = new CachedPartition(req);
      cached.maybeUpdateResponseData(resp, true);
      session.partitions.set(tpKey(req.tp), cached);
    }
    this.sessions.set(session.id, session);
    this.touch(session, now);
    return session.id;
  }

  /** Records a use: the session's place in the eviction order (Kafka's touch). */
  touch(session: FetchSession, now: number): void {
    session.lastUsedMs = now;
    const old = now - session.creationMs > this.evictionMs;
    session.evictableByPrivileged = !session.privileged || old;
    session.evictableByAll = old;
  }

  /**
   * Kafka's tryEvict: a session unused for longer than the eviction time goes first; otherwise the
   * least valuable evictable one — unprivileged before privileged, then fewer partitions, then the
   * lower id — goes if the new session is worth at least as much.
   */
  private tryEvict(privileged: boolean, size: number, now: number): boolean {
    let stalest: FetchSession | undefined;
    for (const s of this.sessions.values()) if (!stalest || s.lastUsedMs < stalest.lastUsedMs || (s.lastUsedMs === stalest.lastUsedMs && s.id < stalest.id)) stalest = s;
    if (!stalest) return false;
    if (now - stalest.lastUsedMs > this.evictionMs) return this.sessions.delete(stalest.id);
    const rank = (p: boolean, n: number, id: number): [number, number, number] => [p ? 1 : 0, n, id];
    let victim: FetchSession | undefined;
    let victimRank: [number, number, number] | undefined;
    for (const s of this.sessions.values()) {
      if (!(privileged ? s.evictableByPrivileged : s.evictableByAll)) continue;
      const r = rank(s.privileged, s.partitions.size, s.id);
      if (!victimRank || compare(r, victimRank) < 0) {
        victim = s;
        victimRank = r;
      }
    }
    if (!victim || !victimRank || compare(rank(privileged, size, 0), victimRank) < 0) return false;
    return this.sessions.delete(victim.id);
  }

  private newSessionId(): number {
    for (;;) {
      const id = 1 + Math.floor(this.random() * 0x7ffffffe);
      if (!this.sessions.has(id)) return id;
    }
  }
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** What one Fetch request reads and how its answer is shaped (Kafka's FetchContext). */
export interface FetchContext {
  /** The partitions to read (for an incremental fetch: every partition of the session). */
  readonly partitions: readonly FetchPartitionRequest[];
  /** The response's top-level error, session id and partitions (unchanged ones left out of an incremental answer). */
  respond(results: FetchPartitionResult[]): { errorCode: number; sessionId: number; results: FetchPartitionResult[] };
}

/** Kafka's FetchManager: the fetch context of a request, by its session id and epoch. */
export class FetchManager {
  constructor(private readonly time: Time, readonly cache: FetchSessionCache) {}

  newContext(sessionId: number, epoch: number, fetchData: readonly FetchPartitionRequest[], toForget: readonly TopicPartition[], isFollower: boolean): FetchContext {
    if (epoch === INITIAL_EPOCH || epoch === FINAL_EPOCH) {
      // A full fetch closes the session it names; at the final epoch it opens none.
      if (sessionId !== INVALID_SESSION_ID) this.cache.remove(sessionId);
      if (epoch === FINAL_EPOCH) return sessionless(fetchData);
      return {
        partitions: fetchData,
        respond: (results) => ({
          errorCode: Errors.NONE.code,
          sessionId: this.cache.maybeCreateSession(this.time.milliseconds(), isFollower, fetchData.map((req, i) => [req, results[i]!] as const)),
          results,
        }),
      };
    }
    const session = this.cache.get(sessionId);
    if (!session) return sessionError(Errors.FETCH_SESSION_ID_NOT_FOUND.code);
    if (session.epoch !== epoch) return sessionError(Errors.INVALID_FETCH_SESSION_EPOCH.code);
    session.update(fetchData, toForget);
    if (session.partitions.size === 0) {
      this.cache.remove(session.id);
      return sessionless(fetchData);
    }
    this.cache.touch(session, this.time.milliseconds());
    session.epoch = nextEpoch(session.epoch);
    const expectedEpoch = session.epoch;
    const cached = [...session.partitions.values()];
    return {
      partitions: cached.map((c) => c.request),
      respond: (results) => {
        // A later request of the same session got in first (a duplicate): its epoch moved on.
        if (session.epoch !== expectedEpoch) return { errorCode: Errors.INVALID_FETCH_SESSION_EPOCH.code, sessionId: session.id, results: [] };
        const changed: FetchPartitionResult[] = [];
        results.forEach((r, i) => {
          const c = cached[i]!;
          if (!c.maybeUpdateResponseData(r, true)) return;
          changed.push(r);
          // Partitions the fetcher hears about go to the back of the fetch order.
          const key = tpKey(c.request.tp);
          if (session.partitions.get(key) === c) {
            session.partitions.delete(key);
            session.partitions.set(key, c);
          }
        });
        return { errorCode: Errors.NONE.code, sessionId: session.id, results: changed };
      },
    };
  }
}

function sessionless(fetchData: readonly FetchPartitionRequest[]): FetchContext {
  return { partitions: fetchData, respond: (results) => ({ errorCode: Errors.NONE.code, sessionId: INVALID_SESSION_ID, results }) };
}

function sessionError(errorCode: number): FetchContext {
  return { partitions: [], respond: () => ({ errorCode, sessionId: INVALID_SESSION_ID, results: [] }) };
}
