/** The controller's notification queues: `/isr_change_notification` and `/log_dir_event_notification` (kafka/zk/ZkData.scala). */
import type { TopicPartition } from '../common/topic-partition.js';
import { encodeJson, parseObject, int, topicPartitionList } from './znode-json.js';

export const IsrChangeNotificationZNode = { path: '/isr_change_notification' } as const;

/** `/isr_change_notification/isr_change_<seq>`: `{"version":1,"partitions":[{"topic":..,"partition":..}]}`. */
export const IsrChangeNotificationSequenceZNode = {
  SequenceNumberPrefix: 'isr_change_',
  path(sequenceNumber = ''): string {
    return `${IsrChangeNotificationZNode.path}/isr_change_${sequenceNumber}`;
  },
  encode(partitions: Iterable<TopicPartition>): Buffer {
    return encodeJson({ version: 1, partitions: [...partitions].map((p) => ({ topic: p.topic, partition: p.partition })) });
  },
  decode(path: string, bytes: Buffer | null): TopicPartition[] {
    return topicPartitionList(path, parseObject(path, bytes));
  },
  sequenceNumber(path: string): string {
    return path.substring(path.lastIndexOf('isr_change_') + 'isr_change_'.length);
  },
};

export const LogDirEventNotificationZNode = { path: '/log_dir_event_notification' } as const;

/** `/log_dir_event_notification/log_dir_event_<seq>`: `{"version":1,"broker":2,"event":1}`. */
export const LogDirEventNotificationSequenceZNode = {
  SequenceNumberPrefix: 'log_dir_event_',
  LogDirFailureEvent: 1,
  path(sequenceNumber = ''): string {
    return `${LogDirEventNotificationZNode.path}/log_dir_event_${sequenceNumber}`;
  },
  encode(brokerId: number): Buffer {
    return encodeJson({ version: 1, broker: brokerId, event: 1 });
  },
  /** The broker id whose log dir failed. */
  decode(path: string, bytes: Buffer | null): number {
    return int(path, parseObject(path, bytes), 'broker');
  },
  sequenceNumber(path: string): string {
    return path.substring(path.lastIndexOf('log_dir_event_') + 'log_dir_event_'.length);
  },
};
