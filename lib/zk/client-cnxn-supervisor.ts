/**
 * ClientCnxnSupervisor: ZooKeeper's ClientCnxn liveness rules for one node-zookeeper-client Client.
 *
 * node-zookeeper-client's ConnectionManager lacks them: its connect timeout ends when TCP connects,
 * so a server that accepts and never answers the handshake holds it forever; once connected it
 * pings on socket inactivity but never drops a connection on which nothing is heard; an error
 * thrown while parsing a reply (a reply code it does not know, a late ConnectResponse read as an
 * ordinary reply, a malformed frame) escapes from its socket handler as an uncaught exception; and a
 * connection attempt it scheduled still runs after close(). ZooKeeper's Java client (ClientCnxn),
 * which Kafka uses, is the reference for what this adds around it:
 *
 * - connect timeout = session timeout / number of hosts, from the start of a connection attempt
 *   until the ConnectResponse; then the socket is dropped and the next host is tried;
 * - read timeout = 2/3 of the (negotiated) session timeout: a connected socket on which nothing
 *   was received for that long is dropped and the next host is tried (the session is resumed there
 *   if it is still alive); a ping is sent when nothing was sent for half the read timeout;
 * - session lost: when no server has been heard for a whole session timeout, every server has
 *   expired the session (the ensemble expires a session it has not heard from in that time), so
 *   `onSessionLost` runs at once instead of when a server finally answers "expired". This is what
 *   lets a broker resign as controller before another broker is elected.
 * - a reply the library cannot handle is logged, the request it answered fails with
 *   MARSHALLING_ERROR, and the connection is dropped as after any protocol error; nothing escapes.
 *
 * Lines repeated during an outage (one per connection attempt) go through a RateLimitedLog.
 *
 * It relies on a few private members of the library's ConnectionManager (checked when attached,
 * so an incompatible library version fails at once rather than silently).
 */
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import zookeeper from 'node-zookeeper-client';
import { SYSTEM_TIME, type Time, type TimerHandle } from '../common/time.js';
import type { RateLimitedLog } from '../common/rate-limited-log.js';
import type { Logger } from '../utils/logger.js';

/** The private parts of node-zookeeper-client 1.x's ConnectionManager used here. */
interface ConnectionManagerInternals {
  socket?: Socket;
  pendingBuffer: Buffer | null;
  pendingQueue: Packet[];
  packetQueue: { shift(): Packet | undefined };
  connectTimeoutHandler: NodeJS.Timeout | null;
  servers: Array<{ host: string; port: number | string }>;
  findNextServer(callback: (server: { host: string; port: number | string }) => void): void;
  onSocketData(buffer: Buffer): void;
  queue(request: unknown): void;
}

/** The library's wire records (jute), for a ping request. */
interface Jute {
  XID_PING: number;
  OP_CODES: { PING: number };
  protocol: { RequestHeader: new (xid: number, type: number) => unknown };
  Request: new (header: unknown, payload: null) => unknown;
}
const jute = createRequire(import.meta.url)('node-zookeeper-client/lib/jute') as Jute;

interface Packet {
  callback?: (error: unknown, response?: unknown) => void;
}

type ExceptionFactory = { create(code: number): unknown };

/** How often the timeouts are checked (the session deadline has its own exact timer). */
const CHECK_INTERVAL_MS = 100;

export interface ClientCnxnSupervisorOptions {
  /** Runs once when no server has been heard for the session timeout while disconnected. */
  onSessionLost: () => void;
  /** The client's log; repeated connection trouble (every attempt during an outage) is rate-limited. */
  limited: RateLimitedLog;
  time?: Time;
}

export class ClientCnxnSupervisor {
  private readonly cm: ConnectionManagerInternals;
  private readonly time: Time;
  private readonly log: Logger;
  private readonly limited: RateLimitedLog;
  private readonly onSessionLost: () => void;
  /** No more timeouts checked (closing, expired, lost). */
  private stopped = false;
  /** No more connection attempts either. */
  private abandoned = false;
  private checkTimer: TimerHandle | null = null;
  private sessionTimer: TimerHandle | null = null;
  /** The socket of the current attempt, its start, its target and what was read/written on it. */
  private socket: Socket | null = null;
  private attemptStartedMs = 0;
  private server = '';
  private lastHeardMs = 0;
  private lastSentMs = 0;
  private bytesWritten = 0;
  /** When the established session last heard from a server; null until it is first established. */
  private sessionHeardMs: number | null = null;

  /** Supervises `raw`; call before raw.connect(). */
  constructor(private readonly raw: zookeeper.Client, options: ClientCnxnSupervisorOptions) {
    const cm = (raw as unknown as { connectionManager?: ConnectionManagerInternals }).connectionManager;
    if (cm === undefined || typeof cm.findNextServer !== 'function' || typeof cm.onSocketData !== 'function' ||
      typeof cm.queue !== 'function' || !Array.isArray(cm.pendingQueue) || !Array.isArray(cm.servers) ||
      typeof jute.protocol?.RequestHeader !== 'function' || typeof jute.Request !== 'function') {
      throw new Error('node-zookeeper-client ConnectionManager layout changed: cannot supervise its connections');
    }
    this.cm = cm;
    this.time = options.time ?? SYSTEM_TIME;
    this.limited = options.limited;
    this.log = options.limited.logger;
    this.onSessionLost = options.onSessionLost;
    this.hookConnectionAttempts();
    this.hookReplies();
    raw.on('state', (s) => this.onState(s));
    this.scheduleCheck();
  }

  /** Stops supervising and makes the client inert: no further connection attempt; the current socket is dropped. */
  abandon(): void {
    if (this.abandoned) return;
    this.abandoned = true;
    this.stop();
    if (this.cm.connectTimeoutHandler !== null) clearTimeout(this.cm.connectTimeoutHandler);
    // Requests queued but never written would otherwise wait forever.
    for (let p = this.cm.packetQueue.shift(); p !== undefined; p = this.cm.packetQueue.shift()) this.fail(p, zookeeper.Exception.CONNECTION_LOSS);
    this.cm.socket?.destroy();
  }

  /** Stops supervising but leaves the socket to the library (a graceful close in progress). */
  stop(): void {
    this.stopped = true;
    this.checkTimer?.cancel();
    this.sessionTimer?.cancel();
  }

  private get sessionTimeoutMs(): number {
    return this.raw.getSessionTimeout();
  }

  private isConnected(): boolean {
    const s = this.raw.getState();
    return s === zookeeper.State.SYNC_CONNECTED || s === zookeeper.State.CONNECTED_READ_ONLY;
  }

  /** Each attempt starts its own clock (and its own framing: the library keeps a partial frame across sockets). */
  private hookConnectionAttempts(): void {
    const cm = this.cm;
    const findNextServer = cm.findNextServer.bind(cm);
    cm.findNextServer = (callback) => {
      findNextServer((server) => {
        if (this.abandoned) return; // no new socket for a client given up
        if (cm.connectTimeoutHandler !== null) clearTimeout(cm.connectTimeoutHandler);
        cm.pendingBuffer = null;
        const now = this.time.hiResClockMs();
        this.attemptStartedMs = now;
        this.lastHeardMs = now;
        this.lastSentMs = now;
        this.bytesWritten = 0;
        this.server = `${server.host}:${server.port}`;
        callback(server);
        this.socket = cm.socket ?? null;
      });
    };
  }

  private hookReplies(): void {
    const cm = this.cm;
    const onSocketData = cm.onSocketData.bind(cm);
    cm.onSocketData = (buffer: Buffer) => {
      this.lastHeardMs = this.time.hiResClockMs();
      const awaiting = cm.pendingQueue[0];
      try {
        onSocketData(buffer);
      } catch (err) {
        this.onUnreadableReply(err, awaiting);
        return;
      }
      if (this.isConnected()) this.sessionHeardMs = this.lastHeardMs;
    };
  }

  /** A reply the library could not handle: fail the request it answered, drop the connection. */
  private onUnreadableReply(err: unknown, awaiting: Packet | undefined): void {
    this.limited.warn('zk-unreadable-reply', { err, server: this.server }, 'Could not handle a reply from ZooKeeper; closing the connection and reconnecting');
    if (awaiting !== undefined && !this.cm.pendingQueue.includes(awaiting)) this.fail(awaiting, zookeeper.Exception.MARSHALLING_ERROR);
    this.cm.pendingBuffer = null;
    this.cm.socket?.destroy();
  }

  private fail(packet: Packet, code: number): void {
    try {
      packet.callback?.((zookeeper.Exception as unknown as ExceptionFactory).create(code));
    } catch (err) {
      this.log.error({ err }, 'ZooKeeper request callback failed');
    }
  }

  private onState(state: zookeeper.State): void {
    if (this.stopped) return;
    if (state === zookeeper.State.SYNC_CONNECTED || state === zookeeper.State.CONNECTED_READ_ONLY) {
      this.sessionHeardMs = this.time.hiResClockMs();
      this.sessionTimer?.cancel();
      this.sessionTimer = null;
    } else if (state === zookeeper.State.DISCONNECTED && this.sessionHeardMs !== null) {
      this.armSessionDeadline();
    } else if (state === zookeeper.State.EXPIRED) {
      this.stop();
    }
  }

  /** While disconnected: the session is lost one session timeout after a server was last heard. */
  private armSessionDeadline(): void {
    this.sessionTimer?.cancel();
    const heard = this.sessionHeardMs ?? this.time.hiResClockMs();
    const remaining = heard + this.sessionTimeoutMs - this.time.hiResClockMs();
    this.sessionTimer = this.time.setTimer(() => {
      this.sessionTimer = null;
      if (this.stopped || this.isConnected()) return;
      this.log.warn(`No ZooKeeper server answered for ${Math.round(this.time.hiResClockMs() - heard)} ms (session timeout ${this.sessionTimeoutMs} ms): the session is lost`);
      this.stop();
      this.onSessionLost();
    }, Math.max(0, remaining));
  }

  private scheduleCheck(): void {
    if (this.stopped) return;
    this.checkTimer = this.time.setTimer(() => {
      this.check();
      this.scheduleCheck();
    }, CHECK_INTERVAL_MS);
  }

  private check(): void {
    const sock = this.cm.socket;
    if (this.stopped || sock === undefined || sock !== this.socket || sock.destroyed) return;
    const now = this.time.hiResClockMs();
    if (!this.isConnected()) {
      const connectTimeoutMs = Math.floor(this.sessionTimeoutMs / Math.max(1, this.cm.servers.length));
      if (now - this.attemptStartedMs >= connectTimeoutMs) {
        this.limited.info('zk-connect-timeout', {}, `No answer from ZooKeeper server ${this.server} within the connect timeout (${connectTimeoutMs} ms); trying the next server`);
        sock.destroy();
      }
      return;
    }
    if (sock.bytesWritten !== this.bytesWritten) {
      this.bytesWritten = sock.bytesWritten;
      this.lastSentMs = now;
    }
    const readTimeoutMs = Math.floor((this.sessionTimeoutMs * 2) / 3);
    if (now - this.lastHeardMs >= readTimeoutMs) {
      const silentMs = Math.round(now - this.lastHeardMs);
      this.limited.warn('zk-read-timeout', {}, `Client session timed out, have not heard from server ${this.server} in ${silentMs} ms; closing the connection and trying the next server`);
      sock.destroy();
    } else if (now - this.lastSentMs >= readTimeoutMs / 2) {
      this.lastSentMs = now;
      this.cm.queue(new jute.Request(new jute.protocol.RequestHeader(jute.XID_PING, jute.OP_CODES.PING), null));
    }
  }
}
