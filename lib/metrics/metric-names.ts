/**
 * The metrics a kafkats broker exports, named after Apache Kafka's JMX MBeans the way the
 * Prometheus JMX exporter's Kafka rules name them: `kafka.<domain>:type=<Type>,name=<Name>` becomes
 * `kafka_<domain>_<type>_<name>` in lower case; a Yammer meter (`…PerSec`, a count plus rates)
 * becomes a Prometheus counter with the `PerSec` dropped and `_total` appended (Prometheus derives
 * rates with `rate()`); a gauge keeps its name; MBean tags become labels (topic, partition,
 * request, error). Kafka's `…TimeMs` histograms become Prometheus histograms in seconds.
 *
 * This table is the single source of names, JMX equivalents and help texts: KafkaMetrics registers
 * from it and README's metrics section can be rendered from it.
 */

export type MetricKind = 'counter' | 'gauge' | 'histogram';

export interface MetricName {
  /** Prometheus name (counters include the `_total` suffix). */
  readonly name: string;
  readonly kind: MetricKind;
  /** Kafka's JMX MBean name this mirrors. */
  readonly jmx: string;
  readonly labels: readonly string[];
  readonly help: string;
}

function m(name: string, kind: MetricKind, jmx: string, labels: readonly string[], help: string): MetricName {
  return { name, kind, jmx, labels, help };
}

const BTM = 'kafka.server:type=BrokerTopicMetrics';
const RM = 'kafka.server:type=ReplicaManager';
const KC = 'kafka.controller:type=KafkaController';
const REQ = 'kafka.network:type=RequestMetrics';

/** Every broker metric (process and Node.js metrics come from prom-client's defaults on top). */
export const METRICS = {
  // ----- kafka.server:type=BrokerTopicMetrics (per topic; sum() for Kafka's all-topics MBean) -----
  bytesIn: m('kafka_server_brokertopicmetrics_bytesin_total', 'counter', `${BTM},name=BytesInPerSec,topic=*`, ['topic'],
    'Bytes appended to the log from client produce requests.'),
  bytesOut: m('kafka_server_brokertopicmetrics_bytesout_total', 'counter', `${BTM},name=BytesOutPerSec,topic=*`, ['topic'],
    'Bytes sent to consumers in fetch responses (follower fetches are counted in replicationbytesout).'),
  messagesIn: m('kafka_server_brokertopicmetrics_messagesin_total', 'counter', `${BTM},name=MessagesInPerSec,topic=*`, ['topic'],
    'Records appended to the log from client produce requests.'),
  bytesRejected: m('kafka_server_brokertopicmetrics_bytesrejected_total', 'counter', `${BTM},name=BytesRejectedPerSec,topic=*`,
    ['topic'], 'Bytes of produced batches rejected (too large, corrupt, invalid).'),
  totalProduceRequests: m('kafka_server_brokertopicmetrics_totalproducerequests_total', 'counter',
    `${BTM},name=TotalProduceRequestsPerSec,topic=*`, ['topic'], 'Produce requests per topic-partition appended or attempted.'),
  failedProduceRequests: m('kafka_server_brokertopicmetrics_failedproducerequests_total', 'counter',
    `${BTM},name=FailedProduceRequestsPerSec,topic=*`, ['topic'], 'Produce requests per topic-partition that failed.'),
  totalFetchRequests: m('kafka_server_brokertopicmetrics_totalfetchrequests_total', 'counter',
    `${BTM},name=TotalFetchRequestsPerSec,topic=*`, ['topic'], 'Fetch requests per topic-partition served or attempted.'),
  failedFetchRequests: m('kafka_server_brokertopicmetrics_failedfetchrequests_total', 'counter',
    `${BTM},name=FailedFetchRequestsPerSec,topic=*`, ['topic'], 'Fetch requests per topic-partition that failed.'),
  replicationBytesIn: m('kafka_server_brokertopicmetrics_replicationbytesin_total', 'counter', `${BTM},name=ReplicationBytesInPerSec`,
    [], 'Bytes appended by this broker\'s replica fetchers (as a follower).'),
  replicationBytesOut: m('kafka_server_brokertopicmetrics_replicationbytesout_total', 'counter', `${BTM},name=ReplicationBytesOutPerSec`,
    [], 'Bytes sent to follower replicas in fetch responses.'),

  // ----- kafka.server:type=ReplicaManager -----
  isrShrinks: m('kafka_server_replicamanager_isrshrinks_total', 'counter', `${RM},name=IsrShrinksPerSec`, [],
    'Times a partition led by this broker removed a replica from its ISR.'),
  isrExpands: m('kafka_server_replicamanager_isrexpands_total', 'counter', `${RM},name=IsrExpandsPerSec`, [],
    'Times a partition led by this broker added a replica to its ISR.'),
  underReplicatedPartitions: m('kafka_server_replicamanager_underreplicatedpartitions', 'gauge', `${RM},name=UnderReplicatedPartitions`,
    [], 'Partitions led by this broker whose ISR is smaller than the replica set.'),
  underMinIsrPartitionCount: m('kafka_server_replicamanager_underminisrpartitioncount', 'gauge', `${RM},name=UnderMinIsrPartitionCount`,
    [], 'Partitions led by this broker whose ISR is below min.insync.replicas.'),
  leaderCount: m('kafka_server_replicamanager_leadercount', 'gauge', `${RM},name=LeaderCount`, [],
    'Partitions this broker leads.'),
  partitionCount: m('kafka_server_replicamanager_partitioncount', 'gauge', `${RM},name=PartitionCount`, [],
    'Partitions with a replica on this broker.'),

  // ----- kafka.server:type=FetchSessionCache (KIP-227) -----
  numIncrementalFetchSessions: m('kafka_server_fetchsessioncache_numincrementalfetchsessions', 'gauge',
    'kafka.server:type=FetchSessionCache,name=NumIncrementalFetchSessions', [], 'Incremental fetch sessions this broker holds.'),
  numIncrementalFetchPartitionsCached: m('kafka_server_fetchsessioncache_numincrementalfetchpartitionscached', 'gauge',
    'kafka.server:type=FetchSessionCache,name=NumIncrementalFetchPartitionsCached', [], 'Partitions in all incremental fetch sessions.'),

  // ----- kafka.server:type=ReplicaFetcherManager / KafkaServer -----
  replicaFetcherMaxLag: m('kafka_server_replicafetchermanager_maxlag', 'gauge', 'kafka.server:type=ReplicaFetcherManager,name=MaxLag,clientId=Replica',
    [], 'Largest lag in messages of any follower replica on this broker.'),
  brokerState: m('kafka_server_kafkaserver_brokerstate', 'gauge', 'kafka.server:type=KafkaServer,name=BrokerState', [],
    'Kafka\'s BrokerState code: 0 NotRunning, 1 Starting, 3 RunningAsBroker, 6 PendingControlledShutdown, 7 BrokerShuttingDown.'),

  // ----- kafka.controller:type=KafkaController (non-zero only on the active controller) -----
  activeControllerCount: m('kafka_controller_kafkacontroller_activecontrollercount', 'gauge', `${KC},name=ActiveControllerCount`, [],
    '1 on the active controller, 0 elsewhere; the cluster-wide sum must be 1.'),
  offlinePartitionsCount: m('kafka_controller_kafkacontroller_offlinepartitionscount', 'gauge', `${KC},name=OfflinePartitionsCount`, [],
    'Partitions without an online leader (reported by the active controller, 0 elsewhere).'),
  globalTopicCount: m('kafka_controller_kafkacontroller_globaltopiccount', 'gauge', `${KC},name=GlobalTopicCount`, [],
    'Topics in the cluster (reported by the active controller, 0 elsewhere).'),
  globalPartitionCount: m('kafka_controller_kafkacontroller_globalpartitioncount', 'gauge', `${KC},name=GlobalPartitionCount`, [],
    'Partitions in the cluster (reported by the active controller, 0 elsewhere).'),
  preferredReplicaImbalanceCount: m('kafka_controller_kafkacontroller_preferredreplicaimbalancecount', 'gauge',
    `${KC},name=PreferredReplicaImbalanceCount`, [], 'Partitions whose leader is not the preferred replica (active controller only).'),
  uncleanLeaderElections: m('kafka_controller_controllerstats_uncleanleaderelections_total', 'counter',
    'kafka.controller:type=ControllerStats,name=UncleanLeaderElectionsPerSec', [], 'Leaders elected from outside the ISR.'),

  // ----- kafka.server:type=DelayedOperationPurgatory (per purgatory: Produce, Fetch, DeleteRecords) -----
  purgatorySize: m('kafka_server_delayedoperationpurgatory_purgatorysize', 'gauge',
    'kafka.server:type=DelayedOperationPurgatory,name=PurgatorySize,delayedOperation=*', ['delayedOperation'],
    'Watch-list entries of the purgatory (an operation watched under several keys counts once per key).'),
  numDelayedOperations: m('kafka_server_delayedoperationpurgatory_numdelayedoperations', 'gauge',
    'kafka.server:type=DelayedOperationPurgatory,name=NumDelayedOperations,delayedOperation=*', ['delayedOperation'],
    'Operations waiting in the purgatory for their completion or timeout.'),

  // ----- kafka.network:type=SocketServer -----
  memoryPoolAvailable: m('kafka_network_socketserver_memorypoolavailable', 'gauge', 'kafka.network:type=SocketServer,name=MemoryPoolAvailable',
    [], 'Bytes the memory pool for requests being read (queued.max.request.bytes) can still supply; +Inf when unbounded.'),
  memoryPoolUsed: m('kafka_network_socketserver_memorypoolused', 'gauge', 'kafka.network:type=SocketServer,name=MemoryPoolUsed', [],
    'Bytes of requests read and not yet handled, taken from the memory pool.'),

  // ----- kafka.network:type=RequestMetrics (per API) -----
  requests: m('kafka_network_requestmetrics_requests_total', 'counter', `${REQ},name=RequestsPerSec,request=*`, ['request'],
    'Requests handled, by API name (Produce, Fetch, Metadata …).'),
  errors: m('kafka_network_requestmetrics_errors_total', 'counter', `${REQ},name=ErrorsPerSec,request=*,error=*`, ['request', 'error'],
    'Error codes returned, by API name and Kafka error name.'),
  totalTime: m('kafka_network_requestmetrics_totaltime_seconds', 'histogram', `${REQ},name=TotalTimeMs,request=*`, ['request'],
    'Time from reading a request to having its response, by API name (seconds; Kafka reports milliseconds).'),

  // ----- kafka.log:type=Log (per topic-partition on this broker) -----
  logSize: m('kafka_log_log_size', 'gauge', 'kafka.log:type=Log,name=Size,topic=*,partition=*', ['topic', 'partition'],
    'Bytes of all segments of the partition\'s log on this broker.'),
  logStartOffset: m('kafka_log_log_logstartoffset', 'gauge', 'kafka.log:type=Log,name=LogStartOffset,topic=*,partition=*',
    ['topic', 'partition'], 'First offset of the partition\'s log on this broker.'),
  logEndOffset: m('kafka_log_log_logendoffset', 'gauge', 'kafka.log:type=Log,name=LogEndOffset,topic=*,partition=*',
    ['topic', 'partition'], 'Log end offset of the partition\'s log on this broker.'),
  numLogSegments: m('kafka_log_log_numlogsegments', 'gauge', 'kafka.log:type=Log,name=NumLogSegments,topic=*,partition=*',
    ['topic', 'partition'], 'Segments of the partition\'s log on this broker.'),

  // ----- kafka.coordinator.group:type=GroupMetadataManager -----
  numGroups: m('kafka_coordinator_group_groupmetadatamanager_numgroups', 'gauge',
    'kafka.coordinator.group:type=GroupMetadataManager,name=NumGroups', [], 'Consumer groups this broker coordinates.'),
  numOffsets: m('kafka_coordinator_group_groupmetadatamanager_numoffsets', 'gauge',
    'kafka.coordinator.group:type=GroupMetadataManager,name=NumOffsets', [], 'Committed offsets cached by this broker\'s group coordinator.'),
} as const satisfies Record<string, MetricName>;

/** Buckets of the request time histogram, in seconds (0.5 ms … 30 s; fetches long-poll up to fetch.max.wait.ms). */
export const REQUEST_TIME_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];
