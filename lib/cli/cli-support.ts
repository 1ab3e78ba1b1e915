/**
 * What every `kafkats` verb shares: user errors (`CliError`, printed as one readable line with a
 * non-zero exit, never a stack trace), the action wrapper that applies that rule to every error a
 * tool can meet (Kafka error codes, kafkajs errors, connection failures), and option parsers for
 * Kafka's flag formats (`--bootstrap-server h:p,h:p`, `--property k=v`, `--config k=v`).
 */
import { ApiError } from '../protocol/errors.js';
import { ConfigError } from '../config/config-def.js';

/** A mistake of the user's or a refusal by the cluster: printed as `kafkats <verb>: message`, exit 1. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

/** The message to show for any error a tool meets; a stack trace only for real bugs with KAFKATS_DEBUG set. */
export function describeError(err: unknown): string {
  if (err instanceof CliError || err instanceof ConfigError) return err.message;
  if (err instanceof ApiError) return `${err.errorName}: ${err.message === err.errorName ? 'the broker refused the request' : err.message}`;
  if (err instanceof Error) {
    // kafkajs errors: KafkaJSProtocolError has `type` (Kafka's error name); retries wrap the cause.
    const e = err as Error & { type?: string; originalError?: Error; cause?: unknown };
    if (e.name.startsWith('KafkaJS')) {
      const inner = e.originalError ?? (e.cause instanceof Error ? e.cause : undefined);
      const base = e.type !== undefined ? `${e.type}: ${e.message}` : e.message;
      return inner !== undefined && inner.message !== e.message ? `${base} (${inner.message})` : base;
    }
    const code = (e as { code?: string }).code;
    if (code !== undefined && /^E[A-Z]+$/.test(code)) return e.message;
    return process.env.KAFKATS_DEBUG ? (e.stack ?? e.message) : `${e.name}: ${e.message}`;
  }
  return String(err);
}

/**
 * Wraps a commander action: runs it, prints any error as one line on stderr with a non-zero exit
 * status, and makes sure a client verb ends even if a library leaves a timer behind.
 */
export function cliAction<A extends unknown[]>(verb: string, fn: (...args: A) => Promise<void>, opts: { longRunning?: boolean } = {}): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      process.stderr.write(`kafkats ${verb}: ${describeError(err)}\n`);
      process.exitCode = err instanceof CliError ? err.exitCode : 1;
    }
    // A client verb is done: exit once stdout has drained, even if a library still holds a timer.
    if (!opts.longRunning) process.stdout.write('', () => process.exit());
  };
}

/** Commander collector for a repeatable option. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `h1:p1,h2:p2` → ['h1:p1', 'h2:p2'], each checked. */
export function parseBootstrapServers(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') throw new CliError('--bootstrap-server is required (host:port[,host:port…])');
  const list = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const s of list) {
    const m = /^(.+):(\d+)$/.exec(s);
    if (!m || Number(m[2]) <= 0 || Number(m[2]) > 65535) throw new CliError(`invalid bootstrap server '${s}': expected host:port`);
  }
  return list;
}

/** `['k=v', 'k2=v2', …]` (each item may itself hold several comma-free pairs) → a map; `=` is required. */
export function parseKeyValues(items: readonly string[], what: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of items) {
    const i = item.indexOf('=');
    if (i <= 0) throw new CliError(`invalid ${what} '${item}': expected key=value`);
    out.set(item.slice(0, i).trim(), item.slice(i + 1));
  }
  return out;
}

/**
 * Kafka's ConfigCommand syntax `k1=v1,k2=[a,b,c],k3=v3`: commas separate entries except inside
 * square brackets, which hold one list value (written back without the brackets).
 */
export function parseConfigList(value: string): Map<string, string> {
  const out = new Map<string, string>();
  let depth = 0;
  let current = '';
  const entries: string[] = [];
  for (const ch of value) {
    if (ch === '[') depth++;
    if (ch === ']') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      entries.push(current);
      current = '';
    } else current += ch;
  }
  if (current !== '') entries.push(current);
  for (const e of entries) {
    const i = e.indexOf('=');
    if (i <= 0) throw new CliError(`invalid config entry '${e}': expected key=value`);
    let v = e.slice(i + 1).trim();
    if (v.startsWith('[') && v.endsWith(']')) v = v.slice(1, -1);
    out.set(e.slice(0, i).trim(), v);
  }
  return out;
}

/** A non-negative (or any, with `allowNegative`) integer option, else a CliError naming the flag. */
export function parseIntOption(flag: string, value: string | undefined, { min = 0 }: { min?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim())) throw new CliError(`${flag} must be an integer, got '${value}'`);
  const n = Number(value);
  if (n < min) throw new CliError(`${flag} must be at least ${min}, got ${n}`);
  return n;
}

/** Left-aligned columns, each as wide as its widest cell plus a gap (Kafka's tools print tables so). */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, gap = 2, minWidths: readonly number[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, minWidths[i] ?? 0, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]! + gap))).join('').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Reads stdin lines one at a time (async iteration), without holding the whole input. */
export async function* stdinLines(input: NodeJS.ReadableStream = process.stdin): AsyncGenerator<string> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input, crlfDelay: Infinity, terminal: false });
  for await (const line of rl) yield line;
}
