/**
 * DescribeAcls (key 29), v0–3 (AclApis.handleDescribeAcls): the ACLs a filter matches, grouped by
 * resource pattern, from this broker's authorizer cache. Needs DESCRIBE on the cluster
 * (CLUSTER_AUTHORIZATION_FAILED); without an authorizer SECURITY_DISABLED. v0 filters literal
 * patterns only (ANY reads as LITERAL).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { Op, type AclBinding } from '../../common/acl.js';
import { resourcePatternKey } from '../../common/resource.js';
import { aclAuthorizer, aclBindingFilter } from './acl-requests.js';
import { defineHandler } from './handler.js';

/** DescribeAclsResponse.aclsResources: bindings grouped by their pattern. */
function aclsResources(bindings: readonly AclBinding[]): Array<{ resourceType: number; resourceName: string; patternType: number; acls: Array<{ principal: string; host: string; operation: number; permissionType: number }> }> {
  const byPattern = new Map<string, ReturnType<typeof aclsResources>[number]>();
  for (const { pattern, entry } of bindings) {
    const key = resourcePatternKey(pattern);
    const r = byPattern.get(key) ?? { resourceType: pattern.resourceType, resourceName: pattern.name, patternType: pattern.patternType, acls: [] };
    r.acls.push({ principal: entry.principal, host: entry.host, operation: entry.operation, permissionType: entry.permissionType });
    byPattern.set(key, r);
  }
  return [...byPattern.values()];
}

export const describeAclsHandler = defineHandler({
  apiKey: ApiKeys.DESCRIBE_ACLS,
  minVersion: 0,
  maxVersion: 3,
  async handle(ctx, request) {
    const filter = aclBindingFilter(request, ctx.apiVersion);
    const access = aclAuthorizer(ctx, Op.DESCRIBE, 'No Authorizer is configured on the broker');
    if ('error' in access) return { throttleTimeMs: 0, errorCode: access.error.code, errorMessage: access.message, resources: [] };
    return { throttleTimeMs: 0, errorCode: Errors.NONE.code, errorMessage: null, resources: aclsResources(access.authorizer.acls(filter)) };
  },
});
