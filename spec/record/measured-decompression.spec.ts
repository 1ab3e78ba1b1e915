import { expect } from 'chai';
import zlib from 'node:zlib';
import { CorruptMessageError } from '../../lib/protocol/errors.js';
import { CompressionType } from '../../lib/record/compression.js';
import { decompressMeasured } from '../../lib/record/measured-decompression.js';
import { gzipOfZeros } from '../../scripts/fuzz/compression-bomb.js';
import { zstdWithoutDeclaredSize } from './zstd-support.js';

const MiB = 1024 * 1024;


describe('decompressMeasured', function () {
  this.timeout(60_000);

  it('refuses a gzip bomb whose trailer hides its size, measuring it chunk by chunk', async () => {
    const bomb = await gzipOfZeros(300 * MiB);
    bomb.writeUInt32LE(1000, bomb.length - 4);
    let chunks = 0;
    const err = await decompressMeasured(CompressionType.GZIP, bomb, 100 * MiB, {}, () => chunks++).then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(CorruptMessageError);
    expect((err as Error).message).to.match(/exceeds the limit of 104857600 bytes/);
    expect(chunks).to.be.within(99, 101); // stopped at the limit
  });

  it('inflates a large valid gzip member into one buffer of exactly its size', async () => {
    const data = Buffer.alloc(40 * MiB);
    for (let i = 0; i < data.length; i += 4096) data.write(`record ${i} `, i);
    const out = await decompressMeasured(CompressionType.GZIP, zlib.gzipSync(data), 100 * MiB);
    expect(out.length).to.equal(data.length);
    expect(out.buffer.byteLength).to.equal(data.length);
    expect(out.equals(data)).to.equal(true);
  });

  it('turns corrupt gzip into CORRUPT_MESSAGE', async () => {
    const gz = zlib.gzipSync(Buffer.alloc(20 * MiB, 7));
    gz[gz.length >> 1]! ^= 0xff;
    const err = await decompressMeasured(CompressionType.GZIP, gz, 100 * MiB).then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(CorruptMessageError);
  });

  it('refuses a zstd frame without a declared size past the limit, and inflates one within it', async () => {
    const bomb = zstdWithoutDeclaredSize(Buffer.alloc(200 * MiB));
    const err = await decompressMeasured(CompressionType.ZSTD, bomb, 50 * MiB).then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(CorruptMessageError);
    const data = Buffer.alloc(30 * MiB, 'zstd ');
    expect((await decompressMeasured(CompressionType.ZSTD, zstdWithoutDeclaredSize(data), 50 * MiB)).equals(data)).to.equal(true);
  });
});
