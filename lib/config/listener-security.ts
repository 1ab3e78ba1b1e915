/**
 * The security of each listener, as Kafka's ChannelBuilders read it: the listener's security
 * protocol (listener.security.protocol.map) decides whether it speaks TLS (SSL, SASL_SSL) and
 * whether it authenticates with SASL (SASL_PLAINTEXT, SASL_SSL); every SSL and SASL key may be
 * overridden per listener as `listener.name.<listener>.<key>` (listener name lower case), and a
 * SASL mechanism's JAAS config and re-authentication interval per mechanism as
 * `listener.name.<listener>.<mechanism>.sasl.jaas.config` /
 * `….<mechanism>.connections.max.reauth.ms` (mechanism lower case).
 *
 * What kafkats cannot serve stops start-up with a ConfigError naming the key — never a silent
 * fallback: GSSAPI (Kerberos) or an unknown SASL mechanism, a SASL mechanism without its JAAS
 * config or with a login module other than Kafka's own for it, custom Java classes
 * (callback handlers, SSL engine factories, principal builders), an SSL listener without a key
 * store, and inter-broker SASL without the broker's own credentials.
 */
import { ConfigError, type ConfigValue } from './config-def.js';
import { BROKER_CONFIG_DEF } from './broker-configs.js';
import type { EndPoint, SecurityProtocol } from './listeners.js';
import {
  JaasConfigError, loadJaasContext, OAUTHBEARER_LOGIN_MODULE, PLAIN_LOGIN_MODULE, SCRAM_LOGIN_MODULE, type AppConfigurationEntry,
} from '../security/jaas-config.js';
import type { SslClientAuth, SslConfig } from '../security/ssl/ssl-config.js';

/** The SASL mechanisms kafkats serves, with the login module Kafka configures each with. */
export const SASL_LOGIN_MODULES: ReadonlyMap<string, string> = new Map([
  ['PLAIN', PLAIN_LOGIN_MODULE],
  ['SCRAM-SHA-256', SCRAM_LOGIN_MODULE],
  ['SCRAM-SHA-512', SCRAM_LOGIN_MODULE],
  ['OAUTHBEARER', OAUTHBEARER_LOGIN_MODULE],
]);

export interface SaslMechanismConfig {
  readonly mechanism: string;
  /** The listener's JAAS entry for the mechanism. */
  readonly jaas: AppConfigurationEntry;
  /** connections.max.reauth.ms for the mechanism (0: sessions never expire). */
  readonly connectionsMaxReauthMs: number;
}

export interface SaslListenerConfig {
  readonly enabledMechanisms: readonly string[];
  readonly mechanisms: ReadonlyMap<string, SaslMechanismConfig>;
  /** sasl.server.max.receive.size: the largest frame before authentication completes. */
  readonly maxReceiveSize: number;
}

export interface ListenerSecurityConfig {
  readonly listenerName: string;
  readonly securityProtocol: SecurityProtocol;
  /** Set for SSL and SASL_SSL. */
  readonly ssl: SslConfig | null;
  /** Set for SASL_PLAINTEXT and SASL_SSL. */
  readonly sasl: SaslListenerConfig | null;
}

/** How this broker connects to the others (the inter-broker listener's settings, client side). */
export interface InterBrokerSecurityConfig {
  readonly listenerName: string;
  readonly securityProtocol: SecurityProtocol;
  readonly ssl: SslConfig | null;
  /** sasl.mechanism.inter.broker.protocol and the JAAS entry with the broker's own credentials. */
  readonly sasl: { readonly mechanism: string; readonly jaas: AppConfigurationEntry } | null;
}

/** The raw values a listener sees, as Kafka's valuesWithPrefixOverride(listener.name.<l>.). */
export interface ConfigSource {
  originals: ReadonlyMap<string, string>;
  get(name: string): ConfigValue;
}

const LISTENER_PREFIX = /^listener\.name\.([^.]+)\.(.+)$/;
const MECHANISM_KEYS = ['sasl.jaas.config', 'connections.max.reauth.ms', 'sasl.server.callback.handler.class', 'sasl.login.callback.handler.class', 'sasl.login.class'];

/** True for a `listener.name.<l>.<key>` (or `….<mechanism>.<key>`) whose key is a broker key. */
export function isListenerPrefixedKey(name: string): boolean {
  const m = LISTENER_PREFIX.exec(name);
  if (!m) return false;
  const rest = m[2]!;
  if (BROKER_CONFIG_DEF.has(rest)) return true;
  return MECHANISM_KEYS.some((k) => rest.endsWith(`.${k}`) && rest.length > k.length + 1);
}

export class ListenerConfigView {
  private readonly prefix: string;

  constructor(private readonly source: ConfigSource, readonly listenerName: string, readonly securityProtocolText = '') {
    this.prefix = `listener.name.${listenerName.toLowerCase()}.`;
  }

  /** The key's listener override, parsed, or the broker-wide value. */
  get(key: string): ConfigValue {
    const raw = this.source.originals.get(this.prefix + key);
    return raw !== undefined ? BROKER_CONFIG_DEF.parse(key, raw) : this.source.get(key);
  }

  /** The name under which `key` was given for this listener (for messages). */
  keyName(key: string): string {
    return this.source.originals.has(this.prefix + key) ? this.prefix + key : key;
  }

  string(key: string): string | null {
    const v = this.get(key);
    return v === null ? null : Array.isArray(v) ? v.join(',') : String(v);
  }

  list(key: string): string[] {
    const v = this.get(key);
    if (Array.isArray(v)) return v.map(String);
    return v === null ? [] : String(v).split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  }

  /** A mechanism-prefixed key (`listener.name.<l>.<mechanism>.<key>`), only ever from the listener prefix. */
  mechanismValue(mechanism: string, key: string): string | undefined {
    return this.source.originals.get(`${this.prefix}${mechanism.toLowerCase()}.${key}`);
  }

  mechanismKeyName(mechanism: string, key: string): string {
    return `${this.prefix}${mechanism.toLowerCase()}.${key}`;
  }
}

function refuseClass(view: ListenerConfigView, key: string): void {
  const v = view.string(key);
  if (v !== null && v.length > 0) {
    throw new ConfigError(`${view.keyName(key)}=${v}: kafkats cannot load Java classes; remove it to use kafkats' built-in implementation`, view.keyName(key), v);
  }
}

function sslConfigOf(view: ListenerConfigView): SslConfig {
  refuseClass(view, 'ssl.engine.factory.class');
  const str = (k: string): string | null => {
    const v = view.string(k);
    return v === null || v.length === 0 ? null : v;
  };
  const keystoreGiven = str('ssl.keystore.location') !== null || str('ssl.keystore.certificate.chain') !== null || str('ssl.keystore.key') !== null;
  const truststoreGiven = str('ssl.truststore.location') !== null || str('ssl.truststore.certificates') !== null;
  return {
    protocol: str('ssl.protocol') ?? 'TLSv1.3',
    enabledProtocols: view.list('ssl.enabled.protocols'),
    cipherSuites: view.list('ssl.cipher.suites'),
    clientAuth: (view.string('ssl.client.auth') ?? 'none') as SslClientAuth,
    endpointIdentificationAlgorithm: str('ssl.endpoint.identification.algorithm'),
    principalMappingRules: str('ssl.principal.mapping.rules') ?? 'DEFAULT',
    keystore: keystoreGiven ? {
      type: str('ssl.keystore.type') ?? 'JKS',
      location: str('ssl.keystore.location'),
      password: str('ssl.keystore.password'),
      keyPassword: str('ssl.key.password'),
      certificates: str('ssl.keystore.certificate.chain'),
      key: str('ssl.keystore.key'),
    } : null,
    truststore: truststoreGiven ? {
      type: str('ssl.truststore.type') ?? 'JKS',
      location: str('ssl.truststore.location'),
      password: str('ssl.truststore.password'),
      certificates: str('ssl.truststore.certificates'),
    } : null,
  };
}

/** A listener's SSL settings: it must have a key store to present (Kafka would fail every handshake). */
function serverSslConfig(view: ListenerConfigView): SslConfig {
  const ssl = sslConfigOf(view);
  if (!ssl.keystore) {
    throw new ConfigError(`SSL key store is not specified for listener ${view.listenerName} (${view.securityProtocolText}): set ssl.keystore.location `
      + '(PKCS12 or PEM) or ssl.keystore.type=PEM with ssl.keystore.certificate.chain and ssl.keystore.key', view.keyName('ssl.keystore.location'));
  }
  return ssl;
}

function jaasOf(view: ListenerConfigView, mechanism: string): AppConfigurationEntry {
  const key = view.mechanismKeyName(mechanism, 'sasl.jaas.config');
  const text = view.mechanismValue(mechanism, 'sasl.jaas.config');
  if (text === undefined) {
    throw new ConfigError(`No JAAS configuration for SASL mechanism ${mechanism} on listener ${view.listenerName}: set ${key} `
      + `(for example ${SASL_LOGIN_MODULES.get(mechanism)} required ...;). kafkats reads JAAS only from broker configs, `
      + 'not from a java.security.auth.login.config file.', key);
  }
  let entry: AppConfigurationEntry;
  try {
    entry = loadJaasContext(text);
  } catch (err) {
    if (err instanceof JaasConfigError) throw new ConfigError(`Invalid ${key}: ${err.message}`, key, '[hidden]');
    throw err;
  }
  const expected = SASL_LOGIN_MODULES.get(mechanism)!;
  if (entry.loginModuleName !== expected) {
    throw new ConfigError(`${key} uses login module ${entry.loginModuleName}, which kafkats cannot load; SASL/${mechanism} needs ${expected}`, key, '[hidden]');
  }
  return entry;
}

function reauthMs(view: ListenerConfigView, mechanism: string): number {
  const raw = view.mechanismValue(mechanism, 'connections.max.reauth.ms');
  const v = raw !== undefined ? BROKER_CONFIG_DEF.parse('connections.max.reauth.ms', raw) : view.get('connections.max.reauth.ms');
  return Number(v ?? 0);
}

function saslConfigOf(view: ListenerConfigView): SaslListenerConfig {
  const enabled = [...new Set(view.list('sasl.enabled.mechanisms'))];
  const key = view.keyName('sasl.enabled.mechanisms');
  if (enabled.length === 0) {
    throw new ConfigError(`A non-empty list of sasl.enabled.mechanisms must be set for SASL listener ${view.listenerName}`, key, '');
  }
  for (const m of enabled) {
    if (m === 'GSSAPI') {
      throw new ConfigError(`SASL mechanism GSSAPI (Kerberos) is enabled on listener ${view.listenerName} (${key}, Kafka's default) but kafkats cannot serve it; `
        + `set ${key} to some of ${[...SASL_LOGIN_MODULES.keys()].join(', ')}`, key, enabled.join(','));
    }
    if (!SASL_LOGIN_MODULES.has(m)) {
      throw new ConfigError(`Unsupported SASL mechanism ${m} in ${key} for listener ${view.listenerName}; kafkats serves ${[...SASL_LOGIN_MODULES.keys()].join(', ')}`, key, enabled.join(','));
    }
  }
  const mechanisms = new Map<string, SaslMechanismConfig>();
  for (const m of enabled) {
    for (const k of ['sasl.server.callback.handler.class', 'sasl.login.callback.handler.class', 'sasl.login.class']) {
      const v = view.mechanismValue(m, k);
      if (v !== undefined && v.length > 0) {
        throw new ConfigError(`${view.mechanismKeyName(m, k)}=${v}: kafkats cannot load Java classes; remove it to use kafkats' built-in ${m}`, view.mechanismKeyName(m, k), v);
      }
    }
    mechanisms.set(m, { mechanism: m, jaas: jaasOf(view, m), connectionsMaxReauthMs: reauthMs(view, m) });
  }
  refuseClass(view, 'sasl.server.callback.handler.class');
  refuseClass(view, 'sasl.login.callback.handler.class');
  return { enabledMechanisms: enabled, mechanisms, maxReceiveSize: Number(view.get('sasl.server.max.receive.size')) };
}

const usesSsl = (p: SecurityProtocol): boolean => p === 'SSL' || p === 'SASL_SSL';
const usesSasl = (p: SecurityProtocol): boolean => p === 'SASL_PLAINTEXT' || p === 'SASL_SSL';

/** The security of every listener, validated. */
export function listenerSecurityConfigs(source: ConfigSource, listeners: readonly EndPoint[]): Map<string, ListenerSecurityConfig> {
  const principalBuilder = source.get('principal.builder.class');
  if (principalBuilder !== 'org.apache.kafka.common.security.authenticator.DefaultKafkaPrincipalBuilder') {
    throw new ConfigError(`principal.builder.class=${String(principalBuilder)}: kafkats cannot load Java classes; it builds principals as Kafka's DefaultKafkaPrincipalBuilder`,
      'principal.builder.class', principalBuilder);
  }
  const out = new Map<string, ListenerSecurityConfig>();
  for (const ep of listeners) {
    const view = new ListenerConfigView(source, ep.listenerName, ep.securityProtocol);
    out.set(ep.listenerName, {
      listenerName: ep.listenerName,
      securityProtocol: ep.securityProtocol,
      ssl: usesSsl(ep.securityProtocol) ? serverSslConfig(view) : null,
      sasl: usesSasl(ep.securityProtocol) ? saslConfigOf(view) : null,
    });
  }
  return out;
}

/**
 * The client side of the inter-broker listener: its SSL settings, and for SASL the mechanism
 * (sasl.mechanism.inter.broker.protocol, which must be enabled there) and the JAAS entry holding
 * the broker's own `username`/`password` (PLAIN, SCRAM) or unsecured login claims (OAUTHBEARER).
 */
export function interBrokerSecurityConfig(source: ConfigSource, listener: ListenerSecurityConfig): InterBrokerSecurityConfig {
  let sasl: InterBrokerSecurityConfig['sasl'] = null;
  if (listener.sasl) {
    const mechanism = String(source.get('sasl.mechanism.inter.broker.protocol') ?? '');
    const m = listener.sasl.mechanisms.get(mechanism);
    if (!m) {
      throw new ConfigError(`sasl.mechanism.inter.broker.protocol must be included in sasl.enabled.mechanisms when SASL is used for inter-broker communication (${mechanism} is not enabled on listener ${listener.listenerName})`,
        'sasl.mechanism.inter.broker.protocol', mechanism);
    }
    const o = m.jaas.options;
    const needs = mechanism === 'OAUTHBEARER' ? [] : ['username', 'password'];
    const missing = needs.filter((k) => !o.has(k));
    if (missing.length > 0 || (mechanism === 'OAUTHBEARER' && ![...o.keys()].some((k) => k.startsWith('unsecuredLoginStringClaim_')))) {
      const key = new ListenerConfigView(source, listener.listenerName).mechanismKeyName(mechanism, 'sasl.jaas.config');
      throw new ConfigError(`${key} must hold the broker's own credentials for inter-broker SASL/${mechanism}: `
        + (mechanism === 'OAUTHBEARER' ? 'unsecuredLoginStringClaim_sub="<broker principal>"' : 'username="<user>" password="<password>"'), key, '[hidden]');
    }
    sasl = { mechanism, jaas: m.jaas };
  }
  return { listenerName: listener.listenerName, securityProtocol: listener.securityProtocol, ssl: listener.ssl, sasl };
}
