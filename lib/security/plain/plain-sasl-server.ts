/**
 * Kafka's PlainSaslServer with its PlainServerCallbackHandler (RFC 4616): one message
 * `[authzid] NUL authcid NUL passwd`, checked in constant time against the `user_<name>` options of
 * the listener's PlainLoginModule JAAS entry. Any failure is a SaslAuthenticationException whose
 * message the client sees ("Authentication failed: Invalid username or password").
 */
import { timingSafeEqual } from 'node:crypto';
import { SaslAuthenticationException } from '../authenticator/sasl-exceptions.js';
import type { SaslClient, SaslServer } from '../authenticator/sasl-server.js';
import { PLAIN_LOGIN_MODULE, configEntryOption, type AppConfigurationEntry } from '../jaas-config.js';

export const PLAIN_MECHANISM = 'PLAIN';
const JAAS_USER_PREFIX = 'user_';

/** PlainServerCallbackHandler.authenticate: does `password` match the JAAS `user_<username>`? */
export function plainAuthenticate(jaasEntries: readonly AppConfigurationEntry[], username: string, password: string): boolean {
  const expected = configEntryOption(jaasEntries, JAAS_USER_PREFIX + username, PLAIN_LOGIN_MODULE);
  if (expected === undefined) return false;
  const a = Buffer.from(password, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  // Constant time in the password's length as well: compare against itself when the lengths differ.
  return a.length === b.length ? timingSafeEqual(a, b) : (timingSafeEqual(a, a), false);
}

export class PlainSaslServer implements SaslServer {
  readonly mechanismName = PLAIN_MECHANISM;
  private complete = false;
  private authzId = '';

  constructor(private readonly authenticate: (username: string, password: string) => boolean) {}

  evaluateResponse(response: Buffer): Buffer {
    const tokens = extractTokens(response.toString('utf8'));
    const [authorizationIdFromClient, username, password] = tokens as [string, string, string];
    if (username.length === 0) throw new SaslAuthenticationException('Authentication failed: username not specified');
    if (password.length === 0) throw new SaslAuthenticationException('Authentication failed: password not specified');
    let ok: boolean;
    try {
      ok = this.authenticate(username, password);
    } catch (err) {
      throw new SaslAuthenticationException('Authentication failed: credentials for user could not be verified', { cause: err });
    }
    if (!ok) throw new SaslAuthenticationException('Authentication failed: Invalid username or password');
    if (authorizationIdFromClient.length > 0 && authorizationIdFromClient !== username) {
      throw new SaslAuthenticationException('Authentication failed: Client requested an authorization id that is different from username');
    }
    this.authzId = username;
    this.complete = true;
    return Buffer.alloc(0);
  }

  isComplete(): boolean {
    return this.complete;
  }

  authorizationId(): string {
    if (!this.complete) throw new Error('Authentication exchange has not completed');
    return this.authzId;
  }
}

function extractTokens(s: string): string[] {
  const tokens: string[] = [];
  let start = 0;
  for (let i = 0; i < 4; i++) {
    const end = s.indexOf('\u0000', start);
    if (end === -1) {
      tokens.push(s.substring(start));
      break;
    }
    tokens.push(s.substring(start, end));
    start = end + 1;
  }
  if (tokens.length !== 3) throw new SaslAuthenticationException(`Invalid SASL/PLAIN response: expected 3 tokens, got ${tokens.length}`);
  return tokens;
}

/** The client side: one `NUL username NUL password` message. */
export class PlainSaslClient implements SaslClient {
  readonly mechanismName = PLAIN_MECHANISM;
  private sent = false;

  constructor(private readonly username: string, private readonly password: string) {}

  initialResponse(): Buffer {
    this.sent = true;
    return Buffer.from(`\u0000${this.username}\u0000${this.password}`, 'utf8');
  }

  evaluateChallenge(): Buffer | null {
    return null;
  }

  isComplete(): boolean {
    return this.sent;
  }
}
