import { expect } from 'chai';
import { pino } from 'pino';
import { setRootLogger } from '../../lib/utils/logger.js';
import { sharedZooKeeper, uniqueChroot } from '../../lib/testing/zookeeper-runner.js';
import { KafkaZkClient } from '../../lib/zk/kafka-zk-client.js';
import { MetadataCache } from '../../lib/server/metadata-cache.js';
import { ZkAdminManager, type CreatableTopicInput } from '../../lib/server/zk-admin-manager.js';
import { Errors } from '../../lib/protocol/errors.js';
import { ZERO_UUID } from '../../lib/protocol/reader.js';
import { ConfigSource } from '../../lib/config/config-def.js';
import { brokerConfig, MetadataSimulator, readJson } from './admin-helpers.js';

if (process.env.KAFKATS_LOG_LEVEL === undefined) setRootLogger(pino({ level: 'silent' }));

const code = {
  invalidTopic: Errors.INVALID_TOPIC_EXCEPTION.code,
  exists: Errors.TOPIC_ALREADY_EXISTS.code,
  invalidPartitions: Errors.INVALID_PARTITIONS.code,
  invalidRf: Errors.INVALID_REPLICATION_FACTOR.code,
  invalidAssignment: Errors.INVALID_REPLICA_ASSIGNMENT.code,
  invalidConfig: Errors.INVALID_CONFIG.code,
  invalidRequest: Errors.INVALID_REQUEST.code,
  timedOut: Errors.REQUEST_TIMED_OUT.code,
  leaderNotAvailable: Errors.LEADER_NOT_AVAILABLE.code,
  unknownTopic: Errors.UNKNOWN_TOPIC_OR_PARTITION.code,
  reassigning: Errors.REASSIGNMENT_IN_PROGRESS.code,
};

const topic = (name: string, numPartitions = 1, replicationFactor = 1, extra: Partial<CreatableTopicInput> = {}): CreatableTopicInput =>
  ({ name, numPartitions, replicationFactor, assignments: [], configs: [], ...extra });

describe('ZkAdminManager (real ZooKeeper)', function () {
  this.timeout(20000);
  let zk: KafkaZkClient;
  let connect: string;
  let sim: MetadataSimulator;
  let admin: ZkAdminManager;
  const managers: ZkAdminManager[] = [];
  const clients: KafkaZkClient[] = [];

  function manager(extra: Record<string, unknown> = {}, brokerId = 1, options = {}): { admin: ZkAdminManager; cache: MetadataCache; sim: MetadataSimulator } {
    const c = new MetadataCache(brokerId);
    const s = new MetadataSimulator(c, [{ id: 1 }, { id: 2 }, { id: 3 }]);
    s.publishBrokers();
    const config = brokerConfig(connect, brokerId, { 'num.partitions': 3, 'default.replication.factor': 2, 'log.segment.bytes': 500000000, ...extra });
    const a = new ZkAdminManager({ brokerId, config, metadataCache: c, zkClient: zk }, options);
    managers.push(a);
    return { admin: a, cache: c, sim: s };
  }

  before(async () => {
    const server = await sharedZooKeeper();
    connect = `${server.connectString}${uniqueChroot()}`;
    zk = await KafkaZkClient.create({ connectString: connect, sessionTimeoutMs: 6000 });
    clients.push(zk);
    await zk.createTopLevelPaths();
    for (const id of [1, 2, 3]) await zk.registerBroker({ id, endpoints: [{ listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: 'localhost', port: 9090 + id }] });
    ({ admin, sim } = manager());
  });
  after(async () => {
    for (const m of managers) m.shutdown();
    for (const c of clients) await c.close();
  });

  describe('createTopics', () => {
    it('writes /config/topics/<t> and /brokers/topics/<t> exactly as Kafka, with a new topic id', async () => {
      const res = await admin.createTopics(0, false, [topic('orders', 6, 2, { configs: [{ name: 'retention.ms', value: '1000' }] })]);
      const r = res.get('orders');
      expect(r?.errorCode).to.equal(code.timedOut); // timeout 0: written, not waited for
      expect(await readJson(zk, '/config/topics/orders')).to.deep.equal({ version: 1, config: { 'retention.ms': '1000' } });
      const znode = await readJson(zk, '/brokers/topics/orders') as Record<string, unknown>;
      expect(Object.keys(znode).sort()).to.deep.equal(['adding_replicas', 'partitions', 'removing_replicas', 'topic_id', 'version']);
      expect(znode.version).to.equal(3);
      expect(znode.adding_replicas).to.deep.equal({});
      expect(znode.removing_replicas).to.deep.equal({});
      expect(znode.topic_id).to.match(/^[A-Za-z0-9_-]{22}$/);
      expect(r?.topicId).to.equal(znode.topic_id);
      const partitions = znode.partitions as Record<string, number[]>;
      expect(Object.keys(partitions).sort()).to.deep.equal(['0', '1', '2', '3', '4', '5']);
      const leaders = new Map<number, number>();
      for (const replicas of Object.values(partitions)) {
        expect(replicas).to.have.length(2);
        expect(new Set(replicas).size).to.equal(2);
        for (const b of replicas) expect([1, 2, 3]).to.include(b);
        leaders.set(replicas[0] as number, (leaders.get(replicas[0] as number) ?? 0) + 1);
      }
      expect([...leaders.values()]).to.deep.equal([2, 2, 2]); // round robin over the 3 live brokers
    });

    it('answers once the metadata cache shows a leader for every partition, with configs and counts (v5+)', async () => {
      const pending = admin.createTopics(5000, false, [topic('waiting', 2, 3, { configs: [{ name: 'cleanup.policy', value: 'compact' }] })]);
      let done = false;
      void pending.then(() => (done = true));
      await new Promise((r) => setTimeout(r, 100));
      expect(done).to.equal(false);
      const [t] = await zk.getReplicaAssignmentAndTopicIdForTopics(['waiting']);
      sim.publish('waiting', t?.topicId ?? ZERO_UUID, new Map([[0, [1, 2, 3]], [1, [2, 3, 1]]]), true); // no leader yet
      await new Promise((r) => setTimeout(r, 50));
      expect(done).to.equal(false);
      await sim.publishFromZk(zk, 'waiting');
      const r = (await pending).get('waiting');
      expect(r?.errorCode).to.equal(Errors.NONE.code);
      expect(r?.numPartitions).to.equal(2);
      expect(r?.replicationFactor).to.equal(3);
      const byName = new Map(r?.configs.map((c) => [c.name, c]));
      expect(byName.get('cleanup.policy')).to.include({ value: 'compact', configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG, readOnly: false });
      expect(byName.get('segment.bytes')).to.include({ value: '500000000', configSource: ConfigSource.STATIC_BROKER_CONFIG });
      expect(byName.get('retention.bytes')).to.include({ value: '-1', configSource: ConfigSource.DEFAULT_CONFIG });
    });

    it('answers REQUEST_TIMED_OUT when leaders do not appear within the timeout, keeping the topic id', async () => {
      const started = Date.now();
      const r = (await admin.createTopics(150, false, [topic('slow', 1, 1)])).get('slow');
      expect(Date.now() - started).to.be.at.least(140);
      expect(r).to.include({ errorCode: code.timedOut, numPartitions: -1, replicationFactor: -1 });
      expect(r?.configs).to.deep.equal([]);
      expect(r?.topicId).to.not.equal(ZERO_UUID);
      expect(await zk.topicExists('slow')).to.equal(true);
    });

    it('validateOnly checks and describes without writing anything', async () => {
      const r = (await admin.createTopics(5000, true, [topic('dry-run', 4, 2)])).get('dry-run');
      expect(r).to.include({ errorCode: Errors.NONE.code, numPartitions: 4, replicationFactor: 2, topicId: ZERO_UUID });
      expect(await zk.topicExists('dry-run')).to.equal(false);
      expect(await zk.pathExists('/config/topics/dry-run')).to.equal(false);
    });

    it('uses num.partitions and default.replication.factor for -1', async () => {
      await admin.createTopics(0, false, [topic('defaults', -1, -1)]);
      const [t] = await zk.getReplicaAssignmentAndTopicIdForTopics(['defaults']);
      expect(t?.assignment.size).to.equal(3);
      for (const a of t?.assignment.values() ?? []) expect(a.replicas).to.have.length(2);
    });

    it('writes an explicit assignment as given, without checking the brokers are alive (as Kafka)', async () => {
      const assignments = [{ partitionIndex: 1, brokerIds: [3, 7] }, { partitionIndex: 0, brokerIds: [7, 1] }];
      const r = (await admin.createTopics(0, false, [topic('explicit', -1, -1, { assignments })])).get('explicit');
      expect(r?.errorCode).to.equal(code.timedOut);
      expect((await readJson(zk, '/brokers/topics/explicit') as { partitions: unknown }).partitions).to.deep.equal({ 0: [7, 1], 1: [3, 7] });
    });

    it('rejects each invalid request with Kafka\'s error code', async () => {
      await zk.createTopicAssignment('a_b', null, new Map([[0, [1]]]));
      await zk.createTopicAssignment('marked', null, new Map([[0, [1]]]));
      await zk.createDeleteTopicPath('marked');
      sim.publish('cached', ZERO_UUID, new Map([[0, [1]]]));
      const cases: Array<[CreatableTopicInput, number]> = [
        [topic(''), code.invalidTopic],
        [topic('.'), code.invalidTopic],
        [topic('..'), code.invalidTopic],
        [topic('has space'), code.invalidTopic],
        [topic('x'.repeat(250)), code.invalidTopic],
        [topic('orders'), code.exists],
        [topic('cached'), code.exists],
        [topic('marked'), code.exists],
        [topic('a.b'), code.invalidTopic],
        [topic('both', 2, -1, { assignments: [{ partitionIndex: 0, brokerIds: [1] }] }), code.invalidRequest],
        [topic('rf-too-big', 1, 4), code.invalidRf],
        [topic('zero-partitions', 0, 1), code.invalidPartitions],
        [topic('huge', 2147483647, 1), code.invalidPartitions],
        [topic('bad-value', 1, 1, { configs: [{ name: 'retention.ms', value: 'soon' }] }), code.invalidConfig],
        [topic('unknown-key', 1, 1, { configs: [{ name: 'no.such.key', value: '1' }] }), code.invalidConfig],
        [topic('null-value', 1, 1, { configs: [{ name: 'retention.ms', value: null }] }), code.invalidConfig],
        [topic('gap', -1, -1, { assignments: [{ partitionIndex: 0, brokerIds: [1] }, { partitionIndex: 2, brokerIds: [2] }] }), code.invalidAssignment],
        [topic('dup-replica', -1, -1, { assignments: [{ partitionIndex: 0, brokerIds: [1, 1] }] }), code.invalidAssignment],
        [topic('uneven', -1, -1, { assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }, { partitionIndex: 1, brokerIds: [2] }] }), code.invalidAssignment],
      ];
      const res = await admin.createTopics(0, false, cases.map(([t]) => t));
      for (const [t, expected] of cases) {
        const r = res.get(t.name);
        expect(r?.errorCode, t.name.substring(0, 20)).to.equal(expected);
        expect(r?.errorMessage, t.name.substring(0, 20)).to.be.a('string');
      }
      for (const name of ['a.b', 'both', 'rf-too-big', 'bad-value', 'gap']) expect(await zk.topicExists(name), name).to.equal(false);
    });

    it('uses the rack-aware assignment when the live brokers have racks', async () => {
      const m = manager();
      m.sim.brokers = [{ id: 1, rack: 'a' }, { id: 2, rack: 'a' }, { id: 3, rack: 'b' }];
      m.sim.publishBrokers();
      await m.admin.createTopics(0, false, [topic('racked', 6, 2)]);
      const [t] = await zk.getReplicaAssignmentAndTopicIdForTopics(['racked']);
      for (const a of t?.assignment.values() ?? []) expect(a.replicas.includes(3), String(a.replicas)).to.equal(true); // one replica per rack
    });
  });

  describe('createPartitions', () => {
    it('assigns new partitions from partition 0\'s first replica and keeps the topic id', async () => {
      await zk.createTopicAssignment('grow', 'q2bq1bKAQYiu9bVKnC3ukQ', new Map([[0, [2, 3]], [1, [3, 1]]]));
      const r = await admin.createPartitions(0, [{ name: 'grow', count: 4, assignments: null }], false);
      expect(r.get('grow')?.errorCode).to.equal(code.timedOut);
      expect(await readJson(zk, '/brokers/topics/grow')).to.deep.equal({
        version: 3, topic_id: 'q2bq1bKAQYiu9bVKnC3ukQ',
        partitions: { 0: [2, 3], 1: [3, 1], 2: [1, 3], 3: [2, 3] }, adding_replicas: {}, removing_replicas: {},
      });
    });

    it('waits for the new partitions\' leaders when given a timeout', async () => {
      await zk.createTopicAssignment('grow2', 'q2bq1bKAQYiu9bVKnC3ukA', new Map([[0, [1]]]));
      await sim.publishFromZk(zk, 'grow2');
      const pending = admin.createPartitions(5000, [{ name: 'grow2', count: 2, assignments: [{ brokerIds: [3] }] }], false);
      await new Promise((r) => setTimeout(r, 100));
      await sim.publishFromZk(zk, 'grow2');
      expect((await pending).get('grow2')?.errorCode).to.equal(Errors.NONE.code);
      expect((await zk.getReplicaAssignmentForTopics(['grow2'])).get('grow2')?.get(1)).to.deep.equal([3]);
    });

    it('rejects bad counts and assignments, unknown topics and reassigning topics', async () => {
      await zk.createTopicAssignment('fixed', null, new Map([[0, [1, 2]], [1, [2, 3]]]));
      await zk.createTopicAssignment('moving', null, new Map([[0, { replicas: [1, 2], addingReplicas: [2], removingReplicas: [3] }]]));
      const res = await admin.createPartitions(0, [
        { name: 'fixed', count: 2, assignments: null },
        { name: 'missing', count: 3, assignments: null },
        { name: 'moving', count: 3, assignments: null },
      ], false);
      expect(res.get('fixed')?.errorCode).to.equal(code.invalidPartitions);
      expect(res.get('missing')?.errorCode).to.equal(code.unknownTopic);
      expect(res.get('moving')?.errorCode).to.equal(code.reassigning);
      const shrink = await admin.createPartitions(0, [{ name: 'fixed', count: 1, assignments: null }], false);
      expect(shrink.get('fixed')?.errorCode).to.equal(code.invalidPartitions);
      for (const assignments of [[{ brokerIds: [1, 9] }], [{ brokerIds: [1, 2] }, { brokerIds: [2, 3] }], [{ brokerIds: [1] }], [{ brokerIds: [1, 1] }]]) {
        const r = await admin.createPartitions(0, [{ name: 'fixed', count: 3, assignments }], false);
        expect(r.get('fixed')?.errorCode, JSON.stringify(assignments)).to.equal(code.invalidAssignment);
      }
      const dry = await admin.createPartitions(5000, [{ name: 'fixed', count: 5, assignments: null }], true);
      expect(dry.get('fixed')?.errorCode).to.equal(Errors.NONE.code);
      expect(await zk.getTopicPartitionCount('fixed')).to.equal(2);
    });
  });

  describe('deleteTopics', () => {
    it('creates the /admin/delete_topics marker and answers when the topic left the metadata cache', async () => {
      await admin.createTopics(0, false, [topic('doomed', 2, 1)]);
      await sim.publishFromZk(zk, 'doomed');
      const pending = admin.deleteTopics(5000, ['doomed']);
      await new Promise((r) => setTimeout(r, 100));
      const marker = await zk.getDataAndStat('/admin/delete_topics/doomed');
      expect(marker.stat).to.not.equal(null);
      expect(marker.data === null || marker.data.length === 0).to.equal(true);
      expect(admin.hasDelayedTopicOperations).to.equal(true);
      sim.deleteTopic('doomed');
      expect((await pending).get('doomed')).to.deep.equal({ errorCode: Errors.NONE.code, errorMessage: null });
      expect(admin.hasDelayedTopicOperations).to.equal(false);
    });

    it('tolerates an existing marker, times out while the topic is cached, and reports unknown topics', async () => {
      await zk.createTopicAssignment('sticky', null, new Map([[0, [1]]]));
      await sim.publishFromZk(zk, 'sticky');
      const first = await admin.deleteTopics(0, ['sticky']);
      expect(first.get('sticky')?.errorCode).to.equal(code.timedOut);
      const again = await admin.deleteTopics(100, ['sticky', 'never-existed']);
      expect(again.get('sticky')?.errorCode).to.equal(code.timedOut);
      expect(again.get('never-existed')?.errorCode).to.equal(code.unknownTopic);
    });
  });

  describe('auto-creation', () => {
    it('creates missing topics and answers LEADER_NOT_AVAILABLE; bad names and too few brokers fail', async () => {
      const m = manager({ 'default.replication.factor': 1, 'num.partitions': 2 });
      const r = await m.admin.autoCreateTopics(['auto-1', 'bad name', 'auto-1']);
      expect(r.get('auto-1')).to.equal(code.leaderNotAvailable);
      expect(r.get('bad name')).to.equal(code.invalidTopic);
      expect(await zk.getTopicPartitionCount('auto-1')).to.equal(2);
      expect((await m.admin.autoCreateTopics(['auto-1'])).get('auto-1')).to.equal(code.leaderNotAvailable); // created by now: still coming up
      const big = manager({ 'default.replication.factor': 4 });
      expect((await big.admin.autoCreateTopics(['auto-2'])).get('auto-2')).to.equal(code.invalidRf);
      expect(await zk.topicExists('auto-2')).to.equal(false);
    });

    it('creates __consumer_offsets with the offsets.topic.* settings, once, across brokers', async () => {
      const settings = { 'offsets.topic.num.partitions': 5, 'offsets.topic.replication.factor': 3, 'offsets.topic.segment.bytes': 1048576 };
      const b1 = manager(settings, 1);
      const b2 = manager(settings, 2);
      const [c1, c2] = await Promise.all([
        b1.admin.createInternalTopicIfMissing('__consumer_offsets'),
        b2.admin.createInternalTopicIfMissing('__consumer_offsets'),
      ]);
      expect([c1, c2]).to.deep.equal([code.leaderNotAvailable, code.leaderNotAvailable]);
      expect(await readJson(zk, '/config/topics/__consumer_offsets')).to.deep.equal({
        version: 1, config: { 'cleanup.policy': 'compact', 'segment.bytes': '1048576', 'compression.type': 'producer' },
      });
      const [t] = await zk.getReplicaAssignmentAndTopicIdForTopics(['__consumer_offsets']);
      expect(t?.assignment.size).to.equal(5);
      for (const a of t?.assignment.values() ?? []) expect(a.replicas).to.have.length(3);
      await b1.sim.publishFromZk(zk, '__consumer_offsets');
      expect(await b1.admin.createInternalTopicIfMissing('__consumer_offsets')).to.equal(Errors.NONE.code);
    });

    it('creates __transaction_state with Kafka\'s configs and fails, unless capping is asked for, when brokers are too few', async () => {
      const strict = manager({ 'transaction.state.log.replication.factor': 5 });
      expect(await strict.admin.createInternalTopicIfMissing('__transaction_state')).to.equal(code.invalidRf);
      expect(await zk.topicExists('__transaction_state')).to.equal(false);
      const capped = manager({ 'transaction.state.log.replication.factor': 5, 'transaction.state.log.num.partitions': 2, 'transaction.state.log.min.isr': 2 }, 1,
        { capInternalTopicReplicationFactor: true });
      expect(await capped.admin.createInternalTopicIfMissing('__transaction_state')).to.equal(code.leaderNotAvailable);
      expect(await readJson(zk, '/config/topics/__transaction_state')).to.deep.equal({
        version: 1,
        config: {
          'unclean.leader.election.enable': 'false', 'compression.type': 'uncompressed', 'cleanup.policy': 'compact',
          'min.insync.replicas': '2', 'segment.bytes': '104857600',
        },
      });
      const [t] = await zk.getReplicaAssignmentAndTopicIdForTopics(['__transaction_state']);
      for (const a of t?.assignment.values() ?? []) expect(a.replicas).to.have.length(3);
    });
  });
});
