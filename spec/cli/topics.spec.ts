/**
 * `kafkats topics` against a real 3-broker cluster: every action's effect is checked in the
 * brokers' Metadata (or ZooKeeper), not only in the tool's output.
 */
import { expect } from 'chai';
import { eventually, request } from '../integration/support.js';
import { bootstrapOf, kafkats, kafkatsOk, useCliCluster } from './support.js';

async function topicMetadata(bootstrap: string, topic: string): Promise<{ errorCode: number; partitions: Array<{ partitionIndex: number; leaderId: number; replicaNodes: number[] }> }> {
  const m = await request(bootstrap, 3, 9, { topics: [{ name: topic }], allowAutoTopicCreation: false });
  return m.topics[0]!;
}

describe('kafkats topics', function () {
  this.timeout(60_000);
  const cluster = useCliCluster();
  const bs = (): string => bootstrapOf(cluster());
  const first = (): string => cluster().bootstrapServers[0]!;

  it('creates a topic with the asked partitions, replication factor and config', async () => {
    const r = await kafkatsOk(['topics', '--bootstrap-server', bs(), '--create', '--topic', 'cli-orders', '--partitions', '3', '--replication-factor', '2', '--config', 'retention.ms=3600000']);
    expect(r.stdout).to.equal('Created topic cli-orders.\n');
    const t = await eventually(async () => {
      const m = await topicMetadata(first(), 'cli-orders');
      return m.errorCode === 0 && m.partitions.every((p) => p.leaderId >= 0) ? m : undefined;
    }, 20_000, 'cli-orders leaders');
    expect(t.partitions).to.have.length(3);
    for (const p of t.partitions) expect(p.replicaNodes).to.have.length(2);
    const configs = await request(first(), 32, 1, { resources: [{ resourceType: 2, resourceName: 'cli-orders', configurationKeys: ['retention.ms'] }], includeSynonyms: false });
    expect(configs.results[0]!.configs[0]!.value).to.equal('3600000');
  });

  it('refuses to create an existing topic with Kafka\'s message and exit status 1, unless --if-not-exists', async () => {
    const r = await kafkats(['topics', '--bootstrap-server', bs(), '--create', '--topic', 'cli-orders', '--partitions', '1']);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain("Error while executing topic command : TOPIC_ALREADY_EXISTS: Topic 'cli-orders' already exists.");
    expect(r.stderr).not.to.match(/\n\s+at /);
    const again = await kafkats(['topics', '--bootstrap-server', bs(), '--create', '--topic', 'cli-orders', '--partitions', '1', '--if-not-exists']);
    expect(again.code).to.equal(0);
  });

  it('creates a topic with an explicit --replica-assignment', async () => {
    await kafkatsOk(['topics', '--bootstrap-server', bs(), '--create', '--topic', 'cli-assigned', '--replica-assignment', '2:0,0:1']);
    const t = await eventually(async () => {
      const m = await topicMetadata(first(), 'cli-assigned');
      return m.errorCode === 0 && m.partitions.length === 2 ? m : undefined;
    }, 20_000, 'cli-assigned metadata');
    const byIndex = new Map(t.partitions.map((p) => [p.partitionIndex, p.replicaNodes]));
    expect(byIndex.get(0)).to.deep.equal([2, 0]);
    expect(byIndex.get(1)).to.deep.equal([0, 1]);
  });

  it('lists topics, one per line and sorted', async () => {
    const r = await kafkatsOk(['topics', '--bootstrap-server', bs(), '--list', '--exclude-internal']);
    const names = r.stdout.trim().split('\n');
    expect(names).to.include.members(['cli-assigned', 'cli-orders']);
    expect(names).to.deep.equal([...names].sort());
    expect(names.some((n) => n.startsWith('__'))).to.equal(false);
  });

  it('describes a topic in Kafka\'s format with its topic id, leaders, replicas, ISR and overrides', async () => {
    const r = await kafkatsOk(['topics', '--bootstrap-server', bs(), '--describe', '--topic', 'cli-assigned']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).to.match(/^Topic: cli-assigned\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 2\tReplicationFactor: 2\tConfigs: /);
    expect(lines[1]).to.match(/^\tTopic: cli-assigned\tPartition: 0\tLeader: [02]\tReplicas: 2,0\tIsr: [0-9,]+$/);
    expect(lines[2]).to.match(/^\tTopic: cli-assigned\tPartition: 1\tLeader: [01]\tReplicas: 0,1\tIsr: [0-9,]+$/);
    const orders = await kafkatsOk(['topics', '--bootstrap-server', bs(), '--describe', '--topic', 'cli-orders']);
    expect(orders.stdout.split('\n')[0]).to.contain('Configs: retention.ms=3600000');
  });

  it('describes straight from ZooKeeper with --zookeeper, matching the broker view', async () => {
    const viaBroker = await kafkatsOk(['topics', '--bootstrap-server', bs(), '--describe', '--topic', 'cli-assigned']);
    const viaZk = await kafkatsOk(['topics', '--zookeeper', cluster().zookeeperConnect, '--describe', '--topic', 'cli-assigned']);
    expect(viaZk.stdout).to.equal(viaBroker.stdout);
    const list = await kafkatsOk(['topics', '--zookeeper', cluster().zookeeperConnect, '--list']);
    expect(list.stdout.split('\n')).to.include('cli-orders');
    const refused = await kafkats(['topics', '--zookeeper', cluster().zookeeperConnect, '--delete', '--topic', 'cli-orders']);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('--zookeeper supports only --list and --describe');
  });

  it('adds partitions with --alter --partitions', async () => {
    await kafkatsOk(['topics', '--bootstrap-server', bs(), '--alter', '--topic', 'cli-orders', '--partitions', '5']);
    await eventually(async () => (await topicMetadata(first(), 'cli-orders')).partitions.length === 5, 20_000, '5 partitions');
    const shrink = await kafkats(['topics', '--bootstrap-server', bs(), '--alter', '--topic', 'cli-orders', '--partitions', '2']);
    expect(shrink.code).to.equal(1);
    expect(shrink.stderr).to.contain('INVALID_PARTITIONS');
  });

  it('deletes a topic, and says so when a described topic does not exist', async () => {
    await kafkatsOk(['topics', '--bootstrap-server', bs(), '--create', '--topic', 'cli-doomed', '--partitions', '1', '--replication-factor', '1']);
    await kafkatsOk(['topics', '--bootstrap-server', bs(), '--delete', '--topic', 'cli-doomed']);
    await eventually(async () => (await topicMetadata(first(), 'cli-doomed')).errorCode === 3, 20_000, 'cli-doomed gone');
    const r = await kafkats(['topics', '--bootstrap-server', bs(), '--describe', '--topic', 'cli-doomed']);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain("Topic 'cli-doomed' does not exist as expected");
  });

  it('rejects bad usage with a one-line message and exit status 1', async () => {
    const none = await kafkats(['topics', '--bootstrap-server', bs()]);
    expect(none.code).to.equal(1);
    expect(none.stderr.trim()).to.equal('kafkats topics: exactly one of --create, --list, --describe, --alter or --delete is required (see --help)');
    const unreachable = await kafkats(['topics', '--bootstrap-server', 'localhost:1', '--list']);
    expect(unreachable.code).to.equal(1);
    expect(unreachable.stderr).to.contain('cannot reach any bootstrap server');
    expect(unreachable.stderr).not.to.match(/\n\s+at /);
  });
});
