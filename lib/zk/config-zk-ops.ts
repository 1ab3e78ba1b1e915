/** KafkaZkClient's config methods: `/config/<type>/<name>` entities and `/config/changes` notifications. */
import { KafkaZkClientBase } from './kafka-zk-client-base.js';
import { NodeExistsError, NoNodeError } from './keeper-errors.js';
import { ConfigEntityChangeNotificationSequenceZNode, ConfigEntityTypeZNode, ConfigEntityZNode } from './config-znodes.js';
import { ZkVersion } from './zk-data.js';

/** Config methods of KafkaZkClient (mixed into it; see kafka-zk-client.ts). */
export class ConfigZkOps extends KafkaZkClientBase {
  /** Kafka's getEntityConfigs: `/config/<type>/<name>` as a key → value map ({} if absent). */
  async getEntityConfigs(rootEntityType: string, sanitizedEntityName: string): Promise<Record<string, string>> {
    const path = ConfigEntityZNode.path(rootEntityType, sanitizedEntityName);
    const { data, stat } = await this.getDataAndStat(path);
    return stat === null ? {} : ConfigEntityZNode.decode(path, data);
  }

  /** Kafka's setOrCreateEntityConfigs: setData, or create (with parents) if missing. */
  async setOrCreateEntityConfigs(rootEntityType: string, sanitizedEntityName: string, config: Record<string, string>): Promise<void> {
    const path = ConfigEntityZNode.path(rootEntityType, sanitizedEntityName);
    const data = ConfigEntityZNode.encode(config);
    try {
      await this.zooKeeperClient.setData(path, data, ZkVersion.MatchAnyVersion);
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
      try {
        await this.createRecursive(path, data, true);
      } catch (err2) {
        if (!(err2 instanceof NodeExistsError)) throw err2;
        await this.zooKeeperClient.setData(path, data, ZkVersion.MatchAnyVersion);
      }
    }
  }

  /** Kafka's getAllEntitiesWithConfig: names under `/config/<type>`. */
  async getAllEntitiesWithConfig(entityType: string): Promise<string[]> {
    return this.getChildrenOrEmpty(ConfigEntityTypeZNode.path(entityType), false);
  }

  /** Kafka's createConfigChangeNotification: `/config/changes/config_change_<seq>` with entity_path (v2). */
  async createConfigChangeNotification(sanitizedEntityPath: string): Promise<string> {
    return this.createSequentialPersistentPath(
      ConfigEntityChangeNotificationSequenceZNode.createPath,
      ConfigEntityChangeNotificationSequenceZNode.encode(sanitizedEntityPath),
    );
  }
}
