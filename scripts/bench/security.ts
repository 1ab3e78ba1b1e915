/**
 * Produce and consume throughput over PLAINTEXT, SSL and SASL_SSL (SCRAM-SHA-512) listeners of the
 * same broker, in the same run (issue 15): ZooKeeper and one broker (`--brokers 3` for three, RF=3
 * and acks=all) started with lib/testing/cluster.ts from dist/ (run `npm run build` first), a
 * throw-away CA and broker certificate from lib/testing/dev-certificates.ts, a SCRAM user made with
 * AlterUserScramCredentials, and kcat (librdkafka) reading a file of one record per line.
 * Followers replicate over the inter-broker listener: PLAINTEXT by default, the SASL_SSL one with
 * `--inter-broker SASL_SSL` (SCRAM-SHA-512 as User:broker, whose credentials are written to
 * ZooKeeper before the brokers start, as Kafka's docs say).
 *
 *   node --import tsx scripts/bench/security.ts
 *   options: --records N (default 500000), --size B (default 100), --repeat N (default 3, median
 *            reported; the listeners take turns within each round), --brokers 1|3,
 *            --inter-broker PLAINTEXT|SASL_SSL (default PLAINTEXT)
 *
 * Prints one markdown table: records/s and MB/s of record payload per listener, produce and
 * consume, and each listener's ratio to PLAINTEXT.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCluster, type RunningCluster } from '../../lib/testing/cluster.js';
import { createDevCertificateAuthority, DEV_STORE_PASSWORD } from '../../lib/testing/dev-certificates.js';
import { findFreePort, startZooKeeper, uniqueChroot } from '../../lib/testing/zookeeper-runner.js';
import { pino } from 'pino';
import { KafkaZkClient } from '../../lib/zk/kafka-zk-client.js';
import { setRootLogger } from '../../lib/utils/logger.js';
import { credentialToString } from '../../lib/security/scram/scram-credential.js';
import { ScramFormatter } from '../../lib/security/scram/scram-formatter.js';
import { SCRAM_SHA_512 } from '../../lib/security/scram/scram-mechanism.js';
import { ApiKeys } from '../../lib/protocol/index.js';
import { createTopic, request } from '../../spec/integration/support.js';
import { fmtRate, machineLine, markdownTable, median, recordFile, runTimed } from './bench-support.js';

// The ZooKeeper client writing the broker user logs at info: the table stays alone on stdout.
setRootLogger(pino({ level: 'warn' }, pino.destination(2)));

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const RECORDS = Number(option('--records') ?? 500_000);
const SIZE = Number(option('--size') ?? 100);
const REPEAT = Number(option('--repeat') ?? 3);
const BROKERS = Number(option('--brokers') ?? 1);
const RF = BROKERS >= 3 ? 3 : 1;
const ACKS = RF === 1 ? '1' : 'all';
const WARM_UP_RECORDS = 100;
const INTER_BROKER = (option('--inter-broker') ?? 'PLAINTEXT').toUpperCase();
if (INTER_BROKER !== 'PLAINTEXT' && INTER_BROKER !== 'SASL_SSL') throw new Error('--inter-broker is PLAINTEXT or SASL_SSL');
const USER = 'bench';
const BROKER_USER = 'broker';
const BROKER_PASSWORD = 'broker-secret';
const PASSWORD = 'bench-secret';

function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

interface Listener {
  name: 'PLAINTEXT' | 'SSL' | 'SASL_SSL';
  bootstrap: string;
  /** kcat -X arguments of Kafka's client security keys. */
  args: string[];
}

async function measure(listener: Listener, cluster: RunningCluster, file: string, round: number): Promise<{ produce: number; consume: number }> {
  const topic = `security-${listener.name.toLowerCase()}-${round}`;
  await createTopic(cluster, topic, 1, RF);
  const common = ['-b', listener.bootstrap, '-t', topic, ...listener.args];
  // A few records first, so that the timed run starts on a warm topic and an established session.
  const warm = path.join(path.dirname(file), 'warm.txt');
  fs.writeFileSync(warm, 'w\n'.repeat(WARM_UP_RECORDS));
  const w = await runTimed('kcat', ['-P', ...common, '-X', `acks=${ACKS}`], { stdinFile: warm, timeoutMs: 60_000 });
  if (w.code !== 0) throw new Error(`${listener.name}: warm-up kcat -P exited ${w.code}: ${w.stderr.slice(-500)}`);
  const p = await runTimed('kcat', ['-P', ...common, '-X', 'linger.ms=5', '-X', 'batch.num.messages=10000', '-X', `acks=${ACKS}`], { stdinFile: file });
  if (p.code !== 0) throw new Error(`${listener.name}: kcat -P exited ${p.code}: ${p.stderr.slice(-500)}`);
  // acks=all counts only on a full ISR: the followers did replicate over the inter-broker listener.
  if (RF > 1) await cluster.waitForIsr(topic, 0, { size: RF, timeoutMs: 30_000 });
  // As in cluster.ts: -c N exits on the last record; queued.min.messages keeps librdkafka fetching.
  const quoted = common.map((a) => `'${a}'`).join(' ');
  const c = await runTimed('sh', ['-c', `kcat -C -q -e -c ${RECORDS + WARM_UP_RECORDS} -o beginning -X queued.min.messages=1000000 ${quoted} | wc -l`]);
  const got = Number(c.stdout.trim()) - WARM_UP_RECORDS;
  if (got !== RECORDS) throw new Error(`${listener.name}: kcat -C read ${got} of ${RECORDS} records: ${c.stderr.slice(-500)}`);
  return { produce: RECORDS / (p.ms / 1000), consume: RECORDS / (c.ms / 1000) };
}

/** The inter-broker SCRAM user, in ZooKeeper before any broker starts. */
async function createBrokerUser(zookeeper: string): Promise<void> {
  const zk = await KafkaZkClient.create({ connectString: zookeeper, sessionTimeoutMs: 10_000 });
  try {
    await zk.createTopLevelPaths();
    await zk.setOrCreateEntityConfigs('users', BROKER_USER, {
      'SCRAM-SHA-512': credentialToString(new ScramFormatter(SCRAM_SHA_512).generateCredential(BROKER_PASSWORD, 4096)),
    });
  } finally {
    await zk.close();
  }
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const machine = machineLine();
  log(machine);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-bench-security-'));
  const ca = createDevCertificateAuthority(path.join(tmp, 'certs'));
  const brokerCert = ca.issue('broker');
  const sslPorts: number[] = [];
  const saslPorts: number[] = [];
  for (let i = 0; i < BROKERS; i++) {
    sslPorts.push(await findFreePort());
    saslPorts.push(await findFreePort());
  }
  log(`starting ZooKeeper and ${BROKERS} broker(s) with PLAINTEXT, SSL and SASL_SSL listeners (inter-broker: ${INTER_BROKER})`);
  const zk = await startZooKeeper({ dataDir: path.join(tmp, 'zookeeper') });
  const zookeeper = `${zk.connectString}${uniqueChroot()}`;
  if (INTER_BROKER === 'SASL_SSL') await createBrokerUser(zookeeper);
  const interBroker: Record<string, string> = INTER_BROKER === 'SASL_SSL'
    ? { 'inter.broker.listener.name': 'SASL_SSL', 'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512' }
    : {};
  const cluster = await startCluster({
    brokers: BROKERS,
    zookeeper,
    output: 'buffer',
    extraListeners: (i) => `SSL://localhost:${sslPorts[i]},SASL_SSL://localhost:${saslPorts[i]}`,
    overrides: {
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL',
      ...interBroker,
      'listener.name.sasl_ssl.sasl.enabled.mechanisms': 'SCRAM-SHA-512',
      // The broker's own credentials (used when it connects as the inter-broker client).
      'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config':
        `org.apache.kafka.common.security.scram.ScramLoginModule required username="${BROKER_USER}" password="${BROKER_PASSWORD}";`,
      'ssl.keystore.type': 'PKCS12',
      'ssl.keystore.location': brokerCert.p12Path,
      'ssl.keystore.password': DEV_STORE_PASSWORD,
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': ca.caPath,
    },
  });
  const rates = new Map<Listener['name'], { produce: number[]; consume: number[] }>();
  try {
    const meta = await cluster.waitUntilReady(60_000, BROKERS);
    const salt = Buffer.from('salt-of-bench');
    const res = await request(cluster.broker(meta.controllerId).bootstrap, ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, 0, {
      deletions: [],
      upsertions: [{ name: USER, mechanism: SCRAM_SHA_512.type, iterations: 4096, salt, saltedPassword: new ScramFormatter(SCRAM_SHA_512).saltedPassword(PASSWORD, salt, 4096) }],
    });
    if (res.results.some((r) => r.errorCode !== 0)) throw new Error(`AlterUserScramCredentials failed: ${JSON.stringify(res.results)}`);
    const listeners: Listener[] = [
      { name: 'PLAINTEXT', bootstrap: cluster.bootstrapServers.join(','), args: [] },
      { name: 'SSL', bootstrap: sslPorts.map((p) => `localhost:${p}`).join(','), args: ['-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${ca.caPath}`] },
      { name: 'SASL_SSL', bootstrap: saslPorts.map((p) => `localhost:${p}`).join(','), args: ['-X', 'security.protocol=SASL_SSL', '-X', 'sasl.mechanisms=SCRAM-SHA-512',
        '-X', `sasl.username=${USER}`, '-X', `sasl.password=${PASSWORD}`, '-X', `ssl.ca.location=${ca.caPath}`] },
    ];
    const file = recordFile(tmp, RECORDS, SIZE);
    for (let round = 0; round < REPEAT; round++) {
      for (const l of listeners) {
        const r = await measure(l, cluster, file, round);
        const entry = rates.get(l.name) ?? { produce: [], consume: [] };
        entry.produce.push(r.produce);
        entry.consume.push(r.consume);
        rates.set(l.name, entry);
        log(`round ${round + 1}/${REPEAT} ${l.name}: produce ${fmtRate(r.produce)} rec/s, consume ${fmtRate(r.consume)} rec/s`);
      }
    }
  } finally {
    await cluster.stop();
    await zk.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const base = rates.get('PLAINTEXT')!;
  const rows: string[][] = [];
  for (const [name, r] of rates) {
    for (const op of ['produce', 'consume'] as const) {
      const m = median(r[op]);
      const spread = r[op].length > 1 ? ` (${fmtRate(Math.min(...r[op]))}–${fmtRate(Math.max(...r[op]))})` : '';
      rows.push([name, op, `${fmtRate(m)} rec/s${spread}`, ((m * SIZE) / 1e6).toFixed(1), name === 'PLAINTEXT' ? '1.00' : (m / median(base[op])).toFixed(2)]);
    }
  }
  const table = markdownTable(['listener', 'kcat', `records/s (median of ${REPEAT}, min–max)`, 'MB/s', 'ratio to PLAINTEXT'], rows);
  process.stdout.write(`\nMachine: ${machine}\nCommand: node --import tsx scripts/bench/security.ts ${argv.join(' ')} (${((Date.now() - t0) / 1000).toFixed(0)} s; ${BROKERS} broker(s), RF=${RF}, acks=${ACKS}, inter-broker ${INTER_BROKER}, ${fmtRate(RECORDS).replace(' ', '')} × ${SIZE} B records, 1 partition)\n\n${table}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
