import { expect } from 'chai';
import { pino } from 'pino';
import { setRootLogger } from '../../lib/utils/logger.js';
import { sharedZooKeeper, uniqueChroot } from '../../lib/testing/zookeeper-runner.js';
import { KafkaZkClient } from '../../lib/zk/kafka-zk-client.js';
import { ControllerRequestVerifier } from '../../lib/server/controller-request-verifier.js';
import { Errors } from '../../lib/protocol/errors.js';

if (process.env.KAFKATS_LOG_LEVEL === undefined) setRootLogger(pino({ level: 'silent' }));

const UPDATE_METADATA = 6;
const NONE = Errors.NONE.code;
const STALE_CONTROLLER = Errors.STALE_CONTROLLER_EPOCH.code;
const STALE_BROKER = Errors.STALE_BROKER_EPOCH.code;

describe('ControllerRequestVerifier (real ZooKeeper)', function () {
  this.timeout(20_000);
  let zk: KafkaZkClient;
  let controllerZk: KafkaZkClient;
  let brokerEpoch: bigint;
  let verifier: ControllerRequestVerifier;

  beforeEach(async () => {
    const connect = `${(await sharedZooKeeper()).connectString}${uniqueChroot()}`;
    zk = await KafkaZkClient.create({ connectString: connect, sessionTimeoutMs: 6000 });
    controllerZk = await KafkaZkClient.create({ connectString: connect, sessionTimeoutMs: 6000 });
    await zk.createTopLevelPaths();
    brokerEpoch = await zk.registerBroker({ id: 1, endpoints: [{ listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: 'localhost', port: 9092 }] });
    verifier = new ControllerRequestVerifier(zk, 1, () => brokerEpoch);
  });
  afterEach(async () => {
    await controllerZk.close();
    await zk.close();
  });

  it('obeys ZooKeeper\'s controller in ZooKeeper\'s epoch, and refuses any other controller or a future epoch', async () => {
    const { epoch } = await controllerZk.registerControllerAndIncrementControllerEpoch(0);
    expect(await verifier.verify(UPDATE_METADATA, { controllerId: 0, controllerEpoch: epoch + 1, brokerEpoch: -1n })).to.equal(STALE_CONTROLLER);
    expect(await verifier.verify(UPDATE_METADATA, { controllerId: 0, controllerEpoch: 67108864, brokerEpoch })).to.equal(STALE_CONTROLLER);
    expect(await verifier.verify(UPDATE_METADATA, { controllerId: 2, controllerEpoch: epoch, brokerEpoch })).to.equal(STALE_CONTROLLER);
    expect(await verifier.verify(UPDATE_METADATA, { controllerId: 0, controllerEpoch: epoch, brokerEpoch })).to.equal(NONE);
    // Within the verified epoch, the same controller again (no ZooKeeper read needed), another one refused.
    expect(await verifier.verify(UPDATE_METADATA, { controllerId: 0, controllerEpoch: epoch, brokerEpoch: -1n })).to.equal(NONE);
    expect(await verifier.verify(UPDATE_METADATA, { controllerId: 1, controllerEpoch: epoch, brokerEpoch })).to.equal(STALE_CONTROLLER);
  });

  it('follows a controller change; an older epoch is left for the ReplicaManager to refuse as stale', async () => {
    const first = await controllerZk.registerControllerAndIncrementControllerEpoch(0);
    expect(await verifier.verify(UPDATE_METADATA, { controllerId: 0, controllerEpoch: first.epoch, brokerEpoch })).to.equal(NONE);
    await controllerZk.deleteController(first.epochZkVersion);
    const second = await controllerZk.registerControllerAndIncrementControllerEpoch(2);
    expect(await verifier.verify(UPDATE_METADATA, { controllerId: 2, controllerEpoch: second.epoch, brokerEpoch })).to.equal(NONE);
    expect(await verifier.verify(UPDATE_METADATA, { controllerId: 0, controllerEpoch: first.epoch, brokerEpoch })).to.equal(NONE);
  });

  it('refuses a broker epoch newer than this broker\'s unless it is its registration in ZooKeeper', async () => {
    const { epoch } = await controllerZk.registerControllerAndIncrementControllerEpoch(0);
    expect(await verifier.verify(UPDATE_METADATA, { controllerId: 0, controllerEpoch: epoch, brokerEpoch: brokerEpoch + 1000n })).to.equal(STALE_BROKER);
    // The broker re-registered (a new session) and the controller saw it before the broker did.
    const known = brokerEpoch;
    await zk.zooKeeperClient.delete('/brokers/ids/1');
    const registered = await zk.registerBroker({ id: 1, endpoints: [{ listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: 'localhost', port: 9092 }] });
    brokerEpoch = known;
    expect(await verifier.verify(UPDATE_METADATA, { controllerId: 0, controllerEpoch: epoch, brokerEpoch: registered })).to.equal(NONE);
  });
});
