/**
 * DescribeConfigs (key 32), v0–4, answered by any broker (ConfigHelper.describeConfigs): TOPIC
 * resources from the broker's topic defaults plus /config/topics overrides (sources
 * DYNAMIC_TOPIC_CONFIG / STATIC_BROKER_CONFIG / DEFAULT_CONFIG, synonyms v1+, types and
 * documentation v3+), BROKER resources for this broker's id from its static configuration ("" is
 * the empty set of cluster-wide dynamic defaults; another broker's id is INVALID_REQUEST — clients
 * send BROKER resources to that broker), BROKER_LOGGER for this broker (the root logger level).
 */
import { ApiKeys } from '../../protocol/index.js';
import { defineHandler } from './handler.js';

export const describeConfigsHandler = defineHandler({
  apiKey: ApiKeys.DESCRIBE_CONFIGS,
  minVersion: 0,
  maxVersion: 4,
  async handle(ctx, request) {
    const results = await ctx.broker.adminManager.describeConfigs(
      request.resources,
      ctx.apiVersion >= 1 && request.includeSynonyms,
      ctx.apiVersion >= 3 && request.includeDocumentation,
    );
    return { results };
  },
});
