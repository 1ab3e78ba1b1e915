/**
 * A short run of the protocol fuzzer (scripts/fuzz; `npm run test:fuzz -- --frames 1000000` for
 * the long one) against a real broker process: hostile frames of every kind, thousands of
 * connections, slow senders, clients that never read. The broker must not exit, must keep
 * answering a real client, stay under queued.max.request.bytes + 300 MB of RSS, and not repeat a
 * log line more than a rate-limited one would.
 */
import { expect } from 'chai';
import { useCluster } from './support.js';
import { formatReport, runFuzz } from '../../scripts/fuzz/protocol-fuzzer.js';

const MAX_REQUEST = 104857600;

describe('protocol fuzzing a real broker', function () {
  this.timeout(300_000);
  const cluster = useCluster({ brokers: 1, overrides: { 'socket.request.max.bytes': MAX_REQUEST, 'queued.max.request.bytes': MAX_REQUEST } });

  it('survives 20,000 fuzz frames with bounded memory and logs, answering a real client throughout', async () => {
    const report = await runFuzz({
      broker: cluster().brokers[0]!,
      frames: 20_000,
      seed: 20_000,
      maxRequestSize: MAX_REQUEST,
      queuedMaxRequestBytes: MAX_REQUEST,
      idleConnections: 1000,
      concurrency: 100,
    });
    expect(report.failures, formatReport(report)).to.deep.equal([]);
    expect(report.ok).to.equal(true);
    expect(report.broker.running).to.equal(true);
    expect(report.frames.sent).to.equal(20_000);
    // The run reached the broker's handlers and its error paths, not only its framing.
    expect(report.frames.answered).to.be.greaterThan(200);
    expect(report.connections.closedByBroker).to.be.greaterThan(200);
    expect(report.liveness.checks).to.be.greaterThan(3);
  });
});
