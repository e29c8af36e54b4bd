// The mock's signature check: `verify` of adapters/duo/signature.ts (the one implementation of Duo's
// rules: credentials, ikey, date window, every allowed version, constant-time comparison), fed from
// the mock's parsed request and the skey bytes it keeps per integration.
import type { SigVersion } from '../adapters/duo/signature.ts';
import { type VerifyResult, verify } from '../adapters/duo/signature-verify.ts';
import type { DuoRequest } from './request.ts';

export interface MockVerifyPolicy {
  versions: readonly SigVersion[];
  /** The skey's bytes by ikey, for the integrations the mock knows. */
  keys: ReadonlyMap<string, Buffer>;
  now: number;
  windowMs: number;
}

export function verifyRequest(req: DuoRequest, policy: MockVerifyPolicy): VerifyResult {
  return verify(
    { method: req.method, host: req.host, path: req.path, query: req.query, form: req.form, body: req.raw, headers: req.headers },
    { versions: policy.versions, skeyFor: (ikey) => policy.keys.get(ikey), now: policy.now, windowMs: policy.windowMs },
  );
}
