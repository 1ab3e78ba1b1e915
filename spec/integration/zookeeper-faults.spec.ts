/**
 * Three broker processes under ZooKeeper faults. A real ZooKeeper of this spec's own (so it can be
 * restarted) sits behind one TCP proxy per broker, so a fault can hit every broker or just one:
 *
 * - ZooKeeper restarts while every connection to it is silent (TCP accepted, nothing answered) for
 *   longer than the session timeout: every session expires, and after the heal every broker must
 *   register again within 30 s, with exactly one controller.
 * - The controller alone is cut off from ZooKeeper: once its session is lost it must stop acting
 *   as controller at once (no dual controllers), another broker takes over with a higher epoch, no
 *   broker hears from the old controller with its old epoch, and the old one re-registers after the heal.
 * - The controller hears nothing from ZooKeeper while ZooKeeper still hears it: it gives its session
 *   up, and after the heal the stale /controller claim of that session is removed at once.
 * - ZooKeeper is gone and the brokers get SIGTERM: each shutdown step is bounded, so the broker
 *   exits; a second signal forces the exit at once.
 */
import { expect } from 'chai';
import { pino } from 'pino';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTopic, eventually, withZk } from './support.js';
import { startCluster, type RunningCluster } from '../../lib/testing/cluster.js';
import { findFreePort, startZooKeeper, uniqueChroot, type RunningZooKeeper } from '../../lib/testing/zookeeper-runner.js';
import { startTcpProxy, type TcpProxy } from '../../lib/testing/tcp-proxy.js';
import type { BrokerProcess } from '../../lib/testing/broker-process.js';
import { setRootLogger } from '../../lib/utils/logger.js';

if (process.env.KAFKATS_LOG_LEVEL === undefined) setRootLogger(pino({ level: 'silent' }));

const SESSION_TIMEOUT_MS = 6000;
const CONTROLLER_SOCKET_TIMEOUT_MS = 3000;
const CONTROLLED_SHUTDOWN_RETRY_BACKOFF_MS = 1000;
const CONTROLLED_SHUTDOWN_MAX_RETRIES = 3;

describe('brokers under ZooKeeper faults (restart, silence, cut-off controller, shutdown without ZooKeeper)', function () {
  this.timeout(180_000);
  const chroot = uniqueChroot();
  let zkDir: string;
  let zk: RunningZooKeeper;
  let proxies: TcpProxy[] = [];
  let metricsPorts: number[] = [];
  let cluster: RunningCluster;

  before(async function () {
    this.timeout(120_000);
    zkDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-zk-faults-'));
    zk = await startZooKeeper({ dataDir: zkDir });
    proxies = await Promise.all([0, 1, 2].map(() => startTcpProxy(zk.port)));
    metricsPorts = [await findFreePort(), await findFreePort(), await findFreePort()];
    cluster = await startCluster({
      brokers: 3,
      zookeeper: `${zk.connectString}${chroot}`,
      overrides: {
        'zookeeper.session.timeout.ms': SESSION_TIMEOUT_MS,
        'controller.socket.timeout.ms': CONTROLLER_SOCKET_TIMEOUT_MS,
        'controlled.shutdown.retry.backoff.ms': CONTROLLED_SHUTDOWN_RETRY_BACKOFF_MS,
        'controlled.shutdown.max.retries': CONTROLLED_SHUTDOWN_MAX_RETRIES,
      },
      brokerOverrides: (id) => ({ 'zookeeper.connect': `127.0.0.1:${proxies[id]!.port}${chroot}`, 'kafkats.metrics.port': metricsPorts[id]! }),
    });
  });

  after(async function () {
    this.timeout(120_000);
    for (const p of proxies) p.heal();
    await cluster?.stop();
    for (const p of proxies) await p.close();
    await zk?.stop();
    fs.rmSync(zkDir, { recursive: true, force: true });
  });

  const brokerIds = (): Promise<number[]> => withZk(cluster, (z) => z.getSortedBrokerList());
  const controllerInZk = (): Promise<{ id: number; epoch: number }> =>
    withZk(cluster, async (z) => ({ id: (await z.getControllerId()) ?? -1, epoch: (await z.getControllerEpoch())?.epoch ?? 0 }));

  /** kafka_controller_kafkacontroller_activecontrollercount of one broker. */
  async function activeControllerCount(id: number): Promise<number> {
    const text = await (await fetch(`http://localhost:${metricsPorts[id]}/metrics`)).text();
    const m = /^kafka_controller_kafkacontroller_activecontrollercount (\d+)$/m.exec(text);
    if (!m) throw new Error(`no activecontrollercount on broker ${id}`);
    return Number(m[1]);
  }

  /** Brokers whose metric says they are the active controller. */
  async function activeControllers(): Promise<number[]> {
    const running = cluster.brokers.filter((b) => b.isRunning);
    const counts = await Promise.all(running.map((b) => activeControllerCount(b.brokerId)));
    return running.filter((_, i) => counts[i] === 1).map((b) => b.brokerId);
  }

  /** Waits until exactly one broker is the active controller, it is the one in /controller, and it stays so for 2 s. */
  async function expectExactlyOneController(timeoutMs: number): Promise<number> {
    const id = await eventually(async () => {
      const active = await activeControllers();
      const { id: zkId } = await controllerInZk();
      return active.length === 1 && active[0] === zkId ? zkId : undefined;
    }, timeoutMs, 'exactly one active controller, the one in /controller');
    await new Promise((r) => setTimeout(r, 2000));
    expect(await activeControllers()).to.deep.equal([id]);
    return id;
  }

  it('re-registers every broker within 30 s after ZooKeeper restarts behind a silent window longer than the session timeout, with exactly one controller', async () => {
    await cluster.waitUntilReady(60_000, 3);
    expect(await brokerIds()).to.deep.equal([0, 1, 2]);
    for (const p of proxies) p.silence();
    await zk.stop();
    zk = await startZooKeeper({ port: zk.port, dataDir: zkDir });
    // ZooKeeper restores the sessions from its snapshot and expires them one session timeout after
    // the restart, since every broker is still behind the silent proxies.
    await eventually(async () => (await brokerIds()).length === 0, SESSION_TIMEOUT_MS + 20_000, 'the silent brokers\' sessions to expire');
    for (const p of proxies) p.heal();
    const healedAt = Date.now();
    await eventually(async () => (await brokerIds()).join() === '0,1,2', 30_000, 'every broker registered again');
    const reRegisteredMs = Date.now() - healedAt;
    expect(reRegisteredMs).to.be.below(30_000);
    await expectExactlyOneController(30_000);
    await cluster.waitUntilReady(30_000, 3);
  });

  it('stops acting as controller as soon as the controller\'s session is lost while it is cut off from ZooKeeper; another broker takes over with a higher epoch and the old one re-registers after the heal', async () => {
    await cluster.waitUntilReady(60_000, 3);
    const before = await controllerInZk();
    const old = cluster.broker(before.id);
    expect(await activeControllerCount(old.brokerId)).to.equal(1);
    const others = cluster.brokers.filter((b) => b !== old);
    const outputBefore = new Map(others.map((b) => [b.brokerId, b.recentOutput(500).split('\n').length]));
    proxies[old.brokerId]!.partition();
    const elected = await eventually(async () => {
      const c = await controllerInZk();
      return c.id >= 0 && c.id !== old.brokerId ? c : undefined;
    }, SESSION_TIMEOUT_MS + 20_000, 'another broker elected controller');
    expect(elected.epoch).to.be.greaterThan(before.epoch);
    // The old controller resigned when its session was lost, which is no later than ZooKeeper's
    // expiry of that session (what let the other broker win): allow one scrape round trip.
    await eventually(async () => (await activeControllerCount(old.brokerId)) === 0, 1000, 'the cut-off controller to have resigned');
    const health = (await (await fetch(`http://localhost:${metricsPorts[old.brokerId]}/health`)).json()) as { controller: boolean };
    expect(health.controller).to.equal(false);
    await expectExactlyOneController(20_000);

    proxies[old.brokerId]!.heal();
    await eventually(async () => (await brokerIds()).join() === '0,1,2', 30_000, 'the cut-off broker registered again');
    expect(await expectExactlyOneController(30_000)).to.equal(elected.id);
    await cluster.waitUntilReady(30_000, 3);
    // No broker heard from the old controller with its old epoch after the cut.
    for (const b of others) {
      const lines = b.recentOutput(500).split('\n').slice(Math.max(0, (outputBefore.get(b.brokerId) ?? 0) - 500));
      const stale = lines.filter((l) => l.includes(`from controller ${old.brokerId} with`));
      expect(stale, `broker ${b.brokerId}`).to.deep.equal([]);
    }
  });

  it('re-elects at once after a one-way outage in which the controller gave up a session ZooKeeper still kept: its stale /controller claim is removed, not waited out', async () => {
    await cluster.waitUntilReady(60_000, 3);
    const before = await controllerInZk();
    const controller = cluster.broker(before.id);
    // ZooKeeper still hears the controller (its session stays alive) but the controller hears
    // nothing: after a session timeout it resigns and gives that session up, while ZooKeeper keeps
    // it, and its /controller znode, until one session timeout after it last heard from it.
    proxies[controller.brokerId]!.holdReplies();
    await eventually(async () => (await activeControllerCount(controller.brokerId)) === 0, SESSION_TIMEOUT_MS + 10_000, 'the controller to give its session up');
    expect((await controllerInZk()).id, 'the old session\'s /controller claim').to.equal(controller.brokerId);
    proxies[controller.brokerId]!.heal();
    const healedAt = Date.now();
    await eventually(async () => (await controllerInZk()).epoch > before.epoch, 20_000, 'a new controller epoch');
    // Waiting out the old session would take until about one session timeout after the outage began.
    expect(Date.now() - healedAt).to.be.below(2000);
    await expectExactlyOneController(20_000);
    await eventually(async () => (await brokerIds()).join() === '0,1,2', 30_000, 'every broker registered');
  });

  it('with ZooKeeper gone, a second signal during the shutdown makes a broker exit at once (SIGTERM, then SIGINT: exit code 130)', async () => {
    for (const p of proxies) p.heal();
    await cluster.waitUntilReady(60_000, 3);
    // Leaders to move: a controlled shutdown then needs ZooKeeper writes.
    await createTopic(cluster, 'led-everywhere', 3, 3);
    const { id: controllerId } = await controllerInZk();
    const broker = cluster.brokers.find((b) => b.brokerId !== controllerId)!;
    for (const p of proxies) p.partition();
    broker.signal('SIGTERM');
    // Its controlled shutdown waits for a controller that cannot reach ZooKeeper.
    expect(await broker.waitForExit(1500)).to.equal('running');
    broker.signal('SIGINT');
    const signalledAt = Date.now();
    expect(await broker.waitForExit(5000)).to.equal(130);
    expect(Date.now() - signalledAt).to.be.below(5000);
  });

  it('with ZooKeeper gone, SIGTERM stops the controller within its bounded shutdown (controlled-shutdown retries, ZooKeeper waits) with exit code 0', async () => {
    for (const p of proxies) p.heal();
    const running = cluster.brokers.filter((b) => b.isRunning).length;
    await cluster.waitUntilReady(60_000, running);
    await createTopic(cluster, 'led-by-survivors', 3, running);
    const controller: BrokerProcess = cluster.broker((await controllerInZk()).id);
    for (const p of proxies) p.partition();
    const started = Date.now();
    controller.signal('SIGTERM');
    // Controlled shutdown: at most max.retries requests of controller.socket.timeout.ms with the
    // backoff between them; every later step waits at most zookeeper.connection.timeout.ms (the
    // session timeout here) for ZooKeeper.
    const bound = CONTROLLED_SHUTDOWN_MAX_RETRIES * (CONTROLLER_SOCKET_TIMEOUT_MS + CONTROLLED_SHUTDOWN_RETRY_BACKOFF_MS) + 3 * SESSION_TIMEOUT_MS;
    const code = await controller.waitForExit(bound);
    const elapsed = Date.now() - started;
    expect(code, `still running after ${elapsed} ms:\n${controller.recentOutput(40)}`).to.equal(0);
    expect(elapsed).to.be.below(bound);
  });
});
