/**
 * A segment's files: trimmed to the last valid batch on close, kept open until the delayed delete
 * (a flush still pending after a roll must not meet a closed descriptor), and few descriptors per
 * segment (the active segment's .log; old segments only while read, within an LRU bound).
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FileHandleCache } from '../../lib/log/file-handle-cache.js';
import { FetchIsolation, Log } from '../../lib/log/log.js';
import { LogDirFailureChannel } from '../../lib/log/log-dir-failure-channel.js';
import { LogSegment } from '../../lib/log/log-segment.js';
import { batch, MockTime, rmrf, tempDir } from './helpers.js';

const tp = { topic: 't', partition: 0 };
const openDescriptors = (): number => fs.readdirSync('/proc/self/fd').length;

describe('LogSegment files', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => rmrf(dir));

  it('trims bytes after its last valid batch when closed (a torn write never survives a clean shutdown)', () => {
    const seg = LogSegment.open(dir, 0, { indexIntervalBytes: 4096, maxIndexSize: 1024, clock: new MockTime() });
    const b = batch(3);
    seg.append(2, 1_700_000_000_000, 2, b);
    // What a write cut short by ENOSPC leaves behind: the first part of the next batch.
    fs.appendFileSync(seg.logFile, batch(10, { baseOffset: 3n }).subarray(0, 40));
    seg.close();
    expect(fs.statSync(seg.logFile).size).to.equal(b.length);
  });

  it('keeps a deleted segment open until file.delete.delay.ms, so the flush pending after its roll succeeds', async () => {
    const time = new MockTime();
    const channel = new LogDirFailureChannel();
    const log = Log.load({
      dir: path.join(dir, 't-0'), topicPartition: tp, clock: time, hadCleanShutdown: true, logDirFailureChannel: channel,
      config: { 'segment.bytes': 600, 'retention.bytes': 1, 'file.delete.delay.ms': 60_000 },
    });
    // Occupy every libuv pool thread so the fsyncs scheduled by the roll wait behind them.
    const busy = Array.from({ length: 16 }, () => new Promise<void>((resolve) => crypto.pbkdf2('p', 's', 60_000, 64, 'sha512', () => resolve())));
    while (log.numberOfSegments < 2) log.appendAsLeader(batch(2, { size: 100 }), 0);
    const rolledTo = log.activeSegment.baseOffset;
    const first = log.logSegments()[0]!;
    log.updateHighWatermark(log.logEndOffset);
    expect(log.deleteOldSegments()).to.equal(1);
    await Promise.all(busy);
    await log.pendingFlushesSettled();
    // Before: the fsync met the descriptor closed by the retention delete (EBADF, flush failed).
    expect(channel.offlineLogDirs(), 'dirs with an I/O error').to.deep.equal([]);
    expect(log.recoveryPoint, 'recovery point after the background flush').to.equal(BigInt(rolledTo));
    expect(fs.existsSync(`${first.logFile}`), 'renamed .deleted file before the delay').to.equal(true);
    expect(first.logFile.endsWith('.deleted')).to.equal(true);
    await time.sleep(60_000);
    expect(fs.existsSync(first.logFile), '.deleted file after the delay').to.equal(false);
    await log.close();
  });

  it('holds one descriptor for the active segment and opens old segments only to read them, within the LRU bound', async () => {
    const logDir = path.join(dir, 't-0');
    const config = { 'segment.bytes': 400, 'index.interval.bytes': 100 };
    const writer = Log.load({ dir: logDir, topicPartition: tp, config, hadCleanShutdown: true });
    while (writer.numberOfSegments < 40) writer.appendAsLeader(batch(2, { size: 60 }), 0);
    const end = writer.logEndOffset;
    await writer.close();

    const cache = new FileHandleCache(4);
    const before = openDescriptors();
    const log = Log.load({ dir: logDir, topicPartition: tp, config, hadCleanShutdown: true, fileHandleCache: cache });
    expect(openDescriptors() - before, 'descriptors after loading 40 segments').to.be.at.most(1 + 4);
    for (let o = 0n; o < end; o += 1n) expect(log.read(o, 1 << 16, FetchIsolation.LOG_END, false).records.length, `read at ${o}`).to.be.greaterThan(0);
    expect(openDescriptors() - before, 'descriptors after reading every segment').to.be.at.most(1 + 4);
    log.appendAsLeader(batch(2, { size: 60 }), 0);
    expect(openDescriptors() - before, 'descriptors after appending').to.be.at.most(1 + 4);
    await log.close();
    expect(openDescriptors() - before, 'descriptors after closing').to.equal(0);
  });
});
