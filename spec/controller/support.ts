/**
 * In-memory doubles for unit specs of the controller: a KafkaZkClient that keeps brokers, topics,
 * /controller and partition state znodes in maps (versions, compare-and-set and controller-epoch
 * fencing as ZooKeeper does them), a request sender that records what the controller batch sends
 * to each broker, and a capture of the state.change.logger lines. No ZooKeeper, no network: real
 * ZooKeeper stays in the integration specs.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { ApiKeys } from '../../lib/protocol/index.js';
import type { LeaderAndIsrRequest, StopReplicaRequest, UpdateMetadataRequest } from '../../lib/protocol/generated/types.js';
import type { ControllerRequestSender } from '../../lib/controller/controller-request-batch.js';
import { ControllerContext, type LiveBroker } from '../../lib/controller/controller-context.js';
import { ControllerBrokerRequestBatch } from '../../lib/controller/controller-request-batch.js';
import type { BrokerAndEpoch } from '../../lib/zk/broker-zk-ops.js';
import type { KafkaZkClient } from '../../lib/zk/kafka-zk-client.js';
import type { UpdateLeaderAndIsrResult } from '../../lib/zk/topic-zk-ops.js';
import { ControllerMovedError, NodeExistsError } from '../../lib/zk/keeper-errors.js';
import { ControllerZNode } from '../../lib/zk/controller-znodes.js';
import { PreferredReplicaElectionZNode, ReassignPartitionsZNode } from '../../lib/zk/admin-znodes.js';
import type { BrokerInfo } from '../../lib/zk/broker-znodes.js';
import type { LeaderAndIsr, LeaderIsrAndControllerEpoch, TopicIdReplicaAssignment } from '../../lib/zk/topic-znodes.js';
import type { StateChangeHandler, ZNodeChangeHandler, ZNodeChildChangeHandler } from '../../lib/zk/zookeeper-client.js';
import { type TopicPartition, tpKey } from '../../lib/common/topic-partition.js';
import { rootLogger, setRootLogger } from '../../lib/utils/logger.js';

setRootLogger(pino({ level: process.env.KAFKATS_LOG_LEVEL ?? 'silent' }));

/** Lets queued promise continuations and one macrotask run (no timers involved). */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Collects the JSON lines of every logger created while it is installed (create the component after install()). */
export class LogCapture {
  readonly lines: Array<{ level: number; component?: string; msg: string }> = [];
  private previous = rootLogger();

  install(): this {
    this.previous = rootLogger();
    const stream = new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        for (const l of chunk.toString().split('\n')) if (l) this.lines.push(JSON.parse(l) as { level: number; msg: string });
        cb();
      },
    });
    setRootLogger(pino({ level: 'info' }, stream));
    return this;
  }

  restore(): void {
    setRootLogger(this.previous);
  }

  /** Error-level lines (pino level 50) of the state.change.logger. */
  stateChangeErrors(): string[] {
    return this.lines.filter((l) => l.component === 'state.change.logger' && l.level >= 50).map((l) => l.msg);
  }
}

/** Endpoints point at privileged ports nothing listens on: no traffic could reach a real broker. */
export function liveBroker(id: number): LiveBroker {
  return { id, epoch: BigInt(100 + id), rack: null, endpoints: [{ listener: 'PLAINTEXT', host: '127.0.0.1', port: id, securityProtocol: 0 }] };
}

export interface SentRequest {
  brokerId: number;
  apiKey: number;
  body: unknown;
}

/** Records the requests of ControllerBrokerRequestBatch per broker instead of sending them. */
export class RecordingRequestSender implements ControllerRequestSender {
  readonly sent: SentRequest[] = [];

  constructor(private readonly context: ControllerContext) {}

  hasBroker(brokerId: number): boolean {
    return this.context.liveBroker(brokerId) !== undefined;
  }

  sendRequest(brokerId: number, apiKey: number, _version: number, body: unknown): void {
    this.sent.push({ brokerId, apiKey, body });
  }

  clear(): void {
    this.sent.length = 0;
  }

  /** LeaderAndIsr partition states sent to `brokerId`, as `topic-partition` → state. */
  leaderAndIsrTo(brokerId: number): Map<string, LeaderAndIsrRequest['topicStates'][number]['partitionStates'][number]> {
    const out = new Map<string, LeaderAndIsrRequest['topicStates'][number]['partitionStates'][number]>();
    for (const r of this.sent) {
      if (r.brokerId !== brokerId || r.apiKey !== ApiKeys.LEADER_AND_ISR) continue;
      for (const t of (r.body as LeaderAndIsrRequest).topicStates) for (const p of t.partitionStates) out.set(`${t.topicName}-${p.partitionIndex}`, p);
    }
    return out;
  }

  /** Brokers that got a LeaderAndIsr for `tp`. */
  leaderAndIsrRecipients(tp: TopicPartition): number[] {
    return [...new Set(this.sent.filter((r) => r.apiKey === ApiKeys.LEADER_AND_ISR && this.leaderAndIsrTo(r.brokerId).has(tpKey(tp))).map((r) => r.brokerId))].sort();
  }

  /** Brokers that got an UpdateMetadata naming `tp`. */
  updateMetadataRecipients(tp: TopicPartition): number[] {
    return [...new Set(this.sent.filter((r) => r.apiKey === ApiKeys.UPDATE_METADATA
      && (r.body as UpdateMetadataRequest).topicStates.some((t) => t.partitionStates.some((p) => p.topicName === tp.topic && p.partitionIndex === tp.partition)))
      .map((r) => r.brokerId))].sort();
  }

  /** StopReplica partitions sent to `brokerId`: `topic-partition` → deletePartition. */
  stopReplicaTo(brokerId: number): Map<string, boolean> {
    const out = new Map<string, boolean>();
    for (const r of this.sent) {
      if (r.brokerId !== brokerId || r.apiKey !== ApiKeys.STOP_REPLICA) continue;
      for (const t of (r.body as StopReplicaRequest).topicStates) for (const p of t.partitionStates) out.set(`${t.topicName}-${p.partitionIndex}`, p.deletePartition);
    }
    return out;
  }
}

interface StoredState {
  leaderAndIsr: Omit<LeaderAndIsr, 'partitionEpoch'>;
  controllerEpoch: number;
  /** The znode's version (Kafka's partition epoch). */
  version: number;
}

/**
 * The parts of KafkaZkClient the controller uses, kept in memory. Partition state znodes have a
 * version bumped on every write, compare-and-set (BADVERSION → partitionsToRetry) and the
 * controller-epoch fence (ControllerMovedError); /controller and /brokers/ids fire the handlers
 * registered for them.
 */
export class FakeKafkaZkClient {
  readonly brokers = new Map<number, BrokerAndEpoch>();
  readonly topics = new Map<string, { topicId: string | null; assignment: Map<number, number[]> }>();
  private readonly states = new Map<string, StoredState>();
  controllerId: number | null = null;
  controllerEpoch = 0;
  controllerEpochZkVersion = 0;
  /** Every successful partition state write, in order. */
  readonly stateWrites: Array<{ tp: TopicPartition; leaderAndIsr: LeaderAndIsr; controllerEpoch: number; created: boolean }> = [];
  /** Partitions whose next updateLeaderAndIsr fails with BADVERSION (a leader wrote meanwhile). */
  readonly badVersionOnce = new Set<string>();
  readonly changeHandlers = new Map<string, ZNodeChangeHandler>();
  readonly childHandlers = new Map<string, ZNodeChildChangeHandler>();
  readonly stateChangeHandlers: StateChangeHandler[] = [];

  /** The double, typed as the client the controller takes (every method it has must match the real one's signature). */
  asKafkaZkClient(): KafkaZkClient {
    const checked: Pick<KafkaZkClient, keyof FakeKafkaZkClient & keyof KafkaZkClient> = this;
    return checked as unknown as KafkaZkClient;
  }

  addBroker(id: number): void {
    const broker: BrokerInfo = { id, endpoints: [{ listenerName: 'PLAINTEXT', host: '127.0.0.1', port: id, securityProtocol: 'PLAINTEXT' }], rack: null };
    this.brokers.set(id, { broker, epoch: BigInt(100 + id) });
  }

  setPartitionState(tp: TopicPartition, leader: number, leaderEpoch: number, isr: number[], controllerEpoch = 1, leaderRecoveryState = 0): void {
    this.states.set(tpKey(tp), { leaderAndIsr: { leader, leaderEpoch, isr, leaderRecoveryState }, controllerEpoch, version: 0 });
  }

  partitionState(tp: TopicPartition): LeaderIsrAndControllerEpoch | undefined {
    const s = this.states.get(tpKey(tp));
    return s && { leaderAndIsr: { ...s.leaderAndIsr, partitionEpoch: s.version }, controllerEpoch: s.controllerEpoch };
  }

  private fence(expectedControllerEpochZkVersion: number): void {
    if (expectedControllerEpochZkVersion !== this.controllerEpochZkVersion) {
      throw new ControllerMovedError(`controller epoch zkVersion is ${this.controllerEpochZkVersion}, not ${expectedControllerEpochZkVersion}`);
    }
  }

  // ---- partition state (the state machines) ----

  getTopicPartitionStates(partitions: Iterable<TopicPartition>): Promise<Map<TopicPartition, LeaderIsrAndControllerEpoch>> {
    const out = new Map<TopicPartition, LeaderIsrAndControllerEpoch>();
    for (const tp of partitions) {
      const s = this.partitionState(tp);
      if (s) out.set(tp, s);
    }
    return Promise.resolve(out);
  }

  createTopicPartitionStatesRaw(states: Map<TopicPartition, LeaderIsrAndControllerEpoch>, expectedControllerEpochZkVersion: number): Promise<Map<TopicPartition, Error | null>> {
    this.fence(expectedControllerEpochZkVersion);
    const out = new Map<TopicPartition, Error | null>();
    for (const [tp, s] of states) {
      if (this.states.has(tpKey(tp))) {
        out.set(tp, new NodeExistsError(`/brokers/topics/${tp.topic}/partitions/${tp.partition}/state`));
        continue;
      }
      const { partitionEpoch: _ignored, ...rest } = s.leaderAndIsr;
      this.states.set(tpKey(tp), { leaderAndIsr: rest, controllerEpoch: s.controllerEpoch, version: 0 });
      this.stateWrites.push({ tp, leaderAndIsr: { ...s.leaderAndIsr, partitionEpoch: 0 }, controllerEpoch: s.controllerEpoch, created: true });
      out.set(tp, null);
    }
    return Promise.resolve(out);
  }

  updateLeaderAndIsr(updates: Map<TopicPartition, LeaderAndIsr>, controllerEpoch: number, expectedControllerEpochZkVersion: number): Promise<UpdateLeaderAndIsrResult> {
    this.fence(expectedControllerEpochZkVersion);
    const finishedPartitions = new Map<TopicPartition, LeaderAndIsr | Error>();
    const partitionsToRetry: TopicPartition[] = [];
    for (const [tp, l] of updates) {
      const key = tpKey(tp);
      const cur = this.states.get(key);
      if (!cur) {
        finishedPartitions.set(tp, new Error(`NoNode for ${key}`));
        continue;
      }
      if (this.badVersionOnce.delete(key)) {
        cur.version++;
        partitionsToRetry.push(tp);
        continue;
      }
      if (cur.version !== l.partitionEpoch) {
        partitionsToRetry.push(tp); // BADVERSION
        continue;
      }
      const { partitionEpoch: _ignored, ...rest } = l;
      this.states.set(key, { leaderAndIsr: rest, controllerEpoch, version: cur.version + 1 });
      const written = { ...l, partitionEpoch: cur.version + 1 };
      this.stateWrites.push({ tp, leaderAndIsr: written, controllerEpoch, created: false });
      finishedPartitions.set(tp, written);
    }
    return Promise.resolve({ finishedPartitions, partitionsToRetry });
  }

  // ---- controller election ----

  getControllerId(): Promise<number | null> {
    return Promise.resolve(this.controllerId);
  }

  getControllerEpoch(): Promise<{ epoch: number; zkVersion: number } | null> {
    return Promise.resolve(this.controllerEpochZkVersion === 0 ? null : { epoch: this.controllerEpoch, zkVersion: this.controllerEpochZkVersion });
  }

  registerControllerAndIncrementControllerEpoch(controllerId: number): Promise<{ epoch: number; epochZkVersion: number }> {
    if (this.controllerId !== null) return Promise.reject(new ControllerMovedError(`Controller moved to ${this.controllerId}`));
    this.controllerId = controllerId;
    this.controllerEpoch++;
    this.controllerEpochZkVersion++;
    return Promise.resolve({ epoch: this.controllerEpoch, epochZkVersion: this.controllerEpochZkVersion });
  }

  deleteController(expectedControllerEpochZkVersion: number): Promise<void> {
    this.fence(expectedControllerEpochZkVersion);
    this.controllerId = null;
    this.changeHandlers.get(ControllerZNode.path)?.handleDeletion?.();
    return Promise.resolve();
  }

  /** Another broker became controller (it won the /controller race after a new epoch). */
  electOtherController(brokerId: number): void {
    this.controllerId = brokerId;
    this.controllerEpoch++;
    this.controllerEpochZkVersion++;
    this.changeHandlers.get(ControllerZNode.path)?.handleDataChange?.();
  }

  // ---- brokers and topics ----

  getAllBrokerAndEpochsInCluster(): Promise<Map<number, BrokerAndEpoch>> {
    return Promise.resolve(new Map([...this.brokers].sort(([a], [b]) => a - b)));
  }

  getBrokerAndEpoch(brokerId: number): Promise<BrokerAndEpoch | null> {
    return Promise.resolve(this.brokers.get(brokerId) ?? null);
  }

  getBroker(brokerId: number): Promise<BrokerInfo | null> {
    return Promise.resolve(this.brokers.get(brokerId)?.broker ?? null);
  }

  getAllTopicsInCluster(): Promise<string[]> {
    return Promise.resolve([...this.topics.keys()]);
  }

  getReplicaAssignmentAndTopicIdForTopics(topics: Iterable<string>): Promise<TopicIdReplicaAssignment[]> {
    const out: TopicIdReplicaAssignment[] = [];
    for (const topic of topics) {
      const t = this.topics.get(topic);
      if (!t) continue;
      out.push({ topic, topicId: t.topicId, assignment: new Map([...t.assignment].map(([p, replicas]) => [p, { replicas, addingReplicas: [], removingReplicas: [] }])) });
    }
    return Promise.resolve(out);
  }

  getReplicaAssignmentForTopics(topics: Iterable<string>): Promise<Map<string, Map<number, number[]>>> {
    return Promise.resolve(new Map([...topics].flatMap((t) => {
      const a = this.topics.get(t);
      return a ? [[t, new Map(a.assignment)] as const] : [];
    })));
  }

  setTopicAssignment(topic: string, topicId: string | null, assignment: Map<number, number[]>, expectedControllerEpochZkVersion: number): Promise<void> {
    this.fence(expectedControllerEpochZkVersion);
    this.topics.set(topic, { topicId, assignment: new Map(assignment) });
    return Promise.resolve();
  }

  getTopicDeletions(): Promise<string[]> {
    return Promise.resolve([]);
  }

  deleteTopicDeletions(): Promise<void> {
    return Promise.resolve();
  }

  deleteIsrChangeNotifications(): Promise<void> {
    return Promise.resolve();
  }

  deleteLogDirEventNotifications(): Promise<void> {
    return Promise.resolve();
  }

  getAllLogDirEventNotifications(): Promise<string[]> {
    return Promise.resolve([]);
  }

  getBrokerIdFromLogDirEvents(): Promise<number[]> {
    return Promise.resolve([]);
  }

  // ---- admin znodes: no reassignment and no preferred election pending ----

  reassignPartitionsInProgress(): Promise<boolean> {
    return Promise.resolve(false);
  }

  getPartitionReassignment(): Promise<Map<TopicPartition, number[]>> {
    return Promise.resolve(new Map());
  }

  deletePartitionReassignment(expectedControllerEpochZkVersion: number): Promise<void> {
    this.fence(expectedControllerEpochZkVersion);
    return Promise.resolve();
  }

  getPreferredReplicaElection(): Promise<TopicPartition[]> {
    return Promise.resolve([]);
  }

  deletePreferredReplicaElection(expectedControllerEpochZkVersion: number): Promise<void> {
    this.fence(expectedControllerEpochZkVersion);
    return Promise.resolve();
  }

  // ---- watches ----

  registerStateChangeHandler(handler: StateChangeHandler): void {
    this.stateChangeHandlers.push(handler);
  }

  registerZNodeChangeHandlerAndCheckExistence(handler: ZNodeChangeHandler): Promise<boolean> {
    this.changeHandlers.set(handler.path, handler);
    if (handler.path === ReassignPartitionsZNode.path || handler.path === PreferredReplicaElectionZNode.path) return Promise.resolve(false);
    return Promise.resolve(handler.path === ControllerZNode.path ? this.controllerId !== null : true);
  }

  registerZNodeChangeHandler(handler: ZNodeChangeHandler): void {
    this.changeHandlers.set(handler.path, handler);
  }

  unregisterZNodeChangeHandler(path: string): void {
    this.changeHandlers.delete(path);
  }

  registerZNodeChildChangeHandler(handler: ZNodeChildChangeHandler): void {
    this.childHandlers.set(handler.path, handler);
  }

  unregisterZNodeChildChangeHandler(path: string): void {
    this.childHandlers.delete(path);
  }
}

/** What a controller state machine spec starts from (controllerAtEpoch). */
export interface ControllerFixture {
  context: ControllerContext;
  zk: FakeKafkaZkClient;
  sender: RecordingRequestSender;
  batch: ControllerBrokerRequestBatch;
}

/**
 * Controller 0 at `epoch` (its /controller_epoch at zkVersion 4 in the fake ZooKeeper and in the
 * context) with brokers `live` registered, `shuttingDown` among them, and a recording request batch.
 */
export function controllerAtEpoch(epoch: number, opts: { live?: number[]; shuttingDown?: number[] } = {}): ControllerFixture {
  const context = new ControllerContext();
  context.epoch = epoch;
  context.epochZkVersion = 4;
  const zk = new FakeKafkaZkClient();
  zk.controllerEpoch = epoch;
  zk.controllerEpochZkVersion = 4;
  context.setLiveBrokers((opts.live ?? [1, 2, 3]).map(liveBroker));
  for (const id of opts.shuttingDown ?? []) context.shuttingDownBrokerIds.add(id);
  const sender = new RecordingRequestSender(context);
  return { context, zk, sender, batch: new ControllerBrokerRequestBatch(0, context, sender) };
}
