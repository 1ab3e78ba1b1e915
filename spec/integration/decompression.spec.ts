/**
 * A produced batch that must be decompressed (here: compression bombs, validated and refused) is
 * inflated off the broker's event loop, so the broker keeps answering other clients meanwhile.
 */
import { expect } from 'chai';
import { createTopic, request, useCluster } from './support.js';
import { gzipBombBatch } from '../../scripts/fuzz/compression-bomb.js';

const MiB = 1024 * 1024;

describe('decompression of produced batches', function () {
  this.timeout(120_000);
  const cluster = useCluster({ brokers: 1, overrides: { 'message.max.bytes': 4 * MiB } });

  it('answers other requests while it inflates compression bombs, and refuses them with CORRUPT_MESSAGE', async () => {
    const bootstrap = cluster().bootstrapServers[0]!;
    await createTopic(cluster(), 'bombs', 4);
    // Four partitions, each a ~1 MB gzip batch that inflates past the 100 MiB decompression limit
    // (its gzip trailer hides that, so it has to be inflated to find out).
    const bomb = await gzipBombBatch(1024 * MiB, true);
    let pinging = true;
    let answers = 0;
    let maxWaitMs = 0;
    const pinger = (async (): Promise<void> => {
      while (pinging) {
        const t = performance.now();
        const r = await request(bootstrap, 18, 2, {});
        expect(r.errorCode).to.equal(0);
        maxWaitMs = Math.max(maxWaitMs, performance.now() - t);
        answers++;
      }
    })();
    while (answers < 3) await new Promise((r) => setTimeout(r, 10));
    const t0 = performance.now();
    const produced = await request(bootstrap, 0, 7, {
      acks: 1,
      timeoutMs: 30_000,
      topicData: [{ name: 'bombs', partitionData: [0, 1, 2, 3].map((index) => ({ index, records: bomb })) }],
    });
    const produceMs = performance.now() - t0;
    pinging = false;
    await pinger;
    expect(produced.responses[0]!.partitionResponses.map((p) => p.errorCode)).to.deep.equal([2, 2, 2, 2]);
    // While the broker inflated 400 MiB, no other request waited for most of that time (on the
    // event loop, each would wait for the whole of it).
    expect(maxWaitMs, `longest ApiVersions wait ${maxWaitMs.toFixed(0)} ms during a ${produceMs.toFixed(0)} ms produce`).to.be.below(produceMs / 2);
  });
});
