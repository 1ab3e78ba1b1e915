/**
 * Kafka's OAuthBearerUnsecuredValidatorCallbackHandler — for development only, as in Kafka: the
 * default OAUTHBEARER server validator when no `sasl.server.callback.handler.class` is configured.
 * A token must be an unsecured JWS with a String principal claim (`sub`, or
 * `unsecuredValidatorPrincipalClaimName`), a Number `exp` in the future, an optional `iat` not in
 * the future (both within `unsecuredValidatorAllowableClockSkewMs`), `exp` after `iat`, and every
 * scope of `unsecuredValidatorRequiredScope` (space-delimited) in its `scope` claim
 * (`unsecuredValidatorScopeClaimName`). A failure is an error status (`invalid_token`, or
 * `insufficient_scope` with the required scope), not an exception.
 */
import {
  OAuthBearerIllegalTokenException, OAuthBearerUnsecuredJws, throwIfFailed, validateClaimForExistenceAndType,
  validateExpirationTime, validateIssuedAt, validateScope, validateTimeConsistency,
} from './oauth-bearer-unsecured-jws.js';

export interface OAuthBearerValidation {
  readonly token?: OAuthBearerUnsecuredJws;
  readonly errorStatus?: string;
  readonly errorScope?: string;
  readonly errorOpenIDConfiguration?: string;
  /** Why, for the broker's log. */
  readonly failureDescription?: string;
}

export class OAuthBearerConfigException extends Error {}

export class OAuthBearerUnsecuredValidator {
  private readonly principalClaimName: string;
  private readonly scopeClaimName: string;
  private readonly requiredScope: string[];
  private readonly allowableClockSkewMs: number;

  /** `options`: the OAuthBearerLoginModule JAAS options of the listener. */
  constructor(options: ReadonlyMap<string, string>, private readonly nowMs: () => number = Date.now) {
    const opt = (k: string): string | undefined => {
      const v = options.get(k);
      return v === undefined || v.trim() === '' ? undefined : v.trim();
    };
    this.principalClaimName = opt('unsecuredValidatorPrincipalClaimName') ?? 'sub';
    this.scopeClaimName = opt('unsecuredValidatorScopeClaimName') ?? 'scope';
    this.requiredScope = opt('unsecuredValidatorRequiredScope')?.split(' ').filter((s) => s.length > 0) ?? [];
    const skew = opt('unsecuredValidatorAllowableClockSkewMs');
    this.allowableClockSkewMs = skew === undefined ? 0 : Number(skew);
    if (skew !== undefined && !/^[+-]?\d+$/.test(skew)) throw new OAuthBearerConfigException(`For input string: "${skew}"`);
    if (this.allowableClockSkewMs < 0) throw new OAuthBearerConfigException(`Allowable clock skew millis must not be negative: ${skew}`);
  }

  validate(tokenValue: string): OAuthBearerValidation {
    try {
      const jwt = new OAuthBearerUnsecuredJws(tokenValue, this.principalClaimName, this.scopeClaimName);
      const now = this.nowMs();
      throwIfFailed(validateClaimForExistenceAndType(jwt, true, this.principalClaimName, 'String'));
      throwIfFailed(validateIssuedAt(jwt, false, now, this.allowableClockSkewMs));
      throwIfFailed(validateExpirationTime(jwt, now, this.allowableClockSkewMs));
      throwIfFailed(validateTimeConsistency(jwt));
      throwIfFailed(validateScope(jwt, this.requiredScope));
      return { token: jwt };
    } catch (err) {
      if (!(err instanceof OAuthBearerIllegalTokenException)) throw err;
      const scope = err.reason.failureScope;
      return {
        errorStatus: scope !== undefined ? 'insufficient_scope' : 'invalid_token',
        errorScope: scope,
        errorOpenIDConfiguration: err.reason.failureOpenIdConfig,
        failureDescription: err.reason.failureDescription,
      };
    }
  }
}
