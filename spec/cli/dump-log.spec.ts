/**
 * `kafkats dump-log`: the batches a real broker wrote for console-producer's sends, listed like
 * Kafka's kafka-dump-log.sh (with and without records and payloads); and on hand-made segments, a
 * corrupt batch (isvalid: false) and trailing garbage.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from '../integration/support.js';
import { buildRecordBatch } from '../../lib/record/memory-records-builder.js';
import { CompressionType } from '../../lib/record/compression.js';
import { bootstrapOf, kafkats, kafkatsOk, useCliCluster } from './support.js';

const TOPIC = 'cli-dump';

describe('kafkats dump-log', function () {
  this.timeout(60_000);
  const cluster = useCliCluster();
  const bs = (): string => bootstrapOf(cluster());
  let segment = '';
  let tmp = '';

  before(async function () {
    this.timeout(60_000);
    await kafkatsOk(['topics', '--bootstrap-server', bs(), '--create', '--topic', TOPIC, '--partitions', '1', '--replication-factor', '1']);
    await kafkatsOk(['console-producer', '--bootstrap-server', bs(), '--topic', TOPIC], 'first\nsecond\nthird\n');
    await kafkatsOk(['console-producer', '--bootstrap-server', bs(), '--topic', TOPIC, '--compression-codec', 'zstd', '--property', 'parse.key=true', '--property', 'key.separator=='], 'k1=v1\nk2=v2\n');
    const m = await request(cluster().bootstrapServers[0]!, 3, 1, { topics: [{ name: TOPIC }] });
    const leader = m.topics[0]!.partitions[0]!.leaderId;
    segment = path.join(cluster().dataDir, `broker-${leader}`, `${TOPIC}-0`, '00000000000000000000.log');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-dump-'));
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('lists every batch the broker wrote, with Kafka\'s fields', async () => {
    const r = await kafkatsOk(['dump-log', '--files', segment]);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).to.equal(`Dumping ${segment}`);
    expect(lines[1]).to.equal('Log starting offset: 0');
    expect(lines).to.have.length(4);
    expect(lines[2]).to.match(/^baseOffset: 0 lastOffset: 2 count: 3 baseSequence: -?\d+ lastSequence: -?\d+ producerId: -1 producerEpoch: -?\d+ partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: \d+ size: (\d+) magic: 2 compresscodec: none crc: \d+ isvalid: true$/);
    const firstSize = Number(/size: (\d+)/.exec(lines[2]!)![1]);
    expect(lines[3]).to.match(new RegExp(`^baseOffset: 3 lastOffset: 4 count: 2 .* position: ${firstSize} CreateTime: \\d+ size: \\d+ magic: 2 compresscodec: zstd crc: \\d+ isvalid: true$`));
    const total = firstSize + Number(/size: (\d+)/.exec(lines[3]!)![1]);
    expect(fs.statSync(segment).size).to.equal(total);
  });

  it('prints each record with --deep-iteration, and keys and payloads with --print-data-log', async () => {
    const deep = await kafkatsOk(['dump-log', '--files', segment, '--deep-iteration']);
    const records = deep.stdout.split('\n').filter((l) => l.startsWith('| '));
    expect(records).to.have.length(5);
    expect(records[0]).to.match(/^\| offset: 0 CreateTime: \d+ keySize: -1 valueSize: 5 sequence: -?\d+ headerKeys: \[\]$/);
    const data = await kafkatsOk(['dump-log', '--files', segment, '--print-data-log']);
    const payloads = data.stdout.split('\n').filter((l) => l.startsWith('| ')).map((l) => l.replace(/^.*headerKeys: \[\] /, ''));
    expect(payloads).to.deep.equal(['payload: first', 'payload: second', 'payload: third', 'key: k1 payload: v1', 'key: k2 payload: v2']);
  });

  it('marks a batch with a wrong CRC invalid and reports bytes that are not a whole batch', async () => {
    const good = buildRecordBatch([{ value: Buffer.from('ok') }], { baseOffset: 10n });
    const bad = buildRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('bad') }], { baseOffset: 11n, compression: CompressionType.GZIP });
    bad.writeUInt8(bad.readUInt8(bad.length - 1) ^ 0xff, bad.length - 1);
    const file = path.join(tmp, '00000000000000000010.log');
    fs.writeFileSync(file, Buffer.concat([good, bad, Buffer.alloc(7)]));
    const r = await kafkatsOk(['dump-log', '--files', file]);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[1]).to.equal('Log starting offset: 10');
    expect(lines[2]).to.match(/^baseOffset: 10 lastOffset: 10 count: 1 .* compresscodec: none crc: \d+ isvalid: true$/);
    expect(lines[3]).to.match(/^baseOffset: 11 lastOffset: 11 count: 1 .* compresscodec: gzip crc: \d+ isvalid: false$/);
    expect(lines[4]).to.equal('Found 7 invalid bytes at the end of 00000000000000000010.log');
  });

  it('dumps offset index entries and refuses other files', async () => {
    const index = Buffer.alloc(32);
    index.writeInt32BE(0, 0);
    index.writeInt32BE(0, 4);
    index.writeInt32BE(7, 8);
    index.writeInt32BE(4096, 12);
    const file = path.join(tmp, '00000000000000000100.index');
    fs.writeFileSync(file, index);
    const r = await kafkatsOk(['dump-log', '--files', file]);
    expect(r.stdout).to.equal(`Dumping ${file}\noffset: 100 position: 0\noffset: 107 position: 4096\n`);
    const other = await kafkats(['dump-log', '--files', path.join(tmp, 'x.txt')]);
    expect(other.code).to.equal(1);
    expect(other.stderr).to.contain('cannot read');
  });
});
