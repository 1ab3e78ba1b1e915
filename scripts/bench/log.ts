/**
 * Log append/read throughput vs plain sequential fs I/O on the same disk.
 *
 *   node --import tsx scripts/bench/log.ts [--mib 256] [--reps 3] [--dir /tmp]
 *
 * For 100-byte records in uncompressed batches of ~16 KiB and ~1 MiB it measures:
 *   - Log.appendAsLeader (default validator: offsets assigned in place, no CRC check — the
 *     produce path's LogValidator cost is not part of the log) vs fs.writeSync of the same bytes;
 *     plus the promise API (FileHandle.write) for the sync-vs-async choice;
 *   - Log.read(offset, batchSize) stepping through the whole log vs fs.readSync of the same chunks.
 * Both sides write to the page cache (no fsync; the log's default flush.* settings never force
 * one; each write phase is fsynced untimed so the next starts without dirty pages), and reads
 * come from the page cache right after writing. Median of `reps` runs, alternating which side
 * writes first.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { FetchIsolation, Log } from '../../lib/log/log.js';
import { LAST_OFFSET_DELTA_OFFSET, LENGTH_OFFSET, LOG_OVERHEAD } from '../../lib/record/batch-header.js';
import { buildRecordBatch } from '../../lib/record/memory-records-builder.js';
import { setRootLogger } from '../../lib/utils/logger.js';

setRootLogger(pino({ level: 'silent' }));

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}

const TOTAL = Number(arg('mib', '256')) * 1024 * 1024;
const REPS = Number(arg('reps', '4'));
const BASE = fs.mkdtempSync(path.join(arg('dir', os.tmpdir()), 'kafkats-bench-log-'));

function makeBatch(targetBytes: number): Buffer {
  const value = Buffer.alloc(100, 0x61);
  const n = Math.max(1, Math.floor((targetBytes - 61) / 112));
  const records = Array.from({ length: n }, () => ({ key: null, value, timestamp: BigInt(Date.now()) }));
  return buildRecordBatch(records);
}

const secs = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;
const mbps = (bytes: number, s: number): number => bytes / s / (1024 * 1024);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function plainWrite(file: string, buf: Buffer, count: number): number {
  const fd = fs.openSync(file, 'w');
  const t0 = process.hrtime.bigint();
  let pos = 0;
  for (let i = 0; i < count; i++) {
    fs.writeSync(fd, buf, 0, buf.length, pos);
    pos += buf.length;
  }
  const s = secs(t0);
  fs.fsyncSync(fd); // untimed: start the next phase without this one's dirty pages
  fs.closeSync(fd);
  return s;
}

async function plainWriteAsync(file: string, buf: Buffer, count: number): Promise<number> {
  const fh = await fs.promises.open(file, 'w');
  const t0 = process.hrtime.bigint();
  let pos = 0;
  for (let i = 0; i < count; i++) {
    await fh.write(buf, 0, buf.length, pos);
    pos += buf.length;
  }
  const s = secs(t0);
  await fh.sync();
  await fh.close();
  return s;
}

function plainRead(file: string, chunk: number): number {
  const fd = fs.openSync(file, 'r');
  const size = fs.fstatSync(fd).size;
  const t0 = process.hrtime.bigint();
  for (let pos = 0; pos < size; pos += chunk) {
    const b = Buffer.allocUnsafe(Math.min(chunk, size - pos));
    fs.readSync(fd, b, 0, b.length, pos);
  }
  const s = secs(t0);
  fs.closeSync(fd);
  return s;
}

function logAppend(dir: string, buf: Buffer, count: number): { s: number; log: Log } {
  const log = Log.load({ dir, topicPartition: { topic: 'bench', partition: 0 }, config: { 'file.delete.delay.ms': 0 } });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    buf.writeBigInt64BE(0n, 0); // the validator patches offsets in place; a producer's batch starts at 0
    log.appendAsLeader(buf, 0);
  }
  const s = secs(t0);
  log.flush(); // untimed, as for the plain write
  return { s, log };
}

function logRead(log: Log, maxBytes: number): number {
  const t0 = process.hrtime.bigint();
  let offset = log.logStartOffset;
  const end = log.logEndOffset;
  while (offset < end) {
    const { records } = log.read(offset, maxBytes, FetchIsolation.LOG_END, true);
    // Next offset: from the last complete batch header in the returned bytes.
    let p = 0;
    let last = -1;
    while (p + LOG_OVERHEAD <= records.length) {
      const size = records.readInt32BE(p + LENGTH_OFFSET) + LOG_OVERHEAD;
      if (p + size > records.length) break;
      last = p;
      p += size;
    }
    offset = records.readBigInt64BE(last) + BigInt(records.readInt32BE(last + LAST_OFFSET_DELTA_OFFSET)) + 1n;
  }
  return secs(t0);
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  for (const [label, target] of [['16 KiB', 16 * 1024], ['1 MiB', 1024 * 1024]] as const) {
    const buf = makeBatch(target);
    const count = Math.max(1, Math.floor(TOTAL / buf.length));
    const bytes = count * buf.length;
    const r = { plainW: [] as number[], plainWA: [] as number[], logW: [] as number[], plainR: [] as number[], logR: [] as number[] };
    for (let rep = 0; rep < REPS; rep++) {
      const plainFile = path.join(BASE, 'plain.bin');
      // Alternate which side writes first.
      let appended: { s: number; log: Log };
      if (rep % 2 === 0) {
        r.plainW.push(mbps(bytes, plainWrite(plainFile, buf, count)));
        appended = logAppend(path.join(BASE, 'bench-0'), buf, count);
      } else {
        appended = logAppend(path.join(BASE, 'bench-0'), buf, count);
        r.plainW.push(mbps(bytes, plainWrite(plainFile, buf, count)));
      }
      const { s, log } = appended;
      r.logW.push(mbps(bytes, s));
      r.plainR.push(mbps(bytes, plainRead(plainFile, buf.length)));
      r.logR.push(mbps(bytes, logRead(log, buf.length)));
      await log.close();
      fs.rmSync(path.join(BASE, 'bench-0'), { recursive: true, force: true });
      r.plainWA.push(mbps(bytes, await plainWriteAsync(plainFile, buf, count)));
      fs.rmSync(plainFile, { force: true });
    }
    const [pw, pwa, lw, pr, lr] = [median(r.plainW), median(r.plainWA), median(r.logW), median(r.plainR), median(r.logR)];
    rows.push([label, `${buf.length}`, `${(bytes / 1048576).toFixed(0)}`, pw.toFixed(0), pwa.toFixed(0), lw.toFixed(0), (lw / pw).toFixed(2), pr.toFixed(0), lr.toFixed(0), (lr / pr).toFixed(2)]);
  }
  fs.rmSync(BASE, { recursive: true, force: true });
  const header = ['batch', 'bytes', 'MiB', 'plain write', 'plain write (async)', 'log append', 'append/plain', 'plain read', 'log read', 'read/plain'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
  console.log(`kafkats log bench — ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, node ${process.version}, ${os.platform()} ${os.release()}, dir ${path.dirname(BASE)}`);
  console.log(`100-byte records, MB/s = MiB/s, median of ${REPS} runs`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

await main();
