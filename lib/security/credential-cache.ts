/**
 * Kafka's CredentialCache with CredentialProvider.updateCredentials: the SCRAM credentials a broker
 * authenticates with, one map per enabled SCRAM mechanism, kept current from
 * `/config/users/<sanitized user>` — at start-up for every user, then on each `/config/changes`
 * notification for entity type `users` (the whole entry is re-read: a mechanism missing from it
 * removes that credential). An entry that does not parse is logged and leaves the user without that
 * credential.
 */
import { SCRAM_MECHANISMS } from './scram/scram-mechanism.js';
import { credentialFromString, type ScramCredential } from './scram/scram-credential.js';
import { desanitize } from '../common/sanitizer.js';

export class CredentialCache {
  private readonly caches = new Map<string, Map<string, ScramCredential>>();

  /** Caches are created for the SCRAM mechanisms among `mechanisms` (the enabled ones). */
  constructor(mechanisms: Iterable<string>) {
    const enabled = new Set(mechanisms);
    for (const m of SCRAM_MECHANISMS) if (enabled.has(m.mechanismName)) this.caches.set(m.mechanismName, new Map());
  }

  get mechanisms(): string[] {
    return [...this.caches.keys()];
  }

  credential(mechanism: string, username: string): ScramCredential | undefined {
    return this.caches.get(mechanism)?.get(username);
  }

  /**
   * CredentialProvider.updateCredentials: `config` is the user's whole entry. Returns the
   * mechanisms whose credential could not be read (their old credential is dropped).
   */
  updateCredentials(username: string, config: Readonly<Record<string, string>>): string[] {
    const bad: string[] = [];
    for (const [mechanism, cache] of this.caches) {
      const text = config[mechanism];
      if (text === undefined) {
        cache.delete(username);
        continue;
      }
      try {
        cache.set(username, credentialFromString(text));
      } catch {
        cache.delete(username);
        bad.push(mechanism);
      }
    }
    return bad;
  }

  /**
   * Kafka's UserConfigHandler: a change of `/config/users/<entity>`. Only plain user entities carry
   * credentials (`<user>/clients/<client-id>` and `<default>` are quota entities).
   */
  updateFromUserEntity(sanitizedEntityName: string, config: Readonly<Record<string, string>>): string[] {
    if (sanitizedEntityName.includes('/') || sanitizedEntityName === '<default>') return [];
    return this.updateCredentials(desanitize(sanitizedEntityName), config);
  }
}
