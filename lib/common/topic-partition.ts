/** Kafka's TopicPartition: a topic name and a partition index, with a stable string key for maps. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** `topic-partition`, the form Kafka uses in logs and directory names. */
export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

export function tp(topic: string, partition: number): TopicPartition {
  return { topic, partition };
}

/** Parses a `<topic>-<partition>` directory or key name; null when it does not have that shape. */
export function parseTpKey(key: string): TopicPartition | null {
  const dash = key.lastIndexOf('-');
  if (dash <= 0) return null;
  const p = key.slice(dash + 1);
  if (!/^\d+$/.test(p)) return null;
  return { topic: key.slice(0, dash), partition: Number(p) };
}
