/**
 * The console's HTTP server: the page (console-ui/index.html, app.js, console.css), Preact and htm
 * served from their npm packages (no CDN, no build step), a JSON API over ConsoleApi, and
 * Server-Sent Events at /api/events: while a page is open, the cluster overview is read every
 * `refreshMs` and pushed, and the page re-reads what it shows, so it stays live without a reload.
 *
 * Bad input is a 4xx with `{ error }` that the page shows; an unexpected failure is a 500 with the
 * error's message, logged once; neither stops the server. Writes need a JSON body (a cross-site
 * form cannot send one without the browser asking first) and are refused in read-only mode.
 */
import http from 'node:http';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ApiError } from '../../protocol/errors.js';
import { CliError, describeError } from '../cli-support.js';
import { ConsoleApi, ConsoleError } from './console-api.js';
import { SYSTEM_TIME, type Time, type TimerHandle } from '../../common/time.js';

export interface ConsoleServerOptions {
  bootstrap: string[];
  host: string;
  port: number;
  readOnly: boolean;
  /** The cluster's ZooKeeper (host:port[/chroot]), read for what only it knows. */
  zookeeper?: string;
  refreshMs?: number;
  /** The clock of the live pushes (default: the system clock). */
  time?: Time;
  log?: (line: string) => void;
}

const UI_DIR = new URL('../../../console-ui/', import.meta.url);
const MAX_BODY = 1024 * 1024;

interface Asset { type: string; body: Buffer }

function vendorFile(specifier: string): Buffer {
  return readFileSync(fileURLToPath(import.meta.resolve(specifier)));
}

const IMPORT_MAP = JSON.stringify({ imports: { preact: '/vendor/preact.mjs', 'preact/hooks': '/vendor/hooks.mjs', htm: '/vendor/htm.mjs' } });

function loadAssets(): { assets: Map<string, Asset>; csp: string } {
  const js = 'text/javascript; charset=utf-8';
  const html = readFileSync(new URL('index.html', UI_DIR), 'utf8').replace('<!--IMPORT_MAP-->', `<script type="importmap">${IMPORT_MAP}</script>`);
  const mapHash = createHash('sha256').update(IMPORT_MAP).digest('base64');
  const assets = new Map<string, Asset>([
    ['/', { type: 'text/html; charset=utf-8', body: Buffer.from(html) }],
    ['/app.js', { type: js, body: readFileSync(new URL('app.js', UI_DIR)) }],
    ['/console.css', { type: 'text/css; charset=utf-8', body: readFileSync(new URL('console.css', UI_DIR)) }],
    ['/vendor/preact.mjs', { type: js, body: vendorFile('preact') }],
    ['/vendor/hooks.mjs', { type: js, body: vendorFile('preact/hooks') }],
    ['/vendor/htm.mjs', { type: js, body: vendorFile('htm') }],
  ]);
  const csp = `default-src 'self'; script-src 'self' 'sha256-${mapHash}'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'`;
  return { assets, csp };
}

type Handler = (m: RegExpExecArray, q: URLSearchParams, body: Record<string, unknown>) => Promise<unknown>;

export class ConsoleServer {
  readonly api: ConsoleApi;
  private readonly server: http.Server;
  private readonly routes: Array<[string, RegExp, Handler]>;
  private readonly streams = new Set<http.ServerResponse>();
  private timer: TimerHandle | null = null;
  private readonly assets: Map<string, Asset>;
  private readonly csp: string;
  private readonly log: (line: string) => void;

  constructor(private readonly options: ConsoleServerOptions) {
    this.api = new ConsoleApi(options.bootstrap, options.readOnly, options.zookeeper);
    ({ assets: this.assets, csp: this.csp } = loadAssets());
    this.log = options.log ?? ((line) => process.stderr.write(line + '\n'));
    const api = this.api;
    const name = (m: RegExpExecArray): string => decodeURIComponent(m[1]!);
    this.routes = [
      ['GET', /^\/api\/cluster$/, () => api.cluster()],
      ['GET', /^\/api\/topics$/, () => api.topics()],
      ['POST', /^\/api\/topics$/, async (_m, _q, b) => api.createTopic(b)],
      ['GET', /^\/api\/topics\/([^/]+)$/, (m) => api.topic(name(m))],
      ['DELETE', /^\/api\/topics\/([^/]+)$/, (m) => api.deleteTopic(name(m))],
      ['POST', /^\/api\/topics\/([^/]+)\/partitions$/, (m, _q, b) => api.addPartitions(name(m), b)],
      ['GET', /^\/api\/topics\/([^/]+)\/records$/, (m, q) => api.records(name(m), q)],
      ['POST', /^\/api\/topics\/([^/]+)\/records$/, (m, _q, b) => api.produce(name(m), b)],
      ['GET', /^\/api\/groups$/, () => api.groups()],
      ['GET', /^\/api\/groups\/([^/]+)$/, (m) => api.group(name(m))],
      ['POST', /^\/api\/groups\/([^/]+)\/offsets$/, (m, _q, b) => api.resetOffsets(name(m), b)],
      ['GET', /^\/api\/acls$/, () => api.acls()],
      ['GET', /^\/api\/reassignments$/, () => api.reassignments()],
    ];
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  async listen(): Promise<{ host: string; port: number; url: string }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => resolve());
    });
    this.server.on('error', (err) => this.log(`console: ${err.message}`));
    const a = this.server.address() as { address: string; port: number };
    const host = a.address.includes(':') ? `[${a.address}]` : a.address;
    return { host: a.address, port: a.port, url: `http://${host}:${a.port}/` };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://console');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    try {
      if (url.pathname === '/api/events' && req.method === 'GET') return this.openStream(res);
      if (url.pathname.startsWith('/api/')) return await this.handleApi(req, res, url);
      const asset = req.method === 'GET' || req.method === 'HEAD' ? this.assets.get(url.pathname) : undefined;
      if (!asset) return this.json(res, 404, { error: `not found: ${url.pathname}` });
      res.writeHead(200, { 'Content-Type': asset.type, 'Content-Security-Policy': this.csp, 'Cache-Control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : asset.body);
    } catch (err) {
      this.fail(res, err);
    }
  }

  private async handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const candidates = this.routes.filter(([, re]) => re.test(url.pathname));
    if (candidates.length === 0) return this.json(res, 404, { error: `no such API: ${url.pathname}` });
    const route = candidates.find(([method]) => method === req.method);
    if (!route) return this.json(res, 405, { error: `${req.method} is not allowed on ${url.pathname}` });
    let body: Record<string, unknown> = {};
    if (req.method !== 'GET') {
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) throw new ConsoleError(415, 'send the request body as application/json');
      body = await readJson(req);
    }
    const result = await route[2](route[1].exec(url.pathname)!, url.searchParams, body);
    this.json(res, 200, result ?? { ok: true });
    if (req.method !== 'GET') this.refreshSoon();
  }

  private fail(res: http.ServerResponse, err: unknown): void {
    const status = err instanceof ConsoleError ? err.status : isUnreachable(err) ? 503 : isRefusal(err) ? 409 : 500;
    const message = err instanceof ConsoleError ? err.message : describeError(err);
    if (status === 500) this.log(`console: ${message}`);
    if (!res.headersSent) this.json(res, status, { error: message });
    else res.end();
  }

  private json(res: http.ServerResponse, status: number, value: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(value));
  }

  private openStream(res: http.ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    this.streams.add(res);
    res.on('close', () => {
      this.streams.delete(res);
      if (this.streams.size === 0) this.cancelPush();
    });
    this.refreshSoon();
  }

  /** The next push at once (after a change, or for a newly opened page), then every refreshMs. */
  private refreshSoon(): void {
    if (this.streams.size === 0) return;
    this.schedulePush(0);
  }

  private async push(): Promise<void> {
    let event: string;
    try {
      event = `event: cluster\ndata: ${JSON.stringify(await this.api.cluster())}\n\n`;
    } catch (err) {
      event = `event: failure\ndata: ${JSON.stringify({ error: describeError(err) })}\n\n`;
    }
    for (const s of this.streams) s.write(event);
    if (this.streams.size > 0) this.schedulePush(this.options.refreshMs ?? 2000);
  }

  private schedulePush(delayMs: number): void {
    this.cancelPush();
    this.timer = (this.options.time ?? SYSTEM_TIME).setTimer(() => void this.push(), delayMs);
  }

  private cancelPush(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  async close(): Promise<void> {
    this.cancelPush();
    for (const s of this.streams) s.end();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.api.close();
  }
}

/** A Kafka error answer (through kafkats' codec or kafkajs) or a tool's worded refusal: the user's to read, not a console bug. */
function isRefusal(err: unknown): boolean {
  return err instanceof CliError || err instanceof ApiError || (err instanceof Error && err.name.startsWith('KafkaJS'));
}

/** The cluster cannot be reached (connection refused, reset, timed out). */
function isUnreachable(err: unknown): boolean {
  if (err instanceof CliError && err.message.startsWith('cannot reach any bootstrap server')) return true;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ConsoleError(413, `request body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConsoleError(400, `the request body is not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConsoleError(400, 'the request body must be a JSON object');
  return value as Record<string, unknown>;
}
