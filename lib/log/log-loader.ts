/**
 * Kafka's `LogLoader`: turns a partition directory into segments. It removes leftovers of
 * interrupted operations (`.deleted` and `.cleaned` files, `.tmp` checkpoints, indexes without
 * a log), completes interrupted cleaner swaps (`.swap` files replace the segments they cover),
 * opens every segment, rebuilds any missing or corrupt index, and — after an unclean shutdown —
 * re-validates every batch from the recovery point on, truncating a torn or corrupt tail and
 * dropping every segment after it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CorruptIndexError } from './errors.js';
import {
  CLEANED_FILE_SUFFIX,
  DELETED_FILE_SUFFIX,
  INDEX_FILE_SUFFIX,
  LOG_FILE_SUFFIX,
  offsetFromFileName,
  SWAP_FILE_SUFFIX,
  TIME_INDEX_FILE_SUFFIX,
  TXN_INDEX_FILE_SUFFIX,
} from './log-file-utils.js';
import type { LogConfig } from './log-config.js';
import type { Time } from '../common/time.js';
import { LogSegment } from './log-segment.js';
import type { Logger } from '../utils/logger.js';
import type { FileHandleCache } from './file-handle-cache.js';

export interface LoadedSegments {
  segments: LogSegment[];
  /** Offset after the last valid batch. */
  nextOffset: number;
  recoveryPoint: number;
  /** Bytes dropped by recovery (torn or corrupt tails, deleted later segments). */
  bytesTruncated: number;
}

export interface LoadParams {
  dir: string;
  config: LogConfig;
  clock: Time;
  recoveryPoint: number;
  logStartOffset: number;
  hadCleanShutdown: boolean;
  log: Logger;
  /** Sees every valid batch's (leader epoch, base offset) during recovery. */
  onRecoveredBatch?: (leaderEpoch: number, baseOffset: number) => void;
  fileHandleCache?: FileHandleCache;
}

const INDEX_SUFFIXES = [INDEX_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX, TXN_INDEX_FILE_SUFFIX];

function segmentOptions(p: LoadParams, fileSuffix = ''): Parameters<typeof LogSegment.open>[2] {
  return {
    indexIntervalBytes: p.config['index.interval.bytes'],
    maxIndexSize: p.config['segment.index.bytes'],
    rollJitterMs: 0,
    clock: p.clock,
    fileSuffix,
    fileHandleCache: p.fileHandleCache,
  };
}

/** Removes temporary files and completes swaps; returns nothing, leaves only live files. */
function cleanDirectory(p: LoadParams): void {
  const names = fs.readdirSync(p.dir);
  const swaps: string[] = [];
  for (const name of names) {
    const full = path.join(p.dir, name);
    if (name.endsWith(DELETED_FILE_SUFFIX) || name.endsWith(CLEANED_FILE_SUFFIX) || name.endsWith('.tmp')) {
      fs.rmSync(full, { force: true });
    } else if (name.endsWith(SWAP_FILE_SUFFIX)) {
      const base = name.slice(0, -SWAP_FILE_SUFFIX.length);
      if (base.endsWith(LOG_FILE_SUFFIX)) swaps.push(name);
      else fs.rmSync(full, { force: true }); // index swaps are rebuilt from the log
    }
  }
  for (const name of swaps) {
    // The swap segment replaces every live segment whose base offset lies within its offsets.
    const baseOffset = offsetFromFileName(name);
    const swap = LogSegment.open(p.dir, baseOffset, segmentOptions(p, SWAP_FILE_SUFFIX));
    swap.recover(Number.MAX_SAFE_INTEGER);
    const next = swap.readNextOffset();
    for (const other of fs.readdirSync(p.dir)) {
      if (!other.endsWith(LOG_FILE_SUFFIX)) continue;
      const off = offsetFromFileName(other);
      if (off >= baseOffset && off < next) {
        for (const s of [LOG_FILE_SUFFIX, ...INDEX_SUFFIXES]) fs.rmSync(path.join(p.dir, other.replace(LOG_FILE_SUFFIX, s)), { force: true });
      }
    }
    swap.changeFileSuffixes(SWAP_FILE_SUFFIX, '');
    swap.close();
    p.log.info({ baseOffset }, 'Completed an interrupted segment swap');
  }
  const logs = new Set(fs.readdirSync(p.dir).filter((n) => n.endsWith(LOG_FILE_SUFFIX)).map((n) => n.slice(0, -LOG_FILE_SUFFIX.length)));
  for (const name of fs.readdirSync(p.dir)) {
    const sfx = INDEX_SUFFIXES.find((s) => name.endsWith(s));
    if (sfx && !logs.has(name.slice(0, -sfx.length))) fs.rmSync(path.join(p.dir, name), { force: true });
  }
}

/** Loads every segment of the directory, recovering as the shutdown state requires. */
export function loadSegments(p: LoadParams): LoadedSegments {
  cleanDirectory(p);
  const offsets = fs
    .readdirSync(p.dir)
    .filter((n) => n.endsWith(LOG_FILE_SUFFIX) && /^\d{20}\.log$/.test(n))
    .map(offsetFromFileName)
    .sort((a, b) => a - b);
  const segments: LogSegment[] = [];
  let bytesTruncated = 0;
  const maxBatch = Number.MAX_SAFE_INTEGER;
  for (const base of offsets) {
    const indexMissing = !fs.existsSync(path.join(p.dir, `${String(base).padStart(20, '0')}${INDEX_FILE_SUFFIX}`)) ||
      !fs.existsSync(path.join(p.dir, `${String(base).padStart(20, '0')}${TIME_INDEX_FILE_SUFFIX}`));
    const seg = LogSegment.open(p.dir, base, segmentOptions(p));
    if (indexMissing) {
      p.log.warn({ baseOffset: base }, 'Found a segment with a missing index; rebuilding it');
      bytesTruncated += seg.recover(maxBatch);
    } else {
      try {
        seg.sanityCheck();
      } catch (err) {
        if (!(err instanceof CorruptIndexError)) throw err;
        p.log.warn({ baseOffset: base, err: err.message }, 'Found a corrupt index; rebuilding it');
        bytesTruncated += seg.recover(maxBatch);
      }
    }
    segments.push(seg);
  }

  let recoveryPoint = p.recoveryPoint;
  if (!p.hadCleanShutdown && segments.length > 0) {
    // Recover from the segment holding the recovery point onward.
    let start = 0;
    for (let i = 0; i < segments.length; i++) if (segments[i]!.baseOffset <= recoveryPoint) start = i;
    for (let i = start; i < segments.length; i++) {
      const seg = segments[i]!;
      p.log.info({ baseOffset: seg.baseOffset }, 'Recovering unflushed segment');
      const truncated = seg.recover(maxBatch, p.onRecoveredBatch);
      bytesTruncated += truncated;
      if (truncated > 0 && i < segments.length - 1) {
        // Everything after a corrupt point is unreliable: drop the later segments.
        const dropped = segments.splice(i + 1);
        for (const d of dropped) {
          bytesTruncated += d.size;
          p.log.warn({ baseOffset: d.baseOffset }, 'Deleting segment after a corrupt segment');
          d.deleteIfExists();
        }
        break;
      }
    }
  }
  // An empty trailing segment from a roll is fine; a completely empty directory gets one segment.
  if (segments.length === 0) segments.push(LogSegment.open(p.dir, p.logStartOffset, segmentOptions(p)));
  const active = segments[segments.length - 1]!;
  active.resizeIndexes(p.config['segment.index.bytes']);
  const nextOffset = Math.max(active.readNextOffset(), active.baseOffset);
  recoveryPoint = p.hadCleanShutdown ? nextOffset : Math.min(recoveryPoint, nextOffset);
  return { segments, nextOffset, recoveryPoint, bytesTruncated };
}
