import { expect } from 'chai';
import crypto from 'node:crypto';
import { ApiError, CorruptMessageError, InvalidRecordError } from '../../lib/protocol/errors.js';
import {
  CRC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  RECORD_BATCH_OVERHEAD,
  readBatchHeader,
  setBaseOffset,
  setPartitionLeaderEpoch,
} from '../../lib/record/batch-header.js';
import {
  CompressionType,
  buildRecordBatch,
  setLogAppendTime,
  type SimpleRecord,
} from '../../lib/record/memory-records-builder.js';
import {
  batchesIn,
  isControlBatch,
  iterateRecords,
  recordsIn,
  timestampTypeOf,
  validateRecordBatch,
  validBytes,
} from '../../lib/record/record-batch.js';
import {
  ControlRecordType,
  buildEndTransactionMarkerBatch,
  deserializeEndTransactionMarker,
  parseControlRecordType,
} from '../../lib/record/control-record.js';

export const SAMPLE: SimpleRecord[] = [
  { key: Buffer.from('k1'), value: Buffer.from('v1'), headers: [{ key: 'h1', value: Buffer.from('x') }], timestamp: 1_700_000_000_000n },
  { key: null, value: Buffer.from('second'), timestamp: 1_700_000_000_007n },
  { key: Buffer.from('k3'), value: null, headers: [{ key: 'ü', value: null }, { key: 'h', value: Buffer.alloc(0) }], timestamp: 1_699_999_999_990n },
  { key: Buffer.alloc(0), value: Buffer.from('z'.repeat(500)), timestamp: 1_700_000_000_003n },
];

function plain(buf: Buffer) {
  return [...iterateRecords(buf)].map((r) => ({
    offset: r.offset,
    timestamp: r.timestamp,
    key: r.key === null ? null : r.key.toString('hex'),
    value: r.value === null ? null : r.value.toString('hex'),
    headers: r.headers.map((h) => [h.key, h.value === null ? null : h.value.toString('hex')]),
  }));
}

/** Every exception thrown must be one of Kafka's typed errors. */
function expectTypedOrOk(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    expect(err, String(err)).to.be.instanceOf(ApiError);
  }
}

describe('record batch v2', () => {
  for (const compression of [0, 1, 2, 3, 4]) {
    it(`builds and reads back keys, values, headers, timestamps and offsets (codec ${compression})`, () => {
      const batch = buildRecordBatch(SAMPLE, { compression, baseOffset: 100n, partitionLeaderEpoch: 7 });
      const h = validateRecordBatch(batch);
      expect(h).to.include({ magic: 2, recordsCount: 4, lastOffsetDelta: 3, partitionLeaderEpoch: 7, batchLength: batch.length - 12 });
      expect(h.attributes & 7).to.equal(compression);
      expect(h.baseTimestamp).to.equal(1_700_000_000_000n);
      expect(h.maxTimestamp).to.equal(1_700_000_000_007n);
      const recs = plain(batch);
      expect(recs.map((r) => r.offset)).to.deep.equal([100n, 101n, 102n, 103n]);
      expect(recs.map((r) => r.timestamp)).to.deep.equal(SAMPLE.map((r) => r.timestamp));
      expect(recs[0]).to.deep.include({ key: '6b31', value: '7631', headers: [['h1', '78']] });
      expect(recs[1]).to.deep.include({ key: null, headers: [] });
      expect(recs[2]).to.deep.include({ value: null, headers: [['ü', null], ['h', '']] });
      expect(recs[3]!.key).to.equal('');
    });
  }

  it('detects corruption of any single byte covered by the CRC, and of the size/magic fields', () => {
    const batch = buildRecordBatch(SAMPLE.slice(0, 2), { baseOffset: 5n });
    for (let i = 0; i < batch.length; i++) {
      const copy = Buffer.from(batch);
      copy[i]! ^= 0x5a;
      // baseOffset (0..7) and partitionLeaderEpoch (12..15) are outside the CRC, as in Kafka.
      if (i < 8 || (i >= 12 && i < 16)) {
        expect(() => validateRecordBatch(copy), `byte ${i}`).not.to.throw();
      } else {
        expect(() => validateRecordBatch(copy), `byte ${i}`).to.throw(CorruptMessageError);
      }
    }
  });

  it('patches baseOffset and partitionLeaderEpoch in place without touching the CRC', () => {
    const batch = buildRecordBatch(SAMPLE, { compression: CompressionType.GZIP });
    const crc = batch.readUInt32BE(CRC_OFFSET);
    setBaseOffset(batch, 0, 1_000_000n);
    setPartitionLeaderEpoch(batch, 0, 42);
    expect(batch.readUInt32BE(CRC_OFFSET)).to.equal(crc);
    expect(validateRecordBatch(batch)).to.include({ baseOffset: 1_000_000n, partitionLeaderEpoch: 42 });
    expect(plain(batch).map((r) => r.offset)).to.deep.equal([1_000_000n, 1_000_001n, 1_000_002n, 1_000_003n]);
  });

  it('recomputes the CRC when LogAppendTime rewrites maxTimestamp and attributes', () => {
    const batch = buildRecordBatch(SAMPLE, { compression: CompressionType.LZ4 });
    const before = batch.readUInt32BE(CRC_OFFSET);
    setLogAppendTime(batch, 0, 1_800_000_000_000n);
    expect(batch.readUInt32BE(CRC_OFFSET)).not.to.equal(before);
    const h = validateRecordBatch(batch);
    expect(timestampTypeOf(h.attributes)).to.equal(1);
    expect(batch.readBigInt64BE(MAX_TIMESTAMP_OFFSET)).to.equal(1_800_000_000_000n);
    expect(plain(batch).every((r) => r.timestamp === 1_800_000_000_000n)).to.equal(true);
  });

  it('builds LogAppendTime batches whose records read the append time', () => {
    const batch = buildRecordBatch(SAMPLE, { timestampType: 1, logAppendTime: 5n });
    expect(plain(batch).map((r) => r.timestamp)).to.deep.equal([5n, 5n, 5n, 5n]);
  });

  it('walks a blob of batches and stops at a partial trailing batch', () => {
    const a = buildRecordBatch(SAMPLE.slice(0, 1), { baseOffset: 0n });
    const b = buildRecordBatch(SAMPLE.slice(1), { baseOffset: 1n, compression: CompressionType.ZSTD });
    const blob = Buffer.concat([a, b, b.subarray(0, 30)]);
    expect([...batchesIn(blob)]).to.deep.equal([
      { position: 0, size: a.length, magic: 2 },
      { position: a.length, size: b.length, magic: 2 },
    ]);
    expect(validBytes(blob)).to.equal(a.length + b.length);
    expect([...recordsIn(blob)].map((r) => r.offset)).to.deep.equal([0n, 1n, 2n, 3n]);
    const tiny = Buffer.alloc(20);
    tiny.writeInt32BE(3, 8);
    expect(() => [...batchesIn(tiny)]).to.throw(CorruptMessageError);
  });

  it('rejects truncated batches, undersized batches and wrong magic with CorruptMessageError', () => {
    const batch = buildRecordBatch(SAMPLE);
    expect(() => validateRecordBatch(batch.subarray(0, batch.length - 1))).to.throw(CorruptMessageError);
    expect(() => validateRecordBatch(batch.subarray(0, 8))).to.throw(CorruptMessageError);
    const small = Buffer.from(batch);
    small.writeInt32BE(RECORD_BATCH_OVERHEAD - 13, 8);
    expect(() => validateRecordBatch(small)).to.throw(CorruptMessageError);
    const magic1 = Buffer.from(batch);
    magic1[16] = 1;
    expect(() => validateRecordBatch(magic1)).to.throw(CorruptMessageError);
  });

  it('reads hostile record lengths and counts as typed errors', () => {
    const batch = buildRecordBatch(SAMPLE.slice(0, 2));
    const moreRecords = Buffer.from(batch);
    moreRecords.writeInt32BE(1_000_000_000, 57);
    expect(() => [...iterateRecords(moreRecords)]).to.throw(InvalidRecordError);
    const fewerRecords = Buffer.from(batch);
    fewerRecords.writeInt32BE(1, 57);
    expect(() => [...iterateRecords(fewerRecords)]).to.throw(InvalidRecordError);
    const negative = Buffer.from(batch);
    negative.writeInt32BE(-5, 57);
    expect(() => [...iterateRecords(negative)]).to.throw(InvalidRecordError);
    const hugeLength = Buffer.from(batch);
    hugeLength[RECORD_BATCH_OVERHEAD] = 0xfe; // varint length → huge
    hugeLength[RECORD_BATCH_OVERHEAD + 1] = 0xff;
    expect(() => [...iterateRecords(hugeLength)]).to.throw(InvalidRecordError);
  });

  it('yields only typed errors for random garbage and for every truncation and byte flip', function () {
    this.timeout(10_000);
    for (const compression of [0, 1, 2, 3, 4]) {
      const batch = buildRecordBatch(SAMPLE, { compression });
      for (let len = 0; len < batch.length; len++) {
        expectTypedOrOk(() => [...iterateRecords(batch.subarray(0, len))]);
        expectTypedOrOk(() => validateRecordBatch(batch.subarray(0, len)));
        expectTypedOrOk(() => [...batchesIn(batch.subarray(0, len))]);
      }
      for (let i = RECORD_BATCH_OVERHEAD - 4; i < batch.length; i++) {
        for (const v of [0x00, 0xff, 0x80, 0x7f]) {
          const copy = Buffer.from(batch);
          copy[i] = v;
          expectTypedOrOk(() => [...iterateRecords(copy, 1 << 20)]);
        }
      }
    }
    for (let i = 0; i < 300; i++) {
      const g = crypto.randomBytes(61 + (i % 100));
      if (i % 2 === 0) g.writeInt32BE(g.length - 12, 8);
      if (i % 3 === 0) g[16] = 2;
      expectTypedOrOk(() => [...iterateRecords(g, 1 << 20)]);
      expectTypedOrOk(() => [...recordsIn(g, 1 << 20)]);
    }
  });
});

describe('control records', () => {
  it('builds a COMMIT marker batch (control + transactional bits) and reads it back', () => {
    const batch = buildEndTransactionMarkerBatch(
      { type: ControlRecordType.COMMIT, coordinatorEpoch: 17 },
      { producerId: 9001n, producerEpoch: 3, baseOffset: 50n, timestamp: 123n },
    );
    const h = validateRecordBatch(batch);
    expect(isControlBatch(h.attributes)).to.equal(true);
    expect(h.attributes & 0x10).to.equal(0x10);
    expect(h).to.include({ producerId: 9001n, producerEpoch: 3, baseSequence: -1, recordsCount: 1 });
    const [r] = [...iterateRecords(batch)];
    expect([...r!.key!]).to.deep.equal([0, 0, 0, 1]);
    expect([...r!.value!]).to.deep.equal([0, 0, 0, 0, 0, 17]);
    expect(deserializeEndTransactionMarker(r!.key, r!.value)).to.deep.equal({ type: ControlRecordType.COMMIT, coordinatorEpoch: 17 });
    expect(r!.offset).to.equal(50n);
  });

  it('reads ABORT markers and rejects malformed control keys/values', () => {
    const batch = buildEndTransactionMarkerBatch({ type: ControlRecordType.ABORT, coordinatorEpoch: 0 }, { producerId: 1n, producerEpoch: 0 });
    const [r] = [...iterateRecords(batch)];
    expect(parseControlRecordType(r!.key)).to.equal(ControlRecordType.ABORT);
    expect(() => parseControlRecordType(Buffer.alloc(2))).to.throw(InvalidRecordError);
    expect(() => deserializeEndTransactionMarker(r!.key, Buffer.alloc(3))).to.throw(InvalidRecordError);
    expect(() => deserializeEndTransactionMarker(Buffer.from([0, 0, 0, 2]), r!.value)).to.throw(InvalidRecordError);
  });

  it('keeps the header fields binary-parser reads in step with the builder', () => {
    const batch = buildRecordBatch(SAMPLE, { producerId: 77n, producerEpoch: 2, baseSequence: 40, isTransactional: true });
    expect(readBatchHeader(batch)).to.include({ producerId: 77n, producerEpoch: 2, baseSequence: 40, attributes: 0x10 });
  });
});
