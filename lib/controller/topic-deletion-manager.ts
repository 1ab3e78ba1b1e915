/**
 * Kafka's TopicDeletionManager: a topic queued in /admin/delete_topics goes offline, is announced
 * with leader -2 in UpdateMetadata, gets StopReplica(delete=true) on every live replica, and once
 * every replica confirmed, its znodes (/brokers/topics/<t>, /config/topics/<t>,
 * /admin/delete_topics/<t>) are removed and it leaves the controller context. Replicas on dead
 * brokers make the topic ineligible until they come back; so does a reassignment in progress
 * (resumed when it completes).
 */
import type { ControllerContext, PartitionReplica } from './controller-context.js';
import type { PartitionStateMachine } from './partition-state-machine.js';
import type { ReplicaStateMachine } from './replica-state-machine.js';
import type { ControllerBrokerRequestBatch } from './controller-request-batch.js';
import { PartitionState, ReplicaState } from './states.js';
import type { KafkaZkClient } from '../zk/kafka-zk-client.js';
import { logger } from '../utils/logger.js';
import { Errors } from '../protocol/errors.js';

export class TopicDeletionManager {
  private readonly log = logger('kafka.controller.TopicDeletionManager');

  constructor(
    private readonly context: ControllerContext,
    private readonly zkClient: KafkaZkClient,
    private readonly psm: PartitionStateMachine,
    private readonly rsm: ReplicaStateMachine,
    private readonly batch: ControllerBrokerRequestBatch,
    private readonly deleteTopicEnabled: boolean,
  ) {}

  async init(topicsToBeDeleted: string[]): Promise<void> {
    if (!this.deleteTopicEnabled) {
      // delete.topic.enable=false: the marker znodes are simply removed.
      if (topicsToBeDeleted.length > 0) await this.zkClient.deleteTopicDeletions(topicsToBeDeleted, this.context.epochZkVersion);
      return;
    }
    for (const t of topicsToBeDeleted) this.context.topicsToBeDeleted.add(t);
  }

  async enqueueTopicsForDeletion(topics: string[]): Promise<void> {
    if (!this.deleteTopicEnabled) return;
    for (const t of topics) this.context.topicsToBeDeleted.add(t);
    await this.resumeDeletions();
  }

  /** Replicas on a restarted broker may now be deleted. */
  async resumeDeletionForTopics(): Promise<void> {
    this.context.topicsIneligibleForDeletion.clear();
    await this.resumeDeletions();
  }

  private replicasOf(topic: string): PartitionReplica[] {
    return this.context.replicasForPartitions(this.context.partitionsForTopic(topic));
  }

  private isDeletionComplete(topic: string): boolean {
    const replicas = this.replicasOf(topic);
    return replicas.every((r) => this.context.replicaState(r) === ReplicaState.ReplicaDeletionSuccessful);
  }

  private isDeletionInProgress(topic: string): boolean {
    return this.replicasOf(topic).some((r) => this.context.replicaState(r) === ReplicaState.ReplicaDeletionStarted);
  }

  async resumeDeletions(): Promise<void> {
    for (const topic of [...this.context.topicsToBeDeleted]) {
      if (this.isDeletionComplete(topic)) {
        await this.completeDeleteTopic(topic);
      } else if (!this.isDeletionInProgress(topic) && !this.context.topicsIneligibleForDeletion.has(topic) && !this.context.isTopicBeingReassigned(topic)) {
        await this.onTopicDeletion(topic);
      }
    }
  }

  private async onTopicDeletion(topic: string): Promise<void> {
    this.log.info(`Deleting topic ${topic}`);
    const partitions = this.context.partitionsForTopic(topic);
    // Announce leader -2 for these partitions to every broker so they stop serving them.
    this.batch.newBatch();
    this.batch.addUpdateMetadataRequestForBrokers(this.context.liveOrShuttingDownBrokerIds(), partitions);
    this.batch.sendRequestsToBrokers(this.context.epoch);
    await this.psm.handleStateChanges(partitions, PartitionState.OfflinePartition);
    await this.psm.handleStateChanges(partitions, PartitionState.NonExistentPartition);
    const replicas = this.replicasOf(topic);
    const dead = replicas.filter((r) => !this.context.isReplicaOnline(r.replica));
    const alive = replicas.filter((r) => this.context.isReplicaOnline(r.replica));
    await this.rsm.handleStateChanges(dead, ReplicaState.ReplicaDeletionIneligible);
    await this.rsm.handleStateChanges(alive, ReplicaState.OfflineReplica);
    await this.rsm.handleStateChanges(alive, ReplicaState.ReplicaDeletionStarted);
    if (dead.length > 0) this.context.topicsIneligibleForDeletion.add(topic);
  }

  /** A StopReplica(delete=true) answer: per partition, success or failure on that broker. */
  async onStopReplicaResponse(brokerId: number, results: Array<{ topic: string; partition: number; errorCode: number }>): Promise<void> {
    const ok: PartitionReplica[] = [];
    const failed: PartitionReplica[] = [];
    for (const r of results) {
      if (!this.context.topicsToBeDeleted.has(r.topic)) continue;
      const pr = { tp: { topic: r.topic, partition: r.partition }, replica: brokerId };
      if (this.context.replicaState(pr) !== ReplicaState.ReplicaDeletionStarted) continue;
      (r.errorCode === Errors.NONE.code ? ok : failed).push(pr);
    }
    await this.rsm.handleStateChanges(ok, ReplicaState.ReplicaDeletionSuccessful);
    if (failed.length > 0) {
      await this.rsm.handleStateChanges(failed, ReplicaState.ReplicaDeletionIneligible);
      for (const f of failed) this.context.topicsIneligibleForDeletion.add(f.tp.topic);
    }
    await this.resumeDeletions();
  }

  private async completeDeleteTopic(topic: string): Promise<void> {
    await this.rsm.handleStateChanges(this.replicasOf(topic), ReplicaState.NonExistentReplica);
    const epochZkVersion = this.context.epochZkVersion;
    await this.zkClient.deleteTopicZNode(topic, epochZkVersion);
    await this.zkClient.deleteTopicConfigs([topic], epochZkVersion);
    await this.zkClient.deleteTopicDeletions([topic], epochZkVersion);
    this.context.removeTopic(topic);
    this.log.info(`Deletion of topic ${topic} successfully completed`);
  }
}
