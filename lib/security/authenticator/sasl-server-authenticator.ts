/**
 * Kafka's SaslServerAuthenticator: what a SASL_PLAINTEXT or SASL_SSL connection goes through
 * before any request is served, frame by frame.
 *
 *   INITIAL_REQUEST → (ApiVersions → HANDSHAKE_REQUEST) → SaslHandshake → AUTHENTICATE → COMPLETE
 *
 * Only ApiVersions and SaslHandshake are taken before the handshake; any other request fails the
 * connection (IllegalSaslStateException, closed without an answer, as Kafka); a first frame that
 * is not a Kafka request would be a GSSAPI token of a 0.9 client and fails, GSSAPI not being
 * served. SaslHandshake v0 means the tokens that follow are raw (size-prefixed bytes, no request
 * header: old clients); v1 means each is a SaslAuthenticate request, answered with
 * SaslAuthenticate (a request of another type there gets ILLEGAL_SASL_STATE). A mechanism not
 * enabled gets UNSUPPORTED_SASL_MECHANISM with the enabled list. A failure the client may be told
 * about (SASL_AUTHENTICATION_FAILED with the message, or the generic "invalid credentials" text
 * for a SaslException) is answered only after connection.failed.authentication.delay.ms, then the
 * connection closes.
 *
 * Re-authentication (KIP-368): the session lifetime sent in SaslAuthenticate v1+ is the smaller of
 * connections.max.reauth.ms (per mechanism) and the credential's own expiry (OAUTHBEARER's exp);
 * a client that supports it re-authenticates by sending SaslHandshake again on the open
 * connection, with the same mechanism and ending as the same principal. `sessionExpired()` tells
 * the connection when a request after expiry must close it instead.
 */
import { ApiKeys, decodeRequestBody, decodeRequestHeader, encodeResponse, type Input, type RequestApiKey } from '../../protocol/index.js';
import type { RequestHeader } from '../../protocol/request-header.js';
import type { ResponseBodies } from '../../protocol/generated/types.js';
import { Errors, IllegalSaslStateError, UnsupportedVersionError, type ErrorInfo } from '../../protocol/errors.js';
import { KafkaPrincipal } from '../../common/kafka-principal.js';
import type { Time } from '../../common/time.js';
import { SaslAuthenticationException, SaslException } from './sasl-exceptions.js';
import type { SaslServer } from './sasl-server.js';

type SaslState = 'INITIAL_REQUEST' | 'HANDSHAKE_OR_VERSIONS_REQUEST' | 'HANDSHAKE_REQUEST' | 'AUTHENTICATE' | 'COMPLETE' | 'FAILED'
  | 'REAUTH_PROCESS_HANDSHAKE' | 'REAUTH_BAD_MECHANISM';

/** An authentication failure; `response` (if any) is sent after the failed-authentication delay, then the connection closes. */
export class AuthenticationFailure extends Error {
  constructor(message: string, readonly response: Buffer[] | null, readonly delayed: boolean) {
    super(message);
    this.name = 'AuthenticationFailure';
  }
}

export interface SaslServerAuthenticatorOptions {
  readonly enabledMechanisms: readonly string[];
  /** The SaslServer of an enabled mechanism. */
  createSaslServer(mechanism: string): SaslServer;
  /** connections.max.reauth.ms of a mechanism (0: no limit). */
  connectionsMaxReauthMs(mechanism: string): number;
  /** The broker's answer to an ApiVersions request (the same as after authentication). */
  apiVersions(frame: Buffer): Promise<Buffer[] | null>;
  readonly time: Time;
  /** sasl.server.max.receive.size. */
  readonly maxReceiveSize: number;
}

/** What the connection does with a frame's outcome. */
export interface AuthenticationStep {
  /** The answer to write (size-prefixed chunks), if any. */
  readonly response: Buffer[] | null;
  /** Set once the exchange completed: the authenticated principal. */
  readonly principal?: KafkaPrincipal;
}

/** KafkaChannel.MIN_REAUTH_INTERVAL_ONE_SECOND_NANOS. */
const MIN_REAUTH_INTERVAL_MS = 1000;

function sizePrefixed(bytes: Buffer): Buffer[] {
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(bytes.length, 0);
  return [size, bytes];
}

export class SaslServerAuthenticator {
  private state: SaslState = 'INITIAL_REQUEST';
  private saslServer: SaslServer | null = null;
  private mechanism: string | null = null;
  private kafkaHeaders = false;
  private principalValue: KafkaPrincipal | null = null;
  private previousPrincipal: KafkaPrincipal | null = null;
  private reauthenticating = false;
  /** Monotonic ms at which the session expires, or null (KIP-368). */
  private sessionExpirationMs: number | null = null;
  private clientSupportsReauthentication = false;
  /** Monotonic ms at which the last re-authentication began (0: none yet). */
  private lastReauthenticationStartMs = 0;

  constructor(private readonly options: SaslServerAuthenticatorOptions) {
    if (options.enabledMechanisms.length === 0) throw new Error('No SASL mechanisms are enabled');
  }

  get complete(): boolean {
    return this.state === 'COMPLETE';
  }

  get principal(): KafkaPrincipal {
    if (!this.principalValue) throw new Error('not authenticated');
    return this.principalValue;
  }

  get saslMechanism(): string | null {
    return this.mechanism;
  }

  /** True when the session's lifetime has passed (a request now closes the connection, as Kafka's Processor does). */
  sessionExpired(): boolean {
    return this.sessionExpirationMs !== null && this.options.time.hiResClockMs() >= this.sessionExpirationMs;
  }

  /**
   * KafkaChannel.maybeBeginServerReauthentication: a SaslHandshake on an authenticated connection
   * starts re-authentication when the client announced it supports it (SaslAuthenticate v1+) and
   * the session has a lifetime, at most once a second (a SaslHandshake sooner is served as a
   * request, which answers ILLEGAL_SASL_STATE). Returns false when the frame is to be served as a request.
   */
  maybeBeginReauthentication(frame: Buffer): boolean {
    if (this.state !== 'COMPLETE' || !this.clientSupportsReauthentication || this.sessionExpirationMs === null) return false;
    if (frame.length < 2 || frame.readInt16BE(0) !== ApiKeys.SASL_HANDSHAKE) return false;
    const now = this.options.time.hiResClockMs();
    if (this.lastReauthenticationStartMs !== 0 && now - this.lastReauthenticationStartMs < MIN_REAUTH_INTERVAL_MS) return false;
    this.lastReauthenticationStartMs = now;
    this.previousPrincipal = this.principalValue;
    this.reauthenticating = true;
    this.state = 'REAUTH_PROCESS_HANDSHAKE';
    this.saslServer = null;
    return true;
  }

  private text(): string {
    return this.reauthenticating ? 're-authentication' : 'authentication';
  }

  /** Handles one frame received before authentication completed; throws AuthenticationFailure or closes (any other error). */
  async onFrame(frame: Buffer): Promise<AuthenticationStep> {
    if (frame.length > this.options.maxReceiveSize) {
      this.state = 'FAILED';
      throw new AuthenticationFailure('Failing SASL authentication due to invalid receive size', null, true);
    }
    try {
      switch (this.state) {
        case 'INITIAL_REQUEST':
        case 'HANDSHAKE_OR_VERSIONS_REQUEST':
        case 'HANDSHAKE_REQUEST':
        case 'REAUTH_PROCESS_HANDSHAKE':
          return await this.handleKafkaRequest(frame);
        case 'REAUTH_BAD_MECHANISM':
          throw new AuthenticationFailure(`SASL mechanism requested by client is not supported for re-authentication of mechanism '${this.mechanism}'`, null, true);
        case 'AUTHENTICATE':
          return this.handleSaslToken(frame);
        default:
          throw new IllegalSaslStateError(`Unexpected frame in SASL state ${this.state}`);
      }
    } catch (err) {
      this.state = 'FAILED';
      if (err instanceof AuthenticationFailure) throw err;
      if (err instanceof IllegalSaslStateError || err instanceof SaslAuthenticationException || err instanceof SaslException) throw new AuthenticationFailure(err.message, null, true);
      throw err;
    }
  }

  private parseHeader(frame: Buffer): { header: RequestHeader; bodyOffset: number } | null {
    try {
      return decodeRequestHeader(frame);
    } catch {
      return null;
    }
  }

  private async handleKafkaRequest(frame: Buffer): Promise<AuthenticationStep> {
    const parsed = this.parseHeader(frame);
    if (!parsed) {
      if (this.state === 'INITIAL_REQUEST') {
        // A 0.9 client's first GSSAPI token.
        throw new AuthenticationFailure('Exception handling first SASL packet from client, GSSAPI is not supported by server', null, true);
      }
      throw new IllegalSaslStateError('Invalid request header during SASL handshake');
    }
    const { header, bodyOffset } = parsed;
    if (this.state === 'INITIAL_REQUEST') this.state = 'HANDSHAKE_OR_VERSIONS_REQUEST';
    const apiKey = header.requestApiKey;
    if (apiKey !== ApiKeys.API_VERSIONS && apiKey !== ApiKeys.SASL_HANDSHAKE) {
      throw new IllegalSaslStateError(`Unexpected Kafka request of type ${apiKey} during SASL handshake.`);
    }
    if (apiKey === ApiKeys.API_VERSIONS) {
      if (this.state !== 'HANDSHAKE_OR_VERSIONS_REQUEST') throw new Error(`Unexpected ApiVersions request received during SASL authentication state ${this.state}`);
      const response = await this.options.apiVersions(frame);
      // A valid ApiVersions moves on; an unsupported or invalid one may be retried.
      const errorCode = response && response[0] && response[0].length >= 10 ? response[0].readInt16BE(8) : -1;
      if (errorCode === Errors.NONE.code) this.state = 'HANDSHAKE_REQUEST';
      return { response };
    }
    if (header.requestApiVersion > 1) throw new UnsupportedVersionError(`SaslHandshake version ${header.requestApiVersion} is not supported`);
    const body = decodeRequestBody(header, frame, bodyOffset) as { mechanism: string };
    if (header.requestApiVersion >= 1) this.kafkaHeaders = true;
    const mechanisms = [...this.options.enabledMechanisms];
    const respond = (error: ErrorInfo): Buffer[] => encodeResponse(ApiKeys.SASL_HANDSHAKE, header.requestApiVersion, header.correlationId, { errorCode: error.code, mechanisms });
    if (!mechanisms.includes(body.mechanism)) {
      throw new AuthenticationFailure(`Unsupported SASL mechanism ${body.mechanism}`, respond(Errors.UNSUPPORTED_SASL_MECHANISM), true);
    }
    if (this.reauthenticating && body.mechanism !== this.mechanism) {
      this.state = 'REAUTH_BAD_MECHANISM';
      return { response: respond(Errors.NONE) };
    }
    this.mechanism = body.mechanism;
    this.saslServer = this.options.createSaslServer(body.mechanism);
    this.state = 'AUTHENTICATE';
    return { response: respond(Errors.NONE) };
  }

  private completeIfDone(): KafkaPrincipal | undefined {
    const server = this.saslServer!;
    if (!server.isComplete()) return undefined;
    const principal = new KafkaPrincipal(KafkaPrincipal.USER_TYPE, server.authorizationId());
    if (this.reauthenticating && this.previousPrincipal && !this.previousPrincipal.equals(principal)) {
      const p = this.previousPrincipal;
      throw new SaslAuthenticationException(`Cannot change principals during re-authentication from ${p.principalType}.${p.name}: ${principal.principalType}.${principal.name}`);
    }
    return principal;
  }

  /** ReauthInfo.calcCompletionTimesAndReturnSessionLifetimeMs. */
  private sessionLifetimeMs(): number {
    const time = this.options.time;
    const credentialExpirationMs = this.saslServer!.credentialExpirationMs?.();
    const maxReauth = this.options.connectionsMaxReauthMs(this.mechanism!);
    const maxReauthSet = maxReauth > 0;
    let lifetime = 0;
    if (credentialExpirationMs !== undefined || maxReauthSet) {
      const untilExpiry = credentialExpirationMs !== undefined ? credentialExpirationMs - time.milliseconds() : Infinity;
      lifetime = Math.max(0, Math.min(untilExpiry, maxReauthSet ? maxReauth : Infinity));
      this.sessionExpirationMs = time.hiResClockMs() + lifetime;
    } else {
      this.sessionExpirationMs = null;
    }
    return lifetime;
  }

  private finish(principal: KafkaPrincipal): void {
    this.principalValue = principal;
    this.state = 'COMPLETE';
    this.reauthenticating = false;
    this.previousPrincipal = null;
  }

  private handleSaslToken(frame: Buffer): AuthenticationStep {
    const server = this.saslServer!;
    if (!this.kafkaHeaders) {
      // SaslHandshake v0: raw tokens, raw answers.
      const token = server.evaluateResponse(Buffer.from(frame));
      const principal = this.completeIfDone();
      if (principal) {
        this.sessionLifetimeMs();
        this.finish(principal);
      }
      return { response: sizePrefixed(token), principal };
    }
    const parsed = this.parseHeader(frame);
    if (!parsed) throw new IllegalSaslStateError('Invalid request header during SASL authentication');
    const { header, bodyOffset } = parsed;
    const apiKey = header.requestApiKey as RequestApiKey;
    if (apiKey !== ApiKeys.SASL_AUTHENTICATE) {
      const message = `Unexpected Kafka request of type ${apiKey} during SASL authentication.`;
      throw new AuthenticationFailure(message, illegalSaslStateResponse(header), true);
    }
    if (header.requestApiVersion > 2) throw new UnsupportedVersionError(`Version ${header.requestApiVersion} is not supported for apiKey SASL_AUTHENTICATE`);
    if (!this.clientSupportsReauthentication) this.clientSupportsReauthentication = header.requestApiVersion > 0;
    const body = decodeRequestBody(header, frame, bodyOffset) as { authBytes: Buffer };
    const respond = (value: Input<ResponseBodies[typeof ApiKeys.SASL_AUTHENTICATE]>): Buffer[] =>
      encodeResponse(ApiKeys.SASL_AUTHENTICATE, header.requestApiVersion, header.correlationId, value);
    try {
      const token = server.evaluateResponse(Buffer.from(body.authBytes));
      const principal = this.completeIfDone();
      const sessionLifetimeMs = principal ? this.sessionLifetimeMs() : 0;
      if (principal) this.finish(principal);
      return { response: respond({ errorCode: Errors.NONE.code, errorMessage: null, authBytes: token, sessionLifetimeMs: BigInt(sessionLifetimeMs) }), principal };
    } catch (err) {
      if (err instanceof SaslAuthenticationException) {
        throw new AuthenticationFailure(err.message, respond({ errorCode: Errors.SASL_AUTHENTICATION_FAILED.code, errorMessage: err.message }), true);
      }
      if (err instanceof SaslException) {
        // The exception's text may say whether the user exists: the client gets the generic one.
        const message = `Authentication failed during ${this.text()} due to invalid credentials with SASL mechanism ${this.mechanism}`;
        const failure = new AuthenticationFailure(message, respond({ errorCode: Errors.SASL_AUTHENTICATION_FAILED.code, errorMessage: message }), true);
        failure.cause = err;
        throw failure;
      }
      throw err;
    }
  }
}

/**
 * The ILLEGAL_SASL_STATE response of a request type with a top-level error code (Kafka's
 * getErrorResponse); a type without one gets no answer (the connection just closes).
 */
function illegalSaslStateResponse(header: RequestHeader): Buffer[] | null {
  try {
    return encodeResponse(header.requestApiKey as RequestApiKey, header.requestApiVersion, header.correlationId,
      { errorCode: Errors.ILLEGAL_SASL_STATE.code } as never);
  } catch {
    return null;
  }
}
