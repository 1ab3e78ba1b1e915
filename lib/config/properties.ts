/**
 * A reader for Java's `.properties` text format (java.util.Properties#load), which Kafka uses for
 * server.properties: `#`/`!` comment lines, `key=value`, `key:value` and `key value` separators,
 * logical lines continued with a trailing backslash (leading blanks of the next line dropped), and
 * escapes (`\t \n \r \f \uXXXX`, `\` before any other character keeps that character). Later keys
 * win. A malformed `\u` escape is a ConfigError naming the line.
 */
import { ConfigError } from './config-def.js';

const WHITESPACE = new Set([' ', '\t', '\f']);

/** Parses properties text into an ordered map (insertion order = first appearance, last value wins). */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const { line, lineNumber } of logicalLines(text)) {
    const { key, value } = splitKeyValue(line, lineNumber);
    out.set(key, value);
  }
  return out;
}

interface LogicalLine {
  line: string;
  lineNumber: number;
}

/** Joins continued natural lines; drops blank and comment lines. */
function* logicalLines(text: string): Generator<LogicalLine> {
  const natural = text.split(/\r\n|\r|\n/);
  let i = 0;
  while (i < natural.length) {
    const startLine = i + 1;
    let current = stripLeading(natural[i] ?? '');
    i++;
    if (current.length === 0 || current[0] === '#' || current[0] === '!') continue;
    while (endsWithContinuation(current)) {
      current = current.slice(0, -1);
      if (i >= natural.length) break;
      current += stripLeading(natural[i] ?? '');
      i++;
    }
    yield { line: current, lineNumber: startLine };
  }
}

function stripLeading(s: string): string {
  let j = 0;
  while (j < s.length && WHITESPACE.has(s[j] as string)) j++;
  return s.slice(j);
}

/** An odd number of trailing backslashes escapes the line terminator. */
function endsWithContinuation(s: string): boolean {
  let n = 0;
  for (let j = s.length - 1; j >= 0 && s[j] === '\\'; j--) n++;
  return n % 2 === 1;
}

function splitKeyValue(line: string, lineNumber: number): { key: string; value: string } {
  let j = 0;
  let keyEnd = line.length;
  let valueStart = line.length;
  let escaped = false;
  for (; j < line.length; j++) {
    const c = line[j] as string;
    if (escaped) {
      escaped = false;
      continue;
    }
    if (c === '\\') {
      escaped = true;
      continue;
    }
    if (c === '=' || c === ':' || WHITESPACE.has(c)) {
      keyEnd = j;
      let k = j;
      while (k < line.length && WHITESPACE.has(line[k] as string)) k++;
      if (k < line.length && (line[k] === '=' || line[k] === ':')) {
        k++;
        while (k < line.length && WHITESPACE.has(line[k] as string)) k++;
      }
      valueStart = k;
      break;
    }
  }
  return {
    key: unescape(line.slice(0, keyEnd), lineNumber),
    value: unescape(line.slice(valueStart), lineNumber),
  };
}

function unescape(s: string, lineNumber: number): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let j = 0; j < s.length; j++) {
    const c = s[j] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    j++;
    if (j >= s.length) break;
    const e = s[j] as string;
    switch (e) {
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        const hex = s.slice(j + 1, j + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          throw new ConfigError(`Malformed \\uxxxx encoding on line ${lineNumber} of the properties text`);
        }
        out += String.fromCharCode(parseInt(hex, 16));
        j += 4;
        break;
      }
      default: out += e;
    }
  }
  return out;
}

/** Parses `--override k=v` style items (`k=v` only; the value may contain `=`). */
export function parseOverrides(items: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new ConfigError(`Invalid override "${item}": expected key=value`, undefined, item);
    out.set(item.slice(0, eq).trim(), item.slice(eq + 1));
  }
  return out;
}

/**
 * Environment overrides in the common container form: `KAFKA_CFG_LOG_RETENTION_MS=…` sets
 * `log.retention.ms`. After the prefix, `__` stands for `-` and `_` for `.`, and the name is
 * lower-cased; `resolve` maps the result to a known key case-insensitively (or returns it as is).
 */
export function parseEnvOverrides(env: Readonly<Record<string, string | undefined>>,
  resolve: (name: string) => string = (n) => n, prefix = 'KAFKA_CFG_'): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !name.startsWith(prefix) || name.length === prefix.length) continue;
    const key = name.slice(prefix.length).replace(/__/g, '-').replace(/_/g, '.').toLowerCase();
    out.set(resolve(key), value);
  }
  return out;
}

/**
 * Environment overrides in the Confluent image's form: `KAFKA_ZOOKEEPER_CONNECT=…` sets
 * `zookeeper.connect`. After `KAFKA_`, `___` stands for `_`, `__` for `-` and `_` for `.`, and the
 * name is lower-cased. Only names `known` maps to a config key count: KAFKA_HEAP_OPTS, KAFKA_OPTS,
 * KAFKA_CFG_* and the like are not configs in this form.
 */
export function parseConfluentEnvOverrides(env: Readonly<Record<string, string | undefined>>,
  known: (name: string) => string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !name.startsWith('KAFKA_')) continue;
    const decoded = name.slice('KAFKA_'.length).split('___')
      .map((part) => part.replace(/__/g, '-').replace(/_/g, '.')).join('_').toLowerCase();
    const key = known(decoded);
    if (key !== undefined) out.set(key, value);
  }
  return out;
}
