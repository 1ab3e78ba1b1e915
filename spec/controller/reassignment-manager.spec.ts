import { expect } from 'chai';
import { originReplicas, reassignTo, removeReplica, targetReplicas } from '../../lib/controller/reassignment.js';
import { leaderForReassign } from '../../lib/controller/election.js';
import { Errors } from '../../lib/protocol/errors.js';
import { ReassignPartitionsZNode } from '../../lib/zk/admin-znodes.js';
import { ControllerFixture } from './reassignment-support.js';

const tp0 = { topic: 'orders', partition: 0 };
const tp1 = { topic: 'orders', partition: 1 };

describe('ReplicaAssignment (reassignment arithmetic)', () => {
  it('puts the targets first, then the original replicas, and names the adding and removing ones (Kafka’s reassignTo)', () => {
    const a = reassignTo({ replicas: [1, 2, 3], addingReplicas: [], removingReplicas: [] }, [4, 5, 6]);
    expect(a).to.deep.equal({ replicas: [4, 5, 6, 1, 2, 3], addingReplicas: [4, 5, 6], removingReplicas: [1, 2, 3] });
    expect(originReplicas(a)).to.deep.equal([1, 2, 3]);
    expect(targetReplicas(a)).to.deep.equal([4, 5, 6]);
    const overlap = reassignTo({ replicas: [1, 2, 3], addingReplicas: [], removingReplicas: [] }, [3, 4, 2]);
    expect(overlap).to.deep.equal({ replicas: [3, 4, 2, 1], addingReplicas: [4], removingReplicas: [1] });
  });

  it('computes a new target against the original replicas of a pending reassignment, so reassigning to them cancels', () => {
    const pending = { replicas: [4, 1, 2], addingReplicas: [4], removingReplicas: [2] };
    expect(reassignTo(pending, [1, 2])).to.deep.equal({ replicas: [1, 2], addingReplicas: [], removingReplicas: [] });
    expect(reassignTo(pending, [5, 1])).to.deep.equal({ replicas: [5, 1, 2], addingReplicas: [5], removingReplicas: [2] });
    expect(removeReplica(pending, 4)).to.deep.equal({ replicas: [1, 2], addingReplicas: [], removingReplicas: [2] });
  });

  it('elects the first live target replica in the ISR on reassignment, keeping the ISR', () => {
    expect(leaderForReassign([4, 5, 6], [1, 5, 4, 6], new Set([4, 5, 6]))).to.deep.equal({ leader: 4, isr: [1, 5, 4, 6], unclean: false });
    expect(leaderForReassign([4, 5, 6], [1, 5, 4, 6], new Set([5, 6]))?.leader).to.equal(5);
    expect(leaderForReassign([4, 5], [1, 2], new Set([4, 5]))).to.equal(null);
  });
});

describe('ReassignmentManager', () => {
  it('phase A: writes RS = TRS + ORS with adding/removing replicas, bumps the leader epoch and starts the new replicas with isNew', async () => {
    const f = new ControllerFixture([1, 2, 3, 4, 5, 6]);
    f.addTopic('orders', [{ assignment: [1, 2, 3], leader: 1, isr: [1, 2, 3], leaderEpoch: 7 }]);
    const results = await f.ops.alterPartitionReassignments([{ tp: tp0, replicas: [4, 5, 6] }]);
    expect(results.get('orders-0')).to.deep.equal({ errorCode: Errors.NONE.code, errorMessage: null });
    expect(f.zk.topics.get('orders')!.assignment.get(0)).to.deep.equal({ replicas: [4, 5, 6, 1, 2, 3], addingReplicas: [4, 5, 6], removingReplicas: [1, 2, 3] });
    expect(f.zk.state(tp0).leaderAndIsr).to.include({ leader: 1, leaderEpoch: 8 });
    expect(f.zk.state(tp0).leaderAndIsr.isr).to.deep.equal([1, 2, 3]);
    const toOld = f.sender.leaderAndIsr(2, tp0)[0]!;
    expect(toOld).to.include({ leader: 1, leaderEpoch: 8, isNew: false });
    expect(toOld.replicas).to.deep.equal([4, 5, 6, 1, 2, 3]);
    expect(toOld.addingReplicas).to.deep.equal([4, 5, 6]);
    expect(toOld.removingReplicas).to.deep.equal([1, 2, 3]);
    expect(f.sender.leaderAndIsr(4, tp0)[0]).to.include({ leaderEpoch: 8, isNew: true });
    expect(f.sender.stopReplica(1, tp0)).to.deep.equal([]);
    expect(f.ops.listPartitionReassignments(null).map((r) => r.assignment)).to.deep.equal([{ replicas: [4, 5, 6, 1, 2, 3], addingReplicas: [4, 5, 6], removingReplicas: [1, 2, 3] }]);
  });

  it('phase B: once the targets are in the ISR, elects a leader among them, shrinks the ISR, deletes the removed replicas and writes RS = TRS', async () => {
    const f = new ControllerFixture([1, 2, 3, 4, 5, 6]);
    f.addTopic('orders', [{ assignment: [1, 2, 3], leader: 1, isr: [1, 2, 3] }]);
    await f.ops.alterPartitionReassignments([{ tp: tp0, replicas: [4, 5, 6] }]);
    await f.ops.maybeCompleteReassignments([tp0]);
    expect(f.ops.listPartitionReassignments(null), 'not complete before the ISR grows').to.have.length(1);
    f.zk.expandIsr(tp0, [1, 2, 3, 5, 4, 6]);
    f.sender.clear();
    await f.ops.maybeCompleteReassignments([tp0]);
    const s = f.zk.state(tp0).leaderAndIsr;
    expect(s.leader).to.equal(4);
    expect(s.isr).to.deep.equal([5, 4, 6]);
    expect(f.zk.topics.get('orders')!.assignment.get(0)).to.deep.equal({ replicas: [4, 5, 6], addingReplicas: [], removingReplicas: [] });
    expect(f.context.partitionFullReplicaAssignment(tp0).replicas).to.deep.equal([4, 5, 6]);
    for (const removed of [1, 2, 3]) expect(f.sender.stopReplica(removed, tp0), `StopReplica to ${removed}`).to.deep.equal([false, true]);
    for (const kept of [4, 5, 6]) expect(f.sender.stopReplica(kept, tp0)).to.deep.equal([]);
    const last = f.sender.leaderAndIsr(5, tp0).at(-1)!;
    expect(last.replicas).to.deep.equal([4, 5, 6]);
    expect(last.addingReplicas).to.deep.equal([]);
    expect(f.ops.listPartitionReassignments(null)).to.deep.equal([]);
    expect(f.context.partitionsBeingReassigned.size).to.equal(0);
  });

  it('completes at once when the targets are already in the ISR (replication factor 3 → 2) and keeps a leader that stays', async () => {
    const f = new ControllerFixture([1, 2, 3]);
    f.addTopic('orders', [{ assignment: [1, 2, 3], leader: 2, isr: [1, 2, 3], leaderEpoch: 3 }]);
    await f.ops.alterPartitionReassignments([{ tp: tp0, replicas: [2, 3] }]);
    expect(f.zk.topics.get('orders')!.assignment.get(0)).to.deep.equal({ replicas: [2, 3], addingReplicas: [], removingReplicas: [] });
    const s = f.zk.state(tp0).leaderAndIsr;
    expect(s.leader).to.equal(2);
    expect(s.isr).to.deep.equal([2, 3]);
    expect(f.sender.stopReplica(1, tp0)).to.deep.equal([false, true]);
  });

  it('cancels a pending reassignment (null target): the original replicas come back and the added ones are deleted', async () => {
    const f = new ControllerFixture([1, 2, 3, 4]);
    f.addTopic('orders', [{ assignment: [1, 2], leader: 1, isr: [1, 2] }]);
    await f.ops.alterPartitionReassignments([{ tp: tp0, replicas: [4, 1] }]);
    f.sender.clear();
    const r = await f.ops.alterPartitionReassignments([{ tp: tp0, replicas: null }]);
    expect(r.get('orders-0')!.errorCode).to.equal(Errors.NONE.code);
    expect(f.zk.topics.get('orders')!.assignment.get(0)).to.deep.equal({ replicas: [1, 2], addingReplicas: [], removingReplicas: [] });
    expect(f.sender.stopReplica(4, tp0)).to.deep.equal([false, true]);
    expect(f.ops.listPartitionReassignments(null)).to.deep.equal([]);
    expect((await f.ops.alterPartitionReassignments([{ tp: tp0, replicas: null }])).get('orders-0')!.errorCode).to.equal(Errors.NO_REASSIGNMENT_IN_PROGRESS.code);
  });

  it('replaces a pending reassignment: adding replicas the new target drops are stopped and deleted', async () => {
    const f = new ControllerFixture([1, 2, 3, 4, 5]);
    f.addTopic('orders', [{ assignment: [1, 2], leader: 1, isr: [1, 2] }]);
    await f.ops.alterPartitionReassignments([{ tp: tp0, replicas: [4, 2] }]);
    f.sender.clear();
    await f.ops.alterPartitionReassignments([{ tp: tp0, replicas: [5, 2] }]);
    expect(f.zk.topics.get('orders')!.assignment.get(0)).to.deep.equal({ replicas: [5, 2, 1], addingReplicas: [5], removingReplicas: [1] });
    expect(f.sender.stopReplica(4, tp0)).to.deep.equal([false, true]);
    expect(f.sender.leaderAndIsr(5, tp0).some((s) => s.isNew)).to.equal(true);
  });

  it('refuses bad requests with Kafka’s errors and touches nothing', async () => {
    const f = new ControllerFixture([1, 2, 3]);
    f.addTopic('orders', [{ assignment: [1, 2], leader: 1, isr: [1, 2] }]);
    f.context.topicsToBeDeleted.add('doomed');
    f.addTopic('doomed', [{ assignment: [1], leader: 1, isr: [1] }]);
    const r = await f.ops.alterPartitionReassignments([
      { tp: tp0, replicas: [] },
      { tp: tp1, replicas: [1, 1] },
      { tp: { topic: 'orders', partition: 2 }, replicas: [-1, 2] },
      { tp: { topic: 'orders', partition: 3 }, replicas: [1, 9] },
      { tp: { topic: 'orders', partition: 4 }, replicas: [1, 2] },
      { tp: { topic: 'nope', partition: 0 }, replicas: [1] },
      { tp: { topic: 'doomed', partition: 0 }, replicas: [2] },
    ]);
    expect(r.get('orders-0')).to.deep.equal({ errorCode: Errors.INVALID_REPLICA_ASSIGNMENT.code, errorMessage: 'Empty replica list specified in partition reassignment.' });
    expect(r.get('orders-1')).to.deep.equal({ errorCode: Errors.INVALID_REPLICA_ASSIGNMENT.code, errorMessage: 'Duplicate replica ids in partition reassignment replica list: 1,1' });
    expect(r.get('orders-2')).to.deep.equal({ errorCode: Errors.INVALID_REPLICA_ASSIGNMENT.code, errorMessage: 'Invalid broker id in replica list: -1,2' });
    expect(r.get('orders-3')!.errorCode, 'a broker that is not alive').to.equal(Errors.INVALID_REPLICA_ASSIGNMENT.code);
    expect(r.get('orders-4')!.errorCode).to.equal(Errors.UNKNOWN_TOPIC_OR_PARTITION.code);
    expect(r.get('nope-0')!.errorCode).to.equal(Errors.UNKNOWN_TOPIC_OR_PARTITION.code);
    expect(r.get('doomed-0')!.errorCode, 'a topic being deleted').to.equal(Errors.UNKNOWN_TOPIC_OR_PARTITION.code);
    expect(f.zk.topicWrites).to.equal(0);
    expect(f.sender.sent).to.deep.equal([]);
  });

  it('/admin/reassign_partitions: drops bad entries from the znode, waits for a dead target, deletes the znode when the last one completes', async () => {
    const f = new ControllerFixture([1, 2, 3]);
    f.addTopic('orders', [{ assignment: [1, 2], leader: 1, isr: [1, 2] }, { assignment: [2, 3], leader: 2, isr: [2, 3] }]);
    f.zk.writeReassignment([
      { topic: 'orders', partition: 0, replicas: [] },
      { topic: 'orders', partition: 1, replicas: [3, 4] },
      { topic: 'ghost', partition: 0, replicas: [1] },
    ]);
    const started = await f.reassignments.processZkPartitionReassignment();
    expect([...started]).to.deep.equal(['orders-1']);
    expect(ReassignPartitionsZNode.decode(f.zk.reassignZNode)).to.deep.equal([{ topic: 'orders', partition: 1, replicas: [3, 4] }]);
    expect(f.zk.topics.get('orders')!.assignment.get(0)!.replicas, 'an empty target leaves the partition alone').to.deep.equal([1, 2]);
    expect(f.zk.topics.get('orders')!.assignment.get(1)).to.deep.equal({ replicas: [3, 4, 2], addingReplicas: [4], removingReplicas: [2] });
    // Broker 4 is not alive: LeaderAndIsr goes to the live replicas only; the reassignment waits.
    expect(f.sender.sent.filter((r) => r.brokerId === 4)).to.deep.equal([]);
    await f.ops.maybeCompleteReassignments([tp1]);
    expect(f.zk.reassignZNode).to.not.equal(null);
    // Broker 4 arrives, catches up; the leader's AlterPartition completes the reassignment.
    f.context.addLiveBrokers([{ id: 4, epoch: 104n, rack: null, endpoints: [] }]);
    await f.reassignments.maybeResumeReassignments((_, a) => targetReplicas(a).includes(4));
    expect(f.sender.leaderAndIsr(4, tp1).some((s) => s.isNew)).to.equal(true);
    f.zk.expandIsr(tp1, [2, 3, 4]);
    await f.ops.maybeCompleteReassignments([tp1]);
    expect(f.zk.reassignZNode).to.equal(null);
    expect(f.zkReassignmentEvents, 'the watch re-armed after the delete').to.equal(1);
    expect(f.zk.topics.get('orders')!.assignment.get(1)).to.deep.equal({ replicas: [3, 4], addingReplicas: [], removingReplicas: [] });
    expect(f.zk.state(tp1).leaderAndIsr.leader).to.equal(3);
  });

  it('/admin/reassign_partitions with malformed JSON or no partitions is deleted, not retried forever', async () => {
    const f = new ControllerFixture([1, 2]);
    f.addTopic('orders', [{ assignment: [1, 2], leader: 1, isr: [1, 2] }]);
    f.zk.reassignZNode = Buffer.from('{"version":1,"partitions":[{"topic":');
    expect((await f.reassignments.processZkPartitionReassignment()).size).to.equal(0);
    expect(f.zk.reassignZNode).to.equal(null);
    expect(f.zkReassignmentEvents).to.equal(1);
    f.zk.writeReassignment([]);
    await f.reassignments.processZkPartitionReassignment();
    expect(f.zk.reassignZNode).to.equal(null);
    expect(f.zk.topicWrites).to.equal(0);
  });

  it('an API reassignment supersedes the znode’s entry for the same partition', async () => {
    const f = new ControllerFixture([1, 2, 3]);
    f.addTopic('orders', [{ assignment: [1, 2], leader: 1, isr: [1, 2] }, { assignment: [1, 2], leader: 1, isr: [1, 2] }]);
    f.zk.writeReassignment([{ topic: 'orders', partition: 0, replicas: [1, 3] }, { topic: 'orders', partition: 1, replicas: [1, 3] }]);
    await f.reassignments.processZkPartitionReassignment();
    await f.ops.alterPartitionReassignments([{ tp: tp0, replicas: null }]);
    expect(ReassignPartitionsZNode.decode(f.zk.reassignZNode)).to.deep.equal([{ topic: 'orders', partition: 1, replicas: [1, 3] }]);
    expect(f.ops.listPartitionReassignments(null).map((r) => r.tp)).to.deep.equal([tp1]);
  });

  it('after a failover, resumes reassignments found in the topic znode: one whose targets are in the ISR completes', async () => {
    const f = new ControllerFixture([1, 2, 3]);
    f.addTopic('orders', [
      { assignment: { replicas: [3, 1, 2], addingReplicas: [3], removingReplicas: [2] }, leader: 1, isr: [1, 2, 3] },
      { assignment: { replicas: [3, 1, 2], addingReplicas: [3], removingReplicas: [2] }, leader: 2, isr: [1, 2] },
    ]);
    await f.reassignments.initializePartitionReassignments();
    expect(f.zk.topics.get('orders')!.assignment.get(0)).to.deep.equal({ replicas: [3, 1], addingReplicas: [], removingReplicas: [] });
    expect(f.zk.state(tp0).leaderAndIsr.isr).to.deep.equal([1, 3]);
    expect(f.ops.listPartitionReassignments(null).map((r) => r.tp)).to.deep.equal([tp1]);
    expect(f.sender.leaderAndIsr(3, tp1).at(-1)!.leaderEpoch, 'partition 1 restarted phase A with a new epoch').to.equal(1);
  });

  it('holds a deletion of a topic being reassigned until the reassignment completes', async () => {
    const f = new ControllerFixture([1, 2, 3]);
    f.addTopic('orders', [{ assignment: [1, 2], leader: 1, isr: [1, 2] }]);
    await f.ops.alterPartitionReassignments([{ tp: tp0, replicas: [3, 2] }]);
    await f.deletion.enqueueTopicsForDeletion(['orders']);
    expect(f.sender.stopReplica(1, tp0), 'no deletion while reassigning').to.deep.equal([]);
    f.zk.expandIsr(tp0, [1, 2, 3]);
    await f.ops.maybeCompleteReassignments([tp0]);
    for (const b of [3, 2]) expect(f.sender.stopReplica(b, tp0).at(-1), `broker ${b} deletes its replica`).to.equal(true);
  });
});
