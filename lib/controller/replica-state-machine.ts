/**
 * Kafka's ZkReplicaStateMachine: moves (partition, replica) pairs between NewReplica,
 * OnlineReplica, OfflineReplica and the deletion states, queueing LeaderAndIsr / StopReplica in the
 * current batch. Taking a replica offline removes it from the ISR in ZooKeeper (the last ISR member
 * is kept; a leader going offline leaves the partition leaderless until an election) and tells the
 * remaining replicas.
 */
import type { ControllerContext, PartitionReplica } from './controller-context.js';
import type { ControllerBrokerRequestBatch } from './controller-request-batch.js';
import { ReplicaState, isValidReplicaTransition } from './states.js';
import { removeReplica } from './reassignment.js';
import type { KafkaZkClient } from '../zk/kafka-zk-client.js';
import type { LeaderAndIsr, LeaderIsrAndControllerEpoch } from '../zk/topic-znodes.js';
import { type TopicPartition, tpKey } from '../common/topic-partition.js';
import { logger } from '../utils/logger.js';

export class ReplicaStateMachine {
  private readonly stateChangeLog = logger('state.change.logger');

  constructor(
    private readonly controllerId: number,
    private readonly context: ControllerContext,
    private readonly zkClient: KafkaZkClient,
    private readonly batch: ControllerBrokerRequestBatch,
  ) {}

  /** Replicas on live brokers start online, the others offline (ReplicaStateMachine.initializeReplicaState). */
  initializeReplicaState(): void {
    for (const tp of this.context.allPartitions()) {
      for (const replica of this.context.partitionReplicaAssignment(tp)) {
        const r = { tp, replica };
        if (this.context.isReplicaOnline(replica)) this.context.putReplicaState(r, ReplicaState.OnlineReplica);
        else this.context.putReplicaState(r, ReplicaState.ReplicaDeletionIneligible);
      }
    }
  }

  async handleStateChanges(replicas: PartitionReplica[], target: ReplicaState): Promise<void> {
    if (replicas.length === 0) return;
    this.batch.newBatch();
    try {
      await this.doHandleStateChanges(replicas, target);
      this.batch.sendRequestsToBrokers(this.context.epoch);
    } catch (err) {
      this.batch.clear();
      throw err;
    }
  }

  async doHandleStateChanges(replicas: PartitionReplica[], target: ReplicaState): Promise<void> {
    const valid = replicas.filter((r) => {
      const from = this.context.replicaState(r);
      if (isValidReplicaTransition(from, target)) return true;
      this.stateChangeLog.error(`Controller ${this.controllerId} epoch ${this.context.epoch} failed to change state of replica ${r.replica} for ${tpKey(r.tp)} from ${from} to ${target}`);
      return false;
    });
    switch (target) {
      case ReplicaState.NewReplica:
        for (const r of valid) {
          const l = this.context.partitionLeadershipInfo(r.tp);
          if (l && l.leaderAndIsr.leader === r.replica) {
            this.stateChangeLog.error(`Controller ${this.controllerId} epoch ${this.context.epoch} failed to change state of replica ${r.replica} for ${tpKey(r.tp)} from ${this.context.replicaState(r)} to ${target}: it is the partition's leader`);
            continue;
          }
          if (l) this.batch.addLeaderAndIsrRequestForBrokers([r.replica], r.tp, l, this.context.partitionReplicaAssignment(r.tp), true);
          this.transition(r, target);
        }
        return;
      case ReplicaState.OnlineReplica:
        for (const r of valid) {
          const from = this.context.replicaState(r);
          const l = this.context.partitionLeadershipInfo(r.tp);
          if (from !== ReplicaState.NewReplica && l) {
            this.batch.addLeaderAndIsrRequestForBrokers([r.replica], r.tp, l, this.context.partitionReplicaAssignment(r.tp), false);
          }
          this.transition(r, target);
        }
        return;
      case ReplicaState.OfflineReplica: {
        for (const r of valid) this.batch.addStopReplicaRequestForBrokers([r.replica], r.tp, false);
        const byReplica = new Map<number, TopicPartition[]>();
        for (const r of valid) {
          if (!this.context.partitionLeadershipInfo(r.tp)) {
            // Nothing to shrink: the brokers only learn the replica is offline.
            this.batch.addUpdateMetadataRequestForBrokers(this.context.liveOrShuttingDownBrokerIds(), [r.tp]);
            this.transition(r, target);
            continue;
          }
          const l = byReplica.get(r.replica) ?? [];
          l.push(r.tp);
          byReplica.set(r.replica, l);
        }
        for (const [replica, tps] of byReplica) {
          // Only replicas whose ISR removal succeeded go offline; failures were logged.
          const updated = await this.removeReplicasFromIsr(replica, tps);
          for (const [key, info] of updated) {
            const tp = tps.find((p) => tpKey(p) === key)!;
            if (!this.context.isTopicQueuedUpForDeletion(tp.topic)) {
              // Every other replica still reachable hears the new ISR, a shutting-down one included.
              const assignment = this.context.partitionReplicaAssignment(tp);
              const recipients = assignment.filter((b) => b !== replica && this.context.isReplicaOnline(b, tp, true));
              this.batch.addLeaderAndIsrRequestForBrokers(recipients, tp, info, assignment, false);
            }
            this.transition({ tp, replica }, target);
          }
        }
        return;
      }
      case ReplicaState.ReplicaDeletionStarted:
        for (const r of valid) {
          this.batch.addStopReplicaRequestForBrokers([r.replica], r.tp, true);
          this.transition(r, target);
        }
        return;
      case ReplicaState.ReplicaDeletionIneligible:
      case ReplicaState.ReplicaDeletionSuccessful:
        for (const r of valid) this.transition(r, target);
        return;
      case ReplicaState.NonExistentReplica:
        // A deleted replica leaves the partition's assignment (a reassignment's adding and removing
        // replicas too, the others kept) and the state machine.
        for (const r of valid) {
          this.transition(r, target);
          this.context.updatePartitionFullReplicaAssignment(r.tp, removeReplica(this.context.partitionFullReplicaAssignment(r.tp), r.replica));
          this.context.removeReplicaState(r);
        }
        return;
    }
  }

  private transition(r: PartitionReplica, target: ReplicaState): void {
    const from = this.context.replicaState(r);
    if (from !== target) this.stateChangeLog.trace(`Controller ${this.controllerId} epoch ${this.context.epoch} changed state of replica ${r.replica} for ${tpKey(r.tp)} from ${from} to ${target}`);
    this.context.putReplicaState(r, target);
  }

  /**
   * Removes `replica` from the ISR of each partition in ZooKeeper (ReplicaStateMachine.removeReplicasFromIsr):
   * leader epoch + 1; leader -1 when the replica was the leader; the last ISR member is kept.
   */
  private async removeReplicasFromIsr(replica: number, partitions: TopicPartition[]): Promise<Map<string, LeaderIsrAndControllerEpoch>> {
    const out = new Map<string, LeaderIsrAndControllerEpoch>();
    let remaining = partitions;
    for (let attempt = 0; remaining.length > 0 && attempt < 10; attempt++) {
      const states = await this.zkClient.getTopicPartitionStates(remaining);
      const updates = new Map<TopicPartition, LeaderAndIsr>();
      for (const tp of remaining) {
        const s = states.get(tp);
        if (!s) continue;
        if (s.controllerEpoch > this.context.epoch) {
          this.stateChangeLog.error(`Controller ${this.controllerId} epoch ${this.context.epoch} failed to remove replica ${replica} from the ISR of ${tpKey(tp)}: its state was written by a newer controller (epoch ${s.controllerEpoch})`);
          continue;
        }
        const l = s.leaderAndIsr;
        if (!l.isr.includes(replica) && l.leader !== replica) {
          out.set(tpKey(tp), s);
          this.context.putPartitionLeadershipInfo(tp, s);
          continue;
        }
        const newIsr = l.isr.length === 1 ? l.isr : l.isr.filter((b) => b !== replica);
        updates.set(tp, {
          leader: l.leader === replica ? -1 : l.leader,
          leaderEpoch: l.leaderEpoch + 1,
          isr: newIsr,
          leaderRecoveryState: l.leaderRecoveryState,
          partitionEpoch: l.partitionEpoch,
        });
      }
      if (updates.size === 0) break;
      const { finishedPartitions, partitionsToRetry } = await this.zkClient.updateLeaderAndIsr(updates, this.context.epoch, this.context.epochZkVersion);
      for (const [tp, r] of finishedPartitions) {
        if (r instanceof Error) {
          this.stateChangeLog.error(`Failed to remove replica ${replica} from the ISR of ${tpKey(tp)}: ${r.message}`);
          continue;
        }
        const info = { leaderAndIsr: r, controllerEpoch: this.context.epoch };
        this.context.putPartitionLeadershipInfo(tp, info);
        out.set(tpKey(tp), info);
      }
      remaining = partitionsToRetry;
    }
    return out;
  }
}
