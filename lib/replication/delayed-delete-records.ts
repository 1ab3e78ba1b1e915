/**
 * Kafka's DelayedDeleteRecords: a DeleteRecords request waits until, for each partition, the low
 * watermark (smallest log start offset over the live replicas) reached the requested offset, the
 * partition failed, or the request timed out (REQUEST_TIMED_OUT for the unfinished partitions).
 */
import { DelayedOperation } from '../common/delayed-operation.js';
import { Errors } from '../protocol/errors.js';
import type { Partition } from '../cluster/partition.js';
import type { TopicPartition } from '../common/topic-partition.js';

export interface DeleteRecordsStatus {
  tp: TopicPartition;
  requiredOffset: bigint;
  lowWatermark: bigint;
  errorCode: number;
  pending: boolean;
}

export class DelayedDeleteRecords extends DelayedOperation {
  constructor(
    delayMs: number,
    private readonly status: Map<string, DeleteRecordsStatus>,
    private readonly partitionFor: (key: string) => Partition | undefined,
    private readonly respond: () => void,
  ) {
    super(delayMs);
  }

  tryComplete(): boolean {
    for (const [key, s] of this.status) {
      if (!s.pending) continue;
      const p = this.partitionFor(key);
      if (!p || !p.isLeader || !p.localLogOrNull) {
        s.pending = false;
        s.errorCode = Errors.NOT_LEADER_OR_FOLLOWER.code;
        continue;
      }
      s.lowWatermark = p.lowWatermarkIfLeader();
      if (s.lowWatermark >= s.requiredOffset) s.pending = false;
    }
    return [...this.status.values()].every((s) => !s.pending) ? this.forceComplete() : false;
  }

  onExpiration(): void {}

  onComplete(): void {
    for (const s of this.status.values()) {
      if (s.pending) {
        s.pending = false;
        s.errorCode = Errors.REQUEST_TIMED_OUT.code;
      }
      if (s.errorCode !== Errors.NONE.code) s.lowWatermark = -1n;
    }
    this.respond();
  }
}
