/**
 * Kafka's ControllerChannelManager: one queue and connection per live broker; requests to a
 * broker go out one at a time, in order, and are retried (with backoff) until they get an answer
 * or the broker is removed. Responses are handed back as callbacks that enqueue controller events.
 * The retry backoff waits on the injected clock (MockTime in unit specs). A controller shutting down
 * first drains the queues: what it already decided (say the leaders its own controlled shutdown
 * just moved) still reaches the brokers, without retries and within a bound.
 */
import { NetworkClient, type ClientChannelSecurity } from '../network/network-client.js';
import { decodeResponse, encodeRequest } from '../protocol/index.js';
import type { Input, RequestApiKey } from '../protocol/frames.js';
import type { RequestBodies, ResponseBodies } from '../protocol/generated/types.js';
import type { LiveBroker } from './controller-context.js';
import { SYSTEM_TIME, type Time, type TimerHandle } from '../common/time.js';
import { logger } from '../utils/logger.js';

interface QueueItem {
  apiKey: RequestApiKey;
  version: number;
  body: unknown;
  callback?: (response: unknown) => void;
}

/** What a RequestSendThread needs of its connection to a broker (a NetworkClient; unit specs pass an in-memory one). */
export type ControllerChannelClient = Pick<NetworkClient, 'send' | 'close'>;

export interface ChannelOptions {
  controllerId: number;
  interBrokerListener: string;
  requestTimeoutMs: number;
  retryBackoffMs: number;
  /** The clock retry backoffs wait on (default: the system clock). */
  time?: Time;
  /** Opens the connection to a broker (default: a NetworkClient). */
  newClient?: (host: string, port: number) => ControllerChannelClient;
  /** TLS/SASL of the inter-broker listener (absent: PLAINTEXT). */
  security?: ClientChannelSecurity | null;
}

class RequestSendThread {
  private readonly log = logger('kafka.controller.RequestSendThread');
  private readonly queue: QueueItem[] = [];
  private readonly client: ControllerChannelClient;
  private readonly time: Time;
  private running = true;
  private wake: (() => void) | null = null;
  private endBackoff: (() => void) | null = null;
  /** Set by drain(): no more retries; resolved once the queue is empty. */
  private drained: { promise: Promise<void>; resolve: () => void } | null = null;
  private correlationId = 0;
  readonly done: Promise<void>;

  constructor(readonly broker: LiveBroker, host: string, port: number, private readonly options: ChannelOptions) {
    this.time = options.time ?? SYSTEM_TIME;
    this.client = options.newClient?.(host, port)
      ?? new NetworkClient({ host, port }, { requestTimeoutMs: options.requestTimeoutMs, connectTimeoutMs: 5000, maxResponseSize: 100 * 1024 * 1024, security: options.security });
    this.done = this.loop();
  }

  enqueue(item: QueueItem): void {
    this.queue.push(item);
    this.wake?.();
  }

  get queueSize(): number {
    return this.queue.length;
  }

  shutdown(): void {
    this.running = false;
    this.client.close();
    this.wake?.();
    this.endBackoff?.();
    this.drained?.resolve();
  }

  /** Sends what is queued, each request once more at most; resolves when the queue is empty or a send failed. */
  drain(): Promise<void> {
    if (!this.drained) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.drained = { promise, resolve };
      if (this.queue.length === 0 || !this.running) resolve();
    }
    return this.drained.promise;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const item = this.queue[0];
      if (!item) {
        this.drained?.resolve();
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        continue;
      }
      const response = await this.sendWithRetries(item);
      this.queue.shift();
      // Draining and the broker did not answer: the rest would not get through either.
      if (response === undefined && this.drained) this.queue.length = 0;
      if (response !== undefined && item.callback) {
        try {
          item.callback(response);
        } catch (err) {
          this.log.error({ err }, 'controller response callback failed');
        }
      }
    }
  }

  /** Retries until answered; gives up (undefined) when shut down (the broker left) or after a failure while draining. */
  private async sendWithRetries(item: QueueItem): Promise<unknown> {
    while (this.running) {
      const correlationId = this.correlationId++;
      try {
        const frame = encodeRequest(
          { requestApiKey: item.apiKey, requestApiVersion: item.version, correlationId, clientId: `controller-${this.options.controllerId}` },
          item.body as never,
        );
        const payload = await this.client.send(correlationId, [frame]);
        return decodeResponse(item.apiKey, item.version, payload as Buffer).body;
      } catch (err) {
        if (!this.running || this.drained) return undefined;
        this.log.warn(`controller ${this.options.controllerId} failed to send api key ${item.apiKey} to broker ${this.broker.id}: ${(err as Error).message}; retrying`);
        await this.backoff();
      }
    }
    return undefined;
  }

  /** Waits retry.backoff on the injected clock; shutdown() ends the wait early. */
  private async backoff(): Promise<void> {
    let timer: TimerHandle | undefined;
    await new Promise<void>((resolve) => {
      this.endBackoff = resolve;
      timer = this.time.setTimer(resolve, this.options.retryBackoffMs);
    });
    timer?.cancel();
    this.endBackoff = null;
  }
}

export class ControllerChannelManager {
  private readonly log = logger('kafka.controller.ControllerChannelManager');
  private readonly brokers = new Map<number, RequestSendThread>();
  private readonly time: Time;

  constructor(private readonly options: ChannelOptions) {
    this.time = options.time ?? SYSTEM_TIME;
  }

  startup(brokers: LiveBroker[]): void {
    for (const b of brokers) this.addBroker(b);
  }

  shutdown(): void {
    for (const id of [...this.brokers.keys()]) this.removeBroker(id);
  }

  addBroker(broker: LiveBroker): void {
    if (this.brokers.has(broker.id)) return;
    const ep = broker.endpoints.find((e) => e.listener === this.options.interBrokerListener) ?? broker.endpoints[0];
    if (!ep) {
      this.log.error(`broker ${broker.id} has no endpoint for listener ${this.options.interBrokerListener}`);
      return;
    }
    this.brokers.set(broker.id, new RequestSendThread(broker, ep.host, ep.port, this.options));
  }

  removeBroker(brokerId: number): void {
    const t = this.brokers.get(brokerId);
    if (!t) return;
    t.shutdown();
    this.brokers.delete(brokerId);
  }

  /**
   * Lets every broker's queue go out (no retries) before the connections close, for at most
   * `timeoutMs` of the injected clock.
   */
  async drain(timeoutMs: number): Promise<void> {
    let timer: TimerHandle | undefined;
    await Promise.race([
      Promise.all([...this.brokers.values()].map((t) => t.drain())),
      new Promise<void>((resolve) => { timer = this.time.setTimer(resolve, timeoutMs); }),
    ]);
    timer?.cancel();
  }

  hasBroker(brokerId: number): boolean {
    return this.brokers.has(brokerId);
  }

  /** Queues a request for a broker; the callback runs with its decoded response body. */
  sendRequest<K extends RequestApiKey>(brokerId: number, apiKey: K, version: number, body: Input<RequestBodies[K]>, callback?: (response: ResponseBodies[K]) => void): void {
    const t = this.brokers.get(brokerId);
    if (!t) {
      this.log.warn(`not sending api key ${apiKey} to broker ${brokerId}: not a live broker`);
      return;
    }
    t.enqueue({ apiKey, version, body, callback: callback as ((r: unknown) => void) | undefined });
  }
}
