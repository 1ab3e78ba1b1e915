/**
 * The znodes a broker and its controller write are Kafka's, field for field
 * (../shared/kafka-protocol/ZOOKEEPER.md), and a broker killed with -9 loses its registration
 * after the session timeout, then re-registers and recovers its log when restarted.
 */
import { expect } from 'chai';
import { createTopic, eventually, kcat, useCluster, withZk } from './support.js';

async function json(zkc: { zooKeeperClient: { getData(p: string): Promise<{ data: Buffer | null }> } }, path: string): Promise<Record<string, unknown>> {
  const { data } = await zkc.zooKeeperClient.getData(path);
  return JSON.parse((data ?? Buffer.alloc(0)).toString()) as Record<string, unknown>;
}

describe('ZooKeeper layout and broker registration', function () {
  this.timeout(120_000);
  const cluster = useCluster({ brokers: 1, overrides: { 'zookeeper.session.timeout.ms': 4000 } });

  it('writes Kafka\'s znodes and JSON for the cluster, broker, controller and a new topic', async () => {
    await createTopic(cluster(), 'zk-layout', 2, 1, { 'retention.ms': '3600000' });
    await withZk(cluster(), async (zk) => {
      const clusterId = await json(zk, '/cluster/id');
      expect(clusterId).to.have.all.keys('version', 'id');
      expect(clusterId.version).to.equal('1');
      expect(clusterId.id).to.match(/^[A-Za-z0-9_-]{22}$/);

      const broker = await json(zk, '/brokers/ids/0');
      expect(broker).to.have.all.keys('listener_security_protocol_map', 'endpoints', 'jmx_port', 'features', 'host', 'port', 'timestamp', 'version');
      expect(broker.version).to.equal(5);
      expect(broker.endpoints).to.deep.equal([`PLAINTEXT://localhost:${cluster().brokers[0]!.port}`]);
      expect(broker.listener_security_protocol_map).to.deep.equal({ PLAINTEXT: 'PLAINTEXT' });
      expect(broker.host).to.equal('localhost');
      expect(broker.port).to.equal(cluster().brokers[0]!.port);
      expect(broker.jmx_port).to.equal(-1);
      expect(broker.features).to.deep.equal({});
      expect(broker.timestamp).to.be.a('string');

      const controller = await json(zk, '/controller');
      expect(controller).to.have.all.keys('version', 'brokerid', 'timestamp', 'kraftControllerEpoch');
      expect(controller).to.include({ version: 2, brokerid: 0, kraftControllerEpoch: -1 });
      const { data: epoch } = await zk.zooKeeperClient.getData('/controller_epoch');
      expect(epoch!.toString()).to.match(/^\d+$/);
      expect(Number(epoch!.toString())).to.be.at.least(1);

      const topic = await json(zk, '/brokers/topics/zk-layout');
      expect(topic).to.have.all.keys('version', 'topic_id', 'partitions', 'adding_replicas', 'removing_replicas');
      expect(topic.version).to.equal(3);
      expect(topic.partitions).to.deep.equal({ 0: [0], 1: [0] });
      expect(topic.adding_replicas).to.deep.equal({});
      expect(topic.removing_replicas).to.deep.equal({});
      expect(topic.topic_id).to.match(/^[A-Za-z0-9_-]{22}$/);

      const state = await json(zk, '/brokers/topics/zk-layout/partitions/0/state');
      expect(state).to.have.all.keys('controller_epoch', 'leader', 'version', 'leader_epoch', 'isr');
      expect(state).to.include({ leader: 0, version: 1, leader_epoch: 0 });
      expect(state.isr).to.deep.equal([0]);
      expect(state.controller_epoch).to.equal(Number(epoch!.toString()));

      const config = await json(zk, '/config/topics/zk-layout');
      expect(config).to.deep.equal({ version: 1, config: { 'retention.ms': '3600000' } });
      for (const p of ['/consumers', '/brokers/seqid', '/config/changes', '/admin/delete_topics', '/isr_change_notification', '/latest_producer_id_block', '/log_dir_event_notification', '/config/clients', '/config/users', '/config/brokers', '/config/ips']) {
        expect(await zk.pathExists(p), p).to.equal(true);
      }
    });
  });

  it('drops a broker killed with -9 from /brokers/ids after the session timeout; a restart re-registers and recovers the log', async () => {
    const b = cluster().brokers[0]!;
    const input = Array.from({ length: 1000 }, (_, i) => `v${i}`).join('\n') + '\n';
    const p = await kcat(['-b', b.bootstrap, '-P', '-t', 'zk-layout', '-p', '1', '-X', 'acks=all'], input);
    expect(p.code, p.stderr).to.equal(0);
    const epochBefore = await withZk(cluster(), async (zk) => (await zk.getBrokerAndEpoch(0))!.epoch);
    await b.kill9();
    await withZk(cluster(), async (zk) => {
      await eventually(async () => (await zk.getBroker(0)) === null, 15_000, '/brokers/ids/0 to disappear');
    });
    await b.start();
    await cluster().waitUntilReady(30_000, 1);
    const epochAfter = await withZk(cluster(), async (zk) => (await zk.getBrokerAndEpoch(0))!.epoch);
    expect(epochAfter > epochBefore, 'a new broker epoch (czxid)').to.equal(true);
    const c = await eventually(async () => {
      const r = await kcat(['-b', b.bootstrap, '-C', '-t', 'zk-layout', '-p', '1', '-o', 'beginning', '-e', '-q']);
      return r.stdout.toString() === input ? r : undefined;
    }, 30_000, 'the recovered records');
    expect(c.stdout.toString()).to.equal(input);
  });
});
