import { expect } from 'chai';
import net from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { KafkaMetrics } from '../../lib/metrics/kafka-metrics.js';
import { parseExposition } from './exposition.js';

const execFileAsync = promisify(execFile);

describe('KafkaMetrics HTTP endpoint', () => {
  const started: KafkaMetrics[] = [];

  async function startOnFreePort(): Promise<{ metrics: KafkaMetrics; base: string }> {
    const metrics = new KafkaMetrics({ brokerId: 7, port: 0, host: '127.0.0.1', defaultMetrics: false });
    started.push(metrics);
    const address = await metrics.start();
    expect(address).to.not.equal(null);
    return { metrics, base: `http://127.0.0.1:${address!.port}` };
  }

  afterEach(async () => {
    for (const m of started.splice(0)) await m.stop();
  });

  it('serves GET /metrics in Prometheus text format with the broker\'s values', async () => {
    const { metrics, base } = await startOnFreePort();
    metrics.markBytesIn('orders', 2048, 16);
    metrics.registerGauges({ leaderCount: () => 12 });
    const res = await fetch(`${base}/metrics`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
    const samples = parseExposition(await res.text());
    expect(samples.get('kafka_server_brokertopicmetrics_bytesin_total{topic="orders"}')).to.equal(2048);
    expect(samples.get('kafka_server_replicamanager_leadercount')).to.equal(12);
  });

  it('answers /health with 503 "starting" until a health callback is registered', async () => {
    const { base } = await startOnFreePort();
    const res = await fetch(`${base}/health`);
    expect(res.status).to.equal(503);
    expect(await res.json()).to.deep.equal({ status: 'starting', brokerId: 7, controller: false });
  });

  it('answers /health with the callback\'s JSON: 200 when ok, 503 when shutting down', async () => {
    const { metrics, base } = await startOnFreePort();
    let status: 'ok' | 'shutting_down' = 'ok';
    metrics.registerHealth(() => ({ status, brokerId: 7, controller: true, brokerEpoch: 42n, listeners: ['PLAINTEXT://localhost:9092'] }));
    let res = await fetch(`${base}/health?verbose=1`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/json');
    expect(await res.json()).to.deep.equal({
      status: 'ok', brokerId: 7, controller: true, brokerEpoch: '42', listeners: ['PLAINTEXT://localhost:9092'],
    });
    status = 'shutting_down';
    res = await fetch(`${base}/health`);
    expect(res.status).to.equal(503);
    expect((await res.json() as { status: string }).status).to.equal('shutting_down');
  });

  it('answers 503 when the health callback throws', async () => {
    const { metrics, base } = await startOnFreePort();
    metrics.registerHealth(() => { throw new Error('not yet'); });
    const res = await fetch(`${base}/health`);
    expect(res.status).to.equal(503);
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const { base } = await startOnFreePort();
    expect((await fetch(`${base}/`)).status).to.equal(404);
    expect((await fetch(`${base}/metricsx`)).status).to.equal(404);
    const post = await fetch(`${base}/metrics`, { method: 'POST', body: 'x' });
    expect(post.status).to.equal(405);
    expect(post.headers.get('allow')).to.equal('GET, HEAD');
  });

  it('stops listening on stop()', async () => {
    const { metrics, base } = await startOnFreePort();
    expect((await fetch(`${base}/metrics`)).status).to.equal(200);
    await metrics.stop();
    expect(metrics.address).to.equal(null);
    let failed = false;
    try {
      await fetch(`${base}/metrics`);
    } catch {
      failed = true;
    }
    expect(failed).to.equal(true);
  });

  it('does not listen when the port is -1 (the default)', async () => {
    const metrics = new KafkaMetrics({ brokerId: 0, defaultMetrics: false });
    expect(await metrics.start()).to.equal(null);
    expect(metrics.address).to.equal(null);
    await metrics.stop();
  });

  it('logs instead of throwing when the port is taken, and the broker carries on', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const metrics = new KafkaMetrics({ brokerId: 0, port, host: '127.0.0.1', defaultMetrics: false });
      expect(await metrics.start()).to.equal(null);
      expect(metrics.address).to.equal(null);
      metrics.markBytesIn('t', 1, 1);
      expect(await metrics.metricsText()).to.include('topic="t"');
      await metrics.stop();
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('does not keep a process alive: a script that starts the endpoint and returns exits by itself', async function () {
    this.timeout(15000);
    const script = [
      `import { KafkaMetrics } from ${JSON.stringify(new URL('../../lib/metrics/kafka-metrics.ts', import.meta.url).href)};`,
      "const m = new KafkaMetrics({ brokerId: 0, port: 0, host: '127.0.0.1', defaultMetrics: false });",
      "const a = await m.start();",
      "if (a === null) process.exit(3);",
      "console.log('listening', a.port);",
    ].join('\n');
    const started = Date.now();
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      timeout: 10000, env: { ...process.env, KAFKATS_LOG_LEVEL: 'silent' },
    });
    expect(stdout).to.match(/^listening \d+/);
    expect(Date.now() - started).to.be.lessThan(10000);
  });
});
