/**
 * KafkaZkClient: the typed ZooKeeper operations of a ZooKeeper-mode broker and controller,
 * mirroring kafka/zk/KafkaZkClient.scala (method names are Kafka's). Paths and JSON come from
 * ZkData (zk-data.ts); sessions, watches and retries from ZooKeeperClient.
 *
 * Controller fencing: every method taking `expectedControllerEpochZkVersion` sends its write as
 * `multi(check(/controller_epoch, expectedControllerEpochZkVersion), op)` unless the value is
 * ZkVersion.MatchAnyVersion (-1); a failed check throws ControllerMovedError
 * (KafkaZkClient.retryRequestsUntilConnected / wrapRequestWithControllerEpochCheck).
 *
 * Watches: register a ZNodeChangeHandler / ZNodeChildChangeHandler, then read the path; reads arm the
 * watch for registered handlers (Kafka's shouldWatch). Handlers survive session re-creation: their
 * watches are re-armed on the new session. Handlers should only enqueue controller events.
 */
import { BadVersionError, ControllerMovedError, KeeperError, NodeExistsError, NoNodeError } from './keeper-errors.js';
import { BrokerIdZNode, BrokerIdsZNode, BrokerSequenceIdZNode, type BrokerInfo } from './broker-znodes.js';
import { ClusterIdZNode } from './cluster-znodes.js';
import { ConfigEntityChangeNotificationSequenceZNode, ConfigEntityTypeZNode, ConfigEntityZNode, ConfigType } from './config-znodes.js';
import { ControllerEpochZNode, ControllerZNode } from './controller-znodes.js';
import { DeleteTopicsTopicZNode, DeleteTopicsZNode, PreferredReplicaElectionZNode, ReassignPartitionsZNode } from './admin-znodes.js';
import { IsrChangeNotificationSequenceZNode, IsrChangeNotificationZNode, LogDirEventNotificationSequenceZNode, LogDirEventNotificationZNode } from './notification-znodes.js';
import { PersistentZkPaths, ZkVersion } from './zk-data.js';
import { TopicPartitionStateZNode, TopicPartitionZNode, TopicPartitionsZNode, TopicZNode, TopicsZNode, type LeaderAndIsr, type LeaderIsrAndControllerEpoch, type ReplicaAssignment, type TopicIdReplicaAssignment } from './topic-znodes.js';
import type { TopicPartition } from '../common/topic-partition.js';
import {
  CreateMode,
  ZkOps,
  ZooKeeperClient,
  type Stat,
  type StateChangeHandler,
  type ZNodeChangeHandler,
  type ZNodeChildChangeHandler,
  type ZkOp,
  type ZkOpResult,
  type ZooKeeperClientConfig,
} from './zookeeper-client.js';

/** KafkaController.InitialControllerEpoch / InitialControllerEpochZkVersion. */
export const InitialControllerEpoch = 0;
export const InitialControllerEpochZkVersion = 0;

/** A live broker and its epoch (czxid of its registration znode). */
export interface BrokerAndEpoch {
  broker: BrokerInfo;
  epoch: bigint;
}

/** Kafka's UpdateLeaderAndIsrResult. */
export interface UpdateLeaderAndIsrResult {
  /** Written partitions with their new partitionEpoch (zkVersion), or the error that stopped them. */
  finishedPartitions: Map<TopicPartition, LeaderAndIsr | Error>;
  /** Partitions whose zkVersion was stale (BADVERSION): re-read and retry. */
  partitionsToRetry: TopicPartition[];
}

export class KafkaZkClient {
  constructor(readonly zooKeeperClient: ZooKeeperClient) {}

  /** Connects (creating the chroot, KafkaServer.initZkClient) and wraps the client. Kafka's KafkaZkClient.apply. */
  static async create(config: ZooKeeperClientConfig): Promise<KafkaZkClient> {
    return new KafkaZkClient(await ZooKeeperClient.connect(config));
  }

  /** Closes the session; this broker's ephemeral znodes disappear at once. */
  async close(): Promise<void> {
    await this.zooKeeperClient.close();
  }

  // ---- fencing helpers ------------------------------------------------------------------------------

  /** Runs ops as one multi, prefixed with the controller-epoch check unless MatchAnyVersion. */
  private async multiWithEpochCheck(ops: ZkOp[], expectedControllerEpochZkVersion: number): Promise<ZkOpResult[]> {
    if (expectedControllerEpochZkVersion === ZkVersion.MatchAnyVersion) return this.zooKeeperClient.multi(ops);
    try {
      const results = await this.zooKeeperClient.multi([ZkOps.check(ControllerEpochZNode.path, expectedControllerEpochZkVersion), ...ops]);
      return results.slice(1);
    } catch (err) {
      if (err instanceof KeeperError && err.opIndex === 0) {
        throw new ControllerMovedError(`Controller epoch zkVersion check fails. Expected zkVersion = ${expectedControllerEpochZkVersion}`);
      }
      if (err instanceof KeeperError && err.opIndex !== undefined) err.opIndex -= 1;
      throw err;
    }
  }

  /** One write, fenced when an epoch zkVersion is given; errors are the op's own typed errors. */
  private async fencedOp(op: ZkOp, expectedControllerEpochZkVersion: number): Promise<ZkOpResult> {
    if (expectedControllerEpochZkVersion === ZkVersion.MatchAnyVersion) {
      switch (op.type) {
        case 'create':
          return { type: 'create', path: await this.zooKeeperClient.create(op.path, op.data, op.mode) };
        case 'setData':
          return { type: 'setData', stat: await this.zooKeeperClient.setData(op.path, op.data, op.version) };
        case 'delete':
          await this.zooKeeperClient.delete(op.path, op.version);
          return { type: 'delete' };
        case 'check':
          return (await this.zooKeeperClient.multi([op]))[0] ?? { type: 'check' };
      }
    }
    const [r] = await this.multiWithEpochCheck([op], expectedControllerEpochZkVersion);
    return r ?? { type: 'check' };
  }

  // ---- generic ----------------------------------------------------------------------------------

  /** Kafka's getDataAndVersion: data and zkVersion, or (null, UnknownVersion = -2) when the znode is missing. */
  async getDataAndVersion(path: string): Promise<{ data: Buffer | null; zkVersion: number }> {
    const r = await this.getDataAndStat(path);
    return { data: r.data, zkVersion: r.stat?.version ?? ZkVersion.UnknownVersion };
  }

  /** Kafka's getDataAndStat: data and Stat, or nulls when the znode is missing. */
  async getDataAndStat(path: string): Promise<{ data: Buffer | null; stat: Stat | null }> {
    try {
      return await this.zooKeeperClient.getData(path);
    } catch (err) {
      if (err instanceof NoNodeError) return { data: null, stat: null };
      throw err;
    }
  }

  /**
   * Kafka's conditionalUpdatePath: setData expecting `expectVersion`; returns (succeeded, newVersion),
   * newVersion = -1 on BADVERSION or NONODE. Used for `/latest_producer_id_block` (ProducerIdManager).
   */
  async conditionalUpdatePath(path: string, data: Buffer, expectVersion: number, expectedControllerEpochZkVersion: number = ZkVersion.MatchAnyVersion): Promise<{ succeeded: boolean; newVersion: number }> {
    try {
      const r = await this.fencedOp(ZkOps.setData(path, data, expectVersion), expectedControllerEpochZkVersion);
      return { succeeded: true, newVersion: r.type === 'setData' ? r.stat.version : -1 };
    } catch (err) {
      if (err instanceof BadVersionError || err instanceof NoNodeError) return { succeeded: false, newVersion: -1 };
      throw err;
    }
  }

  /** Kafka's createSequentialPersistentPath: returns the created path (with its 10-digit suffix). */
  async createSequentialPersistentPath(path: string, data: Buffer | null = null): Promise<string> {
    return this.zooKeeperClient.create(path, data, CreateMode.PERSISTENT_SEQUENTIAL);
  }

  /** Kafka's createRecursive (parents created with null data). */
  async createRecursive(path: string, data: Buffer | null = null, throwIfPathExists = true): Promise<void> {
    await this.zooKeeperClient.createRecursive(path, data, throwIfPathExists);
  }

  /** Kafka's makeSurePersistentPathExists. */
  async makeSurePersistentPathExists(path: string): Promise<void> {
    await this.zooKeeperClient.makeSurePersistentPathExists(path);
  }

  /** Kafka's pathExists. */
  async pathExists(path: string): Promise<boolean> {
    return (await this.zooKeeperClient.exists(path)) !== null;
  }

  /** Kafka's deleteRecursive (children first); each delete fenced when an epoch zkVersion is given. Missing is fine. */
  async deleteRecursive(path: string, expectedControllerEpochZkVersion: number = ZkVersion.MatchAnyVersion): Promise<void> {
    let children: string[];
    try {
      children = await this.zooKeeperClient.getChildren(path);
    } catch (err) {
      if (err instanceof NoNodeError) return;
      throw err;
    }
    for (const c of children) await this.deleteRecursive(`${path}/${c}`, expectedControllerEpochZkVersion);
    try {
      await this.fencedOp(ZkOps.delete(path), expectedControllerEpochZkVersion);
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
    }
  }

  private async getChildrenOrEmpty(path: string, watch = true): Promise<string[]> {
    try {
      return await this.zooKeeperClient.getChildren(path, { watch });
    } catch (err) {
      if (err instanceof NoNodeError) return [];
      throw err;
    }
  }

  // ---- start-up ---------------------------------------------------------------------------------

  /** Kafka's createTopLevelPaths: every ZkData.PersistentZkPaths entry. */
  async createTopLevelPaths(): Promise<void> {
    for (const p of PersistentZkPaths) await this.makeSurePersistentPathExists(p);
  }

  /** Kafka's getClusterId: the id in `/cluster/id`, or null. */
  async getClusterId(): Promise<string | null> {
    const { data, stat } = await this.getDataAndStat(ClusterIdZNode.path);
    return stat === null ? null : ClusterIdZNode.fromJson(data);
  }

  /** Kafka's createOrGetClusterId: creates `/cluster/id` with `proposedClusterId` unless present; returns the stored id. */
  async createOrGetClusterId(proposedClusterId: string): Promise<string> {
    const existing = await this.getClusterId();
    if (existing !== null) return existing;
    try {
      await this.createRecursive(ClusterIdZNode.path, ClusterIdZNode.toJson(proposedClusterId), true);
      return proposedClusterId;
    } catch (err) {
      if (!(err instanceof NodeExistsError)) throw err;
      const id = await this.getClusterId();
      if (id === null) throw err;
      return id;
    }
  }

  /** Kafka's generateBrokerSequenceId: bumps `/brokers/seqid` and returns its new zkVersion. */
  async generateBrokerSequenceId(): Promise<number> {
    try {
      return (await this.zooKeeperClient.setData(BrokerSequenceIdZNode.path, null, ZkVersion.MatchAnyVersion)).version;
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
      await this.makeSurePersistentPathExists(BrokerSequenceIdZNode.path);
      return (await this.zooKeeperClient.setData(BrokerSequenceIdZNode.path, null, ZkVersion.MatchAnyVersion)).version;
    }
  }

  // ---- brokers ----------------------------------------------------------------------------------

  /**
   * Kafka's registerBroker: `multi(create /brokers/ids/<id> EPHEMERAL with null data, setData(json, 0))`;
   * returns the broker epoch (the znode's czxid). A znode left by this client's own current or earlier
   * session is deleted and re-created; one owned by any other session throws NodeExistsError.
   */
  async registerBroker(brokerInfo: BrokerInfo): Promise<bigint> {
    const path = BrokerIdZNode.path(brokerInfo.id);
    const data = BrokerIdZNode.encode(brokerInfo);
    const create = async (): Promise<bigint> => {
      await this.zooKeeperClient.multi([ZkOps.create(path, null, CreateMode.EPHEMERAL), ZkOps.setData(path, data, 0)]);
      const stat = await this.zooKeeperClient.exists(path, { watch: false });
      if (stat === null) throw new NoNodeError(path);
      return stat.czxid;
    };
    try {
      return await create();
    } catch (err) {
      if (!(err instanceof NodeExistsError)) throw err;
      const stat = await this.zooKeeperClient.exists(path, { watch: false });
      if (stat === null) return create();
      const zk = this.zooKeeperClient;
      if (stat.ephemeralOwner !== zk.sessionId && !zk.previousSessionIds.has(stat.ephemeralOwner)) throw err;
      try {
        await zk.delete(path, stat.version);
      } catch (e) {
        if (!(e instanceof NoNodeError)) throw e;
      }
      return create();
    }
  }

  /** Kafka's updateBrokerInfo: rewrites this broker's registration data (same znode, same epoch). */
  async updateBrokerInfo(brokerInfo: BrokerInfo): Promise<void> {
    await this.zooKeeperClient.setData(BrokerIdZNode.path(brokerInfo.id), BrokerIdZNode.encode(brokerInfo), ZkVersion.MatchAnyVersion);
  }

  /** Kafka's getSortedBrokerList: ids under `/brokers/ids` (arms the child watch if a handler is registered). */
  async getSortedBrokerList(): Promise<number[]> {
    return (await this.getChildrenOrEmpty(BrokerIdsZNode.path)).map(Number).filter((n) => Number.isInteger(n)).sort((a, b) => a - b);
  }

  /** Kafka's getBroker: the registration of one broker, or null. */
  async getBroker(brokerId: number): Promise<BrokerInfo | null> {
    return (await this.getBrokerAndEpoch(brokerId))?.broker ?? null;
  }

  /** A broker's registration with its epoch (czxid), or null if not registered. */
  async getBrokerAndEpoch(brokerId: number): Promise<BrokerAndEpoch | null> {
    const { data, stat } = await this.getDataAndStat(BrokerIdZNode.path(brokerId));
    if (stat === null) return null;
    return { broker: BrokerIdZNode.decode(brokerId, data), epoch: stat.czxid };
  }

  /** Kafka's getAllBrokersInCluster, sorted by id. */
  async getAllBrokersInCluster(): Promise<BrokerInfo[]> {
    return [...(await this.getAllBrokerAndEpochsInCluster()).values()].map((b) => b.broker);
  }

  /** Kafka's getAllBrokerAndEpochsInCluster: id → (broker, epoch = czxid), sorted by id. */
  async getAllBrokerAndEpochsInCluster(): Promise<Map<number, BrokerAndEpoch>> {
    const ids = await this.getSortedBrokerList();
    const all = await Promise.all(ids.map((id) => this.getBrokerAndEpoch(id)));
    const out = new Map<number, BrokerAndEpoch>();
    for (const b of all) if (b !== null) out.set(b.broker.id, b);
    return out;
  }

  // ---- controller -------------------------------------------------------------------------------

  /** Kafka's getControllerId: broker id in `/controller`, or null (arms the ControllerChangeHandler's watch). */
  async getControllerId(): Promise<number | null> {
    const { data, stat } = await this.getDataAndStat(ControllerZNode.path);
    return stat === null ? null : ControllerZNode.decode(data).brokerId;
  }

  /** Kafka's getControllerEpoch: (epoch, zkVersion of /controller_epoch), or null. */
  async getControllerEpoch(): Promise<{ epoch: number; zkVersion: number } | null> {
    const { data, stat } = await this.getDataAndStat(ControllerEpochZNode.path);
    return stat === null ? null : { epoch: ControllerEpochZNode.decode(data), zkVersion: stat.version };
  }

  /** Kafka's maybeCreateControllerEpochZNode: creates `/controller_epoch` with 0 if missing. */
  private async maybeCreateControllerEpochZNode(): Promise<{ epoch: number; zkVersion: number }> {
    try {
      await this.zooKeeperClient.create(ControllerEpochZNode.path, ControllerEpochZNode.encode(InitialControllerEpoch), CreateMode.PERSISTENT);
      return { epoch: InitialControllerEpoch, zkVersion: InitialControllerEpochZkVersion };
    } catch (err) {
      if (!(err instanceof NodeExistsError)) throw err;
      const cur = await this.getControllerEpoch();
      if (cur === null) throw new ControllerMovedError('/controller_epoch vanished while electing');
      return cur;
    }
  }

  /**
   * Kafka's registerControllerAndIncrementControllerEpoch: atomically creates `/controller`
   * (ephemeral) and bumps `/controller_epoch` (CAS on its zkVersion). Returns the new epoch and the
   * epochZkVersion used to fence later writes; ControllerMovedError if another broker won.
   */
  async registerControllerAndIncrementControllerEpoch(controllerId: number): Promise<{ epoch: number; epochZkVersion: number }> {
    const cur = (await this.getControllerEpoch()) ?? (await this.maybeCreateControllerEpochZNode());
    const newControllerEpoch = cur.epoch + 1;
    try {
      const results = await this.zooKeeperClient.multi([
        ZkOps.create(ControllerZNode.path, ControllerZNode.encode(controllerId), CreateMode.EPHEMERAL),
        ZkOps.setData(ControllerEpochZNode.path, ControllerEpochZNode.encode(newControllerEpoch), cur.zkVersion),
      ]);
      const set = results[1];
      return { epoch: newControllerEpoch, epochZkVersion: set?.type === 'setData' ? set.stat.version : cur.zkVersion + 1 };
    } catch (err) {
      if (!(err instanceof NodeExistsError) && !(err instanceof BadVersionError)) throw err;
      // checkControllerAndEpoch: our own earlier attempt may have succeeded (e.g. a retried request).
      const controllerId2 = await this.getControllerId();
      const epoch2 = await this.getControllerEpoch();
      if (controllerId2 === controllerId && epoch2 !== null && epoch2.epoch === newControllerEpoch) {
        return { epoch: newControllerEpoch, epochZkVersion: epoch2.zkVersion };
      }
      throw new ControllerMovedError(`Controller moved to ${String(controllerId2)} (epoch ${String(epoch2?.epoch)})`);
    }
  }

  /** Kafka's deleteController: deletes `/controller`, fenced by the epoch check; a missing znode is fine. */
  async deleteController(expectedControllerEpochZkVersion: number): Promise<void> {
    try {
      await this.fencedOp(ZkOps.delete(ControllerZNode.path), expectedControllerEpochZkVersion);
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
    }
  }

  // ---- topics and partitions --------------------------------------------------------------------

  /** Kafka's getAllTopicsInCluster (arms the TopicChangeHandler's child watch when `registerWatch`). */
  async getAllTopicsInCluster(registerWatch = false): Promise<string[]> {
    return this.getChildrenOrEmpty(TopicsZNode.path, registerWatch);
  }

  /** Kafka's topicExists. */
  async topicExists(topic: string): Promise<boolean> {
    return this.pathExists(TopicZNode.path(topic));
  }

  /** Kafka's createTopicAssignment: creates `/brokers/topics/<t>` (NodeExistsError → TOPIC_ALREADY_EXISTS). */
  async createTopicAssignment(topic: string, topicId: string | null, assignment: Map<number, number[] | ReplicaAssignment>): Promise<void> {
    await this.zooKeeperClient.create(TopicZNode.path(topic), TopicZNode.encode(topicId, toReplicaAssignments(assignment)), CreateMode.PERSISTENT);
  }

  /** Kafka's setTopicAssignment: rewrites `/brokers/topics/<t>` (reassignment, added partitions, topic id back-fill). */
  async setTopicAssignment(
    topic: string,
    topicId: string | null,
    assignment: Map<number, number[] | ReplicaAssignment>,
    expectedControllerEpochZkVersion: number = ZkVersion.MatchAnyVersion,
  ): Promise<void> {
    const data = TopicZNode.encode(topicId, toReplicaAssignments(assignment));
    await this.fencedOp(ZkOps.setData(TopicZNode.path(topic), data, ZkVersion.MatchAnyVersion), expectedControllerEpochZkVersion);
  }

  /** Kafka's getReplicaAssignmentAndTopicIdForTopics: id and full assignment of each existing topic. */
  async getReplicaAssignmentAndTopicIdForTopics(topics: Iterable<string>): Promise<TopicIdReplicaAssignment[]> {
    const res = await Promise.all(
      [...topics].map(async (t) => {
        const { data, stat } = await this.getDataAndStat(TopicZNode.path(t));
        return stat === null ? null : TopicZNode.decode(t, data);
      }),
    );
    return res.filter((r): r is TopicIdReplicaAssignment => r !== null);
  }

  /** Kafka's getReplicaAssignmentForTopics: topic → partition → replicas (existing topics only). */
  async getReplicaAssignmentForTopics(topics: Iterable<string>): Promise<Map<string, Map<number, number[]>>> {
    const out = new Map<string, Map<number, number[]>>();
    for (const t of await this.getReplicaAssignmentAndTopicIdForTopics(topics)) {
      out.set(t.topic, new Map([...t.assignment].map(([p, a]) => [p, a.replicas])));
    }
    return out;
  }

  /** Kafka's getTopicIdsForTopics: topic → id for topics that have one. */
  async getTopicIdsForTopics(topics: Iterable<string>): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const t of await this.getReplicaAssignmentAndTopicIdForTopics(topics)) if (t.topicId !== null) out.set(t.topic, t.topicId);
    return out;
  }

  /** Kafka's getTopicPartitionCount: number of partitions, or null if the topic does not exist. */
  async getTopicPartitionCount(topic: string): Promise<number | null> {
    const [t] = await this.getReplicaAssignmentAndTopicIdForTopics([topic]);
    return t === undefined ? null : t.assignment.size;
  }

  /** Kafka's getTopicPartitionState: the partition's state znode, or null. */
  async getTopicPartitionState(partition: TopicPartition): Promise<LeaderIsrAndControllerEpoch | null> {
    const { data, stat } = await this.getDataAndStat(TopicPartitionStateZNode.path(partition));
    return stat === null ? null : TopicPartitionStateZNode.decode(partition, data, stat.version);
  }

  /**
   * Kafka's getTopicPartitionStates: state of each partition that has one. The map's keys are the
   * very objects passed in (so callers can look them up by identity); missing states are omitted.
   */
  async getTopicPartitionStates(partitions: Iterable<TopicPartition>): Promise<Map<TopicPartition, LeaderIsrAndControllerEpoch>> {
    const list = [...partitions];
    const states = await Promise.all(list.map((p) => this.getTopicPartitionState(p)));
    const out = new Map<TopicPartition, LeaderIsrAndControllerEpoch>();
    list.forEach((p, i) => {
      const s = states[i];
      if (s !== null && s !== undefined) out.set(p, s);
    });
    return out;
  }

  /**
   * Kafka's createTopicPartitionStatesRaw: creates `partitions`, `partitions/<p>` (null data, existing is
   * fine) and `partitions/<p>/state` for each partition, all fenced. Per-partition result: null on
   * success or the typed error (NodeExistsError if the state already exists). ControllerMovedError
   * is thrown when fenced out.
   */
  async createTopicPartitionStatesRaw(
    leaderIsrAndControllerEpochs: Map<TopicPartition, LeaderIsrAndControllerEpoch>,
    expectedControllerEpochZkVersion: number,
  ): Promise<Map<TopicPartition, Error | null>> {
    const entries = [...leaderIsrAndControllerEpochs];
    const ignoreExists = async (op: ZkOp): Promise<void> => {
      try {
        await this.fencedOp(op, expectedControllerEpochZkVersion);
      } catch (err) {
        if (!(err instanceof NodeExistsError)) throw err;
      }
    };
    for (const topic of new Set(entries.map(([p]) => p.topic))) await ignoreExists(ZkOps.create(TopicPartitionsZNode.path(topic), null));
    await Promise.all(entries.map(([p]) => ignoreExists(ZkOps.create(TopicPartitionZNode.path(p), null))));
    const results = await Promise.all(
      entries.map(async ([p, state]): Promise<Error | null> => {
        try {
          await this.fencedOp(ZkOps.create(TopicPartitionStateZNode.path(p), TopicPartitionStateZNode.encode(state)), expectedControllerEpochZkVersion);
          return null;
        } catch (err) {
          if (err instanceof ControllerMovedError) throw err;
          return err instanceof Error ? err : new Error(String(err));
        }
      }),
    );
    return new Map(entries.map(([p], i) => [p, results[i] ?? null]));
  }

  /**
   * Kafka's updateLeaderAndIsr: one conditional setData per partition (expected version =
   * leaderAndIsr.partitionEpoch), fenced. Successes come back with their new partitionEpoch;
   * BADVERSION puts the partition in partitionsToRetry; other errors are per partition.
   * ControllerMovedError is thrown when fenced out.
   */
  async updateLeaderAndIsr(
    leaderAndIsrs: Map<TopicPartition, LeaderAndIsr>,
    controllerEpoch: number,
    expectedControllerEpochZkVersion: number,
  ): Promise<UpdateLeaderAndIsrResult> {
    const finishedPartitions = new Map<TopicPartition, LeaderAndIsr | Error>();
    const partitionsToRetry: TopicPartition[] = [];
    const entries = [...leaderAndIsrs];
    const outcomes = await Promise.all(
      entries.map(async ([p, lai]): Promise<LeaderAndIsr | Error> => {
        const data = TopicPartitionStateZNode.encode({ leaderAndIsr: lai, controllerEpoch });
        try {
          const r = await this.fencedOp(ZkOps.setData(TopicPartitionStateZNode.path(p), data, lai.partitionEpoch), expectedControllerEpochZkVersion);
          return { ...lai, partitionEpoch: r.type === 'setData' ? r.stat.version : lai.partitionEpoch + 1 };
        } catch (err) {
          if (err instanceof ControllerMovedError) throw err;
          return err instanceof Error ? err : new Error(String(err));
        }
      }),
    );
    entries.forEach(([p], i) => {
      const o = outcomes[i];
      if (o instanceof BadVersionError) partitionsToRetry.push(p);
      else if (o !== undefined) finishedPartitions.set(p, o);
    });
    return { finishedPartitions, partitionsToRetry };
  }

  /** Kafka's deleteTopicZNode: deletes `/brokers/topics/<t>` recursively, fenced. */
  async deleteTopicZNode(topic: string, expectedControllerEpochZkVersion: number): Promise<void> {
    await this.deleteRecursive(TopicZNode.path(topic), expectedControllerEpochZkVersion);
  }

  /** Kafka's deleteTopicConfigs: deletes `/config/topics/<t>` for each topic, fenced. */
  async deleteTopicConfigs(topics: Iterable<string>, expectedControllerEpochZkVersion: number): Promise<void> {
    for (const t of topics) await this.deleteRecursive(ConfigEntityZNode.path(ConfigType.Topic, t), expectedControllerEpochZkVersion);
  }

  // ---- topic deletion ---------------------------------------------------------------------------

  /** Kafka's createDeleteTopicPath: creates `/admin/delete_topics/<t>` (NodeExistsError if already marked). */
  async createDeleteTopicPath(topic: string): Promise<void> {
    await this.zooKeeperClient.create(DeleteTopicsTopicZNode.path(topic), null, CreateMode.PERSISTENT);
  }

  /** Kafka's isTopicMarkedForDeletion. */
  async isTopicMarkedForDeletion(topic: string): Promise<boolean> {
    return this.pathExists(DeleteTopicsTopicZNode.path(topic));
  }

  /** Kafka's getTopicDeletions: children of `/admin/delete_topics` (arms the TopicDeletionHandler's watch). */
  async getTopicDeletions(): Promise<string[]> {
    return this.getChildrenOrEmpty(DeleteTopicsZNode.path);
  }

  /** Kafka's deleteTopicDeletions: removes the marker znodes, fenced. */
  async deleteTopicDeletions(topics: Iterable<string>, expectedControllerEpochZkVersion: number): Promise<void> {
    for (const t of topics) await this.deleteRecursive(DeleteTopicsTopicZNode.path(t), expectedControllerEpochZkVersion);
  }

  // ---- reassignment and preferred election (the legacy /admin znodes) ---------------------------------

  /**
   * Kafka's getPartitionReassignment: `/admin/reassign_partitions` as partition → target replicas
   * (a partition named twice keeps its last entry, as Kafka's toMap does); empty when the znode is
   * absent. Malformed data throws InvalidZNodeDataError.
   */
  async getPartitionReassignment(): Promise<Map<TopicPartition, number[]>> {
    const { data, stat } = await this.getDataAndStat(ReassignPartitionsZNode.path);
    if (stat === null) return new Map();
    const byKey = new Map<string, { tp: TopicPartition; replicas: number[] }>();
    for (const e of ReassignPartitionsZNode.decode(data)) byKey.set(`${e.topic}-${e.partition}`, { tp: { topic: e.topic, partition: e.partition }, replicas: e.replicas });
    return new Map([...byKey.values()].map((e) => [e.tp, e.replicas]));
  }

  /** Kafka's reassignPartitionsInProgress: whether `/admin/reassign_partitions` exists. */
  async reassignPartitionsInProgress(): Promise<boolean> {
    return this.pathExists(ReassignPartitionsZNode.path);
  }

  /** Kafka's createPartitionReassignment (the legacy tool's write): NodeExistsError while one is in progress. */
  async createPartitionReassignment(reassignment: Map<TopicPartition, number[]>): Promise<void> {
    const entries = [...reassignment].map(([tp, replicas]) => ({ topic: tp.topic, partition: tp.partition, replicas }));
    await this.createRecursive(ReassignPartitionsZNode.path, ReassignPartitionsZNode.encode(entries), true);
  }

  /** Kafka's setOrCreatePartitionReassignment: rewrites (or creates) `/admin/reassign_partitions`, fenced. */
  async setOrCreatePartitionReassignment(reassignment: Map<TopicPartition, number[]>, expectedControllerEpochZkVersion: number): Promise<void> {
    const data = ReassignPartitionsZNode.encode([...reassignment].map(([tp, replicas]) => ({ topic: tp.topic, partition: tp.partition, replicas })));
    try {
      await this.fencedOp(ZkOps.setData(ReassignPartitionsZNode.path, data, ZkVersion.MatchAnyVersion), expectedControllerEpochZkVersion);
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
      await this.fencedOp(ZkOps.create(ReassignPartitionsZNode.path, data), expectedControllerEpochZkVersion);
    }
  }

  /** Kafka's deletePartitionReassignment: removes `/admin/reassign_partitions`, fenced; missing is fine. */
  async deletePartitionReassignment(expectedControllerEpochZkVersion: number): Promise<void> {
    await this.deleteRecursive(ReassignPartitionsZNode.path, expectedControllerEpochZkVersion);
  }

  /** Kafka's getPreferredReplicaElection: the partitions in `/admin/preferred_replica_election` (empty when absent); malformed data throws InvalidZNodeDataError. */
  async getPreferredReplicaElection(): Promise<TopicPartition[]> {
    const { data, stat } = await this.getDataAndStat(PreferredReplicaElectionZNode.path);
    return stat === null ? [] : PreferredReplicaElectionZNode.decode(data);
  }

  /** Kafka's createPreferredReplicaElection (the legacy election tool's write): NodeExistsError while one is pending. */
  async createPreferredReplicaElection(partitions: Iterable<TopicPartition>): Promise<void> {
    await this.createRecursive(PreferredReplicaElectionZNode.path, PreferredReplicaElectionZNode.encode(partitions), true);
  }

  /** Kafka's deletePreferredReplicaElection: removes `/admin/preferred_replica_election`, fenced; missing is fine. */
  async deletePreferredReplicaElection(expectedControllerEpochZkVersion: number): Promise<void> {
    await this.deleteRecursive(PreferredReplicaElectionZNode.path, expectedControllerEpochZkVersion);
  }

  // ---- configs ----------------------------------------------------------------------------------

  /** Kafka's getEntityConfigs: `/config/<type>/<name>` as a key → value map ({} if absent). */
  async getEntityConfigs(rootEntityType: string, sanitizedEntityName: string): Promise<Record<string, string>> {
    const path = ConfigEntityZNode.path(rootEntityType, sanitizedEntityName);
    const { data, stat } = await this.getDataAndStat(path);
    return stat === null ? {} : ConfigEntityZNode.decode(path, data);
  }

  /** Kafka's setOrCreateEntityConfigs: setData, or create (with parents) if missing. */
  async setOrCreateEntityConfigs(rootEntityType: string, sanitizedEntityName: string, config: Record<string, string>): Promise<void> {
    const path = ConfigEntityZNode.path(rootEntityType, sanitizedEntityName);
    const data = ConfigEntityZNode.encode(config);
    try {
      await this.zooKeeperClient.setData(path, data, ZkVersion.MatchAnyVersion);
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
      try {
        await this.createRecursive(path, data, true);
      } catch (err2) {
        if (!(err2 instanceof NodeExistsError)) throw err2;
        await this.zooKeeperClient.setData(path, data, ZkVersion.MatchAnyVersion);
      }
    }
  }

  /** Kafka's getAllEntitiesWithConfig: names under `/config/<type>`. */
  async getAllEntitiesWithConfig(entityType: string): Promise<string[]> {
    return this.getChildrenOrEmpty(ConfigEntityTypeZNode.path(entityType), false);
  }

  /** Kafka's createConfigChangeNotification: `/config/changes/config_change_<seq>` with entity_path (v2). */
  async createConfigChangeNotification(sanitizedEntityPath: string): Promise<string> {
    return this.createSequentialPersistentPath(
      ConfigEntityChangeNotificationSequenceZNode.createPath,
      ConfigEntityChangeNotificationSequenceZNode.encode(sanitizedEntityPath),
    );
  }

  // ---- ISR change and log-dir notifications ------------------------------------------------------

  /** Kafka's propagateIsrChanges: one `/isr_change_notification/isr_change_<seq>` for these partitions. */
  async propagateIsrChanges(isrChangeSet: Iterable<TopicPartition>): Promise<string> {
    return this.createSequentialPersistentPath(IsrChangeNotificationSequenceZNode.path(), IsrChangeNotificationSequenceZNode.encode(isrChangeSet));
  }

  /** Kafka's getAllIsrChangeNotifications: sequence numbers, sorted (arms the IsrChangeNotificationHandler's watch). */
  async getAllIsrChangeNotifications(): Promise<string[]> {
    return (await this.getChildrenOrEmpty(IsrChangeNotificationZNode.path)).map((c) => IsrChangeNotificationSequenceZNode.sequenceNumber(c)).sort();
  }

  /** Kafka's getPartitionsFromIsrChangeNotifications; vanished notifications are skipped. */
  async getPartitionsFromIsrChangeNotifications(sequenceNumbers: Iterable<string>): Promise<TopicPartition[]> {
    const out: TopicPartition[] = [];
    for (const s of sequenceNumbers) {
      const path = IsrChangeNotificationSequenceZNode.path(s);
      const { data, stat } = await this.getDataAndStat(path);
      if (stat !== null) out.push(...IsrChangeNotificationSequenceZNode.decode(path, data));
    }
    return out;
  }

  /** Kafka's deleteIsrChangeNotifications: the given sequence numbers (all when omitted), fenced. */
  async deleteIsrChangeNotifications(expectedControllerEpochZkVersion: number, sequenceNumbers?: Iterable<string>): Promise<void> {
    const seqs = sequenceNumbers === undefined ? await this.getAllIsrChangeNotifications() : [...sequenceNumbers];
    for (const s of seqs) await this.deleteRecursive(IsrChangeNotificationSequenceZNode.path(s), expectedControllerEpochZkVersion);
  }

  /** Kafka's propagateLogDirEvent: `/log_dir_event_notification/log_dir_event_<seq>` for this broker. */
  async propagateLogDirEvent(brokerId: number): Promise<string> {
    return this.createSequentialPersistentPath(LogDirEventNotificationSequenceZNode.path(), LogDirEventNotificationSequenceZNode.encode(brokerId));
  }

  /** Kafka's getAllLogDirEventNotifications: sequence numbers, sorted (arms the LogDirEventNotificationHandler's watch). */
  async getAllLogDirEventNotifications(): Promise<string[]> {
    return (await this.getChildrenOrEmpty(LogDirEventNotificationZNode.path)).map((c) => LogDirEventNotificationSequenceZNode.sequenceNumber(c)).sort();
  }

  /** Kafka's getBrokerIdFromLogDirEvents. */
  async getBrokerIdFromLogDirEvents(sequenceNumbers: Iterable<string>): Promise<number[]> {
    const out: number[] = [];
    for (const s of sequenceNumbers) {
      const path = LogDirEventNotificationSequenceZNode.path(s);
      const { data, stat } = await this.getDataAndStat(path);
      if (stat !== null) out.push(LogDirEventNotificationSequenceZNode.decode(path, data));
    }
    return out;
  }

  /** Kafka's deleteLogDirEventNotifications: the given sequence numbers (all when omitted), fenced. */
  async deleteLogDirEventNotifications(expectedControllerEpochZkVersion: number, sequenceNumbers?: Iterable<string>): Promise<void> {
    const seqs = sequenceNumbers === undefined ? await this.getAllLogDirEventNotifications() : [...sequenceNumbers];
    for (const s of seqs) await this.deleteRecursive(LogDirEventNotificationSequenceZNode.path(s), expectedControllerEpochZkVersion);
  }

  // ---- watches and session hooks -----------------------------------------------------------------

  /** Kafka's registerZNodeChangeHandlerAndCheckExistence: registers and arms an exists watch; true if the znode exists. */
  async registerZNodeChangeHandlerAndCheckExistence(handler: ZNodeChangeHandler): Promise<boolean> {
    this.zooKeeperClient.registerZNodeChangeHandler(handler);
    return (await this.zooKeeperClient.exists(handler.path)) !== null;
  }

  /** Kafka's registerZNodeChangeHandler (the next read of the path arms the watch). */
  registerZNodeChangeHandler(handler: ZNodeChangeHandler): void {
    this.zooKeeperClient.registerZNodeChangeHandler(handler);
  }
  /** Kafka's unregisterZNodeChangeHandler. */
  unregisterZNodeChangeHandler(path: string): void {
    this.zooKeeperClient.unregisterZNodeChangeHandler(path);
  }
  /** Kafka's registerZNodeChildChangeHandler (the next getChildren-based read arms the watch). */
  registerZNodeChildChangeHandler(handler: ZNodeChildChangeHandler): void {
    this.zooKeeperClient.registerZNodeChildChangeHandler(handler);
  }
  /** Kafka's unregisterZNodeChildChangeHandler. */
  unregisterZNodeChildChangeHandler(path: string): void {
    this.zooKeeperClient.unregisterZNodeChildChangeHandler(path);
  }
  /** Kafka's registerStateChangeHandler: before/after session re-creation hooks. */
  registerStateChangeHandler(handler: StateChangeHandler): void {
    this.zooKeeperClient.registerStateChangeHandler(handler);
  }
  /** Kafka's unregisterStateChangeHandler. */
  unregisterStateChangeHandler(name: string): void {
    this.zooKeeperClient.unregisterStateChangeHandler(name);
  }
}

function toReplicaAssignments(assignment: Map<number, number[] | ReplicaAssignment>): Map<number, ReplicaAssignment> {
  const out = new Map<number, ReplicaAssignment>();
  for (const [p, a] of assignment) out.set(p, Array.isArray(a) ? { replicas: a, addingReplicas: [], removingReplicas: [] } : a);
  return out;
}
