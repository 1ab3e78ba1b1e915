/**
 * Kafka's `LogCleaner` (one cleaning pass, the `Cleaner` inner class) for cleanup.policy=compact
 * and compact,delete. For a log it:
 *  1. finds the cleanable range: from the log start up to the first uncleanable offset (the active
 *     segment's base offset, the high watermark, and the first segment younger than
 *     min.compaction.lag.ms) — the active segment is never touched;
 *  2. builds an offset map (key → latest offset) over the dirty part [firstDirtyOffset, end);
 *  3. rewrites the cleanable segments in groups (≤ segment.bytes, offsets within int32 of the
 *     group's base) keeping a record only if no later record has its key; keyless records are
 *     dropped; tombstones (null value) are dropped once their segment's largest timestamp is older
 *     than delete.retention.ms (Kafka's pre-KIP-534 horizon used file mtimes; record timestamps
 *     make it testable with an injected clock);
 *  4. writes each group into `<base>.log.cleaned` (+ indexes), then swaps it in with
 *     Log.replaceSegments: `.cleaned` → `.swap`, old → `.deleted`, `.swap` → live (LogLoader
 *     completes a swap interrupted by a crash).
 * Offsets are kept: a batch whose records all survive is copied byte for byte; a partly retained
 * batch keeps its baseOffset, baseTimestamp and lastOffsetDelta and gets the retained records'
 * raw bytes (re-compressed with the batch's codec) and a new CRC. Control batches are kept as is.
 */
import { ATTRIBUTES_OFFSET, CONTROL_FLAG_MASK, LENGTH_OFFSET, LOG_OVERHEAD, MAX_TIMESTAMP_OFFSET, RECORD_BATCH_OVERHEAD, RECORDS_COUNT_OFFSET, readBatchHeader, TIMESTAMP_TYPE_MASK } from '../record/batch-header.js';
import { ByteCursor } from '../record/byte-utils.js';
import { compress, CompressionType } from '../record/compression.js';
import { updateBatchCrc } from '../record/memory-records-builder.js';
import { compressionTypeOf, iterateRecords, recordsSectionOf } from '../record/record-batch.js';
import { logger } from '../utils/logger.js';
import type { Time } from '../common/time.js';
import { CLEANED_FILE_SUFFIX, logFile, offsetIndexFile, timeIndexFile, transactionIndexFile } from './log-file-utils.js';
import type { Log } from './log.js';
import { LogSegment } from './log-segment.js';
import fs from 'node:fs';

const INT32_MAX = 0x7fffffff;

export interface CleanerStats {
  /** The new first dirty offset (cleaner-offset-checkpoint value). */
  endOffset: bigint;
  bytesRead: number;
  bytesWritten: number;
  recordsRead: number;
  recordsRetained: number;
  segmentsCleaned: number;
}

export class LogCleaner {
  private readonly log = logger('log.LogCleaner');

  constructor(private readonly clock: Time) {}

  /** Kafka's firstUncleanableDirtyOffset. */
  firstUncleanableOffset(log: Log): number {
    let limit = Math.min(log.activeSegment.baseOffset, Number(log.highWatermark));
    const lag = log.config['min.compaction.lag.ms'];
    if (lag > 0) {
      const now = this.clock.milliseconds();
      for (const s of log.logSegments()) {
        if (s.baseOffset >= limit) break;
        if (now - s.largestTimestamp() < lag) {
          limit = s.baseOffset;
          break;
        }
      }
    }
    return limit;
  }

  /** Segments wholly below `limit` (never the active one). */
  private cleanableSegments(log: Log, limit: number): LogSegment[] {
    const segs = log.logSegments();
    const out: LogSegment[] = [];
    for (let i = 0; i < segs.length - 1; i++) {
      if (segs[i + 1]!.baseOffset <= limit) out.push(segs[i]!);
      else break;
    }
    return out;
  }

  /** Dirty bytes / cleanable bytes, as LogCleanerManager ranks logs (min.cleanable.dirty.ratio). */
  cleanableRatio(log: Log, firstDirtyOffset: bigint): number {
    const segs = this.cleanableSegments(log, this.firstUncleanableOffset(log));
    let total = 0;
    let dirty = 0;
    for (const s of segs) {
      total += s.size;
      if (s.baseOffset >= Number(firstDirtyOffset)) dirty += s.size;
    }
    return total === 0 ? 0 : dirty / total;
  }

  /** One cleaning pass over `log`; returns the new first dirty offset and counters. */
  clean(log: Log, firstDirtyOffset: bigint = log.logStartOffset): CleanerStats {
    const limit = this.firstUncleanableOffset(log);
    const segs = this.cleanableSegments(log, limit);
    const stats: CleanerStats = { endOffset: BigInt(Math.max(Number(firstDirtyOffset), limit)), bytesRead: 0, bytesWritten: 0, recordsRead: 0, recordsRetained: 0, segmentsCleaned: 0 };
    if (segs.length === 0) return stats;
    // The first segment left out (there is always one: the active segment).
    const end = log.logSegments()[segs.length]!.baseOffset;
    const dirtyStart = Math.max(Number(firstDirtyOffset), Number(log.logStartOffset));
    const offsetMap = this.buildOffsetMap(segs, dirtyStart, end);
    const deleteHorizon = this.clock.milliseconds() - log.config['delete.retention.ms'];
    for (const group of this.groupSegments(segs, log.config['segment.bytes'], log.config['segment.index.bytes'])) {
      this.cleanSegments(log, group, offsetMap, deleteHorizon, stats);
    }
    stats.endOffset = BigInt(end);
    this.log.info({ stats: { ...stats, endOffset: String(stats.endOffset) } }, 'Cleaned log');
    return stats;
  }

  /** key (latin1) → latest offset, over batches in [start, end). */
  private buildOffsetMap(segs: LogSegment[], start: number, end: number): Map<string, number> {
    const map = new Map<string, number>();
    for (const seg of segs) {
      for (const b of seg.batchPositions()) {
        if (b.lastOffset < start) continue;
        const batch = seg.readBytes(b.position, b.size);
        if (batch.readInt16BE(ATTRIBUTES_OFFSET) & CONTROL_FLAG_MASK) continue;
        for (const r of iterateRecords(batch)) {
          const off = Number(r.offset);
          if (off < start || off >= end || r.key === null) continue;
          map.set(r.key.toString('latin1'), off);
        }
      }
    }
    return map;
  }

  private groupSegments(segs: LogSegment[], maxSize: number, maxIndexSize: number): LogSegment[][] {
    const groups: LogSegment[][] = [];
    let i = 0;
    while (i < segs.length) {
      const group = [segs[i]!];
      let size = segs[i]!.size;
      let indexSize = segs[i]!.offsetIndex.sizeInBytes();
      i++;
      while (i < segs.length) {
        const s = segs[i]!;
        const nextBase = i + 1 < segs.length ? segs[i + 1]!.baseOffset : s.readNextOffset();
        if (size + s.size > maxSize || indexSize + s.offsetIndex.sizeInBytes() > maxIndexSize || nextBase - 1 - group[0]!.baseOffset > INT32_MAX) break;
        size += s.size;
        indexSize += s.offsetIndex.sizeInBytes();
        group.push(s);
        i++;
      }
      groups.push(group);
    }
    return groups;
  }

  private cleanSegments(log: Log, group: LogSegment[], offsetMap: Map<string, number>, deleteHorizon: number, stats: CleanerStats): void {
    const base = group[0]!.baseOffset;
    for (const f of [logFile, offsetIndexFile, timeIndexFile, transactionIndexFile]) fs.rmSync(f(log.dir, base, CLEANED_FILE_SUFFIX), { force: true });
    const cleaned = LogSegment.open(log.dir, base, {
      indexIntervalBytes: log.config['index.interval.bytes'],
      maxIndexSize: log.config['segment.index.bytes'],
      clock: this.clock,
      fileSuffix: CLEANED_FILE_SUFFIX,
    });
    try {
      for (const seg of group) {
        const retainDeletes = seg.largestTimestamp() > deleteHorizon;
        for (const b of seg.batchPositions()) {
          const batch = seg.readBytes(b.position, b.size);
          stats.bytesRead += b.size;
          const out = this.filterBatch(batch, offsetMap, retainDeletes, stats);
          if (!out) continue;
          const maxTs = Number(out.readBigInt64BE(MAX_TIMESTAMP_OFFSET));
          cleaned.append(b.lastOffset, maxTs, b.lastOffset, out);
          stats.bytesWritten += out.length;
        }
      }
      log.replaceSegments(cleaned, group);
      stats.segmentsCleaned += group.length;
    } catch (err) {
      cleaned.deleteIfExists();
      throw err;
    }
  }

  /** The batch with only retained records (the same Buffer when all survive), or undefined. */
  private filterBatch(batch: Buffer, offsetMap: Map<string, number>, retainDeletes: boolean, stats: CleanerStats): Buffer | undefined {
    const header = readBatchHeader(batch, 0);
    if (header.attributes & CONTROL_FLAG_MASK) return batch;
    const keep: boolean[] = [];
    let kept = 0;
    let maxTs = -1n;
    for (const r of iterateRecords(batch)) {
      stats.recordsRead++;
      const latest = r.key === null ? undefined : offsetMap.get(r.key.toString('latin1'));
      const retain = r.key !== null && (latest === undefined || Number(r.offset) >= latest) && (r.value !== null || retainDeletes);
      keep.push(retain);
      if (retain) {
        kept++;
        if (r.timestamp > maxTs) maxTs = r.timestamp;
      }
    }
    stats.recordsRetained += kept;
    if (kept === keep.length) return batch;
    if (kept === 0) return undefined;
    // Copy the raw bytes of retained records: their offset and timestamp deltas stay valid
    // because baseOffset and baseTimestamp are kept.
    const section = recordsSectionOf(batch, header);
    const parts: Buffer[] = [];
    const cursor = new ByteCursor(section, 0, section.length);
    for (let i = 0; i < keep.length; i++) {
      const start = cursor.pos;
      const bodySize = cursor.readVarint();
      cursor.pos += bodySize;
      if (keep[i]) parts.push(section.subarray(start, cursor.pos));
    }
    const codec = compressionTypeOf(header.attributes);
    const raw = Buffer.concat(parts);
    const body = codec === CompressionType.NONE ? raw : compress(codec, raw);
    const out = Buffer.alloc(RECORD_BATCH_OVERHEAD + body.length);
    batch.copy(out, 0, 0, RECORD_BATCH_OVERHEAD);
    body.copy(out, RECORD_BATCH_OVERHEAD);
    out.writeInt32BE(out.length - LOG_OVERHEAD, LENGTH_OFFSET);
    out.writeInt32BE(kept, RECORDS_COUNT_OFFSET);
    if (!(header.attributes & TIMESTAMP_TYPE_MASK)) out.writeBigInt64BE(maxTs, MAX_TIMESTAMP_OFFSET);
    updateBatchCrc(out, 0);
    return out;
  }
}
