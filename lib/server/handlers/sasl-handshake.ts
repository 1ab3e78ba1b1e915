/**
 * SaslHandshake (key 17), v0–1: kafkats has no SASL listeners yet, so every mechanism is answered
 * with UNSUPPORTED_SASL_MECHANISM and an empty list of enabled mechanisms, as a Kafka broker with
 * a PLAINTEXT-only listener does.
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';

export const saslHandshakeHandler = defineHandler({
  apiKey: ApiKeys.SASL_HANDSHAKE,
  minVersion: 0,
  maxVersion: 1,
  async handle() {
    return { errorCode: Errors.UNSUPPORTED_SASL_MECHANISM.code, mechanisms: [] };
  },
});
