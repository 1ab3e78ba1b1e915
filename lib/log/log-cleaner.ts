/**
 * Kafka's `LogCleaner` (one cleaning pass, the `Cleaner` inner class) for cleanup.policy=compact
 * and compact,delete. For a log it:
 *  1. finds the cleanable range: from the log start up to the first uncleanable offset (the active
 *     segment's base offset, the last stable offset — nothing of an open transaction is cleaned —
 *     and the first segment younger than min.compaction.lag.ms); the active segment is never touched;
 *  2. builds an offset map (key → latest offset) over the dirty part [firstDirtyOffset, end),
 *     leaving out records of aborted transactions;
 *  3. rewrites the cleanable segments in groups (≤ segment.bytes, offsets within int32 of the
 *     group's base) keeping a record only if no later record has its key; keyless records and
 *     records of aborted transactions are dropped; tombstones (null value) and transaction markers
 *     whose transaction is gone are dropped once their segment's largest timestamp is older than
 *     delete.retention.ms (Kafka's pre-KIP-534 horizon used file mtimes; record timestamps make it
 *     testable with an injected clock) — so aborted records go in one round and their marker in a
 *     later one (CleanedTransactionMetadata). A producer's last batch is kept even when emptied
 *     (header only), so producer state (sequence, epoch) survives cleaning;
 *  4. writes each group into `<base>.log.cleaned` (+ indexes), then swaps it in with
 *     Log.replaceSegments: `.cleaned` → `.swap`, old → `.deleted`, `.swap` → live (LogLoader
 *     completes a swap interrupted by a crash).
 * Offsets are kept: a batch whose records all survive is copied byte for byte; a partly retained
 * batch keeps its baseOffset, baseTimestamp and lastOffsetDelta and gets the retained records'
 * raw bytes (re-compressed with the batch's codec) and a new CRC. Kept control batches are copied.
 *
 * A round yields to the event loop between chunks of batches, so requests keep being served while a
 * large partition is cleaned; a group whose segments changed meanwhile (retention, truncation) is
 * abandoned and cleaned in a later round.
 */
import {
  ATTRIBUTES_OFFSET, COMPRESSION_CODEC_MASK, CONTROL_FLAG_MASK, LENGTH_OFFSET, LOG_OVERHEAD, MAX_TIMESTAMP_OFFSET, RECORD_BATCH_OVERHEAD, RECORDS_COUNT_OFFSET, readBatchHeader,
  TIMESTAMP_TYPE_MASK, TRANSACTIONAL_FLAG_MASK, type BatchHeader,
} from '../record/batch-header.js';
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
import { CleanedTransactionMetadata } from './cleaned-transaction-metadata.js';

const INT32_MAX = 0x7fffffff;
const NO_PRODUCER_ID = -1n;
/** Bytes of batches read between two yields to the event loop. */
const YIELD_EVERY_BYTES = 1 << 20;

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

  constructor(private readonly clock: Time, private readonly yieldToEventLoop: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve))) {}

  /** Kafka's firstUncleanableDirtyOffset: min(active segment base, last stable offset, compaction lag bound). */
  firstUncleanableOffset(log: Log): number {
    let limit = Math.min(log.activeSegment.baseOffset, Number(log.lastStableOffset));
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

  /**
   * Whether max.compaction.lag.ms forces a clean (KIP-354): a cleanable dirty segment holds a record
   * older than that, whatever the dirty ratio.
   */
  compactionLagExceeded(log: Log, firstDirtyOffset: bigint): boolean {
    const maxLag = log.config['max.compaction.lag.ms'];
    if (!(maxLag > 0) || maxLag >= Number.MAX_SAFE_INTEGER) return false;
    const now = this.clock.milliseconds();
    return this.cleanableSegments(log, this.firstUncleanableOffset(log))
      .some((s) => s.baseOffset >= Number(firstDirtyOffset) && s.size > 0 && now - s.largestTimestamp() > maxLag);
  }

  /** One cleaning round over `log`; returns the new first dirty offset and counters. */
  async clean(log: Log, firstDirtyOffset: bigint = log.logStartOffset): Promise<CleanerStats> {
    const limit = this.firstUncleanableOffset(log);
    const segs = this.cleanableSegments(log, limit);
    const stats: CleanerStats = { endOffset: BigInt(Math.max(Number(firstDirtyOffset), limit)), bytesRead: 0, bytesWritten: 0, recordsRead: 0, recordsRetained: 0, segmentsCleaned: 0 };
    if (segs.length === 0) return stats;
    // The first segment left out (there is always one: the active segment).
    const end = log.logSegments()[segs.length]!.baseOffset;
    const dirtyStart = Math.max(Number(firstDirtyOffset), Number(log.logStartOffset));
    const offsetMap = await this.buildOffsetMap(log, segs, dirtyStart, end);
    const deleteHorizon = this.clock.milliseconds() - log.config['delete.retention.ms'];
    const lastBatchOfProducer = this.lastBatchesOfActiveProducers(log);
    for (const group of this.groupSegments(segs, log.config['segment.bytes'], log.config['segment.index.bytes'])) {
      const aborted = log.collectAbortedTransactions(BigInt(group[0]!.baseOffset), BigInt(end));
      const cleaned = await this.cleanSegments(log, group, { offsetMap, deleteHorizon, lastBatchOfProducer, txns: new CleanedTransactionMetadata(aborted) }, stats);
      if (!cleaned) {
        stats.endOffset = BigInt(Math.max(Number(firstDirtyOffset), Number(log.logStartOffset)));
        return stats;
      }
    }
    stats.endOffset = BigInt(end);
    this.log.info({ stats: { ...stats, endOffset: String(stats.endOffset) } }, 'Cleaned log');
    return stats;
  }

  /** Per active producer: the last offset of its last data batch, or -1 when its last entry is a marker (with that epoch). */
  private lastBatchesOfActiveProducers(log: Log): Map<bigint, { lastDataOffset: number; producerEpoch: number }> {
    const out = new Map<bigint, { lastDataOffset: number; producerEpoch: number }>();
    for (const [pid, e] of log.producerStateManager.activeProducers) {
      out.set(pid, { lastDataOffset: e.batchMetadata.at(-1)?.lastOffset ?? -1, producerEpoch: e.producerEpoch });
    }
    return out;
  }

  /** key (latin1) → latest offset, over batches in [start, end), records of aborted transactions left out. */
  private async buildOffsetMap(log: Log, segs: LogSegment[], start: number, end: number): Promise<Map<string, number>> {
    const map = new Map<string, number>();
    const txns = new CleanedTransactionMetadata(log.collectAbortedTransactions(BigInt(start), BigInt(end)));
    let sinceYield = 0;
    for (const seg of segs) {
      for (const b of seg.batchPositions()) {
        if (b.lastOffset < start) continue;
        const batch = seg.readBytes(b.position, b.size);
        const header = readBatchHeader(batch, 0);
        const tracked = trackingOf(header);
        if (header.attributes & CONTROL_FLAG_MASK) {
          txns.onControlBatchRead(tracked, firstRecordKey(batch));
          continue;
        }
        if (txns.onBatchRead(tracked)) continue;
        for (const r of iterateRecords(batch)) {
          const off = Number(r.offset);
          if (off < start || off >= end || r.key === null) continue;
          map.set(r.key.toString('latin1'), off);
        }
        sinceYield += b.size;
        if (sinceYield >= YIELD_EVERY_BYTES) {
          sinceYield = 0;
          await this.yieldToEventLoop();
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

  /** Cleans one group into a `.cleaned` segment and swaps it in; false when the group changed meanwhile. */
  private async cleanSegments(log: Log, group: LogSegment[], round: CleaningRound, stats: CleanerStats): Promise<boolean> {
    const base = group[0]!.baseOffset;
    for (const f of [logFile, offsetIndexFile, timeIndexFile, transactionIndexFile]) fs.rmSync(f(log.dir, base, CLEANED_FILE_SUFFIX), { force: true });
    const cleaned = LogSegment.open(log.dir, base, {
      indexIntervalBytes: log.config['index.interval.bytes'],
      maxIndexSize: log.config['segment.index.bytes'],
      clock: this.clock,
      fileSuffix: CLEANED_FILE_SUFFIX,
    });
    try {
      let sinceYield = 0;
      for (const seg of group) {
        const retainDeletesAndTxnMarkers = seg.largestTimestamp() > round.deleteHorizon;
        for (const b of seg.batchPositions()) {
          const batch = seg.readBytes(b.position, b.size);
          stats.bytesRead += b.size;
          const out = this.filterBatch(batch, round, retainDeletesAndTxnMarkers, stats);
          if (out) {
            const maxTs = Number(out.readBigInt64BE(MAX_TIMESTAMP_OFFSET));
            cleaned.append(b.lastOffset, maxTs, b.lastOffset, out);
            stats.bytesWritten += out.length;
          }
          sinceYield += b.size;
          if (sinceYield >= YIELD_EVERY_BYTES) {
            sinceYield = 0;
            await this.yieldToEventLoop();
            if (!stillCleanable(log, group)) return this.abandon(log, cleaned, base);
          }
        }
      }
      for (const txn of round.txns.retainedAborted.splice(0)) cleaned.txnIndex.append(txn);
      // The new segment's fsync (tens of MB) runs off the event loop; the swap's own flush is then cheap.
      await cleaned.flushAsync();
      if (!stillCleanable(log, group)) return this.abandon(log, cleaned, base);
      log.replaceSegments(cleaned, group);
      stats.segmentsCleaned += group.length;
      return true;
    } catch (err) {
      cleaned.deleteIfExists();
      throw err;
    }
  }

  private abandon(log: Log, cleaned: LogSegment, base: number): false {
    cleaned.deleteIfExists();
    this.log.info(`Cleaning of ${log.topicPartition.topic}-${log.topicPartition.partition} from offset ${base} abandoned: its segments changed`);
    return false;
  }

  /**
   * The batch with only retained records (the same Buffer when all survive), an empty batch (header
   * only) when a producer's last batch lost every record, or undefined when the batch goes.
   */
  private filterBatch(batch: Buffer, round: CleaningRound, retainDeletesAndTxnMarkers: boolean, stats: CleanerStats): Buffer | undefined {
    const header = readBatchHeader(batch, 0);
    const tracked = trackingOf(header);
    const last = header.producerId === NO_PRODUCER_ID ? undefined : round.lastBatchOfProducer.get(header.producerId);
    if (header.attributes & CONTROL_FLAG_MASK) {
      const discard = round.txns.onControlBatchRead(tracked, firstRecordKey(batch)) && !retainDeletesAndTxnMarkers;
      // A marker that is its producer's last entry keeps the producer's epoch for fencing.
      const isLast = last !== undefined && last.lastDataOffset < 0 && last.producerEpoch === header.producerEpoch;
      if (!discard) return batch;
      return isLast ? emptyBatch(batch) : undefined;
    }
    const abortedTxn = round.txns.onBatchRead(tracked);
    const isLast = last !== undefined && last.lastDataOffset === Number(tracked.lastOffset);
    const keep: boolean[] = [];
    let kept = 0;
    let maxTs = -1n;
    for (const r of iterateRecords(batch)) {
      stats.recordsRead++;
      const latest = r.key === null ? undefined : round.offsetMap.get(r.key.toString('latin1'));
      const retain = !abortedTxn && r.key !== null && (latest === undefined || Number(r.offset) >= latest) && (r.value !== null || retainDeletesAndTxnMarkers);
      keep.push(retain);
      if (retain) {
        kept++;
        if (r.timestamp > maxTs) maxTs = r.timestamp;
      }
    }
    stats.recordsRetained += kept;
    if (kept === keep.length) return batch;
    if (kept === 0) return isLast ? emptyBatch(batch) : undefined;
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

interface CleaningRound {
  offsetMap: Map<string, number>;
  deleteHorizon: number;
  lastBatchOfProducer: Map<bigint, { lastDataOffset: number; producerEpoch: number }>;
  txns: CleanedTransactionMetadata;
}

function trackingOf(header: BatchHeader): { producerId: bigint; lastOffset: bigint; isTransactional: boolean } {
  return { producerId: header.producerId, lastOffset: header.baseOffset + BigInt(header.lastOffsetDelta), isTransactional: (header.attributes & TRANSACTIONAL_FLAG_MASK) !== 0 };
}

/** The key of a control batch's first record, or undefined for a batch emptied by an earlier round. */
function firstRecordKey(batch: Buffer): Buffer | null | undefined {
  for (const r of iterateRecords(batch)) return r.key;
  return undefined;
}

/**
 * The batch's header alone, no records and no compression (Kafka's RETAIN_EMPTY, written by
 * writeEmptyHeader): offsets, producer id, epoch and sequence kept.
 */
function emptyBatch(batch: Buffer): Buffer {
  const out = Buffer.from(batch.subarray(0, RECORD_BATCH_OVERHEAD));
  out.writeInt32BE(RECORD_BATCH_OVERHEAD - LOG_OVERHEAD, LENGTH_OFFSET);
  out.writeInt16BE(out.readInt16BE(ATTRIBUTES_OFFSET) & ~COMPRESSION_CODEC_MASK, ATTRIBUTES_OFFSET);
  out.writeInt32BE(0, RECORDS_COUNT_OFFSET);
  updateBatchCrc(out, 0);
  return out;
}

/** Every segment of the group is still in the log, and none became the active one. */
function stillCleanable(log: Log, group: readonly LogSegment[]): boolean {
  if (log.isClosed) return false;
  const segs = log.logSegments();
  const present = new Set(segs.slice(0, -1));
  return group.every((s) => present.has(s));
}
