/**
 * DeleteAcls (key 31), v0–3 (AclApis.handleDeleteAcls): any broker deletes, through its
 * authorizer, the ACLs each filter matches and answers them per filter (every broker applies the
 * deletion through the change notifications). Needs ALTER on the cluster
 * (CLUSTER_AUTHORIZATION_FAILED); without an authorizer SECURITY_DISABLED. v0 filters literal
 * patterns only (ANY reads as LITERAL).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { Op } from '../../common/acl.js';
import { authorizableContext } from './auth-helper.js';
import { aclAuthorizer, aclBindingFilter } from './acl-requests.js';
import { defineHandler } from './handler.js';

export const deleteAclsHandler = defineHandler({
  apiKey: ApiKeys.DELETE_ACLS,
  minVersion: 0,
  maxVersion: 3,
  async handle(ctx, request) {
    const filters = request.filters.map((f) => aclBindingFilter(f, ctx.apiVersion));
    const access = aclAuthorizer(ctx, Op.ALTER, 'No Authorizer is configured.');
    if ('error' in access) {
      return { throttleTimeMs: 0, filterResults: filters.map(() => ({ errorCode: access.error.code, errorMessage: access.message, matchingAcls: [] })) };
    }
    const results = await access.authorizer.deleteAcls(authorizableContext(ctx), filters);
    return {
      throttleTimeMs: 0,
      filterResults: results.map((r) => ({
        errorCode: r.error?.errorCode ?? Errors.NONE.code,
        errorMessage: r.error?.errorMessage ?? null,
        matchingAcls: r.aclBindingDeleteResults.map(({ binding: { pattern, entry }, error }) => ({
          errorCode: error?.errorCode ?? Errors.NONE.code,
          errorMessage: error?.errorMessage ?? null,
          resourceType: pattern.resourceType,
          resourceName: pattern.name,
          patternType: pattern.patternType,
          principal: entry.principal,
          host: entry.host,
          operation: entry.operation,
          permissionType: entry.permissionType,
        })),
      })),
    };
  },
});
