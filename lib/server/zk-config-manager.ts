/**
 * Kafka's ZkConfigManager with its ZkNodeChangeNotificationListener
 * (kafka/server/ZkConfigManager.scala, kafka/common/ZkNodeChangeNotificationListener.scala): every
 * broker keeps a child watch on /config/changes; for each config_change_<seq> newer than the last
 * one processed it re-reads /config/<type>/<name> and hands the whole override set to the handler
 * of that entity type (topics → `onTopicConfigChange`, so live logs pick up new settings), then
 * deletes notifications older than 15 minutes. At start-up every existing notification is
 * processed (the last processed id starts at -1) and then every topic's stored config is applied
 * once, as Kafka bootstraps its config handlers. The watching, ordering and purging are the generic
 * ZkNodeChangeNotificationListener's (lib/zk), shared with the ACL change notifications.
 */
import type { KafkaZkClient } from '../zk/kafka-zk-client.js';
import { ConfigEntityChangeNotificationSequenceZNode, ConfigEntityChangeNotificationZNode, ConfigType } from '../zk/config-znodes.js';
import { ZkNodeChangeNotificationListener } from '../zk/zk-node-change-notification-listener.js';
import type { Time } from '../common/time.js';
import { logger } from '../utils/logger.js';

export type TopicConfigChangeCallback = (topic: string, overrides: Record<string, string>) => void | Promise<void>;
export type EntityConfigChangeCallback = (entityName: string, config: Record<string, string>) => void | Promise<void>;

export interface ZkConfigManagerOptions {
  /** Notifications older than this are deleted (Kafka: 15 minutes). */
  changeExpirationMs?: number;
  time?: Time;
  /** Handlers for other entity types (`brokers`, `clients`, `users`, `ips`), keyed by ConfigType. */
  entityHandlers?: Readonly<Record<string, EntityConfigChangeCallback>>;
}

export class ZkConfigManager {
  private readonly log = logger('kafka.server.ZkConfigManager');
  private readonly handlers: Record<string, EntityConfigChangeCallback>;
  private readonly listener: ZkNodeChangeNotificationListener;
  private closed = false;

  constructor(private readonly zkClient: KafkaZkClient, onTopicConfigChange: TopicConfigChangeCallback,
    options: ZkConfigManagerOptions = {}) {
    this.handlers = { ...options.entityHandlers, [ConfigType.Topic]: onTopicConfigChange };
    this.listener = new ZkNodeChangeNotificationListener(zkClient, ConfigEntityChangeNotificationZNode.path,
      ConfigEntityChangeNotificationSequenceZNode.SequenceNumberPrefix, (data) => this.processConfigChanges(data),
      { changeExpirationMs: options.changeExpirationMs, time: options.time });
  }

  /** The sequence number of the last notification handed to a handler (-1 before any). */
  get lastProcessedChange(): number {
    return this.listener.lastProcessedChange;
  }

  /**
   * ZkConfigManager.startup: starts the notification listener (which processes the pending
   * notifications), then applies every stored config of each handled entity type once.
   */
  async startup(): Promise<void> {
    await this.listener.init();
    for (const [entityType, handler] of Object.entries(this.handlers)) {
      for (const name of await this.zkClient.getAllEntitiesWithConfig(entityType)) {
        if (this.closed) return;
        await this.apply(handler, entityType, name);
      }
    }
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    await this.listener.close();
  }

  /** ConfigChangedNotificationHandler: re-reads the named entity's config and hands it to its type's handler. */
  private async processConfigChanges(data: Buffer): Promise<void> {
    const entityPath = ConfigEntityChangeNotificationSequenceZNode.decode(ConfigEntityChangeNotificationZNode.path, data);
    const slash = entityPath.indexOf('/');
    if (slash <= 0) throw new Error(`Invalid entity_path ${entityPath}`);
    const entityType = entityPath.substring(0, slash);
    const entityName = entityPath.substring(slash + 1);
    const handler = this.handlers[entityType];
    if (handler === undefined) {
      this.log.debug(`No config handler for entity type ${entityType}`);
      return;
    }
    await this.apply(handler, entityType, entityName);
  }

  private async apply(handler: EntityConfigChangeCallback, entityType: string, entityName: string): Promise<void> {
    try {
      const config = await this.zkClient.getEntityConfigs(entityType, entityName);
      this.log.info(`Processing override for entityPath: ${entityType}/${entityName} with config: ${JSON.stringify(config)}`);
      await handler(entityName, config);
    } catch (err) {
      this.log.error({ err }, `config handler for ${entityType}/${entityName} failed`);
    }
  }
}
