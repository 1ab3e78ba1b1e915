/**
 * The two failures of a SASL exchange, as Kafka tells them apart (javax.security.sasl.SaslException
 * and Kafka's SaslAuthenticationException): a SaslException's text stays in the broker's log and
 * the client only learns "Authentication failed during authentication due to invalid credentials
 * with SASL mechanism X" (so that, say, whether a user exists is not leaked); a
 * SaslAuthenticationException's text is what the client is told.
 */

export class SaslException extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SaslException';
  }
}

export class SaslAuthenticationException extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SaslAuthenticationException';
  }
}
