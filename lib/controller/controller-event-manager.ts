/**
 * Kafka's ControllerEventManager: the controller's single event queue. ZooKeeper watch callbacks,
 * requests (ControlledShutdown, AlterPartition) and timers only enqueue events; one loop processes
 * them strictly one at a time, so controller state changes in exactly one place.
 */
import { logger } from '../utils/logger.js';

export interface ControllerEvent {
  /** Kafka's event name (BrokerChange, TopicChange, …), for logs and metrics. */
  readonly name: string;
  /** Events such as Startup/Expire must run even when queued behind a clear. */
  readonly preempt?: boolean;
}

export interface ControllerEventProcessor<E extends ControllerEvent> {
  process(event: E): Promise<void>;
}

export class ControllerEventManager<E extends ControllerEvent> {
  private readonly log = logger('kafka.controller.ControllerEventManager');
  private queue: E[] = [];
  private running = false;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;
  private current: E | null = null;

  constructor(private readonly processor: ControllerEventProcessor<E>) {}

  get queueSize(): number {
    return this.queue.length;
  }

  /** Name of the event being processed, if any. */
  get currentEventName(): string | null {
    return this.current?.name ?? null;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.idle = this.loop();
  }

  put(event: E): void {
    if (this.closed) return;
    this.queue.push(event);
    this.wake?.();
  }

  /** Drops queued events (keeping preempting ones) and enqueues this one (Kafka's clearAndPut on session expiry). */
  clearAndPut(event: E): void {
    this.queue = this.queue.filter((e) => e.preempt === true);
    this.put(event);
  }

  /** Stops after the event in progress; queued events are dropped. */
  async close(): Promise<void> {
    this.closed = true;
    this.queue = [];
    this.wake?.();
    await this.idle;
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      const event = this.queue.shift();
      if (event === undefined) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        continue;
      }
      this.current = event;
      try {
        await this.processor.process(event);
      } catch (err) {
        this.log.error({ err, event: event.name }, `error processing controller event ${event.name}`);
      } finally {
        this.current = null;
      }
    }
  }
}
