/**
 * Kafka's DelayedFetch: a fetch that could not fill fetch.min.bytes waits here until enough new
 * bytes are readable for it (log end for followers, high watermark for consumers), a partition
 * changes leadership or errors, or max wait passes — then it is read again and answered.
 */
import { DelayedOperation } from '../common/delayed-operation.js';
import type { FetchIsolation, Partition } from '../cluster/partition.js';
import type { LogOffsetMetadata } from '../log/log.js';

export interface FetchPartitionWait {
  key: string;
  fetchOffset: bigint;
  /** Leader epoch of the partition when the fetch arrived. */
  leaderEpoch: number;
  /** Where fetchOffset lies in the log (from the first read), to count new bytes by position. */
  fetchOffsetMetadata: LogOffsetMetadata;
}

export class DelayedFetch extends DelayedOperation {
  constructor(
    delayMs: number,
    private readonly minBytes: number,
    private readonly isolation: FetchIsolation,
    private readonly partitions: FetchPartitionWait[],
    private readonly partitionFor: (key: string) => Partition | undefined,
    private readonly complete: () => void,
    /** Kafka's shouldLeaderThrottle for this fetch: a throttled partition's new bytes do not count. */
    private readonly throttled: (partition: Partition) => boolean = () => false,
  ) {
    super(delayMs);
  }

  tryComplete(): boolean {
    let accumulated = 0;
    for (const p of this.partitions) {
      const partition = this.partitionFor(p.key);
      // Leadership moved or the partition went away: answer now so the client finds out.
      if (!partition || !partition.localLogOrNull || partition.leaderEpoch !== p.leaderEpoch) return this.forceComplete();
      const end = partition.fetchUpperBound(this.isolation);
      if (end < p.fetchOffset) return this.forceComplete(); // truncated below the fetch position
      if (end > p.fetchOffset && !this.throttled(partition)) {
        accumulated += bytesAvailable(partition, p.fetchOffsetMetadata, this.minBytes);
        if (accumulated >= this.minBytes) return this.forceComplete();
      }
    }
    return false;
  }

  onExpiration(): void {}

  onComplete(): void {
    this.complete();
  }
}

/**
 * New bytes after the fetch position (Kafka compares offset metadata positions): exact when the log
 * end is in the same segment; a whole min.bytes' worth when a segment rolled in between.
 */
function bytesAvailable(partition: Partition, from: LogOffsetMetadata, minBytes: number): number {
  const end = partition.localLogOrNull?.logEndOffsetMetadata;
  if (!end) return 0;
  if (end.segmentBaseOffset !== from.segmentBaseOffset) return minBytes;
  return Math.max(1, end.relativePositionInSegment - from.relativePositionInSegment);
}
