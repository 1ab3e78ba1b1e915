/**
 * kafkajs 2.2.4 as the tools' client: its request queue must not schedule a negative timer when
 * nothing is pending (tulios/kafkajs#1751: Node 23+ prints a TimeoutNegativeWarning on stderr of
 * every tool run, and the 1 ms re-check spins while the connection is idle, tulios/kafkajs#1704).
 */
import { expect } from 'chai';
import { createRequire } from 'node:module';
import { skipIdlePendingRequestChecks } from '../../lib/cli/kafkajs-support.js';

const require = createRequire(import.meta.url);

interface RequestQueueLike {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  scheduleCheckPendingRequests(): void;
}
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as new (options: object) => RequestQueueLike;

function timersScheduledBy(fn: () => void): number[] {
  const delays: number[] = [];
  const original = globalThis.setTimeout;
  globalThis.setTimeout = ((callback: () => void, delay?: number) => {
    delays.push(delay ?? 0);
    return original(callback, 0);
  }) as typeof setTimeout;
  try {
    fn();
  } finally {
    globalThis.setTimeout = original;
  }
  return delays;
}

describe('kafkajs as the tools\' client', () => {
  const logger = { debug() {}, info() {}, warn() {}, error() {} };
  const queue = (): RequestQueueLike => new RequestQueue({ maxInFlightRequests: 1, requestTimeout: 1000, enforceRequestTimeout: false, clientId: 'spec', broker: 'b:1', logger });

  // What createKafka() applies; createKafka itself would also register kafkats' codecs in kafkajs for
  // the rest of this mocha process, where other specs register their own.
  before(() => skipIdlePendingRequestChecks());

  it('schedules no pending-request check while nothing is pending or throttled', () => {
    const q = queue();
    expect(timersScheduledBy(() => q.scheduleCheckPendingRequests())).to.deep.equal([]);
  });

  it('still checks pending requests when throttled, and when requests wait without a throttle', () => {
    const throttled = queue();
    throttled.pending.push({});
    throttled.throttledUntil = Date.now() + 5000;
    const [delay] = timersScheduledBy(() => throttled.scheduleCheckPendingRequests());
    expect(delay).to.be.within(4000, 5000);
    clearTimeout(throttled.throttleCheckTimeoutId!);

    const waiting = queue();
    waiting.pending.push({});
    expect(timersScheduledBy(() => waiting.scheduleCheckPendingRequests())).to.deep.equal([10]);
    clearTimeout(waiting.throttleCheckTimeoutId!);
  });
});
