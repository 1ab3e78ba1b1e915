/**
 * A tool's `--command-config` file (Kafka's client properties; the console tools' older
 * `--producer.config` / `--consumer.config`) turned into how kafkats' admin client and kafkajs
 * (lib/cli/kafkajs-support.ts) connect: `security.protocol` PLAINTEXT, SSL, SASL_PLAINTEXT or
 * SASL_SSL; `sasl.mechanism` with `sasl.jaas.config` (PLAIN and SCRAM: `username`/`password`; OAUTHBEARER: unsecured login
 * claims); `ssl.truststore.*` / `ssl.keystore.*` (PEM or PKCS12, files or inline) and
 * `ssl.endpoint.identification.algorithm` (default https). What kafkats cannot do is a readable error.
 */
import { readFileSync } from 'node:fs';
import { CliError } from './cli-support.js';
import { parseProperties } from '../config/properties.js';
import type { ClientChannelSecurity } from '../network/network-client.js';
import { SslFactory, SslConfigError } from '../security/ssl/ssl-factory.js';
import type { SslConfig } from '../security/ssl/ssl-config.js';
import { loadJaasContext, JaasConfigError } from '../security/jaas-config.js';
import { SASL_LOGIN_MODULES } from '../config/listener-security.js';
import { createSaslClient } from '../security/authenticator/sasl-client-factory.js';

export function readCommandConfig(file: string): Map<string, string> {
  try {
    return parseProperties(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`cannot read --command-config ${file}: ${(err as Error).message}`);
  }
}

function sslConfigOf(props: ReadonlyMap<string, string>): SslConfig {
  const get = (k: string): string | null => {
    const v = props.get(k);
    return v === undefined || v.length === 0 ? null : v;
  };
  const store = (kind: 'keystore' | 'truststore'): SslConfig['keystore'] => {
    const location = get(`ssl.${kind}.location`);
    const certificates = get(kind === 'keystore' ? 'ssl.keystore.certificate.chain' : 'ssl.truststore.certificates');
    const key = kind === 'keystore' ? get('ssl.keystore.key') : null;
    if (location === null && certificates === null && key === null) return null;
    return { type: get(`ssl.${kind}.type`) ?? (location?.endsWith('.pem') || certificates ? 'PEM' : 'PKCS12'), location,
      password: get(`ssl.${kind}.password`), keyPassword: get('ssl.key.password'), certificates, key };
  };
  return {
    protocol: get('ssl.protocol') ?? 'TLSv1.3',
    enabledProtocols: (get('ssl.enabled.protocols') ?? 'TLSv1.2,TLSv1.3').split(',').map((s) => s.trim()),
    cipherSuites: (get('ssl.cipher.suites') ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0),
    clientAuth: 'none',
    endpointIdentificationAlgorithm: props.has('ssl.endpoint.identification.algorithm') ? props.get('ssl.endpoint.identification.algorithm')! : 'https',
    principalMappingRules: 'DEFAULT',
    keystore: store('keystore'),
    truststore: store('truststore'),
  };
}

/** Null for PLAINTEXT; `source` names the file in errors. */
export function clientSecurityOf(props: ReadonlyMap<string, string>, clientId: string, source = '--command-config'): ClientChannelSecurity | null {
  const protocol = (props.get('security.protocol') ?? 'PLAINTEXT').trim().toUpperCase();
  if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)) throw new CliError(`unknown security.protocol ${protocol} in ${source}`);
  if (protocol === 'PLAINTEXT') return null;
  let ssl: SslFactory | null = null;
  if (protocol.endsWith('SSL')) {
    try {
      ssl = new SslFactory(sslConfigOf(props), 'client');
    } catch (err) {
      if (err instanceof SslConfigError) throw new CliError(`${err.message} (${source})`);
      throw err;
    }
  }
  let newSaslClient: ClientChannelSecurity['newSaslClient'] = null;
  if (protocol.startsWith('SASL')) {
    const mechanism = (props.get('sasl.mechanism') ?? 'GSSAPI').trim();
    if (!SASL_LOGIN_MODULES.has(mechanism)) {
      throw new CliError(`sasl.mechanism=${mechanism} in ${source}: kafkats tools speak ${[...SASL_LOGIN_MODULES.keys()].join(', ')}`);
    }
    const text = props.get('sasl.jaas.config');
    if (text === undefined) throw new CliError(`sasl.jaas.config is required in ${source} for SASL/${mechanism}`);
    let jaas;
    try {
      jaas = loadJaasContext(text);
    } catch (err) {
      if (err instanceof JaasConfigError) throw new CliError(`invalid sasl.jaas.config in ${source}: ${err.message}`);
      throw err;
    }
    try {
      createSaslClient(mechanism, jaas);
    } catch (err) {
      throw new CliError(`sasl.jaas.config in ${source}: ${(err as Error).message}`);
    }
    newSaslClient = () => createSaslClient(mechanism, jaas);
  }
  return { ssl, newSaslClient, clientId };
}

/** The security of a tool's --command-config file, or null (PLAINTEXT) without one. */
export function commandConfigSecurity(file: string | undefined, clientId: string): ClientChannelSecurity | null {
  return file === undefined ? null : clientSecurityOf(readCommandConfig(file), clientId, file);
}

export const COMMAND_CONFIG_HELP = 'admin client settings: security.protocol, sasl.mechanism, sasl.jaas.config, ssl.truststore.*, ssl.keystore.*';

export const CLIENT_CONFIG_HELP = 'client security settings (a properties file): security.protocol, sasl.mechanism, sasl.jaas.config, ssl.truststore.*, ssl.keystore.*';
