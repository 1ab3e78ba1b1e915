/**
 * A small admin client over kafkats' own protocol codec, for the admin requests kafkajs 2.2.4 does
 * not speak (Metadata with topic ids, IncrementalAlterConfigs, ElectLeaders) and for the ones whose
 * Kafka error messages the tools print verbatim (CreateTopics, DeleteTopics, CreatePartitions,
 * ListOffsets). Like Kafka's AdminClient it finds brokers and the controller from Metadata sent to
 * a bootstrap server, and routes controller-only requests (ZooKeeper mode) to the controller,
 * retrying once on NOT_CONTROLLER.
 */
import { NetworkClient, type ClientChannelSecurity } from '../network/network-client.js';
import { ApiKeys, decodeResponse, encodeRequest, ZERO_UUID, type Input, type RequestApiKey } from '../protocol/index.js';
import type { MetadataResponse, RequestBodies, ResponseBodies } from '../protocol/generated/types.js';
import { errorForCode } from '../protocol/errors.js';
import { CliError } from './cli-support.js';

export interface BrokerNode {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface AdminClientOptions {
  clientId?: string;
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** TLS/SASL from --command-config (absent: PLAINTEXT). */
  security?: ClientChannelSecurity | null;
}

export const NOT_CONTROLLER = 41;

export class AdminClient {
  private readonly clients = new Map<string, NetworkClient>();
  private correlationId = 0;
  private readonly clientId: string;
  private readonly requestTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly security: ClientChannelSecurity | null;

  constructor(readonly bootstrapServers: readonly string[], options: AdminClientOptions = {}) {
    this.clientId = options.clientId ?? 'kafkats-admin';
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.security = options.security ?? null;
  }

  /** One request to the broker at `address` (`host:port`); the decoded response body. */
  async send<K extends RequestApiKey>(address: string, apiKey: K, version: number, body: Input<RequestBodies[K]>): Promise<ResponseBodies[K]> {
    let client = this.clients.get(address);
    if (!client) {
      const i = address.lastIndexOf(':');
      client = new NetworkClient(
        { host: address.slice(0, i), port: Number(address.slice(i + 1)) },
        { requestTimeoutMs: this.requestTimeoutMs, connectTimeoutMs: this.connectTimeoutMs, maxResponseSize: 100 * 1024 * 1024, security: this.security },
      );
      this.clients.set(address, client);
    }
    const correlationId = ++this.correlationId;
    const frame = encodeRequest({ requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId: this.clientId }, body);
    const payload = await client.send(correlationId, [frame]);
    return decodeResponse(apiKey, version, payload as Buffer).body;
  }

  /** Sends to the first bootstrap server that answers; a readable error when none does. */
  async sendToAny<K extends RequestApiKey>(apiKey: K, version: number, body: Input<RequestBodies[K]>): Promise<ResponseBodies[K]> {
    const failures: string[] = [];
    for (const address of this.bootstrapServers) {
      try {
        return await this.send(address, apiKey, version, body);
      } catch (err) {
        failures.push(`${address}: ${(err as Error).message}`);
      }
    }
    throw new CliError(`cannot reach any bootstrap server (${failures.join('; ')})`);
  }

  /** Metadata v12 (topic ids); `topics` null means all topics. */
  async metadata(topics: readonly string[] | null = []): Promise<MetadataResponse> {
    return this.sendToAny(ApiKeys.METADATA, 12, {
      topics: topics === null ? null : topics.map((name) => ({ topicId: ZERO_UUID, name })),
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
  }

  async brokers(): Promise<{ brokers: BrokerNode[]; controllerId: number; clusterId: string | null }> {
    const m = await this.metadata([]);
    return { brokers: m.brokers, controllerId: m.controllerId, clusterId: m.clusterId };
  }

  async addressOf(nodeId: number): Promise<string> {
    const { brokers } = await this.brokers();
    const b = brokers.find((x) => x.nodeId === nodeId);
    if (!b) throw new CliError(`broker ${nodeId} is not in the cluster (live brokers: ${brokers.map((x) => x.nodeId).join(', ') || 'none'})`);
    return `${b.host}:${b.port}`;
  }

  async controllerAddress(): Promise<string> {
    const { controllerId } = await this.brokers();
    if (controllerId < 0) throw new CliError('the cluster has no active controller');
    return this.addressOf(controllerId);
  }

  /**
   * A controller-only request: sent to the controller; answered again once (after fresh Metadata)
   * when `notController(response)` says the controller moved meanwhile.
   */
  async sendToController<K extends RequestApiKey>(apiKey: K, version: number, body: Input<RequestBodies[K]>, notController: (r: ResponseBodies[K]) => boolean): Promise<ResponseBodies[K]> {
    let response = await this.send(await this.controllerAddress(), apiKey, version, body);
    for (let attempt = 0; attempt < 3 && notController(response); attempt++) {
      await new Promise((r) => setTimeout(r, 300));
      response = await this.send(await this.controllerAddress(), apiKey, version, body);
    }
    return response;
  }

  /** The [min, max] versions of `apiKey` the broker at `address` serves, or null when it has none. */
  async apiVersionRange(address: string, apiKey: number): Promise<[number, number] | null> {
    const r = await this.send(address, ApiKeys.API_VERSIONS, 0, {});
    const k = r.apiKeys.find((x) => x.apiKey === apiKey);
    return k ? [k.minVersion, k.maxVersion] : null;
  }

  /**
   * ListOffsets for `partitions` at `timestamp` (-1 latest, -2 earliest, or a time in ms), each
   * sent to its leader: offset per `topic\0partition`, -1n where the log has no record at or after
   * the time. A partition without a leader or with an error is a CliError naming it.
   */
  async listOffsets(partitions: ReadonlyArray<{ topic: string; partition: number }>, timestamp: bigint): Promise<Map<string, bigint>> {
    const m = await this.metadata([...new Set(partitions.map((p) => p.topic))]);
    const address = new Map(m.brokers.map((b) => [b.nodeId, `${b.host}:${b.port}`]));
    const byLeader = new Map<string, Map<string, number[]>>();
    for (const { topic, partition } of partitions) {
      const t = m.topics.find((x) => x.name === topic);
      if (!t || t.errorCode !== 0) throw new CliError(`topic '${topic}' does not exist${t ? ` (${errorText(t.errorCode, null)})` : ''}`);
      const p = t.partitions.find((x) => x.partitionIndex === partition);
      if (!p) throw new CliError(`partition ${partition} does not exist in topic '${topic}'`);
      const leader = address.get(p.leaderId);
      if (leader === undefined) throw new CliError(`partition ${topic}-${partition} has no leader`);
      const topics = byLeader.get(leader) ?? new Map<string, number[]>();
      topics.set(topic, [...(topics.get(topic) ?? []), partition]);
      byLeader.set(leader, topics);
    }
    const out = new Map<string, bigint>();
    for (const [leader, topics] of byLeader) {
      const r = await this.send(leader, ApiKeys.LIST_OFFSETS, 1, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [...topics].map(([name, ps]) => ({ name, partitions: ps.map((partitionIndex) => ({ partitionIndex, timestamp, currentLeaderEpoch: -1 })) })),
      });
      for (const t of r.topics) {
        for (const p of t.partitions) {
          if (p.errorCode !== 0) throw new CliError(`ListOffsets for ${t.name}-${p.partitionIndex}: ${errorText(p.errorCode, null)}`);
          out.set(`${t.name}\0${p.partitionIndex}`, p.offset);
        }
      }
    }
    return out;
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}

/** `NAME: message` for a Kafka error code with the broker's message (or the code's name alone). */
export function errorText(code: number, message: string | null | undefined): string {
  const name = errorForCode(code).name;
  return message ? `${name}: ${message}` : name;
}

/** Runs `fn` with a client and always closes it. */
export async function withAdmin<T>(bootstrap: readonly string[], fn: (admin: AdminClient) => Promise<T>, clientId?: string,
  security: ClientChannelSecurity | null = null): Promise<T> {
  const admin = new AdminClient(bootstrap, { clientId, security });
  try {
    return await fn(admin);
  } finally {
    admin.close();
  }
}
