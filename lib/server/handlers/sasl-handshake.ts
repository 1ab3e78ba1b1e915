/**
 * SaslHandshake (key 17, v0–1) and SaslAuthenticate (key 36, v0–2) as requests: the SASL exchange
 * itself happens in the connection's SaslServerAuthenticator before any request reaches KafkaApis,
 * so one arriving here came on a PLAINTEXT/SSL listener or after authentication completed (and
 * did not start a KIP-368 re-authentication): Kafka's KafkaApis answers ILLEGAL_SASL_STATE. Being
 * registered, both are listed in ApiVersions, which is how clients learn they may use
 * SaslAuthenticate instead of v0's raw tokens.
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';

export const saslHandshakeHandler = defineHandler({
  apiKey: ApiKeys.SASL_HANDSHAKE,
  minVersion: 0,
  maxVersion: 1,
  async handle() {
    return { errorCode: Errors.ILLEGAL_SASL_STATE.code, mechanisms: [] };
  },
});

export const saslAuthenticateHandler = defineHandler({
  apiKey: ApiKeys.SASL_AUTHENTICATE,
  minVersion: 0,
  maxVersion: 2,
  async handle() {
    return { errorCode: Errors.ILLEGAL_SASL_STATE.code, errorMessage: 'SaslAuthenticate request received after successful authentication', authBytes: Buffer.alloc(0), sessionLifetimeMs: 0n };
  },
});
