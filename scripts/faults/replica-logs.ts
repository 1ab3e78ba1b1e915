/**
 * Reads one replica of a partition straight from a broker's log dir (`<log.dirs>/<topic>-<p>/*.log`,
 * segments in base-offset order): every batch's header fields and a digest of its bytes (for the
 * batch-for-batch comparison of replicas), and every record's offset and value (for the checks of
 * what was acknowledged and read). The brokers keep running; the workload has stopped by then.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { readBatchHeader, RECORD_BATCH_OVERHEAD } from '../../lib/record/batch-header.js';
import { batchesIn, iterateRecords } from '../../lib/record/record-batch.js';
import { LOG_FILE_SUFFIX, offsetFromFileName } from '../../lib/log/log-file-utils.js';

export interface BatchSummary {
  baseOffset: number;
  lastOffset: number;
  partitionLeaderEpoch: number;
  producerId: string;
  producerEpoch: number;
  baseSequence: number;
  count: number;
  size: number;
  crc: number;
  /** sha1 of the whole batch as stored (a follower stores the leader's bytes unchanged). */
  digest: string;
  segment: string;
}

export interface ReplicaRecord {
  offset: number;
  value: string | null;
  leaderEpoch: number;
  /** Producer id, producer epoch and sequence of the record (its batch's base sequence + delta). */
  producer: string;
}

export interface ReplicaLog {
  brokerId: number;
  /** False when the partition has no directory in this broker's log dir. */
  present: boolean;
  batches: BatchSummary[];
  records: ReplicaRecord[];
  /** Log end offset (next offset after the last batch), 0 when empty. */
  logEndOffset: number;
  /** Bytes at a segment's end that are not a whole batch, or problems reading it. */
  problems: string[];
}

export function readReplicaLog(logDir: string, brokerId: number, topic: string, partition: number): ReplicaLog {
  const dir = path.join(logDir, `${topic}-${partition}`);
  const log: ReplicaLog = { brokerId, present: fs.existsSync(dir), batches: [], records: [], logEndOffset: 0, problems: [] };
  if (!log.present) return log;
  const segments = fs.readdirSync(dir).filter((f) => f.endsWith(LOG_FILE_SUFFIX)).sort((a, b) => offsetFromFileName(a) - offsetFromFileName(b));
  for (const segment of segments) {
    const buf = fs.readFileSync(path.join(dir, segment));
    let end = 0;
    try {
      for (const loc of batchesIn(buf)) {
        end = loc.position + loc.size;
        if (loc.magic !== 2 || loc.size < RECORD_BATCH_OVERHEAD) {
          log.problems.push(`${segment}@${loc.position}: entry with magic ${loc.magic}`);
          continue;
        }
        const bytes = buf.subarray(loc.position, loc.position + loc.size);
        const h = readBatchHeader(bytes, 0);
        const baseOffset = Number(h.baseOffset);
        log.batches.push({
          baseOffset,
          lastOffset: baseOffset + h.lastOffsetDelta,
          partitionLeaderEpoch: h.partitionLeaderEpoch,
          producerId: String(h.producerId),
          producerEpoch: h.producerEpoch,
          baseSequence: h.baseSequence,
          count: h.recordsCount,
          size: loc.size,
          crc: h.crc,
          digest: createHash('sha1').update(bytes).digest('hex'),
          segment,
        });
        for (const r of iterateRecords(bytes)) {
          const sequence = h.baseSequence < 0 ? -1 : h.baseSequence + Number(r.offset - h.baseOffset);
          log.records.push({ offset: Number(r.offset), value: r.value === null ? null : r.value.toString('utf8'), leaderEpoch: h.partitionLeaderEpoch, producer: `${h.producerId}/${h.producerEpoch}/${sequence}` });
        }
        log.logEndOffset = baseOffset + h.lastOffsetDelta + 1;
      }
    } catch (err) {
      log.problems.push(`${segment}@${end}: ${(err as Error).message}`);
    }
    if (end < buf.length) log.problems.push(`${segment}: ${buf.length - end} bytes after the last whole batch`);
  }
  return log;
}
