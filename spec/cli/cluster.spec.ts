/**
 * `kafkats cluster` and `kafkats zookeeper` as processes: the cluster starts its own ZooKeeper (the
 * `npm start` path) or uses a given one, prints its status table and `cluster ready`, serves
 * Metadata and /metrics on the announced ports, applies --override, and stops cleanly on SIGTERM;
 * a taken port fails fast with the reason. `kafkats zookeeper` serves until SIGTERM.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fetchClusterMetadata } from '../../lib/testing/cluster.js';
import { canConnect } from '../../lib/testing/broker-process.js';
import { findFreePort, fourLetterWord, sharedZooKeeper, uniqueChroot } from '../../lib/testing/zookeeper-runner.js';
import { KafkaZkClient } from '../../lib/zk/kafka-zk-client.js';
import { CliProcess, kafkats, kafkatsOk } from './support.js';
import { eventually } from '../integration/support.js';

describe('kafkats cluster and kafkats zookeeper', function () {
  this.timeout(90_000);
  let tmp = '';
  const running: CliProcess[] = [];

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-cli-cluster-'));
  });
  afterEach(async function () {
    this.timeout(60_000);
    for (const p of running.splice(0)) await p.stop('SIGKILL');
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('starts ZooKeeper and a broker, reports them ready, serves on the announced ports and stops on SIGTERM', async () => {
    const port = await findFreePort();
    const metricsPort = await findFreePort();
    const zkDefaultFree = !(await canConnect('127.0.0.1', 2181, 500));
    const started = Date.now();
    const p = new CliProcess(['cluster', '--brokers', '1', '--base-port', String(port), '--data-dir', tmp, '--metrics-base-port', String(metricsPort), '--override', 'num.partitions=5']);
    running.push(p);
    await p.waitFor(/^cluster ready$/m, 60_000);
    process.stdout.write(`      (kafkats cluster --brokers 1 with its own ZooKeeper ready in ${Date.now() - started} ms, process start included)\n`);
    expect(p.stdout).to.match(/kafkats cluster: ZooKeeper serving at 127\.0\.0\.1:\d+/);
    if (zkDefaultFree) expect(p.stdout).to.match(/^ZooKeeper: +127\.0\.0\.1:2181 /m); // ZooKeeper's usual port when free
    expect(p.stdout).to.match(new RegExp(`^0\\s+PLAINTEXT://localhost:${port}\\s+yes\\s+http://localhost:${metricsPort}/metrics\\s+\\d+\\s+${tmp.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/broker-0$`, 'm'));
    expect(p.stdout).to.contain(`bootstrap servers: localhost:${port}`);
    expect(p.stdout).to.match(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] INFO  \[broker 0\] \[KafkaServer id=0\] started \(kafka\.server\.KafkaServer\)/m);
    const meta = await fetchClusterMetadata('localhost', port);
    expect(meta.brokers.map((b) => b.nodeId)).to.deep.equal([0]);
    expect(meta.controllerId).to.equal(0);
    const configs = await kafkatsOk(['configs', '--bootstrap-server', `localhost:${port}`, '--entity-type', 'brokers', '--entity-name', '0', '--describe', '--all']);
    expect(configs.stdout).to.match(/^ {2}num\.partitions=5 /m);
    const metrics = await fetch(`http://localhost:${metricsPort}/metrics`);
    expect(metrics.status).to.equal(200);
    expect(fs.existsSync(path.join(tmp, 'broker-0', 'meta.properties'))).to.equal(true);
    expect(fs.existsSync(path.join(tmp, 'zookeeper'))).to.equal(true);

    expect(await p.stop('SIGTERM')).to.equal(0);
    expect(p.stdout).to.match(/kafkats cluster: cluster stopped in \d+ ms/);
    expect(await canConnect('localhost', port, 500)).to.equal(false);
  });

  it('starts a broker killed with -9 again with --restart-crashed', async () => {
    const zk = await sharedZooKeeper();
    const port = await findFreePort();
    const p = new CliProcess(['cluster', '--brokers', '1', '--base-port', String(port), '--zookeeper', `${zk.connectString}${uniqueChroot()}`, '--restart-crashed',
      '--override', 'zookeeper.session.timeout.ms=6000']);
    running.push(p);
    await p.waitFor(/^cluster ready$/m, 60_000);
    const pid = Number(new RegExp(`^0\\s+PLAINTEXT://localhost:${port}\\s+yes\\s+\\S+\\s+(\\d+)`, 'm').exec(p.stdout)![1]);
    process.kill(pid, 'SIGKILL');
    await p.waitFor(/restarting broker 0 \(--restart-crashed\)/, 20_000);
    await p.waitFor(/broker 0 restarted \(pid \d+\)/, 60_000);
    await eventually(async () => (await fetchClusterMetadata('localhost', port)).brokers.length === 1, 20_000, 'the restarted broker in its own metadata');
    expect(await p.stop('SIGTERM')).to.equal(0);
  });

  it('joins a given ZooKeeper under its chroot with --zookeeper', async () => {
    const zk = await sharedZooKeeper();
    const connect = `${zk.connectString}${uniqueChroot()}`;
    const port = await findFreePort();
    const p = new CliProcess(['cluster', '--brokers', '1', '--zookeeper', connect, '--base-port', String(port), '--data-dir', tmp, '--log-format', 'json']);
    running.push(p);
    await p.waitFor(/^cluster ready$/m, 60_000);
    expect(p.stdout).to.contain(`ZooKeeper:         ${connect}\n`);
    expect(p.stdout).to.match(/^\[broker 0\] \{"level":"info",/m);
    const client = await KafkaZkClient.create({ connectString: connect, sessionTimeoutMs: 10_000 });
    try {
      expect(await client.getSortedBrokerList()).to.deep.equal([0]);
    } finally {
      await client.close();
    }
    expect(await p.stop('SIGTERM')).to.equal(0);
  });

  it('fails fast with the reason when a broker port is taken', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const r = await kafkats(['cluster', '--brokers', '1', '--base-port', String(port), '--data-dir', tmp], undefined, 20_000);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.contain(`port ${port} (broker 0) is already in use`);
    } finally {
      server.close();
    }
  });

  it('runs a standalone ZooKeeper until SIGTERM with `kafkats zookeeper`', async () => {
    const port = await findFreePort();
    const p = new CliProcess(['zookeeper', '--port', String(port), '--data-dir', tmp]);
    running.push(p);
    await p.waitFor(new RegExp(`ZooKeeper serving at 127\\.0\\.0\\.1:${port}`), 30_000);
    expect(await fourLetterWord(port, 'ruok')).to.equal('imok');
    expect(fs.existsSync(path.join(tmp, 'zoo.cfg'))).to.equal(true);
    expect(await p.stop('SIGTERM')).to.equal(0);
    expect(await fourLetterWord(port, 'ruok', 500)).to.equal(null);
  });
});
