/**
 * Many partitions on one broker process under a descriptor limit (prlimit): 1,000 RF=1 partitions
 * with RLIMIT_NOFILE 1,500 are created, served and served again after a restart (one descriptor
 * per active segment, not three per segment); with a limit too low for them, the EMFILE is an
 * error — the log dir fails, the broker (its only dir gone) halts — never a silent success.
 * scripts/bench/many-partitions.ts runs the 10,000-partition version.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BrokerProcess } from '../../lib/testing/broker-process.js';
import { fetchClusterMetadata } from '../../lib/testing/cluster.js';
import { findFreePort, sharedZooKeeper, uniqueChroot } from '../../lib/testing/zookeeper-runner.js';
import { createTopicWithPartitions, fetchEach, openDescriptors, produceToEach } from '../../lib/testing/partition-load.js';
import { eventually } from './support.js';

const PARTITIONS = 1000;
const all = Array.from({ length: PARTITIONS }, (_, i) => i);

describe('1,000 partitions on one broker with a descriptor limit', function () {
  this.timeout(300_000);
  let root: string;
  let broker: BrokerProcess | undefined;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-many-'));
  });
  afterEach(async function () {
    this.timeout(60_000);
    await broker?.stop(20_000);
    broker = undefined;
    fs.rmSync(root, { recursive: true, force: true });
  });

  async function startBroker(maxOpenFiles: number): Promise<BrokerProcess> {
    const zk = await sharedZooKeeper();
    const b = new BrokerProcess({
      brokerId: 0, port: await findFreePort(), logDir: path.join(root, 'logs'), zookeeperConnect: `${zk.connectString}${uniqueChroot()}`,
      overrides: { 'offsets.topic.replication.factor': 1, 'transaction.state.log.replication.factor': 1, 'transaction.state.log.min.isr': 1 },
      maxOpenFiles,
    });
    await b.start(120_000);
    await eventually(async () => {
      const m = await fetchClusterMetadata('localhost', b.port);
      return m.controllerId === 0 && m.brokers.length === 1;
    }, 60_000, 'the broker to see itself as controller');
    return b;
  }

  it('creates, serves and, after a restart, serves them again with RLIMIT_NOFILE 1,500', async () => {
    broker = await startBroker(1500);
    const created = await createTopicWithPartitions('localhost', broker.port, 'many', PARTITIONS);
    expect(created.errorCode, `CreateTopics: ${created.errorMessage}`).to.equal(0);
    expect([...(await produceToEach('localhost', broker.port, 'many', all, 'first'))], 'partitions that failed the produce').to.deep.equal([]);
    const fetched = await fetchEach('localhost', broker.port, 'many', all);
    expect([...fetched].filter(([, r]) => r.errorCode !== 0 || r.bytes === 0).length, 'partitions not served').to.equal(0);
    expect(openDescriptors(broker.pid!), 'descriptors of the broker').to.be.below(1500);

    await broker.restart(120_000);
    await eventually(async () => {
      const again = await fetchEach('localhost', broker!.port, 'many', all);
      return again.size === PARTITIONS && [...again.values()].every((r) => r.errorCode === 0 && r.bytes > 0);
    }, 120_000, 'every partition served after the restart');
    expect([...(await produceToEach('localhost', broker.port, 'many', all, 'second'))]).to.deep.equal([]);
    expect(broker.recentOutput(500)).to.not.match(/EMFILE/);
  });

  it('fails the log dir and halts on EMFILE instead of reporting the partitions created', async () => {
    broker = await startBroker(300);
    const b = broker;
    const outcome = await createTopicWithPartitions('localhost', b.port, 'too-many', PARTITIONS, 60_000).then(
      (r) => r.errorCode,
      (err: Error) => err.message,
    );
    expect(outcome, 'CreateTopics outcome').to.not.equal(0);
    await eventually(async () => !b.isRunning, 60_000, 'the broker to halt');
    expect(await b.stop(), 'exit code').to.equal(1);
    expect(b.recentOutput(500)).to.match(/EMFILE/);
    expect(b.recentOutput(500)).to.match(/all log dirs have failed/);
  });
});
