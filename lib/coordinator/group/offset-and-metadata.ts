/**
 * Kafka's OffsetAndMetadata: a committed offset as the coordinator caches it and writes it to
 * __consumer_offsets. Timestamps are epoch milliseconds; `expireTimestamp` is only set by
 * OffsetCommit v1–4 requests carrying a retention time (old per-commit expiration semantics).
 */
import { tpKey, type TopicPartition } from '../../common/topic-partition.js';

export interface OffsetAndMetadata {
  offset: bigint;
  /** -1 when unknown. */
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  expireTimestamp: number | null;
}

export const NO_METADATA = '';
export const INVALID_OFFSET = -1n;
export const NO_LEADER_EPOCH = -1;

/** A map keyed by TopicPartition (Kafka's `topic-partition` key) that keeps the TopicPartition. */
export class TopicPartitionMap<V> {
  private readonly map = new Map<string, { tp: TopicPartition; value: V }>();

  get size(): number {
    return this.map.size;
  }

  get(tp: TopicPartition): V | undefined {
    return this.map.get(tpKey(tp))?.value;
  }

  has(tp: TopicPartition): boolean {
    return this.map.has(tpKey(tp));
  }

  set(tp: TopicPartition, value: V): void {
    this.map.set(tpKey(tp), { tp: { topic: tp.topic, partition: tp.partition }, value });
  }

  delete(tp: TopicPartition): boolean {
    return this.map.delete(tpKey(tp));
  }

  clear(): void {
    this.map.clear();
  }

  *entries(): IterableIterator<[TopicPartition, V]> {
    for (const { tp, value } of this.map.values()) yield [tp, value];
  }

  keys(): TopicPartition[] {
    return [...this.map.values()].map((e) => e.tp);
  }
}
