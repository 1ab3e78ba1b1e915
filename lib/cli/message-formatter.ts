/**
 * Kafka's DefaultMessageFormatter (kafka-console-consumer's output): in this order and each
 * followed by key.separator when something follows it — `CreateTime:<ts>` / `LogAppendTime:<ts>`
 * (print.timestamp), `Partition:<p>` (print.partition), `Offset:<o>` (print.offset),
 * `h1:v1,h2:v2` or `NO_HEADERS` (print.headers), the key (print.key), then the value
 * (print.value, default on) and line.separator. Null keys, values and header values print as
 * null.literal ("null").
 */
import { CliError } from './cli-support.js';

export interface FormatterConfig {
  printTimestamp: boolean;
  printPartition: boolean;
  printOffset: boolean;
  printHeaders: boolean;
  printKey: boolean;
  printValue: boolean;
  keySeparator: string;
  lineSeparator: string;
  headersSeparator: string;
  nullLiteral: string;
}

export interface FormattedRecord {
  /** 0 CreateTime, 1 LogAppendTime, -1 none. */
  timestampType: number;
  timestamp: bigint | string | number;
  partition: number;
  offset: bigint | string | number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[string, Buffer | null]>;
}

const KNOWN = ['print.timestamp', 'print.partition', 'print.offset', 'print.headers', 'print.key', 'print.value', 'key.separator', 'line.separator', 'headers.separator', 'null.literal'];

/** Unescapes \t, \n, \r and \\ as typed on a shell command line (Kafka reads these properties raw). */
function unescape(s: string): string {
  return s.replace(/\\([tnr\\])/g, (_m, c: string) => ({ t: '\t', n: '\n', r: '\r', '\\': '\\' })[c] ?? c);
}

export function formatterConfig(props: Map<string, string>): FormatterConfig {
  for (const k of props.keys()) if (!KNOWN.includes(k)) throw new CliError(`unknown --property '${k}' (known: ${KNOWN.join(', ')})`);
  const bool = (k: string, dflt: boolean): boolean => {
    const v = props.get(k);
    return v === undefined ? dflt : v.trim().toLowerCase() === 'true';
  };
  return {
    printTimestamp: bool('print.timestamp', false),
    printPartition: bool('print.partition', false),
    printOffset: bool('print.offset', false),
    printHeaders: bool('print.headers', false),
    printKey: bool('print.key', false),
    printValue: bool('print.value', true),
    keySeparator: unescape(props.get('key.separator') ?? '\t'),
    lineSeparator: unescape(props.get('line.separator') ?? '\n'),
    headersSeparator: unescape(props.get('headers.separator') ?? ','),
    nullLiteral: props.get('null.literal') ?? 'null',
  };
}

export function formatRecord(r: FormattedRecord, c: FormatterConfig): string {
  const parts: string[] = [];
  if (c.printTimestamp) parts.push(r.timestampType === 1 ? `LogAppendTime:${r.timestamp}` : r.timestampType === 0 ? `CreateTime:${r.timestamp}` : 'NO_TIMESTAMP');
  if (c.printPartition) parts.push(`Partition:${r.partition}`);
  if (c.printOffset) parts.push(`Offset:${r.offset}`);
  if (c.printHeaders) {
    parts.push(r.headers.length === 0 ? 'NO_HEADERS' : r.headers.map(([k, v]) => `${k}:${v === null ? c.nullLiteral : v.toString('utf8')}`).join(c.headersSeparator));
  }
  if (c.printKey) parts.push(r.key === null ? c.nullLiteral : r.key.toString('utf8'));
  if (c.printValue) parts.push(r.value === null ? c.nullLiteral : r.value.toString('utf8'));
  return parts.join(c.keySeparator) + (c.printValue ? c.lineSeparator : (parts.length > 0 ? c.lineSeparator : ''));
}
