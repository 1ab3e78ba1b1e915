import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { FetchIsolation, Log } from '../../lib/log/log.js';
import { batchesIn, iterateRecords } from '../../lib/record/record-batch.js';
import { batch, MockTime, rmrf, rng, tempDir } from './helpers.js';

const tp = { topic: 't', partition: 0 };
const CONFIG = { 'segment.bytes': 500, 'index.interval.bytes': 150, 'segment.index.bytes': 4096, 'file.delete.delay.ms': 0 };

interface Expected {
  /** Offsets of every record, in order. */
  offsets: bigint[];
  /** Values by offset. */
  values: Map<bigint, string>;
}

function readAll(log: Log): Expected {
  const offsets: bigint[] = [];
  const values = new Map<bigint, string>();
  let next = log.logStartOffset;
  while (next < log.logEndOffset) {
    const data = log.read(next, 1 << 20, FetchIsolation.LOG_END, false).records;
    expect(data.length, `read at ${next}`).to.be.greaterThan(0);
    for (const b of batchesIn(data)) {
      for (const r of iterateRecords(data.subarray(b.position, b.position + b.size))) {
        if (r.offset < next) continue;
        offsets.push(r.offset);
        values.set(r.offset, r.value!.toString());
        next = r.offset + 1n;
      }
    }
  }
  return { offsets, values };
}

describe('Log recovery after a crash', function () {
  this.timeout(30_000);
  let root: string;
  let dir: string;
  let pristine: string;
  let clock: MockTime;
  let recoveryPoint: bigint;
  /** Positions (in the last segment) where each of its batches starts, plus its size. */
  let lastBatches: { position: number; size: number; lastOffset: bigint }[];
  let lastSegmentFile: string;
  let lastSegmentBase: bigint;
  let all: Expected;

  before(async () => {
    root = tempDir();
    dir = path.join(root, 't-0');
    pristine = path.join(root, 'pristine');
    clock = new MockTime();
    const log = Log.load({ dir, topicPartition: tp, config: CONFIG, clock });
    for (let i = 0; i < 60; i++) log.appendAsLeader(batch(1 + (i % 2), { values: [`a${i}`, `b${i}`], ts: 1000 + i }), 1 + Math.floor(i / 20));
    await log.pendingFlushesSettled(); // the background flush after each roll
    expect(log.numberOfSegments).to.be.greaterThan(5);
    all = readAll(log);
    recoveryPoint = log.recoveryPoint;
    expect(recoveryPoint > 0n, `recovery point ${recoveryPoint}`).to.equal(true);
    const active = log.activeSegment;
    lastSegmentFile = active.logFile;
    lastSegmentBase = BigInt(active.baseOffset);
    lastBatches = [...active.batchPositions()].map((b) => ({ position: b.position, size: b.size, lastOffset: BigInt(b.lastOffset) }));
    expect(lastBatches.length).to.be.greaterThan(3);
    log.closeHandlers(); // crash: no flush, indexes left preallocated
    fs.cpSync(dir, pristine, { recursive: true });
  });
  after(() => rmrf(root));

  const restore = (): void => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.cpSync(pristine, dir, { recursive: true });
  };
  const reopen = (hadCleanShutdown = false): Log => Log.load({ dir, topicPartition: tp, config: CONFIG, clock, recoveryPoint, hadCleanShutdown });

  /** The log end offset the valid prefix of the last segment's first `bytes` bytes gives. */
  const expectedEnd = (bytes: number): bigint => {
    let end = lastSegmentBase;
    for (const b of lastBatches) if (b.position + b.size <= bytes) end = b.lastOffset + 1n;
    return end;
  };

  const checkPrefix = (log: Log, end: bigint): void => {
    expect(log.logEndOffset).to.equal(end);
    const got = readAll(log);
    const want = all.offsets.filter((o) => o < end);
    expect(got.offsets).to.deep.equal(want);
    for (const o of want) expect(got.values.get(o)).to.equal(all.values.get(o));
    // The rebuilt index finds every offset, and the log keeps working at its end.
    for (const s of log.logSegments()) expect(() => s.sanityCheck()).not.to.throw();
    const info = log.appendAsLeader(batch(1, { values: ['after'] }), 9);
    expect(info.firstOffset).to.equal(end);
    expect(readAll(log).values.get(end)).to.equal('after');
  };

  it('recovers exactly the valid prefix when the last segment is cut at every byte of its last batches', async function () {
    this.timeout(120_000); // ~900 full reopen cycles: 4 s alone, several times that on a loaded 2-core machine
    const from = lastBatches[lastBatches.length - 3]!.position;
    const size = fs.statSync(lastSegmentFile).size;
    for (let cut = from; cut <= size; cut++) {
      restore();
      fs.truncateSync(lastSegmentFile, cut);
      const log = reopen();
      expect(fs.statSync(lastSegmentFile).size).to.equal(lastBatches.filter((b) => b.position + b.size <= cut).reduce((n, b) => n + b.size, 0));
      checkPrefix(log, expectedEnd(cut));
      log.closeHandlers();
    }
  });

  it('truncates at the batch holding a flipped byte (CRC-covered or framing bytes) and keeps everything before it', async () => {
    const r = rng(42);
    const from = lastBatches[lastBatches.length - 4]!.position;
    const size = fs.statSync(lastSegmentFile).size;
    let checked = 0;
    while (checked < 80) {
      const pos = from + Math.floor(r() * (size - from));
      const b = lastBatches.find((x) => pos >= x.position && pos < x.position + x.size)!;
      const within = pos - b.position;
      if (within < 8 || (within >= 12 && within < 16)) continue; // baseOffset / leader epoch: not covered by the CRC
      restore();
      const fd = fs.openSync(lastSegmentFile, 'r+');
      const one = Buffer.alloc(1);
      fs.readSync(fd, one, 0, 1, pos);
      one[0] = one[0]! ^ (1 + Math.floor(r() * 255));
      fs.writeSync(fd, one, 0, 1, pos);
      fs.closeSync(fd);
      const log = reopen();
      checkPrefix(log, expectedEnd(b.position));
      log.closeHandlers();
      checked++;
    }
  });

  it('never throws on flipped bytes anywhere in the last segment or its indexes', async () => {
    const r = rng(9);
    const files = fs.readdirSync(pristine).filter((n) => n.startsWith(String(lastSegmentBase).padStart(20, '0')));
    for (let i = 0; i < 60; i++) {
      restore();
      const file = path.join(dir, files[i % files.length]!);
      const data = fs.readFileSync(file);
      if (data.length === 0) continue;
      for (let k = 0; k < 3; k++) {
        const p = Math.floor(r() * Math.min(data.length, 4096));
        data[p] = data[p]! ^ (1 + Math.floor(r() * 255));
      }
      fs.writeFileSync(file, data);
      const log = reopen();
      const got = readAll(log);
      // Whatever survives is a prefix of increasing offsets; the log still appends.
      for (let k = 1; k < got.offsets.length; k++) expect(got.offsets[k]! > got.offsets[k - 1]!).to.equal(true);
      log.appendAsLeader(batch(1), 9);
      log.closeHandlers();
    }
  });

  it('rebuilds a missing index byte for byte even after a clean shutdown', async () => {
    restore();
    const first = reopen();
    await first.close(); // clean close: indexes trimmed
    const seg = '00000000000000000000';
    const original = fs.readFileSync(path.join(dir, `${seg}.index`));
    const originalTime = fs.readFileSync(path.join(dir, `${seg}.timeindex`));
    expect(original.length).to.be.greaterThan(0);
    fs.rmSync(path.join(dir, `${seg}.index`));
    fs.rmSync(path.join(dir, `${seg}.timeindex`));
    const log = reopen(true);
    expect(fs.readFileSync(path.join(dir, `${seg}.index`)).equals(original)).to.equal(true);
    expect(fs.readFileSync(path.join(dir, `${seg}.timeindex`)).equals(originalTime)).to.equal(true);
    expect(readAll(log).offsets).to.deep.equal(all.offsets);
    await log.close();
  });

  it('rebuilds a corrupt index (garbage after its entries) after a clean shutdown', async () => {
    restore();
    const first = reopen();
    await first.close();
    const file = path.join(dir, '00000000000000000000.index');
    const original = fs.readFileSync(file);
    fs.appendFileSync(file, Buffer.from('7fffffff7fffffff', 'hex'));
    const log = reopen(true);
    expect(fs.readFileSync(file).equals(original)).to.equal(true);
    expect(readAll(log).offsets).to.deep.equal(all.offsets);
    await log.close();
  });

  it('drops the segments after a corrupt one and deletes leftover .deleted and .cleaned files', async () => {
    restore();
    const names = fs.readdirSync(dir).filter((n) => n.endsWith('.log')).sort();
    const middle = path.join(dir, names[2]!);
    const middleBase = BigInt(names[2]!.slice(0, 20));
    const data = fs.readFileSync(middle);
    data[data.length - 5] = data[data.length - 5]! ^ 0xff; // corrupt the middle segment's last batch
    fs.writeFileSync(middle, data);
    fs.writeFileSync(path.join(dir, '00000000000000000000.log.deleted'), 'x');
    fs.writeFileSync(path.join(dir, '00000000000000000000.log.cleaned'), 'x');
    const log = Log.load({ dir, topicPartition: tp, config: CONFIG, clock, recoveryPoint: 0n, hadCleanShutdown: false });
    expect(log.numberOfSegments).to.equal(3);
    expect(log.logEndOffset > middleBase, `log end ${log.logEndOffset}`).to.equal(true);
    expect(readAll(log).offsets).to.deep.equal(all.offsets.filter((o) => o < log.logEndOffset));
    expect(fs.readdirSync(dir).some((n) => n.endsWith('.deleted') || n.endsWith('.cleaned'))).to.equal(false);
    await log.close();
  });
});
