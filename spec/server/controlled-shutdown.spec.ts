import { expect } from 'chai';
import { pino } from 'pino';
import { controlledShutdown } from '../../lib/server/controlled-shutdown.js';
import { MetadataCache } from '../../lib/server/metadata-cache.js';
import { MockTime } from '../../lib/common/time.js';
import { setRootLogger } from '../../lib/utils/logger.js';

setRootLogger(pino({ level: process.env.KAFKATS_LOG_LEVEL ?? 'silent' }));

const cacheWith = (brokerIds: number[], controllerId: number): MetadataCache => {
  const cache = new MetadataCache(0);
  cache.updateMetadata({
    controllerId, isKRaftController: false, type: 0, controllerEpoch: 1, brokerEpoch: -1n, ungroupedPartitionStates: [], topicStates: [],
    liveBrokers: brokerIds.map((id) => ({ id, v0Host: '127.0.0.1', v0Port: 1, rack: null, endpoints: [{ port: 1, host: '127.0.0.1', listener: 'PLAINTEXT', securityProtocol: 0 }] })),
  });
  return cache;
};
const opts = { brokerId: 0, brokerEpoch: 1n, interBrokerListener: 'PLAINTEXT', maxRetries: 3, retryBackoffMs: 5000, requestTimeoutMs: 1000 };

describe('controlledShutdown (the broker side)', () => {
  it('skips the controlled shutdown when no other broker is alive: leadership has nowhere to move', async () => {
    const time = new MockTime();
    const started = time.milliseconds();
    expect(await controlledShutdown(cacheWith([0], 0), opts, time)).to.equal(false);
    expect(time.milliseconds()).to.equal(started); // no backoff waited
  });

  it('retries with controlled.shutdown.retry.backoff.ms on the injected clock when the controller cannot be reached', async () => {
    const time = new MockTime();
    const started = time.milliseconds();
    // Broker 1 is the controller at an address where nothing listens.
    expect(await controlledShutdown(cacheWith([0, 1], 1), opts, time)).to.equal(false);
    expect(time.milliseconds() - started).to.equal(2 * opts.retryBackoffMs);
  });
});
