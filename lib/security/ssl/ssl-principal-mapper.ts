/**
 * Kafka's SslPrincipalMapper (`ssl.principal.mapping.rules`, KIP-371): a comma-separated list of
 * `DEFAULT` (the DN as it is) and `RULE:<pattern>/<replacement>/[L|U]` rules, tried in order; the
 * first rule whose pattern matches the whole DN gives the principal name (replaceAll with Java's
 * replacement syntax — `$1` groups, `\` escapes — then lower or upper case). A DN no rule matches
 * fails the connection's authentication. Patterns are JavaScript regular expressions, which agree
 * with Java's for what DN rules use (groups, classes, `.*?`, anchors).
 */

export const DEFAULT_SSL_PRINCIPAL_MAPPING_RULES = 'DEFAULT';

const RULE_PATTERN = '(DEFAULT)|RULE:((?:\\\\.|[^\\\\/])*)/((?:\\\\.|[^\\\\/])*)/([LU]?).*?|(.*?)';
const RULE_SPLITTER = new RegExp(`\\s*(${RULE_PATTERN})\\s*(?:,\\s*|$)`, 'g');
const RULE_PARSER = new RegExp(`^(?:${RULE_PATTERN})`);

export class NoMatchingRule extends Error {}

interface Rule {
  readonly isDefault: boolean;
  readonly pattern?: RegExp;
  readonly source?: string;
  readonly replacement?: string;
  readonly toLowerCase?: boolean;
  readonly toUpperCase?: boolean;
}

/** Java's Matcher.appendReplacement for one match: `$n` groups (as many digits as make a group), `\x` literal x. */
function javaReplacement(replacement: string, groups: ReadonlyArray<string | undefined>): string {
  const groupCount = groups.length - 1;
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '\\' && i + 1 < replacement.length) {
      out += replacement[++i];
    } else if (c === '$' && i + 1 < replacement.length && /\d/.test(replacement[i + 1]!)) {
      let n = Number(replacement[i + 1]);
      if (n > groupCount) { // Kafka escapes a reference past the last group: it stays literal
        out += c;
        continue;
      }
      i++;
      while (i + 1 < replacement.length && /\d/.test(replacement[i + 1]!) && n * 10 + Number(replacement[i + 1]) <= groupCount) {
        n = n * 10 + Number(replacement[++i]);
      }
      out += groups[n] ?? '';
    } else {
      out += c;
    }
  }
  return out;
}

function applyRule(r: Rule, dn: string): string | null {
  if (r.isDefault) return dn;
  const whole = new RegExp(`^(?:${r.source!})$`);
  if (!whole.test(dn)) return null;
  const result = dn.replace(r.pattern!, (...args: unknown[]) => {
    const named = typeof args[args.length - 1] === 'object';
    const groups = args.slice(0, named ? -3 : -2) as Array<string | undefined>;
    return javaReplacement(r.replacement!, groups);
  });
  return r.toLowerCase ? result.toLowerCase() : r.toUpperCase ? result.toUpperCase() : result;
}

export class SslPrincipalMapper {
  private readonly rules: Rule[];

  constructor(rules: string | null = DEFAULT_SSL_PRINCIPAL_MAPPING_RULES) {
    this.rules = parseRules(splitRules(rules ?? DEFAULT_SSL_PRINCIPAL_MAPPING_RULES));
  }

  getName(distinguishedName: string): string {
    for (const r of this.rules) {
      const name = applyRule(r, distinguishedName);
      if (name !== null) return name;
    }
    throw new NoMatchingRule(`No rules apply to ${distinguishedName}, rules ${this.toString()}`);
  }

  toString(): string {
    return `[${this.rules.map((r) => (r.isDefault ? 'DEFAULT' : `RULE:${r.source}/${r.replacement}${r.toLowerCase ? '/L' : r.toUpperCase ? '/U' : ''}`)).join(', ')}]`;
  }
}

function splitRules(text: string): string[] {
  const out: string[] = [];
  const s = text.trim();
  RULE_SPLITTER.lastIndex = 0;
  for (let m = RULE_SPLITTER.exec(s); m !== null; m = RULE_SPLITTER.exec(s)) {
    out.push(m[1]!);
    if (m[0].length === 0) RULE_SPLITTER.lastIndex++;
    if (RULE_SPLITTER.lastIndex > s.length) break;
  }
  return out;
}

function parseRules(rules: string[]): Rule[] {
  const out: Rule[] = [];
  for (const rule of rules) {
    const m = RULE_PARSER.exec(rule);
    if (!m) throw new Error(`Invalid rule: ${rule}`);
    if (m[0].length !== rule.length) throw new Error(`Invalid rule: \`${rule}\`, unmatched substring: \`${rule.substring(m[0].length)}\``);
    if (m[1] !== undefined) out.push({ isDefault: true });
    else if (m[2] !== undefined) {
      let pattern: RegExp;
      try {
        pattern = new RegExp(m[2], 'g');
      } catch (err) {
        throw new Error(`Invalid rule: ${rule}: ${(err as Error).message}`);
      }
      out.push({ isDefault: false, pattern, source: m[2], replacement: m[3]!, toLowerCase: m[4] === 'L', toUpperCase: m[4] === 'U' });
    }
  }
  return out;
}
