/**
 * Reading an internal topic partition (__consumer_offsets, __transaction_state) back when this
 * broker becomes its leader and a coordinator loads its state: record by record up to the log end
 * offset, with each record's batch producer id and transactional flag, and control markers.
 */
import type { StoredRecord } from '../coordinator/group/group-metadata-manager.js';
import type { ReplicaManager } from '../replication/replica-manager.js';
import { batchesIn, isControlBatch, isTransactionalBatch, iterateRecords } from '../record/record-batch.js';
import { ATTRIBUTES_OFFSET, PRODUCER_ID_OFFSET } from '../record/batch-header.js';
import { parseControlRecordType } from '../record/control-record.js';
import { NotLeaderOrFollowerError } from '../protocol/errors.js';
import { FetchIsolation } from '../log/log.js';

/**
 * Every record of an internal topic partition up to its log end offset, each with its batch's
 * producer id and transactional flag; a control batch yields its marker (controlType, no key or
 * value) so the loader can apply or drop transactional offsets (Kafka's doLoadGroupsAndOffsets).
 * As Kafka (it reads with FetchLogEnd isolation up to the log end offset): a newly elected
 * leader's high watermark may still lag its log by the last acknowledged commits (a follower
 * learns the high watermark one fetch later), and those must not be lost.
 */
export async function* readInternalTopicPartition(replicaManager: ReplicaManager, topic: string, partition: number, bufferBytes: number): AsyncGenerator<StoredRecord> {
  const p = replicaManager.getPartition({ topic, partition });
  const log = p?.localLogOrNull;
  if (!p || !log) throw new NotLeaderOrFollowerError(`partition ${partition} of ${topic} is not local`);
  const end = log.logEndOffset;
  let offset = log.logStartOffset;
  while (offset < end) {
    // The partition's log of the moment: a move between log dirs may swap it between reads (same offsets).
    const current = p.localLogOrNull;
    if (!current) throw new NotLeaderOrFollowerError(`partition ${partition} of ${topic} is no longer local`);
    const { records } = current.read(offset, bufferBytes, FetchIsolation.LOG_END, true);
    if (records.length === 0) break;
    let next = offset;
    for (const b of batchesIn(records)) {
      const batch = records.subarray(b.position, b.position + b.size);
      const lastOffset = batch.readBigInt64BE(0) + BigInt(batch.readInt32BE(23));
      next = lastOffset + 1n;
      if (b.magic < 2) {
        for (const r of iterateRecords(batch)) if (r.offset >= offset) yield { key: r.key, value: r.value, offset: r.offset };
        continue;
      }
      const attributes = batch.readInt16BE(ATTRIBUTES_OFFSET);
      const producerId = batch.readBigInt64BE(PRODUCER_ID_OFFSET);
      const isTransactional = isTransactionalBatch(attributes);
      if (isControlBatch(attributes)) {
        if (lastOffset < offset) continue;
        for (const r of iterateRecords(batch)) {
          let controlType: number;
          try {
            controlType = parseControlRecordType(r.key);
          } catch {
            continue; // an unreadable control record is skipped, as Kafka's loader ignores unknown ones
          }
          yield { key: null, value: null, offset: r.offset, producerId, isTransactional, controlType };
          break;
        }
        continue;
      }
      for (const r of iterateRecords(batch)) {
        if (r.offset < offset) continue;
        yield { key: r.key, value: r.value, offset: r.offset, producerId, isTransactional };
      }
    }
    if (next <= offset) break;
    offset = next;
    // Let requests run between chunks of a long load.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
