/**
 * Kafka's ZkAdminManager (kafka/server/ZkAdminManager.scala) with the ZooKeeper-mode parts of
 * AutoTopicCreationManager: CreateTopics, DeleteTopics and CreatePartitions write ZooKeeper through
 * AdminZkClient and then wait (DelayedCreatePartitions / DelayedDeleteTopics in the "topic"
 * purgatory) until this broker's metadata cache reflects the change; DescribeConfigs,
 * AlterConfigs and IncrementalAlterConfigs read and write /config/<type>/<name> plus a
 * /config/changes notification. See ../shared/kafka-protocol/ZOOKEEPER.md §4.5, §4.9, §4.10.
 *
 * Dynamic broker configs (KIP-226): AlterConfigs / IncrementalAlterConfigs on a BROKER resource
 * ("" = the cluster default, else this broker's id) are checked by DynamicBrokerConfig (Kafka's
 * rules and messages) and written to /config/brokers/…; BROKER_LOGGER changes logger levels at
 * runtime (RuntimeLoggerManager).
 */
import { Errors, ApiError, InvalidConfigError, InvalidPartitionsError, InvalidReplicaAssignmentError, InvalidRequestError, ReassignmentInProgressError, TopicAlreadyExistsError, UnknownTopicOrPartitionError } from '../protocol/errors.js';
import { ZERO_UUID } from '../protocol/reader.js';
import { DelayedOperationPurgatory } from '../common/delayed-operation-purgatory.js';
import { topicKey, type DelayedOperation } from '../common/delayed-operation.js';
import type { MetadataCache } from './metadata-cache.js';
import type { KafkaConfig } from '../config/kafka-config.js';
import type { TopicConfigValues } from '../config/log-config.js';
import { LogConfig } from '../config/log-config.js';
import { BROKER_CONFIG_DEF } from '../config/broker-configs.js';
import { TOPIC_CONFIG_DEF } from '../config/topic-configs.js';
import { describeTopicConfigs } from '../config/describe.js';
import type { KafkaZkClient } from '../zk/kafka-zk-client.js';
import { ConfigType } from '../zk/config-znodes.js';
import { assignReplicasToBrokers } from '../controller/replica-assignment.js';
import type { Time } from '../common/time.js';
import { logger } from '../utils/logger.js';
import { RateLimitedLog } from '../common/rate-limited-log.js';
import { AdminZkClient, TopicAlreadyMarkedForDeletionError } from './admin/admin-zk-client.js';
import { DelayedCreatePartitions, DelayedDeleteTopics, type TopicOperationError, type TopicOperationMetadata } from './admin/delayed-topic-operations.js';
import { ConfigHelper, ConfigResourceType, resourceNameToBrokerId, type DescribeConfigsResourceInput, type DescribeConfigsResultOutput } from './admin/config-helper.js';
import { duplicateResources, prepareIncrementalConfigs, resourceKey, validateAlterConfigOps, type AlterConfigOp } from './admin/config-admin-manager.js';
import { RuntimeLoggerManager } from './admin/runtime-logger-manager.js';
import { DEFAULT_ENTITY, type DynamicBrokerConfig } from './dynamic-broker-config.js';
import { isPasswordConfig, validateDynamicBrokerConfigs } from '../config/dynamic-config.js';
import { ConfigError } from '../config/config-def.js';
import { offsetConfigFrom } from '../config/group-coordinator-config.js';
import { transactionLogConfigFrom } from '../config/transaction-config.js';
import { GROUP_METADATA_TOPIC_NAME, TRANSACTION_STATE_TOPIC_NAME, isValidTopicName } from '../common/topic.js';

export { ConfigResourceType } from './admin/config-helper.js';
export { AlterConfigOpType } from './admin/config-admin-manager.js';
export type { TopicOperationError } from './admin/delayed-topic-operations.js';

/** Kafka's ConfigResource.Type name of a resource type id, as its messages print it. */
function resourceTypeName(type: number): string {
  return Object.entries(ConfigResourceType).find(([, id]) => id === type)?.[0] ?? String(type);
}

/** What ZkAdminManager needs from the broker (a BrokerContext satisfies it). */
export interface ZkAdminManagerDeps {
  readonly brokerId: number;
  /** The broker's current configuration (static and dynamic). */
  readonly config: KafkaConfig;
  readonly metadataCache: MetadataCache;
  readonly zkClient: KafkaZkClient;
  /** The broker's DynamicBrokerConfig; without one, broker configs are checked by their keys and values only. */
  readonly dynamicConfig?: DynamicBrokerConfig;
}

export interface ZkAdminManagerOptions {
  time?: Time;
  /**
   * Not Kafka: cap the replication factor of __consumer_offsets / __transaction_state at the number
   * of live brokers (with a warning) instead of failing with INVALID_REPLICATION_FACTOR, which is
   * what Kafka has done since 0.11 (KIP-115). Default false.
   */
  capInternalTopicReplicationFactor?: boolean;
}

/** A CreateTopics topic (the request's CreatableTopic). */
export interface CreatableTopicInput {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: ReadonlyArray<{ partitionIndex: number; brokerIds: readonly number[] }>;
  configs: ReadonlyArray<{ name: string; value: string | null }>;
}

/** A CreateTopics result (the response's CreatableTopicResult). */
export interface CreateTopicResult {
  errorCode: number;
  errorMessage: string | null;
  topicId: string;
  numPartitions: number;
  replicationFactor: number;
  configs: Array<{ name: string; value: string | null; readOnly: boolean; configSource: number; isSensitive: boolean }>;
}

/** A CreatePartitions topic (the request's CreatePartitionsTopic). */
export interface CreatePartitionsTopicInput {
  name: string;
  count: number;
  assignments: ReadonlyArray<{ brokerIds: readonly number[] }> | null;
}

export interface AlterConfigsResourceInput {
  resourceType: number;
  resourceName: string;
  configs: ReadonlyArray<{ name: string; value: string | null }>;
}

export interface IncrementalAlterConfigsResourceInput {
  resourceType: number;
  resourceName: string;
  configs: readonly AlterConfigOp[];
}

export interface AlterConfigsResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

/** CreateTopics.NO_NUM_PARTITIONS / NO_REPLICATION_FACTOR. */
const NO_NUM_PARTITIONS = -1;
const NO_REPLICATION_FACTOR = -1;
/** Not Kafka: refuse to compute assignments this large (a hostile request must not allocate without bound). */
export const MAX_PARTITIONS_PER_TOPIC_REQUEST = 100_000;

const errorOf = (err: unknown): { errorCode: number; errorMessage: string | null } =>
  err instanceof ApiError ? { errorCode: err.code, errorMessage: err.message } : { errorCode: Errors.UNKNOWN_SERVER_ERROR.code, errorMessage: String((err as Error)?.message ?? err) };

export class ZkAdminManager {
  private readonly log = logger('kafka.server.ZkAdminManager');
  /** Lines a client's bad request writes: rate-limited, so a stream of such requests cannot flood the log. */
  private readonly requestLog = new RateLimitedLog(this.log);
  readonly adminZkClient: AdminZkClient;
  readonly configHelper: ConfigHelper;
  private readonly runtimeLoggerManager: RuntimeLoggerManager;
  private readonly topicPurgatory: DelayedOperationPurgatory<DelayedOperation>;
  private readonly pending = new Set<DelayedOperation>();
  private readonly inflightTopics = new Set<string>();
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: ZkAdminManagerDeps, private readonly options: ZkAdminManagerOptions = {}) {
    this.adminZkClient = new AdminZkClient(deps.zkClient);
    this.configHelper = new ConfigHelper(deps.brokerId, deps, deps.metadataCache, this.adminZkClient);
    this.runtimeLoggerManager = new RuntimeLoggerManager(deps.brokerId);
    this.topicPurgatory = new DelayedOperationPurgatory('topic', { time: options.time, brokerId: deps.brokerId });
    this.unsubscribe = deps.metadataCache.onUpdate((topics) => {
      for (const t of topics) this.tryCompleteDelayedTopicOperations(t);
    });
  }

  private get config(): KafkaConfig {
    return this.deps.config;
  }

  private get metadataCache(): MetadataCache {
    return this.deps.metadataCache;
  }

  private topicDefaults(): TopicConfigValues {
    return this.config.logConfig().toRecord();
  }

  /** Kafka's hasDelayedTopicOperations. */
  get hasDelayedTopicOperations(): boolean {
    return this.pending.size > 0;
  }

  /** Kafka's tryCompleteDelayedTopicOperations (called for every topic an UpdateMetadata touched). */
  tryCompleteDelayedTopicOperations(topic: string): void {
    this.topicPurgatory.checkAndComplete(topicKey(topic));
  }

  /** Answers every waiting operation (REQUEST_TIMED_OUT where still incomplete) and stops the purgatory. */
  shutdown(): void {
    this.unsubscribe();
    for (const op of [...this.pending]) op.forceComplete();
    this.topicPurgatory.shutdown();
  }

  private waitFor(op: DelayedOperation, topics: readonly string[]): void {
    this.pending.add(op);
    this.topicPurgatory.tryCompleteElseWatch(op, topics.map(topicKey));
  }

  // ---- CreateTopics -------------------------------------------------------------------------------

  /**
   * ZkAdminManager.createTopics: per topic, validate, compute or take the assignment, write
   * /config/topics/<t> then /brokers/topics/<t> (unless validateOnly), then wait up to `timeoutMs`
   * for leaders. timeout <= 0 answers at once (REQUEST_TIMED_OUT for topics that were written).
   * With `includeConfigsAndMetadata` (CreateTopics v5+) results carry the partition count,
   * replication factor and resulting configs. Failed topics come back with configs [] and -1 counts.
   */
  async createTopics(timeoutMs: number, validateOnly: boolean, toCreate: readonly CreatableTopicInput[],
    includeConfigsAndMetadata = true): Promise<Map<string, CreateTopicResult>> {
    const brokers = this.metadataCache.getAliveBrokers().map((b) => ({ id: b.id, rack: b.rack }));
    const defaults = this.topicDefaults();
    const results = new Map<string, CreateTopicResult>();
    const metadata: TopicOperationMetadata[] = [];
    for (const topic of toCreate) {
      const result: CreateTopicResult = { errorCode: Errors.NONE.code, errorMessage: null, topicId: ZERO_UUID, numPartitions: -1, replicationFactor: -1, configs: [] };
      results.set(topic.name, result);
      try {
        if (this.metadataCache.contains(topic.name)) throw new TopicAlreadyExistsError(`Topic '${topic.name}' already exists.`);
        const nullConfigs = topic.configs.filter((c) => c.value === null).map((c) => c.name);
        if (nullConfigs.length > 0) throw new InvalidConfigError(`Null value not supported for topic configs: ${nullConfigs.join(',')}`);
        if ((topic.numPartitions !== NO_NUM_PARTITIONS || topic.replicationFactor !== NO_REPLICATION_FACTOR) && topic.assignments.length > 0) {
          throw new InvalidRequestError('Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
        }
        const numPartitions = topic.numPartitions === NO_NUM_PARTITIONS ? this.config.numPartitions : topic.numPartitions;
        const replicationFactor = topic.replicationFactor === NO_REPLICATION_FACTOR ? this.config.defaultReplicationFactor : topic.replicationFactor;
        let assignment: Map<number, number[]>;
        if (topic.assignments.length === 0) {
          if (numPartitions > MAX_PARTITIONS_PER_TOPIC_REQUEST) {
            throw new InvalidPartitionsError(`Number of partitions ${numPartitions} exceeds the limit of ${MAX_PARTITIONS_PER_TOPIC_REQUEST} per request.`);
          }
          assignment = assignReplicasToBrokers(brokers, numPartitions, replicationFactor);
        } else {
          assignment = new Map(topic.assignments.map((a) => [a.partitionIndex, [...a.brokerIds]]));
        }
        const configs: Record<string, string> = {};
        for (const c of topic.configs) configs[c.name] = c.value as string;
        await this.adminZkClient.validateTopicCreate(topic.name, assignment, configs, defaults);
        if (includeConfigsAndMetadata) {
          const logConfig = LogConfig.fromProps(defaults, configs);
          result.configs = describeTopicConfigs(logConfig, this.config).map((e) => ({
            name: e.name, value: e.value, readOnly: e.readOnly, configSource: e.source, isSensitive: e.isSensitive,
          }));
          result.numPartitions = assignment.size;
          result.replicationFactor = assignment.get(0)?.length ?? -1;
        }
        if (!validateOnly) result.topicId = await this.adminZkClient.createTopicWithAssignment(topic.name, configs, assignment);
        metadata.push({ topic: topic.name, partitions: [...assignment.keys()], errorCode: Errors.NONE.code, errorMessage: null });
      } catch (err) {
        if (err instanceof TopicAlreadyExistsError) this.requestLog.debug('create-topic-exists', {}, `Topic creation failed since topic '${topic.name}' already exists.`);
        else if (err instanceof ApiError) this.requestLog.info('create-topic-error', { err }, `Error processing create topic request ${topic.name}`);
        else this.requestLog.error('create-topic-failure', { err }, `Error processing create topic request ${topic.name}`);
        metadata.push({ topic: topic.name, partitions: [], ...errorOf(err) });
      }
    }
    const outcome = await this.complete(timeoutMs, validateOnly, metadata,
      (resolve) => new DelayedCreatePartitions(timeoutMs, metadata, this.metadataCache, resolve));
    for (const [topic, error] of outcome) {
      const r = results.get(topic);
      if (r === undefined) continue;
      r.errorCode = error.errorCode;
      r.errorMessage = error.errorMessage;
      if (error.errorCode !== Errors.NONE.code) {
        r.configs = [];
        r.numPartitions = -1;
        r.replicationFactor = -1;
      }
    }
    return results;
  }

  /** Step 2/3 shared by create/delete/add-partitions: answer now, or wait in the purgatory. */
  private async complete(timeoutMs: number, validateOnly: boolean, metadata: readonly TopicOperationMetadata[],
    delayed: (resolve: (r: Map<string, TopicOperationError>) => void) => DelayedOperation): Promise<Map<string, TopicOperationError>> {
    if (timeoutMs <= 0 || validateOnly || !metadata.some((m) => m.errorCode === Errors.NONE.code)) {
      return new Map(metadata.map((m) => [m.topic, m.errorCode === Errors.NONE.code && !validateOnly
        ? { errorCode: Errors.REQUEST_TIMED_OUT.code, errorMessage: null }
        : { errorCode: m.errorCode, errorMessage: m.errorMessage }]));
    }
    return new Promise((resolve) => {
      const op = delayed((r) => {
        this.pending.delete(op);
        resolve(r);
      });
      this.waitFor(op, metadata.map((m) => m.topic));
    });
  }

  // ---- auto-creation (AutoTopicCreationManager, ZooKeeper path) -----------------------------------

  /** The CreatableTopic auto-creation uses for a name (AutoTopicCreationManager.creatableTopic). */
  private creatableTopic(name: string): CreatableTopicInput {
    const cfg = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => ({ name: k, value: v }));
    if (name === GROUP_METADATA_TOPIC_NAME) {
      const o = offsetConfigFrom(this.config);
      return {
        name, numPartitions: o.offsetsTopicNumPartitions, replicationFactor: o.offsetsTopicReplicationFactor, assignments: [],
        configs: cfg({ 'cleanup.policy': 'compact', 'segment.bytes': String(o.offsetsTopicSegmentBytes), 'compression.type': 'producer' }),
      };
    }
    if (name === TRANSACTION_STATE_TOPIC_NAME) {
      const t = transactionLogConfigFrom(this.config);
      return {
        name, numPartitions: t.numPartitions, replicationFactor: t.replicationFactor, assignments: [],
        configs: cfg({
          'unclean.leader.election.enable': 'false',
          'compression.type': 'uncompressed',
          'cleanup.policy': 'compact',
          'min.insync.replicas': String(t.minInsyncReplicas),
          'segment.bytes': String(t.segmentBytes),
        }),
      };
    }
    return { name, numPartitions: this.config.numPartitions, replicationFactor: this.config.defaultReplicationFactor, assignments: [], configs: [] };
  }

  /**
   * Auto-creation for Metadata (auto.create.topics.enable) and FindCoordinator: writes the topics
   * straight to ZooKeeper with timeout 0 on whichever broker got the request. Per topic:
   * LEADER_NOT_AVAILABLE when it was created (or already existed), INVALID_TOPIC_EXCEPTION for an
   * illegal name, INVALID_REPLICATION_FACTOR when fewer brokers are alive than the replication
   * factor (Kafka does not cap it), UNKNOWN_TOPIC_OR_PARTITION while another creation of the same
   * topic is in flight on this broker, or the creation error.
   */
  async autoCreateTopics(names: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const alive = this.metadataCache.getAliveBrokers().length;
    const creatable: CreatableTopicInput[] = [];
    for (const name of new Set(names)) {
      if (!isValidTopicName(name)) {
        out.set(name, Errors.INVALID_TOPIC_EXCEPTION.code);
        continue;
      }
      const topic = this.creatableTopic(name);
      if (alive < topic.replicationFactor) {
        const internal = name === GROUP_METADATA_TOPIC_NAME || name === TRANSACTION_STATE_TOPIC_NAME;
        if (internal && this.options.capInternalTopicReplicationFactor === true && alive > 0) {
          this.requestLog.warn('replication-factor-reduced', {}, `Number of alive brokers '${alive}' is below the replication factor '${topic.replicationFactor}' of ${name}; creating it with replication factor ${alive}.`);
          topic.replicationFactor = alive;
        } else {
          this.requestLog.error('replication-factor-unmet', {}, `Number of alive brokers '${alive}' does not meet the required replication factor '${topic.replicationFactor}' for topic ${name}. This error can be ignored if the cluster is starting up and not all brokers are up yet.`);
          out.set(name, Errors.INVALID_REPLICATION_FACTOR.code);
          continue;
        }
      }
      if (this.inflightTopics.has(name)) {
        out.set(name, Errors.UNKNOWN_TOPIC_OR_PARTITION.code);
        continue;
      }
      this.inflightTopics.add(name);
      creatable.push(topic);
    }
    if (creatable.length === 0) return out;
    try {
      const results = await this.createTopics(0, false, creatable, false);
      for (const [name, r] of results) {
        const timedOut = r.errorCode === Errors.REQUEST_TIMED_OUT.code;
        const exists = r.errorCode === Errors.TOPIC_ALREADY_EXISTS.code;
        out.set(name, timedOut || exists ? Errors.LEADER_NOT_AVAILABLE.code : r.errorCode);
      }
    } finally {
      for (const t of creatable) this.inflightTopics.delete(t.name);
    }
    return out;
  }

  /**
   * For FindCoordinator (KafkaApis.getOrCreateInternalTopic): Errors.NONE.code when `name` is already in the
   * metadata cache, else auto-creates it and returns the per-topic code of autoCreateTopics
   * (LEADER_NOT_AVAILABLE while it is being created). Races with other brokers are harmless
   * (NODEEXISTS reads as "being created").
   */
  async createInternalTopicIfMissing(name: string): Promise<number> {
    if (this.metadataCache.contains(name)) return Errors.NONE.code;
    return (await this.autoCreateTopics([name])).get(name) ?? Errors.LEADER_NOT_AVAILABLE.code;
  }

  // ---- DeleteTopics -------------------------------------------------------------------------------

  /**
   * ZkAdminManager.deleteTopics: creates /admin/delete_topics/<t> for each topic (an existing
   * marker is fine), then waits up to `timeoutMs` until the topics left the metadata cache.
   * The caller (the DeleteTopics handler) has already answered unknown topics and
   * delete.topic.enable=false. Internal topics may be deleted, as in Kafka's ZooKeeper mode.
   */
  async deleteTopics(timeoutMs: number, topics: readonly string[]): Promise<Map<string, TopicOperationError>> {
    const metadata: TopicOperationMetadata[] = [];
    for (const topic of new Set(topics)) {
      try {
        await this.adminZkClient.deleteTopic(topic);
        metadata.push({ topic, partitions: [], errorCode: Errors.NONE.code, errorMessage: null });
      } catch (err) {
        if (err instanceof TopicAlreadyMarkedForDeletionError) {
          metadata.push({ topic, partitions: [], errorCode: Errors.NONE.code, errorMessage: null });
          continue;
        }
        if (!(err instanceof ApiError)) this.requestLog.error('delete-topic-failure', { err }, `Error processing delete topic request for topic ${topic}`);
        metadata.push({ topic, partitions: [], ...errorOf(err) });
      }
    }
    return this.complete(timeoutMs, false, metadata, (resolve) => new DelayedDeleteTopics(timeoutMs, metadata, this.metadataCache, resolve));
  }

  // ---- CreatePartitions ---------------------------------------------------------------------------

  /**
   * ZkAdminManager.createPartitions: brokers from /brokers/ids; per topic the existing assignment
   * (REASSIGNMENT_IN_PROGRESS while any partition is being reassigned), INVALID_PARTITIONS unless
   * the count grows, explicit assignments checked (known brokers, one per new partition, the
   * replication factor of partition 0), then /brokers/topics/<t> rewritten with the same topic id.
   * Waits for leaders like createTopics.
   */
  async createPartitions(timeoutMs: number, newPartitions: readonly CreatePartitionsTopicInput[],
    validateOnly: boolean): Promise<Map<string, TopicOperationError>> {
    const allBrokers = await this.adminZkClient.getBrokerMetadatas();
    const allBrokerIds = new Set(allBrokers.map((b) => b.id));
    const metadata: TopicOperationMetadata[] = [];
    for (const np of newPartitions) {
      const topic = np.name;
      try {
        // An illegal name cannot be a topic (and is no ZooKeeper path to read).
        if (!isValidTopicName(topic)) throw new UnknownTopicOrPartitionError(`The topic '${topic}' does not exist.`);
        const [current] = await this.deps.zkClient.getReplicaAssignmentAndTopicIdForTopics([topic]);
        const existing = current?.assignment ?? new Map();
        for (const a of existing.values()) {
          if (a.addingReplicas.length > 0 || a.removingReplicas.length > 0) {
            throw new ReassignmentInProgressError(`A partition reassignment is in progress for the topic '${topic}'.`);
          }
        }
        if (existing.size === 0) throw new UnknownTopicOrPartitionError(`The topic '${topic}' does not exist.`);
        const increment = np.count - existing.size;
        if (increment < 0) throw new InvalidPartitionsError(`Topic currently has ${existing.size} partitions, which is higher than the requested ${np.count}.`);
        if (increment === 0) throw new InvalidPartitionsError(`Topic already has ${existing.size} partitions.`);
        if (increment > MAX_PARTITIONS_PER_TOPIC_REQUEST) {
          throw new InvalidPartitionsError(`Adding ${increment} partitions exceeds the limit of ${MAX_PARTITIONS_PER_TOPIC_REQUEST} per request.`);
        }
        let explicit: Map<number, number[]> | undefined;
        if (np.assignments !== null) {
          const unknown = [...new Set(np.assignments.flatMap((a) => a.brokerIds))].filter((b) => !allBrokerIds.has(b));
          if (unknown.length > 0) throw new InvalidReplicaAssignmentError(`Unknown broker(s) in replica assignment: ${unknown.join(', ')}.`);
          if (np.assignments.length !== increment) {
            throw new InvalidReplicaAssignmentError(`Increasing the number of partitions by ${increment} but ${np.assignments.length} assignments provided.`);
          }
          explicit = new Map(np.assignments.map((a, i) => [existing.size + i, [...a.brokerIds]]));
        }
        const added = this.adminZkClient.createNewPartitionsAssignment(topic, existing, allBrokers, np.count, explicit);
        if (!validateOnly) await this.adminZkClient.createPartitionsWithAssignment(topic, existing, added);
        metadata.push({ topic, partitions: [...existing.keys(), ...added.keys()], errorCode: Errors.NONE.code, errorMessage: null });
      } catch (err) {
        if (!(err instanceof ApiError)) this.requestLog.error('create-partitions-failure', { err }, `Error processing create partitions request for topic ${topic}`);
        metadata.push({ topic, partitions: [], ...errorOf(err) });
      }
    }
    return this.complete(timeoutMs, validateOnly, metadata, (resolve) => new DelayedCreatePartitions(timeoutMs, metadata, this.metadataCache, resolve));
  }

  // ---- configs ------------------------------------------------------------------------------------

  /** ConfigHelper.describeConfigs for TOPIC, BROKER and BROKER_LOGGER resources. */
  async describeConfigs(resources: readonly DescribeConfigsResourceInput[], includeSynonyms: boolean,
    includeDocumentation: boolean): Promise<DescribeConfigsResultOutput[]> {
    return this.configHelper.describeConfigs(resources, includeSynonyms, includeDocumentation);
  }

  /** ZkAdminManager.alterConfigs: replaces a topic's whole override set (legacy AlterConfigs). */
  async alterConfigs(resources: readonly AlterConfigsResourceInput[], validateOnly: boolean): Promise<AlterConfigsResult[]> {
    const dupes = duplicateResources(resources);
    const out: AlterConfigsResult[] = [];
    for (const resource of resources) {
      const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
      try {
        if (dupes.has(resourceKey(resource))) throw new InvalidRequestError('Each resource must appear at most once.');
        const nulls = resource.configs.filter((c) => c.value === null).map((c) => c.name);
        if (nulls.length > 0) throw new InvalidRequestError(`Null value not supported for : ${nulls.join(',')}`);
        const props: Record<string, string> = {};
        for (const c of resource.configs) props[c.name] = c.value as string;
        await this.alterResource(resource.resourceType, resource.resourceName, props, validateOnly);
        out.push({ ...base, errorCode: Errors.NONE.code, errorMessage: null });
      } catch (err) {
        out.push({ ...base, ...this.alterError(err, resource.resourceName) });
      }
    }
    return out;
  }

  /** ZkAdminManager.incrementalAlterConfigs: SET / DELETE / APPEND / SUBTRACT per key on the stored overrides. */
  async incrementalAlterConfigs(resources: readonly IncrementalAlterConfigsResourceInput[], validateOnly: boolean): Promise<AlterConfigsResult[]> {
    const dupes = duplicateResources(resources);
    const out: AlterConfigsResult[] = [];
    for (const resource of resources) {
      const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
      try {
        if (dupes.has(resourceKey(resource))) throw new InvalidRequestError('Each resource must appear at most once.');
        validateAlterConfigOps(resource.configs);
        let props: Record<string, string>;
        if (resource.resourceType === ConfigResourceType.TOPIC) {
          if (resource.resourceName === '') throw new InvalidRequestError('Default topic resources are not allowed.');
          props = await this.adminZkClient.fetchEntityConfig(ConfigType.Topic, resource.resourceName);
          prepareIncrementalConfigs(resource.configs, props, TOPIC_CONFIG_DEF);
        } else if (resource.resourceType === ConfigResourceType.BROKER) {
          const brokerId = this.brokerIdOf(resource.resourceName);
          props = await this.adminZkClient.fetchEntityConfig(ConfigType.Broker, brokerId === null ? DEFAULT_ENTITY : String(brokerId));
          prepareIncrementalConfigs(resource.configs, props, BROKER_CONFIG_DEF);
        } else if (resource.resourceType === ConfigResourceType.BROKER_LOGGER) {
          this.runtimeLoggerManager.applyChangesForResource(validateOnly, resource.resourceName, resource.configs);
          out.push({ ...base, errorCode: Errors.NONE.code, errorMessage: null });
          continue;
        } else {
          props = {};
        }
        await this.alterResource(resource.resourceType, resource.resourceName, props, validateOnly);
        out.push({ ...base, errorCode: Errors.NONE.code, errorMessage: null });
      } catch (err) {
        out.push({ ...base, ...this.alterError(err, resource.resourceName) });
      }
    }
    return out;
  }

  private alterError(err: unknown, resourceName: string): { errorCode: number; errorMessage: string | null } {
    if (err instanceof ApiError) this.requestLog.info('alter-configs-error', { err }, `Error processing alter configs request for resource ${resourceName}`);
    else this.requestLog.error('alter-configs-failure', { err }, `Error processing alter configs request for resource ${resourceName}`);
    return errorOf(err);
  }

  private async alterResource(resourceType: number, name: string, props: Record<string, string>, validateOnly: boolean): Promise<void> {
    switch (resourceType) {
      case ConfigResourceType.TOPIC:
        return this.alterTopicConfigs(name, props, validateOnly);
      case ConfigResourceType.BROKER:
        return this.alterBrokerConfigs(name, props, validateOnly);
      default:
        throw new InvalidRequestError(`AlterConfigs is only supported for topics and brokers, but resource type is ${resourceTypeName(resourceType)}`);
    }
  }

  /** ZkAdminManager.alterTopicConfigs. */
  private async alterTopicConfigs(topic: string, props: Record<string, string>, validateOnly: boolean): Promise<void> {
    if (topic === '') throw new InvalidRequestError('Default topic resources are not allowed.');
    if (!this.metadataCache.contains(topic)) throw new UnknownTopicOrPartitionError(`The topic '${topic}' does not exist.`);
    await this.adminZkClient.validateTopicConfig(topic, props, this.topicDefaults());
    if (validateOnly) return;
    this.log.info(`Updating topic ${topic} with new configuration : ${JSON.stringify(props)}`);
    await this.adminZkClient.changeTopicConfig(topic, props);
  }

  /** ZkAdminManager.getBrokerId: null for "" (cluster default); INVALID_REQUEST for another broker's id. */
  private brokerIdOf(resourceName: string): number | null {
    if (resourceName === '') return null;
    const id = resourceNameToBrokerId(resourceName);
    if (id !== this.deps.brokerId) throw new InvalidRequestError(`Unexpected broker id, expected ${this.deps.brokerId}, but received ${resourceName}`);
    return id;
  }

  /**
   * ZkAdminManager.alterBrokerConfigs (checked as ConfigAdminManager.validateBrokerConfigChange
   * does): `props` is the whole new set of this broker's (or, for "", the cluster default's)
   * dynamic configs; a refused key or value answers INVALID_REQUEST with Kafka's message, e.g.
   * `Cannot update these configs dynamically: Set(broker.id)`. Written to
   * /config/brokers/<id|<default>> with a change notification; every broker applies it from there.
   */
  private async alterBrokerConfigs(name: string, props: Record<string, string>, validateOnly: boolean): Promise<void> {
    const brokerId = this.brokerIdOf(name);
    const perBrokerConfig = brokerId !== null;
    try {
      if (this.deps.dynamicConfig) this.deps.dynamicConfig.validate(props, perBrokerConfig);
      else validateDynamicBrokerConfigs(props, perBrokerConfig);
    } catch (err) {
      if (err instanceof ConfigError) throw new InvalidRequestError(err.message);
      throw err;
    }
    // DynamicBrokerConfig.toPersistentProps: a password is stored only encrypted with password.encoder.secret.
    const passwords = Object.keys(props).filter(isPasswordConfig);
    if (passwords.length > 0) {
      const why = this.deps.config.passwordEncoderSecret === null ? 'Password encoder secret not configured'
        : `kafkats does not encrypt dynamic password configs with password.encoder.secret; set ${passwords.join(', ')} in server.properties`;
      throw new InvalidConfigError(`Invalid config value for resource ConfigResource(type=BROKER, name='${name}'): ${why}`);
    }
    if (validateOnly) return;
    if (perBrokerConfig) {
      try {
        this.deps.dynamicConfig?.reloadUpdatedFilesWithoutConfigChange(props);
      } catch (err) {
        if (err instanceof ConfigError) throw new InvalidConfigError(`Invalid config value for resource ConfigResource(type=BROKER, name='${name}'): ${err.message}`);
        throw err;
      }
    }
    this.log.info(perBrokerConfig ? `Updating broker ${brokerId} with new configuration : ${JSON.stringify(props)}` : `Updating brokers with new configuration : ${JSON.stringify(props)}`);
    await this.adminZkClient.changeEntityConfig(ConfigType.Broker, brokerId === null ? DEFAULT_ENTITY : String(brokerId), props);
  }
}
