import { expect } from 'chai';
import { ScramSaslServer } from '../../lib/security/scram/scram-sasl-server.js';
import { ScramSaslClient } from '../../lib/security/scram/scram-sasl-client.js';
import { ScramFormatter, saslName, usernameOf } from '../../lib/security/scram/scram-formatter.js';
import { SCRAM_SHA_256, SCRAM_SHA_512 } from '../../lib/security/scram/scram-mechanism.js';
import { credentialFromString, credentialToString, type ScramCredential } from '../../lib/security/scram/scram-credential.js';
import { ClientFirstMessage, ServerFinalMessage } from '../../lib/security/scram/scram-messages.js';
import { SaslAuthenticationException, SaslException } from '../../lib/security/authenticator/sasl-exceptions.js';
import { IllegalSaslStateError } from '../../lib/protocol/errors.js';

// RFC 7677 §3: SCRAM-SHA-256, user "user", password "pencil".
const RFC = {
  clientNonce: 'rOprNGfwEbeRWgbNEkqO',
  serverNonce: '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
  clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

function rfcCredential(): ScramCredential {
  const f = new ScramFormatter(SCRAM_SHA_256);
  const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
  return f.credentialFromSaltedPassword(salt, f.saltedPassword('pencil', salt, 4096), 4096);
}

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('SCRAM (RFC 5802 / RFC 7677)', () => {
  it('the server answers the RFC 7677 exchange byte for byte', () => {
    const server = new ScramSaslServer(SCRAM_SHA_256, (u) => (u === 'user' ? rfcCredential() : undefined), () => RFC.serverNonce);
    expect(server.evaluateResponse(b(RFC.clientFirst)).toString()).to.equal(RFC.serverFirst);
    expect(server.isComplete()).to.equal(false);
    expect(server.evaluateResponse(b(RFC.clientFinal)).toString()).to.equal(RFC.serverFinal);
    expect(server.isComplete()).to.equal(true);
    expect(server.authorizationId()).to.equal('user');
  });

  it('the client sends the RFC 7677 messages and verifies the server signature', () => {
    const client = new ScramSaslClient(SCRAM_SHA_256, 'user', 'pencil', () => RFC.clientNonce);
    expect(client.initialResponse().toString()).to.equal(RFC.clientFirst);
    expect(client.evaluateChallenge(b(RFC.serverFirst))!.toString()).to.equal(RFC.clientFinal);
    expect(client.evaluateChallenge(b(RFC.serverFinal))).to.equal(null);
    expect(client.isComplete()).to.equal(true);
  });

  it('the client refuses a server that does not know the credential (wrong signature)', () => {
    const client = new ScramSaslClient(SCRAM_SHA_256, 'user', 'pencil', () => RFC.clientNonce);
    client.initialResponse();
    client.evaluateChallenge(b(RFC.serverFirst));
    expect(() => client.evaluateChallenge(b('v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='))).to.throw(SaslException, 'Invalid server signature');
  });

  for (const mechanism of [SCRAM_SHA_256, SCRAM_SHA_512]) {
    it(`${mechanism.mechanismName}: a client and the server agree with a generated credential; a wrong password fails`, () => {
      const cred = new ScramFormatter(mechanism).generateCredential('s3cret,=x', 4096);
      const lookup = (u: string): ScramCredential | undefined => (u === 'al=ice,' ? cred : undefined);
      const run = (password: string): ScramSaslServer => {
        const server = new ScramSaslServer(mechanism, lookup);
        const client = new ScramSaslClient(mechanism, 'al=ice,', password);
        let token: Buffer | null = client.initialResponse();
        while (token !== null && !server.isComplete()) {
          const challenge = server.evaluateResponse(token);
          token = client.evaluateChallenge(challenge);
        }
        return server;
      };
      expect(run('s3cret,=x').authorizationId()).to.equal('al=ice,');
      expect(() => run('wrong')).to.throw(SaslException, 'Invalid client credentials');
    });
  }

  it('an unknown user, a malformed message, a foreign nonce and a too-low iteration count fail with a SaslException', () => {
    const cred = rfcCredential();
    expect(() => new ScramSaslServer(SCRAM_SHA_256, () => undefined).evaluateResponse(b(RFC.clientFirst)))
      .to.throw(SaslException, 'Invalid user credentials');
    expect(() => new ScramSaslServer(SCRAM_SHA_256, () => cred).evaluateResponse(b('\x00\xffgarbage')))
      .to.throw(SaslException, 'Invalid SCRAM client first message format');
    const s = new ScramSaslServer(SCRAM_SHA_256, () => cred, () => RFC.serverNonce);
    s.evaluateResponse(b(RFC.clientFirst));
    expect(() => s.evaluateResponse(b(RFC.clientFinal.replace('r=rOpr', 'r=XOpr').replace('k0,p', 'kX,p'))))
      .to.throw(SaslException, 'Invalid client nonce');
    const weak = { ...cred, iterations: 4095 };
    expect(() => new ScramSaslServer(SCRAM_SHA_256, () => weak).evaluateResponse(b(RFC.clientFirst))).to.throw(SaslException, 'less than the minimum 4096');
  });

  it('a different authorization id is refused with a message for the client; a token after completion is an illegal state', () => {
    const cred = rfcCredential();
    expect(() => new ScramSaslServer(SCRAM_SHA_256, () => cred).evaluateResponse(b('n,a=admin,n=user,r=abc')))
      .to.throw(SaslAuthenticationException, 'authorization id that is different');
    const s = new ScramSaslServer(SCRAM_SHA_256, () => cred, () => RFC.serverNonce);
    s.evaluateResponse(b(RFC.clientFirst));
    s.evaluateResponse(b(RFC.clientFinal));
    expect(() => s.evaluateResponse(b(RFC.clientFinal))).to.throw(IllegalSaslStateError);
  });

  it('delegation-token SCRAM (tokenauth=true) is not served', () => {
    const s = new ScramSaslServer(SCRAM_SHA_256, () => rfcCredential());
    expect(() => s.evaluateResponse(b('n,,n=user,r=abc,tokenauth=true'))).to.throw(SaslException, 'Token Authentication failed');
  });

  it('saslname escapes = and , and refuses a stray =', () => {
    expect(saslName('a=b,c')).to.equal('a=3Db=2Cc');
    expect(usernameOf('a=3Db=2Cc')).to.equal('a=b,c');
    expect(() => usernameOf('a=b')).to.throw('Invalid username');
    expect(ClientFirstMessage.parse(b('n,,n=u,r=x,ext=1')).extensions.get('ext')).to.equal('1');
    expect(ServerFinalMessage.parse(b('e=invalid-proof')).error).to.equal('invalid-proof');
  });
});

describe('ScramCredentialUtils format', () => {
  it('writes and reads Kafka\'s salt=…,stored_key=…,server_key=…,iterations=… text', () => {
    const c = rfcCredential();
    const text = credentialToString(c);
    expect(text).to.match(/^salt=W22ZaJ0SNY7soEsUEjb6gQ==,stored_key=[A-Za-z0-9+/=]+,server_key=[A-Za-z0-9+/=]+,iterations=4096$/);
    const back = credentialFromString(text);
    expect(back.storedKey.equals(c.storedKey) && back.serverKey.equals(c.serverKey) && back.salt.equals(c.salt)).to.equal(true);
    expect(back.iterations).to.equal(4096);
  });

  it('keeps a salt in Kafka\'s form (the bytes of a base-36 number) through the text format', () => {
    const f = new ScramFormatter(SCRAM_SHA_512);
    const salt = Buffer.from('MWx2NHBkbnc0ZzBxbmZ0Y2Vma2JjMDRnaQ==', 'base64');
    const c = f.credentialFromSaltedPassword(salt, f.saltedPassword('admin-secret', salt, 4096), 4096);
    const parsed = credentialFromString(credentialToString(c));
    expect(parsed.salt.toString()).to.equal('1lv4pdnw4g0qnftcefkbc04gi');
    expect(parsed.storedKey.length).to.equal(64);
  });

  it('refuses anything but the four keys', () => {
    for (const bad of ['', 'salt=AA==', 'salt=AA==,stored_key=AA==,server_key=AA==,iterations=x',
      'salt=AA==,stored_key=AA==,server_key=AA==,iterations=1,extra=1', 'salt=A!==,stored_key=AA==,server_key=AA==,iterations=1', '=x']) {
      expect(() => credentialFromString(bad), bad).to.throw('Credentials not valid');
    }
  });
});
