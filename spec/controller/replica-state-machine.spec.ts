import { expect } from 'chai';
import type { PartitionReplica } from '../../lib/controller/controller-context.js';
import { ReplicaStateMachine } from '../../lib/controller/replica-state-machine.js';
import { ReplicaState, replicaValidPreviousStates } from '../../lib/controller/states.js';
import { LogCapture, controllerAtEpoch, type ControllerFixture } from './support.js';

const tp = { topic: 'orders', partition: 0 };
const CONTROLLER_EPOCH = 3;

interface Setup extends ControllerFixture {
  rsm: ReplicaStateMachine;
}

describe('ReplicaStateMachine (Kafka\'s ZkReplicaStateMachine)', () => {
  let log: LogCapture;

  beforeEach(() => {
    log = new LogCapture().install();
  });

  afterEach(() => log.restore());

  /** Controller 0 at epoch 3; brokers `live` registered; orders-0 on [1, 2, 3], led by 1 with ISR [1, 2, 3] unless `noLeadership`. */
  function setup(opts: { live?: number[]; shuttingDown?: number[]; noLeadership?: boolean; isr?: number[]; leader?: number } = {}): Setup {
    const { context, zk, sender, batch } = controllerAtEpoch(CONTROLLER_EPOCH, opts);
    context.setAssignment(tp.topic, tp.partition, [1, 2, 3]);
    if (!opts.noLeadership) {
      zk.setPartitionState(tp, opts.leader ?? 1, 5, opts.isr ?? [1, 2, 3], CONTROLLER_EPOCH - 1);
      context.putPartitionLeadershipInfo(tp, zk.partitionState(tp)!);
    }
    const rsm = new ReplicaStateMachine(0, context, zk.asKafkaZkClient(), batch);
    return { context, zk, sender, batch, rsm };
  }

  const replica = (id: number): PartitionReplica => ({ tp, replica: id });

  describe('valid transitions', () => {
    it('NonExistentReplica -> NewReplica sends the current leader and ISR to the new replica as LeaderAndIsr(isNew)', async () => {
      const s = setup();
      await s.rsm.handleStateChanges([replica(3)], ReplicaState.NewReplica);
      expect(s.context.replicaState(replica(3))).to.equal(ReplicaState.NewReplica);
      expect(s.sender.leaderAndIsrRecipients(tp)).to.deep.equal([3]);
      expect(s.sender.leaderAndIsrTo(3).get('orders-0')).to.include({ leader: 1, leaderEpoch: 5, isNew: true });
      expect(s.sender.updateMetadataRecipients(tp)).to.deep.equal([1, 2, 3]);
      expect(s.zk.stateWrites).to.deep.equal([]);
    });

    it('NonExistentReplica -> NewReplica of a partition without a leader yet only records the state', async () => {
      const s = setup({ noLeadership: true });
      await s.rsm.handleStateChanges([replica(3)], ReplicaState.NewReplica);
      expect(s.context.replicaState(replica(3))).to.equal(ReplicaState.NewReplica);
      expect(s.sender.sent).to.deep.equal([]);
    });

    it('NonExistentReplica -> NewReplica is refused and logged for the replica that leads the partition', async () => {
      const s = setup();
      await s.rsm.handleStateChanges([replica(1)], ReplicaState.NewReplica);
      expect(s.context.replicaState(replica(1))).to.equal(ReplicaState.NonExistentReplica);
      expect(s.sender.sent).to.deep.equal([]);
      expect(log.stateChangeErrors().some((m) => m.includes('replica 1') && m.includes('orders-0'))).to.equal(true);
    });

    it('NewReplica -> OnlineReplica only records the state (the replica got its LeaderAndIsr as a new replica)', async () => {
      const s = setup();
      s.context.putReplicaState(replica(3), ReplicaState.NewReplica);
      await s.rsm.handleStateChanges([replica(3)], ReplicaState.OnlineReplica);
      expect(s.context.replicaState(replica(3))).to.equal(ReplicaState.OnlineReplica);
      expect(s.sender.sent).to.deep.equal([]);
    });

    for (const from of [ReplicaState.OnlineReplica, ReplicaState.OfflineReplica, ReplicaState.ReplicaDeletionIneligible]) {
      it(`${from} -> OnlineReplica sends the current leader and ISR to the replica as LeaderAndIsr`, async () => {
        const s = setup();
        s.context.putReplicaState(replica(3), from);
        await s.rsm.handleStateChanges([replica(3)], ReplicaState.OnlineReplica);
        expect(s.context.replicaState(replica(3))).to.equal(ReplicaState.OnlineReplica);
        expect(s.sender.leaderAndIsrRecipients(tp)).to.deep.equal([3]);
        expect(s.sender.leaderAndIsrTo(3).get('orders-0')).to.include({ leader: 1, leaderEpoch: 5, isNew: false });
        expect(s.zk.stateWrites).to.deep.equal([]);
      });
    }

    it('OfflineReplica -> OnlineReplica of a partition without leader and ISR only records the state', async () => {
      const s = setup({ noLeadership: true });
      s.context.putReplicaState(replica(3), ReplicaState.OfflineReplica);
      await s.rsm.handleStateChanges([replica(3)], ReplicaState.OnlineReplica);
      expect(s.context.replicaState(replica(3))).to.equal(ReplicaState.OnlineReplica);
      expect(s.sender.sent).to.deep.equal([]);
    });

    for (const from of replicaValidPreviousStates.OfflineReplica) {
      it(`${from} -> OfflineReplica stops the replica, removes it from the ISR in ZooKeeper with a new leader epoch and sends the new ISR to the other replicas`, async () => {
        const s = setup({ live: [1, 2] });
        s.context.putReplicaState(replica(3), from);
        await s.rsm.handleStateChanges([replica(3)], ReplicaState.OfflineReplica);
        expect(s.context.replicaState(replica(3))).to.equal(ReplicaState.OfflineReplica);
        const shrunk = { leader: 1, leaderEpoch: 6, isr: [1, 2], leaderRecoveryState: 0, partitionEpoch: 1 };
        expect(s.zk.stateWrites).to.deep.equal([{ tp, leaderAndIsr: shrunk, controllerEpoch: CONTROLLER_EPOCH, created: false }]);
        expect(s.context.partitionLeadershipInfo(tp)).to.deep.equal({ leaderAndIsr: shrunk, controllerEpoch: CONTROLLER_EPOCH });
        expect(s.sender.leaderAndIsrRecipients(tp)).to.deep.equal([1, 2]);
        expect(s.sender.leaderAndIsrTo(1).get('orders-0')!.isr).to.deep.equal([1, 2]);
        expect(s.sender.updateMetadataRecipients(tp)).to.deep.equal([1, 2]);
        // Broker 3 is dead: the StopReplica for it is not sent.
        expect(s.sender.stopReplicaTo(3).size).to.equal(0);
      });
    }

    it('OnlineReplica -> OfflineReplica of a live broker sends it StopReplica without deletion', async () => {
      const s = setup();
      s.context.putReplicaState(replica(3), ReplicaState.OnlineReplica);
      await s.rsm.handleStateChanges([replica(3)], ReplicaState.OfflineReplica);
      expect(s.sender.stopReplicaTo(3)).to.deep.equal(new Map([['orders-0', false]]));
    });

    it('OnlineReplica -> OfflineReplica of the leader leaves the partition without a leader (-1) until an election', async () => {
      const s = setup({ live: [2, 3] });
      s.context.putReplicaState(replica(1), ReplicaState.OnlineReplica);
      await s.rsm.handleStateChanges([replica(1)], ReplicaState.OfflineReplica);
      expect(s.zk.stateWrites.map((w) => w.leaderAndIsr)).to.deep.equal([{ leader: -1, leaderEpoch: 6, isr: [2, 3], leaderRecoveryState: 0, partitionEpoch: 1 }]);
      expect(s.sender.leaderAndIsrRecipients(tp)).to.deep.equal([2, 3]);
    });

    it('OnlineReplica -> OfflineReplica of the last in-sync replica keeps it in the ISR', async () => {
      const s = setup({ live: [2, 3], isr: [1] });
      s.context.putReplicaState(replica(1), ReplicaState.OnlineReplica);
      await s.rsm.handleStateChanges([replica(1)], ReplicaState.OfflineReplica);
      expect(s.zk.stateWrites.map((w) => w.leaderAndIsr)).to.deep.equal([{ leader: -1, leaderEpoch: 6, isr: [1], leaderRecoveryState: 0, partitionEpoch: 1 }]);
    });

    it('OnlineReplica -> OfflineReplica of a replica outside the ISR writes nothing and sends the current state to the other replicas', async () => {
      const s = setup({ isr: [1, 2] });
      s.context.putReplicaState(replica(3), ReplicaState.OnlineReplica);
      await s.rsm.handleStateChanges([replica(3)], ReplicaState.OfflineReplica);
      expect(s.context.replicaState(replica(3))).to.equal(ReplicaState.OfflineReplica);
      expect(s.zk.stateWrites).to.deep.equal([]);
      expect(s.sender.leaderAndIsrRecipients(tp)).to.deep.equal([1, 2]);
      expect(s.sender.leaderAndIsrTo(2).get('orders-0')).to.include({ leader: 1, leaderEpoch: 5 });
    });

    it('OnlineReplica -> OfflineReplica also tells a replica on a shutting-down broker the new ISR', async () => {
      const s = setup({ shuttingDown: [2] });
      s.context.putReplicaState(replica(3), ReplicaState.OnlineReplica);
      await s.rsm.handleStateChanges([replica(3)], ReplicaState.OfflineReplica);
      expect(s.sender.leaderAndIsrRecipients(tp)).to.deep.equal([1, 2]);
    });

    it('OnlineReplica -> OfflineReplica of a partition without leader and ISR stops the replica and sends UpdateMetadata for the partition', async () => {
      const s = setup({ noLeadership: true });
      s.context.putReplicaState(replica(3), ReplicaState.OnlineReplica);
      await s.rsm.handleStateChanges([replica(3)], ReplicaState.OfflineReplica);
      expect(s.context.replicaState(replica(3))).to.equal(ReplicaState.OfflineReplica);
      expect(s.zk.stateWrites).to.deep.equal([]);
      expect(s.sender.stopReplicaTo(3)).to.deep.equal(new Map([['orders-0', false]]));
      expect(s.sender.updateMetadataRecipients(tp)).to.deep.equal([1, 2, 3]);
    });

    it('OnlineReplica -> OfflineReplica of a topic being deleted updates the ISR but sends no LeaderAndIsr', async () => {
      const s = setup();
      s.context.topicsToBeDeleted.add(tp.topic);
      s.context.putReplicaState(replica(3), ReplicaState.OnlineReplica);
      await s.rsm.handleStateChanges([replica(3)], ReplicaState.OfflineReplica);
      expect(s.zk.stateWrites.map((w) => w.leaderAndIsr.isr)).to.deep.equal([[1, 2]]);
      expect(s.sender.leaderAndIsrRecipients(tp)).to.deep.equal([]);
    });

    it('OnlineReplica -> OfflineReplica fails and keeps the replica online when a newer controller wrote the partition state', async () => {
      const s = setup();
      s.zk.setPartitionState(tp, 1, 5, [1, 2, 3], CONTROLLER_EPOCH + 1);
      s.context.putReplicaState(replica(3), ReplicaState.OnlineReplica);
      await s.rsm.handleStateChanges([replica(3)], ReplicaState.OfflineReplica);
      expect(s.zk.stateWrites).to.deep.equal([]);
      expect(s.context.replicaState(replica(3))).to.equal(ReplicaState.OnlineReplica);
      expect(s.sender.leaderAndIsrRecipients(tp)).to.deep.equal([]);
    });

    it('retries the ISR removal when the state znode changed underneath (BADVERSION)', async () => {
      const s = setup();
      s.zk.badVersionOnce.add('orders-0');
      s.context.putReplicaState(replica(3), ReplicaState.OnlineReplica);
      await s.rsm.handleStateChanges([replica(3)], ReplicaState.OfflineReplica);
      expect(s.zk.stateWrites.map((w) => w.leaderAndIsr)).to.deep.equal([{ leader: 1, leaderEpoch: 6, isr: [1, 2], leaderRecoveryState: 0, partitionEpoch: 2 }]);
      expect(s.context.replicaState(replica(3))).to.equal(ReplicaState.OfflineReplica);
    });

    it('OfflineReplica -> ReplicaDeletionStarted sends StopReplica with deletion', async () => {
      const s = setup();
      s.context.putReplicaState(replica(3), ReplicaState.OfflineReplica);
      await s.rsm.handleStateChanges([replica(3)], ReplicaState.ReplicaDeletionStarted);
      expect(s.context.replicaState(replica(3))).to.equal(ReplicaState.ReplicaDeletionStarted);
      expect(s.sender.stopReplicaTo(3)).to.deep.equal(new Map([['orders-0', true]]));
      expect(s.zk.stateWrites).to.deep.equal([]);
    });

    for (const [from, to] of [
      [ReplicaState.ReplicaDeletionStarted, ReplicaState.ReplicaDeletionSuccessful],
      [ReplicaState.ReplicaDeletionStarted, ReplicaState.ReplicaDeletionIneligible],
      [ReplicaState.OfflineReplica, ReplicaState.ReplicaDeletionIneligible],
    ] as const) {
      it(`${from} -> ${to} only records the state`, async () => {
        const s = setup();
        s.context.putReplicaState(replica(3), from);
        await s.rsm.handleStateChanges([replica(3)], to);
        expect(s.context.replicaState(replica(3))).to.equal(to);
        expect(s.sender.sent).to.deep.equal([]);
        expect(s.zk.stateWrites).to.deep.equal([]);
      });
    }

    it('ReplicaDeletionSuccessful -> NonExistentReplica removes the replica from the partition\'s assignment', async () => {
      const s = setup();
      s.context.putReplicaState(replica(3), ReplicaState.ReplicaDeletionSuccessful);
      await s.rsm.handleStateChanges([replica(3)], ReplicaState.NonExistentReplica);
      expect(s.context.replicaState(replica(3))).to.equal(ReplicaState.NonExistentReplica);
      expect(s.context.partitionReplicaAssignment(tp)).to.deep.equal([1, 2]);
      expect(s.sender.sent).to.deep.equal([]);
    });

    it('ReplicaDeletionSuccessful -> NonExistentReplica keeps the adding and removing replicas of a reassignment in progress', async () => {
      const s = setup({ live: [1, 2, 3, 4] });
      s.context.updatePartitionFullReplicaAssignment(tp, { replicas: [2, 4, 1, 3], addingReplicas: [4, 3], removingReplicas: [1] });
      s.context.putReplicaState(replica(3), ReplicaState.ReplicaDeletionSuccessful);
      await s.rsm.handleStateChanges([replica(3)], ReplicaState.NonExistentReplica);
      expect(s.context.partitionFullReplicaAssignment(tp)).to.deep.equal({ replicas: [2, 4, 1], addingReplicas: [4], removingReplicas: [1] });
    });
  });

  describe('invalid transitions are refused and logged', () => {
    const all = Object.values(ReplicaState);
    for (const to of all) {
      for (const from of all.filter((f) => !replicaValidPreviousStates[to].includes(f))) {
        it(`refuses ${from} -> ${to}: the state stays, nothing is written or sent, state.change.logger has the error`, async () => {
          const s = setup();
          s.context.putReplicaState(replica(3), from);
          await s.rsm.handleStateChanges([replica(3)], to);
          expect(s.context.replicaState(replica(3))).to.equal(from);
          expect(s.zk.stateWrites).to.deep.equal([]);
          expect(s.sender.sent).to.deep.equal([]);
          expect(log.stateChangeErrors().filter((m) => m.includes('replica 3') && m.includes(`from ${from} to ${to}`))).to.have.length(1);
        });
      }
    }
  });
});
