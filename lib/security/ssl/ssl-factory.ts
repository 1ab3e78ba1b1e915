/**
 * Kafka's SslFactory / DefaultSslEngineFactory for Node: the TLS options of a listener (server
 * mode) or of an outgoing connection (client mode) from an SslConfig.
 *
 * Key stores: PEM (`ssl.keystore.type=PEM` with `ssl.keystore.certificate.chain` and
 * `ssl.keystore.key` inline, or a PEM file at `ssl.keystore.location`; `ssl.key.password` decrypts
 * an encrypted key) and PKCS12 (read by Node/OpenSSL as `pfx` with `ssl.keystore.password`).
 * Trust stores: PEM (`ssl.truststore.certificates` or a file) and PKCS12 (its certificates read
 * with Debian's `openssl pkcs12`, since Node reads a PKCS12 store only with a key). A JKS store
 * cannot be read by Node: it stops start-up with the keytool command that converts it. A store
 * declared JKS that is in fact PKCS12 is read as PKCS12, as Java's keystore.type.compat does.
 * `ssl.enabled.protocols` bound the TLS versions, `ssl.cipher.suites` (Java names) become
 * OpenSSL's, `ssl.client.auth` asks for client certificates.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import tls from 'node:tls';
import type { SslConfig, SslStoreConfig } from './ssl-config.js';
import { opensslCipherList } from './cipher-suites.js';

export class SslConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SslConfigError';
  }
}

const JKS_MAGIC = 0xfeedfeed;
const TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;

type StoreKind = 'keystore' | 'truststore';

function readStoreFile(kind: StoreKind, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new SslConfigError(`Failed to load SSL ${kind} ${path}: ${(err as Error).message} (ssl.${kind}.location)`);
  }
}

function jksError(kind: StoreKind, path: string): SslConfigError {
  const dest = path.replace(/\.(jks|keystore|truststore)$/i, '') + '.p12';
  return new SslConfigError(`SSL ${kind} ${path} is a JKS store, which kafkats cannot read. Convert it to PKCS12 with\n`
    + `  keytool -importkeystore -srckeystore ${path} -srcstoretype JKS -destkeystore ${dest} -deststoretype PKCS12\n`
    + `and set ssl.${kind}.location=${dest} ssl.${kind}.type=PKCS12 (or use PEM: ssl.${kind}.type=PEM).`);
}

/** The store's real format, refusing JKS and what its type does not fit. */
function storeFormat(kind: StoreKind, store: SslStoreConfig, bytes: Buffer): 'PKCS12' | 'PEM' {
  const type = store.type.toUpperCase();
  const isJks = bytes.length >= 4 && bytes.readUInt32BE(0) === JKS_MAGIC;
  const isDer = bytes.length > 0 && bytes[0] === 0x30;
  const isPem = bytes.toString('latin1', 0, Math.min(bytes.length, 4096)).includes('-----BEGIN');
  if (isJks) throw jksError(kind, store.location!);
  if (type === 'PKCS12' || type === 'JKS') {
    if (isDer) return 'PKCS12';
    if (isPem) throw new SslConfigError(`SSL ${kind} ${store.location} is a PEM file but ssl.${kind}.type is ${store.type}: set ssl.${kind}.type=PEM`);
    throw new SslConfigError(`SSL ${kind} ${store.location} is not a PKCS12 store (ssl.${kind}.type=${store.type})`);
  }
  if (type === 'PEM') {
    if (!isPem) throw new SslConfigError(`SSL ${kind} ${store.location} has no PEM content (ssl.${kind}.type=PEM)`);
    return 'PEM';
  }
  throw new SslConfigError(`ssl.${kind}.type ${store.type} is not supported by kafkats: use PKCS12 or PEM`);
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

function pemBlocks(text: string, pick: (label: string) => boolean): string[] {
  return [...text.matchAll(PEM_BLOCK)].filter((m) => pick(m[1]!)).map((m) => m[0]);
}

const isKeyLabel = (l: string): boolean => l.endsWith('PRIVATE KEY');
const isCertLabel = (l: string): boolean => l === 'CERTIFICATE';

function keyStoreOptions(store: SslStoreConfig): tls.SecureContextOptions {
  if (store.type.toUpperCase() === 'PEM' && (store.certificates || store.key)) {
    if (store.location) throw new SslConfigError('ssl.keystore.location must not be set with ssl.keystore.certificate.chain and ssl.keystore.key');
    if (!store.certificates || !store.key) throw new SslConfigError('ssl.keystore.certificate.chain and ssl.keystore.key must both be set for a PEM key store');
    return { cert: store.certificates, key: store.key, passphrase: store.keyPassword ?? undefined };
  }
  if (!store.location) throw new SslConfigError('SSL key store is not specified: set ssl.keystore.location (PKCS12 or PEM) or ssl.keystore.certificate.chain and ssl.keystore.key');
  const bytes = readStoreFile('keystore', store.location);
  if (storeFormat('keystore', store, bytes) === 'PKCS12') {
    if (store.password === null) throw new SslConfigError(`ssl.keystore.password is required for the PKCS12 key store ${store.location}`);
    return { pfx: bytes, passphrase: store.password };
  }
  const text = bytes.toString('utf8');
  const keys = pemBlocks(text, isKeyLabel);
  const certs = pemBlocks(text, isCertLabel);
  if (keys.length !== 1 || certs.length === 0) {
    throw new SslConfigError(`PEM key store ${store.location} must hold one private key and its certificate chain (found ${keys.length} keys, ${certs.length} certificates)`);
  }
  return { key: keys[0], cert: certs.join('\n'), passphrase: store.keyPassword ?? undefined };
}

/** The certificates of a PKCS12 store (`-clcerts`: its own certificate only), read by Debian's openssl. */
function pkcs12Certificates(location: string, password: string | null, kind: StoreKind = 'truststore', clcerts = false): string {
  let out: string;
  try {
    out = execFileSync('openssl', ['pkcs12', '-in', location, '-nokeys', ...(clcerts ? ['-clcerts'] : []), '-passin', 'env:KAFKATS_STORE_PASSWORD'], {
      env: { ...process.env, KAFKATS_STORE_PASSWORD: password ?? '' }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8',
    });
  } catch (err) {
    const e = err as { code?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new SslConfigError(`reading the PKCS12 ${kind} ${location} needs the openssl command (apt-get install openssl), or use a PEM ${kind}`);
    throw new SslConfigError(`Failed to load SSL ${kind} ${location} of type PKCS12: ${(e.stderr ?? String(err)).split('\n')[0]} (check ssl.${kind}.password)`);
  }
  const certs = pemBlocks(out, isCertLabel);
  if (certs.length === 0) throw new SslConfigError(`SSL ${kind} ${location} holds no certificates`);
  return certs.join('\n');
}

function trustStoreCa(store: SslStoreConfig): string {
  if (store.type.toUpperCase() === 'PEM' && store.certificates) {
    if (store.location) throw new SslConfigError('ssl.truststore.location must not be set with ssl.truststore.certificates');
    return store.certificates;
  }
  if (!store.location) throw new SslConfigError('ssl.truststore.location or ssl.truststore.certificates is required');
  const bytes = readStoreFile('truststore', store.location);
  if (storeFormat('truststore', store, bytes) === 'PKCS12') return pkcs12Certificates(store.location, store.password);
  const certs = pemBlocks(bytes.toString('utf8'), isCertLabel);
  if (certs.length === 0) throw new SslConfigError(`PEM trust store ${store.location} holds no certificates`);
  return certs.join('\n');
}

function protocolBounds(enabled: readonly string[]): Pick<tls.SecureContextOptions, 'minVersion' | 'maxVersion'> {
  const unknown = enabled.filter((p) => !(TLS_VERSIONS as readonly string[]).includes(p));
  if (unknown.length > 0) throw new SslConfigError(`ssl.enabled.protocols has protocols kafkats cannot serve: ${unknown.join(', ')} (use TLSv1.2, TLSv1.3)`);
  if (enabled.length === 0) throw new SslConfigError('ssl.enabled.protocols is empty');
  const idx = enabled.map((p) => (TLS_VERSIONS as readonly string[]).indexOf(p)).sort();
  return { minVersion: TLS_VERSIONS[idx[0]!], maxVersion: TLS_VERSIONS[idx[idx.length - 1]!] };
}

/** The secure-context options (certificates, trust, versions, ciphers) of an SslConfig; throws SslConfigError. */
export function secureContextOptions(config: SslConfig, mode: 'server' | 'client'): tls.SecureContextOptions {
  const opts: tls.SecureContextOptions = { ...protocolBounds(config.enabledProtocols) };
  if (config.cipherSuites.length > 0) {
    try {
      opts.ciphers = opensslCipherList(config.cipherSuites);
    } catch (err) {
      throw new SslConfigError((err as Error).message);
    }
  }
  if (config.keystore) Object.assign(opts, keyStoreOptions(config.keystore));
  else if (mode === 'server') throw new SslConfigError('SSL key store is not specified: set ssl.keystore.location (PKCS12 or PEM) or ssl.keystore.certificate.chain and ssl.keystore.key');
  if (config.truststore) opts.ca = trustStoreCa(config.truststore);
  return opts;
}

/** A SecureContext, so that bad key material fails here, at start-up, with the store named. */
export function createSecureContext(config: SslConfig, mode: 'server' | 'client',
  opts: tls.SecureContextOptions = secureContextOptions(config, mode)): tls.SecureContext {
  try {
    return tls.createSecureContext(opts);
  } catch (err) {
    const what = config.keystore?.location ?? (config.keystore ? 'ssl.keystore.certificate.chain/ssl.keystore.key' : 'the trust store');
    throw new SslConfigError(`Failed to load SSL key material (${what}): ${(err as Error).message}`);
  }
}

/** The certificate a key store presents (the first of its chain). */
function keystoreCertificate(store: SslStoreConfig, opts: tls.SecureContextOptions): X509Certificate {
  const pem = opts.pfx ? pkcs12Certificates(store.location!, store.password, 'keystore', true) : String(opts.cert);
  const first = pemBlocks(pem, isCertLabel)[0];
  if (!first) throw new SslConfigError(`SSL key store ${store.location ?? 'ssl.keystore.certificate.chain'} holds no certificate`);
  return new X509Certificate(first);
}

/** Every certificate of a key store: its own first, then the rest of its chain. */
function keystoreChain(store: SslStoreConfig, opts: tls.SecureContextOptions): X509Certificate[] {
  const leaf = keystoreCertificate(store, opts);
  const all = opts.pfx ? pkcs12Certificates(store.location!, store.password, 'keystore') : String(opts.cert);
  return [leaf, ...pemBlocks(all, isCertLabel).map((c) => new X509Certificate(c)).filter((c) => c.fingerprint256 !== leaf.fingerprint256)];
}

/** Whether `chain` (a key store's certificates, its own first) leads to a certificate of `trusted`. */
function chainTrusted(chain: readonly X509Certificate[], trusted: readonly X509Certificate[]): boolean {
  const pool = [...chain.slice(1), ...trusted];
  const isTrusted = (c: X509Certificate): boolean => trusted.some((t) => t.fingerprint256 === c.fingerprint256);
  let cert = chain[0]!;
  for (let depth = 0; depth < 10; depth++) {
    if (isTrusted(cert)) return true;
    const current = cert;
    const issuer = pool.find((c) => current.checkIssued(c) && current.verify(c.publicKey));
    if (!issuer || issuer.fingerprint256 === cert.fingerprint256) return false;
    cert = issuer;
  }
  return false;
}

/**
 * Kafka's SslEngineValidator for the inter-broker listener: the new key store must be trusted by
 * the old trust store (the peers still hold it) and the old key store by the new trust store.
 */
function validateTrustBothWays(old: LoadedSsl, next: LoadedSsl): void {
  const trusted = (l: LoadedSsl): X509Certificate[] | null =>
    l.contextOptions.ca ? pemBlocks(String(l.contextOptions.ca), isCertLabel).map((c) => new X509Certificate(c)) : null;
  const pairs: Array<[LoadedSsl, LoadedSsl, string]> = [[next, old, 'new key store is not trusted by the trust store in use'],
    [old, next, 'key store in use is not trusted by the new trust store']];
  for (const [keys, trust, what] of pairs) {
    const ca = trusted(trust);
    if (!keys.config.keystore || ca === null) continue;
    const chain = keystoreChain(keys.config.keystore, keys.contextOptions);
    if (!chainTrusted(chain, ca)) throw new SslConfigError(`Validation of dynamic config update of SSLFactory failed: the ${what} (${dn(chain[0]!)})`);
  }
}

/** Modification times of the store files a configuration names (Kafka's SslEngineFactory.shouldBeRebuilt). */
function storeFileTimes(config: SslConfig): string {
  return [config.keystore?.location, config.truststore?.location].map((f) => {
    if (!f) return '-';
    try {
      return String(statSync(f).mtimeMs);
    } catch {
      return 'missing';
    }
  }).join('|');
}

/** What a configuration loads to: the context and the files it came from. */
interface LoadedSsl {
  readonly config: SslConfig;
  readonly contextOptions: tls.SecureContextOptions;
  readonly secureContext: tls.SecureContext;
  readonly fileTimes: string;
}

function load(config: SslConfig, mode: 'server' | 'client'): LoadedSsl {
  const fileTimes = storeFileTimes(config);
  const contextOptions = secureContextOptions(config, mode);
  return { config, contextOptions, secureContext: createSecureContext(config, mode, contextOptions), fileTimes };
}

/**
 * Kafka's SslFactory: the secure context of one listener or client configuration, built once
 * (start-up fails on bad key material) and handed to every connection. A listener's stores may be
 * replaced at runtime (KIP-226): the new ones are loaded and checked first — a key store must keep
 * the certificate's distinguished name and subject alternative names, a trust store cannot be
 * added — and connections made afterwards use them; open connections keep theirs.
 */
export class SslFactory {
  private loaded: LoadedSsl;

  /**
   * `keystoreVerifiableUsingTruststore` (Kafka: the inter-broker listener's factory): a new key or
   * trust store must also keep the two trusting each other.
   */
  constructor(config: SslConfig, readonly mode: 'server' | 'client', private readonly options: { keystoreVerifiableUsingTruststore?: boolean } = {}) {
    this.loaded = load(config, mode);
  }

  get config(): SslConfig {
    return this.loaded.config;
  }

  get contextOptions(): tls.SecureContextOptions {
    return this.loaded.contextOptions;
  }

  get secureContext(): tls.SecureContext {
    return this.loaded.secureContext;
  }

  /** SslFactory.validateReconfiguration: loads `config` and checks it may replace the current one; throws SslConfigError. */
  validateReconfiguration(config: SslConfig): void {
    this.prepare(config);
  }

  /** SslFactory.reconfigure: uses `config` from now on (checked as validateReconfiguration does). */
  reconfigure(config: SslConfig): void {
    this.loaded = this.prepare(config);
  }

  /**
   * Reloads the store files when they changed on disk since they were loaded (the configuration
   * being the same); true when the context was replaced. Throws SslConfigError (nothing changes).
   */
  reloadChangedFiles(): boolean {
    if (storeFileTimes(this.loaded.config) === this.loaded.fileTimes) return false;
    this.loaded = this.prepare(this.loaded.config);
    return true;
  }

  private prepare(config: SslConfig): LoadedSsl {
    const next = load(config, this.mode);
    const old = this.loaded.config;
    if (!old.keystore && config.keystore) throw new SslConfigError('Cannot add SSL keystore to an existing listener for which no keystore was configured.');
    if (old.keystore && !config.keystore) throw new SslConfigError('Cannot remove the SSL keystore from an existing listener for which a keystore was configured.');
    if (!old.truststore && config.truststore) throw new SslConfigError('Cannot add SSL truststore to an existing listener for which no truststore was configured.');
    if (old.keystore && config.keystore) {
      const was = keystoreCertificate(old.keystore, this.loaded.contextOptions);
      const now = keystoreCertificate(config.keystore, next.contextOptions);
      if (was.subject !== now.subject) {
        throw new SslConfigError(`Keystore DistinguishedName does not match: existing ${dn(was)}, new ${dn(now)}`);
      }
      if ((was.subjectAltName ?? '') !== (now.subjectAltName ?? '')) {
        throw new SslConfigError(`Keystore SubjectAltNames do not match: existing [${was.subjectAltName ?? ''}], new [${now.subjectAltName ?? ''}]`);
      }
    }
    if (this.options.keystoreVerifiableUsingTruststore) validateTrustBothWays(this.loaded, next);
    return next;
  }

  /** Server-side TLS options of a listener (tls.createServer builds its own context from them). */
  serverOptions(): tls.TlsOptions {
    return {
      ...this.contextOptions,
      requestCert: this.config.clientAuth !== 'none',
      // `requested`: a client without a certificate is served as ANONYMOUS; one with an untrusted
      // certificate is refused after the handshake (Java's handshake fails for it).
      rejectUnauthorized: this.config.clientAuth === 'required',
    };
  }

  /** Client-side TLS options for a connection to `host` (inter-broker, tools). */
  clientOptions(host: string): tls.ConnectionOptions {
    const verifyHost = (this.config.endpointIdentificationAlgorithm ?? '').toLowerCase() === 'https';
    return {
      secureContext: this.secureContext,
      servername: /^[\d.]+$|:/.test(host) ? undefined : host,
      rejectUnauthorized: true,
      checkServerIdentity: verifyHost ? tls.checkServerIdentity : (): undefined => undefined,
    };
  }
}

/** A certificate's subject as one line (`CN=broker, O=acme`). */
function dn(cert: X509Certificate): string {
  return cert.subject.split('\n').join(', ');
}
