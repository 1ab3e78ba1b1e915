import { expect } from 'chai';
import { PartitionStateMachine, type ElectionStrategy } from '../../lib/controller/partition-state-machine.js';
import { PartitionState, partitionValidPreviousStates } from '../../lib/controller/states.js';
import { ControllerMovedError } from '../../lib/zk/keeper-errors.js';
import { LogCapture, controllerAtEpoch, type ControllerFixture } from './support.js';

const tp = { topic: 'orders', partition: 0 };
const CONTROLLER_EPOCH = 3;

interface Setup extends ControllerFixture {
  psm: PartitionStateMachine;
}

describe('PartitionStateMachine (Kafka\'s ZkPartitionStateMachine)', () => {
  let log: LogCapture;

  beforeEach(() => {
    log = new LogCapture().install();
  });

  afterEach(() => log.restore());

  /** Controller 0 at epoch 3; brokers `live` registered (`shuttingDown` among them); topic orders-0 assigned to `replicas`. */
  function setup(opts: { live?: number[]; shuttingDown?: number[]; replicas?: number[]; uncleanTopicConfig?: boolean } = {}): Setup {
    const { context, zk, sender, batch } = controllerAtEpoch(CONTROLLER_EPOCH, opts);
    context.setAssignment(tp.topic, tp.partition, opts.replicas ?? [1, 2, 3]);
    const psm = new PartitionStateMachine(0, context, zk.asKafkaZkClient(), batch, () => Promise.resolve(opts.uncleanTopicConfig ?? false));
    return { context, zk, sender, batch, psm };
  }

  /** The partition in `state` with a leader and ISR in ZooKeeper (written by an older controller) and in the context. */
  function withLeadership(s: Setup, state: PartitionState, leader: number, leaderEpoch: number, isr: number[]): void {
    s.zk.setPartitionState(tp, leader, leaderEpoch, isr, CONTROLLER_EPOCH - 1);
    s.context.putPartitionLeadershipInfo(tp, s.zk.partitionState(tp)!);
    s.context.putPartitionState(tp, state);
  }

  describe('valid transitions', () => {
    it('NonExistentPartition -> NewPartition only records the state: no ZooKeeper write, no request', async () => {
      const s = setup();
      await s.psm.handleStateChanges([tp], PartitionState.NewPartition);
      expect(s.context.partitionState(tp)).to.equal(PartitionState.NewPartition);
      expect(s.zk.stateWrites).to.deep.equal([]);
      expect(s.sender.sent).to.deep.equal([]);
    });

    it('NewPartition -> OnlinePartition makes the first live replica leader with every live replica in the ISR, creates the state znode and sends LeaderAndIsr(isNew) to the ISR and UpdateMetadata to every broker', async () => {
      // Broker 2 is dead and broker 4 is shutting down: neither is a live replica.
      const s = setup({ live: [1, 3, 4], shuttingDown: [4], replicas: [2, 4, 1, 3] });
      s.context.putPartitionState(tp, PartitionState.NewPartition);
      const outcome = await s.psm.handleStateChanges([tp], PartitionState.OnlinePartition);

      const initial = { leader: 1, leaderEpoch: 0, isr: [1, 3], leaderRecoveryState: 0, partitionEpoch: 0 };
      expect(s.zk.stateWrites).to.deep.equal([{ tp, leaderAndIsr: initial, controllerEpoch: CONTROLLER_EPOCH, created: true }]);
      expect(s.context.partitionState(tp)).to.equal(PartitionState.OnlinePartition);
      expect(s.context.partitionLeadershipInfo(tp)).to.deep.equal({ leaderAndIsr: initial, controllerEpoch: CONTROLLER_EPOCH });
      expect(outcome.succeeded.has('orders-0')).to.equal(true);
      expect(s.sender.leaderAndIsrRecipients(tp)).to.deep.equal([1, 3]);
      const sent = s.sender.leaderAndIsrTo(1).get('orders-0')!;
      expect(sent).to.include({ leader: 1, leaderEpoch: 0, isNew: true, controllerEpoch: CONTROLLER_EPOCH });
      expect(sent.isr).to.deep.equal([1, 3]);
      expect(sent.replicas).to.deep.equal([2, 4, 1, 3]);
      expect(s.sender.updateMetadataRecipients(tp)).to.deep.equal([1, 3, 4]);
    });

    it('NewPartition -> OnlinePartition with no live replica leaves the partition new, writes nothing and logs the failure', async () => {
      const s = setup({ live: [1], replicas: [2, 3] });
      s.context.putPartitionState(tp, PartitionState.NewPartition);
      await s.psm.handleStateChanges([tp], PartitionState.OnlinePartition);
      expect(s.context.partitionState(tp)).to.equal(PartitionState.NewPartition);
      expect(s.zk.stateWrites).to.deep.equal([]);
      expect(s.sender.sent).to.deep.equal([]);
      expect(log.stateChangeErrors().some((m) => m.includes('orders-0'))).to.equal(true);
    });

    it('OfflinePartition -> OnlinePartition elects the first live in-sync replica in assignment order, keeps the live ISR, bumps the leader epoch with a compare-and-set and tells the live replicas', async () => {
      // Leader 1 died; 4 is shutting down (not live for elections nor a recipient).
      const s = setup({ live: [2, 3, 4], shuttingDown: [4], replicas: [1, 2, 3, 4] });
      withLeadership(s, PartitionState.OfflinePartition, 1, 5, [1, 4, 3, 2]);
      await s.psm.handleStateChanges([tp], PartitionState.OnlinePartition, { kind: 'offline', allowUnclean: false });

      const elected = { leader: 2, leaderEpoch: 6, isr: [3, 2], leaderRecoveryState: 0, partitionEpoch: 1 };
      expect(s.zk.stateWrites).to.deep.equal([{ tp, leaderAndIsr: elected, controllerEpoch: CONTROLLER_EPOCH, created: false }]);
      expect(s.context.partitionState(tp)).to.equal(PartitionState.OnlinePartition);
      expect(s.context.partitionLeadershipInfo(tp)).to.deep.equal({ leaderAndIsr: elected, controllerEpoch: CONTROLLER_EPOCH });
      expect(s.sender.leaderAndIsrRecipients(tp)).to.deep.equal([2, 3]);
      expect(s.sender.leaderAndIsrTo(3).get('orders-0')).to.include({ leader: 2, leaderEpoch: 6, isNew: false, partitionEpoch: 1 });
      expect(s.sender.updateMetadataRecipients(tp)).to.deep.equal([2, 3, 4]);
    });

    it('OfflinePartition -> OnlinePartition keeps the partition offline when no in-sync replica is live and unclean election is disabled', async () => {
      const s = setup({ live: [2, 3] });
      withLeadership(s, PartitionState.OfflinePartition, 1, 5, [1]);
      const outcome = await s.psm.handleStateChanges([tp], PartitionState.OnlinePartition, { kind: 'offline', allowUnclean: false });
      expect(s.context.partitionState(tp)).to.equal(PartitionState.OfflinePartition);
      expect(outcome.failed.has('orders-0')).to.equal(true);
      expect(s.zk.stateWrites).to.deep.equal([]);
      expect(s.sender.sent).to.deep.equal([]);
    });

    for (const [how, opts, strategy] of [
      ['the topic enables unclean.leader.election.enable', { uncleanTopicConfig: true }, { kind: 'offline', allowUnclean: false }],
      ['the election asks for it (ElectLeaders UNCLEAN)', {}, { kind: 'offline', allowUnclean: true }],
    ] as Array<[string, { uncleanTopicConfig?: boolean }, ElectionStrategy]>) {
      it(`OfflinePartition -> OnlinePartition elects the first live out-of-sync replica, alone in the ISR and RECOVERING, when ${how}`, async () => {
        const s = setup({ live: [2, 3], ...opts });
        withLeadership(s, PartitionState.OfflinePartition, 1, 5, [1]);
        await s.psm.handleStateChanges([tp], PartitionState.OnlinePartition, strategy);
        expect(s.zk.stateWrites.map((w) => w.leaderAndIsr)).to.deep.equal([{ leader: 2, leaderEpoch: 6, isr: [2], leaderRecoveryState: 1, partitionEpoch: 1 }]);
        expect(s.context.partitionState(tp)).to.equal(PartitionState.OnlinePartition);
      });
    }

    it('OnlinePartition -> OnlinePartition with the preferred-replica strategy moves leadership to the first assigned replica when it is live and in sync, keeping the ISR', async () => {
      const s = setup();
      withLeadership(s, PartitionState.OnlinePartition, 2, 7, [2, 3, 1]);
      await s.psm.handleStateChanges([tp], PartitionState.OnlinePartition, { kind: 'preferred' });
      expect(s.zk.stateWrites.map((w) => w.leaderAndIsr)).to.deep.equal([{ leader: 1, leaderEpoch: 8, isr: [2, 3, 1], leaderRecoveryState: 0, partitionEpoch: 1 }]);
      expect(s.sender.leaderAndIsrRecipients(tp)).to.deep.equal([1, 2, 3]);
      expect(s.sender.updateMetadataRecipients(tp)).to.deep.equal([1, 2, 3]);
    });

    it('OnlinePartition -> OnlinePartition with the preferred-replica strategy fails when the preferred replica is out of sync: no write, the leader stays', async () => {
      const s = setup();
      withLeadership(s, PartitionState.OnlinePartition, 2, 7, [2, 3]);
      const outcome = await s.psm.handleStateChanges([tp], PartitionState.OnlinePartition, { kind: 'preferred' });
      expect(outcome.failed.has('orders-0')).to.equal(true);
      expect(s.zk.stateWrites).to.deep.equal([]);
      expect(s.context.partitionLeadershipInfo(tp)!.leaderAndIsr.leader).to.equal(2);
      expect(s.sender.sent).to.deep.equal([]);
    });

    it('OnlinePartition -> OnlinePartition with the controlled-shutdown strategy moves leadership off the shutting-down broker, drops it from the ISR and tells it too, so it becomes a follower', async () => {
      const s = setup({ shuttingDown: [1] });
      withLeadership(s, PartitionState.OnlinePartition, 1, 4, [1, 2, 3]);
      await s.psm.handleStateChanges([tp], PartitionState.OnlinePartition, { kind: 'controlledShutdown' });
      expect(s.zk.stateWrites.map((w) => w.leaderAndIsr)).to.deep.equal([{ leader: 2, leaderEpoch: 5, isr: [2, 3], leaderRecoveryState: 0, partitionEpoch: 1 }]);
      expect(s.sender.leaderAndIsrRecipients(tp)).to.deep.equal([1, 2, 3]);
      expect(s.sender.leaderAndIsrTo(1).get('orders-0')).to.include({ leader: 2, leaderEpoch: 5 });
    });

    it('retries an election whose state znode changed underneath (BADVERSION), writing over the re-read version', async () => {
      const s = setup({ live: [2, 3] });
      withLeadership(s, PartitionState.OfflinePartition, 1, 5, [1, 2, 3]);
      s.zk.badVersionOnce.add('orders-0');
      await s.psm.handleStateChanges([tp], PartitionState.OnlinePartition, { kind: 'offline', allowUnclean: false });
      expect(s.zk.stateWrites.map((w) => w.leaderAndIsr)).to.deep.equal([{ leader: 2, leaderEpoch: 6, isr: [2, 3], leaderRecoveryState: 0, partitionEpoch: 2 }]);
      expect(s.context.partitionState(tp)).to.equal(PartitionState.OnlinePartition);
    });

    it('does not elect over a partition state written by a newer controller epoch', async () => {
      const s = setup({ live: [2, 3] });
      s.zk.setPartitionState(tp, 1, 5, [1, 2, 3], CONTROLLER_EPOCH + 1);
      s.context.putPartitionLeadershipInfo(tp, s.zk.partitionState(tp)!);
      s.context.putPartitionState(tp, PartitionState.OfflinePartition);
      const outcome = await s.psm.handleStateChanges([tp], PartitionState.OnlinePartition, { kind: 'offline', allowUnclean: false });
      expect(outcome.failed.has('orders-0')).to.equal(true);
      expect(s.zk.stateWrites).to.deep.equal([]);
      expect(s.context.partitionState(tp)).to.equal(PartitionState.OfflinePartition);
    });

    it('throws ControllerMovedError when its write is fenced by a newer controller epoch, sending nothing', async () => {
      const s = setup({ live: [2, 3] });
      withLeadership(s, PartitionState.OfflinePartition, 1, 5, [1, 2, 3]);
      s.zk.controllerEpochZkVersion++;
      let thrown: unknown;
      await s.psm.handleStateChanges([tp], PartitionState.OnlinePartition, { kind: 'offline', allowUnclean: false }).catch((e: unknown) => { thrown = e; });
      expect(thrown).to.be.instanceOf(ControllerMovedError);
      expect(s.sender.sent).to.deep.equal([]);
      expect(s.context.partitionState(tp)).to.equal(PartitionState.OfflinePartition);
    });

    for (const from of partitionValidPreviousStates.OfflinePartition) {
      it(`${from} -> OfflinePartition only records the state`, async () => {
        const s = setup();
        withLeadership(s, from, 1, 5, [1, 2, 3]);
        await s.psm.handleStateChanges([tp], PartitionState.OfflinePartition);
        expect(s.context.partitionState(tp)).to.equal(PartitionState.OfflinePartition);
        expect(s.zk.stateWrites).to.deep.equal([]);
        expect(s.sender.sent).to.deep.equal([]);
      });
    }

    it('OfflinePartition -> NonExistentPartition only records the state', async () => {
      const s = setup();
      withLeadership(s, PartitionState.OfflinePartition, 1, 5, [1, 2, 3]);
      await s.psm.handleStateChanges([tp], PartitionState.NonExistentPartition);
      expect(s.context.partitionState(tp)).to.equal(PartitionState.NonExistentPartition);
      expect(s.zk.stateWrites).to.deep.equal([]);
      expect(s.sender.sent).to.deep.equal([]);
    });
  });

  describe('invalid transitions are refused and logged', () => {
    const all = Object.values(PartitionState);
    for (const to of all) {
      for (const from of all.filter((f) => !partitionValidPreviousStates[to].includes(f))) {
        it(`refuses ${from} -> ${to}: the state stays, nothing is written or sent, state.change.logger has the error`, async () => {
          const s = setup();
          if (from === PartitionState.NonExistentPartition) s.zk.setPartitionState(tp, 2, 5, [1, 2, 3]);
          else withLeadership(s, from, 2, 5, [1, 2, 3]);
          const outcome = await s.psm.handleStateChanges([tp], to, { kind: 'preferred' });
          expect(s.context.partitionState(tp)).to.equal(from);
          expect(outcome.succeeded.size).to.equal(0);
          expect(s.zk.stateWrites).to.deep.equal([]);
          expect(s.sender.sent).to.deep.equal([]);
          expect(log.stateChangeErrors().filter((m) => m.includes('orders-0') && m.includes(`from ${from} to ${to}`))).to.have.length(1);
        });
      }
    }
  });
});
