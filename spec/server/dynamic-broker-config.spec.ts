import { expect } from 'chai';
import { pino } from 'pino';
import { setRootLogger } from '../../lib/utils/logger.js';
import { KafkaConfig } from '../../lib/config/kafka-config.js';
import { ConfigSource } from '../../lib/config/config-def.js';
import { describeBrokerConfigs } from '../../lib/config/describe.js';
import { DynamicBrokerConfig } from '../../lib/server/dynamic-broker-config.js';
import { isPasswordConfig, validateDynamicBrokerConfigs } from '../../lib/config/dynamic-config.js';
import { dynamicLogConfig, logCleanerReconfigurable, socketServerReconfigurable } from '../../lib/server/broker-reconfigurables.js';
import type { SocketServer } from '../../lib/network/socket-server.js';
import type { ConnectionQuotaConfig } from '../../lib/config/socket-server-config.js';

const staticConfig = (extra: Record<string, string> = {}): KafkaConfig =>
  KafkaConfig.fromProps({ 'zookeeper.connect': 'localhost:2181', 'broker.id': '1', 'log.dirs': '/tmp/x', 'log.retention.hours': '24', ...extra });

if (process.env.KAFKATS_LOG_LEVEL === undefined) setRootLogger(pino({ level: 'silent' }));

describe('DynamicBrokerConfig (KIP-226)', () => {
  it("refuses static keys and per-broker keys at the cluster level with Kafka's messages, accepts unknown keys as custom properties", () => {
    expect(() => validateDynamicBrokerConfigs({ 'broker.id': '3', 'num.partitions': '2' }, true)).to.throw('Cannot update these configs dynamically: Set(broker.id, num.partitions)');
    expect(() => validateDynamicBrokerConfigs({ listeners: 'PLAINTEXT://:9093' }, false)).to.throw('Cannot update these configs at default cluster level, broker id must be specified: Set(listeners)');
    expect(() => validateDynamicBrokerConfigs({ 'log.retention.ms': 'soon' }, false)).to.throw(/Invalid value soon for configuration log.retention.ms/);
    expect(() => validateDynamicBrokerConfigs({ 'leader.replication.throttled.rate': '-5' }, true)).to.throw(/leader.replication.throttled.rate/);
    expect(() => validateDynamicBrokerConfigs({ 'my.custom.key': 'x', 'log.retention.ms': '1000', 'follower.replication.throttled.rate': '100' }, false)).to.not.throw();
  });

  it('takes a listener\'s SSL store keys only with the listener prefix and per broker; a listener-prefixed value is checked as its base key', () => {
    expect(() => validateDynamicBrokerConfigs({ 'ssl.keystore.location': '/k.p12', 'ssl.truststore.location': '/t.pem' }, true))
      .to.throw('These security configs can be dynamically updated only per-listener using the listener prefix: Set(ssl.keystore.location, ssl.truststore.location)');
    expect(() => validateDynamicBrokerConfigs({ 'listener.name.ssl.ssl.keystore.location': '/k.p12' }, false))
      .to.throw('Cannot update these configs at default cluster level, broker id must be specified: Set(listener.name.ssl.ssl.keystore.location)');
    expect(() => validateDynamicBrokerConfigs({ 'listener.name.ssl.max.connections': '10' }, false)).to.not.throw();
    expect(() => validateDynamicBrokerConfigs({ 'listener.name.ssl.max.connections': 'many' }, true)).to.throw(/Invalid value many for configuration max.connections/);
    expect(() => validateDynamicBrokerConfigs({ 'listener.name.ssl.ssl.keystore.location': '/k.p12' }, true)).to.not.throw();
    expect(['listener.name.ssl.ssl.keystore.password', 'ssl.key.password', 'listener.name.sasl.plain.sasl.jaas.config', 'listener.name.ssl.ssl.keystore.location']
      .map(isPasswordConfig)).to.deep.equal([true, true, true, false]);
  });

  it('layers this broker’s configs over the cluster default over the static ones, and tells a reconfigurable old and new', () => {
    const d = new DynamicBrokerConfig(staticConfig());
    const seen: Array<[number, number]> = [];
    d.addReconfigurable({ reconfigurableConfigs: new Set(['log.retention.ms']), reconfigure: (o, n) => seen.push([o.logRetentionTimeMillis, n.logRetentionTimeMillis]) });
    expect(d.currentConfig.logRetentionTimeMillis).to.equal(24 * 3600_000);
    d.updateDefaultConfig({ 'log.retention.ms': '5000' });
    d.updateBrokerConfig(1, { 'log.retention.ms': '7000' });
    d.updateBrokerConfig(2, { 'log.retention.ms': '1' }); // another broker's: ignored
    expect(d.currentConfig.logRetentionTimeMillis).to.equal(7000);
    d.updateBrokerConfig(1, {});
    expect(d.currentConfig.logRetentionTimeMillis).to.equal(5000);
    expect(seen).to.deep.equal([[24 * 3600_000, 5000], [5000, 7000], [7000, 5000]]);
    expect(d.currentConfig.logConfig()['retention.ms']).to.equal(5000);
  });

  it('ignores non-dynamic keys and invalid values stored in ZooKeeper, keeping the valid ones', () => {
    const d = new DynamicBrokerConfig(staticConfig());
    d.updateDefaultConfig({ 'broker.id': '9', 'log.segment.bytes': 'huge', 'log.retention.ms': '60000', listeners: 'PLAINTEXT://:1' });
    expect(d.currentDynamicDefaultConfigs()).to.deep.equal({ 'log.retention.ms': '60000' });
    expect(d.currentConfig.brokerId).to.equal(1);
  });

  it('refuses an update a component cannot apply', () => {
    const d = new DynamicBrokerConfig(staticConfig());
    d.addReconfigurable({
      reconfigurableConfigs: new Set(['log.cleaner.threads']),
      validateReconfiguration: (n) => {
        if (n.getNumber('log.cleaner.threads') > 2) throw new Error('Log cleaner threads cannot be increased to more than double the current value 1');
      },
      reconfigure: () => undefined,
    });
    expect(() => d.validate({ 'log.cleaner.threads': '4' }, true)).to.throw('more than double');
    expect(() => d.validate({ 'log.cleaner.threads': '2' }, true)).to.not.throw();
  });

  it('gives the log cleaner its CleanerConfig, old and new: thread counts at most halved or doubled, at least 1', () => {
    const d = new DynamicBrokerConfig(staticConfig({ 'log.cleaner.threads': '2', 'log.cleaner.dedupe.buffer.size': '134217728' }));
    const applied: number[] = [];
    d.addReconfigurable(logCleanerReconfigurable({ reconfigureCleaner: (threads) => applied.push(threads) }));
    expect(() => d.validate({ 'log.cleaner.threads': '5' }, true)).to.throw('Log cleaner threads cannot be increased to more than double the current value 2');
    expect(() => d.validate({ 'log.cleaner.threads': '0' }, false)).to.throw('Log cleaner threads should be at least 1');
    expect(() => d.validate({ 'log.cleaner.threads': '4' }, true)).to.not.throw();
    d.updateBrokerConfig(1, { 'log.cleaner.threads': '4' });
    expect(applied).to.deep.equal([4]);
    expect(() => d.validate({ 'log.cleaner.threads': '1' }, true)).to.throw('Log cleaner threads cannot be reduced to less than half the current value 4');
  });

  it('gives the socket server its ConnectionQuotaConfig on a change and refuses malformed per-ip overrides as a ConfigError', () => {
    const d = new DynamicBrokerConfig(staticConfig());
    const applied: ConnectionQuotaConfig[] = [];
    d.addReconfigurable(socketServerReconfigurable({ reconfigureConnectionQuotas: (c: ConnectionQuotaConfig) => applied.push(c) } as unknown as SocketServer));
    expect(() => d.validate({ 'max.connections.per.ip.overrides': 'nohost' }, true)).to.throw(/Invalid max.connections.per.ip.overrides entry nohost/)
      .with.property('name', 'ConfigError');
    d.updateDefaultConfig({ 'max.connections': '7', 'max.connections.per.ip.overrides': '10.0.0.1:3' });
    expect(applied).to.have.length(1);
    expect(applied[0]!.maxConnections).to.equal(7);
    expect([...applied[0]!.maxConnectionsPerIpOverrides]).to.deep.equal([['10.0.0.1', 3]]);
  });

  it('gives DynamicLogConfig the new topic defaults and enables unclean election only when the broker default turns true', () => {
    const d = new DynamicBrokerConfig(staticConfig());
    const defaults: number[] = [];
    let uncleanEnabled = 0;
    d.addReconfigurable(dynamicLogConfig({ setTopicDefaults: (c) => defaults.push(c['retention.ms']), enableDefaultUncleanLeaderElection: () => uncleanEnabled++ }));
    d.updateDefaultConfig({ 'log.retention.ms': '5000' });
    d.updateDefaultConfig({ 'log.retention.ms': '5000', 'unclean.leader.election.enable': 'true' });
    d.updateDefaultConfig({ 'log.retention.ms': '6000', 'unclean.leader.election.enable': 'true' });
    expect(defaults).to.deep.equal([5000, 5000, 6000]);
    expect(uncleanEnabled).to.equal(1);
  });

  it("describes a broker with Kafka's sources and synonyms in precedence order; the cluster default lists only its own keys", () => {
    const d = new DynamicBrokerConfig(staticConfig({ 'log.retention.ms': '100000' }));
    d.updateDefaultConfig({ 'log.retention.ms': '5000', 'my.custom': 'x' });
    d.updateBrokerConfig(1, { 'log.retention.ms': '7000', 'leader.replication.throttled.rate': '1000000' });
    const byName = new Map(describeBrokerConfigs(d.currentConfig, null, true).map((e) => [e.name, e]));
    expect(byName.get('log.retention.ms')).to.include({ value: '7000', source: ConfigSource.DYNAMIC_BROKER_CONFIG, readOnly: false });
    expect(byName.get('log.retention.ms')!.synonyms.map((s) => `${s.source}:${s.name}=${s.value}`)).to.deep.equal([
      `${ConfigSource.DYNAMIC_BROKER_CONFIG}:log.retention.ms=7000`,
      `${ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG}:log.retention.ms=5000`,
      `${ConfigSource.STATIC_BROKER_CONFIG}:log.retention.ms=100000`,
      `${ConfigSource.STATIC_BROKER_CONFIG}:log.retention.hours=24`,
      `${ConfigSource.DEFAULT_CONFIG}:log.retention.hours=168`,
    ]);
    expect(byName.get('leader.replication.throttled.rate')).to.include({ value: '1000000', source: ConfigSource.DYNAMIC_BROKER_CONFIG });
    expect(byName.get('broker.id')).to.include({ readOnly: true, source: ConfigSource.STATIC_BROKER_CONFIG });
    expect(byName.get('my.custom')).to.include({ value: null, isSensitive: true, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
    const dflt = describeBrokerConfigs(d.currentConfig, null, true, false);
    expect(dflt.map((e) => [e.name, e.value, e.source])).to.deep.equal([['log.retention.ms', '5000', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG], ['my.custom', null, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG]]);
    expect(dflt[0]!.synonyms.map((s) => s.source)).to.deep.equal([ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG]);
  });

  it("takes a replication throttle rate from this broker's configs, else the cluster default, else none (Kafka's BrokerConfigHandler)", () => {
    const d = new DynamicBrokerConfig(staticConfig());
    expect(d.replicationThrottledRate('leader.replication.throttled.rate')).to.equal(Number.MAX_SAFE_INTEGER);
    d.updateDefaultConfig({ 'leader.replication.throttled.rate': '2000000', 'follower.replication.throttled.rate': '3000000' });
    d.updateBrokerConfig(1, { 'leader.replication.throttled.rate': '1000000' });
    expect(d.replicationThrottledRate('leader.replication.throttled.rate')).to.equal(1_000_000);
    expect(d.replicationThrottledRate('follower.replication.throttled.rate'), 'from the cluster default').to.equal(3_000_000);
  });
});
