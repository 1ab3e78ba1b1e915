/**
 * KafkaZkClient: the typed ZooKeeper operations of a ZooKeeper-mode broker and controller,
 * mirroring kafka/zk/KafkaZkClient.scala (method names are Kafka's). It is one object, as in Kafka,
 * assembled from one file per znode family over a common core:
 *   kafka-zk-client-base.ts  the wrapped ZooKeeperClient, controller-epoch fencing, generic path
 *                            operations, watch and session-hook registration;
 *   broker-zk-ops.ts         top-level paths, /cluster/id, /brokers/seqid, /brokers/ids/<id>;
 *   controller-zk-ops.ts     /controller and /controller_epoch;
 *   topic-zk-ops.ts          /brokers/topics/<t> and the partition state znodes;
 *   admin-zk-ops.ts          /admin/delete_topics, /admin/reassign_partitions, /admin/preferred_replica_election;
 *   config-zk-ops.ts         /config/<type>/<name> and /config/changes;
 *   notification-zk-ops.ts   /isr_change_notification and /log_dir_event_notification.
 * (ACLs: acl-zk-client.ts, over a KafkaZkClient.) Paths and JSON come from the *-znodes.ts files.
 *
 * Watches: register a ZNodeChangeHandler / ZNodeChildChangeHandler, then read the path; reads arm the
 * watch for registered handlers (Kafka's shouldWatch). Handlers survive session re-creation: their
 * watches are re-armed on the new session. Handlers should only enqueue controller events.
 */
import { KafkaZkClientBase } from './kafka-zk-client-base.js';
import { BrokerZkOps } from './broker-zk-ops.js';
import { ControllerZkOps } from './controller-zk-ops.js';
import { TopicZkOps } from './topic-zk-ops.js';
import { AdminZkOps } from './admin-zk-ops.js';
import { ConfigZkOps } from './config-zk-ops.js';
import { NotificationZkOps } from './notification-zk-ops.js';
import { ZooKeeperClient, type ZooKeeperClientConfig } from './zookeeper-client.js';

// The family methods are copied onto KafkaZkClient's prototype below; this declaration gives them their types.
export interface KafkaZkClient extends BrokerZkOps, ControllerZkOps, TopicZkOps, AdminZkOps, ConfigZkOps, NotificationZkOps {}

export class KafkaZkClient extends KafkaZkClientBase {
  /** Connects (creating the chroot, KafkaServer.initZkClient) and wraps the client. Kafka's KafkaZkClient.apply. */
  static async create(config: ZooKeeperClientConfig): Promise<KafkaZkClient> {
    return new KafkaZkClient(await ZooKeeperClient.connect(config));
  }
}

for (const family of [BrokerZkOps, ControllerZkOps, TopicZkOps, AdminZkOps, ConfigZkOps, NotificationZkOps]) {
  for (const name of Object.getOwnPropertyNames(family.prototype)) {
    if (name === 'constructor') continue;
    if (Object.prototype.hasOwnProperty.call(KafkaZkClient.prototype, name)) throw new Error(`KafkaZkClient.${name} is defined by two znode families`);
    Object.defineProperty(KafkaZkClient.prototype, name, Object.getOwnPropertyDescriptor(family.prototype, name)!);
  }
}
