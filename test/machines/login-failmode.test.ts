// The failmode matrix (reference §7, §18 facts 27-32, §19.11) at the machine level: every error class
// of preauth and /auth, safe and secure, in every mode.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DuoErrorKind, LoginReply } from '../../machines/contracts.ts';
import type { LoginMode } from '../../machines/login.ts';
import { AUTH_FACTORS, answer, attr, authOk, b64, CONSOLE_PROMPT, duoFail, makeInput, preauthAuth, primaryOk, runLogin } from './support.ts';

const SAFE = 'Failmode Safe - Allowed Duo login on preauth failure';
const SECURE = 'Failmode Secure - Denied Duo login on preauth failure';
const PRIMARY_ATTRS = [attr(25, 'ad-class')];
const CLASS = { type: 25, value: b64('OU=VPN;') };

/** What adapters/duo marks fail-open, per call (reference §6.3-6.4, §7 table). */
const FAIL_OPEN: Record<DuoErrorKind, { preauth: boolean; auth: boolean }> = {
  network: { preauth: true, auth: false },
  timeout: { preauth: true, auth: false },
  'http-5xx': { preauth: true, auth: true },
  malformed: { preauth: true, auth: true },
  'http-4xx': { preauth: false, auth: false },
  'invalid-200': { preauth: false, auth: false },
  'factor-too-long': { preauth: false, auth: false },
  'rate-limited': { preauth: false, auth: false },
};

const MODES: LoginMode[] = ['radius_server_auto', 'radius_server_challenge', 'radius_server_duo_only', 'radius_server_concat'];
const passwordFor = (mode: LoginMode) => (mode === 'radius_server_concat' ? 'pw,push' : mode === 'radius_server_duo_only' ? 'push' : 'hunter2');

function expectPreauth(mode: LoginMode, allow: boolean): LoginReply {
  const attrs = mode === 'radius_server_duo_only' ? [] : PRIMARY_ATTRS;
  return allow ? { kind: 'reply', code: 2, replyMessage: SAFE, attributes: attrs } : { kind: 'reply', code: 3, replyMessage: SECURE, attributes: [] };
}

function expectAuth(mode: LoginMode, allow: boolean): LoginReply {
  if (allow) {
    // duo_only's Class follows the Reply-Message (Duo's order, issue 11 §6).
    if (mode === 'radius_server_duo_only') return { kind: 'reply', code: 2, replyMessage: SAFE, attributes: [], afterReplyMessage: [CLASS] };
    return { kind: 'reply', code: 2, replyMessage: SAFE, attributes: PRIMARY_ATTRS };
  }
  return { kind: 'reply', code: 3, replyMessage: SECURE, attributes: mode === 'radius_server_challenge' ? PRIMARY_ATTRS : [] };
}

describe('login failmode – matrix', () => {
  for (const mode of MODES) {
    for (const failmode of ['safe', 'secure'] as const) {
      for (const [kind, flags] of Object.entries(FAIL_OPEN) as Array<[DuoErrorKind, { preauth: boolean; auth: boolean }]>) {
        if (kind !== 'factor-too-long') {
          test(`login failmode – ${mode} ${failmode}: preauth ${kind}`, async () => {
            const r = await runLogin(makeInput(mode, { password: passwordFor(mode) }, { failmode }), {
              primary: primaryOk(PRIMARY_ATTRS),
              preauth: duoFail(kind, flags.preauth),
            });
            assert.deepEqual(r.settled.reply, expectPreauth(mode, failmode === 'safe' && flags.preauth));
            assert.equal(r.calls.auth.length, 0);
          });
        }
        test(`login failmode – ${mode} ${failmode}: /auth ${kind}`, async () => {
          const r = await runLogin(makeInput(mode, { password: passwordFor(mode) }, { failmode }), {
            primary: primaryOk(PRIMARY_ATTRS),
            preauth: preauthAuth(AUTH_FACTORS, CONSOLE_PROMPT, ['VPN']),
            auth: duoFail(kind, flags.auth),
          });
          const final = mode === 'radius_server_challenge' ? (await answer(r, { password: '1' })).settled : r.settled;
          assert.deepEqual(final.reply, expectAuth(mode, failmode === 'safe' && flags.auth));
          assert.equal(r.calls.auth.length, 1);
        });
      }
    }
  }
});

describe('login failmode – reference facts 27-32', () => {
  test('login failmode – an actor that throws counts as a network error (preauth open, /auth closed)', async () => {
    const p = await runLogin(makeInput('radius_server_auto'), { primary: primaryOk(), preauth: 'throw' });
    assert.equal(p.settled.reply.kind === 'reply' && p.settled.reply.replyMessage, SAFE);
    const a = await runLogin(makeInput('radius_server_auto'), { primary: primaryOk(), preauth: preauthAuth(), auth: 'throw' });
    assert.equal(a.settled.reply.kind === 'reply' && a.settled.reply.replyMessage, SECURE);
  });
  test('login failmode – a primary failure is never affected by failmode', async () => {
    const r = await runLogin(makeInput('radius_server_auto', {}, { failmode: 'safe' }), { primary: 'throw' });
    assert.deepEqual(r.settled.reply, {
      kind: 'reply',
      code: 3,
      replyMessage: 'Error performing primary authentication: unexpected error',
      attributes: [],
    });
  });
  test('login failmode – /auth success after a good preauth is untouched by failmode secure', async () => {
    const r = await runLogin(makeInput('radius_server_auto', {}, { failmode: 'secure' }), {
      primary: primaryOk(),
      preauth: preauthAuth(),
      auth: authOk('allow', 'Success'),
    });
    assert.equal(r.settled.reply.kind === 'reply' && r.settled.reply.code, 2);
  });
});
