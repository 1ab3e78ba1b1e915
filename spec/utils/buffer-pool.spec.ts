import { expect } from 'chai';
import { BufferPool, MIN_POOLED_SIZE } from '../../lib/utils/buffer-pool.js';

describe('BufferPool', () => {
  it('hands out frames of exactly the asked size and reuses a released frame\'s buffer', () => {
    const pool = new BufferPool(8 * 1024 * 1024);
    const a = pool.acquire(1_000_000);
    expect(a.length).to.equal(1_000_000);
    pool.release(a);
    expect(pool.retainedBytes).to.equal(1024 * 1024);
    const b = pool.acquire(900_000);
    expect(b.length).to.equal(900_000);
    expect(b.buffer).to.equal(a.buffer);
    expect(pool.retainedBytes).to.equal(0);
    // A frame in use is never handed out twice.
    const c = pool.acquire(900_000);
    expect(c.buffer).to.not.equal(b.buffer);
  });

  it('keeps sizes apart: a larger frame does not get a smaller buffer', () => {
    const pool = new BufferPool(8 * 1024 * 1024);
    const small = pool.acquire(100_000);
    pool.release(small);
    const big = pool.acquire(1_000_000);
    expect(big.length).to.equal(1_000_000);
    expect(big.buffer).to.not.equal(small.buffer);
  });

  it('ignores buffers it did not hand out, small frames and double releases', () => {
    const pool = new BufferPool(8 * 1024 * 1024);
    pool.release(Buffer.alloc(1_000_000));
    const small = pool.acquire(MIN_POOLED_SIZE - 1);
    pool.release(small);
    expect(pool.retainedBytes).to.equal(0);
    const f = pool.acquire(200_000);
    pool.release(f);
    pool.release(f);
    expect(pool.retainedBytes).to.equal(256 * 1024);
  });

  it('keeps at most maxRetainedBytes of free buffers; frames larger than that are never pooled', () => {
    const pool = new BufferPool(2 * 1024 * 1024);
    const frames = [pool.acquire(1_000_000), pool.acquire(1_000_000), pool.acquire(1_000_000)];
    for (const f of frames) pool.release(f);
    expect(pool.retainedBytes).to.equal(2 * 1024 * 1024);
    const huge = pool.acquire(3_000_000);
    pool.release(huge);
    expect(pool.retainedBytes).to.equal(2 * 1024 * 1024);
  });
});
