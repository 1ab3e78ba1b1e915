/**
 * The controller's settings (Kafka's KafkaController reads of KafkaConfig) and those of the
 * broker's controlled shutdown (controlled.shutdown.*).
 */
import type { KafkaConfig } from './kafka-config.js';

export interface ControllerConfig {
  /** The listener the controller reaches brokers on. */
  interBrokerListener: string;
  /** delete.topic.enable */
  deleteTopicEnable: boolean;
  /** auto.leader.rebalance.enable */
  autoLeaderRebalanceEnable: boolean;
  /** leader.imbalance.check.interval.seconds */
  leaderImbalanceCheckIntervalSeconds: number;
  /** leader.imbalance.per.broker.percentage */
  leaderImbalancePerBrokerPercentage: number;
  /** unclean.leader.election.enable (the broker default; topics may override it) */
  uncleanLeaderElectionEnable: boolean;
  /** controller.socket.timeout.ms */
  requestTimeoutMs: number;
}

export interface ControlledShutdownConfig {
  /** controlled.shutdown.enable */
  readonly enable: boolean;
  /** controlled.shutdown.max.retries */
  readonly maxRetries: number;
  /** controlled.shutdown.retry.backoff.ms */
  readonly retryBackoffMs: number;
  /** controller.socket.timeout.ms */
  readonly requestTimeoutMs: number;
}

export function controllerConfigFrom(config: KafkaConfig): ControllerConfig {
  return {
    interBrokerListener: config.interBrokerListenerName,
    deleteTopicEnable: config.deleteTopicEnable,
    autoLeaderRebalanceEnable: config.get('auto.leader.rebalance.enable'),
    leaderImbalanceCheckIntervalSeconds: config.get('leader.imbalance.check.interval.seconds'),
    leaderImbalancePerBrokerPercentage: config.get('leader.imbalance.per.broker.percentage'),
    uncleanLeaderElectionEnable: config.get('unclean.leader.election.enable'),
    requestTimeoutMs: config.get('controller.socket.timeout.ms'),
  };
}

export function controlledShutdownConfigFrom(config: KafkaConfig): ControlledShutdownConfig {
  return {
    enable: config.get('controlled.shutdown.enable'),
    maxRetries: config.get('controlled.shutdown.max.retries'),
    retryBackoffMs: config.get('controlled.shutdown.retry.backoff.ms'),
    requestTimeoutMs: config.get('controller.socket.timeout.ms'),
  };
}
