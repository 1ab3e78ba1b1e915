/**
 * Kafka's OAuthBearerUnsecuredJws with OAuthBearerValidationUtils: an unsecured JSON Web Token
 * (RFC 7515 compact serialization `header.claims.` with `"alg":"none"` and no signature), as
 * Kafka's development-only OAUTHBEARER validator accepts it. A token that cannot be read throws
 * OAuthBearerIllegalTokenException with a validation result; the claim checks return one.
 */

export interface OAuthBearerValidationResult {
  readonly success: boolean;
  readonly failureDescription?: string;
  /** The scope that was required and missing (makes the error `insufficient_scope`). */
  readonly failureScope?: string;
  readonly failureOpenIdConfig?: string;
}

const SUCCESS: OAuthBearerValidationResult = { success: true };

function failure(failureDescription: string, failureScope?: string): OAuthBearerValidationResult {
  return { success: false, failureDescription, failureScope };
}

export class OAuthBearerIllegalTokenException extends Error {
  constructor(readonly reason: OAuthBearerValidationResult) {
    super(reason.failureDescription ?? 'illegal token');
    this.name = 'OAuthBearerIllegalTokenException';
  }
}

function throwIfFailed(r: OAuthBearerValidationResult): void {
  if (!r.success) throw new OAuthBearerIllegalTokenException(r);
}

/** A claim as Kafka keeps it: numbers stay numbers, arrays become lists of strings, everything else text. */
export type ClaimValue = number | string | string[];

function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  return ''; // Jackson's asText of an object node
}

function convert(v: unknown): ClaimValue {
  if (Array.isArray(v)) return v.map(asText);
  return typeof v === 'number' ? v : asText(v);
}

function typeName(v: ClaimValue): string {
  return Array.isArray(v) ? 'ArrayList' : typeof v === 'number' ? (Number.isInteger(v) ? 'Integer' : 'Double') : 'String';
}

/** Decodes one Base64URL (or Base64) split and parses it as a JSON object. */
export function toMap(split: string): Map<string, ClaimValue> {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(split) || split.replace(/=+$/, '').length % 4 === 1) {
    throw new OAuthBearerIllegalTokenException(failure('malformed Base64 URL encoded value'));
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(split, 'base64url').toString('utf8'));
  } catch {
    throw new OAuthBearerIllegalTokenException(failure('malformed JSON'));
  }
  const out = new Map<string, ClaimValue>();
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    for (const [k, v] of Object.entries(json as Record<string, unknown>)) out.set(k, convert(v));
  }
  return out;
}

const claimSeconds = (v: number): number => Math.round(v * 1000);
const isBlank = (s: string | undefined): boolean => s === undefined || s.trim().length === 0;

export class OAuthBearerUnsecuredJws {
  readonly header: ReadonlyMap<string, ClaimValue>;
  readonly claims: ReadonlyMap<string, ClaimValue>;
  readonly principalName: string;
  /** The `exp` claim in epoch ms. */
  readonly lifetimeMs: number;
  /** The `iat` claim in epoch ms, when present. */
  readonly startTimeMs: number | undefined;
  readonly scope: ReadonlySet<string>;

  constructor(readonly value: string, readonly principalClaimName = 'sub', readonly scopeClaimName = 'scope') {
    if (value.includes('..')) throw new OAuthBearerIllegalTokenException(failure("Malformed compact serialization contains '..'"));
    const splits = value.split('.');
    if (splits.length !== 3) {
      throw new OAuthBearerIllegalTokenException(failure('Unsecured JWS compact serializations must have 3 dot-separated Base64URL-encoded values'));
    }
    this.header = toMap(splits[0]!);
    this.claims = toMap(splits[1]!);
    const alg = this.header.get('alg');
    if (alg === undefined) throw new OAuthBearerIllegalTokenException(failure('JWS header must have an Algorithm value'));
    if (String(alg) !== 'none') throw new OAuthBearerIllegalTokenException(failure("Unsecured JWS must have 'none' for an algorithm"));
    if (splits[2] !== '') throw new OAuthBearerIllegalTokenException(failure('Unsecured JWS must not contain a digital signature'));
    this.principalClaimName = principalClaimName.trim();
    if (this.principalClaimName.length === 0) throw new Error('Must specify a non-blank principal claim name');
    this.scopeClaimName = scopeClaimName.trim();
    if (this.scopeClaimName.length === 0) throw new Error('Must specify a non-blank scope claim name');
    this.scope = this.calculateScope();
    const exp = this.numberClaim('exp');
    if (exp === undefined) throw new OAuthBearerIllegalTokenException(failure('No expiration time in JWT'));
    this.lifetimeMs = claimSeconds(exp);
    const principalName = this.stringClaim(this.principalClaimName);
    if (isBlank(principalName)) throw new OAuthBearerIllegalTokenException(failure(`No principal name in JWT claim: ${this.principalClaimName}`));
    this.principalName = principalName!;
    const iat = this.numberClaim('iat');
    this.startTimeMs = iat === undefined ? undefined : claimSeconds(iat);
  }

  private typed<T extends ClaimValue>(name: string, ok: (v: ClaimValue) => v is T, type: string): T | undefined {
    const v = this.claims.get(name);
    if (v === undefined) return undefined;
    if (!ok(v)) throw new OAuthBearerIllegalTokenException(failure(`The '${name}' claim was not of type ${type}: ${typeName(v)}`));
    return v;
  }

  numberClaim(name: string): number | undefined {
    return this.typed(name, (v): v is number => typeof v === 'number', 'Number');
  }

  stringClaim(name: string): string | undefined {
    return this.typed(name, (v): v is string => typeof v === 'string', 'String');
  }

  private calculateScope(): Set<string> {
    const v = this.claims.get(this.scopeClaimName);
    if (typeof v === 'string') return isBlank(v) ? new Set() : new Set([v.trim()]);
    const list = this.typed(this.scopeClaimName, (x): x is string[] => Array.isArray(x), 'List');
    return new Set((list ?? []).filter((s) => !isBlank(s)).map((s) => s.trim()));
  }
}

// ---- OAuthBearerValidationUtils ----

export function validateClaimForExistenceAndType(jwt: OAuthBearerUnsecuredJws, required: boolean, claimName: string,
  type: 'String' | 'Number' | 'List'): OAuthBearerValidationResult {
  const v = jwt.claims.get(claimName);
  if (v === undefined) return required ? failure(`Required claim missing: ${claimName}`) : SUCCESS;
  const actual = Array.isArray(v) ? 'List' : typeof v === 'number' ? 'Number' : 'String';
  return actual === type ? SUCCESS : failure(`The ${claimName} claim had the incorrect type: ${typeName(v)}`);
}

function readClaim(read: () => number | undefined): number | undefined | OAuthBearerValidationResult {
  try {
    return read();
  } catch (err) {
    if (err instanceof OAuthBearerIllegalTokenException) return err.reason;
    throw err;
  }
}

export function validateIssuedAt(jwt: OAuthBearerUnsecuredJws, required: boolean, whenCheckTimeMs: number, allowableClockSkewMs: number): OAuthBearerValidationResult {
  const v = readClaim(() => jwt.numberClaim('iat'));
  if (typeof v === 'object') return v;
  if (v === undefined) return required ? failure('Required claim missing: iat') : SUCCESS;
  return 1000 * v > whenCheckTimeMs + allowableClockSkewMs
    ? failure(`The Issued At value (${v} seconds) was after the indicated time (${whenCheckTimeMs} ms) plus allowable clock skew (${allowableClockSkewMs} ms)`)
    : SUCCESS;
}

export function validateExpirationTime(jwt: OAuthBearerUnsecuredJws, whenCheckTimeMs: number, allowableClockSkewMs: number): OAuthBearerValidationResult {
  const v = readClaim(() => jwt.numberClaim('exp'));
  if (typeof v === 'object') return v;
  if (v === undefined) return failure('Required claim missing: exp');
  return whenCheckTimeMs - allowableClockSkewMs >= 1000 * v
    ? failure(`The indicated time (${whenCheckTimeMs} ms) minus allowable clock skew (${allowableClockSkewMs} ms) was on or after the Expiration Time value (${v} seconds)`)
    : SUCCESS;
}

export function validateTimeConsistency(jwt: OAuthBearerUnsecuredJws): OAuthBearerValidationResult {
  const iat = readClaim(() => jwt.numberClaim('iat'));
  if (typeof iat === 'object') return iat;
  const exp = readClaim(() => jwt.numberClaim('exp'));
  if (typeof exp === 'object') return exp;
  if (exp !== undefined && iat !== undefined && exp <= iat) {
    return failure(`The Expiration Time time (${exp} seconds) was not after the Issued At time (${iat} seconds)`);
  }
  return SUCCESS;
}

export function validateScope(jwt: OAuthBearerUnsecuredJws, requiredScope: readonly string[]): OAuthBearerValidationResult {
  for (const s of requiredScope) {
    if (!jwt.scope.has(s)) {
      return failure(`The provided scope ([${[...jwt.scope].join(', ')}]) was missing a required scope (${s}).  All required scope elements: [${requiredScope.join(', ')}]`,
        `[${requiredScope.join(', ')}]`);
    }
  }
  return SUCCESS;
}

export { throwIfFailed };
