/**
 * Protocol codec throughput: Produce v9 requests and Fetch v12 responses carrying 1 MiB of 100-byte
 * records per partition (the records field is an opaque, hand-built magic-2 batch).
 * Run: node --import tsx scripts/bench/codec.ts [partitions=8] [seconds per case=2]
 */
import os from 'node:os';
import CRC32C from 'crc-32/crc32c';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../lib/protocol/index.js';
import { Writer } from '../../lib/protocol/writer.js';

const PARTITIONS = Number(process.argv[2] ?? 8);
const SECONDS = Number(process.argv[3] ?? 2);
const BATCH_BYTES = 1024 * 1024;

/** One uncompressed magic-2 batch of `count` records with `valueSize`-byte values. */
function buildBatch(count: number, valueSize: number): Buffer {
  const w = new Writer(BATCH_BYTES + 4096);
  const value = Buffer.alloc(valueSize, 0x61);
  for (let i = 0; i < count; i++) {
    const body = new Writer(valueSize + 32);
    body.int8(0);
    body.varlong(BigInt(i));
    body.varint(i);
    body.varint(-1);
    body.varint(value.length);
    body.raw(value);
    body.varint(0);
    const rec = body.toBuffer();
    w.varint(rec.length);
    w.raw(rec);
  }
  const records = w.toBuffer();
  const batch = Buffer.alloc(61 + records.length);
  batch.writeBigInt64BE(0n, 0);
  batch.writeInt32BE(batch.length - 12, 8);
  batch.writeInt32BE(-1, 12);
  batch.writeInt8(2, 16);
  batch.writeInt16BE(0, 21);
  batch.writeInt32BE(count - 1, 23);
  batch.writeBigInt64BE(1700000000000n, 27);
  batch.writeBigInt64BE(1700000000000n + BigInt(count), 35);
  batch.writeBigInt64BE(-1n, 43);
  batch.writeInt16BE(-1, 51);
  batch.writeInt32BE(-1, 53);
  batch.writeInt32BE(count, 57);
  records.copy(batch, 61);
  batch.writeUInt32BE(CRC32C.buf(batch.subarray(21)) >>> 0, 17);
  return batch;
}

function bench(name: string, bytesPerOp: number, fn: () => unknown): { name: string; ops: number; mibs: number; usPerOp: number } {
  for (let i = 0; i < 50; i++) fn();
  let ops = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(SECONDS * 1e9);
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 100; i++) fn();
    ops += 100;
    now = process.hrtime.bigint();
  }
  const secs = Number(now - start) / 1e9;
  return { name, ops: ops / secs, mibs: (ops * bytesPerOp) / secs / 1048576, usPerOp: (secs / ops) * 1e6 };
}

// 100-byte records: a 100-byte value plus ~9 bytes of record framing; fill ~1 MiB.
const batch = buildBatch(Math.floor((BATCH_BYTES - 61) / 109), 100 - 9);
const produce = {
  transactionalId: null,
  acks: -1,
  timeoutMs: 30000,
  topicData: [{ name: 'bench-topic', partitionData: Array.from({ length: PARTITIONS }, (_, index) => ({ index, records: batch })) }],
};
const produceFrame = encodeRequest({ requestApiKey: 0, requestApiVersion: 9, correlationId: 1, clientId: 'bench' }, produce).subarray(4);
const fetch = {
  throttleTimeMs: 0,
  errorCode: 0,
  sessionId: 0,
  responses: [{
    topic: 'bench-topic',
    partitions: Array.from({ length: PARTITIONS }, (_, partitionIndex) => ({
      partitionIndex, errorCode: 0, highWatermark: 1000000n, lastStableOffset: 1000000n, logStartOffset: 0n, abortedTransactions: [], preferredReadReplica: -1, records: batch,
    })),
  }],
};
const fetchChunks = encodeResponse(1, 12, 1, fetch);
const fetchFrame = Buffer.concat(fetchChunks).subarray(4);
const payload = PARTITIONS * batch.length;

const results = [
  bench('Produce v9 request decode', payload, () => decodeRequest(produceFrame)),
  bench('Produce v9 request encode (one Buffer)', payload, () => encodeRequest({ requestApiKey: 0, requestApiVersion: 9, correlationId: 1, clientId: 'bench' }, produce)),
  bench('Fetch v12 response encode (Buffer[] zero copy)', payload, () => encodeResponse(1, 12, 1, fetch)),
  bench('Fetch v12 response decode', payload, () => decodeResponse(1, 12, fetchFrame)),
];

console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}, ${os.platform()} ${os.arch()}`);
console.log(`payload: ${PARTITIONS} partitions x ${(batch.length / 1048576).toFixed(2)} MiB batch (${batch.readInt32BE(57)} records of 100 bytes); fetch response = ${fetchChunks.length} chunks`);
console.log('| case | ops/s | µs/op | MiB/s of records |');
console.log('|---|---:|---:|---:|');
for (const r of results) console.log(`| ${r.name} | ${r.ops.toFixed(0)} | ${r.usPerOp.toFixed(1)} | ${r.mibs.toFixed(0)} |`);
