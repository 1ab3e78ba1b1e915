import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { SslPrincipalMapper, NoMatchingRule } from '../../lib/security/ssl/ssl-principal-mapper.js';
import { subjectName } from '../../lib/security/ssl/x500-name.js';
import { SslConfigError, SslFactory } from '../../lib/security/ssl/ssl-factory.js';
import type { SslConfig, SslStoreConfig } from '../../lib/security/ssl/ssl-config.js';
import { opensslCipherList } from '../../lib/security/ssl/cipher-suites.js';
import { createDevCertificateAuthority, DEV_STORE_PASSWORD, type DevCertificateAuthority } from '../../lib/testing/dev-certificates.js';

describe('SslPrincipalMapper (ssl.principal.mapping.rules)', () => {
  it('applies the first matching rule, with groups and case, else DEFAULT', () => {
    const m = new SslPrincipalMapper('RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/,RULE:^CN=(.*?),OU=(.*?),O=(.*?),L=(.*?),ST=(.*?),C=(.*?)$/$1@$2/L,DEFAULT');
    expect(m.getName('CN=kafka-server1,OU=ServiceUsers,O=Apache,L=Unknown,ST=Unknown,C=Unknown')).to.equal('kafka-server1');
    expect(m.getName('CN=Kafka-Server1,OU=Eng,O=Apache,L=Unknown,ST=Unknown,C=Unknown')).to.equal('kafka-server1@eng');
    expect(m.getName('CN=duke,OU=JavaSoft,O=Sun Microsystems')).to.equal('CN=duke,OU=JavaSoft,O=Sun Microsystems');
    expect(new SslPrincipalMapper('RULE:^CN=([a-z]*).*$/$1/U').getName('CN=alice,O=x')).to.equal('ALICE');
    expect(new SslPrincipalMapper('RULE:^CN=(.*)$/$1$2\\$/').getName('CN=a')).to.equal('a$2$');
  });

  it('fails a DN that no rule matches and refuses malformed rules', () => {
    expect(() => new SslPrincipalMapper('RULE:^CN=(.*)$/$1/').getName('O=x')).to.throw(NoMatchingRule, 'No rules apply to O=x');
    for (const bad of ['DEFAULT/L', 'DEFAUL', 'RULE:/', 'RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/L/U', 'RULE:(/x/']) {
      expect(() => new SslPrincipalMapper(bad), bad).to.throw(/Invalid rule/);
    }
  });
});

describe('SSL key material and principals', () => {
  let dir: string;
  let ca: DevCertificateAuthority;
  before(function () {
    this.timeout(60_000);
    dir = mkdtempSync(path.join(tmpdir(), 'kafkats-ssl-'));
    ca = createDevCertificateAuthority(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const sslConfig = (keystore: SslStoreConfig | null, truststore: SslStoreConfig | null, extra: Partial<SslConfig> = {}): SslConfig => ({
    protocol: 'TLSv1.3', enabledProtocols: ['TLSv1.2', 'TLSv1.3'], cipherSuites: [], clientAuth: 'none',
    endpointIdentificationAlgorithm: 'https', principalMappingRules: 'DEFAULT', keystore, truststore, ...extra,
  });

  it('writes a certificate subject as Java\'s RFC 2253 DN (reverse order, escapes, OIDs for other attributes)', () => {
    const c = ca.issue('dn', { subject: '/C=US/O=Acme, Inc./OU=a=b/CN=alice "q"/emailAddress=a@b.c' });
    const der = new X509Certificate(c.certPem).raw;
    expect(subjectName(der)).to.equal('1.2.840.113549.1.9.1=#16056140622e63,CN=alice \\"q\\",OU=a\\=b,O=Acme\\, Inc.,C=US');
  });

  it('reads PEM (inline and file) and PKCS12 key stores, PEM and PKCS12 trust stores', () => {
    const b = ca.issue('broker');
    for (const ks of [
      { type: 'PEM', location: null, password: null, certificates: b.certPem, key: b.keyPem },
      { type: 'PEM', location: b.pemPath, password: null },
      { type: 'PKCS12', location: b.p12Path, password: DEV_STORE_PASSWORD },
      { type: 'JKS', location: b.p12Path, password: DEV_STORE_PASSWORD }, // a PKCS12 file under Java's default type
    ]) expect(new SslFactory(sslConfig(ks, null), 'server').secureContext, ks.type).to.be.an('object');
    for (const ts of [
      { type: 'PEM', location: ca.caPath, password: null },
      { type: 'PEM', location: null, password: null, certificates: ca.caPem },
      { type: 'PKCS12', location: ca.truststoreP12Path, password: DEV_STORE_PASSWORD },
    ]) expect(new SslFactory(sslConfig(null, ts), 'client').secureContext, ts.type).to.be.an('object');
  });

  it('replaces its stores at runtime only with a key store of the same DN and SANs; an inter-broker listener\'s also trusted both ways', function () {
    this.timeout(30_000);
    const first = ca.issue('reload-1', { subject: '/CN=reloaded' });
    const second = ca.issue('reload-2', { subject: '/CN=reloaded' });
    const renamed = ca.issue('reload-3', { subject: '/CN=renamed' });
    const otherCa = createDevCertificateAuthority(path.join(dir, 'other-ca'), '/CN=other-ca');
    const foreign = otherCa.issue('reload-4', { subject: '/CN=reloaded' });
    const pem = (c: { pemPath: string }): SslStoreConfig => ({ type: 'PEM', location: c.pemPath, password: null });
    const trust: SslStoreConfig = { type: 'PEM', location: ca.caPath, password: null };
    const serial = (f: SslFactory): string => new X509Certificate(String(f.contextOptions.cert).split('-----END CERTIFICATE-----')[0] + '-----END CERTIFICATE-----\n').serialNumber;

    const listener = new SslFactory(sslConfig({ type: 'PKCS12', location: first.p12Path, password: DEV_STORE_PASSWORD }, null), 'server');
    const before = listener.secureContext;
    listener.reconfigure(sslConfig(pem(second), null));
    expect(listener.secureContext).to.not.equal(before);
    expect(serial(listener)).to.equal(new X509Certificate(second.certPem).serialNumber);
    expect(() => listener.reconfigure(sslConfig(pem(renamed), null))).to.throw(SslConfigError, /Keystore DistinguishedName does not match: existing CN=reloaded, new CN=renamed/);
    expect(() => listener.reconfigure(sslConfig(pem(second), trust))).to.throw(SslConfigError, /Cannot add SSL truststore/);
    expect(serial(listener)).to.equal(new X509Certificate(second.certPem).serialNumber);
    // Any listener takes a certificate of another CA; the inter-broker one not, as its peers would refuse it.
    listener.validateReconfiguration(sslConfig(pem(foreign), null));
    const interBroker = new SslFactory(sslConfig(pem(first), trust), 'server', { keystoreVerifiableUsingTruststore: true });
    interBroker.validateReconfiguration(sslConfig(pem(second), trust));
    expect(() => interBroker.validateReconfiguration(sslConfig(pem(foreign), trust))).to.throw(SslConfigError, /new key store is not trusted by the trust store in use/);
    expect(() => interBroker.validateReconfiguration(sslConfig(pem(first), { type: 'PEM', location: otherCa.caPath, password: null })))
      .to.throw(SslConfigError, /key store in use is not trusted by the new trust store/);
  });

  it('stops with readable errors: JKS (naming keytool), wrong password, missing file, PEM under another type, no key store', function () {
    this.timeout(30_000);
    const jks = path.join(dir, 'broker.jks');
    execFileSync('keytool', ['-genkeypair', '-alias', 'b', '-keyalg', 'RSA', '-dname', 'CN=b', '-keystore', jks, '-storetype', 'JKS',
      '-storepass', 'secret', '-keypass', 'secret'], { stdio: 'ignore' });
    expect(() => new SslFactory(sslConfig({ type: 'JKS', location: jks, password: 'secret' }, null), 'server'))
      .to.throw(SslConfigError, /JKS store.*keytool -importkeystore -srckeystore .*broker\.jks -srcstoretype JKS -destkeystore .*broker\.p12 -deststoretype PKCS12/s);
    const b = ca.issue('broker2');
    expect(() => new SslFactory(sslConfig({ type: 'PKCS12', location: b.p12Path, password: 'wrong' }, null), 'server')).to.throw(SslConfigError, /Failed to load SSL key material/);
    expect(() => new SslFactory(sslConfig({ type: 'PKCS12', location: '/nonexistent.p12', password: 'x' }, null), 'server')).to.throw(SslConfigError, /nonexistent\.p12/);
    expect(() => new SslFactory(sslConfig({ type: 'PKCS12', location: b.pemPath, password: 'x' }, null), 'server')).to.throw(SslConfigError, /set ssl\.keystore\.type=PEM/);
    expect(() => new SslFactory(sslConfig({ type: 'PKCS12', location: ca.truststoreP12Path, password: 'wrong' }, null), 'server')).to.throw(SslConfigError);
    expect(() => new SslFactory(sslConfig(null, { type: 'PKCS12', location: ca.truststoreP12Path, password: 'wrong' }), 'client')).to.throw(SslConfigError, /check ssl\.truststore\.password/);
    expect(() => new SslFactory(sslConfig(null, null), 'server')).to.throw(SslConfigError, /SSL key store is not specified/);
    expect(() => new SslFactory(sslConfig({ type: 'PEM', location: b.pemPath, password: null }, null, { enabledProtocols: ['SSLv3'] }), 'server')).to.throw(SslConfigError, /SSLv3/);
  });

  it('maps Java cipher suite names to OpenSSL\'s and refuses unknown ones', () => {
    expect(opensslCipherList(['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256'])).to.equal('ECDHE-RSA-AES256-GCM-SHA384:TLS_AES_128_GCM_SHA256');
    expect(() => opensslCipherList(['TLS_RSA_WITH_NULL_MD5x'])).to.throw('TLS_RSA_WITH_NULL_MD5x');
  });

  it('a TLS client with a certificate is seen by its DN; without one (requested) it has none; an untrusted one is not authorized', async function () {
    this.timeout(30_000);
    const b = ca.issue('broker3');
    const alice = ca.issue('alice', { subject: '/O=Acme/CN=alice' });
    const other = createDevCertificateAuthority(path.join(dir, 'other')).issue('mallory');
    const server = new SslFactory(sslConfig({ type: 'PEM', location: b.pemPath, password: null }, { type: 'PEM', location: ca.caPath, password: null },
      { clientAuth: 'requested' }), 'server');
    const seen: Array<{ authorized: boolean; dn: string | null }> = [];
    const srv = tls.createServer(server.serverOptions(), (s) => {
      const cert = s.getPeerX509Certificate();
      seen.push({ authorized: s.authorized, dn: cert ? subjectName(cert.raw) : null });
      s.end();
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    const connect = async (keystore: SslStoreConfig | null): Promise<void> => {
      const client = new SslFactory(sslConfig(keystore, { type: 'PEM', location: ca.caPath, password: null }), 'client');
      await new Promise<void>((resolve, reject) => {
        const s = tls.connect({ host: '127.0.0.1', port, ...client.clientOptions('localhost') });
        s.on('close', () => resolve());
        s.on('error', reject);
        s.resume();
      });
    };
    await connect({ type: 'PEM', location: alice.pemPath, password: null });
    await connect(null);
    await connect({ type: 'PEM', location: other.pemPath, password: null });
    srv.close();
    expect(seen).to.deep.equal([
      { authorized: true, dn: 'CN=alice,O=Acme' },
      { authorized: false, dn: null },
      { authorized: false, dn: 'CN=mallory' },
    ]);
  });
});
