/**
 * The longest event-loop block of a broker while it validates large compressed produce batches.
 * Starts ZooKeeper and one broker (startCluster, Prometheus metrics on), then for each case sends
 * one Produce (acks=1) and reads the broker's `nodejs_eventloop_lag_max_seconds` (perf_hooks
 * monitorEventLoopDelay, reset at every scrape) before and after it, while a second connection
 * sends ApiVersions requests back to back and records the longest wait for an answer.
 *
 *   npm run build && node --import tsx scripts/bench/decompression.ts [--mib 64] [--runs 3]
 */
import os from 'node:os';
import { startCluster } from '../../lib/testing/cluster.js';
import { findFreePort } from '../../lib/testing/zookeeper-runner.js';
import { NetworkClient } from '../../lib/network/network-client.js';
import { ApiKeys, decodeResponse, encodeRequest } from '../../lib/protocol/index.js';
import { CompressionType, compressionName } from '../../lib/record/compression.js';
import { compressibleBatch, gzipBombBatch } from '../fuzz/compression-bomb.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const MIB = 1024 * 1024;
const INFLATED = arg('--mib', 64) * MIB;
const RUNS = arg('--runs', 3);
const TOPIC = 'decompression-bench';

interface Case { name: string; batch: Buffer; inflated: number }

async function cases(): Promise<Case[]> {
  const valueSize = 1000;
  const count = Math.floor(INFLATED / (valueSize + 20));
  const out: Case[] = [{ name: 'none (walk only)', batch: compressibleBatch(CompressionType.NONE, Math.floor(8 * MIB / (valueSize + 20)), valueSize), inflated: 8 * MIB }];
  for (const codec of [CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4, CompressionType.ZSTD]) {
    out.push({ name: `${compressionName(codec)}, valid records`, batch: compressibleBatch(codec, count, valueSize), inflated: INFLATED });
  }
  out.push({ name: 'gzip bomb (1 GiB of zeros)', batch: await gzipBombBatch(1024 * MIB), inflated: 1024 * MIB });
  return out;
}

async function lagMaxMs(metricsPort: number): Promise<number> {
  const text = await (await fetch(`http://localhost:${metricsPort}/metrics`)).text();
  const m = /^nodejs_eventloop_lag_max_seconds(?:\{[^}]*\})? (\S+)/m.exec(text);
  if (!m) throw new Error('no nodejs_eventloop_lag_max_seconds in /metrics');
  return Number(m[1]) * 1000;
}

function client(port: number): NetworkClient {
  return new NetworkClient({ host: 'localhost', port }, { requestTimeoutMs: 120_000, connectTimeoutMs: 5000, maxResponseSize: 64 * MIB });
}

async function send<K extends typeof ApiKeys[keyof typeof ApiKeys]>(c: NetworkClient, apiKey: K, version: number, body: unknown, id: number): Promise<unknown> {
  const frame = encodeRequest({ requestApiKey: apiKey, requestApiVersion: version, correlationId: id, clientId: 'bench' }, body as never);
  return decodeResponse(apiKey, version, (await c.send(id, [frame])) as Buffer).body;
}

async function main(): Promise<void> {
  const all = await cases();
  const metricsPort = await findFreePort();
  const cluster = await startCluster({ brokers: 1, overrides: { 'message.max.bytes': 32 * MIB, 'kafkats.metrics.port': metricsPort } });
  const port = cluster.brokers[0]!.port;
  const c = client(port);
  const pinger = client(port);
  let id = 1;
  try {
    await send(c, ApiKeys.CREATE_TOPICS, 5, { topics: [{ name: TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false }, id++);
    await new Promise((r) => setTimeout(r, 1000));
    const rows: string[][] = [];
    for (const k of all) {
      const blocks: number[] = [];
      const gaps: number[] = [];
      const times: number[] = [];
      let error = -1;
      for (let run = 0; run < RUNS; run++) {
        await lagMaxMs(metricsPort); // resets the broker's histogram
        let pinging = true;
        let maxGap = 0;
        const ping = (async (): Promise<void> => {
          while (pinging) {
            const t = performance.now();
            await send(pinger, ApiKeys.API_VERSIONS, 2, {}, id++);
            maxGap = Math.max(maxGap, performance.now() - t);
          }
        })();
        await new Promise((r) => setTimeout(r, 50));
        const t0 = performance.now();
        const r = await send(c, ApiKeys.PRODUCE, 7, { acks: 1, timeoutMs: 30_000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: k.batch }] }] }, id++) as
          { responses: Array<{ partitionResponses: Array<{ errorCode: number }> }> };
        times.push(performance.now() - t0);
        await new Promise((r2) => setTimeout(r2, 50));
        pinging = false;
        await ping;
        blocks.push(await lagMaxMs(metricsPort));
        gaps.push(maxGap);
        error = r.responses[0]!.partitionResponses[0]!.errorCode;
      }
      const fmt = (xs: number[]): string => {
        const sorted = [...xs].sort((a, b) => a - b);
        return `${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} (${sorted[0]!.toFixed(0)}–${sorted[sorted.length - 1]!.toFixed(0)})`;
      };
      rows.push([k.name, `${(k.batch.length / 1024).toFixed(0)} KiB`, `${(k.inflated / MIB).toFixed(0)} MiB`, String(error), fmt(times), fmt(blocks), fmt(gaps)]);
    }
    console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, node ${process.version}; ${RUNS} runs per case, median (min–max) in ms`);
    console.log('| case | batch | inflates to | error code | produce ms | broker event-loop block ms | ApiVersions wait ms |');
    console.log('|---|---|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  } finally {
    c.close();
    pinger.close();
    await cluster.stop();
  }
}

await main();
