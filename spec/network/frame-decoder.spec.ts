import { expect } from 'chai';
import { FrameDecoder, InvalidFrameSizeError } from '../../lib/network/frame-decoder.js';
import { MemoryPool } from '../../lib/utils/memory-pool.js';

function frame(payload: Buffer): Buffer {
  const b = Buffer.alloc(4 + payload.length);
  b.writeInt32BE(payload.length, 0);
  payload.copy(b, 4);
  return b;
}

describe('FrameDecoder', () => {
  const payloads = [Buffer.from('a'), Buffer.alloc(0), Buffer.from('hello world'), Buffer.alloc(300, 7)];
  const stream = Buffer.concat(payloads.map(frame));

  it('returns the same frames whatever the chunk boundaries are', () => {
    for (let cut1 = 0; cut1 <= stream.length; cut1 += 1) {
      for (const cut2 of [cut1, Math.min(stream.length, cut1 + 3), Math.min(stream.length, cut1 + 17)]) {
        const d = new FrameDecoder(1000);
        const out = [...d.push(stream.subarray(0, cut1)), ...d.push(stream.subarray(cut1, cut2)), ...d.push(stream.subarray(cut2))];
        expect(out.map((b) => b.toString('hex'))).to.deep.equal(payloads.map((b) => b.toString('hex')), `cuts ${cut1},${cut2}`);
        expect(d.bufferedBytes).to.equal(0);
      }
    }
  });

  it('handles a stream fed one byte at a time', () => {
    const d = new FrameDecoder(1000);
    const out: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) out.push(...d.push(stream.subarray(i, i + 1)));
    expect(out.map((b) => b.toString('hex'))).to.deep.equal(payloads.map((b) => b.toString('hex')));
  });

  it('rejects a frame larger than the limit before allocating it', () => {
    const d = new FrameDecoder(100);
    const head = Buffer.alloc(4);
    head.writeInt32BE(2_000_000_000, 0);
    expect(() => d.push(head)).to.throw(InvalidFrameSizeError);
  });

  it('rejects a negative size, even when the prefix arrives split', () => {
    const d = new FrameDecoder(100);
    expect(d.push(Buffer.from([0xff, 0xff]))).to.deep.equal([]);
    expect(() => d.push(Buffer.from([0xff, 0xfe]))).to.throw(InvalidFrameSizeError);
  });
});

describe('FrameDecoder with a memory reservation', () => {
  it('waits, holding the bytes it has, when memory for a frame is refused, and goes on once it is granted', () => {
    const stream = Buffer.concat([frame(Buffer.from('first')), frame(Buffer.alloc(500, 1)), frame(Buffer.from('third'))]);
    const asked: number[] = [];
    let budget = 10;
    const d = new FrameDecoder(1000, Buffer.allocUnsafe, {
      tryAllocate(size) {
        asked.push(size);
        if (size > budget) return false;
        budget -= size;
        return true;
      },
      release: () => undefined,
    });
    const out = d.push(stream);
    expect(out.map((b) => b.toString())).to.deep.equal(['first']);
    expect(d.awaitingMemory).to.equal(500);
    // Further bytes wait behind the refused frame.
    expect(d.push(frame(Buffer.from('fourth')))).to.deep.equal([]);
    budget = 1000;
    const rest = d.memoryGranted();
    expect(rest.map((b) => b.length)).to.deep.equal([500, 5, 6]);
    expect(d.awaitingMemory).to.equal(-1);
    expect(asked).to.deep.equal([5, 500, 5, 6]);
  });

  it('reports the memory of a frame being assembled, and releases it on close()', () => {
    const pool = new MemoryPool(10_000);
    const d = new FrameDecoder(1000, Buffer.allocUnsafe, pool);
    d.push(frame(Buffer.alloc(800)).subarray(0, 100));
    expect(d.reservedPartialFrame).to.equal(800);
    expect(pool.usedMemory).to.equal(800);
    d.close();
    expect(pool.usedMemory).to.equal(0);
    const e = new FrameDecoder(1000, Buffer.allocUnsafe, pool);
    e.push(frame(Buffer.alloc(800)).subarray(0, 100));
    e.push(Buffer.alloc(704));
    expect(e.reservedPartialFrame).to.equal(0);
    expect(pool.usedMemory).to.equal(800); // a returned frame's memory is its receiver's
  });

  it('releases the memory of the frames before a bad size in the same chunk, which it does not return', () => {
    const pool = new MemoryPool(10_000);
    const d = new FrameDecoder(1000, Buffer.allocUnsafe, pool);
    const bad = Buffer.alloc(4);
    bad.writeInt32BE(-5, 0);
    expect(() => d.push(Buffer.concat([frame(Buffer.alloc(100)), frame(Buffer.alloc(200)), bad]))).to.throw(InvalidFrameSizeError);
    expect(pool.usedMemory).to.equal(0);
  });
});
