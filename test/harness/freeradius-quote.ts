// FreeRADIUS 3 quoted-string syntax: how radclient and the users file read a value, and how
// `radclient -x` prints one. Reading (getthing() in FreeRADIUS 3.2) understands \r \n \t, \ooo (octal)
// and "\x" for any other x; printing (fr_prints()) escapes the quote, the backslash, \r \n \t, and any
// other control byte or invalid UTF-8 byte as \ooo.

export type Quote = '"' | "'";

/**
 * Renders `value` as a quoted FreeRADIUS string. Use '"' for radclient input; use "'" in the users
 * file, where double-quoted values are xlat-expanded ("%{User-Name}") and single-quoted ones are not.
 * NUL cannot be represented (FreeRADIUS strings end there).
 */
export function quoteValue(value: string, quote: Quote = '"'): string {
  if (value.includes('\0')) throw new Error('FreeRADIUS strings cannot contain NUL');
  let out = quote;
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += ch;
  }
  return out + quote;
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { n: 0x0a, r: 0x0d, t: 0x09 };

/**
 * Reads a value as `radclient -x` prints it: a quoted string is unescaped (to UTF-8 text); anything
 * else (0x… octets, numbers, IP addresses, enum names) is returned as printed.
 */
export function unquoteValue(printed: string): string {
  const quote = printed[0];
  if ((quote !== '"' && quote !== "'") || printed.length < 2 || !printed.endsWith(quote)) return printed;
  const body = printed.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; ) {
    const ch = body[i] ?? '';
    if (ch !== '\\') {
      const cp = body.codePointAt(i) ?? 0;
      const text = String.fromCodePoint(cp);
      bytes.push(...Buffer.from(text, 'utf8'));
      i += text.length;
      continue;
    }
    const next = body[i + 1] ?? '';
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(Number.parseInt(octal[0], 8) & 0xff);
      i += 4;
    } else if (next in SIMPLE_ESCAPES) {
      bytes.push(SIMPLE_ESCAPES[next] ?? 0);
      i += 2;
    } else {
      // "\x" stands for x itself (a trailing lone backslash stands for itself)
      const escaped = next === '' ? '\\' : String.fromCodePoint(body.codePointAt(i + 1) ?? 0);
      bytes.push(...Buffer.from(escaped, 'utf8'));
      i += 1 + Math.max(escaped.length, 1);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
