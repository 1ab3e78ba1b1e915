/**
 * `kafkats console` end to end: the console process (bin/kafkats.js console) against a real
 * 3-broker cluster, driven in headless Chromium (Debian's chromium through playwright-core). It
 * creates a topic and produces a record through the page, sees the record in the message browser,
 * sees a kafkajs group's lag reset through the page and then go to 0 as the group consumes, and
 * sees a throttled partition reassignment in progress and its end after a cancel, reads the
 * controller epoch and broker epochs from ZooKeeper (--zookeeper), and sees an under-replicated
 * partition appear after a broker is killed — live, without reloading.
 * Each page is saved as a screenshot: in docs/console/ when KAFKATS_CONSOLE_SCREENSHOTS=docs (to
 * refresh the committed ones), otherwise in a temporary directory, so `npm test` leaves the tree clean.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { findFreePort } from '../../lib/testing/zookeeper-runner.js';
import { REPO_ROOT } from '../../lib/testing/broker-process.js';
import { consumeWithGroup, eventually, kafkajsClient, request, run, useCluster } from './support.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = process.env.KAFKATS_CONSOLE_SCREENSHOTS === 'docs' ? path.join(REPO_ROOT, 'docs', 'console') : path.join(os.tmpdir(), 'kafkats-console-screenshots');
const TOPIC = 'console-orders';
const GROUP = 'console-billing';
const MOVES = 'console-moves';

interface ConsoleProcess { child: ChildProcess; url: string; output: () => string }

function startConsole(bootstrap: string[], extra: string[] = []): Promise<ConsoleProcess> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'kafkats.js'), 'console', '--bootstrap-server', bootstrap.join(','), '--port', '0', '--refresh-ms', '1000', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the console did not start within 20 s: ${out}`)), 20_000);
    const check = (): void => {
      const m = / at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, output: () => out });
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => reject(new Error(`the console exited with ${code}: ${out}`)));
  });
}

async function stopConsole(c: ConsoleProcess | undefined): Promise<void> {
  if (!c || c.child.exitCode !== null) return;
  const exited = new Promise((r) => c.child.once('exit', r));
  c.child.kill('SIGTERM');
  await exited;
}

describe('kafkats console in headless Chromium', function () {
  this.timeout(120_000);
  const metricsPorts = new Map<number, number>();
  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      // Skip reason: the console is driven in Debian's chromium (no browser download here); npm test's
      // pretest installs it on Debian/Ubuntu, so this skips only where that package cannot be had.
      console.log('      not tested: no chromium (apt-get install chromium; .ci/run installs it)');
      this.skip();
    }
    for (const id of [0, 1, 2]) metricsPorts.set(id, await findFreePort());
  });
  const cluster = useCluster({
    brokers: 3,
    overrides: { 'zookeeper.session.timeout.ms': 6000, 'replica.lag.time.max.ms': 3000 },
    brokerOverrides: (id) => ({ 'kafkats.metrics.port': metricsPorts.get(id) ?? 0 }),
  });
  let consoleProcess: ConsoleProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  before(async function () {
    this.timeout(60_000);
    const { chromium } = await import('playwright-core');
    consoleProcess = await startConsole(cluster().bootstrapServers, ['--zookeeper', cluster().zookeeperConnect]);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // A refused request (409, 404) is an answer the page shows; only script errors count.
    page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text()); });
    fs.mkdirSync(SHOTS, { recursive: true });
  });

  after(async function () {
    await browser?.close();
    await stopConsole(consoleProcess);
  });

  /** Waits until the page has had one more live push than now. */
  const nextRefresh = async (): Promise<void> => {
    const tick = Number(await page.locator('main').getAttribute('data-tick'));
    await eventually(async () => Number(await page.locator('main').getAttribute('data-tick')) > tick, 20_000, 'a live refresh');
  };
  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  it('shows the brokers and the controller, live', async () => {
    await page.goto(consoleProcess!.url);
    await page.getByTestId('status').getByText('live').waitFor();
    await page.getByTestId('broker-count').filter({ hasText: '3' }).waitFor();
    const controller = await page.getByTestId('controller').textContent();
    expect(Number(controller)).to.be.within(0, 2);
    expect(await page.getByTestId('under-replicated-count').textContent()).to.equal('0');
  });

  it('reads what only ZooKeeper knows with --zookeeper: controller epoch, broker epochs', async () => {
    await page.getByTestId('zookeeper').waitFor();
    expect(Number(await page.getByTestId('zk-controller-epoch').textContent())).to.be.at.least(1);
    expect(await page.getByTestId('zk-broker').locator('td:first-child').allTextContents()).to.deep.equal(['0', '1', '2']);
    const epochs = await page.getByTestId('zk-broker').locator('td:last-child').allTextContents();
    expect(epochs.every((e) => /^\d+$/.test(e) && Number(e) > 0), epochs.join(',')).to.equal(true);
    expect(await page.getByTestId('zk-pending-deletions').textContent()).to.equal('0');
    // The pushed overview names the ZooKeeper and nothing secret.
    const overview = await (await fetch(new URL('/api/cluster', consoleProcess!.url))).json() as { zookeeper: { connect: string; brokers: unknown[] } };
    expect(overview.zookeeper.connect).to.equal(cluster().zookeeperConnect);
    expect(overview.zookeeper.brokers).to.have.length(3);
  });

  it('creates a topic through the page, and refuses a second one of that name readably', async () => {
    await page.goto(`${consoleProcess!.url}#/topics`);
    const form = page.getByTestId('create-topic');
    await form.locator('input[name=name]').fill(TOPIC);
    await form.locator('input[name=partitions]').fill('3');
    await form.locator('input[name=replicationFactor]').fill('3');
    // A live refresh re-renders the page; it must leave what the user typed alone.
    await nextRefresh();
    expect(await form.locator('input[name=partitions]').inputValue()).to.equal('3');
    await form.getByRole('button').click();
    await page.getByTestId('notice').filter({ hasText: `Created topic ${TOPIC}.` }).waitFor();
    await page.locator(`[data-testid=topic-row][data-topic=${TOPIC}]`).waitFor();
    await form.locator('input[name=name]').fill(TOPIC);
    await form.getByRole('button').click();
    await page.getByTestId('error').filter({ hasText: 'TOPIC_ALREADY_EXISTS' }).waitFor();
    await shot('topics');
    await page.locator(`[data-testid=topic-row][data-topic=${TOPIC}] a`).first().click();
    await eventually(async () => (await page.getByTestId('partition-row').count()) === 3, 45_000, 'three partitions on the topic page')
      .catch(async (err: Error) => { throw new Error(`${err.message}; the page shows: ${await page.locator('main').innerText()}`); });
    await shot('topic');
  });

  it('produces a record through the page and shows it as text, JSON and hex', async () => {
    await page.goto(`${consoleProcess!.url}#/topics/${TOPIC}/messages`);
    const form = page.getByTestId('produce');
    await form.locator('input[name=partition]').fill('0');
    await form.locator('input[name=key]').fill('order-1');
    await form.locator('textarea[name=value]').fill('{"order":1,"item":"kafka book"}');
    await form.locator('textarea[name=headers]').fill('source=console');
    await form.getByRole('button').click();
    await page.getByTestId('notice').filter({ hasText: `Produced to ${TOPIC}-0 at offset 0.` }).waitFor();
    const value = page.getByTestId('record-value').first();
    await value.filter({ hasText: '{"order":1,"item":"kafka book"}' }).waitFor();
    await page.getByTestId('format').selectOption('json');
    await value.filter({ hasText: '"item": "kafka book"' }).waitFor();
    await page.getByTestId('format').selectOption('hex');
    await value.filter({ hasText: '7b 22 6f 72 64 65 72 22' }).waitFor();
    await page.getByTestId('format').selectOption('json');
    expect(await page.getByTestId('record').first().textContent()).to.contain('order-1').and.contain('source');
    await shot('messages');
  });

  it("shows a kafkajs group's lag after a reset through the page, then going to 0 while the group consumes", async () => {
    const kafka = kafkajsClient(cluster());
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: TOPIC, messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `record ${i}` })) });
    await producer.disconnect();
    // The group reads all 31 records once (its committed offsets are at the log end), then stops.
    await consumeWithGroup(kafka, TOPIC, 31, GROUP);
    await page.goto(`${consoleProcess!.url}#/groups/${GROUP}`);
    await page.getByTestId('total-lag').filter({ hasText: /^0$/ }).waitFor({ timeout: 30_000 });
    const form = page.getByTestId('reset-offsets');
    await form.locator('input[name=topic]').fill(TOPIC);
    await form.locator('select[name=to]').selectOption('earliest');
    await form.getByRole('button').click();
    await page.getByTestId('total-lag').filter({ hasText: /^31$/ }).waitFor({ timeout: 30_000 });
    // The group consumes again: the page, never reloaded, follows its lag down to 0.
    const consumer = kafka.consumer({ groupId: GROUP, sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 200 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [TOPIC] });
      await consumer.run({ eachMessage: async () => undefined });
      await page.getByTestId('group-state').filter({ hasText: 'Stable' }).waitFor({ timeout: 60_000 });
      await page.getByTestId('total-lag').filter({ hasText: /^0$/ }).waitFor({ timeout: 60_000 });
      // Every partition's lag at 0 (the rows follow the group's commits, one refresh after another).
      await eventually(async () => {
        const lags = await page.getByTestId('lag').allTextContents();
        return lags.length === 3 && lags.every((l) => l === '0');
      }, 30_000, 'lag 0 on each of the 3 partitions').catch(async (err: Error) => { throw new Error(`${err.message}; the page shows: ${await page.locator('main').innerText()}`); });
      await shot('group');
      await page.goto(`${consoleProcess!.url}#/groups`);
      await page.getByTestId('group-row').filter({ hasText: GROUP }).waitFor();
      await shot('groups');
    } finally {
      await consumer.disconnect();
    }
  });

  it('shows ACLs read-only (no authorizer: says so)', async () => {
    await page.goto(`${consoleProcess!.url}#/acls`);
    await page.getByTestId('acl-note').filter({ hasText: 'SECURITY_DISABLED' }).waitFor();
    await shot('acls');
  });

  it('shows a throttled reassignment in progress, live, and no reassignment once it is cancelled', async () => {
    const c = cluster();
    const meta = await c.waitUntilReady(30_000);
    const created = await request(c.broker(meta.controllerId).bootstrap, 19, 5, {
      topics: [{ name: MOVES, numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [0] }], configs: [] }],
      timeoutMs: 30_000,
      validateOnly: false,
    });
    expect(created.topics[0]!.errorCode).to.equal(0);
    await page.goto(`${consoleProcess!.url}#/reassignments`);
    await page.getByTestId('no-reassignments').waitFor();
    // 3 MB on broker 0; the new replica on broker 1 copies at most one 1 MB fetch, then waits on the
    // 10 KB/s throttle for minutes: the reassignment stays in progress while the page is looked at.
    const producer = kafkajsClient(c).producer();
    await producer.connect();
    for (let i = 0; i < 3; i++) {
      await producer.send({ topic: MOVES, acks: -1, messages: Array.from({ length: 10 }, (_, j) => ({ key: `m${i}-${j}`, value: 'x'.repeat(100_000) })) });
    }
    await producer.disconnect();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-console-moves-'));
    const plan = path.join(dir, 'plan.json');
    fs.writeFileSync(plan, JSON.stringify({ version: 1, partitions: [{ topic: MOVES, partition: 0, replicas: [0, 1] }] }));
    const tool = (args: string[]) => run(process.execPath, [path.join(REPO_ROOT, 'bin', 'kafkats.js'), 'reassign-partitions', '--bootstrap-server', c.bootstrapServers.join(','), '--reassignment-json-file', plan, ...args], undefined, 60_000);
    try {
      const executed = await tool(['--execute', '--throttle', '10000']);
      expect(executed.code, executed.stderr).to.equal(0);
      // Live: the page, not reloaded, shows the move with its adding replica.
      const row = page.getByTestId('reassignment-row').filter({ hasText: MOVES });
      await row.waitFor({ timeout: 30_000 });
      expect((await row.locator('td').allTextContents())).to.deep.equal([MOVES, '0', '0,1', '1', '–']);
      await shot('reassignments');
      const cancelled = await tool(['--cancel']);
      expect(cancelled.code, cancelled.stderr).to.equal(0);
      await page.getByTestId('no-reassignments').waitFor({ timeout: 30_000 });
      // Its one replica would be an offline partition in the next test's broker kill: gone instead.
      const deleted = await request(c.broker((await c.waitUntilReady(30_000)).controllerId).bootstrap, 20, 4, { topicNames: [MOVES], timeoutMs: 30_000 });
      expect(deleted.responses[0]!.errorCode).to.equal(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows an under-replicated partition appear after a broker is killed, without a reload', async () => {
    await page.goto(consoleProcess!.url);
    // Bytes in/out: the brokers' /metrics were found through their configs.
    await page.getByTestId('bytes-chart').waitFor({ timeout: 20_000 });
    await page.getByTestId('no-under-replicated').waitFor();
    const controller = Number(await page.getByTestId('controller').textContent());
    const victim = [0, 1, 2].find((id) => id !== controller)!;
    await cluster().killBroker(victim);
    await page.getByTestId('under-replicated').waitFor({ timeout: 60_000 });
    const rows = await page.getByTestId('under-replicated').getByTestId('partition-row').allTextContents();
    expect(rows.some((r) => r.startsWith(TOPIC))).to.equal(true);
    await page.getByTestId('broker-count').filter({ hasText: '2' }).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('offline-broker').allTextContents()).to.deep.equal([`${victim}offline: named as a replica but not alive`]);
    await shot('cluster');
  });

  it('answers bad input with a readable error and keeps serving; --read-only refuses changes', async () => {
    const url = consoleProcess!.url;
    const post = (p: string, body: string, type = 'application/json') => fetch(new URL(p, url), { method: 'POST', headers: { 'Content-Type': type }, body });
    const bad = await post('/api/topics', JSON.stringify({ name: 'no spaces allowed', partitions: 1 }));
    expect(bad.status).to.equal(400);
    expect((await bad.json() as { error: string }).error).to.contain('invalid topic name');
    const notJson = await post('/api/topics', '{"name":');
    expect(notJson.status).to.equal(400);
    expect(((await notJson.json()) as { error: string }).error).to.contain('not JSON');
    const form = await post('/api/topics', 'name=x', 'application/x-www-form-urlencoded');
    expect(form.status).to.equal(415);
    const missing = await fetch(new URL('/api/topics/no-such-topic/records?partition=0', url));
    expect(missing.status).to.be.within(400, 499);
    expect(((await missing.json()) as { error: string }).error).to.contain("Topic 'no-such-topic' does not exist");
    const produceMissing = await post('/api/topics/no-such-topic/records', JSON.stringify({ value: 'x' }));
    expect(produceMissing.status).to.equal(404);
    expect(((await produceMissing.json()) as { error: string }).error).to.equal("Topic 'no-such-topic' does not exist");
    const badPartition = await fetch(new URL(`/api/topics/${TOPIC}/records?partition=x`, url));
    expect(badPartition.status).to.equal(400);
    const ok = await fetch(new URL('/api/topics', url));
    expect(ok.status).to.equal(200);
    expect(consoleProcess!.child.exitCode).to.equal(null);

    const kafkats = (args: string[]) => run(process.execPath, [path.join(REPO_ROOT, 'bin', 'kafkats.js'), 'console', ...args], undefined, 30_000);
    const noServer = await kafkats(['--bootstrap-server', 'localhost']);
    expect(noServer.code).to.equal(1);
    expect(noServer.stderr).to.equal("kafkats console: invalid bootstrap server 'localhost': expected host:port\n");
    const busyPort = new URL(url).port;
    const taken = await kafkats(['--bootstrap-server', cluster().bootstrapServers[0]!, '--port', busyPort]);
    expect(taken.code).to.equal(1);
    expect(taken.stderr).to.match(/^kafkats console: cannot serve the console on 127\.0\.0\.1:\d+: listen EADDRINUSE/);

    // A ZooKeeper that does not answer is shown as such; the overview still comes, in bounded time.
    const noZooKeeper = await startConsole(cluster().bootstrapServers.filter((_, i) => cluster().brokers[i]!.isRunning), ['--zookeeper', `127.0.0.1:${await findFreePort()}`]);
    try {
      const started = Date.now();
      const overview = await (await fetch(new URL('/api/cluster', noZooKeeper.url))).json() as { brokers: unknown[]; zookeeper: { error: string | null } };
      expect(overview.zookeeper.error).to.match(/^cannot read ZooKeeper: /);
      expect(overview.brokers).to.have.length(2);
      expect(Date.now() - started).to.be.below(15_000);
    } finally {
      await stopConsole(noZooKeeper);
    }

    const readOnly = await startConsole(cluster().bootstrapServers.filter((_, i) => cluster().brokers[i]!.isRunning), ['--read-only']);
    try {
      const refused = await fetch(new URL('/api/topics', readOnly.url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'ro', partitions: 1 }) });
      expect(refused.status).to.equal(403);
      expect(((await refused.json()) as { error: string }).error).to.contain('read-only');
      await page.goto(`${readOnly.url}#/topics`);
      await page.getByTestId('status').getByText('read-only').waitFor();
      await page.getByTestId('topic-row').first().waitFor();
      expect(await page.getByTestId('create-topic').count()).to.equal(0);
    } finally {
      await stopConsole(readOnly);
    }
    expect(pageErrors).to.deep.equal([]);
  });
});
