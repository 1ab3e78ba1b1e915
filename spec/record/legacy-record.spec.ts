import { expect } from 'chai';
import { ApiError, CorruptMessageError, InvalidRecordError, UnsupportedCompressionTypeError } from '../../lib/protocol/errors.js';
import { CompressionType, buildRecordBatch } from '../../lib/record/memory-records-builder.js';
import { batchesIn, recordsIn } from '../../lib/record/record-batch.js';
import {
  LEGACY_ATTRIBUTES_OFFSET,
  buildLegacyMessageSet,
  iterateLegacyMessages,
  readLegacyEntry,
  type LegacyRecordInput,
} from '../../lib/record/legacy-record.js';
import { downConvert } from '../../lib/record/records-util.js';
import { buildEndTransactionMarkerBatch, ControlRecordType } from '../../lib/record/control-record.js';
import zlib from 'node:zlib';
import { crc32 } from '../../lib/record/crc.js';
import { kafkajsDecodeMessageSet } from './kafkajs-helpers.js';

const INPUT: LegacyRecordInput[] = [
  { key: Buffer.from('a'), value: Buffer.from('alpha'), timestamp: 1000n },
  { key: null, value: Buffer.from('beta'.repeat(50)), timestamp: 1003n },
  { key: Buffer.from('c'), value: null, timestamp: 1001n },
];

describe('legacy message sets (magic 0 and 1)', () => {
  for (const magic of [0, 1] as const) {
    for (const compression of [0, 1, 2, 3]) {
      it(`round-trips magic ${magic} with codec ${compression}, keeping offsets and timestamps`, () => {
        const set = buildLegacyMessageSet(INPUT, { magic, compression, baseOffset: 500n });
        const shallow = [...batchesIn(set)];
        expect(shallow.length).to.equal(compression === 0 ? 3 : 1);
        expect(shallow.every((b) => b.magic === magic)).to.equal(true);
        const recs = [...recordsIn(set)];
        expect(recs.map((r) => r.offset)).to.deep.equal([500n, 501n, 502n]);
        expect(recs.map((r) => r.timestamp)).to.deep.equal(magic === 0 ? [-1n, -1n, -1n] : [1000n, 1003n, 1001n]);
        expect(recs.map((r) => r.key?.toString() ?? null)).to.deep.equal(['a', null, 'c']);
        expect(recs.map((r) => r.value?.toString() ?? null)).to.deep.equal(['alpha', 'beta'.repeat(50), null]);
      });
    }
  }

  it('writes magic-1 compressed wrappers with relative inner offsets and the last absolute offset outside', () => {
    const set = buildLegacyMessageSet(INPUT, { magic: 1, compression: CompressionType.GZIP, baseOffset: 500n });
    const wrapper = readLegacyEntry(set);
    expect(wrapper.offset).to.equal(502n);
    expect(wrapper.timestamp).to.equal(1003n);
    const v0 = buildLegacyMessageSet(INPUT, { magic: 0, compression: CompressionType.GZIP, baseOffset: 500n });
    expect(readLegacyEntry(v0).offset).to.equal(502n);
  });

  it('applies a magic-1 LogAppendTime wrapper timestamp to every inner message', () => {
    const set = buildLegacyMessageSet(INPUT, { magic: 1, compression: CompressionType.SNAPPY, timestampType: 1, logAppendTime: 9999n });
    expect([...iterateLegacyMessages(set)].map((m) => m.timestamp)).to.deep.equal([9999n, 9999n, 9999n]);
  });

  it('detects a flipped byte anywhere in a legacy message with its CRC-32', () => {
    const set = buildLegacyMessageSet(INPUT.slice(0, 1), { magic: 1 });
    for (let i = 12; i < set.length; i++) {
      const copy = Buffer.from(set);
      copy[i]! ^= 0x21;
      expect(() => [...iterateLegacyMessages(copy)], `byte ${i}`).to.throw(ApiError);
    }
  });

  it('rejects nested compression, truncation and zstd with typed errors', () => {
    const inner = buildLegacyMessageSet(INPUT, { magic: 1, compression: CompressionType.GZIP });
    expect(() => [...iterateLegacyMessages(gzipWrapperAround(inner))]).to.throw(InvalidRecordError);
    expect([...iterateLegacyMessages(gzipWrapperAround(buildLegacyMessageSet(INPUT, { magic: 1 })))].length).to.equal(3);
    const plain = buildLegacyMessageSet([{ key: null, value: null }], { magic: 1 });
    expect(() => readLegacyEntry(plain.subarray(0, plain.length - 1))).to.throw(CorruptMessageError);
    expect(() => buildLegacyMessageSet(INPUT, { magic: 1, compression: CompressionType.ZSTD })).to.throw(UnsupportedCompressionTypeError);
    const zstdWrapper = gzipWrapperAround(buildLegacyMessageSet(INPUT, { magic: 1 }), CompressionType.ZSTD);
    expect(() => [...iterateLegacyMessages(zstdWrapper)]).to.throw(UnsupportedCompressionTypeError);
  });
});

/** A magic-1 wrapper (codec attribute `codec`) whose value is gzip(innerSet), CRC fixed up. */
function gzipWrapperAround(innerSet: Buffer, codec: number = CompressionType.GZIP): Buffer {
  const out = buildLegacyMessageSet([{ key: null, value: zlib.gzipSync(innerSet), timestamp: 1n }], { magic: 1, baseOffset: 2n });
  out[LEGACY_ATTRIBUTES_OFFSET] = codec;
  out.writeUInt32BE(crc32(out, 16, out.length), 12);
  return out;
}

describe('hostile legacy input', () => {
  it('yields only typed errors for every truncation and byte flip of legacy sets', () => {
    for (const magic of [0, 1] as const) {
      for (const compression of [0, 1, 2, 3]) {
        const set = buildLegacyMessageSet(INPUT, { magic, compression });
        for (let i = 0; i < set.length; i++) {
          for (const candidate of [set.subarray(0, i), flip(set, i)]) {
            try {
              [...recordsIn(candidate, 1 << 20)];
            } catch (err) {
              expect(err, String(err)).to.be.instanceOf(ApiError);
            }
          }
        }
      }
    }
  });
});

/** A copy of `buf` with byte `i` changed and the first entry's CRC-32 fixed, so parsing goes deeper. */
function flip(buf: Buffer, i: number): Buffer {
  const copy = Buffer.from(buf);
  copy[i] = (copy[i]! + 0x41) & 0xff;
  const size = copy.readInt32BE(8) + 12;
  if (i >= 16 && size <= copy.length && size >= 26) copy.writeUInt32BE(crc32(copy, 16, size), 12);
  return copy;
}

describe('down-conversion (RecordsUtil.downConvert)', () => {
  const records = [
    { key: Buffer.from('k0'), value: Buffer.from('v0'), timestamp: 2000n, headers: [{ key: 'dropped', value: Buffer.from('h') }] },
    { key: null, value: Buffer.from('v1'), timestamp: 2002n },
    { key: Buffer.from('k2'), value: Buffer.from('v2'.repeat(40)), timestamp: 2001n },
  ];

  for (const toMagic of [0, 1] as const) {
    for (const compression of [0, 1, 2, 3]) {
      it(`turns magic-2 batches (codec ${compression}) into magic-${toMagic} sets kafkajs's MessageSet decoder reads`, async () => {
        const blob = Buffer.concat([
          buildRecordBatch(records, { compression, baseOffset: 10n }),
          buildRecordBatch(records, { compression, baseOffset: 13n }),
        ]);
        const { records: legacy, numRecordsConverted } = downConvert(blob, toMagic, 11n);
        expect(numRecordsConverted).to.equal(5);
        const shallow = [...batchesIn(legacy)];
        expect(shallow.every((b) => b.magic === toMagic)).to.equal(true);
        if (compression !== 0) {
          expect(shallow.length).to.equal(2);
          expect(legacy[shallow[0]!.position + LEGACY_ATTRIBUTES_OFFSET]! & 7).to.equal(compression);
        }
        const decoded = await kafkajsDecodeMessageSet(legacy);
        expect(decoded.map((m) => m.offset.toString())).to.deep.equal(['11', '12', '13', '14', '15']);
        expect(decoded.map((m) => m.value?.toString())).to.deep.equal(['v1', 'v2'.repeat(40), 'v0', 'v1', 'v2'.repeat(40)]);
        expect(decoded.map((m) => m.key?.toString() ?? null)).to.deep.equal([null, 'k2', 'k0', null, 'k2']);
        if (toMagic === 1) expect(decoded.map((m) => String(m.timestamp))).to.deep.equal(['2002', '2001', '2000', '2002', '2001']);
        expect([...recordsIn(legacy)].map((r) => r.offset)).to.deep.equal([11n, 12n, 13n, 14n, 15n]);
      });
    }
  }

  it('answers UNSUPPORTED_COMPRESSION_TYPE for zstd batches and drops control batches', () => {
    const zstd = buildRecordBatch(records, { compression: CompressionType.ZSTD });
    expect(() => downConvert(zstd, 1)).to.throw(UnsupportedCompressionTypeError);
    const marker = buildEndTransactionMarkerBatch({ type: ControlRecordType.COMMIT, coordinatorEpoch: 1 }, { producerId: 1n, producerEpoch: 0, baseOffset: 3n });
    const data = buildRecordBatch(records, { baseOffset: 0n, producerId: 1n, producerEpoch: 0, baseSequence: 0, isTransactional: true });
    const { records: legacy } = downConvert(Buffer.concat([data, marker]), 1);
    expect([...recordsIn(legacy)].map((r) => r.offset)).to.deep.equal([0n, 1n, 2n]);
  });

  it('carries LogAppendTime into magic-1 sets (wrapper or per message) where kafkajs reads it', async () => {
    for (const compression of [0, 1]) {
      const batch = buildRecordBatch(records, { compression, timestampType: 1, logAppendTime: 777n });
      const { records: legacy } = downConvert(batch, 1);
      expect([...recordsIn(legacy)].map((r) => r.timestamp)).to.deep.equal([777n, 777n, 777n]);
      const decoded = await kafkajsDecodeMessageSet(legacy);
      expect(decoded.map((m) => String(m.timestamp))).to.deep.equal(['777', '777', '777']);
      expect(legacy[LEGACY_ATTRIBUTES_OFFSET]! & 0x08).to.equal(0x08);
    }
  });

  it('keeps offset gaps left by compaction', () => {
    const set = buildLegacyMessageSet([{ offset: 5n, value: Buffer.from('a') }, { offset: 9n, value: Buffer.from('b') }], { magic: 1, compression: CompressionType.GZIP });
    expect([...recordsIn(set)].map((r) => r.offset)).to.deep.equal([5n, 9n]);
  });

  it('passes through entries already at the target magic and stops at a partial trailing batch', () => {
    const v1 = buildLegacyMessageSet(INPUT, { magic: 1 });
    const v2 = buildRecordBatch(records, { baseOffset: 3n });
    const { records: out } = downConvert(Buffer.concat([v1, v2, v2.subarray(0, 20)]), 1);
    expect(out.subarray(0, v1.length).equals(v1)).to.equal(true);
    expect([...recordsIn(out)].map((r) => r.offset)).to.deep.equal([0n, 1n, 2n, 3n, 4n, 5n]);
  });
});
