/**
 * Kafka's SocketServer: one TCP acceptor per listener, a Connection per client, graceful shutdown.
 * A listener whose host is `localhost` binds both 127.0.0.1 and ::1 (when the machine has IPv6
 * loopback) so clients resolving `localhost` to either family connect; an empty host binds all
 * interfaces (dual-stack `::` where available, else 0.0.0.0), as Kafka does for `PLAINTEXT://:9092`.
 * Connection limits (max.connections, max.connections.per.ip[.overrides]) are its ConnectionQuotas,
 * changed at runtime through reconfigureConnectionQuotas (dynamic broker configs).
 * Its MemoryPool (`queued.max.request.bytes`) bounds the bytes of requests read and not yet handled
 * across all connections; its connections share one rate-limited log, so a stream of malformed
 * frames logs a line and a count, not a line each.
 */
import net from 'node:net';
import tls from 'node:tls';
import { networkInterfaces as osInterfaces } from 'node:os';
import { Connection, type ConnectionOptions, type RequestHandler } from './connection.js';
import { logger } from '../utils/logger.js';
import { MemoryPool } from '../utils/memory-pool.js';
import { RateLimitedLog } from '../common/rate-limited-log.js';
import type { ListenerChannel } from './channel-builder.js';
import { ConnectionQuotas, normalizeAddress } from './connection-quotas.js';
import type { ConnectionQuotaConfig } from '../config/socket-server-config.js';

export interface ListenerSpec {
  /** Listener name, e.g. PLAINTEXT. */
  name: string;
  host: string;
  port: number;
  /**
   * The listener's security (TLS, SASL); absent means PLAINTEXT. A listener is served only as its
   * channel says: an SSL or SASL listener is never served as PLAINTEXT.
   */
  channel?: ListenerChannel;
}

export interface BoundListener extends ListenerSpec {
  /** The port actually bound (differs from `port` only when 0 was asked). */
  boundPort: number;
}

export interface SocketServerOptions extends Omit<ConnectionOptions, 'memoryPool'> {
  /** queued.max.request.bytes: bytes of requests read and not yet handled; -1 for no bound. */
  queuedMaxRequestBytes: number;
}

export class SocketServer {
  private readonly log = logger('kafka.network.SocketServer');
  /** Connections closed for bad input, logged rate-limited across all connections. */
  private readonly closeLog = new RateLimitedLog(this.log);
  /** Kafka's SocketServer.memoryPool. */
  readonly memoryPool: MemoryPool;
  private readonly connectionOptions: ConnectionOptions;
  private readonly servers: net.Server[] = [];
  /** The TLS servers of each TLS listener (one per bound address). */
  private readonly tlsServers = new Map<string, tls.Server[]>();
  private readonly connections = new Set<Connection>();
  private nextConnectionId = 0;
  private bound: BoundListener[] = [];
  private stopping = false;
  private readonly connectionQuotas = new ConnectionQuotas();
  /** Sockets waiting for max.connections (accepted, not read yet). */
  private readonly waiting: Array<{ listener: ListenerSpec; socket: net.Socket; address: string }> = [];

  constructor(
    private readonly listeners: ListenerSpec[],
    private readonly handler: RequestHandler,
    options: SocketServerOptions,
    /** The inter-broker listener, exempt from max.connections (Kafka's protected listener). */
    private readonly interBrokerListener?: string,
  ) {
    const { queuedMaxRequestBytes, ...connectionOptions } = options;
    this.memoryPool = queuedMaxRequestBytes > 0 ? new MemoryPool(queuedMaxRequestBytes) : MemoryPool.unbounded();
    this.connectionOptions = { ...connectionOptions, memoryPool: this.memoryPool, closeLog: this.closeLog };
  }

  /** Kafka's SocketServer.reconfigure for the connection limits. */
  reconfigureConnectionQuotas(config: ConnectionQuotaConfig): void {
    this.connectionQuotas.updateConfig(config);
    this.admitWaiting();
  }

  /**
   * A TLS listener's SslFactory has a new context (its key or trust store changed, KIP-226):
   * connections accepted from now on use it; open connections keep theirs.
   */
  useNewSslContext(listenerName: string): void {
    const ssl = this.listeners.find((l) => l.name === listenerName)?.channel?.ssl;
    if (!ssl) return;
    for (const server of this.tlsServers.get(listenerName) ?? []) server.setSecureContext(ssl.contextOptions);
    this.log.info(`listener ${listenerName} serves its new SSL key store and trust store to new connections`);
  }

  get boundListeners(): readonly BoundListener[] {
    return this.bound;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  async startup(): Promise<void> {
    for (const l of this.listeners) {
      const hosts = await bindHosts(l.host);
      let port = l.port;
      for (const host of hosts) {
        const server = this.createServer(l);
        server.on('error', (err) => this.closeLog.error(`listener-error-${l.name}`, { err }, `listener ${l.name} error`));
        try {
          port = await listen(server, host, port);
        } catch (err) {
          // ::1 may be missing even when the interface list shows it (containers): skip quietly
          // when another family already bound; fail when nothing would be listening.
          if (host === '::1' && this.servers.length > 0) continue;
          throw new Error(`cannot bind listener ${l.name} on ${host}:${port}: ${(err as Error).message}`);
        }
        this.servers.push(server);
      }
      this.bound.push({ ...l, boundPort: port });
      this.log.info(`listening on ${l.name}://${l.host}:${port} (${l.channel?.securityProtocol ?? 'PLAINTEXT'})`);
    }
  }

  /** Stops accepting, lets each connection finish its in-flight request, then closes them. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    // net.Server.close() calls back only once every connection is gone: stop accepting first,
    // let each connection finish its in-flight request, then wait for the listeners.
    const closed = Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    await Promise.all([...this.connections].map((c) => withTimeout(c.closeGracefully(), 5000)));
    for (const c of this.connections) c.close();
    this.connections.clear();
    for (const w of this.waiting.splice(0)) w.socket.destroy();
    await closed;
    this.closeLog.flush();
  }

  private createServer(l: ListenerSpec): net.Server {
    const channel = l.channel;
    if (!channel?.ssl) return net.createServer((socket) => this.accept(l, socket));
    // TLS listeners: a connection is accepted once its handshake completed; a failed handshake (a
    // plaintext client, an untrusted or expired certificate with ssl.client.auth=required) is logged
    // rate-limited and the socket closed by Node.
    const server = tls.createServer(channel.ssl.serverOptions(), (socket) => this.accept(l, socket));
    server.on('tlsClientError', (err, socket) => {
      this.closeLog.info(`ssl-handshake-${l.name}`, { listener: l.name, remote: `${socket.remoteAddress}:${socket.remotePort}`, err: err.message },
        `Failed authentication with ${socket.remoteAddress} (SSL handshake failed: ${err.message})`);
    });
    this.tlsServers.set(l.name, [...this.tlsServers.get(l.name) ?? [], server]);
    return server;
  }

  private accept(l: ListenerSpec, socket: net.Socket): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    const address = normalizeAddress(socket.remoteAddress ?? '');
    if (this.connectionQuotas.exceedsPerIpLimit(address)) {
      this.log.info(`Rejected connection from ${address}, address already has the configured maximum of ${this.connectionQuotas.perIpLimit(address)} connections.`);
      socket.destroy();
      return;
    }
    if (this.connectionQuotas.mustWait(l.name === this.interBrokerListener)) {
      socket.pause();
      socket.once('close', () => {
        const i = this.waiting.findIndex((w) => w.socket === socket);
        if (i >= 0) this.waiting.splice(i, 1);
      });
      this.waiting.push({ listener: l, socket, address });
      return;
    }
    this.open(l, socket, address);
  }

  private open(l: ListenerSpec, socket: net.Socket, address: string): void {
    const id = `${socket.localAddress}:${socket.localPort}-${socket.remoteAddress}:${socket.remotePort}-${this.nextConnectionId++}`;
    const channel = l.channel;
    let principal;
    if (channel?.ssl) {
      try {
        principal = channel.sslPrincipal(socket as tls.TLSSocket);
      } catch (err) {
        this.closeLog.info(`ssl-principal-${l.name}`, { listener: l.name, remote: `${socket.remoteAddress}:${socket.remotePort}`, err: (err as Error).message },
          `Failed authentication with ${socket.remoteAddress} (${(err as Error).message})`);
        socket.destroy();
        return;
      }
    }
    this.connectionQuotas.inc(address);
    let conn: Connection | undefined;
    const authenticator = channel?.newAuthenticator((frame) => this.handler.handle(frame, conn!)) ?? null;
    conn = new Connection(id, l.name, socket, this.handler, { ...this.connectionOptions, principal, authenticator }, this.log);
    this.connections.add(conn);
    const added = conn;
    conn.onClose(() => {
      this.connections.delete(added);
      this.connectionQuotas.dec(address);
      this.admitWaiting();
    });
  }

  /** Lets waiting connections in, oldest first, while max.connections allows. */
  private admitWaiting(): void {
    while (this.waiting.length > 0 && !this.stopping && !this.connectionQuotas.mustWait(false)) {
      const w = this.waiting.shift()!;
      if (w.socket.destroyed) continue;
      if (this.connectionQuotas.exceedsPerIpLimit(w.address)) {
        w.socket.destroy();
        continue;
      }
      w.socket.resume();
      this.open(w.listener, w.socket, w.address);
    }
  }
}

async function bindHosts(host: string): Promise<string[]> {
  if (host === 'localhost') return hasIpv6Loopback() ? ['127.0.0.1', '::1'] : ['127.0.0.1'];
  if (host === '' || host === '0.0.0.0' || host === '::') return [host === '0.0.0.0' ? '0.0.0.0' : hasIpv6() ? '::' : '0.0.0.0'];
  return [host];
}

function hasIpv6Loopback(): boolean {
  return Object.values(osInterfaces()).some((list) => list?.some((i) => i.family === 'IPv6' && i.internal && i.address === '::1'));
}

function hasIpv6(): boolean {
  return Object.values(osInterfaces()).some((list) => list?.some((i) => i.family === 'IPv6'));
}

function listen(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ host, port, ipv6Only: host === '::1' }, () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr !== null ? addr.port : port);
    });
  });
}

async function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms).unref()))]);
  if (timer) clearTimeout(timer);
}
