// The waiting state is the only one the engine persists: a JSON snapshot without secrets that a fresh
// actor (or another process) resumes with ANSWER (libraries.md §2 "Persistence").
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createActor, SimulatedClock } from 'xstate';
import { settle } from '../../machines/login.ts';
import { answer, attr, authOk, makeInput, preauthAuth, primaryOk, replyOf, runLogin, T0 } from './support.ts';

describe('login persistence – challenge snapshots', () => {
  test('login persistence – the waiting snapshot holds no password and no request attributes', async () => {
    const password = 'S3cret-Pässwort!';
    const r = await runLogin(
      makeInput('radius_server_challenge', { password, attributes: [attr(2, 'hidden-user-password-bytes')] }),
      { primary: primaryOk([attr(25, 'c')]), preauth: preauthAuth() },
    );
    const json = JSON.stringify(r.actor.getPersistedSnapshot());
    assert.ok(!json.includes(password));
    assert.ok(!json.includes('hidden-user-password-bytes'));
    const snap = JSON.parse(json);
    assert.equal(snap.value, 'awaiting');
    assert.deepEqual(snap.children, {}, 'no actor in flight');
    assert.deepEqual(snap.context.secret, {});
    assert.deepEqual(snap.context.challenge.primaryAttributes, [attr(25, 'c')]);
  });

  test('login persistence – the auto passcode challenge snapshot holds no password', async () => {
    const c = await runLogin(makeInput('radius_server_auto', { password: 'pw-only-42' }, { factors: ['passcode'] }), {
      primary: primaryOk(),
      preauth: preauthAuth(),
    });
    assert.equal(c.settled.status, 'challenge');
    assert.ok(!JSON.stringify(c.actor.getPersistedSnapshot()).includes('pw-only-42'));
  });

  test('login persistence – restores in a fresh actor from JSON and completes with ANSWER', async () => {
    const r = await runLogin(makeInput('radius_server_challenge'), { primary: primaryOk(), preauth: preauthAuth(), auth: authOk('allow', 'Success') });
    const a = await answer(r, { password: '2', now: T0 + 60_000 });
    assert.deepEqual(replyOf(a.settled), { code: 2, message: 'Success' });
    assert.equal(r.calls.primary.length, 1, 'restoring re-runs nothing');
    assert.equal(r.calls.preauth.length, 1);
    assert.deepEqual(r.calls.auth.map((c) => c.factor), ['phone1']);
  });

  test('login persistence – an answer at the deadline gets Unknown Challenge; just before, it is handled', async () => {
    const late = await runLogin(makeInput('radius_server_challenge'), { primary: primaryOk(), preauth: preauthAuth() });
    assert.deepEqual(replyOf((await answer(late, { password: '1', now: T0 + 300_000 })).settled), { code: 3, message: 'Unknown Challenge' });
    const inTime = await runLogin(makeInput('radius_server_challenge'), { primary: primaryOk(), preauth: preauthAuth(), auth: authOk('allow', 'ok') });
    assert.deepEqual(replyOf((await answer(inTime, { password: '1', now: T0 + 299_999 })).settled), { code: 2, message: 'ok' });
  });

  test('login persistence – RESUME on an expired snapshot ends with Unknown Challenge', async () => {
    const r = await runLogin(makeInput('radius_server_auto', {}, { factors: ['passcode'] }), { primary: primaryOk(), preauth: preauthAuth() });
    const snapshot = JSON.parse(JSON.stringify(r.actor.getPersistedSnapshot()));
    r.actor.stop();
    const restored = createActor(r.machine, { snapshot, input: undefined as never, clock: new SimulatedClock() });
    restored.start();
    restored.send({ type: 'RESUME', now: T0 + 400_000 });
    assert.deepEqual(replyOf(await settle(restored)), { code: 3, message: 'Unknown Challenge' });
  });

  test('login persistence – an undecodable answer password is rejected before anything else', async () => {
    const r = await runLogin(makeInput('radius_server_challenge'), { primary: primaryOk(), preauth: preauthAuth() });
    const a = await answer(r, { passwordUndecodable: true });
    assert.deepEqual(replyOf(a.settled), { code: 3, message: 'Cannot decode password' });
  });

  test('login persistence – events other than ANSWER and RESUME are ignored while waiting', async () => {
    const r = await runLogin(makeInput('radius_server_challenge'), { primary: primaryOk(), preauth: preauthAuth() });
    r.actor.send({ type: 'LOGIN_DEADLINE' });
    assert.equal(r.actor.getSnapshot().value, 'awaiting');
  });
});
