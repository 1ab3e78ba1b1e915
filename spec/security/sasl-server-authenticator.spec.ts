import { expect } from 'chai';
import { SaslServerAuthenticator, AuthenticationFailure } from '../../lib/security/authenticator/sasl-server-authenticator.js';
import { createSaslServer } from '../../lib/security/authenticator/sasl-server-factory.js';
import { CredentialCache } from '../../lib/security/credential-cache.js';
import { ScramFormatter } from '../../lib/security/scram/scram-formatter.js';
import { SCRAM_SHA_512 } from '../../lib/security/scram/scram-mechanism.js';
import { ScramSaslClient } from '../../lib/security/scram/scram-sasl-client.js';
import { credentialToString } from '../../lib/security/scram/scram-credential.js';
import { loadJaasContext } from '../../lib/security/jaas-config.js';
import { ApiKeys, decodeResponse, encodeRequest, encodeResponse, type RequestApiKey, type Input } from '../../lib/protocol/index.js';
import type { RequestBodies } from '../../lib/protocol/generated/types.js';
import { Errors, errorForCode } from '../../lib/protocol/errors.js';
import { MockTime } from '../../lib/common/time.js';
import { clientInitialResponse } from '../../lib/security/oauthbearer/oauth-bearer-sasl-server.js';

const PLAIN = loadJaasContext('org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-pw" user_bob="bob-pw";');
const OAUTH = loadJaasContext('org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;');
const SCRAM = loadJaasContext('org.apache.kafka.common.security.scram.ScramLoginModule required;');

function setup(reauthMs = 0, maxReceiveSize = 524288): { auth: SaslServerAuthenticator; time: MockTime } {
  const time = new MockTime();
  const cache = new CredentialCache(['SCRAM-SHA-512']);
  cache.updateCredentials('alice', { 'SCRAM-SHA-512': credentialToString(new ScramFormatter(SCRAM_SHA_512).generateCredential('alice-pw', 4096)) });
  const jaas: Record<string, typeof PLAIN> = { PLAIN, OAUTHBEARER: OAUTH, 'SCRAM-SHA-512': SCRAM };
  const auth = new SaslServerAuthenticator({
    enabledMechanisms: ['SCRAM-SHA-512', 'PLAIN', 'OAUTHBEARER'],
    createSaslServer: (m) => createSaslServer(m, jaas[m]!, cache, () => time.milliseconds()),
    connectionsMaxReauthMs: () => reauthMs,
    apiVersions: async (frame) => encodeResponse(ApiKeys.API_VERSIONS, 0, frame.readInt32BE(4), { errorCode: 0, apiKeys: [{ apiKey: 17, minVersion: 0, maxVersion: 1 }] }),
    time,
    maxReceiveSize,
  });
  return { auth, time };
}

let correlation = 0;
function frame<K extends RequestApiKey>(apiKey: K, version: number, body: Input<RequestBodies[K]>): Buffer {
  return encodeRequest({ requestApiKey: apiKey, requestApiVersion: version, correlationId: ++correlation, clientId: 'spec' }, body).subarray(4);
}
const payload = (chunks: Buffer[] | null): Buffer => Buffer.concat(chunks ?? []).subarray(4);

async function saslAuthenticate(auth: SaslServerAuthenticator, bytes: Buffer, version = 2) {
  const step = await auth.onFrame(frame(ApiKeys.SASL_AUTHENTICATE, version, { authBytes: bytes }));
  return { step, body: decodeResponse(ApiKeys.SASL_AUTHENTICATE, version, payload(step.response)).body };
}

async function failureOf(p: Promise<unknown>): Promise<AuthenticationFailure> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AuthenticationFailure) return err;
    throw err;
  }
  throw new Error('expected an AuthenticationFailure');
}

async function scramLogin(auth: SaslServerAuthenticator, user: string, password: string): Promise<bigint> {
  const hs = await auth.onFrame(frame(ApiKeys.SASL_HANDSHAKE, 1, { mechanism: 'SCRAM-SHA-512' }));
  expect(decodeResponse(ApiKeys.SASL_HANDSHAKE, 1, payload(hs.response)).body.errorCode).to.equal(0);
  const client = new ScramSaslClient(SCRAM_SHA_512, user, password);
  const first = await saslAuthenticate(auth, client.initialResponse());
  const final = await saslAuthenticate(auth, client.evaluateChallenge(first.body.authBytes)!);
  expect(final.body.errorCode, final.body.errorMessage ?? '').to.equal(0);
  expect(client.evaluateChallenge(final.body.authBytes)).to.equal(null);
  return final.body.sessionLifetimeMs;
}

describe('SaslServerAuthenticator (Kafka\'s server-side SASL state machine)', () => {
  it('ApiVersions, SaslHandshake v1 and SaslAuthenticate v2 with SCRAM-SHA-512 authenticate User:alice', async () => {
    const { auth } = setup();
    const v = await auth.onFrame(frame(ApiKeys.API_VERSIONS, 0, {}));
    expect(decodeResponse(ApiKeys.API_VERSIONS, 0, payload(v.response)).body.apiKeys).to.have.length(1);
    expect(await scramLogin(auth, 'alice', 'alice-pw')).to.equal(0n);
    expect(auth.complete).to.equal(true);
    expect(auth.principal.toString()).to.equal('User:alice');
  });

  it('refuses any other request before the handshake, closing without an answer', async () => {
    const { auth } = setup();
    const f = await failureOf(auth.onFrame(frame(ApiKeys.METADATA, 1, { topics: null })));
    expect(f.message).to.match(/Unexpected Kafka request of type 3 during SASL handshake/);
    expect(f.response).to.equal(null);
    expect(auth.complete).to.equal(false);
  });

  it('answers UNSUPPORTED_SASL_MECHANISM with the enabled list, then fails', async () => {
    const { auth } = setup();
    const f = await failureOf(auth.onFrame(frame(ApiKeys.SASL_HANDSHAKE, 1, { mechanism: 'GSSAPI' })));
    const body = decodeResponse(ApiKeys.SASL_HANDSHAKE, 1, payload(f.response)).body;
    expect([errorForCode(body.errorCode).name, body.mechanisms]).to.deep.equal(['UNSUPPORTED_SASL_MECHANISM', ['SCRAM-SHA-512', 'PLAIN', 'OAUTHBEARER']]);
    expect(f.delayed).to.equal(true);
  });

  it('a wrong SCRAM password gets SASL_AUTHENTICATION_FAILED with Kafka\'s generic text; a wrong PLAIN password its own text', async () => {
    const { auth } = setup();
    await auth.onFrame(frame(ApiKeys.SASL_HANDSHAKE, 1, { mechanism: 'SCRAM-SHA-512' }));
    const client = new ScramSaslClient(SCRAM_SHA_512, 'alice', 'wrong');
    const first = await saslAuthenticate(auth, client.initialResponse());
    const f = await failureOf(auth.onFrame(frame(ApiKeys.SASL_AUTHENTICATE, 2, { authBytes: client.evaluateChallenge(first.body.authBytes)! })));
    const body = decodeResponse(ApiKeys.SASL_AUTHENTICATE, 2, payload(f.response)).body;
    expect([errorForCode(body.errorCode).name, body.errorMessage]).to.deep.equal(['SASL_AUTHENTICATION_FAILED',
      'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512']);
    const { auth: a2 } = setup();
    await a2.onFrame(frame(ApiKeys.SASL_HANDSHAKE, 1, { mechanism: 'PLAIN' }));
    const f2 = await failureOf(a2.onFrame(frame(ApiKeys.SASL_AUTHENTICATE, 1, { authBytes: Buffer.from('\u0000alice\u0000nope') })));
    expect(decodeResponse(ApiKeys.SASL_AUTHENTICATE, 1, payload(f2.response)).body.errorMessage).to.equal('Authentication failed: Invalid username or password');
  });

  it('SaslHandshake v0 takes raw tokens and answers raw (old clients)', async () => {
    const { auth } = setup();
    await auth.onFrame(frame(ApiKeys.SASL_HANDSHAKE, 0, { mechanism: 'PLAIN' }));
    const step = await auth.onFrame(Buffer.from('\u0000bob\u0000bob-pw'));
    expect(Buffer.concat(step.response!)).to.deep.equal(Buffer.from([0, 0, 0, 0]));
    expect(step.principal?.toString()).to.equal('User:bob');
  });

  it('a request other than SaslAuthenticate after the handshake gets ILLEGAL_SASL_STATE, garbage first frames fail', async () => {
    const { auth } = setup();
    await auth.onFrame(frame(ApiKeys.SASL_HANDSHAKE, 1, { mechanism: 'PLAIN' }));
    const f = await failureOf(auth.onFrame(frame(ApiKeys.FIND_COORDINATOR, 1, { key: 'g', keyType: 0 })));
    expect(errorForCode(decodeResponse(ApiKeys.FIND_COORDINATOR, 1, payload(f.response)).body.errorCode).name).to.equal('ILLEGAL_SASL_STATE');
    const g = await failureOf(setup().auth.onFrame(Buffer.from([0x60, 0x82, 1, 2, 3])));
    expect(g.message).to.match(/GSSAPI is not supported/);
    const big = await failureOf(setup(0, 100).auth.onFrame(Buffer.alloc(101)));
    expect(big.message).to.match(/invalid receive size/);
  });

  it('bounds the session by connections.max.reauth.ms and re-authenticates as the same principal only (KIP-368)', async () => {
    const { auth, time } = setup(60_000);
    expect(await scramLogin(auth, 'alice', 'alice-pw')).to.equal(60_000n);
    expect(auth.sessionExpired()).to.equal(false);
    await time.sleep(60_000);
    expect(auth.sessionExpired()).to.equal(true);
    expect(auth.maybeBeginReauthentication(frame(ApiKeys.METADATA, 1, { topics: null }))).to.equal(false);
    const hs = frame(ApiKeys.SASL_HANDSHAKE, 1, { mechanism: 'SCRAM-SHA-512' });
    expect(auth.maybeBeginReauthentication(hs)).to.equal(true);
    expect(auth.complete).to.equal(false);
    await auth.onFrame(hs);
    const client = new ScramSaslClient(SCRAM_SHA_512, 'alice', 'alice-pw');
    const first = await saslAuthenticate(auth, client.initialResponse());
    const final = await saslAuthenticate(auth, client.evaluateChallenge(first.body.authBytes)!);
    expect(final.body.sessionLifetimeMs).to.equal(60_000n);
    expect(auth.sessionExpired()).to.equal(false);
    // Re-authenticating as someone else fails.
    await time.sleep(60_000);
    const hs2 = frame(ApiKeys.SASL_HANDSHAKE, 1, { mechanism: 'PLAIN' });
    expect(auth.maybeBeginReauthentication(hs2)).to.equal(true);
    await auth.onFrame(hs2);
    const f = await failureOf(auth.onFrame(frame(ApiKeys.SASL_AUTHENTICATE, 2, { authBytes: Buffer.from('\u0000bob\u0000bob-pw') })));
    expect(f.message).to.match(/SASL mechanism requested by client is not supported for re-authentication/);
  });

  it('starts a re-authentication at most once a second (a SaslHandshake sooner is served as a request, as Kafka\'s KafkaChannel)', async () => {
    const { auth, time } = setup(60_000);
    await scramLogin(auth, 'alice', 'alice-pw');
    const reauthenticate = async (): Promise<void> => {
      await auth.onFrame(frame(ApiKeys.SASL_HANDSHAKE, 1, { mechanism: 'SCRAM-SHA-512' }));
      const client = new ScramSaslClient(SCRAM_SHA_512, 'alice', 'alice-pw');
      const first = await saslAuthenticate(auth, client.initialResponse());
      expect((await saslAuthenticate(auth, client.evaluateChallenge(first.body.authBytes)!)).body.errorCode).to.equal(Errors.NONE.code);
    };
    const hs = (): Buffer => frame(ApiKeys.SASL_HANDSHAKE, 1, { mechanism: 'SCRAM-SHA-512' });
    await time.sleep(100);
    expect(auth.maybeBeginReauthentication(hs())).to.equal(true);
    await reauthenticate();
    await time.sleep(999);
    expect(auth.maybeBeginReauthentication(hs()), 'within a second of the last start').to.equal(false);
    expect(auth.complete).to.equal(true);
    await time.sleep(1);
    expect(auth.maybeBeginReauthentication(hs())).to.equal(true);
    await reauthenticate();
    expect(auth.complete).to.equal(true);
  });

  it('an OAUTHBEARER session ends with its token', async () => {
    const { auth, time } = setup(3_600_000);
    await auth.onFrame(frame(ApiKeys.SASL_HANDSHAKE, 1, { mechanism: 'OAUTHBEARER' }));
    const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${b64({ alg: 'none' })}.${b64({ sub: 'svc', exp: (time.milliseconds() + 30_000) / 1000 })}.`;
    const { body, step } = await saslAuthenticate(auth, clientInitialResponse(token));
    expect(body.sessionLifetimeMs).to.equal(30_000n);
    expect(step.principal?.toString()).to.equal('User:svc');
    expect(Errors.NONE.code).to.equal(body.errorCode);
  });
});
