import { expect } from 'chai';
import { assignReplicasToBrokers, rackAlternatedBrokerList, validateReplicaAssignment } from '../../lib/controller/replica-assignment.js';
import { InvalidReplicationFactorError, InvalidReplicaAssignmentError } from '../../lib/protocol/errors.js';

const brokers = (ids: number[], rack?: (id: number) => string) => ids.map((id) => ({ id, rack: rack ? rack(id) : null }));

describe('replica assignment (AdminUtils)', () => {
  it('places replicas rack-unaware exactly as Kafka does for a fixed start index', () => {
    const a = assignReplicasToBrokers(brokers([0, 1, 2, 3, 4]), 10, 3, { fixedStartIndex: 0 });
    expect(Object.fromEntries(a)).to.deep.equal({
      0: [0, 1, 2], 1: [1, 2, 3], 2: [2, 3, 4], 3: [3, 4, 0], 4: [4, 0, 1],
      5: [0, 2, 3], 6: [1, 3, 4], 7: [2, 4, 0], 8: [3, 0, 1], 9: [4, 1, 2],
    });
  });

  it('spreads leaders evenly over the brokers for any random start', () => {
    for (let seed = 0; seed < 20; seed++) {
      const a = assignReplicasToBrokers(brokers([0, 1, 2]), 6, 3, { random: (n) => seed % n });
      const leaders = [...a.values()].map((r) => r[0]);
      expect([0, 1, 2].map((b) => leaders.filter((l) => l === b).length)).to.deep.equal([2, 2, 2]);
      for (const r of a.values()) expect(new Set(r).size).to.equal(3);
    }
  });

  it('refuses a replication factor larger than the broker count', () => {
    expect(() => assignReplicasToBrokers(brokers([0, 1]), 1, 3)).to.throw(InvalidReplicationFactorError);
  });

  it('interleaves brokers by rack and puts each partition on distinct racks', () => {
    const rackOf = (id: number) => ['a', 'a', 'b', 'b', 'c', 'c'][id] as string;
    expect(rackAlternatedBrokerList(new Map([0, 1, 2, 3, 4, 5].map((id) => [id, rackOf(id)])))).to.deep.equal([0, 2, 4, 1, 3, 5]);
    const a = assignReplicasToBrokers(brokers([0, 1, 2, 3, 4, 5], rackOf), 12, 3, { fixedStartIndex: 0 });
    for (const replicas of a.values()) expect(new Set(replicas.map(rackOf)).size).to.equal(3);
  });

  it('needs every broker to have a rack once one has', () => {
    expect(() => assignReplicasToBrokers([{ id: 0, rack: 'a' }, { id: 1 }], 1, 1)).to.throw(InvalidReplicaAssignmentError);
  });

  it('validates explicit assignments', () => {
    const live = new Set([0, 1, 2]);
    expect(() => validateReplicaAssignment(new Map([[0, [0, 1]], [1, [1, 2]]]), live)).not.to.throw();
    expect(() => validateReplicaAssignment(new Map([[0, [0, 0]]]), live)).to.throw(InvalidReplicaAssignmentError);
    expect(() => validateReplicaAssignment(new Map([[0, [0]], [1, [1, 2]]]), live)).to.throw(InvalidReplicaAssignmentError);
    expect(() => validateReplicaAssignment(new Map([[0, [7]]]), live)).to.throw(InvalidReplicaAssignmentError);
    expect(() => validateReplicaAssignment(new Map([[1, [0]]]), live)).to.throw(InvalidReplicaAssignmentError);
  });
});
