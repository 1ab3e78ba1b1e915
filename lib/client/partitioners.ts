/**
 * Ready-made partitioners for kafkajs (its `createPartitioner` producer option), beside kafkajs's
 * own murmur2 DefaultPartitioner.
 *
 * Md5Partitioner: a keyed message goes to partition `md5(key)[0..4] as an unsigned 32-bit
 * big-endian integer mod numPartitions` — the first four bytes of the 16-byte MD5 digest of the key
 * bytes (a string key is hashed as its UTF-8 bytes, like kafkajs sends it). Every record with one
 * key therefore lands in one partition as long as the partition count does not change; the mapping
 * is the same in any language that can compute MD5. A message with an explicit partition keeps it.
 * A message without a key goes round robin over the partitions that have a leader (over all
 * partitions when none has), per topic.
 *
 *   const producer = kafka.producer({ createPartitioner: Md5Partitioner });
 */
import { createHash } from 'node:crypto';

/** The part of kafkajs's PartitionMetadata a partitioner reads. */
export interface PartitionerPartitionMetadata {
  partitionId: number;
  leader: number;
}

export interface PartitionerArgs {
  topic: string;
  partitionMetadata: PartitionerPartitionMetadata[];
  message: { key?: Buffer | string | null; partition?: number | null };
}

export type Partitioner = (args: PartitionerArgs) => number;

/** md5(key) → its first 4 bytes as an unsigned big-endian integer. */
export function md5KeyHash(key: Buffer | string): number {
  return createHash('md5').update(key).digest().readUInt32BE(0);
}

/** The partition of a key among `numPartitions` partitions. */
export function md5Partition(key: Buffer | string, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions <= 0) throw new RangeError(`numPartitions must be a positive integer, got ${numPartitions}`);
  return md5KeyHash(key) % numPartitions;
}

/** kafkajs `createPartitioner`: each call makes a partitioner with its own round-robin counters. */
export const Md5Partitioner = (): Partitioner => {
  const counters = new Map<string, number>();
  const next = (topic: string): number => {
    const n = counters.get(topic) ?? 0;
    counters.set(topic, (n + 1) % 0x7fffffff);
    return n;
  };
  return ({ topic, partitionMetadata, message }) => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    const numPartitions = partitionMetadata.length;
    if (message.key !== null && message.key !== undefined) return md5Partition(message.key, numPartitions);
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    if (available.length > 0) return available[next(topic) % available.length]!.partitionId;
    return next(topic) % numPartitions;
  };
};
