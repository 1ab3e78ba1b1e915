/** KafkaZkClient's start-up and broker methods: top-level paths, `/cluster/id`, `/brokers/seqid` and `/brokers/ids/<id>`. */
import { KafkaZkClientBase } from './kafka-zk-client-base.js';
import { NodeExistsError, NoNodeError } from './keeper-errors.js';
import { BrokerIdZNode, BrokerIdsZNode, BrokerSequenceIdZNode, type BrokerInfo } from './broker-znodes.js';
import { ClusterIdZNode } from './cluster-znodes.js';
import { PersistentZkPaths, ZkVersion } from './zk-data.js';
import { CreateMode, ZkOps } from './zookeeper-client.js';

/** A live broker and its epoch (czxid of its registration znode). */
export interface BrokerAndEpoch {
  broker: BrokerInfo;
  epoch: bigint;
}

/** Broker methods of KafkaZkClient (mixed into it; see kafka-zk-client.ts). */
export class BrokerZkOps extends KafkaZkClientBase {
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
}
