import { expect } from 'chai';
import {
  calculateProposedMoveMap,
  currentReassignmentsToString,
  followerThrottles,
  formatAsReassignmentJson,
  leaderThrottles,
  parseReassignmentJson,
  reassigningBrokers,
} from '../../lib/cli/reassignment-json.js';

describe('reassignment JSON and throttles (Kafka’s ReassignPartitionsCommand)', () => {
  it('parses log_dirs, defaulting to any, and formats compact JSON sorted by topic and partition', () => {
    const { partitions, replicaDirs } = parseReassignmentJson('{"partitions":[{"topic":"b","partition":1,"replicas":[2,3],"log_dirs":["any","/d2"]},{"topic":"a","partition":0,"replicas":[1]}]}');
    expect(partitions.map((p) => `${p.tp.topic}-${p.tp.partition}`)).to.deep.equal(['b-1', 'a-0']);
    expect(replicaDirs).to.deep.equal([{ tp: { topic: 'b', partition: 1 }, brokerId: 3, logDir: '/d2' }]);
    expect(formatAsReassignmentJson(partitions, replicaDirs)).to.equal('{"version":1,"partitions":[{"topic":"a","partition":0,"replicas":[1],"log_dirs":["any"]},{"topic":"b","partition":1,"replicas":[2,3],"log_dirs":["any","/d2"]}]}');
    expect(() => parseReassignmentJson('{"partitions":[{"topic":"a","partition":0,"replicas":[1,2],"log_dirs":["any"]}]}')).to.throw('Size of replicas list [1, 2] is different from size of log dirs list [any] for partition a-0');
  });

  it('throttles the current replicas as leaders and only the added ones as followers; a move under way keeps its original sources', () => {
    const current = new Map([['t-0', [0, 1]], ['t-1', [1, 2]]]);
    const ongoing = [{ tp: { topic: 'u', partition: 3 }, replicas: [5, 1, 2], adding: [5], removing: [2] }];
    const moves = calculateProposedMoveMap(ongoing, [
      { tp: { topic: 't', partition: 0 }, replicas: [2, 1] },
      { tp: { topic: 't', partition: 1 }, replicas: [1, 2, 3] },
    ], current);
    expect(leaderThrottles(moves)).to.deep.equal(new Map([['u', '3:1,3:2'], ['t', '0:0,0:1,1:1,1:2']]));
    expect(followerThrottles(moves)).to.deep.equal(new Map([['u', '3:5'], ['t', '0:2,1:3']]));
    expect(reassigningBrokers(moves)).to.deep.equal([0, 1, 2, 3, 5]);
  });

  it('lists ongoing reassignments as Kafka’s --list does', () => {
    expect(currentReassignmentsToString([])).to.equal('No partition reassignments found.');
    expect(currentReassignmentsToString([{ tp: { topic: 't', partition: 0 }, replicas: [3, 1, 2], adding: [3], removing: [2] }, { tp: { topic: 'a', partition: 0 }, replicas: [1], adding: [], removing: [] }]))
      .to.equal('Current partition reassignments:\na-0: replicas: 1.\nt-0: replicas: 3,1,2. adding: 3. removing: 2.');
  });
});
