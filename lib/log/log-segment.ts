/**
 * Kafka's `LogSegment`: one `.log` file of record batches stored exactly as produced (after
 * offset assignment), with its `.index`, `.timeindex` and `.txnindex`. The segment's base offset
 * names the files (20 digits). Appends are positional writes at the end of the file without
 * fsync (Kafka's default: durability from the page cache plus replication; `flush()` is called
 * on roll, on close and by flush.messages / flush.ms).
 *
 * Offsets inside a segment are JS numbers (Log guards the 2^53 bound at its boundary).
 *
 * Descriptors: the `.log` file's descriptor lives in a CachedFile — always open while the segment
 * is active, opened on demand and kept in a bounded LRU while it is old (see file-handle-cache.ts);
 * the indexes hold none between writes. A write cut short (ENOSPC) is rolled back to the last
 * whole batch, and close() trims the file to it as well, so a torn batch never sits in front of
 * later appends.
 */
import fs from 'node:fs';
import { CorruptMessageError } from '../protocol/errors.js';
import {
  LAST_OFFSET_DELTA_OFFSET,
  LENGTH_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  RECORD_BATCH_OVERHEAD,
} from '../record/batch-header.js';
import { iterateRecords, validateRecordBatch } from '../record/record-batch.js';
import { readOffset } from './assign-offsets.js';
import { LogSegmentOffsetOverflowError } from './errors.js';
import { logFile, offsetIndexFile, timeIndexFile, transactionIndexFile } from './log-file-utils.js';
import type { Time } from '../common/time.js';
import { OffsetIndex } from './offset-index.js';
import { TimeIndex } from './time-index.js';
import { TransactionIndex, type TxnIndexSearchResult } from './transaction-index.js';
import { sharedBufferPool } from '../utils/buffer-pool.js';
import { CachedFile, sharedFileHandleCache, type FileHandleCache } from './file-handle-cache.js';

/** Where an offset lives (Kafka's LogOffsetMetadata). */
export interface LogOffsetMetadata {
  messageOffset: bigint;
  segmentBaseOffset: bigint;
  relativePositionInSegment: number;
}

/** Bytes of one read, undecoded (Kafka's FetchDataInfo). */
export interface FetchDataInfo {
  fetchOffsetMetadata: LogOffsetMetadata;
  records: Buffer;
  /** True when maxBytes cut the first batch (only without minOneMessage). */
  firstEntryIncomplete: boolean;
  /** Under read_committed: the aborted transactions overlapping the read (Kafka's FetchDataInfo.abortedTransactions). */
  abortedTransactions?: Array<{ producerId: bigint; firstOffset: bigint }>;
}

/** A batch located by a header scan (Kafka's LogOffsetPosition). */
export interface BatchPosition {
  lastOffset: number;
  position: number;
  size: number;
}

export interface TimestampAndOffset {
  timestamp: bigint;
  offset: bigint;
  leaderEpoch: number | undefined;
}

export interface SegmentOptions {
  indexIntervalBytes: number;
  maxIndexSize: number;
  rollJitterMs?: number;
  clock: Time;
  fileSuffix?: string;
  /** Where the descriptors of old segments are kept (default: the process-wide cache). */
  fileHandleCache?: FileHandleCache;
}

export interface RollParams {
  maxSegmentBytes: number;
  maxSegmentMs: number;
  maxTimestampInMessages: number;
  maxOffsetInMessages: number;
  messagesSize: number;
  now: number;
}

/** Smallest legacy entry (v0 record overhead); anything shorter cannot be a batch. */
const MIN_ENTRY_SIZE = LOG_OVERHEAD + 14;
const HEADER_PROBE = MAX_TIMESTAMP_OFFSET + 8;
const SCAN_WINDOW = 64 * 1024;
const INT32_MAX = 0x7fffffff;

export class LogSegment {
  private readonly file: CachedFile;
  private _size: number;
  private bytesSinceLastIndexEntry = 0;
  private _maxTimestampSoFar: number | undefined;
  private _offsetOfMaxTimestampSoFar = 0;
  private rollingBasedTimestamp: number | undefined;
  private created: number;
  private win = Buffer.alloc(SCAN_WINDOW);
  private winStart = 0;
  private winEnd = 0;
  private closed = false;

  private constructor(
    public logFile: string,
    readonly offsetIndex: OffsetIndex,
    readonly timeIndex: TimeIndex,
    readonly txnIndex: TransactionIndex,
    readonly baseOffset: number,
    readonly indexIntervalBytes: number,
    readonly rollJitterMs: number,
    private clock: Time,
    cache: FileHandleCache,
  ) {
    const fd = fs.openSync(logFile, fs.existsSync(logFile) ? 'r+' : 'w+');
    try {
      this._size = fs.fstatSync(fd).size;
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    this.file = new CachedFile(logFile, cache, fd);
    this.created = clock.milliseconds();
  }

  private get fd(): number {
    return this.file.get();
  }

  /** The log's newest segment keeps its descriptor open; older ones go to the LRU. */
  markActive(active = true): void {
    this.file.setActive(active);
  }

  /** Opens (creating when missing) the segment with the given base offset in `dir`. */
  static open(dir: string, baseOffset: number, opts: SegmentOptions): LogSegment {
    const sfx = opts.fileSuffix ?? '';
    return new LogSegment(
      logFile(dir, baseOffset, sfx),
      new OffsetIndex(offsetIndexFile(dir, baseOffset, sfx), baseOffset, opts.maxIndexSize),
      new TimeIndex(timeIndexFile(dir, baseOffset, sfx), baseOffset, opts.maxIndexSize),
      new TransactionIndex(baseOffset, transactionIndexFile(dir, baseOffset, sfx)),
      baseOffset,
      opts.indexIntervalBytes,
      opts.rollJitterMs ?? 0,
      opts.clock,
      opts.fileHandleCache ?? sharedFileHandleCache,
    );
  }

  get size(): number {
    return this._size;
  }

  /** Throws CorruptIndexError if an index is inconsistent with itself or this segment. */
  sanityCheck(): void {
    this.offsetIndex.sanityCheck();
    this.offsetIndex.checkPositionsWithin(Math.max(this._size, 1));
    this.timeIndex.sanityCheck();
    this.timeIndex.checkOffsetsWithin(Math.max(this.readNextOffset() - 1, this.baseOffset));
    this.txnIndex.sanityCheck();
  }

  canConvertToRelativeOffset(offset: number): boolean {
    const rel = offset - this.baseOffset;
    return rel >= 0 && rel <= INT32_MAX;
  }

  private ensureOffsetInRange(offset: number): void {
    if (!this.canConvertToRelativeOffset(offset)) {
      throw new LogSegmentOffsetOverflowError(`Offset ${offset} cannot be stored relative to base offset ${this.baseOffset} in ${this.logFile}`);
    }
  }

  // ---- header access through a small read window (one pread per 64 KiB while scanning) ----

  private probe(position: number, length: number): Buffer | undefined {
    if (position + length > this._size) return undefined;
    if (position < this.winStart || position + length > this.winEnd) {
      const n = fs.readSync(this.fd, this.win, 0, Math.min(SCAN_WINDOW, this._size - position), position);
      this.winStart = position;
      this.winEnd = position + n;
      if (n < length) return undefined;
    }
    return this.win.subarray(position - this.winStart, position - this.winStart + length);
  }

  private invalidateWindow(): void {
    this.winStart = 0;
    this.winEnd = 0;
  }

  /** Size and last offset of the batch at `position`, from its header only. */
  private batchAt(position: number): BatchPosition | undefined {
    const h = this.probe(position, Math.min(HEADER_PROBE, this._size - position));
    if (!h || h.length < MAGIC_OFFSET + 1) return undefined;
    const size = h.readInt32BE(LENGTH_OFFSET) + LOG_OVERHEAD;
    if (size < MIN_ENTRY_SIZE || position + size > this._size) return undefined;
    const base = readOffset(h, 0);
    const magic = h.readInt8(MAGIC_OFFSET);
    const last = magic >= 2 && h.length >= LAST_OFFSET_DELTA_OFFSET + 4 ? base + h.readInt32BE(LAST_OFFSET_DELTA_OFFSET) : base;
    return { lastOffset: last, position, size };
  }

  private maxTimestampAt(position: number): number {
    const h = this.probe(position, HEADER_PROBE);
    if (!h || h.readInt8(MAGIC_OFFSET) < 2) return -1;
    return Number(h.readBigInt64BE(MAX_TIMESTAMP_OFFSET));
  }

  /**
   * The first batch at or after `startingPosition` whose last offset is >= targetOffset
   * (Kafka's FileRecords.searchForOffsetWithSize), or undefined.
   */
  translateOffset(targetOffset: number, startingPosition = 0): BatchPosition | undefined {
    const start = Math.max(startingPosition, this.offsetIndex.lookup(targetOffset).position);
    let pos = start;
    for (;;) {
      const b = this.batchAt(pos);
      if (!b) return undefined;
      if (b.lastOffset >= targetOffset) return b;
      pos += b.size;
    }
  }

  // ---- append ----

  /**
   * Appends already-assigned batches at the end of the file. `largestOffset` is the last offset
   * in `records`; the index gets an entry (last offset of a batch → its position) whenever more
   * than index.interval.bytes were written since the previous entry.
   */
  append(largestOffset: number, largestTimestamp: number, shallowOffsetOfMaxTimestamp: number, records: Buffer): void {
    if (records.length === 0) return;
    this.ensureOffsetInRange(largestOffset);
    const physicalPosition = this._size;
    const fd = this.fd;
    let written = 0;
    try {
      while (written < records.length) written += fs.writeSync(fd, records, written, records.length - written, physicalPosition + written);
    } catch (err) {
      // A write cut short (ENOSPC, EIO) must not leave part of a batch behind the last whole one.
      if (written > 0) {
        try {
          fs.ftruncateSync(fd, physicalPosition);
        } catch {
          /* close() and recovery trim it too */
        }
      }
      throw err;
    }
    this._size += records.length;
    if (physicalPosition === 0) this.rollingBasedTimestamp = largestTimestamp;
    if (largestTimestamp > this.maxTimestampSoFar) {
      this._maxTimestampSoFar = largestTimestamp;
      this._offsetOfMaxTimestampSoFar = shallowOffsetOfMaxTimestamp;
    }
    // One index entry per batch at most, exactly as recovery rebuilds it.
    let p = 0;
    while (p + LOG_OVERHEAD <= records.length) {
      const size = records.readInt32BE(p + LENGTH_OFFSET) + LOG_OVERHEAD;
      if (this.bytesSinceLastIndexEntry > this.indexIntervalBytes) {
        const base = readOffset(records, p);
        const last = records.readInt8(p + MAGIC_OFFSET) >= 2 ? base + records.readInt32BE(p + LAST_OFFSET_DELTA_OFFSET) : base;
        this.offsetIndex.append(last, physicalPosition + p);
        this.timeIndex.maybeAppend(this.maxTimestampSoFar, this._offsetOfMaxTimestampSoFar);
        this.bytesSinceLastIndexEntry = 0;
      }
      this.bytesSinceLastIndexEntry += size;
      p += size;
    }
  }

  /** Largest timestamp in the segment (Kafka's maxTimestampSoFar), loaded from the time index. */
  get maxTimestampSoFar(): number {
    if (this._maxTimestampSoFar === undefined) {
      const e = this.timeIndex.lastEntry();
      this._maxTimestampSoFar = e.timestamp;
      this._offsetOfMaxTimestampSoFar = e.offset;
    }
    return this._maxTimestampSoFar;
  }

  get offsetOfMaxTimestampSoFar(): number {
    void this.maxTimestampSoFar;
    return this._offsetOfMaxTimestampSoFar;
  }

  /** Kafka's largestTimestamp: the max record timestamp, or the file's mtime when there is none. */
  largestTimestamp(): number {
    const ts = this.maxTimestampSoFar;
    return ts >= 0 ? ts : this.lastModified();
  }

  lastModified(): number {
    return fs.statSync(this.logFile).mtimeMs;
  }

  // ---- read ----

  /**
   * Up to `maxSize` bytes starting at the batch holding `startOffset`, never past `maxPosition`.
   * With `minOneMessage` the first batch is returned whole even when larger than maxSize.
   * Returns undefined when the segment has no batch at or after startOffset.
   */
  read(startOffset: number, maxSize: number, maxPosition = this._size, minOneMessage = false): FetchDataInfo | undefined {
    const first = this.translateOffset(startOffset);
    if (!first) return undefined;
    const meta: LogOffsetMetadata = {
      messageOffset: BigInt(startOffset),
      segmentBaseOffset: BigInt(this.baseOffset),
      relativePositionInSegment: first.position,
    };
    const adjustedMaxSize = minOneMessage ? Math.max(maxSize, first.size) : maxSize;
    if (adjustedMaxSize <= 0 || first.position >= maxPosition) {
      return { fetchOffsetMetadata: meta, records: Buffer.alloc(0), firstEntryIncomplete: false };
    }
    const fetchSize = Math.min(maxPosition - first.position, adjustedMaxSize);
    return { fetchOffsetMetadata: meta, records: this.readBytes(first.position, fetchSize), firstEntryIncomplete: adjustedMaxSize < first.size };
  }

  /**
   * One pread into a buffer of exactly `size` bytes (or fewer at end of file), from the broker's
   * pool: a fetch response's records go back to it once written to the socket.
   */
  readBytes(position: number, size: number): Buffer {
    const n = Math.max(0, Math.min(size, this._size - position));
    const buf = sharedBufferPool.acquire(n);
    let got = 0;
    while (got < n) {
      const r = fs.readSync(this.fd, buf, got, n - got, position + got);
      if (r === 0) break;
      got += r;
    }
    return got === n ? buf : buf.subarray(0, got);
  }

  /** The offset after the last batch in the segment (Kafka's readNextOffset). */
  readNextOffset(): number {
    let pos = this.offsetIndex.lookup(this.offsetIndex.lastOffset).position;
    let next = this.baseOffset;
    for (;;) {
      const b = this.batchAt(pos);
      if (!b) return next;
      next = b.lastOffset + 1;
      pos += b.size;
    }
  }

  /** Every batch from `startPosition` on, located by header (no decoding). */
  *batchPositions(startPosition = 0): Generator<BatchPosition> {
    let pos = startPosition;
    for (;;) {
      const b = this.batchAt(pos);
      if (!b) return;
      yield b;
      pos += b.size;
    }
  }

  // ---- recovery ----

  /**
   * Re-validates every batch (size within the file, CRC, offsets inside the segment and
   * increasing), rebuilds the indexes, and truncates anything after the last valid batch.
   * `onBatch` sees each valid batch's leader epoch and base offset (for the leader-epoch cache).
   * Returns the number of bytes truncated.
   */
  recover(maxBatchSize: number, onBatch?: (leaderEpoch: number, baseOffset: number) => void): number {
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.txnIndex.reset();
    this.invalidateWindow();
    let validBytes = 0;
    let lastIndexEntry = 0;
    let maxTs = -1;
    let offsetOfMaxTs = this.baseOffset;
    let prevLast = this.baseOffset - 1;
    let firstTs: number | undefined;
    const header = Buffer.alloc(RECORD_BATCH_OVERHEAD);
    while (validBytes + RECORD_BATCH_OVERHEAD <= this._size) {
      fs.readSync(this.fd, header, 0, RECORD_BATCH_OVERHEAD, validBytes);
      const size = header.readInt32BE(LENGTH_OFFSET) + LOG_OVERHEAD;
      if (size < RECORD_BATCH_OVERHEAD || size > maxBatchSize + LOG_OVERHEAD || validBytes + size > this._size) break;
      const base = readOffset(header, 0);
      const last = base + header.readInt32BE(LAST_OFFSET_DELTA_OFFSET);
      if (header.readInt8(MAGIC_OFFSET) !== 2 || base <= prevLast || last < base || !this.canConvertToRelativeOffset(last)) break;
      const batch = this.readBytes(validBytes, size);
      try {
        validateRecordBatch(batch, 0);
      } catch (err) {
        if (err instanceof CorruptMessageError) break;
        throw err;
      }
      const batchMaxTs = Number(header.readBigInt64BE(MAX_TIMESTAMP_OFFSET));
      if (firstTs === undefined) firstTs = batchMaxTs;
      if (batchMaxTs > maxTs) {
        maxTs = batchMaxTs;
        offsetOfMaxTs = last;
      }
      if (validBytes - lastIndexEntry > this.indexIntervalBytes) {
        this.offsetIndex.append(last, validBytes);
        this.timeIndex.maybeAppend(maxTs, offsetOfMaxTs);
        lastIndexEntry = validBytes;
      }
      onBatch?.(header.readInt32BE(PARTITION_LEADER_EPOCH_OFFSET), base);
      prevLast = last;
      validBytes += size;
    }
    const truncated = this._size - validBytes;
    if (truncated > 0) this.truncateFileTo(validBytes);
    this.bytesSinceLastIndexEntry = validBytes - lastIndexEntry;
    this._maxTimestampSoFar = maxTs;
    this._offsetOfMaxTimestampSoFar = offsetOfMaxTs;
    this.rollingBasedTimestamp = firstTs;
    this.offsetIndex.trimToValidSize();
    this.timeIndex.maybeAppend(maxTs, offsetOfMaxTs, true);
    this.timeIndex.trimToValidSize();
    return truncated;
  }

  private truncateFileTo(size: number): void {
    fs.ftruncateSync(this.fd, size);
    this._size = size;
    this.invalidateWindow();
  }

  /**
   * Removes every batch whose last offset is >= `offset` (whole batches, as Kafka does) and the
   * index entries for them. Returns the bytes removed.
   */
  truncateTo(offset: number): number {
    const mapping = this.translateOffset(offset);
    this.offsetIndex.truncateTo(offset);
    this.timeIndex.truncateTo(offset);
    this.txnIndex.truncateTo(BigInt(offset));
    const before = this._size;
    if (mapping) this.truncateFileTo(mapping.position);
    if (this._size === 0) {
      this.created = this.clock.milliseconds();
      this.rollingBasedTimestamp = undefined;
    }
    const lastEntry = this.offsetIndex.entries ? this.offsetIndex.entry(this.offsetIndex.entries - 1).position : 0;
    this.bytesSinceLastIndexEntry = this._size - lastEntry;
    this.loadLargestTimestamp();
    return before - this._size;
  }

  private loadLargestTimestamp(): void {
    const e = this.timeIndex.lastEntry();
    let maxTs = e.timestamp;
    let off = e.offset;
    for (const b of this.batchPositions(this.offsetIndex.lookup(e.offset).position)) {
      const ts = this.maxTimestampAt(b.position);
      if (ts > maxTs) {
        maxTs = ts;
        off = b.lastOffset;
      }
    }
    this._maxTimestampSoFar = maxTs;
    this._offsetOfMaxTimestampSoFar = off;
  }

  // ---- roll ----

  private timeWaitedForRoll(now: number, messageTimestamp: number): number {
    if (this.rollingBasedTimestamp === undefined && this._size > 0) this.rollingBasedTimestamp = this.maxTimestampAt(0);
    const ts = this.rollingBasedTimestamp ?? -1;
    return ts >= 0 ? messageTimestamp - ts : now - this.created;
  }

  /** Kafka's shouldRoll: size, segment.ms (minus jitter), full indexes, or relative-offset overflow. */
  shouldRoll(p: RollParams): boolean {
    const reachedRollMs = this.timeWaitedForRoll(p.now, p.maxTimestampInMessages) > p.maxSegmentMs - this.rollJitterMs;
    return (
      this._size > p.maxSegmentBytes - p.messagesSize ||
      (this._size > 0 && reachedRollMs) ||
      this.offsetIndex.isFull() ||
      this.timeIndex.isFull() ||
      !this.canConvertToRelativeOffset(p.maxOffsetInMessages)
    );
  }

  /** Called when a newer segment takes over: final time-index entry, then trim the indexes. */
  onBecomeInactiveSegment(): void {
    this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true);
    this.offsetIndex.trimToValidSize();
    this.timeIndex.trimToValidSize();
  }

  resizeIndexes(size: number): void {
    this.offsetIndex.resize(size);
    this.timeIndex.resize(size);
  }

  // ---- timestamps ----

  /**
   * The first record with timestamp >= `timestamp` and offset >= `startingOffset` (Kafka's
   * findOffsetByTimestamp); decodes only the batches it must look inside.
   */
  findOffsetByTimestamp(timestamp: number, startingOffset = this.baseOffset): TimestampAndOffset | undefined {
    const ts = this.timeIndex.lookup(timestamp);
    const position = this.offsetIndex.lookup(Math.max(ts.offset, startingOffset)).position;
    for (const b of this.batchPositions(position)) {
      if (this.maxTimestampAt(b.position) < timestamp || b.lastOffset < startingOffset) continue;
      const batch = this.readBytes(b.position, b.size);
      const epoch = batch.readInt32BE(PARTITION_LEADER_EPOCH_OFFSET);
      for (const r of iterateRecords(batch)) {
        if (r.timestamp >= BigInt(timestamp) && r.offset >= BigInt(startingOffset)) {
          return { timestamp: r.timestamp, offset: r.offset, leaderEpoch: epoch >= 0 ? epoch : undefined };
        }
      }
    }
    return undefined;
  }

  collectAbortedTxns(fetchOffset: bigint, upperBoundOffset: bigint): TxnIndexSearchResult {
    return this.txnIndex.collectAbortedTxns(fetchOffset, upperBoundOffset);
  }

  // ---- files ----

  flush(): void {
    if (this.closed) return;
    fs.fsyncSync(this.fd);
    this.offsetIndex.flush();
    this.timeIndex.flush();
    this.txnIndex.flush();
  }

  /** Like flush(), with the fsyncs run in the libuv pool so the event loop keeps serving. */
  async flushAsync(): Promise<void> {
    if (this.closed) return;
    // Pinned: a retention delete or an LRU eviction meanwhile must not close this descriptor.
    const fd = this.file.pin();
    try {
      await Promise.all([
        new Promise<void>((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve()))),
        this.offsetIndex.flushAsync(),
        this.timeIndex.flushAsync(),
      ]);
    } finally {
      this.file.unpin();
    }
  }

  /** Renames all files from `<name><oldSuffix>` to `<name><newSuffix>` (e.g. '' → '.deleted'). */
  changeFileSuffixes(oldSuffix: string, newSuffix: string): void {
    const swap = (f: string): string => (oldSuffix && f.endsWith(oldSuffix) ? f.slice(0, -oldSuffix.length) : f) + newSuffix;
    fs.renameSync(this.logFile, swap(this.logFile));
    this.logFile = swap(this.logFile);
    this.file.path = this.logFile;
    this.offsetIndex.renameTo(swap(this.offsetIndex.file));
    this.timeIndex.renameTo(swap(this.timeIndex.file));
    this.txnIndex.renameTo(swap(this.txnIndex.file));
  }

  hasSuffix(suffix: string): boolean {
    return this.logFile.endsWith(suffix);
  }

  /**
   * Trims the `.log` file to its last whole batch (bytes of a torn write must not survive a clean
   * shutdown), trims the indexes and closes every file handle.
   */
  close(): void {
    if (this.closed) return;
    try {
      this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true);
      if (fs.statSync(this.logFile).size !== this._size) fs.truncateSync(this.logFile, this._size);
      this.offsetIndex.close();
      this.timeIndex.close();
      this.txnIndex.close();
    } finally {
      this.closed = true;
      this.offsetIndex.closeHandler();
      this.timeIndex.closeHandler();
      this.file.close();
    }
  }

  /** Closes handles without trimming (a simulated crash, a failed log dir, or before deletion). */
  closeHandlers(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.offsetIndex.closeHandler();
      this.timeIndex.closeHandler();
    } finally {
      this.file.close();
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  deleteIfExists(): void {
    this.closeHandlers();
    for (const f of [this.logFile]) fs.rmSync(f, { force: true });
    this.offsetIndex.deleteIfExists();
    this.timeIndex.deleteIfExists();
    this.txnIndex.deleteIfExists();
  }
}
