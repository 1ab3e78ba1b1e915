/**
 * The broker configuration table: the `server.properties` keys a ZooKeeper-mode Kafka 3.x broker
 * reads, with Kafka's types, defaults, importance and validators (KafkaConfig.configDef /
 * ServerLogConfigs / ReplicationConfigs …). Docs are our own one-liners. Broker keys that supply a
 * topic-level default carry `topicKey` (log.retention.ms → retention.ms); see topic-configs.ts.
 *
 * Keys for features kafkats does not implement (Kerberos, quotas, policies) are still
 * defined, so a Kafka server.properties loads without warnings and DescribeConfigs lists them.
 */
import {
  ConfigDef, type ConfigValues, INT_MAX, LONG_MAX, DOUBLE_MAX, atLeast, between, validString, validList, check, nonEmptyString,
} from './config-def.js';
import { parseKafkaPrincipal, type KafkaPrincipal } from '../common/kafka-principal.js';

/** The authorizer.class.name values that turn on Kafka's ZooKeeper ACL authorizer (AclAuthorizer and its old name). */
export const ACL_AUTHORIZER_CLASS_NAMES: readonly string[] = ['kafka.security.authorizer.AclAuthorizer', 'kafka.security.auth.SimpleAclAuthorizer'];

/** super.users: `;`-separated principals, as AclAuthorizer.configure reads them. */
export function parseSuperUsers(value: string): KafkaPrincipal[] {
  return value.split(';').map((s) => s.trim()).filter((s) => s !== '').map(parseKafkaPrincipal);
}

function superUsersProblem(value: string): string | undefined {
  try {
    parseSuperUsers(value);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export const BROKER_COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] as const;
export const TIMESTAMP_TYPES = ['CreateTime', 'LogAppendTime'] as const;
export const CLEANUP_POLICIES = ['compact', 'delete'] as const;

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** Kafka 3.x's newest inter-broker protocol version and the 3.x log.message.format.version default. */
export const LATEST_IBP = '3.9-IV0';
const metadataVersion = check('a Kafka version such as 2.8, 3.0-IV1 or 3.9', (v) =>
  /^\d+\.\d+(\.\d+)?(-IV\d+)?$/.test(v as string) ? undefined : 'Not a valid Kafka version (for example 3.0-IV1)');

function d<V extends object>(def: ConfigDef<V>) {
  return def
    // ----- ZooKeeper -----
    .define('zookeeper.connect', 'string', null, 'high',
      'ZooKeeper connection string host:port[,host:port…][/chroot]; required in ZooKeeper mode.')
    .define('zookeeper.session.timeout.ms', 'int', 18000, 'high',
      'ZooKeeper session timeout; the broker\'s registration vanishes this long after it stops heartbeating.')
    .define('zookeeper.connection.timeout.ms', 'int', null, 'high',
      'How long to wait for the first ZooKeeper connection; unset means zookeeper.session.timeout.ms.')
    .define('zookeeper.set.acl', 'boolean', false, 'high', 'Create znodes with secure ACLs.')
    .define('zookeeper.max.in.flight.requests', 'int', 10, 'high',
      'Upper bound on unacknowledged requests the broker sends to ZooKeeper.', { validator: atLeast(1) })
    .define('zookeeper.ssl.client.enable', 'boolean', false, 'medium', 'Use TLS for the ZooKeeper connection (not supported by kafkats).')
    .define('zookeeper.clientCnxnSocket', 'string', null, 'medium', 'ZooKeeper client socket implementation class (Java only; ignored).')

    // ----- General -----
    .define('broker.id', 'int', -1, 'high',
      'This broker\'s id; -1 asks ZooKeeper (/brokers/seqid) for one above reserved.broker.max.id.')
    .define('broker.id.generation.enable', 'boolean', true, 'medium', 'Allow a generated broker id when broker.id is -1.')
    .define('reserved.broker.max.id', 'int', 1000, 'medium',
      'Largest id operators may assign by hand; generated ids start above it.', { validator: atLeast(0) })
    .define('broker.rack', 'string', null, 'medium', 'Rack label of this broker, used for rack-aware replica placement.')
    .define('message.max.bytes', 'int', 1048588, 'high',
      'Largest record batch the broker accepts (after compression); default for topics\' max.message.bytes.',
      { validator: atLeast(0), topicKey: 'max.message.bytes' })
    .define('num.network.threads', 'int', 3, 'high', 'Network threads in Kafka; kafkats runs one event loop and only validates it.', { validator: atLeast(1) })
    .define('num.io.threads', 'int', 8, 'high', 'Request handler threads in Kafka; validated, not used by kafkats.', { validator: atLeast(1) })
    .define('background.threads', 'int', 10, 'high', 'Background task threads in Kafka; validated, not used by kafkats.', { validator: atLeast(1) })
    .define('queued.max.requests', 'int', 500, 'high',
      'How many requests may wait for a handler before the network layer stops reading.', { validator: atLeast(1) })
    .define('queued.max.request.bytes', 'long', 104857600, 'medium',
      'Bytes of requests read and not yet handled, across all connections, before the broker stops reading '
      + 'more (a request\'s memory is taken once its size is read); -1 means no limit. kafkats\' default is 100 MiB, '
      + 'raised to socket.request.max.bytes when that is larger and this key is unset; Kafka\'s is -1.')
    .define('request.timeout.ms', 'int', 30000, 'high', 'Timeout for the broker\'s own inter-broker client requests.')
    .define('socket.connection.setup.timeout.ms', 'long', 10000, 'medium', 'Initial timeout for an outgoing inter-broker connection to be established.')
    .define('socket.connection.setup.timeout.max.ms', 'long', 30000, 'medium', 'Cap for the exponential connection setup timeout.')
    .define('process.roles', 'list', [], 'high',
      'KRaft roles; must stay empty because kafkats runs in ZooKeeper mode.', { validator: validList('broker', 'controller') })
    .define('node.id', 'int', -1, 'high', 'KRaft node id; unused in ZooKeeper mode (must equal broker.id if set).')
    .define('controller.listener.names', 'string', null, 'high', 'KRaft controller listener names; must be empty in ZooKeeper mode.')
    .define('inter.broker.protocol.version', 'string', LATEST_IBP, 'medium',
      'Inter-broker protocol version to speak; kafkats always speaks the newest.', { validator: metadataVersion })
    .define('log.message.format.version', 'string', '3.0-IV1', 'medium',
      'Deprecated: message format to write; ignored beyond validation (v2 batches are written).',
      { validator: metadataVersion, topicKey: 'message.format.version', deprecated: true })
    .define('authorizer.class.name', 'string', '', 'low',
      'Authorizer: kafka.security.authorizer.AclAuthorizer (or the older kafka.security.auth.SimpleAclAuthorizer) turns on ACLs stored in ZooKeeper; empty allows every request.',
      { validator: check('empty, or one of Kafka\'s ZooKeeper ACL authorizers', (v) => ((v as string).trim() === '' || ACL_AUTHORIZER_CLASS_NAMES.includes((v as string).trim())
        ? undefined : `kafkats implements Kafka's ZooKeeper ACL authorizer only: set ${ACL_AUTHORIZER_CLASS_NAMES.join(' or ')}, or leave it empty`)) })
    .define('super.users', 'string', '', 'low',
      'Principals allowed every operation by the ACL authorizer, separated by semicolons: User:admin;User:ANONYMOUS.',
      { validator: check('principals type:name separated by ;', (v) => superUsersProblem(v as string)) })
    .define('allow.everyone.if.no.acl.found', 'boolean', false, 'low',
      'With the ACL authorizer: allow everyone access to a resource that has no ACL at all (default: deny).')
    .define('create.topic.policy.class.name', 'class', null, 'low', 'Policy class checking CreateTopics requests (Java only; ignored).')
    .define('alter.config.policy.class.name', 'class', null, 'low', 'Policy class checking AlterConfigs requests (Java only; ignored).')
    .define('delete.topic.enable', 'boolean', true, 'high', 'Whether DeleteTopics actually deletes topics.')
    .define('auto.create.topics.enable', 'boolean', true, 'high',
      'Create a topic with default settings when a client asks for metadata of an unknown one.')
    .define('num.partitions', 'int', 1, 'medium', 'Partitions of an auto-created topic (and of CreateTopics with -1).', { validator: atLeast(1) })
    .define('default.replication.factor', 'int', 1, 'medium', 'Replication factor of an auto-created topic (and of CreateTopics with -1).')
    .define('min.insync.replicas', 'int', 1, 'high',
      'With acks=all, how many in-sync replicas must hold a write before it succeeds.', { validator: atLeast(1), topicKey: 'min.insync.replicas' })
    .define('compression.type', 'string', 'producer', 'high',
      'Codec topics store batches in; "producer" keeps whatever the producer sent.',
      { validator: validString(...BROKER_COMPRESSION_TYPES), topicKey: 'compression.type' })
    .define('unclean.leader.election.enable', 'boolean', false, 'high',
      'Allow an out-of-sync replica to become leader when no in-sync one is left (may lose data).',
      { topicKey: 'unclean.leader.election.enable' })

    // ----- Socket server -----
    .define('listeners', 'string', 'PLAINTEXT://:9092', 'high',
      'Comma-separated NAME://host:port endpoints to bind; an empty host binds every interface.')
    .define('advertised.listeners', 'string', null, 'high',
      'Endpoints published in ZooKeeper for clients and brokers; unset means the listeners.')
    .define('listener.security.protocol.map', 'string',
      'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL', 'low',
      'Maps each listener name to its security protocol, as NAME:PROTOCOL pairs.')
    .define('inter.broker.listener.name', 'string', null, 'medium',
      'Listener brokers use to talk to each other; set this or security.inter.broker.protocol, not both.')
    .define('security.inter.broker.protocol', 'string', 'PLAINTEXT', 'medium',
      'Security protocol for broker-to-broker traffic when inter.broker.listener.name is unset.',
      { validator: validString(...SECURITY_PROTOCOLS) })
    .define('control.plane.listener.name', 'string', null, 'high', 'Separate listener for controller requests (not supported; must be unset).')
    .define('early.start.listeners', 'string', null, 'high', 'Listeners started before the broker finishes loading (ignored).')
    .define('socket.send.buffer.bytes', 'int', 102400, 'high', 'SO_SNDBUF of server sockets; -1 keeps the OS default.')
    .define('socket.receive.buffer.bytes', 'int', 102400, 'high', 'SO_RCVBUF of server sockets; -1 keeps the OS default.')
    .define('socket.request.max.bytes', 'int', 104857600, 'high',
      'Largest request frame accepted; a bigger size prefix closes the connection.', { validator: atLeast(1) })
    .define('socket.listen.backlog.size', 'int', 50, 'medium', 'Pending-connection backlog of each listening socket.', { validator: atLeast(1) })
    .define('max.connections.per.ip', 'int', INT_MAX, 'medium', 'Connections allowed from one address.', { validator: atLeast(0) })
    .define('max.connections.per.ip.overrides', 'string', '', 'medium', 'Per-address exceptions to max.connections.per.ip, as host:count pairs.')
    .define('max.connections', 'int', INT_MAX, 'medium', 'Connections allowed in total across listeners.', { validator: atLeast(0) })
    .define('max.connection.creation.rate', 'int', INT_MAX, 'medium', 'New connections per second allowed per listener.', { validator: atLeast(0) })
    .define('connections.max.idle.ms', 'long', 600000, 'medium', 'Close a client connection after this long without traffic.')
    .define('connections.max.reauth.ms', 'long', 0, 'medium', 'SASL re-authentication interval; 0 disables it.')
    .define('connection.failed.authentication.delay.ms', 'int', 100, 'low', 'Delay before closing a connection that failed authentication.', { validator: atLeast(0) })

    // ----- Log -----
    .define('log.dir', 'string', '/tmp/kafka-logs', 'high', 'Single data directory, used when log.dirs is unset.')
    .define('log.dirs', 'string', null, 'high', 'Comma-separated data directories holding partition logs; unset means log.dir.')
    .define('log.segment.bytes', 'int', 1073741824, 'high', 'Roll to a new segment file once the active one reaches this size.',
      { validator: atLeast(14), topicKey: 'segment.bytes' })
    .define('log.roll.ms', 'long', null, 'high', 'Roll a new segment after this much time; overrides log.roll.hours.', { topicKey: 'segment.ms' })
    .define('log.roll.hours', 'int', 168, 'high', 'Roll a new segment after this many hours (secondary to log.roll.ms).',
      { validator: atLeast(1), topicKey: 'segment.ms' })
    .define('log.roll.jitter.ms', 'long', null, 'high', 'Random amount subtracted from the roll time; overrides log.roll.jitter.hours.',
      { topicKey: 'segment.jitter.ms' })
    .define('log.roll.jitter.hours', 'int', 0, 'high', 'Roll-time jitter in hours (secondary to log.roll.jitter.ms).',
      { validator: atLeast(0), topicKey: 'segment.jitter.ms' })
    .define('log.retention.ms', 'long', null, 'high', 'Delete segments older than this; -1 keeps them forever. Wins over minutes and hours.',
      { topicKey: 'retention.ms' })
    .define('log.retention.minutes', 'int', null, 'high', 'Retention in minutes; used when log.retention.ms is unset.', { topicKey: 'retention.ms' })
    .define('log.retention.hours', 'int', 168, 'high', 'Retention in hours; the fallback when neither ms nor minutes is set.',
      { topicKey: 'retention.ms' })
    .define('log.retention.bytes', 'long', -1, 'high', 'Delete old segments once a partition exceeds this size; -1 means no size limit.',
      { topicKey: 'retention.bytes' })
    .define('log.retention.check.interval.ms', 'long', 300000, 'medium', 'How often the retention task looks for deletable segments.',
      { validator: atLeast(1) })
    .define('log.cleanup.policy', 'list', 'delete', 'medium', 'Default cleanup policy: delete old segments, compact by key, or both.',
      { validator: validList(...CLEANUP_POLICIES), topicKey: 'cleanup.policy' })
    .define('log.index.size.max.bytes', 'int', 10485760, 'medium', 'Preallocated size of each offset and time index file.',
      { validator: atLeast(4), topicKey: 'segment.index.bytes' })
    .define('log.index.interval.bytes', 'int', 4096, 'medium', 'Add an index entry after roughly this many bytes of log.',
      { validator: atLeast(0), topicKey: 'index.interval.bytes' })
    .define('log.flush.interval.messages', 'long', LONG_MAX, 'high', 'fsync a log after this many messages; the default never forces it.',
      { validator: atLeast(1), topicKey: 'flush.messages' })
    .define('log.flush.interval.ms', 'long', null, 'high', 'fsync a log when its oldest unflushed data is this old; unset means log.flush.scheduler.interval.ms.',
      { topicKey: 'flush.ms' })
    .define('log.flush.scheduler.interval.ms', 'long', LONG_MAX, 'high', 'How often the flusher checks whether any log needs an fsync.',
      { topicKey: 'flush.ms' })
    .define('log.flush.offset.checkpoint.interval.ms', 'int', 60000, 'high', 'How often recovery points are written to recovery-point-offset-checkpoint.',
      { validator: atLeast(0) })
    .define('log.flush.start.offset.checkpoint.interval.ms', 'int', 60000, 'high', 'How often log start offsets are written to log-start-offset-checkpoint.',
      { validator: atLeast(0) })
    .define('log.segment.delete.delay.ms', 'long', 60000, 'high', 'Wait this long before removing the files of a deleted segment.',
      { validator: atLeast(0), topicKey: 'file.delete.delay.ms' })
    .define('log.preallocate', 'boolean', false, 'medium', 'Preallocate new segment files to their full size.', { topicKey: 'preallocate' })
    .define('log.message.timestamp.type', 'string', 'CreateTime', 'medium', 'Keep the producer\'s timestamp (CreateTime) or stamp the append time (LogAppendTime).',
      { validator: validString(...TIMESTAMP_TYPES), topicKey: 'message.timestamp.type' })
    .define('log.message.timestamp.difference.max.ms', 'long', LONG_MAX, 'medium', 'Deprecated: largest allowed gap between a CreateTime timestamp and the broker clock.',
      { validator: atLeast(0), topicKey: 'message.timestamp.difference.max.ms', deprecated: true })
    .define('log.message.timestamp.before.max.ms', 'long', LONG_MAX, 'medium', 'Reject CreateTime timestamps further than this in the past.',
      { validator: atLeast(0), topicKey: 'message.timestamp.before.max.ms' })
    .define('log.message.timestamp.after.max.ms', 'long', LONG_MAX, 'medium', 'Reject CreateTime timestamps further than this in the future.',
      { validator: atLeast(0), topicKey: 'message.timestamp.after.max.ms' })
    .define('log.message.downconversion.enable', 'boolean', true, 'low', 'Convert batches to the old format for fetch requests older than v4.',
      { topicKey: 'message.downconversion.enable' })
    .define('num.recovery.threads.per.data.dir', 'int', 1, 'high', 'Parallelism of log recovery and shutdown flushing per data directory.',
      { validator: atLeast(1) })
    .define('log.cleaner.enable', 'boolean', true, 'medium', 'Run the log cleaner (needed for compacted topics such as __consumer_offsets).')
    .define('log.cleaner.threads', 'int', 1, 'medium', 'Cleaner threads for compaction.', { validator: atLeast(0) })
    .define('log.cleaner.io.max.bytes.per.second', 'double', DOUBLE_MAX, 'medium', 'Throttle on cleaner read plus write throughput.')
    .define('log.cleaner.dedupe.buffer.size', 'long', 134217728, 'medium', 'Memory for the key → offset map of compaction, across all cleaner threads.')
    .define('log.cleaner.io.buffer.size', 'int', 524288, 'medium', 'I/O buffer memory of the cleaner, across all cleaner threads.', { validator: atLeast(0) })
    .define('log.cleaner.io.buffer.load.factor', 'double', 0.9, 'medium', 'Fill ratio of the dedupe map before a cleaning pass stops.')
    .define('log.cleaner.backoff.ms', 'long', 15000, 'medium', 'Sleep when there is nothing to clean.', { validator: atLeast(0) })
    .define('log.cleaner.min.cleanable.ratio', 'double', 0.5, 'medium', 'Dirty/total ratio a log must reach before it is compacted.',
      { validator: between(0, 1), topicKey: 'min.cleanable.dirty.ratio' })
    .define('log.cleaner.delete.retention.ms', 'long', DAY_MS, 'medium', 'How long tombstones survive compaction.',
      { validator: atLeast(0), topicKey: 'delete.retention.ms' })
    .define('log.cleaner.min.compaction.lag.ms', 'long', 0, 'medium', 'Minimum age of a record before compaction may remove it.',
      { validator: atLeast(0), topicKey: 'min.compaction.lag.ms' })
    .define('log.cleaner.max.compaction.lag.ms', 'long', LONG_MAX, 'medium', 'Maximum time a record may stay uncompacted.',
      { validator: atLeast(1), topicKey: 'max.compaction.lag.ms' })
    .define('log.local.retention.ms', 'long', -2, 'medium', 'Tiered storage local retention; -2 follows retention.ms (tiered storage not supported).',
      { validator: atLeast(-2), topicKey: 'local.retention.ms' })
    .define('log.local.retention.bytes', 'long', -2, 'medium', 'Tiered storage local size limit; -2 follows retention.bytes (tiered storage not supported).',
      { validator: atLeast(-2), topicKey: 'local.retention.bytes' });
}

function replication<V extends object>(def: ConfigDef<V>) {
  return def
    .define('controller.socket.timeout.ms', 'int', 30000, 'medium', 'Timeout of controller-to-broker requests.')
    .define('controller.message.queue.size', 'int', INT_MAX, 'low', 'Capacity of the controller-to-broker send queue per broker.')
    .define('replica.lag.time.max.ms', 'long', 30000, 'high', 'A follower that has not caught up within this time is dropped from the ISR.')
    .define('replica.socket.timeout.ms', 'int', 30000, 'high', 'Socket timeout of follower fetch requests; at least replica.fetch.wait.max.ms.')
    .define('replica.socket.receive.buffer.bytes', 'int', 65536, 'high', 'SO_RCVBUF of follower fetch connections.')
    .define('replica.fetch.max.bytes', 'int', 1048576, 'medium', 'Bytes a follower asks for per partition per fetch (a larger first batch still comes back).',
      { validator: atLeast(0) })
    .define('replica.fetch.wait.max.ms', 'int', 500, 'high', 'How long a follower fetch may wait on the leader for data.')
    .define('replica.fetch.min.bytes', 'int', 1, 'high', 'Bytes a follower fetch waits for before the leader answers.')
    .define('replica.fetch.response.max.bytes', 'int', 10485760, 'medium', 'Bytes a follower asks for per fetch response overall.', { validator: atLeast(0) })
    .define('replica.fetch.backoff.ms', 'int', 1000, 'medium', 'Pause after a follower fetch fails.', { validator: atLeast(0) })
    .define('num.replica.fetchers', 'int', 1, 'high', 'Fetcher loops per source broker; partitions are spread over them.')
    .define('num.replica.alter.log.dirs.threads', 'int', null, 'high', 'Threads moving replicas between log dirs (not supported).')
    .define('replica.high.watermark.checkpoint.interval.ms', 'long', 5000, 'high', 'How often high watermarks are written to replication-offset-checkpoint.')
    .define('fetch.purgatory.purge.interval.requests', 'int', 1000, 'medium', 'Completed entries tolerated in the fetch purgatory before a purge.')
    .define('producer.purgatory.purge.interval.requests', 'int', 1000, 'medium', 'Completed entries tolerated in the produce purgatory before a purge.')
    .define('delete.records.purgatory.purge.interval.requests', 'int', 1, 'medium', 'Completed entries tolerated in the DeleteRecords purgatory before a purge.')
    .define('auto.leader.rebalance.enable', 'boolean', true, 'high', 'Let the controller move leadership back to preferred replicas.')
    .define('leader.imbalance.per.broker.percentage', 'int', 10, 'high', 'Non-preferred leader percentage per broker that triggers a rebalance.')
    .define('leader.imbalance.check.interval.seconds', 'long', 300, 'high', 'How often the controller checks leader balance.', { validator: atLeast(1) })
    .define('replica.selector.class', 'string', null, 'medium', 'Selector letting consumers fetch from followers (KIP-392; not supported).')
    .define('controlled.shutdown.enable', 'boolean', true, 'medium', 'Ask the controller to move leadership away before shutting down.')
    .define('controlled.shutdown.max.retries', 'int', 3, 'medium', 'Attempts at a controlled shutdown before shutting down anyway.')
    .define('controlled.shutdown.retry.backoff.ms', 'long', 5000, 'medium', 'Pause between controlled shutdown attempts.')

    // ----- Group coordinator -----
    .define('group.min.session.timeout.ms', 'int', 6000, 'medium', 'Smallest session timeout a consumer group member may ask for.')
    .define('group.max.session.timeout.ms', 'int', 1800000, 'medium', 'Largest session timeout a consumer group member may ask for.')
    .define('group.initial.rebalance.delay.ms', 'int', 3000, 'medium', 'How long a new group waits for more members before its first rebalance.')
    .define('group.max.size', 'int', INT_MAX, 'medium', 'Members allowed in one consumer group.', { validator: atLeast(1) })

    // ----- Offsets (__consumer_offsets) -----
    .define('offset.metadata.max.bytes', 'int', 4096, 'high', 'Largest metadata string allowed with a committed offset.')
    .define('offsets.load.buffer.size', 'int', 5242880, 'high', 'Read size when loading a group partition of __consumer_offsets.', { validator: atLeast(1) })
    .define('offsets.topic.replication.factor', 'short', 3, 'high',
      'Replication factor of __consumer_offsets; creation waits until this many brokers are up.', { validator: atLeast(1) })
    .define('offsets.topic.num.partitions', 'int', 50, 'high', 'Partitions of __consumer_offsets (fixed once created).', { validator: atLeast(1) })
    .define('offsets.topic.segment.bytes', 'int', 104857600, 'high', 'Segment size of __consumer_offsets, kept small for fast compaction.',
      { validator: atLeast(1) })
    .define('offsets.topic.compression.codec', 'int', 0, 'high', 'Codec id for offset commits written to __consumer_offsets (0 = none).')
    .define('offsets.retention.minutes', 'int', 10080, 'high', 'Keep a committed offset this long after its group became empty.', { validator: atLeast(1) })
    .define('offsets.retention.check.interval.ms', 'long', 600000, 'high', 'How often stale offsets are looked for.', { validator: atLeast(1) })
    .define('offsets.commit.timeout.ms', 'int', 5000, 'high', 'How long an offset commit waits for __consumer_offsets replication.', { validator: atLeast(1) })
    .define('offsets.commit.required.acks', 'short', -1, 'high', 'Deprecated: acks used for offset commits; keep -1.', { deprecated: true })

    // ----- Transactions -----
    .define('transactional.id.expiration.ms', 'int', 7 * DAY_MS, 'high', 'Forget a transactional id after this long without transaction activity.',
      { validator: atLeast(1) })
    .define('transaction.max.timeout.ms', 'int', 900000, 'high', 'Largest transaction timeout a producer may request.', { validator: atLeast(1) })
    .define('transaction.state.log.min.isr', 'int', 2, 'high', 'min.insync.replicas of __transaction_state.', { validator: atLeast(1) })
    .define('transaction.state.log.load.buffer.size', 'int', 5242880, 'high', 'Read size when loading a __transaction_state partition.', { validator: atLeast(1) })
    .define('transaction.state.log.replication.factor', 'short', 3, 'high', 'Replication factor of __transaction_state.', { validator: atLeast(1) })
    .define('transaction.state.log.num.partitions', 'int', 50, 'high', 'Partitions of __transaction_state (fixed once created).', { validator: atLeast(1) })
    .define('transaction.state.log.segment.bytes', 'int', 104857600, 'high', 'Segment size of __transaction_state.', { validator: atLeast(1) })
    .define('transaction.abort.timed.out.transaction.cleanup.interval.ms', 'int', 10000, 'low', 'How often transactions past their timeout are aborted.',
      { validator: atLeast(1) })
    .define('transaction.remove.expired.transaction.cleanup.interval.ms', 'int', HOUR_MS, 'low', 'How often expired transactional ids are removed.',
      { validator: atLeast(1) })
    .define('producer.id.expiration.ms', 'int', DAY_MS, 'low', 'Forget an idempotent producer id this long after its last write.', { validator: atLeast(1) })
    .define('producer.id.expiration.check.interval.ms', 'int', 600000, 'low', 'How often expired producer ids are looked for.', { validator: atLeast(1) })
    .define('max.incremental.fetch.session.cache.slots', 'int', 1000, 'medium', 'Incremental fetch sessions (KIP-227) the broker keeps.', { validator: atLeast(0) })
    .define('fetch.max.bytes', 'int', 57671680, 'medium', 'Cap on the bytes one consumer fetch response may carry.', { validator: atLeast(1024) })

    // ----- Metrics and quotas -----
    .define('metric.reporters', 'list', '', 'low', 'Metric reporter classes (Java only; kafkats exposes Prometheus metrics).')
    .define('metrics.num.samples', 'int', 2, 'low', 'Samples kept to compute a rate.', { validator: atLeast(1) })
    .define('metrics.sample.window.ms', 'long', 30000, 'low', 'Time covered by one metrics sample.', { validator: atLeast(1) })
    .define('metrics.recording.level', 'string', 'INFO', 'low', 'Most detailed metrics level recorded.', { validator: validString('INFO', 'DEBUG', 'TRACE') })
    .define('quota.window.num', 'int', 11, 'low', 'Samples kept for client quotas.', { validator: atLeast(1) })
    .define('quota.window.size.seconds', 'int', 1, 'low', 'Time covered by one client quota sample.', { validator: atLeast(1) })
    .define('replication.quota.window.num', 'int', 11, 'low', 'Samples kept for replication quotas.', { validator: atLeast(1) })
    .define('replication.quota.window.size.seconds', 'int', 1, 'low', 'Time covered by one replication quota sample.', { validator: atLeast(1) })
    // kafkats extensions (not Kafka keys): the HTTP endpoint serving Prometheus /metrics and /health.
    // -1 keeps it off, so brokers started side by side never collide; the Docker image sets 9404
    // (env KAFKA_CFG_KAFKATS_METRICS_PORT / KAFKA_CFG_KAFKATS_METRICS_HOST), and a local cluster
    // gives broker i its own port with `--override kafkats.metrics.port=…`.
    .define('kafkats.metrics.port', 'int', -1, 'low',
      'kafkats only: port of the HTTP endpoint serving Prometheus /metrics and /health; -1 disables it, 0 picks a free port.',
      { validator: between(-1, 65535) })
    .define('kafkats.metrics.host', 'string', '', 'low',
      'kafkats only: interface the /metrics and /health endpoint binds; empty means the host of the first listener (every interface when that host is empty), 0.0.0.0 binds every interface.')

    // ----- Security (Kafka's SslConfigs / SaslConfigs / BrokerSecurityConfigs; each may be given per
    // listener as listener.name.<listener>.<key>, SASL JAAS per mechanism as
    // listener.name.<listener>.<mechanism>.sasl.jaas.config) -----
    .define('principal.builder.class', 'class', 'org.apache.kafka.common.security.authenticator.DefaultKafkaPrincipalBuilder', 'medium',
      'Builds the principal of a connection (Java class name; informational).', { validator: nonEmptyString() })
    .define('ssl.protocol', 'string', 'TLSv1.3', 'medium', 'TLS protocol used to build the SSL context.')
    .define('ssl.enabled.protocols', 'list', 'TLSv1.2,TLSv1.3', 'medium', 'TLS versions accepted on SSL listeners.')
    .define('ssl.keystore.type', 'string', 'JKS', 'medium', 'Format of the key store: PKCS12 or PEM (JKS files must be converted to PKCS12).')
    .define('ssl.keystore.certificate.chain', 'password', null, 'high', 'PEM certificate chain of the key store given inline (ssl.keystore.type=PEM).')
    .define('ssl.keystore.key', 'password', null, 'high', 'PEM private key of the key store given inline (ssl.keystore.type=PEM).')
    .define('ssl.truststore.certificates', 'password', null, 'high', 'PEM trusted certificates given inline (ssl.truststore.type=PEM).')
    .define('ssl.principal.mapping.rules', 'string', 'DEFAULT', 'low', 'Rules mapping a client certificate DN to the principal name: RULE:pattern/replacement/[LU],…,DEFAULT.')
    .define('ssl.keymanager.algorithm', 'string', 'SunX509', 'low', 'Key manager algorithm (Java; informational).')
    .define('ssl.trustmanager.algorithm', 'string', 'PKIX', 'low', 'Trust manager algorithm (Java; informational).')
    .define('ssl.engine.factory.class', 'class', null, 'low', 'Custom SSLEngine factory (Java class; not supported, must be unset).')
    .define('sasl.server.max.receive.size', 'int', 524288, 'low', 'Largest frame accepted before SASL authentication completes.')
    .define('sasl.server.callback.handler.class', 'class', null, 'medium', 'Custom SASL server callback handler (Java class; not supported, must be unset).')
    .define('sasl.login.callback.handler.class', 'class', null, 'medium', 'Custom SASL login callback handler (Java class; not supported, must be unset).')
    .define('ssl.keystore.location', 'string', null, 'medium', 'Path of the key store file.')
    .define('ssl.keystore.password', 'password', null, 'medium', 'Password of the key store file.')
    .define('ssl.key.password', 'password', null, 'medium', 'Password of the private key in the key store.')
    .define('ssl.truststore.type', 'string', 'JKS', 'medium', 'Format of the trust store: PKCS12 or PEM (JKS files must be converted to PKCS12).')
    .define('ssl.truststore.location', 'string', null, 'medium', 'Path of the trust store file.')
    .define('ssl.truststore.password', 'password', null, 'medium', 'Password of the trust store file.')
    .define('ssl.client.auth', 'string', 'none', 'medium', 'Whether SSL listeners request or require client certificates.',
      { validator: validString('required', 'requested', 'none') })
    .define('ssl.cipher.suites', 'list', [], 'medium', 'TLS cipher suites allowed; empty means the platform defaults.')
    .define('ssl.endpoint.identification.algorithm', 'string', 'https', 'low', 'Host name verification of the server on inter-broker TLS connections: https, or empty for none.')
    .define('sasl.enabled.mechanisms', 'list', 'GSSAPI', 'medium', 'SASL mechanisms offered to clients.')
    .define('sasl.mechanism.inter.broker.protocol', 'string', 'GSSAPI', 'medium', 'SASL mechanism brokers use with each other.')
    .define('sasl.jaas.config', 'password', null, 'medium',
      'JAAS login configuration; brokers read it per listener and mechanism (listener.name.<l>.<mechanism>.sasl.jaas.config).')
    .define('sasl.kerberos.service.name', 'string', null, 'medium', 'Kerberos principal name Kafka runs as.')
    .define('delegation.token.secret.key', 'password', null, 'medium', 'Secret signing delegation tokens; unset disables them.')
    .define('delegation.token.max.lifetime.ms', 'long', 7 * DAY_MS, 'medium', 'Longest a delegation token may be renewed for.', { validator: atLeast(1) })
    .define('delegation.token.expiry.time.ms', 'long', DAY_MS, 'medium', 'Validity of a delegation token before it must be renewed.', { validator: atLeast(1) })
    .define('password.encoder.secret', 'password', null, 'medium', 'Secret encrypting dynamically set passwords stored in ZooKeeper.');
}

/** Builds the broker ConfigDef (one shared instance is exported as BROKER_CONFIG_DEF). */
export function brokerConfigDef() {
  return replication(d(new ConfigDef()));
}

export const BROKER_CONFIG_DEF = brokerConfigDef();

/** Every broker key with its parsed type (nullable where Kafka has no default), from the table above. */
export type BrokerConfigValues = ConfigValues<typeof BROKER_CONFIG_DEF>;
export type BrokerConfigName = keyof BrokerConfigValues & string;

/** Typed reads of broker keys: a KafkaConfig, or the table's defaults (BROKER_CONFIG_DEFAULTS). */
export interface BrokerConfigReader {
  get<K extends BrokerConfigName>(name: K): BrokerConfigValues[K];
}

/** The table's defaults as a BrokerConfigReader (Kafka's defaults with no server.properties at all). */
export const BROKER_CONFIG_DEFAULTS: BrokerConfigReader = {
  get: <K extends BrokerConfigName>(name: K) => BROKER_CONFIG_DEF.key(name)!.defaultValue as BrokerConfigValues[K],
};
