/**
 * The client side of a SASL mechanism from a JAAS entry, as Kafka's login modules give a client its
 * credentials: PLAIN and SCRAM read `username` / `password`, OAUTHBEARER builds Kafka's unsecured
 * login token from the `unsecuredLogin*` options (development only).
 */
import type { SaslClient } from './sasl-server.js';
import type { AppConfigurationEntry } from '../jaas-config.js';
import { PlainSaslClient } from '../plain/plain-sasl-server.js';
import { ScramSaslClient } from '../scram/scram-sasl-client.js';
import { scramMechanismForName } from '../scram/scram-mechanism.js';
import { OAuthBearerSaslClient } from '../oauthbearer/oauth-bearer-sasl-server.js';
import { unsecuredLoginToken } from '../oauthbearer/oauth-bearer-unsecured-login.js';

export function createSaslClient(mechanism: string, jaas: AppConfigurationEntry, nowMs: () => number = Date.now): SaslClient {
  const option = (name: string): string => {
    const v = jaas.options.get(name);
    if (v === undefined) throw new Error(`the JAAS configuration for SASL/${mechanism} has no ${name}`);
    return v;
  };
  const scram = scramMechanismForName(mechanism);
  if (scram) return new ScramSaslClient(scram, option('username'), option('password'));
  if (mechanism === 'PLAIN') return new PlainSaslClient(option('username'), option('password'));
  if (mechanism === 'OAUTHBEARER') {
    const token = unsecuredLoginToken(jaas.options, nowMs());
    return new OAuthBearerSaslClient(token.value, token.extensions);
  }
  throw new Error(`no SaslClient for mechanism ${mechanism}`);
}
