/**
 * The transaction coordinator on top of the broker (as group-coordinator-wiring.ts does for
 * groups): its log is `__transaction_state`, written through the ReplicaManager with acks=all and
 * read back from the local log when this broker becomes leader of one of its partitions
 * (TransactionStateManager.loadTransactionsForTxnTopicPartition, then in-flight commits/aborts are
 * completed); producer ids come from ZooKeeper blocks; markers go to partition leaders over the
 * inter-broker listener.
 */
import { TransactionCoordinator } from '../coordinator/transaction/transaction-coordinator.js';
import { TransactionStateManager, type TransactionLogStorage } from '../coordinator/transaction/transaction-state-manager.js';
import { TransactionMarkerChannelManager } from '../coordinator/transaction/transaction-marker-channel-manager.js';
import { ZkProducerIdManager } from '../coordinator/transaction/producer-id-manager.js';
import { TRANSACTION_STATE_TOPIC_NAME } from '../common/topic.js';
import type { ReplicaManager } from '../replication/replica-manager.js';
import { Errors } from '../protocol/errors.js';
import { readInternalTopicPartition } from './internal-topic-reader.js';
import type { BrokerContext } from './handlers/broker-context.js';
import type { Time } from '../common/time.js';
import type { KafkaScheduler } from '../common/scheduler.js';
import { logger } from '../utils/logger.js';
import { transactionConfigFrom, transactionLogConfigFrom } from '../config/transaction-config.js';

export function createTransactionCoordinator(ctx: BrokerContext, replicaManager: ReplicaManager, time: Time, scheduler: KafkaScheduler): TransactionCoordinator {
  const log = logger('kafka.coordinator.transaction.TransactionStateManager');
  const config = transactionConfigFrom(ctx.config);
  const logConfig = transactionLogConfigFrom(ctx.config);
  const interBrokerListener = ctx.config.interBrokerListenerName;
  const storage: TransactionLogStorage = {
    numPartitions: () => ctx.metadataCache.numPartitions(TRANSACTION_STATE_TOPIC_NAME) ?? logConfig.numPartitions,
    async append(partition, records) {
      const [r] = await replicaManager.appendRecords({
        timeoutMs: config.requestTimeoutMs,
        requiredAcks: -1,
        origin: 'coordinator',
        entries: [{ tp: { topic: TRANSACTION_STATE_TOPIC_NAME, partition }, records }],
      });
      return r?.errorCode ?? Errors.NONE.code;
    },
    read: (partition) => readPartition(replicaManager, partition, logConfig.loadBufferSize),
  };
  const markers = new TransactionMarkerChannelManager({
    brokerId: ctx.brokerId,
    leaderFor(tp) {
      const info = ctx.metadataCache.getPartitionInfo(tp.topic, tp.partition);
      if (!info || info.leader < 0) return undefined;
      const ep = ctx.metadataCache.getAliveEndpoint(info.leader, interBrokerListener);
      return ep ? { id: info.leader, host: ep.host, port: ep.port } : undefined;
    },
    topicExists: (topic) => ctx.metadataCache.contains(topic),
    stillCoordinator: (id, epoch) => manager.isCoordinatorEpochCurrent(id, epoch),
    requestTimeoutMs: config.requestTimeoutMs,
    retryBackoffMs: 100,
    security: ctx.interBrokerSecurity,
    time,
  });
  const manager = new TransactionStateManager(storage);
  const coordinator = new TransactionCoordinator(
    config,
    manager,
    new ZkProducerIdManager(ctx.brokerId, ctx.zkClient),
    markers,
    time,
    scheduler,
  );
  replicaManager.addLeadershipChangeListener((led, followed) => {
    for (const p of led) {
      if (p.topic !== TRANSACTION_STATE_TOPIC_NAME) continue;
      coordinator.onElection(p.topicPartition.partition, p.leaderEpoch)
        .catch((err: unknown) => log.error({ err }, `loading transactions of partition ${p.topicPartition.partition} failed`));
    }
    for (const p of followed) if (p.topic === TRANSACTION_STATE_TOPIC_NAME) coordinator.onResignation(p.topicPartition.partition);
  });
  coordinator.startup();
  return coordinator;
}

/** The data records (markers skipped) of a __transaction_state partition, up to its log end as Kafka loads it. */
async function* readPartition(replicaManager: ReplicaManager, partition: number, bufferBytes: number): AsyncGenerator<{ key: Buffer | null; value: Buffer | null }> {
  for await (const r of readInternalTopicPartition(replicaManager, TRANSACTION_STATE_TOPIC_NAME, partition, bufferBytes)) {
    if (r.controlType === undefined) yield { key: r.key, value: r.value };
  }
}
