/** KafkaZkClient's notification methods: `/isr_change_notification` and `/log_dir_event_notification`. */
import { KafkaZkClientBase } from './kafka-zk-client-base.js';
import { IsrChangeNotificationSequenceZNode, IsrChangeNotificationZNode, LogDirEventNotificationSequenceZNode, LogDirEventNotificationZNode } from './notification-znodes.js';
import type { TopicPartition } from '../common/topic-partition.js';

/** A family of sequential notification znodes under one parent: both families read alike. */
interface NotificationFamily<T> {
  parent: string;
  path(sequenceNumber: string): string;
  sequenceNumber(child: string): string;
  decode(path: string, bytes: Buffer | null): T;
}

const ISR_CHANGES: NotificationFamily<TopicPartition[]> = { ...IsrChangeNotificationSequenceZNode, parent: IsrChangeNotificationZNode.path };
const LOG_DIR_EVENTS: NotificationFamily<number> = { ...LogDirEventNotificationSequenceZNode, parent: LogDirEventNotificationZNode.path };

/** Notification methods of KafkaZkClient (mixed into it; see kafka-zk-client.ts). */
export class NotificationZkOps extends KafkaZkClientBase {
  /** Kafka's propagateIsrChanges: one `/isr_change_notification/isr_change_<seq>` for these partitions. */
  async propagateIsrChanges(isrChangeSet: Iterable<TopicPartition>): Promise<string> {
    return this.createSequentialPersistentPath(IsrChangeNotificationSequenceZNode.path(), IsrChangeNotificationSequenceZNode.encode(isrChangeSet));
  }

  /** Kafka's getAllIsrChangeNotifications: sequence numbers, sorted (arms the IsrChangeNotificationHandler's watch). */
  async getAllIsrChangeNotifications(): Promise<string[]> {
    return this.notificationSequenceNumbers(ISR_CHANGES);
  }

  /** Kafka's getPartitionsFromIsrChangeNotifications; vanished notifications are skipped. */
  async getPartitionsFromIsrChangeNotifications(sequenceNumbers: Iterable<string>): Promise<TopicPartition[]> {
    return (await this.readNotifications(ISR_CHANGES, sequenceNumbers)).flat();
  }

  /** Kafka's deleteIsrChangeNotifications: the given sequence numbers (all when omitted), fenced. */
  async deleteIsrChangeNotifications(expectedControllerEpochZkVersion: number, sequenceNumbers?: Iterable<string>): Promise<void> {
    await this.deleteNotifications(ISR_CHANGES, expectedControllerEpochZkVersion, sequenceNumbers);
  }

  /** Kafka's propagateLogDirEvent: `/log_dir_event_notification/log_dir_event_<seq>` for this broker. */
  async propagateLogDirEvent(brokerId: number): Promise<string> {
    return this.createSequentialPersistentPath(LogDirEventNotificationSequenceZNode.path(), LogDirEventNotificationSequenceZNode.encode(brokerId));
  }

  /** Kafka's getAllLogDirEventNotifications: sequence numbers, sorted (arms the LogDirEventNotificationHandler's watch). */
  async getAllLogDirEventNotifications(): Promise<string[]> {
    return this.notificationSequenceNumbers(LOG_DIR_EVENTS);
  }

  /** Kafka's getBrokerIdFromLogDirEvents; vanished notifications are skipped. */
  async getBrokerIdFromLogDirEvents(sequenceNumbers: Iterable<string>): Promise<number[]> {
    return this.readNotifications(LOG_DIR_EVENTS, sequenceNumbers);
  }

  /** Kafka's deleteLogDirEventNotifications: the given sequence numbers (all when omitted), fenced. */
  async deleteLogDirEventNotifications(expectedControllerEpochZkVersion: number, sequenceNumbers?: Iterable<string>): Promise<void> {
    await this.deleteNotifications(LOG_DIR_EVENTS, expectedControllerEpochZkVersion, sequenceNumbers);
  }

  private async notificationSequenceNumbers<T>(family: NotificationFamily<T>): Promise<string[]> {
    return (await this.getChildrenOrEmpty(family.parent)).map((c) => family.sequenceNumber(c)).sort();
  }

  private async readNotifications<T>(family: NotificationFamily<T>, sequenceNumbers: Iterable<string>): Promise<T[]> {
    const out: T[] = [];
    for (const s of sequenceNumbers) {
      const path = family.path(s);
      const { data, stat } = await this.getDataAndStat(path);
      if (stat !== null) out.push(family.decode(path, data));
    }
    return out;
  }

  private async deleteNotifications<T>(family: NotificationFamily<T>, expectedControllerEpochZkVersion: number, sequenceNumbers?: Iterable<string>): Promise<void> {
    const seqs = sequenceNumbers === undefined ? await this.notificationSequenceNumbers(family) : [...sequenceNumbers];
    for (const s of seqs) await this.deleteRecursive(family.path(s), expectedControllerEpochZkVersion);
  }
}
