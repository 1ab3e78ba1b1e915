/**
 * Kafka's `TimeIndex` (`<baseOffset>.timeindex`): a sparse map from timestamp to offset. Each
 * 12-byte entry is a timestamp (int64 big-endian, ms) followed by the offset relative to the
 * segment's base offset (int32 big-endian). Timestamps are strictly increasing; an entry
 * (t, o) records that t was the largest timestamp seen up to offset o, so a lookup for t' starts
 * scanning at the entry with the largest timestamp <= t'.
 */
import { AbstractIndex } from './abstract-index.js';
import { CorruptIndexError, InvalidOffsetError } from './errors.js';

export const TIME_INDEX_ENTRY_SIZE = 12;

export interface TimestampOffset {
  timestamp: number;
  offset: number;
}

export class TimeIndex extends AbstractIndex {
  constructor(file: string, baseOffset: number, maxIndexSize = 10 * 1024 * 1024) {
    super(file, baseOffset, maxIndexSize, TIME_INDEX_ENTRY_SIZE);
  }

  protected isValidNext(n: number): boolean {
    if (n === 0) return true;
    const p = (n - 1) * 12;
    const q = n * 12;
    return this.buf.readBigInt64BE(q) > this.buf.readBigInt64BE(p) && this.buf.readInt32BE(q + 8) >= this.buf.readInt32BE(p + 8);
  }

  private timestampAt(slot: number): number {
    return Number(this.buf.readBigInt64BE(slot * 12));
  }

  private relativeOffsetAt(slot: number): number {
    return this.buf.readInt32BE(slot * 12 + 8);
  }

  entry(slot: number): TimestampOffset {
    return { timestamp: this.timestampAt(slot), offset: this.baseOffset + this.relativeOffsetAt(slot) };
  }

  /** The last entry, or (-1, baseOffset) when empty (Kafka's RecordBatch.NO_TIMESTAMP). */
  lastEntry(): TimestampOffset {
    return this._entries === 0 ? { timestamp: -1, offset: this.baseOffset } : this.entry(this._entries - 1);
  }

  /** Kafka's TimeIndex.isFull: one slot is kept for the entry written when the segment rolls. */
  override isFull(): boolean {
    return this._entries >= this._maxEntries - 1;
  }

  override sanityCheck(): void {
    super.sanityCheck();
    if (this._entries > 0 && this.relativeOffsetAt(this._entries - 1) < 0) {
      throw new CorruptIndexError(`Corrupt time index ${this.file}: last offset below base offset ${this.baseOffset}`);
    }
  }

  /** Validates entries against the segment: no entry may name an offset beyond it. */
  checkOffsetsWithin(lastOffsetInSegment: number): void {
    if (this._entries > 0 && this.lastEntry().offset > lastOffsetInSegment) {
      throw new CorruptIndexError(`Corrupt time index ${this.file}: entry offset ${this.lastEntry().offset} > last offset ${lastOffsetInSegment}`);
    }
  }

  /**
   * Appends (timestamp, offset) when timestamp exceeds the last entry's; `skipFullCheck` is set
   * when the segment becomes inactive, which may use the slot kept free for it.
   */
  maybeAppend(timestamp: number, offset: number, skipFullCheck = false): void {
    if (!skipFullCheck && this.isFull()) throw new InvalidOffsetError(`Attempt to append to a full time index ${this.file}`);
    if (this._entries >= this._maxEntries) return;
    const last = this.lastEntry();
    if (this._entries > 0 && offset < last.offset) {
      throw new InvalidOffsetError(`Attempt to append offset ${offset} to time index ${this.file} whose last offset is ${last.offset}`);
    }
    if (timestamp <= last.timestamp) return;
    const rel = offset - this.baseOffset;
    if (rel < 0 || rel > 0x7fffffff) throw new InvalidOffsetError(`Offset ${offset} does not fit relative to ${this.baseOffset}`);
    this.ensureCapacity();
    const p = this._entries * 12;
    this.buf.writeBigInt64BE(BigInt(timestamp), p);
    this.buf.writeInt32BE(rel, p + 8);
    this.commitEntry();
  }

  /** The entry with the largest timestamp <= target, or (-1, baseOffset) when there is none. */
  lookup(targetTimestamp: number): TimestampOffset {
    const slot = this.largestLowerBoundSlot(targetTimestamp, (s) => this.timestampAt(s));
    return slot < 0 ? { timestamp: -1, offset: this.baseOffset } : this.entry(slot);
  }

  /** Removes entries with offset >= `offset`. */
  truncateTo(offset: number): void {
    let n = this._entries;
    while (n > 0 && this.baseOffset + this.relativeOffsetAt(n - 1) >= offset) n--;
    this.truncateToEntries(n);
  }
}
