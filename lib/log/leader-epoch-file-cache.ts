/**
 * Kafka's `LeaderEpochFileCache`: the start offset of each leader epoch in this replica's log,
 * persisted in the partition's `leader-epoch-checkpoint`. Serves OffsetsForLeaderEpoch
 * (`endOffsetFor`) and is truncated with the log.
 */
import { type LeaderEpochCheckpointFile, type EpochEntry } from './checkpoint-file.js';

export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1n;

export class LeaderEpochFileCache {
  private epochs: EpochEntry[];

  constructor(readonly checkpoint: LeaderEpochCheckpointFile) {
    this.epochs = checkpoint.read().sort((a, b) => a.epoch - b.epoch);
  }

  entries(): EpochEntry[] {
    return this.epochs.map((e) => ({ ...e }));
  }

  latestEntry(): EpochEntry | undefined {
    return this.epochs[this.epochs.length - 1];
  }

  latestEpoch(): number | undefined {
    return this.latestEntry()?.epoch;
  }

  earliestEntry(): EpochEntry | undefined {
    return this.epochs[0];
  }

  /**
   * Records that `epoch` starts at `startOffset`. Ignored unless the epoch is new or starts
   * earlier than recorded; entries that conflict (epoch >= it or start >= it) are removed first.
   */
  assign(epoch: number, startOffset: bigint): void {
    if (epoch < 0) return;
    const latest = this.latestEntry();
    if (latest && latest.epoch === epoch && latest.startOffset <= startOffset) return;
    this.epochs = this.epochs.filter((e) => e.epoch < epoch && e.startOffset < startOffset);
    this.epochs.push({ epoch, startOffset });
    this.flush();
  }

  /**
   * (epoch, end offset) for a follower's OffsetsForLeaderEpoch: the end offset of the largest
   * epoch <= requestedEpoch is the start offset of the next higher epoch, or the log end offset
   * for the latest epoch.
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: bigint): { epoch: number; endOffset: bigint } {
    if (requestedEpoch === UNDEFINED_EPOCH) return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    const latest = this.latestEntry();
    if (latest && latest.epoch === requestedEpoch) return { epoch: requestedEpoch, endOffset: logEndOffset };
    const higher = this.epochs.find((e) => e.epoch > requestedEpoch);
    if (!higher) return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    let floor: EpochEntry | undefined;
    for (const e of this.epochs) if (e.epoch <= requestedEpoch) floor = e;
    return floor ? { epoch: floor.epoch, endOffset: higher.startOffset } : { epoch: requestedEpoch, endOffset: higher.startOffset };
  }

  /** Removes entries starting at or after `endOffset` (log truncated to endOffset). */
  truncateFromEnd(endOffset: bigint): void {
    const kept = this.epochs.filter((e) => e.startOffset < endOffset);
    if (kept.length === this.epochs.length) return;
    this.epochs = kept;
    this.flush();
  }

  /**
   * Drops entries wholly before `startOffset`; the entry covering it is moved to start there
   * (log start offset advanced).
   */
  truncateFromStart(startOffset: bigint): void {
    let idx = -1;
    for (let i = 0; i < this.epochs.length; i++) if (this.epochs[i]!.startOffset <= startOffset) idx = i;
    if (idx < 0) return;
    if (idx === 0 && this.epochs[0]!.startOffset === startOffset) return;
    const kept = this.epochs.slice(idx);
    kept[0] = { epoch: kept[0]!.epoch, startOffset };
    this.epochs = kept;
    this.flush();
  }

  /** The epoch of the largest entry starting at or before `offset`. */
  epochForOffset(offset: bigint): number | undefined {
    let epoch: number | undefined;
    for (const e of this.epochs) if (e.startOffset <= offset) epoch = e.epoch;
    return epoch;
  }

  clearAndFlush(): void {
    this.epochs = [];
    this.flush();
  }

  flush(): void {
    this.checkpoint.write(this.epochs);
  }
}
