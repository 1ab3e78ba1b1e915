import { expect } from 'chai';
import { pino } from 'pino';
import { setRootLogger } from '../../lib/utils/logger.js';
import { sharedZooKeeper, uniqueChroot } from '../../lib/testing/zookeeper-runner.js';
import { KafkaZkClient } from '../../lib/zk/kafka-zk-client.js';
import { MetadataCache } from '../../lib/server/metadata-cache.js';
import { AlterConfigOpType, ConfigResourceType, ZkAdminManager } from '../../lib/server/zk-admin-manager.js';
import { Errors } from '../../lib/protocol/errors.js';
import { ZERO_UUID } from '../../lib/protocol/reader.js';
import { ConfigSource } from '../../lib/config/config-def.js';
import { brokerConfig, MetadataSimulator, readJson } from './admin-helpers.js';

if (process.env.KAFKATS_LOG_LEVEL === undefined) setRootLogger(pino({ level: 'silent' }));

const { TOPIC, BROKER, BROKER_LOGGER, GROUP } = ConfigResourceType;
const { SET, DELETE, APPEND, SUBTRACT } = AlterConfigOpType;
const UNKNOWN_TOPIC = Errors.UNKNOWN_TOPIC_OR_PARTITION.code;

describe('ZkAdminManager configs (real ZooKeeper)', function () {
  this.timeout(20000);
  let zk: KafkaZkClient;
  let admin: ZkAdminManager;

  async function notifications(): Promise<unknown[]> {
    const children = (await zk.zooKeeperClient.getChildren('/config/changes')).sort();
    return Promise.all(children.map((c) => readJson(zk, `/config/changes/${c}`)));
  }

  before(async () => {
    const server = await sharedZooKeeper();
    const connect = `${server.connectString}${uniqueChroot()}`;
    zk = await KafkaZkClient.create({ connectString: connect, sessionTimeoutMs: 6000 });
    await zk.createTopLevelPaths();
    const cache = new MetadataCache(1);
    const sim = new MetadataSimulator(cache, [{ id: 1 }]);
    admin = new ZkAdminManager({ brokerId: 1, config: brokerConfig(connect, 1, { 'log.segment.bytes': 500000000, 'log.retention.hours': 24 }), metadataCache: cache, zkClient: zk });
    for (const t of ['conf', 'alter', 'incr']) {
      await zk.createTopicAssignment(t, null, new Map([[0, [1]]]));
      sim.publish(t, ZERO_UUID, new Map([[0, [1]]]));
    }
    await zk.setOrCreateEntityConfigs('topics', 'conf', { 'retention.ms': '1000' });
  });
  after(async () => {
    admin.shutdown();
    await zk.close();
  });

  describe('describeConfigs', () => {
    it('describes a topic with its override, static broker values and defaults, with synonyms', async () => {
      const [r] = await admin.describeConfigs([{ resourceType: TOPIC, resourceName: 'conf', configurationKeys: null }], true, false);
      expect(r).to.include({ errorCode: Errors.NONE.code, resourceType: TOPIC, resourceName: 'conf' });
      const byName = new Map(r?.configs.map((c) => [c.name, c]));
      const retention = byName.get('retention.ms');
      expect(retention).to.include({ value: '1000', configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG, readOnly: false, isSensitive: false, documentation: null });
      expect(retention?.synonyms[0]).to.deep.equal({ name: 'retention.ms', value: '1000', source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
      // As Kafka's ConfigHelper: broker synonyms start at the topic key's own broker key (log.retention.ms),
      // which is unset here (the broker sets log.retention.hours), so only the topic override is listed.
      expect(retention?.synonyms.map((s) => s.name)).to.deep.equal(['retention.ms']);
      const segment = byName.get('segment.bytes');
      expect(segment).to.include({ value: '500000000', configSource: ConfigSource.STATIC_BROKER_CONFIG, isDefault: false });
      expect(segment?.synonyms[0]).to.deep.equal({ name: 'log.segment.bytes', value: '500000000', source: ConfigSource.STATIC_BROKER_CONFIG });
      expect(byName.get('cleanup.policy')).to.include({ value: 'delete', configSource: ConfigSource.DEFAULT_CONFIG, isDefault: true });
      expect(byName.get('cleanup.policy')?.configType).to.equal(7); // LIST
    });

    it('filters by key, omits synonyms unless asked, adds documentation when asked', async () => {
      const [r] = await admin.describeConfigs([{ resourceType: TOPIC, resourceName: 'conf', configurationKeys: ['retention.ms'] }], false, true);
      expect(r?.configs.map((c) => c.name)).to.deep.equal(['retention.ms']);
      expect(r?.configs[0]?.synonyms).to.deep.equal([]);
      expect(r?.configs[0]?.documentation).to.be.a('string').and.not.equal('');
    });

    it('answers resource errors per resource', async () => {
      const res = await admin.describeConfigs([
        { resourceType: TOPIC, resourceName: 'nope', configurationKeys: null },
        { resourceType: TOPIC, resourceName: 'bad name', configurationKeys: null },
        { resourceType: BROKER, resourceName: '2', configurationKeys: null },
        { resourceType: BROKER, resourceName: 'one', configurationKeys: null },
        { resourceType: GROUP, resourceName: 'g', configurationKeys: null },
        { resourceType: BROKER_LOGGER, resourceName: '', configurationKeys: null },
      ], false, false);
      expect(res.map((r) => r.errorCode)).to.deep.equal([UNKNOWN_TOPIC, Errors.INVALID_TOPIC_EXCEPTION.code, Errors.INVALID_REQUEST.code, Errors.INVALID_REQUEST.code, Errors.INVALID_REQUEST.code, Errors.INVALID_REQUEST.code]);
      for (const r of res) expect(r.configs).to.deep.equal([]);
    });

    it('describes this broker\'s static configuration, the empty cluster default and the loggers (root first)', async () => {
      const [own, dflt, loggers] = await admin.describeConfigs([
        { resourceType: BROKER, resourceName: '1', configurationKeys: ['broker.id', 'num.partitions', 'log.segment.bytes'] },
        { resourceType: BROKER, resourceName: '', configurationKeys: null },
        { resourceType: BROKER_LOGGER, resourceName: '1', configurationKeys: null },
      ], true, false);
      const byName = new Map(own?.configs.map((c) => [c.name, c]));
      expect(byName.get('broker.id')).to.include({ value: '1', configSource: ConfigSource.STATIC_BROKER_CONFIG, readOnly: true });
      expect(byName.get('num.partitions')).to.include({ value: '1', configSource: ConfigSource.DEFAULT_CONFIG });
      expect(byName.get('log.segment.bytes')?.synonyms[0]).to.deep.equal({ name: 'log.segment.bytes', value: '500000000', source: ConfigSource.STATIC_BROKER_CONFIG });
      expect(dflt).to.include({ errorCode: Errors.NONE.code });
      expect(dflt?.configs).to.deep.equal([]);
      // Kafka's Log4jController.loggers: root, then every logger of this broker with its level.
      expect(loggers?.configs[0]).to.include({ name: 'root', configSource: ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG, readOnly: false });
      expect(loggers?.configs.map((c) => c.name)).to.include('kafka.server.ZkAdminManager');
    });
  });

  describe('alterConfigs', () => {
    it('replaces the whole override set and writes a version 2 change notification', async () => {
      await zk.setOrCreateEntityConfigs('topics', 'alter', { 'retention.ms': '5', 'segment.ms': '100000' });
      const before = (await notifications()).length;
      const [r] = await admin.alterConfigs([{ resourceType: TOPIC, resourceName: 'alter', configs: [{ name: 'cleanup.policy', value: 'compact' }] }], false);
      expect(r).to.deep.equal({ resourceType: TOPIC, resourceName: 'alter', errorCode: Errors.NONE.code, errorMessage: null });
      expect(await readJson(zk, '/config/topics/alter')).to.deep.equal({ version: 1, config: { 'cleanup.policy': 'compact' } });
      const after = await notifications();
      expect(after.length).to.equal(before + 1);
      expect(after[after.length - 1]).to.deep.equal({ version: 2, entity_path: 'topics/alter' });
    });

    it('validates without writing when validateOnly, and rejects bad values, unknown topics, nulls and duplicates', async () => {
      const before = await readJson(zk, '/config/topics/alter');
      const res = await admin.alterConfigs([
        { resourceType: TOPIC, resourceName: 'alter', configs: [{ name: 'retention.ms', value: '7' }] },
        { resourceType: TOPIC, resourceName: 'incr', configs: [{ name: 'retention.ms', value: 'x' }] },
        { resourceType: TOPIC, resourceName: 'ghost', configs: [] },
        { resourceType: TOPIC, resourceName: 'conf', configs: [{ name: 'retention.ms', value: null }] },
        { resourceType: BROKER, resourceName: '1', configs: [{ name: 'num.partitions', value: '3' }] },
        { resourceType: BROKER, resourceName: '2', configs: [] },
        { resourceType: GROUP, resourceName: 'g', configs: [] },
        { resourceType: BROKER_LOGGER, resourceName: '1', configs: [] },
      ], true);
      // A static broker key (num.partitions) is refused as Kafka 3.9's ConfigAdminManager does: INVALID_REQUEST.
      expect(res.map((r) => r.errorCode)).to.deep.equal([Errors.NONE.code, Errors.INVALID_CONFIG.code, UNKNOWN_TOPIC, Errors.INVALID_REQUEST.code, Errors.INVALID_REQUEST.code,
        Errors.INVALID_REQUEST.code, Errors.INVALID_REQUEST.code, Errors.INVALID_REQUEST.code]);
      expect(res[4]!.errorMessage).to.equal('Cannot update these configs dynamically: Set(num.partitions)');
      expect(res[6]!.errorMessage).to.equal('AlterConfigs is only supported for topics and brokers, but resource type is GROUP');
      expect(res[7]!.errorMessage).to.equal('AlterConfigs is only supported for topics and brokers, but resource type is BROKER_LOGGER');
      expect(await readJson(zk, '/config/topics/alter')).to.deep.equal(before);
      const dup = await admin.alterConfigs([
        { resourceType: TOPIC, resourceName: 'alter', configs: [] },
        { resourceType: TOPIC, resourceName: 'alter', configs: [] },
      ], true);
      expect(dup.map((r) => r.errorCode)).to.deep.equal([Errors.INVALID_REQUEST.code, Errors.INVALID_REQUEST.code]);
    });
  });

  describe('incrementalAlterConfigs', () => {
    const alter = (configs: Array<{ name: string; configOperation: number; value: string | null }>, validateOnly = false) =>
      admin.incrementalAlterConfigs([{ resourceType: TOPIC, resourceName: 'incr', configs }], validateOnly);

    it('SETs and DELETEs single keys and keeps the others', async () => {
      expect((await alter([{ name: 'retention.ms', configOperation: SET, value: '100' }, { name: 'segment.ms', configOperation: SET, value: '60000' }]))[0]?.errorCode).to.equal(Errors.NONE.code);
      expect((await alter([{ name: 'retention.ms', configOperation: DELETE, value: null }]))[0]?.errorCode).to.equal(Errors.NONE.code);
      expect(await readJson(zk, '/config/topics/incr')).to.deep.equal({ version: 1, config: { 'segment.ms': '60000' } });
      expect((await notifications()).at(-1)).to.deep.equal({ version: 2, entity_path: 'topics/incr' });
    });

    it('APPENDs to and SUBTRACTs from list keys starting from the default', async () => {
      expect((await alter([{ name: 'cleanup.policy', configOperation: APPEND, value: 'compact' }]))[0]?.errorCode).to.equal(Errors.NONE.code);
      expect((await readJson(zk, '/config/topics/incr') as { config: Record<string, string> }).config['cleanup.policy']).to.equal('delete,compact');
      expect((await alter([{ name: 'cleanup.policy', configOperation: APPEND, value: 'delete' }]))[0]?.errorCode).to.equal(Errors.NONE.code);
      expect((await readJson(zk, '/config/topics/incr') as { config: Record<string, string> }).config['cleanup.policy']).to.equal('delete,compact');
      expect((await alter([{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'delete' }]))[0]?.errorCode).to.equal(Errors.NONE.code);
      expect((await readJson(zk, '/config/topics/incr') as { config: Record<string, string> }).config['cleanup.policy']).to.equal('compact');
    });

    it('rejects APPEND on non-list keys, duplicate keys, unknown op types and invalid results; validateOnly writes nothing', async () => {
      const before = await readJson(zk, '/config/topics/incr');
      expect((await alter([{ name: 'retention.ms', configOperation: APPEND, value: '1' }]))[0]?.errorCode).to.equal(Errors.INVALID_REQUEST.code);
      expect((await alter([{ name: 'retention.ms', configOperation: SET, value: '1' }, { name: 'retention.ms', configOperation: DELETE, value: null }]))[0]?.errorCode).to.equal(Errors.INVALID_REQUEST.code);
      expect((await alter([{ name: 'retention.ms', configOperation: 9, value: '1' }]))[0]?.errorCode).to.equal(Errors.INVALID_REQUEST.code);
      expect((await alter([{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'compact' }]))[0]?.errorCode).to.equal(Errors.INVALID_CONFIG.code); // empty policy
      expect((await alter([{ name: 'no.such.key', configOperation: APPEND, value: 'x' }]))[0]?.errorCode).to.equal(Errors.INVALID_CONFIG.code);
      expect((await alter([{ name: 'retention.ms', configOperation: SET, value: '42' }], true))[0]?.errorCode).to.equal(Errors.NONE.code);
      expect(await readJson(zk, '/config/topics/incr')).to.deep.equal(before);
    });
  });
});
