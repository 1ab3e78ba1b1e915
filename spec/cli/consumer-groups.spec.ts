/**
 * `kafkats consumer-groups` against a real cluster: --list, --describe (Kafka's columns, lag, the
 * members of an active group), --reset-offsets (dry run vs --execute, checked through kafkajs'
 * fetchOffsets; refused for an active group) and --delete.
 */
import { expect } from 'chai';
import kafkajs from 'kafkajs';
import { eventually } from '../integration/support.js';
import { bootstrapOf, CliProcess, kafkats, kafkatsOk, useCliCluster } from './support.js';

const TOPIC = 'cli-groups';
const GROUP = 'cli-billing';

describe('kafkats consumer-groups', function () {
  this.timeout(60_000);
  const cluster = useCliCluster();
  const bs = (): string => bootstrapOf(cluster());

  async function committed(): Promise<string> {
    const kafka = new kafkajs.Kafka({ brokers: cluster().bootstrapServers, logLevel: kafkajs.logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const r = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
      return r[0]!.partitions[0]!.offset;
    } finally {
      await admin.disconnect();
    }
  }

  function rowsOf(stdout: string): string[][] {
    return stdout.split('\n').filter((l) => l.startsWith(GROUP)).map((l) => l.trim().split(/\s+/));
  }

  before(async function () {
    this.timeout(60_000);
    await kafkatsOk(['topics', '--bootstrap-server', bs(), '--create', '--topic', TOPIC, '--partitions', '1', '--replication-factor', '2']);
    await kafkatsOk(['console-producer', '--bootstrap-server', bs(), '--topic', TOPIC], 'a\nb\nc\nd\ne\n');
    await kafkatsOk(['console-consumer', '--bootstrap-server', bs(), '--topic', TOPIC, '--group', GROUP, '--from-beginning', '--max-messages', '3']);
  });

  it('lists the group', async () => {
    const r = await kafkatsOk(['consumer-groups', '--bootstrap-server', bs(), '--list']);
    expect(r.stdout.split('\n')).to.include(GROUP);
  });

  it('describes committed offset, log-end offset and lag in Kafka\'s columns', async () => {
    const r = await kafkatsOk(['consumer-groups', '--bootstrap-server', bs(), '--describe', '--group', GROUP]);
    expect(r.stderr).to.contain(`Consumer group '${GROUP}' has no active members.`); // stderr, as Kafka's tool prints it
    expect(r.stdout).to.match(/GROUP\s+TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG\s+CONSUMER-ID\s+HOST\s+CLIENT-ID/);
    expect(rowsOf(r.stdout)).to.deep.equal([[GROUP, TOPIC, '0', '3', '5', '2', '-', '-', '-']]);
  });

  it('shows the dry run of a reset without changing the committed offset', async () => {
    const r = await kafkatsOk(['consumer-groups', '--bootstrap-server', bs(), '--reset-offsets', '--group', GROUP, '--topic', TOPIC, '--to-earliest', '--dry-run']);
    expect(r.stdout).to.match(/GROUP\s+TOPIC\s+PARTITION\s+NEW-OFFSET/);
    expect(rowsOf(r.stdout)).to.deep.equal([[GROUP, TOPIC, '0', '0']]);
    expect(await committed()).to.equal('3');
  });

  it('resets to the earliest, to a given offset and by a shift with --execute', async () => {
    await kafkatsOk(['consumer-groups', '--bootstrap-server', bs(), '--reset-offsets', '--group', GROUP, '--topic', TOPIC, '--to-earliest', '--execute']);
    expect(await committed()).to.equal('0');
    await kafkatsOk(['consumer-groups', '--bootstrap-server', bs(), '--reset-offsets', '--group', GROUP, '--topic', `${TOPIC}:0`, '--to-offset', '4', '--execute']);
    expect(await committed()).to.equal('4');
    await kafkatsOk(['consumer-groups', '--bootstrap-server', bs(), '--reset-offsets', '--group', GROUP, '--all-topics', '--shift-by', '-2', '--execute']);
    expect(await committed()).to.equal('2');
    const latest = await kafkatsOk(['consumer-groups', '--bootstrap-server', bs(), '--reset-offsets', '--group', GROUP, '--topic', TOPIC, '--to-offset', '99', '--execute']);
    expect(rowsOf(latest.stdout)).to.deep.equal([[GROUP, TOPIC, '0', '5']]);
    expect(await committed()).to.equal('5');
    const next = await kafkatsOk(['console-producer', '--bootstrap-server', bs(), '--topic', TOPIC], 'f\n');
    expect(next.code).to.equal(0);
    const c = await kafkatsOk(['console-consumer', '--bootstrap-server', bs(), '--topic', TOPIC, '--group', GROUP, '--max-messages', '1']);
    expect(c.stdout).to.equal('f\n');
  });

  it('describes an active group\'s member and refuses to reset its offsets', async () => {
    const consumer = new CliProcess(['console-consumer', '--bootstrap-server', bs(), '--topic', TOPIC, '--group', GROUP]);
    try {
      const described = await eventually(async () => {
        const r = await kafkatsOk(['consumer-groups', '--bootstrap-server', bs(), '--describe', '--group', GROUP]);
        const row = rowsOf(r.stdout)[0];
        return row && row[6] !== '-' ? row : undefined;
      }, 30_000, 'an active member');
      expect(described.slice(0, 6)).to.deep.equal([GROUP, TOPIC, '0', '6', '6', '0']);
      expect(described[6]).to.match(/^console-consumer-/);
      expect(described[8]).to.equal('console-consumer');
      const r = await kafkats(['consumer-groups', '--bootstrap-server', bs(), '--reset-offsets', '--group', GROUP, '--topic', TOPIC, '--to-earliest', '--execute']);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.contain(`Assignments can only be reset if the group '${GROUP}' is inactive, but the current state is Stable.`);
    } finally {
      expect(await consumer.stop('SIGTERM')).to.equal(0);
    }
    expect(consumer.stderr).to.contain('Processed a total of 0 messages');
  });

  it('deletes the group once it is empty', async () => {
    const deleted = await eventually(async () => {
      const r = await kafkats(['consumer-groups', '--bootstrap-server', bs(), '--delete', '--group', GROUP]);
      return r.code === 0 ? r : undefined;
    }, 20_000, 'group deletion');
    expect(deleted.stdout).to.equal(`Deletion of requested consumer groups ('${GROUP}') was successful.\n`);
    const list = await kafkatsOk(['consumer-groups', '--bootstrap-server', bs(), '--list']);
    expect(list.stdout.split('\n')).not.to.include(GROUP);
    const r = await kafkats(['consumer-groups', '--bootstrap-server', bs(), '--describe', '--group', GROUP]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain(`Consumer group '${GROUP}' does not exist.`);
  });
});
