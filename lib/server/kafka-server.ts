/**
 * Kafka's KafkaServer (ZooKeeper mode): the lifecycle of one broker. Start-up follows Kafka's
 * order — ZooKeeper session and top-level paths, cluster id, log manager (recovery), socket server,
 * replica manager, registration of /brokers/ids/<id> (its czxid is the broker epoch), controller
 * election, coordinators, then "started". Shutdown runs in reverse after a controlled shutdown
 * (leadership moved away through the controller); every step is bounded, so a broker whose
 * ZooKeeper is gone still exits.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { type KafkaConfig } from '../config/kafka-config.js';
import { KafkaZkClient } from '../zk/kafka-zk-client.js';
import { NodeExistsError } from '../zk/keeper-errors.js';
import type { BrokerInfo, EndPoint as ZkEndPoint } from '../zk/broker-znodes.js';
import { LogManager } from '../log/log-manager.js';
import { MetadataCache } from './metadata-cache.js';
import { SocketServer } from '../network/socket-server.js';
import { buildListenerChannel, interBrokerClientSecurity } from '../network/channel-builder.js';
import type { ClientChannelSecurity } from '../network/network-client.js';
import { sharedBufferPool } from '../utils/buffer-pool.js';
import { KafkaApis } from './kafka-apis.js';
import { allHandlers } from './handlers/index.js';
import { ReplicaManager } from '../replication/replica-manager.js';
import { DefaultAlterPartitionManager } from '../replication/alter-partition-manager.js';
import { sharedDecompressionPool } from '../record/decompression-pool.js';
import { KafkaController } from '../controller/kafka-controller.js';
import { TopicConfigCache } from './topic-config-cache.js';
import { controlledShutdown } from './controlled-shutdown.js';
import { runShutdownStep } from './shutdown-step.js';
import { ZkAdminManager } from './zk-admin-manager.js';
import { ZkConfigManager } from './zk-config-manager.js';
import { type GroupCoordinator } from '../coordinator/group/group-coordinator.js';
import { createGroupCoordinator } from './group-coordinator-wiring.js';
import type { TransactionCoordinator } from '../coordinator/transaction/transaction-coordinator.js';
import { createTransactionCoordinator } from './transaction-coordinator-wiring.js';
import type { BrokerContext } from './handlers/broker-context.js';
import { KafkaMetrics } from '../metrics/kafka-metrics.js';
import { SYSTEM_TIME, type Time } from '../common/time.js';
import { KafkaScheduler } from '../common/scheduler.js';
import { FetchManager, FetchSessionCache } from './fetch-session.js';
import { DEFAULT_ENTITY, DynamicBrokerConfig } from './dynamic-broker-config.js';
import { listenerSslReconfigurable } from './listener-ssl-reconfigurable.js';
import { dynamicLogConfig, logCleanerReconfigurable, socketServerReconfigurable } from './broker-reconfigurables.js';
import { ReplicationQuotaManager, type ReplicationQuotas } from '../replication/replication-quota-manager.js';
import { zkClientConfigFrom } from '../config/zk-client-config.js';
import { cleanerConfigFrom, logManagerConfigFrom } from '../config/log-manager-config.js';
import { connectionQuotaConfigFrom, socketServerConfigFrom } from '../config/socket-server-config.js';
import { replicaManagerConfigFrom, replicationQuotaManagerConfigFrom } from '../config/replica-manager-config.js';
import { controlledShutdownConfigFrom, controllerConfigFrom } from '../config/controller-config.js';
import { CredentialCache } from '../security/credential-cache.js';
import { ConfigType } from '../zk/config-znodes.js';
import { logger } from '../utils/logger.js';
import { AclAuthorizer } from '../security/auth/acl-authorizer.js';
import { ANY_BINDING_FILTER } from '../common/acl.js';
import { ControllerRequestVerifier } from './controller-request-verifier.js';


export type BrokerState = 'NOT_RUNNING' | 'STARTING' | 'RUNNING' | 'PENDING_CONTROLLED_SHUTDOWN' | 'SHUTTING_DOWN';

export class KafkaServer {
  private readonly log = logger('kafka.server.KafkaServer');
  state: BrokerState = 'NOT_RUNNING';
  brokerId: number;
  clusterId = '';
  private brokerEpoch = -1n;
  zkClient!: KafkaZkClient;
  logManager!: LogManager;
  metadataCache!: MetadataCache;
  socketServer!: SocketServer;
  replicaManager!: ReplicaManager;
  controller!: KafkaController;
  adminManager!: ZkAdminManager;
  groupCoordinator!: GroupCoordinator;
  transactionCoordinator?: TransactionCoordinator;
  topicConfigs!: TopicConfigCache;
  private configManager?: ZkConfigManager;
  /** SCRAM credentials of the mechanisms enabled on any listener, from /config/users (Kafka's CredentialProvider). */
  readonly credentialCache: CredentialCache;
  private alterPartitionManager?: DefaultAlterPartitionManager;
  private apis!: KafkaApis;
  metrics!: KafkaMetrics;
  /** The ACL authorizer when authorizer.class.name names it. */
  authorizer?: AclAuthorizer;
  private controllerRequestVerifier?: ControllerRequestVerifier;
  /** Kafka's DynamicBrokerConfig: the static config with /config/brokers/<default> and /config/brokers/<id> on top. */
  dynamicConfig!: DynamicBrokerConfig;
  /** Kafka's QuotaManagers.leader / follower (replication throttles). */
  quotas!: ReplicationQuotas;
  /** How this broker connects to the others (the inter-broker listener's TLS/SASL, client side). */
  interBrokerSecurity: ClientChannelSecurity | null = null;

  /** The broker's background tasks (Kafka's KafkaServer.kafkaScheduler), on the injected clock. */
  readonly scheduler: KafkaScheduler;
  readonly fetchManager: FetchManager;

  constructor(readonly config: KafkaConfig, private readonly time: Time = SYSTEM_TIME) {
    this.brokerId = config.brokerId;
    this.scheduler = new KafkaScheduler({ time });
    this.credentialCache = new CredentialCache([...config.listenerSecurity.values()].flatMap((l) => l.sasl?.enabledMechanisms ?? []));
    this.fetchManager = new FetchManager(time, new FetchSessionCache(config.maxIncrementalFetchSessionCacheSlots));
  }

  async startup(): Promise<void> {
    const started = Date.now();
    this.state = 'STARTING';
    const c = this.config;
    this.metrics = KafkaMetrics.fromConfig(c);
    this.metrics.registerHealth(() => ({
      status: this.state === 'RUNNING' ? 'ok' : this.state === 'STARTING' ? 'starting' : 'shutting_down',
      brokerId: this.brokerId,
      controller: this.controller?.isActive ?? false,
      brokerEpoch: String(this.brokerEpoch),
    }));
    await this.metrics.start();
    this.scheduler.startup();
    this.zkClient = await KafkaZkClient.create({ ...zkClientConfigFrom(c), name: `Kafka server ${c.brokerId}` });
    await this.zkClient.createTopLevelPaths();
    this.clusterId = await this.zkClient.createOrGetClusterId(randomBytes(16).toString('base64url'));
    if (this.brokerId < 0) this.brokerId = await this.zkClient.generateBrokerSequenceId() + c.maxReservedBrokerId;
    this.log.info(`Cluster ID = ${this.clusterId}, broker id = ${this.brokerId}`);
    this.controllerRequestVerifier = new ControllerRequestVerifier(this.zkClient, this.brokerId, () => this.brokerEpoch);
    if (c.authorizer !== null) {
      // Kafka configures its authorizer (which loads every ACL) before requests are processed.
      this.authorizer = new AclAuthorizer(this.zkClient, c.authorizer, { time: this.time });
      await this.authorizer.start();
      this.log.info(`Authorizer ${c.authorizer.className} started with ${this.authorizer.acls(ANY_BINDING_FILTER).length} ACLs; super.users: ${c.authorizer.superUsers.join(';') || '(none)'}`);
    }
    this.dynamicConfig = new DynamicBrokerConfig(c);
    await this.dynamicConfig.initialize(this.zkClient, this.brokerId);
    const quotaWindow = replicationQuotaManagerConfigFrom(c);
    this.quotas = {
      leader: new ReplicationQuotaManager('LeaderReplication', quotaWindow, this.time),
      follower: new ReplicationQuotaManager('FollowerReplication', quotaWindow, this.time),
      alterLogDirs: new ReplicationQuotaManager('AlterLogDirsReplication', quotaWindow, this.time),
    };
    this.updateReplicationQuotas();

    const defaults = this.dynamicConfig.currentConfig.logConfig();
    this.topicConfigs = new TopicConfigCache(this.zkClient, defaults);
    this.logManager = new LogManager({
      ...logManagerConfigFrom(c),
      brokerId: this.brokerId,
      clusterId: this.clusterId,
      defaultConfig: defaults,
      topicConfig: (topic) => this.topicConfigs.get(topic),
      clock: this.time,
      scheduler: this.scheduler,
      cleanerThreads: cleanerConfigFrom(this.dynamicConfig.currentConfig).numThreads,
    });
    await this.logManager.startup();
    // Overrides of the topics whose logs were just loaded.
    await this.topicConfigs.ensureLoaded(this.logManager.allLogs().map((l) => l.topicPartition.topic));
    for (const l of this.logManager.allLogs()) l.config = this.topicConfigs.get(l.topicPartition.topic);

    this.interBrokerSecurity = interBrokerClientSecurity(c.interBrokerSecurity, `broker-${this.brokerId}`);
    this.metadataCache = new MetadataCache(this.brokerId);
    const context = this.brokerContext();
    this.apis = new KafkaApis(allHandlers, context);
    this.socketServer = new SocketServer(
      c.listeners.map((l) => ({
        name: l.listenerName, host: l.host, port: l.port,
        // With the dynamic configs of /config/brokers (a key store set there since the last start).
        channel: buildListenerChannel(this.dynamicConfig.currentConfig.listenerSecurity.get(l.listenerName)!, { credentials: this.credentialCache, time: this.time },
          l.listenerName === c.interBrokerListenerName),
      })),
      this.apis,
      { ...socketServerConfigFrom(c), bufferPool: sharedBufferPool, time: this.time },
      c.interBrokerListenerName,
    );
    this.socketServer.reconfigureConnectionQuotas(connectionQuotaConfigFrom(this.dynamicConfig.currentConfig));
    await this.socketServer.startup();

    this.alterPartitionManager = new DefaultAlterPartitionManager(this.brokerId, () => this.brokerEpoch, this.metadataCache, c.interBrokerListenerName, this.time, undefined, this.interBrokerSecurity);
    const replicaManagerConfig = replicaManagerConfigFrom(c);
    this.replicaManager = new ReplicaManager(
      {
        ...replicaManagerConfig,
        brokerId: this.brokerId,
        fetcher: { ...replicaManagerConfig.fetcher, security: this.interBrokerSecurity },
        quotas: this.quotas,
      },
      this.time,
      this.scheduler,
      this.logManager,
      this.metadataCache,
      this.alterPartitionManager,
      (topic) => this.topicConfigs.get(topic)['min.insync.replicas'],
    );
    this.replicaManager.propagateLogDirEvent = () => this.zkClient.propagateLogDirEvent(this.brokerId);
    this.replicaManager.startLogDirFailureHandler();

    this.replicaManager.decompressionPool = sharedDecompressionPool;

    this.adminManager = new ZkAdminManager(context);
    this.groupCoordinator = createGroupCoordinator(context, this.replicaManager);
    // ---- transaction coordinator (KIP-98): next to the group coordinator, on __transaction_state ----
    this.transactionCoordinator = createTransactionCoordinator(context, this.replicaManager, this.time, this.scheduler);
    // ---- end transaction coordinator ----

    this.brokerEpoch = await this.registerBroker();
    this.controller = new KafkaController(
      { ...controllerConfigFrom(c), brokerId: this.brokerId },
      this.zkClient,
      {
        registerBroker: async () => (this.brokerEpoch = await this.registerBroker()),
        uncleanLeaderElectionEnabled: async (topic) => {
          await this.topicConfigs.ensureLoaded([topic]);
          return this.topicConfigs.get(topic)['unclean.leader.election.enable'];
        },
      },
      { scheduler: this.scheduler, time: this.time, interBrokerSecurity: this.interBrokerSecurity },
    );
    this.controller.startup();
    this.addReconfigurables();
    this.configManager = new ZkConfigManager(this.zkClient, (topic, overrides) => this.onTopicConfigChange(topic, overrides), {
      time: this.time,
      entityHandlers: {
        [ConfigType.Broker]: (name, props) => this.onBrokerConfigChange(name, props),
        [ConfigType.User]: (user, config) => this.onUserConfigChange(user, config),
      },
    });
    await this.configManager.startup();
    this.registerGauges();
    this.state = 'RUNNING';
    this.apis.startProcessingRequests();
    this.log.info({ startupMs: Date.now() - started }, `[KafkaServer id=${this.brokerId}] started`);
  }

  private registerGauges(): void {
    const rm = this.replicaManager;
    rm.metrics = this.metrics;
    const active = (): boolean => this.controller?.isActive ?? false;
    this.metrics.registerGauges({
      underReplicatedPartitions: () => rm.leaderPartitions().filter((p) => p.isUnderReplicated).length,
      underMinIsrPartitionCount: () => rm.leaderPartitions().filter((p) => p.isUnderMinIsr).length,
      leaderCount: () => rm.leaderPartitions().length,
      partitionCount: () => rm.allPartitions().length,
      activeControllerCount: () => (active() ? 1 : 0),
      offlinePartitionsCount: () => (active() ? this.controller.offlinePartitionCount() : 0),
      globalTopicCount: () => (active() ? this.controller.context.allTopics.size : 0),
      globalPartitionCount: () => (active() ? this.controller.context.allPartitions().length : 0),
      numGroups: () => this.groupCoordinator?.handleListGroups([]).groups.length ?? 0,
      numIncrementalFetchSessions: () => this.fetchManager.cache.size,
      numIncrementalFetchPartitionsCached: () => this.fetchManager.cache.totalPartitions,
      purgatories: () => [rm.producePurgatory, rm.fetchPurgatory, rm.deleteRecordsPurgatory]
        .map((p) => ({ delayedOperation: p.purgatoryName, watched: p.watched(), numDelayed: p.numDelayed() })),
      memoryPoolAvailable: () => this.socketServer.memoryPool.availableMemory,
      memoryPoolUsed: () => this.socketServer.memoryPool.usedMemory,
      logs: () => this.logManager.currentLogs().map((l) => ({
        topic: l.topicPartition.topic,
        partition: l.topicPartition.partition,
        size: l.size(),
        logStartOffset: l.logStartOffset,
        logEndOffset: l.logEndOffset,
        numLogSegments: l.numberOfSegments,
      })),
    });
  }

  /** Kafka's TopicConfigHandler: the topic's logs take the new config; its throttled replicas go to the quota managers. */
  private onTopicConfigChange(topic: string, overrides: Record<string, string>): void {
    const cfg = this.topicConfigs.set(topic, overrides);
    for (const l of this.logManager.allLogs()) if (l.topicPartition.topic === topic) l.config = cfg;
    this.quotas.leader.updateThrottledList(topic, cfg['leader.replication.throttled.replicas'], this.brokerId);
    this.quotas.follower.updateThrottledList(topic, cfg['follower.replication.throttled.replicas'], this.brokerId);
    this.log.info(`Topic ${topic} configuration changed: ${JSON.stringify(overrides)}`);
  }

  /**
   * Kafka's BrokerConfigHandler: /config/brokers/<default> or this broker's /config/brokers/<id>
   * changed. The dynamic configuration is rebuilt and the replication throttle rates re-read
   * (this broker's own value, else the cluster default).
   */
  private onBrokerConfigChange(entityName: string, props: Record<string, string>): void {
    if (entityName === DEFAULT_ENTITY) this.dynamicConfig.updateDefaultConfig(props);
    else if (entityName.trim() === String(this.brokerId)) this.dynamicConfig.updateBrokerConfig(this.brokerId, props);
    this.updateReplicationQuotas();
  }

  private updateReplicationQuotas(): void {
    this.quotas.leader.updateQuota(this.dynamicConfig.replicationThrottledRate('leader.replication.throttled.rate'));
    this.quotas.follower.updateQuota(this.dynamicConfig.replicationThrottledRate('follower.replication.throttled.rate'));
    this.quotas.alterLogDirs.updateQuota(this.dynamicConfig.replicationThrottledRate('replica.alter.log.dirs.io.max.bytes.per.second'));
  }

  /** Kafka's DynamicBrokerConfig.addReconfigurables: the components that follow dynamic broker configs. */
  private addReconfigurables(): void {
    this.dynamicConfig.addReconfigurable(dynamicLogConfig({
      setTopicDefaults: (defaults) => {
        this.topicConfigs.setDefaults(defaults);
        for (const l of this.logManager.allLogs()) l.config = this.topicConfigs.get(l.topicPartition.topic);
      },
      enableDefaultUncleanLeaderElection: () => this.controller.enableDefaultUncleanLeaderElection(),
    }));
    this.dynamicConfig.addReconfigurable(logCleanerReconfigurable(this.logManager));
    this.dynamicConfig.addReconfigurable(socketServerReconfigurable(this.socketServer));
    // SslFactory of each TLS listener: its key and trust stores (listener-prefixed, per broker);
    // the inter-broker listener's also for the broker's own outgoing connections.
    for (const l of this.socketServer.boundListeners) {
      const ssl = l.channel?.ssl;
      if (!ssl) continue;
      const clientSsl = l.name === this.config.interBrokerListenerName ? this.interBrokerSecurity?.ssl : null;
      this.dynamicConfig.addReconfigurable(listenerSslReconfigurable(l.name, clientSsl ? [ssl, clientSsl] : [ssl], () => this.socketServer.useNewSslContext(l.name)));
    }
  }

  /** The advertised endpoints as registered in ZooKeeper (bound ports for port 0; hostname for ''). */
  private advertisedEndpoints(): ZkEndPoint[] {
    const bound = this.socketServer.boundListeners;
    return this.config.advertisedListeners.map((l) => ({
      listenerName: l.listenerName,
      host: l.host === '' ? os.hostname() : l.host,
      port: l.port === 0 ? (bound.find((b) => b.name === l.listenerName)?.boundPort ?? 0) : l.port,
      securityProtocol: l.securityProtocol,
    }));
  }

  /**
   * Registers /brokers/ids/<id>. A registration left by this broker's previous, crashed process
   * lives until that session expires; rather than failing start-up as Kafka does, wait up to one
   * session timeout (+2 s) for it to go. A node still there after that belongs to a live broker
   * with the same id, and start-up fails.
   */
  private async registerBroker(): Promise<bigint> {
    const info: BrokerInfo = { id: this.brokerId, endpoints: this.advertisedEndpoints(), rack: this.config.rack, version: 5, jmxPort: -1, features: {} };
    const deadline = this.time.milliseconds() + this.config.zkSessionTimeoutMs + 2000;
    let epoch: bigint;
    for (;;) {
      try {
        epoch = await this.zkClient.registerBroker(info);
        break;
      } catch (err) {
        if (!(err instanceof NodeExistsError) || this.time.milliseconds() > deadline) {
          if (err instanceof NodeExistsError) throw new Error(`broker id ${this.brokerId} is registered by another live broker (/brokers/ids/${this.brokerId} exists)`);
          throw err;
        }
        this.log.info(`/brokers/ids/${this.brokerId} still exists (a previous session of this broker?); waiting for it to expire`);
        await this.time.sleep(500);
      }
    }
    this.log.info(`Registered broker ${this.brokerId} at path /brokers/ids/${this.brokerId} with addresses: ${info.endpoints.map((e) => `${e.listenerName}://${e.host}:${e.port}`).join(',')}, czxid (broker epoch): ${epoch}`);
    return epoch;
  }

  /** Kafka's UserConfigHandler: a user's SCRAM credentials follow /config/users/<user>. */
  private onUserConfigChange(sanitizedUser: string, config: Record<string, string>): void {
    for (const mechanism of this.credentialCache.updateFromUserEntity(sanitizedUser, config)) {
      this.log.error(`Invalid ${mechanism} credential of user ${sanitizedUser} in /config/users: the user cannot authenticate with ${mechanism}`);
    }
  }

  private brokerContext(): BrokerContext {
    // Accessors, not copies: the subsystems are created after the context.
    const server = this;
    return {
      get brokerId() { return server.brokerId; },
      get clusterId() { return server.clusterId; },
      get config() { return server.dynamicConfig?.currentConfig ?? server.config; },
      get dynamicConfig() { return server.dynamicConfig; },
      interBrokerSecurity: this.interBrokerSecurity,
      get metadataCache() { return server.metadataCache; },
      get replicaManager() { return server.replicaManager; },
      fetchManager: this.fetchManager,
      get logManager() { return server.logManager; },
      get controller() { return server.controller; },
      get adminManager() { return server.adminManager; },
      get groupCoordinator() { return server.groupCoordinator; },
      get transactionCoordinator() { return server.transactionCoordinator; },
      get zkClient() { return server.zkClient; },
      get topicConfigs() { return server.topicConfigs; },
      get metrics() { return server.metrics; },
      get authorizer() { return server.authorizer; },
      get controllerRequestVerifier() { return server.controllerRequestVerifier; },
      get requestMetrics() { return server.metrics?.requestMetrics; },
      brokerEpoch: () => this.brokerEpoch,
      supportedApis: () => this.apis.supportedApis(),
    };
  }

  async shutdown(): Promise<void> {
    if (this.state === 'NOT_RUNNING' || this.state === 'SHUTTING_DOWN') return;
    const wasRunning = this.state === 'RUNNING';
    this.log.info(`[KafkaServer id=${this.brokerId}] shutting down`);
    const { enable: controlledShutdownEnable, ...controlledShutdownConfig } = controlledShutdownConfigFrom(this.config);
    if (wasRunning && controlledShutdownEnable) {
      this.state = 'PENDING_CONTROLLED_SHUTDOWN';
      await controlledShutdown(this.metadataCache, {
        ...controlledShutdownConfig,
        brokerId: this.brokerId,
        brokerEpoch: this.brokerEpoch,
        interBrokerListener: this.config.interBrokerListenerName,
        security: this.interBrokerSecurity,
      }, this.time);
    }
    this.state = 'SHUTTING_DOWN';
    // A step that waits on ZooKeeper or another broker is given up after
    // zookeeper.connection.timeout.ms; only the log manager's (local disk: flushes, checkpoints,
    // the clean-shutdown marker) always runs to its end.
    const boundMs = this.config.zkConnectionTimeoutMs;
    const step = async (name: string, fn: () => Promise<void> | void, bounded = true): Promise<void> => {
      await runShutdownStep(name, fn, { time: this.time, log: this.log, boundMs: bounded ? boundMs : null });
    };
    await step('socket server', () => this.socketServer?.shutdown());
    await step('config manager', () => this.configManager?.shutdown());
    await step('transaction coordinator', () => this.transactionCoordinator?.shutdown());
    await step('group coordinator', () => this.groupCoordinator?.shutdown());
    await step('admin manager', () => this.adminManager?.shutdown());
    await step('controller', () => this.controller?.shutdown());
    await step('replica manager', () => this.replicaManager?.shutdown());
    await step('alter partition manager', () => this.alterPartitionManager?.close());
    await step('log manager', () => this.logManager?.shutdown(), false);
    await step('scheduler', () => this.scheduler.shutdown());
    await step('authorizer', () => this.authorizer?.close());
    await step('zookeeper client', () => this.zkClient?.close());
    await step('metrics', () => this.metrics?.stop());
    this.state = 'NOT_RUNNING';
    this.log.info(`[KafkaServer id=${this.brokerId}] shut down completed`);
  }
}
