/**
 * Inter-broker client (Kafka's NetworkClient as used by the controller channel and replica
 * fetchers): one lazily opened connection to a destination, several requests in flight matched by
 * correlation id, a typed failure for every pending request when the connection drops, and a
 * request timeout. It moves frames; encoding and decoding stay with lib/protocol.
 * With `security` (the inter-broker listener's, or a tool's --command-config) the connection is
 * TLS and/or authenticates with SASL before the first request is written. When the broker bounds
 * the SASL session (KIP-368 connections.max.reauth.ms), the client starts a new session at a
 * random point between 85% and 95% of its lifetime, as Kafka's clients re-authenticate then: a
 * send with nothing in flight on the old connection opens and authenticates a fresh one (kafkats
 * reconnects rather than re-authenticating on the same socket).
 */
import net from 'node:net';
import tls from 'node:tls';
import type { SslFactory } from '../security/ssl/ssl-factory.js';
import type { SaslClient } from '../security/authenticator/sasl-server.js';
import { saslClientAuthenticate } from './sasl-client-authenticator.js';
import { SYSTEM_TIME, type Time } from '../common/time.js';
import { FrameDecoder } from './frame-decoder.js';
import type { BufferPool } from '../utils/buffer-pool.js';
import { NetworkError, RequestTimedOutError } from '../protocol/errors.js';

export interface Destination {
  host: string;
  port: number;
}

interface Pending {
  resolve: (frame: Buffer) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export interface NetworkClientOptions {
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  maxResponseSize: number;
  /** Where large response frames are assembled (the caller releases a frame it has finished with). */
  bufferPool?: BufferPool;
  /** TLS and SASL of the connection (absent: PLAINTEXT). */
  security?: ClientChannelSecurity | null;
  /** The clock SASL session lifetimes are counted on (default: the system clock). */
  time?: Time;
}

/** How a client connection is secured (Kafka's client-side ChannelBuilder). */
export interface ClientChannelSecurity {
  /** Set for SSL and SASL_SSL (client mode). */
  readonly ssl: SslFactory | null;
  /** Set for SASL_PLAINTEXT and SASL_SSL: a fresh SaslClient per connection. */
  readonly newSaslClient: (() => SaslClient) | null;
  readonly clientId: string;
}

export class NetworkClient {
  private socket: net.Socket | null = null;
  private connecting: Promise<net.Socket> | null = null;
  private readonly pending = new Map<number, Pending>();
  private closed = false;
  /** Bumped on every disconnect, so a send that raced with one can tell. */
  private generation = 0;
  /** When the SASL session of the open connection is to be renewed (monotonic ms), if bounded. */
  private sessionRenewAtMs: number | null = null;

  constructor(
    readonly destination: Destination,
    private readonly options: NetworkClientOptions,
  ) {}

  get inFlightCount(): number {
    return this.pending.size;
  }

  /**
   * Sends one size-prefixed request frame (as chunks) whose correlation id is `correlationId`;
   * resolves with the response payload (without the size prefix), or with null when
   * `expectResponse` is false (acks=0 produce).
   */
  async send(correlationId: number, frame: Buffer[], expectResponse = true): Promise<Buffer | null> {
    if (this.closed) throw new NetworkError(`client to ${this.describe()} is closed`);
    this.maybeRenewSession();
    if (!expectResponse) {
      const socket = await this.connect();
      for (const c of frame) socket.write(c);
      return null;
    }
    // Registered before connecting, so a disconnect at any point fails this request.
    const response = new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(new RequestTimedOutError(`request ${correlationId} to ${this.describe()} timed out after ${this.options.requestTimeoutMs} ms`));
        // A timed-out request leaves the stream in an unknown state: start afresh, as Kafka does.
        this.disconnect(new NetworkError(`disconnected from ${this.describe()} after a request timeout`));
      }, this.options.requestTimeoutMs);
      timer.unref();
      this.pending.set(correlationId, { resolve, reject, timer });
    });
    // The connection may fail (or the client close) while we still await connect() below: the
    // caller gets the rejection through `return response`, so it must not count as unhandled.
    response.catch(() => undefined);
    const generation = this.generation;
    let socket: net.Socket;
    try {
      socket = await this.connect();
    } catch (err) {
      this.fail(correlationId, err as Error);
      return response;
    }
    if (generation !== this.generation || !this.pending.has(correlationId)) {
      this.fail(correlationId, new NetworkError(`connection to ${this.describe()} was reset`));
      return response;
    }
    socket.cork();
    for (const c of frame) socket.write(c);
    socket.uncork();
    return response;
  }

  private get time(): Time {
    return this.options.time ?? SYSTEM_TIME;
  }

  /** KIP-368: an idle connection whose SASL session is due for renewal is replaced by a new one. */
  private maybeRenewSession(): void {
    if (!this.socket || this.sessionRenewAtMs === null || this.pending.size > 0) return;
    if (this.time.hiResClockMs() < this.sessionRenewAtMs) return;
    this.generation++;
    this.socket.destroy();
    this.socket = null;
    this.sessionRenewAtMs = null;
  }

  private fail(correlationId: number, err: Error): void {
    const p = this.pending.get(correlationId);
    if (!p) return;
    this.pending.delete(correlationId);
    clearTimeout(p.timer);
    p.reject(err);
  }

  /** Fails every in-flight request and drops the connection; the next send reconnects. */
  disconnect(reason: Error = new NetworkError(`disconnected from ${this.describe()}`)): void {
    this.generation++;
    const s = this.socket;
    this.socket = null;
    this.connecting = null;
    if (s) s.destroy();
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(reason);
    }
    this.pending.clear();
  }

  close(): void {
    this.closed = true;
    this.disconnect(new NetworkError(`client to ${this.describe()} closed`));
  }

  private describe(): string {
    return `${this.destination.host}:${this.destination.port}`;
  }

  private connect(): Promise<net.Socket> {
    if (this.socket) return Promise.resolve(this.socket);
    if (this.connecting) return this.connecting;
    const security = this.options.security ?? null;
    const attempt = new Promise<net.Socket>((resolve, reject) => {
      const { host, port } = this.destination;
      const socket = security?.ssl ? tls.connect({ host, port, ...security.ssl.clientOptions(host) }) : net.connect({ host, port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new NetworkError(`connect to ${this.describe()} timed out`));
      }, this.options.connectTimeoutMs);
      timer.unref();
      const pool = this.options.bufferPool;
      const decoder = new FrameDecoder(this.options.maxResponseSize, pool && ((size) => pool.acquire(size)));
      /** While authenticating: where the next frame goes. */
      let authWaiter: ((frame: Buffer) => void) | null = null;
      const ready = (): void => {
        clearTimeout(timer);
        if (this.closed) {
          socket.destroy();
          reject(new NetworkError(`client to ${this.describe()} is closed`));
          return;
        }
        this.socket = socket;
        this.connecting = null;
        resolve(socket);
      };
      const onConnected = (): void => {
        if (!security?.newSaslClient) {
          ready();
          return;
        }
        const exchange = (frame: Buffer): Promise<Buffer> => new Promise<Buffer>((res) => {
          authWaiter = res;
          socket.write(frame);
        });
        saslClientAuthenticate(exchange, security.newSaslClient(), security.clientId).then((lifetimeMs) => {
          this.sessionRenewAtMs = lifetimeMs > 0 ? this.time.hiResClockMs() + lifetimeMs * (0.85 + 0.1 * Math.random()) : null;
          ready();
        }, (err: Error) => {
          clearTimeout(timer);
          socket.destroy();
          reject(err);
        });
      };
      socket.once(security?.ssl ? 'secureConnect' : 'connect', onConnected);
      socket.on('data', (chunk: Buffer) => {
        let frames: Buffer[];
        try {
          frames = decoder.push(chunk);
        } catch (err) {
          this.disconnect(new NetworkError(`bad frame from ${this.describe()}: ${(err as Error).message}`));
          socket.destroy();
          return;
        }
        for (const f of frames) {
          if (authWaiter) {
            const w = authWaiter;
            authWaiter = null;
            w(f);
            continue;
          }
          if (f.length < 4) continue;
          const p = this.pending.get(f.readInt32BE(0));
          if (!p) continue;
          this.pending.delete(f.readInt32BE(0));
          clearTimeout(p.timer);
          p.resolve(f);
        }
      });
      const onGone = (err?: Error): void => {
        clearTimeout(timer);
        if (this.connecting === attempt) this.connecting = null;
        if (this.socket === socket) this.disconnect(new NetworkError(`connection to ${this.describe()} lost${err ? `: ${err.message}` : ''}`));
        reject(new NetworkError(`cannot connect to ${this.describe()}${err ? `: ${err.message}` : ''}`));
      };
      socket.on('error', onGone);
      socket.on('close', () => onGone());
    });
    this.connecting = attempt;
    return attempt;
  }
}
