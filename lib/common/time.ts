/**
 * An injectable clock, after Kafka's org.apache.kafka.common.utils.Time: wall-clock milliseconds,
 * a monotonic high-resolution clock, sleep, and (our addition, since JS has no threads to block)
 * one-shot timers. Everything that waits — KafkaScheduler, the DelayedOperation purgatory, session
 * timeouts — takes a `Time`, so specs use MockTime and move time forward deterministically.
 *
 * SystemTime timers are unref()ed: a pending timer never keeps the process alive.
 */

/** A cancellable one-shot timer. cancel() is idempotent and harmless after the timer fired. */
export interface TimerHandle {
  cancel(): void;
}

export interface Time {
  /** Wall-clock time in ms since the epoch (timestamps, retention). */
  milliseconds(): number;
  /** Monotonic time in ns (durations). */
  nanoseconds(): bigint;
  /** Monotonic time in ms as a number, fractional (deadlines, timeouts). */
  hiResClockMs(): number;
  /** Resolves after `ms` of this clock's time. */
  sleep(ms: number): Promise<void>;
  /** Runs `callback` once after `delayMs` of this clock's time; the underlying timer is unref()ed. */
  setTimer(callback: () => void, delayMs: number): TimerHandle;
}

/** The real clock. */
export class SystemTime implements Time {
  milliseconds(): number {
    return Date.now();
  }

  nanoseconds(): bigint {
    return process.hrtime.bigint();
  }

  hiResClockMs(): number {
    return performance.now();
  }

  sleep(ms: number): Promise<void> {
    // Not unref()ed: a caller awaiting sleep() expects to wake up.
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
  }

  setTimer(callback: () => void, delayMs: number): TimerHandle {
    const t = setTimeout(callback, Math.max(0, delayMs));
    t.unref();
    return { cancel: () => clearTimeout(t) };
  }
}

/**
 * Resolves after `delayMs` of `time`'s clock without moving it: a background wait such as a retry
 * backoff. Unlike `sleep`, on MockTime it resolves only when the test advances the clock past the
 * deadline; on the system clock its timer is unref()ed like every background timer.
 */
export function delay(time: Time, delayMs: number): Promise<void> {
  return new Promise((resolve) => time.setTimer(resolve, delayMs));
}

/** The process-wide real clock (Kafka's Time.SYSTEM). */
export const SYSTEM_TIME: Time = new SystemTime();

interface MockTimer {
  readonly deadlineMs: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/**
 * A manual clock for tests (Kafka's MockTime). Time moves only through `sleep(ms)` / `advance(ms)` /
 * `setCurrentTimeMs`; timers due by the new time fire synchronously during the move, in deadline
 * order (ties in creation order), each seeing the clock at its own deadline. Timers created while
 * firing also fire if they fall due within the same move, so periodic tasks run once per period.
 */
export class MockTime implements Time {
  private wallMs: number;
  private hiResMs: number;
  private timers: MockTimer[] = [];
  private seq = 0;
  private firing = false;

  constructor(currentTimeMs = 1_700_000_000_000, currentHiResMs = 1_000_000) {
    this.wallMs = currentTimeMs;
    this.hiResMs = currentHiResMs;
  }

  milliseconds(): number {
    return this.wallMs;
  }

  nanoseconds(): bigint {
    return BigInt(Math.round(this.hiResMs * 1e6));
  }

  hiResClockMs(): number {
    return this.hiResMs;
  }

  /** Advances the clock by `ms` (firing due timers) and resolves. Kafka's MockTime.sleep also advances. */
  sleep(ms: number): Promise<void> {
    this.advance(ms);
    return Promise.resolve();
  }

  setTimer(callback: () => void, delayMs: number): TimerHandle {
    const timer: MockTimer = { deadlineMs: this.hiResMs + Math.max(0, delayMs), seq: this.seq++, callback, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => { timer.cancelled = true; } };
  }

  /** Timers not yet fired or cancelled. */
  pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Moves both clocks forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError(`MockTime cannot go backwards (${ms} ms)`);
    if (this.firing) {
      // Called from inside a timer callback: move the clocks; the outer loop fires what falls due.
      this.wallMs += ms;
      this.hiResMs += ms;
      return;
    }
    const targetHiRes = this.hiResMs + ms;
    const wallOffset = this.wallMs - this.hiResMs;
    this.firing = true;
    try {
      for (;;) {
        const next = this.nextDue(Math.max(targetHiRes, this.hiResMs));
        if (!next) break;
        if (next.deadlineMs > this.hiResMs) {
          this.hiResMs = next.deadlineMs;
          this.wallMs = next.deadlineMs + wallOffset;
        }
        next.cancelled = true;
        next.callback();
      }
    } finally {
      this.firing = false;
      this.timers = this.timers.filter((t) => !t.cancelled);
    }
    if (targetHiRes > this.hiResMs) {
      this.wallMs += targetHiRes - this.hiResMs;
      this.hiResMs = targetHiRes;
    }
  }

  /** Sets the wall clock (Kafka's setCurrentTimeMs); the monotonic clock and timers move by the same amount if forward. */
  setCurrentTimeMs(ms: number): void {
    const delta = ms - this.wallMs;
    if (delta >= 0) this.advance(delta);
    else this.wallMs = ms;
  }

  private nextDue(limit: number): MockTimer | undefined {
    let best: MockTimer | undefined;
    for (const t of this.timers) {
      if (t.cancelled || t.deadlineMs > limit) continue;
      if (!best || t.deadlineMs < best.deadlineMs || (t.deadlineMs === best.deadlineMs && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
