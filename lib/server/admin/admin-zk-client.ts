/**
 * The parts of Kafka's AdminZkClient (kafka/zk/AdminZkClient.scala) the broker's admin APIs use:
 * topic-creation validation and writes, deletion markers, new-partition assignment, and entity
 * config changes with their /config/changes notification. ZooKeeper paths and JSON come from
 * KafkaZkClient / ZkData (../shared/kafka-protocol/ZOOKEEPER.md §3, §4.5, §4.9, §4.10).
 */
import {
  InvalidPartitionsError,
  InvalidReplicaAssignmentError,
  InvalidTopicError,
  TopicAlreadyExistsError,
  UnknownTopicOrPartitionError,
} from '../../protocol/errors.js';
import { NodeExistsError } from '../../zk/keeper-errors.js';
import { ConfigType } from '../../zk/config-znodes.js';
import { randomUuid } from '../../zk/znode-json.js';
import type { ReplicaAssignment } from '../../zk/topic-znodes.js';
import type { KafkaZkClient } from '../../zk/kafka-zk-client.js';
import {
  assignReplicasToBrokers,
  validateReplicaAssignment,
  type BrokerMetadata,
} from '../../controller/replica-assignment.js';
import { validateTopicConfigs, type TopicConfigValues } from '../../config/log-config.js';
import { hasCollision, hasCollisionChars, validateTopicName } from '../../common/topic.js';
import { logger } from '../../utils/logger.js';

/** Thrown by deleteTopic when the marker already exists (Kafka's TopicAlreadyMarkedForDeletionException). */
export class TopicAlreadyMarkedForDeletionError extends Error {
  constructor(topic: string) {
    super(`topic ${topic} is already marked for deletion`);
    this.name = 'TopicAlreadyMarkedForDeletionError';
  }
}

export class AdminZkClient {
  private readonly log = logger('kafka.zk.AdminZkClient');

  constructor(readonly zkClient: KafkaZkClient) {}

  /**
   * AdminZkClient.validateTopicCreate: legal name, not marked for deletion, not existing, no
   * `.`/`_` collision with an existing topic, one replica count for all partitions, no duplicate
   * replicas, partitions numbered 0..N-1, valid topic configs. Unlike CreatePartitions, explicit
   * assignments are not checked against live brokers (as Kafka's TopicCommand logic).
   */
  async validateTopicCreate(topic: string, assignment: ReadonlyMap<number, readonly number[]>,
    configs: Readonly<Record<string, string>>, defaults: TopicConfigValues): Promise<void> {
    validateTopicName(topic);
    if (await this.zkClient.isTopicMarkedForDeletion(topic)) throw new TopicAlreadyExistsError(`Topic '${topic}' is marked for deletion.`);
    if (await this.zkClient.topicExists(topic)) throw new TopicAlreadyExistsError(`Topic '${topic}' already exists.`);
    if (hasCollisionChars(topic)) {
      const all = await this.zkClient.getAllTopicsInCluster();
      if (all.includes(topic)) throw new TopicAlreadyExistsError(`Topic '${topic}' already exists.`);
      const colliding = all.filter((t) => hasCollision(topic, t));
      if (colliding.length > 0) {
        throw new InvalidTopicError(`Topic '${topic}' collides with existing topics: ${colliding.join(', ')}`);
      }
    }
    const sizes = new Set([...assignment.values()].map((r) => r.length));
    if (sizes.size !== 1) throw new InvalidReplicaAssignmentError('All partitions should have the same number of replicas');
    if (sizes.has(0)) throw new InvalidReplicaAssignmentError('Replica lists must not be empty');
    for (const replicas of assignment.values()) {
      if (new Set(replicas).size !== replicas.length) {
        throw new InvalidReplicaAssignmentError(`Duplicate replica assignment found: ${describeAssignment(assignment)}`);
      }
    }
    const ids = [...assignment.keys()].sort((a, b) => a - b);
    if (ids.some((id, i) => id !== i)) throw new InvalidReplicaAssignmentError('partitions should be a consecutive 0-based integer sequence');
    validateTopicConfigs(configs, defaults);
  }

  /**
   * AdminZkClient.createTopicWithAssignment (validate = false): writes `/config/topics/<t>` (possibly
   * empty), then creates `/brokers/topics/<t>` with a new topic id. NODEEXISTS becomes
   * TOPIC_ALREADY_EXISTS. Returns the topic id.
   */
  async createTopicWithAssignment(topic: string, configs: Readonly<Record<string, string>>,
    assignment: ReadonlyMap<number, readonly number[]>): Promise<string> {
    this.log.info(`Creating topic ${topic} with configuration ${JSON.stringify(configs)} and initial partition assignment ${describeAssignment(assignment)}`);
    await this.zkClient.setOrCreateEntityConfigs(ConfigType.Topic, topic, { ...configs });
    const topicId = randomUuid();
    try {
      await this.zkClient.createTopicAssignment(topic, topicId, new Map([...assignment].map(([p, r]) => [p, [...r]])));
    } catch (err) {
      if (err instanceof NodeExistsError) throw new TopicAlreadyExistsError(`Topic '${topic}' already exists.`);
      throw err;
    }
    return topicId;
  }

  /**
   * AdminZkClient.deleteTopic: creates `/admin/delete_topics/<t>` for an existing topic.
   * UNKNOWN_TOPIC_OR_PARTITION when the topic does not exist; TopicAlreadyMarkedForDeletionError
   * when the marker is already there.
   */
  async deleteTopic(topic: string): Promise<void> {
    if (!(await this.zkClient.topicExists(topic))) throw new UnknownTopicOrPartitionError(`Topic \`${topic}\` to delete does not exist`);
    try {
      await this.zkClient.createDeleteTopicPath(topic);
    } catch (err) {
      if (err instanceof NodeExistsError) throw new TopicAlreadyMarkedForDeletionError(topic);
      throw err;
    }
  }

  /** AdminZkClient.getBrokerMetadatas: registered brokers (from /brokers/ids), sorted by id. */
  async getBrokerMetadatas(): Promise<BrokerMetadata[]> {
    return (await this.zkClient.getAllBrokersInCluster()).map((b) => ({ id: b.id, rack: b.rack ?? null }));
  }

  /**
   * AdminZkClient.createNewPartitionsAssignment: the assignment of partitions
   * [existing.size, numPartitions). An explicit assignment is validated (replication factor of
   * partition 0, known brokers, no duplicates); otherwise replicas are assigned from the broker
   * list with start index = index of the first broker whose id >= partition 0's first replica.
   */
  createNewPartitionsAssignment(topic: string, existing: ReadonlyMap<number, ReplicaAssignment>, allBrokers: readonly BrokerMetadata[],
    numPartitions: number, replicaAssignment?: ReadonlyMap<number, number[]>): Map<number, number[]> {
    const partition0 = existing.get(0)?.replicas;
    if (partition0 === undefined || partition0.length === 0) {
      throw new InvalidReplicaAssignmentError(`Unexpected existing replica assignment for topic '${topic}', partition id 0 is missing.`);
    }
    const partitionsToAdd = numPartitions - existing.size;
    if (partitionsToAdd <= 0) {
      throw new InvalidPartitionsError(`The number of partitions for a topic can only be increased. Topic ${topic} currently has ${existing.size} partitions, ${numPartitions} would not be an increase.`);
    }
    if (replicaAssignment !== undefined) {
      validateReplicaAssignment(new Map(replicaAssignment), new Set(allBrokers.map((b) => b.id)), existing.size);
      for (const [p, replicas] of replicaAssignment) {
        if (replicas.length !== partition0.length) {
          throw new InvalidReplicaAssignmentError(`Inconsistent replication factor between partitions, partition 0 has ${partition0.length} while partition ${p} has ${replicas.length} replicas.`);
        }
      }
      return new Map(replicaAssignment);
    }
    const first = partition0[0] as number;
    const startIndex = Math.max(0, allBrokers.findIndex((b) => b.id >= first));
    return assignReplicasToBrokers([...allBrokers], partitionsToAdd, partition0.length, { fixedStartIndex: startIndex, startPartitionId: existing.size });
  }

  /** AdminZkClient.createPartitionsWithAssignment: rewrites `/brokers/topics/<t>` keeping its topic id. */
  async createPartitionsWithAssignment(topic: string, existing: ReadonlyMap<number, ReplicaAssignment>,
    newAssignment: ReadonlyMap<number, number[]>): Promise<Map<number, ReplicaAssignment>> {
    this.log.info(`Creating ${newAssignment.size} partitions for '${topic}' with the following replica assignment: ${describeAssignment(newAssignment)}.`);
    const combined = new Map<number, ReplicaAssignment>(existing);
    for (const [p, replicas] of newAssignment) combined.set(p, { replicas, addingReplicas: [], removingReplicas: [] });
    const topicId = (await this.zkClient.getTopicIdsForTopics([topic])).get(topic) ?? null;
    await this.zkClient.setTopicAssignment(topic, topicId, combined);
    return combined;
  }

  /** AdminZkClient.fetchEntityConfig: `/config/<type>/<name>` ({} when absent). */
  async fetchEntityConfig(rootEntityType: string, sanitizedEntityName: string): Promise<Record<string, string>> {
    return this.zkClient.getEntityConfigs(rootEntityType, sanitizedEntityName);
  }

  /** AdminZkClient.validateTopicConfig: legal name, topic exists in ZooKeeper, valid overrides. */
  async validateTopicConfig(topic: string, configs: Readonly<Record<string, string>>, defaults: TopicConfigValues): Promise<void> {
    validateTopicName(topic);
    if (!(await this.zkClient.topicExists(topic))) throw new UnknownTopicOrPartitionError(`Topic '${topic}' does not exist.`);
    validateTopicConfigs(configs, defaults);
  }

  /** AdminZkClient.changeTopicConfig (after validateTopicConfig): writes the overrides and a change notification. */
  async changeTopicConfig(topic: string, configs: Readonly<Record<string, string>>): Promise<void> {
    await this.changeEntityConfig(ConfigType.Topic, topic, configs);
  }

  /**
   * AdminZkClient.changeEntityConfig: setOrCreate `/config/<type>/<name>`, then create
   * `/config/changes/config_change_<seq>` with entity_path `<type>/<name>`.
   */
  async changeEntityConfig(rootEntityType: string, sanitizedEntityName: string, configs: Readonly<Record<string, string>>): Promise<void> {
    await this.zkClient.setOrCreateEntityConfigs(rootEntityType, sanitizedEntityName, { ...configs });
    await this.zkClient.createConfigChangeNotification(`${rootEntityType}/${sanitizedEntityName}`);
  }
}

function describeAssignment(assignment: ReadonlyMap<number, readonly number[]>): string {
  return `{${[...assignment].map(([p, r]) => `${p}:[${r.join(',')}]`).join(', ')}}`;
}
