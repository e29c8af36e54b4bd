// The rest_v1 dialect: Duo's proxy API exactly as Duo's own proxy speaks it (reference §6.1-6.2).
//   POST /rest/v1/preauth  user, ipaddr, failmode
//   POST /rest/v1/auth     user, factor=auto, auto=<factor or passcode>, ipaddr   (synchronous)
// Form body of sorted percent-encoded parameters, the same string signed with v1 (HMAC-SHA1), no
// Date header. `ipaddr` is sent as given: the engine decides whether it is validated.
import type { AuthRequest, AuthResult, DuoApi, DuoOutcome, PreauthRequest, PreauthResult } from '../../machines/contracts.ts';
import { type CallContext, type CallResult, duoCall, envelopeOf } from './duo-call.ts';
import { factorTooLongError } from './errors.ts';
import { factorTooLong, loggableFactor } from './factor-name.ts';
import { validateAuthV1, validatePreauthV1 } from './validate-v1.ts';

function preauthOutcome(res: CallResult): DuoOutcome<PreauthResult> {
  const env = envelopeOf(res);
  return env.ok ? validatePreauthV1(env.response) : env;
}

function authOutcome(res: CallResult): DuoOutcome<AuthResult> {
  const env = envelopeOf(res);
  return env.ok ? validateAuthV1(env.response) : env;
}

// Not async functions: a push waits in /auth for up to a minute, and a suspended frame per waiting login
// is memory for nothing (duoCall never throws).
export function createRestV1(ctx: CallContext): DuoApi {
  return {
    preauth(req: PreauthRequest, signal?: AbortSignal): Promise<DuoOutcome<PreauthResult>> {
      const params = { user: req.user, ipaddr: req.ipaddr, failmode: req.failmode };
      return duoCall(
        ctx,
        { call: 'preauth', method: 'POST', path: '/rest/v1/preauth', version: 1, digest: 'sha1', params, logParams: params },
        signal,
      ).then(preauthOutcome);
    },

    auth(req: AuthRequest, signal?: AbortSignal): Promise<DuoOutcome<AuthResult>> {
      if (factorTooLong(req.factor)) return Promise.resolve({ ok: false, error: factorTooLongError() });
      const params = { user: req.user, factor: 'auto', auto: req.factor, ipaddr: req.ipaddr };
      return duoCall(
        ctx,
        {
          call: 'auth',
          method: 'POST',
          path: '/rest/v1/auth',
          version: 1,
          digest: 'sha1',
          params,
          logParams: { ...params, auto: loggableFactor(req.factor) },
        },
        signal,
      ).then(authOutcome);
    },
  };
}
