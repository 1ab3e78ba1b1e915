import { expect } from 'chai';
import {
  calculateProposedMoveMap,
  currentReassignmentsToString,
  followerThrottles,
  formatAsReassignmentJson,
  leaderThrottles,
  parseReassignmentJson,
  reassigningBrokers,
  replicaMoveStatesToString,
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

  it('reports each replica log dir move as Kafka\'s replicaMoveStatesToString does, sorted by topic, broker, partition', () => {
    const tp = (topic: string, partition: number): { topic: string; partition: number } => ({ topic, partition });
    expect(replicaMoveStatesToString([
      { tp: tp('b', 0), brokerId: 1, logDir: '/d2', info: { currentLogDir: '/d2', futureLogDir: null } },
      { tp: tp('a', 1), brokerId: 2, logDir: '/d2', info: { currentLogDir: '/d1', futureLogDir: '/d2' } },
      { tp: tp('a', 0), brokerId: 2, logDir: '/d2', info: { currentLogDir: '/d1', futureLogDir: '/d3' } },
      { tp: tp('a', 2), brokerId: 1, logDir: '/d2', info: { currentLogDir: '/d1', futureLogDir: null } },
      { tp: tp('c', 0), brokerId: 1, logDir: '/d2', info: undefined },
      { tp: tp('c', 1), brokerId: 1, logDir: '/d2', info: { currentLogDir: null, futureLogDir: '/d2' } },
    ])).to.equal([
      'Partition a-2 on broker 1 is not being moved from log dir /d1 to /d2.',
      'Partition a-0 on broker 2 is being moved to log dir /d3 instead of /d2.',
      'Reassignment of replica a-1-2 is still in progress.',
      'Reassignment of replica b-0-1 completed successfully.',
      'Partition c-0 cannot be found in any live log directory on broker 1.',
      'Partition c-1 is not found in any live log dir on broker 1. There is likely an offline log directory on the broker.',
    ].join('\n'));
  });
});
