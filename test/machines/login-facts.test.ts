// Reference facts (§18, §19) at the machine level: scripted primary and Duo results, real machine.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LoginReply } from '../../machines/contracts.ts';
import {
  AUTH_FACTORS,
  answer,
  attr,
  authOk,
  b64,
  CONSOLE_PROMPT,
  makeInput,
  preauthAuth,
  preauthOk,
  primaryFail,
  primaryOk,
  replyOf,
  runLogin,
  T0,
} from './support.ts';

const PRIMARY_ATTRS = [attr(25, 'class-from-ad'), attr(26, 'vsa')];
const ok = (code: number, message?: string) => ({ code, message });
const msVsa = (subType: number) => ({ type: 26, value: Buffer.from([0, 0, 1, 55, subType, 4, 1, 2]).toString('base64') });

describe('login – auto mode (§8, facts 17-26)', () => {
  test('login – auto: split password, factor from it (fact 17)', async () => {
    const r = await runLogin(makeInput('radius_server_auto', { password: 'hunter2,push' }), {
      primary: primaryOk(PRIMARY_ATTRS),
      preauth: preauthAuth(),
      auth: authOk('allow', 'Success. Logging you in...'),
    });
    assert.deepEqual(r.settled.reply, { kind: 'reply', code: 2, replyMessage: 'Success. Logging you in...', attributes: PRIMARY_ATTRS });
    assert.deepEqual(r.calls.primary.map((c) => c.password), ['hunter2']);
    assert.equal(r.calls.preauth.length, 1, 'preauth is always called first');
    assert.equal(r.calls.auth[0]?.factor, 'push');
  });

  test('login – auto: last delimiter (fact 18)', async () => {
    const r = await runLogin(makeInput('radius_server_auto', { password: 'pa,ss,123456' }), {
      primary: primaryOk(),
      preauth: preauthAuth(),
      auth: authOk('allow', 'ok'),
    });
    assert.deepEqual(r.calls.primary.map((c) => c.password), ['pa,ss']);
    assert.equal(r.calls.auth[0]?.factor, '123456');
  });

  test('login – auto: failed split retries the whole password, then rejects with its message (fact 19)', async () => {
    const r = await runLogin(makeInput('radius_server_auto', { password: 'bad,push' }), {
      primary: [primaryFail('first', [attr(18, 'x')]), primaryFail('User Authentication Failed', PRIMARY_ATTRS)],
    });
    assert.deepEqual(r.calls.primary.map((c) => c.password), ['bad', 'bad,push']);
    assert.deepEqual(r.settled.reply, { kind: 'reply', code: 3, replyMessage: 'User Authentication Failed', attributes: [] });
  });

  test('login – auto: failed split, whole password accepted: no factor, factors decide', async () => {
    const r = await runLogin(makeInput('radius_server_auto', { password: 'pass,word' }), {
      primary: [primaryFail(), primaryOk()],
      preauth: preauthAuth(),
      auth: authOk('allow', 'ok'),
    });
    assert.equal(r.calls.auth[0]?.factor, 'push1');
  });

  test('login – auto: length split (fact 20)', async () => {
    const r = await runLogin(makeInput('radius_server_auto', { password: 'hunter2123456' }, { delimitedPasswordLength: 7 }), {
      primary: primaryOk(),
      preauth: preauthAuth(),
      auth: authOk('allow', 'ok'),
    });
    assert.deepEqual(r.calls.primary.map((c) => c.password), ['hunter2']);
    assert.equal(r.calls.auth[0]?.factor, '123456');
  });

  test('login – auto: allow_concat=false (fact 21)', async () => {
    const r = await runLogin(makeInput('radius_server_auto', { password: 'hunter2,push' }, { allowConcat: false }), {
      primary: primaryOk(),
      preauth: preauthAuth(),
      auth: authOk('allow', 'ok'),
    });
    assert.deepEqual(r.calls.primary.map((c) => c.password), ['hunter2,push']);
    assert.equal(r.calls.auth[0]?.factor, 'push1');
  });

  test('login – auto: no usable factor (fact 23)', async () => {
    const r = await runLogin(makeInput('radius_server_auto', {}, { factors: ['push'] }), {
      primary: primaryOk(),
      preauth: preauthAuth({ default: 'phone1', '1': 'phone1' }),
    });
    assert.deepEqual(replyOf(r.settled), ok(3, 'User has no Duo factors usable with this configuration'));
    assert.equal(r.calls.auth.length, 0);
  });

  for (const [label, factors, pf] of [
    ['factors=passcode', ['passcode'], AUTH_FACTORS],
    ['no default device, passcode configured', ['push', 'passcode'], { '1': 'token' }],
  ] as const) {
    test(`login – auto: passcode challenge, answer re-runs preauth then /auth (fact 24, ${label})`, async () => {
      const r = await runLogin(makeInput('radius_server_auto', {}, { factors: [...factors] }), {
        primary: primaryOk(PRIMARY_ATTRS),
        preauth: preauthAuth(pf),
        auth: authOk('allow', 'Success'),
      });
      assert.equal(r.settled.status, 'challenge');
      assert.deepEqual(r.settled.reply, { kind: 'reply', code: 11, replyMessage: 'Enter passcode:', attributes: [] });
      const a = await answer(r, { password: '123456', clientIpAttrValue: '192.0.2.7' });
      assert.equal(r.calls.preauth.length, 2, 'preauth runs a second time');
      assert.equal(r.calls.preauth[1]?.ipaddr, '192.0.2.7', 'from the answering request');
      assert.deepEqual(r.calls.auth, [{ user: 'alice', factor: '123456', ipaddr: '192.0.2.7' }]);
      assert.deepEqual(a.settled.reply, { kind: 'reply', code: 2, replyMessage: 'Success', attributes: PRIMARY_ATTRS });
    });
  }

  test('login – auto: a passcode answer without password (§8.4 step 1)', async () => {
    for (const password of [undefined, '']) {
      const r = await runLogin(makeInput('radius_server_auto', {}, { factors: ['passcode'] }), { primary: primaryOk(), preauth: preauthAuth() });
      const a = await answer(r, { password });
      assert.deepEqual(replyOf(a.settled), ok(3, 'Missing or improperly-formatted password'));
      assert.equal(r.calls.preauth.length, 1, 'no second preauth');
    }
  });

  test('login – auto: a passcode answer of "passcode" goes to /auth as is (no second challenge)', async () => {
    const r = await runLogin(makeInput('radius_server_auto', {}, { factors: ['passcode'] }), {
      primary: primaryOk(),
      preauth: preauthAuth(),
      auth: authOk('deny', 'Incorrect passcode'),
    });
    const a = await answer(r, { password: 'passcode' });
    assert.equal(r.calls.auth[0]?.factor, 'passcode');
    assert.deepEqual(replyOf(a.settled), ok(3, 'Incorrect passcode'));
  });

  test('login – auto: preauth allow (fact 25) carries primary attributes, no /auth', async () => {
    const r = await runLogin(makeInput('radius_server_auto'), {
      primary: primaryOk(PRIMARY_ATTRS),
      preauth: preauthOk({ result: 'allow', status: 'Allowing unknown user' }),
    });
    assert.deepEqual(r.settled.reply, { kind: 'reply', code: 2, replyMessage: 'Allowing unknown user', attributes: PRIMARY_ATTRS });
    assert.equal(r.calls.auth.length, 0);
  });

  test('login – auto: preauth deny and enroll reject with the status, no attributes', async () => {
    for (const result of ['deny', 'enroll'] as const) {
      const r = await runLogin(makeInput('radius_server_auto'), {
        primary: primaryOk(PRIMARY_ATTRS),
        preauth: preauthOk({ result, status: `status-${result}` }),
      });
      assert.deepEqual(r.settled.reply, { kind: 'reply', code: 3, replyMessage: `status-${result}`, attributes: [] });
    }
  });

  test('login – exempt user skips preauth; the match is case-sensitive (fact 26)', async () => {
    for (const mode of ['radius_server_auto', 'radius_server_challenge', 'radius_server_duo_only', 'radius_server_concat'] as const) {
      const password = mode === 'radius_server_concat' ? 'pw,push' : 'push';
      const r = await runLogin(makeInput(mode, { username: 'svc', password }, { exemptUsernames: ['svc'] }), { primary: primaryOk(PRIMARY_ATTRS) });
      const attrs = mode === 'radius_server_duo_only' ? [] : PRIMARY_ATTRS;
      assert.deepEqual(r.settled.reply, { kind: 'reply', code: 2, replyMessage: 'User exempted from 2FA', attributes: attrs }, mode);
      assert.equal(r.calls.preauth.length, 0);
    }
    const upper = await runLogin(makeInput('radius_server_auto', { username: 'SVC' }, { exemptUsernames: ['svc'] }), {
      primary: primaryOk(),
      preauth: preauthOk({ result: 'deny', status: 'no' }),
    });
    assert.equal(upper.calls.preauth.length, 1);
  });

  test('login – auto: EAP and MS-CHAPv2 are answered "not supported" (out of scope)', async () => {
    const eap = await runLogin(makeInput('radius_server_auto', { password: undefined, attributes: [{ type: 79, value: b64('x') }] }), {});
    assert.deepEqual(replyOf(eap.settled), ok(3, 'EAP is not supported by this proxy; use PAP'));
    const ms = await runLogin(makeInput('radius_server_auto', { password: undefined, attributes: [msVsa(25)] }), {});
    assert.deepEqual(replyOf(ms.settled), ok(3, 'MS-CHAPv2 is not supported by this proxy; use PAP'));
    const other = await runLogin(makeInput('radius_server_auto', { password: undefined, attributes: [{ type: 26, value: b64('\0\0\0\x09ab') }] }), {});
    assert.deepEqual(replyOf(other.settled), ok(3, 'Missing or improperly-formatted password'));
  });

  test('login – auto: upstream Access-Challenge to PAP means no answer (fact 44)', async () => {
    const r = await runLogin(makeInput('radius_server_auto'), {
      primary: { ok: false, drop: true, message: 'upstream sent Access-Challenge', attributes: [] },
    });
    assert.deepEqual(r.settled.reply, { kind: 'drop', reason: 'upstream sent Access-Challenge' });
  });
});

describe('login – request screening (facts 34-36)', () => {
  const cases: Array<[string, Parameters<typeof makeInput>[0], Parameters<typeof makeInput>[1], string]> = [
    ['auto, absent password', 'radius_server_auto', { password: undefined }, 'Missing or improperly-formatted password'],
    ['auto, empty password', 'radius_server_auto', { password: '' }, 'Missing or improperly-formatted password'],
    ['duo_only, absent password', 'radius_server_duo_only', { password: undefined }, 'Missing or improperly-formatted password'],
    ['duo_only, empty password', 'radius_server_duo_only', { password: '' }, 'Missing or improperly-formatted password'],
    ['challenge, absent password', 'radius_server_challenge', { password: undefined }, 'No password or CHAP2 attributes provided'],
    ['concat, absent password', 'radius_server_concat', { password: undefined }, 'No password provided'],
    ['concat, no factor', 'radius_server_concat', { password: 'pw' }, 'Invalid Password'],
    ['concat, empty factor', 'radius_server_concat', { password: 'pw,' }, 'Invalid Password'],
    ['concat, empty password part', 'radius_server_concat', { password: ',push' }, 'Invalid Password'],
  ];
  for (const [label, mode, req, message] of cases) {
    test(`login – ${label}: ${message}`, async () => {
      const r = await runLogin(makeInput(mode, req), {});
      assert.deepEqual(r.settled.reply, { kind: 'reply', code: 3, replyMessage: message, attributes: [] });
      assert.equal(r.calls.primary.length + r.calls.preauth.length, 0);
    });
  }
  for (const mode of ['radius_server_auto', 'radius_server_challenge', 'radius_server_duo_only', 'radius_server_concat'] as const) {
    test(`login – ${mode}: no User-Name (fact 35) and undecodable password (fact 36)`, async () => {
      const r = await runLogin(makeInput(mode, { username: undefined }), {});
      assert.deepEqual(replyOf(r.settled), ok(3, 'No username provided'));
      const d = await runLogin(makeInput(mode, { passwordUndecodable: true, password: undefined }), {});
      assert.deepEqual(replyOf(d.settled), ok(3, 'Cannot decode password'));
    });
  }
});

describe('login – challenge mode (§9, facts 9-16)', () => {
  const start = (script: Parameters<typeof runLogin>[1], req = {}, options = {}) => runLogin(makeInput('radius_server_challenge', req, options), script);

  test('login – challenge: prompt is the console prompt; option 1 sends push1 with the answer’s IP (facts 5, 9, §19.4)', async () => {
    const r = await start({ primary: primaryOk(PRIMARY_ATTRS), preauth: preauthAuth(), auth: authOk('allow', 'Success') }, { clientIpAttrValue: '10.9.9.9' });
    assert.deepEqual(r.settled.reply, { kind: 'reply', code: 11, replyMessage: CONSOLE_PROMPT, attributes: [] });
    assert.equal(r.calls.preauth[0]?.ipaddr, '10.9.9.9');
    const a = await answer(r, { password: '1', clientIpAttrValue: 'not-an-ip' });
    assert.deepEqual(r.calls.auth, [{ user: 'alice', factor: 'push1', ipaddr: 'not-an-ip' }]);
    assert.deepEqual(a.settled.reply, { kind: 'reply', code: 2, replyMessage: 'Success', attributes: PRIMARY_ATTRS });
  });

  test('login – challenge: an answer without Calling-Station-Id sends 0.0.0.0 (§19.4)', async () => {
    const r = await start({ primary: primaryOk(), preauth: preauthAuth(), auth: authOk('allow', 'ok') }, { clientIpAttrValue: '10.9.9.9' });
    await answer(r, { password: '2' });
    assert.deepEqual(r.calls.auth, [{ user: 'alice', factor: 'phone1', ipaddr: '0.0.0.0' }]);
  });

  for (const [text, sent] of [['push', 'push'], ['phone', 'phone'], ['push2', 'push2'], ['123456', '123456'], ['default', 'push1'], ['6', '6']]) {
    test(`login – challenge: answer ${text} sends auto=${sent} (fact 10, §19.8)`, async () => {
      const r = await start({ primary: primaryOk(), preauth: preauthAuth(), auth: authOk('deny', 'Denied') });
      const a = await answer(r, { password: text });
      assert.equal(r.calls.auth[0]?.factor, sent);
      assert.deepEqual(replyOf(a.settled), ok(3, 'Denied'));
    });
  }

  test('login – challenge: SMS refresh re-challenges with the same prompt, and repeats (fact 11)', async () => {
    const r = await start(
      { primary: primaryOk(), preauth: preauthAuth(), auth: [authOk('deny', 'New SMS passcodes sent'), authOk('deny', 'again'), authOk('allow', 'Success')] },
      {},
      { promptFormat: 'short' },
    );
    const prompt = "Choose a secondary factor from ('push1', 'phone1', 'sms1') or enter passcode:";
    assert.equal(replyOf(r.settled).message, prompt);
    const a1 = await answer(r, { password: '3', now: T0 + 10_000 });
    assert.equal(a1.settled.status, 'challenge');
    assert.deepEqual(a1.settled.reply, { kind: 'reply', code: 11, replyMessage: prompt, attributes: [] });
    assert.ok(a1.settled.status === 'challenge' && a1.settled.session.deadline === T0 + 10_000 + 300_000, 'a new lifetime');
    const a2 = await answer(a1, { password: 'sms1', now: T0 + 20_000 });
    assert.equal(a2.settled.status, 'challenge');
    const a3 = await answer(a2, { password: '123456', now: T0 + 30_000 });
    assert.deepEqual(replyOf(a3.settled), ok(2, 'Success'));
    assert.deepEqual(r.calls.auth.map((c) => c.factor), ['sms1', 'sms1', '123456']);
  });

  test('login – challenge: bare sms is not a refresh (fact 12)', async () => {
    const r = await start({ primary: primaryOk(), preauth: preauthAuth(), auth: authOk('deny', 'S') });
    const a = await answer(r, { password: 'sms' });
    assert.deepEqual(replyOf(a.settled), ok(3, 'S'));
  });

  test('login – challenge: an answer after the lifetime is an Unknown Challenge (fact 13)', async () => {
    const r = await start({ primary: primaryOk(), preauth: preauthAuth() });
    const a = await answer(r, { password: '1', now: T0 + 300_000 });
    assert.deepEqual(replyOf(a.settled), ok(3, 'Unknown Challenge'));
  });

  test('login – challenge: enrollment challenge, any answer rejects (fact 15)', async () => {
    for (const password of ['1', undefined, 'anything']) {
      const r = await start({ primary: primaryOk(PRIMARY_ATTRS), preauth: preauthOk({ result: 'enroll', status: 'Enroll at https://x' }) });
      assert.deepEqual(r.settled.reply, { kind: 'reply', code: 11, replyMessage: 'Enroll at https://x', attributes: [] });
      const a = await answer(r, { password });
      assert.deepEqual(replyOf(a.settled), ok(3, 'Please complete the enrollment process and login again'));
      assert.equal(r.calls.auth.length, 0);
    }
  });

  test('login – challenge: enroll_challenge=false rejects with the status (fact 16)', async () => {
    const r = await start({ primary: primaryOk(), preauth: preauthOk({ result: 'enroll', status: 'E' }) }, {}, { enrollChallenge: false });
    assert.deepEqual(replyOf(r.settled), ok(3, 'E'));
  });

  test('login – challenge: primary failure keeps the primary attributes (§9.1 step 5)', async () => {
    const r = await start({ primary: primaryFail('Invalid User', PRIMARY_ATTRS) });
    assert.deepEqual(r.settled.reply, { kind: 'reply', code: 3, replyMessage: 'Invalid User', attributes: PRIMARY_ATTRS });
  });

  test('login – challenge: an empty User-Password goes to primary auth (§19.3)', async () => {
    const r = await start({ primary: primaryFail('No password.') }, { password: '' });
    assert.deepEqual(r.calls.primary.map((c) => c.password), ['']);
    assert.deepEqual(replyOf(r.settled), ok(3, 'No password.'));
  });

  test('login – challenge: never splits the password (§4.3, §19.12)', async () => {
    const r = await start({ primary: primaryOk(), preauth: preauthOk({ result: 'allow', status: 'ok' }) }, { password: 'pw,push' });
    assert.deepEqual(r.calls.primary.map((c) => c.password), ['pw,push']);
  });

  test('login – challenge: MS-CHAPv2 without password and CPW are answered "not supported"', async () => {
    const ms = await start({}, { password: undefined, attributes: [msVsa(11)] });
    assert.deepEqual(replyOf(ms.settled), ok(3, 'MS-CHAPv2 is not supported by this proxy; use PAP'));
    const cpw = await start({}, { attributes: [msVsa(27)] });
    assert.deepEqual(replyOf(cpw.settled), ok(3, 'MS-CHAPv2 is not supported by this proxy; use PAP'));
  });
});

describe('login – duo_only and concat (§10, facts 33, §19.10, §19.15)', () => {
  const CLASS_VPN = { type: 25, value: b64('OU=VPN;') };
  test('login – duo_only: the password is the factor, Class from groups (fact 33)', async () => {
    const r = await runLogin(makeInput('radius_server_duo_only', { password: 'push', clientIpAttrValue: '10.0.0.0/24' }), {
      preauth: preauthAuth(AUTH_FACTORS, CONSOLE_PROMPT, ['VPN', 'Other']),
      auth: authOk('allow', 'S'),
    });
    assert.equal(r.calls.primary.length, 0);
    assert.deepEqual(r.calls.auth, [{ user: 'alice', factor: 'push', ipaddr: '10.0.0.0/24' }]);
    assert.deepEqual(r.settled.reply, { kind: 'reply', code: 2, replyMessage: 'S', attributes: [], afterReplyMessage: [CLASS_VPN] });
  });

  const classCases: Array<[string, Parameters<typeof runLogin>[1], LoginReply]> = [
    ['preauth allow with groups', { preauth: preauthOk({ result: 'allow', status: 'A', groups: ['VPN'] }) }, { kind: 'reply', code: 2, replyMessage: 'A', attributes: [], afterReplyMessage: [CLASS_VPN] }],
    ['empty groups', { preauth: preauthOk({ result: 'allow', status: 'A', groups: [] }) }, { kind: 'reply', code: 2, replyMessage: 'A', attributes: [] }],
    [
      '/auth 503 fail-open keeps it',
      { preauth: preauthAuth(AUTH_FACTORS, CONSOLE_PROMPT, ['VPN']), auth: { ok: false, error: { kind: 'http-5xx', failOpen: true, message: '503' } } },
      { kind: 'reply', code: 2, replyMessage: 'Failmode Safe - Allowed Duo login on preauth failure', attributes: [], afterReplyMessage: [CLASS_VPN] },
    ],
    [
      'preauth 503 fail-open gives none',
      { preauth: { ok: false, error: { kind: 'http-5xx', failOpen: true, message: '503' } } },
      { kind: 'reply', code: 2, replyMessage: 'Failmode Safe - Allowed Duo login on preauth failure', attributes: [] },
    ],
    [
      'a deny gives none',
      { preauth: preauthAuth(AUTH_FACTORS, CONSOLE_PROMPT, ['VPN']), auth: authOk('deny', 'D') },
      { kind: 'reply', code: 3, replyMessage: 'D', attributes: [] },
    ],
    [
      'UTF-8 group names kept',
      { preauth: preauthOk({ result: 'allow', status: 'A', groups: ['Gruppe-ü', 'x'] }) },
      { kind: 'reply', code: 2, replyMessage: 'A', attributes: [], afterReplyMessage: [{ type: 25, value: b64('OU=Gruppe-ü;') }] },
    ],
  ];
  for (const [label, script, expected] of classCases) {
    test(`login – duo_only Class: ${label} (§19.10)`, async () => {
      const r = await runLogin(makeInput('radius_server_duo_only', { password: 'push' }), script);
      assert.deepEqual(r.settled.reply, expected);
    });
  }

  test('login – auto mode never adds Class (§19.10)', async () => {
    const r = await runLogin(makeInput('radius_server_auto'), { primary: primaryOk(), preauth: preauthOk({ result: 'allow', status: 'A', groups: ['VPN'] }) });
    assert.deepEqual(r.settled.reply, { kind: 'reply', code: 2, replyMessage: 'A', attributes: [] });
  });

  for (const [password, primaryPw, factor] of [['pw,push', 'pw', 'push'], ['a,b,123456', 'a,b', '123456']]) {
    test(`login – concat: ${password} → primary ${primaryPw}, auto=${factor} (§19.15)`, async () => {
      const r = await runLogin(makeInput('radius_server_concat', { password, clientIpAttrValue: 'not-an-ip' }), {
        primary: primaryOk(PRIMARY_ATTRS),
        preauth: preauthAuth(),
        auth: authOk('allow', 'ok'),
      });
      assert.deepEqual(r.calls.primary.map((c) => c.password), [primaryPw]);
      assert.deepEqual(r.calls.auth, [{ user: 'alice', factor, ipaddr: '0.0.0.0' }]);
      assert.deepEqual(r.settled.reply, { kind: 'reply', code: 2, replyMessage: 'ok', attributes: PRIMARY_ATTRS });
    });
  }

  test('login – concat: primary failure rejects once, without retry or attributes', async () => {
    const r = await runLogin(makeInput('radius_server_concat', { password: 'pw,push' }), { primary: primaryFail('Invalid User', PRIMARY_ATTRS) });
    assert.equal(r.calls.primary.length, 1);
    assert.deepEqual(r.settled.reply, { kind: 'reply', code: 3, replyMessage: 'Invalid User', attributes: [] });
  });
});

describe('login – strings pass unchanged (§19.9) and long replies (fact 45)', () => {
  test('login – Unicode user and password reach primary and Duo unchanged', async () => {
    const r = await runLogin(makeInput('radius_server_auto', { username: 'CORP\\jürgen 用户', password: 'pässwörd✓,push' }), {
      primary: primaryOk(),
      preauth: preauthAuth(),
      auth: authOk('allow', 'Erfolg ✓'),
    });
    assert.equal(r.calls.primary[0]?.username, 'CORP\\jürgen 用户');
    assert.equal(r.calls.primary[0]?.password, 'pässwörd✓');
    assert.equal(r.calls.preauth[0]?.user, 'CORP\\jürgen 用户');
    assert.equal(replyOf(r.settled).message, 'Erfolg ✓');
  });

  test('login – DEVIATION: a Duo status over 253 bytes is kept whole (the encoder splits it)', async () => {
    const status = 'x'.repeat(600);
    const r = await runLogin(makeInput('radius_server_auto'), { primary: primaryOk(), preauth: preauthOk({ result: 'deny', status }) });
    assert.equal(replyOf(r.settled).message, status);
  });

  test('login – primary-only mode: Duo is not called, fail-open text (§7)', async () => {
    const r = await runLogin(makeInput('radius_server_auto', {}, { primaryOnly: true }), { primary: primaryOk(PRIMARY_ATTRS) });
    assert.deepEqual(r.settled.reply, { kind: 'reply', code: 2, replyMessage: 'Primary Only Mode - Secondary authentication bypassed', attributes: PRIMARY_ATTRS });
    assert.equal(r.calls.preauth.length, 0);
  });
});
