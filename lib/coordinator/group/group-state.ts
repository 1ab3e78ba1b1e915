/**
 * The classic group state machine (Kafka's GroupState in GroupMetadata.scala) as a table: each
 * state lists the states it may be entered from. GroupMetadata.transitionTo asserts against it and
 * logs the change on the `state.change` logger.
 *
 *   Empty ──join──▶ PreparingRebalance ──all joined / rebalance timeout──▶ CompletingRebalance
 *     ▲                 ▲  │ (no members left)                                  │ leader's SyncGroup
 *     └─────────────────┼──┘                                                    ▼ stored
 *                       └──── member joins/leaves/fails, leader rejoins ──── Stable
 *   any state ──unload / delete / expiry──▶ Dead
 */
export const GroupState = {
  Empty: 'Empty',
  PreparingRebalance: 'PreparingRebalance',
  CompletingRebalance: 'CompletingRebalance',
  Stable: 'Stable',
  Dead: 'Dead',
} as const;
export type GroupState = (typeof GroupState)[keyof typeof GroupState];

/**
 * What each state allows and its exits, as Kafka documents them:
 * - PreparingRebalance: heartbeats and SyncGroup answer REBALANCE_IN_PROGRESS; JoinGroups are parked
 *   until every known member rejoined (or the rebalance timeout); commits of the current generation
 *   are still accepted. → CompletingRebalance, Empty (nobody rejoined), Dead.
 * - CompletingRebalance: waiting for the leader's assignment; followers' SyncGroups are parked;
 *   commits answer REBALANCE_IN_PROGRESS. → Stable, PreparingRebalance, Dead.
 * - Stable: normal heartbeats; SyncGroup returns the current assignment. → PreparingRebalance, Dead.
 * - Empty: no members; offsets linger until they expire. → PreparingRebalance, Dead.
 * - Dead: metadata is being removed; final.
 */
export const VALID_PREVIOUS_STATES: Readonly<Record<GroupState, ReadonlySet<GroupState>>> = {
  PreparingRebalance: new Set<GroupState>(['Stable', 'CompletingRebalance', 'Empty']),
  CompletingRebalance: new Set<GroupState>(['PreparingRebalance']),
  Stable: new Set<GroupState>(['CompletingRebalance']),
  Dead: new Set<GroupState>(['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead']),
  Empty: new Set<GroupState>(['PreparingRebalance']),
};

/** Thrown on a transition the table does not allow (a coordinator bug, never a client error). */
export class IllegalGroupStateTransition extends Error {
  constructor(readonly groupId: string, readonly from: GroupState, readonly to: GroupState) {
    super(`Group ${groupId} should be in the ${[...VALID_PREVIOUS_STATES[to]].join(',')} states before moving to ${to} state. Instead it is in ${from} state`);
  }
}

export function isValidTransition(from: GroupState, to: GroupState): boolean {
  return VALID_PREVIOUS_STATES[to].has(from);
}

/** Case-insensitive state name → GroupState (ListGroups' states filter); undefined for unknown names. */
export function parseGroupState(name: string): GroupState | undefined {
  const lower = name.toLowerCase();
  return (Object.values(GroupState) as GroupState[]).find((s) => s.toLowerCase() === lower);
}
