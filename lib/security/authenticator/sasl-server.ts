/**
 * What the broker's SASL authenticator needs from one mechanism's server side (javax.security.sasl
 * SaslServer as Kafka uses it): evaluate each client token into a challenge until complete, then
 * the authorization id the principal is built from. Mechanisms throw SaslException (the client gets
 * a generic message) or SaslAuthenticationException (the client gets the message).
 */

export interface SaslServer {
  readonly mechanismName: string;
  /** The challenge to send back (possibly empty); throws on failure. */
  evaluateResponse(response: Buffer): Buffer;
  isComplete(): boolean;
  /** The authenticated name (only once complete). */
  authorizationId(): string;
  /**
   * When the credential itself expires (OAUTHBEARER's token `exp`), in epoch ms: Kafka's
   * CREDENTIAL_LIFETIME_MS negotiated property, which bounds the session (KIP-368).
   */
  credentialExpirationMs?(): number | undefined;
}

/** The client side of one mechanism (javax.security.sasl.SaslClient): tokens to send, in turn. */
export interface SaslClient {
  readonly mechanismName: string;
  /** The first token (every mechanism kafkats speaks sends one). */
  initialResponse(): Buffer;
  /** The next token for a server challenge, or null when there is nothing more to send. */
  evaluateChallenge(challenge: Buffer): Buffer | null;
  isComplete(): boolean;
}
