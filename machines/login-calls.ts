// The login's three outside calls (primary auth, Duo preauth, Duo /auth) without a child actor each.
// A call state's entry action starts the call (its params are the call's input, computed from the
// context by the machine) and its exit action aborts it; the result comes back to the login actor as
// the event an invoked promise actor would have sent: `xstate.done.actor.<call>` {output} or
// `xstate.error.actor.<call>` {error}, so traces, redact.ts, the dashboard, the diagrams and the
// model-based tests see the same vocabulary. Why not `invoke`: each invoked child actor (its actor,
// system registration, snapshots, inspection) cost ~25-35 µs of CPU per call and ~1-2 KiB while a
// push waits (docs/scaling.md, issue 14).
// The machine's timers work the same way, but are the machine's own actions (login-timers.ts).
//
// The engine and the tests give the machine its calls with
//   loginMachine.provide({ actions: loginCalls({ primaryAuth, duoPreauth, duoAuth }).actions })
// and stop a login with `calls.stop(actor)`, which also aborts the call in flight and disarms the
// machine's timers (stopping an actor runs no exit action).
import type { AnyActorRef, AnyStateNode } from 'xstate';
import { disarmTimers } from './login-timers.ts';
import type { DuoAuthInput, DuoAuthOutput, DuoPreauthInput, DuoPreauthOutput, LoginCallName, PrimaryAuthInput, PrimaryAuthOutput } from './login-types.ts';

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

export interface LoginCalls {
  actions: {
    primaryAuth: CallAction<PrimaryAuthInput>;
    duoPreauth: CallAction<DuoPreauthInput>;
    duoAuth: CallAction<DuoAuthInput>;
    abortCall: (args: { self: AnyActorRef }) => void;
  };
  /** Stops the login actor, aborts its call in flight, if any, and disarms its timers (login-timers.ts). */
  stop(actor: AnyActorRef): void;
}

export function loginCalls(impls: LoginCallImpls): LoginCalls {
  // Each login's calls share one AbortController, made at its first call: a login makes its calls one
  // after another (each call state aborts its call on exit before the next state's entry starts
  // another), and every way out of an aborted call ends the login (the login deadline or api_timeout
  // leads to a decision or failmode, never to another call). Node 20's AbortSignal is made as an
  // EventTarget whose prototype is set afterwards, which V8 promotes at the next scavenge
  // (docs/scaling.md, the collector): one per login instead of one per call. A finished call's signal
  // may thus abort later, with a later call of its login; the adapters remove their abort listener when
  // their call settles, so nothing hears it.
  const logins = new WeakMap<AnyActorRef, LoginCallsOf>();
  const abort = (self: AnyActorRef) => {
    const of = logins.get(self);
    if (!of?.running) return;
    of.running = false;
    of.controller?.abort();
  };
  function starter<N extends LoginCallName>(name: N): CallAction<Parameters<LoginCallImpls[N]>[0]> {
    const done = `xstate.done.actor.${name}`;
    const error = `xstate.error.actor.${name}`;
    const run = impls[name] as (input: unknown, signal: AbortSignal, self: AnyActorRef) => Promise<unknown>;
    return ({ self }, input) => {
      let of = logins.get(self);
      if (!of) logins.set(self, (of = new LoginCallsOf()));
      // Never an aborted signal for a new call (the machine makes none after an abort; should it ever,
      // that call gets a controller of its own).
      if (!of.controller || of.controller.signal.aborted) of.controller = new AbortController();
      const login = of;
      const signal = of.controller.signal;
      of.running = true;
      let p: Promise<unknown>;
      try {
        p = run(input, signal, self);
      } catch (err) {
        p = Promise.reject(err);
      }
      // After an abort the login has left the call's state (or stopped): the result must not reach it.
      p.then(
        (output) => {
          if (signal.aborted) return;
          login.running = false;
          self.send({ type: done, output });
        },
        (err: unknown) => {
          if (signal.aborted) return;
          login.running = false;
          self.send({ type: error, error: err });
        },
      );
    };
  }
  return {
    actions: { primaryAuth: starter('primaryAuth'), duoPreauth: starter('duoPreauth'), duoAuth: starter('duoAuth'), abortCall: ({ self }) => abort(self) },
    stop(actor) {
      actor.stop();
      abort(actor);
      disarmTimers(actor);
    },
  };
}

/** One login's calls: the controller they share and whether one is in flight (a fixed shape). */
class LoginCallsOf {
  controller: AbortController | undefined = undefined;
  running = false;
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
