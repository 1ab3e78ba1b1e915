/**
 * The ACL authorizer on 3 real brokers and a real ZooKeeper, with real clients (kafkajs, kcat).
 *
 * On PLAINTEXT every client is User:ANONYMOUS, so — as an operator of a PLAINTEXT Kafka cluster
 * with ACLs must — User:ANONYMOUS is granted ClusterAction on the cluster (written into ZooKeeper
 * before the brokers start, as `kafka-acls --authorizer-properties` does) so the brokers' own
 * requests (LeaderAndIsr, UpdateMetadata, follower Fetch, AlterPartition…) are allowed. Until SASL
 * gives clients names, principals are told apart here by the client's address: ACLs for
 * User:ANONYMOUS from host 127.0.0.9 (the admin), 127.0.0.2 (a producer), 127.0.0.3 (a consumer)
 * and 127.0.0.4 (no ACLs). A second cluster shows User:ANONYMOUS as a super user.
 */
import { expect } from 'chai';
import net from 'node:net';
import kafkajs from 'kafkajs';
import { sharedZooKeeper, uniqueChroot } from '../../lib/testing/zookeeper-runner.js';
import { startCluster, type RunningCluster } from '../../lib/testing/cluster.js';
import { KafkaZkClient } from '../../lib/zk/kafka-zk-client.js';
import { AclAuthorizer } from '../../lib/security/auth/acl-authorizer.js';
import { KafkaPrincipal } from '../../lib/common/kafka-principal.js';
import { Op, Permission, type AclBinding } from '../../lib/common/acl.js';
import { CLUSTER_NAME, PT, RT } from '../../lib/common/resource.js';
import { decodeResponse, encodeRequest, type Input } from '../../lib/protocol/index.js';
import type { RequestApiKey } from '../../lib/protocol/frames.js';
import type { RequestBodies, ResponseBodies } from '../../lib/protocol/generated/types.js';
import { Errors } from '../../lib/protocol/errors.js';
import { eventually, kcat, useCluster } from './support.js';

const ADMIN = '127.0.0.9';
const PRODUCER = '127.0.0.2';
const CONSUMER = '127.0.0.3';
const NOBODY = '127.0.0.4';
const ANONYMOUS = 'User:ANONYMOUS';
const AUTHORIZER = { 'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer' };

const acl = (resourceType: number, name: string, operation: number, host: string, permissionType: number = Permission.ALLOW, patternType: number = PT.LITERAL): AclBinding =>
  ({ pattern: { resourceType, name, patternType }, entry: { principal: ANONYMOUS, host, operation, permissionType } });

/** A kafkajs client whose connections all come from `localAddress`. */
function kafkaFrom(cluster: RunningCluster, localAddress: string, clientId: string): kafkajs.Kafka {
  return new kafkajs.Kafka({
    clientId,
    brokers: cluster.bootstrapServers,
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { initialRetryTime: 100, retries: 3 },
    socketFactory: ({ host, port, onConnect }) => {
      const s = net.connect({ host, port, localAddress, family: 4 }, onConnect);
      s.setKeepAlive(true, 60_000);
      return s;
    },
  });
}

/** One request from `localAddress` to one broker, with our own codec. */
async function requestFrom<K extends RequestApiKey>(bootstrap: string, localAddress: string, apiKey: K, version: number, body: Input<RequestBodies[K]>): Promise<ResponseBodies[K]> {
  const [host, port] = bootstrap.split(':');
  const frame = encodeRequest({ requestApiKey: apiKey, requestApiVersion: version, correlationId: 11, clientId: 'acl-spec' }, body);
  const payload = await new Promise<Buffer>((resolve, reject) => {
    const s = net.connect({ host, port: Number(port), localAddress, family: 4 }, () => s.write(frame));
    let buf = Buffer.alloc(0);
    s.setTimeout(15_000, () => s.destroy(new Error('timed out')));
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        s.end();
        resolve(buf.subarray(4, 4 + buf.readInt32BE(0)));
      }
    });
    s.on('error', reject);
    s.on('close', () => reject(new Error('closed by the broker')));
  });
  return decodeResponse(apiKey, version, payload).body;
}

const metadataError = async (bootstrap: string, from: string, topic: string): Promise<number> =>
  (await requestFrom(bootstrap, from, 3, 9, { topics: [{ name: topic, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false })).topics[0]!.errorCode;

describe('ACLs on a 3-broker cluster (User:ANONYMOUS with ClusterAction; hosts as principals)', function () {
  this.timeout(180_000);
  let cluster: RunningCluster;
  let zk: KafkaZkClient;
  const adminCtx = { principal: KafkaPrincipal.ANONYMOUS, clientAddress: ADMIN, listenerName: '', requestType: -1, requestVersion: -1, clientId: 'spec', correlationId: -1 };

  before(async function () {
    this.timeout(180_000);
    const connect = `${(await sharedZooKeeper()).connectString}${uniqueChroot()}`;
    zk = await KafkaZkClient.create({ connectString: connect, sessionTimeoutMs: 10_000 });
    // What `kafka-acls --authorizer-properties zookeeper.connect=… --add …` writes before the brokers start.
    const tool = new AclAuthorizer(zk, { superUsers: [], allowEveryoneIfNoAclIsFound: false });
    await tool.start();
    const results = await tool.createAcls(adminCtx, [
      acl(RT.CLUSTER, CLUSTER_NAME, Op.CLUSTER_ACTION, '*'),
      acl(RT.CLUSTER, CLUSTER_NAME, Op.ALL, ADMIN),
      acl(RT.TOPIC, '*', Op.ALL, ADMIN),
      acl(RT.GROUP, '*', Op.ALL, ADMIN),
    ]);
    expect(results.every((r) => r.error === null)).to.equal(true);
    await tool.close();
    cluster = await startCluster({ brokers: 3, zookeeper: connect, overrides: AUTHORIZER });
  });
  after(async function () {
    this.timeout(60_000);
    await cluster?.stop();
    await zk?.close();
  });

  it('forms and replicates: the brokers\' own requests pass on ClusterAction', async () => {
    const admin = kafkaFrom(cluster, ADMIN, 'admin').admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true })).to.equal(true);
      await admin.createTopics({ topics: [{ topic: 'public-news', numPartitions: 1, replicationFactor: 3 }, { topic: 'secret-plans', numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });
      // Followers fetch (ClusterAction) and join the ISR on every partition.
      await eventually(async () => {
        const m = await admin.fetchTopicMetadata({ topics: ['orders'] });
        return m.topics[0]!.partitions.every((p) => p.isr.length === 3);
      }, 60_000, 'a full ISR on every partition of orders');
    } finally {
      await admin.disconnect();
    }
  });

  it('a client without ACLs gets TOPIC_AUTHORIZATION_FAILED (kafkajs, kcat) and CLUSTER_AUTHORIZATION_FAILED for CreateAcls', async () => {
    const producer = kafkaFrom(cluster, NOBODY, 'nobody').producer({ retry: { retries: 0 } });
    await producer.connect();
    let error: (Error & { type?: string }) | undefined;
    try {
      await producer.send({ topic: 'orders', messages: [{ value: 'x' }] });
    } catch (err) {
      error = err as Error & { type?: string };
    } finally {
      await producer.disconnect();
    }
    expect(error?.type ?? error?.message).to.match(/TOPIC_AUTHORIZATION_FAILED|Not authorized to access topics/);
    // kcat connects from the machine's loopback address, which has no ACL either.
    const r = await kcat(['-b', cluster.bootstrapServers[0]!, '-L', '-t', 'orders', '-J']);
    expect(r.stdout.toString(), r.stdout.toString()).to.match(/"topic":"orders","error":"Broker: Topic authorization failed"/);
    const admin = kafkaFrom(cluster, NOBODY, 'nobody-admin').admin({ retry: { retries: 0 } });
    await admin.connect();
    try {
      let aclError: (Error & { type?: string }) | undefined;
      try {
        await admin.createAcls({ acl: [{ resourceType: kafkajs.AclResourceTypes.TOPIC, resourceName: 'orders', resourcePatternType: kafkajs.ResourcePatternTypes.LITERAL, principal: ANONYMOUS, host: NOBODY, operation: kafkajs.AclOperationTypes.READ, permissionType: kafkajs.AclPermissionTypes.ALLOW }] });
      } catch (err) {
        aclError = err as Error & { type?: string };
      }
      expect(aclError?.type ?? aclError?.message).to.match(/CLUSTER_AUTHORIZATION_FAILED/);
    } finally {
      await admin.disconnect();
    }
  });

  it('ACLs created through CreateAcls on one broker apply on every broker within seconds (producer and consumer roles end to end)', async () => {
    for (const b of cluster.bootstrapServers) expect(await metadataError(b, PRODUCER, 'orders')).to.equal(Errors.TOPIC_AUTHORIZATION_FAILED.code);
    // Through one broker only.
    const created = await requestFrom(cluster.bootstrapServers[1]!, ADMIN, 30, 3, {
      creations: [
        ...[Op.WRITE, Op.DESCRIBE, Op.CREATE].map((operation) => ({ resourceType: RT.TOPIC, resourceName: 'ord', resourcePatternType: PT.PREFIXED, principal: ANONYMOUS, host: PRODUCER, operation, permissionType: Permission.ALLOW })),
        ...[Op.READ, Op.DESCRIBE].map((operation) => ({ resourceType: RT.TOPIC, resourceName: 'orders', resourcePatternType: PT.LITERAL, principal: ANONYMOUS, host: CONSUMER, operation, permissionType: Permission.ALLOW })),
        { resourceType: RT.GROUP, resourceName: 'readers', resourcePatternType: PT.LITERAL, principal: ANONYMOUS, host: CONSUMER, operation: Op.READ, permissionType: Permission.ALLOW },
      ],
    });
    expect(created.results.map((r) => r.errorCode)).to.deep.equal([0, 0, 0, 0, 0, 0]);
    const started = Date.now();
    await Promise.all(cluster.bootstrapServers.map((b) => eventually(async () => (await metadataError(b, PRODUCER, 'orders')) === 0 && (await metadataError(b, CONSUMER, 'orders')) === 0, 20_000, `the new ACLs on ${b}`)));
    process.stdout.write(`      (the ACLs applied on all 3 brokers within ${Date.now() - started} ms)\n`);
    for (const b of cluster.bootstrapServers) expect(await metadataError(b, NOBODY, 'orders')).to.equal(Errors.TOPIC_AUTHORIZATION_FAILED.code);
    const producer = kafkaFrom(cluster, PRODUCER, 'producer').producer();
    await producer.connect();
    await producer.send({ topic: 'orders', messages: Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    await producer.disconnect();
    const consumer = kafkaFrom(cluster, CONSUMER, 'consumer').consumer({ groupId: 'readers', sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 200 });
    const got: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'orders', fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
      await eventually(async () => got.length >= 6, 60_000, 'six messages at the consumer');
    } finally {
      await consumer.disconnect();
    }
    expect(got.sort()).to.deep.equal(['v0', 'v1', 'v2', 'v3', 'v4', 'v5']);
    // The consumer may not write; the producer may not read.
    const produced = await requestFrom(cluster.bootstrapServers[0]!, CONSUMER, 0, 9, { acks: 1, timeoutMs: 5000, transactionalId: null, topicData: [{ name: 'orders', partitionData: [{ index: 0, records: null }] }] });
    expect(produced.responses[0]!.partitionResponses[0]!.errorCode).to.equal(Errors.TOPIC_AUTHORIZATION_FAILED.code);
    const joined = await requestFrom(cluster.bootstrapServers[0]!, PRODUCER, 11, 7, { groupId: 'readers', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [] });
    expect(joined.errorCode).to.equal(Errors.GROUP_AUTHORIZATION_FAILED.code);
  });

  it('ACLs written into ZooKeeper with Kafka\'s bytes (znode JSON + change notification) apply on every broker; deny beats the wildcard allow', async () => {
    // Exactly what Kafka's AclAuthorizer writes: a wildcard READ for the consumer host, a PREFIXED deny.
    await zk.zooKeeperClient.setData('/kafka-acl/Topic/*', Buffer.from('{"version":1,"acls":[{"principal":"User:ANONYMOUS","permissionType":"Allow","operation":"All","host":"127.0.0.9"},'
      + `{"principal":"User:ANONYMOUS","permissionType":"Allow","operation":"Read","host":"${CONSUMER}"}]}`));
    await zk.createSequentialPersistentPath('/kafka-acl-changes/acl_changes_', Buffer.from('TOPIC:*'));
    await zk.createRecursive('/kafka-acl-extended/prefixed/Topic/secret', Buffer.from(`{"version":1,"acls":[{"principal":"User:ANONYMOUS","permissionType":"Deny","operation":"All","host":"${CONSUMER}"}]}`));
    await zk.createSequentialPersistentPath('/kafka-acl-extended-changes/acl_changes_', Buffer.from('{"version":1,"resourceType":"TOPIC","name":"secret","patternType":"PREFIXED"}'));
    for (const b of cluster.bootstrapServers) {
      // READ implies DESCRIBE: public-news becomes visible to the consumer host; the prefixed deny hides secret-plans.
      await eventually(async () => (await metadataError(b, CONSUMER, 'public-news')) === 0, 20_000, `the wildcard ACL on ${b}`);
      await eventually(async () => (await metadataError(b, CONSUMER, 'secret-plans')) === Errors.TOPIC_AUTHORIZATION_FAILED.code, 20_000, `the prefixed deny on ${b}`);
    }
  });

  it('DeleteAcls on one broker removes the ACLs on every broker within seconds', async () => {
    const deleted = await requestFrom(cluster.bootstrapServers[2]!, ADMIN, 31, 3, {
      filters: [{ resourceTypeFilter: RT.TOPIC, resourceNameFilter: '*', patternTypeFilter: PT.LITERAL, principalFilter: null, hostFilter: CONSUMER, operation: Op.ANY, permissionType: Permission.ANY }],
    });
    expect(deleted.filterResults[0]!.matchingAcls.map((m) => `${m.resourceName} ${m.host}`)).to.deep.equal([`* ${CONSUMER}`]);
    for (const b of cluster.bootstrapServers) {
      await eventually(async () => (await metadataError(b, CONSUMER, 'public-news')) === Errors.TOPIC_AUTHORIZATION_FAILED.code, 20_000, `the deletion on ${b}`);
    }
  });
});

describe('ACLs with User:ANONYMOUS as a super user', function () {
  this.timeout(120_000);
  const cluster = useCluster({ brokers: 3, overrides: { ...AUTHORIZER, 'super.users': ANONYMOUS } });

  it('a super user is allowed everything, deny ACLs notwithstanding; the ACL APIs work for it', async () => {
    const kafka = new kafkajs.Kafka({ clientId: 'super', brokers: cluster().bootstrapServers, logLevel: kafkajs.logLevel.NOTHING, retry: { initialRetryTime: 100, retries: 8 } });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createAcls({ acl: [{ resourceType: kafkajs.AclResourceTypes.TOPIC, resourceName: '*', resourcePatternType: kafkajs.ResourcePatternTypes.LITERAL, principal: ANONYMOUS, host: '*', operation: kafkajs.AclOperationTypes.ALL, permissionType: kafkajs.AclPermissionTypes.DENY }] });
      const described = await admin.describeAcls({ resourceType: kafkajs.AclResourceTypes.ANY, resourcePatternType: kafkajs.ResourcePatternTypes.ANY, operation: kafkajs.AclOperationTypes.ANY, permissionType: kafkajs.AclPermissionTypes.ANY });
      expect(described.resources.map((r) => r.resourceName)).to.deep.equal(['*']);
      await admin.createTopics({ topics: [{ topic: 'super', numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer();
    await producer.connect();
    const [sent] = await producer.send({ topic: 'super', messages: [{ value: 'allowed' }] });
    await producer.disconnect();
    expect(sent!.errorCode).to.equal(0);
    const r = await kcat(['-b', cluster().bootstrapServers[0]!, '-C', '-t', 'super', '-o', 'beginning', '-c', '1', '-e']);
    expect(r.stdout.toString().trim()).to.equal('allowed');
  });
});
