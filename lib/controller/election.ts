/**
 * Leader election rules of Kafka's controller (controller/Election.scala and
 * PartitionLeaderElectionAlgorithms): each returns the new leader and ISR, or null when no replica
 * is eligible. Pure functions over the assignment, the current ISR and the live brokers.
 */

export interface ElectionResult {
  leader: number;
  isr: number[];
  /** Whether the election picked a replica outside the ISR. */
  unclean: boolean;
}

/** Offline partition (new or lost its leader): first live ISR member in assignment order; else, if allowed, first live replica. */
export function leaderForOffline(
  assignment: readonly number[],
  isr: readonly number[],
  live: ReadonlySet<number>,
  uncleanLeaderElectionEnabled: boolean,
): ElectionResult | null {
  const liveIsr = isr.filter((r) => live.has(r));
  const clean = assignment.find((r) => live.has(r) && liveIsr.includes(r));
  if (clean !== undefined) return { leader: clean, isr: liveIsr, unclean: false };
  if (!uncleanLeaderElectionEnabled) return null;
  const any = assignment.find((r) => live.has(r));
  return any === undefined ? null : { leader: any, isr: [any], unclean: true };
}

/** A new partition: leader = first live replica, ISR = all live replicas (PSM initializeLeaderAndIsrForPartitions). */
export function leaderForNewPartition(assignment: readonly number[], live: ReadonlySet<number>): ElectionResult | null {
  const liveReplicas = assignment.filter((r) => live.has(r));
  const leader = liveReplicas[0];
  return leader === undefined ? null : { leader, isr: liveReplicas, unclean: false };
}

/** Preferred replica election: the first assigned replica if it is live and in the ISR. */
export function leaderForPreferredReplica(
  assignment: readonly number[],
  isr: readonly number[],
  live: ReadonlySet<number>,
): ElectionResult | null {
  const preferred = assignment[0];
  if (preferred === undefined || !live.has(preferred) || !isr.includes(preferred)) return null;
  return { leader: preferred, isr: [...isr], unclean: false };
}

/**
 * Reassignment (PartitionLeaderElectionAlgorithms.reassignPartitionLeaderElection): the first
 * target replica that is live and in the ISR; the ISR is kept as it is.
 */
export function leaderForReassign(
  targetReplicas: readonly number[],
  isr: readonly number[],
  live: ReadonlySet<number>,
): ElectionResult | null {
  const leader = targetReplicas.find((r) => live.has(r) && isr.includes(r));
  return leader === undefined ? null : { leader, isr: [...isr], unclean: false };
}

/** Controlled shutdown: first live ISR replica not shutting down; the ISR loses the shutting-down brokers. */
export function leaderForControlledShutdown(
  assignment: readonly number[],
  isr: readonly number[],
  live: ReadonlySet<number>,
  shuttingDown: ReadonlySet<number>,
): ElectionResult | null {
  const leader = assignment.find((r) => live.has(r) && isr.includes(r) && !shuttingDown.has(r));
  if (leader === undefined) return null;
  return { leader, isr: isr.filter((r) => !shuttingDown.has(r)), unclean: false };
}
