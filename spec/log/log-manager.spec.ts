import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { InconsistentBrokerIdError } from '../../lib/log/errors.js';
import { LogManager } from '../../lib/log/log-manager.js';
import { buildRecordBatch } from '../../lib/record/memory-records-builder.js';
import { batch, MockTime, rmrf, tempDir } from './helpers.js';

describe('LogManager', () => {
  let root: string;
  let dirs: string[];
  let clock: MockTime;
  const manager = (extra: Partial<ConstructorParameters<typeof LogManager>[0]> = {}): LogManager =>
    new LogManager({ logDirs: dirs, brokerId: 1, clusterId: 'abc', clock, defaultConfig: { 'file.delete.delay.ms': 0 }, cleanerEnabled: false, ...extra });
  beforeEach(() => {
    root = tempDir();
    dirs = [path.join(root, 'd1'), path.join(root, 'd2')];
    clock = new MockTime();
  });
  afterEach(() => rmrf(root));

  it('writes meta.properties and refuses a log dir of another broker', async () => {
    const m = manager();
    await m.startup();
    await m.shutdown();
    const meta = fs.readFileSync(path.join(dirs[0]!, 'meta.properties'), 'utf8');
    expect(meta).to.match(/^version=0$/m);
    expect(meta).to.match(/^broker\.id=1$/m);
    expect(meta).to.match(/^cluster\.id=abc$/m);
    const other = new LogManager({ logDirs: dirs, brokerId: 2, clock });
    let err: unknown;
    try {
      await other.startup();
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(InconsistentBrokerIdError);
  });

  it('creates a new log in the live log dir holding the fewest partitions (Kafka\'s nextLogDirs), counting the logs loaded at start', async () => {
    const m = manager();
    await m.startup();
    m.getOrCreateLog({ topic: 'a', partition: 0 });
    m.getOrCreateLog({ topic: 'b', partition: 0 });
    m.asyncDelete({ topic: 'b', partition: 0 });
    expect(m.getOrCreateLog({ topic: 'c', partition: 0 }).dir, 'd2 holds none').to.equal(path.join(dirs[1]!, 'c-0'));
    await m.shutdown();
    fs.mkdirSync(path.join(root, 'd1', 'e-0'), { recursive: true });
    const again = manager();
    await again.startup();
    expect(again.getOrCreateLog({ topic: 'f', partition: 0 }).dir, 'd1 holds a-0 and e-0').to.equal(path.join(dirs[1]!, 'f-0'));
    expect(again.getOrCreateLog({ topic: 'g', partition: 0 }).dir, 'a tie goes to the first dir').to.equal(path.join(dirs[0]!, 'g-0'));
    await again.shutdown();
  });

  it('creates <topic>-<partition> dirs across log.dirs and writes checkpoints and the clean-shutdown marker on shutdown', async () => {
    const m = manager();
    await m.startup();
    const a = m.getOrCreateLog({ topic: 'a', partition: 0 });
    const b = m.getOrCreateLog({ topic: 'b', partition: 1 });
    expect(a.dir).to.equal(path.join(dirs[0]!, 'a-0'));
    expect(b.dir).to.equal(path.join(dirs[1]!, 'b-1'));
    for (let i = 0; i < 5; i++) a.appendAsLeader(batch(2), 0);
    a.updateHighWatermark(10n);
    a.maybeIncrementLogStartOffset(4n);
    await m.shutdown();
    expect(fs.existsSync(path.join(dirs[0]!, '.kafka_cleanshutdown'))).to.equal(true);
    expect(fs.readFileSync(path.join(dirs[0]!, 'recovery-point-offset-checkpoint'), 'utf8')).to.equal('0\n1\na 0 10\n');
    expect(fs.readFileSync(path.join(dirs[0]!, 'replication-offset-checkpoint'), 'utf8')).to.equal('0\n1\na 0 10\n');
    expect(fs.readFileSync(path.join(dirs[0]!, 'log-start-offset-checkpoint'), 'utf8')).to.equal('0\n1\na 0 4\n');
    expect(fs.readFileSync(path.join(dirs[1]!, 'recovery-point-offset-checkpoint'), 'utf8')).to.equal('0\n1\nb 1 0\n');

    const again = manager();
    await again.startup();
    expect(fs.existsSync(path.join(dirs[0]!, '.kafka_cleanshutdown'))).to.equal(false);
    const a2 = again.getLog({ topic: 'a', partition: 0 })!;
    expect([a2.logStartOffset, a2.logEndOffset, a2.highWatermark]).to.deep.equal([4n, 10n, 10n]);
    expect(again.getLog({ topic: 'b', partition: 1 })!.logEndOffset).to.equal(0n);
    await again.shutdown();
  });

  it('recovers logs after an unclean shutdown (no marker) from the recovery point', async () => {
    const m = manager();
    await m.startup();
    const a = m.getOrCreateLog({ topic: 'a', partition: 0 });
    for (let i = 0; i < 5; i++) a.appendAsLeader(batch(2), 0);
    const file = a.activeSegment.logFile;
    a.closeHandlers(); // crash
    fs.truncateSync(file, fs.statSync(file).size - 3);
    const again = manager();
    await again.startup();
    expect(again.getLog({ topic: 'a', partition: 0 })!.logEndOffset).to.equal(8n);
    await again.shutdown();
  });

  it('deletes a partition by renaming it to <topic>-<partition>.<uniqueId>-delete, then removing it', async () => {
    const m = manager({ defaultConfig: { 'file.delete.delay.ms': 60_000 } });
    await m.startup();
    m.getOrCreateLog({ topic: 'gone', partition: 2 }).appendAsLeader(batch(1), 0);
    const renamed = m.asyncDelete({ topic: 'gone', partition: 2 })!;
    expect(path.basename(renamed)).to.match(/^gone-2\.[0-9a-f]{32}-delete$/);
    expect(fs.existsSync(renamed)).to.equal(true);
    expect(fs.existsSync(path.join(dirs[0]!, 'gone-2'))).to.equal(false);
    expect(m.getLog({ topic: 'gone', partition: 2 })).to.equal(undefined);
    await m.shutdown();
    expect(fs.existsSync(renamed)).to.equal(false);
  });

  it('runs retention over every log with the topic config', async () => {
    const m = manager({ topicConfig: (t) => (t === 'short' ? { 'retention.ms': 1000, 'segment.bytes': 200 } : { 'segment.bytes': 200 }) });
    await m.startup();
    const short = m.getOrCreateLog({ topic: 'short', partition: 0 });
    const long = m.getOrCreateLog({ topic: 'long', partition: 0 });
    for (let i = 0; i < 10; i++) {
      short.appendAsLeader(batch(1, { ts: clock.milliseconds() }), 0);
      long.appendAsLeader(batch(1, { ts: clock.milliseconds() }), 0);
    }
    short.updateHighWatermark(short.logEndOffset);
    long.updateHighWatermark(long.logEndOffset);
    clock.advance(5000);
    expect(m.cleanupLogs()).to.be.greaterThan(0);
    expect(short.logStartOffset).to.equal(10n);
    expect(long.logStartOffset).to.equal(0n);
    await m.shutdown();
  });

  it('runs retention from its scheduled task on the clock every log.retention.check.interval.ms, and deletes a dropped partition after file.delete.delay.ms', async () => {
    const m = manager({ retentionCheckIntervalMs: 30_000, topicConfig: () => ({ 'retention.ms': 1000, 'segment.bytes': 200, 'file.delete.delay.ms': 10_000 }) });
    await m.startup();
    const log = m.getOrCreateLog({ topic: 'old', partition: 0 });
    for (let i = 0; i < 10; i++) log.appendAsLeader(batch(1, { ts: clock.milliseconds() }), 0);
    log.updateHighWatermark(log.logEndOffset);
    clock.advance(29_999);
    expect(log.logStartOffset).to.equal(0n);
    clock.advance(1);
    expect(log.logStartOffset).to.equal(10n);
    const renamed = m.asyncDelete({ topic: 'old', partition: 0 })!;
    clock.advance(9_999);
    expect(fs.existsSync(renamed)).to.equal(true);
    clock.advance(1);
    expect(fs.existsSync(renamed)).to.equal(false);
    await m.shutdown();
  });

  it('forgets idempotent producers unused for producer.id.expiration.ms from its scheduled check, but not one in a transaction', async () => {
    const m = manager({ producerIdExpirationMs: 60_000, producerIdExpirationCheckIntervalMs: 10_000 });
    await m.startup();
    const log = m.getOrCreateLog({ topic: 'p', partition: 0 });
    const now = BigInt(clock.milliseconds());
    log.appendAsLeader(buildRecordBatch([{ key: null, value: Buffer.from('a'), timestamp: now }], { producerId: 5n, producerEpoch: 0, baseSequence: 0 }), 0);
    log.appendAsLeader(buildRecordBatch([{ key: null, value: Buffer.from('b'), timestamp: now }], { producerId: 6n, producerEpoch: 0, baseSequence: 0, isTransactional: true }), 0);
    clock.advance(50_000);
    expect([...log.producerStateManager.activeProducers.keys()]).to.deep.equal([5n, 6n]);
    clock.advance(10_000);
    expect([...log.producerStateManager.activeProducers.keys()]).to.deep.equal([6n]);
    await m.shutdown();
  });

  it('compacts logs with cleanup.policy=compact and records the cleaner-offset-checkpoint', async () => {
    const m = manager({ topicConfig: () => ({ 'cleanup.policy': 'compact', 'segment.bytes': 300 }) });
    await m.startup();
    const log = m.getOrCreateLog({ topic: 'cmp', partition: 0 });
    for (let i = 0; i < 20; i++) log.appendAsLeader(batch(1, { keys: ['same'], values: [`v${i}`] }), 0);
    log.updateHighWatermark(log.logEndOffset);
    const before = log.size();
    expect(await m.cleanLogs()).to.equal(1);
    expect(log.size()).to.be.lessThan(before);
    const text = fs.readFileSync(path.join(dirs[0]!, 'cleaner-offset-checkpoint'), 'utf8');
    expect(text).to.equal(`0\n1\ncmp 0 ${log.activeSegment.baseOffset}\n`);
    await m.shutdown();
  });

  it('cleans log.cleaner.threads logs at once and takes a new thread count at runtime (LogCleaner.reconfigure)', async () => {
    const m = manager({ topicConfig: () => ({ 'cleanup.policy': 'compact', 'segment.bytes': 64 * 1024 }) });
    await m.startup();
    const logs = ['c0', 'c1', 'c2'].map((topic) => m.getOrCreateLog({ topic, partition: 0 }));
    for (const log of logs) {
      // ~3 MiB of one key per log: every cleaner round yields to the event loop several times.
      for (let i = 0; i < 48; i++) log.appendAsLeader(batch(16, { keys: Array(16).fill('k'), size: 4000 }), 0);
      log.updateHighWatermark(log.logEndOffset);
    }
    const pass = async (): Promise<{ cleaned: number; maxAtOnce: number }> => {
      let maxAtOnce = 0;
      let done = false;
      const p = m.cleanLogs().then((n) => {
        done = true;
        return n;
      });
      while (!done) {
        maxAtOnce = Math.max(maxAtOnce, m.cleaningInProgress.size);
        await new Promise((r) => setImmediate(r));
      }
      return { cleaned: await p, maxAtOnce };
    };
    expect(await pass()).to.deep.equal({ cleaned: 3, maxAtOnce: 1 });
    for (const log of logs) {
      for (let i = 0; i < 48; i++) log.appendAsLeader(batch(16, { keys: Array(16).fill('k'), size: 4000 }), 0);
      log.updateHighWatermark(log.logEndOffset);
    }
    m.reconfigureCleaner(2);
    expect(m.cleanerThreadCount).to.equal(2);
    expect(await pass()).to.deep.equal({ cleaned: 3, maxAtOnce: 2 });
    await m.shutdown();
  });

  it('deletes leftover -delete directories at start-up', async () => {
    fs.mkdirSync(path.join(dirs[0]!, 'old-0.0123456789abcdef0123456789abcdef-delete'), { recursive: true });
    const m = manager();
    await m.startup();
    await m.shutdown();
    expect(fs.existsSync(path.join(dirs[0]!, 'old-0.0123456789abcdef0123456789abcdef-delete'))).to.equal(false);
  });
});
