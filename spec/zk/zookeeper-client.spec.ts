import { expect } from 'chai';
import { pino } from 'pino';
import { setRootLogger } from '../../lib/utils/logger.js';
import { sharedZooKeeper, uniqueChroot, type RunningZooKeeper } from '../../lib/testing/zookeeper-runner.js';
import { startTcpProxy } from '../../lib/testing/tcp-proxy.js';
import { BadVersionError, NodeExistsError, NoNodeError, NotEmptyError, ZooKeeperClientTimeoutError } from '../../lib/zk/keeper-errors.js';
import { CreateMode, ZkOps, ZooKeeperClient } from '../../lib/zk/zookeeper-client.js';

if (process.env.KAFKATS_LOG_LEVEL === undefined) setRootLogger(pino({ level: 'silent' }));

function eventually(check: () => boolean, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (check()) resolve();
      else if (Date.now() > deadline) reject(new Error('condition not met in time'));
      else setTimeout(tick, 20);
    };
    tick();
  });
}

describe('ZooKeeperClient (real ZooKeeper)', function () {
  this.timeout(20000);
  let server: RunningZooKeeper;
  let chroot: string;
  let zk: ZooKeeperClient;
  const clients: ZooKeeperClient[] = [];

  async function connect(extra: Partial<{ sessionTimeoutMs: number; connectString: string }> = {}): Promise<ZooKeeperClient> {
    const c = await ZooKeeperClient.connect({ connectString: `${server.connectString}${chroot}`, sessionTimeoutMs: 6000, ...extra });
    clients.push(c);
    return c;
  }

  before(async () => {
    server = await sharedZooKeeper();
    chroot = uniqueChroot();
    zk = await connect();
  });
  after(async () => {
    for (const c of clients) await c.close();
  });

  it('creates the chroot path first (connecting without it), then works inside it', async () => {
    const root = await ZooKeeperClient.connect({ connectString: server.connectString });
    clients.push(root);
    expect(await root.exists(chroot)).to.not.equal(null);
    await zk.create('/inside', Buffer.from('x'));
    expect((await root.getData(`${chroot}/inside`)).data?.toString()).to.equal('x');
  });

  it('fails with ZooKeeperClientTimeoutError when nothing answers within the connection timeout', async () => {
    const proxy = await startTcpProxy(server.port);
    proxy.partition();
    try {
      await ZooKeeperClient.connect({ connectString: `127.0.0.1:${proxy.port}`, connectionTimeoutMs: 500, sessionTimeoutMs: 2000 });
      expect.fail('connected');
    } catch (err) {
      expect(err).to.be.instanceOf(ZooKeeperClientTimeoutError);
    } finally {
      await proxy.close();
    }
  });

  it('gets and sets data with versions and Stat, and maps error codes to typed errors', async () => {
    await zk.create('/v', Buffer.from('a'));
    const { data, stat } = await zk.getData('/v');
    expect(data?.toString()).to.equal('a');
    expect(stat.version).to.equal(0);
    expect(typeof stat.czxid).to.equal('bigint');
    const s2 = await zk.setData('/v', Buffer.from('b'), 0);
    expect(s2.version).to.equal(1);
    await expectReject(zk.setData('/v', Buffer.from('c'), 0), BadVersionError);
    await expectReject(zk.create('/v', null), NodeExistsError);
    await expectReject(zk.getData('/missing'), NoNodeError);
    await zk.create('/v/child', null);
    await expectReject(zk.delete('/v'), NotEmptyError);
    expect(await zk.exists('/missing')).to.equal(null);
    expect(await zk.getChildren('/v')).to.deep.equal(['child']);
    const seq = await zk.create('/v/s_', null, CreateMode.PERSISTENT_SEQUENTIAL);
    expect(seq).to.match(/^\/v\/s_\d{10}$/);
  });

  it('creates recursively and deletes recursively', async () => {
    await zk.createRecursive('/a/b/c', Buffer.from('leaf'));
    expect((await zk.getData('/a/b')).data).to.equal(null);
    await zk.makeSurePersistentPathExists('/a/b/c');
    await expectReject(zk.createRecursive('/a/b/c', null, true), NodeExistsError);
    await zk.deleteRecursive('/a');
    expect(await zk.exists('/a')).to.equal(null);
  });

  it('runs multi atomically and reports which op failed', async () => {
    await zk.create('/m', Buffer.from('0'));
    const res = await zk.multi([ZkOps.check('/m', 0), ZkOps.setData('/m', Buffer.from('1'), 0), ZkOps.create('/m/x', null)]);
    expect(res.map((r) => r.type)).to.deep.equal(['check', 'setData', 'create']);
    try {
      await zk.multi([ZkOps.create('/m/y', null), ZkOps.check('/m', 0)]);
      expect.fail('multi succeeded');
    } catch (err) {
      expect(err).to.be.instanceOf(BadVersionError);
      expect((err as BadVersionError).opIndex).to.equal(1);
    }
    expect(await zk.exists('/m/y')).to.equal(null);
  });

  it('dispatches one-shot data, exists and child watches to registered handlers', async () => {
    const events: string[] = [];
    zk.registerZNodeChangeHandler({
      path: '/w',
      handleCreation: () => events.push('created'),
      handleDataChange: () => events.push('changed'),
      handleDeletion: () => events.push('deleted'),
    });
    zk.registerZNodeChildChangeHandler({ path: '/wc', handleChildChange: () => events.push('children') });
    await zk.create('/wc', null);
    expect(await zk.exists('/w')).to.equal(null);
    await zk.create('/w', Buffer.from('1'));
    await eventually(() => events.includes('created'));
    await zk.setData('/w', Buffer.from('2'));
    await zk.setData('/w', Buffer.from('3'));
    await new Promise((r) => setTimeout(r, 100));
    expect(events).to.deep.equal(['created']); // one-shot: not re-armed yet
    await zk.getData('/w');
    await zk.delete('/w');
    await eventually(() => events.includes('deleted'));
    await zk.getChildren('/wc', { watch: true });
    await zk.create('/wc/x', null);
    await eventually(() => events.includes('children'));
    zk.unregisterZNodeChangeHandler('/w');
    zk.unregisterZNodeChildChangeHandler('/wc');
  });

  it('removes a session\'s ephemeral znodes when another client closes its session', async () => {
    const other = await connect();
    await other.create('/eph', Buffer.from('x'), CreateMode.EPHEMERAL);
    const stat = await zk.exists('/eph');
    expect(stat?.ephemeralOwner).to.equal(other.sessionId);
    await other.close();
    expect(await zk.exists('/eph')).to.equal(null);
  });

  it('on session expiry opens a new session, re-arms watches and runs the on-new-session hooks', async function () {
    const proxy = await startTcpProxy(server.port);
    const c = await connect({ connectString: `127.0.0.1:${proxy.port}${chroot}`, sessionTimeoutMs: 1000 });
    const observer = zk;
    const hookCalls: string[] = [];
    const watchEvents: string[] = [];
    c.registerStateChangeHandler({
      name: 'broker',
      beforeInitializingSession: () => {
        hookCalls.push('before');
      },
      afterInitializingSession: async () => {
        hookCalls.push('after');
        await c.create('/reg', Buffer.from('again'), CreateMode.EPHEMERAL);
      },
    });
    c.registerZNodeChangeHandler({ path: '/watched', handleCreation: () => watchEvents.push('created') });
    c.registerZNodeChildChangeHandler({ path: '/kids', handleChildChange: () => watchEvents.push('children') });
    await observer.create('/kids', null);
    await c.create('/reg', Buffer.from('first'), CreateMode.EPHEMERAL);
    expect(await c.exists('/watched')).to.equal(null);
    await c.getChildren('/kids', { watch: true });
    const firstSession = c.sessionId;

    proxy.partition();
    await eventually(() => c.connectionState === 'DISCONNECTED');
    // the server expires the session after ~1 s without pings; its ephemeral vanishes
    const t0 = Date.now();
    for (;;) {
      if ((await observer.exists('/reg')) === null) break;
      if (Date.now() - t0 > 8000) expect.fail('ephemeral not removed by session expiry');
      await new Promise((r) => setTimeout(r, 100));
    }
    proxy.heal();
    await eventually(() => hookCalls.includes('after'));
    await c.waitForReinitialization();
    expect(hookCalls).to.deep.equal(['before', 'after']);
    expect(c.sessionId).to.not.equal(firstSession);
    expect(c.previousSessionIds.has(firstSession)).to.equal(true);
    const reg = await observer.getData('/reg');
    expect(reg.data?.toString()).to.equal('again');
    expect(reg.stat.ephemeralOwner).to.equal(c.sessionId);
    // watches were re-armed on the new session
    await observer.create('/watched', null);
    await observer.create('/kids/k', null);
    await eventually(() => watchEvents.includes('created') && watchEvents.includes('children'));
    await c.close();
    await proxy.close();
  });
});

async function expectReject(p: Promise<unknown>, type: abstract new (...args: never[]) => Error): Promise<void> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(type);
    return;
  }
  expect.fail(`expected ${type.name}`);
}
