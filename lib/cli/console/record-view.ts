/**
 * How the console's message browser shows a record's key, value and header values: the bytes as
 * UTF-8 text (when they decode cleanly), as parsed JSON (when they are JSON) and always as hex, so
 * the page can switch between the three without asking the broker again.
 */
import type { FormattedRecord } from '../message-formatter.js';

export interface BytesView {
  /** UTF-8 text, or null when the bytes are not valid UTF-8. */
  text: string | null;
  /** The JSON value, pretty-printed, or null when the text is not JSON. */
  json: string | null;
  hex: string;
  size: number;
}

export interface RecordView {
  partition: number;
  offset: string;
  timestamp: string;
  timestampType: 'CreateTime' | 'LogAppendTime' | 'NoTimestampType';
  key: BytesView | null;
  value: BytesView | null;
  headers: Array<{ key: string; value: BytesView | null }>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Hex of the bytes, capped so a large record cannot bloat the page (the size says how much there is). */
const MAX_HEX_BYTES = 4096;

export function viewOfBytes(bytes: Buffer | null): BytesView | null {
  if (bytes === null) return null;
  let text: string | null;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = null;
  }
  let json: string | null = null;
  if (text !== null && /^\s*[[{"0-9tfn-]/.test(text)) {
    try {
      json = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      json = null;
    }
  }
  const hex = bytes.subarray(0, MAX_HEX_BYTES).toString('hex').replace(/(..)(?!$)/g, '$1 ') + (bytes.length > MAX_HEX_BYTES ? ' …' : '');
  return { text, json, hex, size: bytes.length };
}

export function viewOfRecord(r: FormattedRecord): RecordView {
  const type = r.timestampType === 1 ? 'LogAppendTime' : r.timestampType === 0 ? 'CreateTime' : 'NoTimestampType';
  return {
    partition: r.partition,
    offset: String(r.offset),
    timestamp: type === 'NoTimestampType' ? '' : new Date(Number(r.timestamp)).toISOString(),
    timestampType: type,
    key: viewOfBytes(r.key),
    value: viewOfBytes(r.value),
    headers: r.headers.map(([key, value]) => ({ key, value: viewOfBytes(value) })),
  };
}
