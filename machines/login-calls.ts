// The login's three outside calls (primary auth, Duo preauth, Duo /auth) without a child actor each.
// A call state's entry action starts the call (its params are the call's input, computed from the
// context by the machine) and its exit action aborts it; the result comes back to the login actor as
// the event an invoked promise actor would have sent: `xstate.done.actor.<call>` {output} or
// `xstate.error.actor.<call>` {error}, so traces, redact.ts, the dashboard, the diagrams and the
// model-based tests see the same vocabulary. Why not `invoke`: each invoked child actor (its actor,
// system registration, snapshots, inspection) cost ~25-35 µs of CPU per call and ~1-2 KiB while a
// push waits (docs/scaling.md, issue 14).
// The machine's timers work the same way (startTimer on entry, stopTimer on exit, the timer's event
// the one XState's `after` sent), on the actor's clock, instead of XState's delayed events.
//
// The engine and the tests give the machine its calls with
//   loginMachine.provide({ actions: loginCalls({ primaryAuth, duoPreauth, duoAuth }).actions })
// and stop a login with `calls.stop(actor)`, which also aborts the call in flight and clears the
// timers (stopping an actor runs no exit action).
import type { AnyActorRef, AnyStateNode } from 'xstate';
import type { DuoAuthInput, DuoAuthOutput, DuoPreauthInput, DuoPreauthOutput, LoginCallName, LoginTimerName, PrimaryAuthInput, PrimaryAuthOutput } from './login-types.ts';

export type { LoginCallEvent, LoginCallName } from './login-types.ts';

/** The calls, by the name their result events carry (and their entry action's type). */
export const LOGIN_CALLS = ['primaryAuth', 'duoPreauth', 'duoAuth'] as const satisfies readonly LoginCallName[];

/** One call: started with the machine's input for it; `signal` is aborted when the login leaves the
 *  call's state (a timer, the login deadline) or is stopped. */
export interface LoginCallImpls {
  primaryAuth(input: PrimaryAuthInput, signal: AbortSignal, self: AnyActorRef): Promise<PrimaryAuthOutput>;
  duoPreauth(input: DuoPreauthInput, signal: AbortSignal, self: AnyActorRef): Promise<DuoPreauthOutput>;
  duoAuth(input: DuoAuthInput, signal: AbortSignal, self: AnyActorRef): Promise<DuoAuthOutput>;
}

type CallAction<I> = (args: { self: AnyActorRef }, input: I) => void;

/** A timer to arm: the event it sends when it runs out (XState's `after` event type), and when. */
export interface TimerStart {
  name: LoginTimerName;
  event: string;
  ms: number;
}
interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}
/** A login's armed timers: one slot per timer name, a fixed shape (see loginCalls). */
type TimerSlots = Record<LoginTimerName, unknown>;

export interface LoginCalls {
  actions: {
    primaryAuth: CallAction<PrimaryAuthInput>;
    duoPreauth: CallAction<DuoPreauthInput>;
    duoAuth: CallAction<DuoAuthInput>;
    abortCall: (args: { self: AnyActorRef }) => void;
    startTimer: (args: { self: AnyActorRef }, t: TimerStart) => void;
    stopTimer: (args: { self: AnyActorRef }, t: { name: LoginTimerName }) => void;
  };
  /** Stops the login actor, aborts its call in flight, if any, and clears its timers. */
  stop(actor: AnyActorRef): void;
}

export function loginCalls(impls: LoginCallImpls): LoginCalls {
  // The call in flight of each login actor (one at a time: each call state aborts its call on exit
  // before the next state's entry starts another). Removed when the result is delivered.
  const inFlight = new WeakMap<AnyActorRef, AbortController>();
  const abort = (self: AnyActorRef) => {
    const call = inFlight.get(self);
    if (!call) return;
    inFlight.delete(self);
    call.abort();
  };
  // Timers on the actor's clock (a SimulatedClock in tests), not XState's `after`: its scheduler keys each
  // timer by the actor's session id, a property name never seen before added to and deleted from two
  // fresh objects per actor (~1.5 µs each, and V8 promotes what such objects hold: docs/scaling.md).
  // Here: one fixed-shape object of slots per login, in a WeakMap.
  const timers = new WeakMap<AnyActorRef, TimerSlots>();
  const clockOf = (self: AnyActorRef) => (self as unknown as { clock: Clock }).clock;
  const clearTimer = (self: AnyActorRef, slots: TimerSlots, name: LoginTimerName) => {
    const id = slots[name];
    if (id === undefined) return;
    slots[name] = undefined;
    clockOf(self).clearTimeout(id);
  };
  const startTimer = ({ self }: { self: AnyActorRef }, t: TimerStart) => {
    let slots = timers.get(self);
    if (!slots) timers.set(self, (slots = { LOGIN_TIMEOUT: undefined, DUO_TIMEOUT: undefined, CHALLENGE_REMAINING: undefined }));
    clearTimer(self, slots, t.name);
    const armed = slots;
    armed[t.name] = clockOf(self).setTimeout(() => {
      armed[t.name] = undefined;
      self.send({ type: t.event });
    }, t.ms);
  };
  const stopTimer = ({ self }: { self: AnyActorRef }, t: { name: LoginTimerName }) => {
    const slots = timers.get(self);
    if (slots) clearTimer(self, slots, t.name);
  };

  function starter<N extends LoginCallName>(name: N): CallAction<Parameters<LoginCallImpls[N]>[0]> {
    const done = `xstate.done.actor.${name}`;
    const error = `xstate.error.actor.${name}`;
    const run = impls[name] as (input: unknown, signal: AbortSignal, self: AnyActorRef) => Promise<unknown>;
    return ({ self }, input) => {
      const call = new AbortController();
      inFlight.set(self, call);
      let p: Promise<unknown>;
      try {
        p = run(input, call.signal, self);
      } catch (err) {
        p = Promise.reject(err);
      }
      // After an abort the login has left the call's state (or stopped): the result must not reach it.
      p.then(
        (output) => {
          if (call.signal.aborted) return;
          inFlight.delete(self);
          self.send({ type: done, output });
        },
        (err: unknown) => {
          if (call.signal.aborted) return;
          inFlight.delete(self);
          self.send({ type: error, error: err });
        },
      );
    };
  }
  return {
    actions: { primaryAuth: starter('primaryAuth'), duoPreauth: starter('duoPreauth'), duoAuth: starter('duoAuth'), abortCall: ({ self }) => abort(self), startTimer, stopTimer },
    stop(actor) {
      actor.stop();
      abort(actor);
      const slots = timers.get(actor);
      if (slots) for (const name of Object.keys(slots) as LoginTimerName[]) clearTimer(actor, slots, name);
    },
  };
}

/** The call a state makes (its entry action's type), or undefined: how the diagrams tell call states
 *  from decisions. */
export function callOf(node: AnyStateNode): LoginCallName | undefined {
  for (const a of node.entry as readonly unknown[]) {
    const type = typeof a === 'string' ? a : (a as { type?: unknown } | undefined)?.type;
    if ((LOGIN_CALLS as readonly unknown[]).includes(type)) return type as LoginCallName;
  }
  return undefined;
}
