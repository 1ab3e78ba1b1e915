/**
 * The SocketServer serving SSL and SASL_SSL listeners through their ChannelBuilder, in process,
 * against the NetworkClient the brokers use for inter-broker traffic: the principal a request is
 * served under, nothing served before authentication, the failed-authentication delay on the
 * injected clock.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { SocketServer } from '../../lib/network/socket-server.js';
import type { ConnectionInfo, RequestHandler } from '../../lib/network/connection.js';
import { NetworkClient, type ClientChannelSecurity } from '../../lib/network/network-client.js';
import { buildListenerChannel } from '../../lib/network/channel-builder.js';
import type { ListenerSecurityConfig } from '../../lib/config/listener-security.js';
import type { SslConfig } from '../../lib/security/ssl/ssl-config.js';
import { SslFactory } from '../../lib/security/ssl/ssl-factory.js';
import { loadJaasContext } from '../../lib/security/jaas-config.js';
import { CredentialCache } from '../../lib/security/credential-cache.js';
import { PlainSaslClient } from '../../lib/security/plain/plain-sasl-server.js';
import { createDevCertificateAuthority, type DevCertificateAuthority } from '../../lib/testing/dev-certificates.js';
import { MockTime } from '../../lib/common/time.js';
import { Errors, errorCodeOf } from '../../lib/protocol/errors.js';

const ssl = (over: Partial<SslConfig>): SslConfig => ({
  protocol: 'TLSv1.3', enabledProtocols: ['TLSv1.2', 'TLSv1.3'], cipherSuites: [], clientAuth: 'none',
  endpointIdentificationAlgorithm: 'https', principalMappingRules: 'DEFAULT', keystore: null, truststore: null, ...over,
});

/** Answers every request with its correlation id and the principal it was served under. */
class PrincipalEcho implements RequestHandler {
  served = 0;
  async handle(frame: Buffer, connection: ConnectionInfo): Promise<Buffer[]> {
    this.served++;
    const body = Buffer.concat([frame.subarray(4, 8), Buffer.from(connection.principal.toString())]);
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length, 0);
    return [size, body];
  }
}

function requestFrame(correlationId: number): Buffer[] {
  const b = Buffer.alloc(14);
  b.writeInt32BE(10, 0);
  b.writeInt16BE(3, 4); // Metadata
  b.writeInt16BE(1, 6);
  b.writeInt32BE(correlationId, 8);
  b.writeInt16BE(-1, 12);
  return [b];
}

describe('Authenticated channels (SSL and SASL_SSL listeners, inter-broker client)', function () {
  this.timeout(30_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-channels-'));
  let ca: DevCertificateAuthority;
  let server: SocketServer;
  const handler = new PrincipalEcho();
  const time = new MockTime();
  const clients: NetworkClient[] = [];
  let saslPort = 0;
  let sslPort = 0;
  let reauthPort = 0;

  before(async function () {
    this.timeout(30_000);
    ca = createDevCertificateAuthority(dir);
    const brokerCert = ca.issue('broker');
    const keystore = { type: 'PEM', location: brokerCert.pemPath, password: null };
    const truststore = { type: 'PEM', location: ca.caPath, password: null };
    const deps = { credentials: new CredentialCache([]), time };
    const saslSsl: ListenerSecurityConfig = {
      listenerName: 'SASL_SSL', securityProtocol: 'SASL_SSL', ssl: ssl({ keystore, truststore }),
      sasl: {
        enabledMechanisms: ['PLAIN'],
        mechanisms: new Map([['PLAIN', { mechanism: 'PLAIN', connectionsMaxReauthMs: 0,
          jaas: loadJaasContext('org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-pw";') }]]),
        maxReceiveSize: 524288,
      },
    };
    const reauth: ListenerSecurityConfig = {
      ...saslSsl, listenerName: 'REAUTH',
      sasl: { ...saslSsl.sasl!, mechanisms: new Map([['PLAIN', { ...saslSsl.sasl!.mechanisms.get('PLAIN')!, connectionsMaxReauthMs: 60_000 }]]) },
    };
    const sslOnly: ListenerSecurityConfig = { listenerName: 'SSL', securityProtocol: 'SSL', ssl: ssl({ keystore, truststore, clientAuth: 'required' }), sasl: null };
    server = new SocketServer([
      { name: 'SASL_SSL', host: '127.0.0.1', port: 0, channel: buildListenerChannel(saslSsl, deps) },
      { name: 'SSL', host: '127.0.0.1', port: 0, channel: buildListenerChannel(sslOnly, deps) },
      { name: 'REAUTH', host: '127.0.0.1', port: 0, channel: buildListenerChannel(reauth, deps) },
    ], handler, { maxRequestSize: 1 << 20, queuedMaxRequestBytes: 1 << 20, idleTimeoutMs: 0, failedAuthenticationDelayMs: 5_000, time });
    await server.startup();
    saslPort = server.boundListeners[0]!.boundPort;
    sslPort = server.boundListeners[1]!.boundPort;
    reauthPort = server.boundListeners[2]!.boundPort;
  });
  after(async () => {
    for (const c of clients) c.close();
    await server.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const client = (port: number, security: ClientChannelSecurity): NetworkClient => {
    const c = new NetworkClient({ host: 'localhost', port }, { requestTimeoutMs: 10_000, connectTimeoutMs: 10_000, maxResponseSize: 1 << 20, security, time });
    clients.push(c);
    return c;
  };
  /** Waits (real time) until the broker's connection waits on the mock clock. */
  const waitForTimer = async (): Promise<void> => {
    const deadline = Date.now() + 5_000;
    while (time.pendingTimers() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(time.pendingTimers(), 'the failed-authentication delay').to.equal(1);
  };
  const trustOnly = (): SslFactory => new SslFactory(ssl({ truststore: { type: 'PEM', location: ca.caPath, password: null } }), 'client');

  it('SASL_SSL: a PLAIN login is the principal requests are served under', async () => {
    const c = client(saslPort, { ssl: trustOnly(), newSaslClient: () => new PlainSaslClient('alice', 'alice-pw'), clientId: 'spec' });
    const response = await c.send(41, requestFrame(41));
    expect(response!.readInt32BE(0)).to.equal(41);
    expect(response!.subarray(4).toString()).to.equal('User:alice');
  });

  it('SASL_SSL: no request is served before authentication (the connection closes unanswered)', async () => {
    const before = handler.served;
    const c = client(saslPort, { ssl: trustOnly(), newSaslClient: null, clientId: 'spec' });
    const result = c.send(1, requestFrame(1)).then(() => null, (e: Error) => e);
    // Refused as a failed authentication: closed (unanswered) after the delay.
    await waitForTimer();
    time.advance(5_000);
    const err = await result;
    expect(err?.name).to.equal('NetworkError');
    expect(handler.served).to.equal(before);
  });

  it('SASL_SSL: a wrong password is answered SASL_AUTHENTICATION_FAILED only after connection.failed.authentication.delay.ms', async () => {
    const c = client(saslPort, { ssl: trustOnly(), newSaslClient: () => new PlainSaslClient('alice', 'wrong'), clientId: 'spec' });
    let settled: Error | null | undefined;
    const result = c.send(2, requestFrame(2)).then(() => null, (e: Error) => e).then((e) => (settled = e));
    // The broker holds the answer on its (mock) clock: nothing arrives while it stands still.
    await waitForTimer();
    await new Promise((r) => setTimeout(r, 200));
    expect(settled).to.equal(undefined);
    time.advance(5_000);
    await result;
    expect(settled).to.not.equal(null);
    expect(errorCodeOf(settled)).to.equal(Errors.SASL_AUTHENTICATION_FAILED.code);
    expect(settled!.message).to.equal('Authentication failed: Invalid username or password');
  });

  it('SSL with ssl.client.auth=required: the client certificate\'s DN is the principal; no certificate, no connection', async () => {
    const cert = ca.issue('client-x', { subject: '/O=kafkats/CN=client-x' });
    const withCert = new SslFactory(ssl({ keystore: { type: 'PEM', location: cert.pemPath, password: null }, truststore: { type: 'PEM', location: ca.caPath, password: null } }), 'client');
    const response = await client(sslPort, { ssl: withCert, newSaslClient: null, clientId: 'spec' }).send(3, requestFrame(3));
    expect(response!.subarray(4).toString()).to.equal('User:CN=client-x,O=kafkats');
    const before = handler.served;
    const err = await client(sslPort, { ssl: trustOnly(), newSaslClient: null, clientId: 'spec' }).send(4, requestFrame(4)).then(() => null, (e: Error) => e);
    expect(err).to.not.equal(null);
    expect(handler.served).to.equal(before);
  });

  it('KIP-368: a session bounded by connections.max.reauth.ms ends on the broker; the client authenticates again before it does', async () => {
    const c = client(reauthPort, { ssl: trustOnly(), newSaslClient: () => new PlainSaslClient('alice', 'alice-pw'), clientId: 'spec' });
    expect((await c.send(5, requestFrame(5)))!.subarray(4).toString()).to.equal('User:alice');
    time.advance(60_000);
    // The broker would close the expired connection on this request; the client starts a new session first.
    expect((await c.send(6, requestFrame(6)))!.subarray(4).toString()).to.equal('User:alice');
    time.advance(30_000);
    expect((await c.send(7, requestFrame(7)))!.subarray(4).toString()).to.equal('User:alice');
  });
});
