/**
 * Benchmark of the produce hot path in lib/record: LogValidator.validateMessagesAndAssignOffsets on
 * one 1 MiB magic-2 batch of 100-byte records (size/magic/CRC-32C checks, allocation-free record
 * walk, in-place baseOffset/leader-epoch patch), plus the CRC-32C alone and the compressed and
 * LogAppendTime variants for comparison.
 *
 *   node --import tsx scripts/bench/record.ts [--seconds 2]
 */
import os from 'node:os';
import { setBaseOffset } from '../../lib/record/batch-header.js';
import { crc32c } from '../../lib/record/crc.js';
import { validateMessagesAndAssignOffsets } from '../../lib/record/log-validator.js';
import { CompressionType, buildRecordBatch, type SimpleRecord } from '../../lib/record/memory-records-builder.js';

const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 2;
const TARGET = 1024 * 1024;
const RECORD_SIZE = 100;

function makeRecords(): SimpleRecord[] {
  const records: SimpleRecord[] = [];
  const now = BigInt(Date.now());
  // ~100 bytes per record on the wire: 8-byte key + ~80-byte value + record framing.
  let size = 61;
  for (let i = 0; size < TARGET - RECORD_SIZE; i++) {
    const key = Buffer.from(String(i).padStart(8, '0'));
    const value = Buffer.alloc(RECORD_SIZE - 20, i & 0xff);
    records.push({ key, value, timestamp: now + BigInt(i % 7) });
    size += RECORD_SIZE;
  }
  return records;
}

interface Row { name: string; bytes: number; records: number; opsPerSec: number; mbPerSec: number; usPerOp: number }

function measure(name: string, bytes: number, records: number, op: () => void): Row {
  for (let i = 0; i < 20; i++) op(); // warm-up
  let ops = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(SECONDS * 1e9));
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 10; i++) op();
    ops += 10;
    now = process.hrtime.bigint();
  }
  const secs = Number(now - start) / 1e9;
  return { name, bytes, records, opsPerSec: ops / secs, mbPerSec: (ops * bytes) / secs / 1e6, usPerOp: (secs / ops) * 1e6 };
}

const records = makeRecords();
const rows: Row[] = [];

const plain = buildRecordBatch(records);
rows.push(measure('crc32c only (1 MiB)', plain.length, records.length, () => crc32c(plain, 21)));
rows.push(measure('validate + assign offsets, none', plain.length, records.length, () => {
  setBaseOffset(plain, 0, 0n);
  validateMessagesAndAssignOffsets(plain, { nextOffset: 1_000_000n, partitionLeaderEpoch: 3 });
}));
// Restore the producer's header (attributes, maxTimestamp, CRC: 21 bytes at 17..43) each round.
const producerHeader = Buffer.from(plain.subarray(17, 43));
rows.push(measure('validate + assign offsets, none, LogAppendTime', plain.length, records.length, () => {
  setBaseOffset(plain, 0, 0n);
  producerHeader.copy(plain, 17);
  validateMessagesAndAssignOffsets(plain, { nextOffset: 1_000_000n, partitionLeaderEpoch: 3, timestampType: 1 });
}));
for (const [name, codec] of [['lz4', CompressionType.LZ4], ['zstd', CompressionType.ZSTD], ['snappy', CompressionType.SNAPPY], ['gzip', CompressionType.GZIP]] as const) {
  const batch = buildRecordBatch(records, { compression: codec });
  rows.push(measure(`validate + assign offsets, ${name} (${(batch.length / 1024).toFixed(0)} KiB on wire)`, plain.length, records.length, () => {
    setBaseOffset(batch, 0, 0n);
    validateMessagesAndAssignOffsets(batch, { nextOffset: 1_000_000n });
  }));
}

const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
console.log(`lib/record benchmark — ${cpu}, ${os.cpus().length} cores, node ${process.version}, ${SECONDS}s per row`);
console.log(`batch: ${plain.length} bytes, ${records.length} records (~${RECORD_SIZE} B each); MB/s counts uncompressed batch bytes`);
console.log('');
console.log(`${'case'.padEnd(62)} ${'µs/op'.padStart(10)} ${'ops/s'.padStart(10)} ${'MB/s'.padStart(10)}`);
for (const r of rows) {
  console.log(`${r.name.padEnd(62)} ${r.usPerOp.toFixed(1).padStart(10)} ${r.opsPerSec.toFixed(0).padStart(10)} ${r.mbPerSec.toFixed(0).padStart(10)}`);
}
