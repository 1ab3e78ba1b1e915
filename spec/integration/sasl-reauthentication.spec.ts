/**
 * KIP-368 re-authentication with a real broker process, real ZooKeeper and real clients: one
 * broker has a SASL_PLAINTEXT listener (SCRAM-SHA-512 and PLAIN) whose sessions last
 * `connections.max.reauth.ms` = 3 s. A kafkajs producer and group consumer keep working for several
 * lifetimes on the connections they opened first (kafkajs re-authenticates on the open connection
 * when less than `reauthenticationThreshold` of the session is left); a connection that does not
 * re-authenticate is closed by the broker on its first request after the session expired (Kafka's
 * Processor), and librdkafka 2.0 (Debian's, under kcat and confluent-kafka-python; KIP-368 support
 * came in librdkafka 2.2) only keeps going by opening a new connection.
 */
import net from 'node:net';
import tls from 'node:tls';
import { expect } from 'chai';
import kafkajs from 'kafkajs';
import { eventually, python, useCluster } from './support.js';
import { findFreePort, sharedZooKeeper, uniqueChroot } from '../../lib/testing/zookeeper-runner.js';
import { KafkaZkClient } from '../../lib/zk/kafka-zk-client.js';
import { ScramFormatter } from '../../lib/security/scram/scram-formatter.js';
import { SCRAM_SHA_512 } from '../../lib/security/scram/scram-mechanism.js';
import { credentialToString } from '../../lib/security/scram/scram-credential.js';
import { ApiKeys, decodeResponse, encodeRequest } from '../../lib/protocol/index.js';
import { Errors } from '../../lib/protocol/errors.js';
import { RawConnection } from './raw-connection.js';

const LIFETIME_MS = 3000;

/** Every socket kafkajs opens, with the API keys of the requests written on it. */
interface TrackedSocket {
  socket: net.Socket;
  apiKeys: number[];
  closed: boolean;
}

function trackingSocketFactory(sockets: TrackedSocket[]): kafkajs.ISocketFactory {
  return ({ host, port, ssl, onConnect }) => {
    const socket: net.Socket = ssl
      ? tls.connect({ host, port, ...(ssl as tls.ConnectionOptions) }, onConnect)
      : net.connect({ host, port }, onConnect);
    const tracked: TrackedSocket = { socket, apiKeys: [], closed: false };
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    // kafkajs writes each request as one size-prefixed buffer: its api key is at offset 4.
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (Buffer.isBuffer(chunk) && chunk.length >= 6) tracked.apiKeys.push(chunk.readInt16BE(4));
      return write(chunk, ...rest);
    }) as typeof socket.write;
    socket.once('close', () => { tracked.closed = true; });
    sockets.push(tracked);
    return socket;
  };
}

describe('KIP-368 re-authentication on a SASL listener (connections.max.reauth.ms, kafkajs, librdkafka)', function () {
  this.timeout(120_000);
  let saslPort = 0;
  let zookeeper = '';

  before(async function () {
    this.timeout(30_000);
    saslPort = await findFreePort();
    zookeeper = `${(await sharedZooKeeper()).connectString}${uniqueChroot()}`;
    const zk = await KafkaZkClient.create({ connectString: zookeeper, sessionTimeoutMs: 10_000 });
    try {
      await zk.createTopLevelPaths();
      await zk.setOrCreateEntityConfigs('users', 'alice', {
        'SCRAM-SHA-512': credentialToString(new ScramFormatter(SCRAM_SHA_512).generateCredential('alice-secret', 4096)),
      });
    } finally {
      await zk.close();
    }
  });

  useCluster(() => ({
    brokers: 1,
    zookeeper,
    extraListeners: () => `SASL://localhost:${saslPort}`,
    brokerOverrides: () => ({
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SASL:SASL_PLAINTEXT',
      'listener.name.sasl.sasl.enabled.mechanisms': 'SCRAM-SHA-512,PLAIN',
      'listener.name.sasl.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
      'listener.name.sasl.plain.sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required user_bob="bob-secret";',
      'listener.name.sasl.connections.max.reauth.ms': LIFETIME_MS,
      'num.partitions': 1,
      'auto.create.topics.enable': true,
    }),
  }));

  const sasl = (): string => `localhost:${saslPort}`;

  async function authenticatePlain(conn: RawConnection): Promise<bigint> {
    const handshake = await conn.exchange(encodeRequest({ requestApiKey: ApiKeys.SASL_HANDSHAKE, requestApiVersion: 1, correlationId: 1, clientId: 'raw' }, { mechanism: 'PLAIN' }));
    expect(decodeResponse(ApiKeys.SASL_HANDSHAKE, 1, handshake!).body.errorCode).to.equal(Errors.NONE.code);
    const answer = await conn.exchange(encodeRequest({ requestApiKey: ApiKeys.SASL_AUTHENTICATE, requestApiVersion: 2, correlationId: 2, clientId: 'raw' },
      { authBytes: Buffer.from('\0bob\0bob-secret') }));
    const body = decodeResponse(ApiKeys.SASL_AUTHENTICATE, 2, answer!).body;
    expect(body.errorCode).to.equal(Errors.NONE.code);
    return body.sessionLifetimeMs;
  }

  const metadataFrame = (correlationId: number): Buffer =>
    encodeRequest({ requestApiKey: ApiKeys.METADATA, requestApiVersion: 9, correlationId, clientId: 'raw' }, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });

  it('SaslAuthenticate carries session_lifetime_ms; a connection that does not re-authenticate is closed on its first request after expiry', async () => {
    const conn = await RawConnection.open(sasl());
    try {
      const started = Date.now();
      expect(await authenticatePlain(conn)).to.equal(BigInt(LIFETIME_MS));
      const before = await conn.exchange(metadataFrame(3));
      expect(before, 'a request within the session is answered').to.not.equal(null);
      expect(decodeResponse(ApiKeys.METADATA, 9, before!).correlationId).to.equal(3);
      // Idle past the session's end: the broker does nothing until the next request, then closes.
      await new Promise((r) => setTimeout(r, LIFETIME_MS - (Date.now() - started) + 500));
      expect(conn.closed, 'the broker does not close an idle expired connection by itself').to.equal(false);
      expect(await conn.exchange(metadataFrame(4)), 'the first request after expiry is not answered').to.equal(null);
      expect(conn.closed).to.equal(true);
    } finally {
      conn.close();
    }
  });

  it('re-authentication on the open connection (SaslHandshake again, same principal) renews the session', async () => {
    const conn = await RawConnection.open(sasl());
    try {
      expect(await authenticatePlain(conn)).to.equal(BigInt(LIFETIME_MS));
      for (let round = 0; round < 3; round++) {
        await new Promise((r) => setTimeout(r, LIFETIME_MS / 2 + 200));
        expect(await authenticatePlain(conn), `re-authentication ${round + 1}`).to.equal(BigInt(LIFETIME_MS));
        const answer = await conn.exchange(metadataFrame(10 + round));
        expect(answer, `a request after re-authentication ${round + 1}`).to.not.equal(null);
      }
    } finally {
      conn.close();
    }
  });

  it('a kafkajs producer and group consumer over SCRAM-SHA-512 keep their connections for several session lifetimes by re-authenticating', async () => {
    const sockets: TrackedSocket[] = [];
    const kafka = new kafkajs.Kafka({
      clientId: 'reauth-spec',
      brokers: [sasl()],
      sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'alice-secret' },
      // Re-authenticate once less than 1.5 s of the 3 s session is left.
      reauthenticationThreshold: LIFETIME_MS / 2,
      socketFactory: trackingSocketFactory(sockets),
      logLevel: kafkajs.logLevel.NOTHING,
      // Retries cover __consumer_offsets being created; a closed connection shows in `sockets`.
      retry: { initialRetryTime: 200, retries: 10 },
    });
    const topic = 'reauth-topic';
    const admin = kafka.admin();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    const consumer = kafka.consumer({ groupId: 'reauth-group', maxWaitTimeInMs: 500, heartbeatInterval: 500 });
    const received: string[] = [];
    const crashes: unknown[] = [];
    consumer.on(consumer.events.CRASH, (e) => crashes.push(e.payload.error));
    try {
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => { received.push(message.value!.toString()); } });
      // Produce steadily for four session lifetimes.
      const end = Date.now() + 4 * LIFETIME_MS;
      let sent = 0;
      while (Date.now() < end) {
        await producer.send({ topic, messages: [{ value: `m-${sent}` }] });
        sent++;
        await new Promise((r) => setTimeout(r, 200));
      }
      await eventually(async () => received.length >= sent, 30_000, `${sent} records consumed (have ${received.length})`);
      expect(received).to.deep.equal(Array.from({ length: sent }, (_, i) => `m-${i}`));
      expect(crashes).to.deep.equal([]);
      expect(sockets.filter((s) => s.closed).length, 'no connection was closed').to.equal(0);
      // Each connection that lived past a lifetime authenticated more than once on the same socket.
      const handshakes = sockets.map((s) => s.apiKeys.filter((k) => k === ApiKeys.SASL_HANDSHAKE).length);
      expect(Math.max(...handshakes), `SaslHandshakes per connection: ${handshakes.join(', ')}`).to.be.at.least(3);
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  });

  it('librdkafka 2.0 (confluent-kafka-python; KIP-368 came in librdkafka 2.2) is disconnected when its session expires and carries on over a new connection', async () => {
    // One consumer polls for three lifetimes; a record produced after its first session expired still arrives.
    const script = `
import sys, time
from confluent_kafka import Consumer, Producer, TopicPartition
conf = {'bootstrap.servers': sys.argv[1], 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanisms': 'PLAIN',
        'sasl.username': 'bob', 'sasl.password': 'bob-secret'}
p = Producer(conf)
p.produce('reauth-python', b'one'); p.flush(30)
c = Consumer(dict(conf, **{'group.id': 'reauth-python', 'auto.offset.reset': 'earliest', 'fetch.wait.max.ms': 200}))
c.assign([TopicPartition('reauth-python', 0, 0)])
seen = []
end = time.time() + 3 * ${LIFETIME_MS / 1000}
produced = False
while time.time() < end or len(seen) < 2:
    if time.time() > end + 30: break
    m = c.poll(0.2)
    if m is not None and m.error() is None:
        seen.append(m.value().decode())
    if not produced and time.time() > end - ${LIFETIME_MS / 1000}:
        p.produce('reauth-python', b'two'); p.flush(30); produced = True
c.close()
print(','.join(seen))
`;
    const r = await python(script, [sasl()], 90_000);
    expect(r.stdout.toString(), r.stderr).to.equal('one,two\n');
    expect(r.stderr, 'librdkafka logs the broker closing its expired connection').to.match(/Disconnected/);
  });
});
