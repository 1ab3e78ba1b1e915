/**
 * ZooKeeperClient: a promise API over node-zookeeper-client with the behaviour of Kafka's
 * `kafka.zookeeper.ZooKeeperClient`:
 *
 * - Chroot: a connect string `host:port/chroot` is handled as Kafka's KafkaServer.initZkClient does:
 *   connect without the chroot, create the chroot path if missing, then connect with it.
 * - Connections follow ZooKeeper's ClientCnxn (ClientCnxnSupervisor): a server that does not answer
 *   the handshake within session timeout / number of hosts, or goes silent for 2/3 of the session
 *   timeout, is dropped and the next one tried; replies the library cannot handle drop the
 *   connection instead of escaping as uncaught exceptions.
 * - Requests wait while the client is (re)connecting and are retried on CONNECTIONLOSS
 *   (KafkaZkClient.retryRequestsUntilConnected); a request waiting when its session expires fails
 *   with SessionExpiredError; other failures surface as typed KeeperErrors.
 * - Watches are one-shot, as in ZooKeeper. A watch is set only when a handler is registered for the
 *   path (ZNodeChangeHandler / ZNodeChildChangeHandler) and the request asks for it; the event is
 *   dispatched to that handler, which typically enqueues a controller event and re-arms by reading
 *   again with `watch: true`.
 * - Session expiry (ZooKeeperClient.reinitialize) — announced by a server, or concluded when no
 *   server has answered for a whole session timeout: every StateChangeHandler's
 *   beforeInitializingSession runs (the controller resigns), a NEW session is opened (trying the
 *   ensemble until a server answers), the watches of all registered handlers are re-armed, then
 *   every afterInitializingSession runs — that is where the broker re-registers `/brokers/ids/<id>`
 *   and the controller re-runs its election.
 */
import zookeeper from 'node-zookeeper-client';
import { logger } from '../utils/logger.js';
import { RateLimitedLog } from '../common/rate-limited-log.js';
import { ClientCnxnSupervisor } from './client-cnxn-supervisor.js';
import {
  ConnectionLossError,
  KeeperCode,
  KeeperError,
  NodeExistsError,
  NoNodeError,
  SessionExpiredError,
  ZooKeeperClientClosedError,
  ZooKeeperClientTimeoutError,
  keeperErrorForCode,
} from './keeper-errors.js';

type RawClient = zookeeper.Client;
type RawStat = zookeeper.Stat;

/** ZooKeeper's CreateMode values. */
export const CreateMode = {
  PERSISTENT: 0,
  EPHEMERAL: 1,
  PERSISTENT_SEQUENTIAL: 2,
  EPHEMERAL_SEQUENTIAL: 3,
} as const;
export type CreateModeValue = (typeof CreateMode)[keyof typeof CreateMode];

/** Matches any version in setData/delete/check (ZkVersion.MatchAnyVersion). */
export const MatchAnyVersion = -1;

/** One ACL entry of a znode: ZooDefs.Perms bits (READ 1, WRITE 2, CREATE 4, DELETE 8, ADMIN 16) for scheme:id. */
export interface ZkAcl {
  perms: number;
  scheme: string;
  id: string;
}

/** A znode's Stat with the 64-bit ids as bigint. */
export interface Stat {
  czxid: bigint;
  mzxid: bigint;
  pzxid: bigint;
  ctime: number;
  mtime: number;
  /** The data version ("zkVersion"). */
  version: number;
  cversion: number;
  aversion: number;
  /** Session id of the owner of an ephemeral znode, 0n otherwise. */
  ephemeralOwner: bigint;
  dataLength: number;
  numChildren: number;
}

/** Kafka's ZNodeChangeHandler: called for creation / deletion / data change of `path`. */
export interface ZNodeChangeHandler {
  readonly path: string;
  handleCreation?(): void;
  handleDeletion?(): void;
  handleDataChange?(): void;
}

/** Kafka's ZNodeChildChangeHandler: called when the children of `path` change. */
export interface ZNodeChildChangeHandler {
  readonly path: string;
  handleChildChange(): void;
}

/** Kafka's StateChangeHandler: hooks around session re-creation after expiry. */
export interface StateChangeHandler {
  readonly name: string;
  /** Before the new session is opened (the controller resigns here). */
  beforeInitializingSession?(): void | Promise<void>;
  /** Once the new session is connected and watches are re-armed (re-register ephemerals here). */
  afterInitializingSession?(): void | Promise<void>;
  /** Authentication failed (SASL/ACL misconfiguration). */
  onAuthFailure?(): void;
}

export type ZooKeeperClientState = 'CONNECTING' | 'CONNECTED' | 'DISCONNECTED' | 'EXPIRED' | 'AUTH_FAILED' | 'CLOSED';

export interface ZooKeeperClientConfig {
  /** `host:port[,host:port…][/chroot]` (zookeeper.connect). */
  connectString: string;
  /** zookeeper.session.timeout.ms (Kafka default 18000). */
  sessionTimeoutMs?: number;
  /** zookeeper.connection.timeout.ms (Kafka default: the session timeout). */
  connectionTimeoutMs?: number;
  /** Name used in logs (Kafka: "Kafka server", "Controller" …). */
  name?: string;
}

/** One operation of a multi() (ZooKeeper's Op). */
export type ZkOp =
  | { type: 'create'; path: string; data: Buffer | null; mode: CreateModeValue }
  | { type: 'setData'; path: string; data: Buffer | null; version: number }
  | { type: 'check'; path: string; version: number }
  | { type: 'delete'; path: string; version: number };

/** Result of one successful operation of a multi(). */
export type ZkOpResult =
  | { type: 'create'; path: string }
  | { type: 'setData'; stat: Stat }
  | { type: 'check' }
  | { type: 'delete' };

export const ZkOps = {
  create: (path: string, data: Buffer | null, mode: CreateModeValue = CreateMode.PERSISTENT): ZkOp => ({ type: 'create', path, data, mode }),
  setData: (path: string, data: Buffer | null, version = MatchAnyVersion): ZkOp => ({ type: 'setData', path, data, version }),
  check: (path: string, version: number): ZkOp => ({ type: 'check', path, version }),
  delete: (path: string, version = MatchAnyVersion): ZkOp => ({ type: 'delete', path, version }),
};

function int64(b: Buffer | undefined): bigint {
  return b !== undefined && b.length === 8 ? b.readBigInt64BE(0) : 0n;
}

function toStat(s: RawStat): Stat {
  return {
    czxid: int64(s.czxid),
    mzxid: int64(s.mzxid),
    pzxid: int64(s.pzxid),
    ctime: Number(int64(s.ctime)),
    mtime: Number(int64(s.mtime)),
    version: s.version,
    cversion: s.cversion,
    aversion: s.aversion,
    ephemeralOwner: int64(s.ephemeralOwner),
    dataLength: s.dataLength,
    numChildren: s.numChildren,
  };
}

/** Maps node-zookeeper-client's Exception (or any error) to our typed errors. */
/** node-zookeeper-client's ACL keeps its bits in `permission` (its type declarations say `perms`). */
function rawPerms(acl: zookeeper.ACL): number {
  return (acl as unknown as { permission: number }).permission;
}

function mapError(err: unknown, path?: string): Error {
  if (err instanceof KeeperError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'number') return keeperErrorForCode(code, path);
  return err instanceof Error ? err : new Error(String(err));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/** Splits `h1:p1,h2:p2/chroot` into hosts and chroot ('' when none or '/'). */
export function splitChroot(connectString: string): { hosts: string; chroot: string } {
  const i = connectString.indexOf('/');
  if (i < 0) return { hosts: connectString, chroot: '' };
  const chroot = connectString.substring(i).replace(/\/+$/, '');
  return { hosts: connectString.substring(0, i), chroot };
}

export class ZooKeeperClient {
  readonly connectString: string;
  readonly sessionTimeoutMs: number;
  readonly connectionTimeoutMs: number;
  private readonly log;
  private readonly limited: RateLimitedLog;
  private client: RawClient | null = null;
  private state: ZooKeeperClientState = 'CONNECTING';
  private closed = false;
  private connectedWaiters: Array<() => void> = [];
  private reinitializing: Promise<void> | null = null;
  private reinitializeAgain = false;
  /** How many sessions have expired (or been lost): requests waiting across an expiry fail. */
  private expiredSessions = 0;
  private readonly supervisors = new Map<RawClient, ClientCnxnSupervisor>();
  private readonly zNodeChangeHandlers = new Map<string, ZNodeChangeHandler>();
  private readonly zNodeChildChangeHandlers = new Map<string, ZNodeChildChangeHandler>();
  private readonly stateChangeHandlers = new Map<string, StateChangeHandler>();
  private readonly oldSessionIds = new Set<bigint>();
  private readonly stateListeners = new Set<(s: ZooKeeperClientState) => void>();
  /** The single watcher function handed to node-zookeeper-client (it de-duplicates by identity). */
  private readonly watcher = (event: zookeeper.Event): void => this.dispatch(event);

  private constructor(config: ZooKeeperClientConfig) {
    this.connectString = config.connectString;
    this.sessionTimeoutMs = config.sessionTimeoutMs ?? 18000;
    this.connectionTimeoutMs = config.connectionTimeoutMs ?? this.sessionTimeoutMs;
    this.log = logger('zookeeper.ZooKeeperClient', { name: config.name ?? 'kafkats' });
    this.limited = new RateLimitedLog(this.log);
  }

  /**
   * Connects (creating the chroot first, as KafkaServer.initZkClient does) and waits for the session,
   * failing with ZooKeeperClientTimeoutError after zookeeper.connection.timeout.ms.
   */
  static async connect(config: ZooKeeperClientConfig): Promise<ZooKeeperClient> {
    const { hosts, chroot } = splitChroot(config.connectString);
    if (chroot !== '') {
      const bootstrap = new ZooKeeperClient({ ...config, connectString: hosts, name: `${config.name ?? 'kafkats'} (chroot)` });
      try {
        await bootstrap.open();
        await bootstrap.makeSurePersistentPathExists(chroot);
      } finally {
        await bootstrap.close();
      }
    }
    const zk = new ZooKeeperClient(config);
    try {
      await zk.open();
    } catch (err) {
      await zk.close();
      throw err;
    }
    return zk;
  }

  // ---- session -----------------------------------------------------------------------------------

  /** Creates the raw client of a new session (supervised with ClientCnxn's timeouts) and starts connecting. */
  private startSession(): RawClient {
    const raw = zookeeper.createClient(this.connectString, { sessionTimeout: this.sessionTimeoutMs, spinDelay: 200, retries: 0 });
    const supervisor = new ClientCnxnSupervisor(raw, { limited: this.limited, onSessionLost: () => this.onSessionExpired(raw, 'lost') });
    this.supervisors.set(raw, supervisor);
    this.client = raw;
    raw.on('state', (s: zookeeper.State) => this.safely('state change', () => this.onRawState(raw, s)));
    raw.connect();
    return raw;
  }

  /** Opens the first session, failing with ZooKeeperClientTimeoutError after zookeeper.connection.timeout.ms. */
  private async open(): Promise<void> {
    this.setState('CONNECTING');
    this.startSession();
    await this.waitUntilConnected(this.connectionTimeoutMs);
    this.log.info({ sessionId: this.sessionId.toString(16), timeout: this.negotiatedSessionTimeoutMs }, 'Connected to ZooKeeper');
  }

  /** Kafka's waitUntilConnected: until the session is established, the client is closed, or `timeoutMs` (null: no limit). */
  private async waitUntilConnected(timeoutMs: number | null): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const timer = timeoutMs === null ? null : setTimeout(() => {
        this.connectedWaiters = this.connectedWaiters.filter((w) => w !== onConnected);
        reject(new ZooKeeperClientTimeoutError(`Timed out waiting for connection to ${this.connectString} after ${this.connectionTimeoutMs} ms`));
      }, timeoutMs);
      timer?.unref();
      const onConnected = (): void => {
        if (this.state !== 'CONNECTED' && !this.closed) {
          this.connectedWaiters.push(onConnected); // woken by an expiry: keep waiting for the new session
          return;
        }
        if (timer !== null) clearTimeout(timer);
        resolve();
      };
      onConnected();
    });
    if (this.closed) throw new ZooKeeperClientClosedError();
  }

  private onRawState(raw: RawClient, s: zookeeper.State): void {
    if (raw !== this.client) return; // an old session's client
    if (s === zookeeper.State.SYNC_CONNECTED || s === zookeeper.State.CONNECTED_READ_ONLY) {
      this.setState('CONNECTED');
      this.wakeWaiters();
    } else if (s === zookeeper.State.DISCONNECTED) {
      if (!this.closed) this.setState('DISCONNECTED');
    } else if (s === zookeeper.State.EXPIRED) {
      this.onSessionExpired(raw, 'expired');
    } else if (s === zookeeper.State.AUTH_FAILED) {
      this.setState('AUTH_FAILED');
      for (const h of this.stateChangeHandlers.values()) this.safely(h.name, () => h.onAuthFailure?.());
    }
  }

  /**
   * The session of `raw` is gone: a server said so ('expired'), or no server answered for the
   * session timeout ('lost', see ClientCnxnSupervisor). Requests waiting on it fail with
   * SessionExpiredError (as in ZooKeeper's client); a new session is initialised.
   */
  private onSessionExpired(raw: RawClient, how: 'expired' | 'lost'): void {
    if (raw !== this.client || this.closed) return;
    this.log.warn(how === 'expired' ? 'ZooKeeper session expired; creating a new session' : 'ZooKeeper session lost; creating a new session');
    this.abandon(raw); // a lost session must not be resumed behind our back
    this.expiredSessions += 1;
    this.setState('EXPIRED');
    this.wakeWaiters();
    this.reinitialize();
  }

  private wakeWaiters(): void {
    const waiters = this.connectedWaiters;
    this.connectedWaiters = [];
    for (const w of waiters) w();
  }

  private setState(s: ZooKeeperClientState): void {
    if (this.state === s) return;
    this.state = s;
    for (const l of this.stateListeners) this.safely('state listener', () => l(s));
  }

  /**
   * Kafka's ZooKeeperClient.reinitialize: the before-hooks (the controller resigns), the old session's
   * client dropped, a NEW session (its client keeps trying the ensemble until a server answers, with
   * no overall time limit, as Kafka's does), watches re-armed, then the after-hooks (re-register the
   * broker, re-elect). An expiry while this runs starts it over once it is done.
   */
  private reinitialize(): void {
    if (this.closed) return;
    if (this.reinitializing !== null) {
      this.reinitializeAgain = true;
      return;
    }
    this.reinitializing = (async () => {
      do {
        this.reinitializeAgain = false;
        for (const h of this.stateChangeHandlers.values()) await this.safelyAsync(h.name, () => h.beforeInitializingSession?.());
        const old = this.client;
        this.client = null;
        if (old !== null) {
          this.oldSessionIds.add(int64(old.getSessionId()));
          this.abandon(old);
        }
        if (this.closed) return;
        this.log.info(`Initializing a new session to ${this.connectString}`);
        this.startSession();
        try {
          await this.waitUntilConnected(null);
        } catch {
          return; // closed
        }
        this.log.info({ sessionId: this.sessionId.toString(16), timeout: this.negotiatedSessionTimeoutMs }, 'Connected to ZooKeeper with a new session');
        await this.rearmWatches();
        for (const h of this.stateChangeHandlers.values()) await this.safelyAsync(h.name, () => h.afterInitializingSession?.());
      } while (this.reinitializeAgain && !this.closed);
    })().finally(() => {
      this.reinitializing = null;
    });
  }

  /** Drops a session's raw client at once, without a close handshake; it makes no further connection attempt. */
  private abandon(raw: RawClient): void {
    const supervisor = this.supervisors.get(raw);
    this.supervisors.delete(raw);
    supervisor?.abandon();
  }

  /** Resolves once a pending session re-initialisation (after expiry) has finished (tests, shutdown). */
  async waitForReinitialization(): Promise<void> {
    while (this.reinitializing !== null) await this.reinitializing;
  }

  private async rearmWatches(): Promise<void> {
    for (const path of this.zNodeChangeHandlers.keys()) {
      try {
        await this.exists(path, { watch: true });
      } catch (err) {
        this.log.warn({ err, path }, 'Could not re-arm exists watch');
      }
    }
    for (const path of this.zNodeChildChangeHandlers.keys()) {
      try {
        await this.getChildren(path, { watch: true });
      } catch (err) {
        if (!(err instanceof NoNodeError)) this.log.warn({ err, path }, 'Could not re-arm child watch');
      }
    }
  }

  private safely(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err, handler: what }, 'Handler failed');
    }
  }

  private async safelyAsync(what: string, fn: () => void | Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.log.error({ err, handler: what }, 'State change handler failed');
    }
  }

  /** Current connection state. */
  get connectionState(): ZooKeeperClientState {
    return this.state;
  }

  /** The current session id (changes after expiry); 0n before the first connect. */
  get sessionId(): bigint {
    return this.client === null ? 0n : int64(this.client.getSessionId());
  }

  /** The current session's password (tests use it to open a second connection to the same session). */
  get sessionPassword(): Buffer {
    return this.client === null ? Buffer.alloc(16) : this.client.getSessionPassword();
  }

  /** The session timeout the server negotiated, in ms. */
  get negotiatedSessionTimeoutMs(): number {
    return this.client?.getSessionTimeout() ?? this.sessionTimeoutMs;
  }

  /** Listens to connection state changes (CONNECTED / DISCONNECTED / EXPIRED / …). Returns an unsubscribe function. */
  onStateChange(listener: (s: ZooKeeperClientState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /**
   * Closes the session (its ephemeral znodes vanish at once). Idempotent and bounded: the close
   * handshake is tried only on an established connection and waited for at most 2 s; otherwise (or
   * then) the connection is dropped.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const raw = this.client;
    this.client = null;
    this.wakeWaiters(); // waiting requests see `closed`
    if (raw !== null) {
      if (this.state === 'CONNECTED') {
        this.supervisors.get(raw)?.stop();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, 2000);
          function done(): void {
            clearTimeout(timer);
            resolve();
          }
          raw.once('disconnected', done);
          try {
            raw.close();
          } catch {
            done();
          }
        });
      }
      this.abandon(raw);
    }
    this.limited.flush();
    this.setState('CLOSED');
  }

  // ---- handlers ----------------------------------------------------------------------------------

  /** Kafka's registerZNodeChangeHandler: watches set on handler.path dispatch to it. */
  registerZNodeChangeHandler(handler: ZNodeChangeHandler): void {
    this.zNodeChangeHandlers.set(handler.path, handler);
  }
  unregisterZNodeChangeHandler(path: string): void {
    this.zNodeChangeHandlers.delete(path);
  }
  /** Kafka's registerZNodeChildChangeHandler. */
  registerZNodeChildChangeHandler(handler: ZNodeChildChangeHandler): void {
    this.zNodeChildChangeHandlers.set(handler.path, handler);
  }
  unregisterZNodeChildChangeHandler(path: string): void {
    this.zNodeChildChangeHandlers.delete(path);
  }
  /** Kafka's registerStateChangeHandler (one per name; a new one replaces the old). */
  registerStateChangeHandler(handler: StateChangeHandler): void {
    this.stateChangeHandlers.set(handler.name, handler);
  }
  unregisterStateChangeHandler(name: string): void {
    this.stateChangeHandlers.delete(name);
  }

  private dispatch(event: zookeeper.Event): void {
    const path = event.getPath();
    switch (event.getType()) {
      case zookeeper.Event.NODE_CREATED: {
        const h = this.zNodeChangeHandlers.get(path);
        if (h?.handleCreation) this.safely(path, () => h.handleCreation?.());
        break;
      }
      case zookeeper.Event.NODE_DELETED: {
        const h = this.zNodeChangeHandlers.get(path);
        if (h?.handleDeletion) this.safely(path, () => h.handleDeletion?.());
        break;
      }
      case zookeeper.Event.NODE_DATA_CHANGED: {
        const h = this.zNodeChangeHandlers.get(path);
        if (h?.handleDataChange) this.safely(path, () => h.handleDataChange?.());
        break;
      }
      case zookeeper.Event.NODE_CHILDREN_CHANGED: {
        const h = this.zNodeChildChangeHandlers.get(path);
        if (h) this.safely(path, () => h.handleChildChange());
        break;
      }
      default:
        break;
    }
  }

  // ---- requests ----------------------------------------------------------------------------------

  /**
   * The raw client once connected. `session` is the number of expired sessions when the caller's
   * request began: if a session expires while the request waits, it fails with SessionExpiredError
   * (as a request on an expired ZooKeeper handle does); a request that began after the expiry waits
   * for the new session.
   */
  private async connectedClient(session: number, path?: string): Promise<RawClient> {
    for (;;) {
      if (this.closed) throw new ZooKeeperClientClosedError();
      if (this.expiredSessions !== session) throw new SessionExpiredError(path);
      if (this.state === 'CONNECTED' && this.client !== null) return this.client;
      await new Promise<void>((resolve) => this.connectedWaiters.push(resolve));
    }
  }

  /** Runs one request, waiting for a connection and retrying on CONNECTIONLOSS (retryRequestsUntilConnected). */
  private async request<T>(path: string, fn: (c: RawClient, cb: (err: unknown, v?: T) => void) => void): Promise<T> {
    const session = this.expiredSessions;
    for (;;) {
      const c = await this.connectedClient(session, path);
      try {
        return await new Promise<T>((resolve, reject) => {
          fn(c, (err, v) => (err !== null && err !== undefined ? reject(mapError(err, path)) : resolve(v as T)));
        });
      } catch (err) {
        if (err instanceof ConnectionLossError && !this.closed) {
          await sleep(10);
          continue;
        }
        throw err;
      }
    }
  }

  /** Creates a znode; returns its actual path (sequential modes append the counter). */
  async create(path: string, data: Buffer | null, mode: CreateModeValue = CreateMode.PERSISTENT): Promise<string> {
    return this.request<string>(path, (c, cb) => {
      if (data === null) c.create(path, mode, (e, p) => cb(e, p));
      else c.create(path, data, mode, (e, p) => cb(e, p));
    });
  }

  /**
   * getData. As Kafka's shouldWatch: a data watch is armed whenever a ZNodeChangeHandler is registered
   * for `path` (unless `watch: false`).
   */
  async getData(path: string, opts: { watch?: boolean } = {}): Promise<{ data: Buffer | null; stat: Stat }> {
    const watcher = opts.watch !== false && this.zNodeChangeHandlers.has(path) ? this.watcher : undefined;
    return this.request(path, (c, cb) => {
      const done = (e: unknown, data: Buffer | undefined, stat: RawStat): void =>
        cb(e, { data: data === undefined || data === null ? null : data, stat: e ? (undefined as unknown as Stat) : toStat(stat) });
      if (watcher) c.getData(path, watcher, done);
      else c.getData(path, done);
    });
  }

  /** setData with an expected version (MatchAnyVersion = -1); returns the new Stat. Null data is written as empty. */
  async setData(path: string, data: Buffer | null, version: number = MatchAnyVersion): Promise<Stat> {
    // node-zookeeper-client cannot send null data in setData: empty data is what Kafka writes anyway.
    const bytes = data ?? Buffer.alloc(0);
    return this.request(path, (c, cb) => c.setData(path, bytes, version, (e, stat) => cb(e, e ? undefined : toStat(stat))));
  }

  /** getACL: the znode's ACL entries and Stat. */
  async getAcl(path: string): Promise<{ acl: ZkAcl[]; stat: Stat }> {
    return this.request(path, (c, cb) =>
      c.getACL(path, (e, acls, stat) => cb(e, e ? undefined : { acl: acls.map((a) => ({ perms: rawPerms(a), scheme: a.id.scheme, id: a.id.id })), stat: toStat(stat) })));
  }

  /** setACL with an expected ACL version (MatchAnyVersion = -1); `acl` must not be empty. Returns the new Stat. */
  async setAcl(path: string, acl: readonly ZkAcl[], version: number = MatchAnyVersion): Promise<Stat> {
    // As ZooKeeper's client refuses an empty ACL before sending: InvalidACL without a path.
    if (acl.length === 0) throw keeperErrorForCode(KeeperCode.INVALID_ACL);
    const raw = acl.map((a) => new zookeeper.ACL(a.perms, new zookeeper.Id(a.scheme, a.id)));
    return this.request(path, (c, cb) => c.setACL(path, raw, version, (e, stat) => cb(e, e ? undefined : toStat(stat))));
  }

  /**
   * Stat of the znode, or null if it does not exist. An exists watch (creation, deletion, data change)
   * is armed whenever a ZNodeChangeHandler is registered for `path` (unless `watch: false`).
   */
  async exists(path: string, opts: { watch?: boolean } = {}): Promise<Stat | null> {
    const watcher = opts.watch !== false && this.zNodeChangeHandlers.has(path) ? this.watcher : undefined;
    return this.request(path, (c, cb) => {
      const done = (e: unknown, stat: RawStat | undefined): void => cb(e, e || stat === undefined || stat === null ? null : toStat(stat));
      if (watcher) c.exists(path, watcher, done);
      else c.exists(path, done);
    });
  }

  /**
   * Children names (unsorted). With `watch: true` a child watch is armed if a ZNodeChildChangeHandler
   * is registered for `path` (Kafka's registerWatch && shouldWatch).
   */
  async getChildren(path: string, opts: { watch?: boolean } = {}): Promise<string[]> {
    const watcher = opts.watch === true && this.zNodeChildChangeHandlers.has(path) ? this.watcher : undefined;
    return this.request(path, (c, cb) => {
      const done = (e: unknown, children: string[]): void => cb(e, children);
      if (watcher) c.getChildren(path, watcher, done);
      else c.getChildren(path, done);
    });
  }

  /** Deletes a znode with an expected version (MatchAnyVersion = -1). */
  async delete(path: string, version: number = MatchAnyVersion): Promise<void> {
    await this.request<void>(path, (c, cb) => c.remove(path, version, (e) => cb(e)));
  }

  /**
   * Atomic multi (ZooKeeper transaction). On failure throws the typed error of the failing op,
   * with `opIndex` set to its position in `ops`.
   */
  async multi(ops: ZkOp[]): Promise<ZkOpResult[]> {
    const c = await this.connectedClient(this.expiredSessions);
    const tx = c.transaction();
    // node-zookeeper-client's Transaction turns version 0 into -1 (`version || -1`), so a check or
    // conditional write expecting version 0 would match any version: patch the queued op's version.
    const queued = (tx as unknown as { ops?: Array<{ version?: number }> }).ops;
    for (const op of ops) {
      switch (op.type) {
        case 'create':
          if (op.data === null) tx.create(op.path, op.mode);
          else tx.create(op.path, op.data, op.mode);
          break;
        case 'setData':
          tx.setData(op.path, op.data ?? Buffer.alloc(0), op.version);
          break;
        case 'check':
          tx.check(op.path, op.version);
          break;
        case 'delete':
          tx.remove(op.path, op.version);
          break;
      }
      const last = queued?.[queued.length - 1];
      if (op.type !== 'create' && last !== undefined) last.version = op.version;
    }
    if (queued === undefined || queued.length !== ops.length) throw new Error('node-zookeeper-client Transaction layout changed');
    type RawResult = { type: number; err?: number; path?: string; stat?: RawStat };
    const raw = await new Promise<RawResult[]>((resolve, reject) => {
      tx.commit((err, results: RawResult[] | undefined) => {
        if (err === null || err === undefined) {
          resolve(results ?? []);
          return;
        }
        const idx = (results ?? []).findIndex(
          (r) => r.err !== undefined && r.err !== KeeperCode.OK && r.err !== KeeperCode.RUNTIME_INCONSISTENCY,
        );
        const e = mapError(err, idx >= 0 ? ops[idx]?.path : undefined);
        if (e instanceof KeeperError) e.opIndex = idx >= 0 ? idx : undefined;
        reject(e);
      });
    });
    return raw.map((r, i): ZkOpResult => {
      const t = ops[i]?.type;
      if (t === 'create') return { type: 'create', path: r.path ?? ops[i]?.path ?? '' };
      if (t === 'setData' && r.stat) return { type: 'setData', stat: toStat(r.stat) };
      if (t === 'delete') return { type: 'delete' };
      return { type: 'check' };
    });
  }

  // ---- helpers -----------------------------------------------------------------------------------

  /** Creates `path` and any missing parents (parents with null data). Kafka's createRecursive. */
  async createRecursive(path: string, data: Buffer | null = null, throwIfPathExists = true): Promise<void> {
    try {
      await this.create(path, data, CreateMode.PERSISTENT);
    } catch (err) {
      if (err instanceof NoNodeError) {
        const parent = path.substring(0, path.lastIndexOf('/'));
        if (parent !== '') await this.createRecursive(parent, null, false);
        try {
          await this.create(path, data, CreateMode.PERSISTENT);
        } catch (err2) {
          if (!(err2 instanceof NodeExistsError) || throwIfPathExists) throw err2;
        }
      } else if (!(err instanceof NodeExistsError) || throwIfPathExists) {
        throw err;
      }
    }
  }

  /** Kafka's makeSurePersistentPathExists: createRecursive without failing when it exists. */
  async makeSurePersistentPathExists(path: string): Promise<void> {
    if (path === '/' || path === '') return;
    await this.createRecursive(path, null, false);
  }

  /** Deletes `path` and everything under it; a missing node is not an error. Kafka's deleteRecursive. */
  async deleteRecursive(path: string): Promise<void> {
    let children: string[];
    try {
      children = await this.getChildren(path);
    } catch (err) {
      if (err instanceof NoNodeError) return;
      throw err;
    }
    for (const child of children) await this.deleteRecursive(`${path}/${child}`);
    try {
      await this.delete(path);
    } catch (err) {
      if (err instanceof NoNodeError) return;
      throw err;
    }
  }

  /** True while a session is established. */
  isConnected(): boolean {
    return this.state === 'CONNECTED';
  }

  /** Session ids this client had before its current one (their ephemerals are ours to replace). */
  get previousSessionIds(): ReadonlySet<bigint> {
    return this.oldSessionIds;
  }
}
