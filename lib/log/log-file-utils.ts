/**
 * Kafka's log file naming (LogFileUtils / UnifiedLog companion): segment files are named by
 * their base offset as 20 zero-padded digits, with suffixes for each file kind and for the
 * transient states of deletion and cleaning.
 */
import path from 'node:path';
import { parseTpKey, tpKey, type TopicPartition } from '../common/topic-partition.js';

export const LOG_FILE_SUFFIX = '.log';
export const INDEX_FILE_SUFFIX = '.index';
export const TIME_INDEX_FILE_SUFFIX = '.timeindex';
export const TXN_INDEX_FILE_SUFFIX = '.txnindex';
export const PRODUCER_SNAPSHOT_FILE_SUFFIX = '.snapshot';
/** Appended to a segment's files when it is scheduled for asynchronous deletion. */
export const DELETED_FILE_SUFFIX = '.deleted';
/** Appended to files the cleaner is still writing. */
export const CLEANED_FILE_SUFFIX = '.cleaned';
/** Appended to finished cleaned files before they replace the originals. */
export const SWAP_FILE_SUFFIX = '.swap';
/** A partition directory renamed for deletion: `<topic>-<partition>.<uniqueId>-delete`. */
export const DELETE_DIR_SUFFIX = '-delete';
export const FUTURE_DIR_SUFFIX = '-future';
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';

/** `00000000000000000042` for offset 42. */
export function filenamePrefixFromOffset(offset: number | bigint): string {
  return offset.toString().padStart(20, '0');
}

export function offsetFromFileName(name: string): number {
  const prefix = name.slice(0, name.indexOf('.'));
  return Number(prefix);
}

export function logFile(dir: string, offset: number, suffix = ''): string {
  return path.join(dir, filenamePrefixFromOffset(offset) + LOG_FILE_SUFFIX + suffix);
}

export function offsetIndexFile(dir: string, offset: number, suffix = ''): string {
  return path.join(dir, filenamePrefixFromOffset(offset) + INDEX_FILE_SUFFIX + suffix);
}

export function timeIndexFile(dir: string, offset: number, suffix = ''): string {
  return path.join(dir, filenamePrefixFromOffset(offset) + TIME_INDEX_FILE_SUFFIX + suffix);
}

export function transactionIndexFile(dir: string, offset: number, suffix = ''): string {
  return path.join(dir, filenamePrefixFromOffset(offset) + TXN_INDEX_FILE_SUFFIX + suffix);
}

/** `<topic>-<partition>`. */
export function logDirName(tp: TopicPartition): string {
  return tpKey(tp);
}

/** `<topic>-<partition>.<uniqueId>-delete` (Kafka's UnifiedLog.logDeleteDirName; the id is a dashless UUID). */
export function logDeleteDirName(tp: TopicPartition, uniqueId: string): string {
  const suffix = `.${uniqueId}${DELETE_DIR_SUFFIX}`;
  const prefixLength = Math.min(tp.topic.length, 255 - (suffix.length + 1 + String(tp.partition).length));
  return `${tp.topic.slice(0, prefixLength)}-${tp.partition}${suffix}`;
}

/** `<topic>-<partition>.<uniqueId>-future`: a replica being moved into this log dir (Kafka's UnifiedLog.logFutureDirName). */
export function logFutureDirName(tp: TopicPartition, uniqueId: string): string {
  return `${tpKey(tp)}.${uniqueId}${FUTURE_DIR_SUFFIX}`;
}

/**
 * Kafka's UnifiedLog.parseTopicPartitionName for the dirs a log dir holds: `<topic>-<partition>`
 * (a current log) or `<topic>-<partition>.<uniqueId>-future` (a future log); null for anything
 * else (`-delete` dirs are told apart by their suffix before).
 */
export function parseLogDirName(name: string): { tp: TopicPartition; isFuture: boolean } | null {
  if (name.endsWith(FUTURE_DIR_SUFFIX)) {
    const dot = name.lastIndexOf('.');
    if (dot <= 0 || !/^[0-9a-f]+-future$/.test(name.slice(dot + 1))) return null;
    const tp = parseTpKey(name.slice(0, dot));
    return tp ? { tp, isFuture: true } : null;
  }
  const tp = parseTpKey(name);
  return tp ? { tp, isFuture: false } : null;
}

