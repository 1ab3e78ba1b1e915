import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { buildRecordBatch, type SimpleRecord } from '../../lib/record/memory-records-builder.js';
import { setRootLogger } from '../../lib/utils/logger.js';

setRootLogger(pino({ level: process.env.KAFKATS_LOG_LEVEL ?? 'silent' }));

export { MockTime } from '../../lib/common/time.js';

export function tempDir(prefix = 'kafkats-log-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function rmrf(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** A batch of `n` records with values `v<i>` (keys optional), timestamps `ts`. */
export function batch(n: number, opts: { ts?: number; keys?: (string | null)[]; values?: (string | null)[]; size?: number; baseOffset?: bigint; epoch?: number } = {}): Buffer {
  const records: SimpleRecord[] = [];
  for (let i = 0; i < n; i++) {
    const k = opts.keys?.[i];
    const v = opts.values ? opts.values[i] : opts.size !== undefined ? 'x'.repeat(opts.size) : `v${i}`;
    records.push({
      key: k === undefined || k === null ? null : Buffer.from(k),
      value: v === null || v === undefined ? null : Buffer.from(v),
      timestamp: BigInt(opts.ts ?? 1_700_000_000_000),
    });
  }
  return buildRecordBatch(records, { baseOffset: opts.baseOffset ?? 0n, partitionLeaderEpoch: opts.epoch ?? -1 });
}

/** A deterministic PRNG for specs (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
