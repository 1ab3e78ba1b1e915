/**
 * Descriptors of segment `.log` files. Kafka keeps one open FileChannel per segment (indexes are
 * mapped, then their descriptors closed), so a broker needs about one descriptor per segment.
 * Here the active segment of each log keeps its descriptor open (every append and most reads use
 * it); an old segment's file is opened when it is read and stays open in a least-recently-used
 * cache of bounded size, so descriptors grow with the number of partitions, not with the number of
 * segments. Reads of old segments are catch-up reads; a cache miss costs one open(2).
 *
 * A descriptor in use by an asynchronous operation (the fsync after a roll) is pinned: eviction
 * and close wait until it is unpinned, so a pending fsync never meets a closed (or reused)
 * descriptor.
 */
import fs from 'node:fs';

/** Old segments' descriptors a broker keeps open by default (beyond one per active segment). */
export const DEFAULT_OPEN_SEGMENT_FILES = 512;

export class CachedFile {
  private fd = -1;
  private pins = 0;
  private active = false;
  private closeWhenUnpinned = false;
  private _closed = false;

  constructor(
    public path: string,
    private readonly cache: FileHandleCache,
    fd = -1,
  ) {
    this.fd = fd;
    if (fd >= 0) cache.touch(this);
  }

  /** The descriptor, opened when needed (throws the open(2) error, e.g. EMFILE). */
  get(): number {
    if (this.fd >= 0 && this.active) return this.fd;
    if (this._closed) throw Object.assign(new Error(`${this.path} is closed`), { code: 'EBADF', syscall: 'read' });
    if (this.fd < 0) this.fd = fs.openSync(this.path, 'r+');
    if (!this.active) this.cache.touch(this);
    return this.fd;
  }

  get isOpen(): boolean {
    return this.fd >= 0;
  }

  get closed(): boolean {
    return this._closed;
  }

  /** The active segment's file is never evicted. */
  setActive(active: boolean): void {
    if (this.active === active || this._closed) return;
    this.active = active;
    if (active) this.cache.remove(this);
    else if (this.fd >= 0) this.cache.touch(this);
  }

  /** The descriptor, kept open until unpin(). */
  pin(): number {
    const fd = this.get();
    this.pins++;
    return fd;
  }

  unpin(): void {
    this.pins--;
    if (this.pins === 0 && this.closeWhenUnpinned) this.closeNow();
  }

  /** Closes the descriptor if nothing pins it (the cache's eviction); true when closed. */
  release(): boolean {
    if (this.pins > 0 || this.active) return false;
    this.closeDescriptor();
    return true;
  }

  /** Closes for good; with pins outstanding the descriptor closes when the last is released. */
  close(): void {
    if (this._closed) return;
    this._closed = true;
    this.cache.remove(this);
    if (this.pins > 0) this.closeWhenUnpinned = true;
    else this.closeNow();
  }

  private closeNow(): void {
    this.closeWhenUnpinned = false;
    this.closeDescriptor();
  }

  private closeDescriptor(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    fs.closeSync(fd);
  }
}

/** An LRU of open, inactive segment files (insertion order of a Map is the recency order). */
export class FileHandleCache {
  private readonly open = new Map<CachedFile, true>();

  constructor(public capacity = DEFAULT_OPEN_SEGMENT_FILES) {}

  /** Descriptors of inactive files currently open. */
  get size(): number {
    return this.open.size;
  }

  touch(f: CachedFile): void {
    this.open.delete(f);
    this.open.set(f, true);
    if (this.open.size > this.capacity) this.evict(f);
  }

  remove(f: CachedFile): void {
    this.open.delete(f);
  }

  /** Closes the least recently used unpinned files, never `keep` (the one being handed out). */
  private evict(keep: CachedFile): void {
    for (const f of this.open.keys()) {
      if (this.open.size <= this.capacity) return;
      if (f !== keep && f.release()) this.open.delete(f);
    }
  }
}

/** The process-wide cache used when a log is given none. */
export const sharedFileHandleCache = new FileHandleCache();
