// Reading a request the way Duo's servers do: query and form parameters decoded (`+` is a space),
// JSON bodies for signature v4/v5, and the raw body bytes kept for the v5 body hash.
import { hostWithoutPort } from '../adapters/duo/signature.ts';

export interface DuoRequest {
  method: string;
  path: string;
  /** The host the client addressed, port cut off, lower-cased. */
  host: string;
  headers: Headers;
  raw: Uint8Array;
  query: [string, string][];
  form: [string, string][];
  /** Set when the body was JSON that did not parse, or was not an object. */
  badJson: boolean;
  /** Every parameter, query then body (a later value wins). */
  params: Record<string, string>;
  /** The ikey the Authorization header claims, before any check. */
  claimedIkey?: string;
  signal: AbortSignal;
}

function jsonScalar(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  return JSON.stringify(v);
}

export function claimedIkey(headers: Headers): string | undefined {
  const m = /^Basic\s+(\S+)/i.exec(headers.get('authorization') ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? decoded.slice(0, colon) : undefined;
}

export async function readRequest(request: Request): Promise<DuoRequest> {
  const url = new URL(request.url);
  const raw = request.method === 'GET' || request.method === 'HEAD' ? new Uint8Array() : new Uint8Array(await request.arrayBuffer());
  const query = [...url.searchParams.entries()];
  const contentType = (request.headers.get('content-type') ?? '').toLowerCase();
  let form: [string, string][] = [];
  let badJson = false;
  const params: Record<string, string> = Object.fromEntries(query);
  const text = Buffer.from(raw).toString('utf8');
  if (contentType.includes('application/json')) {
    try {
      const body: unknown = text === '' ? {} : JSON.parse(text);
      if (body === null || typeof body !== 'object' || Array.isArray(body)) badJson = true;
      else for (const [k, v] of Object.entries(body)) params[k] = jsonScalar(v);
    } catch {
      badJson = true;
    }
  } else if (raw.length > 0) {
    // Duo's proxy and duo_client send x-www-form-urlencoded; treat any other non-JSON body the same.
    form = [...new URLSearchParams(text).entries()];
    for (const [k, v] of form) params[k] = v;
  }
  const hostHeader = request.headers.get('host') ?? url.host;
  const ikey = claimedIkey(request.headers);
  return {
    method: request.method.toUpperCase(),
    path: url.pathname,
    host: hostWithoutPort(hostHeader),
    headers: request.headers,
    raw,
    query,
    form,
    badJson,
    params,
    ...(ikey !== undefined ? { claimedIkey: ikey } : {}),
    signal: request.signal,
  };
}
