/** The ACL znodes: ZkAclStore, ZkAclChangeStore and ResourceZNode with AclEntry's JSON (kafka/zk/ZkData.scala). */
import { AclOperation, AclPermissionType, type AccessControlEntry } from '../common/acl.js';
import { PatternType, PT, ResourceType, type ResourcePattern } from '../common/resource.js';
import { parseKafkaPrincipal } from '../common/kafka-principal.js';
import { InvalidZNodeDataError, encodeJson, parseObject, int, str, obj } from './znode-json.js';

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
