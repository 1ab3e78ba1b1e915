/**
 * Kafka's DelayedHeartbeat (heartbeat purgatory, key `<group>-<member>`): one per member, re-armed
 * on every heartbeat (and join/sync/commit) with the member's session timeout; completes when the
 * member heartbeats or is gone, and on expiry removes the member (rebalancing the group). For a
 * pending member (KIP-394, member id handed out but not yet used) it removes the pending id.
 */
import { DelayedOperation } from '../../common/delayed-operation.js';
import type { GroupMetadata } from './group-metadata.js';

export interface HeartbeatCallbacks {
  tryCompleteHeartbeat(group: GroupMetadata, memberId: string, isPending: boolean, forceComplete: () => boolean): boolean;
  onExpireHeartbeat(group: GroupMetadata, memberId: string, isPending: boolean): void;
}

export class DelayedHeartbeat extends DelayedOperation {
  constructor(private readonly coordinator: HeartbeatCallbacks, private readonly group: GroupMetadata,
    private readonly memberId: string, private readonly isPending: boolean, timeoutMs: number) {
    super(timeoutMs);
  }

  tryComplete(): boolean {
    return this.coordinator.tryCompleteHeartbeat(this.group, this.memberId, this.isPending, () => this.forceComplete());
  }

  onExpiration(): void {
    this.coordinator.onExpireHeartbeat(this.group, this.memberId, this.isPending);
  }

  onComplete(): void {
    // Nothing to answer.
  }
}
