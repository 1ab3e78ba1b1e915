import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { FetchIsolation, Log } from '../../lib/log/log.js';
import { LogCleaner } from '../../lib/log/log-cleaner.js';
import { CompressionType, buildRecordBatch } from '../../lib/record/memory-records-builder.js';
import { batchesIn, iterateRecords, validateRecordBatch } from '../../lib/record/record-batch.js';
import { batch, MockTime, rmrf, rng, tempDir } from './helpers.js';

const tp = { topic: '__consumer_offsets', partition: 0 };

function contents(log: Log): { offset: bigint; key: string | null; value: string | null }[] {
  const out: { offset: bigint; key: string | null; value: string | null }[] = [];
  for (const s of log.logSegments()) {
    const data = s.readBytes(0, s.size);
    for (const b of batchesIn(data)) {
      validateRecordBatch(data, b.position);
      for (const r of iterateRecords(data.subarray(b.position, b.position + b.size))) {
        out.push({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null });
      }
    }
  }
  return out;
}

describe('LogCleaner', () => {
  let root: string;
  let clock: MockTime;
  const config = { 'cleanup.policy': 'compact', 'segment.bytes': 600, 'file.delete.delay.ms': 0, 'delete.retention.ms': 10_000 };
  beforeEach(() => {
    root = tempDir();
    clock = new MockTime();
  });
  afterEach(() => rmrf(root));

  it('keeps exactly the latest record per key with its original offset, never touching the active segment', async () => {
    const log = Log.load({ dir: path.join(root, 'c-0'), topicPartition: tp, config, clock });
    const r = rng(3);
    const written: { offset: bigint; key: string; value: string }[] = [];
    for (let i = 0; i < 120; i++) {
      const n = 1 + Math.floor(r() * 3);
      const keys = Array.from({ length: n }, () => `key-${Math.floor(r() * 10)}`);
      const values = keys.map((_k, j) => `v${i}.${j}`);
      const info = log.appendAsLeader(batch(n, { keys, values, ts: clock.milliseconds() }), 0);
      keys.forEach((k, j) => written.push({ offset: info.firstOffset + BigInt(j), key: k, value: values[j]! }));
    }
    log.updateHighWatermark(log.logEndOffset);
    const activeBefore = fs.readFileSync(log.activeSegment.logFile);
    const activeBase = BigInt(log.activeSegment.baseOffset);
    const stats = await new LogCleaner(clock).clean(log);
    expect(stats.endOffset).to.equal(activeBase);

    const cleanable = written.filter((w) => w.offset < activeBase);
    const latest = new Map<string, bigint>();
    for (const w of cleanable) latest.set(w.key, w.offset);
    const expected = cleanable.filter((w) => latest.get(w.key) === w.offset).concat(written.filter((w) => w.offset >= activeBase));
    expect(contents(log)).to.deep.equal(expected.map((w) => ({ offset: w.offset, key: w.key, value: w.value })));
    expect(fs.readFileSync(log.activeSegment.logFile).equals(activeBefore)).to.equal(true);
    expect(log.logEndOffset).to.equal(written[written.length - 1]!.offset + 1n);
    // Reads still find surviving records by offset, and the directory holds no temporary files.
    const some = expected[Math.floor(expected.length / 2)]!;
    const read = log.read(some.offset, 1 << 20, FetchIsolation.LOG_END, false).records;
    expect([...iterateRecords(read)].some((rec) => rec.offset === some.offset)).to.equal(true);
    expect(fs.readdirSync(log.dir).some((n) => n.endsWith('.cleaned') || n.endsWith('.swap'))).to.equal(false);
    await log.close();

    const again = Log.load({ dir: path.join(root, 'c-0'), topicPartition: tp, config, clock, hadCleanShutdown: true });
    expect(contents(again)).to.deep.equal(expected.map((w) => ({ offset: w.offset, key: w.key, value: w.value })));
    await again.close();
  });

  it('removes tombstones only once their segment is older than delete.retention.ms', async () => {
    const log = Log.load({ dir: path.join(root, 'c-0'), topicPartition: tp, config, clock });
    for (let i = 0; i < 10; i++) log.appendAsLeader(batch(2, { keys: ['a', 'b'], values: [`a${i}`, `b${i}`], ts: clock.milliseconds() }), 0);
    log.appendAsLeader(batch(1, { keys: ['a'], values: [null], ts: clock.milliseconds() }), 0);
    for (let i = 0; i < 10; i++) log.appendAsLeader(batch(1, { keys: ['c'], values: [`c${i}`], ts: clock.milliseconds() }), 0);
    log.updateHighWatermark(log.logEndOffset);
    const cleaner = new LogCleaner(clock);
    await cleaner.clean(log);
    const first = contents(log).filter((c) => c.key === 'a');
    expect(first).to.deep.equal([{ offset: 20n, key: 'a', value: null }]);
    clock.advance(10_001);
    await cleaner.clean(log, log.logStartOffset);
    expect(contents(log).filter((c) => c.key === 'a')).to.deep.equal([]);
    expect(contents(log).filter((c) => c.key === 'b')).to.deep.equal([{ offset: 19n, key: 'b', value: 'b9' }]);
    await log.close();
  });

  it('re-compresses partly retained compressed batches with their codec and a valid CRC', async () => {
    const log = Log.load({ dir: path.join(root, 'c-0'), topicPartition: tp, config, clock });
    const keys = ['x', 'y', 'x', 'z', 'y'];
    log.appendAsLeader(buildRecordBatch(keys.map((k, i) => ({ key: Buffer.from(k), value: Buffer.from(`${k}${i}`), timestamp: 5n })), { compression: CompressionType.GZIP }), 0);
    for (let i = 0; i < 20; i++) log.appendAsLeader(batch(1, { keys: ['other'], values: [`o${i}`] }), 0);
    log.updateHighWatermark(log.logEndOffset);
    await new LogCleaner(clock).clean(log);
    const first = log.logSegments()[0]!.readBytes(0, log.logSegments()[0]!.size);
    const header = validateRecordBatch(first, 0);
    expect(header.attributes & 7).to.equal(CompressionType.GZIP);
    expect(header.baseOffset).to.equal(0n);
    expect(header.lastOffsetDelta).to.equal(4);
    expect([...iterateRecords(first.subarray(0, header.batchLength + 12))].map((r) => [r.offset, r.key?.toString()])).to.deep.equal([
      [2n, 'x'],
      [3n, 'z'],
      [4n, 'y'],
    ]);
    await log.close();
  });

  it('completes an interrupted swap on the next load', async () => {
    const dir = path.join(root, 'c-0');
    const log = Log.load({ dir, topicPartition: tp, config, clock });
    for (let i = 0; i < 30; i++) log.appendAsLeader(batch(1, { keys: ['k'], values: [`v${i}`] }), 0);
    await log.close();
    // Simulate a crash between ".cleaned → .swap" and the old segment's removal: the swap holds
    // only the last record of the first segment.
    const firstLog = path.join(dir, '00000000000000000000.log');
    const data = fs.readFileSync(firstLog);
    const entries = [...batchesIn(data)];
    const last = entries[entries.length - 1]!;
    fs.writeFileSync(`${firstLog}.swap`, data.subarray(last.position, last.position + last.size));
    const again = Log.load({ dir, topicPartition: tp, config, clock, hadCleanShutdown: true });
    expect(fs.existsSync(`${firstLog}.swap`)).to.equal(false);
    const offsets = contents(again).map((c) => c.offset);
    expect(offsets[0]).to.equal(BigInt(entries.length - 1));
    expect(offsets[offsets.length - 1]).to.equal(29n);
    await again.close();
  });
});
