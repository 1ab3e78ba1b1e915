import { expect } from 'chai';
import { MockTime } from '../../../lib/common/time.js';
import {
  groupMetadataKey, groupMetadataValue, offsetCommitKey, offsetCommitValue, partitionForGroup,
  readGroupMessageValue, readMessageKey, readOffsetMessageValue,
} from '../../../lib/coordinator/group/group-metadata-records.js';
import { javaStringHashCode } from '../../../lib/utils/java-hash.js';
import { GroupMetadata } from '../../../lib/coordinator/group/group-metadata.js';
import { GroupState } from '../../../lib/coordinator/group/group-state.js';
import { MemberMetadata } from '../../../lib/coordinator/group/member-metadata.js';

/** Big-endian builders for the hand-written expectations. */
const i16 = (n: number): Buffer => { const b = Buffer.alloc(2); b.writeInt16BE(n); return b; };
const i32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };
const i64 = (n: bigint): Buffer => { const b = Buffer.alloc(8); b.writeBigInt64BE(n); return b; };
const str = (s: string | null): Buffer => (s === null ? i16(-1) : Buffer.concat([i16(Buffer.byteLength(s)), Buffer.from(s)]));
const bytes = (b: Buffer): Buffer => Buffer.concat([i32(b.length), b]);

describe('__consumer_offsets record formats', () => {
  it('writes OffsetCommitKey as version 1: group, topic, partition', () => {
    expect(offsetCommitKey('grp', { topic: 'orders', partition: 7 })).to.deep.equal(Buffer.concat([i16(1), str('grp'), str('orders'), i32(7)]));
  });

  it('writes GroupMetadataKey as version 2: group', () => {
    expect(groupMetadataKey('grp')).to.deep.equal(Buffer.concat([i16(2), str('grp')]));
  });

  it('writes OffsetCommitValue as v3 (offset, leaderEpoch, metadata, commitTimestamp)', () => {
    const v = offsetCommitValue({ offset: 42n, leaderEpoch: 5, metadata: 'm', commitTimestamp: 1_700_000_000_123, expireTimestamp: null });
    expect(v).to.deep.equal(Buffer.concat([i16(3), i64(42n), i32(5), str('m'), i64(1_700_000_000_123n)]));
  });

  it('writes OffsetCommitValue as v1 (offset, metadata, commit, expire) when an expire timestamp is set', () => {
    const v = offsetCommitValue({ offset: -5n, leaderEpoch: 5, metadata: '', commitTimestamp: 1000, expireTimestamp: 9000 });
    expect(v).to.deep.equal(Buffer.concat([i16(1), i64(-5n), str(''), i64(1000n), i64(9000n)]));
    expect(readOffsetMessageValue(v)).to.deep.equal({ offset: -5n, leaderEpoch: -1, metadata: '', commitTimestamp: 1000, expireTimestamp: 9000 });
  });

  it('writes GroupMetadataValue as v3 with every member field', () => {
    const time = new MockTime(5000);
    const group = new GroupMetadata('grp', GroupState.Empty, time);
    const m = new MemberMetadata('m-1', 'inst', 'cid', '/10.0.0.1', 30000, 10000, 'consumer', [{ name: 'range', metadata: Buffer.from([1, 2]) }]);
    group.add(m);
    group.transitionTo(GroupState.PreparingRebalance);
    group.initNextGeneration(); // generation 1, protocol range, CompletingRebalance at t=5000
    const v = groupMetadataValue(group, new Map([['m-1', Buffer.from([9])]]));
    expect(v).to.deep.equal(Buffer.concat([
      i16(3), str('consumer'), i32(1), str('range'), str('m-1'), i64(5000n), i32(1),
      str('m-1'), str('inst'), str('cid'), str('/10.0.0.1'), i32(30000), i32(10000), bytes(Buffer.from([1, 2])), bytes(Buffer.from([9])),
    ]));
    const loaded = readGroupMessageValue('grp', v, time)!;
    expect(loaded.currentState).to.equal(GroupState.Stable);
    expect(loaded.generationId).to.equal(1);
    expect(loaded.protocolName).to.equal('range');
    expect(loaded.leaderOrNull()).to.equal('m-1');
    expect(loaded.currentStateTimestamp).to.equal(5000);
    const lm = loaded.get('m-1');
    expect([lm.groupInstanceId, lm.clientId, lm.clientHost, lm.rebalanceTimeoutMs, lm.sessionTimeoutMs]).to.deep.equal(['inst', 'cid', '/10.0.0.1', 30000, 10000]);
    expect(lm.assignment).to.deep.equal(Buffer.from([9]));
    expect(lm.metadata('range')).to.deep.equal(Buffer.from([1, 2]));
  });

  it('writes an empty group with a null protocol and leader', () => {
    const group = new GroupMetadata('grp', GroupState.Empty, new MockTime(7));
    expect(groupMetadataValue(group, new Map())).to.deep.equal(Buffer.concat([i16(3), str(''), i32(0), str(null), str(null), i64(7n), i32(0)]));
    expect(readGroupMessageValue('grp', groupMetadataValue(group, new Map()), new MockTime())!.currentState).to.equal(GroupState.Empty);
  });

  it('reads older versions: key v0, OffsetCommitValue v0, GroupMetadataValue v0 (rebalance timeout = session timeout)', () => {
    expect(readMessageKey(Buffer.concat([i16(0), str('g'), str('t'), i32(1)]))).to.deep.equal({ type: 'offset', version: 0, groupId: 'g', topicPartition: { topic: 't', partition: 1 } });
    expect(readOffsetMessageValue(Buffer.concat([i16(0), i64(10n), str('x'), i64(99n)])))
      .to.deep.equal({ offset: 10n, leaderEpoch: -1, metadata: 'x', commitTimestamp: 99, expireTimestamp: null });
    const v0 = Buffer.concat([i16(0), str('consumer'), i32(3), str('range'), str('m'), i32(1),
      str('m'), str('c'), str('/h'), i32(6000), bytes(Buffer.from([1])), bytes(Buffer.from([2]))]);
    const g = readGroupMessageValue('g', v0, new MockTime())!;
    expect(g.get('m').rebalanceTimeoutMs).to.equal(6000);
    expect(g.currentStateTimestamp).to.equal(null);
  });

  it('treats null values as tombstones and key versions above 2 as unknown', () => {
    expect(readOffsetMessageValue(null)).to.equal(null);
    expect(readGroupMessageValue('g', null, new MockTime())).to.equal(null);
    expect(readMessageKey(Buffer.concat([i16(3), str('x')]))).to.deep.equal({ type: 'unknown', version: 3 });
  });

  it('places groups as Kafka does: abs(String.hashCode) % partitions, with Integer.MIN_VALUE → 0', () => {
    expect(javaStringHashCode('')).to.equal(0);
    expect(javaStringHashCode('hello')).to.equal(99162322);
    expect(javaStringHashCode('Aa')).to.equal(javaStringHashCode('BB'));
    expect(javaStringHashCode('polygenelubricants')).to.equal(-2147483648);
    expect(partitionForGroup('polygenelubricants', 50)).to.equal(0);
    expect(javaStringHashCode('a-very-long-group-name-that-wraps-around')).to.equal(javaHash('a-very-long-group-name-that-wraps-around'));
    expect(partitionForGroup('my-group', 50)).to.equal(Math.abs(javaHash('my-group')) % 50);
  });
});

/** An independent reference: String.hashCode with BigInt arithmetic. */
function javaHash(s: string): number {
  let h = 0n;
  for (const ch of s) h = (h * 31n + BigInt(ch.charCodeAt(0))) & 0xffffffffn;
  return Number(BigInt.asIntN(32, h));
}
