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
import { Errors } from '../protocol/errors.js';
import { GROUP_METADATA_TOPIC_NAME } from '../common/topic.js';
import { readInternalTopicPartition } from './internal-topic-reader.js';
import type { BrokerContext } from './handlers/broker-context.js';
import { logger } from '../utils/logger.js';
import { offsetConfigFrom } from '../config/group-coordinator-config.js';

const LOAD_BUFFER_BYTES = 5 * 1024 * 1024; // offsets.load.buffer.size

export function createGroupCoordinator(ctx: BrokerContext, replicaManager: ReplicaManager): GroupCoordinator {
  const log = logger('kafka.coordinator.group.GroupMetadataManager');
  const offsetConfig = offsetConfigFrom(ctx.config);
  const storage: GroupMetadataStorage = {
    partitionFor(groupId: string): number {
      const count = ctx.metadataCache.numPartitions(GROUP_METADATA_TOPIC_NAME) ?? offsetConfig.offsetsTopicNumPartitions;
      return partitionForGroup(groupId, count);
    },
    async append(partition: number, records: Buffer): Promise<number> {
      const [r] = await replicaManager.appendRecords({
        timeoutMs: offsetConfig.offsetCommitTimeoutMs,
        requiredAcks: offsetConfig.offsetCommitRequiredAcks,
        origin: 'coordinator',
        entries: [{ tp: { topic: GROUP_METADATA_TOPIC_NAME, partition }, records }],
      });
      return r?.errorCode ?? Errors.NONE.code;
    },
    read(partition: number): AsyncIterable<StoredRecord> {
      return readInternalTopicPartition(replicaManager, GROUP_METADATA_TOPIC_NAME, partition, LOAD_BUFFER_BYTES);
    },
  };
  const coordinator = GroupCoordinator.fromConfig(ctx.config, storage);
  replicaManager.addLeadershipChangeListener((led, followed) => {
    for (const p of led) {
      if (p.topic !== GROUP_METADATA_TOPIC_NAME) continue;
      coordinator.onElection(p.topicPartition.partition, p.leaderEpoch).catch((err: unknown) => log.error({ err }, `loading groups of partition ${p.topicPartition.partition} failed`));
    }
    for (const p of followed) {
      if (p.topic !== GROUP_METADATA_TOPIC_NAME) continue;
      coordinator.onResignation(p.topicPartition.partition, p.leaderEpoch).catch((err: unknown) => log.error({ err }, `unloading groups of partition ${p.topicPartition.partition} failed`));
    }
  });
  coordinator.startup();
  return coordinator;
}

