/**
 * What the active controller does in answer to events and requests (Kafka's KafkaController
 * onBrokerStartup / onBrokerFailure / onNewPartitionCreation / tryProcessAlterPartition /
 * doControlledShutdown / onReplicaElection / checkAndTriggerAutoLeaderRebalance, and the
 * reassignment requests handed to the ReassignmentManager). Always run on the controller's event queue. An inactive controller's instance answers NOT_CONTROLLER.
 */
import type { ControllerContext, PartitionReplica } from './controller-context.js';
import type { ControllerBrokerRequestBatch } from './controller-request-batch.js';
import type { PartitionStateMachine } from './partition-state-machine.js';
import type { ReplicaStateMachine } from './replica-state-machine.js';
import type { OngoingReassignment, ReassignmentError, ReassignmentManager } from './reassignment-manager.js';
import { PartitionState, ReplicaState } from './states.js';
import type { KafkaZkClient } from '../zk/kafka-zk-client.js';
import { InvalidZNodeDataError } from '../zk/znode-json.js';
import type { LeaderAndIsr } from '../zk/topic-znodes.js';
import type { ZNodeChangeHandler } from '../zk/zookeeper-client.js';
import { Errors, BrokerNotAvailableError, NotControllerError, StaleBrokerEpochError } from '../protocol/errors.js';
import { type TopicPartition, tpKey } from '../common/topic-partition.js';
import { logger } from '../utils/logger.js';

export interface AlterPartitionEntry {
  tp: TopicPartition;
  leaderEpoch: number;
  newIsr: number[];
  leaderRecoveryState: number;
  partitionEpoch: number;
}

export type AlterPartitionOutcome =
  | { tp: TopicPartition; errorCode: typeof Errors.NONE.code; leaderAndIsr: LeaderAndIsr }
  | { tp: TopicPartition; errorCode: number };

export class ControllerOperations {
  private readonly log = logger('kafka.controller.KafkaController');
  private inactive = false;

  constructor(
    private readonly controllerId: number,
    private readonly context: ControllerContext,
    private readonly zkClient: KafkaZkClient,
    private readonly batch: ControllerBrokerRequestBatch,
    private readonly psm: PartitionStateMachine,
    private readonly rsm: ReplicaStateMachine,
    private readonly reassignments: ReassignmentManager,
  ) {}

  /** A view of these operations that refuses everything with NOT_CONTROLLER. */
  asInactive(): ControllerOperations {
    const o = new ControllerOperations(this.controllerId, this.context, this.zkClient, this.batch, this.psm, this.rsm, this.reassignments);
    o.inactive = true;
    return o;
  }

  private ensureActive(): void {
    if (this.inactive) throw new NotControllerError(`Broker ${this.controllerId} is not the controller`);
  }

  sendUpdateMetadataRequest(brokers: Iterable<number>, partitions: TopicPartition[]): void {
    this.batch.newBatch();
    this.batch.addUpdateMetadataRequestForBrokers(brokers, partitions);
    this.batch.sendRequestsToBrokers(this.context.epoch);
  }

  /** New brokers learn everything, the others learn the broker list; their replicas go online. */
  async onBrokerStartup(newBrokers: number[]): Promise<void> {
    this.log.info(`New broker startup callback for ${newBrokers.join(',')}`);
    const newSet = new Set(newBrokers);
    const existing = [...this.context.liveOrShuttingDownBrokerIds()].filter((b) => !newSet.has(b));
    this.sendUpdateMetadataRequest(existing, []);
    const withLeaders = this.context.allPartitions().filter((tp) => this.context.partitionLeadershipInfo(tp) !== undefined);
    this.sendUpdateMetadataRequest(newBrokers, withLeaders);
    const replicas = this.context.replicasOnBrokers(newSet).filter((r) => !this.context.isTopicQueuedUpForDeletion(r.tp.topic));
    await this.rsm.handleStateChanges(replicas, ReplicaState.OnlineReplica);
    await this.psm.triggerOnlinePartitionStateChange();
  }

  /** Partitions led by dead brokers are re-elected; their replicas go offline (removed from ISRs). */
  async onBrokerFailure(deadBrokers: number[]): Promise<void> {
    if (deadBrokers.length === 0) return;
    this.log.info(`Broker failure callback for ${deadBrokers.join(',')}`);
    await this.onReplicasBecomeOffline(this.context.replicasOnBrokers(new Set(deadBrokers)));
  }

  /**
   * KafkaController.onBrokerLogDirFailure: a broker wrote /log_dir_event_notification; every one of
   * its replicas gets a LeaderAndIsr, which it answers with KAFKA_STORAGE_ERROR for replicas on a
   * failed dir (see onLeaderAndIsrResponse).
   */
  async onBrokerLogDirFailure(brokerIds: number[]): Promise<void> {
    const live = new Set(brokerIds.filter((b) => this.context.liveBroker(b) !== undefined));
    if (live.size === 0) return;
    this.log.info(`Handling log directory failure for brokers ${[...live].join(',')}`);
    const replicas = this.context.replicasOnBrokers(live).filter((r) => !this.context.isTopicQueuedUpForDeletion(r.tp.topic));
    await this.rsm.handleStateChanges(replicas, ReplicaState.OnlineReplica);
  }

  /**
   * KafkaController.onLeaderAndIsrResponseReceived: replicas answered KAFKA_STORAGE_ERROR are on a
   * failed dir (offline), those answered NONE are online again; newly offline ones are handled
   * like replicas of a dead broker.
   */
  async onLeaderAndIsrResponse(brokerId: number, errors: Array<{ tp: TopicPartition; errorCode: number }>): Promise<void> {
    if (this.context.liveBroker(brokerId) === undefined) return;
    const previous = this.context.replicasOnOfflineDirs.get(brokerId) ?? new Set<string>();
    const current = new Set(previous);
    const newlyOffline: TopicPartition[] = [];
    for (const { tp, errorCode } of errors) {
      if (errorCode === Errors.KAFKA_STORAGE_ERROR.code) {
        if (!previous.has(tpKey(tp))) newlyOffline.push(tp);
        current.add(tpKey(tp));
      } else if (errorCode === Errors.NONE.code) {
        current.delete(tpKey(tp));
      }
    }
    this.context.replicasOnOfflineDirs.set(brokerId, current);
    if (newlyOffline.length === 0) return;
    this.log.info(`Mark replicas ${newlyOffline.map(tpKey).join(',')} on broker ${brokerId} as offline`);
    await this.onReplicasBecomeOffline(newlyOffline.map((tp) => ({ tp, replica: brokerId })));
  }

  /** KafkaController.onReplicasBecomeOffline: re-elect partitions whose leader is gone; the replicas leave the ISRs. */
  private async onReplicasBecomeOffline(replicas: PartitionReplica[]): Promise<void> {
    const leaderless = this.context.allPartitions().filter((tp) => {
      const l = this.context.partitionLeadershipInfo(tp);
      return l !== undefined && l.leaderAndIsr.leader >= 0 && !this.context.isReplicaOnline(l.leaderAndIsr.leader, tp, true) && !this.context.isTopicQueuedUpForDeletion(tp.topic);
    });
    await this.psm.handleStateChanges(leaderless, PartitionState.OfflinePartition);
    await this.psm.triggerOnlinePartitionStateChange();
    const notDeleting = replicas.filter((r) => !this.context.isTopicQueuedUpForDeletion(r.tp.topic));
    await this.rsm.handleStateChanges(notDeleting, ReplicaState.OfflineReplica);
    const deleting = replicas.filter((r) => this.context.isTopicQueuedUpForDeletion(r.tp.topic));
    await this.rsm.handleStateChanges(deleting, ReplicaState.ReplicaDeletionIneligible);
    for (const r of deleting) this.context.topicsIneligibleForDeletion.add(r.tp.topic);
    if (leaderless.length === 0) this.sendUpdateMetadataRequest(this.context.liveOrShuttingDownBrokerIds(), []);
  }

  async onNewPartitionCreation(partitions: TopicPartition[]): Promise<void> {
    if (partitions.length === 0) return;
    const replicas = this.context.replicasForPartitions(partitions);
    await this.psm.handleStateChanges(partitions, PartitionState.NewPartition);
    await this.rsm.handleStateChanges(replicas, ReplicaState.NewReplica);
    await this.psm.handleStateChanges(partitions, PartitionState.OnlinePartition, { kind: 'offline', allowUnclean: false });
    await this.rsm.handleStateChanges(replicas, ReplicaState.OnlineReplica);
  }

  /** AlterPartition from a partition leader (KafkaController.tryProcessAlterPartition). */
  async alterPartition(brokerId: number, brokerEpoch: bigint, entries: AlterPartitionEntry[]): Promise<{ errorCode: number; partitions: AlterPartitionOutcome[] }> {
    this.ensureActive();
    const broker = this.context.liveBroker(brokerId);
    if (!broker) return { errorCode: Errors.STALE_BROKER_EPOCH.code, partitions: [] };
    if (brokerEpoch >= 0n && brokerEpoch < broker.epoch) return { errorCode: Errors.STALE_BROKER_EPOCH.code, partitions: [] };
    const live = this.context.liveBrokerIds();
    const results: AlterPartitionOutcome[] = [];
    const updates = new Map<TopicPartition, LeaderAndIsr>();
    for (const e of entries) {
      const current = this.context.partitionLeadershipInfo(e.tp);
      if (!current || this.context.isTopicQueuedUpForDeletion(e.tp.topic)) {
        results.push({ tp: e.tp, errorCode: Errors.UNKNOWN_TOPIC_OR_PARTITION.code });
        continue;
      }
      const l = current.leaderAndIsr;
      if (l.leader !== brokerId) {
        results.push({ tp: e.tp, errorCode: Errors.NOT_CONTROLLER.code });
        continue;
      }
      // Epochs newer than ours: the leader heard from a newer controller, so this one is stale.
      if (e.leaderEpoch > l.leaderEpoch || e.partitionEpoch > l.partitionEpoch) {
        results.push({ tp: e.tp, errorCode: Errors.NOT_CONTROLLER.code });
        continue;
      }
      if (e.leaderEpoch < l.leaderEpoch) {
        results.push({ tp: e.tp, errorCode: Errors.FENCED_LEADER_EPOCH.code });
        continue;
      }
      // Already the committed state (a retry whose answer was lost, maybe sent to a controller that
      // died after writing it): answer that state, before fencing a stale partition epoch, so the
      // request stays idempotent (Kafka's equalsAllowStalePartitionEpoch).
      if (sameIsr(e.newIsr, l.isr) && e.leaderRecoveryState === l.leaderRecoveryState) {
        results.push({ tp: e.tp, errorCode: Errors.NONE.code, leaderAndIsr: l });
        continue;
      }
      if (e.partitionEpoch < l.partitionEpoch) {
        results.push({ tp: e.tp, errorCode: Errors.INVALID_UPDATE_VERSION.code });
        continue;
      }
      const assignment = this.context.partitionReplicaAssignment(e.tp);
      if (e.newIsr.some((b) => !live.has(b) || !assignment.includes(b)) || !e.newIsr.includes(brokerId)) {
        results.push({ tp: e.tp, errorCode: Errors.INELIGIBLE_REPLICA.code });
        continue;
      }
      updates.set(e.tp, { leader: l.leader, leaderEpoch: l.leaderEpoch, isr: e.newIsr, leaderRecoveryState: e.leaderRecoveryState, partitionEpoch: l.partitionEpoch });
    }
    if (updates.size > 0) {
      const { finishedPartitions, partitionsToRetry } = await this.zkClient.updateLeaderAndIsr(updates, this.context.epoch, this.context.epochZkVersion);
      const changed: TopicPartition[] = [];
      for (const [tp, r] of finishedPartitions) {
        if (r instanceof Error) {
          results.push({ tp, errorCode: Errors.UNKNOWN_TOPIC_OR_PARTITION.code });
          continue;
        }
        // An ISR change keeps the controller epoch of the last leadership decision (ReplicationUtils).
        const prev = this.context.partitionLeadershipInfo(tp)!;
        this.context.putPartitionLeadershipInfo(tp, { leaderAndIsr: r, controllerEpoch: prev.controllerEpoch });
        results.push({ tp, errorCode: Errors.NONE.code, leaderAndIsr: r });
        changed.push(tp);
        this.log.info(`ISR of ${tpKey(tp)} changed to [${r.isr.join(',')}] (partition epoch ${r.partitionEpoch}) at the request of leader ${brokerId}`);
      }
      for (const tp of partitionsToRetry) results.push({ tp, errorCode: Errors.INVALID_UPDATE_VERSION.code });
      if (changed.length > 0) this.sendUpdateMetadataRequest(this.context.liveOrShuttingDownBrokerIds(), changed);
    }
    return { errorCode: Errors.NONE.code, partitions: results };
  }

  /** ControlledShutdown (KafkaController.doControlledShutdown): returns the partitions the broker still leads. */
  async controlledShutdown(brokerId: number, brokerEpoch: bigint): Promise<TopicPartition[]> {
    this.ensureActive();
    const broker = this.context.liveBroker(brokerId);
    if (!broker) throw new BrokerNotAvailableError(`Broker ${brokerId} is not alive`);
    if (brokerEpoch >= 0n && brokerEpoch < broker.epoch) throw new StaleBrokerEpochError(`Received a stale broker epoch ${brokerEpoch} from broker ${brokerId}`);
    this.context.shuttingDownBrokerIds.add(brokerId);
    this.log.info(`Shutting down broker ${brokerId}; shutting down brokers: [${[...this.context.shuttingDownBrokerIds].join(',')}]`);
    const hosted = this.context.partitionsOnBroker(brokerId).filter((tp) => {
      const l = this.context.partitionLeadershipInfo(tp);
      return this.context.partitionReplicaAssignment(tp).length > 1 && l !== undefined && l.leaderAndIsr.leader >= 0 && !this.context.isTopicQueuedUpForDeletion(tp.topic);
    });
    const led = hosted.filter((tp) => this.context.partitionLeadershipInfo(tp)!.leaderAndIsr.leader === brokerId);
    const followed = hosted.filter((tp) => this.context.partitionLeadershipInfo(tp)!.leaderAndIsr.leader !== brokerId);
    if (led.length > 0) await this.psm.handleStateChanges(led, PartitionState.OnlinePartition, { kind: 'controlledShutdown' });
    if (followed.length > 0) await this.rsm.handleStateChanges(followed.map((tp) => ({ tp, replica: brokerId })), ReplicaState.OfflineReplica);
    return this.context.partitionLeadersOnBroker(brokerId);
  }

  /** Preferred-replica election for the given partitions (ElectLeaders type 0). Per-partition error codes. */
  async electPreferredLeaders(partitions: TopicPartition[]): Promise<Map<string, { errorCode: number; message: string | null }>> {
    this.ensureActive();
    const out = new Map<string, { errorCode: number; message: string | null }>();
    const toElect: TopicPartition[] = [];
    for (const tp of partitions) {
      const l = this.context.partitionLeadershipInfo(tp);
      const assignment = this.context.partitionReplicaAssignment(tp);
      if (!l || assignment.length === 0 || this.context.isTopicQueuedUpForDeletion(tp.topic)) {
        out.set(tpKey(tp), { errorCode: Errors.UNKNOWN_TOPIC_OR_PARTITION.code, message: null });
      } else if (l.leaderAndIsr.leader === assignment[0]) {
        out.set(tpKey(tp), { errorCode: Errors.ELECTION_NOT_NEEDED.code, message: 'Leader is already the preferred replica.' });
      } else {
        toElect.push(tp);
      }
    }
    if (toElect.length > 0) {
      const outcome = await this.psm.handleStateChanges(toElect, PartitionState.OnlinePartition, { kind: 'preferred' });
      for (const tp of toElect) {
        const key = tpKey(tp);
        if (outcome.succeeded.has(key)) out.set(key, { errorCode: Errors.NONE.code, message: null });
        else out.set(key, { errorCode: Errors.PREFERRED_LEADER_NOT_AVAILABLE.code, message: outcome.failed.get(key)?.message ?? null });
      }
    }
    return out;
  }

  /**
   * Kafka's processReplicaLeaderElection triggered through ZooKeeper: (re-)arms the exists watch on
   * /admin/preferred_replica_election (the legacy election tool's znode); when it is there, elects
   * the preferred leader of each listed partition whose leader is another replica, then deletes
   * the znode (removePartitionsFromPreferredReplicaElection) and calls `onDeleted` to re-arm the
   * watch. Unknown partitions and topics being deleted are skipped; malformed JSON elects nothing.
   */
  async processZkPreferredReplicaElection(handler: ZNodeChangeHandler, onDeleted: () => void): Promise<void> {
    if (this.inactive) return;
    if (!(await this.zkClient.registerZNodeChangeHandlerAndCheckExistence(handler))) return;
    let partitions: TopicPartition[];
    try {
      partitions = await this.zkClient.getPreferredReplicaElection();
    } catch (err) {
      if (!(err instanceof InvalidZNodeDataError)) throw err;
      this.log.warn(`Ignoring preferred replica election due to invalid json: ${err.message}`);
      partitions = [];
    }
    const known = partitions.filter((tp) => this.context.partitionReplicaAssignment(tp).length > 0 && this.context.partitionLeadershipInfo(tp) !== undefined);
    const unknown = partitions.filter((tp) => !known.includes(tp));
    if (unknown.length > 0) this.log.info(`Skipping replica leader election (PREFERRED) for partitions ${unknown.map(tpKey).join(',')} by ZkTriggered since they don't exist.`);
    const deleting = known.filter((tp) => this.context.isTopicQueuedUpForDeletion(tp.topic));
    if (deleting.length > 0) this.log.warn(`Skipping replica leader election (PREFERRED) for partitions ${deleting.map(tpKey).join(',')} by ZkTriggered since the respective topics are being deleted`);
    const electable = known.filter((tp) => !deleting.includes(tp)
      && this.context.partitionLeadershipInfo(tp)!.leaderAndIsr.leader !== this.context.partitionReplicaAssignment(tp)[0]);
    try {
      if (electable.length > 0) {
        this.log.info(`Starting replica leader election (PREFERRED) for partitions ${electable.map(tpKey).join(',')} triggered by ZkTriggered`);
        const outcome = await this.psm.handleStateChanges(electable, PartitionState.OnlinePartition, { kind: 'preferred' });
        for (const [key, err] of outcome.failed) this.log.error(`Error completing replica leader election (PREFERRED) for partition ${key}: ${err.message}`);
      }
    } finally {
      for (const tp of electable) {
        const leader = this.context.partitionLeadershipInfo(tp)?.leaderAndIsr.leader;
        const preferred = this.context.partitionReplicaAssignment(tp)[0];
        if (leader === preferred) this.log.info(`Partition ${tpKey(tp)} completed preferred replica leader election. New leader is ${preferred}`);
        else this.log.warn(`Partition ${tpKey(tp)} failed to complete preferred replica leader election to ${preferred}. Leader is still ${leader}`);
      }
      await this.zkClient.deletePreferredReplicaElection(this.context.epochZkVersion);
      onDeleted();
    }
  }

  /** AlterPartitionReassignments (KafkaController.alterPartitionReassignments): per partition, NONE once started. */
  async alterPartitionReassignments(requests: Array<{ tp: TopicPartition; replicas: number[] | null }>): Promise<Map<string, ReassignmentError>> {
    this.ensureActive();
    return this.reassignments.processApiPartitionReassignment(requests);
  }

  /** ListPartitionReassignments: the ongoing reassignments among `partitions` (all when null). */
  listPartitionReassignments(partitions: TopicPartition[] | null): OngoingReassignment[] {
    this.ensureActive();
    return this.reassignments.listPartitionReassignments(partitions);
  }

  /** After an AlterPartition: reassignments whose targets all joined the ISR complete (Kafka's processAlterPartition). */
  async maybeCompleteReassignments(partitions: TopicPartition[]): Promise<void> {
    if (this.inactive) return;
    for (const tp of partitions) await this.reassignments.maybeCompleteReassignment(tp);
  }

  /** Unclean election (ElectLeaders type 1) for partitions that have no leader. */
  async electUncleanLeaders(partitions: TopicPartition[]): Promise<Map<string, { errorCode: number; message: string | null }>> {
    this.ensureActive();
    const out = new Map<string, { errorCode: number; message: string | null }>();
    const toElect: TopicPartition[] = [];
    for (const tp of partitions) {
      const l = this.context.partitionLeadershipInfo(tp);
      if (!l || this.context.isTopicQueuedUpForDeletion(tp.topic)) out.set(tpKey(tp), { errorCode: Errors.UNKNOWN_TOPIC_OR_PARTITION.code, message: null });
      else if (l.leaderAndIsr.leader >= 0 && this.context.isReplicaOnline(l.leaderAndIsr.leader)) out.set(tpKey(tp), { errorCode: Errors.ELECTION_NOT_NEEDED.code, message: 'The partition has a leader.' });
      else toElect.push(tp);
    }
    if (toElect.length > 0) {
      for (const tp of toElect) this.context.putPartitionState(tp, PartitionState.OfflinePartition);
      const outcome = await this.psm.handleStateChanges(toElect, PartitionState.OnlinePartition, { kind: 'offline', allowUnclean: true });
      for (const tp of toElect) {
        const key = tpKey(tp);
        if (outcome.succeeded.has(key)) out.set(key, { errorCode: Errors.NONE.code, message: null });
        else out.set(key, { errorCode: Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE.code, message: outcome.failed.get(key)?.message ?? null });
      }
    }
    return out;
  }

  /** Moves leadership back to preferred replicas of brokers whose imbalance exceeds the threshold. */
  async checkAndTriggerAutoLeaderRebalance(imbalancePercentage: number): Promise<void> {
    if (this.inactive) return;
    const byPreferred = new Map<number, TopicPartition[]>();
    for (const tp of this.context.allPartitions()) {
      if (this.context.isTopicQueuedUpForDeletion(tp.topic)) continue;
      const preferred = this.context.partitionReplicaAssignment(tp)[0];
      if (preferred === undefined) continue;
      const l = byPreferred.get(preferred) ?? [];
      l.push(tp);
      byPreferred.set(preferred, l);
    }
    const live = this.context.liveBrokerIds();
    for (const [broker, tps] of byPreferred) {
      if (!live.has(broker)) continue;
      const notLed = tps.filter((tp) => this.context.partitionLeadershipInfo(tp)?.leaderAndIsr.leader !== broker);
      const ratio = (notLed.length * 100) / tps.length;
      if (ratio <= imbalancePercentage || notLed.length === 0) continue;
      const candidates = notLed.filter((tp) => {
        const l = this.context.partitionLeadershipInfo(tp);
        return l !== undefined && l.leaderAndIsr.isr.includes(broker);
      });
      if (candidates.length > 0) {
        this.log.info(`Leader imbalance ratio for broker ${broker} is ${ratio.toFixed(1)}%: electing preferred leaders for ${candidates.length} partitions`);
        await this.electPreferredLeaders(candidates);
      }
    }
  }
}

function sameIsr(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
