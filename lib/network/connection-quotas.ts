/**
 * Kafka's ConnectionQuotas (network/SocketServer.scala), the connection-count parts, reconfigurable
 * at runtime: max.connections.per.ip with max.connections.per.ip.overrides (`host:count,…`) —
 * a connection past its address's limit is closed at once (Kafka's TooManyConnectionsException) —
 * and max.connections for the whole broker, past which new connections wait, accepted but unread,
 * until another closes (Kafka's acceptor blocks); the inter-broker listener is exempt from
 * max.connections, as Kafka protects it.
 */
import { INT_MAX } from '../config/config-def.js';
import type { ConnectionQuotaConfig } from '../config/socket-server-config.js';

export const UNLIMITED_CONNECTIONS: ConnectionQuotaConfig = { maxConnectionsPerIp: INT_MAX, maxConnectionsPerIpOverrides: new Map(), maxConnections: INT_MAX };

/** Strips the IPv4-mapped IPv6 prefix Node reports for IPv4 clients on a dual-stack socket. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export class ConnectionQuotas {
  private readonly perIp = new Map<string, number>();
  private total = 0;

  constructor(private config: ConnectionQuotaConfig = UNLIMITED_CONNECTIONS) {}

  updateConfig(config: ConnectionQuotaConfig): void {
    this.config = config;
  }

  private limitFor(address: string): number {
    return this.config.maxConnectionsPerIpOverrides.get(address) ?? this.config.maxConnectionsPerIp;
  }

  /** Whether one more connection from `address` goes over its per-address limit. */
  exceedsPerIpLimit(address: string): boolean {
    return (this.perIp.get(address) ?? 0) >= this.limitFor(address);
  }

  perIpLimit(address: string): number {
    return this.limitFor(address);
  }

  /** Whether a new connection must wait for the broker-wide limit (not on the protected inter-broker listener). */
  mustWait(protectedListener: boolean): boolean {
    return !protectedListener && this.total >= this.config.maxConnections;
  }

  inc(address: string): void {
    this.perIp.set(address, (this.perIp.get(address) ?? 0) + 1);
    this.total++;
  }

  dec(address: string): void {
    const n = (this.perIp.get(address) ?? 0) - 1;
    if (n <= 0) this.perIp.delete(address);
    else this.perIp.set(address, n);
    this.total = Math.max(0, this.total - 1);
  }
}
