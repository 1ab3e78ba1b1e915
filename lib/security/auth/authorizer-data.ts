/**
 * The pure core of Kafka's AclAuthorizer (what KRaft calls StandardAuthorizerData): the ACLs of
 * every resource pattern, the super users and allow.everyone.if.no.acl.found, and the decisions —
 * no I/O, no clock. AclAuthorizer keeps one of these current from ZooKeeper.
 *
 * authorize (AclAuthorizer.authorizeAction) for a principal, a client host, an operation and a
 * literal resource:
 * - a super user is allowed everything;
 * - the ACLs that apply are those of the literal name, of the literal wildcard `*` and of every
 *   prefixed pattern that is a prefix of the name, of the same resource type;
 * - none at all: allowed only with allow.everyone.if.no.acl.found;
 * - a matching DENY (principal or `User:*`, host or `*`, the operation or ALL) wins over any allow;
 * - else a matching ALLOW is needed; ALLOW of READ, WRITE, DELETE or ALTER implies DESCRIBE, and
 *   ALTER_CONFIGS implies DESCRIBE_CONFIGS.
 * authorizeByResourceType (AclAuthorizer.authorizeByResourceType, KIP-679) asks whether the
 * principal may do the operation on at least one resource of a type (no implied operations).
 */
import type { KafkaPrincipal } from '../../common/kafka-principal.js';
import {
  bindingFilterMatches, Op, Permission, WILDCARD_HOST, WILDCARD_PRINCIPAL, aceKey,
  type AccessControlEntry, type AclBinding, type AclBindingFilter,
} from '../../common/acl.js';
import { PT, WILDCARD_RESOURCE, resourcePatternKey, type ResourcePattern } from '../../common/resource.js';

/** AclAuthorizer.VersionedAcls: a pattern's entries and the zkVersion of its znode (-2: no znode). */
export interface VersionedAcls {
  readonly acls: readonly AccessControlEntry[];
  readonly zkVersion: number;
}

export interface AuthorizerDataConfig {
  /** super.users. */
  readonly superUsers: readonly KafkaPrincipal[];
  /** allow.everyone.if.no.acl.found. */
  readonly allowEveryoneIfNoAclIsFound: boolean;
}

interface Entry {
  readonly pattern: ResourcePattern;
  readonly versioned: VersionedAcls;
}

/** The operations whose ALLOW also allows `operation` (AclAuthorizer.authorizeAction's allowOps). */
export function impliedBy(operation: number): readonly number[] {
  if (operation === Op.DESCRIBE) return [Op.DESCRIBE, Op.READ, Op.WRITE, Op.DELETE, Op.ALTER];
  if (operation === Op.DESCRIBE_CONFIGS) return [Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS];
  return [operation];
}

export class AuthorizerData {
  private readonly superUsers: ReadonlySet<string>;
  private readonly entries = new Map<string, Entry>();

  constructor(readonly config: AuthorizerDataConfig) {
    this.superUsers = new Set(config.superUsers.map((p) => p.toString()));
  }

  isSuperUser(principal: KafkaPrincipal): boolean {
    return this.superUsers.has(principal.toString());
  }

  get(pattern: ResourcePattern): VersionedAcls | undefined {
    return this.entries.get(resourcePatternKey(pattern))?.versioned;
  }

  /** AclAuthorizer.updateCache: a pattern's entries as stored now (none: the pattern is dropped). */
  update(pattern: ResourcePattern, versioned: VersionedAcls): void {
    const key = resourcePatternKey(pattern);
    if (versioned.acls.length === 0) this.entries.delete(key);
    else this.entries.set(key, { pattern, versioned: { acls: dedupe(versioned.acls), zkVersion: versioned.zkVersion } });
  }

  patterns(): ResourcePattern[] {
    return [...this.entries.values()].map((e) => e.pattern);
  }

  /** Authorizer.acls: every binding the filter matches. */
  acls(filter: AclBindingFilter): AclBinding[] {
    const out: AclBinding[] = [];
    for (const { pattern, versioned } of this.entries.values()) {
      for (const entry of versioned.acls) {
        const binding = { pattern, entry };
        if (bindingFilterMatches(filter, binding)) out.push(binding);
      }
    }
    return out;
  }

  /** AclAuthorizer.authorizeAction on a literal resource. */
  authorize(principal: KafkaPrincipal, host: string, operation: number, resourceType: number, resourceName: string): boolean {
    if (this.isSuperUser(principal)) return true;
    const acls = this.matchingAcls(resourceType, resourceName);
    if (acls.length === 0) return this.config.allowEveryoneIfNoAclIsFound;
    const who = principal.toString();
    if (acls.some((a) => matches(a, who, host, operation, Permission.DENY))) return false;
    return impliedBy(operation).some((op) => acls.some((a) => matches(a, who, host, op, Permission.ALLOW)));
  }

  /** AclAuthorizer.authorizeByResourceType: may the principal do `operation` on some resource of the type? */
  authorizeByResourceType(principal: KafkaPrincipal, host: string, operation: number, resourceType: number): boolean {
    if (this.isSuperUser(principal)) return true;
    const who = principal.toString();
    const names = (permission: number, patternType: number): Set<string> => {
      const out = new Set<string>();
      for (const { pattern, versioned } of this.entries.values()) {
        if (pattern.resourceType !== resourceType || pattern.patternType !== patternType) continue;
        if (versioned.acls.some((a) => matches(a, who, host, operation, permission))) out.add(pattern.name);
      }
      return out;
    };
    const denyLiterals = names(Permission.DENY, PT.LITERAL);
    if (denyLiterals.has(WILDCARD_RESOURCE)) return false;
    if (this.config.allowEveryoneIfNoAclIsFound) return true;
    const denyPrefixes = names(Permission.DENY, PT.PREFIXED);
    const allowLiterals = names(Permission.ALLOW, PT.LITERAL);
    const allowPrefixes = names(Permission.ALLOW, PT.PREFIXED);
    const dominatedByDeny = (name: string): boolean => {
      for (let i = 1; i <= name.length; i++) if (denyPrefixes.has(name.substring(0, i))) return true;
      return false;
    };
    if (denyLiterals.size === 0 && denyPrefixes.size === 0) return allowLiterals.size > 0 || allowPrefixes.size > 0;
    for (const p of allowPrefixes) if (!dominatedByDeny(p)) return true;
    for (const l of allowLiterals) if (l === WILDCARD_RESOURCE || (!denyLiterals.has(l) && !dominatedByDeny(l))) return true;
    return false;
  }

  /** AclAuthorizer.matchingAcls: the entries of the literal name, of `*`, and of every prefix of the name. */
  private matchingAcls(resourceType: number, name: string): AccessControlEntry[] {
    const out: AccessControlEntry[] = [];
    const add = (patternName: string, patternType: number): void => {
      const e = this.entries.get(resourcePatternKey({ resourceType, name: patternName, patternType }));
      if (e) out.push(...e.versioned.acls);
    };
    add(name, PT.LITERAL);
    if (name !== WILDCARD_RESOURCE) add(WILDCARD_RESOURCE, PT.LITERAL);
    for (let i = 1; i <= name.length; i++) add(name.substring(0, i), PT.PREFIXED);
    return out;
  }
}

/** AclAuthorizer.matchingAclExists for one entry. */
function matches(a: AccessControlEntry, principal: string, host: string, operation: number, permission: number): boolean {
  return a.permissionType === permission
    && (a.principal === principal || a.principal === WILDCARD_PRINCIPAL)
    && (a.operation === operation || a.operation === Op.ALL)
    && (a.host === host || a.host === WILDCARD_HOST);
}

function dedupe(acls: readonly AccessControlEntry[]): AccessControlEntry[] {
  const seen = new Map<string, AccessControlEntry>();
  for (const a of acls) seen.set(aceKey(a), a);
  return [...seen.values()];
}
