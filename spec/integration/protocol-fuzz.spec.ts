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

  it('survives 10,000 fuzz frames with bounded memory and logs, answering a real client throughout', async () => {
    const report = await runFuzz({
      broker: cluster().brokers[0]!,
      frames: 10_000,
      seed: 10_000,
      // Past the broker's 100 MiB decompression limit, and quicker to build than the script's 1 GiB.
      bombBytes: 256 * 1024 * 1024,
      maxRequestSize: MAX_REQUEST,
      queuedMaxRequestBytes: MAX_REQUEST,
      idleConnections: 1000,
      concurrency: 100,
    });
    expect(report.failures, formatReport(report)).to.deep.equal([]);
    expect(report.ok).to.equal(true);
    expect(report.broker.running).to.equal(true);
    expect(report.frames.sent).to.equal(10_000);
    // The run reached the broker's handlers and its error paths, not only its framing. Each exchange
    // is bounded in time, so how many are answered depends on the machine's load (1 % on a quiet
    // machine, 0.4 % with two other fuzz runs and test clusters on two cores).
    expect(report.frames.answered).to.be.greaterThan(20);
    expect(report.connections.closedByBroker).to.be.greaterThan(20);
    expect(report.liveness.checks).to.be.greaterThan(3);
  });
});
