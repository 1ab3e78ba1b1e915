import { RECORD_BATCH_OVERHEAD } from '../../lib/record/batch-header.js';
import { compress } from '../../lib/record/compression.js';
import { sizeInBytes, sizeOfBodyInBytes, writeRecord } from '../../lib/record/default-record.js';
import { buildRecordBatch, updateBatchCrc } from '../../lib/record/memory-records-builder.js';

/** A magic-2 batch whose records carry the given offset deltas (to mimic odd producers). */
export function encodeRecordsWithOffsetDeltas(deltas: number[], compression: number, timestamp: bigint): Buffer {
  const parts: Buffer[] = deltas.map((d, i) => {
    const value = Buffer.from(String(i));
    const body = sizeOfBodyInBytes(d, 0n, null, value, []);
    const buf = Buffer.alloc(sizeInBytes(body));
    writeRecord(buf, 0, body, d, 0n, null, value, []);
    return buf;
  });
  const records = Buffer.concat(parts);
  const payload = compress(compression, records);
  const template = buildRecordBatch(deltas.map(() => ({ value: null, timestamp })), { compression: 0 });
  const out = Buffer.concat([template.subarray(0, RECORD_BATCH_OVERHEAD), payload]);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt16BE(compression, 21);
  updateBatchCrc(out);
  return out;
}
