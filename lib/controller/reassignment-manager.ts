/**
 * Partition reassignment in the controller (KIP-455, KafkaController.onPartitionReassignment and
 * the methods around it). Triggered by AlterPartitionReassignments, by the legacy
 * `/admin/reassign_partitions` znode, by an ISR change that may complete one, by a broker start
 * that a pending one waits for, and on controller failover (the topic znode keeps every pending
 * reassignment as its adding_replicas / removing_replicas).
 *
 * RS = current replicas, ORS = original, TRS = target, AR = TRS − ORS, RR = ORS − TRS.
 *  U1/U2  write RS = ORS + TRS with AR and RR to the topic znode, then to memory; U3 stop the
 *         adding replicas of a replaced reassignment that the new one does not keep.
 *  A      (TRS not yet in the ISR) bump the leader epoch and send LeaderAndIsr to ORS and AR;
 *         start AR as NewReplica. The leader's AlterPartition adding them to the ISR brings B.
 *  B      AR online; RS = TRS in memory; elect a leader from TRS if the current one is not in
 *         it (or is down), else bump the epoch; RR offline, then deleted; RS = TRS in the topic
 *         znode; drop the partition from `/admin/reassign_partitions`; UpdateMetadata to all.
 * Runs only on the controller's event queue.
 */
import type { ControllerContext } from './controller-context.js';
import type { ControllerBrokerRequestBatch } from './controller-request-batch.js';
import type { PartitionStateMachine } from './partition-state-machine.js';
import type { ReplicaStateMachine } from './replica-state-machine.js';
import type { TopicDeletionManager } from './topic-deletion-manager.js';
import { PartitionState, ReplicaState } from './states.js';
import { assignmentOf, formatAssignment, isBeingReassigned, originReplicas, reassignTo, sameAssignment, targetReplicas } from './reassignment.js';
import type { KafkaZkClient } from '../zk/kafka-zk-client.js';
import { ControllerMovedError, SessionExpiredError } from '../zk/keeper-errors.js';
import { InvalidZNodeDataError } from '../zk/znode-json.js';
import type { LeaderIsrAndControllerEpoch, ReplicaAssignment } from '../zk/topic-znodes.js';
import type { ZNodeChangeHandler } from '../zk/zookeeper-client.js';
import { Errors } from '../protocol/errors.js';
import { type TopicPartition, tpKey } from '../common/topic-partition.js';
import { logger } from '../utils/logger.js';

/** The outcome of one partition's reassignment request (Kafka's ApiError). */
export interface ReassignmentError {
  errorCode: number;
  errorMessage: string | null;
}

const NONE: ReassignmentError = { errorCode: Errors.NONE.code, errorMessage: null };

function apiError(error: { code: number; message: string | null }, message?: string): ReassignmentError {
  return { errorCode: error.code, errorMessage: message ?? error.message };
}

/** An ongoing reassignment as ListPartitionReassignments reports it. */
export interface OngoingReassignment {
  tp: TopicPartition;
  assignment: ReplicaAssignment;
}

export class ReassignmentManager {
  private readonly log = logger('kafka.controller.KafkaController');
  private readonly stateChangeLog = logger('state.change.logger');

  constructor(
    private readonly controllerId: number,
    private readonly context: ControllerContext,
    private readonly zkClient: KafkaZkClient,
    private readonly batch: ControllerBrokerRequestBatch,
    private readonly psm: PartitionStateMachine,
    private readonly rsm: ReplicaStateMachine,
    private readonly deletion: TopicDeletionManager,
    /** Kafka's PartitionReassignmentHandler: an exists watch on /admin/reassign_partitions. */
    private readonly partitionReassignmentHandler: ZNodeChangeHandler,
    /** Enqueues ZkPartitionReassignment, which re-arms that watch (after the znode was deleted). */
    private readonly enqueueZkPartitionReassignment: () => void,
  ) {}

  // ---- triggers ------------------------------------------------------------------------------

  /**
   * Kafka's initializePartitionReassignments (failover): reassignments written to the znode while
   * no controller ran replace API ones; every other pending reassignment resumes.
   */
  async initializePartitionReassignments(): Promise<void> {
    const resumedFromZk = await this.processZkPartitionReassignment();
    await this.maybeResumeReassignments((tp) => !resumedFromZk.has(tpKey(tp)));
  }

  /** Kafka's maybeResumeReassignments: re-runs onPartitionReassignment where `shouldResume` says so. */
  async maybeResumeReassignments(shouldResume: (tp: TopicPartition, assignment: ReplicaAssignment) => boolean): Promise<void> {
    for (const tp of [...this.context.partitionsBeingReassigned.values()]) {
      const assignment = this.context.partitionFullReplicaAssignment(tp);
      if (shouldResume(tp, assignment)) await this.onPartitionReassignment(tp, assignment);
    }
  }

  /**
   * Kafka's processZkPartitionReassignment: (re-)arms the exists watch; when the znode is there,
   * starts each listed reassignment and removes the failed ones from it. Malformed JSON is logged
   * and the znode deleted, so the tool that wrote it does not wait forever. Returns the partitions
   * whose reassignment started.
   */
  async processZkPartitionReassignment(): Promise<Set<string>> {
    if (!(await this.zkClient.registerZNodeChangeHandlerAndCheckExistence(this.partitionReassignmentHandler))) return new Set();
    let requested: Map<TopicPartition, number[]>;
    try {
      requested = await this.zkClient.getPartitionReassignment();
    } catch (err) {
      if (!(err instanceof InvalidZNodeDataError)) throw err;
      this.log.warn(`Ignoring partition reassignment due to invalid json: ${err.message}; deleting /admin/reassign_partitions`);
      await this.zkClient.deletePartitionReassignment(this.context.epochZkVersion);
      this.enqueueZkPartitionReassignment();
      return new Set();
    }
    if (requested.size === 0) {
      // Nothing listed: nothing will ever remove the znode, so the tool would wait forever.
      await this.maybeRemoveFromZkReassignment(() => true);
      return new Set();
    }
    const results = new Map<string, { tp: TopicPartition; error: ReassignmentError }>();
    const toReassign = new Map<string, { tp: TopicPartition; assignment: ReplicaAssignment }>();
    for (const [tp, target] of requested) {
      // Kafka checks these only for the API; an empty or duplicated target would drop the
      // partition's replicas, so the znode's entries get the same checks (except liveness: a
      // reassignment written to ZooKeeper waits for a target broker that is down).
      const invalid = validateReplicaList(target);
      if (invalid) results.set(tpKey(tp), { tp, error: invalid });
      else toReassign.set(tpKey(tp), { tp, assignment: this.maybeBuildReassignment(tp, target)! });
    }
    for (const [key, r] of await this.maybeTriggerPartitionReassignment(toReassign)) results.set(key, r);
    const failed = [...results].filter(([, r]) => r.error.errorCode !== Errors.NONE.code);
    if (failed.length > 0) {
      this.log.warn(`Failed reassignment through zk with the following errors: ${failed.map(([k, r]) => `${k}: ${r.error.errorMessage ?? r.error.errorCode}`).join('; ')}`);
      const failedKeys = new Set(failed.map(([k]) => k));
      await this.maybeRemoveFromZkReassignment((tp) => failedKeys.has(tpKey(tp)));
    }
    return new Set([...results].filter(([, r]) => r.error.errorCode === Errors.NONE.code).map(([k]) => k));
  }

  /**
   * Kafka's processApiPartitionReassignment (AlterPartitionReassignments): a null target cancels
   * the partition's pending reassignment. The API request supersedes a znode entry for the same
   * partition.
   */
  async processApiPartitionReassignment(requests: Array<{ tp: TopicPartition; replicas: number[] | null }>): Promise<Map<string, ReassignmentError>> {
    const results = new Map<string, ReassignmentError>();
    const toReassign = new Map<string, { tp: TopicPartition; assignment: ReplicaAssignment }>();
    for (const { tp, replicas } of requests) {
      const invalid = replicas === null ? null : this.validateReplicas(tp, replicas);
      if (invalid) {
        results.set(tpKey(tp), invalid);
        continue;
      }
      const assignment = this.maybeBuildReassignment(tp, replicas);
      if (assignment === null) results.set(tpKey(tp), apiError(Errors.NO_REASSIGNMENT_IN_PROGRESS));
      else toReassign.set(tpKey(tp), { tp, assignment });
    }
    await this.maybeRemoveFromZkReassignment((tp) => toReassign.has(tpKey(tp)));
    for (const [key, r] of await this.maybeTriggerPartitionReassignment(toReassign)) results.set(key, r.error);
    return results;
  }

  /** Kafka's processListPartitionReassignments: the given partitions (all reassigning ones when null) that are being reassigned. */
  listPartitionReassignments(partitions: TopicPartition[] | null): OngoingReassignment[] {
    const list = partitions ?? [...this.context.partitionsBeingReassigned.values()];
    return list
      .map((tp) => ({ tp, assignment: this.context.partitionFullReplicaAssignment(tp) }))
      .filter((r) => isBeingReassigned(r.assignment));
  }

  /** Kafka's maybeCompleteReassignment: after an ISR change, finish the reassignment if TRS is in the ISR. */
  async maybeCompleteReassignment(tp: TopicPartition): Promise<void> {
    if (!this.context.partitionsBeingReassigned.has(tpKey(tp))) return;
    const reassignment = this.context.partitionFullReplicaAssignment(tp);
    if (await this.isReassignmentComplete(tp, reassignment)) {
      this.log.info(`Target replicas [${targetReplicas(reassignment).join(',')}] have all caught up with the leader for reassigning partition ${tpKey(tp)}`);
      await this.onPartitionReassignment(tp, reassignment);
    }
  }

  /** Drops reassignments of topics that left the cluster from the znode (their partitions left the context already). */
  async onTopicsRemoved(topics: ReadonlySet<string>): Promise<void> {
    if (topics.size === 0) return;
    await this.maybeRemoveFromZkReassignment((tp) => topics.has(tp.topic));
  }

  // ---- Kafka's helpers -----------------------------------------------------------------------

  /** Kafka's validateReplicas (API): non-empty, no duplicates, no negative ids, every added replica on a live broker. */
  private validateReplicas(tp: TopicPartition, replicas: number[]): ReassignmentError | null {
    const invalid = validateReplicaList(replicas);
    if (invalid) return invalid;
    const adding = reassignTo(this.context.partitionFullReplicaAssignment(tp), replicas).addingReplicas;
    const live = this.context.liveBrokerIds();
    if (adding.every((b) => live.has(b))) return null;
    return apiError(Errors.INVALID_REPLICA_ASSIGNMENT,
      `Replica assignment has brokers that are not alive. Replica list: ${adding.join(',')}, live broker list: ${[...live].sort((a, b) => a - b).join(',')}`);
  }

  /** Kafka's maybeBuildReassignment: the new assignment, or null to cancel when nothing is pending. */
  private maybeBuildReassignment(tp: TopicPartition, target: number[] | null): ReplicaAssignment | null {
    const current = this.context.partitionFullReplicaAssignment(tp);
    if (isBeingReassigned(current)) return reassignTo(current, target ?? originReplicas(current));
    return target === null ? null : reassignTo(current, target);
  }

  /** Kafka's maybeTriggerPartitionReassignment: starts each reassignment of an existing partition whose topic is not being deleted. */
  private async maybeTriggerPartitionReassignment(reassignments: Map<string, { tp: TopicPartition; assignment: ReplicaAssignment }>): Promise<Map<string, { tp: TopicPartition; error: ReassignmentError }>> {
    const out = new Map<string, { tp: TopicPartition; error: ReassignmentError }>();
    for (const [key, { tp, assignment }] of reassignments) {
      if (this.context.isTopicQueuedUpForDeletion(tp.topic)) {
        this.log.info(`Skipping reassignment of ${key} since the topic is currently being deleted`);
        out.set(key, { tp, error: apiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, 'The partition does not exist.') });
      } else if (this.context.partitionReplicaAssignment(tp).length === 0) {
        out.set(key, { tp, error: apiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, 'The partition does not exist.') });
      } else {
        try {
          await this.onPartitionReassignment(tp, assignment);
          out.set(key, { tp, error: NONE });
        } catch (err) {
          if (err instanceof ControllerMovedError || err instanceof SessionExpiredError) {
            this.log.info(`Failed completing reassignment of partition ${key} because controller has moved to another broker`);
            throw err;
          }
          this.log.error({ err }, `Error completing reassignment of partition ${key}`);
          out.set(key, { tp, error: apiError(Errors.UNKNOWN_SERVER_ERROR) });
        }
      }
    }
    return out;
  }

  /** Kafka's onPartitionReassignment: phase U, then A (targets not in the ISR yet) or B (done). */
  async onPartitionReassignment(tp: TopicPartition, reassignment: ReplicaAssignment): Promise<void> {
    await this.updateCurrentReassignment(tp, reassignment);
    if (!(await this.isReassignmentComplete(tp, reassignment))) {
      await this.updateLeaderEpochAndSendRequest(tp, reassignment); // A1
      for (const replica of reassignment.addingReplicas) await this.rsm.handleStateChanges([{ tp, replica }], ReplicaState.NewReplica); // A2
      return;
    }
    await this.rsm.handleStateChanges(reassignment.addingReplicas.map((replica) => ({ tp, replica })), ReplicaState.OnlineReplica); // B1
    const completed = assignmentOf(targetReplicas(reassignment));
    this.context.updatePartitionFullReplicaAssignment(tp, completed); // B2
    await this.moveReassignedPartitionLeaderIfRequired(tp, completed); // B3
    await this.stopRemovedReplicasOfReassignedPartition(tp, reassignment.removingReplicas); // B4, B5
    await this.updateReplicaAssignmentForPartition(tp, completed); // B6
    await this.removePartitionFromReassigningPartitions(tp, completed); // B7
    this.sendUpdateMetadataRequest([tp]); // B8
    this.log.info(`Reassignment of partition ${tpKey(tp)} to [${completed.replicas.join(',')}] completed`);
    // A deletion that waited for this reassignment may go on.
    await this.deletion.resumeDeletions();
  }

  /** Kafka's updateCurrentReassignment (U1–U3). */
  private async updateCurrentReassignment(tp: TopicPartition, reassignment: ReplicaAssignment): Promise<void> {
    const current = this.context.partitionFullReplicaAssignment(tp);
    if (!sameAssignment(current, reassignment)) {
      this.log.info(`Updating assignment of partition ${tpKey(tp)} from ${formatAssignment(current)} to ${formatAssignment(reassignment)}`);
      await this.updateReplicaAssignmentForPartition(tp, reassignment); // U1
      this.context.updatePartitionFullReplicaAssignment(tp, reassignment); // U2
      const unneeded = current.replicas.filter((r) => !reassignment.replicas.includes(r));
      if (unneeded.length > 0) await this.stopRemovedReplicasOfReassignedPartition(tp, unneeded); // U3
    }
    this.context.partitionsBeingReassigned.set(tpKey(tp), tp);
  }

  /** Kafka's isReassignmentComplete: nothing pending, or every target replica in the ISR (read from ZooKeeper). */
  private async isReassignmentComplete(tp: TopicPartition, assignment: ReplicaAssignment): Promise<boolean> {
    if (!isBeingReassigned(assignment)) return true;
    const state = (await this.zkClient.getTopicPartitionStates([tp])).get(tp);
    if (!state) return false;
    const isr = new Set(state.leaderAndIsr.isr);
    return targetReplicas(assignment).every((r) => isr.has(r));
  }

  private async moveReassignedPartitionLeaderIfRequired(tp: TopicPartition, newAssignment: ReplicaAssignment): Promise<void> {
    const currentLeader = this.context.partitionLeadershipInfo(tp)?.leaderAndIsr.leader ?? -1;
    const replicas = newAssignment.replicas.join(',');
    if (!newAssignment.replicas.includes(currentLeader)) {
      this.log.info(`Leader ${currentLeader} for partition ${tpKey(tp)} being reassigned, is not in the new list of replicas ${replicas}. Re-electing leader`);
      await this.electReassignedPartitionLeader(tp);
    } else if (this.context.isReplicaOnline(currentLeader, tp)) {
      this.log.info(`Leader ${currentLeader} for partition ${tpKey(tp)} being reassigned, is already in the new list of replicas ${replicas} and is alive`);
      await this.updateLeaderEpochAndSendRequest(tp, newAssignment);
    } else {
      this.log.info(`Leader ${currentLeader} for partition ${tpKey(tp)} being reassigned, is already in the new list of replicas ${replicas} but is dead`);
      await this.electReassignedPartitionLeader(tp);
    }
  }

  private async electReassignedPartitionLeader(tp: TopicPartition): Promise<void> {
    const outcome = await this.psm.handleStateChanges([tp], PartitionState.OnlinePartition, { kind: 'reassign' });
    const failure = outcome.failed.get(tpKey(tp));
    if (failure) this.stateChangeLog.error(`Controller ${this.controllerId} epoch ${this.context.epoch} failed to elect a leader from the target replicas of ${tpKey(tp)}: ${failure.message}`);
  }

  /** Kafka's stopRemovedReplicasOfReassignedPartition: offline (out of the ISR), then deleted. */
  private async stopRemovedReplicasOfReassignedPartition(tp: TopicPartition, removed: number[]): Promise<void> {
    if (removed.length === 0) return;
    const replicas = removed.map((replica) => ({ tp, replica }));
    await this.rsm.handleStateChanges(replicas, ReplicaState.OfflineReplica);
    await this.rsm.handleStateChanges(replicas, ReplicaState.ReplicaDeletionStarted);
    await this.rsm.handleStateChanges(replicas, ReplicaState.ReplicaDeletionSuccessful);
    await this.rsm.handleStateChanges(replicas, ReplicaState.NonExistentReplica);
  }

  /** Kafka's updateReplicaAssignmentForPartition: the topic znode with this partition's assignment, fenced. */
  private async updateReplicaAssignmentForPartition(tp: TopicPartition, assignment: ReplicaAssignment): Promise<void> {
    const topicAssignment = this.context.partitionFullReplicaAssignmentForTopic(tp.topic);
    topicAssignment.set(tp.partition, assignment);
    await this.zkClient.setTopicAssignment(tp.topic, this.context.topicIds.get(tp.topic) ?? null, topicAssignment, this.context.epochZkVersion);
    this.log.info(`Successfully updated assignment of partition ${tpKey(tp)} to ${formatAssignment(assignment)}`);
  }

  /** Kafka's updateLeaderEpochAndSendRequest: same leader and ISR with a new epoch, to ORS and (as new) AR. */
  private async updateLeaderEpochAndSendRequest(tp: TopicPartition, assignment: ReplicaAssignment): Promise<void> {
    const updated = await this.updateLeaderEpoch(tp);
    if (updated === null) {
      this.stateChangeLog.error(`Failed to send LeaderAndIsr request with new replica assignment ${formatAssignment(assignment)} to leader for partition being reassigned ${tpKey(tp)}`);
      return;
    }
    this.batch.newBatch();
    this.batch.addLeaderAndIsrRequestForBrokers(originReplicas(assignment), tp, updated, assignment.replicas, false);
    this.batch.addLeaderAndIsrRequestForBrokers(assignment.addingReplicas, tp, updated, assignment.replicas, true);
    this.batch.sendRequestsToBrokers(this.context.epoch);
    this.stateChangeLog.info(`Sent LeaderAndIsr request with leader epoch ${updated.leaderAndIsr.leaderEpoch} and new replica assignment ${formatAssignment(assignment)} to leader ${updated.leaderAndIsr.leader} for partition being reassigned ${tpKey(tp)}`);
  }

  /** Kafka's updateLeaderEpoch: bumps the leader epoch in the state znode (compare-and-set, retried on a version conflict). */
  private async updateLeaderEpoch(tp: TopicPartition): Promise<LeaderIsrAndControllerEpoch | null> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = (await this.zkClient.getTopicPartitionStates([tp])).get(tp);
      if (!current) {
        this.stateChangeLog.error(`Cannot update leader epoch for partition ${tpKey(tp)} as its state znode is missing`);
        return null;
      }
      if (current.controllerEpoch > this.context.epoch) {
        this.stateChangeLog.error(`Leader and isr path of ${tpKey(tp)} written by a controller with epoch ${current.controllerEpoch}; aborting the state change by this controller (epoch ${this.context.epoch})`);
        return null;
      }
      const next = { ...current.leaderAndIsr, leaderEpoch: current.leaderAndIsr.leaderEpoch + 1 };
      const { finishedPartitions } = await this.zkClient.updateLeaderAndIsr(new Map([[tp, next]]), this.context.epoch, this.context.epochZkVersion);
      const r = finishedPartitions.get(tp);
      if (r instanceof Error) throw r;
      if (r !== undefined) {
        const info = { leaderAndIsr: r, controllerEpoch: this.context.epoch };
        this.context.putPartitionLeadershipInfo(tp, info);
        this.log.info(`Updated leader epoch for partition ${tpKey(tp)} to ${r.leaderEpoch}, zkVersion=${r.partitionEpoch}`);
        return info;
      }
    }
    this.stateChangeLog.error(`Gave up updating the leader epoch of ${tpKey(tp)} after repeated zkVersion conflicts`);
    return null;
  }

  private async removePartitionFromReassigningPartitions(tp: TopicPartition, assignment: ReplicaAssignment): Promise<void> {
    if (!this.context.partitionsBeingReassigned.has(tpKey(tp))) return;
    await this.maybeRemoveFromZkReassignment((p, replicas) => tpKey(p) === tpKey(tp) && sameReplicas(replicas, assignment.replicas));
    this.context.partitionsBeingReassigned.delete(tpKey(tp));
  }

  /**
   * Kafka's maybeRemoveFromZkReassignment: rewrites /admin/reassign_partitions without the
   * matching partitions, or deletes it (and re-arms its watch) when none is left.
   */
  private async maybeRemoveFromZkReassignment(shouldRemove: (tp: TopicPartition, replicas: number[]) => boolean): Promise<void> {
    if (!(await this.zkClient.reassignPartitionsInProgress())) return;
    let current: Map<TopicPartition, number[]>;
    try {
      current = await this.zkClient.getPartitionReassignment();
    } catch (err) {
      if (!(err instanceof InvalidZNodeDataError)) throw err;
      current = new Map();
    }
    const remaining = new Map([...current].filter(([tp, replicas]) => !shouldRemove(tp, replicas)));
    if (remaining.size === current.size && current.size > 0) return;
    if (remaining.size === 0) {
      this.log.info('No more partitions need to be reassigned. Deleting zk path /admin/reassign_partitions');
      await this.zkClient.deletePartitionReassignment(this.context.epochZkVersion);
      this.enqueueZkPartitionReassignment();
    } else {
      this.log.info(`Removing partitions ${[...current.keys()].filter((tp) => !remaining.has(tp)).map(tpKey).join(',')} from the list of reassigned partitions in zookeeper`);
      await this.zkClient.setOrCreatePartitionReassignment(remaining, this.context.epochZkVersion);
    }
  }

  private sendUpdateMetadataRequest(partitions: TopicPartition[]): void {
    this.batch.newBatch();
    this.batch.addUpdateMetadataRequestForBrokers(this.context.liveOrShuttingDownBrokerIds(), partitions);
    this.batch.sendRequestsToBrokers(this.context.epoch);
  }
}

/** The list checks of Kafka's validateReplicas: not empty, no duplicates, no negative broker ids. */
function validateReplicaList(replicas: number[]): ReassignmentError | null {
  if (replicas.length === 0) return apiError(Errors.INVALID_REPLICA_ASSIGNMENT, 'Empty replica list specified in partition reassignment.');
  if (new Set(replicas).size !== replicas.length) {
    return apiError(Errors.INVALID_REPLICA_ASSIGNMENT, `Duplicate replica ids in partition reassignment replica list: ${replicas.join(',')}`);
  }
  if (replicas.some((r) => r < 0)) return apiError(Errors.INVALID_REPLICA_ASSIGNMENT, `Invalid broker id in replica list: ${replicas.join(',')}`);
  return null;
}

function sameReplicas(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((r, i) => r === b[i]);
}
