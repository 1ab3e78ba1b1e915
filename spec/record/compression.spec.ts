import { expect } from 'chai';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import * as snappy from 'snappyjs';
import { createRequire } from 'node:module';
import { CorruptMessageError, UnsupportedCompressionTypeError } from '../../lib/protocol/errors.js';
import {
  CompressionType,
  compress,
  decompress,
  lz4FrameOutputBound,
  xerialSnappyCompress,
  xxh32,
} from '../../lib/record/compression.js';
import { crc32, crc32c, crc32cAfterChange } from '../../lib/record/crc.js';

const require = createRequire(import.meta.url);
const lz4js = require('lz4js') as { compress(b: Uint8Array): Uint8Array };
const lz4jsXxh = require('lz4js/xxh32.js') as { hash(seed: number, b: Uint8Array, start: number, len: number): number };

const CODECS = [CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4, CompressionType.ZSTD] as const;

describe('crc', () => {
  it('computes the CRC-32C and CRC-32 check values of "123456789"', () => {
    const b = Buffer.from('123456789');
    expect(crc32c(b)).to.equal(0xe3069283);
    expect(crc32(b)).to.equal(0xcbf43926);
  });

  it('updates a CRC-32C from the changed bytes alone, matching a full recomputation', () => {
    for (const n of [40, 333, 70_000]) {
      const b = crypto.randomBytes(n);
      for (const [at, len] of [[4, 22], [0, 1], [n - 8, 8], [n >> 1, 3]] as const) {
        const old = crc32c(b, 4);
        const before = Buffer.from(b.subarray(Math.max(at, 4), Math.max(at, 4) + len));
        crypto.randomFillSync(b, Math.max(at, 4), before.length);
        expect(crc32cAfterChange(old, b, n, Math.max(at, 4), before)).to.equal(crc32c(b, 4));
      }
    }
  });

  it('checksums a sub-range without copying it', () => {
    const b = Buffer.from('xx123456789yy');
    expect(crc32c(b, 2, 11)).to.equal(0xe3069283);
    expect(crc32(b, 2, 11)).to.equal(0xcbf43926);
  });
});

describe('compression', () => {
  it('refuses a gzip member whose ISIZE trailer is past the limit without inflating it', () => {
    const bomb = zlib.gzipSync(Buffer.alloc(200 * 1024 * 1024));
    // The size in the message is the announced one (200 MiB), not limit + 1 found by inflating.
    expect(() => decompress(CompressionType.GZIP, bomb, 10 * 1024 * 1024)).to.throw(CorruptMessageError, /Decompressed size 209715200 exceeds the limit of 10485760/);
  });

  it('bounds a zstd frame that does not declare its size while streaming it', () => {
    const zstd = require('zstd-napi') as { Compressor: new () => { setParameters(p: object): void; compress(b: Buffer): Buffer } };
    const c = new zstd.Compressor();
    c.setParameters({ contentSizeFlag: false });
    const frame = c.compress(Buffer.alloc(20 * 1024 * 1024, 3));
    expect(() => decompress(CompressionType.ZSTD, frame, 5 * 1024 * 1024)).to.throw(CorruptMessageError, /exceeds the limit of 5242880/);
    const out = decompress(CompressionType.ZSTD, frame, 20 * 1024 * 1024);
    expect(out.length).to.equal(20 * 1024 * 1024);
    expect(out.every((b) => b === 3)).to.equal(true);
  });

  const data = Buffer.concat([Buffer.from('hello '.repeat(5000)), crypto.randomBytes(70_000)]);

  for (const codec of CODECS) {
    it(`round-trips codec ${codec} over several blocks`, () => {
      const c = compress(codec, data);
      expect(c.equals(data)).to.equal(false);
      expect(decompress(codec, c).equals(data)).to.equal(true);
    });

    it(`refuses codec ${codec} output past the limit with CorruptMessageError`, () => {
      const bomb = compress(codec, Buffer.alloc(4 * 1024 * 1024));
      expect(() => decompress(codec, bomb, 1024 * 1024)).to.throw(CorruptMessageError);
      expect(decompress(codec, bomb, 4 * 1024 * 1024).length).to.equal(4 * 1024 * 1024);
    });

    it(`finds codec ${codec} output ending exactly at the limit within it, one byte more past it`, () => {
      const exact = compress(codec, Buffer.alloc(3 * 1024 * 1024 + 17, 5));
      expect(decompress(codec, exact, 3 * 1024 * 1024 + 17).length).to.equal(3 * 1024 * 1024 + 17);
      expect(() => decompress(codec, exact, 3 * 1024 * 1024 + 16)).to.throw(CorruptMessageError);
    });

    it(`turns garbage and truncation into CorruptMessageError for codec ${codec}`, () => {
      const c = compress(codec, data);
      for (const bad of [crypto.randomBytes(200), c.subarray(0, c.length >> 1), Buffer.alloc(0)]) {
        expect(() => decompress(codec, bad)).to.throw(CorruptMessageError);
      }
    });
  }

  it('writes snappy in the xerial stream framing (magic, version 1, compat 1, chunks)', () => {
    const c = xerialSnappyCompress(data);
    expect([...c.subarray(0, 8)]).to.deep.equal([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
    expect(c.readInt32BE(8)).to.equal(1);
    expect(c.readInt32BE(12)).to.equal(1);
    const first = c.readInt32BE(16);
    expect(Buffer.from(snappy.uncompress(c.subarray(20, 20 + first))).equals(data.subarray(0, 32 * 1024))).to.equal(true);
  });

  it('reads raw snappy blocks (kafkajs-snappy writes them)', () => {
    expect(decompress(CompressionType.SNAPPY, Buffer.from(snappy.compress(data))).equals(data)).to.equal(true);
  });

  it('rejects an xerial chunk announcing more than the limit before decompressing', () => {
    const c = xerialSnappyCompress(Buffer.alloc(200_000));
    expect(() => decompress(CompressionType.SNAPPY, c, 100_000)).to.throw(CorruptMessageError);
  });

  it('reads LZ4 frames written by lz4js (kafkajs lz4 codecs)', () => {
    const frame = Buffer.from(lz4js.compress(data));
    expect(decompress(CompressionType.LZ4, frame).equals(data)).to.equal(true);
  });

  it('bounds an LZ4 frame by its block count and block size without decompressing', () => {
    const frame = compress(CompressionType.LZ4, Buffer.alloc(1024 * 1024));
    expect(lz4FrameOutputBound(frame)).to.be.at.least(1024 * 1024);
    expect(lz4FrameOutputBound(frame)).to.be.at.most(1024 * 1024 + 4 * 1024 * 1024);
  });

  it('caps gzip with maxOutputLength', () => {
    const gz = zlib.gzipSync(Buffer.alloc(2_000_000));
    expect(() => decompress(CompressionType.GZIP, gz, 1_000_000)).to.throw(CorruptMessageError);
  });

  it('reads and writes magic-0 LZ4 frames with the broken header checksum', () => {
    const broken = compress(CompressionType.LZ4, data, { lz4BrokenHeaderChecksum: true });
    const normal = compress(CompressionType.LZ4, data);
    expect(broken.equals(normal)).to.equal(false);
    expect(() => decompress(CompressionType.LZ4, broken)).to.throw(CorruptMessageError);
    expect(decompress(CompressionType.LZ4, broken, undefined, { lz4BrokenHeaderChecksum: true }).equals(data)).to.equal(true);
    expect(decompress(CompressionType.LZ4, normal, undefined, { lz4BrokenHeaderChecksum: true }).equals(data)).to.equal(true);
  });

  it('computes xxh32 as lz4js does', () => {
    for (const n of [0, 1, 3, 4, 7, 15, 16, 17, 31, 32, 33, 100]) {
      const b = crypto.randomBytes(n);
      expect(xxh32(b, 0, n, 0)).to.equal(lz4jsXxh.hash(0, b, 0, n) >>> 0);
    }
  });

  it('rejects unknown codec ids with UnsupportedCompressionTypeError', () => {
    expect(() => decompress(5, Buffer.alloc(1))).to.throw(UnsupportedCompressionTypeError);
    expect(() => compress(7, Buffer.alloc(1))).to.throw(UnsupportedCompressionTypeError);
  });
});
