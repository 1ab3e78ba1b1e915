import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { CorruptMessageError, InvalidRecordError, MessageTooLargeError, OffsetOutOfRangeError, RecordListTooLargeError } from '../../lib/protocol/errors.js';
import { UnexpectedAppendOffsetError } from '../../lib/log/errors.js';
import { EARLIEST_TIMESTAMP, FetchIsolation, LATEST_TIMESTAMP, Log, MAX_TIMESTAMP } from '../../lib/log/log.js';
import type { LogConfig } from '../../lib/log/log-config.js';
import { readBatchHeader } from '../../lib/record/batch-header.js';
import { batchesIn, iterateRecords } from '../../lib/record/record-batch.js';
import { batch, MockTime, rmrf, rng, tempDir } from './helpers.js';

const tp = { topic: 'orders', partition: 3 };

function offsetsIn(records: Buffer): bigint[] {
  const out: bigint[] = [];
  for (const b of batchesIn(records)) for (const r of iterateRecords(records.subarray(b.position, b.position + b.size))) out.push(r.offset);
  return out;
}

describe('Log', () => {
  let dir: string;
  let clock: MockTime;
  const open = (config: Partial<LogConfig> = {}, extra: { hadCleanShutdown?: boolean; recoveryPoint?: bigint; logStartOffset?: bigint } = {}): Log =>
    Log.load({ dir, topicPartition: tp, config: { 'file.delete.delay.ms': 0, ...config }, clock, ...extra });
  beforeEach(() => {
    dir = path.join(tempDir(), 'orders-3');
    clock = new MockTime();
  });
  afterEach(() => rmrf(path.dirname(dir)));

  it('assigns offsets from the log end offset and stamps the leader epoch', async () => {
    const log = open();
    const a = log.appendAsLeader(batch(3), 5);
    const b = log.appendAsLeader(batch(2), 5);
    expect([a.firstOffset, a.lastOffset, b.firstOffset, b.lastOffset]).to.deep.equal([0n, 2n, 3n, 4n]);
    expect(log.logEndOffset).to.equal(5n);
    const data = log.read(0n, 1 << 20, FetchIsolation.LOG_END, false).records;
    expect(offsetsIn(data)).to.deep.equal([0n, 1n, 2n, 3n, 4n]);
    expect(readBatchHeader(data, 0).partitionLeaderEpoch).to.equal(5);
    expect(log.leaderEpochCache.entries()).to.deep.equal([{ epoch: 5, startOffset: 0n }]);
    await log.close();
  });

  it('reads from random offsets across many segments, starting at the batch holding the offset', async () => {
    const log = open({ 'segment.bytes': 1000, 'index.interval.bytes': 300 });
    const r = rng(7);
    const firstOf: bigint[] = [];
    for (let i = 0; i < 300; i++) {
      const n = 1 + Math.floor(r() * 4);
      const info = log.appendAsLeader(batch(n), 0);
      for (let o = info.firstOffset; o <= info.lastOffset; o++) firstOf.push(info.firstOffset);
    }
    expect(log.numberOfSegments).to.be.greaterThan(20);
    log.updateHighWatermark(log.logEndOffset);
    for (let i = 0; i < 400; i++) {
      const off = BigInt(Math.floor(r() * Number(log.logEndOffset)));
      const info = log.read(off, 1 + Math.floor(r() * 3000), FetchIsolation.LOG_END, true);
      const offsets = offsetsIn(info.records);
      expect(offsets[0], `read at ${off}`).to.equal(firstOf[Number(off)]);
      for (let k = 1; k < offsets.length; k++) expect(offsets[k]).to.equal(offsets[k - 1]! + 1n);
      expect(info.fetchOffsetMetadata.messageOffset).to.equal(off);
    }
    await log.close();
  });

  it('returns a partial first batch with firstEntryIncomplete unless minOneMessage', async () => {
    const log = open();
    log.appendAsLeader(batch(10), 0);
    const partial = log.read(0n, 20, FetchIsolation.LOG_END, false);
    expect(partial.records.length).to.equal(20);
    expect(partial.firstEntryIncomplete).to.equal(true);
    const whole = log.read(0n, 20, FetchIsolation.LOG_END, true);
    expect(whole.records.length).to.equal(batch(10).length);
    expect(whole.firstEntryIncomplete).to.equal(false);
    await log.close();
  });

  it('stops before the batch holding the high watermark under HIGH_WATERMARK isolation and returns nothing at the log end', async () => {
    const log = open();
    for (let i = 0; i < 5; i++) log.appendAsLeader(batch(2), 0);
    log.updateHighWatermark(6n);
    expect(offsetsIn(log.read(0n, 1 << 20, FetchIsolation.HIGH_WATERMARK, false).records)).to.deep.equal([0n, 1n, 2n, 3n, 4n, 5n]);
    expect(log.read(6n, 1 << 20, FetchIsolation.HIGH_WATERMARK, false).records.length).to.equal(0);
    expect(offsetsIn(log.read(6n, 1 << 20, FetchIsolation.LOG_END, false).records)).to.deep.equal([6n, 7n, 8n, 9n]);
    expect(log.read(10n, 1 << 20, FetchIsolation.LOG_END, false).records.length).to.equal(0);
    expect(() => log.read(11n, 100, FetchIsolation.LOG_END, false)).to.throw(OffsetOutOfRangeError);
    await log.close();
  });

  it('keeps offsets on follower appends and rejects gaps and overlaps', async () => {
    const log = open();
    log.appendAsFollower(batch(3, { baseOffset: 0n, epoch: 1 }));
    log.appendAsFollower(batch(2, { baseOffset: 3n, epoch: 2 }));
    expect(log.logEndOffset).to.equal(5n);
    expect(() => log.appendAsFollower(batch(1, { baseOffset: 7n }))).to.throw(UnexpectedAppendOffsetError);
    expect(() => log.appendAsFollower(batch(1, { baseOffset: 4n }))).to.throw(UnexpectedAppendOffsetError);
    expect(log.leaderEpochCache.entries()).to.deep.equal([
      { epoch: 1, startOffset: 0n },
      { epoch: 2, startOffset: 3n },
    ]);
    expect(log.endOffsetForEpoch(1)).to.deep.equal({ epoch: 1, endOffset: 3n });
    expect(log.endOffsetForEpoch(2)).to.deep.equal({ epoch: 2, endOffset: 5n });
    await log.close();
  });

  it('rolls by segment.bytes, by segment.ms measured from record timestamps, and when the index is full', async () => {
    const bySize = open({ 'segment.bytes': 1000 });
    const one = batch(5).length;
    for (let i = 0; i < 20; i++) bySize.appendAsLeader(batch(5), 0);
    for (const s of bySize.logSegments()) expect(s.size).to.be.at.most(1000);
    expect(bySize.numberOfSegments).to.equal(Math.ceil(20 / Math.floor(1000 / one)));
    await bySize.close();
    rmrf(dir);

    const byTime = open({ 'segment.ms': 60_000 });
    byTime.appendAsLeader(batch(1, { ts: clock.milliseconds() }), 0);
    byTime.appendAsLeader(batch(1, { ts: clock.milliseconds() + 60_000 }), 0);
    expect(byTime.numberOfSegments).to.equal(1);
    byTime.appendAsLeader(batch(1, { ts: clock.milliseconds() + 60_001 }), 0);
    expect(byTime.numberOfSegments).to.equal(2);
    expect(byTime.activeSegment.baseOffset).to.equal(2);
    await byTime.close();
    rmrf(dir);

    // 48 bytes: 6 offset-index entries; equal timestamps leave the time index with one entry.
    const byIndex = open({ 'segment.index.bytes': 48, 'index.interval.bytes': 1 });
    for (let i = 0; i < 15; i++) byIndex.appendAsLeader(batch(1), 0);
    expect(byIndex.logSegments().map((s) => s.baseOffset)).to.deep.equal([0, 7, 14]);
    expect(byIndex.logSegments()[0]!.offsetIndex.entries).to.equal(6);
    await byIndex.close();
  });

  it('rolls by segment.ms from the wall clock when records carry no timestamp', async () => {
    const log = open({ 'segment.ms': 1000 });
    log.appendAsLeader(batch(1, { ts: -1 }), 0);
    clock.advance(1001);
    log.appendAsLeader(batch(1, { ts: -1 }), 0);
    expect(log.numberOfSegments).to.equal(2);
    await log.close();
  });

  it('trims the indexes of a rolled segment and names files with 20-digit base offsets', async () => {
    const log = open({ 'segment.bytes': 500, 'index.interval.bytes': 50 });
    for (let i = 0; i < 10; i++) log.appendAsLeader(batch(3), 0);
    const names = fs.readdirSync(dir).filter((n) => n.endsWith('.log'));
    expect(names[0]).to.equal('00000000000000000000.log');
    for (const s of log.logSegments().slice(0, -1)) {
      expect(fs.statSync(s.offsetIndex.file).size).to.equal(s.offsetIndex.entries * 8);
      expect(fs.statSync(s.timeIndex.file).size).to.equal(s.timeIndex.entries * 12);
    }
    expect(fs.statSync(log.activeSegment.offsetIndex.file).size).to.equal(10 * 1024 * 1024);
    await log.close();
  });

  it('finds offsets by timestamp, including earliest, latest and max timestamp', async () => {
    const log = open({ 'segment.bytes': 400, 'index.interval.bytes': 100 });
    for (let i = 0; i < 40; i++) log.appendAsLeader(batch(2, { ts: 10_000 + i * 100 }), 4);
    log.updateHighWatermark(log.logEndOffset);
    expect(log.fetchOffsetByTimestamp(10_000n)?.offset).to.equal(0n);
    expect(log.fetchOffsetByTimestamp(12_050n)?.offset).to.equal(42n);
    expect(log.fetchOffsetByTimestamp(12_100n)).to.deep.include({ offset: 42n, timestamp: 12_100n, leaderEpoch: 4 });
    expect(log.fetchOffsetByTimestamp(99_999n)).to.equal(undefined);
    expect(log.fetchOffsetByTimestamp(EARLIEST_TIMESTAMP)?.offset).to.equal(0n);
    expect(log.fetchOffsetByTimestamp(LATEST_TIMESTAMP)?.offset).to.equal(80n);
    expect(log.fetchOffsetByTimestamp(MAX_TIMESTAMP)).to.deep.include({ offset: 78n, timestamp: 13_900n });
    await log.close();
  });

  it('stamps LogAppendTime when message.timestamp.type says so', async () => {
    const log = open({ 'message.timestamp.type': 'LogAppendTime' });
    const info = log.appendAsLeader(batch(2, { ts: 5 }), 0);
    expect(info.logAppendTime).to.equal(BigInt(clock.milliseconds()));
    const data = log.read(0n, 1000, FetchIsolation.LOG_END, false).records;
    const recs = [...iterateRecords(data)];
    expect(recs.map((r) => r.timestamp)).to.deep.equal([BigInt(clock.milliseconds()), BigInt(clock.milliseconds())]);
    await log.close();
  });

  it('deletes segments past retention.ms, rolling when all are old, never past the high watermark', async () => {
    const log = open({ 'segment.bytes': 300, 'retention.ms': 10_000 });
    for (let i = 0; i < 10; i++) log.appendAsLeader(batch(2, { ts: clock.milliseconds() }), 0);
    const segments = log.numberOfSegments;
    clock.advance(10_001);
    expect(log.deleteOldSegments()).to.equal(0); // high watermark still at 0
    log.updateHighWatermark(12n);
    const deleted = log.deleteOldSegments();
    expect(deleted).to.be.greaterThan(0);
    expect(deleted).to.be.lessThan(segments);
    expect(log.logSegments()[0]!.baseOffset).to.be.at.most(12);
    expect(log.logStartOffset).to.equal(BigInt(log.logSegments()[0]!.baseOffset));
    log.updateHighWatermark(log.logEndOffset);
    log.deleteOldSegments();
    expect(log.numberOfSegments).to.equal(1);
    expect(log.activeSegment.size).to.equal(0);
    expect(log.logStartOffset).to.equal(20n);
    expect(() => log.read(0n, 100, FetchIsolation.LOG_END, false)).to.throw(OffsetOutOfRangeError);
    await log.close();
  });

  it('deletes the oldest segments while the log exceeds retention.bytes', async () => {
    const log = open({ 'segment.bytes': 300, 'retention.bytes': 700 });
    for (let i = 0; i < 20; i++) log.appendAsLeader(batch(2), 0);
    log.updateHighWatermark(log.logEndOffset);
    const before = log.size();
    log.deleteOldSegments();
    expect(log.size()).to.be.at.most(before);
    expect(log.size() - log.logSegments()[0]!.size).to.be.lessThan(700 + 1);
    expect(log.size()).to.be.greaterThan(700 - 300);
    await log.close();
  });

  it('moves the log start offset for DeleteRecords and removes whole segments below it', async () => {
    const log = open({ 'segment.bytes': 300 });
    for (let i = 0; i < 20; i++) log.appendAsLeader(batch(2), 0);
    expect(() => log.maybeIncrementLogStartOffset(15n)).to.throw(OffsetOutOfRangeError);
    log.updateHighWatermark(log.logEndOffset);
    expect(log.maybeIncrementLogStartOffset(15n)).to.equal(true);
    expect(log.maybeIncrementLogStartOffset(10n)).to.equal(false);
    log.deleteOldSegments();
    expect(log.logStartOffset).to.equal(15n);
    expect(log.logSegments()[0]!.baseOffset).to.be.at.most(15);
    expect(log.logSegments()[1]!.baseOffset).to.be.greaterThan(15);
    expect(() => log.read(14n, 100, FetchIsolation.LOG_END, false)).to.throw(OffsetOutOfRangeError);
    expect(offsetsIn(log.read(15n, 10_000, FetchIsolation.LOG_END, false).records)[0]! <= 15n).to.equal(true);
    await log.close();
  });

  it('truncates to an offset across segments, keeping the leader epoch cache in step', async () => {
    const log = open({ 'segment.bytes': 300 });
    for (let i = 0; i < 20; i++) log.appendAsLeader(batch(2), Math.floor(i / 5));
    expect(log.truncateTo(100n)).to.equal(false);
    expect(log.truncateTo(13n * 2n)).to.equal(true);
    expect(log.logEndOffset).to.equal(26n);
    expect(log.logSegments().every((s) => s.baseOffset <= 26)).to.equal(true);
    expect(offsetsIn(log.read(24n, 10_000, FetchIsolation.LOG_END, false).records)).to.deep.equal([24n, 25n]);
    expect(log.leaderEpochCache.entries().map((e) => e.epoch)).to.deep.equal([0, 1, 2]);
    const next = log.appendAsLeader(batch(1), 7);
    expect(next.firstOffset).to.equal(26n);
    await log.close();
  });

  it('truncating to the log end or past it still drops epoch entries that start there (an epoch led without appends)', async () => {
    const log = open();
    log.appendAsLeader(batch(4), 0);
    log.leaderEpochCache.assign(1, log.logEndOffset); // led epoch 1 from offset 4, appended nothing
    expect(log.leaderEpochCache.latestEpoch()).to.equal(1);
    expect(log.truncateTo(4n)).to.equal(false);
    expect(log.leaderEpochCache.entries().map((e) => e.epoch)).to.deep.equal([0]);
    log.leaderEpochCache.assign(3, log.logEndOffset);
    expect(log.truncateTo(9n)).to.equal(false);
    expect(log.leaderEpochCache.entries().map((e) => e.epoch)).to.deep.equal([0]);
    expect(log.logEndOffset).to.equal(4n);
    await log.close();
  });

  it('answers ListOffsets v0 by segment base offsets and file times, newest first, with the log end stamped now (legacyFetchOffsetsBefore)', async () => {
    const log = open({ 'segment.bytes': 300 });
    for (let i = 0; i < 12; i++) log.appendAsLeader(batch(2), 0);
    const bases = log.logSegments().map((s) => s.baseOffset);
    const end = log.logEndOffset;
    expect(bases.length).to.be.greaterThan(2);
    const now = clock.milliseconds();
    // Each segment file last modified one hour apart, the oldest first.
    log.logSegments().forEach((s, i) => {
      const t = (now - (bases.length - i) * 3_600_000) / 1000;
      fs.utimesSync(s.logFile, t, t);
    });
    const all = [...bases].reverse().map(BigInt);
    expect(log.legacyFetchOffsetsBefore(BigInt(now), 100)).to.deep.equal([end, ...all]);
    expect(log.legacyFetchOffsetsBefore(-1n, 100)).to.deep.equal([end, ...all]);
    expect(log.legacyFetchOffsetsBefore(-2n, 100)).to.deep.equal([BigInt(bases[0]!)]);
    expect(log.legacyFetchOffsetsBefore(BigInt(now), 2)).to.deep.equal([end, all[0]!]);
    // Before the second segment's time: the first segment only; before everything: nothing.
    expect(log.legacyFetchOffsetsBefore(BigInt(now - (bases.length - 1) * 3_600_000 - 1), 100)).to.deep.equal([BigInt(bases[0]!)]);
    expect(log.legacyFetchOffsetsBefore(BigInt(now - bases.length * 3_600_000 - 1), 100)).to.deep.equal([]);
    await log.close();
  });

  it('truncates fully and starts at a new offset', async () => {
    const log = open();
    for (let i = 0; i < 5; i++) log.appendAsLeader(batch(2), 1);
    log.truncateFullyAndStartAt(1000n);
    expect([log.logStartOffset, log.logEndOffset]).to.deep.equal([1000n, 1000n]);
    expect(log.numberOfSegments).to.equal(1);
    expect(log.activeSegment.baseOffset).to.equal(1000);
    expect(log.leaderEpochCache.entries()).to.deep.equal([]);
    expect(log.appendAsLeader(batch(1), 2).firstOffset).to.equal(1000n);
    await log.close();
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.log'))).to.deep.equal(['00000000000000001000.log']);
  });

  it('renames deleted segments to .deleted before removing them after file.delete.delay.ms', async () => {
    const log = open({ 'segment.bytes': 300, 'file.delete.delay.ms': 60_000 });
    for (let i = 0; i < 10; i++) log.appendAsLeader(batch(2), 0);
    log.updateHighWatermark(log.logEndOffset);
    log.maybeIncrementLogStartOffset(10n);
    log.deleteOldSegments();
    const deleted = fs.readdirSync(dir).filter((n) => n.endsWith('.deleted'));
    expect(deleted).to.include('00000000000000000000.log.deleted');
    expect(deleted).to.include('00000000000000000000.index.deleted');
    await log.close(); // runs the pending deletions
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.deleted'))).to.deep.equal([]);
  });

  it('flushes per flush.messages and moves the recovery point', async () => {
    const log = open({ 'flush.messages': 4 });
    log.appendAsLeader(batch(3), 0);
    expect(log.recoveryPoint).to.equal(0n);
    log.appendAsLeader(batch(1), 0);
    expect(log.recoveryPoint).to.equal(4n);
    await log.close();
  });

  it('reopens after a clean close with the same offsets, epochs and data', async () => {
    const log = open({ 'segment.bytes': 400, 'index.interval.bytes': 100 });
    for (let i = 0; i < 30; i++) log.appendAsLeader(batch(2, { ts: 1000 + i }), i < 15 ? 1 : 2);
    const before = log.read(10n, 100_000, FetchIsolation.LOG_END, false).records;
    await log.close();
    const again = open({ 'segment.bytes': 400, 'index.interval.bytes': 100 }, { hadCleanShutdown: true });
    expect(again.logEndOffset).to.equal(60n);
    expect(again.read(10n, 100_000, FetchIsolation.LOG_END, false).records.equals(before)).to.equal(true);
    expect(again.leaderEpochCache.entries()).to.deep.equal([
      { epoch: 1, startOffset: 0n },
      { epoch: 2, startOffset: 30n },
    ]);
    expect(fs.readFileSync(path.join(dir, 'leader-epoch-checkpoint'), 'utf8')).to.equal('0\n2\n1 0\n2 30\n');
    await again.close();
  });
});

describe('Log flush on roll', () => {
  it('fsyncs the rolled segment in the background and then moves the recovery point to the new segment', async () => {
    const dir = path.join(tempDir(), 'r-0');
    const log = Log.load({ dir, topicPartition: { topic: 'r', partition: 0 }, config: { 'segment.bytes': 300 }, clock: new MockTime() });
    for (let i = 0; i < 6; i++) log.appendAsLeader(batch(2), 0);
    expect(log.numberOfSegments).to.be.greaterThan(1);
    expect(log.recoveryPoint).to.equal(0n);
    await log.pendingFlushesSettled();
    expect(log.recoveryPoint).to.equal(BigInt(log.activeSegment.baseOffset));
    await log.close();
    expect(log.recoveryPoint).to.equal(12n);
    rmrf(path.dirname(dir));
  });
});

describe('Log append limits', () => {
  let dir: string;
  beforeEach(() => (dir = path.join(tempDir(), 'l-0')));
  afterEach(() => rmrf(path.dirname(dir)));

  it('answers typed errors for oversized, torn, multi-batch and non-v2 input and appends nothing for an empty set', async () => {
    const log = Log.load({ dir, topicPartition: { topic: 'l', partition: 0 }, config: { 'segment.bytes': 400, 'max.message.bytes': 600 }, clock: new MockTime() });
    expect(() => log.appendAsLeader(batch(1, { size: 650 }), 0)).to.throw(MessageTooLargeError);
    expect(() => log.appendAsLeader(batch(1, { size: 450 }), 0)).to.throw(RecordListTooLargeError);
    // Kafka's LogValidator takes exactly one magic-2 batch per partition of a produce request.
    expect(() => log.appendAsLeader(Buffer.concat([batch(1, { size: 50 }), batch(1, { size: 50 })]), 0)).to.throw(InvalidRecordError);
    expect(() => log.appendAsLeader(batch(2).subarray(0, 70), 0)).to.throw(CorruptMessageError);
    const legacy = batch(1);
    legacy.writeInt8(1, 16);
    expect(() => log.appendAsFollower(legacy)).to.throw(InvalidRecordError);
    expect(log.appendAsLeader(Buffer.alloc(0), 0).shallowCount).to.equal(0);
    expect(log.logEndOffset).to.equal(0n);
    await log.close();
  });
});
