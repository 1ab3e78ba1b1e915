/**
 * Kafka's ZkPartitionStateMachine: moves partitions between NewPartition, OnlinePartition,
 * OfflinePartition and NonExistentPartition. Going online initializes leader and ISR of new
 * partitions (creating their state znodes) or elects a leader with the given strategy, writing the
 * state znode with a compare-and-set on its zkVersion under the controller-epoch check, and queues
 * LeaderAndIsr/UpdateMetadata in the current request batch.
 */
import type { ControllerContext } from './controller-context.js';
import type { ControllerBrokerRequestBatch } from './controller-request-batch.js';
import { PartitionState, isValidPartitionTransition } from './states.js';
import {
  leaderForControlledShutdown,
  leaderForOffline,
  leaderForPreferredReplica,
  leaderForReassign,
  type ElectionResult,
} from './election.js';
import { targetReplicas } from './reassignment.js';
import type { KafkaZkClient } from '../zk/kafka-zk-client.js';
import { NodeExistsError } from '../zk/keeper-errors.js';
import type { LeaderAndIsr, LeaderIsrAndControllerEpoch } from '../zk/topic-znodes.js';
import { type TopicPartition, tpKey } from '../common/topic-partition.js';
import { logger } from '../utils/logger.js';

export type ElectionStrategy =
  | { kind: 'offline'; allowUnclean: boolean }
  | { kind: 'preferred' }
  | { kind: 'reassign' }
  | { kind: 'controlledShutdown' };

export interface ElectionOutcome {
  succeeded: Map<string, LeaderIsrAndControllerEpoch>;
  failed: Map<string, Error>;
}

export class PartitionStateMachine {
  private readonly stateChangeLog = logger('state.change.logger');

  constructor(
    private readonly controllerId: number,
    private readonly context: ControllerContext,
    private readonly zkClient: KafkaZkClient,
    private readonly batch: ControllerBrokerRequestBatch,
    /** unclean.leader.election.enable for a topic (topic override, else broker default). */
    private readonly uncleanLeaderElectionEnabled: (topic: string) => Promise<boolean>,
  ) {}

  /** Sets every partition's initial state from the leadership loaded from ZooKeeper. */
  initializePartitionState(): void {
    for (const tp of this.context.allPartitions()) {
      const l = this.context.partitionLeadershipInfo(tp);
      if (!l) this.context.putPartitionState(tp, PartitionState.NewPartition);
      else if (this.context.isReplicaOnline(l.leaderAndIsr.leader, tp)) this.context.putPartitionState(tp, PartitionState.OnlinePartition);
      else this.context.putPartitionState(tp, PartitionState.OfflinePartition);
    }
  }

  /** Elects leaders for every New or Offline partition not being deleted (Kafka's triggerOnlinePartitionStateChange). */
  async triggerOnlinePartitionStateChange(topics?: Set<string>): Promise<void> {
    const partitions = this.context
      .allPartitions()
      .filter((tp) => !this.context.isTopicQueuedUpForDeletion(tp.topic) && (!topics || topics.has(tp.topic)))
      .filter((tp) => {
        const s = this.context.partitionState(tp);
        return s === PartitionState.NewPartition || s === PartitionState.OfflinePartition;
      });
    if (partitions.length === 0) return;
    await this.handleStateChanges(partitions, PartitionState.OnlinePartition, { kind: 'offline', allowUnclean: false });
  }

  /** Runs transitions and sends the batch (the usual entry point). */
  async handleStateChanges(partitions: TopicPartition[], target: PartitionState, strategy?: ElectionStrategy): Promise<ElectionOutcome> {
    this.batch.newBatch();
    try {
      const outcome = await this.doHandleStateChanges(partitions, target, strategy);
      this.batch.sendRequestsToBrokers(this.context.epoch);
      return outcome;
    } catch (err) {
      this.batch.clear();
      throw err;
    }
  }

  /** Transitions without sending: for callers composing one batch from several steps. */
  async doHandleStateChanges(partitions: TopicPartition[], target: PartitionState, strategy?: ElectionStrategy): Promise<ElectionOutcome> {
    const outcome: ElectionOutcome = { succeeded: new Map(), failed: new Map() };
    const valid = partitions.filter((tp) => {
      const from = this.context.partitionState(tp);
      if (isValidPartitionTransition(from, target)) return true;
      this.stateChangeLog.error(`Controller ${this.controllerId} epoch ${this.context.epoch} failed to change state for partition ${tpKey(tp)} from ${from} to ${target}`);
      outcome.failed.set(tpKey(tp), new Error(`invalid transition ${from} -> ${target}`));
      return false;
    });
    switch (target) {
      case PartitionState.NewPartition:
      case PartitionState.OfflinePartition:
      case PartitionState.NonExistentPartition:
        for (const tp of valid) this.transition(tp, target);
        return outcome;
      case PartitionState.OnlinePartition: {
        const uninitialized = valid.filter((tp) => this.context.partitionState(tp) === PartitionState.NewPartition);
        const toElect = valid.filter((tp) => this.context.partitionState(tp) !== PartitionState.NewPartition);
        for (const tp of await this.initializeLeaderAndIsrForPartitions(uninitialized)) {
          this.transition(tp, PartitionState.OnlinePartition);
          outcome.succeeded.set(tpKey(tp), this.context.partitionLeadershipInfo(tp)!);
        }
        if (toElect.length > 0) {
          const elected = await this.electLeaderForPartitions(toElect, strategy ?? { kind: 'offline', allowUnclean: false });
          for (const [key, info] of elected.succeeded) {
            const tp = toElect.find((p) => tpKey(p) === key)!;
            this.transition(tp, PartitionState.OnlinePartition);
            outcome.succeeded.set(key, info);
          }
          for (const [key, err] of elected.failed) outcome.failed.set(key, err);
        }
        return outcome;
      }
    }
  }

  private transition(tp: TopicPartition, target: PartitionState): void {
    const from = this.context.partitionState(tp);
    if (from !== target) this.stateChangeLog.info(`Controller ${this.controllerId} epoch ${this.context.epoch} changed partition ${tpKey(tp)} from ${from} to ${target}`);
    this.context.putPartitionState(tp, target);
  }

  /** New partitions: leader = first live replica, ISR = live replicas, epoch 0 (PSM initializeLeaderAndIsrForPartitions). */
  private async initializeLeaderAndIsrForPartitions(partitions: TopicPartition[]): Promise<TopicPartition[]> {
    const toCreate = new Map<TopicPartition, LeaderIsrAndControllerEpoch>();
    for (const tp of partitions) {
      const live = this.context.liveBrokerIdsFor(tp);
      const replicas = this.context.partitionReplicaAssignment(tp);
      const liveReplicas = replicas.filter((r) => live.has(r));
      if (liveReplicas.length === 0) {
        this.stateChangeLog.error(`Controller ${this.controllerId} epoch ${this.context.epoch} cannot initialize partition ${tpKey(tp)}: none of its replicas [${replicas.join(',')}] is alive`);
        continue;
      }
      toCreate.set(tp, {
        leaderAndIsr: { leader: liveReplicas[0] as number, leaderEpoch: 0, isr: liveReplicas, leaderRecoveryState: 0, partitionEpoch: 0 },
        controllerEpoch: this.context.epoch,
      });
    }
    if (toCreate.size === 0) return [];
    const results = await this.zkClient.createTopicPartitionStatesRaw(toCreate, this.context.epochZkVersion);
    const done: TopicPartition[] = [];
    for (const [tp, err] of results) {
      const info = toCreate.get(tp)!;
      if (err) {
        const why = err instanceof NodeExistsError ? 'its state znode already exists' : err.message;
        this.stateChangeLog.error(`Controller ${this.controllerId} epoch ${this.context.epoch} failed to initialize partition ${tpKey(tp)}: ${why}`);
        continue;
      }
      this.context.putPartitionLeadershipInfo(tp, info);
      this.batch.addLeaderAndIsrRequestForBrokers(info.leaderAndIsr.isr, tp, info, this.context.partitionReplicaAssignment(tp), true);
      done.push(tp);
    }
    return done;
  }

  /** Elects leaders, retrying partitions whose state znode changed underneath (BADVERSION). */
  async electLeaderForPartitions(partitions: TopicPartition[], strategy: ElectionStrategy): Promise<ElectionOutcome> {
    const outcome: ElectionOutcome = { succeeded: new Map(), failed: new Map() };
    let remaining = partitions;
    for (let attempt = 0; remaining.length > 0 && attempt < 10; attempt++) {
      remaining = await this.doElectLeaderForPartitions(remaining, strategy, outcome);
    }
    for (const tp of remaining) outcome.failed.set(tpKey(tp), new Error('gave up after repeated zkVersion conflicts'));
    return outcome;
  }

  private async doElectLeaderForPartitions(partitions: TopicPartition[], strategy: ElectionStrategy, outcome: ElectionOutcome): Promise<TopicPartition[]> {
    const states = await this.zkClient.getTopicPartitionStates(partitions);
    const updates = new Map<TopicPartition, LeaderAndIsr>();
    for (const tp of partitions) {
      const live = this.context.liveBrokerIdsFor(tp);
      const current = states.get(tp);
      if (!current) {
        outcome.failed.set(tpKey(tp), new Error(`partition state of ${tpKey(tp)} is missing in ZooKeeper`));
        continue;
      }
      if (current.controllerEpoch > this.context.epoch) {
        outcome.failed.set(tpKey(tp), new Error(`a controller with epoch ${current.controllerEpoch} wrote ${tpKey(tp)}; this controller (epoch ${this.context.epoch}) has moved`));
        continue;
      }
      const assignment = this.context.partitionReplicaAssignment(tp);
      const isr = current.leaderAndIsr.isr;
      let result: ElectionResult | null;
      if (strategy.kind === 'offline') {
        const unclean = strategy.allowUnclean || (await this.uncleanLeaderElectionEnabled(tp.topic));
        result = leaderForOffline(assignment, isr, live, unclean);
      } else if (strategy.kind === 'preferred') {
        result = leaderForPreferredReplica(assignment, isr, live);
      } else if (strategy.kind === 'reassign') {
        result = leaderForReassign(targetReplicas(this.context.partitionFullReplicaAssignment(tp)), isr, live);
      } else {
        result = leaderForControlledShutdown(assignment, isr, this.context.liveOrShuttingDownBrokerIds(), this.context.shuttingDownBrokerIds);
      }
      if (!result) {
        outcome.failed.set(tpKey(tp), new Error(`no eligible leader for ${tpKey(tp)} (assignment [${assignment.join(',')}], isr [${isr.join(',')}], live [${[...live].join(',')}])`));
        continue;
      }
      if (result.unclean) this.stateChangeLog.warn(`Unclean leader election for ${tpKey(tp)}: electing ${result.leader} from outside the ISR; data loss may occur`);
      updates.set(tp, {
        leader: result.leader,
        leaderEpoch: current.leaderAndIsr.leaderEpoch + 1,
        isr: result.isr,
        leaderRecoveryState: result.unclean ? 1 : 0,
        partitionEpoch: current.leaderAndIsr.partitionEpoch,
      });
    }
    if (updates.size === 0) return [];
    const { finishedPartitions, partitionsToRetry } = await this.zkClient.updateLeaderAndIsr(updates, this.context.epoch, this.context.epochZkVersion);
    for (const [tp, r] of finishedPartitions) {
      if (r instanceof Error) {
        outcome.failed.set(tpKey(tp), r);
        continue;
      }
      const info: LeaderIsrAndControllerEpoch = { leaderAndIsr: r, controllerEpoch: this.context.epoch };
      this.context.putPartitionLeadershipInfo(tp, info);
      const assignment = this.context.partitionReplicaAssignment(tp);
      this.batch.addLeaderAndIsrRequestForBrokers(this.leaderAndIsrRecipients(strategy, tp, assignment), tp, info, assignment, false);
      outcome.succeeded.set(tpKey(tp), info);
      this.stateChangeLog.info(`Controller ${this.controllerId} epoch ${this.context.epoch} elected leader ${r.leader} for ${tpKey(tp)} with leader epoch ${r.leaderEpoch}, ISR [${r.isr.join(',')}]`);
    }
    return partitionsToRetry;
  }

  /**
   * Who hears of an election (Kafka's ElectionResult.liveReplicas): the online replicas after an
   * offline election; every live replica, shutting-down ones included, after a preferred or a
   * controlled-shutdown election — a broker shutting down learns it is now a follower.
   */
  private leaderAndIsrRecipients(strategy: ElectionStrategy, tp: TopicPartition, assignment: number[]): number[] {
    if (strategy.kind === 'offline') return assignment.filter((b) => this.context.isReplicaOnline(b, tp));
    if (strategy.kind === 'controlledShutdown') return assignment.filter((b) => this.context.isReplicaOnline(b, tp, true));
    // A reassignment's election is heard by the live target replicas.
    if (strategy.kind === 'reassign') return targetReplicas(this.context.partitionFullReplicaAssignment(tp)).filter((b) => this.context.liveBroker(b) !== undefined);
    const liveOrShuttingDown = this.context.liveOrShuttingDownBrokerIds();
    return assignment.filter((b) => liveOrShuttingDown.has(b));
  }
}
