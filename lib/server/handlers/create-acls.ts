/**
 * CreateAcls (key 30), v0–3 (AclApis.handleCreateAcls): any broker adds ACLs through its
 * authorizer, which writes them to ZooKeeper and notifies every broker. Needs ALTER on the cluster
 * (CLUSTER_AUTHORIZATION_FAILED); without an authorizer every creation answers SECURITY_DISABLED.
 * Per creation: a CLUSTER resource must be named kafka-cluster and no name may be empty
 * (INVALID_REQUEST), the authorizer refuses invalid bindings. v0 creates only literal patterns.
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { CLUSTER_NAME, PatternType, ResourceType, RT } from '../../common/resource.js';
import { Op, type AclBinding } from '../../common/acl.js';
import { authorizableContext } from './auth-helper.js';
import { aclAuthorizer, validateAclCreation } from './acl-requests.js';
import { defineHandler } from './handler.js';

export const createAclsHandler = defineHandler({
  apiKey: ApiKeys.CREATE_ACLS,
  minVersion: 0,
  maxVersion: 3,
  async handle(ctx, request) {
    for (const c of request.creations) validateAclCreation(c, ctx.apiVersion);
    const access = aclAuthorizer(ctx, Op.ALTER, 'No Authorizer is configured.');
    if ('error' in access) {
      return { throttleTimeMs: 0, results: request.creations.map(() => ({ errorCode: access.error.code, errorMessage: access.message })) };
    }
    const results = request.creations.map((): { errorCode: number; errorMessage: string | null } => ({ errorCode: Errors.NONE.code, errorMessage: null }));
    const valid: Array<{ index: number; binding: AclBinding }> = [];
    request.creations.forEach((c, index) => {
      const binding: AclBinding = {
        pattern: { resourceType: ResourceType.fromCode(c.resourceType), name: c.resourceName, patternType: PatternType.fromCode(c.resourcePatternType) },
        entry: { principal: c.principal, host: c.host, operation: c.operation, permissionType: c.permissionType },
      };
      let problem: string | null = null;
      if (binding.pattern.resourceType === RT.CLUSTER && binding.pattern.name !== CLUSTER_NAME) problem = `The only valid name for the CLUSTER resource is ${CLUSTER_NAME}`;
      else if (binding.pattern.name === '') problem = 'Invalid empty resource name';
      if (problem !== null) results[index] = { errorCode: Errors.INVALID_REQUEST.code, errorMessage: problem };
      else valid.push({ index, binding });
    });
    if (valid.length > 0) {
      const created = await access.authorizer.createAcls(authorizableContext(ctx), valid.map((v) => v.binding));
      valid.forEach((v, i) => {
        const error = created[i]?.error;
        if (error) results[v.index] = { errorCode: error.errorCode, errorMessage: error.errorMessage };
      });
    }
    return { throttleTimeMs: 0, results };
  },
});
