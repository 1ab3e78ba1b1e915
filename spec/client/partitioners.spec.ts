import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { md5KeyHash, md5Partition, Md5Partitioner } from '../../lib/client/partitioners.js';

const meta = (n: number, down: number[] = []): Array<{ partitionId: number; leader: number }> =>
  Array.from({ length: n }, (_, partitionId) => ({ partitionId, leader: down.includes(partitionId) ? -1 : 1 }));

describe('Md5Partitioner', () => {
  it('hashes a key to the first 4 bytes of its MD5 digest as an unsigned big-endian integer', () => {
    // md5("hello") = 5d41402abc4b2a76b9719d911017c592
    expect(md5KeyHash('hello')).to.equal(0x5d41402a);
    expect(md5Partition('hello', 5)).to.equal(0x5d41402a % 5);
    // md5("") = d41d8cd98f00b204e9800998ecf8427e: above 2^31, stays positive
    expect(md5KeyHash(Buffer.alloc(0))).to.equal(0xd41d8cd9);
    expect(md5Partition('', 7)).to.equal(0xd41d8cd9 % 7);
  });

  it('puts every message with one key in the same partition, string and Buffer keys alike', () => {
    const partition = Md5Partitioner();
    const other = Md5Partitioner();
    for (let i = 0; i < 200; i++) {
      const key = `user-${i}`;
      const expected = createHash('md5').update(key).digest().readUInt32BE(0) % 12;
      expect(partition({ topic: 't', partitionMetadata: meta(12), message: { key } })).to.equal(expected);
      expect(partition({ topic: 't', partitionMetadata: meta(12), message: { key: Buffer.from(key) } })).to.equal(expected);
      expect(other({ topic: 'u', partitionMetadata: meta(12, [expected]), message: { key } })).to.equal(expected); // even when its leader is down
    }
  });

  it('spreads keys over all partitions', () => {
    const partition = Md5Partitioner();
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 8000; i++) counts[partition({ topic: 't', partitionMetadata: meta(8), message: { key: `k${i}` } })]!++;
    for (const c of counts) expect(c).to.be.within(800, 1200);
  });

  it('keeps an explicit partition', () => {
    expect(Md5Partitioner()({ topic: 't', partitionMetadata: meta(4), message: { key: 'x', partition: 3 } })).to.equal(3);
  });

  it('sends keyless messages round robin over partitions that have a leader', () => {
    const partition = Md5Partitioner();
    const got = Array.from({ length: 6 }, () => partition({ topic: 't', partitionMetadata: meta(4, [1]), message: { key: null } }));
    expect(got).to.deep.equal([0, 2, 3, 0, 2, 3]);
    const none = Array.from({ length: 3 }, () => partition({ topic: 'dark', partitionMetadata: meta(3, [0, 1, 2]), message: {} }));
    expect(none).to.deep.equal([0, 1, 2]);
  });

  it('rejects a non-positive partition count', () => {
    expect(() => md5Partition('k', 0)).to.throw(RangeError);
  });
});
