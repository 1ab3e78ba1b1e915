/**
 * Kafka's LogDirFailureChannel: where the log layer reports an I/O error on a log dir. The first
 * report of a dir marks it offline and queues it; the broker's LogDirFailureHandler (in
 * ReplicaManager) takes queued dirs one at a time, takes their partitions offline (they answer
 * KAFKA_STORAGE_ERROR), closes their logs, tells the controller through
 * /log_dir_event_notification, and halts the broker when no log dir is left.
 *
 * `isIOError` says what counts: any error raised by a system call (ENOSPC, EIO, EMFILE, EROFS …),
 * the counterpart of Java's IOException.
 */
import { KafkaStorageError } from '../protocol/errors.js';
import { logger } from '../utils/logger.js';

/** An error from a system call (Node's fs errors carry `syscall` and `code`). */
export function isIOError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).syscall === 'string';
}

export class LogDirFailureChannel {
  private readonly log = logger('kafka.server.LogDirFailureChannel');
  private readonly offline = new Set<string>();
  private readonly queue: string[] = [];
  private waiter: ((dir: string | undefined) => void) | undefined;
  private closed = false;

  hasOfflineLogDir(dir: string): boolean {
    return this.offline.has(dir);
  }

  offlineLogDirs(): string[] {
    return [...this.offline];
  }

  /** Marks `dir` offline (once) and queues it for the failure handler. */
  maybeAddOfflineLogDir(dir: string, message: string, err: unknown): void {
    if (this.offline.has(dir)) return;
    this.log.error({ err, dir }, message);
    this.offline.add(dir);
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(dir);
    } else {
      this.queue.push(dir);
    }
  }

  /** The next dir that went offline; undefined once the channel is closed. */
  takeNextOfflineLogDir(): Promise<string | undefined> {
    const next = this.queue.shift();
    if (next !== undefined) return Promise.resolve(next);
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  close(): void {
    this.closed = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.(undefined);
  }

  /**
   * Runs `fn`; an I/O error marks `dir` offline and becomes KafkaStorageError (Kafka's
   * maybeHandleIOException). Other errors pass through unchanged.
   */
  maybeHandleIOException<T>(dir: string, message: () => string, fn: () => T): T {
    if (this.offline.has(dir)) throw new KafkaStorageError(`The log dir ${dir} is offline`);
    try {
      return fn();
    } catch (err) {
      if (!isIOError(err)) throw err;
      const msg = message();
      this.maybeAddOfflineLogDir(dir, msg, err);
      throw new KafkaStorageError(`${msg}: ${err.message}`);
    }
  }
}
