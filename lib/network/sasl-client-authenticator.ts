/**
 * Kafka's SaslClientAuthenticator, for the broker's own outgoing connections (controller channel,
 * replica fetchers, the tools): SaslHandshake v1 with the mechanism, then SaslAuthenticate v2
 * carrying the mechanism's tokens until the client side is complete. A refused mechanism or
 * failed authentication rejects with Kafka's error (UNSUPPORTED_SASL_MECHANISM,
 * SASL_AUTHENTICATION_FAILED with the broker's message).
 */
import { ApiKeys, decodeResponse, encodeRequest } from '../protocol/index.js';
import { Errors, apiErrorForCode } from '../protocol/errors.js';
import type { SaslClient } from '../security/authenticator/sasl-server.js';

/** Sends one size-prefixed request frame and resolves with the response frame (no size prefix). */
export type FrameExchange = (frame: Buffer) => Promise<Buffer>;

const SASL_HANDSHAKE_VERSION = 1;
const SASL_AUTHENTICATE_VERSION = 2;

/** Resolves with the session lifetime the broker granted (KIP-368; 0: unbounded). */
export async function saslClientAuthenticate(exchange: FrameExchange, client: SaslClient, clientId: string): Promise<number> {
  let correlationId = 0;
  const header = <K extends number>(requestApiKey: K, requestApiVersion: number) => ({ requestApiKey, requestApiVersion, correlationId: correlationId++, clientId });
  const hs = decodeResponse(ApiKeys.SASL_HANDSHAKE, SASL_HANDSHAKE_VERSION,
    await exchange(encodeRequest(header(ApiKeys.SASL_HANDSHAKE, SASL_HANDSHAKE_VERSION), { mechanism: client.mechanismName }))).body;
  if (hs.errorCode !== Errors.NONE.code) {
    throw apiErrorForCode(hs.errorCode, `SASL mechanism ${client.mechanismName} refused by the broker (enabled: ${hs.mechanisms.join(', ')})`);
  }
  let token: Buffer | null = client.initialResponse();
  let sessionLifetimeMs = 0;
  while (token !== null) {
    const res = decodeResponse(ApiKeys.SASL_AUTHENTICATE, SASL_AUTHENTICATE_VERSION,
      await exchange(encodeRequest(header(ApiKeys.SASL_AUTHENTICATE, SASL_AUTHENTICATE_VERSION), { authBytes: token }))).body;
    if (res.errorCode !== Errors.NONE.code) throw apiErrorForCode(res.errorCode, res.errorMessage ?? undefined);
    sessionLifetimeMs = Number(res.sessionLifetimeMs);
    token = client.evaluateChallenge(Buffer.from(res.authBytes));
  }
  if (!client.isComplete()) throw apiErrorForCode(Errors.SASL_AUTHENTICATION_FAILED.code, `SASL/${client.mechanismName} exchange ended before completing`);
  return sessionLifetimeMs;
}
