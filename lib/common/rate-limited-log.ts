/**
 * Rate-limited logging, so that a line repeated by bad input or a persistent fault (a malformed
 * frame per connection, a follower truncating again and again) never floods the log.
 *
 * Lines are grouped by a key — the template of the message, e.g. `'invalid-frame'` — not by their
 * text, so lines that differ only in a connection id or an offset count as repeats. The first line
 * of a key is logged as usual and opens a window of `intervalMs`; further lines of that key inside
 * the window are only counted, and when the window closes one line reports them:
 * `suppressed 999 similar lines in 10 s: <the first line's message>` (with a `suppressed` field).
 * A flood therefore costs at most two lines per key per interval. State is kept only for keys
 * whose window is open, at most `maxKeys` of them; lines of further keys share one overflow key.
 *
 * Use one RateLimitedLog per component and share it between the objects that log the same lines
 * (the SocketServer's, for all its connections):
 *
 *   private readonly limited = new RateLimitedLog(this.log);
 *   this.limited.warn('truncating', { topicPartition }, `Truncating ${tp} to offset ${offset}`);
 */
import type { Logger } from '../utils/logger.js';
import { SYSTEM_TIME, type Time, type TimerHandle } from './time.js';

export type RateLimitedLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export const DEFAULT_REPEAT_INTERVAL_MS = 10_000;
const DEFAULT_MAX_KEYS = 1000;
const OVERFLOW_KEY = '\u0000overflow';

export interface RateLimitedLogOptions {
  /** How long repeats of a key are counted instead of logged (default 10 s). */
  intervalMs?: number;
  time?: Time;
  /** Keys with an open window at most (default 1000). */
  maxKeys?: number;
}

interface Window {
  readonly level: RateLimitedLevel;
  readonly msg: string;
  suppressed: number;
  timer: TimerHandle;
}

export class RateLimitedLog {
  private readonly intervalMs: number;
  private readonly time: Time;
  private readonly maxKeys: number;
  private readonly windows = new Map<string, Window>();
  private suppressedTotal = 0;

  constructor(readonly logger: Logger, options: RateLimitedLogOptions = {}) {
    this.intervalMs = options.intervalMs ?? DEFAULT_REPEAT_INTERVAL_MS;
    this.time = options.time ?? SYSTEM_TIME;
    this.maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  }

  /** Lines counted instead of logged since this log was created. */
  get suppressedLines(): number {
    return this.suppressedTotal;
  }

  /** Keys whose window is open. */
  get activeKeys(): number {
    return this.windows.size;
  }

  trace(key: string | undefined, obj: object, msg: string): boolean {
    return this.log('trace', key, obj, msg);
  }

  debug(key: string | undefined, obj: object, msg: string): boolean {
    return this.log('debug', key, obj, msg);
  }

  info(key: string | undefined, obj: object, msg: string): boolean {
    return this.log('info', key, obj, msg);
  }

  warn(key: string | undefined, obj: object, msg: string): boolean {
    return this.log('warn', key, obj, msg);
  }

  error(key: string | undefined, obj: object, msg: string): boolean {
    return this.log('error', key, obj, msg);
  }

  /**
   * Logs `msg` unless a line of the same key (the message itself when `key` is undefined) was
   * logged less than the interval ago; returns whether it was logged.
   */
  log(level: RateLimitedLevel, key: string | undefined, obj: object, msg: string): boolean {
    if (!this.logger.isLevelEnabled(level)) return false;
    let k = key ?? msg;
    if (!this.windows.has(k) && this.windows.size >= this.maxKeys) k = OVERFLOW_KEY;
    const open = this.windows.get(k);
    if (open) {
      open.suppressed++;
      this.suppressedTotal++;
      return false;
    }
    this.logger[level](obj, msg);
    const window: Window = { level, msg, suppressed: 0, timer: this.time.setTimer(() => this.close(k), this.intervalMs) };
    this.windows.set(k, window);
    return true;
  }

  /** Closes every open window now, writing the pending summaries (at shutdown). */
  flush(): void {
    for (const [k, w] of [...this.windows]) {
      w.timer.cancel();
      this.close(k);
    }
  }

  private close(key: string): void {
    const w = this.windows.get(key);
    if (!w) return;
    this.windows.delete(key);
    if (w.suppressed === 0) return;
    const what = key === OVERFLOW_KEY ? 'lines of other kinds' : 'similar lines';
    this.logger[w.level]({ suppressed: w.suppressed }, `suppressed ${w.suppressed} ${what} in ${formatInterval(this.intervalMs)}: ${w.msg}`);
  }
}

function formatInterval(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
