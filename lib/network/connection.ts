/**
 * One client connection (Kafka's KafkaChannel + the processor's per-connection state):
 * frames are reassembled, handled strictly one at a time in arrival order, and answered in that
 * order (Kafka mutes a channel while a request is in flight). Pipelined requests queue up to a small
 * budget (QUEUED_REQUESTS_PAUSE requests or QUEUED_BYTES_PAUSE bytes); past it the socket is
 * paused, so further requests wait in the kernel's socket buffers (TCP flow control) instead of the
 * heap, and reading resumes when the queue drains. This keeps a pipelining producer (librdkafka
 * allows a million in-flight requests) from parking hundreds of megabytes of produce requests in
 * one connection, as Kafka's muting does.
 * Across connections, the memory of every request read and not yet handled comes from the
 * SocketServer's MemoryPool (`queued.max.request.bytes`), taken when a frame's size has been read;
 * when the pool cannot supply it, the connection stops reading until memory is released (a request
 * handled, a connection closed), as Kafka mutes a channel when its memory pool is out of memory.
 * A response is written with cork/uncork so its chunks (header, body, record bytes) go out as one
 * writev; the next request is not started while the socket's write buffer is over its high mark.
 */
import type { Socket } from 'node:net';
import { FrameDecoder, InvalidFrameSizeError } from './frame-decoder.js';
import type { BufferPool } from '../utils/buffer-pool.js';
import type { Logger } from '../utils/logger.js';
import type { MemoryPool } from '../utils/memory-pool.js';
import { KafkaPrincipal } from '../common/kafka-principal.js';
import { RateLimitedLog } from '../common/rate-limited-log.js';
import { SYSTEM_TIME, delay, type Time } from '../common/time.js';
import type { ChannelAuthenticator } from './channel-builder.js';
import { AuthenticationFailure } from '../security/authenticator/sasl-server-authenticator.js';

export interface ConnectionInfo {
  readonly id: string;
  readonly listenerName: string;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /**
   * Who the client is (Kafka's KafkaChannel.principal): `User:ANONYMOUS` on PLAINTEXT, as Kafka's
   * default principal builder; authentication (SSL/SASL) sets the authenticated principal here.
   */
  readonly principal: KafkaPrincipal;
  /** Aborted when the connection closes: a request waiting for its answer can stop waiting. */
  readonly closedSignal?: AbortSignal;
}

/** What the server does with one request frame (payload without the int32 size prefix). */
export interface RequestHandler {
  /**
   * Resolves to the response as chunks that together form one size-prefixed frame, or null when no
   * response is due (Produce with acks=0). Throwing closes this connection only. `releaseFrame`
   * gives the frame's memory back to the pool before the response is ready, once what the handler
   * keeps no longer refers to the frame (Kafka's Request.releaseBuffer, called when a request
   * waits in a purgatory); otherwise that happens when handle() settles.
   */
  handle(frame: Buffer, connection: ConnectionInfo, releaseFrame?: () => void): Promise<Buffer[] | null>;
  /**
   * True when nothing refers to the frame's bytes any more once handle() has resolved, so its
   * buffer can be reused for a later frame. Default: false (decoded requests are views of their
   * frame, and some, like a group member's metadata, are kept).
   */
  frameReusable?(frame: Buffer): boolean;
  /**
   * Resolves once requests may be served (start-up complete); SASL authentication waits for it too,
   * so that credentials (/config/users) are loaded before a client authenticates.
   */
  ready?(): Promise<void>;
}

export interface ConnectionOptions {
  /** socket.request.max.bytes: a larger frame closes the connection. */
  maxRequestSize: number;
  /** Where the memory of requests being read comes from (none: not bounded). */
  memoryPool?: MemoryPool;
  /** connections.max.idle.ms: close after this long with no traffic. */
  idleTimeoutMs: number;
  /**
   * Where large frames are assembled; a frame goes back after handling when the handler calls it
   * reusable, and a response's chunks go back once written (those the pool did not hand out are
   * ignored).
   */
  bufferPool?: BufferPool;
  /**
   * Where connections closed for bad input are logged: shared by all of a SocketServer's
   * connections so a flood of bad requests costs a few lines (default: one for this connection).
   */
  closeLog?: RateLimitedLog;
  /** The principal before (or without) SASL: User:ANONYMOUS, or a TLS client certificate's. */
  principal?: KafkaPrincipal;
  /**
   * SASL listeners: every frame goes to the authenticator until it completes (no request is served
   * before), and a SaslHandshake after that re-authenticates (KIP-368).
   */
  authenticator?: ChannelAuthenticator | null;
  /** connection.failed.authentication.delay.ms: how long a failed authentication's answer and close wait. */
  failedAuthenticationDelayMs?: number;
  time?: Time;
}

/** Queued (received, not yet handled) requests at which reading pauses. */
export const QUEUED_REQUESTS_PAUSE = 8;
/** Queued request bytes at which reading pauses. */
export const QUEUED_BYTES_PAUSE = 1024 * 1024;

export class Connection implements ConnectionInfo {
  readonly remoteAddress: string;
  readonly remotePort: number;
  principal: KafkaPrincipal = KafkaPrincipal.ANONYMOUS;
  private readonly decoder: FrameDecoder;
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private processing = false;
  /** The queue is over its budget. */
  private queueFull = false;
  /** Withdraws the wait for memory while the next frame waits for it. */
  private cancelMemoryWait: (() => void) | null = null;
  private readPaused = false;
  private closed = false;
  private closeListeners: Array<() => void> = [];
  private readonly closing = new AbortController();
  private inFlight: Promise<void> = Promise.resolve();
  private readonly bufferPool: BufferPool | undefined;
  private readonly closeLog: RateLimitedLog;
  private readonly authenticator: ChannelAuthenticator | null;
  private readonly failedAuthenticationDelayMs: number;
  private readonly time: Time;
  private readonly memoryPool: MemoryPool | undefined;

  constructor(
    readonly id: string,
    readonly listenerName: string,
    private readonly socket: Socket,
    private readonly handler: RequestHandler,
    options: ConnectionOptions,
    log: Logger,
  ) {
    this.remoteAddress = socket.remoteAddress ?? 'unknown';
    this.remotePort = socket.remotePort ?? 0;
    const pool = options.bufferPool;
    const memory = options.memoryPool;
    this.bufferPool = pool;
    this.memoryPool = memory;
    this.closeLog = options.closeLog ?? new RateLimitedLog(log);
    this.principal = options.principal ?? KafkaPrincipal.ANONYMOUS;
    this.authenticator = options.authenticator ?? null;
    this.failedAuthenticationDelayMs = options.failedAuthenticationDelayMs ?? 0;
    this.time = options.time ?? SYSTEM_TIME;
    this.decoder = new FrameDecoder(options.maxRequestSize, pool && ((size) => pool.acquire(size)), memory);
    socket.setNoDelay(true);
    if (options.idleTimeoutMs > 0) {
      socket.setTimeout(options.idleTimeoutMs, () => {
        this.closeLog.debug('idle-connection', { connection: id }, 'closing idle connection');
        this.close();
      });
    }
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => {
      this.closeLog.debug('connection-error', { connection: id, err: err.message }, 'connection error');
      this.close();
    });
    socket.on('close', () => this.close());
  }

  /** Requests received and not yet handled (the one being handled excluded). */
  get queuedRequests(): number {
    return this.queue.length;
  }

  /** Whether reading is paused: the queue is over its budget, or the next frame waits for memory. */
  get isReadPaused(): boolean {
    return this.readPaused;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get closedSignal(): AbortSignal {
    return this.closing.signal;
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  /** Resolves when the request being handled (if any) has been answered. */
  async drain(): Promise<void> {
    await this.inFlight;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // The memory of the frames not handled (the one being handled is released when it is done).
    this.cancelMemoryWait?.();
    this.cancelMemoryWait = null;
    this.memoryPool?.release(this.queuedBytes);
    this.decoder.close();
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.socket.destroy();
    this.closing.abort();
    for (const l of this.closeListeners) l();
    this.closeListeners = [];
  }

  /** Closes after the current response is written (graceful shutdown). */
  async closeGracefully(): Promise<void> {
    await this.inFlight;
    this.close();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.receive(() => this.decoder.push(chunk));
  }

  /** Memory for the waiting frame was taken for this connection: read on. */
  private onMemoryAllocated(): void {
    this.cancelMemoryWait = null;
    if (this.closed) {
      this.memoryPool?.release(this.decoder.awaitingMemory);
      return;
    }
    this.receive(() => this.decoder.memoryGranted());
  }

  private receive(decode: () => Buffer[]): void {
    let frames: Buffer[];
    try {
      frames = decode();
    } catch (err) {
      const remote = `${this.remoteAddress}:${this.remotePort}`;
      if (err instanceof InvalidFrameSizeError) {
        this.closeLog.warn('invalid-frame', { connection: this.id, remote }, `closing connection: ${err.message}`);
      } else {
        this.closeLog.error('framing-failure', { connection: this.id, remote, err }, 'closing connection: unexpected framing failure');
      }
      this.close();
      return;
    }
    for (const f of frames) {
      this.queue.push(f);
      this.queuedBytes += f.length;
    }
    // Only complete frames count: a partial frame larger than the budget must still be read whole
    // (pausing with nothing queued would never resume).
    if (this.queue.length > 0 && (this.queue.length >= QUEUED_REQUESTS_PAUSE || this.queuedBytes >= QUEUED_BYTES_PAUSE)) this.queueFull = true;
    const awaiting = this.decoder.awaitingMemory;
    if (awaiting >= 0 && this.cancelMemoryWait === null && this.memoryPool) {
      let waiting = true;
      const cancel = this.memoryPool.allocateWhenAvailable(awaiting, () => {
        waiting = false;
        this.onMemoryAllocated();
      });
      // (Memory given at once has already been used, and may have started another wait.)
      if (waiting) this.cancelMemoryWait = cancel;
    }
    this.updateReading();
    this.startProcessing();
  }

  /** Pauses the socket while the queue is full or a frame waits for memory; resumes otherwise. */
  private updateReading(): void {
    if (this.closed) return;
    const pause = this.queueFull || this.decoder.awaitingMemory >= 0;
    if (pause === this.readPaused) return;
    this.readPaused = pause;
    if (pause) this.socket.pause();
    else this.socket.resume();
  }

  private startProcessing(): void {
    if (this.processing || this.closed || this.queue.length === 0) return;
    this.processing = true;
    this.inFlight = this.processQueue();
  }

  private async processQueue(): Promise<void> {
    try {
      while (!this.closed && this.queue.length > 0) {
        const frame = this.queue.shift() as Buffer;
        this.queuedBytes -= frame.length;
        if (this.queueFull && this.queue.length < QUEUED_REQUESTS_PAUSE / 2 && this.queuedBytes <= QUEUED_BYTES_PAUSE / 2) {
          this.queueFull = false;
          this.updateReading();
        }
        let held = true;
        const releaseFrame = (): void => {
          if (!held) return;
          held = false;
          this.memoryPool?.release(frame.length);
        };
        const auth = this.authenticator;
        if (auth && (!auth.complete || auth.maybeBeginReauthentication(frame))) {
          const authenticated = await this.authenticate(auth, frame).finally(releaseFrame);
          if (!authenticated) return;
          continue;
        }
        if (auth?.sessionExpired()) {
          releaseFrame();
          // KIP-368: a request after the session expired (without re-authentication) closes the connection.
          this.closeLog.info('reauthentication-expired', { connection: this.id, remote: `${this.remoteAddress}:${this.remotePort}`, principal: this.principal.toString() },
            'closing connection whose SASL session expired without re-authentication');
          this.close();
          return;
        }
        let response: Buffer[] | null;
        try {
          response = await this.handler.handle(frame, this, releaseFrame);
        } catch (err) {
          this.closeLog.warn('failed-request', { connection: this.id, remote: `${this.remoteAddress}:${this.remotePort}`, err: err instanceof Error ? err.message : String(err) },
            'closing connection after a failed request');
          this.close();
          return;
        } finally {
          releaseFrame();
        }
        if (this.bufferPool && this.handler.frameReusable?.(frame)) this.bufferPool.release(frame);
        if (response !== null && !this.closed) await this.write(response);
      }
    } finally {
      this.processing = false;
    }
    // Frames that arrived while the last write was pending.
    this.startProcessing();
  }

  /**
   * One frame of the SASL exchange; false when the connection is closed. A failed authentication
   * is answered (when there is an answer) and closed after connection.failed.authentication.delay.ms,
   * as Kafka's Selector delays the close of such channels.
   */
  private async authenticate(auth: ChannelAuthenticator, frame: Buffer): Promise<boolean> {
    let step;
    try {
      await this.handler.ready?.();
      step = await auth.onFrame(frame);
    } catch (err) {
      const remote = `${this.remoteAddress}:${this.remotePort}`;
      if (err instanceof AuthenticationFailure) {
        this.closeLog.info('failed-authentication', { connection: this.id, remote, reason: err.message },
          `Failed authentication with ${remote} (${err.message})`);
        if (err.delayed && this.failedAuthenticationDelayMs > 0) await delay(this.time, this.failedAuthenticationDelayMs);
        if (err.response && !this.closed) await this.write(err.response);
      } else {
        this.closeLog.warn('failed-authentication-frame', { connection: this.id, remote, err: err instanceof Error ? err.message : String(err) },
          'closing connection after a bad frame during SASL authentication');
      }
      this.close();
      return false;
    }
    if (step.principal) this.principal = step.principal;
    if (step.response && !this.closed) await this.write(step.response);
    return !this.closed;
  }

  private async write(chunks: Buffer[]): Promise<void> {
    const socket = this.socket;
    const pool = this.bufferPool;
    socket.cork();
    let ok = true;
    // Writes complete in order: once the last chunk is written (or the socket failed), the stream
    // holds none of them and the pool's buffers among them can be reused.
    const releaseAll = pool && ((): void => chunks.forEach((c) => pool.release(c)));
    for (let i = 0; i < chunks.length; i++) ok = socket.write(chunks[i]!, i === chunks.length - 1 ? releaseAll : undefined);
    socket.uncork();
    if (!ok && !this.closed) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
    }
  }
}
