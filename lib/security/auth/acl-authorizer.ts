/**
 * Kafka's kafka.security.authorizer.AclAuthorizer (authorizer.class.name, also under its old name
 * kafka.security.auth.SimpleAclAuthorizer): ACLs stored in ZooKeeper exactly as Kafka stores them
 * (`/kafka-acl/<Type>/<name>`, `/kafka-acl-extended/prefixed/<Type>/<name>`), a cache of all of
 * them on every broker (AuthorizerData, the decisions), and the change notifications that keep
 * every broker's cache current: a broker changing a pattern's ACLs writes the znode (conditionally
 * on its version, retrying on a concurrent change) and then a sequential `acl_changes_` znode under
 * `/kafka-acl-changes` (LITERAL) or `/kafka-acl-extended-changes` (PREFIXED); each broker's
 * listener re-reads the named pattern. ACLs written by Kafka's own tools apply the same way.
 *
 * Changes are serialised (Kafka's `lock synchronized`): one create, delete, load or notification
 * at a time. Decisions read the cache only and never wait. Denials are audited on
 * `kafka.authorizer.logger` at INFO (rate-limited per distinct line), allowed actions at DEBUG.
 */
import { apiKeyName } from '../../protocol/index.js';
import { ApiError, Errors } from '../../protocol/errors.js';
import type { KafkaZkClient } from '../../zk/kafka-zk-client.js';
import { AclZkClient } from '../../zk/acl-zk-client.js';
import { ExtendedAclChangeStore, LiteralAclChangeStore, ACL_CHANGE_SEQUENCE_PREFIX, ZkAclStore } from '../../zk/acl-znodes.js';
import { InvalidZNodeDataError } from '../../zk/znode-json.js';
import { ZkVersion } from '../../zk/zk-data.js';
import { ZkNodeChangeNotificationListener } from '../../zk/zk-node-change-notification-listener.js';
import {
  AclOperation, aceKey, entryFilterMatches, Op, Permission,
  type AccessControlEntry, type AclBinding, type AclBindingFilter,
} from '../../common/acl.js';
import {
  ACL_RESOURCE_TYPES, isSpecificPatternType, PatternType, PT, ResourceType, RT, patternFilterIndefiniteField, patternFilterMatches, resourcePatternKey, resourcePatternToString,
  type ResourcePattern, type ResourcePatternFilter,
} from '../../common/resource.js';
import { parseKafkaPrincipal } from '../../common/kafka-principal.js';
import { RateLimitedLog } from '../../common/rate-limited-log.js';
import { SYSTEM_TIME, type Time } from '../../common/time.js';
import { logger } from '../../utils/logger.js';
import { AuthorizerData, type AuthorizerDataConfig, type VersionedAcls } from './authorizer-data.js';
import type {
  AclCreateResult, AclDeleteResult, AclError, Action, AuthorizableRequestContext, AuthorizationResult, Authorizer,
} from './authorizer.js';

export interface AclAuthorizerOptions {
  time?: Time;
  /** AclAuthorizer.maxUpdateRetries: conditional writes retried this often before giving up. */
  maxUpdateRetries?: number;
}

const RETRY_BACKOFF_MS = 100;
const RETRY_BACKOFF_JITTER_MS = 50;

/** ApiError.fromThrowable: an ApiError keeps its code and message; anything else is UNKNOWN_SERVER_ERROR. */
function apiError(err: unknown): AclError {
  if (err instanceof ApiError) return { errorCode: err.code, errorMessage: err.message };
  return { errorCode: Errors.UNKNOWN_SERVER_ERROR.code, errorMessage: Errors.UNKNOWN_SERVER_ERROR.message };
}

/** AclAuthorizer.validateAclBinding (and the principal AclEntry parses), as INVALID_REQUEST "Failed to create ACL". */
function bindingProblem(b: AclBinding): string | null {
  const e = b.entry;
  if (b.pattern.resourceType === RT.UNKNOWN || b.pattern.patternType === PT.UNKNOWN || e.operation === Op.UNKNOWN || e.permissionType === Permission.UNKNOWN) {
    return 'ACL binding contains unknown elements';
  }
  // ResourcePattern refuses ANY types and ANY/MATCH patterns; AccessControlEntry ANY operations or permissions.
  if (!ACL_RESOURCE_TYPES.includes(b.pattern.resourceType) || !isSpecificPatternType(b.pattern.patternType) || e.operation === Op.ANY || e.permissionType === Permission.ANY) {
    return 'ACL binding contains filter values (ANY or MATCH)';
  }
  if (b.pattern.name.includes('/')) return `ACL binding contains invalid resource name: ${b.pattern.name}`;
  try {
    parseKafkaPrincipal(e.principal);
  } catch (err) {
    return (err as Error).message;
  }
  return null;
}

const distinct = (acls: readonly AccessControlEntry[]): AccessControlEntry[] => [...new Map(acls.map((a) => [aceKey(a), a])).values()];

const sameAcls = (a: readonly AccessControlEntry[], b: readonly AccessControlEntry[]): boolean => {
  const keys = new Set(a.map(aceKey));
  return keys.size === new Set(b.map(aceKey)).size && b.every((e) => keys.has(aceKey(e)));
};

export class AclAuthorizer implements Authorizer {
  private readonly log = logger('kafka.security.authorizer.AclAuthorizer');
  private readonly audit = new RateLimitedLog(logger('kafka.authorizer.logger'));
  private readonly data: AuthorizerData;
  private readonly store: AclZkClient;
  private readonly time: Time;
  private readonly maxUpdateRetries: number;
  private readonly listeners: ZkNodeChangeNotificationListener[];
  private lock: Promise<void> = Promise.resolve();

  constructor(zkClient: KafkaZkClient, config: AuthorizerDataConfig, options: AclAuthorizerOptions = {}) {
    this.data = new AuthorizerData(config);
    this.store = new AclZkClient(zkClient);
    this.time = options.time ?? SYSTEM_TIME;
    this.maxUpdateRetries = options.maxUpdateRetries ?? 10;
    this.listeners = [LiteralAclChangeStore, ExtendedAclChangeStore].map((changeStore) =>
      new ZkNodeChangeNotificationListener(zkClient, changeStore.aclChangePath, ACL_CHANGE_SEQUENCE_PREFIX,
        (bytes) => this.processAclChangeNotification(changeStore.decode(changeStore.aclChangePath, bytes))));
  }

  /**
   * AclAuthorizer.configure: the ACL paths, then the change listeners, then the cache (listeners
   * first, so that no change falls between loading and listening).
   */
  async start(): Promise<void> {
    await this.store.createAclPaths();
    for (const l of this.listeners) await l.init();
    await this.locked(() => this.loadCache());
  }

  async close(): Promise<void> {
    for (const l of this.listeners) await l.close();
    this.audit.flush();
  }

  authorize(ctx: AuthorizableRequestContext, actions: readonly Action[]): AuthorizationResult[] {
    return actions.map((action) => {
      const r = action.resourcePattern;
      if (r.patternType !== PT.LITERAL) throw new Error(`Only literal resources are supported. Got: ${PatternType.name(r.patternType)}`);
      const allowed = this.data.authorize(ctx.principal, ctx.clientAddress, action.operation, r.resourceType, r.name);
      this.logAuditMessage(ctx, action, allowed);
      return allowed ? 'ALLOWED' : 'DENIED';
    });
  }

  authorizeByResourceType(ctx: AuthorizableRequestContext, operation: number, resourceType: number): AuthorizationResult {
    if (resourceType === RT.ANY || resourceType === RT.UNKNOWN || operation === Op.ANY || operation === Op.UNKNOWN) {
      throw new Error('authorizeByResourceType needs a concrete resource type and operation');
    }
    const allowed = this.data.authorizeByResourceType(ctx.principal, ctx.clientAddress, operation, resourceType);
    this.logAuditMessage(ctx, { operation, resourcePattern: { resourceType, name: 'NONE', patternType: PT.UNKNOWN }, resourceReferenceCount: 0, logIfAllowed: true, logIfDenied: true }, allowed);
    return allowed ? 'ALLOWED' : 'DENIED';
  }

  acls(filter: AclBindingFilter): AclBinding[] {
    return this.data.acls(filter);
  }

  /** AclAuthorizer.createAcls: bindings grouped by pattern, each pattern updated once. */
  async createAcls(_ctx: AuthorizableRequestContext, bindings: readonly AclBinding[]): Promise<AclCreateResult[]> {
    const results: AclCreateResult[] = bindings.map(() => ({ error: null }));
    const byPattern = new Map<string, { pattern: ResourcePattern; indexes: number[] }>();
    bindings.forEach((b, i) => {
      const problem = bindingProblem(b);
      if (problem !== null) {
        this.log.debug(`Failed to create ACL ${JSON.stringify(b)}: ${problem}`);
        results[i] = { error: { errorCode: Errors.INVALID_REQUEST.code, errorMessage: 'Failed to create ACL' } };
        return;
      }
      const key = resourcePatternKey(b.pattern);
      const group = byPattern.get(key) ?? { pattern: b.pattern, indexes: [] };
      group.indexes.push(i);
      byPattern.set(key, group);
    });
    if (byPattern.size === 0) return results;
    await this.locked(async () => {
      for (const { pattern, indexes } of byPattern.values()) {
        try {
          await this.updateResourceAcls(pattern, (current) => [...current, ...indexes.map((i) => bindings[i]!.entry)]);
        } catch (err) {
          this.log.warn({ err }, `Failed to create ACLs for ${resourcePatternToString(pattern)}`);
          for (const i of indexes) results[i] = { error: apiError(err) };
        }
      }
    });
    return results;
  }

  /**
   * AclAuthorizer.deleteAcls: every pattern a filter matches — those in the cache, plus the ones a
   * specific filter names directly (so ACLs stored but not yet seen here are deleted too).
   */
  async deleteAcls(_ctx: AuthorizableRequestContext, filters: readonly AclBindingFilter[]): Promise<AclDeleteResult[]> {
    const deleted = new Map<string, { binding: AclBinding; index: number; error: AclError | null }>();
    await this.locked(async () => {
      const resources = new Map<string, ResourcePattern>();
      for (const p of this.data.patterns()) resources.set(resourcePatternKey(p), p);
      for (const f of filters) {
        if (patternFilterIndefiniteField(f.patternFilter) !== null) continue;
        for (const p of filterToResources(f.patternFilter)) resources.set(resourcePatternKey(p), p);
      }
      for (const resource of resources.values()) {
        const matching = filters.map((f, index) => ({ f, index })).filter(({ f }) => patternFilterMatches(f.patternFilter, resource));
        if (matching.length === 0) continue;
        const beingDeleted: string[] = [];
        try {
          await this.updateResourceAcls(resource, (current) => current.filter((acl) => {
            const hit = matching.find(({ f }) => entryFilterMatches(f.entryFilter, acl));
            if (hit === undefined) return true;
            const binding = { pattern: resource, entry: acl };
            const key = `${resourcePatternKey(resource)}|${aceKey(acl)}`;
            if (!deleted.has(key)) deleted.set(key, { binding, index: hit.index, error: null });
            beingDeleted.push(key);
            return false;
          }));
        } catch (err) {
          this.log.warn({ err }, `Failed to delete ACLs of ${resourcePatternToString(resource)}`);
          for (const key of beingDeleted) {
            const d = deleted.get(key);
            if (d !== undefined && d.error === null) d.error = apiError(err);
          }
        }
      }
    });
    return filters.map((_, i) => ({
      error: null,
      aclBindingDeleteResults: [...deleted.values()].filter((d) => d.index === i).map((d) => ({ binding: d.binding, error: d.error })),
    }));
  }

  /** AclAuthorizer.processAclChangeNotification: re-reads the pattern from ZooKeeper. */
  private processAclChangeNotification(resource: ResourcePattern): Promise<void> {
    if (resource.resourceType === RT.UNKNOWN || resource.patternType === PT.UNKNOWN) {
      this.log.warn(`Ignoring an ACL change notification for an unknown resource: ${resourcePatternToString(resource)}`);
      return Promise.resolve();
    }
    return this.locked(async () => {
      const versioned = await this.readAcls(resource);
      this.log.info(`Processing Acl change notification for ${resourcePatternToString(resource)}, versionedAcls : ${versioned.acls.length} ACLs, zkVersion : ${versioned.zkVersion}`);
      this.data.update(resource, versioned);
    });
  }

  /** AclAuthorizer.loadAllAcls: every pattern of every store; unknown resource types are skipped. */
  private async loadCache(): Promise<void> {
    for (const patternType of ZkAclStore.patternTypes) {
      for (const typeName of await this.store.getResourceTypes(patternType)) {
        const resourceType = ResourceType.fromPascalName(typeName);
        if (resourceType === RT.UNKNOWN) {
          this.log.warn(`Ignoring unknown ResourceType: ${typeName}`);
          continue;
        }
        for (const name of await this.store.getResourceNames(patternType, resourceType)) {
          const resource = { resourceType, name, patternType };
          this.data.update(resource, await this.readAcls(resource));
        }
      }
    }
  }

  /** A pattern's ACLs from ZooKeeper; a znode that cannot be read counts as none (logged), never a crash. */
  private async readAcls(resource: ResourcePattern): Promise<VersionedAcls> {
    try {
      return await this.store.getVersionedAclsForResource(resource);
    } catch (err) {
      if (!(err instanceof InvalidZNodeDataError)) throw err;
      this.log.error({ err }, `Ignoring the unreadable ACLs of ${resourcePatternToString(resource)}`);
      return { acls: [], zkVersion: ZkVersion.UnknownVersion };
    }
  }

  /**
   * AclAuthorizer.updateResourceAcls: writes `getNewAcls(current)` conditionally on the version
   * read, re-reading and retrying (with backoff) when another writer got there first; updates the
   * cache and, when the ACLs changed, writes a change notification.
   */
  private async updateResourceAcls(resource: ResourcePattern, getNewAcls: (current: readonly AccessControlEntry[]) => AccessControlEntry[]): Promise<boolean> {
    let current: VersionedAcls = this.data.get(resource) ?? await this.store.getVersionedAclsForResource(resource);
    let written: VersionedAcls | null = null;
    for (let retries = 0; written === null && retries <= this.maxUpdateRetries; retries++) {
      const newAcls = distinct(getNewAcls(current.acls));
      let r: { succeeded: boolean; zkVersion: number };
      if (newAcls.length > 0) {
        r = current.zkVersion !== ZkVersion.UnknownVersion
          ? await this.store.conditionalSetAclsForResource(resource, newAcls, current.zkVersion)
          : await this.store.createAclsForResourceIfNotExists(resource, newAcls);
      } else {
        r = { succeeded: await this.store.conditionalDelete(resource, current.zkVersion), zkVersion: 0 };
      }
      if (r.succeeded) {
        written = { acls: newAcls, zkVersion: r.zkVersion };
      } else {
        await this.time.sleep(RETRY_BACKOFF_MS + Math.floor(Math.random() * RETRY_BACKOFF_JITTER_MS));
        current = await this.store.getVersionedAclsForResource(resource);
      }
    }
    if (written === null) throw new Error(`Failed to update ACLs for ${resourcePatternToString(resource)} after trying a maximum of ${this.maxUpdateRetries} times`);
    this.data.update(resource, written);
    if (sameAcls(written.acls, current.acls)) return false;
    this.log.info(`Updated ACLs for ${resourcePatternToString(resource)} with new version ${written.zkVersion}`);
    await this.store.createAclChangeNotification(resource);
    return true;
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.lock.then(fn);
    this.lock = result.then(() => undefined, () => undefined);
    return result;
  }

  /** AclAuthorizer.logAuditMessage. */
  private logAuditMessage(ctx: AuthorizableRequestContext, action: Action, allowed: boolean): void {
    const level = allowed ? (action.logIfAllowed ? 'debug' : 'trace') : (action.logIfDenied ? 'info' : 'trace');
    if (!this.audit.logger.isLevelEnabled(level)) return;
    const r = action.resourcePattern;
    const msg = `Principal = ${ctx.principal.toString()} is ${allowed ? 'Allowed' : 'Denied'} Operation = ${AclOperation.pascalName(action.operation)} `
      + `from host = ${ctx.clientAddress} on resource = ${ResourceType.pascalName(r.resourceType)}:${PatternType.name(r.patternType)}:${r.name} `
      + `for request = ${apiKeyName(ctx.requestType)} with resourceRefCount = ${action.resourceReferenceCount}`;
    this.audit.log(level, undefined, {}, msg);
  }
}

/** AclAuthorizer.filterToResources: the patterns a specific filter names. */
function filterToResources(f: ResourcePatternFilter): ResourcePattern[] {
  const name = f.name as string;
  if (f.patternType === PT.LITERAL || f.patternType === PT.PREFIXED) return [{ resourceType: f.resourceType, name, patternType: f.patternType }];
  if (f.patternType === PT.ANY) return [PT.LITERAL, PT.PREFIXED].map((patternType) => ({ resourceType: f.resourceType, name, patternType }));
  return [];
}

