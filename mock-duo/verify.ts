// The mock's signature check: the same rules, order and canonical strings as `verify` in
// adapters/duo/signature.ts (credentials, ikey, date window, then every allowed version, compared in
// constant time), with the HMAC key bytes made once per integration and the headers read from a
// lower-cased record instead of searched. The §1.8 vectors and the property tests hold both to Duo.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalize, type Digest, parseDate, type SigVersion, type VerifyResult } from '../adapters/duo/signature.ts';
import type { DuoRequest } from './request.ts';

export interface MockVerifyPolicy {
  versions: readonly SigVersion[];
  /** The skey's bytes by ikey, for the integrations the mock knows. */
  keys: ReadonlyMap<string, Buffer>;
  now: number;
  windowMs: number;
}

const CREDENTIALS = /^Basic\s+(\S+)\s*$/i;
const HEX_SIGNATURE = /^(?:[0-9a-f]{40}|[0-9a-f]{128})$/;

export function verifyRequest(req: DuoRequest, policy: MockVerifyPolicy): VerifyResult {
  const auth = req.headers['authorization'];
  const m = auth === undefined ? null : CREDENTIALS.exec(auth);
  if (!m) return { ok: false, reason: 'missing-credentials', detail: 'no Basic Authorization header' };
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const ikey = colon < 0 ? '' : decoded.slice(0, colon);
  const sig = colon < 0 ? '' : decoded.slice(colon + 1).toLowerCase();
  if (!ikey || !HEX_SIGNATURE.test(sig)) return { ok: false, reason: 'malformed-credentials', detail: 'credentials are not ikey:hex-signature' };
  const key = policy.keys.get(ikey);
  if (key === undefined) return { ok: false, reason: 'unknown-ikey', ikey, detail: 'unknown integration key' };
  const digest: Digest = sig.length === 40 ? 'sha1' : 'sha512';

  let versions = digest === 'sha512' ? policy.versions : policy.versions.filter((v) => v <= 2);
  const dateHeader = req.headers['x-duo-date'] ?? req.headers['date'];
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
  const expected = Buffer.from(sig, 'hex');
  const all = req.form.length === 0 ? req.query : req.query.length === 0 ? req.form : [...req.query, ...req.form];
  for (const version of versions) {
    const canonical = canonicalize({
      version,
      method: req.method,
      host: req.host,
      path: req.path,
      params: version <= 2 ? all : req.query,
      body: req.raw,
      ...(dateHeader !== undefined ? { date: dateHeader } : {}),
      headers: req.headers,
    });
    const mac = createHmac(digest, key).update(canonical, 'utf8').digest();
    if (mac.length === expected.length && timingSafeEqual(mac, expected))
      return { ok: true, ikey, version, digest, ...(dateMs !== undefined && version !== 1 ? { dateMs } : {}) };
  }
  return { ok: false, reason: 'bad-signature', ikey, detail: 'no signature version matched' };
}
