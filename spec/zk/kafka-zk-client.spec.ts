import { expect } from 'chai';
import { pino } from 'pino';
import { setRootLogger } from '../../lib/utils/logger.js';
import { startTcpProxy } from '../../lib/testing/tcp-proxy.js';
import { sharedZooKeeper, uniqueChroot, type RunningZooKeeper } from '../../lib/testing/zookeeper-runner.js';
import { ControllerMovedError, NodeExistsError } from '../../lib/zk/keeper-errors.js';
import { KafkaZkClient } from '../../lib/zk/kafka-zk-client.js';
import { BrokerIdZNode, type BrokerInfo } from '../../lib/zk/broker-znodes.js';
import { ConfigType } from '../../lib/zk/config-znodes.js';
import { ControllerEpochZNode } from '../../lib/zk/controller-znodes.js';
import { PersistentZkPaths } from '../../lib/zk/zk-data.js';
import { ProducerIdBlockZNode } from '../../lib/zk/producer-id-znodes.js';
import { TopicPartitionStateZNode, TopicZNode, type LeaderAndIsr } from '../../lib/zk/topic-znodes.js';
import { randomUuid } from '../../lib/zk/znode-json.js';
import type { TopicPartition } from '../../lib/common/topic-partition.js';

if (process.env.KAFKATS_LOG_LEVEL === undefined) setRootLogger(pino({ level: 'silent' }));

const brokerInfo = (id: number): BrokerInfo => ({
  id,
  endpoints: [{ listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: 'localhost', port: 9090 + id }],
});

describe('KafkaZkClient (real ZooKeeper)', function () {
  this.timeout(20000);
  let server: RunningZooKeeper;
  let connect: string;
  let chroot: string;
  const clients: KafkaZkClient[] = [];

  async function client(): Promise<KafkaZkClient> {
    const c = await KafkaZkClient.create({ connectString: connect, sessionTimeoutMs: 6000 });
    clients.push(c);
    return c;
  }

  before(async () => {
    server = await sharedZooKeeper();
    chroot = uniqueChroot();
    connect = `${server.connectString}${chroot}`;
    await (await client()).createTopLevelPaths();
  });
  after(async () => {
    for (const c of clients) await c.close();
  });

  it('creates the persistent top-level paths and one cluster id that later brokers read', async () => {
    const zk = clients[0] as KafkaZkClient;
    for (const p of PersistentZkPaths) expect(await zk.pathExists(p), p).to.equal(true);
    const id = await zk.createOrGetClusterId('mWg2BMuGSvSPxLqRLd_Ulg');
    expect(id).to.equal('mWg2BMuGSvSPxLqRLd_Ulg');
    expect(await (await client()).createOrGetClusterId('other')).to.equal(id);
    const raw = JSON.parse((await zk.getDataAndVersion('/cluster/id')).data?.toString() ?? '') as unknown;
    expect(raw).to.deep.equal({ version: '1', id });
  });

  it('generates broker sequence ids from the zkVersion of /brokers/seqid', async () => {
    const zk = clients[0] as KafkaZkClient;
    const a = await zk.generateBrokerSequenceId();
    expect(await zk.generateBrokerSequenceId()).to.equal(a + 1);
  });

  it('registers a broker as an ephemeral znode and returns its czxid as the broker epoch', async () => {
    const b = await client();
    const epoch = await b.registerBroker(brokerInfo(1));
    const { stat, data } = await b.getDataAndStat(BrokerIdZNode.path(1));
    expect(stat?.czxid).to.equal(epoch);
    expect(stat?.ephemeralOwner).to.equal(b.zooKeeperClient.sessionId);
    expect(JSON.parse(data?.toString() ?? '')).to.include({ version: 5, host: 'localhost', port: 9091 });
    const all = await (clients[0] as KafkaZkClient).getAllBrokerAndEpochsInCluster();
    expect(all.get(1)?.epoch).to.equal(epoch);
    expect(all.get(1)?.broker.endpoints[0]?.port).to.equal(9091);
    // re-registering from the same session replaces the znode (new epoch)
    const epoch2 = await b.registerBroker(brokerInfo(1));
    expect(epoch2 > epoch).to.equal(true);
    // another session cannot take the id
    const other = await client();
    try {
      await other.registerBroker(brokerInfo(1));
      expect.fail('registered twice');
    } catch (err) {
      expect(err).to.be.instanceOf(NodeExistsError);
    }
    // closing the session removes the registration
    await b.close();
    expect(await other.getBroker(1)).to.equal(null);
    expect(await other.getSortedBrokerList()).to.not.include(1);
  });

  it('elects exactly one controller when two brokers race; the loser gets ControllerMovedError', async () => {
    const [a, b] = [await client(), await client()];
    const before = (await a.getControllerEpoch())?.epoch ?? 0;
    const results = await Promise.allSettled([a.registerControllerAndIncrementControllerEpoch(1), b.registerControllerAndIncrementControllerEpoch(2)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).to.have.length(1);
    expect(lost).to.have.length(1);
    expect((lost[0] as PromiseRejectedResult).reason).to.be.instanceOf(ControllerMovedError);
    const { epoch, epochZkVersion } = (won[0] as PromiseFulfilledResult<{ epoch: number; epochZkVersion: number }>).value;
    expect(epoch).to.equal(before + 1);
    const stored = await a.getControllerEpoch();
    expect(stored).to.deep.equal({ epoch, zkVersion: epochZkVersion });
    const winnerId = results[0]?.status === 'fulfilled' ? 1 : 2;
    expect(await a.getControllerId()).to.equal(winnerId);
    expect(ControllerEpochZNode.decode((await a.getDataAndVersion('/controller_epoch')).data)).to.equal(epoch);

    // the winner resigns (fenced delete), the other wins the next election with epoch + 1
    const winner = winnerId === 1 ? a : b;
    const loser = winnerId === 1 ? b : a;
    await winner.deleteController(epochZkVersion);
    const next = await loser.registerControllerAndIncrementControllerEpoch(winnerId === 1 ? 2 : 1);
    expect(next.epoch).to.equal(epoch + 1);

    // the old controller's fenced writes now fail
    try {
      await winner.setTopicAssignment('fenced', null, new Map([[0, [1]]]), epochZkVersion);
      expect.fail('fenced write succeeded');
    } catch (err) {
      expect(err).to.be.instanceOf(ControllerMovedError);
    }
    try {
      await winner.deleteController(epochZkVersion);
      expect.fail('fenced delete succeeded');
    } catch (err) {
      expect(err).to.be.instanceOf(ControllerMovedError);
    }
    expect(await loser.getControllerId()).to.equal(winnerId === 1 ? 2 : 1);
    await loser.deleteController(next.epochZkVersion);
  });

  it('writes topic assignments and partition states, and updateLeaderAndIsr fails only the partition with a stale zkVersion', async () => {
    const zk = await client();
    const { epochZkVersion, epoch } = await zk.registerControllerAndIncrementControllerEpoch(1);
    const topicId = randomUuid();
    await zk.createTopicAssignment('orders', topicId, new Map([[0, [1, 2]], [1, [2, 1]]]));
    try {
      await zk.createTopicAssignment('orders', topicId, new Map([[0, [1]]]));
      expect.fail('created twice');
    } catch (err) {
      expect(err).to.be.instanceOf(NodeExistsError);
    }
    expect(await zk.getAllTopicsInCluster()).to.include('orders');
    const [assign] = await zk.getReplicaAssignmentAndTopicIdForTopics(['orders', 'missing']);
    expect(assign?.topicId).to.equal(topicId);
    expect((await zk.getReplicaAssignmentForTopics(['orders'])).get('orders')?.get(1)).to.deep.equal([2, 1]);
    expect(await zk.getTopicPartitionCount('orders')).to.equal(2);

    const p0: TopicPartition = { topic: 'orders', partition: 0 };
    const p1: TopicPartition = { topic: 'orders', partition: 1 };
    const init = (leader: number, isr: number[]): LeaderAndIsr => ({ leader, leaderEpoch: 0, isr, leaderRecoveryState: 0, partitionEpoch: 0 });
    const created = await zk.createTopicPartitionStatesRaw(
      new Map([
        [p0, { leaderAndIsr: init(1, [1, 2]), controllerEpoch: epoch }],
        [p1, { leaderAndIsr: init(2, [2, 1]), controllerEpoch: epoch }],
      ]),
      epochZkVersion,
    );
    expect([...created.values()]).to.deep.equal([null, null]);
    const states = await zk.getTopicPartitionStates([p0, p1]);
    expect(states.get(p0)?.leaderAndIsr).to.deep.equal(init(1, [1, 2]));
    expect(JSON.parse((await zk.getDataAndVersion(TopicPartitionStateZNode.path(p0))).data?.toString() ?? '')).to.deep.equal({
      controller_epoch: epoch, leader: 1, version: 1, leader_epoch: 0, isr: [1, 2],
    });

    // p1 gets changed behind our back (zkVersion 1), so our cached zkVersion 0 is stale for p1 only
    await zk.zooKeeperClient.setData(TopicPartitionStateZNode.path(p1), TopicPartitionStateZNode.encode({ leaderAndIsr: init(2, [2]), controllerEpoch: epoch }));
    const result = await zk.updateLeaderAndIsr(
      new Map([
        [p0, { ...init(2, [2]), leaderEpoch: 1 }],
        [p1, { ...init(1, [1]), leaderEpoch: 1 }],
      ]),
      epoch,
      epochZkVersion,
    );
    expect(result.partitionsToRetry).to.deep.equal([p1]);
    const done = result.finishedPartitions.get(p0) as LeaderAndIsr;
    expect(done.partitionEpoch).to.equal(1);
    expect(done.leader).to.equal(2);
    expect((await zk.getTopicPartitionState(p1))?.leaderAndIsr.isr).to.deep.equal([2]);

    // topic ids survive a fenced setTopicAssignment
    await zk.setTopicAssignment('orders', topicId, new Map([[0, [1, 2]], [1, [2, 1]], [2, [1, 2]]]), epochZkVersion);
    expect(TopicZNode.decode('orders', (await zk.getDataAndVersion(TopicZNode.path('orders'))).data).assignment.size).to.equal(3);

    // deletion: marker, recursive delete of the topic and its configs, marker removal
    await zk.setOrCreateEntityConfigs(ConfigType.Topic, 'orders', { 'retention.ms': '1000' });
    await zk.createDeleteTopicPath('orders');
    expect(await zk.getTopicDeletions()).to.deep.equal(['orders']);
    await zk.deleteTopicZNode('orders', epochZkVersion);
    await zk.deleteTopicConfigs(['orders'], epochZkVersion);
    await zk.deleteTopicDeletions(['orders'], epochZkVersion);
    expect(await zk.topicExists('orders')).to.equal(false);
    expect(await zk.getEntityConfigs(ConfigType.Topic, 'orders')).to.deep.equal({});
    expect(await zk.getTopicDeletions()).to.deep.equal([]);
    await zk.deleteController(epochZkVersion);
  });

  it('stores entity configs with change notifications', async () => {
    const zk = await client();
    await zk.setOrCreateEntityConfigs(ConfigType.Broker, '<default>', { 'log.retention.ms': '5' });
    await zk.setOrCreateEntityConfigs(ConfigType.Broker, '<default>', { 'log.retention.ms': '6' });
    expect(await zk.getEntityConfigs(ConfigType.Broker, '<default>')).to.deep.equal({ 'log.retention.ms': '6' });
    const path = await zk.createConfigChangeNotification('brokers/<default>');
    expect(path).to.match(/^\/config\/changes\/config_change_\d{10}$/);
    expect(JSON.parse((await zk.getDataAndVersion(path)).data?.toString() ?? '')).to.deep.equal({ version: 2, entity_path: 'brokers/<default>' });
  });

  it('propagates and deletes ISR change and log-dir notifications, with child watches', async () => {
    const zk = await client();
    let fired = 0;
    zk.registerZNodeChildChangeHandler({ path: '/isr_change_notification', handleChildChange: () => fired++ });
    expect(await zk.getAllIsrChangeNotifications()).to.deep.equal([]);
    await zk.propagateIsrChanges([{ topic: 't', partition: 1 }]);
    const t0 = Date.now();
    while (fired === 0 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
    expect(fired).to.equal(1);
    const seqs = await zk.getAllIsrChangeNotifications();
    expect(seqs).to.have.length(1);
    expect(await zk.getPartitionsFromIsrChangeNotifications(seqs)).to.deep.equal([{ topic: 't', partition: 1 }]);
    await zk.deleteIsrChangeNotifications(-1, seqs);
    expect(await zk.getAllIsrChangeNotifications()).to.deep.equal([]);
    await zk.propagateLogDirEvent(3);
    const ld = await zk.getAllLogDirEventNotifications();
    expect(await zk.getBrokerIdFromLogDirEvents(ld)).to.deep.equal([3]);
    await zk.deleteLogDirEventNotifications(-1);
    expect(await zk.getAllLogDirEventNotifications()).to.deep.equal([]);
  });

  it('allocates producer id blocks with compare-and-set on the zkVersion', async () => {
    const zk = await client();
    const first = await zk.getDataAndVersion(ProducerIdBlockZNode.path);
    expect(first.data).to.equal(null); // created empty by createTopLevelPaths
    const ok = await zk.conditionalUpdatePath(ProducerIdBlockZNode.path, ProducerIdBlockZNode.encode({ assignedBrokerId: 1, firstProducerId: 0n, size: 1000 }), first.zkVersion);
    expect(ok).to.deep.equal({ succeeded: true, newVersion: first.zkVersion + 1 });
    const stale = await zk.conditionalUpdatePath(ProducerIdBlockZNode.path, ProducerIdBlockZNode.encode({ assignedBrokerId: 2, firstProducerId: 1000n, size: 1000 }), first.zkVersion);
    expect(stale.succeeded).to.equal(false);
    expect(ProducerIdBlockZNode.decode((await zk.getDataAndVersion(ProducerIdBlockZNode.path)).data).assignedBrokerId).to.equal(1);
  });

  it('after session expiry re-registers the broker (new epoch) from its state-change handler and keeps watching /controller', async () => {
    const proxy = await startTcpProxy(server.port);
    const zk = await KafkaZkClient.create({ connectString: `127.0.0.1:${proxy.port}${chroot}`, sessionTimeoutMs: 1000 });
    clients.push(zk);
    const observer = await client();
    const firstEpoch = await zk.registerBroker(brokerInfo(7));
    let reRegistered: bigint | null = null;
    const events: string[] = [];
    zk.registerStateChangeHandler({
      name: 'controller-state-change-handler',
      afterInitializingSession: async () => {
        reRegistered = await zk.registerBroker(brokerInfo(7));
      },
    });
    expect(await zk.registerZNodeChangeHandlerAndCheckExistence({ path: '/controller', handleCreation: () => events.push('controller') })).to.equal(false);

    proxy.partition();
    const t0 = Date.now();
    while ((await observer.getBroker(7)) !== null) {
      if (Date.now() - t0 > 8000) expect.fail('registration not removed by session expiry');
      await sleep(100);
    }
    proxy.heal();
    const t1 = Date.now();
    while (reRegistered === null && Date.now() - t1 < 8000) await sleep(20);
    expect(reRegistered).to.not.equal(null);
    const now = await observer.getBrokerAndEpoch(7);
    expect(now?.epoch).to.equal(reRegistered);
    expect((now?.epoch ?? 0n) > firstEpoch).to.equal(true);

    const { epochZkVersion } = await observer.registerControllerAndIncrementControllerEpoch(9);
    const t2 = Date.now();
    while (!events.includes('controller') && Date.now() - t2 < 5000) await sleep(20);
    expect(events).to.deep.equal(['controller']);
    await observer.deleteController(epochZkVersion);
    await zk.close();
    await proxy.close();
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
