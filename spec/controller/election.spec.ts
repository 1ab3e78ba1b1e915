import { expect } from 'chai';
import { leaderForControlledShutdown, leaderForNewPartition, leaderForOffline, leaderForPreferredReplica } from '../../lib/controller/election.js';
import { isValidPartitionTransition, isValidReplicaTransition } from '../../lib/controller/states.js';

describe('controller leader election', () => {
  const live = (...ids: number[]) => new Set(ids);

  it('elects the first live ISR replica in assignment order when a partition goes offline', () => {
    expect(leaderForOffline([1, 2, 3], [3, 2], live(2, 3), false)).to.deep.equal({ leader: 2, isr: [3, 2], unclean: false });
    expect(leaderForOffline([1, 2, 3], [1, 2, 3], live(3), false)).to.deep.equal({ leader: 3, isr: [3], unclean: false });
  });

  it('keeps a partition offline when no ISR member lives and unclean election is off', () => {
    expect(leaderForOffline([1, 2, 3], [1], live(2, 3), false)).to.equal(null);
  });

  it('elects a live out-of-sync replica only with unclean election enabled', () => {
    expect(leaderForOffline([1, 2, 3], [1], live(3, 2), true)).to.deep.equal({ leader: 2, isr: [2], unclean: true });
  });

  it('gives a new partition the first live replica and all live replicas as ISR', () => {
    expect(leaderForNewPartition([2, 0, 1], live(0, 1))).to.deep.equal({ leader: 0, isr: [0, 1], unclean: false });
    expect(leaderForNewPartition([2], live(0))).to.equal(null);
  });

  it('moves leadership to the preferred replica only when it is live and in sync', () => {
    expect(leaderForPreferredReplica([1, 2], [2, 1], live(1, 2))?.leader).to.equal(1);
    expect(leaderForPreferredReplica([1, 2], [2], live(1, 2))).to.equal(null);
    expect(leaderForPreferredReplica([1, 2], [1, 2], live(2))).to.equal(null);
  });

  it('moves leadership off a shutting-down broker and drops it from the ISR', () => {
    expect(leaderForControlledShutdown([1, 2, 3], [1, 2, 3], live(1, 2, 3), new Set([1]))).to.deep.equal({ leader: 2, isr: [2, 3], unclean: false });
    expect(leaderForControlledShutdown([1, 2], [1], live(1, 2), new Set([1]))).to.equal(null);
  });

  it('allows only the transitions in Kafka\'s state tables', () => {
    expect(isValidPartitionTransition('NonExistentPartition', 'NewPartition')).to.equal(true);
    expect(isValidPartitionTransition('NonExistentPartition', 'OnlinePartition')).to.equal(false);
    expect(isValidPartitionTransition('OnlinePartition', 'NonExistentPartition')).to.equal(false);
    expect(isValidReplicaTransition('OfflineReplica', 'ReplicaDeletionStarted')).to.equal(true);
    expect(isValidReplicaTransition('OnlineReplica', 'ReplicaDeletionStarted')).to.equal(false);
  });
});
