/**
 * A compact, readable rendering of the brokers' pino JSON log lines for `kafkats cluster`, close
 * to Kafka's log4j layout: `[2024-05-01 12:00:00,123] INFO [broker 0] message (component) k=v`.
 * Error objects print their message (and, at ERROR and above, their stack indented below).
 * Lines that are not pino JSON pass through unchanged.
 */

export const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const COLORS: Record<number, string> = { 10: '\x1b[90m', 20: '\x1b[36m', 30: '\x1b[32m', 40: '\x1b[33m', 50: '\x1b[31m', 60: '\x1b[35m' };
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';
const STANDARD = new Set(['level', 'time', 'pid', 'hostname', 'broker', 'component', 'msg', 'err', 'error']);

export interface LogFormatOptions {
  color?: boolean;
  /** Lines below this pino level are dropped (default 30, info). */
  minLevel?: number;
  /** Prefix for lines without a broker field (e.g. `[broker 0]` from the process that printed them). */
  source?: string;
}

function timestamp(t: unknown): string {
  const d = typeof t === 'number' ? new Date(t) : typeof t === 'string' ? new Date(t) : new Date();
  if (Number.isNaN(d.getTime())) return String(t);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`;
}

function value(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

/** One formatted line (maybe several with a stack), or null when the level is filtered out. */
export function formatLogLine(line: string, opts: LogFormatOptions = {}): string | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return opts.source ? `${opts.source} ${line}` : line;
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(trimmed) as Record<string, unknown>;
  } catch {
    return opts.source ? `${opts.source} ${line}` : line;
  }
  const level = typeof rec.level === 'number' ? rec.level : 30;
  if (level < (opts.minLevel ?? 30)) return null;
  const name = (LEVEL_NAMES[level] ?? String(level)).padEnd(5);
  const who = rec.broker !== undefined ? `[broker ${String(rec.broker)}]` : (opts.source ?? '');
  const extras = Object.entries(rec).filter(([k]) => !STANDARD.has(k)).map(([k, v]) => `${k}=${value(v)}`);
  const err = (rec.err ?? rec.error) as { message?: string; stack?: string; type?: string } | undefined;
  if (err && typeof err === 'object') extras.push(`error=${value(err.message ?? err.type ?? 'unknown')}`);
  const component = typeof rec.component === 'string' ? ` (${rec.component})` : '';
  const c = opts.color === true;
  let out = `${c ? DIM : ''}[${timestamp(rec.time)}]${c ? RESET : ''} ${c ? COLORS[level] ?? '' : ''}${name}${c ? RESET : ''} ${who}${who ? ' ' : ''}${String(rec.msg ?? '')}${c ? DIM : ''}${component}${c ? RESET : ''}`;
  if (extras.length > 0) out += ` ${extras.join(' ')}`;
  if (level >= 50 && err?.stack) out += '\n' + err.stack.split('\n').slice(1).map((l) => `    ${l.trim()}`).join('\n');
  return out;
}

/**
 * Reformats what BrokerProcess prints with output 'inherit' (`[broker N] <json>` lines on this
 * process's stdout): `process.stdout.write` is wrapped for the lifetime of the `cluster` verb.
 * `format: 'json'` leaves the lines as they are.
 */
export function installBrokerLogFormatter(opts: LogFormatOptions & { format: 'pretty' | 'json' }): void {
  if (opts.format === 'json') return;
  const original = process.stdout.write.bind(process.stdout) as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
  const prefix = /^\[broker (\d+)\] (.*)$/s;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    if (typeof chunk !== 'string') return original(chunk, ...rest);
    const m = prefix.exec(chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk);
    if (!m) return original(chunk, ...rest);
    const formatted = formatLogLine(m[2]!, { ...opts, source: `[broker ${m[1]}]` });
    if (formatted === null) {
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      if (cb) cb();
      return true;
    }
    return original(formatted + '\n', ...rest);
  }) as typeof process.stdout.write;
}
