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
  /** Kafka's preempt: an event dropped unprocessed (clearAndPut, close) completes its waiters here. */
  preempt?(event: E): void;
}

/** Kafka's QueuedEvent: an event in the queue; awaitProcessing() resolves once it is being processed or was dropped. */
export class QueuedEvent<E extends ControllerEvent> {
  private started = false;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly event: E) {}

  /** Marks the start of processing (or the drop) and wakes the waiters. */
  markStarted(): void {
    if (this.started) return;
    this.started = true;
    for (const w of this.waiters.splice(0)) w();
  }

  awaitProcessing(): Promise<void> {
    return this.started ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

export class ControllerEventManager<E extends ControllerEvent> {
  private readonly log = logger('kafka.controller.ControllerEventManager');
  private queue: Array<QueuedEvent<E>> = [];
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

  put(event: E): QueuedEvent<E> {
    const queued = new QueuedEvent(event);
    if (this.closed) {
      this.drop(queued);
      return queued;
    }
    this.queue.push(queued);
    this.wake?.();
    return queued;
  }

  /** Drops queued events (keeping preempting ones) and enqueues this one (Kafka's clearAndPut on session expiry). */
  clearAndPut(event: E): QueuedEvent<E> {
    const dropped = this.queue.filter((q) => q.event.preempt !== true);
    this.queue = this.queue.filter((q) => q.event.preempt === true);
    for (const q of dropped) this.drop(q);
    return this.put(event);
  }

  /** Stops after the event in progress; queued events are dropped (preempted). */
  async close(): Promise<void> {
    this.closed = true;
    const dropped = this.queue;
    this.queue = [];
    for (const q of dropped) this.drop(q);
    this.wake?.();
    await this.idle;
  }

  private drop(queued: QueuedEvent<E>): void {
    try {
      this.processor.preempt?.(queued.event);
    } catch (err) {
      this.log.error({ err, event: queued.event.name }, `error preempting controller event ${queued.event.name}`);
    }
    queued.markStarted();
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      const queued = this.queue.shift();
      if (queued === undefined) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        continue;
      }
      const event = queued.event;
      this.current = event;
      queued.markStarted();
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
