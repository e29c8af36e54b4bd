// Small syntax checks used by the value parser: hostnames, LDAP DNs and filters, codecs, NATS URLs.
// Each answers yes/no (or a normalised value); none throws.
import { isIP } from 'node:net';

const LABEL = '[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?';
const HOSTNAME_RE = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*\\.?$`);

/** A DNS hostname or an IP literal (no port). */
export function isHost(value: string): boolean {
  return isIP(value) !== 0 || HOSTNAME_RE.test(value);
}

export function isSingleIp(value: string): boolean {
  return isIP(value) !== 0;
}

// RFC 4514: attributeType = descr / numericoid; values may escape with \ and may be "quoted" (ldaptor too).
const ATTR_TYPE_RE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)$/;

/** Splits on `sep` where it is not escaped by a backslash or inside double quotes. */
function splitUnescaped(text: string, sep: string): string[] | undefined {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      if (i + 1 >= text.length) return undefined; // dangling escape
      cur += c + text[i + 1];
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      cur += c;
    } else if (c === sep && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (quoted) return undefined;
  out.push(cur);
  return out;
}

/** An LDAP distinguished name such as `CN=Users,DC=example,DC=com` (multi-valued RDNs with +). */
export function isDn(value: string): boolean {
  const rdns = splitUnescaped(value, ',');
  if (!rdns) return false;
  return rdns.every((rdn) => {
    const avas = splitUnescaped(rdn, '+');
    if (!avas) return false;
    return avas.every((ava) => {
      const eq = ava.indexOf('=');
      return eq > 0 && ATTR_TYPE_RE.test(ava.slice(0, eq).trim());
    });
  });
}

/** An RFC 4515 search filter: `(&(objectClass=user)(memberOf=CN=VPN,DC=example,DC=com))`. */
export function isLdapFilter(value: string): boolean {
  let pos = 0;
  const s = value.trim();
  const filter = (): boolean => {
    if (s[pos] !== '(') return false;
    pos++;
    const op = s[pos];
    if (op === '&' || op === '|') {
      pos++;
      let n = 0;
      while (s[pos] === '(') {
        if (!filter()) return false;
        n++;
      }
      if (n === 0) return false;
    } else if (op === '!') {
      pos++;
      if (!filter()) return false;
    } else if (!item()) return false;
    if (s[pos] !== ')') return false;
    pos++;
    return true;
  };
  const item = (): boolean => {
    const start = pos;
    while (pos < s.length && !'=()<>~'.includes(s[pos]!)) pos++;
    const attr = s.slice(start, pos).trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9.;:-]*$/.test(attr)) return false;
    if (s[pos] === '~' || s[pos] === '<' || s[pos] === '>') pos++;
    if (s[pos] !== '=') return false;
    pos++;
    while (pos < s.length && s[pos] !== ')') {
      if (s[pos] === '(') return false; // an unescaped ( in a value (RFC 4515 escapes it as \28)
      pos++;
    }
    return true;
  };
  return filter() && pos === s.length;
}

export type Codec = 'utf-8' | 'latin-1' | 'ascii';

// Python's codec aliases (encodings.aliases) for the codecs authproxy can encode and decode.
const CODEC_ALIASES: Readonly<Record<string, Codec>> = {
  utf8: 'utf-8',
  u8: 'utf-8',
  utf: 'utf-8',
  cp65001: 'utf-8',
  latin1: 'latin-1',
  latin: 'latin-1',
  l1: 'latin-1',
  iso88591: 'latin-1',
  iso885911987: 'latin-1',
  cp819: 'latin-1',
  '8859': 'latin-1',
  ibm819: 'latin-1',
  ascii: 'ascii',
  usascii: 'ascii',
  '646': 'ascii',
  'ansix3.41968': 'ascii',
  cp367: 'ascii',
  ibm367: 'ascii',
  iso646us: 'ascii',
  us: 'ascii',
};

/** Normalises a Python codec name (case, `-`, `_` and spaces ignored); undefined if not one we support. */
export function parseCodec(value: string): Codec | undefined {
  const key = value.toLowerCase().replace(/[-_\s]/g, '');
  return Object.hasOwn(CODEC_ALIASES, key) ? CODEC_ALIASES[key] : undefined;
}

/** A comma list of NATS server URLs: nats://host:port, tls://host:port or host:port. */
export function parseNatsUrls(value: string): string[] | undefined {
  const urls = value.split(',').map((u) => u.trim()).filter((u) => u !== '');
  if (urls.length === 0) return undefined;
  for (const u of urls) {
    const withScheme = u.includes('://') ? u : `nats://${u}`;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch {
      return undefined;
    }
    if (!['nats:', 'tls:', 'ws:', 'wss:'].includes(url.protocol) || url.hostname === '') return undefined;
  }
  return urls;
}
