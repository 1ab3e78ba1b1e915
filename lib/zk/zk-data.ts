/**
 * ZkData: the znodes of a ZooKeeper-mode Kafka cluster, mirroring kafka/zk/ZkData.scala (3.9), one
 * file per znode family (broker-znodes.ts, topic-znodes.ts, controller-znodes.ts, config-znodes.ts,
 * admin-znodes.ts, acl-znodes.ts, notification-znodes.ts, producer-id-znodes.ts, cluster-znodes.ts;
 * JSON helpers in znode-json.ts). JSON field names, value types and versions are Kafka's; see
 * ../shared/kafka-protocol/ZOOKEEPER.md section 3. This file holds what spans the families: the
 * paths every broker creates, ZkVersion and the state change handler names.
 */
import { BrokerIdsZNode, BrokerSequenceIdZNode } from './broker-znodes.js';
import { TopicsZNode } from './topic-znodes.js';
import { ConfigType, ConfigEntityTypeZNode, ConfigEntityChangeNotificationZNode } from './config-znodes.js';
import { IsrChangeNotificationZNode, LogDirEventNotificationZNode } from './notification-znodes.js';
import { DeleteTopicsZNode } from './admin-znodes.js';
import { ProducerIdBlockZNode } from './producer-id-znodes.js';

export const ConsumerPathZNode = { path: '/consumers' } as const;

/** Kafka's ZkVersion constants. */
export const ZkVersion = { MatchAnyVersion: -1, UnknownVersion: -2 } as const;

/** Kafka's StateChangeHandlers names. */
export const StateChangeHandlers = {
  ControllerHandler: 'controller-state-change-handler',
  zkNodeChangeListenerHandler: (seqNodeRoot: string): string => `change-notification-${seqNodeRoot}`,
} as const;

/** ZkData.PersistentZkPaths: created by every broker at start-up (KafkaZkClient.createTopLevelPaths). */
export const PersistentZkPaths: readonly string[] = [
  ConsumerPathZNode.path,
  BrokerIdsZNode.path,
  TopicsZNode.path,
  ConfigEntityChangeNotificationZNode.path,
  DeleteTopicsZNode.path,
  BrokerSequenceIdZNode.path,
  IsrChangeNotificationZNode.path,
  ProducerIdBlockZNode.path,
  LogDirEventNotificationZNode.path,
  ...Object.values(ConfigType).map((t) => ConfigEntityTypeZNode.path(t)),
];
