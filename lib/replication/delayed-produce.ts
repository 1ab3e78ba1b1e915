/**
 * Kafka's DelayedProduce: an acks=all produce waits here until, for every partition it appended
 * to, the high watermark reached the end of its append (or the partition failed / leadership
 * moved), or until the request timeout, when the unfinished partitions answer REQUEST_TIMED_OUT.
 */
import { DelayedOperation } from '../common/delayed-operation.js';
import { Errors } from '../protocol/errors.js';
import type { Partition } from '../cluster/partition.js';

export interface ProducePartitionStatus {
  /** Offset the high watermark must reach: last appended offset + 1. */
  requiredOffset: bigint;
  errorCode: number;
  baseOffset: bigint;
  logAppendTime: bigint;
  logStartOffset: bigint;
  errorMessage: string | null;
  /** Per-record errors (Produce v8+ record_errors) when the batch was rejected. */
  recordErrors?: Array<{ batchIndex: number; message: string }>;
  /** Still waiting for replication. */
  acksPending: boolean;
}

export class DelayedProduce extends DelayedOperation {
  constructor(
    delayMs: number,
    private readonly status: Map<string, ProducePartitionStatus>,
    private readonly partitionFor: (key: string) => Partition | undefined,
    private readonly respond: (status: Map<string, ProducePartitionStatus>) => void,
    /** The error for a partition no longer hosted here (KAFKA_STORAGE_ERROR when its dir failed). */
    private readonly missingPartitionError: (key: string) => number = () => Errors.UNKNOWN_TOPIC_OR_PARTITION.code,
  ) {
    super(delayMs);
  }

  tryComplete(): boolean {
    for (const [key, s] of this.status) {
      if (!s.acksPending) continue;
      const partition = this.partitionFor(key);
      const { done, errorCode } = partition
        ? partition.checkEnoughReplicasReachOffset(s.requiredOffset)
        : { done: true, errorCode: this.missingPartitionError(key) };
      if (done) {
        s.acksPending = false;
        s.errorCode = errorCode;
      }
    }
    if ([...this.status.values()].every((s) => !s.acksPending)) return this.forceComplete();
    return false;
  }

  onExpiration(): void {}

  onComplete(): void {
    for (const s of this.status.values()) {
      if (s.acksPending) {
        s.acksPending = false;
        s.errorCode = Errors.REQUEST_TIMED_OUT.code;
      }
      if (s.errorCode !== Errors.NONE.code) s.baseOffset = -1n;
    }
    this.respond(this.status);
  }
}
