import { expect } from 'chai';
import { KafkaConfig } from '../../lib/config/kafka-config.js';
import { replicaManagerConfigFrom, replicationQuotaManagerConfigFrom } from '../../lib/config/replica-manager-config.js';
import { controlledShutdownConfigFrom, controllerConfigFrom } from '../../lib/config/controller-config.js';
import { DEFAULT_GROUP_CONFIG, DEFAULT_OFFSET_CONFIG, groupConfigFrom, offsetConfigFrom } from '../../lib/config/group-coordinator-config.js';
import { transactionConfigFrom, transactionLogConfigFrom } from '../../lib/config/transaction-config.js';
import { logManagerConfigFrom } from '../../lib/config/log-manager-config.js';
import { connectionQuotaConfigFrom, socketServerConfigFrom } from '../../lib/config/socket-server-config.js';
import { zkClientConfigFrom } from '../../lib/config/zk-client-config.js';
import { metricsConfigFrom } from '../../lib/config/metrics-config.js';

const config = (props: Record<string, string> = {}): KafkaConfig => KafkaConfig.fromProps({ 'zookeeper.connect': 'zk:2181/kafka', ...props });

describe('Per-component broker config objects (lib/config)', () => {
  it("carry Kafka's defaults when nothing is set", () => {
    const c = config();
    expect(replicaManagerConfigFrom(c)).to.deep.equal({
      interBrokerListener: 'PLAINTEXT', replicaLagTimeMaxMs: 30000, highWatermarkCheckpointIntervalMs: 5000, defaultMinInSyncReplicas: 1,
      fetcher: { fetchMaxWaitMs: 500, fetchMinBytes: 1, fetchMaxBytes: 1048576, fetchResponseMaxBytes: 10485760, fetchBackoffMs: 1000, requestTimeoutMs: 30000 },
    });
    expect(replicationQuotaManagerConfigFrom(c)).to.deep.equal({ samples: 11, timeWindowMs: 1000 });
    expect(controllerConfigFrom(c)).to.deep.equal({
      interBrokerListener: 'PLAINTEXT', deleteTopicEnable: true, autoLeaderRebalanceEnable: true, leaderImbalanceCheckIntervalSeconds: 300,
      leaderImbalancePerBrokerPercentage: 10, uncleanLeaderElectionEnable: false, requestTimeoutMs: 30000,
    });
    expect(controlledShutdownConfigFrom(c)).to.deep.equal({ enable: true, maxRetries: 3, retryBackoffMs: 5000, requestTimeoutMs: 30000 });
    expect(groupConfigFrom(c)).to.deep.equal(DEFAULT_GROUP_CONFIG);
    expect(offsetConfigFrom(c)).to.deep.equal(DEFAULT_OFFSET_CONFIG);
    expect(DEFAULT_GROUP_CONFIG).to.deep.equal({ groupMinSessionTimeoutMs: 6000, groupMaxSessionTimeoutMs: 1800000, groupMaxSize: 2147483647, groupInitialRebalanceDelayMs: 3000 });
    expect(DEFAULT_OFFSET_CONFIG).to.include({ offsetsRetentionMs: 7 * 24 * 3600_000, offsetsTopicNumPartitions: 50, offsetsTopicReplicationFactor: 3, offsetCommitRequiredAcks: -1 });
    expect(transactionConfigFrom(c)).to.deep.equal({
      transactionalIdExpirationMs: 604800000, transactionMaxTimeoutMs: 900000, abortTimedOutTransactionsIntervalMs: 10000,
      removeExpiredTransactionalIdsIntervalMs: 3600000, requestTimeoutMs: 30000,
    });
    expect(transactionLogConfigFrom(c)).to.deep.equal({ numPartitions: 50, replicationFactor: 3, segmentBytes: 104857600, loadBufferSize: 5242880, minInsyncReplicas: 2 });
    expect(logManagerConfigFrom(c)).to.deep.equal({
      logDirs: ['/tmp/kafka-logs'], retentionCheckIntervalMs: 300000, producerIdExpirationMs: 86400000, producerIdExpirationCheckIntervalMs: 600000, cleanerEnabled: true,
    });
    expect(socketServerConfigFrom(c)).to.deep.equal({ maxRequestSize: 104857600, queuedMaxRequestBytes: 104857600, idleTimeoutMs: 600000, failedAuthenticationDelayMs: 100 });
    expect(zkClientConfigFrom(c)).to.deep.equal({ connectString: 'zk:2181/kafka', sessionTimeoutMs: 18000, connectionTimeoutMs: 18000 });
    expect(metricsConfigFrom(c)).to.deep.equal({ port: -1, host: '' });
  });

  it('follow the keys they are built from', () => {
    const c = config({
      'replica.lag.time.max.ms': '12000', 'replica.fetch.wait.max.ms': '200', 'replica.socket.timeout.ms': '9000', 'min.insync.replicas': '2',
      'offsets.retention.minutes': '2', 'offsets.topic.num.partitions': '3', 'transaction.state.log.num.partitions': '4',
      'controlled.shutdown.enable': 'false', 'max.connections.per.ip.overrides': 'a:1,b:2', 'max.connections': '9',
      'zookeeper.connection.timeout.ms': '4000', 'log.dirs': '/d1,/d2', 'replication.quota.window.size.seconds': '2',
    });
    expect(replicaManagerConfigFrom(c)).to.deep.include({ replicaLagTimeMaxMs: 12000, defaultMinInSyncReplicas: 2 });
    expect(replicaManagerConfigFrom(c).fetcher).to.include({ fetchMaxWaitMs: 200, requestTimeoutMs: 9000 });
    expect(offsetConfigFrom(c)).to.include({ offsetsRetentionMs: 120000, offsetsTopicNumPartitions: 3 });
    expect(transactionLogConfigFrom(c).numPartitions).to.equal(4);
    expect(controlledShutdownConfigFrom(c).enable).to.equal(false);
    expect(connectionQuotaConfigFrom(c)).to.deep.equal({ maxConnectionsPerIp: 2147483647, maxConnectionsPerIpOverrides: new Map([['a', 1], ['b', 2]]), maxConnections: 9 });
    expect(zkClientConfigFrom(c).connectionTimeoutMs).to.equal(4000);
    expect(logManagerConfigFrom(c).logDirs).to.deep.equal(['/d1', '/d2']);
    expect(replicationQuotaManagerConfigFrom(c).timeWindowMs).to.equal(2000);
    expect(metricsConfigFrom(config({ listeners: 'PLAINTEXT://127.0.0.1:9092', 'kafkats.metrics.port': '9404' }))).to.deep.equal({ port: 9404, host: '127.0.0.1' });
    expect(metricsConfigFrom(config({ listeners: 'PLAINTEXT://127.0.0.1:9092', 'kafkats.metrics.host': '0.0.0.0' })).host).to.equal('0.0.0.0');
  });

  it('reads keys typed from the definition table', () => {
    const c = config({ 'log.cleanup.policy': 'compact,delete', 'auto.create.topics.enable': 'false' });
    const policy: string[] = c.get('log.cleanup.policy');
    const autoCreate: boolean = c.get('auto.create.topics.enable');
    const rack: string | null = c.get('broker.rack');
    expect(policy).to.deep.equal(['compact', 'delete']);
    expect(autoCreate).to.equal(false);
    expect(rack).to.equal(null);
  });
});
