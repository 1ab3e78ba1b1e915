/**
 * The topic-level configuration table (Kafka's LogConfig ConfigDef / TopicConfig), Kafka 3.x keys,
 * types, defaults and validators. `brokerKeys` lists the broker keys that supply the default, highest
 * precedence first (Kafka's ServerTopicConfigSynonyms): retention.ms ← log.retention.ms,
 * log.retention.minutes, log.retention.hours. Defaults here are the values used when no broker key
 * is set either.
 */
import { ConfigDef, LONG_MAX, atLeast, between, validList, validString, check } from './config-def.js';
import { BROKER_COMPRESSION_TYPES, CLEANUP_POLICIES, TIMESTAMP_TYPES } from './broker-configs.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const WEEK_MS = 7 * DAY_MS;

/** `*` or a list of partition:brokerId pairs (Kafka's ThrottledReplicaListValidator). */
const throttledReplicas = check('[partitionId]:[brokerId],[partitionId]:[brokerId],... or *', (v) => {
  const items = v as string[];
  if (items.length === 1 && items[0] === '*') return undefined;
  return items.every((x) => /^\d+:\d+$/.test(x))
    ? undefined
    : 'must be the literal \'*\' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...';
});

export const TOPIC_CONFIG_DEF: ConfigDef = new ConfigDef()
  .define('segment.bytes', 'int', 1073741824, 'medium', 'Segment file size at which the log rolls.',
    { validator: atLeast(14), brokerKeys: ['log.segment.bytes'] })
  .define('segment.ms', 'long', WEEK_MS, 'medium', 'Roll a segment this long after its first record even if it is not full.',
    { validator: atLeast(1), brokerKeys: ['log.roll.ms', 'log.roll.hours'] })
  .define('segment.jitter.ms', 'long', 0, 'medium', 'Random reduction of segment.ms so partitions do not all roll together.',
    { validator: atLeast(0), brokerKeys: ['log.roll.jitter.ms', 'log.roll.jitter.hours'] })
  .define('segment.index.bytes', 'int', 10485760, 'medium', 'Preallocated size of a segment\'s offset and time index.',
    { validator: atLeast(4), brokerKeys: ['log.index.size.max.bytes'] })
  .define('flush.messages', 'long', LONG_MAX, 'medium', 'fsync after this many messages (default: never forced).',
    { validator: atLeast(1), brokerKeys: ['log.flush.interval.messages'] })
  .define('flush.ms', 'long', LONG_MAX, 'medium', 'fsync when unflushed data is this old (default: never forced).',
    { validator: atLeast(0), brokerKeys: ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'] })
  .define('retention.bytes', 'long', -1, 'medium', 'Largest size a partition may reach before old segments go; -1 is unlimited.',
    { brokerKeys: ['log.retention.bytes'] })
  .define('retention.ms', 'long', WEEK_MS, 'medium', 'Age after which segments are deleted; -1 keeps data forever.',
    { validator: atLeast(-1), brokerKeys: ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'] })
  .define('max.message.bytes', 'int', 1048588, 'medium', 'Largest record batch accepted for this topic.',
    { validator: atLeast(0), brokerKeys: ['message.max.bytes'] })
  .define('index.interval.bytes', 'int', 4096, 'medium', 'Bytes of log between two offset index entries.',
    { validator: atLeast(0), brokerKeys: ['log.index.interval.bytes'] })
  .define('delete.retention.ms', 'long', DAY_MS, 'medium', 'How long a tombstone stays readable in a compacted topic.',
    { validator: atLeast(0), brokerKeys: ['log.cleaner.delete.retention.ms'] })
  .define('min.compaction.lag.ms', 'long', 0, 'medium', 'Records younger than this are never compacted away.',
    { validator: atLeast(0), brokerKeys: ['log.cleaner.min.compaction.lag.ms'] })
  .define('max.compaction.lag.ms', 'long', LONG_MAX, 'medium', 'Records older than this make their segment eligible for compaction.',
    { validator: atLeast(1), brokerKeys: ['log.cleaner.max.compaction.lag.ms'] })
  .define('file.delete.delay.ms', 'long', 60000, 'medium', 'Delay before a deleted segment\'s files are removed.',
    { validator: atLeast(0), brokerKeys: ['log.segment.delete.delay.ms'] })
  .define('min.cleanable.dirty.ratio', 'double', 0.5, 'medium', 'Dirty share of the log needed before compaction runs.',
    { validator: between(0, 1), brokerKeys: ['log.cleaner.min.cleanable.ratio'] })
  .define('cleanup.policy', 'list', 'delete', 'medium', 'delete, compact, or both: what happens to old segments.',
    { validator: validList(...CLEANUP_POLICIES), brokerKeys: ['log.cleanup.policy'] })
  .define('unclean.leader.election.enable', 'boolean', false, 'medium', 'Allow an out-of-sync replica to become leader (may lose data).',
    { brokerKeys: ['unclean.leader.election.enable'] })
  .define('min.insync.replicas', 'int', 1, 'medium', 'In-sync replicas required for an acks=all write.',
    { validator: atLeast(1), brokerKeys: ['min.insync.replicas'] })
  .define('compression.type', 'string', 'producer', 'medium', 'Codec batches are stored with; producer keeps the producer\'s codec.',
    { validator: validString(...BROKER_COMPRESSION_TYPES), brokerKeys: ['compression.type'] })
  .define('preallocate', 'boolean', false, 'medium', 'Preallocate segment files at creation.', { brokerKeys: ['log.preallocate'] })
  .define('message.format.version', 'string', '3.0-IV1', 'medium', 'Deprecated: message format version; validated, v2 is always written.',
    { brokerKeys: ['log.message.format.version'], deprecated: true,
      validator: check('a Kafka version such as 3.0-IV1', (v) => /^\d+\.\d+(\.\d+)?(-IV\d+)?$/.test(v as string) ? undefined : 'Not a valid Kafka version') })
  .define('message.timestamp.type', 'string', 'CreateTime', 'medium', 'CreateTime keeps producer timestamps; LogAppendTime stamps the append time.',
    { validator: validString(...TIMESTAMP_TYPES), brokerKeys: ['log.message.timestamp.type'] })
  .define('message.timestamp.difference.max.ms', 'long', LONG_MAX, 'medium', 'Deprecated: allowed gap between a CreateTime timestamp and the broker clock.',
    { validator: atLeast(0), brokerKeys: ['log.message.timestamp.difference.max.ms'], deprecated: true })
  .define('message.timestamp.before.max.ms', 'long', LONG_MAX, 'medium', 'How far in the past a CreateTime timestamp may be.',
    { validator: atLeast(0), brokerKeys: ['log.message.timestamp.before.max.ms'] })
  .define('message.timestamp.after.max.ms', 'long', LONG_MAX, 'medium', 'How far in the future a CreateTime timestamp may be.',
    { validator: atLeast(0), brokerKeys: ['log.message.timestamp.after.max.ms'] })
  .define('message.downconversion.enable', 'boolean', true, 'low', 'Down-convert batches for fetch requests older than v4.',
    { brokerKeys: ['log.message.downconversion.enable'] })
  .define('leader.replication.throttled.replicas', 'list', '', 'medium', 'Replicas whose leader-side replication is throttled.',
    { validator: throttledReplicas })
  .define('follower.replication.throttled.replicas', 'list', '', 'medium', 'Replicas whose follower-side replication is throttled.',
    { validator: throttledReplicas })
  .define('remote.storage.enable', 'boolean', false, 'medium', 'Tiered storage for this topic; kafkats rejects true.')
  .define('local.retention.ms', 'long', -2, 'medium', 'Tiered storage local retention; -2 follows retention.ms.',
    { validator: atLeast(-2), brokerKeys: ['log.local.retention.ms'] })
  .define('local.retention.bytes', 'long', -2, 'medium', 'Tiered storage local size; -2 follows retention.bytes.',
    { validator: atLeast(-2), brokerKeys: ['log.local.retention.bytes'] });

/** Topic-level config names, sorted (Kafka's LogConfig.configNames). */
export const TOPIC_CONFIG_NAMES: readonly string[] = Object.freeze(TOPIC_CONFIG_DEF.names().sort());
