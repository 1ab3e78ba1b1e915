/** KafkaZkClient's notification methods: `/isr_change_notification` and `/log_dir_event_notification`. */
import { KafkaZkClientBase } from './kafka-zk-client-base.js';
import { IsrChangeNotificationSequenceZNode, IsrChangeNotificationZNode, LogDirEventNotificationSequenceZNode, LogDirEventNotificationZNode } from './notification-znodes.js';
import type { TopicPartition } from '../common/topic-partition.js';

/** Notification methods of KafkaZkClient (mixed into it; see kafka-zk-client.ts). */
export class NotificationZkOps extends KafkaZkClientBase {
  /** Kafka's propagateIsrChanges: one `/isr_change_notification/isr_change_<seq>` for these partitions. */
  async propagateIsrChanges(isrChangeSet: Iterable<TopicPartition>): Promise<string> {
    return this.createSequentialPersistentPath(IsrChangeNotificationSequenceZNode.path(), IsrChangeNotificationSequenceZNode.encode(isrChangeSet));
  }

  /** Kafka's getAllIsrChangeNotifications: sequence numbers, sorted (arms the IsrChangeNotificationHandler's watch). */
  async getAllIsrChangeNotifications(): Promise<string[]> {
    return (await this.getChildrenOrEmpty(IsrChangeNotificationZNode.path)).map((c) => IsrChangeNotificationSequenceZNode.sequenceNumber(c)).sort();
  }

  /** Kafka's getPartitionsFromIsrChangeNotifications; vanished notifications are skipped. */
  async getPartitionsFromIsrChangeNotifications(sequenceNumbers: Iterable<string>): Promise<TopicPartition[]> {
    const out: TopicPartition[] = [];
    for (const s of sequenceNumbers) {
      const path = IsrChangeNotificationSequenceZNode.path(s);
      const { data, stat } = await this.getDataAndStat(path);
      if (stat !== null) out.push(...IsrChangeNotificationSequenceZNode.decode(path, data));
    }
    return out;
  }

  /** Kafka's deleteIsrChangeNotifications: the given sequence numbers (all when omitted), fenced. */
  async deleteIsrChangeNotifications(expectedControllerEpochZkVersion: number, sequenceNumbers?: Iterable<string>): Promise<void> {
    const seqs = sequenceNumbers === undefined ? await this.getAllIsrChangeNotifications() : [...sequenceNumbers];
    for (const s of seqs) await this.deleteRecursive(IsrChangeNotificationSequenceZNode.path(s), expectedControllerEpochZkVersion);
  }

  /** Kafka's propagateLogDirEvent: `/log_dir_event_notification/log_dir_event_<seq>` for this broker. */
  async propagateLogDirEvent(brokerId: number): Promise<string> {
    return this.createSequentialPersistentPath(LogDirEventNotificationSequenceZNode.path(), LogDirEventNotificationSequenceZNode.encode(brokerId));
  }

  /** Kafka's getAllLogDirEventNotifications: sequence numbers, sorted (arms the LogDirEventNotificationHandler's watch). */
  async getAllLogDirEventNotifications(): Promise<string[]> {
    return (await this.getChildrenOrEmpty(LogDirEventNotificationZNode.path)).map((c) => LogDirEventNotificationSequenceZNode.sequenceNumber(c)).sort();
  }

  /** Kafka's getBrokerIdFromLogDirEvents. */
  async getBrokerIdFromLogDirEvents(sequenceNumbers: Iterable<string>): Promise<number[]> {
    const out: number[] = [];
    for (const s of sequenceNumbers) {
      const path = LogDirEventNotificationSequenceZNode.path(s);
      const { data, stat } = await this.getDataAndStat(path);
      if (stat !== null) out.push(LogDirEventNotificationSequenceZNode.decode(path, data));
    }
    return out;
  }

  /** Kafka's deleteLogDirEventNotifications: the given sequence numbers (all when omitted), fenced. */
  async deleteLogDirEventNotifications(expectedControllerEpochZkVersion: number, sequenceNumbers?: Iterable<string>): Promise<void> {
    const seqs = sequenceNumbers === undefined ? await this.getAllLogDirEventNotifications() : [...sequenceNumbers];
    for (const s of seqs) await this.deleteRecursive(LogDirEventNotificationSequenceZNode.path(s), expectedControllerEpochZkVersion);
  }
}
