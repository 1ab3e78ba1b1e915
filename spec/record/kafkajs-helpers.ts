/**
 * kafkajs 2.2.4's own record-batch encoder/decoders and legacy MessageSet decoder, with codecs
 * registered the way kafkajs users register them (kafkajs-snappy, an lz4js codec, a zstd codec).
 */
import { createRequire } from 'node:module';
import { zstdCompress, zstdDecompress } from './kafkajs-zstd-codec.js';

const require = createRequire(import.meta.url);

interface KafkajsEncoder { buffer: Buffer }
interface KafkajsCodec {
  compress(encoder: KafkajsEncoder): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}
type Codecs = Record<number, () => KafkajsCodec>;

const kafkajs = require('kafkajs') as { CompressionTypes: Record<string, number>; CompressionCodecs: Codecs };
const { CompressionTypes, CompressionCodecs } = kafkajs;
const lz4js = require('lz4js') as { compress(b: Uint8Array): Uint8Array; decompress(b: Uint8Array): Uint8Array };

CompressionCodecs[CompressionTypes.Snappy!] = require('kafkajs-snappy') as () => KafkajsCodec;
CompressionCodecs[CompressionTypes.LZ4!] = () => ({
  async compress(encoder) { return Buffer.from(lz4js.compress(encoder.buffer)); },
  async decompress(buffer) { return Buffer.from(lz4js.decompress(buffer)); },
});
CompressionCodecs[CompressionTypes.ZSTD!] = () => ({
  async compress(encoder) { return zstdCompress(encoder.buffer); },
  async decompress(buffer) { return zstdDecompress(buffer); },
});

const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch(args: object): Promise<KafkajsEncoder>;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (args: object) => KafkajsEncoder;
const RecordBatchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (d: unknown) => Promise<KafkajsBatch>;
const MessageSetDecoder = require('kafkajs/src/protocol/messageSet/decoder.js') as (d: unknown, size: number) => Promise<KafkajsMessage[]>;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => unknown;
const Long = require('kafkajs/src/utils/long.js') as { fromValue(v: string | number | bigint): unknown };

export interface KafkajsRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[]>;
}
export interface KafkajsBatch { firstOffset: string; records: KafkajsRecord[]; maxTimestamp: string }
export interface KafkajsMessage { offset: string; key: Buffer | null; value: Buffer | null; timestamp?: string; magicByte: number }

export interface KafkajsInput {
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer>;
  timestamp: bigint;
}

/** Bytes of one magic-2 batch exactly as kafkajs's producer encodes it. */
export async function kafkajsBatch(records: KafkajsInput[], compression: number): Promise<Buffer> {
  const first = records[0]!.timestamp;
  const max = records.reduce((m, r) => (r.timestamp > m ? r.timestamp : m), first);
  const encoded = records.map((r, i) => Record({
    offsetDelta: i,
    timestampDelta: Number(r.timestamp - first),
    key: r.key,
    value: r.value,
    headers: r.headers ?? {},
  }));
  const enc = await RecordBatch({
    compression,
    firstOffset: Long.fromValue(0),
    firstTimestamp: Number(first),
    maxTimestamp: Number(max),
    lastOffsetDelta: records.length - 1,
    records: encoded,
  });
  return Buffer.from(enc.buffer);
}

export async function kafkajsDecodeBatch(buf: Buffer): Promise<KafkajsBatch> {
  return RecordBatchDecoder(new Decoder(buf));
}

export async function kafkajsDecodeMessageSet(buf: Buffer): Promise<KafkajsMessage[]> {
  return MessageSetDecoder(new Decoder(buf), buf.length);
}

