/**
 * What `kafkats reassign-partitions` needs of a cluster, two ways: through the brokers
 * (--bootstrap-server: Metadata, List/AlterPartitionReassignments to the controller,
 * IncrementalAlterConfigs — Kafka 3's tool) or straight in ZooKeeper (--zookeeper: the topic
 * znodes, /admin/reassign_partitions and /config/<type>/<name> with a change notification — Kafka
 * 2's tool, whose reassignment the controller picks up from the znode).
 */
import { ApiKeys } from '../protocol/index.js';
import { Errors, errorForCode } from '../protocol/errors.js';
import { KafkaZkClient } from '../zk/kafka-zk-client.js';
import { NodeExistsError } from '../zk/keeper-errors.js';
import { ConfigType } from '../zk/config-znodes.js';
import { AdminZkClient } from '../server/admin/admin-zk-client.js';
import { type AdminClient, errorText, NOT_CONTROLLER } from './admin-client.js';
import { CliError } from './cli-support.js';
import { replicaString, tpString, type OngoingReassignment, type ProposedPartition, type ProposedReplicaDir, type ReplicaLogDirInfo, type TopicPartitionKey } from './reassignment-json.js';

export interface ConfigChange {
  /** 'topics' or 'brokers'. */
  type: 'topics' | 'brokers';
  name: string;
  set: Record<string, string>;
  delete: string[];
}

export interface ReassignmentCluster {
  brokers(): Promise<Array<{ id: number; rack: string | null }>>;
  /** Current replicas of every partition of the topics, `topic-partition` → replicas; an unknown topic is an error. */
  assignments(topics: readonly string[]): Promise<Map<string, number[]>>;
  /** Ongoing reassignments (of the given partitions, or all). */
  ongoing(partitions?: readonly TopicPartitionKey[]): Promise<OngoingReassignment[]>;
  /** Starts the reassignments (null replicas: cancel); returns `topic-partition` → error message for the failed ones. */
  alter(reassignments: ReadonlyArray<{ tp: TopicPartitionKey; replicas: number[] | null }>): Promise<Map<string, string>>;
  alterConfigs(changes: readonly ConfigChange[]): Promise<void>;
  /** Whether cancelling (null targets) is possible. */
  readonly canCancel: boolean;
  /**
   * AlterReplicaLogDirs on each replica's broker (absent without --bootstrap-server): returns the
   * error code of every replica (`topic-partition-broker`).
   */
  alterReplicaLogDirs?(moves: readonly ProposedReplicaDir[]): Promise<Map<string, number>>;
  /** DescribeLogDirs on each replica's broker: the dir holding each replica and its future replica, if any. */
  describeReplicaLogDirs?(replicas: ReadonlyArray<{ tp: TopicPartitionKey; brokerId: number }>): Promise<Map<string, ReplicaLogDirInfo>>;
  close(): Promise<void>;
}

const RESOURCE_TYPE = { topics: 2, brokers: 4 } as const;

/** --bootstrap-server. */
export class AdminReassignmentCluster implements ReassignmentCluster {
  readonly canCancel = true;

  constructor(private readonly admin: AdminClient) {}

  async brokers(): Promise<Array<{ id: number; rack: string | null }>> {
    return (await this.admin.brokers()).brokers.map((b) => ({ id: b.nodeId, rack: b.rack }));
  }

  async assignments(topics: readonly string[]): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>();
    if (topics.length === 0) return out;
    const m = await this.admin.metadata([...new Set(topics)]);
    for (const t of m.topics) {
      if (t.errorCode === Errors.UNKNOWN_TOPIC_OR_PARTITION.code) throw new CliError(`Topic ${t.name} not found.`);
      if (t.errorCode !== Errors.NONE.code) throw new CliError(`${t.name}: ${errorText(t.errorCode, null)}`);
      for (const p of t.partitions) out.set(`${t.name}-${p.partitionIndex}`, p.replicaNodes);
    }
    return out;
  }

  async ongoing(partitions?: readonly TopicPartitionKey[]): Promise<OngoingReassignment[]> {
    const byTopic = new Map<string, number[]>();
    for (const p of partitions ?? []) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    const r = await this.admin.sendToController(ApiKeys.LIST_PARTITION_REASSIGNMENTS, 0, {
      timeoutMs: 30_000,
      topics: partitions === undefined ? null : [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
    }, (res) => res.errorCode === NOT_CONTROLLER);
    if (r.errorCode !== Errors.NONE.code) throw new CliError(errorText(r.errorCode, r.errorMessage));
    return r.topics.flatMap((t) => t.partitions.map((p) => ({ tp: { topic: t.name, partition: p.partitionIndex }, replicas: p.replicas, adding: p.addingReplicas, removing: p.removingReplicas })));
  }

  async alter(reassignments: ReadonlyArray<{ tp: TopicPartitionKey; replicas: number[] | null }>): Promise<Map<string, string>> {
    const byTopic = new Map<string, Array<{ partitionIndex: number; replicas: number[] | null }>>();
    for (const r of reassignments) byTopic.set(r.tp.topic, [...(byTopic.get(r.tp.topic) ?? []), { partitionIndex: r.tp.partition, replicas: r.replicas }]);
    const res = await this.admin.sendToController(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, 0, {
      timeoutMs: 30_000,
      topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
    }, (x) => x.errorCode === NOT_CONTROLLER);
    if (res.errorCode !== Errors.NONE.code) throw new CliError(errorText(res.errorCode, res.errorMessage));
    const errors = new Map<string, string>();
    for (const t of res.responses) {
      for (const p of t.partitions) {
        if (p.errorCode !== Errors.NONE.code) errors.set(`${t.name}-${p.partitionIndex}`, p.errorMessage ?? errorForCode(p.errorCode).message ?? errorForCode(p.errorCode).name);
      }
    }
    return errors;
  }

  async alterReplicaLogDirs(moves: readonly ProposedReplicaDir[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const [brokerId, ms] of groupByBroker(moves)) {
      const byDir = new Map<string, Map<string, number[]>>();
      for (const m of ms) {
        const topics = byDir.get(m.logDir) ?? new Map<string, number[]>();
        byDir.set(m.logDir, topics);
        topics.set(m.tp.topic, [...(topics.get(m.tp.topic) ?? []), m.tp.partition]);
      }
      const r = await this.admin.send(await this.admin.addressOf(brokerId), ApiKeys.ALTER_REPLICA_LOG_DIRS, 2, {
        dirs: [...byDir].map(([path, topics]) => ({ path, topics: [...topics].map(([name, partitions]) => ({ name, partitions })) })),
      });
      for (const t of r.results) for (const p of t.partitions) out.set(replicaString({ tp: { topic: t.topicName, partition: p.partitionIndex }, brokerId }), p.errorCode);
    }
    return out;
  }

  async describeReplicaLogDirs(replicas: ReadonlyArray<{ tp: TopicPartitionKey; brokerId: number }>): Promise<Map<string, ReplicaLogDirInfo>> {
    const out = new Map<string, ReplicaLogDirInfo>();
    for (const [brokerId, rs] of groupByBroker(replicas)) {
      const wanted = new Set(rs.map((r) => tpString(r.tp)));
      const topics = new Map<string, number[]>();
      for (const r of rs) topics.set(r.tp.topic, [...(topics.get(r.tp.topic) ?? []), r.tp.partition]);
      const res = await this.admin.send(await this.admin.addressOf(brokerId), ApiKeys.DESCRIBE_LOG_DIRS, 4, { topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) });
      for (const d of res.results) {
        if (d.errorCode !== Errors.NONE.code) continue;
        for (const t of d.topics) {
          for (const p of t.partitions) {
            const tp = { topic: t.name, partition: p.partitionIndex };
            if (!wanted.has(tpString(tp))) continue;
            const key = replicaString({ tp, brokerId });
            const info = out.get(key) ?? { currentLogDir: null, futureLogDir: null };
            if (p.isFutureKey) info.futureLogDir = d.logDir;
            else info.currentLogDir = d.logDir;
            out.set(key, info);
          }
        }
      }
    }
    return out;
  }

  /** IncrementalAlterConfigs: a broker's configs go to that broker, topics' to any broker (as Kafka's admin client routes them). */
  async alterConfigs(changes: readonly ConfigChange[]): Promise<void> {
    const resourceOf = (c: ConfigChange): { resourceType: number; resourceName: string; configs: Array<{ name: string; configOperation: number; value: string | null }> } => ({
      resourceType: RESOURCE_TYPE[c.type],
      resourceName: c.name,
      configs: [
        ...Object.entries(c.set).map(([name, value]) => ({ name, configOperation: 0, value })),
        ...c.delete.map((name) => ({ name, configOperation: 1, value: null })),
      ],
    });
    const requests: Array<{ address: string | null; resources: ReturnType<typeof resourceOf>[] }> = [];
    const topics = changes.filter((c) => c.type === 'topics');
    if (topics.length > 0) requests.push({ address: null, resources: topics.map(resourceOf) });
    for (const c of changes.filter((x) => x.type === 'brokers')) requests.push({ address: await this.admin.addressOf(Number(c.name)).catch(() => null), resources: [resourceOf(c)] });
    for (const req of requests) {
      const body = { resources: req.resources, validateOnly: false };
      const r = req.address !== null ? await this.admin.send(req.address, ApiKeys.INCREMENTAL_ALTER_CONFIGS, 1, body) : await this.admin.sendToAny(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 1, body);
      const failed = r.responses.filter((x) => x.errorCode !== Errors.NONE.code);
      if (failed.length > 0) throw new CliError(failed.map((x) => `${x.resourceName}: ${errorText(x.errorCode, x.errorMessage)}`).join('; '));
    }
  }

  async close(): Promise<void> {
    this.admin.close();
  }
}

/** --zookeeper (Kafka 2's tool): reads and writes the znodes; the controller does the rest. */
export class ZkReassignmentCluster implements ReassignmentCluster {
  readonly canCancel = false;
  private readonly adminZk: AdminZkClient;

  private constructor(private readonly zk: KafkaZkClient) {
    this.adminZk = new AdminZkClient(zk);
  }

  static async connect(connectString: string): Promise<ZkReassignmentCluster> {
    try {
      return new ZkReassignmentCluster(await KafkaZkClient.create({ connectString, sessionTimeoutMs: 10_000, connectionTimeoutMs: 10_000, name: 'kafkats-reassign-partitions' }));
    } catch (err) {
      throw new CliError(`cannot connect to ZooKeeper at ${connectString}: ${(err as Error).message}`);
    }
  }

  async brokers(): Promise<Array<{ id: number; rack: string | null }>> {
    return (await this.zk.getAllBrokersInCluster()).map((b) => ({ id: b.id, rack: b.rack ?? null }));
  }

  async assignments(topics: readonly string[]): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>();
    const unique = [...new Set(topics)];
    const found = await this.zk.getReplicaAssignmentAndTopicIdForTopics(unique);
    for (const t of unique) if (!found.some((f) => f.topic === t)) throw new CliError(`Topic ${t} not found.`);
    for (const t of found) for (const [p, a] of t.assignment) out.set(`${t.topic}-${p}`, a.replicas);
    return out;
  }

  /** Reassignments the controller runs (adding/removing replicas in the topic znodes) and those still waiting in /admin/reassign_partitions. */
  async ongoing(partitions?: readonly TopicPartitionKey[]): Promise<OngoingReassignment[]> {
    const wanted = partitions === undefined ? null : new Set(partitions.map(tpString));
    const out = new Map<string, OngoingReassignment>();
    const topics = await this.zk.getAllTopicsInCluster();
    for (const t of await this.zk.getReplicaAssignmentAndTopicIdForTopics(topics)) {
      for (const [p, a] of t.assignment) {
        if (a.addingReplicas.length + a.removingReplicas.length === 0) continue;
        out.set(`${t.topic}-${p}`, { tp: { topic: t.topic, partition: p }, replicas: a.replicas, adding: a.addingReplicas, removing: a.removingReplicas });
      }
    }
    for (const [tp, replicas] of await this.zk.getPartitionReassignment().catch(() => new Map<TopicPartitionKey, number[]>())) {
      if (!out.has(tpString(tp))) out.set(tpString(tp), { tp, replicas, adding: [], removing: [] });
    }
    return [...out.values()].filter((r) => wanted === null || wanted.has(tpString(r.tp)));
  }

  /** Writes /admin/reassign_partitions (Kafka's zkClient.createPartitionReassignment); only one may exist at a time. */
  async alter(reassignments: ReadonlyArray<{ tp: TopicPartitionKey; replicas: number[] | null }>): Promise<Map<string, string>> {
    if (reassignments.some((r) => r.replicas === null)) throw new CliError('--cancel needs --bootstrap-server (AlterPartitionReassignments); it is not possible through ZooKeeper');
    const proposed = reassignments as ProposedPartition[];
    try {
      await this.zk.createPartitionReassignment(new Map(proposed.map((p) => [p.tp, p.replicas])));
    } catch (err) {
      if (err instanceof NodeExistsError) throw new CliError('There is an existing assignment running.');
      throw err;
    }
    return new Map();
  }

  /** AdminZkClient.changeTopicConfig / changeBrokerConfig: the entity's stored configs with these changes, and a change notification. */
  async alterConfigs(changes: readonly ConfigChange[]): Promise<void> {
    for (const c of changes) {
      const type = c.type === 'topics' ? ConfigType.Topic : ConfigType.Broker;
      const current = await this.adminZk.fetchEntityConfig(type, c.name);
      for (const k of c.delete) delete current[k];
      await this.adminZk.changeEntityConfig(type, c.name, { ...current, ...c.set });
    }
  }

  async close(): Promise<void> {
    await this.zk.close();
  }
}

function groupByBroker<T extends { brokerId: number }>(items: readonly T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const i of items) out.set(i.brokerId, [...(out.get(i.brokerId) ?? []), i]);
  return out;
}
