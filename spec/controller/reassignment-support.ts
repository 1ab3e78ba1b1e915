/**
 * Unit-spec doubles for the controller's reassignment: an in-memory stand-in for the part of
 * KafkaZkClient the ReassignmentManager and the state machines use (topic znodes, partition state
 * znodes with versions and compare-and-set, /admin/reassign_partitions) and a request sender that
 * records what the controller batch sends. Real ZooKeeper stays in the integration specs.
 */
import { pino } from 'pino';
import { ApiKeys } from '../../lib/protocol/index.js';
import type { LeaderAndIsrRequest, StopReplicaRequest } from '../../lib/protocol/generated/types.js';
import { ControllerContext, type LiveBroker } from '../../lib/controller/controller-context.js';
import { ControllerBrokerRequestBatch } from '../../lib/controller/controller-request-batch.js';
import type { ControllerChannelManager } from '../../lib/controller/controller-channel-manager.js';
import { PartitionStateMachine } from '../../lib/controller/partition-state-machine.js';
import { ReplicaStateMachine } from '../../lib/controller/replica-state-machine.js';
import { TopicDeletionManager } from '../../lib/controller/topic-deletion-manager.js';
import { ReassignmentManager } from '../../lib/controller/reassignment-manager.js';
import { ControllerOperations } from '../../lib/controller/controller-operations.js';
import { PartitionState, ReplicaState } from '../../lib/controller/states.js';
import type { KafkaZkClient } from '../../lib/zk/kafka-zk-client.js';
import type { UpdateLeaderAndIsrResult } from '../../lib/zk/topic-zk-ops.js';
import { ReassignPartitionsZNode, PreferredReplicaElectionZNode } from '../../lib/zk/admin-znodes.js';
import type { LeaderAndIsr, LeaderIsrAndControllerEpoch, ReplicaAssignment } from '../../lib/zk/topic-znodes.js';
import type { ZNodeChangeHandler } from '../../lib/zk/zookeeper-client.js';
import { type TopicPartition, tpKey } from '../../lib/common/topic-partition.js';
import { setRootLogger } from '../../lib/utils/logger.js';

setRootLogger(pino({ level: process.env.KAFKATS_LOG_LEVEL ?? 'silent' }));

export function liveBroker(id: number): LiveBroker {
  return { id, epoch: BigInt(100 + id), rack: null, endpoints: [{ listener: 'PLAINTEXT', host: '127.0.0.1', port: 1, securityProtocol: 0 }] };
}

/** What the batch would have sent, per broker. */
export class RecordingSender {
  readonly sent: Array<{ brokerId: number; apiKey: number; body: unknown }> = [];

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

  /** The LeaderAndIsr partition states `brokerId` got for `tp`, in order. */
  leaderAndIsr(brokerId: number, tp: TopicPartition): Array<LeaderAndIsrRequest['topicStates'][number]['partitionStates'][number]> {
    return this.sent.filter((r) => r.brokerId === brokerId && r.apiKey === ApiKeys.LEADER_AND_ISR)
      .flatMap((r) => (r.body as LeaderAndIsrRequest).topicStates.filter((t) => t.topicName === tp.topic).flatMap((t) => t.partitionStates.filter((p) => p.partitionIndex === tp.partition)));
  }

  /** deletePartition flags of the StopReplicas `brokerId` got for `tp`, in order. */
  stopReplica(brokerId: number, tp: TopicPartition): boolean[] {
    return this.sent.filter((r) => r.brokerId === brokerId && r.apiKey === ApiKeys.STOP_REPLICA)
      .flatMap((r) => (r.body as StopReplicaRequest).topicStates.filter((t) => t.topicName === tp.topic).flatMap((t) => t.partitionStates.filter((p) => p.partitionIndex === tp.partition).map((p) => p.deletePartition)));
  }
}

interface StoredState { state: Omit<LeaderIsrAndControllerEpoch, 'leaderAndIsr'> & { leaderAndIsr: Omit<LeaderAndIsr, 'partitionEpoch'> }; version: number }

/** The znodes the reassignment touches, in maps, with ZooKeeper's versions and compare-and-set. */
export class InMemoryZk {
  readonly topics = new Map<string, { topicId: string | null; assignment: Map<number, ReplicaAssignment> }>();
  readonly states = new Map<string, StoredState>();
  /** /admin/reassign_partitions as its raw bytes (null: absent). */
  reassignZNode: Buffer | null = null;
  preferredZNode: Buffer | null = null;
  readonly handlers = new Map<string, ZNodeChangeHandler>();
  topicWrites = 0;

  putState(tp: TopicPartition, leader: number, isr: number[], leaderEpoch = 0, controllerEpoch = 1): void {
    const prev = this.states.get(tpKey(tp));
    this.states.set(tpKey(tp), { state: { leaderAndIsr: { leader, leaderEpoch, isr, leaderRecoveryState: 0 }, controllerEpoch }, version: (prev?.version ?? -1) + 1 });
  }

  state(tp: TopicPartition): LeaderIsrAndControllerEpoch {
    const s = this.states.get(tpKey(tp))!;
    return { leaderAndIsr: { ...s.state.leaderAndIsr, partitionEpoch: s.version }, controllerEpoch: s.state.controllerEpoch };
  }

  writeReassignment(entries: Array<{ topic: string; partition: number; replicas: number[] }>): void {
    this.reassignZNode = ReassignPartitionsZNode.encode(entries);
  }

  /** The subset of KafkaZkClient these components call. */
  client(): KafkaZkClient {
    const fake = {
      getTopicPartitionStates: async (partitions: Iterable<TopicPartition>) => {
        const out = new Map<TopicPartition, LeaderIsrAndControllerEpoch>();
        for (const p of partitions) if (this.states.has(tpKey(p))) out.set(p, this.state(p));
        return out;
      },
      updateLeaderAndIsr: async (updates: Map<TopicPartition, LeaderAndIsr>, controllerEpoch: number): Promise<UpdateLeaderAndIsrResult> => {
        const finishedPartitions = new Map<TopicPartition, LeaderAndIsr | Error>();
        const partitionsToRetry: TopicPartition[] = [];
        for (const [tp, l] of updates) {
          const s = this.states.get(tpKey(tp));
          if (!s || s.version !== l.partitionEpoch) {
            partitionsToRetry.push(tp);
            continue;
          }
          const { partitionEpoch: _, ...rest } = l;
          this.states.set(tpKey(tp), { state: { leaderAndIsr: rest, controllerEpoch }, version: s.version + 1 });
          finishedPartitions.set(tp, { ...l, partitionEpoch: s.version + 1 });
        }
        return { finishedPartitions, partitionsToRetry };
      },
      setTopicAssignment: async (topic: string, topicId: string | null, assignment: Map<number, ReplicaAssignment>) => {
        this.topicWrites++;
        this.topics.set(topic, { topicId, assignment: new Map(assignment) });
      },
      registerZNodeChangeHandlerAndCheckExistence: async (h: ZNodeChangeHandler) => {
        this.handlers.set(h.path, h);
        if (h.path === ReassignPartitionsZNode.path) return this.reassignZNode !== null;
        if (h.path === PreferredReplicaElectionZNode.path) return this.preferredZNode !== null;
        return false;
      },
      reassignPartitionsInProgress: async () => this.reassignZNode !== null,
      getPartitionReassignment: async () => {
        if (this.reassignZNode === null) return new Map();
        return new Map(ReassignPartitionsZNode.decode(this.reassignZNode).map((e) => [{ topic: e.topic, partition: e.partition }, e.replicas]));
      },
      setOrCreatePartitionReassignment: async (m: Map<TopicPartition, number[]>) => {
        this.reassignZNode = ReassignPartitionsZNode.encode([...m].map(([tp, replicas]) => ({ ...tp, replicas })));
      },
      deletePartitionReassignment: async () => {
        this.reassignZNode = null;
      },
      getPreferredReplicaElection: async () => (this.preferredZNode === null ? [] : PreferredReplicaElectionZNode.decode(this.preferredZNode)),
      deletePreferredReplicaElection: async () => {
        this.preferredZNode = null;
      },
    };
    return fake as unknown as KafkaZkClient;
  }

  /** A reassignment's target joined the ISR as the leader's AlterPartition would have made it (a version bump). */
  expandIsr(tp: TopicPartition, isr: number[]): void {
    const s = this.states.get(tpKey(tp))!;
    this.states.set(tpKey(tp), { state: { ...s.state, leaderAndIsr: { ...s.state.leaderAndIsr, isr } }, version: s.version + 1 });
  }
}

/** A controller's components on the in-memory ZooKeeper, with the given brokers live. */
export class ControllerFixture {
  readonly context = new ControllerContext();
  readonly zk = new InMemoryZk();
  readonly sender: RecordingSender;
  readonly batch: ControllerBrokerRequestBatch;
  readonly psm: PartitionStateMachine;
  readonly rsm: ReplicaStateMachine;
  readonly deletion: TopicDeletionManager;
  readonly reassignments: ReassignmentManager;
  readonly ops: ControllerOperations;
  zkReassignmentEvents = 0;
  readonly reassignHandler: ZNodeChangeHandler = { path: ReassignPartitionsZNode.path };

  constructor(liveBrokers: number[]) {
    this.context.epoch = 5;
    this.context.epochZkVersion = 4;
    this.context.setLiveBrokers(liveBrokers.map(liveBroker));
    this.sender = new RecordingSender(this.context);
    const zk = this.zk.client();
    this.batch = new ControllerBrokerRequestBatch(0, this.context, this.sender as unknown as ControllerChannelManager);
    this.psm = new PartitionStateMachine(0, this.context, zk, this.batch, async () => false);
    this.rsm = new ReplicaStateMachine(0, this.context, zk, this.batch);
    this.deletion = new TopicDeletionManager(this.context, zk, this.psm, this.rsm, this.batch, true);
    this.reassignments = new ReassignmentManager(0, this.context, zk, this.batch, this.psm, this.rsm, this.deletion, this.reassignHandler, () => this.zkReassignmentEvents++);
    this.ops = new ControllerOperations(0, this.context, zk, this.batch, this.psm, this.rsm, this.reassignments);
  }

  /** A topic as failover would load it: assignment (maybe mid-reassignment), online leader, replicas online. */
  addTopic(topic: string, partitions: Array<{ assignment: ReplicaAssignment | number[]; leader: number; isr: number[]; leaderEpoch?: number }>): void {
    const assignment = new Map<number, ReplicaAssignment>();
    partitions.forEach((p, partition) => {
      const full = Array.isArray(p.assignment) ? { replicas: p.assignment, addingReplicas: [], removingReplicas: [] } : p.assignment;
      assignment.set(partition, full);
      const tp = { topic, partition };
      this.context.updatePartitionFullReplicaAssignment(tp, full);
      if (full.addingReplicas.length + full.removingReplicas.length > 0) this.context.partitionsBeingReassigned.set(tpKey(tp), tp);
      this.zk.putState(tp, p.leader, p.isr, p.leaderEpoch ?? 0);
      this.context.putPartitionLeadershipInfo(tp, this.zk.state(tp));
      this.context.putPartitionState(tp, PartitionState.OnlinePartition);
      for (const r of full.replicas) this.context.putReplicaState({ tp, replica: r }, this.context.liveBroker(r) ? ReplicaState.OnlineReplica : ReplicaState.OfflineReplica);
    });
    this.context.topicIds.set(topic, 'AAAAAAAAAAAAAAAAAAAAAQ');
    this.zk.topics.set(topic, { topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', assignment });
  }
}
