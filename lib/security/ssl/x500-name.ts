/**
 * The subject of an X.509 certificate as Java's X500Principal.getName() writes it (RFC 2253),
 * which is the string Kafka's SSL principal (`User:<DN>`) and ssl.principal.mapping.rules see:
 * RDNs in reverse order of the certificate, `,` between them and `+` inside a multi-valued one;
 * the keywords CN, C, L, ST, O, OU, STREET, DC and UID, other attributes by OID with `#` and the
 * hex of their DER value (e.g. emailAddress as `1.2.840.113549.1.9.1=#16…`); in values `,=+<>#;"\`
 * are escaped with `\`, NUL as `\00`, and leading/trailing spaces with `\`.
 * Only the few DER forms a certificate's Name uses are read.
 */

const KEYWORDS = new Map([
  ['2.5.4.3', 'CN'], ['2.5.4.6', 'C'], ['2.5.4.7', 'L'], ['2.5.4.8', 'ST'], ['2.5.4.10', 'O'], ['2.5.4.11', 'OU'],
  ['2.5.4.9', 'STREET'], ['0.9.2342.19200300.100.1.25', 'DC'], ['0.9.2342.19200300.100.1.1', 'UID'],
]);

interface Tlv {
  tag: number;
  /** The whole encoding (tag, length, contents). */
  der: Buffer;
  content: Buffer;
}

function readTlv(buf: Buffer, at: number): { tlv: Tlv; next: number } {
  if (at + 2 > buf.length) throw new Error('truncated DER');
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let off = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || off + n > buf.length) throw new Error('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[off + i]!;
    off += n;
  }
  if (off + len > buf.length) throw new Error('truncated DER');
  return { tlv: { tag, der: buf.subarray(at, off + len), content: buf.subarray(off, off + len) }, next: off + len };
}

function children(t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = 0; at < t.content.length;) {
    const { tlv, next } = readTlv(t.content, at);
    out.push(tlv);
    at = next;
  }
  return out;
}

function oid(content: Buffer): string {
  const parts: number[] = [];
  let v = 0;
  for (const byte of content) {
    v = v * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  const first = parts.shift() ?? 0;
  const a = first < 40 ? 0 : first < 80 ? 1 : 2;
  return [a, first - a * 40, ...parts].join('.');
}

/** The text of a DER string value, or null when it is not one of the string types. */
function stringValue(t: Tlv): string | null {
  switch (t.tag) {
    case 0x0c: return t.content.toString('utf8'); // UTF8String
    case 0x13: case 0x16: case 0x14: case 0x12: case 0x1a: return t.content.toString('latin1'); // Printable, IA5, T61, Numeric, Visible
    case 0x1e: { // BMPString (UTF-16BE)
      const le = Buffer.from(t.content);
      le.swap16();
      return le.toString('utf16le');
    }
    default: return null;
  }
}

const ESCAPEES = ',=+<>#;"\\';

function escapeValue(value: string): string {
  let s = '';
  for (const c of value) {
    if (ESCAPEES.includes(c)) s += `\\${c}`;
    else if (c === '\u0000') s += '\\00';
    else s += c;
  }
  const chars = [...s];
  let lead = 0;
  while (lead < chars.length && (chars[lead] === ' ' || chars[lead] === '\r')) lead++;
  let trail = chars.length - 1;
  while (trail >= 0 && (chars[trail] === ' ' || chars[trail] === '\r')) trail--;
  return chars.map((c, i) => (i < lead || i > trail ? `\\${c}` : c)).join('');
}

/** RFC 2253 text of a DER Name (SEQUENCE OF SET OF AttributeTypeAndValue). */
export function rfc2253Name(nameDer: Buffer): string {
  const name = readTlv(nameDer, 0).tlv;
  const rdns = children(name).map((rdnSet) => children(rdnSet).map((ava) => {
    const [type, value] = children(ava);
    if (!type || !value) throw new Error('bad AttributeTypeAndValue');
    const o = oid(type.content);
    const keyword = KEYWORDS.get(o);
    const text = keyword !== undefined ? stringValue(value) : null;
    return text === null ? `${o}=#${value.der.toString('hex')}` : `${keyword}=${escapeValue(text)}`;
  }).join('+'));
  return rdns.reverse().join(',');
}

/** The subject DN (RFC 2253, as Java prints it) of a DER certificate. */
export function subjectName(certDer: Buffer): string {
  const cert = readTlv(certDer, 0).tlv;
  const tbs = children(cert)[0];
  if (!tbs) throw new Error('bad certificate');
  const fields = children(tbs);
  // [0] version is optional; then serialNumber, signature, issuer, validity, subject.
  const start = fields[0]?.tag === 0xa0 ? 1 : 0;
  const subject = fields[start + 4];
  if (!subject) throw new Error('certificate has no subject');
  return rfc2253Name(subject.der);
}
