/**
 * What a partition leader knows of one follower (Kafka's cluster/Replica.scala): its log end and
 * start offsets from its last fetch, and when it was last caught up with the leader — the facts
 * the ISR and the high watermark are computed from.
 */
export class Replica {
  logEndOffset = -1n;
  logStartOffset = -1n;
  lastFetchTimeMs = 0;
  /** The last time this follower had fetched up to the leader's log end offset. */
  lastCaughtUpTimeMs = 0;
  /** Leader's log end offset at the time of this follower's previous fetch. */
  private lastFetchLeaderLogEndOffset = -1n;
  private lastFetchTimeMsPrev = 0;

  constructor(readonly brokerId: number) {}

  /**
   * Records a follower fetch (Replica.updateFetchState): a follower that fetched from the leader's
   * end — or from the end the leader had at its previous fetch — is caught up as of that fetch.
   */
  updateFetchState(fetchOffset: bigint, logStartOffset: bigint, fetchTimeMs: number, leaderEndOffset: bigint): void {
    if (fetchOffset >= leaderEndOffset) this.lastCaughtUpTimeMs = Math.max(this.lastCaughtUpTimeMs, fetchTimeMs);
    else if (fetchOffset >= this.lastFetchLeaderLogEndOffset) this.lastCaughtUpTimeMs = Math.max(this.lastCaughtUpTimeMs, this.lastFetchTimeMsPrev);
    this.logEndOffset = fetchOffset;
    this.logStartOffset = logStartOffset;
    this.lastFetchLeaderLogEndOffset = leaderEndOffset;
    this.lastFetchTimeMsPrev = fetchTimeMs;
    this.lastFetchTimeMs = fetchTimeMs;
  }

  /** Forget fetch state when leadership changes (Replica.resetReplicaState). */
  resetReplicaState(currentTimeMs: number, leaderEndOffset: bigint, isNewLeader: boolean, isFollowerInSync: boolean): void {
    if (isNewLeader) {
      // A new leader knows nothing of followers: those in the ISR count as caught up now.
      this.lastCaughtUpTimeMs = isFollowerInSync ? currentTimeMs : 0;
      this.logEndOffset = -1n;
      this.logStartOffset = -1n;
      this.lastFetchTimeMs = 0;
      this.lastFetchLeaderLogEndOffset = -1n;
      this.lastFetchTimeMsPrev = 0;
    } else {
      this.lastFetchLeaderLogEndOffset = leaderEndOffset;
      this.lastFetchTimeMsPrev = currentTimeMs;
    }
  }
}
