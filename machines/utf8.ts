// UTF-8 byte counting and cutting. RADIUS text attributes are limited in BYTES (253 per attribute,
// RFC 2865 §5), not in characters, so every limit in machines/ is measured here.
const encoder = new TextEncoder();

export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

/** UTF-8 size of one code point (a lone surrogate becomes U+FFFD: 3 bytes, as TextEncoder does). */
function codePointBytes(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/** The longest prefix of `text` of at most `maxBytes` UTF-8 bytes that ends on a whole code point. */
export function utf8Prefix(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const n = codePointBytes(ch.codePointAt(0)!);
    if (bytes + n > maxBytes) break;
    bytes += n;
    end += ch.length;
  }
  return text.slice(0, end);
}

/** Orders strings by Unicode code point, as Python's `sorted()` does (JS `sort()` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

/** Length in code points (Python `len`). */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
