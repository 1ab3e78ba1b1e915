/**
 * `kafkats log-dirs` and `kafkats delete-records` against the shared 3-broker cluster: log dirs
 * described per broker in Kafka's JSON (sizes that grow with the data, --broker-list and
 * --topic-list filters, a broker that does not exist refused), and records deleted up to an offset
 * through each partition's leader (low watermarks printed, the earliest offset moved, an offset past
 * the high watermark refused per partition, duplicates and bad JSON refused).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { bootstrapOf, kafkats, kafkatsOk, useCliCluster } from './support.js';

interface LogDirsJson {
  version: number;
  brokers: Array<{ broker: number; logDirs: Array<{ logDir: string; error: string | null; partitions: Array<{ partition: string; size: number; offsetLag: number; isFuture: boolean }> }> }>;
}

describe('kafkats log-dirs and delete-records', function () {
  this.timeout(60_000);
  const cluster = useCliCluster();
  const bs = (): string => bootstrapOf(cluster());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-delete-records-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string): string => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, content);
    return p;
  };

  before(async function () {
    this.timeout(60_000);
    await kafkatsOk(['topics', '--bootstrap-server', bs(), '--create', '--topic', 'cli-dirs', '--replica-assignment', '0:1,1:2']);
    await kafkatsOk(['console-producer', '--bootstrap-server', bs(), '--topic', 'cli-dirs', '--partition', '0'], Array.from({ length: 10 }, (_, i) => `m${i}`).join('\n') + '\n');
  });

  async function logDirs(args: string[] = []): Promise<{ lines: string[]; json: LogDirsJson }> {
    const r = await kafkatsOk(['log-dirs', '--bootstrap-server', bs(), '--describe', ...args]);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).to.have.length(3);
    return { lines, json: JSON.parse(lines[2]!) as LogDirsJson };
  }

  it('describes the log dirs of every broker, or of --broker-list, with the replicas of --topic-list', async () => {
    const all = await logDirs(['--topic-list', 'cli-dirs']);
    expect(all.lines[0]).to.equal('Querying brokers for log directories information');
    expect(all.lines[1]).to.equal('Received log directory information from brokers 0,1,2');
    expect(all.json.version).to.equal(1);
    const replicas = Object.fromEntries(all.json.brokers.map((b) => [b.broker, b.logDirs.flatMap((d) => d.partitions.map((p) => p.partition))]));
    expect(replicas).to.deep.equal({ 0: ['cli-dirs-0'], 1: ['cli-dirs-0', 'cli-dirs-1'], 2: ['cli-dirs-1'] });
    const dir0 = all.json.brokers.find((b) => b.broker === 0)!.logDirs[0]!;
    expect(dir0.error).to.equal(null);
    expect(dir0.logDir).to.equal(cluster().broker(0).options.logDir);
    expect(dir0.partitions[0]).to.include({ partition: 'cli-dirs-0', offsetLag: 0, isFuture: false });
    expect(dir0.partitions[0]!.size).to.be.greaterThan(0);
    const one = await logDirs(['--broker-list', '2', '--topic-list', 'cli-dirs']);
    expect(one.lines[1]).to.equal('Received log directory information from brokers 2');
    expect(one.json.brokers.map((b) => b.broker)).to.deep.equal([2]);
    const missing = await kafkats(['log-dirs', '--bootstrap-server', bs(), '--describe', '--broker-list', '0,7']);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.contain('ERROR: The given brokers do not exist from --broker-list: 7. Current existent brokers: 0,1,2');
  });

  it('deletes records up to an offset through the partition leaders and prints the new low watermarks', async () => {
    const offsets = file('offsets.json', JSON.stringify({ version: 1, partitions: [{ topic: 'cli-dirs', partition: 0, offset: 4 }, { topic: 'cli-dirs', partition: 1, offset: 5 }] }));
    const r = await kafkatsOk(['delete-records', '--bootstrap-server', bs(), '--offset-json-file', offsets]);
    expect(r.stdout).to.equal('Executing records delete operation\nRecords delete operation completed:\n'
      + 'partition: cli-dirs-0\tlow_watermark: 4\n'
      + 'partition: cli-dirs-1\terror: The requested offset is outside the range of offsets the log holds.\n');
    expect((await kafkatsOk(['get-offsets', '--bootstrap-server', bs(), '--topic', 'cli-dirs', '--time', '-2'])).stdout).to.equal('cli-dirs:0:4\ncli-dirs:1:0\n');
    const hw = file('hw.json', JSON.stringify({ version: 1, partitions: [{ topic: 'cli-dirs', partition: 0, offset: -1 }] }));
    expect((await kafkatsOk(['delete-records', '--bootstrap-server', bs(), '--offset-json-file', hw])).stdout).to.contain('partition: cli-dirs-0\tlow_watermark: 10\n');
  });

  it('refuses duplicate partitions and malformed offset JSON', async () => {
    const dup = file('dup.json', JSON.stringify({ version: 1, partitions: [{ topic: 'cli-dirs', partition: 0, offset: 1 }, { topic: 'cli-dirs', partition: 0, offset: 2 }] }));
    const d = await kafkats(['delete-records', '--bootstrap-server', bs(), '--offset-json-file', dup]);
    expect(d.code).to.equal(1);
    expect(d.stderr).to.contain('Offset json file contains duplicate topic partitions: cli-dirs-0');
    const bad = await kafkats(['delete-records', '--bootstrap-server', bs(), '--offset-json-file', file('bad.json', '{"version":1,"partitions":[{"topic":"cli-dirs"')]);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain('The input string is not a valid JSON'); // Kafka's message
  });
});
