// The verifier of Duo request signatures, as Duo checks them (reference duo-auth-api.md §1.7): used by
// the mock Duo. It rebuilds the canonical strings with signature.ts, the code our client signs with.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalize, type Digest, type HeaderBag, headerValue, type Params, paramPairs, parseDate, type SigVersion } from './signature.ts';

export type VerifyFailure =
  | 'missing-credentials' // no Authorization, or not Basic
  | 'malformed-credentials' // not base64 of ikey:hexsig
  | 'unknown-ikey'
  | 'bad-date' // dated versions only: no date header, unparseable, or outside the window
  | 'bad-signature';

export type VerifyResult =
  | { ok: true; ikey: string; version: SigVersion; digest: Digest; dateMs?: number }
  | { ok: false; reason: VerifyFailure; ikey?: string; detail: string };

export interface VerifyRequest {
  method: string;
  /** The host the client signed: the Host header without its port (see `hostWithoutPort`). */
  host: string;
  path: string;
  /** Decoded query parameters. */
  query: Params;
  /** Decoded x-www-form-urlencoded body parameters (v1/v2 merge them with the query). */
  form?: Params;
  /** The raw body bytes (v4/v5 hash them exactly). */
  body?: string | Uint8Array;
  headers: HeaderBag;
}

export interface VerifyPolicy {
  /** Versions accepted on this path, e.g. [1] for /rest/v1, [2, 4, 5] for /auth/v2. */
  versions: readonly SigVersion[];
  /** The skey of an integration: a string, or its bytes made once (the mock keeps a Buffer per ikey). */
  skeyFor(ikey: string): string | Uint8Array | undefined;
  /** Server time in ms (the mock's clock) and the allowed skew either way. */
  now: number;
  windowMs: number;
}

/** Cut the port off a Host header value and lower-case it (`[::1]:443` -> `[::1]`). */
export function hostWithoutPort(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? h : h.slice(0, end + 1);
  }
  const colon = h.indexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}


/** Check a request the way Duo does (reference §1.7): credentials, ikey, date, then every signature
 *  candidate the policy allows, compared in constant time. Never throws. */
export function verify(req: VerifyRequest, policy: VerifyPolicy): VerifyResult {
  const auth = headerValue(req.headers, 'authorization');
  const m = auth === undefined ? null : /^Basic\s+(\S+)\s*$/i.exec(auth);
  if (!m) return { ok: false, reason: 'missing-credentials', detail: 'no Basic Authorization header' };
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const ikey = colon < 0 ? '' : decoded.slice(0, colon);
  const sig = colon < 0 ? '' : decoded.slice(colon + 1).toLowerCase();
  if (!ikey || !/^(?:[0-9a-f]{40}|[0-9a-f]{128})$/.test(sig))
    return { ok: false, reason: 'malformed-credentials', detail: 'credentials are not ikey:hex-signature' };
  const skey = policy.skeyFor(ikey);
  if (skey === undefined) return { ok: false, reason: 'unknown-ikey', ikey, detail: 'unknown integration key' };
  const digest: Digest = sig.length === 40 ? 'sha1' : 'sha512';

  let versions = policy.versions.filter((v) => digest === 'sha512' || v <= 2);
  const dateHeader = headerValue(req.headers, 'x-duo-date') ?? headerValue(req.headers, 'date');
  let dateMs: number | undefined;
  if (versions.some((v) => v !== 1)) {
    dateMs = dateHeader === undefined ? undefined : parseDate(dateHeader);
    const fresh = dateMs !== undefined && Math.abs(dateMs - policy.now) <= policy.windowMs;
    if (!fresh) {
      versions = versions.filter((v) => v === 1);
      if (versions.length === 0) {
        const detail = dateHeader === undefined ? 'no Date or X-Duo-Date header' : dateMs === undefined ? 'unparseable date' : 'date outside the allowed window';
        return { ok: false, reason: 'bad-date', ikey, detail };
      }
      dateMs = undefined;
    }
  }
  const all = [...paramPairs(req.query), ...paramPairs(req.form)];
  const key = typeof skey === 'string' ? Buffer.from(skey, 'utf8') : skey;
  const expected = Buffer.from(sig, 'hex');
  for (const version of versions) {
    const canonical = canonicalize({
      version,
      method: req.method,
      host: req.host,
      path: req.path,
      params: version <= 2 ? all : req.query,
      body: req.body,
      date: dateHeader,
      headers: req.headers,
    });
    const mac = createHmac(digest, key).update(canonical, 'utf8').digest();
    if (mac.length === expected.length && timingSafeEqual(mac, expected))
      return { ok: true, ikey, version, digest, ...(dateMs !== undefined && version !== 1 ? { dateMs } : {}) };
  }
  return { ok: false, reason: 'bad-signature', ikey, detail: 'no signature version matched' };
}
