/**
 * Dynamic broker configs (KIP-226) on three broker processes and a real ZooKeeper, changed with
 * `kafkats configs` (Kafka's kafka-configs.sh) while the cluster runs: the cluster default of
 * log.retention.ms and a replication throttle reach every broker without a restart (DescribeConfigs
 * on each broker shows the value and its DYNAMIC_* source; each broker's own partition loses its old
 * segments), this broker's own value wins over the default, and a restarted broker loads both again
 * from /config/brokers. A static key is refused with Kafka's message.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { eventually, kcat, request, useCluster } from './support.js';
import { kafkats, kafkatsOk } from '../cli/support.js';
import type { RunningCluster } from '../../lib/testing/cluster.js';
import { ConfigSource } from '../../lib/config/config-def.js';

const BROKER = 4;
const TOPIC = 2;
const TOPIC_NAME = 'retained';

/** DescribeConfigs v4 on broker `id` itself for its own BROKER resource (and the topic). */
async function describeOn(c: RunningCluster, id: number, keys: string[]): Promise<Map<string, { value: string | null; source: number }>> {
  const r = await request(c.broker(id).bootstrap, 32, 4, {
    resources: [
      { resourceType: BROKER, resourceName: String(id), configurationKeys: keys },
      { resourceType: TOPIC, resourceName: TOPIC_NAME, configurationKeys: ['retention.ms'] },
    ],
    includeSynonyms: true,
    includeDocumentation: false,
  });
  const out = new Map<string, { value: string | null; source: number }>();
  for (const res of r.results) {
    expect(res.errorCode, res.errorMessage ?? '').to.equal(0);
    for (const e of res.configs) out.set(res.resourceType === TOPIC ? `topic:${e.name}` : e.name, { value: e.value, source: e.configSource });
  }
  return out;
}

/** The closed (non-active, not yet deleted) segments of partition `p` in broker `id`'s log dir. */
function segmentCount(c: RunningCluster, id: number, p: number): number {
  const dir = path.join(c.broker(id).options.logDir, `${TOPIC_NAME}-${p}`);
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.log')).length : 0;
}

async function fill(c: RunningCluster, partition: number, count: number): Promise<void> {
  const input = Array.from({ length: count }, (_, i) => `${String(i).padStart(6, '0')}-${'r'.repeat(90)}`).join('\n') + '\n';
  const r = await kcat(['-b', c.broker(partition).bootstrap, '-P', '-t', TOPIC_NAME, '-p', String(partition), '-X', 'acks=all', '-X', 'linger.ms=0', '-X', 'batch.num.messages=5'], input, 60_000);
  expect(r.code, r.stderr).to.equal(0);
}

describe('dynamic broker configs on a running cluster', function () {
  this.timeout(240_000);
  const cluster = useCluster({
    brokers: 3,
    overrides: { 'log.retention.check.interval.ms': 500, 'auto.leader.rebalance.enable': false },
  });

  it('applies the cluster default of log.retention.ms and replication throttles on every broker without restart, a broker\'s own value first, and keeps them across a restart', async () => {
    const c = cluster();
    const meta = await c.waitUntilReady(60_000, 3);
    // One single-replica partition per broker: each broker's retention alone decides its segments.
    const created = await request(c.broker(meta.controllerId).bootstrap, 19, 5, {
      topics: [{ name: TOPIC_NAME, numPartitions: -1, replicationFactor: -1, assignments: [0, 1, 2].map((b) => ({ partitionIndex: b, brokerIds: [b] })), configs: [{ name: 'segment.bytes', value: '1024' }] }],
      timeoutMs: 30_000,
      validateOnly: false,
    });
    expect(created.topics[0]!.errorCode).to.equal(0);
    await eventually(async () => {
      const m = await request(c.broker(0).bootstrap, 3, 9, { topics: [{ name: TOPIC_NAME }], allowAutoTopicCreation: false });
      return m.topics[0]!.partitions.length === 3 && m.topics[0]!.partitions.every((p) => p.leaderId === p.partitionIndex);
    }, 30_000, 'partitions online');
    for (const b of [0, 1, 2]) await fill(c, b, 200);
    for (const b of [0, 1, 2]) expect(segmentCount(c, b, b), `segments on broker ${b}`).to.be.greaterThan(5);

    const bs = c.broker(0).bootstrap;
    const refused = await kafkats(['configs', '--bootstrap-server', bs, '--entity-type', 'brokers', '--entity-name', '0', '--alter', '--add-config', 'broker.id=7']);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('Cannot update these configs dynamically: Set(broker.id)');

    await kafkatsOk(['configs', '--bootstrap-server', bs, '--entity-type', 'brokers', '--entity-default', '--alter',
      '--add-config', 'log.retention.ms=1500,follower.replication.throttled.rate=3000000,leader.replication.throttled.rate=2000000']);
    await kafkatsOk(['configs', '--bootstrap-server', bs, '--entity-type', 'brokers', '--entity-name', '1', '--alter', '--add-config', 'leader.replication.throttled.rate=1000000']);

    const keys = ['log.retention.ms', 'leader.replication.throttled.rate', 'follower.replication.throttled.rate'];
    const expectDynamic = async (id: number): Promise<void> => {
      const d = await describeOn(c, id, keys);
      expect(d.get('log.retention.ms'), `broker ${id}`).to.deep.equal({ value: '1500', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
      expect(d.get('topic:retention.ms'), `topic on broker ${id}`).to.deep.equal({ value: '1500', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
      expect(d.get('follower.replication.throttled.rate'), `broker ${id}`).to.deep.equal({ value: '3000000', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
      expect(d.get('leader.replication.throttled.rate'), `broker ${id}`).to.deep.equal(id === 1
        ? { value: '1000000', source: ConfigSource.DYNAMIC_BROKER_CONFIG }
        : { value: '2000000', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
    };
    for (const id of [0, 1, 2]) await eventually(async () => { await expectDynamic(id); return true; }, 20_000, `dynamic configs on broker ${id}`);
    for (const b of [0, 1, 2]) await eventually(async () => segmentCount(c, b, b) <= 1, 30_000, `old segments of ${TOPIC_NAME}-${b} deleted on broker ${b}`);

    await c.restartBroker(1, 60_000);
    await expectDynamic(1);
    await eventually(async () => {
      const m = await request(c.broker(1).bootstrap, 3, 9, { topics: [{ name: TOPIC_NAME }], allowAutoTopicCreation: false });
      return m.topics[0]!.partitions.find((p) => p.partitionIndex === 1)?.leaderId === 1;
    }, 30_000, 'broker 1 leads its partition again');
    await fill(c, 1, 200);
    await eventually(async () => segmentCount(c, 1, 1) <= 1, 30_000, 'retention of the restarted broker follows the dynamic default');
  });

  it('reconfigures the log cleaner with a new log.cleaner.threads on the broker it is set for, within Kafka\'s limits', async () => {
    const c = cluster();
    const bs = c.bootstrapServers.join(',');
    const refused = await kafkats(['configs', '--bootstrap-server', bs, '--entity-type', 'brokers', '--entity-name', '2', '--alter', '--add-config', 'log.cleaner.threads=3']);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('Log cleaner threads cannot be increased to more than double the current value 1');
    await kafkatsOk(['configs', '--bootstrap-server', bs, '--entity-type', 'brokers', '--entity-name', '2', '--alter', '--add-config', 'log.cleaner.threads=2']);
    await eventually(async () => /Log cleaner reconfigured: log.cleaner.threads.*"to":2|"from":1,"to":2.*Log cleaner reconfigured/.test(c.broker(2).recentOutput(400)), 30_000, 'broker 2 reconfigures its cleaner');
    expect(c.broker(0).recentOutput(400)).to.not.match(/Log cleaner reconfigured/);
    // Now 2 is the current value: 4 is allowed (at most double), 5 is not.
    const again = await kafkats(['configs', '--bootstrap-server', bs, '--entity-type', 'brokers', '--entity-name', '2', '--alter', '--add-config', 'log.cleaner.threads=5']);
    expect(again.stderr).to.contain('Log cleaner threads cannot be increased to more than double the current value 2');
    const r = await request(c.broker(2).bootstrap, 32, 4, { resources: [{ resourceType: BROKER, resourceName: '2', configurationKeys: ['log.cleaner.threads'] }], includeSynonyms: false, includeDocumentation: false });
    expect(r.results[0]!.configs.map((e) => [e.value, e.configSource])).to.deep.equal([['2', ConfigSource.DYNAMIC_BROKER_CONFIG]]);
  });
});
