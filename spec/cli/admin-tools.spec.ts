/**
 * `kafkats delete-records`, `log-dirs` and `broker-api-versions` against a real cluster: Kafka's
 * offset JSON and output lines, the log start moving (seen through get-offsets), Kafka's log-dirs
 * JSON, the per-broker api version lines, and readable errors for bad input.
 */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bootstrapOf, kafkats, kafkatsOk, useCliCluster } from './support.js';
import { Errors } from '../../lib/protocol/errors.js';

const TOPIC = 'cli-admin-tools';

describe('kafkats delete-records, log-dirs and broker-api-versions', function () {
  this.timeout(60_000);
  const cluster = useCliCluster();
  const bs = (): string => bootstrapOf(cluster());
  const dir = mkdtempSync(path.join(tmpdir(), 'kafkats-admin-'));
  const json = (name: string, body: string): string => {
    const f = path.join(dir, name);
    writeFileSync(f, body);
    return f;
  };

  before(async function () {
    this.timeout(60_000);
    await kafkatsOk(['topics', '--bootstrap-server', bs(), '--create', '--topic', TOPIC, '--partitions', '2', '--replication-factor', '3']);
    await kafkatsOk(['console-producer', '--bootstrap-server', bs(), '--topic', TOPIC, '--partition', '0'], 'a\nb\nc\nd\n');
    await kafkatsOk(['console-producer', '--bootstrap-server', bs(), '--topic', TOPIC, '--partition', '1'], 'x\ny\n');
  });

  it('deletes records below an offset (and up to the high watermark with -1) with Kafka\'s output', async () => {
    const file = json('offsets.json', JSON.stringify({ partitions: [{ topic: TOPIC, partition: 0, offset: 3 }, { topic: TOPIC, partition: 1, offset: -1 }], version: 1 }));
    const r = await kafkatsOk(['delete-records', '--bootstrap-server', bs(), '--offset-json-file', file]);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 2)).to.deep.equal(['Executing records delete operation', 'Records delete operation completed:']);
    expect(lines.slice(2).sort()).to.deep.equal([`partition: ${TOPIC}-0\tlow_watermark: 3`, `partition: ${TOPIC}-1\tlow_watermark: 2`]);
    const earliest = await kafkatsOk(['get-offsets', '--bootstrap-server', bs(), '--topic', TOPIC, '--time', '-2']);
    expect(earliest.stdout).to.equal(`${TOPIC}:0:3\n${TOPIC}:1:2\n`);
  });

  it('reports a partition that does not exist per partition and refuses bad offset files', async () => {
    const missing = await kafkats(['delete-records', '--bootstrap-server', bs(), '--offset-json-file', json('missing.json', `{"partitions": [{"topic": "${TOPIC}", "partition": 7, "offset": 1}]}`)]);
    expect(missing.code).to.equal(0); // as Kafka's tool: the failure is in the partition's line
    expect(missing.stdout).to.contain(`partition: ${TOPIC}-7\terror: ${Errors.UNKNOWN_TOPIC_OR_PARTITION.message}`);
    const cases: Array<[string, string]> = [
      ['{"partitions": [', 'The input string is not a valid JSON'],
      ['{"version": 2, "partitions": []}', 'Not supported version field value 2'],
      ['{"version": 1}', 'Missing partitions field'],
      [`{"partitions": [{"topic": "${TOPIC}", "partition": 0, "offset": 1}, {"topic": "${TOPIC}", "partition": 0, "offset": 2}]}`, `Offset json file contains duplicate topic partitions: ${TOPIC}-0`],
      [`{"partitions": [{"topic": "${TOPIC}", "partition": "0", "offset": 1}]}`, 'partitions[0] must be'],
    ];
    for (const [i, [body, message]] of cases.entries()) {
      const r = await kafkats(['delete-records', '--bootstrap-server', bs(), '--offset-json-file', json(`bad-${i}.json`, body)]);
      expect(r.code, body).to.equal(1);
      expect(r.stderr, body).to.contain(message);
      expect(r.stderr).not.to.match(/\n\s+at /);
    }
  });

  it('describes every broker\'s log dirs as Kafka\'s JSON, limited to --topic-list and --broker-list', async () => {
    const r = await kafkatsOk(['log-dirs', '--bootstrap-server', bs(), '--describe', '--topic-list', TOPIC]);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 2)).to.deep.equal(['Querying brokers for log directories information', 'Received log directory information from brokers 0,1,2']);
    expect(lines[2]).to.match(/^\{"brokers":\[\{"broker":0,"logDirs":\[\{"partitions":\[\{"partition":"[^"]+","size":\d+,"offsetLag":\d+,"isFuture":false\}/);
    expect(lines[2]).to.match(/"error":null,"logDir":"[^"]+"\}\]\}/);
    expect(lines[2]).to.match(/\],"version":1\}$/);
    const parsed = JSON.parse(lines[2]!) as { brokers: Array<{ broker: number; logDirs: Array<{ logDir: string; partitions: Array<{ partition: string; size: number }> }> }> };
    expect(parsed.brokers.map((b) => b.broker)).to.deep.equal([0, 1, 2]);
    for (const b of parsed.brokers) {
      expect(b.logDirs[0]!.partitions.map((p) => p.partition).sort()).to.deep.equal([`${TOPIC}-0`, `${TOPIC}-1`]);
      expect(b.logDirs[0]!.partitions.every((p) => p.size > 0)).to.equal(true);
    }
    const one = await kafkatsOk(['log-dirs', '--bootstrap-server', bs(), '--describe', '--broker-list', '1', '--topic-list', TOPIC]);
    expect(one.stdout).to.contain('Received log directory information from brokers 1\n');
    expect((JSON.parse(one.stdout.trimEnd().split('\n')[2]!) as { brokers: unknown[] }).brokers).to.have.length(1);
    const bad = await kafkats(['log-dirs', '--bootstrap-server', bs(), '--describe', '--broker-list', '1,9']);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain('ERROR: The given brokers do not exist from --broker-list: 9. Current existent brokers: 0,1,2');
  });

  it('prints each broker\'s api versions as Kafka\'s NodeApiVersions lines', async () => {
    const r = await kafkatsOk(['broker-api-versions', '--bootstrap-server', bs()]);
    const blocks = r.stdout.split(/^(?=localhost:)/m);
    expect(blocks).to.have.length(3);
    blocks.forEach((b, i) => {
      const lines = b.trimEnd().split('\n');
      expect(lines[0]).to.match(new RegExp(`^localhost:\\d+ \\(id: ${i} rack: null\\) -> \\($`));
      expect(lines[1]).to.equal('\tProduce(0): 0 to 11 [usable: 11],');
      expect(lines).to.include('\tApiVersions(18): 0 to 4 [usable: 4],');
      expect(lines.at(-1)).to.equal(')');
      for (const l of lines.slice(1, -1)) expect(l).to.match(/^\t[A-Za-z]+\(\d+\): (\d+( to \d+)? \[usable: \d+\]|UNSUPPORTED),?$/);
    });
    const down = await kafkats(['broker-api-versions', '--bootstrap-server', 'localhost:1']);
    expect(down.code).to.equal(1);
    expect(down.stderr).to.contain('cannot reach any bootstrap server');
  });
});
