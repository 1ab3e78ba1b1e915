import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { KafkaStorageError } from '../../lib/protocol/errors.js';
import { LeaderEpochCheckpointFile, OffsetCheckpointFile } from '../../lib/log/checkpoint-file.js';
import { LeaderEpochFileCache } from '../../lib/log/leader-epoch-file-cache.js';
import { TransactionIndex } from '../../lib/log/transaction-index.js';
import { CorruptIndexError } from '../../lib/log/errors.js';
import { rmrf, tempDir } from './helpers.js';

describe('checkpoint files', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => rmrf(dir));

  it('writes "version\\nsize\\nentries" and reads it back, replacing the file atomically', () => {
    const f = new OffsetCheckpointFile(path.join(dir, 'recovery-point-offset-checkpoint'));
    f.write(new Map([['my-topic-0', { tp: { topic: 'my-topic', partition: 0 }, offset: 42n }], ['x-12', { tp: { topic: 'x', partition: 12 }, offset: 7n }]]));
    expect(fs.readFileSync(f.file, 'utf8')).to.equal('0\n2\nmy-topic 0 42\nx 12 7\n');
    expect(fs.existsSync(`${f.file}.tmp`)).to.equal(false);
    expect(f.read()).to.deep.equal(new Map([['my-topic-0', 42n], ['x-12', 7n]]));
    expect(new OffsetCheckpointFile(path.join(dir, 'missing')).read().size).to.equal(0);
  });

  it('rejects malformed checkpoint files with KafkaStorageError', () => {
    const file = path.join(dir, 'bad');
    for (const text of ['1\n0\n', '0\n2\na 0 1\n', '0\n1\na zero 1\n', '0\n1\na 0 x\n']) {
      fs.writeFileSync(file, text);
      expect(() => new OffsetCheckpointFile(file).read(), text).to.throw(KafkaStorageError);
    }
  });
});

describe('LeaderEpochFileCache', () => {
  let dir: string;
  let cache: LeaderEpochFileCache;
  beforeEach(() => {
    dir = tempDir();
    cache = new LeaderEpochFileCache(new LeaderEpochCheckpointFile(path.join(dir, 'leader-epoch-checkpoint')));
  });
  afterEach(() => rmrf(dir));

  it('records new epochs only, persisting them in leader-epoch-checkpoint', () => {
    cache.assign(1, 0n);
    cache.assign(1, 5n);
    cache.assign(3, 10n);
    expect(cache.entries()).to.deep.equal([{ epoch: 1, startOffset: 0n }, { epoch: 3, startOffset: 10n }]);
    expect(fs.readFileSync(path.join(dir, 'leader-epoch-checkpoint'), 'utf8')).to.equal('0\n2\n1 0\n3 10\n');
    const reloaded = new LeaderEpochFileCache(new LeaderEpochCheckpointFile(path.join(dir, 'leader-epoch-checkpoint')));
    expect(reloaded.entries()).to.deep.equal(cache.entries());
  });

  it('answers endOffsetFor as Kafka does for latest, middle, older and unknown epochs', () => {
    cache.assign(2, 10n);
    cache.assign(4, 20n);
    cache.assign(6, 30n);
    expect(cache.endOffsetFor(6, 42n)).to.deep.equal({ epoch: 6, endOffset: 42n });
    expect(cache.endOffsetFor(4, 42n)).to.deep.equal({ epoch: 4, endOffset: 30n });
    expect(cache.endOffsetFor(5, 42n)).to.deep.equal({ epoch: 4, endOffset: 30n });
    expect(cache.endOffsetFor(1, 42n)).to.deep.equal({ epoch: 1, endOffset: 10n });
    expect(cache.endOffsetFor(7, 42n)).to.deep.equal({ epoch: -1, endOffset: -1n });
    expect(cache.endOffsetFor(-1, 42n)).to.deep.equal({ epoch: -1, endOffset: -1n });
  });

  it('truncates from the end and from the start', () => {
    cache.assign(2, 10n);
    cache.assign(4, 20n);
    cache.assign(6, 30n);
    cache.truncateFromEnd(25n);
    expect(cache.entries().map((e) => e.epoch)).to.deep.equal([2, 4]);
    cache.truncateFromStart(22n);
    expect(cache.entries()).to.deep.equal([{ epoch: 4, startOffset: 22n }]);
  });
});

describe('TransactionIndex', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => rmrf(dir));

  it('stores 34-byte AbortedTxn entries and finds those overlapping a fetch range', () => {
    const file = path.join(dir, '00000000000000000000.txnindex');
    const idx = new TransactionIndex(0, file);
    idx.append({ producerId: 7n, firstOffset: 5n, lastOffset: 10n, lastStableOffset: 11n });
    idx.append({ producerId: 8n, firstOffset: 12n, lastOffset: 20n, lastStableOffset: 21n });
    const bytes = fs.readFileSync(file);
    expect(bytes.length).to.equal(68);
    expect(bytes.subarray(0, 34).toString('hex')).to.equal('0000' + '0000000000000007' + '0000000000000005' + '000000000000000a' + '000000000000000b');
    expect(idx.collectAbortedTxns(0n, 6n).abortedTransactions.map((t) => t.producerId)).to.deep.equal([7n]);
    expect(idx.collectAbortedTxns(11n, 100n).abortedTransactions.map((t) => t.producerId)).to.deep.equal([8n]);
    idx.truncateTo(15n);
    expect(new TransactionIndex(0, file).allAbortedTxns().map((t) => t.producerId)).to.deep.equal([7n]);
  });

  it('flags a torn or wrong-version file as corrupt', () => {
    const file = path.join(dir, 'x.txnindex');
    fs.writeFileSync(file, Buffer.alloc(40));
    expect(() => new TransactionIndex(0, file).sanityCheck()).to.throw(CorruptIndexError);
  });
});
