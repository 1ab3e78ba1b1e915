/**
 * KafkaScheduler (kafka.utils.KafkaScheduler): named one-shot and periodic background tasks —
 * retention checks, checkpoint flushes, ISR expiry, offset expiry. Timers come from the injected
 * `Time` (unref()ed on the system clock), so with MockTime a test advances time and the due tasks
 * run synchronously, in order.
 *
 * A task may be sync or async. Errors (thrown or rejected) are logged with the task name and never
 * propagate. Periodic tasks run at a fixed rate without overlapping: the next run is due one
 * period after the previous one was due, and an async run that is still going delays the next
 * until it settles (then it runs at once if it is late, without catching up missed runs).
 */
import { logger, type Logger } from '../utils/logger.js';
import { SYSTEM_TIME, type Time, type TimerHandle } from './time.js';

export type ScheduledFunction = () => void | Promise<void>;

/** A handle on a scheduled task. */
export interface ScheduledTask {
  readonly name: string;
  readonly periodMs: number;
  /** Stops future runs; a run in progress finishes. */
  cancel(): void;
  /** True once a one-shot task ran or any task was cancelled. */
  isDone(): boolean;
}

export interface KafkaSchedulerOptions {
  time?: Time;
  /** Prefix for log lines (Kafka's threadNamePrefix), e.g. 'kafka-scheduler-'. */
  threadNamePrefix?: string;
}

class Task implements ScheduledTask {
  timer: TimerHandle | undefined;
  done = false;
  running = false;
  nextRunAt: number;

  constructor(readonly name: string, readonly fn: ScheduledFunction, readonly periodMs: number, firstRunAt: number,
    private readonly owner: KafkaScheduler) {
    this.nextRunAt = firstRunAt;
  }

  cancel(): void {
    this.done = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.owner.forget(this);
  }

  isDone(): boolean {
    return this.done;
  }
}

export class KafkaScheduler {
  private readonly time: Time;
  private readonly log: Logger;
  private readonly tasks = new Set<Task>();
  private readonly inFlight = new Set<Promise<void>>();
  private started = false;

  constructor(options: KafkaSchedulerOptions = {}) {
    this.time = options.time ?? SYSTEM_TIME;
    this.log = logger('kafka.utils.KafkaScheduler', { scheduler: options.threadNamePrefix ?? 'kafka-scheduler-' });
  }

  startup(): void {
    if (this.started) throw new Error('This scheduler has already been started.');
    this.started = true;
  }

  isStarted(): boolean {
    return this.started;
  }

  /**
   * Runs `fn` after `delayMs`, then every `periodMs` if it is > 0 (Kafka's schedule(name, fun,
   * delay, period)). Throws if the scheduler is not running.
   */
  schedule(name: string, fn: ScheduledFunction, delayMs = 0, periodMs = -1): ScheduledTask {
    if (!this.started) throw new Error('Kafka scheduler is not running.');
    const task = new Task(name, fn, periodMs, this.time.hiResClockMs() + Math.max(0, delayMs), this);
    this.tasks.add(task);
    this.arm(task);
    return task;
  }

  /** A one-shot task (Kafka's scheduleOnce). */
  scheduleOnce(name: string, fn: ScheduledFunction, delayMs = 0): ScheduledTask {
    return this.schedule(name, fn, delayMs, -1);
  }

  /** Tasks scheduled and not yet done. */
  get pendingTasks(): number {
    return this.tasks.size;
  }

  /** Cancels every task and waits for runs in progress to settle. Safe to call twice. */
  async shutdown(): Promise<void> {
    this.started = false;
    for (const task of [...this.tasks]) task.cancel();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** @internal */
  forget(task: Task): void {
    this.tasks.delete(task);
  }

  private arm(task: Task): void {
    const delay = Math.max(0, task.nextRunAt - this.time.hiResClockMs());
    task.timer = this.time.setTimer(() => this.run(task), delay);
  }

  private run(task: Task): void {
    task.timer = undefined;
    if (task.done) return;
    task.running = true;
    let result: void | Promise<void>;
    try {
      result = task.fn();
    } catch (err) {
      this.log.error({ err, task: task.name }, `Uncaught error in scheduled task '${task.name}'`);
      result = undefined;
    }
    if (result instanceof Promise) {
      const p: Promise<void> = result.then(
        () => undefined,
        (err: unknown) => { this.log.error({ err, task: task.name }, `Uncaught error in scheduled task '${task.name}'`); },
      ).finally(() => {
        this.inFlight.delete(p);
        this.afterRun(task);
      });
      this.inFlight.add(p);
    } else {
      this.afterRun(task);
    }
  }

  private afterRun(task: Task): void {
    task.running = false;
    if (task.done) return;
    if (task.periodMs <= 0) {
      task.done = true;
      this.tasks.delete(task);
      return;
    }
    const now = this.time.hiResClockMs();
    task.nextRunAt += task.periodMs;
    if (task.nextRunAt < now) task.nextRunAt = now;
    this.arm(task);
  }
}
