// The login's calls as entry/exit actions (machines/login-calls.ts) instead of invoked promise actors:
// a result that comes back after its state was left is never delivered, stopping a login aborts its
// call, an unprovided machine fails loudly, the diagrams still know the call states, and a challenge
// snapshot persisted by the code that invoked child actors still resumes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type AnyActorRef, createActor, type InspectionEvent, SimulatedClock } from 'xstate';
import { diagramModel, shortStateId } from '../../machines/diagram.ts';
import { callOf, loginCalls } from '../../machines/login-calls.ts';
import { type DuoAuthOutput, loginMachine, settle, settledOf } from '../../machines/login.ts';
import { authOk, fakeMachine, makeInput, newCalls, preauthAuth, primaryOk, replyOf, T0 } from './support.ts';

const flush = () => new Promise((r) => setImmediate(r));

describe('login calls – entry actions instead of child actors', () => {
  test('login calls – a result arriving after api_timeout left the state is not delivered', async () => {
    let late: (v: DuoAuthOutput) => void = () => undefined;
    let signal: AbortSignal | undefined;
    const calls = loginCalls({
      primaryAuth: async () => primaryOk(),
      duoPreauth: async () => preauthAuth(),
      // Ignores its signal on purpose: the answer comes whenever the test says.
      duoAuth: (_input, s) => ((signal = s), new Promise<DuoAuthOutput>((r) => (late = r))),
    });
    const events: string[] = [];
    const inspect = (e: InspectionEvent) => void (e.type === '@xstate.event' && events.push(e.event.type));
    const clock = new SimulatedClock();
    const actor = createActor(loginMachine.provide({ actions: calls.actions }), {
      input: makeInput('radius_server_auto', { password: 'pw,push' }, { duoRequestTimeoutMs: 3_000 }),
      clock,
      inspect,
    });
    actor.start();
    await flush();
    assert.deepEqual(actor.getSnapshot().value, { processing: 'auth' });
    clock.increment(3_000);
    const s = await settle(actor);
    assert.equal(signal?.aborted, true, 'leaving the state aborted the call');
    late(authOk('allow', 'too late'));
    await flush();
    assert.deepEqual(replyOf(s), { code: 3, message: 'Failmode Secure - Denied Duo login on preauth failure' });
    assert.ok(!events.includes('xstate.done.actor.duoAuth'), `no late result delivered: ${events.join(' ')}`);
    assert.ok(events.includes('xstate.done.actor.duoPreauth'), 'the results in time are the events they were');
    calls.stop(actor);
  });

  test('login calls – after abortCall, neither a result nor an error reaches the actor; in time, both do', async () => {
    const sent: unknown[] = [];
    const self = { send: (e: unknown) => sent.push(e) } as unknown as AnyActorRef;
    const pending: Array<{ ok: (v: DuoAuthOutput) => void; fail: (e: Error) => void }> = [];
    const calls = loginCalls({
      primaryAuth: () => Promise.reject(new Error('not used')),
      duoPreauth: () => Promise.reject(new Error('not used')),
      duoAuth: () => new Promise<DuoAuthOutput>((ok, fail) => pending.push({ ok, fail })),
    });
    const input = { user: 'alice', factor: 'push1', ipaddr: '' };
    for (const end of ['ok', 'fail'] as const) {
      calls.actions.duoAuth({ self }, input);
      calls.actions.abortCall({ self });
      const last = pending.at(-1)!;
      if (end === 'ok') last.ok(authOk('allow', 'late'));
      else last.fail(new Error('late'));
    }
    await flush();
    assert.deepEqual(sent, []);
    calls.actions.duoAuth({ self }, input);
    pending.at(-1)!.ok(authOk('allow', 'in time'));
    calls.actions.duoAuth({ self }, input);
    const boom = new Error('boom');
    pending.at(-1)!.fail(boom);
    await flush();
    assert.deepEqual(sent, [
      { type: 'xstate.done.actor.duoAuth', output: authOk('allow', 'in time') },
      { type: 'xstate.error.actor.duoAuth', error: boom },
    ]);
  });

  test('login calls – stop() aborts the call in flight; a finished call is not aborted', async () => {
    const signals: Record<string, AbortSignal> = {};
    const calls = loginCalls({
      primaryAuth: async (_i, s) => ((signals.primary = s), primaryOk()),
      duoPreauth: (_i, s) => ((signals.preauth = s), new Promise(() => undefined)),
      duoAuth: () => Promise.reject(new Error('not reached')),
    });
    const actor = createActor(loginMachine.provide({ actions: calls.actions }), { input: makeInput('radius_server_auto', { password: 'pw,push' }), clock: new SimulatedClock() });
    actor.start();
    await flush();
    assert.deepEqual(actor.getSnapshot().value, { processing: 'preauth' });
    assert.equal(signals.primary?.aborted, false, 'primary answered before its state was left');
    assert.equal(signals.preauth?.aborted, false);
    calls.stop(actor);
    assert.equal(actor.getSnapshot().status, 'stopped');
    assert.equal(signals.preauth?.aborted, true);
  });

  test('login calls – a call that throws at once is the call error event', async () => {
    const calls = loginCalls({
      primaryAuth: () => {
        throw new Error('synchronous');
      },
      duoPreauth: () => Promise.reject(new Error('not reached')),
      duoAuth: () => Promise.reject(new Error('not reached')),
    });
    const actor = createActor(loginMachine.provide({ actions: calls.actions }), { input: makeInput('radius_server_auto'), clock: new SimulatedClock() });
    actor.start();
    assert.deepEqual(replyOf(await settle(actor)), { code: 3, message: 'Error performing primary authentication: unexpected error' });
  });

  test('login calls – the machine without its calls provided fails loudly', async () => {
    const actor = createActor(loginMachine, { input: makeInput('radius_server_auto'), clock: new SimulatedClock() });
    actor.subscribe({ error: () => undefined });
    actor.start();
    const snap = actor.getSnapshot();
    assert.equal(snap.status, 'error');
    assert.match(String((snap.error as Error).message), /provide me: the login machine needs a 'primaryAuth' action/);
  });

  test('login calls – callOf names the call of exactly the four call states', () => {
    const calling = diagramModel(loginMachine)
      .nodes.map((n) => [shortStateId(n.id), callOf(n)] as const)
      .filter(([, c]) => c !== undefined);
    assert.deepEqual(calling, [
      ['processing.primarySplit', 'primaryAuth'],
      ['processing.primary', 'primaryAuth'],
      ['processing.preauth', 'duoPreauth'],
      ['processing.auth', 'duoAuth'],
    ]);
  });
});

// Persisted by the code before this change (child actors invoked per call; captured from commit 1f42e8f
// with test/machines/support.ts): a challenge waiting in the store across an upgrade.
const PERSISTED_BEFORE = {
  status: 'active',
  value: 'awaiting',
  historyValue: {},
  context: {
    loginId: 'L1',
    server: 'radius_server_challenge',
    mode: 'radius_server_challenge',
    options: {
      failmode: 'safe',
      factors: ['auto'],
      delimiter: ',',
      delimitedPasswordLength: 0,
      allowConcat: true,
      promptFormat: 'console',
      enrollChallenge: true,
      exemptUsernames: [],
      loginTimeoutMs: 120000,
      challengeLifetimeMs: 300000,
    },
    now: 1735689600000,
    username: 'alice',
    clientIp: '10.0.0.5',
    passwordUndecodable: false,
    shape: { eap: false, mschapCpw: false, mschap2: false },
    requestAttributes: [],
    secret: {},
    primaryAttributes: [],
    startedAt: 1735689600000,
    rounds: 1,
    challenge: {
      kind: 'factors',
      prompt: 'Pick 1 or 2: ',
      factors: { '1': 'push1', '2': 'phone1', default: 'push1' },
      primaryAttributes: [],
      username: 'alice',
      clientIp: '10.0.0.5',
      deadline: 1735689900000,
    },
    reply: { kind: 'reply', code: 11, replyMessage: 'Pick 1 or 2: ', attributes: [] },
    reason: 'factor_prompt',
    reasonText: 'Challenged: Duo factor menu sent',
  },
  children: {},
};

test('login calls – a challenge snapshot persisted by the previous code resumes and completes', async () => {
  const calls = newCalls();
  const machine = fakeMachine({ auth: authOk('allow', 'Success') }, calls);
  const actor = createActor(machine, { snapshot: structuredClone(PERSISTED_BEFORE) as never, input: undefined as never, clock: new SimulatedClock() });
  actor.start();
  assert.ok(settledOf(actor.getSnapshot()), 'restored waiting');
  actor.send({ type: 'ANSWER', now: T0 + 1000, clientIp: '10.0.0.5', password: '2' });
  assert.deepEqual(replyOf(await settle(actor)), { code: 2, message: 'Success' });
  assert.deepEqual(calls.auth.map((c) => c.factor), ['phone1']);
});
