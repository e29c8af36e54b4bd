// The login's timers as the machine's own entry/exit actions (machines/login-timers.ts) instead of
// XState's `after`: the events are XState's names, each timer state takes its event in `on`, the
// timers run on the actor's clock and never through XState's scheduler, stopping a login disarms them,
// and a timer that fires after its actor stopped sends nothing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type AnyStateNode, createActor, type InspectionEvent, SimulatedClock } from 'xstate';
import { loginCalls } from '../../machines/login-calls.ts';
import { loginMachine, settledOf } from '../../machines/login.ts';
import { LOGIN_TIMERS, type LoginTimerName, timerEventType, timerOf } from '../../machines/login-timers.ts';
import { authOk, makeInput, preauthAuth, primaryOk, T0 } from './support.ts';

const flush = () => new Promise((r) => setImmediate(r));

/** A clock whose timers the test fires by hand; handles start at 0, as SimulatedClock's do. */
function handClock() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let next = 0;
  return {
    pending,
    setTimeout(fn: () => void, ms: number) {
      pending.set(next, { fn, ms });
      return next++;
    },
    clearTimeout(id: number) {
      pending.delete(id);
    },
  };
}

const allNodes = (n: AnyStateNode): AnyStateNode[] => [n, ...Object.values(n.states).flatMap(allNodes)];

describe('login timer actions – XState `after` without its scheduler', () => {
  test('login timer actions – each timer state arms its timer and takes XState’s after event in `on`, last', () => {
    const armed = new Map<string, LoginTimerName>();
    for (const n of allNodes(loginMachine.root)) {
      const name = timerOf(n);
      if (name) armed.set(n.id, name);
    }
    assert.deepEqual(
      [...armed].sort(),
      (Object.entries(LOGIN_TIMERS) as [LoginTimerName, { state: string }][]).map(([name, t]) => [t.state, name]).sort(),
    );
    for (const [id, name] of armed) {
      const node = loginMachine.root.machine.getStateNodeById(id);
      const type = timerEventType(name);
      assert.equal(type, `xstate.after.${LOGIN_TIMERS[name].delay}.${id}`, 'XState’s own naming');
      assert.equal([...node.transitions.keys()].at(-1), type, `${id}: the timer's event comes after the state's other events, as after's did`);
      assert.ok(node.exit.some((a) => (a as { type?: unknown; params?: unknown }).type === 'disarmTimer' && (a as { params?: unknown }).params === name), `${id} disarms on exit`);
    }
  });

  test('login timer actions – armed on the actor’s clock with today’s delays, none in XState’s scheduler', async () => {
    const clock = handClock();
    const calls = loginCalls({ primaryAuth: async () => primaryOk(), duoPreauth: () => new Promise(() => undefined), duoAuth: async () => authOk('allow', 'ok') });
    const actor = createActor(loginMachine.provide({ actions: calls.actions }), {
      input: makeInput('radius_server_auto', {}, { loginTimeoutMs: 50_000, duoRequestTimeoutMs: 7_000 }),
      clock,
    });
    actor.start();
    await flush();
    assert.deepEqual(actor.getSnapshot().value, { processing: 'preauth' });
    assert.deepEqual([...clock.pending.values()].map((t) => t.ms), [50_000, 7_000], 'the login deadline, then api_timeout');
    assert.deepEqual(actor.system.getSnapshot()._scheduledEvents, {}, 'XState’s scheduler keeps nothing');
    calls.stop(actor);
    assert.equal(clock.pending.size, 0, 'stop disarmed both');
  });

  test('login timer actions – stopping a waiting login disarms the challenge timer; a late firing sends nothing', async () => {
    const clock = handClock();
    const calls = loginCalls({ primaryAuth: async () => primaryOk(), duoPreauth: async () => preauthAuth(), duoAuth: async () => authOk('allow', 'ok') });
    const events: string[] = [];
    const inspect = (e: InspectionEvent) => void (e.type === '@xstate.event' && events.push(e.event.type));
    const actor = createActor(loginMachine.provide({ actions: calls.actions }), { input: makeInput('radius_server_challenge'), clock, inspect });
    actor.start();
    await flush();
    assert.equal(settledOf(actor.getSnapshot())?.status, 'challenge');
    const [timer, ...others] = [...clock.pending.values()];
    assert.equal(others.length, 0, 'the login deadline was disarmed on leaving processing');
    assert.equal(timer?.ms, 300_000, 'the challenge lifetime from its deadline');
    calls.stop(actor);
    assert.equal(clock.pending.size, 0);
    // Fired anyway (a clock that fires a cleared timer): the stopped actor is sent nothing.
    timer?.fn();
    assert.ok(!events.some((t) => t.startsWith('xstate.after.')), events.join(' '));
    assert.equal(actor.getSnapshot().status, 'stopped');
  });

  test('login timer actions – a firing timer sends exactly XState’s event, and RESUME re-arms the lifetime', async () => {
    const clock = new SimulatedClock();
    const calls = loginCalls({ primaryAuth: async () => primaryOk(), duoPreauth: async () => preauthAuth(), duoAuth: async () => authOk('allow', 'ok') });
    const events: unknown[] = [];
    const inspect = (e: InspectionEvent) => void (e.type === '@xstate.event' && e.event.type.startsWith('xstate.after.') && events.push(e.event));
    const actor = createActor(loginMachine.provide({ actions: calls.actions }), { input: makeInput('radius_server_challenge'), clock, inspect });
    actor.start();
    await flush();
    actor.send({ type: 'RESUME', now: T0 + 100_000 });
    clock.increment(199_999);
    assert.equal(actor.getSnapshot().value, 'awaiting', 're-armed with the 200 s left at RESUME');
    assert.deepEqual(events, []);
    clock.increment(1);
    assert.equal(actor.getSnapshot().value, 'expired');
    assert.deepEqual(events, [{ type: 'xstate.after.CHALLENGE_REMAINING.login.awaiting' }]);
    calls.stop(actor);
  });
});
