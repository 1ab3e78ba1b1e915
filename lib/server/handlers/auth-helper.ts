/**
 * Kafka's AuthHelper: the one way handlers ask the broker's authorizer whether the request's
 * principal, from its client address, may do an operation on a resource. Without an authorizer
 * (authorizer.class.name empty, the default) everything is allowed, exactly as before ACLs.
 * Handlers answer a denial with Kafka's error for the resource type (TOPIC_AUTHORIZATION_FAILED,
 * GROUP_…, CLUSTER_…, TRANSACTIONAL_ID_AUTHORIZATION_FAILED), in the place Kafka's KafkaApis does.
 */
import { hostAddress } from '../../common/kafka-principal.js';
import { SUPPORTED_OPERATIONS, toOperationsBitField } from '../../common/acl.js';
import { CLUSTER_NAME, PT, RT } from '../../common/resource.js';
import type { AuthorizableRequestContext } from '../../security/auth/authorizer.js';
import { Errors } from '../../protocol/errors.js';
import type { RequestContext } from './handler.js';

export interface AuthorizeOptions {
  /** Log an allowed outcome at DEBUG (default true). */
  logIfAllowed?: boolean;
  /** Log a denied outcome at INFO (default true); false for filters that only narrow an answer. */
  logIfDenied?: boolean;
}

/** The schema default of authorized-operations fields: "not requested" (Integer.MIN_VALUE). */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export function authorizableContext(ctx: RequestContext): AuthorizableRequestContext {
  return {
    principal: ctx.connection.principal,
    clientAddress: hostAddress(ctx.connection.remoteAddress),
    listenerName: ctx.listenerName,
    requestType: ctx.header.requestApiKey,
    requestVersion: ctx.apiVersion,
    clientId: ctx.header.clientId ?? '',
    correlationId: ctx.header.correlationId,
  };
}

/** AuthHelper.authorize: the operation on one literal resource. */
export function authorize(ctx: RequestContext, operation: number, resourceType: number, resourceName: string, options: AuthorizeOptions = {}, refCount = 1): boolean {
  const authorizer = ctx.broker.authorizer;
  if (authorizer === undefined) return true;
  const [result] = authorizer.authorize(authorizableContext(ctx), [{
    operation,
    resourcePattern: { resourceType, name: resourceName, patternType: PT.LITERAL },
    resourceReferenceCount: refCount,
    logIfAllowed: options.logIfAllowed ?? true,
    logIfDenied: options.logIfDenied ?? true,
  }]);
  return result === 'ALLOWED';
}

/** AuthHelper.authorizeClusterOperation (as a test: the handler answers CLUSTER_AUTHORIZATION_FAILED). */
export function authorizeClusterOperation(ctx: RequestContext, operation: number, options: AuthorizeOptions = {}): boolean {
  return authorize(ctx, operation, RT.CLUSTER, CLUSTER_NAME, options);
}

/** AuthHelper.filterByAuthorized: the names among `resources` the operation is allowed on (each name asked once). */
export function filterByAuthorized<T>(ctx: RequestContext, operation: number, resourceType: number, resources: Iterable<T>,
  nameOf: (resource: T) => string, options: AuthorizeOptions = {}): Set<string> {
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(nameOf(r), (counts.get(nameOf(r)) ?? 0) + 1);
  if (ctx.broker.authorizer === undefined) return new Set(counts.keys());
  return new Set([...counts].filter(([name, count]) => authorize(ctx, operation, resourceType, name, options, count)).map(([name]) => name));
}

/** AuthHelper.partitionSeqByAuthorized: [authorized, unauthorized], each in request order. */
export function partitionByAuthorized<T>(ctx: RequestContext, operation: number, resourceType: number, resources: readonly T[],
  nameOf: (resource: T) => string, options: AuthorizeOptions = {}): [T[], T[]] {
  const allowed = filterByAuthorized(ctx, operation, resourceType, resources, nameOf, options);
  return [resources.filter((r) => allowed.has(nameOf(r))), resources.filter((r) => !allowed.has(nameOf(r)))];
}

/** AuthHelper.authorizedOperations: the bit field of the resource type's operations the principal may do (all without an authorizer). */
export function authorizedOperations(ctx: RequestContext, resourceType: number, resourceName: string): number {
  const supported = SUPPORTED_OPERATIONS.get(resourceType) ?? [];
  return toOperationsBitField(supported.filter((op) => authorize(ctx, op, resourceType, resourceName, { logIfAllowed: false, logIfDenied: false })));
}

/** AuthHelper.authorizeByResourceType: may the principal do the operation on at least one resource of the type? */
export function authorizeByResourceType(ctx: RequestContext, operation: number, resourceType: number): boolean {
  const authorizer = ctx.broker.authorizer;
  return authorizer === undefined || authorizer.authorizeByResourceType(authorizableContext(ctx), operation, resourceType) === 'ALLOWED';
}

/** ConfigResource.Type ids whose configs are authorized on the cluster (BROKER, BROKER_LOGGER) or on the topic (TOPIC). */
const CONFIG_BROKER = 4;
const CONFIG_BROKER_LOGGER = 8;
const CONFIG_TOPIC = 2;

/**
 * ConfigHelper / KafkaApis' config handlers: the operation (DESCRIBE_CONFIGS, ALTER_CONFIGS) on
 * the cluster for BROKER and BROKER_LOGGER resources, on the topic for TOPIC ones. Returns the
 * error code of a denial (CLUSTER_ / TOPIC_AUTHORIZATION_FAILED), NONE when allowed or when the
 * resource type is one the handler refuses anyway.
 */
export function authorizeConfigResource(ctx: RequestContext, operation: number, resourceType: number, resourceName: string): number {
  if (resourceType === CONFIG_BROKER || resourceType === CONFIG_BROKER_LOGGER) {
    return authorizeClusterOperation(ctx, operation) ? Errors.NONE.code : Errors.CLUSTER_AUTHORIZATION_FAILED.code;
  }
  if (resourceType === CONFIG_TOPIC) return authorize(ctx, operation, RT.TOPIC, resourceName) ? Errors.NONE.code : Errors.TOPIC_AUTHORIZATION_FAILED.code;
  return Errors.NONE.code;
}
