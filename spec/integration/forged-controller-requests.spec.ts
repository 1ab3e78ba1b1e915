/**
 * Controller-to-broker requests from anyone but the controller, with no ACLs in the way: a
 * LeaderAndIsr, UpdateMetadata or StopReplica whose controller epoch ZooKeeper never issued (a
 * forged 67108864 once wedged a broker's metadata until restart), whose controller id is not
 * ZooKeeper's controller, or whose broker epoch is from the future, is refused and leaves the
 * broker following the real controller.
 */
import { expect } from 'chai';
import { createTopic, request, useCluster, withZk, eventually } from './support.js';
import { Errors } from '../../lib/protocol/errors.js';
import { buildRecordBatch } from '../../lib/record/memory-records-builder.js';

const FORGED_EPOCH = 67108864;

describe('forged controller requests', function () {
  this.timeout(120_000);
  const cluster = useCluster({ brokers: 2 });

  async function roles(): Promise<{ controllerId: number; epoch: number; target: string; targetId: number }> {
    const meta = await cluster().waitUntilReady(30_000);
    const target = cluster().brokers.find((b) => b.brokerId !== meta.controllerId)!;
    const epoch = await withZk(cluster(), async (zk) => (await zk.getControllerEpoch())!.epoch);
    return { controllerId: meta.controllerId, epoch, target: target.bootstrap, targetId: target.brokerId };
  }

  async function stillFollowsTheController(topic: string, targetId: number, target: string): Promise<void> {
    await createTopic(cluster(), topic, 2, 2);
    // Produce to a partition the target leads, then read it back there.
    const meta = await request(target, 3, 9, { topics: [{ name: topic, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false });
    expect(meta.brokers.map((b) => b.nodeId).sort()).to.deep.equal([0, 1]);
    const led = meta.topics[0]!.partitions.find((p) => p.leaderId === targetId);
    expect(led, 'a partition led by the target broker').to.not.equal(undefined);
    const produced = await request(target, 0, 9, { acks: -1, timeoutMs: 10_000, transactionalId: null, topicData: [{ name: topic, partitionData: [{ index: led!.partitionIndex, records: buildRecordBatch([{ value: Buffer.from('after') }]) }] }] });
    expect(produced.responses[0]!.partitionResponses[0]!.errorCode).to.equal(0);
  }

  it('refuses LeaderAndIsr, UpdateMetadata and StopReplica with a controller epoch ZooKeeper never issued, and keeps following the controller', async () => {
    const { controllerId, targetId, target } = await roles();
    const forged = { controllerId, controllerEpoch: FORGED_EPOCH, brokerEpoch: -1n };
    const lai = await request(target, 4, 7, { ...forged, type: 0, topicStates: [], liveLeaders: [] });
    expect(lai.errorCode).to.equal(Errors.STALE_CONTROLLER_EPOCH.code);
    const um = await request(target, 6, 8, { ...forged, type: 0, topicStates: [], liveBrokers: [] });
    expect(um.errorCode).to.equal(Errors.STALE_CONTROLLER_EPOCH.code);
    const sr = await request(target, 5, 4, { ...forged, deletePartitions: false, topicStates: [] });
    expect(sr.errorCode).to.equal(Errors.STALE_CONTROLLER_EPOCH.code);
    await stillFollowsTheController('after-forged-epoch', targetId, target);
  });

  it('refuses requests in the current epoch from a broker that is not ZooKeeper\'s controller', async () => {
    const { epoch, targetId, target } = await roles();
    const um = await request(target, 6, 8, { controllerId: targetId, controllerEpoch: epoch, brokerEpoch: -1n, type: 0, topicStates: [], liveBrokers: [] });
    expect(um.errorCode).to.equal(Errors.STALE_CONTROLLER_EPOCH.code);
    await stillFollowsTheController('after-forged-controller', targetId, target);
  });

  it('refuses a broker epoch newer than the broker\'s registration in ZooKeeper', async () => {
    const { controllerId, epoch, target } = await roles();
    const um = await request(target, 6, 8, { controllerId, controllerEpoch: epoch, brokerEpoch: 1n << 50n, type: 0, topicStates: [], liveBrokers: [] });
    expect(um.errorCode).to.equal(Errors.STALE_BROKER_EPOCH.code);
    const meta = await eventually(async () => request(target, 3, 9, { topics: null, allowAutoTopicCreation: false }));
    expect(meta.brokers).to.have.length(2);
  });
});
