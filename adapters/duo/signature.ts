// Duo request signing (reference duo-auth-api.md §1): canonical strings for signature versions 1, 2,
// 4 and 5, the percent-encoding Duo uses, RFC 2822 dates. Shared by our Duo client (which signs) and
// the mock Duo's verifier (signature-verify.ts): one implementation, so the two can only disagree with
// Duo, never with each other; the §1.8 vectors keep both honest.
import { createHash, createHmac, createSecretKey, type KeyObject } from 'node:crypto';

export type SigVersion = 1 | 2 | 4 | 5;
export type Digest = 'sha1' | 'sha512';

type Scalar = string | number | boolean;
/** Parameters as a record (a value may repeat as an array) or as ordered pairs (URLSearchParams works). */
export type Params = Readonly<Record<string, Scalar | readonly Scalar[]>> | Iterable<readonly [string, string]>;

const EMPTY_SHA512 =
  'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e';

const HEX = '0123456789ABCDEF';
const UNRESERVED = /^[A-Za-z0-9\-._~]*$/;

/** Percent-encode as Duo does (Python `quote(s, safe='~')` over UTF-8): only RFC 3986 unreserved
 *  characters stay, every other byte is %XX upper-case; space is %20, never +. */
export function percentEncode(s: string): string {
  if (UNRESERVED.test(s)) return s;
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const unreserved =
      (byte >= 0x41 && byte <= 0x5a) ||
      (byte >= 0x61 && byte <= 0x7a) ||
      (byte >= 0x30 && byte <= 0x39) ||
      byte === 0x2d ||
      byte === 0x2e ||
      byte === 0x5f ||
      byte === 0x7e;
    out += unreserved ? String.fromCharCode(byte) : `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return out;
}

function scalar(v: Scalar): string {
  return typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v);
}

/** Parameters as [key, value] string pairs, booleans as true/false (Python's normalize_params). */
export function paramPairs(params: Params | undefined): [string, string][] {
  if (params === undefined) return [];
  if (Symbol.iterator in params) return [...(params as Iterable<readonly [string, string]>)].map(([k, v]) => [k, v]);
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(params as Record<string, Scalar | readonly Scalar[]>)) {
    if (Array.isArray(v)) for (const one of v as readonly Scalar[]) out.push([k, scalar(one)]);
    else out.push([k, scalar(v as Scalar)]);
  }
  return out;
}

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Encoded [key, value] pairs. A record (what our client signs) is read in place, without the pairs of
 *  paramPairs in between: this runs twice per login. */
function encodedPairs(params: Params | undefined): [string, string][] {
  if (params === undefined) return [];
  const out: [string, string][] = [];
  if (Symbol.iterator in params) {
    for (const [k, v] of params as Iterable<readonly [string, string]>) out.push([percentEncode(k), percentEncode(v)]);
    return out;
  }
  const rec = params as Record<string, Scalar | readonly Scalar[]>;
  for (const k of Object.keys(rec)) {
    const v = rec[k]!;
    const key = percentEncode(k);
    if (Array.isArray(v)) for (const one of v as readonly Scalar[]) out.push([key, percentEncode(scalar(one))]);
    else out.push([key, percentEncode(scalar(v as Scalar))]);
  }
  return out;
}

const pairOrder = (a: readonly [string, string], b: readonly [string, string]): number => byteOrder(a[0], b[0]) || byteOrder(a[1], b[1]);

/** The canonical parameter line: encoded pairs sorted by encoded key, then encoded value, joined by
 *  `&`. Duo's own proxy also sends exactly this string as its form body. */
export function encodeParams(params: Params | undefined): string {
  const pairs = encodedPairs(params).sort(pairOrder);
  let out = '';
  for (let i = 0; i < pairs.length; i++) out += `${i === 0 ? '' : '&'}${pairs[i]![0]}=${pairs[i]![1]}`;
  return out;
}

export function sha512Hex(data: string | Uint8Array): string {
  return createHash('sha512').update(data).digest('hex');
}

export type HeaderBag = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

function headerEntries(headers: HeaderBag | undefined): [string, string][] {
  if (headers === undefined) return [];
  if (headers instanceof Headers) return [...headers.entries()];
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(headers as Record<string, string | readonly string[] | undefined>)) {
    if (v === undefined) continue;
    out.push([k, Array.isArray(v) ? v.join(', ') : (v as string)]);
  }
  return out;
}

export function headerValue(headers: HeaderBag | undefined, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of headerEntries(headers)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/** v5 line 7: SHA-512 of the `x-duo-*` headers, names lower-cased and sorted, flattened to
 *  name, value, name, value… and joined with NUL. No such header hashes the empty string. */
export function hashXDuoHeaders(headers: HeaderBag | undefined): string {
  const duo = headerEntries(headers)
    .map(([k, v]) => [k.toLowerCase(), v] as const)
    .filter(([k]) => k.startsWith('x-duo-'))
    .sort((a, b) => byteOrder(a[0], b[0]));
  if (duo.length === 0) return EMPTY_SHA512;
  return sha512Hex(duo.flat().join('\x00'));
}

export interface CanonicalInput {
  version: SigVersion;
  method: string;
  host: string;
  path: string;
  /** v1/v2: all parameters. v4/v5: the query parameters only. */
  params?: Params;
  /** v4/v5: the exact body bytes (absent = empty). */
  body?: string | Uint8Array;
  /** v2/v4/v5: the date header value exactly as sent. */
  date?: string;
  /** v5: the request headers (only x-duo-* ones count). */
  headers?: HeaderBag;
}

/** The string that is HMAC-ed, lines joined by `\n` (reference §1.2). */
export function canonicalize(input: CanonicalInput): string {
  return canonicalLines(input, encodeParams(input.params));
}

/** canonicalize() with the parameter line already made (sign() sends the same line as its body). */
function canonicalLines(input: Omit<CanonicalInput, 'params'>, params: string): string {
  const method = input.method.toUpperCase();
  const host = input.host.toLowerCase();
  if (input.version === 1) return `${method}\n${host}\n${input.path}\n${params}`;
  const date = input.date ?? '';
  if (input.version === 2) return `${date}\n${method}\n${host}\n${input.path}\n${params}`;
  const bodyHash = sha512Hex(input.body ?? '');
  const lines = [date, method, host, input.path, params, bodyHash];
  if (input.version === 5) lines.push(hashXDuoHeaders(input.headers));
  return lines.join('\n');
}

// ---- dates -----------------------------------------------------------------------------------------

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** The three forms Duo's clients send: `-0000` (Python), `+0000` (C, Go), `GMT` (Node). */
export type DateStyle = '-0000' | '+0000' | 'GMT';

export function formatDate(ms: number, style: DateStyle = '-0000'): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${time} ${style}`;
}

const DATE_RE =
  /^\s*(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s*)?(\d{1,2})\s+(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s+(?:([+-])(\d{2})(\d{2})|(GMT|UT|UTC|Z))\s*$/i;

/** Parse an RFC 2822 date (numeric offsets, GMT/UT/UTC); undefined when it is not one. */
export function parseDate(s: string): number | undefined {
  const m = DATE_RE.exec(s);
  if (!m) return undefined;
  const [, , day, mon, year, hh, mm, ss, sign, oh, om] = m;
  const month = MONTHS.findIndex((x) => x.toLowerCase() === mon!.toLowerCase());
  const [d, h, mi, se] = [Number(day), Number(hh), Number(mm), Number(ss ?? '0')];
  if (d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return undefined;
  let ms = Date.UTC(Number(year), month, d, h, mi, se);
  if (new Date(ms).getUTCDate() !== d) return undefined; // 31 Feb
  if (sign) ms -= (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  return ms;
}

// ---- signing ---------------------------------------------------------------------------------------

export interface SignOptions {
  version: SigVersion;
  method: string;
  host: string;
  path: string;
  /** v1/v2: the parameters (the form body of a POST, or the query). v4/v5: query parameters only. */
  params?: Params;
  /** v4/v5: the exact body that will be sent (a JSON string). */
  body?: string | Uint8Array;
  ikey: string;
  skey: string;
  /** The date header value exactly as it will be sent, or a time to format (`-0000`); default now. */
  date?: string | number | Date;
  /** v1/v2 only; v4/v5 are always SHA-512. Default sha1 for v1 (Duo's proxy), sha512 for v2. */
  digest?: Digest;
  /** Send the date as `X-Duo-Date` instead of `Date` (v5 then hashes it on line 7, as duo_hmac does). */
  dateHeader?: 'Date' | 'X-Duo-Date';
  /** Extra x-duo-* headers to send (hashed on line 7 by v5). */
  xDuoHeaders?: Readonly<Record<string, string>>;
}

export interface SignResult {
  authorization: string;
  /** The date string signed (absent for v1). */
  date?: string;
  /** Every header the request must carry: Authorization, the date header, extra x-duo headers and,
   *  for a method with a body, Content-Type. */
  headers: Record<string, string>;
  /** The body to send for POST/PUT/PATCH: the canonical form for v1/v2, `body` for v4/v5. */
  body?: string | Uint8Array;
  canonical: string;
}

const HAS_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** Each skey's HMAC key, made once: preparing a key costs a fifth of signing. Few integrations per
 *  process; emptied should it ever hold more than 64 (tests sign with many). */
const hmacKeys = new Map<string, KeyObject>();

function hmacHex(digest: Digest, skey: string, canonical: string): string {
  let key = hmacKeys.get(skey);
  if (key === undefined) {
    if (hmacKeys.size >= 64) hmacKeys.clear();
    key = createSecretKey(skey, 'utf8');
    hmacKeys.set(skey, key);
  }
  return createHmac(digest, key).update(canonical, 'utf8').digest('hex');
}

export function sign(opts: SignOptions): SignResult {
  const method = opts.method.toUpperCase();
  const dated = opts.version !== 1;
  const date = !dated
    ? undefined
    : typeof opts.date === 'string'
      ? opts.date
      : formatDate(opts.date === undefined ? Date.now() : Number(opts.date));
  const headers: Record<string, string> = {};
  if (date !== undefined) headers[opts.dateHeader ?? 'Date'] = date;
  if (opts.xDuoHeaders) for (const k of Object.keys(opts.xDuoHeaders)) headers[k] = opts.xDuoHeaders[k]!;
  // v1/v2 sign the parameter line that a POST then sends as its body: encoded once.
  const params = encodeParams(opts.params);
  const canonical = canonicalLines({ version: opts.version, method, host: opts.host, path: opts.path, body: opts.body, date, headers }, params);
  const digest: Digest = opts.version >= 4 ? 'sha512' : (opts.digest ?? (opts.version === 1 ? 'sha1' : 'sha512'));
  const authorization = `Basic ${Buffer.from(`${opts.ikey}:${hmacHex(digest, opts.skey, canonical)}`, 'utf8').toString('base64')}`;
  headers['Authorization'] = authorization;
  const result: SignResult = { authorization, headers, canonical };
  if (date !== undefined) result.date = date;
  if (HAS_BODY.has(method)) {
    if (opts.version <= 2) {
      result.body = params;
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    } else {
      result.body = opts.body ?? '';
      headers['Content-Type'] = 'application/json';
    }
  }
  return result;
}
