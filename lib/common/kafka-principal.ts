/**
 * Kafka's KafkaPrincipal (org.apache.kafka.common.security.auth): who sent a request, as
 * `<type>:<name>`. A PLAINTEXT connection is `User:ANONYMOUS` (Kafka's default principal builder);
 * SSL and SASL listeners will set the authenticated principal on the connection instead.
 * SecurityUtils.parseKafkaPrincipal reads the `User:alice` form used in ACLs and `super.users`.
 */

export class KafkaPrincipal {
  static readonly USER_TYPE = 'User';
  static readonly ANONYMOUS = new KafkaPrincipal(KafkaPrincipal.USER_TYPE, 'ANONYMOUS');

  constructor(readonly principalType: string, readonly name: string) {}

  equals(other: KafkaPrincipal): boolean {
    return this.principalType === other.principalType && this.name === other.name;
  }

  toString(): string {
    return `${this.principalType}:${this.name}`;
  }
}

/** SecurityUtils.parseKafkaPrincipal: `type:name`, split at the first colon (the name may hold more). */
export function parseKafkaPrincipal(s: string): KafkaPrincipal {
  const i = s.indexOf(':');
  if (s.length === 0 || i < 0) throw new Error(`expected a string in format principalType:principalName but got ${s}`);
  return new KafkaPrincipal(s.substring(0, i), s.substring(i + 1));
}

/**
 * The text of a client's address as Java's InetAddress.getHostAddress writes it, which is what
 * Kafka's ACL `host` field is compared with: IPv4 dotted quads (also for IPv4-mapped IPv6
 * addresses, which Java turns into IPv4 ones), IPv6 as eight hexadecimal groups without
 * compression or leading zeros (`::1` → `0:0:0:0:0:0:0:1`), a zone id kept after `%`.
 */
export function hostAddress(remoteAddress: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(remoteAddress);
  if (mapped) return mapped[1]!;
  if (!remoteAddress.includes(':')) return remoteAddress;
  const [addr = '', zone] = remoteAddress.split('%', 2);
  let head = addr;
  let tail = '';
  const dbl = addr.indexOf('::');
  if (dbl >= 0) {
    head = addr.substring(0, dbl);
    tail = addr.substring(dbl + 2);
  }
  const groups = (part: string): string[] => {
    if (part === '') return [];
    return part.split(':').flatMap((g) => {
      const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(g);
      if (!v4) return [g];
      const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    });
  };
  const h = groups(head);
  const t = groups(tail);
  const all = dbl >= 0 ? [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t] : h;
  if (all.length !== 8 || !all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return remoteAddress;
  const text = all.map((g) => parseInt(g, 16).toString(16)).join(':');
  return zone === undefined ? text : `${text}%${zone}`;
}
