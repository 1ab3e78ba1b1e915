/**
 * Kafka's OAuthBearerUnsecuredLoginCallbackHandler — development only: the unsecured JWS a client
 * (a broker talking to another over OAUTHBEARER, a kafkats tool) presents, built from its
 * OAuthBearerLoginModule JAAS options: `unsecuredLoginStringClaim_<name>`,
 * `unsecuredLoginNumberClaim_<name>`, `unsecuredLoginListClaim_<name>` (the first character is the
 * list's delimiter), `unsecuredLoginPrincipalClaimName` (default `sub`),
 * `unsecuredLoginLifetimeSeconds` (default 3600) and `unsecuredLoginExtension_<name>`.
 */

export interface UnsecuredLoginToken {
  readonly value: string;
  readonly extensions: ReadonlyMap<string, string>;
}

const PREFIX = 'unsecuredLogin';

export function unsecuredLoginToken(options: ReadonlyMap<string, string>, nowMs: number = Date.now()): UnsecuredLoginToken {
  const claims: Record<string, unknown> = {};
  const extensions = new Map<string, string>();
  for (const [k, v] of options) {
    if (!k.startsWith(PREFIX)) continue;
    const put = (name: string, value: unknown): void => {
      if (name === 'iat' || name === 'exp') throw new Error(`Cannot explicitly set the '${name}' claim`);
      claims[name] = value;
    };
    if (k.startsWith(`${PREFIX}StringClaim_`)) put(k.substring(`${PREFIX}StringClaim_`.length), v);
    else if (k.startsWith(`${PREFIX}NumberClaim_`)) put(k.substring(`${PREFIX}NumberClaim_`.length), Number(v));
    else if (k.startsWith(`${PREFIX}ListClaim_`)) put(k.substring(`${PREFIX}ListClaim_`.length), v.length === 0 ? [] : v.substring(1).split(v[0]!).filter((s) => s.length > 0));
    else if (k.startsWith(`${PREFIX}Extension_`)) extensions.set(k.substring(`${PREFIX}Extension_`.length), v);
  }
  const principalClaimName = options.get(`${PREFIX}PrincipalClaimName`)?.trim() || 'sub';
  if (typeof claims[principalClaimName] !== 'string') throw new Error(`Required principal claim missing: ${principalClaimName}`);
  const lifetimeSeconds = Number(options.get(`${PREFIX}LifetimeSeconds`) ?? 3600);
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o), 'utf8').toString('base64url');
  const value = `${b64({ alg: 'none' })}.${b64({ exp: nowMs / 1000 + lifetimeSeconds, iat: nowMs / 1000, ...claims })}.`;
  return { value, extensions };
}
