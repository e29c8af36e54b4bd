// The reason table and its formatter (machines/login-reasons.ts): closed, consistent, words that always
// start with the reason's own text.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { DuoErrorKind } from '../../machines/contracts.ts';
import { describeDuoError, duoDenyText, isLoginReason, LOGIN_REASON_NAMES, LOGIN_REASONS, preauthDenyReason, reasonText, screenRejectReason } from '../../machines/login-reasons.ts';
import { Messages } from '../../machines/messages.ts';
import { factorLabel } from '../../machines/factor-label.ts';
import { Replies } from '../../machines/login-replies.ts';

const KINDS: DuoErrorKind[] = ['network', 'timeout', 'http-5xx', 'malformed', 'http-4xx', 'invalid-200', 'factor-too-long', 'rate-limited'];

describe('login reasons', () => {
  test('login reasons – reasonText starts with the reason\'s text and adds the detail or the Duo error, for any reason and facts', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LOGIN_REASON_NAMES),
        fc.option(fc.string(), { nil: undefined }),
        fc.option(fc.record({ kind: fc.constantFrom(...KINDS), httpStatus: fc.option(fc.integer({ min: 400, max: 599 }), { nil: undefined }), message: fc.string() }), { nil: undefined }),
        fc.constantFrom('preauth' as const, 'auth' as const),
        (reason, detail, error, stage) => {
          const text = reasonText(reason, { ...(detail !== undefined ? { detail } : {}), ...(error ? { error, stage } : {}) });
          assert.ok(text.startsWith(LOGIN_REASONS[reason].text));
          if (error) assert.ok(text.endsWith(describeDuoError(error)) && text.includes(`Duo ${stage} `));
          else if (detail) assert.equal(text, `${LOGIN_REASONS[reason].text}: ${detail}`);
          else assert.equal(text, LOGIN_REASONS[reason].text);
        },
      ),
    );
  });

  test('login reasons – the failmode example of issue 11 reads as promised', () => {
    assert.equal(reasonText('failmode_safe_allow', { stage: 'preauth', error: { kind: 'http-5xx', httpStatus: 503, message: '' } }), 'Accepted by failmode safe: Duo preauth returned 503');
    assert.equal(reasonText('failmode_secure_reject', { stage: 'auth', error: { kind: 'timeout', message: '' } }), 'Rejected by failmode secure: Duo auth timed out');
  });

  test('login reasons – keys are snake_case, texts start with their outcome\'s word, isLoginReason knows exactly the list', () => {
    const word = { accept: 'Accepted', reject: 'Rejected', challenge: 'Challenged', drop: 'No answer' } as const;
    for (const r of LOGIN_REASON_NAMES) {
      assert.match(r, /^[a-z][a-z0-9_]*$/);
      assert.ok(LOGIN_REASONS[r].text.startsWith(word[LOGIN_REASONS[r].outcome]), r);
      assert.ok(isLoginReason(r));
    }
    fc.assert(fc.property(fc.string(), (s) => assert.equal(isLoginReason(s), LOGIN_REASON_NAMES.includes(s as never))));
  });

  test('login reasons – every screening reject message has its own reason', () => {
    const seen = [Messages.noUsername, Messages.missingPassword, Messages.noPasswordOrChap2, Messages.concatNoPassword, Messages.concatInvalidPassword, Messages.cannotDecodePassword, Messages.eapNotSupported, Messages.mschapNotSupported, Messages.completeEnrollment, Messages.unknownChallenge].map(screenRejectReason);
    assert.deepEqual(seen, ['missing_username', 'missing_password', 'missing_password', 'missing_password', 'invalid_password', 'cannot_decode_password', 'eap_unsupported', 'mschap_unsupported', 'enroll_incomplete', 'unknown_challenge']);
    assert.equal(preauthDenyReason('Your account has been locked out due to excessive authentication failures.'), 'locked_out');
    assert.equal(preauthDenyReason('Your account is disabled.'), 'preauth_deny');
  });

  test('factor label – factor names pass, anything else (a passcode) is `passcode`', () => {
    for (const f of ['auto', 'push', 'push2', 'phone1', 'sms12']) assert.equal(factorLabel(f), f);
    fc.assert(fc.property(fc.string(), (s) => {
      const l = factorLabel(s);
      assert.ok(l === s || l === 'passcode');
      if (/^\d+$/.test(s)) assert.equal(l, 'passcode');
    }));
  });
  test('login reasons – a denied /auth names the factor and keeps Duo\'s status, for any factor label and status', () => {
    assert.equal(duoDenyText('push1', 'Login request denied.'), 'Rejected: Duo denied the login: push denied by the user (Login request denied.)');
    assert.equal(duoDenyText('passcode', 'Incorrect passcode. Please try again.'), 'Rejected: Duo denied the login: passcode (Incorrect passcode. Please try again.)');
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom('push', 'push2', 'phone1', 'sms1', 'auto', 'passcode'), fc.string().map(factorLabel)), fc.option(fc.string(), { nil: undefined }), (factor, status) => {
        const text = duoDenyText(factor, status);
        assert.ok(text.startsWith(LOGIN_REASONS.duo_deny.text));
        if (status) assert.ok(text.includes(status));
      }),
    );
  });

  test('login reasons – a primary reject names the server that said no when the client tells it', () => {
    const ctx = (host?: string) =>
      ({ mode: 'radius_server_auto', options: {}, primaryAttributes: [], primaryResult: { ok: false, message: 'Invalid credentials', attributes: [], ...(host ? { host } : {}) } }) as never;
    assert.equal(Replies.primaryRejected(ctx('dc1.example.com')).reasonText, 'Rejected: primary authentication refused the credentials (dc1.example.com: Invalid credentials)');
    assert.equal(Replies.primaryRejected(ctx()).reasonText, 'Rejected: primary authentication refused the credentials: Invalid credentials');
  });
});
