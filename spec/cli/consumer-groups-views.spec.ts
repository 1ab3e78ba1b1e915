/**
 * `kafkats consumer-groups` beyond the basics, against a real cluster: --describe --members
 * [--verbose] and --state of an active group, resets --to-datetime (and its fallback to the log end
 * past the last record), --by-duration and --to-current, --export as Kafka's CSV fed back through
 * --from-file, --delete-offsets with Kafka's TOPIC PARTITION STATUS table, and readable errors.
 */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import kafkajs from 'kafkajs';
import { eventually } from '../integration/support.js';
import { bootstrapOf, CliProcess, kafkats, kafkatsOk, useCliCluster } from './support.js';

const TOPIC = 'cli-group-views';
const GROUP = 'cli-views';

describe('kafkats consumer-groups views, time resets, export and delete-offsets', function () {
  this.timeout(60_000);
  const cluster = useCliCluster();
  const bs = (): string => bootstrapOf(cluster());
  const groups = (...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> => kafkats(['consumer-groups', '--bootstrap-server', bs(), ...args]);
  let between = '';
  const dir = mkdtempSync(path.join(tmpdir(), 'kafkats-groups-'));

  async function committed(): Promise<string[]> {
    const kafka = new kafkajs.Kafka({ brokers: cluster().bootstrapServers, logLevel: kafkajs.logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const r = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
      return r[0]!.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset);
    } finally {
      await admin.disconnect();
    }
  }

  const rowsOf = (stdout: string, first: string): string[][] => stdout.split('\n').filter((l) => l.startsWith(first)).map((l) => l.trim().split(/\s+/));

  before(async function () {
    this.timeout(90_000);
    await kafkatsOk(['topics', '--bootstrap-server', bs(), '--create', '--topic', TOPIC, '--partitions', '2', '--replication-factor', '2']);
    await kafkatsOk(['console-producer', '--bootstrap-server', bs(), '--topic', TOPIC, '--partition', '0'], 'a\nb\nc\n');
    await kafkatsOk(['console-producer', '--bootstrap-server', bs(), '--topic', TOPIC, '--partition', '1'], 'x\n');
    await new Promise((r) => setTimeout(r, 20));
    between = new Date().toISOString().replace(/Z$/, '');
    await new Promise((r) => setTimeout(r, 20));
    await kafkatsOk(['console-producer', '--bootstrap-server', bs(), '--topic', TOPIC, '--partition', '0'], 'd\ne\n');
    await kafkatsOk(['console-producer', '--bootstrap-server', bs(), '--topic', TOPIC, '--partition', '1'], 'y\n');
  });

  it('describes an active group\'s members (with assignments under --verbose) and its state', async () => {
    const consumer = new CliProcess(['console-consumer', '--bootstrap-server', bs(), '--topic', TOPIC, '--group', GROUP, '--from-beginning']);
    try {
      await consumer.waitFor(/^y$/m, 30_000);
      const members = await eventually(async () => {
        const r = await groups('--describe', '--group', GROUP, '--members', '--verbose');
        const row = rowsOf(r.stdout, GROUP)[0];
        return row && row[4] === '2' ? r : undefined;
      }, 30_000, 'a member with 2 partitions');
      expect(members.stdout).to.match(/^GROUP\s+CONSUMER-ID\s+HOST\s+CLIENT-ID\s+#PARTITIONS\s+ASSIGNMENT$/m);
      const row = rowsOf(members.stdout, GROUP)[0]!;
      expect(row[1]).to.match(/^console-consumer-/);
      expect(row[3]).to.equal('console-consumer');
      expect(row[5]).to.equal(`${TOPIC}(0,1)`);
      const plain = await groups('--describe', '--group', GROUP, '--members');
      expect(plain.stdout).not.to.contain('ASSIGNMENT');
      const state = await groups('--describe', '--group', GROUP, '--state');
      expect(state.code).to.equal(0);
      expect(state.stdout).to.match(/^GROUP\s+COORDINATOR \(ID\)\s+ASSIGNMENT-STRATEGY\s+STATE\s+#MEMBERS$/m);
      expect(state.stdout).to.match(new RegExp(`^${GROUP} localhost:\\d+  \\(\\d\\)\\s+\\S+\\s+Stable\\s+1$`, 'm'));
    } finally {
      expect(await consumer.stop('SIGTERM')).to.equal(0);
    }
    expect(await committed()).to.deep.equal(['5', '2']);
  });

  it('resets to a datetime, falling back to the log end after the last record, and by a duration', async () => {
    await eventually(async () => (await groups('--describe', '--group', GROUP, '--state')).stdout.includes('Empty'), 20_000, 'the group to be empty');
    const r = await groups('--reset-offsets', '--group', GROUP, '--topic', TOPIC, '--to-datetime', between, '--execute');
    expect(r.code, r.stderr).to.equal(0);
    expect(rowsOf(r.stdout, GROUP)).to.deep.equal([[GROUP, TOPIC, '0', '3'], [GROUP, TOPIC, '1', '1']]);
    expect(await committed()).to.deep.equal(['3', '1']);
    const future = await groups('--reset-offsets', '--group', GROUP, '--topic', `${TOPIC}:1`, '--to-datetime', '2999-01-01T00:00:00.000+02:00', '--dry-run');
    expect(future.stdout).to.contain(`Warn: Partition 1 from topic ${TOPIC} is empty. Falling back to latest known offset.`);
    expect(rowsOf(future.stdout, GROUP)).to.deep.equal([[GROUP, TOPIC, '1', '2']]);
    const day = await groups('--reset-offsets', '--group', GROUP, '--all-topics', '--by-duration', 'P1DT2H', '--execute');
    expect(rowsOf(day.stdout, GROUP)).to.deep.equal([[GROUP, TOPIC, '0', '0'], [GROUP, TOPIC, '1', '0']]);
    expect(await committed()).to.deep.equal(['0', '0']);
  });

  it('exports a reset as Kafka\'s CSV and applies a plan --from-file', async () => {
    const exported = await groups('--reset-offsets', '--group', GROUP, '--topic', TOPIC, '--shift-by', '2', '--export');
    expect(exported.code).to.equal(0);
    expect(exported.stdout).to.equal(`${TOPIC},0,2\n${TOPIC},1,2\n\n`);
    expect(await committed()).to.deep.equal(['0', '0']);
    const file = path.join(dir, 'plan.csv');
    writeFileSync(file, exported.stdout.replace(`${TOPIC},1,2`, `${TOPIC},1,1`));
    const applied = await groups('--reset-offsets', '--group', GROUP, '--from-file', file, '--execute');
    expect(rowsOf(applied.stdout, GROUP)).to.deep.equal([[GROUP, TOPIC, '0', '2'], [GROUP, TOPIC, '1', '1']]);
    expect(await committed()).to.deep.equal(['2', '1']);
    const current = await groups('--reset-offsets', '--group', GROUP, '--all-topics', '--to-current', '--export');
    expect(current.stdout).to.equal(`${TOPIC},0,2\n${TOPIC},1,1\n\n`);
    writeFileSync(file, `${GROUP},${TOPIC},0,4\n`);
    await kafkatsOk(['consumer-groups', '--bootstrap-server', bs(), '--reset-offsets', '--group', GROUP, '--from-file', file, '--execute']);
    expect(await committed()).to.deep.equal(['4', '1']);
  });

  it('refuses malformed times, durations and plans readably', async () => {
    const when = await groups('--reset-offsets', '--group', GROUP, '--topic', TOPIC, '--to-datetime', 'yesterday');
    expect(when.code).to.equal(1);
    expect(when.stderr).to.contain("Error parsing timestamp 'yesterday'");
    const dur = await groups('--reset-offsets', '--group', GROUP, '--topic', TOPIC, '--by-duration', '1h');
    expect(dur.code).to.equal(1);
    expect(dur.stderr).to.contain("Error parsing duration '1h'");
    const file = path.join(dir, 'bad.csv');
    writeFileSync(file, `${TOPIC},zero,1\n`);
    const plan = await groups('--reset-offsets', '--group', GROUP, '--from-file', file);
    expect(plan.code).to.equal(1);
    expect(plan.stderr).to.contain('invalid line 1 of the reset plan');
    const two = await groups('--reset-offsets', '--group', GROUP, '--topic', TOPIC, '--to-earliest', '--to-latest');
    expect(two.code).to.equal(1);
    expect(two.stderr).to.contain('requires exactly one of --to-earliest');
    for (const r of [when, dur, plan, two]) expect(r.stderr).not.to.match(/\n\s+at /);
  });

  it('deletes a group\'s offsets for a partition and reports an unknown topic per partition', async () => {
    const r = await groups('--delete-offsets', '--group', GROUP, '--topic', `${TOPIC}:1`);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain(`Request succeed for deleting offsets with topic ${TOPIC} group ${GROUP}`);
    expect(r.stdout).to.match(/^TOPIC\s+PARTITION\s+STATUS$/m);
    expect(rowsOf(r.stdout, TOPIC)).to.deep.equal([[TOPIC, '1', 'Successful']]);
    expect(await committed()).to.deep.equal(['4', '-1']);
    const unknown = await groups('--delete-offsets', '--group', GROUP, '--topic', 'cli-no-such-topic');
    expect(unknown.code).to.equal(1);
    expect(unknown.stdout).to.contain('Error: Encounter some partition level error, see the follow-up details:');
    expect(unknown.stdout).to.match(/^cli-no-such-topic\s+Not Provided\s+Error: :UNKNOWN_TOPIC_OR_PARTITION$/m);
  });
});
