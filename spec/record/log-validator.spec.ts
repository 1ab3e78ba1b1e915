import { expect } from 'chai';
import crypto from 'node:crypto';
import {
  ApiError,
  CorruptMessageError,
  InvalidRecordError,
  InvalidTimestampError,
  MessageTooLargeError,
} from '../../lib/protocol/errors.js';
import { CRC_OFFSET, MAX_TIMESTAMP_OFFSET, RECORDS_COUNT_OFFSET } from '../../lib/record/batch-header.js';
import { CompressionType, buildRecordBatch, updateBatchCrc, type SimpleRecord } from '../../lib/record/memory-records-builder.js';
import { iterateRecords, timestampTypeOf, validateRecordBatch } from '../../lib/record/record-batch.js';
import { recordErrorsOf, validateMessagesAndAssignOffsets } from '../../lib/record/log-validator.js';
import { buildEndTransactionMarkerBatch, ControlRecordType } from '../../lib/record/control-record.js';
import { buildLegacyMessageSet } from '../../lib/record/legacy-record.js';
import { encodeRecordsWithOffsetDeltas } from './validator-helpers.js';

const NOW = 1_700_000_100_000n;
const RECORDS: SimpleRecord[] = [
  { key: Buffer.from('a'), value: Buffer.from('1'), timestamp: NOW - 10n },
  { key: Buffer.from('b'), value: Buffer.from('2'), timestamp: NOW - 5n, headers: [{ key: 'h', value: null }] },
  { key: Buffer.from('c'), value: Buffer.from('3'), timestamp: NOW - 7n },
];

describe('LogValidator.validateMessagesAndAssignOffsets', () => {
  for (const compression of [0, 1, 2, 3, 4]) {
    it(`assigns offsets and the leader epoch in place, keeping the CRC (codec ${compression})`, () => {
      const batch = buildRecordBatch(RECORDS, { compression });
      const crc = batch.readUInt32BE(CRC_OFFSET);
      const result = validateMessagesAndAssignOffsets(batch, { nextOffset: 42n, partitionLeaderEpoch: 5, now: NOW });
      expect(result).to.include({
        validatedRecords: batch, converted: false, firstOffset: 42n, lastOffset: 44n,
        maxTimestamp: NOW - 5n, offsetOfMaxTimestamp: 43n, count: 3, shallowCount: 1, logAppendTime: -1n,
        producerId: -1n, isTransactional: false,
      });
      expect(batch.readUInt32BE(CRC_OFFSET)).to.equal(crc);
      expect(validateRecordBatch(batch)).to.include({ baseOffset: 42n, partitionLeaderEpoch: 5 });
      expect([...iterateRecords(batch)].map((r) => r.offset)).to.deep.equal([42n, 43n, 44n]);
    });

    it(`rewrites maxTimestamp and attributes with a fresh CRC under LogAppendTime (codec ${compression})`, () => {
      const batch = buildRecordBatch(RECORDS, { compression });
      const result = validateMessagesAndAssignOffsets(batch, { nextOffset: 0n, timestampType: 1, now: NOW });
      expect(result).to.include({ maxTimestamp: NOW, logAppendTime: NOW, offsetOfMaxTimestamp: compression === 0 ? 2n : 0n });
      const h = validateRecordBatch(batch);
      expect(timestampTypeOf(h.attributes)).to.equal(1);
      expect(h.maxTimestamp).to.equal(NOW);
      expect([...iterateRecords(batch)].every((r) => r.timestamp === NOW)).to.equal(true);
    });
  }

  it('corrects a maxTimestamp that disagrees with the records, recomputing the CRC', () => {
    const batch = buildRecordBatch(RECORDS);
    batch.writeBigInt64BE(1n, MAX_TIMESTAMP_OFFSET);
    updateBatchCrc(batch);
    validateMessagesAndAssignOffsets(batch, { nextOffset: 0n, now: NOW });
    expect(validateRecordBatch(batch).maxTimestamp).to.equal(NOW - 5n);
  });

  it('applies Kafka client-origin batch checks with INVALID_RECORD', () => {
    const withBase = buildRecordBatch(RECORDS, { baseOffset: 9n });
    expect(() => validateMessagesAndAssignOffsets(withBase, { nextOffset: 0n })).to.throw(InvalidRecordError);
    expect(() => validateMessagesAndAssignOffsets(withBase, { nextOffset: 0n, origin: 'coordinator' })).not.to.throw();

    const control = buildEndTransactionMarkerBatch({ type: ControlRecordType.ABORT, coordinatorEpoch: 0 }, { producerId: 3n, producerEpoch: 0 });
    expect(() => validateMessagesAndAssignOffsets(control, { nextOffset: 0n })).to.throw(InvalidRecordError);
    expect(validateMessagesAndAssignOffsets(control, { nextOffset: 0n, origin: 'coordinator' }).count).to.equal(1);

    const noSeq = buildRecordBatch(RECORDS, { producerId: 5n, producerEpoch: 0, baseSequence: -1 });
    expect(() => validateMessagesAndAssignOffsets(noSeq, { nextOffset: 0n })).to.throw(InvalidRecordError);

    const badCount = buildRecordBatch(RECORDS);
    badCount.writeInt32BE(2, RECORDS_COUNT_OFFSET);
    updateBatchCrc(badCount);
    expect(() => validateMessagesAndAssignOffsets(badCount, { nextOffset: 0n })).to.throw(InvalidRecordError);

    const two = Buffer.concat([buildRecordBatch(RECORDS), buildRecordBatch(RECORDS)]);
    expect(() => validateMessagesAndAssignOffsets(two, { nextOffset: 0n })).to.throw(InvalidRecordError);
    expect(() => validateMessagesAndAssignOffsets(Buffer.alloc(0), { nextOffset: 0n })).to.throw(InvalidRecordError);
  });

  it('returns producer fields of idempotent/transactional batches', () => {
    const batch = buildRecordBatch(RECORDS, { producerId: 77n, producerEpoch: 4, baseSequence: 12, isTransactional: true });
    expect(validateMessagesAndAssignOffsets(batch, { nextOffset: 0n, now: NOW })).to.include({
      producerId: 77n, producerEpoch: 4, baseSequence: 12, isTransactional: true,
    });
  });

  it('rejects corrupt and oversize batches with CORRUPT_MESSAGE / MESSAGE_TOO_LARGE', () => {
    const batch = buildRecordBatch(RECORDS);
    batch[batch.length - 1]! ^= 1;
    expect(() => validateMessagesAndAssignOffsets(batch, { nextOffset: 0n })).to.throw(CorruptMessageError);
    const ok = buildRecordBatch(RECORDS);
    expect(() => validateMessagesAndAssignOffsets(ok, { nextOffset: 0n, maxMessageBytes: ok.length - 1 })).to.throw(MessageTooLargeError);
    expect(() => validateMessagesAndAssignOffsets(ok.subarray(0, ok.length - 3), { nextOffset: 0n })).to.throw(CorruptMessageError);
  });

  it('rejects keyless records on compacted topics with per-record errors', () => {
    const batch = buildRecordBatch([RECORDS[0]!, { key: null, value: Buffer.from('x'), timestamp: NOW }]);
    try {
      validateMessagesAndAssignOffsets(batch, { nextOffset: 0n, compactedTopic: true, now: NOW });
      expect.fail('should throw');
    } catch (err) {
      expect(err).to.be.instanceOf(InvalidRecordError);
      expect(recordErrorsOf(err).map((e) => e.batchIndex)).to.deep.equal([1]);
    }
  });

  it('rejects CreateTime timestamps outside message.timestamp.before/after.max.ms with INVALID_TIMESTAMP', () => {
    const batch = buildRecordBatch(RECORDS, { compression: CompressionType.GZIP });
    expect(() => validateMessagesAndAssignOffsets(batch, { nextOffset: 0n, now: NOW, timestampBeforeMaxMs: 6 })).to.throw(InvalidTimestampError);
    const future = buildRecordBatch([{ value: Buffer.from('f'), timestamp: NOW + 1000n }]);
    expect(() => validateMessagesAndAssignOffsets(future, { nextOffset: 0n, now: NOW, timestampAfterMaxMs: 999 })).to.throw(InvalidTimestampError);
    expect(validateMessagesAndAssignOffsets(future, { nextOffset: 0n, now: NOW, timestampAfterMaxMs: 1000 }).count).to.equal(1);
  });

  it('recompresses when the topic compression.type differs from the producer codec', () => {
    const batch = buildRecordBatch(RECORDS, { compression: CompressionType.GZIP });
    const result = validateMessagesAndAssignOffsets(batch, { nextOffset: 100n, now: NOW, targetCompression: CompressionType.ZSTD, partitionLeaderEpoch: 2 });
    expect(result.converted).to.equal(true);
    const h = validateRecordBatch(result.validatedRecords);
    expect(h).to.include({ baseOffset: 100n, partitionLeaderEpoch: 2, recordsCount: 3 });
    expect(h.attributes & 7).to.equal(CompressionType.ZSTD);
    expect([...iterateRecords(result.validatedRecords)].map((r) => r.value?.toString())).to.deep.equal(['1', '2', '3']);
  });

  it('rewrites compressed batches whose inner offset deltas are not 0..n-1, as Kafka does', () => {
    const batch = encodeRecordsWithOffsetDeltas([0, 2, 5], CompressionType.GZIP, NOW);
    const result = validateMessagesAndAssignOffsets(batch, { nextOffset: 10n, now: NOW });
    expect(result.converted).to.equal(true);
    expect([...iterateRecords(result.validatedRecords)].map((r) => r.offset)).to.deep.equal([10n, 11n, 12n]);
  });

  it('up-converts legacy produce and validates legacy keys for compacted topics', () => {
    const set = buildLegacyMessageSet([{ key: Buffer.from('k'), value: Buffer.from('v'), timestamp: NOW }, { value: Buffer.from('w'), timestamp: NOW }], { magic: 1, compression: CompressionType.SNAPPY });
    expect(() => validateMessagesAndAssignOffsets(Buffer.from(set), { nextOffset: 0n, compactedTopic: true, now: NOW })).to.throw(InvalidRecordError);
    const result = validateMessagesAndAssignOffsets(set, { nextOffset: 3n, now: NOW, timestampType: 1 });
    expect(result).to.include({ converted: true, firstOffset: 3n, lastOffset: 4n, maxTimestamp: NOW });
    expect(timestampTypeOf(validateRecordBatch(result.validatedRecords).attributes)).to.equal(1);
  });

  it('throws only typed errors for garbage and every truncation/byte flip of a produce blob', () => {
    for (const compression of [0, 1, 3]) {
      const good = buildRecordBatch(RECORDS, { compression });
      for (let i = 0; i < good.length; i++) {
        for (const mutate of [(b: Buffer) => b.subarray(0, i), (b: Buffer) => { b[i] = (b[i]! + 1) & 0xff; if (i >= 21) updateBatchCrc(b); return b; }]) {
          try {
            validateMessagesAndAssignOffsets(mutate(Buffer.from(good)), { nextOffset: 0n, now: NOW });
          } catch (err) {
            expect(err, String(err)).to.be.instanceOf(ApiError);
          }
        }
      }
    }
    for (let i = 0; i < 200; i++) {
      const g = crypto.randomBytes(20 + i);
      g.writeInt32BE(g.length - 12, 8);
      g[16] = i % 3;
      try {
        validateMessagesAndAssignOffsets(g, { nextOffset: 0n });
      } catch (err) {
        expect(err, String(err)).to.be.instanceOf(ApiError);
      }
    }
  });
});
