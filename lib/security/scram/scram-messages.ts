/**
 * Kafka's ScramMessages: the four SCRAM messages of RFC 5802 §7 with Kafka's grammar and limits —
 * only the gs2 header `n` (no channel binding), extensions parsed but ignored except `tokenauth`,
 * characters restricted to 7-bit ASCII as Kafka's patterns are. Parsing a message that does not
 * match throws a SaslException ("Invalid SCRAM client first message format: …").
 */
import { SaslException } from '../authenticator/sasl-exceptions.js';

const VALUE_SAFE = '[\\x01-\\x2B\\x2D-\\x3C\\x3E-\\x7F]+';
const VALUE = '[\\x01-\\x2B\\x2D-\\x7F]+';
const PRINTABLE = '[\\x21-\\x2B\\x2D-\\x7E]+';
const SASLNAME = '(?:[\\x01-\\x2B\\x2D-\\x3C\\x3E-\\x7F]|=2C|=3D)+';
const B64 = '[a-zA-Z0-9/+]';
const BASE64 = `(?:${B64}{4})*(?:${B64}{3}=|${B64}{2}==)?`;
const RESERVED = `(?:m=${VALUE},)?`;
const EXTENSIONS = `(?:,[A-Za-z]+=${VALUE})*`;

const CLIENT_FIRST = new RegExp(`^n,(?:a=(?<authzid>${SASLNAME}))?,${RESERVED}n=(?<saslname>${SASLNAME}),r=(?<nonce>${PRINTABLE})(?<extensions>${EXTENSIONS})$`);
const SERVER_FIRST = new RegExp(`^${RESERVED}r=(?<nonce>${PRINTABLE}),s=(?<salt>${BASE64}),i=(?<iterations>[0-9]+)${EXTENSIONS}$`);
const CLIENT_FINAL = new RegExp(`^c=(?<channel>${BASE64}),r=(?<nonce>${PRINTABLE})${EXTENSIONS},p=(?<proof>${BASE64})$`);
const SERVER_FINAL = new RegExp(`^(?:e=(?<error>${VALUE_SAFE})|v=(?<signature>${BASE64})${EXTENSIONS})$`);

function text(bytes: Buffer): string {
  return bytes.toString('utf8');
}

/** `k=v,k=v` extensions (Kafka's ScramExtensions; only `tokenauth` means anything). */
function parseExtensions(s: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const kv of s.split(',').filter((x) => x.length > 0)) {
    const i = kv.indexOf('=');
    out.set(kv.substring(0, i), kv.substring(i + 1));
  }
  return out;
}

/** gs2-header [reserved-mext ","] username "," nonce ["," extensions] */
export class ClientFirstMessage {
  constructor(readonly saslName: string, readonly nonce: string, readonly authorizationId = '',
    readonly extensions: ReadonlyMap<string, string> = new Map()) {}

  static parse(bytes: Buffer): ClientFirstMessage {
    const message = text(bytes);
    const m = CLIENT_FIRST.exec(message);
    if (!m?.groups) throw new SaslException(`Invalid SCRAM client first message format: ${message}`);
    const g = m.groups;
    return new ClientFirstMessage(g.saslname!, g.nonce!, g.authzid ?? '', parseExtensions(g.extensions ?? ''));
  }

  gs2Header(): string {
    return `n,${this.authorizationId},`;
  }

  clientFirstMessageBare(): string {
    const ext = [...this.extensions].map(([k, v]) => `${k}=${v}`).join(',');
    return ext.length === 0 ? `n=${this.saslName},r=${this.nonce}` : `n=${this.saslName},r=${this.nonce},${ext}`;
  }

  toBytes(): Buffer {
    return Buffer.from(this.gs2Header() + this.clientFirstMessageBare(), 'utf8');
  }
}

/** [reserved-mext ","] nonce "," salt "," iteration-count ["," extensions] */
export class ServerFirstMessage {
  /** `nonce` is the client's nonce followed by the server's. */
  constructor(readonly nonce: string, readonly salt: Buffer, readonly iterations: number) {}

  static parse(bytes: Buffer): ServerFirstMessage {
    const message = text(bytes);
    const m = SERVER_FIRST.exec(message);
    if (!m?.groups) throw new SaslException(`Invalid SCRAM server first message format: ${message}`);
    const iterations = Number(m.groups.iterations);
    if (!Number.isSafeInteger(iterations) || iterations > 0x7fffffff) throw new SaslException('Invalid SCRAM server first message format: invalid iterations');
    if (iterations <= 0) throw new SaslException(`Invalid SCRAM server first message format: invalid iterations ${iterations}`);
    return new ServerFirstMessage(m.groups.nonce!, Buffer.from(m.groups.salt!, 'base64'), iterations);
  }

  toMessage(): string {
    return `r=${this.nonce},s=${this.salt.toString('base64')},i=${this.iterations}`;
  }

  toBytes(): Buffer {
    return Buffer.from(this.toMessage(), 'utf8');
  }
}

/** channel-binding "," nonce ["," extensions] "," proof */
export class ClientFinalMessage {
  constructor(readonly channelBinding: Buffer, readonly nonce: string, public proof: Buffer = Buffer.alloc(0)) {}

  static parse(bytes: Buffer): ClientFinalMessage {
    const message = text(bytes);
    const m = CLIENT_FINAL.exec(message);
    if (!m?.groups) throw new SaslException(`Invalid SCRAM client final message format: ${message}`);
    return new ClientFinalMessage(Buffer.from(m.groups.channel!, 'base64'), m.groups.nonce!, Buffer.from(m.groups.proof!, 'base64'));
  }

  clientFinalMessageWithoutProof(): string {
    return `c=${this.channelBinding.toString('base64')},r=${this.nonce}`;
  }

  toBytes(): Buffer {
    return Buffer.from(`${this.clientFinalMessageWithoutProof()},p=${this.proof.toString('base64')}`, 'utf8');
  }
}

/** ("e=" server-error-value | "v=" base64_server_signature) ["," extensions] */
export class ServerFinalMessage {
  constructor(readonly error: string | null, readonly serverSignature: Buffer | null) {}

  static parse(bytes: Buffer): ServerFinalMessage {
    const message = text(bytes);
    const m = SERVER_FINAL.exec(message);
    if (!m?.groups) throw new SaslException(`Invalid SCRAM server final message format: ${message}`);
    if (m.groups.error !== undefined) return new ServerFinalMessage(m.groups.error, null);
    return new ServerFinalMessage(null, Buffer.from(m.groups.signature!, 'base64'));
  }

  toBytes(): Buffer {
    return Buffer.from(this.error !== null ? `e=${this.error}` : `v=${this.serverSignature!.toString('base64')}`, 'utf8');
  }
}
