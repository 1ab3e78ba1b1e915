/**
 * The fuzzer's real client, in a process of its own (so that the fuzzer's load on its own event
 * loop cannot delay it): every `intervalMs` a fresh connection sends ApiVersions and Metadata and
 * prints one JSON line `{ "ok": true, "ms": 12 }` or `{ "ok": false, "ms": …, "error": "…" }`.
 *
 *   node --import tsx scripts/fuzz/liveness.ts <host> <port> <topic> [intervalMs] [timeoutMs]
 */
import { NetworkClient } from '../../lib/network/network-client.js';
import { ApiKeys, decodeResponse, encodeRequest } from '../../lib/protocol/index.js';

const [host = '127.0.0.1', port = '9092', topic = 'fuzz', interval = '1000', timeout = '10000'] = process.argv.slice(2);
let id = 1;
for (;;) {
  const started = performance.now();
  const client = new NetworkClient({ host, port: Number(port) }, { requestTimeoutMs: Number(timeout), connectTimeoutMs: Number(timeout), maxResponseSize: 16 * 1024 * 1024 });
  try {
    const v = encodeRequest({ requestApiKey: ApiKeys.API_VERSIONS, requestApiVersion: 2, correlationId: id, clientId: 'fuzz-liveness' }, {});
    const versions = decodeResponse(ApiKeys.API_VERSIONS, 2, (await client.send(id++, [v])) as Buffer).body;
    if (versions.errorCode !== 0 || versions.apiKeys.length < 10) throw new Error(`ApiVersions answered error ${versions.errorCode}`);
    const m = encodeRequest({ requestApiKey: ApiKeys.METADATA, requestApiVersion: 1, correlationId: id, clientId: 'fuzz-liveness' }, { topics: [{ name: topic }] });
    const metadata = decodeResponse(ApiKeys.METADATA, 1, (await client.send(id++, [m])) as Buffer).body;
    if (metadata.brokers.length === 0) throw new Error('Metadata lists no broker');
    process.stdout.write(`${JSON.stringify({ ok: true, ms: Math.round(performance.now() - started) })}\n`);
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ ok: false, ms: Math.round(performance.now() - started), error: (err as Error).message })}\n`);
  } finally {
    client.close();
  }
  await new Promise((r) => setTimeout(r, Number(interval)));
}
