/**
 * The Prometheus endpoint of a real broker, scraped after traffic: per-topic byte and message
 * counters are non-zero for the produced topic, request latency histograms exist per API, the
 * broker gauges are there, and /health answers ok.
 */
import { expect } from 'chai';
import { createTopic, kcat, useCluster } from './support.js';
import { findFreePort } from '../../lib/testing/zookeeper-runner.js';
import { readFileSync } from 'node:fs';
import { BROKER_MALLOC_ENV } from '../../lib/server/heap-tuning.js';

function sample(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line === undefined ? NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('metrics endpoint', function () {
  this.timeout(120_000);
  let port = 0;
  const cluster = useCluster({ brokers: 1, overrides: { 'kafkats.metrics.port': 0 } });

  before(async () => {
    port = await findFreePort();
  });

  it('shows non-zero traffic for a produced and consumed topic, latency per API and broker gauges', async function () {
    // The cluster's broker runs with an ephemeral metrics port; restart it on a known one.
    const b = cluster().brokers[0]!;
    await b.stop();
    b.options.overrides = { ...b.options.overrides, 'kafkats.metrics.port': port };
    await b.start();
    await cluster().waitUntilReady(30_000, 1);
    await createTopic(cluster(), 'measured', 2);
    const p = await kcat(['-b', b.bootstrap, '-P', '-t', 'measured', '-p', '0'], Array.from({ length: 500 }, (_, i) => `m${i}`).join('\n') + '\n');
    expect(p.code, p.stderr).to.equal(0);
    await kcat(['-b', b.bootstrap, '-C', '-t', 'measured', '-p', '0', '-o', 'beginning', '-e', '-q']);
    const text = await (await fetch(`http://localhost:${port}/metrics`)).text();
    expect(sample(text, 'kafka_server_brokertopicmetrics_bytesin_total', 'topic="measured"')).to.be.greaterThan(0);
    expect(sample(text, 'kafka_server_brokertopicmetrics_messagesin_total', 'topic="measured"')).to.equal(500);
    expect(sample(text, 'kafka_server_brokertopicmetrics_bytesout_total', 'topic="measured"')).to.be.greaterThan(0);
    expect(sample(text, 'kafka_network_requestmetrics_requests_total', 'request="Produce"')).to.be.greaterThan(0);
    expect(text).to.match(/kafka_network_requestmetrics_totaltime_seconds_bucket\{[^}]*request="Fetch"/);
    expect(text).to.match(/^kafka_controller_kafkacontroller_activecontrollercount 1$/m);
    expect(text).to.match(/^kafka_server_replicamanager_leadercount 2$/m);
    expect(text).to.match(/^kafka_server_replicamanager_partitioncount 2$/m);
    expect(sample(text, 'kafka_log_log_size', 'topic="measured",partition="0"')).to.be.greaterThan(0);
    const health = await fetch(`http://localhost:${port}/health`);
    expect(health.status).to.equal(200);
    expect(await health.json()).to.include({ status: 'ok', brokerId: 0, controller: true });
  });

  it('runs the broker with its memory settings: malloc environment from the launcher, young generation kept at its initial size under load', async function () {
    const b = cluster().brokers[0]!;
    const environ = readFileSync(`/proc/${b.pid}/environ`, 'latin1').split('\0');
    for (const [k, v] of Object.entries(BROKER_MALLOC_ENV)) expect(environ, k).to.include(`${k}=${v}`);
    await createTopic(cluster(), 'churn', 1);
    // 50,000 records in small requests: plenty of short-lived request objects.
    const p = await kcat(['-b', b.bootstrap, '-P', '-t', 'churn', '-X', 'linger.ms=0'], 'x'.repeat(99).concat('\n').repeat(50_000));
    expect(p.code, p.stderr).to.equal(0);
    const text = await (await fetch(`http://localhost:${port}/metrics`)).text();
    const newSpace = sample(text, 'nodejs_heap_space_size_total_bytes', 'space="new"');
    // V8 grows it to 32 MB under such load when it may (two 16 MB semi-spaces).
    expect(newSpace / 1048576, 'new space (MB)').to.be.at.most(4);
  });
});
