/**
 * ZooKeeperClient against faulty servers (a real ZooKeeper behind TCP proxies): servers that accept
 * TCP and never answer, a server that goes silent mid-session, a handshake reply that arrives after
 * the connect timeout, and a server that answers garbage. The client must behave as ZooKeeper's
 * ClientCnxn does — give up on a connection after the connect timeout (session timeout / number of
 * hosts) or the read timeout (2/3 of the session timeout) and try the next server, keep its session
 * when it is back in time, open a new one (with the on-new-session hooks) when it is not — and no
 * error may escape from the ZooKeeper library as an uncaught exception.
 */
import { expect } from 'chai';
import { createServer, type Server, type Socket } from 'node:net';
import { pino } from 'pino';
import { setRootLogger } from '../../lib/utils/logger.js';
import { sharedZooKeeper, uniqueChroot, type RunningZooKeeper } from '../../lib/testing/zookeeper-runner.js';
import { startTcpProxy, type TcpProxy } from '../../lib/testing/tcp-proxy.js';
import { CreateMode, ZooKeeperClient } from '../../lib/zk/zookeeper-client.js';

if (process.env.KAFKATS_LOG_LEVEL === undefined) setRootLogger(pino({ level: 'silent' }));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Resolves with the promise's value, or rejects once `ms` have passed. */
function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} did not complete within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

describe('ZooKeeperClient against silent, slow and broken servers (real ZooKeeper)', function () {
  this.timeout(60_000);
  let server: RunningZooKeeper;
  let chroot: string;
  let observer: ZooKeeperClient;
  const clients: ZooKeeperClient[] = [];
  const proxies: TcpProxy[] = [];
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown): void => {
    uncaught.push(err);
  };

  async function proxy(): Promise<TcpProxy> {
    const p = await startTcpProxy(server.port);
    proxies.push(p);
    return p;
  }

  async function connect(connectString: string, extra: { sessionTimeoutMs?: number; connectionTimeoutMs?: number } = {}): Promise<ZooKeeperClient> {
    const c = await ZooKeeperClient.connect({ connectString, sessionTimeoutMs: 6000, ...extra });
    clients.push(c);
    return c;
  }

  before(async () => {
    server = await sharedZooKeeper();
    chroot = uniqueChroot();
    observer = await connect(`${server.connectString}${chroot}`);
  });
  beforeEach(() => {
    uncaught.length = 0;
    process.prependListener('uncaughtException', onUncaught);
  });
  afterEach(async () => {
    process.removeListener('uncaughtException', onUncaught);
    for (const c of clients.splice(1)) await c.close();
    for (const p of proxies.splice(0)) await p.close();
  });
  after(async () => {
    for (const c of clients) await c.close();
  });

  it('connects to the live server within the connection timeout when silent servers (TCP accepted, never answered) come first in the connect string', async () => {
    const silent = await Promise.all([proxy(), proxy(), proxy()]);
    for (const s of silent) s.silence();
    // The client shuffles the connect string, as ZooKeeper's does: with 3 silent servers out of 4,
    // 4 clients all starting on the live one happens once in 256 runs.
    const hosts = [...silent.map((s) => `127.0.0.1:${s.port}`), server.connectString].join(',');
    const started = Date.now();
    // (No chroot: with one, a first client creates it, and each connect has its own timeout.)
    const connected = await Promise.all([1, 2, 3, 4].map(() => connect(hosts, { sessionTimeoutMs: 6000, connectionTimeoutMs: 6000 })));
    for (const c of connected) expect(await c.exists('/')).to.not.equal(null);
    // Each silent server costs at most its share of the session timeout (6000 / 4 hosts).
    expect(Date.now() - started).to.be.below(6000);
    expect(uncaught).to.deep.equal([]);
  });

  it('drops a server that goes silent mid-session within the read timeout and resumes the same session through another server', async () => {
    const a = await proxy();
    const b = await proxy();
    const c = await connect(`127.0.0.1:${a.port},127.0.0.1:${b.port}${chroot}`, { sessionTimeoutMs: 6000 });
    const hooks: string[] = [];
    c.registerStateChangeHandler({ name: 'spec', beforeInitializingSession: () => void hooks.push('before'), afterInitializingSession: () => void hooks.push('after') });
    await c.create('/mid-session', Buffer.from('x'), CreateMode.EPHEMERAL);
    const session = c.sessionId;
    const [current, other] = a.connections > 0 ? [a, b] : [b, a];
    current.silence();
    const silencedAt = Date.now();
    // A request sent now waits for the reconnection; it must be answered well inside the session timeout.
    const stat = await within(6000, c.exists('/mid-session'), 'a request after the server went silent');
    expect(stat?.ephemeralOwner).to.equal(session);
    expect(Date.now() - silencedAt).to.be.below(6000);
    expect(c.sessionId).to.equal(session);
    expect(other.connections).to.be.greaterThan(0);
    expect(hooks).to.deep.equal([]);
    expect(uncaught).to.deep.equal([]);
  });

  it('when a server stays silent past the session timeout, expires the session and opens a new one (with the on-new-session hooks) once a server answers again', async () => {
    const p = await proxy();
    const c = await connect(`127.0.0.1:${p.port}${chroot}`, { sessionTimeoutMs: 2000 });
    const hooks: string[] = [];
    c.registerStateChangeHandler({
      name: 'spec',
      beforeInitializingSession: () => void hooks.push('before'),
      afterInitializingSession: async () => {
        hooks.push('after');
        await c.create('/silent-expiry', Buffer.from('again'), CreateMode.EPHEMERAL);
      },
    });
    await c.create('/silent-expiry', Buffer.from('first'), CreateMode.EPHEMERAL);
    const first = c.sessionId;
    p.silence();
    await eventually(async () => (await observer.exists('/silent-expiry')) === null, 15_000, 'the server to expire the silent session');
    p.heal(); // the same server answers new connections again; the silenced one stays dead
    await eventually(() => hooks.includes('after'), 20_000, 'the on-new-session hooks');
    await c.waitForReinitialization();
    expect(hooks).to.deep.equal(['before', 'after']);
    expect(c.sessionId).to.not.equal(first);
    const reg = await observer.getData('/silent-expiry');
    expect(reg.data?.toString()).to.equal('again');
    expect(reg.stat.ephemeralOwner).to.equal(c.sessionId);
    expect(uncaught).to.deep.equal([]);
  });

  it('survives a handshake reply (ConnectResponse) that arrives after the connect timeout while re-opening an expired session', async () => {
    const p = await proxy();
    const c = await connect(`127.0.0.1:${p.port}${chroot}`, { sessionTimeoutMs: 2000, connectionTimeoutMs: 1000 });
    const hooks: string[] = [];
    c.registerStateChangeHandler({ name: 'spec', beforeInitializingSession: () => void hooks.push('before'), afterInitializingSession: () => void hooks.push('after') });
    await c.create('/late-handshake', null, CreateMode.EPHEMERAL);
    const first = c.sessionId;
    p.partition();
    await eventually(async () => (await observer.exists('/late-handshake')) === null, 15_000, 'the server to expire the session');
    // Every reply now comes 2.5 s late: later than the connection timeout (1 s) and than the
    // connect timeout of a one-host ensemble (the session timeout, 2 s).
    p.heal();
    p.delayReplies(2500);
    await eventually(() => hooks.includes('before'), 20_000, 'the session expiry to be noticed');
    await sleep(6000); // several handshakes time out and their replies arrive late
    p.heal(); // replies on time again
    await eventually(() => hooks.includes('after'), 20_000, 'a new session');
    await c.waitForReinitialization();
    expect(c.sessionId).to.not.equal(first);
    expect(await c.exists('/')).to.not.equal(null);
    expect(uncaught).to.deep.equal([]);
  });

  it('skips a server that answers the handshake with a malformed frame, without an uncaught exception', async () => {
    const broken: Server = createServer((s: Socket) => {
      s.on('error', () => undefined);
      // A 2-byte frame: shorter than any ConnectResponse.
      s.once('data', () => s.write(Buffer.from([0, 0, 0, 2, 0xff, 0xff])));
    });
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', () => r()));
    const port = (broken.address() as { port: number }).port;
    try {
      const hosts = [`127.0.0.1:${port}`, `127.0.0.1:${port}`, `127.0.0.1:${port}`, server.connectString].join(',');
      const connected = await Promise.all([1, 2, 3, 4].map(() => connect(`${hosts}${chroot}`, { sessionTimeoutMs: 6000, connectionTimeoutMs: 6000 })));
      for (const c of connected) expect(await c.exists('/')).to.not.equal(null);
      await sleep(200);
      expect(uncaught).to.deep.equal([]);
    } finally {
      await new Promise<void>((r) => broken.close(() => r()));
    }
  });
});
