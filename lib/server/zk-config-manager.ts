/**
 * Kafka's ZkConfigManager with its ZkNodeChangeNotificationListener
 * (kafka/server/ZkConfigManager.scala, kafka/common/ZkNodeChangeNotificationListener.scala): every
 * broker keeps a child watch on /config/changes; for each config_change_<seq> newer than the last
 * one processed it re-reads /config/<type>/<name> and hands the whole override set to the handler
 * of that entity type (topics → `onTopicConfigChange`, so live logs pick up new settings), then
 * deletes notifications older than 15 minutes. At start-up every existing notification is
 * processed (the last processed id starts at -1) and then every topic's stored config is applied
 * once, as Kafka bootstraps its config handlers. Processing is serialised: one pass at a time, a
 * watch firing during a pass schedules exactly one more.
 */
import type { KafkaZkClient } from '../zk/kafka-zk-client.js';
import { NoNodeError } from '../zk/keeper-errors.js';
import {
  ConfigEntityChangeNotificationSequenceZNode,
  ConfigEntityChangeNotificationZNode,
  ConfigType,
  StateChangeHandlers,
} from '../zk/zk-data.js';
import { SYSTEM_TIME, type Time } from '../common/time.js';
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

/** ZkNodeChangeNotificationListener's default changeExpirationMs. */
export const DEFAULT_CHANGE_EXPIRATION_MS = 15 * 60 * 1000;

export class ZkConfigManager {
  private readonly log = logger('kafka.server.ZkConfigManager');
  private readonly seqNodeRoot = ConfigEntityChangeNotificationZNode.path;
  private readonly seqNodePrefix = ConfigEntityChangeNotificationSequenceZNode.SequenceNumberPrefix;
  private readonly changeExpirationMs: number;
  private readonly time: Time;
  private readonly handlers: Record<string, EntityConfigChangeCallback>;
  private lastExecutedChange = -1;
  private running: Promise<void> | null = null;
  private rerun = false;
  private closed = false;

  constructor(private readonly zkClient: KafkaZkClient, onTopicConfigChange: TopicConfigChangeCallback,
    options: ZkConfigManagerOptions = {}) {
    this.changeExpirationMs = options.changeExpirationMs ?? DEFAULT_CHANGE_EXPIRATION_MS;
    this.time = options.time ?? SYSTEM_TIME;
    this.handlers = { ...options.entityHandlers, [ConfigType.Topic]: onTopicConfigChange };
  }

  /** The sequence number of the last notification handed to a handler (-1 before any). */
  get lastProcessedChange(): number {
    return this.lastExecutedChange;
  }

  /**
   * ZkConfigManager.startup: registers the child watch and the session handler, processes the
   * pending notifications, then applies every stored topic config once.
   */
  async startup(): Promise<void> {
    this.zkClient.registerStateChangeHandler({
      name: StateChangeHandlers.zkNodeChangeListenerHandler(this.seqNodeRoot),
      afterInitializingSession: () => {
        void this.addChangeNotification();
      },
    });
    this.zkClient.registerZNodeChildChangeHandler({ path: this.seqNodeRoot, handleChildChange: () => void this.addChangeNotification() });
    await this.addChangeNotification();
    for (const [entityType, handler] of Object.entries(this.handlers)) {
      for (const name of await this.zkClient.getAllEntitiesWithConfig(entityType)) {
        if (this.closed) return;
        await this.apply(handler, entityType, name);
      }
    }
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    this.zkClient.unregisterZNodeChildChangeHandler(this.seqNodeRoot);
    this.zkClient.unregisterStateChangeHandler(StateChangeHandlers.zkNodeChangeListenerHandler(this.seqNodeRoot));
    await this.running?.catch(() => undefined);
  }

  /** Schedules one processing pass; resolves when a pass that started after this call finished. */
  addChangeNotification(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.running !== null) {
      this.rerun = true;
      return this.running;
    }
    const loop = async (): Promise<void> => {
      do {
        this.rerun = false;
        await this.processNotifications();
      } while (this.rerun && !this.closed);
    };
    this.running = loop().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private changeNumber(name: string): number {
    const n = Number(name.substring(this.seqNodePrefix.length));
    return Number.isSafeInteger(n) ? n : -1;
  }

  private async processNotifications(): Promise<void> {
    try {
      const notifications = (await this.zkClient.zooKeeperClient.getChildren(this.seqNodeRoot, { watch: true }))
        .filter((n) => n.startsWith(this.seqNodePrefix))
        .sort();
      if (notifications.length === 0) return;
      const now = this.time.milliseconds();
      for (const n of notifications) {
        if (this.closed) return;
        const changeId = this.changeNumber(n);
        if (changeId > this.lastExecutedChange) {
          await this.processNotification(n);
          this.lastExecutedChange = changeId;
        }
      }
      await this.purgeObsoleteNotifications(now, notifications);
    } catch (err) {
      if (!this.closed) this.log.error({ err }, `Error while processing notification change for path = ${this.seqNodeRoot}`);
    }
  }

  private async processNotification(notification: string): Promise<void> {
    const path = `${this.seqNodeRoot}/${notification}`;
    const { data, stat } = await this.zkClient.getDataAndStat(path);
    if (stat === null) {
      this.log.warn(`read null data from ${path}`);
      return;
    }
    try {
      const entityPath = ConfigEntityChangeNotificationSequenceZNode.decode(path, data);
      const slash = entityPath.indexOf('/');
      if (slash <= 0) throw new Error(`Invalid entity_path ${entityPath}`);
      const entityType = entityPath.substring(0, slash);
      const entityName = entityPath.substring(slash + 1);
      const handler = this.handlers[entityType];
      if (handler === undefined) {
        this.log.debug(`No config handler for entity type ${entityType} (${path})`);
        return;
      }
      await this.apply(handler, entityType, entityName);
    } catch (err) {
      this.log.error({ err }, `error processing change notification ${data?.toString('utf8') ?? ''} from ${path}`);
    }
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

  private async purgeObsoleteNotifications(now: number, notifications: readonly string[]): Promise<void> {
    for (const n of notifications) {
      const path = `${this.seqNodeRoot}/${n}`;
      const { stat } = await this.zkClient.getDataAndStat(path);
      if (stat === null || now - stat.ctime <= this.changeExpirationMs) continue;
      this.log.debug(`Purging change notification ${path}`);
      try {
        await this.zkClient.zooKeeperClient.delete(path);
      } catch (err) {
        if (!(err instanceof NoNodeError)) throw err;
      }
    }
  }
}
