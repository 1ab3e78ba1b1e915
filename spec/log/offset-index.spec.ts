import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { OffsetIndex } from '../../lib/log/offset-index.js';
import { TimeIndex } from '../../lib/log/time-index.js';
import { CorruptIndexError, InvalidOffsetError } from '../../lib/log/errors.js';
import { rmrf, tempDir } from './helpers.js';

describe('OffsetIndex', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => rmrf(dir));

  it('preallocates segment.index.bytes rounded down to whole 8-byte entries and trims on close', () => {
    const file = path.join(dir, '00000000000000000100.index');
    const idx = new OffsetIndex(file, 100, 1003);
    expect(fs.statSync(file).size).to.equal(1000);
    expect(idx.maxEntries).to.equal(125);
    idx.append(105, 4200);
    idx.append(130, 9000);
    idx.close();
    const bytes = fs.readFileSync(file);
    expect(bytes.toString('hex')).to.equal('00000005' + '00001068' + '0000001e' + '00002328');
  });

  it('finds the largest entry at or below a target and falls back to (base, 0)', () => {
    const idx = new OffsetIndex(path.join(dir, 'a.index'), 1000, 8 * 100);
    for (let i = 1; i <= 50; i++) idx.append(1000 + i * 10, i * 4096);
    expect(idx.lookup(999)).to.deep.equal({ offset: 1000, position: 0 });
    expect(idx.lookup(1005)).to.deep.equal({ offset: 1000, position: 0 });
    expect(idx.lookup(1010)).to.deep.equal({ offset: 1010, position: 4096 });
    expect(idx.lookup(1259)).to.deep.equal({ offset: 1250, position: 25 * 4096 });
    expect(idx.lookup(99999)).to.deep.equal({ offset: 1500, position: 50 * 4096 });
    idx.close();
  });

  it('rejects offsets that do not increase and appends to a full index', () => {
    const idx = new OffsetIndex(path.join(dir, 'b.index'), 0, 16);
    idx.append(1, 10);
    expect(() => idx.append(1, 20)).to.throw(InvalidOffsetError);
    idx.append(2, 20);
    expect(idx.isFull()).to.equal(true);
    expect(() => idx.append(3, 30)).to.throw(InvalidOffsetError);
    idx.close();
  });

  it('truncates entries at and after an offset', () => {
    const idx = new OffsetIndex(path.join(dir, 'c.index'), 0, 800);
    for (let i = 1; i <= 10; i++) idx.append(i * 10, i * 100);
    idx.truncateTo(50);
    expect(idx.entries).to.equal(4);
    expect(idx.lastOffset).to.equal(40);
    idx.truncateTo(45);
    expect(idx.entries).to.equal(4);
    idx.close();
  });

  it('reopens an untrimmed (crashed) index with its valid entries and a clean tail', () => {
    const file = path.join(dir, 'd.index');
    const idx = new OffsetIndex(file, 0, 800);
    idx.append(3, 100);
    idx.append(7, 300);
    idx.closeHandler();
    expect(fs.statSync(file).size).to.equal(800);
    const again = new OffsetIndex(file, 0, 800);
    expect(again.entries).to.equal(2);
    expect(() => again.sanityCheck()).not.to.throw();
    again.close();
  });

  it('reports garbage after the valid entries as corruption', () => {
    const file = path.join(dir, 'e.index');
    const idx = new OffsetIndex(file, 0, 800);
    idx.append(3, 100);
    idx.append(7, 300);
    idx.close();
    fs.appendFileSync(file, Buffer.from('0000000200000001', 'hex'));
    const again = new OffsetIndex(file, 0, 800);
    expect(() => again.sanityCheck()).to.throw(CorruptIndexError);
    again.close();
  });
});

describe('TimeIndex', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => rmrf(dir));

  it('writes 12-byte entries (int64 timestamp, int32 relative offset) only for growing timestamps', () => {
    const file = path.join(dir, '00000000000000000010.timeindex');
    const idx = new TimeIndex(file, 10, 120);
    idx.maybeAppend(1000, 12);
    idx.maybeAppend(1000, 13); // same timestamp: skipped
    idx.maybeAppend(2000, 15);
    idx.close();
    expect(fs.readFileSync(file).toString('hex')).to.equal('00000000000003e8' + '00000002' + '00000000000007d0' + '00000005');
  });

  it('keeps one slot free for the roll entry', () => {
    const idx = new TimeIndex(path.join(dir, 'f.timeindex'), 0, 36);
    idx.maybeAppend(1, 1);
    idx.maybeAppend(2, 2);
    expect(idx.isFull()).to.equal(true);
    expect(() => idx.maybeAppend(3, 3)).to.throw(InvalidOffsetError);
    idx.maybeAppend(3, 3, true);
    expect(idx.entries).to.equal(3);
    idx.close();
  });

  it('looks up the largest timestamp at or below a target and truncates by offset', () => {
    const idx = new TimeIndex(path.join(dir, 'g.timeindex'), 100, 1200);
    for (let i = 1; i <= 20; i++) idx.maybeAppend(i * 1000, 100 + i * 5);
    expect(idx.lookup(500)).to.deep.equal({ timestamp: -1, offset: 100 });
    expect(idx.lookup(7500)).to.deep.equal({ timestamp: 7000, offset: 135 });
    idx.truncateTo(135);
    expect(idx.lastEntry()).to.deep.equal({ timestamp: 6000, offset: 130 });
    idx.close();
  });
});
