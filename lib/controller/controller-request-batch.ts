/**
 * Kafka's ControllerBrokerRequestBatch: one controller step collects LeaderAndIsr per broker, one
 * UpdateMetadata for every live broker (covering each partition that got a LeaderAndIsr), and
 * StopReplica per broker, then sends them in that order. Versions are the newest of the ZK line
 * (what a 3.4+ controller sends): LeaderAndIsr v7, UpdateMetadata v8, StopReplica v4.
 */
import { ApiKeys } from '../protocol/index.js';
import type { LeaderAndIsrResponse, StopReplicaResponse } from '../protocol/generated/types.js';
import type { ControllerChannelManager } from './controller-channel-manager.js';
import type { ControllerContext } from './controller-context.js';
import type { LeaderIsrAndControllerEpoch } from '../zk/topic-znodes.js';
import { type TopicPartition, tpKey } from '../common/topic-partition.js';
import { ZERO_UUID } from '../protocol/reader.js';
import { groupBy } from '../utils/collections.js';

export const LEADER_AND_ISR_VERSION = 7;
export const UPDATE_METADATA_VERSION = 8;
export const STOP_REPLICA_VERSION = 4;
/** Leader id sent in UpdateMetadata for partitions of a topic being deleted. */
export const LEADER_DURING_DELETE = -2;
/** Leader epoch sent in StopReplica(delete=true) during topic deletion. */
export const EPOCH_DURING_DELETE = -2;

interface LeaderAndIsrEntry {
  tp: TopicPartition;
  leaderAndIsr: LeaderIsrAndControllerEpoch;
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
  isNew: boolean;
}

interface StopReplicaEntry {
  tp: TopicPartition;
  deletePartition: boolean;
  leaderEpoch: number;
}

/** What the batch needs of the channel manager (unit specs record the requests instead). */
export type ControllerRequestSender = Pick<ControllerChannelManager, 'sendRequest' | 'hasBroker'>;

export interface BatchCallbacks {
  onLeaderAndIsrResponse?(brokerId: number, response: LeaderAndIsrResponse): void;
  onStopReplicaResponse?(brokerId: number, response: StopReplicaResponse, partitions: TopicPartition[], deletePartition: boolean): void;
}

export class ControllerBrokerRequestBatch {
  private leaderAndIsr = new Map<number, Map<string, LeaderAndIsrEntry>>();
  private updateMetadataBrokers = new Set<number>();
  private updateMetadataPartitions = new Map<string, TopicPartition>();
  private stopReplica = new Map<number, Map<string, StopReplicaEntry>>();

  constructor(
    private readonly controllerId: number,
    private readonly context: ControllerContext,
    private readonly channel: ControllerRequestSender,
    private readonly callbacks: BatchCallbacks = {},
  ) {}

  newBatch(): void {
    if (this.leaderAndIsr.size + this.updateMetadataBrokers.size + this.stopReplica.size > 0) {
      throw new Error('controller request batch is not empty: a previous step did not send its requests');
    }
  }

  clear(): void {
    this.leaderAndIsr.clear();
    this.updateMetadataBrokers.clear();
    this.updateMetadataPartitions.clear();
    this.stopReplica.clear();
  }

  /**
   * Queues a LeaderAndIsr for `tp` to each broker. `replicas` is the partition's RS; during a
   * reassignment the request also carries the context's adding and removing replicas (KIP-455).
   */
  addLeaderAndIsrRequestForBrokers(brokerIds: Iterable<number>, tp: TopicPartition, leaderAndIsr: LeaderIsrAndControllerEpoch, replicas: number[], isNew: boolean): void {
    const full = this.context.partitionFullReplicaAssignment(tp);
    const sameRs = full.replicas.length === replicas.length && full.replicas.every((r, i) => r === replicas[i]);
    const addingReplicas = sameRs ? full.addingReplicas : [];
    const removingReplicas = sameRs ? full.removingReplicas : [];
    for (const b of brokerIds) {
      if (b < 0) continue;
      let m = this.leaderAndIsr.get(b);
      if (!m) {
        m = new Map();
        this.leaderAndIsr.set(b, m);
      }
      const prev = m.get(tpKey(tp));
      m.set(tpKey(tp), { tp, leaderAndIsr, replicas, addingReplicas, removingReplicas, isNew: isNew || (prev?.isNew ?? false) });
    }
    this.addUpdateMetadataRequestForBrokers(this.context.liveOrShuttingDownBrokerIds(), [tp]);
  }

  addUpdateMetadataRequestForBrokers(brokerIds: Iterable<number>, partitions: TopicPartition[]): void {
    for (const b of brokerIds) this.updateMetadataBrokers.add(b);
    for (const tp of partitions) this.updateMetadataPartitions.set(tpKey(tp), tp);
  }

  /**
   * Queues a StopReplica for `tp`. Its leader epoch is the partition's current one, -2
   * (EpochDuringDelete) while the topic is being deleted, -1 (NoEpoch) without leadership.
   */
  addStopReplicaRequestForBrokers(brokerIds: Iterable<number>, tp: TopicPartition, deletePartition: boolean): void {
    const l = this.context.partitionLeadershipInfo(tp);
    const leaderEpoch = l === undefined ? -1 : this.context.isTopicQueuedUpForDeletion(tp.topic) ? EPOCH_DURING_DELETE : l.leaderAndIsr.leaderEpoch;
    for (const b of brokerIds) {
      let m = this.stopReplica.get(b);
      if (!m) {
        m = new Map();
        this.stopReplica.set(b, m);
      }
      const prev = m.get(tpKey(tp));
      m.set(tpKey(tp), { tp, deletePartition: deletePartition || (prev?.deletePartition ?? false), leaderEpoch });
    }
  }

  sendRequestsToBrokers(controllerEpoch: number): void {
    this.sendLeaderAndIsr(controllerEpoch);
    this.sendUpdateMetadata(controllerEpoch);
    this.sendStopReplica(controllerEpoch);
    this.clear();
  }

  private brokerEpoch(brokerId: number): bigint {
    return this.context.liveBroker(brokerId)?.epoch ?? -1n;
  }

  private topicId(topic: string): string {
    return this.context.topicIds.get(topic) ?? ZERO_UUID;
  }

  private sendLeaderAndIsr(controllerEpoch: number): void {
    for (const [brokerId, entries] of this.leaderAndIsr) {
      if (!this.channel.hasBroker(brokerId)) continue;
      const byTopic = groupBy(entries.values(), (e) => e.tp.topic);
      const leaders = new Set([...entries.values()].map((e) => e.leaderAndIsr.leaderAndIsr.leader));
      const liveLeaders = this.context.liveBrokerList().filter((b) => leaders.has(b.id)).map((b) => {
        const ep = b.endpoints[0];
        return { brokerId: b.id, hostName: ep?.host ?? '', port: ep?.port ?? -1 };
      });
      this.channel.sendRequest(brokerId, ApiKeys.LEADER_AND_ISR, LEADER_AND_ISR_VERSION, {
        controllerId: this.controllerId,
        controllerEpoch,
        brokerEpoch: this.brokerEpoch(brokerId),
        type: 0,
        topicStates: [...byTopic].map(([topic, list]) => ({
          topicName: topic,
          topicId: this.topicId(topic),
          partitionStates: list.map((e) => ({
            topicName: topic,
            partitionIndex: e.tp.partition,
            controllerEpoch: e.leaderAndIsr.controllerEpoch,
            leader: e.leaderAndIsr.leaderAndIsr.leader,
            leaderEpoch: e.leaderAndIsr.leaderAndIsr.leaderEpoch,
            isr: e.leaderAndIsr.leaderAndIsr.isr,
            partitionEpoch: e.leaderAndIsr.leaderAndIsr.partitionEpoch,
            replicas: e.replicas,
            addingReplicas: e.addingReplicas,
            removingReplicas: e.removingReplicas,
            isNew: e.isNew,
            leaderRecoveryState: e.leaderAndIsr.leaderAndIsr.leaderRecoveryState,
          })),
        })),
        liveLeaders,
      }, (response) => this.callbacks.onLeaderAndIsrResponse?.(brokerId, response));
    }
  }

  private sendUpdateMetadata(controllerEpoch: number): void {
    if (this.updateMetadataBrokers.size === 0) return;
    const partitions = [...this.updateMetadataPartitions.values()];
    const byTopic = groupBy(partitions, (tp) => tp.topic);
    const live = this.context.liveOrShuttingDownBrokerIds();
    const topicStates = [...byTopic].map(([topic, tps]) => ({
      topicName: topic,
      topicId: this.topicId(topic),
      partitionStates: tps.map((tp) => {
        const l = this.context.partitionLeadershipInfo(tp);
        const replicas = this.context.partitionReplicaAssignment(tp);
        const deleting = this.context.isTopicQueuedUpForDeletion(tp.topic);
        return {
          topicName: topic,
          partitionIndex: tp.partition,
          controllerEpoch: l?.controllerEpoch ?? controllerEpoch,
          leader: deleting ? LEADER_DURING_DELETE : (l?.leaderAndIsr.leader ?? -1),
          leaderEpoch: l?.leaderAndIsr.leaderEpoch ?? -1,
          isr: l?.leaderAndIsr.isr ?? [],
          zkVersion: l?.leaderAndIsr.partitionEpoch ?? -1,
          replicas,
          offlineReplicas: replicas.filter((r) => !live.has(r) || !this.context.isReplicaOnline(r, tp, true)),
        };
      }),
    }));
    const liveBrokers = this.context.liveBrokerList().map((b) => ({
      id: b.id,
      endpoints: b.endpoints.map((e) => ({ port: e.port, host: e.host, listener: e.listener, securityProtocol: e.securityProtocol })),
      rack: b.rack,
    }));
    for (const brokerId of this.updateMetadataBrokers) {
      if (!this.channel.hasBroker(brokerId)) continue;
      this.channel.sendRequest(brokerId, ApiKeys.UPDATE_METADATA, UPDATE_METADATA_VERSION, {
        controllerId: this.controllerId,
        controllerEpoch,
        brokerEpoch: this.brokerEpoch(brokerId),
        topicStates,
        liveBrokers,
      });
    }
  }

  private sendStopReplica(controllerEpoch: number): void {
    for (const [brokerId, entries] of this.stopReplica) {
      if (!this.channel.hasBroker(brokerId)) continue;
      // One request per delete flag, so the callback knows which kind it is answering.
      for (const deletePartition of [false, true]) {
        const list = [...entries.values()].filter((e) => e.deletePartition === deletePartition);
        if (list.length === 0) continue;
        const byTopic = groupBy(list, (e) => e.tp.topic);
        this.channel.sendRequest(brokerId, ApiKeys.STOP_REPLICA, STOP_REPLICA_VERSION, {
          controllerId: this.controllerId,
          controllerEpoch,
          brokerEpoch: this.brokerEpoch(brokerId),
          deletePartitions: deletePartition,
          topicStates: [...byTopic].map(([topic, es]) => ({
            topicName: topic,
            partitionStates: es.map((e) => ({ partitionIndex: e.tp.partition, leaderEpoch: e.leaderEpoch, deletePartition: e.deletePartition })),
          })),
        }, (response) => this.callbacks.onStopReplicaResponse?.(brokerId, response, list.map((e) => e.tp), deletePartition));
      }
    }
  }
}
