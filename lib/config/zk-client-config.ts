/**
 * The broker's ZooKeeper client settings (Kafka's KafkaServer.zkClientConfigFromKafkaConfig):
 * zookeeper.connect, zookeeper.session.timeout.ms and zookeeper.connection.timeout.ms (which
 * falls back to the session timeout).
 */
import type { KafkaConfig } from './kafka-config.js';

export interface ZkClientConfig {
  readonly connectString: string;
  readonly sessionTimeoutMs: number;
  readonly connectionTimeoutMs: number;
}

export function zkClientConfigFrom(config: KafkaConfig): ZkClientConfig {
  return { connectString: config.zkConnect, sessionTimeoutMs: config.zkSessionTimeoutMs, connectionTimeoutMs: config.zkConnectionTimeoutMs };
}
