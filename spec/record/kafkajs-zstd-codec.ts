/**
 * The zstd codec a kafkajs user registers, independent of lib/record/compression.ts: node:zlib's
 * zstd where Node has it (22.15+, 24), otherwise @bokuweb/zstd-wasm through its own async init().
 */
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import * as zstdWasm from '@bokuweb/zstd-wasm';

type Codec = (data: Buffer) => Promise<Buffer>;
const z = zlib as unknown as {
  zstdCompress?: (data: Buffer, cb: (err: Error | null, out: Buffer) => void) => void;
  zstdDecompress?: (data: Buffer, cb: (err: Error | null, out: Buffer) => void) => void;
};

/** Output room for frames that do not declare their content size (the wasm build's one-shot API). */
const WASM_UNKNOWN_SIZE_CAPACITY = 16 * 1024 * 1024;

// Initialized while this module loads, before any spec runs.
if (z.zstdCompress === undefined) await zstdWasm.init();

export const zstdCompress: Codec = z.zstdCompress !== undefined
  ? promisify(z.zstdCompress)
  : async (data) => Buffer.from(zstdWasm.compress(data, 3));

export const zstdDecompress: Codec = z.zstdDecompress !== undefined
  ? promisify(z.zstdDecompress)
  : async (data) => Buffer.from(zstdWasm.decompress(data, { defaultHeapSize: WASM_UNKNOWN_SIZE_CAPACITY }));
