/**
 * The broker's HTTP endpoint for operators: `GET /metrics` (Prometheus text format) and
 * `GET /health` (JSON; 200 when the broker is serving, 503 otherwise). Bound to
 * `kafkats.metrics.host`:`kafkats.metrics.port`, unref'ed so it never keeps a process alive, and
 * failures (port in use, a failing collector) are logged, never thrown into the broker.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../utils/logger.js';

export type HealthStatus = 'ok' | 'starting' | 'shutting_down';

/** What `GET /health` answers; extra fields (listeners, partitions …) are passed through as JSON. */
export interface BrokerHealth {
  readonly status: HealthStatus;
  readonly brokerId: number;
  /** This broker is the active controller. */
  readonly controller: boolean;
  readonly [key: string]: unknown;
}

export interface MetricsHttpServerOptions {
  /** '' binds every interface (like an empty host in `listeners`). */
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly metrics: () => Promise<string>;
  readonly contentType: string;
  readonly health: () => BrokerHealth;
  readonly log: Logger;
}

export class MetricsHttpServer {
  private server: http.Server | null = null;
  private bound: AddressInfo | null = null;

  constructor(private readonly options: MetricsHttpServerOptions) {}

  /** The bound address once started, else null. */
  get address(): AddressInfo | null {
    return this.bound;
  }

  /** Starts listening; resolves with the bound address, or null (logged) when binding failed. */
  async start(): Promise<AddressInfo | null> {
    if (this.server) return this.bound;
    const { host, port, log } = this.options;
    const server = http.createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        log.error({ err }, 'metrics endpoint failed to answer');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end();
      });
    });
    this.server = server;
    const bound = await new Promise<AddressInfo | null>((resolve) => {
      const onError = (err: Error): void => {
        log.error({ err, host, port }, `cannot serve metrics on ${host || '*'}:${port}`);
        resolve(null);
      };
      server.once('error', onError);
      server.listen(port, host === '' ? undefined : host, () => {
        server.off('error', onError);
        resolve(server.address() as AddressInfo);
      });
    });
    if (bound === null) {
      this.server = null;
      return null;
    }
    server.on('error', (err) => log.error({ err }, 'metrics endpoint error'));
    server.unref();
    this.bound = bound;
    log.info({ host: bound.address, port: bound.port }, `serving /metrics and /health on ${bound.address}:${bound.port}`);
    return bound;
  }

  /** Stops listening and drops open (keep-alive) connections. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    this.bound = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (path !== '/metrics' && path !== '/health') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found: try /metrics or /health\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      res.end('method not allowed\n');
      return;
    }
    const head = req.method === 'HEAD';
    if (path === '/metrics') {
      const body = await this.options.metrics();
      res.writeHead(200, { 'content-type': this.options.contentType });
      res.end(head ? undefined : body);
      return;
    }
    let code: number;
    let body: string;
    try {
      const health = this.options.health();
      code = health.status === 'ok' ? 200 : 503;
      body = JSON.stringify(health, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    } catch (err) {
      this.options.log.error({ err }, 'health callback failed');
      code = 503;
      body = JSON.stringify({ status: 'error', error: (err as Error).message });
    }
    res.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(head ? undefined : `${body}\n`);
  }
}
