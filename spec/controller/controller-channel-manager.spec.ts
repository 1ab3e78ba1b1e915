import { expect } from 'chai';
import { ControllerChannelManager, type ControllerChannelClient } from '../../lib/controller/controller-channel-manager.js';
import { ApiKeys } from '../../lib/protocol/index.js';
import { encodeResponseBuffer } from '../../lib/protocol/frames.js';
import { MockTime } from '../../lib/common/time.js';
import { liveBroker, settle } from './support.js';

const UPDATE_METADATA_VERSION = 8;
const RETRY_BACKOFF_MS = 100;

/** A broker connection that fails its first `failures` sends, then answers UpdateMetadata with NONE. */
class FlakyBrokerClient implements ControllerChannelClient {
  readonly attemptsAt: number[] = [];
  closed = false;

  constructor(private readonly time: MockTime, private failures: number) {}

  send(correlationId: number): Promise<Buffer | null> {
    this.attemptsAt.push(this.time.hiResClockMs());
    if (this.failures-- > 0) return Promise.reject(new Error('connect ECONNREFUSED'));
    return Promise.resolve(encodeResponseBuffer(ApiKeys.UPDATE_METADATA, UPDATE_METADATA_VERSION, correlationId, { errorCode: 0 }).subarray(4));
  }

  close(): void {
    this.closed = true;
  }
}

/** A broker connection whose answers (UpdateMetadata, NONE) the spec releases one by one. */
class GatedBrokerClient implements ControllerChannelClient {
  private readonly pending: Array<() => void> = [];
  sends = 0;

  send(correlationId: number): Promise<Buffer | null> {
    this.sends++;
    return new Promise((resolve) => this.pending.push(() => resolve(encodeResponseBuffer(ApiKeys.UPDATE_METADATA, UPDATE_METADATA_VERSION, correlationId, { errorCode: 0 }).subarray(4))));
  }

  answerNext(): void {
    this.pending.shift()?.();
  }

  close(): void {}
}

describe('ControllerChannelManager retry backoff on the injected clock', () => {
  const body = { controllerId: 0, controllerEpoch: 1, brokerEpoch: 101n, topicStates: [], liveBrokers: [] };

  function channelTo(time: MockTime, client: ControllerChannelClient): ControllerChannelManager {
    const channel = new ControllerChannelManager({
      controllerId: 0, interBrokerListener: 'PLAINTEXT', requestTimeoutMs: 30_000, retryBackoffMs: RETRY_BACKOFF_MS, time, newClient: () => client,
    });
    channel.startup([liveBroker(1)]);
    return channel;
  }

  it('retries a failed request once retry backoff has passed on the clock, and answers its callback once', async () => {
    const time = new MockTime();
    const client = new FlakyBrokerClient(time, 2);
    const channel = channelTo(time, client);
    const answers: number[] = [];
    channel.sendRequest(1, ApiKeys.UPDATE_METADATA, UPDATE_METADATA_VERSION, body, (r) => answers.push(r.errorCode));
    await settle();
    const t0 = client.attemptsAt[0]!;
    expect(client.attemptsAt).to.deep.equal([t0]);

    time.advance(RETRY_BACKOFF_MS - 1);
    await settle();
    expect(client.attemptsAt).to.have.length(1);

    time.advance(1);
    await settle();
    expect(client.attemptsAt).to.deep.equal([t0, t0 + RETRY_BACKOFF_MS]);
    expect(answers).to.deep.equal([]);

    time.advance(RETRY_BACKOFF_MS);
    await settle();
    expect(client.attemptsAt).to.deep.equal([t0, t0 + RETRY_BACKOFF_MS, t0 + 2 * RETRY_BACKOFF_MS]);
    expect(answers).to.deep.equal([0]);
    channel.shutdown();
  });

  it('keeps requests to a broker in order: the next waits until the retried one is answered', async () => {
    const time = new MockTime();
    const client = new FlakyBrokerClient(time, 1);
    const channel = channelTo(time, client);
    const answered: string[] = [];
    channel.sendRequest(1, ApiKeys.UPDATE_METADATA, UPDATE_METADATA_VERSION, body, () => answered.push('first'));
    channel.sendRequest(1, ApiKeys.UPDATE_METADATA, UPDATE_METADATA_VERSION, body, () => answered.push('second'));
    await settle();
    expect(client.attemptsAt).to.have.length(1);
    time.advance(RETRY_BACKOFF_MS);
    await settle();
    expect(answered).to.deep.equal(['first', 'second']);
    channel.shutdown();
  });

  it('stops retrying at once when the broker is removed, without waiting out the backoff or answering', async () => {
    const time = new MockTime();
    const client = new FlakyBrokerClient(time, 1_000);
    const channel = channelTo(time, client);
    const answers: number[] = [];
    channel.sendRequest(1, ApiKeys.UPDATE_METADATA, UPDATE_METADATA_VERSION, body, (r) => answers.push(r.errorCode));
    await settle();
    expect(time.pendingTimers()).to.equal(1);
    channel.removeBroker(1);
    await settle();
    expect(client.closed).to.equal(true);
    expect(time.pendingTimers()).to.equal(0);
    time.advance(10 * RETRY_BACKOFF_MS);
    await settle();
    expect(client.attemptsAt).to.have.length(1);
    expect(answers).to.deep.equal([]);
  });

  describe('drain() (a controller shutting down delivers what it already decided)', () => {
    it('sends every queued request and resolves once the last is answered', async () => {
      const time = new MockTime();
      const client = new GatedBrokerClient();
      const channel = channelTo(time, client);
      const answered: string[] = [];
      channel.sendRequest(1, ApiKeys.UPDATE_METADATA, UPDATE_METADATA_VERSION, body, () => answered.push('first'));
      channel.sendRequest(1, ApiKeys.UPDATE_METADATA, UPDATE_METADATA_VERSION, body, () => answered.push('second'));
      let drained = false;
      void channel.drain(30_000).then(() => { drained = true; });
      await settle();
      client.answerNext();
      await settle();
      expect(answered).to.deep.equal(['first']);
      expect(drained).to.equal(false);
      client.answerNext();
      await settle();
      expect(answered).to.deep.equal(['first', 'second']);
      expect(drained).to.equal(true);
      channel.shutdown();
    });

    it('gives up on a broker at its first failure instead of backing off and retrying', async () => {
      const time = new MockTime();
      const client = new FlakyBrokerClient(time, 5);
      const channel = channelTo(time, client);
      const answers: number[] = [];
      channel.sendRequest(1, ApiKeys.UPDATE_METADATA, UPDATE_METADATA_VERSION, body, (r) => answers.push(r.errorCode));
      channel.sendRequest(1, ApiKeys.UPDATE_METADATA, UPDATE_METADATA_VERSION, body, (r) => answers.push(r.errorCode));
      await settle();
      expect(client.attemptsAt).to.have.length(1);
      let drained = false;
      void channel.drain(30_000).then(() => { drained = true; });
      time.advance(RETRY_BACKOFF_MS);
      await settle();
      expect(drained).to.equal(true);
      expect(client.attemptsAt).to.have.length(2);
      expect(answers).to.deep.equal([]);
      channel.shutdown();
      expect(time.pendingTimers()).to.equal(0);
    });

    it('stops waiting after its bound when a broker does not answer', async () => {
      const time = new MockTime();
      const client = new GatedBrokerClient();
      const channel = channelTo(time, client);
      channel.sendRequest(1, ApiKeys.UPDATE_METADATA, UPDATE_METADATA_VERSION, body);
      let drained = false;
      void channel.drain(1_000).then(() => { drained = true; });
      time.advance(999);
      await settle();
      expect(drained).to.equal(false);
      time.advance(1);
      await settle();
      expect(drained).to.equal(true);
      channel.shutdown();
    });
  });
});
