/**
 * TLS and SASL listeners on 3 brokers with real ZooKeeper and real clients (kafkajs, kcat): each
 * broker has a PLAINTEXT listener (the harness, and the admin as User:ANONYMOUS super user), an
 * INTERNAL SASL_SSL listener that is also the inter-broker listener (SCRAM-SHA-512 as User:broker,
 * whose credentials are written to /config/users before the brokers start, as Kafka's docs say),
 * and an SSL listener requiring client certificates. Users are created with
 * AlterUserScramCredentials; the principal each client authenticates as reaches the ACL authorizer.
 * Over SASL_SSL: produce, group consume, admin (kafkajs, kcat, confluent-kafka-python, the CLI) and
 * kafkajs transactions; the inter-broker listener's key store is renewed at runtime; a leader and
 * then the controller are killed with -9 and replaced.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { expect } from 'chai';
import kafkajs from 'kafkajs';
import { consumeWithGroup, eventually, kcat, python, rawExchange, request, run, useCluster } from './support.js';
import { RawConnection } from './raw-connection.js';
import { createDevCertificateAuthority, type DevCertificate, type DevCertificateAuthority } from '../../lib/testing/dev-certificates.js';
import { findFreePort, sharedZooKeeper, uniqueChroot } from '../../lib/testing/zookeeper-runner.js';
import { REPO_ROOT } from '../../lib/testing/broker-process.js';
import { KafkaZkClient } from '../../lib/zk/kafka-zk-client.js';
import { ScramFormatter } from '../../lib/security/scram/scram-formatter.js';
import { SCRAM_SHA_512, type ScramMechanism } from '../../lib/security/scram/scram-mechanism.js';
import { credentialToString } from '../../lib/security/scram/scram-credential.js';
import { ApiKeys, decodeResponse, encodeRequest } from '../../lib/protocol/index.js';
import { errorForCode } from '../../lib/protocol/errors.js';
import { NetworkClient } from '../../lib/network/network-client.js';
import { SslFactory } from '../../lib/security/ssl/ssl-factory.js';
import { ScramSaslClient } from '../../lib/security/scram/scram-sasl-client.js';

const BROKER_PASSWORD = 'broker-secret';
const SCRAM_JAAS = (user: string, password: string): string =>
  `org.apache.kafka.common.security.scram.ScramLoginModule required username="${user}" password="${password}";`;

describe('TLS and SASL listeners on 3 brokers (kafkajs, kcat, SASL_SSL inter-broker)', function () {
  this.timeout(180_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-security-'));
  let ca: DevCertificateAuthority;
  let brokerCert: DevCertificate;
  let clientCert: DevCertificate;
  const internalPorts: number[] = [];
  const sslPorts: number[] = [];
  let zookeeper = '';

  before(async function () {
    this.timeout(60_000);
    ca = createDevCertificateAuthority(dir);
    brokerCert = ca.issue('broker');
    clientCert = ca.issue('alice-client', { subject: '/O=kafkats/CN=alice-client' });
    for (let i = 0; i < 3; i++) {
      internalPorts.push(await findFreePort());
      sslPorts.push(await findFreePort());
    }
    zookeeper = `${(await sharedZooKeeper()).connectString}${uniqueChroot()}`;
    // The inter-broker user must exist before the brokers start (kafka-configs --zookeeper in Kafka's docs).
    const zk = await KafkaZkClient.create({ connectString: zookeeper, sessionTimeoutMs: 10_000 });
    try {
      await zk.createTopLevelPaths();
      await zk.setOrCreateEntityConfigs('users', 'broker', {
        'SCRAM-SHA-512': credentialToString(new ScramFormatter(SCRAM_SHA_512).generateCredential(BROKER_PASSWORD, 4096)),
      });
    } finally {
      await zk.close();
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cluster = useCluster(() => ({
    brokers: 3,
    zookeeper,
    extraListeners: (i) => `INTERNAL://localhost:${internalPorts[i]},SSL://localhost:${sslPorts[i]}`,
    brokerOverrides: () => ({
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,INTERNAL:SASL_SSL,SSL:SSL',
      'inter.broker.listener.name': 'INTERNAL',
      'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
      'listener.name.internal.sasl.enabled.mechanisms': 'SCRAM-SHA-512,SCRAM-SHA-256,PLAIN',
      'listener.name.internal.plain.sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required user_carol="carol-secret";',
      'listener.name.internal.scram-sha-512.sasl.jaas.config': SCRAM_JAAS('broker', BROKER_PASSWORD),
      'listener.name.internal.scram-sha-256.sasl.jaas.config': SCRAM_JAAS('broker', BROKER_PASSWORD),
      'ssl.keystore.type': 'PKCS12',
      'ssl.keystore.location': brokerCert.p12Path,
      'ssl.keystore.password': 'kafkats-dev',
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': ca.caPath,
      'listener.name.ssl.ssl.client.auth': 'required',
      'connection.failed.authentication.delay.ms': 200,
      'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer',
      'super.users': 'User:broker;User:ANONYMOUS',
      'allow.everyone.if.no.acl.found': true,
    }),
  }));

  const internal = (): string[] => internalPorts.map((p) => `localhost:${p}`);
  const plaintext = (): string => cluster().bootstrapServers[0]!;

  async function controllerBootstrap(): Promise<string> {
    const meta = await cluster().waitUntilReady();
    return cluster().broker(meta.controllerId).bootstrap;
  }

  async function createScramUser(name: string, password: string, mechanism: ScramMechanism): Promise<void> {
    const salt = Buffer.from(`salt-of-${name}-${mechanism.mechanismName}`);
    const saltedPassword = new ScramFormatter(mechanism).saltedPassword(password, salt, 4096);
    const res = await request(await controllerBootstrap(), ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, 0, {
      deletions: [], upsertions: [{ name, mechanism: mechanism.type, iterations: 4096, salt, saltedPassword }],
    });
    expect(res.results.map((r) => errorForCode(r.errorCode).name)).to.deep.equal(['NONE']);
  }

  const saslKafka = (username: string, password: string, mechanism: 'scram-sha-512' | 'scram-sha-256' = 'scram-sha-512'): kafkajs.Kafka => new kafkajs.Kafka({
    clientId: `spec-${username}`,
    brokers: internal(),
    ssl: { ca: [ca.caPem] },
    sasl: { mechanism, username, password } as kafkajs.SASLOptions,
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { initialRetryTime: 100, retries: 5 },
  });

  const sslArgs = (): string[] => ['-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${ca.caPath}`,
    '-X', `ssl.certificate.location=${clientCert.certPath}`, '-X', `ssl.key.location=${clientCert.keyPath}`];
  const saslArgs = (user: string, password: string, mechanism: string): string[] => ['-X', 'security.protocol=SASL_SSL', '-X', `sasl.mechanisms=${mechanism}`,
    '-X', `sasl.username=${user}`, '-X', `sasl.password=${password}`, '-X', `ssl.ca.location=${ca.caPath}`];

  before(async function () {
    this.timeout(60_000);
    await createScramUser('alice', 'alice-secret', SCRAM_SHA_512);
    // SCRAM-SHA-256 through the CLI, as Kafka's kafka-configs.sh --entity-type users does it.
    const cli = await run(process.execPath, [path.join(REPO_ROOT, 'bin', 'kafkats.js'), 'configs', '--bootstrap-server', plaintext(),
      '--entity-type', 'users', '--entity-name', 'alice', '--alter', '--add-config', 'SCRAM-SHA-256=[iterations=8192,password=alice-secret]']);
    expect([cli.code, cli.stdout.toString(), cli.stderr]).to.deep.equal([0, 'Completed updating config for user alice.\n', '']);
    const described = await run(process.execPath, [path.join(REPO_ROOT, 'bin', 'kafkats.js'), 'configs', '--bootstrap-server', plaintext(),
      '--entity-type', 'users', '--entity-name', 'alice', '--describe']);
    expect(described.stdout.toString()).to.equal("SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=8192, SCRAM-SHA-512=iterations=4096\n");
    const admin = new kafkajs.Kafka({ clientId: 'admin', brokers: [plaintext()], logLevel: kafkajs.logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: true, topics: [
        { topic: 'secured', numPartitions: 3, replicationFactor: 3 },
        { topic: 'cert-only', numPartitions: 1, replicationFactor: 3 },
      ] });
      // Only the client certificate's principal may use cert-only.
      await admin.createAcls({ acl: ['READ', 'WRITE', 'DESCRIBE'].map((op) => ({
        resourceType: kafkajs.AclResourceTypes.TOPIC, resourceName: 'cert-only', resourcePatternType: kafkajs.ResourcePatternTypes.LITERAL,
        principal: 'User:CN=alice-client,O=kafkats', host: '*',
        operation: kafkajs.AclOperationTypes[op as 'READ'], permissionType: kafkajs.AclPermissionTypes.ALLOW,
      })) });
      await admin.createAcls({ acl: [{ resourceType: kafkajs.AclResourceTypes.GROUP, resourceName: 'cert-group', resourcePatternType: kafkajs.ResourcePatternTypes.LITERAL,
        principal: 'User:CN=alice-client,O=kafkats', host: '*', operation: kafkajs.AclOperationTypes.READ, permissionType: kafkajs.AclPermissionTypes.ALLOW }] });
      // An ACL on the cluster resource, so that allow.everyone.if.no.acl.found no longer lets anyone act as a broker.
      await admin.createAcls({ acl: [{ resourceType: kafkajs.AclResourceTypes.CLUSTER, resourceName: 'kafka-cluster', resourcePatternType: kafkajs.ResourcePatternTypes.LITERAL,
        principal: 'User:broker', host: '*', operation: kafkajs.AclOperationTypes.CLUSTER_ACTION, permissionType: kafkajs.AclPermissionTypes.ALLOW }] });
    } finally {
      await admin.disconnect();
    }
  });

  it('replicates over the SASL_SSL inter-broker listener: an RF 3 topic gets full ISRs', async () => {
    for (let p = 0; p < 3; p++) expect(await cluster().waitForIsr('secured', p, { timeoutMs: 60_000 })).to.have.length(3);
  });

  it('the inter-broker listener takes a renewed key store of the same CA at runtime (IncrementalAlterConfigs) and refuses one its peers would not trust', async () => {
    const alter = async (value: string): Promise<{ errorCode: number; errorMessage: string | null }> => {
      const { errorCode, errorMessage } = (await request(plaintext(), ApiKeys.INCREMENTAL_ALTER_CONFIGS, 1, {
        resources: [{ resourceType: 4, resourceName: '0', configs: [{ name: 'listener.name.internal.ssl.keystore.location', configOperation: 0, value }] }], validateOnly: false,
      })).responses[0]!;
      return { errorCode, errorMessage };
    };
    const foreign = createDevCertificateAuthority(path.join(dir, 'foreign-ca'), '/CN=foreign-ca').issue('broker');
    const refused = await alter(foreign.p12Path);
    expect(errorForCode(refused.errorCode).name).to.equal('INVALID_REQUEST');
    expect(refused.errorMessage).to.match(/new key store is not trusted by the trust store in use/);
    const renewed = ca.issue('broker-renewed', { subject: '/CN=broker' });
    expect(await alter(renewed.p12Path)).to.deep.equal({ errorCode: 0, errorMessage: null });
    const served = async (): Promise<string> => {
      const conn = await RawConnection.openTls(internal()[0]!, ca.caPem);
      conn.close();
      return conn.peerCertificate!.serialNumber;
    };
    await eventually(async () => (await served()) === new X509Certificate(renewed.certPem).serialNumber, 30_000, 'broker 0 serves the renewed certificate');
    // Replication and clients go on (a topic of its own: later specs read all of 'secured').
    const admin = new kafkajs.Kafka({ clientId: 'admin', brokers: [plaintext()], logLevel: kafkajs.logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'after-renewal', numPartitions: 1, replicationFactor: 3 }] });
    } finally {
      await admin.disconnect();
    }
    const producer = saslKafka('alice', 'alice-secret').producer();
    await producer.connect();
    try {
      await producer.send({ topic: 'after-renewal', acks: -1, messages: [{ value: 'after-renewal' }] });
    } finally {
      await producer.disconnect();
    }
    expect(await cluster().waitForIsr('after-renewal', 0, { timeoutMs: 30_000 })).to.have.length(3);
  });

  it('kafkajs over SASL_SSL with SCRAM-SHA-512 (a user made with AlterUserScramCredentials) produces with acks=all and consumes in a group', async () => {
    const kafka = saslKafka('alice', 'alice-secret');
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: 'secured', acks: -1, messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    } finally {
      await producer.disconnect();
    }
    const got = await consumeWithGroup(kafka, 'secured', 30, 'secured-group');
    expect(got.map((m) => m.value!.toString()).sort()).to.deep.equal(Array.from({ length: 30 }, (_, i) => `v${i}`).sort());
  });

  it('a wrong password gets SASL_AUTHENTICATION_FAILED (kafkajs and kcat), after the failed-authentication delay', async () => {
    const producer = saslKafka('alice', 'wrong').producer({ retry: { retries: 0 } });
    const started = Date.now();
    const err = await producer.connect().then(() => null, (e: Error) => e);
    expect(err, 'connect must fail').to.not.equal(null);
    expect(String(err!.message)).to.match(/SASL SCRAM SHA512 authentication failed.*invalid credentials with SASL mechanism SCRAM-SHA-512/);
    expect(Date.now() - started).to.be.at.least(200);
    const r = await kcat(['-b', internal()[0]!, '-L', '-m', '5', ...saslArgs('alice', 'wrong', 'SCRAM-SHA-256')]);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.match(/Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256/);
  });

  it('kcat over SASL_SSL with SCRAM-SHA-256 (a user made with kafkats configs --entity-type users) produces, consumes, and consumes in a group', async () => {
    const b = internal()[1]!;
    const p = await kcat(['-b', b, '-P', '-t', 'secured', '-p', '1', '-X', 'acks=all', ...saslArgs('alice', 'alice-secret', 'SCRAM-SHA-256')], 'one\ntwo\nthree\n');
    expect(p.code, p.stderr).to.equal(0);
    const c = await kcat(['-b', b, '-C', '-t', 'secured', '-p', '1', '-o', '-3', '-e', '-q', ...saslArgs('alice', 'alice-secret', 'SCRAM-SHA-256')]);
    expect(c.stdout.toString().trim().split('\n').slice(-3)).to.deep.equal(['one', 'two', 'three']);
    const g = await kcat(['-b', b, '-G', 'kcat-scram', '-e', '-q', '-X', 'auto.offset.reset=earliest', ...saslArgs('alice', 'alice-secret', 'SCRAM-SHA-256'), 'secured'], undefined, 60_000);
    expect(g.code, g.stderr).to.equal(0);
    expect(g.stdout.toString().split('\n')).to.include.members(['one', 'two', 'three']);
  });

  it('kcat over SSL with a client certificate is User:CN=alice-client,O=kafkats to the authorizer; the SASL user alice is not', async () => {
    const b = `localhost:${sslPorts[2]}`;
    const p = await kcat(['-b', b, '-P', '-t', 'cert-only', '-p', '0', '-X', 'acks=all', ...sslArgs()], 'by-certificate\n');
    expect(p.code, p.stderr).to.equal(0);
    const c = await kcat(['-b', b, '-C', '-t', 'cert-only', '-p', '0', '-o', 'beginning', '-c', '1', '-q', ...sslArgs()]);
    expect(c.stdout.toString().trim()).to.equal('by-certificate');
    // In a consumer group (its READ ACL is the certificate's principal's), and metadata (kcat's admin side).
    const g = await kcat(['-b', b, '-G', 'cert-group', '-e', '-q', '-X', 'auto.offset.reset=earliest', ...sslArgs(), 'cert-only'], undefined, 60_000);
    expect(g.code, g.stderr).to.equal(0);
    expect(g.stdout.toString().split('\n')).to.include('by-certificate');
    const md = await kcat(['-b', b, '-L', '-t', 'cert-only', ...sslArgs()]);
    expect(md.code, md.stderr).to.equal(0);
    expect(md.stdout.toString()).to.match(/topic "cert-only" with 1 partitions/);
    const producer = saslKafka('alice', 'alice-secret').producer({ retry: { retries: 0 } });
    await producer.connect();
    try {
      const err = await producer.send({ topic: 'cert-only', messages: [{ value: 'x' }] }).then(() => null, (e: Error) => e);
      const e = err as { type?: string; cause?: { type?: string } } | null;
      expect(e, 'alice may not write cert-only').to.not.equal(null);
      expect(e!.type ?? e!.cause?.type ?? String(err)).to.match(/TOPIC_AUTHORIZATION_FAILED|Not authorized to access topics: \[Topic authorization failed\]/);
    } finally {
      await producer.disconnect();
    }
  });

  it('an SSL listener refuses a client without a certificate; TLS listeners refuse plaintext clients', async () => {
    const noCert = await kcat(['-b', `localhost:${sslPorts[0]}`, '-L', '-m', '5', '-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${ca.caPath}`]);
    expect(noCert.code).to.not.equal(0);
    // A plaintext Metadata request on a TLS port gets no Kafka answer.
    const frame = encodeRequest({ requestApiKey: ApiKeys.METADATA, requestApiVersion: 1, correlationId: 1, clientId: 'plain' }, { topics: null });
    for (const port of [internalPorts[0]!, sslPorts[0]!]) {
      const r = await rawExchange(`localhost:${port}`, frame, 3000);
      expect(r.data.length >= 8 && r.data.readInt32BE(4) === 1, `no Kafka response on port ${port}`).to.equal(false);
    }
  });

  it('on SASL_SSL no request is served before authentication: Metadata over TLS first closes the connection unanswered', async () => {
    const socket = tls.connect({ host: 'localhost', port: internalPorts[0]!, ca: ca.caPem });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    socket.write(encodeRequest({ requestApiKey: ApiKeys.METADATA, requestApiVersion: 1, correlationId: 7, clientId: 'early' }, { topics: null }));
    await eventually(async () => socket.destroyed || socket.readableEnded, 10_000, 'the broker closes the connection');
    expect(Buffer.concat(received).length).to.equal(0);
    // An ApiVersions before the handshake is answered (clients ask before SaslHandshake).
    const s2 = tls.connect({ host: 'localhost', port: internalPorts[0]!, ca: ca.caPem });
    await new Promise<void>((resolve, reject) => s2.once('secureConnect', resolve).once('error', reject));
    const answer = new Promise<Buffer>((resolve) => s2.once('data', (d: Buffer) => resolve(d)));
    s2.write(encodeRequest({ requestApiKey: ApiKeys.API_VERSIONS, requestApiVersion: 0, correlationId: 8, clientId: 'early' }, {}));
    const body = decodeResponse(ApiKeys.API_VERSIONS, 0, (await answer).subarray(4)).body;
    s2.destroy();
    expect(body.apiKeys.some((k) => k.apiKey === ApiKeys.SASL_HANDSHAKE)).to.equal(true);
  });

  it('a client authenticated as alice that forges a LeaderAndIsr gets CLUSTER_AUTHORIZATION_FAILED', async () => {
    const truststore = { type: 'PEM', location: ca.caPath, password: null };
    const client = new NetworkClient({ host: 'localhost', port: internalPorts[0]! }, {
      requestTimeoutMs: 10_000, connectTimeoutMs: 10_000, maxResponseSize: 1 << 20,
      security: {
        ssl: new SslFactory({ protocol: 'TLSv1.3', enabledProtocols: ['TLSv1.2', 'TLSv1.3'], cipherSuites: [], clientAuth: 'none',
          endpointIdentificationAlgorithm: 'https', principalMappingRules: 'DEFAULT', keystore: null, truststore }, 'client'),
        newSaslClient: () => new ScramSaslClient(SCRAM_SHA_512, 'alice', 'alice-secret'),
        clientId: 'forger',
      },
    });
    try {
      const frame = encodeRequest({ requestApiKey: ApiKeys.LEADER_AND_ISR, requestApiVersion: 7, correlationId: 99, clientId: 'forger' },
        { controllerId: 0, controllerEpoch: 1 << 26, brokerEpoch: -1n, type: 0, topicStates: [], liveLeaders: [] });
      const response = await client.send(99, [frame]);
      expect(errorForCode(decodeResponse(ApiKeys.LEADER_AND_ISR, 7, response!).body.errorCode).name).to.equal('CLUSTER_AUTHORIZATION_FAILED');
    } finally {
      client.close();
    }
  });

  it('kafkajs over SASL_SSL with SCRAM-SHA-512: admin creates a topic, a transactional producer commits and aborts, a read_committed group sees only the committed', async () => {
    const kafka = saslKafka('alice', 'alice-secret');
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'secured-tx', numPartitions: 1, replicationFactor: 3 }] })).to.equal(true);
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer({ transactionalId: 'alice-tx', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      for (const [values, outcome] of [[['c1', 'c2'], 'commit'], [['a1', 'a2'], 'abort'], [['c3'], 'commit']] as const) {
        const tx = await producer.transaction();
        await tx.send({ topic: 'secured-tx', messages: values.map((value) => ({ value })) });
        await (outcome === 'commit' ? tx.commit() : tx.abort());
      }
    } finally {
      await producer.disconnect();
    }
    // c3 follows the aborted records, so reading it means the aborted ones were passed over.
    const got = await consumeWithGroup(kafka, 'secured-tx', 3, 'secured-tx-group', 30_000, { readUncommitted: false });
    expect(got.map((m) => m.value!.toString())).to.deep.equal(['c1', 'c2', 'c3']);
  });

  it('confluent-kafka-python over SASL_SSL with PLAIN: AdminClient creates, lists and deletes a topic; transactions commit and abort, read_committed sees only the committed', async () => {
    const r = await python(`
import sys, json, time
from confluent_kafka import Producer, Consumer
from confluent_kafka.admin import AdminClient, NewTopic
conf = {'bootstrap.servers': sys.argv[1], 'security.protocol': 'SASL_SSL', 'sasl.mechanisms': 'PLAIN',
        'sasl.username': 'carol', 'sasl.password': 'carol-secret', 'ssl.ca.location': sys.argv[2]}
a = AdminClient(conf)
a.create_topics([NewTopic('py-admin', num_partitions=1, replication_factor=3)])['py-admin'].result(30)
listed = []
deadline = time.time() + 20
while time.time() < deadline and 'py-admin' not in listed:
    listed = list(a.list_topics(timeout=10).topics)
p = Producer(dict(conf, **{'transactional.id': 'carol-tx'}))
p.init_transactions(30)
p.begin_transaction(); p.produce('py-admin', b'keep1'); p.produce('py-admin', b'keep2'); p.commit_transaction(30)
p.begin_transaction(); p.produce('py-admin', b'drop'); p.abort_transaction(30)
p.begin_transaction(); p.produce('py-admin', b'keep3'); p.commit_transaction(30)
c = Consumer(dict(conf, **{'group.id': 'carol-tx-g', 'auto.offset.reset': 'earliest', 'isolation.level': 'read_committed'}))
c.subscribe(['py-admin'])
got = []
deadline = time.time() + 30
while time.time() < deadline and len(got) < 3:
    m = c.poll(0.5)
    if m is not None and m.error() is None:
        got.append(m.value().decode())
c.close()
a.delete_topics(['py-admin'])['py-admin'].result(30)
print(json.dumps({'listed': 'py-admin' in listed, 'got': got}))
`, [internal().join(','), ca.caPath], 90_000);
    expect(r.code, r.stderr).to.equal(0);
    // keep3 follows the aborted record, so reading it means the aborted one was passed over.
    expect(JSON.parse(r.stdout.toString().trim().split('\n').pop()!)).to.deep.equal({ listed: true, got: ['keep1', 'keep2', 'keep3'] });
  });

  it('a leader killed with -9 is replaced over the SASL_SSL inter-broker listener; acks=all produce goes on; it rejoins the ISR', async () => {
    const leader = await cluster().leaderOf('secured', 0);
    expect(leader).to.be.at.least(0);
    await cluster().killBroker(leader);
    const next = await eventually(async () => {
      const l = await cluster().leaderOf('secured', 0).catch(() => -1);
      return l >= 0 && l !== leader ? l : undefined;
    }, 60_000, 'a new leader for secured-0');
    expect(next).to.not.equal(leader);
    const kafka = saslKafka('alice', 'alice-secret');
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: 'secured', acks: -1, messages: [{ key: 'after-kill', value: 'after-kill' }] });
    } finally {
      await producer.disconnect();
    }
    await cluster().restartBroker(leader, 90_000);
    expect(await cluster().waitForIsr('secured', 0, { timeoutMs: 60_000 })).to.have.length(3);
  });

  it('kafkats acls --command-config and kafkats topics --command-config connect over SASL_SSL with SCRAM (Kafka\'s admin client keys)', async () => {
    const file = path.join(dir, 'admin.properties');
    fs.writeFileSync(file, ['security.protocol=SASL_SSL', 'sasl.mechanism=SCRAM-SHA-512', `sasl.jaas.config=${SCRAM_JAAS('broker', BROKER_PASSWORD)}`,
      'ssl.truststore.type=PEM', `ssl.truststore.location=${ca.caPath}`, ''].join('\n'));
    const r = await run(process.execPath, [path.join(REPO_ROOT, 'bin', 'kafkats.js'), 'acls', '--bootstrap-server', internal()[0]!, '--command-config', file, '--list', '--topic', 'cert-only']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.toString()).to.contain('(principal=User:CN=alice-client,O=kafkats, host=*, operation=WRITE, permissionType=ALLOW)');
    const topics = await run(process.execPath, [path.join(REPO_ROOT, 'bin', 'kafkats.js'), 'topics', '--bootstrap-server', internal()[1]!, '--command-config', file, '--list']);
    expect(topics.code, topics.stderr).to.equal(0);
    expect(topics.stdout.toString().split('\n')).to.include.members(['cert-only', 'secured']);
    fs.writeFileSync(file, ['security.protocol=SASL_SSL', 'sasl.mechanism=SCRAM-SHA-512', `sasl.jaas.config=${SCRAM_JAAS('broker', 'wrong')}`,
      'ssl.truststore.type=PEM', `ssl.truststore.location=${ca.caPath}`, ''].join('\n'));
    const bad = await run(process.execPath, [path.join(REPO_ROOT, 'bin', 'kafkats.js'), 'acls', '--bootstrap-server', internal()[0]!, '--command-config', file, '--list']);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain('invalid credentials with SASL mechanism SCRAM-SHA-512');
  });

  it('confluent-kafka-python over SASL_SSL with PLAIN (the listener\'s PlainLoginModule user) produces, consumes in a group and reads metadata', async () => {
    const script = `
import sys, json
from confluent_kafka import Producer, Consumer
conf = {'bootstrap.servers': sys.argv[1], 'security.protocol': 'SASL_SSL', 'sasl.mechanisms': 'PLAIN',
        'sasl.username': 'carol', 'sasl.password': sys.argv[3], 'ssl.ca.location': sys.argv[2]}
p = Producer(conf)
for i in range(20):
    p.produce('secured', key=b'py%d' % i, value=b'py-%d' % i)
left = p.flush(30)
c = Consumer(dict(conf, **{'group.id': 'py-plain', 'auto.offset.reset': 'earliest'}))
c.subscribe(['secured'])
got = set()
import time
deadline = time.time() + 45
while time.time() < deadline and len([v for v in got if v.startswith('py-')]) < 20:
    m = c.poll(1.0)
    if m is not None and m.error() is None:
        got.add(m.value().decode())
brokers = len(c.list_topics(timeout=10).brokers)
c.close()
print(json.dumps({'left': left, 'got': sorted(v for v in got if v.startswith('py-')), 'brokers': brokers}))
`;
    const ok = await python(script, [internal().join(','), ca.caPath, 'carol-secret'], 90_000);
    expect(ok.code, ok.stderr).to.equal(0);
    const out = JSON.parse(ok.stdout.toString().trim().split('\n').pop()!) as { left: number; got: string[]; brokers: number };
    expect(out.left).to.equal(0);
    expect(out.got).to.have.length(20);
    expect(out.brokers).to.equal(3);
    const bad = await python(`
import sys
from confluent_kafka.admin import AdminClient
a = AdminClient({'bootstrap.servers': sys.argv[1], 'security.protocol': 'SASL_SSL', 'sasl.mechanisms': 'PLAIN',
                 'sasl.username': 'carol', 'sasl.password': 'wrong', 'ssl.ca.location': sys.argv[2]})
try:
    a.list_topics(timeout=8)
    print('listed')
except Exception as e:
    print('failed', e)
`, [internal()[0]!, ca.caPath], 60_000);
    expect(bad.stdout.toString()).to.match(/^failed/);
  });

  it('the controller killed with -9 is replaced over the SASL_SSL inter-broker listener: a new topic gets leaders and takes acks=all records', async () => {
    const old = (await cluster().waitUntilReady()).controllerId;
    await cluster().killBroker(old);
    const live = cluster().brokers.filter((b) => b.isRunning);
    const controller = await eventually(async () => {
      const meta = await cluster().waitUntilReady(5_000, 2).catch(() => undefined);
      return meta !== undefined && meta.controllerId >= 0 && meta.controllerId !== old ? meta.controllerId : undefined;
    }, 60_000, 'a new controller');
    expect(live.map((b) => b.brokerId)).to.include(controller);
    const kafka = saslKafka('alice', 'alice-secret');
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'after-failover', numPartitions: 2, replicationFactor: 2 }] })).to.equal(true);
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: 'after-failover', acks: -1, messages: [{ value: 'p0', partition: 0 }, { value: 'p1', partition: 1 }] });
    } finally {
      await producer.disconnect();
    }
    for (let p = 0; p < 2; p++) expect(await cluster().waitForIsr('after-failover', p, { size: 2, timeoutMs: 30_000 })).to.have.length(2);
    await cluster().restartBroker(old, 90_000);
  });
});
