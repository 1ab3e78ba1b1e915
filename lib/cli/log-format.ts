/**
 * A compact, readable rendering of the brokers' pino JSON log lines for `kafkats cluster`, close
 * to Kafka's log4j layout: `[2024-05-01 12:00:00,123] INFO [broker 0] message (component) k=v`.
 * Error objects print their message (and, at ERROR and above, their stack indented below).
 * Lines that are not pino JSON pass through unchanged.
 */

import fs from 'node:fs';
import path from 'node:path';
import { LEVELS, levelValue } from '../utils/logger.js';

export { LEVELS };
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
  const rec = parseJsonLine(line);
  if (rec === null) return opts.source ? `${opts.source} ${line}` : line;
  const level = levelValue(rec.level) ?? LEVELS.info!;
  if (level < (opts.minLevel ?? LEVELS.info!)) return null;
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
 * The loggers Kafka's log4j.properties sends to their own files instead of the console
 * (additivity off): the controller's to controller.log, the state-change logger's to
 * state-change.log. The dev cluster does the same, so an idle cluster or a topic creation stays
 * quiet; their WARN and above still reach the terminal, and everything does from --log-level debug.
 */
export const ROUTED_LOGGERS: readonly { readonly prefix: string; readonly file: string }[] = [
  { prefix: 'kafka.controller', file: 'controller.log' },
  { prefix: 'state.change.logger', file: 'state-change.log' },
];

/** The routed logger a JSON line comes from, if any. */
function routedFile(rec: Record<string, unknown>): string | undefined {
  const c = typeof rec.component === 'string' ? rec.component : '';
  return ROUTED_LOGGERS.find((r) => c === r.prefix || c.startsWith(`${r.prefix}.`))?.file;
}

export interface BrokerLogFormatterOptions extends LogFormatOptions {
  format: 'pretty' | 'json';
  /** Where controller.log and state-change.log are written; none when undefined. */
  logsDir?: string;
}

/**
 * Reformats what BrokerProcess prints with output 'inherit' (`[broker N] <json>` lines on this
 * process's stdout): `process.stdout.write` is wrapped for the lifetime of the `cluster` verb.
 * `format: 'json'` leaves the lines as they are. Both drop lines below `minLevel` and send the
 * routed loggers' lines to their files (shown on the terminal from DEBUG, or at WARN and above).
 */
export function installBrokerLogFormatter(opts: BrokerLogFormatterOptions): void {
  const original = process.stdout.write.bind(process.stdout) as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
  const prefix = /^\[broker (\d+)\] (.*)$/s;
  const files = new Map<string, fs.WriteStream>();
  const fileFor = (name: string): fs.WriteStream | undefined => {
    if (opts.logsDir === undefined) return undefined;
    let f = files.get(name);
    if (f === undefined) {
      fs.mkdirSync(opts.logsDir, { recursive: true });
      f = fs.createWriteStream(path.join(opts.logsDir, name), { flags: 'a' });
      f.on('error', () => undefined);
      files.set(name, f);
    }
    return f;
  };
  const minLevel = opts.minLevel ?? LEVELS.info!;
  const show = (line: string, broker: string): string | null => {
    const source = `[broker ${broker}]`;
    const rec = parseJsonLine(line);
    if (rec === null) return opts.format === 'json' ? `${source} ${line}` : formatLogLine(line, { ...opts, source });
    const level = levelValue(rec.level) ?? LEVELS.info!;
    const routed = routedFile(rec);
    if (routed !== undefined) {
      fileFor(routed)?.write(`${formatLogLine(line, { source, minLevel: 0 })}\n`);
      if (level < LEVELS.warn! && minLevel > LEVELS.debug!) return null;
    }
    if (level < minLevel) return null;
    return opts.format === 'json' ? `${source} ${line}` : formatLogLine(line, { ...opts, source });
  };
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    if (typeof chunk !== 'string') return original(chunk, ...rest);
    const m = prefix.exec(chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk);
    if (!m) return original(chunk, ...rest);
    const formatted = show(m[2]!, m[1]!);
    if (formatted === null) {
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      if (cb) cb();
      return true;
    }
    return original(formatted + '\n', ...rest);
  }) as typeof process.stdout.write;
}

function parseJsonLine(line: string): Record<string, unknown> | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return null;
  try {
    return JSON.parse(trimmed) as Record<string, unknown>;
  } catch {
    return null;
  }
}
