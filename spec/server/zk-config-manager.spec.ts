import { expect } from 'chai';
import { pino } from 'pino';
import { setRootLogger } from '../../lib/utils/logger.js';
import { sharedZooKeeper, uniqueChroot } from '../../lib/testing/zookeeper-runner.js';
import { KafkaZkClient } from '../../lib/zk/kafka-zk-client.js';
import { ZkConfigManager } from '../../lib/server/zk-config-manager.js';
import { AdminZkClient } from '../../lib/server/admin/admin-zk-client.js';
import type { Time } from '../../lib/common/time.js';
import { SYSTEM_TIME } from '../../lib/common/time.js';

if (process.env.KAFKATS_LOG_LEVEL === undefined) setRootLogger(pino({ level: 'silent' }));

async function until(cond: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('ZkConfigManager (real ZooKeeper)', function () {
  this.timeout(20000);
  let connect: string;
  let writer: KafkaZkClient;
  let admin: AdminZkClient;
  const clients: KafkaZkClient[] = [];
  const managers: ZkConfigManager[] = [];

  async function client(): Promise<KafkaZkClient> {
    const c = await KafkaZkClient.create({ connectString: connect, sessionTimeoutMs: 6000 });
    clients.push(c);
    return c;
  }

  async function broker(options: ConstructorParameters<typeof ZkConfigManager>[2] = {}) {
    const seen: Array<[string, Record<string, string>]> = [];
    const m = new ZkConfigManager(await client(), (topic, overrides) => {
      seen.push([topic, overrides]);
    }, options);
    managers.push(m);
    return { m, seen };
  }

  beforeEach(async () => {
    const server = await sharedZooKeeper();
    connect = `${server.connectString}${uniqueChroot()}`;
    writer = await client();
    await writer.createTopLevelPaths();
    admin = new AdminZkClient(writer);
  });
  afterEach(async () => {
    for (const m of managers.splice(0)) await m.shutdown();
    for (const c of clients.splice(0)) await c.close();
  });

  it('hands a topic\'s new overrides to the callback after a config change notification', async () => {
    const { m, seen } = await broker();
    await m.startup();
    expect(seen).to.deep.equal([]);
    await admin.changeTopicConfig('orders', { 'retention.ms': '1000' });
    await until(() => seen.length === 1);
    expect(seen[0]).to.deep.equal(['orders', { 'retention.ms': '1000' }]);
    await admin.changeTopicConfig('orders', {});
    await until(() => seen.length === 2);
    expect(seen[1]).to.deep.equal(['orders', {}]);
    expect(m.lastProcessedChange).to.equal(1);
  });

  it('at start-up processes pending notifications and applies every stored topic config once', async () => {
    await writer.setOrCreateEntityConfigs('topics', 'quiet', { 'segment.ms': '60000' });
    await admin.changeTopicConfig('loud', { 'cleanup.policy': 'compact' });
    const { m, seen } = await broker();
    await m.startup();
    expect(seen.filter(([t]) => t === 'loud')).to.have.length(2); // the notification, then the bootstrap
    expect(seen).to.deep.include(['quiet', { 'segment.ms': '60000' }]);
    expect(m.lastProcessedChange).to.equal(0);
  });

  it('skips notifications it cannot read and keeps going; other entity types reach their handler', async () => {
    const brokers: string[] = [];
    const { m, seen } = await broker({ entityHandlers: { brokers: (name) => void brokers.push(name) } });
    await m.startup();
    await writer.createSequentialPersistentPath('/config/changes/config_change_', Buffer.from('not json'));
    await admin.changeEntityConfig('brokers', '<default>', {});
    await admin.changeTopicConfig('after-garbage', { 'retention.ms': '5' });
    await until(() => seen.length === 1);
    expect(seen[0]?.[0]).to.equal('after-garbage');
    expect(brokers).to.deep.equal(['<default>']);
    expect(m.lastProcessedChange).to.equal(2);
  });

  it('deletes notifications older than the expiration time', async () => {
    const later: Time = { ...SYSTEM_TIME, milliseconds: () => Date.now() + 60_000 } as Time;
    await admin.changeTopicConfig('old', { 'retention.ms': '1' });
    const { m, seen } = await broker({ changeExpirationMs: 30_000, time: later });
    await m.startup();
    expect(seen.length).to.be.greaterThan(0);
    expect(await writer.zooKeeperClient.getChildren('/config/changes')).to.deep.equal([]);
  });

  it('keeps recent notifications', async () => {
    await admin.changeTopicConfig('fresh', { 'retention.ms': '1' });
    const { m } = await broker();
    await m.startup();
    expect(await writer.zooKeeperClient.getChildren('/config/changes')).to.have.length(1);
  });
});
