/** The broker registration znodes: `/brokers/ids/<id>` (ephemeral) and `/brokers/seqid` (kafka/zk/ZkData.scala). */
import { InvalidZNodeDataError, encodeJson, parseObject, int, optInt, str, obj } from './znode-json.js';

export const BrokerIdsZNode = { path: '/brokers/ids' } as const;

export const BrokerSequenceIdZNode = { path: '/brokers/seqid' } as const;

/** One advertised endpoint (Kafka's EndPoint): `LISTENER://host:port` with its security protocol. */
export interface EndPoint {
  host: string;
  port: number;
  listenerName: string;
  securityProtocol: string;
}

/** Kafka's BrokerInfo: broker id, endpoints, rack, and the registration version / JMX port. */
export interface BrokerInfo {
  id: number;
  endpoints: EndPoint[];
  rack?: string | null;
  /** Registration JSON version; 5 for IBP >= 2.7. */
  version?: number;
  jmxPort?: number;
  /** Supported features; `{}` for a 3.x ZK broker. */
  features?: Record<string, { min_version: number; max_version: number }>;
}

/** Kafka's EndPoint.connectionString: `LISTENER://host:port` (IPv6 hosts in brackets). */
export function endPointConnectionString(ep: EndPoint): string {
  const host = ep.host.includes(':') ? `[${ep.host}]` : ep.host;
  return `${ep.listenerName}://${host}:${ep.port}`;
}

function parseEndPoint(path: string, s: string, protocolMap: Record<string, string> | null): EndPoint {
  const m = /^([A-Za-z0-9_.-]+):\/\/\[?([^\]]*?)\]?:(-?\d+)$/.exec(s);
  if (m === null) throw new InvalidZNodeDataError(path, `bad endpoint ${s}`);
  const listenerName = m[1] ?? '';
  const securityProtocol = protocolMap === null ? listenerName : protocolMap[listenerName];
  if (securityProtocol === undefined) throw new InvalidZNodeDataError(path, `no security protocol for listener ${listenerName}`);
  return { host: m[2] ?? '', port: Number(m[3]), listenerName, securityProtocol };
}

/** `/brokers/ids/<id>` (ephemeral): the broker registration, version 5 JSON. */
export const BrokerIdZNode = {
  path(id: number): string {
    return `${BrokerIdsZNode.path}/${id}`;
  },
  encode(info: BrokerInfo, timestamp: number = Date.now()): Buffer {
    const version = info.version ?? 5;
    const plaintext = info.endpoints.find((e) => e.securityProtocol === 'PLAINTEXT');
    const json: Record<string, unknown> = {};
    if (version >= 4) {
      const map: Record<string, string> = {};
      for (const e of info.endpoints) map[e.listenerName] = e.securityProtocol;
      json.listener_security_protocol_map = map;
    }
    json.endpoints = info.endpoints.map(endPointConnectionString);
    if (version >= 3 && info.rack !== undefined && info.rack !== null) json.rack = info.rack;
    json.jmx_port = info.jmxPort ?? -1;
    if (version >= 5) json.features = info.features ?? {};
    json.host = plaintext?.host ?? null;
    json.port = plaintext?.port ?? -1;
    json.timestamp = String(timestamp);
    json.version = version;
    return encodeJson(json);
  },
  /** Decodes versions 1–5 (Kafka's BrokerIdZNode.decode). */
  decode(id: number, bytes: Buffer | null): BrokerInfo {
    const path = this.path(id);
    const o = parseObject(path, bytes);
    const version = int(path, o, 'version');
    const jmxPort = optInt(path, o, 'jmx_port', -1);
    let endpoints: EndPoint[];
    if (version < 1) throw new InvalidZNodeDataError(path, `unsupported version ${version}`);
    if (version === 1) {
      endpoints = [{ host: str(path, o, 'host'), port: int(path, o, 'port'), listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT' }];
    } else {
      let map: Record<string, string> | null = null;
      if (o.listener_security_protocol_map !== undefined && o.listener_security_protocol_map !== null) {
        const m = obj(path, o.listener_security_protocol_map, 'listener_security_protocol_map');
        map = {};
        for (const [k, v] of Object.entries(m)) {
          if (typeof v !== 'string') throw new InvalidZNodeDataError(path, 'listener_security_protocol_map values must be strings');
          map[k] = v;
        }
      }
      const eps = o.endpoints;
      if (!Array.isArray(eps) || !eps.every((e) => typeof e === 'string')) throw new InvalidZNodeDataError(path, 'endpoints is not an array of strings');
      endpoints = (eps as string[]).map((e) => parseEndPoint(path, e, map));
    }
    const rack = typeof o.rack === 'string' ? o.rack : null;
    const features: Record<string, { min_version: number; max_version: number }> = {};
    if (o.features !== undefined && o.features !== null) {
      for (const [name, range] of Object.entries(obj(path, o.features, 'features'))) {
        const r = obj(path, range, `feature ${name}`);
        features[name] = { min_version: int(path, r, 'min_version'), max_version: int(path, r, 'max_version') };
      }
    }
    return { id, endpoints, rack, version, jmxPort, features };
  },
};
