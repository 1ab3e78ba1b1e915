/**
 * Kafka's controller ReplicaAssignment (ControllerContext.scala) as pure functions over the
 * assignment kept in the topic znode: RS = `replicas`, AR = `addingReplicas`, RR =
 * `removingReplicas`; ORS = RS − AR (the original replicas), TRS = RS − RR (the target replicas).
 * A reassignment to TRS writes RS = TRS ++ ORS (targets first, in the requested order).
 */
import type { ReplicaAssignment } from '../zk/topic-znodes.js';

export function assignmentOf(replicas: readonly number[]): ReplicaAssignment {
  return { replicas: [...replicas], addingReplicas: [], removingReplicas: [] };
}

/** ORS: the replicas before the reassignment. */
export function originReplicas(a: ReplicaAssignment): number[] {
  return a.replicas.filter((r) => !a.addingReplicas.includes(r));
}

/** TRS: the replicas once the reassignment is done. */
export function targetReplicas(a: ReplicaAssignment): number[] {
  return a.replicas.filter((r) => !a.removingReplicas.includes(r));
}

export function isBeingReassigned(a: ReplicaAssignment): boolean {
  return a.addingReplicas.length > 0 || a.removingReplicas.length > 0;
}

/** Kafka's ReplicaAssignment.reassignTo: RS = distinct(TRS ++ ORS), AR = RS − ORS, RR = RS − TRS. */
export function reassignTo(a: ReplicaAssignment, target: readonly number[]): ReplicaAssignment {
  const origin = originReplicas(a);
  const full = [...new Set([...target, ...origin])];
  return {
    replicas: full,
    addingReplicas: full.filter((r) => !origin.includes(r)),
    removingReplicas: full.filter((r) => !target.includes(r)),
  };
}

/** Kafka's ReplicaAssignment.removeReplica. */
export function removeReplica(a: ReplicaAssignment, replica: number): ReplicaAssignment {
  return {
    replicas: a.replicas.filter((r) => r !== replica),
    addingReplicas: a.addingReplicas.filter((r) => r !== replica),
    removingReplicas: a.removingReplicas.filter((r) => r !== replica),
  };
}

export function sameAssignment(a: ReplicaAssignment, b: ReplicaAssignment): boolean {
  const eq = (x: readonly number[], y: readonly number[]): boolean => x.length === y.length && x.every((v, i) => v === y[i]);
  return eq(a.replicas, b.replicas) && eq(a.addingReplicas, b.addingReplicas) && eq(a.removingReplicas, b.removingReplicas);
}

export function formatAssignment(a: ReplicaAssignment): string {
  return `ReplicaAssignment(replicas=${a.replicas.join(',')}, addingReplicas=${a.addingReplicas.join(',')}, removingReplicas=${a.removingReplicas.join(',')})`;
}
