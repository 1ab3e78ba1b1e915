import { expect } from 'chai';
import { MemoryPool } from '../../lib/utils/memory-pool.js';

describe('MemoryPool', () => {
  it('allocates while memory is available and refuses past it', () => {
    const pool = new MemoryPool(100);
    expect(pool.tryAllocate(60)).to.equal(true);
    expect(pool.tryAllocate(50)).to.equal(false);
    expect(pool.tryAllocate(40)).to.equal(true);
    expect(pool.availableMemory).to.equal(0);
    expect(pool.usedMemory).to.equal(100);
    expect(pool.isOutOfMemory).to.equal(true);
    pool.release(60);
    expect(pool.availableMemory).to.equal(60);
    expect(pool.tryAllocate(50)).to.equal(true);
  });

  it('gives released memory to waiters in arrival order, skipping those it cannot serve yet', () => {
    const pool = new MemoryPool(100);
    expect(pool.tryAllocate(90)).to.equal(true);
    const granted: string[] = [];
    pool.allocateWhenAvailable(80, () => granted.push('big'));
    pool.allocateWhenAvailable(30, () => granted.push('small'));
    pool.allocateWhenAvailable(20, () => granted.push('smaller'));
    expect(pool.waiters).to.equal(3);
    pool.release(40); // 50 free: not enough for the 80, enough for 30 and then 20
    expect(granted).to.deep.equal(['small', 'smaller']);
    expect(pool.usedMemory).to.equal(100);
    pool.release(50);
    pool.release(20); // 70 free
    expect(granted).to.deep.equal(['small', 'smaller']);
    pool.release(30);
    expect(granted).to.deep.equal(['small', 'smaller', 'big']);
    expect(pool.usedMemory).to.equal(80);
    expect(pool.waiters).to.equal(0);
  });

  it('serves a request larger than the whole pool only when nothing else is allocated', () => {
    const pool = new MemoryPool(100);
    expect(pool.tryAllocate(10)).to.equal(true);
    expect(pool.tryAllocate(150)).to.equal(false);
    let granted = false;
    pool.allocateWhenAvailable(150, () => (granted = true));
    pool.release(10);
    expect(granted).to.equal(true);
    expect(pool.availableMemory).to.equal(-50);
    expect(pool.tryAllocate(1)).to.equal(false);
  });

  it('forgets a cancelled waiter', () => {
    const pool = new MemoryPool(10);
    pool.tryAllocate(10);
    let granted = false;
    const cancel = pool.allocateWhenAvailable(5, () => (granted = true));
    cancel();
    pool.release(10);
    expect(granted).to.equal(false);
    expect(pool.usedMemory).to.equal(0);
  });

  it('never refuses when unbounded, and still counts what is in use', () => {
    const pool = MemoryPool.unbounded();
    expect(pool.tryAllocate(2 ** 40)).to.equal(true);
    expect(pool.usedMemory).to.equal(2 ** 40);
    expect(pool.isOutOfMemory).to.equal(false);
    pool.release(2 ** 40);
    expect(pool.usedMemory).to.equal(0);
  });
});
