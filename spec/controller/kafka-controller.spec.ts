import { expect } from 'chai';
import { KafkaController, type KafkaControllerConfig } from '../../lib/controller/kafka-controller.js';
import type { ControllerChannelClient } from '../../lib/controller/controller-channel-manager.js';
import { MockTime } from '../../lib/common/time.js';
import { KafkaScheduler } from '../../lib/common/scheduler.js';
import { FakeKafkaZkClient, settle } from './support.js';

const tp = { topic: 'orders', partition: 0 };
const CHECK_INTERVAL_S = 300;

/** A connection that never answers; close() fails what is in flight (the broker went away). */
function silentClient(): ControllerChannelClient {
  const rejects: Array<(e: Error) => void> = [];
  return {
    send: () => new Promise<Buffer | null>((_resolve, reject) => rejects.push(reject)),
    close: () => { for (const r of rejects.splice(0)) r(new Error('closed')); },
  };
}

describe('KafkaController auto leader rebalance on the broker\'s scheduler', () => {
  let time: MockTime;
  let scheduler: KafkaScheduler;
  let zk: FakeKafkaZkClient;
  let controller: KafkaController | undefined;

  beforeEach(() => {
    time = new MockTime();
    scheduler = new KafkaScheduler({ time });
    scheduler.startup();
    zk = new FakeKafkaZkClient();
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
      { scheduler, time, newChannelClient: silentClient },
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
});
