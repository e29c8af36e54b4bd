// Timers in virtual time (SimulatedClock): the 120 s login deadline, api_timeout, the 300 s challenge
// lifetime and RESUME after a restore (libraries.md finding F).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createActor, SimulatedClock } from 'xstate';
import { settle, settledOf } from '../../machines/login.ts';
import { authOk, fakeMachine, makeInput, newCalls, preauthAuth, primaryOk, replyOf, type Script, T0 } from './support.ts';

const flush = () => new Promise((r) => setImmediate(r));

async function started(input: ReturnType<typeof makeInput>, script: Script) {
  const clock = new SimulatedClock();
  const calls = newCalls();
  const machine = fakeMachine(script, calls);
  const actor = createActor(machine, { input, clock });
  actor.start();
  await flush();
  return { clock, calls, machine, actor };
}

describe('login timers – login deadline (login_timeout, default 120 s)', () => {
  test('login timers – a hanging preauth fails open at 120 s and its call is aborted', async () => {
    const { clock, calls, actor } = await started(makeInput('radius_server_auto'), { primary: primaryOk(), preauth: 'hang' });
    clock.increment(119_999);
    await flush();
    assert.equal(settledOf(actor.getSnapshot()), undefined, 'still waiting at 119.999 s');
    clock.increment(1);
    const s = await settle(actor);
    assert.deepEqual(replyOf(s), { code: 2, message: 'Failmode Safe - Allowed Duo login on preauth failure' });
    assert.deepEqual(calls.aborted, ['preauth']);
  });

  test('login timers – a hanging /auth fails closed at the deadline', async () => {
    const { clock, calls, actor } = await started(makeInput('radius_server_auto'), { primary: primaryOk(), preauth: preauthAuth(), auth: 'hang' });
    clock.increment(120_000);
    const s = await settle(actor);
    assert.deepEqual(replyOf(s), { code: 3, message: 'Failmode Secure - Denied Duo login on preauth failure' });
    assert.deepEqual(calls.aborted, ['auth']);
  });

  test('login timers – the deadline covers the whole request, not each call', async () => {
    const script: Script = { primary: 'hang' };
    const { clock, actor } = await started(makeInput('radius_server_auto', {}, { loginTimeoutMs: 5_000 }), script);
    clock.increment(5_000);
    const s = await settle(actor);
    assert.deepEqual(replyOf(s), { code: 3, message: 'Error performing primary authentication: timed out' });
  });

  test('login timers – time spent in primary counts against the Duo call', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const slowPrimary = (() => gate.then(() => primaryOk())) as unknown as Script['primary'];
    const { clock, actor } = await started(makeInput('radius_server_auto', {}, { loginTimeoutMs: 10_000 }), {
      primary: slowPrimary,
      preauth: 'hang',
    });
    clock.increment(6_000);
    release();
    await flush();
    assert.deepEqual(actor.getSnapshot().value, { processing: 'preauth' });
    clock.increment(3_999);
    await flush();
    assert.equal(settledOf(actor.getSnapshot()), undefined);
    clock.increment(1);
    assert.deepEqual(replyOf(await settle(actor)), { code: 2, message: 'Failmode Safe - Allowed Duo login on preauth failure' });
  });

  test('login timers – a primary timing out in challenge mode rejects without failmode', async () => {
    const { clock, actor } = await started(makeInput('radius_server_challenge', {}, { failmode: 'safe' }), { primary: 'hang' });
    clock.increment(120_000);
    assert.deepEqual(replyOf(await settle(actor)), { code: 3, message: 'Error performing primary authentication: timed out' });
  });
});

describe('login timers – api_timeout', () => {
  test('login timers – api_timeout=3 s: preauth fails open at 3 s (§19.7)', async () => {
    const { clock, actor } = await started(makeInput('radius_server_auto', {}, { duoRequestTimeoutMs: 3_000 }), { primary: primaryOk(), preauth: 'hang' });
    clock.increment(2_999);
    await flush();
    assert.equal(settledOf(actor.getSnapshot()), undefined);
    clock.increment(1);
    assert.deepEqual(replyOf(await settle(actor)), { code: 2, message: 'Failmode Safe - Allowed Duo login on preauth failure' });
  });

  test('login timers – api_timeout applies to each call afresh', async () => {
    const { clock, actor } = await started(makeInput('radius_server_auto', {}, { duoRequestTimeoutMs: 3_000, failmode: 'safe' }), {
      primary: primaryOk(),
      preauth: preauthAuth(),
      auth: 'hang',
    });
    clock.increment(2_999);
    await flush();
    assert.equal(settledOf(actor.getSnapshot()), undefined, 'the /auth call started later than the preauth');
    clock.increment(1);
    assert.deepEqual(replyOf(await settle(actor)), { code: 3, message: 'Failmode Secure - Denied Duo login on preauth failure' });
  });
});

describe('login timers – challenge lifetime (300 s) and RESUME', () => {
  test('login timers – a live waiting actor expires at 300 s', async () => {
    const { clock, actor } = await started(makeInput('radius_server_challenge'), { primary: primaryOk(), preauth: preauthAuth() });
    assert.equal(settledOf(actor.getSnapshot())?.status, 'challenge');
    clock.increment(299_999);
    assert.equal(actor.getSnapshot().value, 'awaiting');
    clock.increment(1);
    assert.equal(actor.getSnapshot().value, 'expired');
    assert.deepEqual(replyOf((await settle(actor)) as never), { code: 3, message: 'Unknown Challenge' });
  });

  test('login timers – the login deadline does not run while waiting for the answer', async () => {
    const { clock, actor } = await started(makeInput('radius_server_challenge'), { primary: primaryOk(), preauth: preauthAuth(), auth: authOk('allow', 'ok') });
    clock.increment(200_000);
    assert.equal(actor.getSnapshot().value, 'awaiting');
    actor.send({ type: 'ANSWER', now: T0 + 200_000, clientIp: '10.0.0.5', password: '1' });
    assert.deepEqual(replyOf(await settle(actor)), { code: 2, message: 'ok' });
  });

  test('login timers – a restored actor has no timer until RESUME, which re-arms it from the absolute deadline', async () => {
    const first = await started(makeInput('radius_server_challenge'), { primary: primaryOk(), preauth: preauthAuth() });
    const persisted = JSON.parse(JSON.stringify(first.actor.getPersistedSnapshot()));
    first.actor.stop();

    const clock = new SimulatedClock();
    const restored = createActor(first.machine, { snapshot: persisted, input: undefined as never, clock });
    restored.start();
    clock.increment(10 * 300_000);
    assert.equal(restored.getSnapshot().value, 'awaiting', 'timers are not persisted (finding F)');

    restored.send({ type: 'RESUME', now: T0 + 200_000 });
    clock.increment(99_999);
    assert.equal(restored.getSnapshot().value, 'awaiting');
    clock.increment(1);
    assert.equal(restored.getSnapshot().value, 'expired');
  });

  test('login timers – RESUME after the deadline expires at once', async () => {
    const first = await started(makeInput('radius_server_challenge'), { primary: primaryOk(), preauth: preauthAuth() });
    const persisted = JSON.parse(JSON.stringify(first.actor.getPersistedSnapshot()));
    first.actor.stop();
    const clock = new SimulatedClock();
    const restored = createActor(first.machine, { snapshot: persisted, input: undefined as never, clock });
    restored.start();
    restored.send({ type: 'RESUME', now: T0 + 300_001 });
    clock.increment(0);
    assert.deepEqual(replyOf(await settle(restored)), { code: 3, message: 'Unknown Challenge' });
  });
});
