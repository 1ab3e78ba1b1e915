/**
 * kafkajs as the client of the `kafkats` tools: a Kafka instance with kafkajs' own logging off
 * (the tools report errors themselves, once, readably) and kafkats' compression codecs registered
 * for snappy, lz4 and zstd — lib/record/compression.ts wrapped as kafkajs codec objects
 * `{ compress(encoder), decompress(buffer) }`; gzip stays kafkajs' built-in codec.
 */
import { createRequire } from 'node:module';
import kafkajs, { type Kafka as KafkaClient, type KafkaConfig as KafkaClientConfig, type Mechanism } from 'kafkajs';
import type { ClientChannelSecurity } from '../network/network-client.js';
import { CompressionType, compress, decompress } from '../record/compression.js';
import { CliError } from './cli-support.js';

const { Kafka, CompressionCodecs, CompressionTypes, logLevel } = kafkajs;

export type { KafkaClient };

const require = createRequire(import.meta.url);
let codecsRegistered = false;
let idleChecksSkipped = false;

interface KafkajsRequestQueue {
  pending: unknown[];
  throttledUntil: number;
  scheduleCheckPendingRequests(): void;
}

/**
 * kafkajs 2.2.4 re-arms its pending-request check after every response even when nothing is
 * pending and nothing throttled: a timer of `-1 - Date.now()` ms, which Node 23+ reports on stderr
 * as a TimeoutNegativeWarning (tulios/kafkajs#1751) and which fires at once and re-arms itself
 * while the connection is idle (tulios/kafkajs#1704). Then there is nothing to check — a new
 * request is sent or queued (and a check scheduled) by push() — so no timer is set.
 */
export function skipIdlePendingRequestChecks(): void {
  if (idleChecksSkipped) return;
  idleChecksSkipped = true;
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: KafkajsRequestQueue };
  const schedule = RequestQueue.prototype.scheduleCheckPendingRequests;
  RequestQueue.prototype.scheduleCheckPendingRequests = function (this: KafkajsRequestQueue): void {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    schedule.call(this);
  };
}

/** Registers snappy (xerial framing, as the Java client writes it), lz4 (frame format) and zstd with kafkajs. */
export function registerCompressionCodecs(): void {
  if (codecsRegistered) return;
  codecsRegistered = true;
  const codec = (type: number) => () => ({
    compress: async (encoder: { buffer: Buffer }): Promise<Buffer> => compress(type, encoder.buffer),
    decompress: async (buffer: Buffer): Promise<Buffer> => decompress(type, buffer),
  });
  const codecs = CompressionCodecs as unknown as Record<number, () => unknown>;
  codecs[CompressionTypes.Snappy] = codec(CompressionType.SNAPPY);
  codecs[CompressionTypes.LZ4] = codec(CompressionType.LZ4);
  codecs[CompressionTypes.ZSTD] = codec(CompressionType.ZSTD);
}

/** Kafka's --compression-codec names → kafkajs CompressionTypes. */
export function compressionTypeFor(name: string | undefined): number {
  switch ((name ?? 'none').toLowerCase()) {
    case 'none': return CompressionTypes.None;
    case 'gzip': return CompressionTypes.GZIP;
    case 'snappy': return CompressionTypes.Snappy;
    case 'lz4': return CompressionTypes.LZ4;
    case 'zstd': return CompressionTypes.ZSTD;
    default: throw new CliError(`unknown compression codec '${name}': use none, gzip, snappy, lz4 or zstd`);
  }
}

/** A kafkajs client for one tool run: silent logger, codecs registered, short connect retries, no idle re-checks. */
export function createKafka(brokers: string[], clientId: string, extra: Partial<KafkaClientConfig> = {}): KafkaClient {
  registerCompressionCodecs();
  skipIdlePendingRequestChecks();
  return new Kafka({
    clientId,
    brokers,
    logLevel: process.env.KAFKATS_DEBUG ? logLevel.INFO : logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 30_000,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 },
    ...extra,
  });
}

/**
 * kafkajs' `ssl` and `sasl` for a tool's --command-config security (lib/cli/command-config.ts):
 * the TLS context kafkats built from the ssl.* keys, and the SASL exchange run by kafkats' own
 * SaslClient of the mechanism (PLAIN, SCRAM-SHA-256/512, OAUTHBEARER) as a kafkajs
 * authentication provider, so kafkajs and the tools' own admin client connect the same way.
 */
export function kafkajsSecurity(security: ClientChannelSecurity | null): Pick<KafkaClientConfig, 'ssl' | 'sasl'> {
  if (!security) return {};
  const out: Pick<KafkaClientConfig, 'ssl' | 'sasl'> = {};
  if (security.ssl) {
    // kafkajs gives each connection its host as servername.
    const { servername: _servername, ...tlsOptions } = security.ssl.clientOptions('localhost');
    out.ssl = tlsOptions;
  }
  const newSaslClient = security.newSaslClient;
  if (newSaslClient) {
    // kafkajs carries a token size-prefixed (the framing of SaslHandshake v0's raw tokens) both ways.
    const sizePrefixed = (token: Buffer): Buffer => {
      const out = Buffer.allocUnsafe(4 + token.length);
      out.writeInt32BE(token.length, 0);
      token.copy(out, 4);
      return out;
    };
    const raw = { decode: (b: Buffer): Buffer => b.subarray(4, 4 + b.readInt32BE(0)), parse: (b: Buffer): Buffer => b };
    const sasl: Mechanism = {
      mechanism: newSaslClient().mechanismName,
      authenticationProvider: ({ saslAuthenticate }) => ({
        authenticate: async () => {
          const client = newSaslClient();
          let token: Buffer | null = client.initialResponse();
          while (token !== null) {
            const sent = sizePrefixed(token);
            const challenge = await saslAuthenticate({ request: { encode: () => sent }, response: raw });
            token = client.evaluateChallenge(Buffer.from(challenge ?? Buffer.alloc(0)));
          }
          if (!client.isComplete()) throw new CliError(`SASL/${client.mechanismName} exchange ended before completing`);
        },
      }),
    };
    out.sasl = sasl;
  }
  return out;
}
