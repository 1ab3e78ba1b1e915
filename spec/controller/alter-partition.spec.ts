/**
 * The controller's answer to AlterPartition (Kafka's KafkaController.tryProcessAlterPartition), on
 * the in-memory ZooKeeper double. The case a fault campaign met: a controller wrote a leader's ISR
 * shrink and died before its answer arrived; the leader re-sent the same change, with its old
 * partition epoch, to the next controller. Kafka answers that retry with the state already
 * committed (the request is idempotent), so the leader learns the new partition epoch; fencing it
 * as a stale update left the leader on its old ISR, and the partition under-replicated for good.
 */
import { expect } from 'chai';
import { type ControllerContext } from '../../lib/controller/controller-context.js';
import { ControllerOperations } from '../../lib/controller/controller-operations.js';
import { PartitionStateMachine } from '../../lib/controller/partition-state-machine.js';
import { ReplicaStateMachine } from '../../lib/controller/replica-state-machine.js';
import { ReassignmentManager } from '../../lib/controller/reassignment-manager.js';
import { TopicDeletionManager } from '../../lib/controller/topic-deletion-manager.js';
import { ReassignPartitionsZNode } from '../../lib/zk/admin-znodes.js';
import { Errors } from '../../lib/protocol/errors.js';
import { controllerAtEpoch, type FakeKafkaZkClient } from './support.js';

const tp = { topic: 'orders', partition: 0 };
const CONTROLLER_EPOCH = 3;

describe('Controller AlterPartition (KafkaController.tryProcessAlterPartition)', () => {
  /** Controller 0; brokers 1, 2, 3 live; orders-0 on [1, 2, 3] led by 1 at leader epoch 5 with ISR [1, 2, 3]. */
  function setup(): { ops: ControllerOperations; zk: FakeKafkaZkClient; context: ControllerContext } {
    const { context, zk, batch } = controllerAtEpoch(CONTROLLER_EPOCH);
    context.setAssignment(tp.topic, tp.partition, [1, 2, 3]);
    zk.setPartitionState(tp, 1, 5, [1, 2, 3], CONTROLLER_EPOCH);
    context.putPartitionLeadershipInfo(tp, zk.partitionState(tp)!);
    const client = zk.asKafkaZkClient();
    const psm = new PartitionStateMachine(0, context, client, batch, () => Promise.resolve(false));
    const rsm = new ReplicaStateMachine(0, context, client, batch);
    const deletion = new TopicDeletionManager(context, client, psm, rsm, batch, true);
    const reassignments = new ReassignmentManager(0, context, client, batch, psm, rsm, deletion, { path: ReassignPartitionsZNode.path }, () => undefined);
    return { ops: new ControllerOperations(0, context, client, batch, psm, rsm, reassignments), zk, context };
  }

  const shrink = (partitionEpoch: number, newIsr = [1, 2]): Parameters<ControllerOperations['alterPartition']>[2] =>
    [{ tp, leaderEpoch: 5, newIsr, leaderRecoveryState: 0, partitionEpoch }];

  it('answers a retry of a change it already committed with the committed state, though its partition epoch is stale', async () => {
    const s = setup();
    const before = s.zk.partitionState(tp)!.leaderAndIsr.partitionEpoch;
    const first = await s.ops.alterPartition(1, 101n, shrink(before));
    expect(first.partitions[0]).to.deep.include({ errorCode: Errors.NONE.code });
    const committed = s.zk.partitionState(tp)!.leaderAndIsr;
    expect(committed.isr).to.deep.equal([1, 2]);
    expect(committed.partitionEpoch).to.equal(before + 1);

    // The answer was lost; the leader sends the same change again with the epoch it still has.
    const retry = await s.ops.alterPartition(1, 101n, shrink(before));
    expect(retry.errorCode).to.equal(Errors.NONE.code);
    expect(retry.partitions[0]).to.deep.include({ errorCode: Errors.NONE.code });
    expect((retry.partitions[0] as { leaderAndIsr: { isr: number[]; partitionEpoch: number } }).leaderAndIsr).to.deep.include({ isr: [1, 2], partitionEpoch: before + 1 });
    expect(s.zk.partitionState(tp)!.leaderAndIsr.partitionEpoch, 'nothing written again').to.equal(before + 1);
  });

  it('still fences a different change made with a stale partition epoch (INVALID_UPDATE_VERSION)', async () => {
    const s = setup();
    const before = s.zk.partitionState(tp)!.leaderAndIsr.partitionEpoch;
    await s.ops.alterPartition(1, 101n, shrink(before));
    const other = await s.ops.alterPartition(1, 101n, shrink(before, [1, 3]));
    expect(other.partitions[0]).to.deep.include({ errorCode: Errors.INVALID_UPDATE_VERSION.code });
  });

  it('answers NOT_CONTROLLER to a partition epoch newer than its own (the leader heard from a newer controller)', async () => {
    const s = setup();
    const current = s.zk.partitionState(tp)!.leaderAndIsr.partitionEpoch;
    const r = await s.ops.alterPartition(1, 101n, shrink(current + 1));
    expect(r.partitions[0]).to.deep.include({ errorCode: Errors.NOT_CONTROLLER.code });
  });
});
