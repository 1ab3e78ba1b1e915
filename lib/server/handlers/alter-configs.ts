/**
 * AlterConfigs (key 33), v0–2, answered by any broker (ZkAdminManager.alterConfigs): a TOPIC
 * resource's override set is replaced by the request's entries (validated against the topic config
 * table, INVALID_CONFIG otherwise), written to /config/topics/<t> with a /config/changes
 * notification unless validateOnly. BROKER resources: kafkats has no dynamic broker configs
 * (INVALID_CONFIG for any key; INVALID_REQUEST for another broker's id, as Kafka).
 */
import { ApiKeys } from '../../protocol/index.js';
import { defineHandler } from './handler.js';

export const alterConfigsHandler = defineHandler({
  apiKey: ApiKeys.ALTER_CONFIGS,
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx, request) {
    return { responses: await ctx.broker.adminManager.alterConfigs(request.resources, request.validateOnly) };
  },
});
