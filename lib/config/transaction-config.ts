/**
 * Kafka's TransactionConfig and TransactionLogConfig: the transaction coordinator's settings
 * (`transaction.*`, `transactional.id.expiration.ms`) and those of its __transaction_state topic.
 */
import type { BrokerConfigReader } from './broker-configs.js';

export interface TransactionConfig {
  /** transactional.id.expiration.ms */
  transactionalIdExpirationMs: number;
  /** transaction.max.timeout.ms */
  transactionMaxTimeoutMs: number;
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms */
  abortTimedOutTransactionsIntervalMs: number;
  /** transaction.remove.expired.transaction.cleanup.interval.ms */
  removeExpiredTransactionalIdsIntervalMs: number;
  /** request.timeout.ms: appends to __transaction_state and marker requests. */
  requestTimeoutMs: number;
}

export interface TransactionLogConfig {
  /** transaction.state.log.num.partitions */
  numPartitions: number;
  /** transaction.state.log.replication.factor */
  replicationFactor: number;
  /** transaction.state.log.segment.bytes */
  segmentBytes: number;
  /** transaction.state.log.load.buffer.size */
  loadBufferSize: number;
  /** transaction.state.log.min.isr */
  minInsyncReplicas: number;
}

export function transactionConfigFrom(config: BrokerConfigReader): TransactionConfig {
  return {
    transactionalIdExpirationMs: config.get('transactional.id.expiration.ms'),
    transactionMaxTimeoutMs: config.get('transaction.max.timeout.ms'),
    abortTimedOutTransactionsIntervalMs: config.get('transaction.abort.timed.out.transaction.cleanup.interval.ms'),
    removeExpiredTransactionalIdsIntervalMs: config.get('transaction.remove.expired.transaction.cleanup.interval.ms'),
    requestTimeoutMs: config.get('request.timeout.ms'),
  };
}

export function transactionLogConfigFrom(config: BrokerConfigReader): TransactionLogConfig {
  return {
    numPartitions: config.get('transaction.state.log.num.partitions'),
    replicationFactor: config.get('transaction.state.log.replication.factor'),
    segmentBytes: config.get('transaction.state.log.segment.bytes'),
    loadBufferSize: config.get('transaction.state.log.load.buffer.size'),
    minInsyncReplicas: config.get('transaction.state.log.min.isr'),
  };
}
