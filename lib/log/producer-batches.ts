/**
 * Reads what the producer state needs from v2 batch headers (Kafka's RecordBatch accessors:
 * producerId, producerEpoch, baseSequence, lastOffsetDelta, isTransactional, isControlBatch), and
 * the end-transaction marker of control batches. Header reads only; a control batch's single
 * record is decoded (markers are small and uncompressed).
 */
import {
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  CONTROL_FLAG_MASK,
  LAST_OFFSET_DELTA_OFFSET,
  LENGTH_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  TRANSACTIONAL_FLAG_MASK,
} from '../record/batch-header.js';
import { ControlRecordType, parseControlRecordType } from '../record/control-record.js';
import { iterateRecords } from '../record/record-batch.js';
import { readOffset, readTimestamp } from './assign-offsets.js';
import type { ProducerBatch } from './producer-state-manager.js';

/** The producer batches of `records` (offsets as stored); batches without a producer id are skipped. */
export function producerBatchesIn(records: Buffer): { batches: ProducerBatch[]; lastOffset: number } {
  const batches: ProducerBatch[] = [];
  let lastOffset = -1;
  for (let p = 0; p + RECORD_BATCH_OVERHEAD <= records.length;) {
    const size = records.readInt32BE(p + LENGTH_OFFSET) + LOG_OVERHEAD;
    if (size < RECORD_BATCH_OVERHEAD || p + size > records.length) break;
    if (records.readInt8(p + MAGIC_OFFSET) !== 2) {
      p += size;
      continue;
    }
    const baseOffset = readOffset(records, p);
    const lastOffsetDelta = records.readInt32BE(p + LAST_OFFSET_DELTA_OFFSET);
    lastOffset = baseOffset + lastOffsetDelta;
    const producerId = records.readBigInt64BE(p + PRODUCER_ID_OFFSET);
    if (producerId >= 0n) {
      const attributes = records.readInt16BE(p + ATTRIBUTES_OFFSET);
      const b: ProducerBatch = {
        producerId,
        producerEpoch: records.readInt16BE(p + PRODUCER_EPOCH_OFFSET),
        baseSequence: records.readInt32BE(p + BASE_SEQUENCE_OFFSET),
        lastOffsetDelta,
        baseOffset,
        maxTimestamp: readTimestamp(records, p + MAX_TIMESTAMP_OFFSET),
        isTransactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
      };
      if ((attributes & CONTROL_FLAG_MASK) !== 0) {
        const marker = endTxnMarkerOf(records.subarray(p, p + size));
        if (marker) b.control = marker;
        else {
          p += size;
          continue; // other control records (leader change) do not touch producer state
        }
      }
      batches.push(b);
    }
    p += size;
  }
  return { batches, lastOffset };
}

function endTxnMarkerOf(batch: Buffer): { type: number; coordinatorEpoch: number } | undefined {
  for (const r of iterateRecords(batch)) {
    const type = parseControlRecordType(r.key);
    if (type !== ControlRecordType.ABORT && type !== ControlRecordType.COMMIT) return undefined;
    const coordinatorEpoch = r.value !== null && r.value.length >= 6 ? r.value.readInt32BE(2) : -1;
    return { type, coordinatorEpoch };
  }
  return undefined;
}
