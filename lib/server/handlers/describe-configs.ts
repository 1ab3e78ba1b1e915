/**
 * DescribeConfigs (key 32), v0–4, answered by any broker (ConfigHelper.describeConfigs): TOPIC
 * resources from the broker's topic defaults plus /config/topics overrides (sources
 * DYNAMIC_TOPIC_CONFIG / STATIC_BROKER_CONFIG / DEFAULT_CONFIG, synonyms v1+, types and
 * documentation v3+), BROKER resources for this broker's id from its static configuration ("" is
 * the empty set of cluster-wide dynamic defaults; another broker's id is INVALID_REQUEST — clients
 * send BROKER resources to that broker), BROKER_LOGGER for this broker (the root logger level).
 * Authorization: DESCRIBE_CONFIGS on the cluster for BROKER/BROKER_LOGGER, on the topic for TOPIC
 * (CLUSTER_ / TOPIC_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { defineHandler } from './handler.js';
import { Errors, errorForCode } from '../../protocol/errors.js';
import { Op } from '../../common/acl.js';
import { authorizeConfigResource } from './auth-helper.js';

export const describeConfigsHandler = defineHandler({
  apiKey: ApiKeys.DESCRIBE_CONFIGS,
  minVersion: 0,
  maxVersion: 4,
  async handle(ctx, request) {
    const denials = request.resources.map((r) => authorizeConfigResource(ctx, Op.DESCRIBE_CONFIGS, r.resourceType, r.resourceName));
    const allowed = request.resources.filter((_, i) => denials[i] === Errors.NONE.code);
    const described = allowed.length === 0 ? [] : await ctx.broker.adminManager.describeConfigs(
      allowed,
      ctx.apiVersion >= 1 && request.includeSynonyms,
      ctx.apiVersion >= 3 && request.includeDocumentation,
    );
    let next = 0;
    const results = request.resources.map((r, i) => {
      const errorCode = denials[i]!;
      if (errorCode === Errors.NONE.code) return described[next++]!;
      return { errorCode, errorMessage: errorForCode(errorCode).message, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] };
    });
    return { results };
  },
});
