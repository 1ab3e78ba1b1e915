import { expect } from 'chai';
import { KafkaController, type KafkaControllerConfig } from '../../lib/controller/kafka-controller.js';
import type { ControllerChannelClient } from '../../lib/controller/controller-channel-manager.js';
import { LEADER_AND_ISR_VERSION, STOP_REPLICA_VERSION, UPDATE_METADATA_VERSION } from '../../lib/controller/controller-request-batch.js';
import { ApiKeys } from '../../lib/protocol/index.js';
import { encodeResponseBuffer } from '../../lib/protocol/frames.js';
import { MockTime } from '../../lib/common/time.js';
import { KafkaScheduler } from '../../lib/common/scheduler.js';
import { FakeKafkaZkClient, settle } from './support.js';

const tp = { topic: 'orders', partition: 0 };
const CHECK_INTERVAL_S = 300;

/** The answer a broker gives the controller's request in `frame` (all without errors). */
function answer(frame: Buffer, correlationId: number): Buffer {
  const apiKey = frame.readInt16BE(4);
  const response = apiKey === ApiKeys.LEADER_AND_ISR ? encodeResponseBuffer(ApiKeys.LEADER_AND_ISR, LEADER_AND_ISR_VERSION, correlationId, { errorCode: 0, topics: [] })
    : apiKey === ApiKeys.STOP_REPLICA ? encodeResponseBuffer(ApiKeys.STOP_REPLICA, STOP_REPLICA_VERSION, correlationId, { errorCode: 0, partitionErrors: [] })
      : encodeResponseBuffer(ApiKeys.UPDATE_METADATA, UPDATE_METADATA_VERSION, correlationId, { errorCode: 0 });
  return response.subarray(4);
}

/** Brokers as the controller's channel sees them: they answer at once, or hold their answers while `holding`. */
class InMemoryBrokers {
  holding = false;
  readonly answered: number[] = [];
  private readonly held: Array<() => void> = [];

  client = (): ControllerChannelClient => ({
    send: (correlationId: number, frames: Buffer[]) => new Promise<Buffer | null>((resolve) => {
      const reply = (): void => {
        this.answered.push(frames[0]!.readInt16BE(4));
        resolve(answer(frames[0]!, correlationId));
      };
      if (this.holding) this.held.push(reply);
      else reply();
    }),
    close: () => {},
  });

  releaseAll(): void {
    this.holding = false;
    for (const r of this.held.splice(0)) r();
  }
}

describe('KafkaController auto leader rebalance on the broker\'s scheduler', () => {
  let time: MockTime;
  let scheduler: KafkaScheduler;
  let zk: FakeKafkaZkClient;
  let controller: KafkaController | undefined;
  let brokers: InMemoryBrokers;

  beforeEach(() => {
    time = new MockTime();
    scheduler = new KafkaScheduler({ time });
    scheduler.startup();
    zk = new FakeKafkaZkClient();
    brokers = new InMemoryBrokers();
    zk.addBroker(1);
    zk.addBroker(2);
    // Broker 2 is the preferred replica but broker 1 leads: 100% imbalance for broker 2.
    zk.topics.set(tp.topic, { topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', assignment: new Map([[0, [2, 1]]]) });
    zk.setPartitionState(tp, 1, 4, [1, 2]);
  });

  afterEach(async () => {
    await controller?.shutdown();
    controller = undefined;
    await scheduler.shutdown();
  });

  async function startController(overrides: Partial<KafkaControllerConfig> = {}): Promise<KafkaController> {
    controller = new KafkaController(
      {
        brokerId: 1,
        interBrokerListener: 'PLAINTEXT',
        deleteTopicEnable: true,
        autoLeaderRebalanceEnable: true,
        leaderImbalanceCheckIntervalSeconds: CHECK_INTERVAL_S,
        leaderImbalancePerBrokerPercentage: 10,
        uncleanLeaderElectionEnable: false,
        requestTimeoutMs: 30_000,
        ...overrides,
      },
      zk.asKafkaZkClient(),
      { registerBroker: () => Promise.resolve(0n), uncleanLeaderElectionEnabled: () => Promise.resolve(false) },
      { scheduler, time, newChannelClient: brokers.client },
    );
    controller.startup();
    await settle();
    expect(controller.isActive).to.equal(true);
    return controller;
  }

  const preferredElections = (): number => zk.stateWrites.filter((w) => w.tp.topic === tp.topic && w.leaderAndIsr.leader === 2).length;

  it('enqueues the preferred replica election every leader.imbalance.check.interval.seconds while it is the controller', async () => {
    await startController();
    expect(scheduler.pendingTasks).to.equal(1);

    time.advance(CHECK_INTERVAL_S * 1000 - 1);
    await settle();
    expect(preferredElections()).to.equal(0);

    time.advance(1);
    await settle();
    expect(preferredElections()).to.equal(1);
    expect(zk.partitionState(tp)!.leaderAndIsr).to.include({ leader: 2, leaderEpoch: 5 });
    // Re-armed for the next check after this one ran.
    expect(scheduler.pendingTasks).to.equal(1);

    // Leadership drifts away again; the next check puts it back.
    zk.setPartitionState(tp, 1, 6, [1, 2]);
    const ctl = controller!;
    ctl.context.putPartitionLeadershipInfo(tp, zk.partitionState(tp)!);
    time.advance(CHECK_INTERVAL_S * 1000);
    await settle();
    expect(preferredElections()).to.equal(2);
  });

  it('cancels the task when it resigns: no check runs while another broker is the controller', async () => {
    await startController();
    expect(scheduler.pendingTasks).to.equal(1);
    zk.electOtherController(2);
    await settle();
    expect(controller!.isActive).to.equal(false);
    expect(scheduler.pendingTasks).to.equal(0);

    time.advance(3 * CHECK_INTERVAL_S * 1000);
    await settle();
    expect(preferredElections()).to.equal(0);
  });

  it('schedules nothing with auto.leader.rebalance.enable=false', async () => {
    await startController({ autoLeaderRebalanceEnable: false });
    expect(scheduler.pendingTasks).to.equal(0);
    time.advance(3 * CHECK_INTERVAL_S * 1000);
    await settle();
    expect(preferredElections()).to.equal(0);
  });

  it('cancels the task on shutdown', async () => {
    const c = await startController();
    expect(scheduler.pendingTasks).to.equal(1);
    await c.shutdown();
    controller = undefined;
    expect(scheduler.pendingTasks).to.equal(0);
  });

  it('delivers the requests it already queued before it closes its connections on shutdown', async () => {
    const c = await startController();
    const answeredAtFailover = brokers.answered.length;
    brokers.holding = true;
    // A preferred election queues LeaderAndIsr and UpdateMetadata; the brokers have not answered yet.
    await c.enqueue((ops) => ops.electPreferredLeaders([tp]));
    let shutDown = false;
    const shutdown = c.shutdown().then(() => { shutDown = true; });
    controller = undefined;
    await settle();
    expect(shutDown).to.equal(false);
    brokers.releaseAll();
    await shutdown;
    const answered = brokers.answered.slice(answeredAtFailover);
    expect(answered.filter((k) => k === ApiKeys.LEADER_AND_ISR).length).to.equal(2);
    expect(answered.filter((k) => k === ApiKeys.UPDATE_METADATA).length).to.equal(2);
  });
});
