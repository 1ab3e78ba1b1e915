/**
 * Kafka's org.apache.kafka.common.acl: AclOperation, AclPermissionType, AccessControlEntry (who
 * may or may not do what from which host), AclBinding (an entry on a resource pattern) and the
 * filters DescribeAcls/DeleteAcls send (null principal/host and ANY operation/permission match
 * everything). AclEntry.supportedOperations is here too.
 */
import { kafkaEnum } from './kafka-enum.js';
import { patternFilterIndefiniteField, patternFilterMatches, PT, RT, type ResourcePattern, type ResourcePatternFilter } from './resource.js';

export const AclOperation = kafkaEnum({
  UNKNOWN: 0, ANY: 1, ALL: 2, READ: 3, WRITE: 4, CREATE: 5, DELETE: 6, ALTER: 7, DESCRIBE: 8, CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10, ALTER_CONFIGS: 11, IDEMPOTENT_WRITE: 12, CREATE_TOKENS: 13, DESCRIBE_TOKENS: 14,
} as const);
export const Op = AclOperation.values;

export const AclPermissionType = kafkaEnum({ UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const);
export const Permission = AclPermissionType.values;

/** AclEntry.WILDCARD_HOST. */
export const WILDCARD_HOST = '*';
/** AclEntry.WILDCARD_PRINCIPAL_STRING: `User:*` matches every user. */
export const WILDCARD_PRINCIPAL = 'User:*';

export interface AccessControlEntry {
  /** `type:name`, e.g. `User:alice`. */
  readonly principal: string;
  readonly host: string;
  readonly operation: number;
  readonly permissionType: number;
}

export interface AccessControlEntryFilter {
  readonly principal: string | null;
  readonly host: string | null;
  readonly operation: number;
  readonly permissionType: number;
}

export interface AclBinding {
  readonly pattern: ResourcePattern;
  readonly entry: AccessControlEntry;
}

export interface AclBindingFilter {
  readonly patternFilter: ResourcePatternFilter;
  readonly entryFilter: AccessControlEntryFilter;
}

/** AccessControlEntryFilter.ANY / AclBindingFilter.ANY. */
export const ANY_ENTRY_FILTER: AccessControlEntryFilter = { principal: null, host: null, operation: Op.ANY, permissionType: Permission.ANY };
export const ANY_BINDING_FILTER: AclBindingFilter = {
  patternFilter: { resourceType: RT.ANY, name: null, patternType: PT.ANY },
  entryFilter: ANY_ENTRY_FILTER,
};

/** AccessControlEntry.toString: `(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)`. */
export function aceToString(e: AccessControlEntry | AccessControlEntryFilter): string {
  return `(principal=${e.principal ?? '<any>'}, host=${e.host ?? '<any>'}, operation=${AclOperation.name(e.operation)}, permissionType=${AclPermissionType.name(e.permissionType)})`;
}

/** A key for sets of entries. */
export function aceKey(e: AccessControlEntry): string {
  return JSON.stringify([e.principal, e.host, e.operation, e.permissionType]);
}

/** AccessControlEntryFilter.matches. */
export function entryFilterMatches(f: AccessControlEntryFilter, e: AccessControlEntry): boolean {
  if (f.principal !== null && f.principal !== e.principal) return false;
  if (f.host !== null && f.host !== e.host) return false;
  if (f.operation !== Op.ANY && f.operation !== e.operation) return false;
  return f.permissionType === Permission.ANY || f.permissionType === e.permissionType;
}

/** AclBindingFilter.matches. */
export function bindingFilterMatches(f: AclBindingFilter, b: AclBinding): boolean {
  return patternFilterMatches(f.patternFilter, b.pattern) && entryFilterMatches(f.entryFilter, b.entry);
}

/** AclBindingFilter.findIndefiniteField. */
export function bindingFilterIndefiniteField(f: AclBindingFilter): string | null {
  const p = patternFilterIndefiniteField(f.patternFilter);
  if (p !== null) return p;
  const e = f.entryFilter;
  if (e.principal === null) return 'Principal is NULL';
  if (e.host === null) return 'Host is NULL';
  if (e.operation === Op.ANY) return 'Operation is ANY';
  if (e.operation === Op.UNKNOWN) return 'Operation is UNKNOWN';
  if (e.permissionType === Permission.ANY) return 'Permission type is ANY';
  if (e.permissionType === Permission.UNKNOWN) return 'Permission type is UNKNOWN';
  return null;
}

/** AclEntry.supportedOperations: the operations that mean something on each resource type. */
export const SUPPORTED_OPERATIONS: ReadonlyMap<number, readonly number[]> = new Map([
  [RT.TOPIC, [Op.READ, Op.WRITE, Op.CREATE, Op.DESCRIBE, Op.DELETE, Op.ALTER, Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS]],
  [RT.GROUP, [Op.READ, Op.DESCRIBE, Op.DELETE]],
  [RT.CLUSTER, [Op.CREATE, Op.CLUSTER_ACTION, Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS, Op.IDEMPOTENT_WRITE, Op.ALTER, Op.DESCRIBE]],
  [RT.TRANSACTIONAL_ID, [Op.DESCRIBE, Op.WRITE]],
  [RT.DELEGATION_TOKEN, [Op.DESCRIBE]],
  [RT.USER, [Op.CREATE_TOKENS, Op.DESCRIBE_TOKENS]],
]);

/** Utils.to32BitField: the authorized operations as a bit field of their codes (Metadata, DescribeGroups …). */
export function toOperationsBitField(operations: Iterable<number>): number {
  let bits = 0;
  for (const op of operations) bits |= 1 << op;
  return bits;
}
