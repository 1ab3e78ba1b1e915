/**
 * Kafka's Sanitizer: user principals (and client ids) as ZooKeeper node names — URL-encoded as
 * Java's URLEncoder does (UTF-8; letters, digits, `.`, `-`, `_` kept), with `*` as `%2A` and a
 * space as `%20` instead of `+`. `desanitize` is Java's URLDecoder (a `+` decodes to a space).
 */

const KEEP = /[A-Za-z0-9._-]/;

export function sanitize(name: string): string {
  let out = '';
  for (const ch of name) {
    if (KEEP.test(ch)) {
      out += ch;
      continue;
    }
    for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function desanitize(name: string): string {
  const bytes: number[] = [];
  let out = '';
  const flush = (): void => {
    if (bytes.length > 0) out += Buffer.from(bytes).toString('utf8');
    bytes.length = 0;
  };
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    if (c === '%') {
      const hex = name.substring(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new Error(`URLDecoder: Illegal hex characters in escape (%) pattern - ${hex}`);
      bytes.push(parseInt(hex, 16));
      i += 2;
      continue;
    }
    flush();
    out += c === '+' ? ' ' : c;
  }
  flush();
  return out;
}
