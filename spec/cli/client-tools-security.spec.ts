/**
 * `--command-config` (Kafka's client security keys in a properties file) on console-producer,
 * console-consumer and consumer-groups, against a broker whose client listener is SASL_SSL:
 * SCRAM-SHA-512 (a user made with `kafkats configs`) over TLS trusting the throw-away CA. The
 * tools produce, consume in a group and from a partition, and describe the group; a wrong password
 * is a readable error; Kafka's older `--producer.config` / `--consumer.config` names work too.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { kafkats, kafkatsOk } from './support.js';
import { useCluster } from '../integration/support.js';
import { createDevCertificateAuthority, DEV_STORE_PASSWORD, type DevCertificateAuthority } from '../../lib/testing/dev-certificates.js';
import { findFreePort } from '../../lib/testing/zookeeper-runner.js';

const SCRAM_JAAS = (user: string, password: string): string =>
  `org.apache.kafka.common.security.scram.ScramLoginModule required username="${user}" password="${password}";`;

describe('console-producer, console-consumer and consumer-groups with --command-config over SASL_SSL', function () {
  this.timeout(180_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-client-tools-'));
  let ca: DevCertificateAuthority;
  let saslPort = 0;
  let brokerP12 = '';

  before(async () => {
    ca = createDevCertificateAuthority(dir);
    brokerP12 = ca.issue('broker').p12Path;
    saslPort = await findFreePort();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cluster = useCluster(() => ({
    brokers: 1,
    extraListeners: () => `SECURE://localhost:${saslPort}`,
    brokerOverrides: () => ({
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SECURE:SASL_SSL',
      'listener.name.secure.sasl.enabled.mechanisms': 'SCRAM-SHA-512',
      'listener.name.secure.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
      'ssl.keystore.type': 'PKCS12',
      'ssl.keystore.location': brokerP12,
      'ssl.keystore.password': DEV_STORE_PASSWORD,
      'connection.failed.authentication.delay.ms': 100,
    }),
  }));

  const secure = (): string => `localhost:${saslPort}`;

  function clientConfig(name: string, password: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, ['security.protocol=SASL_SSL', 'sasl.mechanism=SCRAM-SHA-512', `sasl.jaas.config=${SCRAM_JAAS('alice', password)}`,
      'ssl.truststore.type=PEM', `ssl.truststore.location=${ca.caPath}`, ''].join('\n'));
    return file;
  }

  before(async function () {
    this.timeout(60_000);
    await kafkatsOk(['configs', '--bootstrap-server', cluster().bootstrapServers[0]!, '--entity-type', 'users', '--entity-name', 'alice',
      '--alter', '--add-config', 'SCRAM-SHA-512=[password=alice-secret]']);
    await kafkatsOk(['topics', '--bootstrap-server', cluster().bootstrapServers[0]!, '--create', '--topic', 'secure-orders', '--partitions', '2']);
  });

  it('console-producer and console-consumer (group and partition) produce and consume; consumer-groups describes the group', async () => {
    const config = clientConfig('alice.properties', 'alice-secret');
    const lines = Array.from({ length: 20 }, (_, i) => `k${i}:v${i}`);
    await kafkatsOk(['console-producer', '--bootstrap-server', secure(), '--command-config', config, '--topic', 'secure-orders',
      '--property', 'parse.key=true', '--property', 'key.separator=:'], lines.join('\n') + '\n', 60_000);
    const group = await kafkatsOk(['console-consumer', '--bootstrap-server', secure(), '--command-config', config, '--topic', 'secure-orders',
      '--group', 'secure-group', '--from-beginning', '--max-messages', '20', '--property', 'print.key=true', '--property', 'key.separator=:'], undefined, 60_000);
    expect(group.stdout.trim().split('\n').sort()).to.deep.equal([...lines].sort());
    const one = await kafkatsOk(['console-consumer', '--bootstrap-server', secure(), '--command-config', config, '--topic', 'secure-orders',
      '--partition', '0', '--offset', 'earliest', '--timeout-ms', '3000']);
    expect(one.stdout.trim().split('\n').length).to.be.greaterThan(0);
    const described = await kafkatsOk(['consumer-groups', '--bootstrap-server', secure(), '--command-config', config, '--describe', '--group', 'secure-group']);
    expect(described.stdout).to.match(/secure-group\s+secure-orders\s+0\s+\d+\s+\d+\s+0/);
    expect(described.stdout).to.match(/secure-group\s+secure-orders\s+1\s+\d+\s+\d+\s+0/);
    const listed = await kafkatsOk(['consumer-groups', '--bootstrap-server', secure(), '--command-config', config, '--list']);
    expect(listed.stdout.split('\n')).to.include('secure-group');
  });

  it('takes Kafka\'s older --producer.config / --consumer.config names', async () => {
    const config = clientConfig('alice-old-names.properties', 'alice-secret');
    await kafkatsOk(['console-producer', '--bootstrap-server', secure(), '--producer.config', config, '--topic', 'secure-orders', '--partition', '1'], 'old-name\n', 60_000);
    const r = await kafkatsOk(['console-consumer', '--bootstrap-server', secure(), '--consumer.config', config, '--topic', 'secure-orders',
      '--partition', '1', '--offset', 'earliest', '--timeout-ms', '3000']);
    expect(r.stdout.split('\n')).to.include('old-name');
  });

  it('a wrong password is a readable error from each tool (exit 1), not a hang', async () => {
    const config = clientConfig('wrong.properties', 'not-the-password');
    const runs = await Promise.all([
      kafkats(['console-producer', '--bootstrap-server', secure(), '--command-config', config, '--topic', 'secure-orders'], 'x\n', 60_000),
      kafkats(['console-consumer', '--bootstrap-server', secure(), '--command-config', config, '--topic', 'secure-orders', '--group', 'g-wrong', '--timeout-ms', '5000'], undefined, 60_000),
      kafkats(['consumer-groups', '--bootstrap-server', secure(), '--command-config', config, '--list'], undefined, 60_000),
    ]);
    for (const r of runs) {
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stderr).to.match(/SCRAM-SHA-512|authentication/i);
    }
  });
});
