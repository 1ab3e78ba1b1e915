/** The config entity znodes: `/config/<type>/<name>` and the `/config/changes` notifications (kafka/zk/ZkData.scala). */
import { InvalidZNodeDataError, encodeJson, parseObject, int, str, obj } from './znode-json.js';

/** Kafka's ConfigType: the entity types under /config. */
export const ConfigType = {
  Topic: 'topics',
  Client: 'clients',
  User: 'users',
  Broker: 'brokers',
  Ip: 'ips',
} as const;

export const ConfigZNode = { path: '/config' } as const;

export const ConfigEntityTypeZNode = {
  path(entityType: string): string {
    return `${ConfigZNode.path}/${entityType}`;
  },
};

/** `/config/<type>/<name>`: `{"version":1,"config":{...}}` (values are strings). */
export const ConfigEntityZNode = {
  path(entityType: string, entityName: string): string {
    return `${ConfigEntityTypeZNode.path(entityType)}/${entityName}`;
  },
  encode(config: Record<string, string>): Buffer {
    return encodeJson({ version: 1, config });
  },
  /** Null/empty data means no overrides (as Kafka reads it). */
  decode(path: string, bytes: Buffer | null): Record<string, string> {
    if (bytes === null || bytes.length === 0) return {};
    const o = parseObject(path, bytes);
    const out: Record<string, string> = {};
    if (o.config === undefined || o.config === null) return out;
    for (const [k, v] of Object.entries(obj(path, o.config, 'config'))) {
      if (typeof v !== 'string') throw new InvalidZNodeDataError(path, `config value of ${k} is not a string`);
      out[k] = v;
    }
    return out;
  },
};

export const ConfigEntityChangeNotificationZNode = { path: '/config/changes' } as const;

/** `/config/changes/config_change_<seq>`: `{"version":2,"entity_path":"topics/orders"}`. */
export const ConfigEntityChangeNotificationSequenceZNode = {
  SequenceNumberPrefix: 'config_change_',
  createPath: '/config/changes/config_change_',
  encode(sanitizedEntityPath: string): Buffer {
    return encodeJson({ version: 2, entity_path: sanitizedEntityPath });
  },
  /** Version 2 → entity_path; version 1 → `<entity_type>/<entity_name>`. */
  decode(path: string, bytes: Buffer | null): string {
    const o = parseObject(path, bytes);
    const version = int(path, o, 'version');
    if (version === 1) return `${str(path, o, 'entity_type')}/${str(path, o, 'entity_name')}`;
    if (version === 2) return str(path, o, 'entity_path');
    throw new InvalidZNodeDataError(path, `unsupported version ${version}`);
  },
};
