/**
 * Kafka's `OffsetIndex` (`<baseOffset>.index`): a sparse map from offset to the byte position of
 * the batch holding it. Each 8-byte entry is the offset relative to the segment's base offset
 * (int32 big-endian) followed by the physical position in the `.log` file (int32 big-endian).
 * Entries are strictly increasing in both fields.
 */
import { AbstractIndex } from './abstract-index.js';
import { CorruptIndexError, InvalidOffsetError } from './errors.js';

export const OFFSET_INDEX_ENTRY_SIZE = 8;

export interface OffsetPosition {
  offset: number;
  position: number;
}

export class OffsetIndex extends AbstractIndex {
  constructor(file: string, baseOffset: number, maxIndexSize = 10 * 1024 * 1024) {
    super(file, baseOffset, maxIndexSize, OFFSET_INDEX_ENTRY_SIZE);
  }

  protected isValidNext(n: number): boolean {
    if (n === 0) return true;
    const p = (n - 1) * 8;
    const q = n * 8;
    return this.buf.readInt32BE(q) > this.buf.readInt32BE(p) && this.buf.readInt32BE(q + 4) > this.buf.readInt32BE(p + 4);
  }

  private relativeOffsetAt(slot: number): number {
    return this.buf.readInt32BE(slot * 8);
  }

  private positionAt(slot: number): number {
    return this.buf.readInt32BE(slot * 8 + 4);
  }

  entry(slot: number): OffsetPosition {
    return { offset: this.baseOffset + this.relativeOffsetAt(slot), position: this.positionAt(slot) };
  }

  /** The last offset indexed, or the base offset when empty. */
  get lastOffset(): number {
    return this._entries === 0 ? this.baseOffset : this.baseOffset + this.relativeOffsetAt(this._entries - 1);
  }

  override sanityCheck(): void {
    super.sanityCheck();
    if (this._entries > 0 && this.relativeOffsetAt(0) < 0) {
      throw new CorruptIndexError(`Corrupt index ${this.file}: first entry offset is below base offset ${this.baseOffset}`);
    }
  }

  /** Validates entries against the segment's log size: no entry may point past it. */
  checkPositionsWithin(logSize: number): void {
    if (this._entries > 0 && this.positionAt(this._entries - 1) >= logSize) {
      throw new CorruptIndexError(`Corrupt index ${this.file}: last entry position ${this.positionAt(this._entries - 1)} >= log size ${logSize}`);
    }
  }

  /** Kafka's append: offset must exceed the last indexed offset; the index must not be full. */
  append(offset: number, position: number): void {
    if (this.isFull()) throw new InvalidOffsetError(`Attempt to append to a full index ${this.file}`);
    if (this._entries > 0 && offset <= this.lastOffset) {
      throw new InvalidOffsetError(`Attempt to append offset ${offset} to index ${this.file} whose last offset is ${this.lastOffset}`);
    }
    const rel = offset - this.baseOffset;
    if (rel < 0 || rel > 0x7fffffff) throw new InvalidOffsetError(`Offset ${offset} does not fit relative to ${this.baseOffset}`);
    this.ensureCapacity();
    const p = this._entries * 8;
    this.buf.writeInt32BE(rel, p);
    this.buf.writeInt32BE(position, p + 4);
    this.commitEntry();
  }

  /** The entry with the largest offset <= target, or (baseOffset, 0) when there is none. */
  lookup(targetOffset: number): OffsetPosition {
    const slot = this.largestLowerBoundSlot(targetOffset - this.baseOffset, (s) => this.relativeOffsetAt(s));
    return slot < 0 ? { offset: this.baseOffset, position: 0 } : this.entry(slot);
  }

  /** Removes entries with offset >= `offset`. */
  truncateTo(offset: number): void {
    const slot = this.largestLowerBoundSlot(offset - this.baseOffset, (s) => this.relativeOffsetAt(s));
    const n = slot < 0 ? 0 : this.relativeOffsetAt(slot) + this.baseOffset === offset ? slot : slot + 1;
    this.truncateToEntries(n);
  }
}
