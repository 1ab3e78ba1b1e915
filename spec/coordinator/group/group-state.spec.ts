import { expect } from 'chai';
import { MockTime } from '../../../lib/common/time.js';
import { GroupMetadata } from '../../../lib/coordinator/group/group-metadata.js';
import { GroupState, IllegalGroupStateTransition, isValidTransition, parseGroupState, VALID_PREVIOUS_STATES } from '../../../lib/coordinator/group/group-state.js';
import { MemberMetadata } from '../../../lib/coordinator/group/member-metadata.js';

const ALL = Object.values(GroupState);

describe('group state machine', () => {
  it('allows exactly Kafka\'s transitions', () => {
    const allowed = ALL.flatMap((from) => ALL.filter((to) => isValidTransition(from, to)).map((to) => `${from}->${to}`)).sort();
    expect(allowed).to.deep.equal([
      'CompletingRebalance->Dead', 'CompletingRebalance->PreparingRebalance', 'CompletingRebalance->Stable',
      'Dead->Dead',
      'Empty->Dead', 'Empty->PreparingRebalance',
      'PreparingRebalance->CompletingRebalance', 'PreparingRebalance->Dead', 'PreparingRebalance->Empty',
      'Stable->Dead', 'Stable->PreparingRebalance',
    ]);
    expect(VALID_PREVIOUS_STATES.Stable.has(GroupState.PreparingRebalance)).to.equal(false);
  });

  it('throws IllegalGroupStateTransition on a transition the table forbids and records the state timestamp otherwise', () => {
    const time = new MockTime(1000);
    const g = new GroupMetadata('g', GroupState.Empty, time);
    expect(() => g.transitionTo(GroupState.Stable)).to.throw(IllegalGroupStateTransition);
    time.advance(50);
    g.transitionTo(GroupState.PreparingRebalance);
    expect(g.currentState).to.equal(GroupState.PreparingRebalance);
    expect(g.currentStateTimestamp).to.equal(1050);
  });

  it('parses state names case-insensitively', () => {
    expect(parseGroupState('stable')).to.equal(GroupState.Stable);
    expect(parseGroupState('COMPLETINGREBALANCE')).to.equal(GroupState.CompletingRebalance);
    expect(parseGroupState('bogus')).to.equal(undefined);
  });

  it('elects another member that rejoined when the leader did not, and moves the leader when it is removed', () => {
    const g = new GroupMetadata('g', GroupState.Empty, new MockTime());
    const mk = (id: string): MemberMetadata => new MemberMetadata(id, null, 'c', 'h', 1000, 1000, 'consumer', [{ name: 'range', metadata: Buffer.alloc(0) }]);
    g.add(mk('a'));
    g.add(mk('b'), () => undefined);
    expect(g.leaderOrNull()).to.equal('a');
    expect(g.maybeElectNewJoinedLeader()).to.equal(true);
    expect(g.leaderOrNull()).to.equal('b');
    g.remove('b');
    expect(g.leaderOrNull()).to.equal('a');
    g.remove('a');
    expect(g.leaderOrNull()).to.equal(null);
  });

  it('computes subscribed topics from consumer subscriptions, or null when one does not parse', async () => {
    const { subscription } = await import('./support.js');
    const g = new GroupMetadata('g', GroupState.Empty, new MockTime());
    g.add(new MemberMetadata('a', null, 'c', 'h', 1, 1, 'consumer', [{ name: 'range', metadata: subscription(['x', 'y']) }]));
    g.add(new MemberMetadata('b', null, 'c', 'h', 1, 1, 'consumer', [{ name: 'range', metadata: subscription(['z']) }]));
    g.transitionTo(GroupState.PreparingRebalance);
    g.initNextGeneration();
    expect([...g.getSubscribedTopics()!].sort()).to.deep.equal(['x', 'y', 'z']);
    expect(g.isSubscribedToTopic('w')).to.equal(false);
    const bad = new GroupMetadata('g2', GroupState.Empty, new MockTime());
    bad.add(new MemberMetadata('a', null, 'c', 'h', 1, 1, 'consumer', [{ name: 'range', metadata: Buffer.from([0, 0, 0, 0, 0, 9]) }]));
    bad.transitionTo(GroupState.PreparingRebalance);
    bad.initNextGeneration();
    expect(bad.getSubscribedTopics()).to.equal(null);
    expect(bad.isSubscribedToTopic('anything')).to.equal(true);
  });
});
