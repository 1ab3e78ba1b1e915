/**
 * ZkData: one object per znode of a ZooKeeper-mode Kafka cluster, with its path and its data codec,
 * mirroring kafka/zk/ZkData.scala (3.9). JSON field names, value types (several numbers are JSON
 * strings) and versions are Kafka's; see ../shared/kafka-protocol/ZOOKEEPER.md section 3.
 * Decoders validate what they read and throw InvalidZNodeDataError on garbage — never crash later.
 */
import { randomBytes } from 'node:crypto';
import type { TopicPartition } from '../common/topic-partition.js';
import { AclOperation, AclPermissionType, type AccessControlEntry } from '../common/acl.js';
import { PatternType, PT, ResourceType, type ResourcePattern } from '../common/resource.js';
import { parseKafkaPrincipal } from '../common/kafka-principal.js';


/** Thrown when a znode's data cannot be decoded (bad UTF-8/JSON, missing or mistyped fields). */
export class InvalidZNodeDataError extends Error {
  readonly path: string;
  constructor(path: string, reason: string) {
    super(`Invalid data in znode ${path}: ${reason}`);
    this.name = 'InvalidZNodeDataError';
    this.path = path;
  }
}

// ---- JSON helpers ---------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

function encodeJson(v: unknown): Buffer {
  return Buffer.from(JSON.stringify(v), 'utf8');
}

function parseObject(path: string, bytes: Buffer | null): JsonObject {
  if (bytes === null || bytes.length === 0) throw new InvalidZNodeDataError(path, 'no data');
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new InvalidZNodeDataError(path, 'not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InvalidZNodeDataError(path, 'not a JSON object');
  return v as JsonObject;
}

function int(path: string, o: JsonObject, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new InvalidZNodeDataError(path, `${key} is not an integer`);
  return v;
}
function optInt(path: string, o: JsonObject, key: string, dflt: number): number {
  return o[key] === undefined || o[key] === null ? dflt : int(path, o, key);
}
function str(path: string, o: JsonObject, key: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new InvalidZNodeDataError(path, `${key} is not a string`);
  return v;
}
/** A long written as a JSON string (Kafka's timestamps, producer-id block bounds); numbers accepted too. */
function longString(path: string, o: JsonObject, key: string): bigint {
  const v = o[key];
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d{1,19}$/.test(v)) return BigInt(v);
  throw new InvalidZNodeDataError(path, `${key} is not a long`);
}
function intArray(path: string, v: Json | undefined, what: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isInteger(x))) {
    throw new InvalidZNodeDataError(path, `${what} is not an array of integers`);
  }
  return v as number[];
}
function obj(path: string, v: Json | undefined, what: string): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InvalidZNodeDataError(path, `${what} is not an object`);
  return v;
}
function partitionId(path: string, key: string): number {
  if (!/^\d{1,10}$/.test(key) || Number(key) > 0x7fffffff) throw new InvalidZNodeDataError(path, `bad partition id ${key}`);
  return Number(key);
}
function topicPartitionList(path: string, o: JsonObject): TopicPartition[] {
  const arr = o.partitions;
  if (!Array.isArray(arr)) throw new InvalidZNodeDataError(path, 'partitions is not an array');
  return arr.map((p) => {
    const po = obj(path, p, 'partition entry');
    return { topic: str(path, po, 'topic'), partition: int(path, po, 'partition') };
  });
}

// ---- Kafka UUIDs (topic ids, cluster id) ------------------------------------------------------------

/** Kafka's Uuid.toString: URL-safe base64 of the 16 bytes, no padding (22 chars). */
export function uuidToString(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/** Parses a Kafka Uuid string (22 chars base64url) to its 16 bytes. */
export function uuidFromString(s: string): Buffer {
  const b = /^[A-Za-z0-9_-]{22}$/.test(s) ? Buffer.from(s, 'base64url') : Buffer.alloc(0);
  if (b.length !== 16) throw new InvalidZNodeDataError('-', `bad uuid ${s}`);
  return b;
}

/** Kafka's Uuid.randomUuid: random v4-style id, never all-zero, METADATA_TOPIC_ID (1) or starting with '-'. */
export function randomUuid(): string {
  for (;;) {
    const b = randomBytes(16);
    b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
    b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
    const s = uuidToString(b);
    if (!s.startsWith('-')) return s;
  }
}

// ---- znodes ---------------------------------------------------------------------------------------

/** `/cluster/id`: `{"version":"1","id":"<uuid>"}`. */
export const ClusterZNode = { path: '/cluster' } as const;
export const ClusterIdZNode = {
  path: '/cluster/id',
  toJson(id: string): Buffer {
    return encodeJson({ version: '1', id });
  },
  fromJson(bytes: Buffer | null): string {
    return str(this.path, parseObject(this.path, bytes), 'id');
  },
};

/** `/controller` (ephemeral): version 2 with kraftControllerEpoch -1 (ZK controller). */
export const ControllerZNode = {
  path: '/controller',
  encode(brokerId: number, timestamp: number = Date.now()): Buffer {
    return encodeJson({ version: 2, brokerid: brokerId, timestamp: String(timestamp), kraftControllerEpoch: -1 });
  },
  /** The controller's broker id and its KRaft epoch (-1 for a ZK controller). */
  decode(bytes: Buffer | null): { brokerId: number; kraftControllerEpoch: number } {
    const o = parseObject(this.path, bytes);
    return { brokerId: int(this.path, o, 'brokerid'), kraftControllerEpoch: optInt(this.path, o, 'kraftControllerEpoch', -1) };
  },
};

/** `/controller_epoch`: the epoch as plain decimal text. */
export const ControllerEpochZNode = {
  path: '/controller_epoch',
  encode(epoch: number): Buffer {
    return Buffer.from(String(epoch), 'utf8');
  },
  decode(bytes: Buffer | null): number {
    const s = bytes === null ? '' : bytes.toString('utf8').trim();
    if (!/^-?\d{1,10}$/.test(s)) throw new InvalidZNodeDataError(this.path, 'not a decimal epoch');
    return Number(s);
  },
};

export const BrokersZNode = { path: '/brokers' } as const;
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

export const TopicsZNode = { path: '/brokers/topics' } as const;

/** Kafka's ReplicaAssignment: replicas (RS) plus adding/removing sets during reassignment. */
export interface ReplicaAssignment {
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

/** Kafka's TopicIdReplicaAssignment: a topic's id (null before IBP 2.8) and partition → assignment. */
export interface TopicIdReplicaAssignment {
  topic: string;
  topicId: string | null;
  assignment: Map<number, ReplicaAssignment>;
}

/** `/brokers/topics/<topic>`: version 3 with topic_id, partitions, adding_replicas, removing_replicas. */
export const TopicZNode = {
  path(topic: string): string {
    return `${TopicsZNode.path}/${topic}`;
  },
  encode(topicId: string | null, assignment: Map<number, ReplicaAssignment>): Buffer {
    const partitions: Record<string, number[]> = {};
    const adding: Record<string, number[]> = {};
    const removing: Record<string, number[]> = {};
    for (const [p, a] of [...assignment.entries()].sort((x, y) => x[0] - y[0])) {
      partitions[String(p)] = a.replicas;
      if (a.addingReplicas.length > 0) adding[String(p)] = a.addingReplicas;
      if (a.removingReplicas.length > 0) removing[String(p)] = a.removingReplicas;
    }
    const json: Record<string, unknown> = { version: 3 };
    if (topicId !== null) json.topic_id = topicId;
    json.partitions = partitions;
    json.adding_replicas = adding;
    json.removing_replicas = removing;
    return encodeJson(json);
  },
  decode(topic: string, bytes: Buffer | null): TopicIdReplicaAssignment {
    const path = this.path(topic);
    const o = parseObject(path, bytes);
    let topicId: string | null = null;
    if (o.topic_id !== undefined && o.topic_id !== null) {
      topicId = str(path, o, 'topic_id');
      try {
        uuidFromString(topicId);
      } catch {
        throw new InvalidZNodeDataError(path, `bad topic_id ${topicId}`);
      }
    }
    const assignment = new Map<number, ReplicaAssignment>();
    const adding = o.adding_replicas === undefined || o.adding_replicas === null ? {} : obj(path, o.adding_replicas, 'adding_replicas');
    const removing = o.removing_replicas === undefined || o.removing_replicas === null ? {} : obj(path, o.removing_replicas, 'removing_replicas');
    if (o.partitions !== undefined && o.partitions !== null) {
      for (const [k, v] of Object.entries(obj(path, o.partitions, 'partitions'))) {
        assignment.set(partitionId(path, k), {
          replicas: intArray(path, v, `partitions[${k}]`),
          addingReplicas: adding[k] === undefined ? [] : intArray(path, adding[k], `adding_replicas[${k}]`),
          removingReplicas: removing[k] === undefined ? [] : intArray(path, removing[k], `removing_replicas[${k}]`),
        });
      }
    }
    return { topic, topicId, assignment };
  },
};

export const TopicPartitionsZNode = {
  path(topic: string): string {
    return `${TopicZNode.path(topic)}/partitions`;
  },
};
export const TopicPartitionZNode = {
  path(tp: TopicPartition): string {
    return `${TopicPartitionsZNode.path(tp.topic)}/${tp.partition}`;
  },
};

/** Kafka's LeaderAndIsr (api/LeaderAndIsr.scala); partitionEpoch = the state znode's zkVersion. */
export interface LeaderAndIsr {
  leader: number;
  leaderEpoch: number;
  isr: number[];
  /** 0 = RECOVERED, 1 = RECOVERING (after an unclean election, IBP >= 3.2). */
  leaderRecoveryState: number;
  partitionEpoch: number;
}

/** Kafka's LeaderIsrAndControllerEpoch. */
export interface LeaderIsrAndControllerEpoch {
  leaderAndIsr: LeaderAndIsr;
  controllerEpoch: number;
}

/** Kafka's LeaderAndIsr.NoLeader / LeaderDuringDelete / initial epochs. */
export const LeaderAndIsrConstants = {
  NoLeader: -1,
  LeaderDuringDelete: -2,
  InitialLeaderEpoch: 0,
  InitialPartitionEpoch: 0,
  EpochDuringDelete: -2,
} as const;

/** `/brokers/topics/<t>/partitions/<p>/state`: version 1; leader_recovery_state only when 1. */
export const TopicPartitionStateZNode = {
  path(tp: TopicPartition): string {
    return `${TopicPartitionZNode.path(tp)}/state`;
  },
  encode(v: LeaderIsrAndControllerEpoch): Buffer {
    const json: Record<string, unknown> = {
      controller_epoch: v.controllerEpoch,
      leader: v.leaderAndIsr.leader,
      version: 1,
      leader_epoch: v.leaderAndIsr.leaderEpoch,
      isr: v.leaderAndIsr.isr,
    };
    if (v.leaderAndIsr.leaderRecoveryState === 1) json.leader_recovery_state = 1;
    return encodeJson(json);
  },
  /** `zkVersion` (the Stat version) becomes leaderAndIsr.partitionEpoch. */
  decode(tp: TopicPartition, bytes: Buffer | null, zkVersion: number): LeaderIsrAndControllerEpoch {
    const path = this.path(tp);
    const o = parseObject(path, bytes);
    const lrs = optInt(path, o, 'leader_recovery_state', 0);
    if (lrs !== 0 && lrs !== 1) throw new InvalidZNodeDataError(path, `bad leader_recovery_state ${lrs}`);
    return {
      leaderAndIsr: {
        leader: int(path, o, 'leader'),
        leaderEpoch: int(path, o, 'leader_epoch'),
        isr: intArray(path, o.isr, 'isr'),
        leaderRecoveryState: lrs,
        partitionEpoch: zkVersion,
      },
      controllerEpoch: int(path, o, 'controller_epoch'),
    };
  },
};

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

export const IsrChangeNotificationZNode = { path: '/isr_change_notification' } as const;

/** `/isr_change_notification/isr_change_<seq>`: `{"version":1,"partitions":[{"topic":..,"partition":..}]}`. */
export const IsrChangeNotificationSequenceZNode = {
  SequenceNumberPrefix: 'isr_change_',
  path(sequenceNumber = ''): string {
    return `${IsrChangeNotificationZNode.path}/isr_change_${sequenceNumber}`;
  },
  encode(partitions: Iterable<TopicPartition>): Buffer {
    return encodeJson({ version: 1, partitions: [...partitions].map((p) => ({ topic: p.topic, partition: p.partition })) });
  },
  decode(path: string, bytes: Buffer | null): TopicPartition[] {
    return topicPartitionList(path, parseObject(path, bytes));
  },
  sequenceNumber(path: string): string {
    return path.substring(path.lastIndexOf('isr_change_') + 'isr_change_'.length);
  },
};

export const LogDirEventNotificationZNode = { path: '/log_dir_event_notification' } as const;

/** `/log_dir_event_notification/log_dir_event_<seq>`: `{"version":1,"broker":2,"event":1}`. */
export const LogDirEventNotificationSequenceZNode = {
  SequenceNumberPrefix: 'log_dir_event_',
  LogDirFailureEvent: 1,
  path(sequenceNumber = ''): string {
    return `${LogDirEventNotificationZNode.path}/log_dir_event_${sequenceNumber}`;
  },
  encode(brokerId: number): Buffer {
    return encodeJson({ version: 1, broker: brokerId, event: 1 });
  },
  /** The broker id whose log dir failed. */
  decode(path: string, bytes: Buffer | null): number {
    return int(path, parseObject(path, bytes), 'broker');
  },
  sequenceNumber(path: string): string {
    return path.substring(path.lastIndexOf('log_dir_event_') + 'log_dir_event_'.length);
  },
};

export const AdminZNode = { path: '/admin' } as const;
export const DeleteTopicsZNode = { path: '/admin/delete_topics' } as const;
/** `/admin/delete_topics/<topic>`: no data; existence is the deletion request. */
export const DeleteTopicsTopicZNode = {
  path(topic: string): string {
    return `${DeleteTopicsZNode.path}/${topic}`;
  },
};

/** `/admin/reassign_partitions` (legacy): `{"version":1,"partitions":[{"topic","partition","replicas"}]}`. */
export const ReassignPartitionsZNode = {
  path: '/admin/reassign_partitions',
  encode(reassignment: Iterable<{ topic: string; partition: number; replicas: number[] }>): Buffer {
    return encodeJson({ version: 1, partitions: [...reassignment].map((r) => ({ topic: r.topic, partition: r.partition, replicas: r.replicas })) });
  },
  decode(bytes: Buffer | null): Array<{ topic: string; partition: number; replicas: number[] }> {
    const o = parseObject(this.path, bytes);
    const arr = o.partitions;
    if (!Array.isArray(arr)) throw new InvalidZNodeDataError(this.path, 'partitions is not an array');
    return arr.map((e) => {
      const eo = obj(this.path, e, 'partition entry');
      return { topic: str(this.path, eo, 'topic'), partition: int(this.path, eo, 'partition'), replicas: intArray(this.path, eo.replicas, 'replicas') };
    });
  },
};

/** `/admin/preferred_replica_election` (legacy): `{"version":1,"partitions":[{"topic","partition"}]}`. */
export const PreferredReplicaElectionZNode = {
  path: '/admin/preferred_replica_election',
  encode(partitions: Iterable<TopicPartition>): Buffer {
    return encodeJson({ version: 1, partitions: [...partitions].map((p) => ({ topic: p.topic, partition: p.partition })) });
  },
  decode(bytes: Buffer | null): TopicPartition[] {
    return topicPartitionList(this.path, parseObject(this.path, bytes));
  },
};

/** Kafka's ProducerIdsBlock: ids [firstProducerId, firstProducerId + size - 1] owned by a broker. */
export interface ProducerIdsBlock {
  assignedBrokerId: number;
  firstProducerId: bigint;
  size: number;
}
/** ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE. */
export const PRODUCER_ID_BLOCK_SIZE = 1000;

/** `/latest_producer_id_block`: `{"version":1,"broker":0,"block_start":"5000","block_end":"5999"}`. */
export const ProducerIdBlockZNode = {
  path: '/latest_producer_id_block',
  CurrentVersion: 1,
  encode(block: ProducerIdsBlock): Buffer {
    return encodeJson({
      version: 1,
      broker: block.assignedBrokerId,
      block_start: block.firstProducerId.toString(),
      block_end: (block.firstProducerId + BigInt(block.size) - 1n).toString(),
    });
  },
  decode(bytes: Buffer | null): ProducerIdsBlock {
    const o = parseObject(this.path, bytes);
    const version = int(this.path, o, 'version');
    if (version !== 1) throw new InvalidZNodeDataError(this.path, `unsupported version ${version}`);
    const start = longString(this.path, o, 'block_start');
    const end = longString(this.path, o, 'block_end');
    if (end < start - 1n) throw new InvalidZNodeDataError(this.path, 'block_end < block_start');
    return { assignedBrokerId: int(this.path, o, 'broker'), firstProducerId: start, size: Number(end - start + 1n) };
  },
};

/** FeatureZNodeStatus: Disabled = 0, Enabled = 1. */
export const FeatureZNodeStatus = { Disabled: 0, Enabled: 1 } as const;

/** `/feature`: version 2 `{"features":{"name":{"max_version_level":n}},"version":2,"status":1}`. */
export const FeatureZNode = {
  path: '/feature',
  V1: 1,
  V2: 2,
  encode(status: number, features: Record<string, number> = {}, version = 2): Buffer {
    const f: Record<string, Record<string, number>> = {};
    for (const [name, level] of Object.entries(features)) {
      f[name] = version >= 2 ? { max_version_level: level } : { min_version_level: 1, max_version_level: level };
    }
    return encodeJson({ features: f, version, status });
  },
  decode(bytes: Buffer | null): { version: number; status: number; features: Record<string, number> } {
    const o = parseObject(this.path, bytes);
    const version = int(this.path, o, 'version');
    if (version !== 1 && version !== 2) throw new InvalidZNodeDataError(this.path, `unsupported version ${version}`);
    const status = int(this.path, o, 'status');
    if (status !== 0 && status !== 1) throw new InvalidZNodeDataError(this.path, `bad status ${status}`);
    const features: Record<string, number> = {};
    if (o.features !== undefined && o.features !== null) {
      for (const [name, r] of Object.entries(obj(this.path, o.features, 'features'))) {
        features[name] = int(this.path, obj(this.path, r, `feature ${name}`), 'max_version_level');
      }
    }
    return { version, status, features };
  },
};

// ---- ACLs (ZkAclStore, ZkAclChangeStore, ResourceZNode, AclEntry's JSON) -------------------------

/** `/kafka-acl-extended`: the root of the stores for pattern types other than LITERAL. */
export const ExtendedAclZNode = { path: '/kafka-acl-extended' } as const;

/**
 * ZkAclStore: where a pattern type's ACLs live. LITERAL patterns under `/kafka-acl/<Type>/<name>`,
 * PREFIXED under `/kafka-acl-extended/prefixed/<Type>/<name>` (Type in Pascal case: Topic,
 * Group, Cluster, TransactionalId, DelegationToken, User). Each store has its change path.
 */
export const ZkAclStore = {
  /** The specific pattern types with a store (ZkAclStore.stores). */
  patternTypes: [PT.LITERAL, PT.PREFIXED] as readonly number[],
  aclPath(patternType: number): string {
    if (patternType === PT.LITERAL) return '/kafka-acl';
    if (patternType === PT.PREFIXED) return `${ExtendedAclZNode.path}/${PatternType.name(patternType).toLowerCase()}`;
    throw new Error(`Invalid pattern type: ${PatternType.name(patternType)}`);
  },
  /** `<aclPath>/<Type>`. */
  typePath(patternType: number, resourceType: number): string {
    return `${this.aclPath(patternType)}/${ResourceType.pascalName(resourceType)}`;
  },
  /** The change store of a pattern type: literal changes and extended ones are notified apart. */
  changePath(patternType: number): string {
    return patternType === PT.LITERAL ? LiteralAclChangeStore.aclChangePath : ExtendedAclChangeStore.aclChangePath;
  },
};

/** ZkAclChangeStore.SequenceNumberPrefix: `/kafka-acl-changes/acl_changes_0000000042`. */
export const ACL_CHANGE_SEQUENCE_PREFIX = 'acl_changes_';

/** `/kafka-acl-changes` notifications: UTF-8 `<RESOURCE_TYPE>:<name>` (the type's constant name), LITERAL patterns. */
export const LiteralAclChangeStore = {
  aclChangePath: '/kafka-acl-changes',
  encode(resource: ResourcePattern): Buffer {
    if (resource.patternType !== PT.LITERAL) throw new Error('Only literal resource patterns can be encoded');
    return Buffer.from(`${ResourceType.name(resource.resourceType)}:${resource.name}`, 'utf8');
  },
  decode(path: string, bytes: Buffer | null): ResourcePattern {
    const s = bytes?.toString('utf8') ?? '';
    const i = s.indexOf(':');
    if (i < 0) throw new InvalidZNodeDataError(path, `expected a string in format ResourceType:ResourceName but got ${s}`);
    return { resourceType: ResourceType.fromString(s.substring(0, i)), name: s.substring(i + 1), patternType: PT.LITERAL };
  },
};

/** `/kafka-acl-extended-changes` notifications: ExtendedAclChangeEvent `{"version":1,"resourceType":"TOPIC","name":"pay","patternType":"PREFIXED"}`. */
export const ExtendedAclChangeStore = {
  aclChangePath: '/kafka-acl-extended-changes',
  currentVersion: 1,
  encode(resource: ResourcePattern): Buffer {
    if (resource.patternType === PT.LITERAL) throw new Error('Literal pattern types are not supported');
    return encodeJson({ version: 1, resourceType: ResourceType.name(resource.resourceType), name: resource.name, patternType: PatternType.name(resource.patternType) });
  },
  decode(path: string, bytes: Buffer | null): ResourcePattern {
    const o = parseObject(path, bytes);
    const version = int(path, o, 'version');
    if (version > this.currentVersion) throw new InvalidZNodeDataError(path, `Acl change event received for unsupported version: ${version}`);
    const patternName = str(path, o, 'patternType');
    // PatternType.fromString is exact (PREFIXED); ResourceType.fromString ignores case.
    const patternType = PatternType.name(PatternType.fromString(patternName)) === patternName ? PatternType.fromString(patternName) : PT.UNKNOWN;
    return { resourceType: ResourceType.fromString(str(path, o, 'resourceType')), name: str(path, o, 'name'), patternType };
  },
};

/**
 * ResourceZNode: a pattern's ACLs, AclEntry's JSON `{"version":1,"acls":[{"principal":"User:alice",
 * "permissionType":"Allow","operation":"Read","host":"*"}]}` (Pascal-case names). An empty or
 * missing znode holds no ACLs. Entries whose operation or permission Kafka does not know are
 * dropped (they could never match); a principal without `type:` makes the znode invalid.
 */
export const ResourceZNode = {
  path(resource: ResourcePattern): string {
    return `${ZkAclStore.typePath(resource.patternType, resource.resourceType)}/${resource.name}`;
  },
  encode(acls: readonly AccessControlEntry[]): Buffer {
    return encodeJson({
      version: 1,
      acls: acls.map((a) => ({
        principal: a.principal,
        permissionType: AclPermissionType.pascalName(a.permissionType),
        operation: AclOperation.pascalName(a.operation),
        host: a.host,
      })),
    });
  },
  decode(path: string, bytes: Buffer | null): AccessControlEntry[] {
    if (bytes === null || bytes.length === 0) return [];
    const o = parseObject(path, bytes);
    if (int(path, o, 'version') !== 1) throw new InvalidZNodeDataError(path, 'unsupported ACL version');
    const arr = o.acls;
    if (!Array.isArray(arr)) throw new InvalidZNodeDataError(path, 'acls is not an array');
    const out: AccessControlEntry[] = [];
    for (const item of arr) {
      const e = obj(path, item, 'acl entry');
      let principal: string;
      try {
        principal = parseKafkaPrincipal(str(path, e, 'principal')).toString();
      } catch (err) {
        throw err instanceof InvalidZNodeDataError ? err : new InvalidZNodeDataError(path, (err as Error).message);
      }
      const permissionType = AclPermissionType.fromPascalName(str(path, e, 'permissionType'));
      const operation = AclOperation.fromPascalName(str(path, e, 'operation'));
      const host = str(path, e, 'host');
      if (permissionType === AclPermissionType.values.UNKNOWN || operation === AclOperation.values.UNKNOWN) continue;
      out.push({ principal, host, operation, permissionType });
    }
    return out;
  },
};

export const ConsumerPathZNode = { path: '/consumers' } as const;

/** Kafka's ZkVersion constants. */
export const ZkVersion = { MatchAnyVersion: -1, UnknownVersion: -2 } as const;

/** Kafka's StateChangeHandlers names. */
export const StateChangeHandlers = {
  ControllerHandler: 'controller-state-change-handler',
  zkNodeChangeListenerHandler: (seqNodeRoot: string): string => `change-notification-${seqNodeRoot}`,
} as const;

/** ZkData.PersistentZkPaths: created by every broker at start-up (KafkaZkClient.createTopLevelPaths). */
export const PersistentZkPaths: readonly string[] = [
  ConsumerPathZNode.path,
  BrokerIdsZNode.path,
  TopicsZNode.path,
  ConfigEntityChangeNotificationZNode.path,
  DeleteTopicsZNode.path,
  BrokerSequenceIdZNode.path,
  IsrChangeNotificationZNode.path,
  ProducerIdBlockZNode.path,
  LogDirEventNotificationZNode.path,
  ...Object.values(ConfigType).map((t) => ConfigEntityTypeZNode.path(t)),
];
