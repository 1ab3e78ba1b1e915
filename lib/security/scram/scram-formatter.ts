/**
 * Kafka's ScramFormatter: the SCRAM computations of RFC 5802 §3 with Node's crypto.
 *   SaltedPassword  := Hi(password, salt, i)        (PBKDF2 with HMAC-H, one block: pbkdf2Sync)
 *   ClientKey       := HMAC(SaltedPassword, "Client Key")
 *   StoredKey       := H(ClientKey)
 *   ServerKey       := HMAC(SaltedPassword, "Server Key")
 *   AuthMessage     := client-first-message-bare "," server-first-message "," client-final-message-without-proof
 *   ClientSignature := HMAC(StoredKey, AuthMessage);  ClientProof := ClientKey XOR ClientSignature
 *   ServerSignature := HMAC(ServerKey, AuthMessage)
 * Passwords are used as their UTF-8 bytes, without SASLprep, as Kafka does. Salts and nonces are
 * Kafka's: the base-36 text of a 130-bit random number.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type { ScramMechanism } from './scram-mechanism.js';
import type { ScramCredential } from './scram-credential.js';

export class ScramFormatter {
  constructor(readonly mechanism: ScramMechanism) {}

  hmac(key: Buffer, data: Buffer | string): Buffer {
    return createHmac(this.mechanism.hashAlgorithm, key).update(data).digest();
  }

  hash(data: Buffer): Buffer {
    return createHash(this.mechanism.hashAlgorithm).update(data).digest();
  }

  /** Hi(str, salt, i) of RFC 5802: PBKDF2 with the mechanism's HMAC and an output of one hash length. */
  hi(str: Buffer, salt: Buffer, iterations: number): Buffer {
    return pbkdf2Sync(str, salt, iterations, this.mechanism.hashLength, this.mechanism.hashAlgorithm);
  }

  saltedPassword(password: string, salt: Buffer, iterations: number): Buffer {
    return this.hi(Buffer.from(password, 'utf8'), salt, iterations);
  }

  clientKey(saltedPassword: Buffer): Buffer {
    return this.hmac(saltedPassword, 'Client Key');
  }

  storedKey(clientKey: Buffer): Buffer {
    return this.hash(clientKey);
  }

  serverKey(saltedPassword: Buffer): Buffer {
    return this.hmac(saltedPassword, 'Server Key');
  }

  /** A credential for `password` with a fresh salt (what Kafka's tools store). */
  generateCredential(password: string, iterations: number): ScramCredential {
    const salt = Buffer.from(secureRandomString(), 'utf8');
    return this.credentialFromSaltedPassword(salt, this.saltedPassword(password, salt, iterations), iterations);
  }

  /** The stored form of an already salted password (AlterUserScramCredentials sends salt and salted password). */
  credentialFromSaltedPassword(salt: Buffer, saltedPassword: Buffer, iterations: number): ScramCredential {
    return { salt, storedKey: this.storedKey(this.clientKey(saltedPassword)), serverKey: this.serverKey(saltedPassword), iterations };
  }
}

export function xor(a: Buffer, b: Buffer): Buffer {
  if (a.length !== b.length) throw new Error('Argument arrays must be of the same length');
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

export function authMessage(clientFirstMessageBare: string, serverFirstMessage: string, clientFinalMessageWithoutProof: string): string {
  return `${clientFirstMessageBare},${serverFirstMessage},${clientFinalMessageWithoutProof}`;
}

/** Kafka's secureRandomString: a 130-bit random number in base 36. */
export function secureRandomString(): string {
  const bits = randomBytes(17);
  bits[0]! &= 0x03; // 130 bits: 2 of the first byte, 128 of the other 16
  return BigInt(`0x${bits.toString('hex')}`).toString(36);
}

/** RFC 5802 saslname: `=` → `=3D`, `,` → `=2C`. */
export function saslName(username: string): string {
  return username.replaceAll('=', '=3D').replaceAll(',', '=2C');
}

/** The user name of a saslname; any `=` not starting `=2C` or `=3D` is invalid. */
export function usernameOf(name: string): string {
  const commas = name.replaceAll('=2C', ',');
  if (commas.replaceAll('=3D', '').includes('=')) throw new Error(`Invalid username: ${name}`);
  return commas.replaceAll('=3D', '=');
}
