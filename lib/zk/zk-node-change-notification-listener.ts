/**
 * Kafka's ZkNodeChangeNotificationListener (kafka/common): keeps a child watch on a root of
 * sequential notification znodes (`/config/changes/config_change_…`, `/kafka-acl-changes/acl_changes_…`)
 * and hands the data of every notification newer than the last one processed to a handler, in
 * sequence order; then deletes notifications older than `changeExpirationMs` (15 minutes). At
 * start-up every existing notification is processed (the last processed number starts at -1), and
 * again after a new ZooKeeper session. Passes are serialised: one at a time, and a watch firing
 * during a pass schedules exactly one more. A handler failing on one notification is logged and
 * the others still run.
 */
import type { KafkaZkClient } from './kafka-zk-client.js';
import { NoNodeError } from './keeper-errors.js';
import { StateChangeHandlers } from './zk-data.js';
import { SYSTEM_TIME, type Time } from '../common/time.js';
import { logger } from '../utils/logger.js';

/** Kafka's NotificationHandler: the data of one notification znode. */
export type NotificationHandler = (notificationMessage: Buffer) => void | Promise<void>;

/** ZkNodeChangeNotificationListener's default changeExpirationMs. */
export const DEFAULT_CHANGE_EXPIRATION_MS = 15 * 60 * 1000;

export interface ZkNodeChangeNotificationListenerOptions {
  changeExpirationMs?: number;
  time?: Time;
}

export class ZkNodeChangeNotificationListener {
  private readonly log = logger('kafka.common.ZkNodeChangeNotificationListener');
  private readonly changeExpirationMs: number;
  private readonly time: Time;
  private lastExecutedChange = -1;
  private running: Promise<void> | null = null;
  private rerun = false;
  private closed = false;

  constructor(
    private readonly zkClient: KafkaZkClient,
    readonly seqNodeRoot: string,
    private readonly seqNodePrefix: string,
    private readonly notificationHandler: NotificationHandler,
    options: ZkNodeChangeNotificationListenerOptions = {},
  ) {
    this.changeExpirationMs = options.changeExpirationMs ?? DEFAULT_CHANGE_EXPIRATION_MS;
    this.time = options.time ?? SYSTEM_TIME;
  }

  /** The sequence number of the last notification handed to the handler (-1 before any). */
  get lastProcessedChange(): number {
    return this.lastExecutedChange;
  }

  /** Registers the watch and session handler, then processes the pending notifications. */
  async init(): Promise<void> {
    this.zkClient.registerStateChangeHandler({
      name: StateChangeHandlers.zkNodeChangeListenerHandler(this.seqNodeRoot),
      afterInitializingSession: () => {
        void this.addChangeNotification();
      },
    });
    this.zkClient.registerZNodeChildChangeHandler({ path: this.seqNodeRoot, handleChildChange: () => void this.addChangeNotification() });
    await this.addChangeNotification();
  }

  async close(): Promise<void> {
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
    if (stat === null || data === null) {
      this.log.warn(`read null data from ${path}`);
      return;
    }
    try {
      await this.notificationHandler(data);
    } catch (err) {
      this.log.error({ err }, `error processing change notification ${data.toString('utf8')} from ${path}`);
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
