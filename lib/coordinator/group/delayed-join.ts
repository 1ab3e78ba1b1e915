/**
 * Kafka's DelayedJoin and InitialDelayedJoin (rebalance purgatory, key `join-<group>`).
 *
 * DelayedJoin: parked while the group is PreparingRebalance; completes as soon as every known
 * member (and no pending member) has rejoined, or when the rebalance timeout (the largest of the
 * members' rebalance.timeout.ms) expires — then members that did not rejoin are dropped.
 *
 * InitialDelayedJoin: the first rebalance of an Empty group waits group.initial.rebalance.delay.ms
 * and, while new members keep arriving, waits again (each time at most the configured delay and
 * never past the rebalance timeout) so a group starting many consumers rebalances once.
 */
import { DelayedOperation, groupJoinKey } from '../../common/delayed-operation.js';
import type { DelayedOperationPurgatory } from '../../common/delayed-operation-purgatory.js';
import type { GroupMetadata } from './group-metadata.js';

/** What the delayed rebalance operations call back into (GroupCoordinator). */
export interface RebalanceCallbacks {
  tryCompleteJoin(group: GroupMetadata, forceComplete: () => boolean): boolean;
  onCompleteJoin(group: GroupMetadata): void;
  tryCompletePendingSync(group: GroupMetadata, generationId: number, forceComplete: () => boolean): boolean;
  onExpirePendingSync(group: GroupMetadata, generationId: number): void;
}

export class DelayedJoin extends DelayedOperation {
  constructor(protected readonly coordinator: RebalanceCallbacks, protected readonly group: GroupMetadata, rebalanceTimeoutMs: number) {
    super(rebalanceTimeoutMs);
  }

  tryComplete(): boolean {
    return this.coordinator.tryCompleteJoin(this.group, () => this.forceComplete());
  }

  onExpiration(): void {
    // Members that did not rejoin are removed by onCompleteJoin.
  }

  onComplete(): void {
    this.coordinator.onCompleteJoin(this.group);
  }
}

export class InitialDelayedJoin extends DelayedJoin {
  constructor(
    coordinator: RebalanceCallbacks,
    private readonly purgatory: DelayedOperationPurgatory<DelayedOperation>,
    group: GroupMetadata,
    private readonly configuredRebalanceDelay: number,
    delayMs: number,
    private readonly remainingMs: number,
  ) {
    super(coordinator, group, delayMs);
  }

  override tryComplete(): boolean {
    return false;
  }

  override onComplete(): void {
    if (this.group.newMemberAdded && this.remainingMs !== 0) {
      this.group.newMemberAdded = false;
      const delay = Math.min(this.configuredRebalanceDelay, this.remainingMs);
      const remaining = Math.max(this.remainingMs - this.delayMs, 0);
      this.purgatory.tryCompleteElseWatch(
        new InitialDelayedJoin(this.coordinator, this.purgatory, this.group, this.configuredRebalanceDelay, delay, remaining),
        [groupJoinKey(this.group.groupId)],
      );
    } else {
      super.onComplete();
    }
  }
}

/**
 * Kafka's DelayedSync (Kafka 3.2+): after a rebalance, members that do not
 * send SyncGroup within the rebalance timeout are removed and the group rebalances again.
 */
export class DelayedSync extends DelayedOperation {
  constructor(private readonly coordinator: RebalanceCallbacks, private readonly group: GroupMetadata,
    private readonly generationId: number, rebalanceTimeoutMs: number) {
    super(rebalanceTimeoutMs);
  }

  tryComplete(): boolean {
    return this.coordinator.tryCompletePendingSync(this.group, this.generationId, () => this.forceComplete());
  }

  onExpiration(): void {
    this.coordinator.onExpirePendingSync(this.group, this.generationId);
  }

  onComplete(): void {
    // Nothing to answer: the expiration does the work.
  }
}
