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
  zstdFrames,
} from '../../lib/record/compression.js';
import { crc32, crc32c, crc32cAfterChange } from '../../lib/record/crc.js';
import { zstdWithoutDeclaredSize } from './zstd-support.js';

const require = createRequire(import.meta.url);
const lz4js = require('lz4js') as { compress(b: Uint8Array): Uint8Array };
const lz4jsXxh = require('lz4js/xxh32.js') as { hash(seed: number, b: Uint8Array, start: number, len: number): number };

/**
 * The same zstd frame without its declared content size, as streaming compressors (librdkafka,
 * zstd-jni's ZstdOutputStream) write it: the single-segment header becomes a window descriptor.
 */
function withoutContentSize(frame: Buffer): Buffer {
  const fhd = frame[4]!;
  expect(fhd & 0x20, 'a single-segment frame').to.not.equal(0);
  const fcsSize = [1, 2, 4, 8][fhd >> 6]!;
  const dictIdSize = [0, 1, 2, 4][fhd & 0x03]!;
  const headerEnd = 5 + dictIdSize + fcsSize;
  const windowLog = 20; // 1 MiB, above the content of every frame used here
  return Buffer.concat([
    frame.subarray(0, 4),
    Buffer.from([fhd & 0x07, (windowLog - 10) << 3]),
    frame.subarray(5, 5 + dictIdSize),
    frame.subarray(headerEnd),
  ]);
}

/** A zstd frame of RLE blocks (128 KiB of one byte each) that declares no content size. */
function rleFrame(blocks: number): Buffer {
  const parts = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, (27 - 10) << 3])];
  for (let i = 0; i < blocks; i++) {
    const header = ((128 * 1024) << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0);
    parts.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff, 0x61]));
  }
  return Buffer.concat(parts);
}

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
    const frame = zstdWithoutDeclaredSize(Buffer.alloc(20 * 1024 * 1024, 3));
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

  it('reads zstd frames that do not declare their content size', () => {
    const frame = withoutContentSize(compress(CompressionType.ZSTD, data));
    expect(zstdFrames(frame)[0]!.declared).to.equal(false);
    expect(zstdFrames(frame)[0]!.bound).to.be.at.least(data.length);
    expect(decompress(CompressionType.ZSTD, frame).equals(data)).to.equal(true);
  });

  it('stops a zstd bomb without a declared content size at the limit, and reads it within the limit', () => {
    const bomb = rleFrame(64); // 8 MiB from 390 bytes
    expect(zstdFrames(bomb)).to.deep.equal([{ start: 0, end: bomb.length, bound: 8 * 1024 * 1024, declared: false }]);
    expect(() => decompress(CompressionType.ZSTD, bomb, 1024 * 1024)).to.throw(CorruptMessageError, /exceeds the limit/);
    expect(decompress(CompressionType.ZSTD, bomb, 8 * 1024 * 1024).equals(Buffer.alloc(8 * 1024 * 1024, 0x61))).to.equal(true);
  });

  it('rejects a zstd frame declaring more than the limit before decompressing it', () => {
    const frame = compress(CompressionType.ZSTD, Buffer.alloc(2_000_000));
    expect(zstdFrames(frame)).to.deep.equal([{ start: 0, end: frame.length, bound: 2_000_000, declared: true }]);
    expect(() => decompress(CompressionType.ZSTD, frame, 1_000_000)).to.throw(CorruptMessageError, /2000000 exceeds the limit/);
  });

  it('reads concatenated and skippable zstd frames, and rejects bytes after the last frame', () => {
    const a = compress(CompressionType.ZSTD, Buffer.from('first '));
    const b = withoutContentSize(compress(CompressionType.ZSTD, data));
    const skippable = Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
    expect(decompress(CompressionType.ZSTD, Buffer.concat([a, skippable, b])).equals(Buffer.concat([Buffer.from('first '), data]))).to.equal(true);
    expect(decompress(CompressionType.ZSTD, Buffer.concat([skippable, a, a])).toString()).to.equal('first first ');
    expect(() => decompress(CompressionType.ZSTD, Buffer.concat([a, b]), 6 + data.length - 1)).to.throw(CorruptMessageError, /exceeds the limit/);
    expect(() => decompress(CompressionType.ZSTD, Buffer.concat([a, Buffer.from('trailing')]))).to.throw(CorruptMessageError);
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
