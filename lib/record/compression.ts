/**
 * Kafka's compression codecs (`CompressionType`): the attribute values of a batch/message and the
 * codec behind each. Compression is used off the hot path (building batches, legacy conversion,
 * reading compressed batches for compaction and validation). Every decompression is bounded by a
 * `limit`: output past it is a typed `CorruptMessageError`, and no decoder is allowed to allocate
 * far beyond it (zip bombs).
 *
 * - gzip: node:zlib (`maxOutputLength`).
 * - snappy: snappyjs blocks inside the xerial snappy-java stream framing that the Java client and
 *   librdkafka write (magic 0x82 'SNAPPY' 0x00, int32 version 1, int32 compatible version 1, then
 *   [int32 length, snappy block] chunks); raw snappy (kafkajs-snappy writes it) is also accepted.
 * - lz4: the LZ4 frame format (lz4-napi); block sizes from the frame descriptor bound the output.
 * - zstd: node:zlib where Node has it (22.15+, 24), else zstd compiled to WebAssembly
 *   (@bokuweb/zstd-wasm, no compiler or download at install). Frames are walked first (framing,
 *   truncation, trailing bytes, an upper bound of the output from the declared content size or the
 *   block headers); the decoder then writes at most `limit` bytes.
 */
import zlib from 'node:zlib';
import * as snappy from 'snappyjs';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type * as Lz4 from 'lz4-napi';
import { CorruptMessageError, UnsupportedCompressionTypeError } from '../protocol/errors.js';

// The native codecs are loaded on first use: a broker that never sees lz4 or zstd batches does not
// pay their memory (5–14 MB each at load).
const require = createRequire(import.meta.url);
let lz4Module: typeof Lz4 | undefined;
let zstdCodecModule: ZstdCodec | undefined;
const lz4 = (): typeof Lz4 => (lz4Module ??= require('lz4-napi') as typeof Lz4);
const zstd = (): ZstdCodec => (zstdCodecModule ??= nodeZlibZstd() ?? wasmZstd());

/** Kafka's `CompressionType` ids, as stored in the low three attribute bits. */
export const CompressionType = { NONE: 0, GZIP: 1, SNAPPY: 2, LZ4: 3, ZSTD: 4 } as const;
export type CompressionType = (typeof CompressionType)[keyof typeof CompressionType];

/** Default bound on a decompressed batch: 100 MiB (well above message.max.bytes' default). */
export const DEFAULT_DECOMPRESSION_LIMIT = 100 * 1024 * 1024;

export function compressionName(type: number): string {
  switch (type) {
    case CompressionType.NONE: return 'none';
    case CompressionType.GZIP: return 'gzip';
    case CompressionType.SNAPPY: return 'snappy';
    case CompressionType.LZ4: return 'lz4';
    case CompressionType.ZSTD: return 'zstd';
    default: return `unknown(${type})`;
  }
}

/** Throws UnsupportedCompressionTypeError unless `type` is one of Kafka's five codecs. */
export function checkCompressionType(type: number): CompressionType {
  if (type < 0 || type > 4 || !Number.isInteger(type)) {
    throw new UnsupportedCompressionTypeError(`Unknown compression type id ${type}`);
  }
  return type as CompressionType;
}

/**
 * Magic-0 LZ4 (Kafka before KIP-57) computed the frame descriptor checksum over the magic number
 * too; Kafka reads and writes that form for magic 0 only, and so does this.
 */
export interface CodecOptions {
  lz4BrokenHeaderChecksum?: boolean;
}

export function compress(type: number, data: Buffer, options: CodecOptions = {}): Buffer {
  switch (checkCompressionType(type)) {
    case CompressionType.NONE: return data;
    case CompressionType.GZIP: return zlib.gzipSync(data);
    case CompressionType.SNAPPY: return xerialSnappyCompress(data);
    case CompressionType.LZ4: {
      const frame = lz4().compressFrameSync(data);
      if (options.lz4BrokenHeaderChecksum) setLz4HeaderChecksum(frame, true);
      return frame;
    }
    case CompressionType.ZSTD: return zstd().compress(data);
  }
}

/**
 * Decompresses `data` with codec `type`; more than `limit` output bytes, or bytes the codec rejects,
 * are a CorruptMessageError.
 */
export function decompress(
  type: number,
  data: Buffer,
  limit = DEFAULT_DECOMPRESSION_LIMIT,
  options: CodecOptions = {},
): Buffer {
  const codec = checkCompressionType(type);
  try {
    switch (codec) {
      case CompressionType.NONE:
        if (data.length > limit) throw tooLarge(data.length, limit);
        return data;
      case CompressionType.GZIP: return gunzip(data, limit);
      case CompressionType.SNAPPY: return snappyDecompress(data, limit);
      case CompressionType.LZ4: return lz4Decompress(data, limit, options.lz4BrokenHeaderChecksum ?? false);
      case CompressionType.ZSTD: return zstdDecompress(data, limit);
    }
  } catch (err) {
    if (err instanceof CorruptMessageError) throw err;
    throw new CorruptMessageError(`Invalid ${compressionName(codec)} data: ${(err as Error).message}`);
  }
}

/** Output chunk size of large decompressions (zlib, zstd). */
const LARGE_OUTPUT_CHUNK = 1024 * 1024;

/** Deflate's largest expansion (a 258-byte match costs at least 2 bits): ~1032 output bytes per input byte. */
const DEFLATE_MAX_RATIO = 1032;

/**
 * An upper bound of what `data` inflates to with codec `type`, read from its framing without
 * decompressing: deflate's maximum ratio for gzip, the announced sizes for snappy, the frame
 * bound for lz4, the frames' declared content sizes or block bounds for zstd.
 * Malformed framing gives 0: decompress() rejects it at once.
 */
export function decompressedSizeBound(type: number, data: Buffer): number {
  try {
    switch (type) {
      case CompressionType.GZIP: return data.length * DEFLATE_MAX_RATIO;
      case CompressionType.SNAPPY: return snappyAnnouncedSize(data);
      case CompressionType.LZ4: return lz4FrameOutputBound(data);
      case CompressionType.ZSTD: return zstdFrames(data).reduce((n, f) => n + f.bound, 0);
      default: return data.length;
    }
  } catch {
    return 0;
  }
}

/** Output past the decompression limit: CORRUPT_MESSAGE to the client, told apart from bad bytes. */
export class DecompressionLimitError extends CorruptMessageError {
  constructor(readonly size: number, readonly limit: number) {
    super(`Decompressed size ${size} exceeds the limit of ${limit} bytes`);
  }
}

function tooLarge(size: number, limit: number): DecompressionLimitError {
  return new DecompressionLimitError(size, limit);
}

function gunzip(data: Buffer, limit: number): Buffer {
  // A gzip member ends with ISIZE, its output size mod 2^32: the output of the last member alone
  // is at least that, so a larger ISIZE is refused without inflating anything.
  if (data.length >= 18 && data[0] === 0x1f && data[1] === 0x8b) {
    const isize = data.readUInt32LE(data.length - 4);
    if (isize > limit) throw tooLarge(isize, limit);
  }
  try {
    // Output chunks of a large inflate are 1 MiB, above glibc's mmap threshold, so the memory of a
    // bomb's output goes back to the system when it is dropped instead of fragmenting the heap.
    return zlib.gunzipSync(data, { maxOutputLength: Math.max(1, limit), chunkSize: data.length > 1024 ? LARGE_OUTPUT_CHUNK : undefined });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limit + 1, limit);
    throw err;
  }
}

// ---- snappy (xerial framing) ----

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
/** snappy-java's default block size, which Kafka's SnappyOutputStream uses. */
const XERIAL_BLOCK_SIZE = 32 * 1024;

function toBuffer(u8: Uint8Array): Buffer {
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

/** Snappy compression in snappy-java's stream format, as the Java client writes it. */
export function xerialSnappyCompress(data: Buffer): Buffer {
  const blocks: Buffer[] = [];
  let total = XERIAL_HEADER_SIZE;
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK_SIZE) {
    const block = toBuffer(snappy.compress(data.subarray(pos, Math.min(data.length, pos + XERIAL_BLOCK_SIZE))));
    blocks.push(block);
    total += 4 + block.length;
  }
  const out = Buffer.allocUnsafe(total);
  XERIAL_MAGIC.copy(out, 0);
  out.writeInt32BE(1, 8);
  out.writeInt32BE(1, 12);
  let pos = XERIAL_HEADER_SIZE;
  for (const block of blocks) {
    out.writeInt32BE(block.length, pos);
    block.copy(out, pos + 4);
    pos += 4 + block.length;
  }
  return out;
}

/** The uncompressed length a snappy block announces (its varint preamble), or -1. */
function snappyUncompressedLength(block: Buffer): number {
  let result = 0;
  for (let i = 0, shift = 1; i < 5 && i < block.length; i++, shift *= 128) {
    const b = block[i]!;
    result += (b & 0x7f) * shift;
    if ((b & 0x80) === 0) return result;
  }
  return -1;
}

function isXerialSnappy(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_SIZE && data.subarray(0, 8).equals(XERIAL_MAGIC);
}

/**
 * The chunks (position, length) of a xerial snappy stream and the sum of the sizes they announce;
 * stops with a CorruptMessageError once that sum passes `limit`.
 */
function xerialChunks(data: Buffer, limit: number): { chunks: Array<[number, number]>; total: number } {
  const chunks: Array<[number, number]> = [];
  let total = 0;
  let pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new CorruptMessageError('Truncated snappy chunk length');
    const len = data.readInt32BE(pos);
    pos += 4;
    if (len < 0 || pos + len > data.length) throw new CorruptMessageError('Truncated snappy chunk');
    const n = snappyUncompressedLength(data.subarray(pos, pos + len));
    if (n < 0) throw new CorruptMessageError('Invalid snappy chunk');
    total += n;
    if (total > limit) throw tooLarge(total, limit);
    chunks.push([pos, len]);
    pos += len;
  }
  return { chunks, total };
}

function snappyAnnouncedSize(data: Buffer): number {
  if (!isXerialSnappy(data)) return Math.max(0, snappyUncompressedLength(data));
  return xerialChunks(data, Infinity).total;
}

function snappyDecompress(data: Buffer, limit: number): Buffer {
  if (!isXerialSnappy(data)) {
    const n = snappyUncompressedLength(data);
    if (n < 0) throw new CorruptMessageError('Invalid snappy block');
    if (n > limit) throw tooLarge(n, limit);
    return toBuffer(snappy.uncompress(data, limit));
  }
  // First pass: chunk boundaries and announced sizes, so the output is allocated once and bounded.
  const { chunks, total } = xerialChunks(data, limit);
  const out = Buffer.allocUnsafe(total);
  let outPos = 0;
  for (const [start, len] of chunks) {
    const block = snappy.uncompress(data.subarray(start, start + len), limit);
    out.set(block, outPos);
    outPos += block.length;
  }
  return out.subarray(0, outPos);
}

// ---- lz4 (frame format) ----

const LZ4_FRAME_MAGIC = 0x184d2204;
const LZ4_SKIPPABLE_MASK = 0xfffffff0;
const LZ4_SKIPPABLE_MAGIC = 0x184d2a50;

/**
 * Walks the LZ4 frame(s) without decompressing and returns an upper bound of the output size:
 * the content size when the frame declares it, otherwise blocks × block maximum size.
 */
export function lz4FrameOutputBound(data: Buffer): number {
  if (data.length === 0) throw new CorruptMessageError('Empty LZ4 data');
  let pos = 0;
  let bound = 0;
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new CorruptMessageError('Truncated LZ4 frame');
    const magic = data.readUInt32LE(pos);
    if (((magic & LZ4_SKIPPABLE_MASK) >>> 0) === LZ4_SKIPPABLE_MAGIC) {
      if (pos + 8 > data.length) throw new CorruptMessageError('Truncated LZ4 skippable frame');
      pos += 8 + data.readUInt32LE(pos + 4);
      continue;
    }
    if (magic !== LZ4_FRAME_MAGIC) throw new CorruptMessageError('Invalid LZ4 frame magic');
    if (pos + 7 > data.length) throw new CorruptMessageError('Truncated LZ4 frame descriptor');
    const flg = data[pos + 4]!;
    const bd = data[pos + 5]!;
    const blockChecksums = (flg & 0x10) !== 0;
    const hasContentSize = (flg & 0x08) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    const hasDictId = (flg & 0x01) !== 0;
    const blockMax = 1 << (8 + 2 * ((bd >> 4) & 0x07));
    pos += 6;
    let contentSize = -1;
    if (hasContentSize) {
      if (pos + 8 > data.length) throw new CorruptMessageError('Truncated LZ4 frame descriptor');
      contentSize = Number(data.readBigUInt64LE(pos));
      pos += 8;
    }
    if (hasDictId) pos += 4;
    pos += 1; // header checksum
    let frameBound = 0;
    for (;;) {
      if (pos + 4 > data.length) throw new CorruptMessageError('Truncated LZ4 block');
      const word = data.readUInt32LE(pos);
      pos += 4;
      if (word === 0) break;
      const size = word & 0x7fffffff;
      const uncompressed = (word & 0x80000000) !== 0;
      pos += size + (blockChecksums ? 4 : 0);
      frameBound += uncompressed ? size : blockMax;
    }
    if (contentChecksum) pos += 4;
    if (pos > data.length) throw new CorruptMessageError('Truncated LZ4 frame');
    bound += contentSize >= 0 ? Math.min(contentSize, frameBound) : frameBound;
  }
  return bound;
}

/** Byte offset of the header checksum of the LZ4 frame at 0 (after magic, FLG, BD and options). */
function lz4HeaderChecksumOffset(frame: Buffer): number {
  const flg = frame[4]!;
  return 6 + ((flg & 0x08) !== 0 ? 8 : 0) + ((flg & 0x01) !== 0 ? 4 : 0);
}

/**
 * Rewrites the descriptor checksum of the LZ4 frame at 0: the standard one (xxh32 of FLG..options)
 * or Kafka's magic-0 "broken" one (xxh32 from the magic number on).
 */
export function setLz4HeaderChecksum(frame: Buffer, broken: boolean): void {
  const hcOffset = lz4HeaderChecksumOffset(frame);
  if (hcOffset >= frame.length) throw new CorruptMessageError('Truncated LZ4 frame descriptor');
  frame[hcOffset] = (xxh32(frame, broken ? 0 : 4, hcOffset, 0) >>> 8) & 0xff;
}

function lz4Decompress(data: Buffer, limit: number, brokenHeaderChecksum: boolean): Buffer {
  if (brokenHeaderChecksum && data.length >= 7 && data.readUInt32LE(0) === LZ4_FRAME_MAGIC) {
    const hcOffset = lz4HeaderChecksumOffset(data);
    const expectedBroken = (xxh32(data, 0, hcOffset, 0) >>> 8) & 0xff;
    if (hcOffset < data.length && data[hcOffset] === expectedBroken) {
      data = Buffer.from(data); // a private copy: the caller's bytes stay as they are
      setLz4HeaderChecksum(data, false);
    }
  }
  const bound = lz4FrameOutputBound(data);
  // The bound overshoots by at most one block per frame; allow that slack, then check exactly.
  if (bound > limit + 4 * 1024 * 1024) throw tooLarge(bound, limit);
  const out = lz4().decompressFrameSync(data);
  if (out.length > limit) throw tooLarge(out.length, limit);
  return out;
}

// ---- zstd ----

/** A zstd implementation: one-shot compression, and decompression writing at most `capacity` bytes. */
interface ZstdCodec {
  compress(data: Buffer): Buffer;
  /** Decompresses, or throws (any error) when the output would pass `capacity` bytes. */
  decompress(data: Buffer, capacity: number): Buffer;
}

/** Kafka's default zstd level (ZstdCompression's default, the library's default). */
const ZSTD_LEVEL = 3;
const ZSTD_MAGIC = 0xfd2fb528;
const ZSTD_SKIPPABLE_MASK = 0xfffffff0;
const ZSTD_SKIPPABLE_MAGIC = 0x184d2a50;
const ZSTD_BLOCK_MAX = 128 * 1024;

/** node:zlib's zstd (Node 22.15+ and 24), or undefined on older Node. */
function nodeZlibZstd(): ZstdCodec | undefined {
  const z = zlib as typeof zlib & {
    zstdCompressSync?: (data: Buffer, options?: { params?: Record<number, number> }) => Buffer;
    zstdDecompressSync?: (data: Buffer, options?: { maxOutputLength?: number }) => Buffer;
    constants: { ZSTD_c_compressionLevel?: number };
  };
  const { zstdCompressSync, zstdDecompressSync } = z;
  const levelParam = z.constants.ZSTD_c_compressionLevel;
  if (zstdCompressSync === undefined || zstdDecompressSync === undefined || levelParam === undefined) return undefined;
  return {
    compress: (data) => zstdCompressSync(data, { params: { [levelParam]: ZSTD_LEVEL } }),
    decompress: (data, capacity) => zstdDecompressSync(data, { maxOutputLength: Math.max(1, capacity) }),
  };
}

/** The part of the WebAssembly global used here (its types are not in @types/node 20). */
interface WasmInstance { exports: object }
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => WasmInstance;
}

/** The exports of @bokuweb/zstd-wasm's Emscripten module that are used here (zstd's C API). */
interface ZstdWasmModule {
  calledRun?: boolean;
  instantiateWasm?: (imports: object, receive: (instance: WasmInstance) => void) => object;
  init(): void;
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  _ZSTD_isError(code: number): number;
  _ZSTD_compressBound(size: number): number;
  _ZSTD_compress(dst: number, dstCapacity: number, src: number, srcSize: number, level: number): number;
  _ZSTD_decompress(dst: number, dstCapacity: number, src: number, srcSize: number): number;
}

/**
 * zstd compiled to WebAssembly, for Node without zlib zstd. The package only offers an async
 * init(); its Emscripten module's instantiateWasm hook instantiates the bundled .wasm synchronously
 * instead, so compress() and decompress() stay synchronous like the other codecs.
 */
function wasmZstd(): ZstdCodec {
  const dir = path.dirname(require.resolve('@bokuweb/zstd-wasm'));
  const mod = (require(path.join(dir, 'module.js')) as { Module: ZstdWasmModule }).Module;
  const ready = (): boolean => mod.calledRun === true;
  if (!ready()) {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    mod.instantiateWasm = (imports, receive) => {
      const instance = new wasm.Instance(new wasm.Module(fs.readFileSync(path.join(dir, 'zstd.wasm'))), imports);
      receive(instance);
      return instance.exports;
    };
    mod.init();
    if (!ready()) throw new Error('zstd WebAssembly module did not initialize');
  }
  const run = (src: Buffer, dstCapacity: number, call: (dst: number, srcPtr: number) => number): Buffer => {
    const srcPtr = mod._malloc(Math.max(1, src.length));
    const dst = mod._malloc(Math.max(1, dstCapacity));
    try {
      if (srcPtr === 0 || dst === 0) throw new Error('zstd WebAssembly heap exhausted');
      mod.HEAPU8.set(src, srcPtr);
      const result = call(dst, srcPtr);
      if (mod._ZSTD_isError(result)) throw new Error(`zstd error code ${-result}`);
      return Buffer.from(mod.HEAPU8.subarray(dst, dst + result));
    } finally {
      mod._free(dst);
      mod._free(srcPtr);
    }
  };
  return {
    compress: (data) => run(data, mod._ZSTD_compressBound(data.length),
      (dst, src) => mod._ZSTD_compress(dst, mod._ZSTD_compressBound(data.length), src, data.length, ZSTD_LEVEL)),
    decompress: (data, capacity) =>
      run(data, capacity, (dst, src) => mod._ZSTD_decompress(dst, capacity, src, data.length)),
  };
}

/** One zstd frame of some data, and what its headers say about its decompressed size. */
export interface ZstdFrame {
  start: number;
  end: number;
  /** Upper bound of the frame's output size. */
  bound: number;
  /** The frame declares its content size, so `bound` is its exact output size. */
  declared: boolean;
}

/**
 * Walks the zstd frames of `data` without decompressing (RFC 8878), skipping skippable frames, and
 * bounds each frame's output: its declared content size, otherwise its blocks' sizes (raw and RLE
 * blocks regenerate their size, a compressed block at most min(window, 128 KiB)). Bad framing,
 * truncation and trailing bytes are CorruptMessageErrors.
 */
export function zstdFrames(data: Buffer): ZstdFrame[] {
  if (data.length === 0) throw new CorruptMessageError('Empty zstd data');
  const frames: ZstdFrame[] = [];
  let pos = 0;
  while (pos < data.length) {
    const start = pos;
    if (pos + 4 > data.length) throw new CorruptMessageError('Truncated zstd frame');
    const magic = data.readUInt32LE(pos);
    if (((magic & ZSTD_SKIPPABLE_MASK) >>> 0) === ZSTD_SKIPPABLE_MAGIC) {
      if (pos + 8 > data.length) throw new CorruptMessageError('Truncated zstd skippable frame');
      pos += 8 + data.readUInt32LE(pos + 4);
      if (pos > data.length) throw new CorruptMessageError('Truncated zstd skippable frame');
      continue;
    }
    if (magic !== ZSTD_MAGIC) throw new CorruptMessageError('Invalid zstd frame magic');
    if (pos + 5 > data.length) throw new CorruptMessageError('Truncated zstd frame header');
    const fhd = data[pos + 4]!;
    pos += 5;
    if ((fhd & 0x08) !== 0) throw new CorruptMessageError('Invalid zstd frame header (reserved bit set)');
    const singleSegment = (fhd & 0x20) !== 0;
    const hasChecksum = (fhd & 0x04) !== 0;
    const dictIdSize = [0, 1, 2, 4][fhd & 0x03]!;
    const fcsFlag = fhd >> 6;
    const fcsSize = fcsFlag === 0 ? (singleSegment ? 1 : 0) : 1 << fcsFlag;
    let windowSize = Infinity;
    if (!singleSegment) {
      if (pos + 1 > data.length) throw new CorruptMessageError('Truncated zstd frame header');
      const wd = data[pos++]!;
      const windowBase = 2 ** (10 + (wd >> 3));
      windowSize = windowBase + (windowBase / 8) * (wd & 0x07);
    }
    pos += dictIdSize;
    if (pos + fcsSize > data.length) throw new CorruptMessageError('Truncated zstd frame header');
    let contentSize = -1;
    if (fcsSize === 1) contentSize = data[pos]!;
    else if (fcsSize === 2) contentSize = data.readUInt16LE(pos) + 256;
    else if (fcsSize === 4) contentSize = data.readUInt32LE(pos);
    else if (fcsSize === 8) contentSize = Number(data.readBigUInt64LE(pos));
    pos += fcsSize;
    if (singleSegment) windowSize = contentSize;
    const blockMax = Math.min(windowSize, ZSTD_BLOCK_MAX);
    let frameBound = 0;
    for (let last = false; !last;) {
      if (pos + 3 > data.length) throw new CorruptMessageError('Truncated zstd block');
      const header = data.readUIntLE(pos, 3);
      pos += 3;
      last = (header & 1) !== 0;
      const type = (header >> 1) & 0x03;
      const size = header >>> 3;
      if (type === 3) throw new CorruptMessageError('Invalid zstd block type');
      pos += type === 1 ? 1 : size; // an RLE block holds one byte, repeated `size` times
      frameBound += type === 2 ? blockMax : size;
    }
    if (hasChecksum) pos += 4;
    if (pos > data.length) throw new CorruptMessageError('Truncated zstd frame');
    frames.push({ start, end: pos, bound: contentSize >= 0 ? contentSize : frameBound, declared: contentSize >= 0 });
  }
  return frames;
}

/**
 * Decompresses frame by frame (Node 22's zlib stops after the first frame), each into at most the
 * room left under `limit`; declared sizes past the limit are refused before any decoding.
 */
function zstdDecompress(data: Buffer, limit: number): Buffer {
  const frames = zstdFrames(data);
  const declared = frames.filter((f) => f.declared).reduce((sum, f) => sum + f.bound, 0);
  if (declared > limit) throw tooLarge(declared, limit);
  const parts: Buffer[] = [];
  let total = 0;
  for (const frame of frames) {
    const room = limit - total;
    let part: Buffer;
    try {
      part = zstd().decompress(data.subarray(frame.start, frame.end), Math.min(room, frame.bound));
    } catch (err) {
      // The decoder stopped at the room left while the block headers allow more: a bomb, not garbage.
      if (frame.bound > room) throw tooLarge(limit + 1, limit);
      throw err;
    }
    total += part.length;
    if (total > limit) throw tooLarge(total, limit);
    parts.push(part);
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
}

// ---- xxh32 (for LZ4 frame descriptor checksums) ----

const P1 = 2654435761;
const P2 = 2246822519;
const P3 = 3266489917;
const P4 = 668265263;
const P5 = 374761393;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function round(acc: number, lane: number): number {
  return Math.imul(rotl((acc + Math.imul(lane, P2)) | 0, 13), P1);
}

/** xxHash32 of `buf[start, end)`, unsigned. */
export function xxh32(buf: Buffer, start: number, end: number, seed: number): number {
  let p = start;
  let acc: number;
  if (end - start >= 16) {
    let v1 = (seed + P1 + P2) | 0;
    let v2 = (seed + P2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - P1) | 0;
    for (; p + 16 <= end; p += 16) {
      v1 = round(v1, buf.readInt32LE(p));
      v2 = round(v2, buf.readInt32LE(p + 4));
      v3 = round(v3, buf.readInt32LE(p + 8));
      v4 = round(v4, buf.readInt32LE(p + 12));
    }
    acc = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
  } else {
    acc = (seed + P5) | 0;
  }
  acc = (acc + (end - start)) | 0;
  for (; p + 4 <= end; p += 4) {
    acc = Math.imul(rotl((acc + Math.imul(buf.readInt32LE(p), P3)) | 0, 17), P4);
  }
  for (; p < end; p++) {
    acc = Math.imul(rotl((acc + Math.imul(buf[p]!, P5)) | 0, 11), P1);
  }
  acc ^= acc >>> 15;
  acc = Math.imul(acc, P2);
  acc ^= acc >>> 13;
  acc = Math.imul(acc, P3);
  acc ^= acc >>> 16;
  return acc >>> 0;
}
