/**
 * Kafka's ScramMechanism (common.security.scram.internals): the two SCRAM mechanisms Kafka serves,
 * with the type byte of the admin API (AlterUserScramCredentials, DescribeUserScramCredentials),
 * the hash and HMAC algorithms and the iteration bounds. Kafka refuses credentials with fewer than
 * `minIterations` and the admin API refuses more than `maxIterations`.
 */

export interface ScramMechanism {
  /** The admin API's type byte: 1 for SCRAM-SHA-256, 2 for SCRAM-SHA-512 (0 is UNKNOWN). */
  readonly type: number;
  readonly mechanismName: 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  /** Node's digest name (`sha256`, `sha512`). */
  readonly hashAlgorithm: 'sha256' | 'sha512';
  /** Bytes of one hash output (the length of StoredKey, ServerKey and the salted password). */
  readonly hashLength: number;
  readonly minIterations: number;
  readonly maxIterations: number;
}

export const SCRAM_SHA_256: ScramMechanism = {
  type: 1, mechanismName: 'SCRAM-SHA-256', hashAlgorithm: 'sha256', hashLength: 32, minIterations: 4096, maxIterations: 16384,
};
export const SCRAM_SHA_512: ScramMechanism = {
  type: 2, mechanismName: 'SCRAM-SHA-512', hashAlgorithm: 'sha512', hashLength: 64, minIterations: 4096, maxIterations: 16384,
};

export const SCRAM_MECHANISMS: readonly ScramMechanism[] = [SCRAM_SHA_256, SCRAM_SHA_512];

export function scramMechanismForName(name: string): ScramMechanism | undefined {
  return SCRAM_MECHANISMS.find((m) => m.mechanismName === name);
}

export function scramMechanismForType(type: number): ScramMechanism | undefined {
  return SCRAM_MECHANISMS.find((m) => m.type === type);
}

export function isScram(mechanismName: string): boolean {
  return scramMechanismForName(mechanismName) !== undefined;
}
