/**
 * AlterConfigs (key 33), v0–2, answered by any broker (ZkAdminManager.alterConfigs): a TOPIC
 * resource's override set is replaced by the request's entries (validated against the topic config
 * table, INVALID_CONFIG otherwise), written to /config/topics/<t> with a /config/changes
 * notification unless validateOnly. BROKER resources: kafkats has no dynamic broker configs
 * (INVALID_CONFIG for any key; INVALID_REQUEST for another broker's id, as Kafka).
 * Authorization: ALTER_CONFIGS on the cluster for BROKER/BROKER_LOGGER, on the topic for TOPIC
 * (CLUSTER_ / TOPIC_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { defineHandler } from './handler.js';
import { Errors } from '../../protocol/errors.js';
import { Op } from '../../common/acl.js';
import { authorizeConfigResource } from './auth-helper.js';

export const alterConfigsHandler = defineHandler({
  apiKey: ApiKeys.ALTER_CONFIGS,
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx, request) {
    const denials = request.resources.map((r) => authorizeConfigResource(ctx, Op.ALTER_CONFIGS, r.resourceType, r.resourceName));
    const allowed = request.resources.filter((_, i) => denials[i] === Errors.NONE.code);
    const altered = allowed.length === 0 ? [] : await ctx.broker.adminManager.alterConfigs(allowed, request.validateOnly);
    let next = 0;
    return {
      responses: request.resources.map((r, i) => (denials[i] === Errors.NONE.code ? altered[next++]!
        : { errorCode: denials[i]!, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName })),
    };
  },
});
