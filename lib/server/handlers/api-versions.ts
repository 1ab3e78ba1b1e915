/**
 * ApiVersions (key 18), v0–4: the version ranges of every API this broker serves, taken from the
 * handler registry. v3 requests carry the client's software name/version (validated as Kafka
 * does: INVALID_REQUEST when they contain characters outside [a-zA-Z0-9._-]). An ApiVersions
 * request of an unknown version is answered by KafkaApis in v0 with UNSUPPORTED_VERSION.
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';

const SOFTWARE_PATTERN = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

export const apiVersionsHandler = defineHandler({
  apiKey: ApiKeys.API_VERSIONS,
  minVersion: 0,
  maxVersion: 4,
  async handle(ctx, request) {
    const apiKeys = ctx.broker.supportedApis();
    if (ctx.apiVersion >= 3) {
      const valid = SOFTWARE_PATTERN.test(request.clientSoftwareName) && SOFTWARE_PATTERN.test(request.clientSoftwareVersion);
      if (!valid) return { errorCode: Errors.INVALID_REQUEST.code, apiKeys };
    }
    return { errorCode: Errors.NONE.code, apiKeys, throttleTimeMs: 0 };
  },
});
