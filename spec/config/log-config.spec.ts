import { expect } from 'chai';
import { KafkaConfig } from '../../lib/config/kafka-config.js';
import { LogConfig, validateTopicConfigs, defaultTopicConfigValues } from '../../lib/config/log-config.js';
import { TOPIC_CONFIG_DEF, TOPIC_CONFIG_NAMES } from '../../lib/config/topic-configs.js';
import { describeBrokerConfigs, describeTopicConfigs } from '../../lib/config/describe.js';
import { renderConfigMarkdown, renderConfigurationReference } from '../../lib/config/markdown.js';
import { BROKER_CONFIG_DEF } from '../../lib/config/broker-configs.js';
import { ConfigSource, LONG_MAX } from '../../lib/config/config-def.js';
import { InvalidConfigError } from '../../lib/protocol/errors.js';
import type { LogConfig as LogLayerConfig } from '../../lib/log/log-config.js';

function broker(text = ''): KafkaConfig {
  return KafkaConfig.fromProperties(`zookeeper.connect=zk:2181\n${text}`);
}

function invalid(fn: () => unknown): InvalidConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidConfigError) return err;
    throw err;
  }
  throw new Error('expected InvalidConfigError');
}

describe('LogConfig', () => {
  it('has Kafka\'s topic defaults when no broker config is given', () => {
    const lc = LogConfig.fromProps();
    expect(lc['segment.bytes']).to.equal(1073741824);
    expect(lc['retention.ms']).to.equal(604800000);
    expect(lc['retention.bytes']).to.equal(-1);
    expect(lc['cleanup.policy']).to.equal('delete');
    expect(lc['max.message.bytes']).to.equal(1048588);
    expect(lc['min.insync.replicas']).to.equal(1);
    expect(lc['unclean.leader.election.enable']).to.equal(false);
    expect(lc['flush.ms']).to.equal(LONG_MAX);
    expect(lc['min.cleanable.dirty.ratio']).to.equal(0.5);
    expect(lc.compact).to.equal(false);
    expect(lc.delete).to.equal(true);
  });

  it('merges per-topic overrides over the broker defaults and records which keys were overridden', () => {
    const defaults = broker('log.retention.hours=1\nlog.segment.bytes=4096').logConfig();
    const lc = LogConfig.fromProps(defaults, { 'retention.ms': '500', 'cleanup.policy': 'compact, delete', 'unknown.key': 'x' });
    expect(lc['retention.ms']).to.equal(500);
    expect(lc['segment.bytes']).to.equal(4096);
    expect(lc['cleanup.policy']).to.equal('compact,delete');
    expect(lc.compact && lc.delete).to.equal(true);
    expect([...lc.overriddenConfigs].sort()).to.deep.equal(['cleanup.policy', 'retention.ms']);
    expect(lc.ignoredConfigs).to.deep.equal(['unknown.key']);
  });

  it('throws InvalidConfigError for an invalid override value', () => {
    const e = invalid(() => LogConfig.fromProps(undefined, { 'segment.bytes': 'big' }));
    expect(e.code).to.equal(40);
    expect(e.message).to.match(/segment\.bytes/);
  });

  it('is assignable to the log layer\'s LogConfig and keeps numbers for longs', () => {
    const lc: LogLayerConfig = LogConfig.fromProps(undefined, { 'retention.ms': '9223372036854775807' });
    expect(lc['retention.ms']).to.equal(LONG_MAX);
    expect(typeof lc['segment.ms']).to.equal('number');
  });

  it('computes maxSegmentMs, initFileSize and jitter like Kafka', () => {
    const lc = LogConfig.fromProps(undefined, { 'cleanup.policy': 'compact', 'max.compaction.lag.ms': '1000', preallocate: 'true',
      'segment.bytes': '2048', 'segment.jitter.ms': '100' });
    expect(lc.maxSegmentMs()).to.equal(1000);
    expect(lc.initFileSize()).to.equal(2048);
    expect(lc.randomSegmentJitter(() => 0.5)).to.equal(50);
    expect(LogConfig.fromProps().randomSegmentJitter()).to.equal(0);
  });

  it('lists the topic config names sorted', () => {
    expect(TOPIC_CONFIG_NAMES).to.include.members(['retention.ms', 'segment.bytes', 'cleanup.policy', 'min.insync.replicas',
      'max.message.bytes', 'message.timestamp.type', 'compression.type', 'unclean.leader.election.enable']);
    expect([...TOPIC_CONFIG_NAMES]).to.deep.equal([...TOPIC_CONFIG_NAMES].sort());
  });

  it('maps every broker synonym back to a topic key that names it', () => {
    for (const key of BROKER_CONFIG_DEF.keys()) {
      if (!key.topicKey) continue;
      expect(TOPIC_CONFIG_DEF.key(key.topicKey)?.brokerKeys, key.name).to.include(key.name);
    }
    expect(BROKER_CONFIG_DEF.key('message.max.bytes')?.topicKey).to.equal('max.message.bytes');
    expect(BROKER_CONFIG_DEF.key('log.message.timestamp.type')?.topicKey).to.equal('message.timestamp.type');
  });
});

describe('validateTopicConfigs (CreateTopics / AlterConfigs)', () => {
  it('returns parsed values for valid configs', () => {
    expect(validateTopicConfigs({ 'retention.ms': '-1', 'min.insync.replicas': '2', 'cleanup.policy': 'compact' }))
      .to.deep.equal({ 'retention.ms': -1, 'min.insync.replicas': 2, 'cleanup.policy': 'compact' });
  });

  it('rejects unknown names, bad values, nulls and conflicting compaction lags with INVALID_CONFIG', () => {
    expect(invalid(() => validateTopicConfigs({ 'retention.mss': '1' })).message).to.equal('Unknown topic config name: retention.mss');
    expect(invalid(() => validateTopicConfigs({ 'retention.ms': '-2' })).message).to.match(/retention\.ms: Value must be at least -1/);
    expect(invalid(() => validateTopicConfigs({ 'min.insync.replicas': '0' })).message).to.match(/min\.insync\.replicas/);
    expect(invalid(() => validateTopicConfigs({ 'cleanup.policy': 'remove' })).message).to.match(/cleanup\.policy/);
    expect(invalid(() => validateTopicConfigs({ 'cleanup.policy': '' })).message).to.match(/cleanup\.policy/);
    expect(invalid(() => validateTopicConfigs({ 'message.timestamp.type': 'Now' })).message).to.match(/message\.timestamp\.type/);
    expect(invalid(() => validateTopicConfigs({ 'segment.bytes': null })).message).to.match(/Null value not supported/);
    expect(invalid(() => validateTopicConfigs({ 'min.compaction.lag.ms': '10', 'max.compaction.lag.ms': '5' })).message)
      .to.match(/min\.compaction\.lag\.ms \(10\) > max\.compaction\.lag\.ms \(5\)/);
    expect(invalid(() => validateTopicConfigs({ 'leader.replication.throttled.replicas': '0:1,x' })).message).to.match(/throttled/);
    expect(invalid(() => validateTopicConfigs({ 'remote.storage.enable': 'true' })).message).to.match(/tiered storage/);
  });

  it('accepts * and partition:broker lists for throttled replicas', () => {
    expect(validateTopicConfigs(new Map([['leader.replication.throttled.replicas', '*'], ['follower.replication.throttled.replicas', '0:1,1:2']])))
      .to.deep.equal({ 'leader.replication.throttled.replicas': ['*'], 'follower.replication.throttled.replicas': ['0:1', '1:2'] });
  });

  it('checks the compaction lag conflict against the given defaults', () => {
    const defaults = { ...defaultTopicConfigValues(), 'max.compaction.lag.ms': 100 };
    expect(() => validateTopicConfigs({ 'min.compaction.lag.ms': '200' }, defaults)).to.throw(InvalidConfigError);
  });
});

describe('DescribeConfigs views', () => {
  it('reports topic sources: topic override, static broker config, default', () => {
    const b = broker('log.retention.minutes=5');
    const lc = LogConfig.fromProps(b.logConfig(), { 'segment.bytes': '2048' });
    const byName = new Map(describeTopicConfigs(lc, b, null, true).map((e) => [e.name, e]));
    expect(byName.size).to.equal(TOPIC_CONFIG_NAMES.length);
    const seg = byName.get('segment.bytes');
    expect(seg).to.include({ value: '2048', source: ConfigSource.DYNAMIC_TOPIC_CONFIG, isDefault: false, readOnly: false, configType: 3 });
    expect(seg?.synonyms.map((s) => [s.name, s.source])).to.deep.equal([['segment.bytes', 1], ['log.segment.bytes', 5]]);
    // Kafka lists a topic key's broker synonyms only from the entry of its own broker key
    // (log.retention.ms): set through log.retention.minutes, retention.ms has none, source DEFAULT_CONFIG.
    const ret = byName.get('retention.ms');
    expect(ret).to.include({ value: '300000', source: ConfigSource.DEFAULT_CONFIG });
    expect(ret?.synonyms).to.deep.equal([]);
    expect(byName.get('flush.messages')).to.include({ value: '9223372036854775807', source: ConfigSource.DEFAULT_CONFIG, isDefault: true });
    expect(byName.get('min.cleanable.dirty.ratio')?.value).to.equal('0.5');
  });

  it('lists synonyms from the topic key\'s own broker key on, in Kafka\'s source order (ConfigHelper.configSynonyms)', () => {
    const b = broker('log.retention.ms=1000\nlog.retention.minutes=5');
    const byName = new Map(describeTopicConfigs(LogConfig.fromProps(b.logConfig(), { 'retention.ms': '42' }), b, null, true).map((e) => [e.name, e]));
    expect(byName.get('retention.ms')?.synonyms.map((s) => [s.name, s.value, s.source])).to.deep.equal([
      ['retention.ms', '42', ConfigSource.DYNAMIC_TOPIC_CONFIG],
      ['log.retention.ms', '1000', ConfigSource.STATIC_BROKER_CONFIG],
      ['log.retention.minutes', '5', ConfigSource.STATIC_BROKER_CONFIG],
      ['log.retention.hours', '168', ConfigSource.DEFAULT_CONFIG],
    ]);
    const plain = broker();
    const topic = new Map(describeTopicConfigs(plain.logConfig(), plain, null, true).map((e) => [e.name, e]));
    expect(topic.get('retention.ms')).to.deep.include({ source: ConfigSource.DEFAULT_CONFIG, synonyms: [] });
    expect(topic.get('segment.bytes')?.synonyms.map((s) => [s.name, s.source])).to.deep.equal([['log.segment.bytes', ConfigSource.DEFAULT_CONFIG]]);
    const brokerEntries = new Map(describeBrokerConfigs(plain, null, true).map((e) => [e.name, e]));
    expect(brokerEntries.get('log.retention.hours')?.synonyms.map((s) => [s.name, s.value, s.source])).to.deep.equal([['log.retention.hours', '168', ConfigSource.DEFAULT_CONFIG]]);
    expect(brokerEntries.get('log.retention.ms')).to.deep.include({ source: ConfigSource.DEFAULT_CONFIG, synonyms: [] });
  });

  it('filters topic entries by the requested keys and omits synonyms unless asked', () => {
    const b = broker();
    const entries = describeTopicConfigs(b.logConfig(), b, ['cleanup.policy']);
    expect(entries.map((e) => [e.name, e.value, e.synonyms.length])).to.deep.equal([['cleanup.policy', 'delete', 0]]);
  });

  it('reports broker entries read-only with passwords hidden', () => {
    const b = broker('broker.id=3\nssl.keystore.password=secret');
    const byName = new Map(describeBrokerConfigs(b).map((e) => [e.name, e]));
    expect(byName.get('broker.id')).to.include({ value: '3', source: ConfigSource.STATIC_BROKER_CONFIG, readOnly: true });
    expect(byName.get('num.partitions')).to.include({ value: '1', source: ConfigSource.DEFAULT_CONFIG, isDefault: true });
    expect(byName.get('ssl.keystore.password')).to.include({ value: null, isSensitive: true, configType: 9 });
    expect(byName.get('log.cleaner.io.max.bytes.per.second')?.value).to.equal('1.7976931348623157E308');
  });
});

describe('configuration reference Markdown', () => {
  it('renders one row per key with type, default and topic synonym', () => {
    const md = renderConfigMarkdown(BROKER_CONFIG_DEF);
    const rows = md.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows).to.have.length(BROKER_CONFIG_DEF.size);
    expect(md).to.include('| `log.retention.hours` | int | `168` |');
    expect(md).to.include('topic: `retention.ms`');
    expect(renderConfigurationReference()).to.include('| `retention.ms` | long | `604800000` | [-1,...] |');
  });
});
