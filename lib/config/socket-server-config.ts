/**
 * The network layer's settings: the SocketServer's request and connection limits, and the
 * connection quotas it reconfigures at runtime (Kafka's SocketServer.ReconfigurableConfigs:
 * max.connections.per.ip, max.connections.per.ip.overrides, max.connections).
 */
import type { KafkaConfig } from './kafka-config.js';

export interface SocketServerConfig {
  /** socket.request.max.bytes */
  readonly maxRequestSize: number;
  /** queued.max.request.bytes as KafkaConfig resolves it; -1 for no bound. */
  readonly queuedMaxRequestBytes: number;
  /** connections.max.idle.ms */
  readonly idleTimeoutMs: number;
  /** connection.failed.authentication.delay.ms */
  readonly failedAuthenticationDelayMs: number;
}

export interface ConnectionQuotaConfig {
  maxConnectionsPerIp: number;
  /** host → limit. */
  maxConnectionsPerIpOverrides: ReadonlyMap<string, number>;
  maxConnections: number;
}

export function socketServerConfigFrom(config: KafkaConfig): SocketServerConfig {
  return {
    maxRequestSize: config.socketRequestMaxBytes,
    queuedMaxRequestBytes: config.queuedMaxRequestBytes,
    idleTimeoutMs: config.get('connections.max.idle.ms'),
    failedAuthenticationDelayMs: config.get('connection.failed.authentication.delay.ms'),
  };
}

/** The connection limits of a configuration; a malformed overrides entry throws. */
export function connectionQuotaConfigFrom(config: KafkaConfig): ConnectionQuotaConfig {
  return {
    maxConnectionsPerIp: config.get('max.connections.per.ip'),
    maxConnectionsPerIpOverrides: parseConnectionOverrides(config.get('max.connections.per.ip.overrides')),
    maxConnections: config.get('max.connections'),
  };
}

/** Kafka's parsing of max.connections.per.ip.overrides: `host:count` entries separated by commas. */
export function parseConnectionOverrides(value: string | null): Map<string, number> {
  const out = new Map<string, number>();
  for (const entry of (value ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const i = entry.lastIndexOf(':');
    const n = Number(entry.slice(i + 1));
    if (i <= 0 || !Number.isInteger(n) || n < 0) throw new Error(`Invalid max.connections.per.ip.overrides entry ${entry}: expected host:count`);
    out.set(entry.slice(0, i), n);
  }
  return out;
}
