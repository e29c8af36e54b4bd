// A login's calls share one AbortController (machines/login-calls.ts), which is sound only because the
// machine makes its calls one after another and none after an abort: checked here on running logins
// of every mode, each with one call cut off by each timer under each failmode.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type AnyActorRef, createActor, SimulatedClock } from 'xstate';
import { loginCalls } from '../../machines/login-calls.ts';
import { type DuoAuthOutput, LoginMode, loginMachine, settle } from '../../machines/login.ts';
import { authOk, makeInput, preauthAuth, primaryOk, T0 } from './support.ts';

const flush = () => new Promise((r) => setImmediate(r));

describe('login call signal – one controller per login', () => {
  test('login call signal – after a call is cut off (login deadline, api_timeout), the login makes no other call and ends', async () => {
    let runs = 0;
    for (const mode of Object.values(LoginMode)) {
      for (const hang of ['primaryAuth', 'duoPreauth', 'duoAuth'] as const) {
        for (const timer of ['login', 'api'] as const) {
          for (const failmode of ['safe', 'secure'] as const) {
            const started: string[] = [];
            let cutAfter = -1;
            const call =
              <T>(name: typeof hang, answer: T) =>
              (_input: unknown, signal: AbortSignal): Promise<T> => {
                started.push(name);
                if (name !== hang) return Promise.resolve(answer);
                return new Promise<T>((_, reject) =>
                  signal.addEventListener('abort', () => {
                    cutAfter = started.length;
                    reject(new Error('aborted'));
                  }),
                );
              };
            const calls = loginCalls({
              primaryAuth: call('primaryAuth', primaryOk()),
              duoPreauth: call('duoPreauth', preauthAuth()),
              duoAuth: call('duoAuth', authOk('allow', 'ok')),
            });
            const clock = new SimulatedClock();
            const password = mode === LoginMode.auto ? 'pw,push' : 'pw';
            const options = { failmode, loginTimeoutMs: 60_000, ...(timer === 'api' ? { duoRequestTimeoutMs: 5_000 } : {}) };
            const actor = createActor(loginMachine.provide({ actions: calls.actions }), { input: makeInput(mode, { password }, options), clock });
            actor.start();
            await flush();
            // A challenge: answer it in the same actor, so /auth runs too.
            if (actor.getSnapshot().value === 'awaiting') actor.send({ type: 'ANSWER', now: T0 + 1, clientIp: '10.0.0.5', password: '1' });
            await flush();
            clock.increment(60_000);
            await flush();
            const where = `${mode} ${hang} ${timer} ${failmode}: ${started.join(' ')}`;
            if (cutAfter >= 0) {
              runs++;
              assert.equal(started.length, cutAfter, `no call after the abort, ${where}`);
              assert.equal(actor.getSnapshot().status, 'done', `ended, ${where}`);
            }
            calls.stop(actor);
          }
        }
      }
    }
    assert.ok(runs >= 30, `${runs} logins had a call cut off`);
  });

  test('login call signal – a login’s calls share one signal, not aborted while they answer in time; an abort cuts the call in flight', async () => {
    const signals: AbortSignal[] = [];
    let late: (v: DuoAuthOutput) => void = () => undefined;
    const calls = loginCalls({
      primaryAuth: async (_i, s) => (signals.push(s), primaryOk()),
      duoPreauth: async (_i, s) => (signals.push(s), preauthAuth()),
      duoAuth: (_i, s) => (signals.push(s), new Promise<DuoAuthOutput>((r) => (late = r))),
    });
    const clock = new SimulatedClock();
    const actor = createActor(loginMachine.provide({ actions: calls.actions }), {
      input: makeInput('radius_server_auto', { password: 'pw,push' }, { duoRequestTimeoutMs: 3_000 }),
      clock,
    });
    actor.start();
    await flush();
    assert.deepEqual(actor.getSnapshot().value, { processing: 'auth' });
    assert.equal(signals.length, 3);
    assert.ok(signals.every((s) => s === signals[0]), 'one signal for the login');
    assert.equal(signals[0]?.aborted, false, 'the answered calls left it alone');
    clock.increment(3_000);
    await settle(actor);
    assert.equal(signals[2]?.aborted, true, 'api_timeout aborted /auth');
    late(authOk('allow', 'too late'));
    await flush();
    assert.equal(actor.getSnapshot().value, 'rejected');
    calls.stop(actor);
  });

  test('login call signal – a call started after an abort (never by the machine) gets a signal of its own', () => {
    const self = { send: () => undefined } as unknown as AnyActorRef;
    const signals: AbortSignal[] = [];
    const calls = loginCalls({
      primaryAuth: () => Promise.reject(new Error('not used')),
      duoPreauth: (_i, s) => (signals.push(s), new Promise(() => undefined)),
      duoAuth: () => Promise.reject(new Error('not used')),
    });
    const input = { user: 'alice', ipaddr: '', failmode: 'safe' as const };
    calls.actions.duoPreauth({ self }, input);
    calls.actions.abortCall({ self });
    calls.actions.duoPreauth({ self }, input);
    assert.equal(signals[0]?.aborted, true);
    assert.equal(signals[1]?.aborted, false);
    assert.notEqual(signals[0], signals[1]);
  });
});
