/**
 * `kafkats configs` against a real cluster: --alter changes are checked with DescribeConfigs sent
 * by the spec itself; --describe prints ConfigCommand's format; a broker key that cannot change
 * dynamically is refused with the broker's reason.
 */
import { expect } from 'chai';
import { eventually, request } from '../integration/support.js';
import { bootstrapOf, kafkats, kafkatsOk, useCliCluster } from './support.js';

describe('kafkats configs', function () {
  this.timeout(60_000);
  const cluster = useCliCluster();
  const bs = (): string => bootstrapOf(cluster());

  async function topicOverrides(topic: string): Promise<Record<string, string | null>> {
    const r = await request(cluster().bootstrapServers[1]!, 32, 1, { resources: [{ resourceType: 2, resourceName: topic, configurationKeys: null }], includeSynonyms: false });
    return Object.fromEntries(r.results[0]!.configs.filter((c) => c.configSource === 1).map((c) => [c.name, c.value]));
  }

  before(async function () {
    this.timeout(60_000);
    await kafkatsOk(['topics', '--bootstrap-server', bs(), '--create', '--topic', 'cli-configs', '--partitions', '1', '--replication-factor', '1']);
  });

  it('sets topic configs with --add-config, list values in brackets included', async () => {
    const r = await kafkatsOk(['configs', '--bootstrap-server', bs(), '--entity-type', 'topics', '--entity-name', 'cli-configs', '--alter', '--add-config', 'retention.ms=60000,cleanup.policy=[compact,delete]']);
    expect(r.stdout).to.equal('Completed updating config for topic cli-configs.\n');
    expect(await topicOverrides('cli-configs')).to.deep.equal({ 'retention.ms': '60000', 'cleanup.policy': 'compact,delete' });
  });

  it('describes the dynamic topic configs with their synonyms', async () => {
    const r = await kafkatsOk(['configs', '--bootstrap-server', bs(), '--entity-type', 'topics', '--entity-name', 'cli-configs', '--describe']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).to.equal('Dynamic configs for topic cli-configs are:');
    expect(lines).to.include('  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}');
    expect(lines.some((l) => l.startsWith('  retention.ms=60000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=60000'))).to.equal(true);
  });

  it('removes a topic config with --delete-config', async () => {
    await kafkatsOk(['configs', '--bootstrap-server', bs(), '--topic', 'cli-configs', '--alter', '--delete-config', 'retention.ms']);
    expect(await topicOverrides('cli-configs')).to.deep.equal({ 'cleanup.policy': 'compact,delete' });
  });

  it('describes all configs of a broker with --all, from that broker', async () => {
    const r = await kafkatsOk(['configs', '--bootstrap-server', bs(), '--entity-type', 'brokers', '--entity-name', '2', '--describe', '--all']);
    const lines = r.stdout.split('\n');
    expect(lines[0]).to.equal('All configs for broker 2 are:');
    // Kafka lists every source a key has, by precedence, the default included.
    expect(lines).to.include('  broker.id=2 sensitive=false synonyms={STATIC_BROKER_CONFIG:broker.id=2, DEFAULT_CONFIG:broker.id=-1}');
    expect(lines.some((l) => l.startsWith('  group.initial.rebalance.delay.ms=0 '))).to.equal(true);
  });

  it('refuses a broker key that cannot change dynamically, and an invalid topic value, with the broker\'s reason', async () => {
    const broker = await kafkats(['configs', '--bootstrap-server', bs(), '--entity-type', 'brokers', '--entity-name', '0', '--alter', '--add-config', 'num.partitions=2']);
    expect(broker.code).to.equal(1);
    expect(broker.stderr).to.contain('INVALID_REQUEST: Cannot update these configs dynamically: Set(num.partitions)');
    const topic = await kafkats(['configs', '--bootstrap-server', bs(), '--topic', 'cli-configs', '--alter', '--add-config', 'retention.ms=soon']);
    expect(topic.code).to.equal(1);
    expect(topic.stderr).to.contain('INVALID_CONFIG');
    expect(await topicOverrides('cli-configs')).to.deep.equal({ 'cleanup.policy': 'compact,delete' });
  });

  it('sets, describes and removes a cluster-wide broker default with --entity-default', async () => {
    const set = await kafkatsOk(['configs', '--bootstrap-server', bs(), '--entity-type', 'brokers', '--entity-default', '--alter', '--add-config', 'log.retention.ms=604800000']);
    expect(set.stdout).to.equal('Completed updating default config for brokers in the cluster.\n');
    await eventually(async () => {
      const d = await kafkatsOk(['configs', '--bootstrap-server', bs(), '--entity-type', 'brokers', '--entity-default', '--describe']);
      return d.stdout === 'Default configs for brokers in the cluster are:\n'
        + '  log.retention.ms=604800000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=604800000}\n';
    }, 20_000, 'the default described');
    await kafkatsOk(['configs', '--bootstrap-server', bs(), '--entity-type', 'brokers', '--entity-default', '--alter', '--delete-config', 'log.retention.ms']);
    await eventually(async () => (await kafkatsOk(['configs', '--bootstrap-server', bs(), '--entity-type', 'brokers', '--entity-default', '--describe'])).stdout
      === 'Default configs for brokers in the cluster are:\n', 20_000, 'the default removed');
  });

  it('lists a broker\'s loggers and changes one\'s level at runtime with --entity-type broker-loggers; an unknown logger is refused', async () => {
    const loggers = async (): Promise<string[]> => (await kafkatsOk(['configs', '--bootstrap-server', bs(), '--entity-type', 'broker-loggers', '--entity-name', '1', '--describe'])).stdout.trimEnd().split('\n');
    const before = await loggers();
    expect(before[0]).to.equal('Dynamic configs for broker-logger 1 are:');
    const root = before.find((l) => l.startsWith('  root='))!;
    expect(root).to.match(/^ {2}root=(INFO|WARN|ERROR|DEBUG|TRACE|FATAL|OFF) sensitive=false synonyms=\{\}$/);
    const rootLevel = root.slice('  root='.length).split(' ')[0];
    expect(before).to.include(`  kafka.controller.KafkaController=${rootLevel} sensitive=false synonyms={}`);
    const set = await kafkatsOk(['configs', '--bootstrap-server', bs(), '--entity-type', 'broker-loggers', '--entity-name', '1', '--alter', '--add-config', 'kafka.controller.KafkaController=TRACE']);
    expect(set.stdout).to.equal('Completed updating config for broker-logger 1.\n');
    expect(await loggers()).to.include('  kafka.controller.KafkaController=TRACE sensitive=false synonyms={}');
    await kafkatsOk(['configs', '--bootstrap-server', bs(), '--entity-type', 'broker-loggers', '--entity-name', '1', '--alter', '--delete-config', 'kafka.controller.KafkaController']);
    expect(await loggers()).to.include(`  kafka.controller.KafkaController=${rootLevel} sensitive=false synonyms={}`);
    const bad = await kafkats(['configs', '--bootstrap-server', bs(), '--entity-type', 'broker-loggers', '--entity-name', '1', '--alter', '--add-config', 'no.such.logger=DEBUG']);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain('Invalid broker logger(s): no.such.logger');
  });
});
