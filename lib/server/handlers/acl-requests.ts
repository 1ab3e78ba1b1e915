/**
 * What CreateAcls, DescribeAcls and DeleteAcls share (Kafka's *AclsRequest classes and AclApis):
 * the wire fields read as ACL bindings and filters, the checks Kafka makes while parsing these
 * requests — a filter or ACL with an unknown resource type, pattern type, operation or permission,
 * or a v0 request with a non-literal pattern, fails the request, which closes the connection — and
 * the two answers before any ACL is touched: CLUSTER_AUTHORIZATION_FAILED without the cluster
 * operation, SECURITY_DISABLED when the broker has no authorizer.
 */
import { Errors, InvalidRequestError, UnsupportedVersionError, type ErrorInfo } from '../../protocol/errors.js';
import { AclOperation, AclPermissionType, Op, Permission, type AclBindingFilter } from '../../common/acl.js';
import { PatternType, PT, ResourceType, RT } from '../../common/resource.js';
import type { Authorizer } from '../../security/auth/authorizer.js';
import { authorizeClusterOperation } from './auth-helper.js';
import type { RequestContext } from './handler.js';

/** The wire form of an ACL filter (DescribeAclsRequest, DeleteAclsFilter). */
export interface WireAclFilter {
  resourceTypeFilter: number;
  resourceNameFilter: string | null;
  patternTypeFilter: number;
  principalFilter: string | null;
  hostFilter: string | null;
  operation: number;
  permissionType: number;
}

/** The wire form of an ACL (AclCreation, AclDescription with its resource). */
export interface WireAcl {
  resourceType: number;
  resourceName: string;
  resourcePatternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

const unknownElements = (resourceType: number, patternType: number, operation: number, permissionType: number): boolean =>
  ResourceType.fromCode(resourceType) === RT.UNKNOWN || PatternType.fromCode(patternType) === PT.UNKNOWN
  || AclOperation.fromCode(operation) === Op.UNKNOWN || AclPermissionType.fromCode(permissionType) === Permission.UNKNOWN;

/**
 * DescribeAclsRequest/DeleteAclsRequest.normalizeAndValidate: v0 knew only literal patterns (ANY
 * reads as LITERAL there); unknown elements fail the request.
 */
export function aclBindingFilter(f: WireAclFilter, version: number): AclBindingFilter {
  let patternType = PatternType.fromCode(f.patternTypeFilter);
  if (version === 0) {
    if (patternType === PT.ANY) patternType = PT.LITERAL;
    else if (patternType !== PT.LITERAL) throw new UnsupportedVersionError('Version 0 only supports literal resource pattern types');
  }
  if (unknownElements(f.resourceTypeFilter, patternType, f.operation, f.permissionType)) throw new InvalidRequestError('The ACL filter contains UNKNOWN elements');
  return {
    patternFilter: { resourceType: f.resourceTypeFilter, name: f.resourceNameFilter, patternType },
    entryFilter: { principal: f.principalFilter, host: f.hostFilter, operation: f.operation, permissionType: f.permissionType },
  };
}

/** CreateAclsRequest.validate. */
export function validateAclCreation(c: WireAcl, version: number): void {
  if (version === 0 && c.resourcePatternType !== PT.LITERAL) throw new UnsupportedVersionError('Version 0 only supports literal resource pattern types');
  if (unknownElements(c.resourceType, c.resourcePatternType, c.operation, c.permissionType)) throw new InvalidRequestError('CreatableAcls contain unknown elements');
}

/**
 * The authorizer an ACL request may use, or the error every entry of it answers: the request needs
 * `operation` on the cluster (AclApis), and an authorizer (SECURITY_DISABLED otherwise).
 */
export function aclAuthorizer(ctx: RequestContext, operation: number, disabledMessage: string):
  { authorizer: Authorizer } | { error: ErrorInfo; message: string } {
  if (!authorizeClusterOperation(ctx, operation)) return { error: Errors.CLUSTER_AUTHORIZATION_FAILED, message: 'Request is not authorized.' };
  const authorizer = ctx.broker.authorizer;
  if (authorizer === undefined) return { error: Errors.SECURITY_DISABLED, message: disabledMessage };
  return { authorizer };
}
