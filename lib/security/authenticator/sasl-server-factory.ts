/**
 * The broker's SaslServer for a mechanism (Kafka's SaslServerAuthenticator.createSaslServer with
 * the default callback handlers): PLAIN checks the listener's PlainLoginModule `user_<name>`
 * options, SCRAM the credential cache (/config/users), OAUTHBEARER Kafka's unsecured JWS validator
 * with the listener's OAuthBearerLoginModule options.
 */
import type { SaslServer } from './sasl-server.js';
import { PlainSaslServer, plainAuthenticate } from '../plain/plain-sasl-server.js';
import { ScramSaslServer } from '../scram/scram-sasl-server.js';
import { scramMechanismForName } from '../scram/scram-mechanism.js';
import { OAuthBearerSaslServer } from '../oauthbearer/oauth-bearer-sasl-server.js';
import { OAuthBearerUnsecuredValidator } from '../oauthbearer/oauth-bearer-unsecured-validator.js';
import type { AppConfigurationEntry } from '../jaas-config.js';
import type { CredentialCache } from '../credential-cache.js';

export function createSaslServer(mechanism: string, jaas: AppConfigurationEntry, credentials: CredentialCache, nowMs: () => number): SaslServer {
  const scram = scramMechanismForName(mechanism);
  if (scram) return new ScramSaslServer(scram, (user) => credentials.credential(mechanism, user));
  if (mechanism === 'PLAIN') return new PlainSaslServer((u, p) => plainAuthenticate([jaas], u, p));
  if (mechanism === 'OAUTHBEARER') {
    const validator = new OAuthBearerUnsecuredValidator(jaas.options, nowMs);
    return new OAuthBearerSaslServer((token) => validator.validate(token));
  }
  throw new Error(`no SaslServer for mechanism ${mechanism}`);
}
