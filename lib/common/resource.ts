/**
 * Kafka's org.apache.kafka.common.resource: ResourceType, PatternType, ResourcePattern (what an
 * ACL is attached to: a literal name, a name prefix, or the literal wildcard `*`) and
 * ResourcePatternFilter (what DescribeAcls/DeleteAcls select: ANY pattern type matches the name
 * exactly, MATCH also finds the wildcard and prefixed patterns that apply to the name).
 */
import { kafkaEnum } from './kafka-enum.js';

export const ResourceType = kafkaEnum({
  UNKNOWN: 0, ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5, DELEGATION_TOKEN: 6, USER: 7,
} as const);
export const RT = ResourceType.values;

export const PatternType = kafkaEnum({ UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const);
export const PT = PatternType.values;

/** Resource.CLUSTER_NAME: the only name of the CLUSTER resource. */
export const CLUSTER_NAME = 'kafka-cluster';
/** ResourcePattern.WILDCARD_RESOURCE. */
export const WILDCARD_RESOURCE = '*';

/** The concrete resource types ACLs are stored for (AclEntry.RESOURCE_TYPES). */
export const ACL_RESOURCE_TYPES: readonly number[] = [RT.TOPIC, RT.GROUP, RT.CLUSTER, RT.TRANSACTIONAL_ID, RT.DELEGATION_TOKEN, RT.USER];

export interface ResourcePattern {
  readonly resourceType: number;
  readonly name: string;
  /** LITERAL or PREFIXED (never ANY or MATCH). */
  readonly patternType: number;
}

export interface ResourcePatternFilter {
  readonly resourceType: number;
  /** null matches any name. */
  readonly name: string | null;
  readonly patternType: number;
}

/** PatternType.isSpecific: LITERAL and PREFIXED. */
export function isSpecificPatternType(patternType: number): boolean {
  return patternType === PT.LITERAL || patternType === PT.PREFIXED;
}

/** ResourcePattern.toString. */
export function resourcePatternToString(p: ResourcePattern | ResourcePatternFilter): string {
  return `ResourcePattern(resourceType=${ResourceType.name(p.resourceType)}, name=${p.name ?? '<any>'}, patternType=${PatternType.name(p.patternType)})`;
}

/** A key for maps of patterns (type, pattern type and name). */
export function resourcePatternKey(p: ResourcePattern): string {
  return `${p.resourceType}:${p.patternType}:${p.name}`;
}

/** ResourcePatternFilter.matches. */
export function patternFilterMatches(filter: ResourcePatternFilter, pattern: ResourcePattern): boolean {
  if (filter.resourceType !== RT.ANY && filter.resourceType !== pattern.resourceType) return false;
  if (filter.patternType !== PT.ANY && filter.patternType !== PT.MATCH && filter.patternType !== pattern.patternType) return false;
  if (filter.name === null) return true;
  if (filter.patternType === PT.ANY || filter.patternType === pattern.patternType) return filter.name === pattern.name;
  // MATCH: the patterns that apply to the filter's name.
  if (pattern.patternType === PT.LITERAL) return filter.name === pattern.name || pattern.name === WILDCARD_RESOURCE;
  if (pattern.patternType === PT.PREFIXED) return filter.name.startsWith(pattern.name);
  return false;
}

/** ResourcePatternFilter.findIndefiniteField: why the filter may match more than one pattern, or null. */
export function patternFilterIndefiniteField(f: ResourcePatternFilter): string | null {
  if (f.resourceType === RT.ANY) return 'Resource type is ANY.';
  if (f.resourceType === RT.UNKNOWN) return 'Resource type is UNKNOWN.';
  if (f.name === null) return 'Resource name is NULL.';
  if (f.patternType === PT.MATCH) return 'Resource pattern type is MATCH.';
  if (f.patternType === PT.UNKNOWN) return 'Resource pattern type is UNKNOWN.';
  return null;
}
