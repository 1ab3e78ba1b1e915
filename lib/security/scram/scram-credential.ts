/**
 * Kafka's ScramCredential and ScramCredentialUtils: what the broker keeps for a SCRAM user, and its
 * text form in ZooKeeper, one entry per mechanism of `/config/users/<sanitized user>`
 * (`{"version":1,"config":{"SCRAM-SHA-256":"salt=…,stored_key=…,server_key=…,iterations=4096"}}`):
 * `salt=<base64>,stored_key=<base64>,server_key=<base64>,iterations=<n>` — exactly the four keys,
 * so kafka-configs.sh and kafkats write and read each other's credentials.
 */

export interface ScramCredential {
  readonly salt: Buffer;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
  readonly iterations: number;
}

const KEYS = ['salt', 'stored_key', 'server_key', 'iterations'] as const;

export function credentialToString(c: ScramCredential): string {
  return `salt=${c.salt.toString('base64')},stored_key=${c.storedKey.toString('base64')},server_key=${c.serverKey.toString('base64')},iterations=${c.iterations}`;
}

/** Java's basic Base64 decoder: the standard alphabet, padding optional. */
function base64(s: string, text: string): Buffer {
  const m = /^([A-Za-z0-9+/]*)(={0,2})$/.exec(s);
  if (!m || m[1]!.length % 4 === 1 || (m[2]!.length > 0 && (m[1]!.length + m[2]!.length) % 4 !== 0)) throw new Error(`Credentials not valid: ${text}`);
  return Buffer.from(s, 'base64');
}

/** Parses the text form; anything but the four keys (each once) throws "Credentials not valid". */
export function credentialFromString(text: string): ScramCredential {
  const props = new Map<string, string>();
  for (const token of text.split(',')) {
    const i = token.indexOf('=');
    if (i <= 0) throw new Error(`Credentials not valid: ${text}`);
    props.set(token.substring(0, i), token.substring(i + 1));
  }
  if (props.size !== 4 || !KEYS.every((k) => props.has(k))) throw new Error(`Credentials not valid: ${text}`);
  const iterationsText = props.get('iterations')!;
  const iterations = Number(iterationsText);
  if (!/^[+-]?\d+$/.test(iterationsText) || !Number.isSafeInteger(iterations) || iterations > 0x7fffffff || iterations < -0x80000000) {
    throw new Error(`Credentials not valid: ${text}`);
  }
  return {
    salt: base64(props.get('salt')!, text),
    storedKey: base64(props.get('stored_key')!, text),
    serverKey: base64(props.get('server_key')!, text),
    iterations,
  };
}
