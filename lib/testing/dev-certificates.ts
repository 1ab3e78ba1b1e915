/**
 * A throw-away certificate authority for development clusters and specs, made with Debian's
 * `openssl` (no download): a CA, and certificates it signs for brokers (SAN localhost, 127.0.0.1,
 * ::1 and the machine's name) and for clients (`CN=<name>`, for SSL client authentication).
 * Each certificate is written as PEM (`<name>.key.pem`, `<name>.cert.pem`, key and chain together
 * in `<name>.pem`) and as a PKCS12 store `<name>.p12`; the CA as `ca.pem` and a PKCS12 trust store
 * `truststore.p12`. Never for production.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

export const DEV_STORE_PASSWORD = 'kafkats-dev';

export interface DevCertificate {
  readonly keyPem: string;
  readonly certPem: string;
  /** Key followed by certificate and CA (a PEM key store file). */
  readonly pemPath: string;
  readonly keyPath: string;
  readonly certPath: string;
  /** PKCS12 key store, password DEV_STORE_PASSWORD. */
  readonly p12Path: string;
}

export interface DevCertificateAuthority {
  readonly dir: string;
  readonly caPath: string;
  readonly caPem: string;
  /** PKCS12 trust store with the CA, password DEV_STORE_PASSWORD. */
  readonly truststoreP12Path: string;
  /** A certificate for `name`: a broker's (SANs for this machine) or a client's (`subject`). */
  issue(name: string, options?: { subject?: string; days?: number; expired?: boolean }): DevCertificate;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { code?: string; stderr?: Buffer };
    if (e.code === 'ENOENT') throw new Error('generating development certificates needs the openssl command (apt-get install openssl)');
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.toString() ?? String(err)}`);
  }
}

/** Creates (or reuses) a CA in `dir`. */
export function createDevCertificateAuthority(dir: string, subject = '/CN=kafkats-dev-ca'): DevCertificateAuthority {
  mkdirSync(dir, { recursive: true });
  const caKey = path.join(dir, 'ca.key.pem');
  const caPath = path.join(dir, 'ca.pem');
  if (!existsSync(caPath)) {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', caPath, '-days', '30', '-subj', subject,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  }
  const truststoreP12Path = path.join(dir, 'truststore.p12');
  if (!existsSync(truststoreP12Path)) {
    openssl(['pkcs12', '-export', '-nokeys', '-in', caPath, '-out', truststoreP12Path, '-passout', `pass:${DEV_STORE_PASSWORD}`], dir);
  }
  const caPem = readFileSync(caPath, 'utf8');
  const issue = (name: string, options: { subject?: string; days?: number; expired?: boolean } = {}): DevCertificate => {
    const keyPath = path.join(dir, `${name}.key.pem`);
    const certPath = path.join(dir, `${name}.cert.pem`);
    const csr = path.join(dir, `${name}.csr`);
    const ext = path.join(dir, `${name}.ext`);
    const sans = ['DNS:localhost', 'IP:127.0.0.1', 'IP:::1', `DNS:${hostname()}`];
    writeFileSync(ext, `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=${sans.join(',')}\n`);
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', csr, '-subj', options.subject ?? `/CN=${name}`], dir);
    if (options.expired) {
      // An expired certificate, for specs: `openssl ca` is the 3.0 tool that takes explicit dates.
      const db = path.join(dir, `${name}.db`);
      writeFileSync(db, '');
      const conf = path.join(dir, `${name}.ca.cnf`);
      writeFileSync(conf, [
        '[ca]', 'default_ca=dev', '[dev]', `database=${db}`, `new_certs_dir=${dir}`, `serial=${path.join(dir, `${name}.serial`)}`,
        'default_md=sha256', 'policy=any', 'unique_subject=no', 'copy_extensions=none', '[any]', 'commonName=supplied', '',
      ].join('\n'));
      writeFileSync(path.join(dir, `${name}.serial`), '01\n');
      openssl(['ca', '-batch', '-config', conf, '-cert', caPath, '-keyfile', caKey, '-in', csr, '-out', certPath, '-extfile', ext,
        '-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-notext'], dir);
    } else {
      openssl(['x509', '-req', '-in', csr, '-CA', caPath, '-CAkey', caKey, '-CAcreateserial', '-out', certPath, '-days', String(options.days ?? 30), '-extfile', ext], dir);
    }
    const keyPem = readFileSync(keyPath, 'utf8');
    const certPem = readFileSync(certPath, 'utf8');
    const pemPath = path.join(dir, `${name}.pem`);
    writeFileSync(pemPath, `${keyPem}${certPem}${caPem}`);
    const p12Path = path.join(dir, `${name}.p12`);
    openssl(['pkcs12', '-export', '-in', certPath, '-inkey', keyPath, '-certfile', caPath, '-name', name, '-out', p12Path, '-passout', `pass:${DEV_STORE_PASSWORD}`], dir);
    return { keyPem, certPem, pemPath, keyPath, certPath, p12Path };
  };
  return { dir, caPath, caPem, truststoreP12Path, issue };
}
