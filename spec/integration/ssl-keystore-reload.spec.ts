/**
 * A listener's key store replaced without a restart (KIP-226 per-broker dynamic config), on a real
 * broker process with a real ZooKeeper: IncrementalAlterConfigs on the broker's own BROKER
 * resource sets `listener.name.ssl.ssl.keystore.location` to a new PKCS12 store; new TLS
 * connections get the new certificate, an open one goes on with the old. As in Kafka, the update
 * is validated first: a store that cannot be loaded, or whose certificate has another
 * distinguished name, is refused with INVALID_REQUEST and the listener keeps its certificate; the
 * unprefixed key and the cluster-wide default are refused with Kafka's messages. Setting the same
 * location again reloads a file replaced in place; a password is refused without
 * password.encoder.secret (Kafka stores dynamic passwords only encrypted). A restarted broker
 * serves the stored key store.
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { eventually, request, useCluster } from './support.js';
import { RawConnection } from './raw-connection.js';
import { kafkatsOk } from '../cli/support.js';
import { createDevCertificateAuthority, DEV_STORE_PASSWORD, type DevCertificate, type DevCertificateAuthority } from '../../lib/testing/dev-certificates.js';
import { findFreePort } from '../../lib/testing/zookeeper-runner.js';
import { ApiKeys, decodeResponse, encodeRequest } from '../../lib/protocol/index.js';
import { Errors, errorForCode } from '../../lib/protocol/errors.js';

const BROKER_RESOURCE = 4;
const SET = 0;

describe('SSL key store reload without restart (listener.name.<l>.ssl.keystore.location as a per-broker dynamic config)', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-keystore-reload-'));
  let ca: DevCertificateAuthority;
  let first: DevCertificate;
  let second: DevCertificate;
  let third: DevCertificate;
  let otherName: DevCertificate;
  let sslPort = 0;

  before(async () => {
    ca = createDevCertificateAuthority(dir);
    first = ca.issue('broker-first', { subject: '/CN=broker' });
    second = ca.issue('broker-second', { subject: '/CN=broker' });
    third = ca.issue('broker-third', { subject: '/CN=broker' });
    otherName = ca.issue('broker-renamed', { subject: '/CN=someone-else' });
    sslPort = await findFreePort();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cluster = useCluster(() => ({
    brokers: 1,
    extraListeners: () => `SSL://localhost:${sslPort}`,
    brokerOverrides: () => ({
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SSL:SSL',
      'listener.name.ssl.ssl.keystore.type': 'PKCS12',
      'listener.name.ssl.ssl.keystore.location': first.p12Path,
      'listener.name.ssl.ssl.keystore.password': DEV_STORE_PASSWORD,
    }),
  }));

  const ssl = (): string => `localhost:${sslPort}`;
  const serialOf = (cert: DevCertificate): string => new X509Certificate(cert.certPem).serialNumber;

  async function alter(resourceName: string, name: string, value: string): Promise<{ error: string; message: string | null }> {
    const r = await request(cluster().bootstrapServers[0]!, ApiKeys.INCREMENTAL_ALTER_CONFIGS, 1, {
      resources: [{ resourceType: BROKER_RESOURCE, resourceName, configs: [{ name, configOperation: SET, value }] }],
      validateOnly: false,
    });
    return { error: errorForCode(r.responses[0]!.errorCode).name, message: r.responses[0]!.errorMessage };
  }

  async function servedSerial(): Promise<string> {
    const conn = await RawConnection.openTls(ssl(), ca.caPem);
    try {
      return conn.peerCertificate!.serialNumber;
    } finally {
      conn.close();
    }
  }

  const metadataFrame = (correlationId: number): Buffer =>
    encodeRequest({ requestApiKey: ApiKeys.METADATA, requestApiVersion: 9, correlationId, clientId: 'spec' }, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });

  async function metadataAnswered(conn: RawConnection, correlationId: number): Promise<boolean> {
    const answer = await conn.exchange(metadataFrame(correlationId));
    return answer !== null && decodeResponse(ApiKeys.METADATA, 9, answer).correlationId === correlationId;
  }

  it('serves the new certificate to new connections; an open connection keeps working', async () => {
    const old = await RawConnection.openTls(ssl(), ca.caPem);
    try {
      expect(old.peerCertificate!.serialNumber).to.equal(serialOf(first));
      expect(await metadataAnswered(old, 1)).to.equal(true);
      // As README says it: Kafka's kafka-configs.sh command line.
      const cli = await kafkatsOk(['configs', '--bootstrap-server', cluster().bootstrapServers[0]!, '--entity-type', 'brokers', '--entity-name', '0',
        '--alter', '--add-config', `listener.name.ssl.ssl.keystore.location=${second.p12Path}`]);
      expect(cli.stdout).to.equal('Completed updating config for broker 0.\n');
      await eventually(async () => (await servedSerial()) === serialOf(second), 30_000, 'new connections get the new certificate');
      expect(await metadataAnswered(old, 2), 'the connection opened before the change').to.equal(true);
      expect(old.peerCertificate!.serialNumber).to.equal(serialOf(first));
    } finally {
      old.close();
    }
  });

  it('refuses a key store that cannot be loaded, one with another distinguished name, the unprefixed key and the cluster default; the certificate stays', async () => {
    const before = await servedSerial();
    const missing = await alter('0', 'listener.name.ssl.ssl.keystore.location', path.join(dir, 'missing.p12'));
    expect(missing.error).to.equal(Errors.INVALID_REQUEST.name);
    expect(missing.message).to.include('missing.p12');
    const renamed = await alter('0', 'listener.name.ssl.ssl.keystore.location', otherName.p12Path);
    expect(renamed.error).to.equal(Errors.INVALID_REQUEST.name);
    expect(renamed.message).to.match(/DistinguishedName does not match/);
    const notAPkcs12 = await alter('0', 'listener.name.ssl.ssl.keystore.location', ca.caPath);
    expect(notAPkcs12.error).to.equal(Errors.INVALID_REQUEST.name);
    expect(await alter('0', 'ssl.keystore.location', second.p12Path)).to.deep.equal({ error: Errors.INVALID_REQUEST.name,
      message: 'These security configs can be dynamically updated only per-listener using the listener prefix: Set(ssl.keystore.location)' });
    expect(await alter('', 'listener.name.ssl.ssl.keystore.location', second.p12Path)).to.deep.equal({ error: Errors.INVALID_REQUEST.name,
      message: 'Cannot update these configs at default cluster level, broker id must be specified: Set(listener.name.ssl.ssl.keystore.location)' });
    // Nothing was stored: the broker still serves its certificate, also to connections made later.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await servedSerial()).to.equal(before);
    const conn = await RawConnection.openTls(ssl(), ca.caPem);
    try {
      expect(await metadataAnswered(conn, 3)).to.equal(true);
    } finally {
      conn.close();
    }
  });

  it('setting the same location again reloads a key store file replaced in place; a password is not stored without password.encoder.secret', async () => {
    const live = path.join(dir, 'live.p12');
    fs.copyFileSync(first.p12Path, live);
    expect(await alter('0', 'listener.name.ssl.ssl.keystore.location', live)).to.deep.equal({ error: 'NONE', message: null });
    await eventually(async () => (await servedSerial()) === serialOf(first), 30_000, 'the live key store is served');
    fs.copyFileSync(third.p12Path, live);
    const later = new Date(Date.now() + 2000);
    fs.utimesSync(live, later, later);
    expect(await alter('0', 'listener.name.ssl.ssl.keystore.location', live)).to.deep.equal({ error: 'NONE', message: null });
    await eventually(async () => (await servedSerial()) === serialOf(third), 30_000, 'the replaced file is served');
    const password = await alter('0', 'listener.name.ssl.ssl.keystore.password', DEV_STORE_PASSWORD);
    expect(password).to.deep.equal({ error: Errors.INVALID_CONFIG.name,
      message: "Invalid config value for resource ConfigResource(type=BROKER, name='0'): Password encoder secret not configured" });
  });

  it('a restarted broker serves the key store set dynamically (read from /config/brokers/<id>)', async () => {
    await cluster().restartBroker(0);
    expect(await servedSerial()).to.equal(serialOf(third));
  });
});
