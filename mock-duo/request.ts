// Reading a request the way Duo's servers do: query and form parameters decoded (`+` is a space),
// JSON bodies for signature v4/v5, and the raw body bytes kept for the v5 body hash.
import { hostWithoutPort } from '../adapters/duo/signature-verify.ts';
import type { CoreRequest } from './exchange.ts';

export interface DuoRequest {
  method: string;
  path: string;
  /** The host the client addressed, port cut off, lower-cased. */
  host: string;
  /** Lower-cased names. */
  headers: Readonly<Record<string, string>>;
  raw: Uint8Array;
  query: [string, string][];
  form: [string, string][];
  /** Set when the body was JSON that did not parse, or was not an object. */
  badJson: boolean;
  /** Every parameter, query then body (a later value wins). */
  params: Record<string, string>;
  /** The ikey the Authorization header claims, before any check. */
  claimedIkey: string | undefined;
  /** Read only when a request waits (the server makes it on first use). */
  readonly signal: AbortSignal | undefined;
}

const EMPTY = new Uint8Array();
const CREDENTIALS = /^Basic\s+(\S+)/i;

function jsonScalar(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  return JSON.stringify(v);
}

export function claimedIkey(headers: Readonly<Record<string, string>>): string | undefined {
  const m = CREDENTIALS.exec(headers['authorization'] ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? decoded.slice(0, colon) : undefined;
}

function decodeComponent(s: string): string {
  const plus = s.includes('+') ? s.replaceAll('+', ' ') : s;
  return plus.includes('%') ? decodeURIComponent(plus) : plus;
}

/** application/x-www-form-urlencoded pairs, exactly as the WHATWG parser reads them (a URL's
 *  searchParams), without building a URLSearchParams in the common case. */
export function parseForm(text: string): [string, string][] {
  if (text === '') return [];
  const out: [string, string][] = [];
  try {
    for (const part of text.split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      out.push(eq < 0 ? [decodeComponent(part), ''] : [decodeComponent(part.slice(0, eq)), decodeComponent(part.slice(eq + 1))]);
    }
    return out;
  } catch {
    // A stray % or bytes that are not UTF-8: URLSearchParams keeps the one and replaces the other.
    // (The constructor drops one leading '?'; the one added here is what it drops.)
    return [...new URLSearchParams(`?${text}`).entries()];
  }
}

function textOf(body: Uint8Array | string): string {
  if (typeof body === 'string') return body;
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
}

export function readRequest(core: CoreRequest): DuoRequest {
  const method = core.method.toUpperCase();
  const raw = method === 'GET' || method === 'HEAD' ? EMPTY : typeof core.body === 'string' ? Buffer.from(core.body, 'utf8') : core.body;
  const query = parseForm(core.query);
  const headers = core.headers;
  const contentType = (headers['content-type'] ?? '').toLowerCase();
  let form: [string, string][] = [];
  let badJson = false;
  const params: Record<string, string> = query.length === 0 ? {} : Object.fromEntries(query);
  if (contentType.includes('application/json')) {
    const text = textOf(raw);
    try {
      const body: unknown = text === '' ? {} : JSON.parse(text);
      if (body === null || typeof body !== 'object' || Array.isArray(body)) badJson = true;
      else for (const [k, v] of Object.entries(body)) params[k] = jsonScalar(v);
    } catch {
      badJson = true;
    }
  } else if (raw.length > 0) {
    // Duo's proxy and duo_client send x-www-form-urlencoded; treat any other non-JSON body the same.
    // Read as `new URLSearchParams(body)` always read it, which drops a leading '?'.
    const text = textOf(raw);
    form = parseForm(text.startsWith('?') ? text.slice(1) : text);
    for (const [k, v] of form) params[k] = v;
  }
  return {
    method,
    path: core.path,
    host: hostWithoutPort(headers['host'] ?? ''),
    headers,
    raw,
    query,
    form,
    badJson,
    params,
    claimedIkey: claimedIkey(headers),
    get signal() {
      return core.signal;
    },
  };
}
