/**
 * What the console shows and does, read and done through the Kafka protocol: Metadata for brokers,
 * the controller and every partition's leader/replicas/ISR (under-replicated: ISR smaller than the
 * replicas; offline: no leader), ListOffsets for offsets, DescribeConfigs for configs (sensitive
 * values never leave the server), CreateTopics/DeleteTopics/CreatePartitions on the controller,
 * Fetch for the message browser, kafkajs' producer for a test record, kafkajs' admin plus
 * OffsetFetch/OffsetCommit for consumer groups (lag per partition, offset resets of an inactive
 * group as kafka-consumer-groups does them), DescribeAcls and ListPartitionReassignments. With
 * --zookeeper it also reads what only ZooKeeper knows: the controller epoch, each broker's epoch
 * (its registration's czxid) and the topics marked for deletion. Every refusal surfaces as a
 * ConsoleError with the Kafka error name and message, never as a crash.
 */
import type { Admin, Producer } from 'kafkajs';
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { ConfigSource } from '../../config/config-def.js';
import { isInternalTopic } from '../../common/topic.js';
import { AclOperation, AclPermissionType } from '../../common/acl.js';
import { PatternType, ResourceType } from '../../common/resource.js';
import { AdminClient, NOT_CONTROLLER, errorText } from '../admin-client.js';
import { CliError } from '../cli-support.js';
import { createKafka, type KafkaClient } from '../kafkajs-support.js';
import { PartitionReader, EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from '../partition-reader.js';
import { committedOffsets, describeGroup } from '../consumer-groups.js';
import { commitOffsets } from '../consumer-group-reset.js';
import { AdminReassignmentCluster } from '../reassignment-cluster.js';
import { KafkaZkClient } from '../../zk/kafka-zk-client.js';
import { SYSTEM_TIME, type TimerHandle } from '../../common/time.js';
import { BrokerMetrics, type BrokerRate, type RatePoint } from './broker-metrics.js';
import { viewOfRecord, type RecordView } from './record-view.js';

/** A refusal or a bad request: shown to the user as `message`, answered with HTTP `status`. */
export class ConsoleError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ConsoleError';
  }
}

export interface PartitionState {
  topic: string;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offline: number[];
}

export interface ClusterOverview {
  clusterId: string | null;
  controllerId: number;
  brokers: Array<{ id: number; host: string; port: number; rack: string | null; partitions: number; leaders: number; bytesInPerSec: number | null; bytesOutPerSec: number | null }>;
  /** Brokers that partitions name as replicas but that are not alive (not in Metadata). */
  offlineBrokers: number[];
  topics: number;
  partitions: number;
  underReplicated: PartitionState[];
  offline: PartitionState[];
  rates: RatePoint[];
  readOnly: boolean;
  /** What only ZooKeeper knows; null without --zookeeper. */
  zookeeper: ZooKeeperView | null;
}

export interface ZooKeeperView {
  connect: string;
  /** Why ZooKeeper could not be read this time (the rest is then absent). */
  error: string | null;
  controllerEpoch: number | null;
  brokers: Array<{ id: number; epoch: string }>;
  topicsPendingDeletion: string[];
}

export interface ReassignmentRow { topic: string; partition: number; replicas: number[]; adding: number[]; removing: number[] }

export interface TopicSummary {
  name: string;
  internal: boolean;
  partitions: number;
  replicationFactor: number;
  underReplicated: number;
  offline: number;
}

export interface TopicDetails {
  name: string;
  topicId: string;
  internal: boolean;
  partitions: Array<PartitionState & { earliest: string | null; latest: string | null }>;
  configs: Array<{ name: string; value: string | null; source: string; sensitive: boolean; readOnly: boolean }>;
}

export interface GroupSummary { groupId: string; protocolType: string; state: string; members: number }

export interface GroupDetails {
  groupId: string;
  state: string;
  protocol: string;
  members: Array<{ memberId: string; clientId: string; host: string; partitions: string[] }>;
  offsets: Array<{ topic: string; partition: number; committed: string | null; logEnd: string | null; lag: string | null; owner: string | null }>;
  totalLag: string;
}

export interface AclRow { resourceType: string; name: string; patternType: string; principal: string; host: string; operation: string; permission: string }

const CONFIG_SOURCE_NAMES = new Map<number, string>(Object.entries(ConfigSource).map(([k, v]) => [v, k]));

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** How long one refresh waits for ZooKeeper (--zookeeper) before showing it as not answering. */
const ZOOKEEPER_READ_TIMEOUT_MS = 5000;

function requireInt(value: unknown, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new ConsoleError(400, `${what} must be an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, got '${String(value)}'`);
  return n;
}

function requireTopicName(name: unknown): string {
  if (typeof name !== 'string' || !TOPIC_NAME.test(name) || name === '.' || name === '..') {
    throw new ConsoleError(400, `invalid topic name '${String(name)}': up to 249 letters, digits, '.', '_' or '-'`);
  }
  return name;
}

/** Turns a CliError (a Kafka refusal worded by the shared tool code) into a ConsoleError. */
async function refusals<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CliError) throw new ConsoleError(409, err.message);
    throw err;
  }
}

export class ConsoleApi {
  readonly admin: AdminClient;
  private readonly kafka: KafkaClient;
  private kafkaAdmin: Promise<Admin> | null = null;
  private producer: Promise<Producer> | null = null;
  private readonly metrics: BrokerMetrics;
  private lastRates: BrokerRate[] = [];
  private zk: Promise<KafkaZkClient> | null = null;

  /** `zookeeper`: host:port[/chroot] of the cluster's ZooKeeper, read only (never written). */
  constructor(readonly bootstrap: string[], readonly readOnly: boolean, readonly zookeeper?: string) {
    this.admin = new AdminClient(bootstrap, { clientId: 'kafkats-console', requestTimeoutMs: 15_000 });
    this.kafka = createKafka(bootstrap, 'kafkats-console');
    this.metrics = new BrokerMetrics(this.admin);
  }

  private async groupsAdmin(): Promise<Admin> {
    if (!this.kafkaAdmin) {
      const admin = this.kafka.admin();
      this.kafkaAdmin = admin.connect().then(() => admin);
      this.kafkaAdmin.catch(() => (this.kafkaAdmin = null));
    }
    return this.kafkaAdmin;
  }

  private checkWritable(): void {
    if (this.readOnly) throw new ConsoleError(403, 'the console runs in read-only mode (--read-only)');
  }

  private async partitions(topics: readonly string[] | null): Promise<{ meta: Awaited<ReturnType<AdminClient['metadata']>>; states: PartitionState[] }> {
    const meta = await this.admin.metadata(topics);
    const states: PartitionState[] = [];
    for (const t of meta.topics) {
      if (t.name === null || t.errorCode !== Errors.NONE.code) continue;
      for (const p of t.partitions) {
        states.push({ topic: t.name, partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes, offline: p.offlineReplicas });
      }
    }
    states.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    return { meta, states };
  }

  /** Brokers, controller, partition health and bytes in/out (scraped now: call it once per refresh). */
  async cluster(): Promise<ClusterOverview> {
    const { meta, states } = await this.partitions(null);
    this.lastRates = await this.metrics.scrape(meta.brokers);
    const brokers = [...meta.brokers].sort((a, b) => a.nodeId - b.nodeId).map((b) => {
      const rate = this.lastRates.find((r) => r.brokerId === b.nodeId);
      return {
        id: b.nodeId, host: b.host, port: b.port, rack: b.rack,
        partitions: states.filter((s) => s.replicas.includes(b.nodeId)).length,
        leaders: states.filter((s) => s.leader === b.nodeId).length,
        bytesInPerSec: rate?.bytesInPerSec ?? null,
        bytesOutPerSec: rate?.bytesOutPerSec ?? null,
      };
    });
    const live = new Set(meta.brokers.map((b) => b.nodeId));
    const offlineBrokers = [...new Set(states.flatMap((s) => s.replicas))].filter((id) => !live.has(id)).sort((a, b) => a - b);
    return {
      clusterId: meta.clusterId,
      offlineBrokers,
      controllerId: meta.controllerId,
      brokers,
      topics: new Set(states.map((s) => s.topic)).size,
      partitions: states.length,
      underReplicated: states.filter((s) => s.leader >= 0 && s.isr.length < s.replicas.length),
      offline: states.filter((s) => s.leader < 0),
      rates: this.metrics.rateHistory(),
      readOnly: this.readOnly,
      zookeeper: await this.zookeeperView(),
    };
  }

  private async zookeeperView(): Promise<ZooKeeperView | null> {
    const connect = this.zookeeper;
    if (connect === undefined) return null;
    const read = async (): Promise<ZooKeeperView> => {
      if (!this.zk) {
        this.zk = KafkaZkClient.create({ connectString: connect, sessionTimeoutMs: 10_000, connectionTimeoutMs: 10_000, name: 'kafkats-console' });
        this.zk.catch(() => (this.zk = null));
      }
      const zk = await this.zk;
      const [epoch, brokers, deletions] = await Promise.all([zk.getControllerEpoch(), zk.getAllBrokerAndEpochsInCluster(), zk.getTopicDeletions()]);
      return {
        connect, error: null,
        controllerEpoch: epoch?.epoch ?? null,
        brokers: [...brokers].map(([id, b]) => ({ id, epoch: String(b.epoch) })),
        topicsPendingDeletion: [...deletions].sort(),
      };
    };
    // A ZooKeeper that does not answer must not hold up the page's live updates.
    let timer: TimerHandle | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = SYSTEM_TIME.setTimer(() => reject(new Error(`no answer within ${ZOOKEEPER_READ_TIMEOUT_MS} ms`)), ZOOKEEPER_READ_TIMEOUT_MS);
    });
    try {
      return await Promise.race([read(), timeout]);
    } catch (err) {
      return { connect, error: `cannot read ZooKeeper: ${(err as Error).message}`, controllerEpoch: null, brokers: [], topicsPendingDeletion: [] };
    } finally {
      timer?.cancel();
    }
  }

  /** The partition reassignments in progress (ListPartitionReassignments to the controller). */
  async reassignments(): Promise<ReassignmentRow[]> {
    const ongoing = await refusals(() => new AdminReassignmentCluster(this.admin).ongoing());
    return ongoing.map((r) => ({ topic: r.tp.topic, partition: r.tp.partition, replicas: r.replicas, adding: r.adding, removing: r.removing }))
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  async topics(): Promise<TopicSummary[]> {
    const { meta, states } = await this.partitions(null);
    return meta.topics
      .filter((t) => t.name !== null && t.errorCode === Errors.NONE.code)
      .map((t) => {
        const ps = states.filter((s) => s.topic === t.name);
        return {
          name: t.name!,
          internal: t.isInternal || isInternalTopic(t.name!),
          partitions: ps.length,
          replicationFactor: ps[0]?.replicas.length ?? 0,
          underReplicated: ps.filter((s) => s.leader >= 0 && s.isr.length < s.replicas.length).length,
          offline: ps.filter((s) => s.leader < 0).length,
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** ListOffsets to each partition's leader: [earliest, latest] per partition (null when it has no leader). */
  private async offsets(meta: Awaited<ReturnType<AdminClient['metadata']>>, states: PartitionState[]): Promise<Map<string, [bigint, bigint]>> {
    const out = new Map<string, [bigint, bigint]>();
    const byLeader = new Map<number, PartitionState[]>();
    for (const s of states) if (s.leader >= 0) byLeader.set(s.leader, [...(byLeader.get(s.leader) ?? []), s]);
    await Promise.all([...byLeader].map(async ([leader, ps]) => {
      const b = meta.brokers.find((x) => x.nodeId === leader);
      if (!b) return;
      const ask = async (timestamp: bigint) => {
        const byTopic = new Map<string, Array<{ partitionIndex: number; timestamp: bigint }>>();
        for (const p of ps) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), { partitionIndex: p.partition, timestamp }]);
        return this.admin.send(`${b.host}:${b.port}`, ApiKeys.LIST_OFFSETS, 1, { replicaId: -1, topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })) });
      };
      try {
        const [early, late] = await Promise.all([ask(EARLIEST_TIMESTAMP), ask(LATEST_TIMESTAMP)]);
        for (const t of early.topics) {
          for (const p of t.partitions) {
            const l = late.topics.find((x) => x.name === t.name)?.partitions.find((x) => x.partitionIndex === p.partitionIndex);
            if (p.errorCode === Errors.NONE.code && l && l.errorCode === Errors.NONE.code) out.set(`${t.name}\0${p.partitionIndex}`, [p.offset, l.offset]);
          }
        }
      } catch {
        // a leader that does not answer: its partitions show no offsets this time
      }
    }));
    return out;
  }

  async topic(nameParam: string): Promise<TopicDetails> {
    const name = requireTopicName(nameParam);
    const { meta, states } = await this.partitions([name]);
    const t = meta.topics[0];
    if (!t || t.errorCode === Errors.UNKNOWN_TOPIC_OR_PARTITION.code) throw new ConsoleError(404, `Topic '${name}' does not exist`);
    if (t.errorCode !== Errors.NONE.code) throw new ConsoleError(409, `topic ${name}: ${errorText(t.errorCode, null)}`);
    const offsets = await this.offsets(meta, states);
    const r = await this.admin.sendToAny(ApiKeys.DESCRIBE_CONFIGS, 1, {
      resources: [{ resourceType: 2, resourceName: name, configurationKeys: null }],
      includeSynonyms: false,
    });
    const res = r.results[0];
    const configs = res && res.errorCode === Errors.NONE.code
      ? res.configs.map((c) => ({
        name: c.name,
        // Never sent to a browser: a sensitive value stays on the server.
        value: c.isSensitive ? null : c.value,
        source: CONFIG_SOURCE_NAMES.get(c.configSource) ?? String(c.configSource),
        sensitive: c.isSensitive,
        readOnly: c.readOnly,
      })).sort((a, b) => a.name.localeCompare(b.name))
      : [];
    return {
      name,
      topicId: t.topicId,
      internal: t.isInternal || isInternalTopic(name),
      partitions: states.map((s) => {
        const o = offsets.get(`${s.topic}\0${s.partition}`);
        return { ...s, earliest: o ? String(o[0]) : null, latest: o ? String(o[1]) : null };
      }),
      configs,
    };
  }

  async createTopic(body: Record<string, unknown>): Promise<void> {
    this.checkWritable();
    const name = requireTopicName(body.name);
    const numPartitions = requireInt(body.partitions ?? 1, 'partitions', 1, 100_000);
    const replicationFactor = body.replicationFactor === undefined || body.replicationFactor === '' ? -1 : requireInt(body.replicationFactor, 'replication factor', 1, 32767);
    const configs = Object.entries((body.configs ?? {}) as Record<string, unknown>).map(([n, v]) => ({ name: n, value: String(v) }));
    const r = await this.admin.sendToController(ApiKeys.CREATE_TOPICS, 5, {
      topics: [{ name, numPartitions, replicationFactor, assignments: [], configs }],
      timeoutMs: 30_000,
      validateOnly: false,
    }, (x) => x.topics.some((t) => t.errorCode === NOT_CONTROLLER));
    const t = r.topics[0];
    if (!t) throw new ConsoleError(502, 'the broker answered CreateTopics without a result');
    if (t.errorCode !== Errors.NONE.code) throw new ConsoleError(409, errorText(t.errorCode, t.errorMessage));
  }

  async deleteTopic(nameParam: string): Promise<void> {
    this.checkWritable();
    const name = requireTopicName(nameParam);
    const r = await this.admin.sendToController(ApiKeys.DELETE_TOPICS, 4, { topicNames: [name], timeoutMs: 30_000 },
      (x) => x.responses.some((t) => t.errorCode === NOT_CONTROLLER));
    const t = r.responses[0];
    if (!t) throw new ConsoleError(502, 'the broker answered DeleteTopics without a result');
    if (t.errorCode !== Errors.NONE.code) throw new ConsoleError(409, errorText(t.errorCode, null));
  }

  async addPartitions(nameParam: string, body: Record<string, unknown>): Promise<void> {
    this.checkWritable();
    const name = requireTopicName(nameParam);
    const count = requireInt(body.count, 'partition count', 1, 100_000);
    const r = await this.admin.sendToController(ApiKeys.CREATE_PARTITIONS, 1, {
      topics: [{ name, count, assignments: null }], timeoutMs: 30_000, validateOnly: false,
    }, (x) => x.results.some((t) => t.errorCode === NOT_CONTROLLER));
    const t = r.results[0];
    if (!t) throw new ConsoleError(502, 'the broker answered CreatePartitions without a result');
    if (t.errorCode !== Errors.NONE.code) throw new ConsoleError(409, errorText(t.errorCode, t.errorMessage));
  }

  /**
   * Up to `limit` records of one partition from `offset` (a number, `earliest`, or `latest` for the
   * last `limit` records) or from the first record at or after `time` (ISO date or epoch ms).
   */
  async records(nameParam: string, q: URLSearchParams): Promise<{ partition: number; from: string; records: RecordView[] }> {
    const name = requireTopicName(nameParam);
    const partition = requireInt(q.get('partition') ?? '0', 'partition', 0);
    const limit = requireInt(q.get('limit') ?? '50', 'limit', 1, 500);
    const reader = new PartitionReader(this.admin, name, partition);
    return refusals(async () => {
      const earliest = await reader.offsetFor(EARLIEST_TIMESTAMP);
      const latest = await reader.offsetFor(LATEST_TIMESTAMP);
      let from: bigint;
      const time = q.get('time');
      const offset = (q.get('offset') ?? 'earliest').trim();
      if (time !== null && time.trim() !== '') {
        const ms = /^\d+$/.test(time.trim()) ? Number(time) : Date.parse(time);
        if (!Number.isFinite(ms)) throw new ConsoleError(400, `invalid time '${time}': an ISO date (2026-01-31T12:00:00Z) or epoch milliseconds`);
        from = await reader.offsetFor(BigInt(ms));
        if (from < 0n) from = latest;
      } else if (offset === 'earliest') from = earliest;
      else if (offset === 'latest') from = latest - BigInt(limit) > earliest ? latest - BigInt(limit) : earliest;
      else if (/^\d+$/.test(offset)) from = BigInt(offset) < earliest ? earliest : BigInt(offset);
      else throw new ConsoleError(400, `invalid offset '${offset}': a number, 'earliest' or 'latest'`);
      const out: RecordView[] = [];
      reader.seek(from);
      // Fetch until `limit` records or the log end (control batches advance the position without records).
      for (let polls = 0; polls < 20 && out.length < limit; polls++) {
        const records = await reader.poll(polls === 0 ? 0 : 100, EARLIEST_TIMESTAMP);
        for (const r of records) if (out.length < limit) out.push(viewOfRecord(r));
        if (records.length === 0 && BigInt(out.at(-1)?.offset ?? from) + 1n >= latest) break;
      }
      return { partition, from: String(from), records: out };
    });
  }

  async produce(nameParam: string, body: Record<string, unknown>): Promise<{ partition: number; offset: string }> {
    this.checkWritable();
    const topic = requireTopicName(nameParam);
    const partition = body.partition === undefined || body.partition === '' ? undefined : requireInt(body.partition, 'partition', 0);
    const str = (v: unknown, what: string): string | null => {
      if (v === undefined || v === null || v === '') return null;
      if (typeof v !== 'string') throw new ConsoleError(400, `${what} must be text`);
      return v;
    };
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((body.headers ?? {}) as Record<string, unknown>)) headers[k] = String(v);
    if (!this.producer) {
      const p = this.kafka.producer({ allowAutoTopicCreation: false });
      this.producer = p.connect().then(() => p);
      this.producer.catch(() => (this.producer = null));
    }
    const { states } = await this.partitions([topic]);
    if (states.length === 0) throw new ConsoleError(404, `Topic '${topic}' does not exist`);
    if (partition !== undefined && !states.some((x) => x.partition === partition)) {
      throw new ConsoleError(400, `partition ${partition} does not exist in topic ${topic} (it has ${states.length})`);
    }
    const producer = await this.producer;
    const [meta] = await producer.send({ topic, acks: -1, timeout: 15_000, messages: [{ key: str(body.key, 'key'), value: str(body.value, 'value'), headers, partition }] });
    if (!meta) throw new ConsoleError(502, 'the broker acknowledged nothing');
    return { partition: meta.partition, offset: meta.baseOffset ?? meta.offset ?? '-1' };
  }

  async groups(): Promise<GroupSummary[]> {
    const admin = await this.groupsAdmin();
    const { groups } = await admin.listGroups();
    const ids = groups.map((g) => g.groupId).sort();
    if (ids.length === 0) return [];
    const described = await admin.describeGroups(ids);
    return described.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, state: g.state, members: g.members.length }))
      .sort((a, b) => a.groupId.localeCompare(b.groupId));
  }

  async group(groupId: string): Promise<GroupDetails> {
    const g = await refusals(() => describeGroup(this.admin, groupId));
    if (g.state === 'Dead') throw new ConsoleError(404, `Consumer group '${groupId}' does not exist`);
    const committed = await refusals(() => committedOffsets(this.admin, groupId));
    const members = g.members;
    const owner = new Map<string, string>();
    for (const m of members) for (const tp of m.partitions) owner.set(`${tp.topic}\0${tp.partition}`, m.memberId);
    const topics = new Set<string>([...committed.keys(), ...members.flatMap((m) => m.partitions.map((p) => p.topic))]);
    const { meta, states } = await this.partitions([...topics]);
    const ends = await this.offsets(meta, states.filter((s) => committed.get(s.topic)?.has(s.partition) || owner.has(`${s.topic}\0${s.partition}`)));
    let total = 0n;
    const offsets = [...ends.keys(), ...[...committed].flatMap(([t, ps]) => [...ps.keys()].map((p) => `${t}\0${p}`)), ...owner.keys()]
      .filter((k, i, all) => all.indexOf(k) === i)
      .map((k) => {
        const [topic, p] = k.split('\0') as [string, string];
        const partition = Number(p);
        const current = committed.get(topic)?.get(partition);
        const end = ends.get(k)?.[1];
        const lag = current !== undefined && end !== undefined ? (end > current ? end - current : 0n) : null;
        if (lag !== null) total += lag;
        return { topic, partition, committed: current !== undefined ? String(current) : null, logEnd: end !== undefined ? String(end) : null, lag: lag !== null ? String(lag) : null, owner: owner.get(k) ?? null };
      })
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    return {
      groupId,
      state: g.state,
      protocol: g.protocol,
      members: members.map((m) => ({ memberId: m.memberId, clientId: m.clientId, host: m.host, partitions: m.partitions.map((p) => `${p.topic}-${p.partition}`) })),
      offsets,
      totalLag: String(total),
    };
  }

  /** Resets an inactive group's offsets of one topic to earliest, latest or an offset (clamped to the log, as Kafka does). */
  async resetOffsets(groupId: string, body: Record<string, unknown>): Promise<Array<{ partition: number; offset: string }>> {
    this.checkWritable();
    const topic = requireTopicName(body.topic);
    const to = body.to;
    if (to !== 'earliest' && to !== 'latest' && to !== 'offset') throw new ConsoleError(400, `reset to '${String(to)}'? use earliest, latest or offset`);
    const target = to === 'offset' ? BigInt(requireInt(body.offset, 'offset', 0)) : null;
    const g = await refusals(() => describeGroup(this.admin, groupId));
    const state = g.state;
    if (state !== 'Empty' && state !== 'Dead') {
      throw new ConsoleError(409, `Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${state}.`);
    }
    const { meta, states } = await this.partitions([topic]);
    if (states.length === 0) throw new ConsoleError(404, `Topic '${topic}' does not exist`);
    const ranges = await this.offsets(meta, states);
    const plan = states.map((s) => {
      const range = ranges.get(`${topic}\0${s.partition}`);
      if (!range) throw new ConsoleError(503, `no offsets for ${topic}-${s.partition}: it has no leader`);
      let offset = to === 'earliest' ? range[0] : to === 'latest' ? range[1] : target!;
      if (offset < range[0]) offset = range[0];
      if (offset > range[1]) offset = range[1];
      return { topic, partition: s.partition, offset };
    });
    await refusals(() => commitOffsets(this.admin, g.coordinator.address, groupId, plan));
    return plan.map((p) => ({ partition: p.partition, offset: String(p.offset) }));
  }

  async acls(): Promise<{ acls: AclRow[]; note: string | null }> {
    const r = await this.admin.sendToAny(ApiKeys.DESCRIBE_ACLS, 1, {
      resourceTypeFilter: ResourceType.values.ANY, resourceNameFilter: null, patternTypeFilter: PatternType.values.ANY,
      principalFilter: null, hostFilter: null, operation: AclOperation.values.ANY, permissionType: AclPermissionType.values.ANY,
    });
    if (r.errorCode === Errors.SECURITY_DISABLED.code) return { acls: [], note: 'No authorizer is configured on the cluster (SECURITY_DISABLED): there are no ACLs to show.' };
    if (r.errorCode !== Errors.NONE.code) throw new ConsoleError(409, errorText(r.errorCode, r.errorMessage));
    return {
      note: null,
      acls: r.resources.flatMap((res) => res.acls.map((a) => ({
        resourceType: ResourceType.name(res.resourceType), name: res.resourceName, patternType: PatternType.name(res.patternType),
        principal: a.principal, host: a.host, operation: AclOperation.name(a.operation), permission: AclPermissionType.name(a.permissionType),
      }))),
    };
  }

  async close(): Promise<void> {
    this.admin.close();
    await Promise.all([
      this.zk?.then((zk) => zk.close()).catch(() => undefined),
      this.kafkaAdmin?.then((a) => a.disconnect()).catch(() => undefined),
      this.producer?.then((p) => p.disconnect()).catch(() => undefined),
    ]);
  }
}
