import { expect } from 'chai';
import { pino } from 'pino';
import { setRootLogger } from '../../lib/utils/logger.js';
import { MockTime } from '../../lib/common/time.js';
import { SampledRate } from '../../lib/common/sampled-rate.js';
import { ReplicationQuotaManager } from '../../lib/replication/replication-quota-manager.js';

if (process.env.KAFKATS_LOG_LEVEL === undefined) setRootLogger(pino({ level: 'silent' }));

describe('SampledRate (Kafka’s Rate over a SampledStat)', () => {
  it('divides by at least samples − 1 windows, so an early burst is not measured as an enormous rate', () => {
    const time = new MockTime();
    const rate = new SampledRate({ samples: 11, timeWindowMs: 1000 }, time);
    rate.record(1000);
    expect(rate.measure()).to.equal(100); // 1000 bytes over the 10 s minimum
    time.advance(20_000);
    expect(rate.measure(), 'windows older than samples × window expire').to.equal(0);
  });

  it('measures the sum of the live windows over the time they span', () => {
    const time = new MockTime();
    const rate = new SampledRate({ samples: 2, timeWindowMs: 1000 }, time);
    rate.record(500);
    time.advance(1000);
    rate.record(500);
    time.advance(500);
    expect(rate.measure()).to.be.closeTo(1000 / 1.5, 0.001);
  });
});

describe('ReplicationQuotaManager', () => {
  it('throttles the partitions a topic lists for this broker, or all with *', () => {
    const q = new ReplicationQuotaManager('LeaderReplication', { samples: 11, timeWindowMs: 1000 }, new MockTime());
    q.updateThrottledList('t', ['0:1', '1:2', '3:1'], 1);
    expect([0, 1, 2, 3].map((partition) => q.isThrottled({ topic: 't', partition }))).to.deep.equal([true, false, false, true]);
    q.updateThrottledList('u', ['*'], 1);
    expect(q.isThrottled({ topic: 'u', partition: 7 })).to.equal(true);
    q.updateThrottledList('t', [], 1);
    expect(q.isThrottled({ topic: 't', partition: 0 })).to.equal(false);
  });

  it('is exceeded only while the measured rate is above the bound; no bound means never', () => {
    const time = new MockTime();
    const q = new ReplicationQuotaManager('FollowerReplication', { samples: 2, timeWindowMs: 1000 }, time);
    q.record(5_000_000);
    expect(q.isQuotaExceeded(), 'unlimited').to.equal(false);
    q.updateQuota(1_000_000);
    expect(q.isQuotaExceeded()).to.equal(true);
    time.advance(3000);
    expect(q.isQuotaExceeded(), 'the burst has left the window').to.equal(false);
    q.record(900_000);
    expect(q.isQuotaExceeded()).to.equal(false);
  });
});
