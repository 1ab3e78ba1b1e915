/**
 * Listener parsing, after Kafka's EndPoint.createEndPoint / CoreUtils.listenerListToEndPoints:
 * `NAME://host:port[,NAME://host:port…]`, IPv6 hosts in brackets, an empty host meaning every
 * interface, listener names normalised to upper case and mapped to a security protocol through
 * `listener.security.protocol.map`.
 */
import { ConfigError } from './config-def.js';
import { SECURITY_PROTOCOLS } from './broker-configs.js';

export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

/** One listener endpoint. `host` is '' for "all interfaces" (bind 0.0.0.0 / ::). */
export interface EndPoint {
  readonly listenerName: string;
  readonly host: string;
  readonly port: number;
  readonly securityProtocol: SecurityProtocol;
}

const URI = /^(.*):\/\/\[?([0-9a-zA-Z\-%._:]*?)\]?:(-?[0-9]+)$/;

function isSecurityProtocol(s: string): s is SecurityProtocol {
  return (SECURITY_PROTOCOLS as readonly string[]).includes(s);
}

export function toSecurityProtocol(name: string, key: string): SecurityProtocol {
  const upper = name.trim().toUpperCase();
  if (!isSecurityProtocol(upper)) throw new ConfigError(`Invalid security protocol \`${name}\` defined in ${key}`, key, name);
  return upper;
}

/** Parses `NAME:PROTOCOL,NAME:PROTOCOL` into a map keyed by upper-case listener name. */
export function parseListenerSecurityProtocolMap(text: string, key = 'listener.security.protocol.map'): Map<string, SecurityProtocol> {
  const out = new Map<string, SecurityProtocol>();
  for (const item of text.split(',').map((s) => s.trim()).filter((s) => s.length > 0)) {
    const colon = item.indexOf(':');
    if (colon <= 0 || colon === item.length - 1) {
      throw ConfigError.invalid(key, text, `entry "${item}" is not of the form LISTENER_NAME:SECURITY_PROTOCOL`);
    }
    const name = item.slice(0, colon).trim().toUpperCase();
    if (out.has(name)) throw ConfigError.invalid(key, text, `listener name ${name} appears more than once`);
    out.set(name, toSecurityProtocol(item.slice(colon + 1), key));
  }
  return out;
}

/** Parses one `NAME://host:port` endpoint. */
export function parseEndPoint(text: string, protocolMap: ReadonlyMap<string, SecurityProtocol>, key = 'listeners'): EndPoint {
  const m = URI.exec(text.trim());
  if (!m) throw ConfigError.invalid(key, text, `Unable to parse ${text} to a broker endpoint (expected NAME://host:port)`);
  const listenerName = (m[1] as string).trim().toUpperCase();
  const host = m[2] as string;
  const port = Number(m[3]);
  if (listenerName.length === 0) throw ConfigError.invalid(key, text, 'the listener name is empty');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw ConfigError.invalid(key, text, `port ${m[3]} is not in 0..65535`);
  const securityProtocol = protocolMap.get(listenerName);
  if (!securityProtocol) {
    throw ConfigError.invalid(key, text,
      `No security protocol defined for listener ${listenerName} (add it to listener.security.protocol.map)`);
  }
  return { listenerName, host, port, securityProtocol };
}

function isIPv4(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

function isIPv6(host: string): boolean {
  return host.includes(':');
}

/**
 * Parses a comma-separated listener list. Listener names must be distinct; with `requireDistinctPorts`
 * (listeners, not advertised.listeners) ports must differ too, except one IPv4 and one IPv6 endpoint
 * may share a port (KIP-797). Port 0 (pick a free port) is exempt.
 */
export function parseListeners(text: string, protocolMap: ReadonlyMap<string, SecurityProtocol>,
  key = 'listeners', requireDistinctPorts = true): EndPoint[] {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const endpoints = items.map((item) => parseEndPoint(item, protocolMap, key));
  const names = new Set<string>();
  for (const ep of endpoints) {
    if (names.has(ep.listenerName)) throw ConfigError.invalid(key, text, `Each listener must have a different name; ${ep.listenerName} repeats`);
    names.add(ep.listenerName);
  }
  if (requireDistinctPorts) {
    const byPort = new Map<number, EndPoint[]>();
    for (const ep of endpoints) {
      if (ep.port === 0) continue;
      byPort.set(ep.port, [...(byPort.get(ep.port) ?? []), ep]);
    }
    for (const [port, eps] of byPort) {
      if (eps.length === 1) continue;
      const [a, b] = eps as [EndPoint, EndPoint];
      const v4v6 = eps.length === 2 && ((isIPv4(a.host) && isIPv6(b.host)) || (isIPv6(a.host) && isIPv4(b.host)));
      if (!v4v6) throw ConfigError.invalid(key, text, `Each listener must have a different port; ${port} is used more than once`);
    }
  }
  return endpoints;
}

