/**
 * Kafka's OAuthBearerSaslServer and OAuthBearerClientInitialResponse (RFC 7628): the client's
 * initial response `n,[a=<authzid>],^Aauth=Bearer <token>^A[key=value^A…]^A` is validated; a token
 * that fails validation gets the RFC 7628 JSON error as the challenge
 * (`{"status":"invalid_token"}`), and the client's `^A` reply to it fails the exchange with that
 * message (SaslAuthenticationException). The token's `exp` is the credential's lifetime, so
 * the session ends with the token (KIP-368). Extensions are accepted, as Kafka's unsecured
 * validator accepts every extension.
 */
import { SaslAuthenticationException, SaslException } from '../authenticator/sasl-exceptions.js';
import type { SaslClient, SaslServer } from '../authenticator/sasl-server.js';
import type { OAuthBearerValidation } from './oauth-bearer-unsecured-validator.js';
import type { OAuthBearerUnsecuredJws } from './oauth-bearer-unsecured-jws.js';

export const OAUTHBEARER_MECHANISM = 'OAUTHBEARER';
const SEPARATOR = '\u0001';
const SASLNAME = '(?:[\\x01-\\x2B\\x2D-\\x3C\\x3E-\\x7F]|=2C|=3D)+';
const KEY = '[A-Za-z]+';
const VALUE = '[\\x21-\\x7E \\t\\r\\n]+';
const CLIENT_INITIAL_RESPONSE = new RegExp(`^n,(?:a=(?<authzid>${SASLNAME}))?,${SEPARATOR}(?<kvpairs>(?:${KEY}=${VALUE}${SEPARATOR})*)${SEPARATOR}$`);
const AUTH = /^(?<scheme>\w+)[ ]+(?<token>[-_~+/.a-zA-Z0-9]+=*)$/;

export interface OAuthBearerClientInitialResponse {
  readonly tokenValue: string;
  readonly authorizationId: string;
  readonly extensions: ReadonlyMap<string, string>;
}

export function parseClientInitialResponse(response: Buffer): OAuthBearerClientInitialResponse {
  const m = CLIENT_INITIAL_RESPONSE.exec(response.toString('utf8'));
  if (!m?.groups) throw new SaslException('Invalid OAUTHBEARER client first message');
  const props = new Map<string, string>();
  for (const kv of m.groups.kvpairs!.split(SEPARATOR).filter((s) => s.length > 0)) {
    const i = kv.indexOf('=');
    props.set(kv.substring(0, i), kv.substring(i + 1));
  }
  const auth = props.get('auth');
  if (auth === undefined) throw new SaslException("Invalid OAUTHBEARER client first message: 'auth' not specified");
  props.delete('auth');
  const a = AUTH.exec(auth);
  if (!a?.groups) throw new SaslException("Invalid OAUTHBEARER client first message: invalid 'auth' format");
  if (a.groups.scheme!.toLowerCase() !== 'bearer') throw new SaslException(`Invalid scheme in OAUTHBEARER client first message: ${a.groups.scheme}`);
  return { tokenValue: a.groups.token!, authorizationId: m.groups.authzid ?? '', extensions: props };
}

export function clientInitialResponse(tokenValue: string, authorizationId = '', extensions: ReadonlyMap<string, string> = new Map()): Buffer {
  const ext = [...extensions].map(([k, v]) => `${k}=${v}${SEPARATOR}`).join('');
  const authz = authorizationId === '' ? '' : `a=${authorizationId}`;
  return Buffer.from(`n,${authz},${SEPARATOR}auth=Bearer ${tokenValue}${SEPARATOR}${ext}${SEPARATOR}`, 'utf8');
}

export class OAuthBearerSaslServer implements SaslServer {
  readonly mechanismName = OAUTHBEARER_MECHANISM;
  private complete = false;
  private token: OAuthBearerUnsecuredJws | null = null;
  private errorMessage: string | null = null;

  /** `validate` checks a token value (the listener's unsecured validator). */
  constructor(private readonly validate: (tokenValue: string) => OAuthBearerValidation) {}

  evaluateResponse(response: Buffer): Buffer {
    if (response.length === 1 && response[0] === 0x01 && this.errorMessage !== null) throw new SaslAuthenticationException(this.errorMessage);
    this.errorMessage = null;
    const r = parseClientInitialResponse(response);
    const result = this.validate(r.tokenValue);
    if (!result.token) {
      let json = `{"status":"${result.errorStatus ?? 'invalid_token'}"`;
      if (result.errorScope !== undefined) json += `, "scope":"${result.errorScope}"`;
      if (result.errorOpenIDConfiguration !== undefined) json += `, "openid-configuration":"${result.errorOpenIDConfiguration}"`;
      this.errorMessage = `${json}}`;
      return Buffer.from(this.errorMessage, 'utf8');
    }
    if (r.authorizationId !== '' && r.authorizationId !== result.token.principalName) {
      throw new SaslAuthenticationException(`Authentication failed: Client requested an authorization id (${r.authorizationId}) that is different from the token's principal name (${result.token.principalName})`);
    }
    this.token = result.token;
    this.complete = true;
    return Buffer.alloc(0);
  }

  isComplete(): boolean {
    return this.complete;
  }

  authorizationId(): string {
    if (!this.complete) throw new Error('Authentication exchange has not completed');
    return this.token!.principalName;
  }

  credentialExpirationMs(): number | undefined {
    return this.token?.lifetimeMs;
  }
}

/** The client side: the initial response with the token; after an error challenge, `^A` (Kafka's OAuthBearerSaslClient). */
export class OAuthBearerSaslClient implements SaslClient {
  readonly mechanismName = OAUTHBEARER_MECHANISM;
  private state: 'SEND' | 'RECEIVE' | 'COMPLETE' | 'FAILED' = 'SEND';

  constructor(private readonly tokenValue: string, private readonly extensions: ReadonlyMap<string, string> = new Map()) {}

  initialResponse(): Buffer {
    this.state = 'RECEIVE';
    return clientInitialResponse(this.tokenValue, '', this.extensions);
  }

  evaluateChallenge(challenge: Buffer): Buffer | null {
    if (challenge.length === 0) {
      this.state = 'COMPLETE';
      return null;
    }
    this.state = 'FAILED';
    return Buffer.from([0x01]);
  }

  isComplete(): boolean {
    return this.state === 'COMPLETE';
  }
}
