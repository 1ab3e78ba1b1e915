import { expect } from 'chai';
import { CorruptMessageError } from '../../lib/protocol/errors.js';
import { CompressionType, compress } from '../../lib/record/compression.js';
import { DecompressionPool } from '../../lib/record/decompression-pool.js';
import { decompressLargeEntries } from '../../lib/record/decompressed-entries.js';
import { validateMessagesAndAssignOffsets } from '../../lib/record/log-validator.js';
import { buildLegacyMessageSet } from '../../lib/record/legacy-record.js';
import { buildRecordBatch, type SimpleRecord } from '../../lib/record/memory-records-builder.js';
import { MockTime } from '../../lib/common/time.js';
import { batchAround, compressibleBatch, gzipOfZeros } from '../../scripts/fuzz/compression-bomb.js';

const MiB = 1024 * 1024;
const CODECS = [CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4, CompressionType.ZSTD] as const;

/** Resolves `work` and reports whether a callback queued on the event loop ran before it settled. */
async function loopRanDuring<T>(work: () => Promise<T>): Promise<{ value: T; loopRan: boolean }> {
  let ran = false;
  const immediate = setImmediate(() => (ran = true));
  try {
    const value = await work();
    return { value, loopRan: ran };
  } finally {
    clearImmediate(immediate);
  }
}

describe('decompression off the event loop', function () {
  this.timeout(60_000);
  let pool: DecompressionPool;
  const big = Buffer.alloc(48 * MiB, 'kafka records ');

  beforeEach(() => (pool = new DecompressionPool({ maxWorkers: 2 })));
  afterEach(async () => pool.shutdown());

  for (const codec of CODECS) {
    it(`inflates codec ${codec} on a worker thread while the event loop goes on`, async () => {
      const compressed = compress(codec, big);
      const { value, loopRan } = await loopRanDuring(() => pool.decompress(codec, compressed, 64 * MiB));
      expect(loopRan).to.equal(true);
      expect(value.equals(big)).to.equal(true);
      expect(pool.completedJobs).to.equal(1);
    });
  }

  it('keeps compression.ts\' bound: output past the limit and bad bytes are CORRUPT_MESSAGE', async () => {
    const bomb = await gzipOfZeros(200 * MiB);
    const err = await pool.decompress(CompressionType.GZIP, bomb, 10 * MiB).then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(CorruptMessageError);
    expect((err as Error).message).to.match(/exceeds the limit of 10485760 bytes/);
    const garbage = await pool.decompress(CompressionType.ZSTD, Buffer.from('not zstd at all'), MiB).then(() => null, (e: unknown) => e);
    expect(garbage).to.be.instanceOf(CorruptMessageError);
  });

  it('refuses a bomb whose gzip trailer hides its size without keeping the worker\'s memory', async () => {
    const forged = await gzipOfZeros(200 * MiB);
    forged.writeUInt32LE(1000, forged.length - 4);
    const err = await pool.decompress(CompressionType.GZIP, forged, 64 * MiB).then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(CorruptMessageError);
    expect((err as Error).message).to.match(/exceeds the limit of 67108864 bytes/);
  });

  it('refuses a job with REQUEST_TIMED_OUT when maxQueued jobs already wait for a worker', async () => {
    const busy = new DecompressionPool({ maxWorkers: 1, maxQueued: 2 });
    try {
      const compressed = compress(CompressionType.GZIP, Buffer.alloc(16 * MiB, 'q'));
      const jobs = Array.from({ length: 5 }, () => busy.decompress(CompressionType.GZIP, compressed, 32 * MiB).then((b) => b.length, (e: unknown) => e));
      const results = await Promise.all(jobs);
      // One running, two waiting: the last two are refused at once.
      expect(results.slice(0, 3)).to.deep.equal([16 * MiB, 16 * MiB, 16 * MiB]);
      expect(results.slice(3).map((e) => (e as { code?: number }).code)).to.deep.equal([7, 7]);
      expect(busy.refusedJobs).to.equal(2);
    } finally {
      await busy.shutdown();
    }
  });

  it('runs jobs on at most maxWorkers threads and stops idle workers', async () => {
    const time = new MockTime();
    const small = new DecompressionPool({ maxWorkers: 2, idleTimeoutMs: 1000, time });
    try {
      const compressed = compress(CompressionType.GZIP, Buffer.alloc(MiB, 'x'));
      const outs = await Promise.all(Array.from({ length: 5 }, () => small.decompress(CompressionType.GZIP, compressed, 8 * MiB)));
      expect(outs.every((o) => o.length === MiB)).to.equal(true);
      expect(small.workerCount).to.equal(2);
      time.advance(1000);
      expect(small.workerCount).to.equal(0);
      expect((await small.decompress(CompressionType.GZIP, compressed, 8 * MiB)).length).to.equal(MiB);
    } finally {
      await small.shutdown();
    }
  });

  describe('decompressLargeEntries (the produce path)', () => {
    it('inflates large compressed batches off the loop, keyed by position, and leaves small ones to the validator', async () => {
      const large = compressibleBatch(CompressionType.GZIP, 20_000, 1000);
      const { value: entries, loopRan } = await loopRanDuring(() => decompressLargeEntries(large, pool));
      expect(loopRan).to.equal(true);
      expect([...entries!.keys()]).to.deep.equal([0]);
      expect((entries!.get(0) as Buffer).length).to.be.greaterThan(20_000_000);
      const small = buildRecordBatch([{ value: Buffer.from('small') }], { compression: CompressionType.GZIP });
      expect(await decompressLargeEntries(small, pool)).to.equal(undefined);
      expect(await decompressLargeEntries(buildRecordBatch(Array.from({ length: 1000 }, () => ({ value: Buffer.alloc(1000) }))), pool)).to.equal(undefined);
    });

    it('inflates on the event loop a batch whose framing allows more than a megabyte but which holds less', async () => {
      // gzip's framing allows ~1000× its size: 4 KB of gzip may be 4 MB, but these records are 200 KB.
      const records: SimpleRecord[] = Array.from({ length: 2000 }, (_, i) => ({ key: Buffer.from(String(i)), value: Buffer.from(`value-${i}`.repeat(10)) }));
      const batch = buildRecordBatch(records, { compression: CompressionType.GZIP });
      expect(batch.length).to.be.greaterThan(1100);
      const entries = await decompressLargeEntries(batch, pool);
      expect((entries!.get(0) as Buffer).length).to.be.lessThan(MiB);
      expect(pool.completedJobs).to.equal(0);
      expect(validateMessagesAndAssignOffsets(batch, { nextOffset: 0n, decompressed: entries }).count).to.equal(2000);
    });

    it('skips batches whose CRC does not match (the validator rejects them without inflating)', async () => {
      const large = compressibleBatch(CompressionType.GZIP, 20_000, 1000);
      large[large.length - 1]! ^= 0xff;
      expect(await decompressLargeEntries(large, pool)).to.equal(undefined);
      expect(pool.completedJobs).to.equal(0);
    });

    it('inflates a compressed legacy wrapper message off the loop', async () => {
      const messages = Array.from({ length: 5000 }, (_, i) => ({ key: Buffer.from(String(i)), value: Buffer.alloc(1000, 'v') }));
      const set = buildLegacyMessageSet(messages, { magic: 1, compression: CompressionType.GZIP });
      const entries = await decompressLargeEntries(set, pool);
      expect(entries?.size).to.equal(1);
      const r = validateMessagesAndAssignOffsets(set, { nextOffset: 0n, decompressed: entries });
      expect(r.count).to.equal(5000);
    });

    it('keeps the error of a bomb for the validator, which answers CORRUPT_MESSAGE at the point it would have inflated', async () => {
      const bomb = batchAround(await gzipOfZeros(300 * MiB), CompressionType.GZIP, 1);
      const entries = await decompressLargeEntries(bomb, pool);
      expect(entries!.get(0)).to.be.instanceOf(CorruptMessageError);
      expect(() => validateMessagesAndAssignOffsets(bomb, { nextOffset: 0n, decompressed: entries })).to.throw(CorruptMessageError, /exceeds the limit/);
    });

    for (const targetCompression of ['producer', CompressionType.LZ4] as const) {
      it(`validates with the inflated bytes, never inflating again (compression.type ${targetCompression})`, async () => {
        const records: SimpleRecord[] = Array.from({ length: 20_000 }, (_, i) => ({ key: Buffer.from(String(i)), value: Buffer.alloc(1000, 'w') }));
        const batch = buildRecordBatch(records, { compression: CompressionType.ZSTD });
        const entries = await decompressLargeEntries(batch, pool);
        // Replace the inflated bytes by an error: a validator that used them must throw it.
        const marker = new CorruptMessageError('from the decompressed entries');
        expect(() => validateMessagesAndAssignOffsets(Buffer.from(batch), { nextOffset: 0n, targetCompression, decompressed: new Map([[0, marker]]) }))
          .to.throw(CorruptMessageError, /from the decompressed entries/);
        const r = validateMessagesAndAssignOffsets(batch, { nextOffset: 10n, targetCompression, decompressed: entries });
        expect(r.count).to.equal(20_000);
        expect(r.firstOffset).to.equal(10n);
      });
    }
  });
});
