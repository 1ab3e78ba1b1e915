/**
 * The log cleaner with transactions, as Kafka's: nothing at or past the last stable offset is
 * cleaned; records of aborted transactions go in one round and their ABORT marker in a later one
 * (after delete.retention.ms), with the aborted-transaction index kept for as long as the marker;
 * a producer's last batch survives emptied; max.compaction.lag.ms forces a round; a round yields to
 * the event loop and gives up a group whose segments changed meanwhile.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { FetchIsolation, Log } from '../../lib/log/log.js';
import { LogCleaner } from '../../lib/log/log-cleaner.js';
import { buildRecordBatch } from '../../lib/record/memory-records-builder.js';
import { buildEndTransactionMarkerBatch, ControlRecordType } from '../../lib/record/control-record.js';
import { batchesIn, iterateRecords } from '../../lib/record/record-batch.js';
import { readBatchHeader } from '../../lib/record/batch-header.js';
import { batch, MockTime, rmrf, tempDir } from './helpers.js';

const tp = { topic: 'compacted', partition: 0 };
const DELETE_RETENTION_MS = 10_000;

describe('LogCleaner with transactions', () => {
  let root: string;
  let clock: MockTime;
  let log: Log;
  const config = { 'cleanup.policy': 'compact', 'segment.bytes': 400, 'file.delete.delay.ms': 0, 'delete.retention.ms': DELETE_RETENTION_MS };

  beforeEach(() => {
    root = tempDir();
    clock = new MockTime();
    log = Log.load({ dir: path.join(root, 'compacted-0'), topicPartition: tp, config, clock });
  });
  afterEach(async () => {
    await log.close();
    rmrf(root);
  });

  const ts = (): bigint => BigInt(clock.milliseconds());
  const txnBatch = (pid: bigint, seq: number, keys: string[]): Buffer =>
    buildRecordBatch(keys.map((k) => ({ key: Buffer.from(k), value: Buffer.from(`${k}@${pid}`), timestamp: ts() })), { producerId: pid, producerEpoch: 0, baseSequence: seq, isTransactional: true });
  const marker = (pid: bigint, type: typeof ControlRecordType.ABORT | typeof ControlRecordType.COMMIT): Buffer => buildEndTransactionMarkerBatch({ type, coordinatorEpoch: 0 }, { producerId: pid, producerEpoch: 0, timestamp: ts() });
  const plain = (keys: string[], tag = 'plain'): Buffer => batch(keys.length, { keys, values: keys.map((k) => `${k}@${tag}`), ts: clock.milliseconds() });
  /** Enough keyless-free filler to roll the segments holding the transactions out of the active one. */
  const roll = (): void => {
    for (let i = 0; i < 6; i++) log.appendAsLeader(plain([`filler-${i}`]), 0);
    log.updateHighWatermark(log.logEndOffset);
  };
  /** Every batch of the log: control batches list their record as 'marker'. */
  const batches = (): Array<{ baseOffset: bigint; producerId: bigint; control: boolean; records: Array<string | null> }> => {
    const out: Array<{ baseOffset: bigint; producerId: bigint; control: boolean; records: Array<string | null> }> = [];
    for (const s of log.logSegments()) {
      const data = s.readBytes(0, s.size);
      for (const b of batchesIn(data)) {
        const bytes = data.subarray(b.position, b.position + b.size);
        const h = readBatchHeader(bytes, 0);
        out.push({ baseOffset: h.baseOffset, producerId: h.producerId, control: (h.attributes & 0x20) !== 0, records: [...iterateRecords(bytes)].map((r) => ((h.attributes & 0x20) !== 0 ? 'marker' : r.key?.toString() ?? null)) });
      }
    }
    return out;
  };

  it('drops aborted records in one round and their ABORT marker in a later one, keeping the aborted index as long as the marker', async () => {
    log.appendAsLeader(txnBatch(7n, 0, ['a', 'b']), 0); // aborted
    log.appendAsLeader(marker(7n, ControlRecordType.ABORT), 0, 'coordinator');
    log.appendAsLeader(txnBatch(7n, 2, ['c']), 0); // the same producer's next transaction, committed
    log.appendAsLeader(marker(7n, ControlRecordType.COMMIT), 0, 'coordinator');
    roll();
    const abortedIndexed = (): string[] => (log.read(0n, 1 << 20, FetchIsolation.TXN_COMMITTED, true).abortedTransactions ?? []).map((t) => `${t.producerId}@${t.firstOffset}`);
    expect(abortedIndexed()).to.deep.equal(['7@0']);
    const cleaner = new LogCleaner(clock);
    await cleaner.clean(log);
    const round1 = batches().filter((b) => b.producerId === 7n);
    // The aborted batch is gone; both markers stay (young, and the ABORT marker's batches were met this round).
    expect(round1.map((b) => [b.baseOffset, b.control, b.records])).to.deep.equal([[2n, true, ['marker']], [3n, false, ['c']], [4n, true, ['marker']]]);
    expect(abortedIndexed()).to.deep.equal(['7@0']);

    clock.advance(DELETE_RETENTION_MS + 1);
    roll();
    await cleaner.clean(log);
    // No batch of the aborted transaction is left: its marker and index entry go. The COMMIT marker
    // stays while its transaction's record does.
    expect(batches().filter((b) => b.producerId === 7n).map((b) => [b.baseOffset, b.control])).to.deep.equal([[3n, false], [4n, true]]);
    expect(abortedIndexed()).to.deep.equal([]);
  });

  it('keeps an aborted batch that is its producer\'s last, emptied, and with it the ABORT marker', async () => {
    log.appendAsLeader(txnBatch(8n, 0, ['a', 'b']), 0);
    log.appendAsLeader(marker(8n, ControlRecordType.ABORT), 0, 'coordinator');
    roll();
    await new LogCleaner(clock).clean(log);
    expect(batches().filter((b) => b.producerId === 8n).map((b) => [b.baseOffset, b.control, b.records])).to.deep.equal([[0n, false, []], [2n, true, ['marker']]]);
  });

  it('cleans nothing at or past the first offset of an open transaction (the last stable offset)', async () => {
    log.appendAsLeader(plain(['k']), 0);
    log.appendAsLeader(plain(['k'], 'again'), 0);
    log.appendAsLeader(txnBatch(9n, 0, ['k']), 0); // open transaction at offset 2
    roll();
    expect(log.lastStableOffset).to.equal(2n);
    const cleaner = new LogCleaner(clock);
    expect(cleaner.firstUncleanableOffset(log)).to.be.at.most(2);
    await cleaner.clean(log);
    expect(batches().filter((b) => b.baseOffset >= 2n && b.baseOffset < 3n).map((b) => b.records)).to.deep.equal([['k']]);
  });

  it('keeps a producer\'s last batch as an empty batch when all its records are superseded', async () => {
    log.appendAsLeader(buildRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('idempotent'), timestamp: ts() }], { producerId: 11n, producerEpoch: 2, baseSequence: 0 }), 0);
    log.appendAsLeader(plain(['k'], 'newer'), 0);
    roll();
    await new LogCleaner(clock).clean(log);
    const kept = batches().find((b) => b.producerId === 11n);
    expect(kept).to.deep.include({ baseOffset: 0n, records: [] });
    expect(log.producerStateManager.activeProducers.get(11n)?.producerEpoch).to.equal(2);
  });

  it('forces a round when a dirty record is older than max.compaction.lag.ms, whatever the dirty ratio', () => {
    log.config = { ...log.config, 'max.compaction.lag.ms': 60_000, 'min.cleanable.dirty.ratio': 0.99 };
    log.appendAsLeader(plain(['x']), 0);
    roll();
    const cleaner = new LogCleaner(clock);
    expect(cleaner.compactionLagExceeded(log, 0n)).to.equal(false);
    clock.advance(60_001);
    expect(cleaner.compactionLagExceeded(log, 0n)).to.equal(true);
  });

  it('yields to the event loop during a round and gives up a group whose segments changed meanwhile', async () => {
    log.config = { ...log.config, 'segment.bytes': 8 << 20 };
    // 4 MB of updates to ten keys in one segment, then a new active segment.
    for (let i = 0; i < 80; i++) log.appendAsLeader(batch(10, { keys: Array.from({ length: 10 }, (_, j) => `k${j}`), values: Array.from({ length: 10 }, () => 'v'.repeat(5000)), ts: clock.milliseconds() }), 0);
    log.roll();
    log.appendAsLeader(plain(['active']), 0);
    log.updateHighWatermark(log.logEndOffset);
    const quiet = new LogCleaner(clock, async () => {});
    expect(quiet.cleanableRatio(log, 0n)).to.be.greaterThan(0);
    let yields = 0;
    let truncatedAt = -1;
    const cleaner = new LogCleaner(clock, async () => {
      yields++;
      // Well into rewriting the segment (the offset map took about four yields): a follower truncates.
      if (yields === 6) {
        truncatedAt = yields;
        log.truncateTo(10n);
      }
    });
    const stats = await cleaner.clean(log);
    expect(truncatedAt).to.equal(6);
    expect(stats.segmentsCleaned).to.equal(0);
    expect(stats.endOffset).to.equal(0n);
    expect(fs.readdirSync(log.dir).some((n) => n.endsWith('.cleaned') || n.endsWith('.swap'))).to.equal(false);
    expect(log.logEndOffset).to.equal(10n);
    expect(batches().flatMap((b) => b.records)).to.deep.equal(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9']);
  });
});
