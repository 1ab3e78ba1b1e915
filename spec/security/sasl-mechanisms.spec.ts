import { expect } from 'chai';
import { PlainSaslClient, PlainSaslServer, plainAuthenticate } from '../../lib/security/plain/plain-sasl-server.js';
import { JaasConfigError, loadJaasContext, parseJaasConfig } from '../../lib/security/jaas-config.js';
import { OAuthBearerSaslClient, OAuthBearerSaslServer, clientInitialResponse, parseClientInitialResponse } from '../../lib/security/oauthbearer/oauth-bearer-sasl-server.js';
import { OAuthBearerUnsecuredValidator } from '../../lib/security/oauthbearer/oauth-bearer-unsecured-validator.js';
import { unsecuredLoginToken } from '../../lib/security/oauthbearer/oauth-bearer-unsecured-login.js';
import { SaslAuthenticationException, SaslException } from '../../lib/security/authenticator/sasl-exceptions.js';
import { CredentialCache } from '../../lib/security/credential-cache.js';
import { desanitize, sanitize } from '../../lib/common/sanitizer.js';

const PLAIN_JAAS = `org.apache.kafka.common.security.plain.PlainLoginModule required
  username="admin" password="admin-secret"
  user_admin="admin-secret" // the broker itself
  user_alice='alice\\'s "pw"' /* quoted with an escape */
  user_bob=bobword;`;

describe('JAAS config (Kafka\'s JaasConfig syntax)', () => {
  it('parses PlainLoginModule options: quoted, unquoted, escapes and comments', () => {
    const e = loadJaasContext(PLAIN_JAAS);
    expect(e.loginModuleName).to.equal('org.apache.kafka.common.security.plain.PlainLoginModule');
    expect(e.controlFlag).to.equal('REQUIRED');
    expect(Object.fromEntries(e.options)).to.deep.equal({
      username: 'admin', password: 'admin-secret', user_admin: 'admin-secret', user_alice: 'alice\'s "pw"', user_bob: 'bobword',
    });
  });

  it('refuses what Kafka refuses, with its messages', () => {
    expect(() => parseJaasConfig('')).to.throw(JaasConfigError, 'Login module not specified');
    expect(() => parseJaasConfig('a.B')).to.throw(JaasConfigError, 'control flag not specified');
    expect(() => parseJaasConfig('a.B mandatory;')).to.throw(JaasConfigError, "Invalid login module control flag 'mandatory'");
    expect(() => parseJaasConfig('a.B required x=1;')).to.throw(JaasConfigError, "Value not specified for key 'x'");
    expect(() => parseJaasConfig('a.B required x="1"')).to.throw(JaasConfigError, 'not terminated by semi-colon');
    expect(() => loadJaasContext('a.B required; c.D optional;')).to.throw(JaasConfigError, 'contains 2 login modules');
  });
});

describe('SASL/PLAIN', () => {
  const entries = [loadJaasContext(PLAIN_JAAS)];
  const server = (): PlainSaslServer => new PlainSaslServer((u, p) => plainAuthenticate(entries, u, p));

  it('accepts a user_<name> password and names the user', () => {
    const s = server();
    expect(s.evaluateResponse(new PlainSaslClient('alice', 'alice\'s "pw"').initialResponse())).to.have.length(0);
    expect(s.isComplete()).to.equal(true);
    expect(s.authorizationId()).to.equal('alice');
  });

  it('refuses a wrong password, an unknown user, a foreign authzid and a malformed message with Kafka\'s messages', () => {
    const cases: Array<[string, string]> = [
      ['\u0000alice\u0000wrong', 'Invalid username or password'],
      ['\u0000mallory\u0000x', 'Invalid username or password'],
      ['admin\u0000alice\u0000alice\'s "pw"', 'authorization id that is different'],
      ['garbage', 'expected 3 tokens, got 1'],
      ['\u0000\u0000pw', 'username not specified'],
      ['\u0000alice\u0000', 'password not specified'],
    ];
    for (const [msg, err] of cases) expect(() => server().evaluateResponse(Buffer.from(msg)), msg).to.throw(SaslAuthenticationException, err);
  });
});

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const jws = (claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'none' }): string => `${b64(header)}.${b64(claims)}.`;

describe('SASL/OAUTHBEARER with Kafka\'s unsecured JWS validator', () => {
  const now = 1_700_000_000_000;
  const validator = (opts: Record<string, string> = {}): OAuthBearerUnsecuredValidator => new OAuthBearerUnsecuredValidator(new Map(Object.entries(opts)), () => now);
  const server = (opts: Record<string, string> = {}): OAuthBearerSaslServer => {
    const v = validator(opts);
    return new OAuthBearerSaslServer((t) => v.validate(t));
  };

  it('accepts an unexpired token, names its sub and bounds the session by its exp', () => {
    const s = server();
    const token = jws({ sub: 'alice', exp: now / 1000 + 60, iat: now / 1000 });
    expect(s.evaluateResponse(clientInitialResponse(token))).to.have.length(0);
    expect(s.authorizationId()).to.equal('alice');
    expect(s.credentialExpirationMs!()).to.equal(now + 60_000);
  });

  it('answers an expired, signed or scope-less token with the RFC 7628 error, then fails on the client\'s ^A', () => {
    const cases: Array<[string, Record<string, string>, string]> = [
      [jws({ sub: 'a', exp: now / 1000 - 1 }), {}, '{"status":"invalid_token"}'],
      [jws({ sub: 'a', exp: now / 1000 + 60 }, { alg: 'HS256' }), {}, '{"status":"invalid_token"}'],
      [jws({ exp: now / 1000 + 60 }), {}, '{"status":"invalid_token"}'],
      [jws({ sub: 'a', exp: 'soon' }), {}, '{"status":"invalid_token"}'],
      [jws({ sub: 'a', exp: now / 1000 + 60, scope: ['x'] }), { unsecuredValidatorRequiredScope: 'LOGIN y' }, '{"status":"insufficient_scope", "scope":"[LOGIN, y]"}'],
      ['not-a-jws', {}, '{"status":"invalid_token"}'],
    ];
    for (const [token, opts, json] of cases) {
      const s = server(opts);
      expect(s.evaluateResponse(clientInitialResponse(token)).toString(), token).to.equal(json);
      expect(() => s.evaluateResponse(Buffer.from([1]))).to.throw(SaslAuthenticationException, json);
    }
  });

  it('honours the principal claim name, the clock skew and a required scope that is present', () => {
    const s = server({ unsecuredValidatorPrincipalClaimName: 'uid', unsecuredValidatorAllowableClockSkewMs: '5000', unsecuredValidatorRequiredScope: 'KAFKA' });
    s.evaluateResponse(clientInitialResponse(jws({ uid: 'bob', exp: now / 1000 - 2, scope: 'KAFKA' })));
    expect(s.authorizationId()).to.equal('bob');
  });

  it('refuses a malformed initial response and a bearer scheme other than Bearer', () => {
    expect(() => server().evaluateResponse(Buffer.from('n,,garbage'))).to.throw(SaslException, 'Invalid OAUTHBEARER client first message');
    expect(() => parseClientInitialResponse(Buffer.from('n,,\u0001auth=Basic abc\u0001\u0001'))).to.throw(SaslException, 'Invalid scheme');
    expect(parseClientInitialResponse(Buffer.from('n,a=u,\u0001auth=Bearer t.k.\u0001x=1\u0001\u0001'))).to.deep.include({ tokenValue: 't.k.', authorizationId: 'u' });
  });

  it('the unsecured login token of JAAS options passes the validator end to end', () => {
    const login = unsecuredLoginToken(new Map([['unsecuredLoginStringClaim_sub', 'broker'], ['unsecuredLoginListClaim_scope', ',A,B']]), now);
    const s = server({ unsecuredValidatorRequiredScope: 'B' });
    const client = new OAuthBearerSaslClient(login.value);
    expect(client.evaluateChallenge(s.evaluateResponse(client.initialResponse()))).to.equal(null);
    expect(s.authorizationId()).to.equal('broker');
  });
});

describe('Sanitizer and CredentialCache', () => {
  it('sanitizes user names as Kafka\'s Sanitizer (URL encoding, %2A, %20)', () => {
    expect(sanitize('alice')).to.equal('alice');
    expect(sanitize('CN=a b,O=*')).to.equal('CN%3Da%20b%2CO%3D%2A');
    expect(sanitize('ü')).to.equal('%C3%BC');
    for (const n of ['CN=a b,O=*', 'ü@x', 'a+b']) expect(desanitize(sanitize(n))).to.equal(n);
    expect(desanitize('a+b')).to.equal('a b');
  });

  it('keeps the enabled SCRAM mechanisms\' credentials of a user entry, dropping what the entry no longer has', () => {
    const cache = new CredentialCache(['SCRAM-SHA-256', 'PLAIN']);
    expect(cache.mechanisms).to.deep.equal(['SCRAM-SHA-256']);
    const cred = 'salt=YWJj,stored_key=AA==,server_key=AA==,iterations=4096';
    expect(cache.updateFromUserEntity('al%40ice', { 'SCRAM-SHA-256': cred, 'SCRAM-SHA-512': cred })).to.deep.equal([]);
    expect(cache.credential('SCRAM-SHA-256', 'al@ice')?.iterations).to.equal(4096);
    expect(cache.credential('SCRAM-SHA-512', 'al@ice')).to.equal(undefined);
    expect(cache.updateFromUserEntity('al%40ice', { 'SCRAM-SHA-256': 'garbage' })).to.deep.equal(['SCRAM-SHA-256']);
    expect(cache.credential('SCRAM-SHA-256', 'al@ice')).to.equal(undefined);
    cache.updateFromUserEntity('bob', { 'SCRAM-SHA-256': cred });
    cache.updateFromUserEntity('bob', {});
    expect(cache.credential('SCRAM-SHA-256', 'bob')).to.equal(undefined);
    expect(cache.updateFromUserEntity('bob/clients/c1', { 'SCRAM-SHA-256': cred })).to.deep.equal([]);
    expect(cache.credential('SCRAM-SHA-256', 'bob')).to.equal(undefined);
  });
});
