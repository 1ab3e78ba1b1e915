/**
 * Shared machinery of Kafka's `AbstractIndex` without mmap (Node has none): the entries live in
 * an in-memory Buffer mirrored to the file with positional writes. Like Kafka, a new index file
 * is preallocated to `segment.index.bytes` rounded down to a whole number of entries (a sparse
 * file) and trimmed to its valid entries on roll and on close, so a closed index file holds
 * exactly `entries × entrySize` bytes.
 *
 * No descriptor is held between operations: each write, trim or fsync opens the file and closes
 * it again (entries reach the file in groups, so this is one open per PENDING_LIMIT entries), so
 * a broker's descriptors do not grow with its number of segments (Kafka closes an index's
 * descriptor once it is mapped, for the same reason).
 *
 * An index that was not trimmed (the broker crashed) still carries its zero-filled preallocated
 * tail; on open the valid entries are the monotonic prefix, and `sanityCheck` reports anything
 * non-zero after it as corruption (the caller then rebuilds the index from the segment).
 */
import fs from 'node:fs';
import { CorruptIndexError } from './errors.js';

const PENDING_LIMIT = 64;

/** Runs `fn` with a descriptor of `file`, closed afterwards. */
function withFile<T>(file: string, flags: string, fn: (fd: number) => T): T {
  const fd = fs.openSync(file, flags);
  try {
    return fn(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export abstract class AbstractIndex {
  private closed = false;
  protected buf: Buffer;
  protected _entries = 0;
  protected _maxEntries: number;
  /** Bytes currently on disk (preallocated or trimmed length). */
  protected fileLength: number;
  private tailIsClean = true;
  /** First entry not yet written to the file (entries are written in groups, see commitEntry). */
  private pendingFrom = 0;

  constructor(
    public file: string,
    readonly baseOffset: number,
    protected maxIndexSize: number,
    readonly entrySize: number,
  ) {
    let existed = fs.existsSync(file);
    let length = existed ? fs.statSync(file).size : 0;
    if (!existed || length === 0) {
      existed = false;
      length = this.roundDown(maxIndexSize);
      withFile(file, 'w+', (fd) => fs.ftruncateSync(fd, length));
    }
    this.fileLength = length;
    this._maxEntries = Math.floor(maxIndexSize / entrySize);
    this.buf = Buffer.alloc(entrySize * 64);
    if (existed) withFile(file, 'r', (fd) => this.loadEntries(fd, length));
  }

  /**
   * Reads the file in chunks: entries while they stay monotonic, then checks that whatever
   * follows (a preallocated tail) is all zeros. Memory grows only with the valid entries.
   */
  private loadEntries(fd: number, length: number): void {
    const es = this.entrySize;
    const whole = Math.floor(length / es);
    const chunk = Buffer.alloc(es * 8192);
    let pos = 0;
    let n = 0;
    let valid = true;
    while (pos < length) {
      const got = fs.readSync(fd, chunk, 0, Math.min(chunk.length, length - pos), pos);
      if (got <= 0) break;
      let i = 0;
      while (valid && i + es <= got && n < whole) {
        this.ensureCapacity();
        chunk.copy(this.buf, n * es, i, i + es);
        this._entries = n;
        if (!this.isValidNext(n)) {
          valid = false;
          break;
        }
        n++;
        this._entries = n;
        i += es;
      }
      if (!valid || n >= whole) {
        for (let k = i; k < got; k++) {
          if (chunk[k] !== 0) {
            this.tailIsClean = false;
            break;
          }
        }
        if (!this.tailIsClean) break;
      }
      pos += got;
    }
    this.buf.fill(0, n * es);
    this._entries = n;
    this.pendingFrom = n;
    if (length % es !== 0 && this.tailIsClean) {
      // A partial trailing entry is only harmless if it is zeros (checked above); the file
      // length itself still marks the index as not cleanly trimmed.
      this.tailIsClean = false;
    }
  }

  /** Whether entry `n` continues the strictly increasing sequence of entries 0..n-1. */
  protected abstract isValidNext(n: number): boolean;

  protected roundDown(n: number): number {
    return n - (n % this.entrySize);
  }

  get entries(): number {
    return this._entries;
  }

  get maxEntries(): number {
    return this._maxEntries;
  }

  isFull(): boolean {
    return this._entries >= this._maxEntries;
  }

  /** Bytes of valid entries. */
  sizeInBytes(): number {
    return this._entries * this.entrySize;
  }

  /** Throws CorruptIndexError when the file holds bytes that are not valid entries. */
  sanityCheck(): void {
    if (!this.tailIsClean) {
      throw new CorruptIndexError(`Index file ${this.file} has ${this.fileLength} bytes with garbage after its ${this._entries} valid entries`);
    }
  }

  /**
   * Accepts one encoded entry (already in this.buf at the slot). Entries reach the file in
   * groups of PENDING_LIMIT, and on flush, trim, truncate and close: lookups use the in-memory
   * copy, and after a crash every unflushed segment's index is rebuilt by recovery anyway, so
   * writing each 8/12-byte entry with its own syscall (Kafka writes to an mmap) buys nothing.
   */
  protected commitEntry(): void {
    this._entries++;
    const end = this._entries * this.entrySize;
    if (end > this.fileLength) this.fileLength = end;
    if (this._entries - this.pendingFrom >= PENDING_LIMIT) this.writePending();
  }

  /** Writes entries not yet in the file. */
  writePending(): void {
    if (this.pendingFrom >= this._entries || this.closed) {
      this.pendingFrom = Math.min(this.pendingFrom, this._entries);
      return;
    }
    const from = this.pendingFrom * this.entrySize;
    const len = this._entries * this.entrySize - from;
    withFile(this.file, 'r+', (fd) => fs.writeSync(fd, this.buf, from, len, from));
    this.pendingFrom = this._entries;
  }

  protected ensureCapacity(): void {
    const need = (this._entries + 1) * this.entrySize;
    if (need > this.buf.length) {
      const next = Buffer.alloc(Math.max(need, this.buf.length * 2));
      this.buf.copy(next, 0, 0, this._entries * this.entrySize);
      this.buf = next;
    }
  }

  /** Drops every entry from slot `n` on (in memory and on disk, keeping the file length). */
  protected truncateToEntries(n: number): void {
    if (n >= this._entries) return;
    this.writePending();
    const from = n * this.entrySize;
    const to = this._entries * this.entrySize;
    this.buf.fill(0, from, to);
    withFile(this.file, 'r+', (fd) => fs.writeSync(fd, this.buf, from, to - from, from));
    this._entries = n;
    this.pendingFrom = n;
  }

  /** Removes all entries. */
  reset(): void {
    this.truncateToEntries(0);
    this.tailIsClean = true;
  }

  /** Sets the file length (Kafka's resize); used to preallocate the active segment's index again. */
  resize(newSize: number): void {
    this.writePending();
    const len = Math.max(this.roundDown(newSize), this.sizeInBytes());
    fs.truncateSync(this.file, len);
    this.fileLength = len;
    this._maxEntries = Math.max(Math.floor(newSize / this.entrySize), this._entries);
    if (len > this.sizeInBytes()) {
      // Anything beyond the valid entries reads as zeros after a truncate+extend.
      this.tailIsClean = true;
    }
  }

  /** Shrinks the file to exactly its valid entries (done on roll and close). */
  trimToValidSize(): void {
    this.writePending();
    if (this.fileLength !== this.sizeInBytes() || fs.statSync(this.file).size !== this.sizeInBytes()) fs.truncateSync(this.file, this.sizeInBytes());
    this.fileLength = this.sizeInBytes();
    this.tailIsClean = true;
  }

  flush(): void {
    if (this.closed) return;
    this.writePending();
    withFile(this.file, 'r+', (fd) => fs.fsyncSync(fd));
  }

  /** fsync in the libuv pool (used for the background flush after a roll) on a descriptor of its own. */
  async flushAsync(): Promise<void> {
    if (this.closed) return;
    this.writePending();
    const fd = fs.openSync(this.file, 'r+');
    try {
      await new Promise<void>((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())));
    } finally {
      fs.closeSync(fd);
    }
  }

  close(): void {
    if (this.closed) return;
    this.trimToValidSize();
    this.closed = true;
  }

  /** Stops writing to the file, without trimming (before deleting, on a failed dir, or a simulated crash). */
  closeHandler(): void {
    if (this.closed) return;
    try {
      this.writePending();
    } finally {
      this.closed = true;
    }
  }

  renameTo(newFile: string): void {
    fs.renameSync(this.file, newFile);
    this.file = newFile;
  }

  deleteIfExists(): boolean {
    this.closeHandler();
    try {
      fs.unlinkSync(this.file);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  /** Largest slot whose key is <= target, or -1. `keyAt` reads the search key of a slot. */
  protected largestLowerBoundSlot(target: number, keyAt: (slot: number) => number): number {
    if (this._entries === 0 || keyAt(0) > target) return -1;
    let lo = 0;
    let hi = this._entries - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (keyAt(mid) <= target) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
