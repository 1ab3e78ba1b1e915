/**
 * Kafka's JaasConfig: the `sasl.jaas.config` value, in the JAAS login-file syntax
 *   <loginModuleClass> <controlFlag> (<optionName>=<optionValue>)*;
 * tokenised as Java's StreamTokenizer does for Kafka (words of letters, digits, `.`, `-`, `_`, `$`;
 * '…' and "…" strings with Java escapes; `//` and `/* … *\/` comments; a bare number is not a
 * value). A broker reads it per listener and mechanism
 * (`listener.name.<listener>.<mechanism>.sasl.jaas.config`, both lower case); Kafka allows exactly
 * one login module there. PlainLoginModule's `user_<name>="<password>"` options are PLAIN's users;
 * `username`/`password` are what the broker itself sends as a SASL client.
 */

export type LoginModuleControlFlag = 'REQUIRED' | 'REQUISITE' | 'SUFFICIENT' | 'OPTIONAL';

export interface AppConfigurationEntry {
  readonly loginModuleName: string;
  readonly controlFlag: LoginModuleControlFlag;
  readonly options: ReadonlyMap<string, string>;
}

export class JaasConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JaasConfigError';
  }
}

export const PLAIN_LOGIN_MODULE = 'org.apache.kafka.common.security.plain.PlainLoginModule';
export const SCRAM_LOGIN_MODULE = 'org.apache.kafka.common.security.scram.ScramLoginModule';
export const OAUTHBEARER_LOGIN_MODULE = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';

type Token = { kind: 'word'; text: string } | { kind: 'string'; text: string } | { kind: 'number' } | { kind: 'char'; ch: string } | { kind: 'eof' };

const isAlpha = (c: string): boolean => /[A-Za-z\u00A0-\uFFFF]/.test(c) || c === '-' || c === '_' || c === '$';
const isNumeric = (c: string): boolean => /[0-9.]/.test(c);
const isSpace = (c: string): boolean => c <= ' ';

/** The subset of java.io.StreamTokenizer Kafka's JaasConfig relies on. */
class Tokenizer {
  private i = 0;
  constructor(private readonly s: string) {}

  next(): Token {
    const s = this.s;
    for (;;) {
      while (this.i < s.length && isSpace(s[this.i]!)) this.i++;
      if (this.i >= s.length) return { kind: 'eof' };
      if (s.startsWith('//', this.i)) {
        while (this.i < s.length && s[this.i] !== '\n' && s[this.i] !== '\r') this.i++;
        continue;
      }
      if (s.startsWith('/*', this.i)) {
        const end = s.indexOf('*/', this.i + 2);
        this.i = end < 0 ? s.length : end + 2;
        continue;
      }
      break;
    }
    const c = s[this.i]!;
    if (c === '/') { // a lone '/' is a comment character: the rest of the line is skipped
      while (this.i < s.length && s[this.i] !== '\n' && s[this.i] !== '\r') this.i++;
      return this.next();
    }
    if (isAlpha(c)) {
      const start = this.i;
      while (this.i < s.length && (isAlpha(s[this.i]!) || isNumeric(s[this.i]!))) this.i++;
      return { kind: 'word', text: s.substring(start, this.i) };
    }
    if (isNumeric(c)) {
      while (this.i < s.length && isNumeric(s[this.i]!)) this.i++;
      return { kind: 'number' };
    }
    if (c === '"' || c === '\'') return { kind: 'string', text: this.quoted(c) };
    this.i++;
    return { kind: 'char', ch: c };
  }

  private quoted(quote: string): string {
    const s = this.s;
    this.i++;
    let out = '';
    while (this.i < s.length) {
      const c = s[this.i]!;
      if (c === quote) {
        this.i++;
        return out;
      }
      if (c === '\n' || c === '\r') return out; // StreamTokenizer ends an unterminated string at the line's end
      this.i++;
      if (c !== '\\' || this.i >= s.length) {
        out += c;
        continue;
      }
      const e = s[this.i++]!;
      const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\x0b' };
      if (simple[e] !== undefined) out += simple[e];
      else if (e >= '0' && e <= '7') {
        let v = Number(e);
        const max = e <= '3' ? 2 : 1;
        for (let k = 0; k < max && this.i < s.length && s[this.i]! >= '0' && s[this.i]! <= '7'; k++) v = v * 8 + Number(s[this.i++]);
        out += String.fromCharCode(v);
      } else out += e;
    }
    return out;
  }
}

function controlFlag(flag: string | undefined): LoginModuleControlFlag {
  if (flag === undefined) throw new JaasConfigError('Login module control flag is not available in the JAAS config');
  const f = flag.toUpperCase();
  if (f === 'REQUIRED' || f === 'REQUISITE' || f === 'SUFFICIENT' || f === 'OPTIONAL') return f;
  throw new JaasConfigError(`Invalid login module control flag '${flag}' in JAAS config`);
}

const textOf = (t: Token): string | undefined => (t.kind === 'word' || t.kind === 'string' ? t.text : undefined);

/** Parses a `sasl.jaas.config` value into its login module entries (at least one). */
export function parseJaasConfig(text: string): AppConfigurationEntry[] {
  const tz = new Tokenizer(text);
  const entries: AppConfigurationEntry[] = [];
  for (let t = tz.next(); t.kind !== 'eof'; t = tz.next()) {
    const loginModuleName = textOf(t);
    if (loginModuleName === undefined) throw new JaasConfigError('Login module not specified in JAAS config');
    const flagToken = tz.next();
    if (flagToken.kind === 'eof') throw new JaasConfigError('Login module control flag not specified in JAAS config');
    const flag = controlFlag(textOf(flagToken));
    const options = new Map<string, string>();
    let tok = tz.next();
    while (tok.kind !== 'eof' && !(tok.kind === 'char' && tok.ch === ';')) {
      const key = textOf(tok) ?? 'null';
      const eq = tz.next();
      const value = eq.kind === 'char' && eq.ch === '=' ? textOf(tz.next()) : undefined;
      if (value === undefined) throw new JaasConfigError(`Value not specified for key '${key}' in JAAS config`);
      options.set(key, value);
      tok = tz.next();
    }
    if (tok.kind === 'eof') throw new JaasConfigError('JAAS config entry not terminated by semi-colon');
    entries.push({ loginModuleName, controlFlag: flag, options });
  }
  if (entries.length === 0) throw new JaasConfigError('Login module not specified in JAAS config');
  return entries;
}

/**
 * Kafka's JaasContext.load for a `sasl.jaas.config` property: exactly one login module.
 */
export function loadJaasContext(text: string): AppConfigurationEntry {
  const entries = parseJaasConfig(text);
  if (entries.length !== 1) throw new JaasConfigError(`JAAS config property contains ${entries.length} login modules, should be 1 module`);
  return entries[0]!;
}

/** Kafka's JaasContext.configEntryOption: an option of the entry of that login module. */
export function configEntryOption(entries: readonly AppConfigurationEntry[], key: string, loginModuleName?: string): string | undefined {
  for (const e of entries) {
    if (loginModuleName !== undefined && e.loginModuleName !== loginModuleName) continue;
    const v = e.options.get(key);
    if (v !== undefined) return v;
  }
  return undefined;
}
