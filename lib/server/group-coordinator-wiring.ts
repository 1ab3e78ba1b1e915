/**
 * The group coordinator on top of the broker: its storage is the __consumer_offsets topic written
 * through the ReplicaManager (acks=all, as offsets.commit.required.acks = -1) and read back from
 * the local log when this broker becomes leader of one of its partitions (Kafka's
 * GroupMetadataManager.loadGroupsAndOffsets); leadership changes of those partitions load and
 * unload groups (onElection / onResignation).
 */
import { GroupCoordinator } from '../coordinator/group/group-coordinator.js';
import type { GroupMetadataStorage, StoredRecord } from '../coordinator/group/group-metadata-manager.js';
import { partitionForGroup } from '../coordinator/group/group-metadata-records.js';
import type { ReplicaManager } from '../replication/replica-manager.js';
import { leaderRecordValidator } from '../replication/record-validation.js';
import { batchesIn, isControlBatch, isTransactionalBatch, iterateRecords } from '../record/record-batch.js';
import { ATTRIBUTES_OFFSET, PRODUCER_ID_OFFSET } from '../record/batch-header.js';
import { parseControlRecordType } from '../record/control-record.js';
import { NONE, NotLeaderOrFollowerError } from '../protocol/errors.js';
import type { BrokerContext } from './broker-context.js';
import { logger } from '../utils/logger.js';

export const GROUP_METADATA_TOPIC_NAME = '__consumer_offsets';
const LOAD_BUFFER_BYTES = 5 * 1024 * 1024; // offsets.load.buffer.size

export function createGroupCoordinator(ctx: BrokerContext, replicaManager: ReplicaManager): GroupCoordinator {
  const log = logger('kafka.coordinator.group.GroupMetadataManager');
  const config = ctx.config;
  const validator = leaderRecordValidator({ compacted: true, targetCompression: 'producer' }, 'coordinator');
  const storage: GroupMetadataStorage = {
    partitionFor(groupId: string): number {
      const count = ctx.metadataCache.numPartitions(GROUP_METADATA_TOPIC_NAME) ?? config.getNumber('offsets.topic.num.partitions');
      return partitionForGroup(groupId, count);
    },
    async append(partition: number, records: Buffer): Promise<number> {
      const [r] = await replicaManager.appendRecords(
        config.getNumber('offsets.commit.timeout.ms'),
        config.getNumber('offsets.commit.required.acks'),
        true,
        [{ tp: { topic: GROUP_METADATA_TOPIC_NAME, partition }, records }],
        validator,
      );
      return r?.errorCode ?? NONE;
    },
    read(partition: number): AsyncIterable<StoredRecord> {
      return readPartition(replicaManager, partition);
    },
  };
  const coordinator = GroupCoordinator.fromConfig(config, storage);
  const previous = replicaManager.onLeadershipChange;
  replicaManager.onLeadershipChange = (led, followed) => {
    previous?.(led, followed);
    for (const p of led) {
      if (p.topic !== GROUP_METADATA_TOPIC_NAME) continue;
      coordinator.onElection(p.topicPartition.partition, p.leaderEpoch).catch((err: unknown) => log.error({ err }, `loading groups of partition ${p.topicPartition.partition} failed`));
    }
    for (const p of followed) {
      if (p.topic !== GROUP_METADATA_TOPIC_NAME) continue;
      coordinator.onResignation(p.topicPartition.partition, p.leaderEpoch).catch((err: unknown) => log.error({ err }, `unloading groups of partition ${p.topicPartition.partition} failed`));
    }
  };
  coordinator.startup();
  return coordinator;
}

/**
 * Every record of a __consumer_offsets partition up to its log end offset, each with its batch's
 * producer id and transactional flag; a control batch yields its marker (controlType, no key or
 * value) so the loader can apply or drop transactional offsets (Kafka's doLoadGroupsAndOffsets).
 * As Kafka (it reads with FetchLogEnd isolation up to the log end offset): a newly elected
 * leader's high watermark may still lag its log by the last acknowledged commits (a follower
 * learns the high watermark one fetch later), and those must not be lost.
 */
async function* readPartition(replicaManager: ReplicaManager, partition: number): AsyncGenerator<StoredRecord> {
  const p = replicaManager.getPartition({ topic: GROUP_METADATA_TOPIC_NAME, partition });
  const log = p?.localLogOrNull;
  if (!p || !log) throw new NotLeaderOrFollowerError(`partition ${partition} of ${GROUP_METADATA_TOPIC_NAME} is not local`);
  const end = log.logEndOffset;
  let offset = log.logStartOffset;
  while (offset < end) {
    const { records } = log.read(offset, LOAD_BUFFER_BYTES, end, true);
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
