import { expect } from 'chai';
import CRC32C from 'crc-32/crc32c';
import fs from 'node:fs';
import path from 'node:path';
import { Log } from '../../lib/log/log.js';
import { LogSegment } from '../../lib/log/log-segment.js';
import { batch, MockTime, rmrf, tempDir } from './helpers.js';

/**
 * A v2 batch with one record encoded field by field, independently of lib/record, following
 * Kafka's DefaultRecordBatch / DefaultRecord layout.
 */
function goldenBatch(baseOffset: bigint, epoch: number, timestamp: bigint, key: string, value: string): Buffer {
  const zig = (n: number): number[] => {
    let v = ((n << 1) ^ (n >> 31)) >>> 0;
    const out: number[] = [];
    while (v >= 0x80) {
      out.push((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.push(v);
    return out;
  };
  const body = [0x00, ...zig(0), ...zig(0), ...zig(key.length), ...Buffer.from(key), ...zig(value.length), ...Buffer.from(value), ...zig(0)];
  const record = Buffer.from([...zig(body.length), ...body]);
  const b = Buffer.alloc(61 + record.length);
  b.writeBigInt64BE(baseOffset, 0); // baseOffset
  b.writeInt32BE(b.length - 12, 8); // batchLength
  b.writeInt32BE(epoch, 12); // partitionLeaderEpoch
  b.writeInt8(2, 16); // magic
  b.writeInt16BE(0, 21); // attributes: no compression, CreateTime
  b.writeInt32BE(0, 23); // lastOffsetDelta
  b.writeBigInt64BE(timestamp, 27); // baseTimestamp
  b.writeBigInt64BE(timestamp, 35); // maxTimestamp
  b.writeBigInt64BE(-1n, 43); // producerId
  b.writeInt16BE(-1, 51); // producerEpoch
  b.writeInt32BE(-1, 53); // baseSequence
  b.writeInt32BE(1, 57); // records count
  record.copy(b, 61);
  b.writeUInt32BE(CRC32C.buf(b.subarray(21)) >>> 0, 17); // CRC-32C of attributes..end
  return b;
}

describe('LogSegment', () => {
  let dir: string;
  let clock: MockTime;
  beforeEach(() => {
    dir = tempDir();
    clock = new MockTime();
  });
  afterEach(() => rmrf(dir));

  it('writes .log, .index and .timeindex bytes exactly in the layout Kafka (and DumpLogSegments) reads', async () => {
    const logDir = path.join(dir, 'fmt-0');
    const log = Log.load({ dir: logDir, topicPartition: { topic: 'fmt', partition: 0 }, config: { 'index.interval.bytes': 0 }, clock });
    const inputs = [0, 1, 2, 3].map((i) => goldenBatch(0n, 0, 1000n + BigInt(i) * 10n, `k${i}`, `value-${i}`));
    for (const b of inputs) log.appendAsLeader(Buffer.from(b), 7);
    await log.close();

    const expectedLog = Buffer.concat(inputs.map((_b, i) => goldenBatch(BigInt(i), 7, 1000n + BigInt(i) * 10n, `k${i}`, `value-${i}`)));
    expect(fs.readFileSync(path.join(logDir, '00000000000000000000.log')).equals(expectedLog)).to.equal(true);

    // index.interval.bytes=0: every batch after the first gets (relative offset int32, position int32).
    const size = inputs[0]!.length;
    const idx = Buffer.alloc(24);
    for (let i = 1; i <= 3; i++) {
      idx.writeInt32BE(i, (i - 1) * 8);
      idx.writeInt32BE(i * size, (i - 1) * 8 + 4);
    }
    expect(fs.readFileSync(path.join(logDir, '00000000000000000000.index')).toString('hex')).to.equal(idx.toString('hex'));

    // Time index: (max timestamp so far int64, relative offset int32) per index entry, trimmed on close.
    const tidx = Buffer.alloc(36);
    for (let i = 1; i <= 3; i++) {
      tidx.writeBigInt64BE(1000n + BigInt(i) * 10n, (i - 1) * 12);
      tidx.writeInt32BE(i, (i - 1) * 12 + 8);
    }
    expect(fs.readFileSync(path.join(logDir, '00000000000000000000.timeindex')).toString('hex')).to.equal(tidx.toString('hex'));
    expect(fs.existsSync(path.join(logDir, '00000000000000000000.txnindex'))).to.equal(false);
    expect(fs.readFileSync(path.join(logDir, 'leader-epoch-checkpoint'), 'utf8')).to.equal('0\n1\n7 0\n');
  });

  it('translates an offset to the batch holding it via the sparse index and a header scan', () => {
    const seg = LogSegment.open(dir, 100, { indexIntervalBytes: 200, maxIndexSize: 4096, clock });
    let next = 100;
    const positions: number[] = [];
    for (let i = 0; i < 30; i++) {
      const b = batch(3, { baseOffset: BigInt(next) });
      positions.push(seg.size);
      seg.append(next + 2, 1000, next + 2, b);
      next += 3;
    }
    expect(seg.offsetIndex.entries).to.be.greaterThan(3);
    for (let o = 100; o < next; o++) {
      const found = seg.translateOffset(o)!;
      expect(found.position).to.equal(positions[Math.floor((o - 100) / 3)]);
      expect(found.lastOffset).to.equal(100 + Math.floor((o - 100) / 3) * 3 + 2);
    }
    expect(seg.translateOffset(next)).to.equal(undefined);
    expect(seg.readNextOffset()).to.equal(next);
    seg.close();
  });

  it('rebuilds the same indexes by recovery as appends wrote', () => {
    const seg = LogSegment.open(dir, 0, { indexIntervalBytes: 150, maxIndexSize: 4096, clock });
    let next = 0;
    for (let i = 0; i < 40; i++) {
      seg.append(next + (i % 3), 1000 + i, next + (i % 3), batch(1 + (i % 3), { baseOffset: BigInt(next), ts: 1000 + i }));
      next += 1 + (i % 3);
    }
    seg.onBecomeInactiveSegment();
    const idx = fs.readFileSync(seg.offsetIndex.file);
    const tidx = fs.readFileSync(seg.timeIndex.file);
    expect(seg.recover(1 << 20)).to.equal(0);
    expect(fs.readFileSync(seg.offsetIndex.file).equals(idx)).to.equal(true);
    expect(fs.readFileSync(seg.timeIndex.file).equals(tidx)).to.equal(true);
    seg.close();
  });

  it('truncates whole batches and resets the roll timer when emptied', () => {
    const seg = LogSegment.open(dir, 0, { indexIntervalBytes: 1, maxIndexSize: 4096, clock });
    for (let i = 0; i < 5; i++) seg.append(i * 2 + 1, 1000, i * 2 + 1, batch(2, { baseOffset: BigInt(i * 2) }));
    const one = batch(2).length;
    expect(seg.truncateTo(5)).to.equal(3 * one); // offset 5 is inside batch [4,5]
    expect(seg.readNextOffset()).to.equal(4);
    expect(seg.offsetIndex.lastOffset).to.be.lessThan(5);
    seg.truncateTo(0);
    expect(seg.size).to.equal(0);
    clock.advance(10);
    expect(seg.shouldRoll({ maxSegmentBytes: 1 << 20, maxSegmentMs: 5, maxTimestampInMessages: -1, maxOffsetInMessages: 0, messagesSize: 10, now: clock.milliseconds() })).to.equal(false);
    seg.close();
  });

  it('renames its files with a suffix and deletes them', () => {
    const seg = LogSegment.open(dir, 5, { indexIntervalBytes: 1, maxIndexSize: 4096, clock });
    seg.append(5, 1, 5, batch(1, { baseOffset: 5n }));
    seg.changeFileSuffixes('', '.deleted');
    expect(fs.readdirSync(dir).sort()).to.deep.equal(['00000000000000000005.index.deleted', '00000000000000000005.log.deleted', '00000000000000000005.timeindex.deleted']);
    seg.deleteIfExists();
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });
});
