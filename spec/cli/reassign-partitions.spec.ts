/**
 * `kafkats reassign-partitions` against the shared 3-broker cluster: --generate proposes an
 * assignment over a broker list, --execute starts it and prints the rollback JSON, --verify reports
 * Kafka's status lines until it is complete, --list/--cancel handle a reassignment that waits for a
 * stopped broker, --zookeeper writes /admin/reassign_partitions as Kafka 2's tool did, and bad
 * input gets Kafka's messages.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { eventually, request, withZk } from '../integration/support.js';
import { bootstrapOf, kafkats, kafkatsOk, useCliCluster } from './support.js';
import { ReassignPartitionsZNode } from '../../lib/zk/admin-znodes.js';

interface Plan { version: number; partitions: Array<{ topic: string; partition: number; replicas: number[]; log_dirs: string[] }> }

describe('kafkats reassign-partitions', function () {
  this.timeout(120_000);
  const cluster = useCliCluster();
  const bs = (): string => bootstrapOf(cluster());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-reassign-cli-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: unknown): string => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
    return p;
  };

  async function replicasOf(topic: string): Promise<number[][]> {
    const m = await request(cluster().brokers.find((b) => b.isRunning)!.bootstrap, 3, 9, { topics: [{ name: topic }], allowAutoTopicCreation: false });
    return m.topics[0]!.partitions.sort((a, b) => a.partitionIndex - b.partitionIndex).map((p) => [...p.replicaNodes]);
  }

  it('generates a plan over a broker list, executes it (printing the rollback JSON) and verifies it to completion', async () => {
    await kafkatsOk(['topics', '--bootstrap-server', bs(), '--create', '--topic', 'cli-move', '--replica-assignment', '0:1,1:0,0:1,1:0']);
    const topicsFile = file('topics.json', { version: 1, topics: [{ topic: 'cli-move' }] });
    const g = await kafkatsOk(['reassign-partitions', '--bootstrap-server', bs(), '--generate', '--topics-to-move-json-file', topicsFile, '--broker-list', '1,2']);
    const lines = g.stdout.split('\n');
    expect(lines[0]).to.equal('Current partition replica assignment');
    expect(lines[1]).to.equal('{"version":1,"partitions":[{"topic":"cli-move","partition":0,"replicas":[0,1],"log_dirs":["any","any"]},{"topic":"cli-move","partition":1,"replicas":[1,0],"log_dirs":["any","any"]},{"topic":"cli-move","partition":2,"replicas":[0,1],"log_dirs":["any","any"]},{"topic":"cli-move","partition":3,"replicas":[1,0],"log_dirs":["any","any"]}]}');
    expect(lines[2]).to.equal('');
    expect(lines[3]).to.equal('Proposed partition reassignment configuration');
    const proposed = JSON.parse(lines[4]!) as Plan;
    expect(proposed.partitions.map((p) => p.partition)).to.deep.equal([0, 1, 2, 3]);
    for (const p of proposed.partitions) {
      expect(p.replicas).to.have.length(2);
      expect(new Set(p.replicas)).to.deep.equal(new Set([1, 2]));
    }
    const planFile = file('plan.json', lines[4]!);
    const e = await kafkatsOk(['reassign-partitions', '--bootstrap-server', bs(), '--execute', '--reassignment-json-file', planFile]);
    expect(e.stdout).to.equal(`Current partition replica assignment\n\n${lines[1]}\n\nSave this to use as the --reassignment-json-file option during rollback\n`
      + 'Successfully started partition reassignments for cli-move-0,cli-move-1,cli-move-2,cli-move-3\n');
    const done = await eventually(async () => {
      const v = await kafkatsOk(['reassign-partitions', '--bootstrap-server', bs(), '--verify', '--reassignment-json-file', planFile]);
      return v.stdout.includes('still in progress') ? undefined : v.stdout;
    }, 60_000, 'verify reports completion');
    expect(done).to.equal('Status of partition reassignment:\n'
      + [0, 1, 2, 3].map((p) => `Reassignment of partition cli-move-${p} is completed.\n`).join('')
      + '\nClearing broker-level throttles on brokers 0,1,2\nClearing topic-level throttles on topic cli-move\n');
    expect(await replicasOf('cli-move')).to.deep.equal(proposed.partitions.map((p) => p.replicas));
    // Rolling back with the printed JSON, then verifying against the old plan names the difference.
    await kafkatsOk(['reassign-partitions', '--bootstrap-server', bs(), '--execute', '--reassignment-json-file', file('rollback.json', lines[1]!)]);
    await eventually(async () => (await replicasOf('cli-move')).join(';') === '0,1;1,0;0,1;1,0', 60_000, 'rolled back');
    const differs = await kafkatsOk(['reassign-partitions', '--bootstrap-server', bs(), '--verify', '--reassignment-json-file', planFile, '--preserve-throttles']);
    expect(differs.stdout).to.contain(`There is no active reassignment of partition cli-move-0, but replica set is 0,1 rather than ${proposed.partitions[0]!.replicas.join(',')}.`);
    expect(differs.stdout).to.not.contain('Clearing');
  });

  it('lists and cancels a reassignment waiting for a stopped broker; --execute refuses while one is active unless --additional', async () => {
    await kafkatsOk(['topics', '--bootstrap-server', bs(), '--create', '--topic', 'cli-wait', '--replica-assignment', '0:1']);
    const plan = file('wait.json', { version: 1, partitions: [{ topic: 'cli-wait', partition: 0, replicas: [0, 2] }] });
    await cluster().broker(2).stop();
    try {
      // Kafka 2's tool with a ZooKeeper connect string checks the brokers it can see; write the znode as it would.
      await withZk(cluster(), (zk) => zk.createPartitionReassignment(new Map([[{ topic: 'cli-wait', partition: 0 }, [0, 2]]])));
      const listed = await eventually(async () => {
        const l = await kafkatsOk(['reassign-partitions', '--bootstrap-server', bs(), '--list']);
        return l.stdout.includes('cli-wait-0') ? l.stdout : undefined;
      }, 30_000, 'the pending reassignment listed');
      expect(listed).to.equal('Current partition reassignments:\ncli-wait-0: replicas: 0,2,1. adding: 2. removing: 1.\n');
      const refused = await kafkats(['reassign-partitions', '--bootstrap-server', bs(), '--execute', '--reassignment-json-file', plan]);
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.contain('Cannot execute because there is an existing partition assignment.  Use --additional to override this');
      const zkRefused = await kafkats(['reassign-partitions', '--zookeeper', cluster().zookeeperConnect, '--execute', '--reassignment-json-file', file('wait01.json', { version: 1, partitions: [{ topic: 'cli-wait', partition: 0, replicas: [0, 1] }] }), '--additional']);
      expect(zkRefused.code).to.equal(1);
      expect(zkRefused.stderr).to.contain('There is an existing assignment running.');
      const progress = await kafkatsOk(['reassign-partitions', '--bootstrap-server', bs(), '--verify', '--reassignment-json-file', plan]);
      expect(progress.stdout).to.equal('Status of partition reassignment:\nReassignment of partition cli-wait-0 is still in progress.\n\n');
      // Broker 2 is down, so its throttle could not be cleared (a broker's config goes to the broker): keep them.
      const c = await kafkatsOk(['reassign-partitions', '--bootstrap-server', bs(), '--cancel', '--reassignment-json-file', plan, '--preserve-throttles']);
      expect(c.stdout).to.equal('Successfully cancelled partition reassignment for: cli-wait-0\nNone of the specified partition moves are active.\n');
      await eventually(async () => (await replicasOf('cli-wait'))[0]!.join() === '0,1', 30_000, 'original replicas');
      const none = await kafkatsOk(['reassign-partitions', '--bootstrap-server', bs(), '--list']);
      expect(none.stdout).to.equal('No partition reassignments found.\n');
      await eventually(async () => !(await withZk(cluster(), (zk) => zk.pathExists(ReassignPartitionsZNode.path))), 30_000, 'znode removed by the cancel');
    } finally {
      await cluster().broker(2).start();
      await cluster().waitUntilReady(60_000);
    }
  });

  it('--zookeeper executes through /admin/reassign_partitions and verifies from the znodes', async () => {
    await kafkatsOk(['topics', '--bootstrap-server', bs(), '--create', '--topic', 'cli-zk', '--replica-assignment', '0,1']);
    const plan = file('zk.json', { version: 1, partitions: [{ topic: 'cli-zk', partition: 0, replicas: [2, 1] }, { topic: 'cli-zk', partition: 1, replicas: [0, 2] }] });
    const e = await kafkatsOk(['reassign-partitions', '--zookeeper', cluster().zookeeperConnect, '--execute', '--reassignment-json-file', plan]);
    expect(e.stdout).to.contain('Successfully started partition reassignments for cli-zk-0,cli-zk-1');
    await eventually(async () => {
      const v = await kafkatsOk(['reassign-partitions', '--zookeeper', cluster().zookeeperConnect, '--verify', '--reassignment-json-file', plan]);
      return v.stdout.includes('cli-zk-0 is completed.') && v.stdout.includes('cli-zk-1 is completed.');
    }, 60_000, 'completed through ZooKeeper');
    expect(await replicasOf('cli-zk')).to.deep.equal([[2, 1], [0, 2]]);
  });

  it("answers bad input with Kafka's messages and exit code 1", async () => {
    const bad = async (args: string[], message: string): Promise<void> => {
      const r = await kafkats(['reassign-partitions', ...args]);
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stderr).to.contain(message);
    };
    const entry = (topic: string, partition: number, replicas: number[]): object => ({ topic, partition, replicas });
    await bad(['--bootstrap-server', bs(), '--execute', '--verify', '--reassignment-json-file', 'x'], 'Command must include exactly one action');
    await bad(['--execute', '--reassignment-json-file', 'x'], 'Please specify either --bootstrap-server or --zookeeper');
    await bad(['--bootstrap-server', bs(), '--execute', '--reassignment-json-file', file('bad.json', '{"version":1,"partitions":[')], 'The input string is not a valid JSON');
    await bad(['--bootstrap-server', bs(), '--execute', '--reassignment-json-file', file('empty.json', { version: 1, partitions: [] })], 'Partition reassignment list cannot be empty');
    await bad(['--bootstrap-server', bs(), '--execute', '--reassignment-json-file', file('v2.json', { version: 2, partitions: [] })], 'Not supported version field value 2');
    await bad(['--bootstrap-server', bs(), '--execute', '--reassignment-json-file', file('dup.json', { version: 1, partitions: [entry('cli-move', 0, [1, 2]), entry('cli-move', 0, [2, 1])] })],
      'Partition reassignment contains duplicate topic partitions: cli-move-0');
    await bad(['--bootstrap-server', bs(), '--execute', '--reassignment-json-file', file('dupr.json', { version: 1, partitions: [entry('cli-move', 0, [1, 1])] })],
      'Partition replica lists may not contain duplicate entries: cli-move-0 contains multiple entries for 1');
    await bad(['--bootstrap-server', bs(), '--execute', '--reassignment-json-file', file('unknownb.json', { version: 1, partitions: [entry('cli-move', 0, [1, 7])] })], 'Unknown broker id 7');
    await bad(['--bootstrap-server', bs(), '--execute', '--reassignment-json-file', file('unknownt.json', { version: 1, partitions: [entry('no-such', 0, [1])] })], 'Topic no-such not found.');
    await bad(['--bootstrap-server', bs(), '--execute', '--reassignment-json-file', file('unknownp.json', { version: 1, partitions: [entry('cli-move', 9, [1])] })], 'Unable to find partition: cli-move-9');
    await bad(['--bootstrap-server', bs(), '--generate', '--topics-to-move-json-file', file('t.json', { version: 1, topics: [{ topic: 'cli-move' }] }), '--broker-list', '1,1'], 'Broker list contains duplicate entries: 1');
    await bad(['--bootstrap-server', bs(), '--generate', '--topics-to-move-json-file', file('t2.json', { version: 1, topics: [{ topic: 'cli-move' }] }), '--broker-list', '2'],
      'Replication factor: 2 larger than available brokers: 1.');
    await bad(['--zookeeper', cluster().zookeeperConnect, '--cancel', '--reassignment-json-file', 'x'], 'can\'t be used with action "--cancel"');
    const withDir = file('dirs.json', { version: 1, partitions: [{ topic: 'cli-move', partition: 0, replicas: [1], log_dirs: ['/data/b'] }] });
    await bad(['--zookeeper', cluster().zookeeperConnect, '--execute', '--reassignment-json-file', withDir], '--bootstrap-server needs to be provided in order to reassign replica to the specified log directory');
    await bad(['--bootstrap-server', bs(), '--verify', '--reassignment-json-file', withDir, '--replica-alter-log-dirs-throttle', '10'], 'Option "--replica-alter-log-dirs-throttle" can\'t be used with action "--verify"');
    await bad(['--bootstrap-server', bs(), '--execute', '--reassignment-json-file', withDir, '--timeout', 'soon'], '--timeout must be a number of milliseconds, got \'soon\'');
  });
});
