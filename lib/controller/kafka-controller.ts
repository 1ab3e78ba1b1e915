/**
 * Kafka's KafkaController (ZooKeeper mode): every broker runs one; the one that creates the
 * ephemeral /controller znode (bumping /controller_epoch in the same multi) is active. All work
 * happens on one event queue fed by ZooKeeper watches, requests and timers (tasks on the broker's
 * KafkaScheduler that only enqueue an event). Failover loads the
 * context from ZooKeeper, tells every broker the live brokers, brings replicas online and elects
 * leaders; afterwards broker joins/failures, topic creation/partition additions/deletions,
 * AlterPartition (ISR changes), controlled shutdown, preferred-leader elections (also through
 * /admin/preferred_replica_election) and partition reassignments (ReassignmentManager: the API
 * and /admin/reassign_partitions) are handled as Kafka does (see ../shared/kafka-protocol/ZOOKEEPER.md §4).
 */
import type { ControllerConfig } from '../config/controller-config.js';
import { ControllerEventManager } from './controller-event-manager.js';
import { ControllerContext, type LiveBroker } from './controller-context.js';
import { ControllerChannelManager, type ChannelOptions } from './controller-channel-manager.js';
import { ControllerBrokerRequestBatch } from './controller-request-batch.js';
import { PartitionStateMachine } from './partition-state-machine.js';
import { ReplicaStateMachine } from './replica-state-machine.js';
import { TopicDeletionManager } from './topic-deletion-manager.js';
import { PartitionState, ReplicaState } from './states.js';
import { ControllerOperations, type AlterPartitionEntry, type AlterPartitionOutcome } from './controller-operations.js';
import { ReassignmentManager } from './reassignment-manager.js';
import { isBeingReassigned, targetReplicas } from './reassignment.js';
import type { KafkaZkClient } from '../zk/kafka-zk-client.js';
import { ControllerMovedError, SessionExpiredError } from '../zk/keeper-errors.js';
import { NotControllerError } from '../protocol/errors.js';
import { BrokerIdsZNode, type BrokerInfo } from '../zk/broker-znodes.js';
import { ControllerZNode } from '../zk/controller-znodes.js';
import { DeleteTopicsZNode, PreferredReplicaElectionZNode, ReassignPartitionsZNode } from '../zk/admin-znodes.js';
import { LogDirEventNotificationZNode } from '../zk/notification-znodes.js';
import { TopicZNode, TopicsZNode } from '../zk/topic-znodes.js';
import { randomUuid } from '../zk/znode-json.js';
import type { ZNodeChangeHandler, ZNodeChildChangeHandler } from '../zk/zookeeper-client.js';
import { ZERO_UUID } from '../protocol/reader.js';
import { SYSTEM_TIME, type Time } from '../common/time.js';
import type { KafkaScheduler, ScheduledTask } from '../common/scheduler.js';
import { logger } from '../utils/logger.js';

export type KafkaControllerEvent =
  | { name: 'Startup' }
  | { name: 'Expire'; preempt: true }
  | { name: 'RegisterBrokerAndReelect' }
  | { name: 'Reelect' }
  | { name: 'ControllerChange' }
  | { name: 'BrokerChange' }
  | { name: 'BrokerModifications'; brokerId: number }
  | { name: 'TopicChange' }
  | { name: 'PartitionModifications'; topic: string }
  | { name: 'TopicDeletion' }
  | { name: 'AutoPreferredReplicaLeaderElection' }
  | { name: 'ZkPartitionReassignment' }
  | { name: 'UncleanLeaderElectionEnable' }
  | { name: 'ReplicaLeaderElection' }
  | { name: 'TopicDeletionStopReplicaResponseReceived'; brokerId: number; results: Array<{ topic: string; partition: number; errorCode: number }> }
  | { name: 'LogDirEventNotification' }
  | { name: 'LeaderAndIsrResponseReceived'; brokerId: number; errors: Array<{ tp: { topic: string; partition: number }; errorCode: number }> }
  | { name: 'Run'; run: (c: ControllerOperations) => Promise<void>; preempted: () => void };

/** The broker's ControllerConfig and its id. */
export interface KafkaControllerConfig extends ControllerConfig {
  brokerId: number;
}

export interface ControllerHost {
  /** Re-registers /brokers/ids/<id> after a session expiry; returns the new broker epoch. */
  registerBroker(): Promise<bigint>;
  /** Topic-level unclean.leader.election.enable (falls back to the broker default). */
  uncleanLeaderElectionEnabled(topic: string): Promise<boolean>;
}

/** The broker's clock and scheduler the controller's timers run on; unit specs also pass how the channel manager connects. */
export interface ControllerRuntime {
  scheduler: KafkaScheduler;
  time?: Time;
  newChannelClient?: ChannelOptions['newClient'];
  /** TLS/SASL of the inter-broker listener the channel connects over. */
  interBrokerSecurity?: ChannelOptions['security'];
}

export class KafkaController {
  private readonly log = logger('kafka.controller.KafkaController');
  readonly context = new ControllerContext();
  private readonly events: ControllerEventManager<KafkaControllerEvent>;
  private channel: ControllerChannelManager;
  private batch: ControllerBrokerRequestBatch;
  private psm: PartitionStateMachine;
  private rsm: ReplicaStateMachine;
  private deletion: TopicDeletionManager;
  private ops: ControllerOperations;
  private reassignments: ReassignmentManager;
  private activeControllerId = -1;
  private autoRebalanceTask: ScheduledTask | undefined;
  private readonly topicHandlers = new Map<string, ZNodeChangeHandler>();
  private readonly brokerHandlers = new Map<number, ZNodeChangeHandler>();

  constructor(
    private readonly config: KafkaControllerConfig,
    private readonly zkClient: KafkaZkClient,
    private readonly host: ControllerHost,
    private readonly runtime: ControllerRuntime,
  ) {
    this.events = new ControllerEventManager({ process: (e) => this.process(e), preempt: (e) => this.preempt(e) });
    const built = this.buildComponents();
    this.channel = built.channel;
    this.batch = built.batch;
    this.psm = built.psm;
    this.rsm = built.rsm;
    this.deletion = built.deletion;
    this.reassignments = built.reassignments;
    this.ops = built.ops;
  }

  private buildComponents() {
    const channel = new ControllerChannelManager({
      controllerId: this.config.brokerId,
      interBrokerListener: this.config.interBrokerListener,
      requestTimeoutMs: this.config.requestTimeoutMs,
      retryBackoffMs: 100,
      time: this.runtime.time ?? SYSTEM_TIME,
      newClient: this.runtime.newChannelClient,
      security: this.runtime.interBrokerSecurity,
    });
    const batch = new ControllerBrokerRequestBatch(this.config.brokerId, this.context, channel, {
      onStopReplicaResponse: (brokerId, response, _partitions, deletePartition) => {
        if (!deletePartition) return;
        const results = response.partitionErrors.map((p) => ({ topic: p.topicName, partition: p.partitionIndex, errorCode: p.errorCode }));
        this.events.put({ name: 'TopicDeletionStopReplicaResponseReceived', brokerId, results });
      },
      onLeaderAndIsrResponse: (brokerId, response) => {
        if (response.errorCode !== 0) {
          this.log.warn(`LeaderAndIsr to broker ${brokerId} failed with error code ${response.errorCode}`);
          return;
        }
        const names = new Map([...this.context.topicIds].map(([name, id]) => [id, name]));
        const errors = [
          ...response.partitionErrors.map((p) => ({ tp: { topic: p.topicName, partition: p.partitionIndex }, errorCode: p.errorCode })),
          ...response.topics.flatMap((t) => {
            const topic = names.get(t.topicId);
            return topic === undefined ? [] : t.partitionErrors.map((p) => ({ tp: { topic, partition: p.partitionIndex }, errorCode: p.errorCode }));
          }),
        ];
        this.events.put({ name: 'LeaderAndIsrResponseReceived', brokerId, errors });
      },
    });
    const psm = new PartitionStateMachine(this.config.brokerId, this.context, this.zkClient, batch, (t) => this.host.uncleanLeaderElectionEnabled(t));
    const rsm = new ReplicaStateMachine(this.config.brokerId, this.context, this.zkClient, batch);
    const deletion = new TopicDeletionManager(this.context, this.zkClient, psm, rsm, batch, this.config.deleteTopicEnable);
    const reassignments = new ReassignmentManager(this.config.brokerId, this.context, this.zkClient, batch, psm, rsm, deletion,
      this.partitionReassignmentHandler, () => this.events.put({ name: 'ZkPartitionReassignment' }));
    const ops = new ControllerOperations(this.config.brokerId, this.context, this.zkClient, batch, psm, rsm, reassignments);
    return { channel, batch, psm, rsm, deletion, reassignments, ops };
  }

  get isActive(): boolean {
    return this.activeControllerId === this.config.brokerId;
  }

  /** The active controller's id as this broker last saw it, or -1. */
  get controllerId(): number {
    return this.activeControllerId;
  }

  get epoch(): number {
    return this.context.epoch;
  }

  startup(): void {
    this.zkClient.registerStateChangeHandler({
      name: 'controller-state-change-handler',
      // As Kafka: the new session waits until the Expire event is being processed, so this broker
      // has resigned (and the event in progress, failing on the expired session, is done) first.
      beforeInitializingSession: () => this.events.clearAndPut({ name: 'Expire', preempt: true }).awaitProcessing(),
      afterInitializingSession: () => void this.events.put({ name: 'RegisterBrokerAndReelect' }),
    });
    this.events.put({ name: 'Startup' });
    this.events.start();
  }

  async shutdown(): Promise<void> {
    await this.events.close();
    // What this controller decided last (say the leaders its own broker's controlled shutdown just
    // moved) still reaches the brokers before the connections close.
    await this.channel.drain(this.config.requestTimeoutMs);
    this.onControllerResignation();
  }

  /** Runs work on the controller's event thread and resolves with its result. */
  enqueue<T>(work: (ops: ControllerOperations) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.events.put({
        name: 'Run',
        run: async (ops) => {
          try {
            resolve(await work(ops));
          } catch (err) {
            reject(err);
          }
        },
        preempted: () => reject(new NotControllerError('The controller resigned before handling the request')),
      });
    });
  }

  /**
   * AlterPartition from a partition leader (Kafka's KafkaController.alterPartitions): answered
   * first, then a reassignment whose target replicas all joined the ISR completes.
   */
  alterPartition(brokerId: number, brokerEpoch: bigint, entries: AlterPartitionEntry[]): Promise<{ errorCode: number; partitions: AlterPartitionOutcome[] }> {
    return new Promise((resolve, reject) => {
      this.events.put({
        name: 'Run',
        run: async (ops) => {
          let result: { errorCode: number; partitions: AlterPartitionOutcome[] };
          try {
            result = await ops.alterPartition(brokerId, brokerEpoch, entries);
          } catch (err) {
            reject(err);
            return;
          }
          resolve(result);
          await ops.maybeCompleteReassignments(result.partitions.filter((p) => p.errorCode === 0).map((p) => p.tp));
        },
        preempted: () => reject(new NotControllerError('The controller resigned before handling the request')),
      });
    });
  }

  /** Kafka's enableDefaultUncleanLeaderElection: the broker default of unclean.leader.election.enable became true. */
  enableDefaultUncleanLeaderElection(): void {
    this.events.put({ name: 'UncleanLeaderElectionEnable' });
  }

  /** Kafka's ControllerEventProcessor.preempt: a request whose event was dropped (expiry, shutdown) answers NOT_CONTROLLER. */
  private preempt(e: KafkaControllerEvent): void {
    if (e.name === 'Run') e.preempted();
  }

  private async process(e: KafkaControllerEvent): Promise<void> {
    try {
      switch (e.name) {
        case 'Startup':
          await this.zkClient.registerZNodeChangeHandlerAndCheckExistence(this.controllerChangeHandler);
          await this.elect();
          return;
        case 'Expire':
          if (this.isActive) this.log.info(`Resigning as the controller (epoch ${this.context.epoch}): the ZooKeeper session expired`);
          this.activeControllerId = -1;
          this.onControllerResignation();
          return;
        case 'RegisterBrokerAndReelect':
          await this.host.registerBroker();
          await this.zkClient.registerZNodeChangeHandlerAndCheckExistence(this.controllerChangeHandler);
          await this.elect();
          return;
        case 'ControllerChange':
          await this.maybeResign();
          return;
        case 'Reelect':
          await this.maybeResign();
          await this.elect();
          return;
        case 'Run':
          if (!this.isActive) {
            await e.run(this.inactiveOps());
            return;
          }
          await e.run(this.ops);
          return;
      }
      if (!this.isActive) return;
      switch (e.name) {
        case 'BrokerChange':
          await this.processBrokerChange();
          return;
        case 'BrokerModifications':
          await this.processBrokerModification(e.brokerId);
          return;
        case 'TopicChange':
          await this.processTopicChange();
          return;
        case 'PartitionModifications':
          await this.processPartitionModifications(e.topic);
          return;
        case 'TopicDeletion':
          await this.processTopicDeletion();
          return;
        case 'TopicDeletionStopReplicaResponseReceived':
          await this.deletion.onStopReplicaResponse(e.brokerId, e.results);
          return;
        case 'LogDirEventNotification':
          await this.processLogDirEventNotification();
          return;
        case 'LeaderAndIsrResponseReceived':
          await this.ops.onLeaderAndIsrResponse(e.brokerId, e.errors);
          return;
        case 'AutoPreferredReplicaLeaderElection':
          try {
            await this.ops.checkAndTriggerAutoLeaderRebalance(this.config.leaderImbalancePerBrokerPercentage);
          } finally {
            this.scheduleAutoLeaderRebalanceTask();
          }
          return;
        case 'UncleanLeaderElectionEnable':
          // Offline partitions may now get a leader from outside the ISR (Kafka's processUncleanLeaderElectionEnable).
          await this.psm.triggerOnlinePartitionStateChange();
          return;
        case 'ZkPartitionReassignment':
          await this.reassignments.processZkPartitionReassignment();
          return;
        case 'ReplicaLeaderElection':
          await this.ops.processZkPreferredReplicaElection(this.preferredReplicaElectionHandler, () => this.events.put({ name: 'ReplicaLeaderElection' }));
          return;
      }
    } catch (err) {
      if (err instanceof SessionExpiredError) {
        // The Expire event queued behind this one resigns and, on the new session, re-elects.
        this.log.warn(`ZooKeeper session expired while processing controller event ${e.name}`);
        return;
      }
      if (err instanceof ControllerMovedError) {
        this.log.warn(`Controller moved to another broker while processing ${e.name}; resigning`);
        await this.maybeResign();
        return;
      }
      this.log.error({ err }, `Error processing controller event ${e.name}`);
      if (this.isActive && (e.name === 'Startup' || e.name === 'Reelect' || e.name === 'RegisterBrokerAndReelect')) await this.triggerControllerMove();
    }
  }

  /** Operations that answer NOT_CONTROLLER when this broker is not the active controller. */
  private inactiveOps(): ControllerOperations {
    return this.ops.asInactive();
  }

  // ---- election ------------------------------------------------------------------------------

  /** Kafka's PartitionReassignmentHandler: the legacy tool created /admin/reassign_partitions. */
  private readonly partitionReassignmentHandler: ZNodeChangeHandler = {
    path: ReassignPartitionsZNode.path,
    handleCreation: () => this.events.put({ name: 'ZkPartitionReassignment' }),
  };

  /** Kafka's PreferredReplicaElectionHandler: the legacy tool created /admin/preferred_replica_election. */
  private readonly preferredReplicaElectionHandler: ZNodeChangeHandler = {
    path: PreferredReplicaElectionZNode.path,
    handleCreation: () => this.events.put({ name: 'ReplicaLeaderElection' }),
  };

  private readonly controllerChangeHandler: ZNodeChangeHandler = {
    path: ControllerZNode.path,
    handleCreation: () => this.events.put({ name: 'ControllerChange' }),
    handleDataChange: () => this.events.put({ name: 'ControllerChange' }),
    handleDeletion: () => this.events.put({ name: 'Reelect' }),
  };

  private async elect(): Promise<void> {
    const wasActive = this.isActive;
    const epochBefore = await this.zkClient.getControllerEpoch();
    this.activeControllerId = (await this.zkClient.getControllerId()) ?? -1;
    if (!wasActive && this.activeControllerId === this.config.brokerId && epochBefore !== null) {
      // Left by an earlier session of this broker that it gave up as lost before ZooKeeper expired
      // it: this broker is not acting as controller, so remove the stale claim, fenced by the
      // controller epoch, and elect again.
      this.log.info('/controller names this broker from an earlier ZooKeeper session; deleting it before the election');
      try {
        await this.zkClient.deleteController(epochBefore.zkVersion);
      } catch (err) {
        if (!(err instanceof ControllerMovedError)) throw err;
      }
      this.activeControllerId = (await this.zkClient.getControllerId()) ?? -1;
    }
    if (this.activeControllerId !== -1) {
      this.log.debug(`Broker ${this.activeControllerId} has been elected as the controller, so stopping the election process.`);
      return;
    }
    try {
      const { epoch, epochZkVersion } = await this.zkClient.registerControllerAndIncrementControllerEpoch(this.config.brokerId);
      this.context.epoch = epoch;
      this.context.epochZkVersion = epochZkVersion;
      this.activeControllerId = this.config.brokerId;
      this.log.info(`${this.config.brokerId} successfully elected as the controller. Epoch incremented to ${epoch} and epoch zk version is now ${epochZkVersion}`);
      await this.onControllerFailover();
    } catch (err) {
      if (err instanceof SessionExpiredError) throw err; // the Expire event resigns and re-elects
      if (err instanceof ControllerMovedError) {
        this.activeControllerId = (await this.zkClient.getControllerId()) ?? -1;
        this.log.info(`Controller moved to broker ${this.activeControllerId} during the election`);
        return;
      }
      this.log.error({ err }, 'Error while electing or becoming controller');
      await this.triggerControllerMove();
    }
  }

  private async maybeResign(): Promise<void> {
    const wasActive = this.isActive;
    this.activeControllerId = (await this.zkClient.getControllerId()) ?? -1;
    if (wasActive && !this.isActive) this.onControllerResignation();
  }

  private async triggerControllerMove(): Promise<void> {
    this.onControllerResignation();
    this.activeControllerId = -1;
    try {
      await this.zkClient.deleteController(this.context.epochZkVersion);
    } catch (err) {
      this.log.warn(`Could not delete /controller while resigning: ${(err as Error).message}`);
    }
  }

  // ---- failover / resignation ----------------------------------------------------------------

  private async onControllerFailover(): Promise<void> {
    this.zkClient.registerZNodeChildChangeHandler(this.childHandler(BrokerIdsZNode.path, { name: 'BrokerChange' }));
    this.zkClient.registerZNodeChildChangeHandler(this.childHandler(TopicsZNode.path, { name: 'TopicChange' }));
    this.zkClient.registerZNodeChildChangeHandler(this.childHandler(DeleteTopicsZNode.path, { name: 'TopicDeletion' }));
    this.zkClient.registerZNodeChildChangeHandler(this.childHandler(LogDirEventNotificationZNode.path, { name: 'LogDirEventNotification' }));
    for (const h of [this.preferredReplicaElectionHandler, this.partitionReassignmentHandler]) await this.zkClient.registerZNodeChangeHandlerAndCheckExistence(h);
    await this.zkClient.deleteIsrChangeNotifications(this.context.epochZkVersion);
    await this.zkClient.deleteLogDirEventNotifications(this.context.epochZkVersion);
    await this.zkClient.getAllLogDirEventNotifications(); // arms the child watch
    await this.initializeControllerContext();
    const toDelete = await this.zkClient.getTopicDeletions();
    await this.deletion.init(toDelete.filter((t) => this.context.allTopics.has(t)));
    this.ops.sendUpdateMetadataRequest(this.context.liveOrShuttingDownBrokerIds(), []);
    this.rsm.initializeReplicaState();
    const online = this.context.replicasOnBrokers(this.context.liveBrokerIds()).filter((r) => !this.context.isTopicQueuedUpForDeletion(r.tp.topic));
    await this.rsm.handleStateChanges(online, ReplicaState.OnlineReplica);
    // Replicas on dead brokers leave the ISR now (ReplicaStateMachine.startup).
    const live = this.context.liveBrokerIds();
    const offline = this.context.allPartitions().flatMap((tp) => this.context.partitionReplicaAssignment(tp).filter((r) => !live.has(r)).map((replica) => ({ tp, replica })))
      .filter((r) => !this.context.isTopicQueuedUpForDeletion(r.tp.topic));
    await this.rsm.handleStateChanges(offline, ReplicaState.OfflineReplica);
    this.psm.initializePartitionState();
    await this.psm.triggerOnlinePartitionStateChange();
    await this.reassignments.initializePartitionReassignments();
    await this.deletion.resumeDeletions();
    await this.ops.processZkPreferredReplicaElection(this.preferredReplicaElectionHandler, () => this.events.put({ name: 'ReplicaLeaderElection' }));
    if (this.config.autoLeaderRebalanceEnable) this.scheduleAutoLeaderRebalanceTask();
    this.log.info(`Controller ${this.config.brokerId} finished failover: ${this.context.liveBrokerList().length} live brokers, ${this.context.allTopics.size} topics`);
  }

  /**
   * Kafka's scheduleAutoLeaderRebalanceTask: a one-shot task that only enqueues the
   * AutoPreferredReplicaLeaderElection event, re-armed after each run of that event, so checks never
   * pile up. The first check comes one leader.imbalance.check.interval.seconds after failover
   * (Kafka's comes after 5 s).
   */
  private scheduleAutoLeaderRebalanceTask(): void {
    this.autoRebalanceTask?.cancel();
    this.autoRebalanceTask = undefined;
    if (!this.runtime.scheduler.isStarted()) return;
    this.autoRebalanceTask = this.runtime.scheduler.scheduleOnce('auto-leader-rebalance-task',
      () => { this.events.put({ name: 'AutoPreferredReplicaLeaderElection' }); }, this.config.leaderImbalanceCheckIntervalSeconds * 1000);
  }

  private onControllerResignation(): void {
    this.autoRebalanceTask?.cancel();
    this.autoRebalanceTask = undefined;
    for (const p of [BrokerIdsZNode.path, TopicsZNode.path, DeleteTopicsZNode.path, LogDirEventNotificationZNode.path]) this.zkClient.unregisterZNodeChildChangeHandler(p);
    for (const p of [PreferredReplicaElectionZNode.path, ReassignPartitionsZNode.path]) this.zkClient.unregisterZNodeChangeHandler(p);
    for (const p of this.topicHandlers.keys()) this.zkClient.unregisterZNodeChangeHandler(TopicZNode.path(p));
    this.topicHandlers.clear();
    for (const id of this.brokerHandlers.keys()) this.zkClient.unregisterZNodeChangeHandler(`${BrokerIdsZNode.path}/${id}`);
    this.brokerHandlers.clear();
    this.channel.shutdown();
    this.batch.clear();
    this.context.reset();
    const built = this.buildComponents();
    this.channel = built.channel;
    this.batch = built.batch;
    this.psm = built.psm;
    this.rsm = built.rsm;
    this.deletion = built.deletion;
    this.reassignments = built.reassignments;
    this.ops = built.ops;
  }

  private childHandler(path: string, event: KafkaControllerEvent): ZNodeChildChangeHandler {
    return { path, handleChildChange: () => this.events.put(event) };
  }

  private watchTopic(topic: string): void {
    if (this.topicHandlers.has(topic)) return;
    const h: ZNodeChangeHandler = { path: TopicZNode.path(topic), handleDataChange: () => this.events.put({ name: 'PartitionModifications', topic }) };
    this.topicHandlers.set(topic, h);
    this.zkClient.registerZNodeChangeHandler(h);
  }

  private watchBroker(brokerId: number): void {
    if (this.brokerHandlers.has(brokerId)) return;
    const h: ZNodeChangeHandler = { path: `${BrokerIdsZNode.path}/${brokerId}`, handleDataChange: () => this.events.put({ name: 'BrokerModifications', brokerId }) };
    this.brokerHandlers.set(brokerId, h);
    this.zkClient.registerZNodeChangeHandler(h);
  }

  private async readLiveBrokers(): Promise<LiveBroker[]> {
    const all = await this.zkClient.getAllBrokerAndEpochsInCluster();
    return [...all.values()].map(({ broker, epoch }) => toLiveBroker(broker, epoch));
  }

  private async initializeControllerContext(): Promise<void> {
    const brokers = await this.readLiveBrokers();
    this.context.setLiveBrokers(brokers);
    const topics = await this.zkClient.getAllTopicsInCluster(true);
    await this.loadTopics(topics);
    this.channel.startup(brokers);
    for (const b of brokers) this.watchBroker(b.id);
    // Re-reading the broker znodes arms the data watches just registered.
    await Promise.all(brokers.map((b) => this.zkClient.getBroker(b.id)));
  }

  /** Adds topics (assignment, ids, partition states) to the context, back-filling missing topic ids. */
  private async loadTopics(topics: string[]): Promise<void> {
    if (topics.length === 0) return;
    for (const t of topics) this.watchTopic(t);
    const assignments = await this.zkClient.getReplicaAssignmentAndTopicIdForTopics(topics);
    for (const a of assignments) {
      let topicId = a.topicId;
      if (!topicId || topicId === ZERO_UUID) {
        topicId = randomUuid();
        await this.zkClient.setTopicAssignment(a.topic, topicId, a.assignment, this.context.epochZkVersion);
      }
      this.context.topicIds.set(a.topic, topicId);
      for (const [p, ra] of a.assignment) {
        const tp = { topic: a.topic, partition: p };
        this.context.updatePartitionFullReplicaAssignment(tp, ra);
        if (isBeingReassigned(ra)) this.context.partitionsBeingReassigned.set(`${a.topic}-${p}`, tp);
      }
    }
    const partitions = topics.flatMap((t) => this.context.partitionsForTopic(t));
    const states = await this.zkClient.getTopicPartitionStates(partitions);
    for (const [tp, s] of states) this.context.putPartitionLeadershipInfo(tp, s);
  }

  // ---- brokers -------------------------------------------------------------------------------

  private async processBrokerChange(): Promise<void> {
    const current = await this.readLiveBrokers();
    const known = this.context.liveOrShuttingDownBrokerIds();
    const currentIds = new Set(current.map((b) => b.id));
    const added = current.filter((b) => !known.has(b.id));
    const dead = [...known].filter((id) => !currentIds.has(id));
    const bounced = current.filter((b) => known.has(b.id) && this.context.liveBroker(b.id)!.epoch !== b.epoch);
    if (added.length + dead.length + bounced.length === 0) return;
    this.log.info(`Newly added brokers: [${added.map((b) => b.id).join(',')}], deleted brokers: [${dead.join(',')}], bounced brokers: [${bounced.map((b) => b.id).join(',')}]`);
    for (const id of [...dead, ...bounced.map((b) => b.id)]) {
      this.channel.removeBroker(id);
      this.zkClient.unregisterZNodeChangeHandler(`${BrokerIdsZNode.path}/${id}`);
      this.brokerHandlers.delete(id);
    }
    this.context.removeLiveBrokers([...dead, ...bounced.map((b) => b.id)]);
    if (bounced.length > 0) await this.ops.onBrokerFailure(bounced.map((b) => b.id));
    await this.ops.onBrokerFailure(dead);
    const starting = [...added, ...bounced];
    this.context.addLiveBrokers(starting);
    for (const b of starting) {
      this.channel.addBroker(b);
      this.watchBroker(b.id);
      await this.zkClient.getBroker(b.id);
    }
    if (starting.length > 0) {
      const startingIds = new Set(starting.map((b) => b.id));
      await this.ops.onBrokerStartup([...startingIds]);
      // Reassignments waiting for one of these brokers go on (Kafka's maybeResumeReassignments).
      await this.reassignments.maybeResumeReassignments((_, a) => targetReplicas(a).some((b) => startingIds.has(b)));
      await this.deletion.resumeDeletionForTopics();
    }
  }

  /** KafkaController.processLogDirEventNotification: the brokers named by the notifications, then delete them. */
  private async processLogDirEventNotification(): Promise<void> {
    const sequenceNumbers = await this.zkClient.getAllLogDirEventNotifications();
    try {
      const brokerIds = await this.zkClient.getBrokerIdFromLogDirEvents(sequenceNumbers);
      await this.ops.onBrokerLogDirFailure(brokerIds);
    } finally {
      await this.zkClient.deleteLogDirEventNotifications(this.context.epochZkVersion, sequenceNumbers);
    }
  }

  private async processBrokerModification(brokerId: number): Promise<void> {
    const info = await this.zkClient.getBrokerAndEpoch(brokerId);
    const cached = this.context.liveBroker(brokerId);
    if (!info || !cached) return;
    this.context.addLiveBrokers([toLiveBroker(info.broker, info.epoch)]);
    this.ops.sendUpdateMetadataRequest(this.context.liveOrShuttingDownBrokerIds(), []);
  }

  // ---- topics --------------------------------------------------------------------------------

  private async processTopicChange(): Promise<void> {
    const topics = new Set(await this.zkClient.getAllTopicsInCluster(true));
    const added = [...topics].filter((t) => !this.context.allTopics.has(t));
    const removed = [...this.context.allTopics].filter((t) => !topics.has(t));
    for (const t of removed) {
      // Deleted directly in ZooKeeper (not through /admin/delete_topics): forget it.
      this.zkClient.unregisterZNodeChangeHandler(TopicZNode.path(t));
      this.topicHandlers.delete(t);
      this.context.removeTopic(t);
    }
    await this.reassignments.onTopicsRemoved(new Set(removed));
    if (added.length === 0) return;
    await this.loadTopics(added);
    const newPartitions = added.flatMap((t) => this.context.partitionsForTopic(t)).filter((tp) => !this.context.partitionLeadershipInfo(tp));
    this.log.info(`New topics: [${added.join(',')}]`);
    await this.ops.onNewPartitionCreation(newPartitions);
    // Partitions whose state already existed (topic re-created by hand) go through the usual election.
    await this.psm.triggerOnlinePartitionStateChange(new Set(added));
  }

  private async processPartitionModifications(topic: string): Promise<void> {
    if (!this.context.allTopics.has(topic) || this.context.isTopicQueuedUpForDeletion(topic)) return;
    const assignment = (await this.zkClient.getReplicaAssignmentForTopics([topic])).get(topic);
    if (!assignment) return;
    const known = new Set(this.context.partitionsForTopic(topic).map((tp) => tp.partition));
    const added = [...assignment.keys()].filter((p) => !known.has(p)).sort((a, b) => a - b);
    if (added.length === 0) return;
    for (const p of added) this.context.setAssignment(topic, p, assignment.get(p)!);
    this.log.info(`New partitions for topic ${topic}: [${added.join(',')}]`);
    await this.ops.onNewPartitionCreation(added.map((partition) => ({ topic, partition })));
  }

  private async processTopicDeletion(): Promise<void> {
    const marked = await this.zkClient.getTopicDeletions();
    const unknown = marked.filter((t) => !this.context.allTopics.has(t));
    if (unknown.length > 0) await this.zkClient.deleteTopicDeletions(unknown, this.context.epochZkVersion);
    const existing = marked.filter((t) => this.context.allTopics.has(t));
    if (!this.config.deleteTopicEnable) {
      if (existing.length > 0) await this.zkClient.deleteTopicDeletions(existing, this.context.epochZkVersion);
      return;
    }
    if (existing.length > 0) await this.deletion.enqueueTopicsForDeletion(existing);
  }

  /** For tests and tools: partitions still in a state other than online. */
  offlinePartitionCount(): number {
    return this.context.partitionsInState(PartitionState.OfflinePartition).length;
  }
}

function toLiveBroker(broker: BrokerInfo, epoch: bigint): LiveBroker {
  return {
    id: broker.id,
    epoch,
    rack: broker.rack ?? null,
    endpoints: broker.endpoints.map((e) => ({ listener: e.listenerName, host: e.host, port: e.port, securityProtocol: securityProtocolId(e.securityProtocol) })),
  };
}

/** Kafka's SecurityProtocol ids as UpdateMetadata carries them. */
function securityProtocolId(name: string): number {
  switch (name) {
    case 'PLAINTEXT':
      return 0;
    case 'SSL':
      return 1;
    case 'SASL_PLAINTEXT':
      return 2;
    case 'SASL_SSL':
      return 3;
    default:
      return 0;
  }
}
