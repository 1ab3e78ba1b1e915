/**
 * IncrementalAlterConfigs (key 44), v0–1, answered by any broker
 * (ZkAdminManager.incrementalAlterConfigs): per key SET (0), DELETE (1), APPEND (2) or SUBTRACT (3)
 * applied to the stored overrides (APPEND/SUBTRACT only on list keys), validated, then written to
 * /config/topics/<t> with a /config/changes notification unless validateOnly. A key twice in one
 * resource, or a resource twice, is INVALID_REQUEST.
 * Authorization: ALTER_CONFIGS on the cluster for BROKER/BROKER_LOGGER, on the topic for TOPIC
 * (CLUSTER_ / TOPIC_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { defineHandler } from './handler.js';
import { Errors } from '../../protocol/errors.js';
import { Op } from '../../common/acl.js';
import { authorizeConfigResource } from './auth-helper.js';

export const incrementalAlterConfigsHandler = defineHandler({
  apiKey: ApiKeys.INCREMENTAL_ALTER_CONFIGS,
  minVersion: 0,
  maxVersion: 1,
  async handle(ctx, request) {
    const denials = request.resources.map((r) => authorizeConfigResource(ctx, Op.ALTER_CONFIGS, r.resourceType, r.resourceName));
    const allowed = request.resources.filter((_, i) => denials[i] === Errors.NONE.code);
    const altered = allowed.length === 0 ? [] : await ctx.broker.adminManager.incrementalAlterConfigs(allowed, request.validateOnly);
    let next = 0;
    return {
      responses: request.resources.map((r, i) => (denials[i] === Errors.NONE.code ? altered[next++]!
        : { errorCode: denials[i]!, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName })),
    };
  },
});
