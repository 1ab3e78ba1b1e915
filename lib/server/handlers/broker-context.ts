/**
 * What a request handler can reach: the broker's subsystems, injected (handlers hold no state).
 * KafkaServer builds one BrokerContext at start-up; tests may build one from real subsystems.
 */
import type { ClientChannelSecurity } from '../../network/network-client.js';
import type { MetadataCache } from '../metadata-cache.js';
import type { ReplicaManager } from '../../replication/replica-manager.js';
import type { FetchManager } from '../fetch-session.js';
import type { KafkaController } from '../../controller/kafka-controller.js';
import type { ZkAdminManager } from '../zk-admin-manager.js';
import type { GroupCoordinator } from '../../coordinator/group/group-coordinator.js';
import type { TransactionCoordinator } from '../../coordinator/transaction/transaction-coordinator.js';
import type { KafkaConfig } from '../../config/kafka-config.js';
import type { KafkaZkClient } from '../../zk/kafka-zk-client.js';
import type { LogManager } from '../../log/log-manager.js';
import type { TopicConfigCache } from '../topic-config-cache.js';
import type { KafkaMetrics } from '../../metrics/kafka-metrics.js';
import type { Authorizer } from '../../security/auth/authorizer.js';
import type { ControllerRequestVerifier } from '../controller-request-verifier.js';
import type { DynamicBrokerConfig } from '../dynamic-broker-config.js';

export interface RequestMetrics {
  record(apiKey: number, latencyMs: number): void;
}

export interface BrokerContext {
  readonly brokerId: number;
  readonly clusterId: string;
  /** The broker's current configuration: static server.properties with the dynamic broker configs on top. */
  readonly config: KafkaConfig;
  /** Dynamic broker configs (KIP-226); absent in contexts built without a KafkaServer. */
  readonly dynamicConfig?: DynamicBrokerConfig;
  /** TLS/SASL of the inter-broker listener, client side (null for PLAINTEXT). */
  readonly interBrokerSecurity?: ClientChannelSecurity | null;
  readonly metadataCache: MetadataCache;
  readonly replicaManager: ReplicaManager;
  /** Incremental fetch sessions (KIP-227). */
  readonly fetchManager: FetchManager;
  readonly logManager: LogManager;
  /** This broker's controller component (active or not). */
  readonly controller: KafkaController;
  readonly adminManager: ZkAdminManager;
  readonly groupCoordinator: GroupCoordinator;
  /** The transaction coordinator (absent in contexts built without one: transactional APIs answer COORDINATOR_NOT_AVAILABLE). */
  readonly transactionCoordinator?: TransactionCoordinator;
  readonly zkClient: KafkaZkClient;
  /** Effective topic configs (broker defaults + /config/topics overrides). */
  readonly topicConfigs: TopicConfigCache;
  readonly requestMetrics?: RequestMetrics;
  /** Broker metrics (per-topic bytes, ISR changes …); absent in unit tests. */
  readonly metrics?: KafkaMetrics;
  /** The authorizer (authorizer.class.name); absent means every request is allowed. */
  readonly authorizer?: Authorizer;
  /** Refuses controller requests ZooKeeper says no controller sent (absent in unit tests). */
  readonly controllerRequestVerifier?: ControllerRequestVerifier;
  /** czxid of this broker's registration znode (KIP-380). */
  brokerEpoch(): bigint;
  /** (apiKey, minVersion, maxVersion) of every handler, for ApiVersions. */
  supportedApis(): Array<{ apiKey: number; minVersion: number; maxVersion: number }>;
}
