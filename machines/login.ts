/**
 * The login machine: one XState actor per RADIUS login, for radius_server_auto, _challenge, _duo_only
 * and _concat (reference §8, §9, §10). Pure: every side effect is an injected call (login-calls.ts),
 * every timer an XState delay, the only clock readings are `input.now` / `event.now`.
 *
 * HOW TO DRIVE IT (the engine)
 *
 *   import { loginCalls } from '../machines/login-calls.ts';
 *   import { loginMachine, settle } from '../machines/login.ts';
 *   const calls = loginCalls({
 *     primaryAuth: (input, signal) => primary.authenticate(input, signal),
 *     duoPreauth:  (input, signal) => duo.preauth(input, signal),
 *     duoAuth:     (input, signal) => duo.auth(input, signal),
 *   });
 *   const machine = loginMachine.provide({ actions: calls.actions });
 *
 * Each call state's entry action starts its call and its exit action aborts it; the result comes back
 * as `xstate.done.actor.<call>` {output} or `xstate.error.actor.<call>` {error}. Stop a login with
 * `calls.stop(actor)` (it aborts the call in flight and clears the timers too: stopping an actor runs no
 * exit action).
 *
 * 1. New request (no State): `const actor = createActor(machine, { input, inspect }); actor.start();`
 *    with `input: LoginInput` (login-types.ts): { loginId, server, mode, options, request, now: Date.now() }.
 *    `options` = loginOptions({...}) with the section's values. `request.password` undefined = attribute
 *    absent; `passwordUndecodable: true` when User-Password is not valid UTF-8 (→ `Cannot decode password`).
 * 2. `const s = await settle(actor)` resolves at the first snapshot that is either
 *      - `{ status: 'done', reply }`: final; `reply` is the LoginReply (also `actor.getSnapshot().output`).
 *        Send it and stop the actor. A `drop` reply means answer nothing.
 *      - `{ status: 'challenge', reply, session }`: the machine is in `awaiting` (tag 'awaiting-answer').
 *        `reply` is the Access-Challenge (code 11, Reply-Message = prompt, attributes []). The ENGINE adds
 *        a fresh State attribute (44 base64 chars), stores
 *          { state, server, username: session.username, clientIp: session.clientIp, deadline: session.deadline,
 *            snapshot: actor.getPersistedSnapshot() }
 *        then sends the reply and stops the actor. The snapshot holds no password, passcode or request
 *        attribute (cleared on entry to `awaiting`), and no promise is in flight there.
 * 3. Answer (request with a State the store's `take` returned 'ok'; the State/IP/User-Name binding is the
 *    store's job, `Unknown Challenge` on a miss is the engine's reply):
 *      const actor = createActor(machine, { snapshot: record.snapshot, input: undefined as never }); actor.start();
 *      actor.send({ type: 'ANSWER', now: Date.now(), clientIp, clientIpAttrValue, username, password, passwordUndecodable });
 *      await settle(actor)  → done (final reply) or challenge again (an SMS refresh: same prompt; the engine
 *      issues a NEW State and stores the new snapshot; the old State is already consumed).
 *    An ANSWER at or after `session.deadline` gives `Unknown Challenge`. ANSWER.username is informational
 *    (the machine keeps the User-Name of the first request); ANSWER.clientIp/clientIpAttrValue are the
 *    answering request's (challenge-mode /auth sends that request's raw client_ip_attr, §19.4).
 *    Call settle() AFTER send(): a waiting actor counts as settled at once. Events other than ANSWER and
 *    RESUME are ignored while waiting. The snapshot carries the section options it started with.
 * 4. Keeping a restored actor alive instead (optional): timers are not persisted (libraries.md finding F),
 *    so send `{ type: 'RESUME', now: Date.now() }`; it re-arms the lifetime timer from the absolute deadline
 *    (a RESUME at or after the deadline ends the login at once). At expiry the machine ends with reply
 *    `Unknown Challenge` (there is no request to answer then: drop it).
 *
 * Timers (the machine's own entry/exit actions, login-timers.ts: armed on the actor's clock, so a
 * SimulatedClock drives them in tests; disarmed on exit and by calls.stop(); they send the
 * `xstate.after.<timer>.<state id>` events XState's `after` sent):
 *   LOGIN_TIMEOUT (options.loginTimeoutMs, per handled request): a primary call in flight → reject
 *     `Error performing primary authentication: timed out`; a Duo call in flight → a `timeout` DuoError →
 *     failmode (preauth fail-open, /auth fail-closed, reference §6.4).
 *   DUO_TIMEOUT (options.duoRequestTimeoutMs, if > 0): the same timeout DuoError for one Duo call.
 *   CHALLENGE_REMAINING (deadline − now): the challenge lifetime while `awaiting`.
 * A timer that fires leaves the call's state, whose exit action aborts the `signal` given to the call.
 *
 * Events for the bus: `createActor(machine, { inspect })` and pass every inspection event through
 * `loginEventFromInspection(ev, at)` (redact.ts): one LoginEvent per snapshot of the login actor, whitelisted
 * detail. Never publish raw snapshots or events (the context holds the password while primary auth runs,
 * xstate.init carries the input, ANSWER the passcode).
 *
 * Where things are: login-types.ts (input, events, options, context), login-machine.ts (the statechart,
 * GUARD_MODES), screen.ts (request/answer screening), login-replies.ts (replies per outcome), messages.ts
 * (every Reply-Message we write), diagram.ts and diagram-view.ts (`authproxy viz`, the dashboard).
 */
import type { AnyActorRef, SnapshotFrom } from 'xstate';
import type { LoginReply } from './contracts.ts';
import { AWAITING_ANSWER_TAG, type loginMachine } from './login-machine.ts';
import type { ChallengeSession } from './login-types.ts';

export { AWAITING_ANSWER_TAG, GUARD_MODES, loginMachine, MODE_NAMES, type ModeName } from './login-machine.ts';
export * from './login-types.ts';

export type LoginSnapshot = SnapshotFrom<typeof loginMachine>;

/** Where a login stands once nothing is running: finished, or waiting for a challenge answer. */
export type Settled =
  | { status: 'done'; reply: LoginReply }
  | { status: 'challenge'; reply: LoginReply; session: ChallengeSession };

/** The settled view of a snapshot, or undefined while a call or a timer is pending. */
export function settledOf(snapshot: LoginSnapshot): Settled | undefined {
  if (snapshot.status === 'done') return { status: 'done', reply: snapshot.output };
  if (snapshot.status === 'active' && snapshot.hasTag(AWAITING_ANSWER_TAG)) {
    const { reply, challenge } = snapshot.context;
    if (reply && challenge) return { status: 'challenge', reply, session: challenge };
  }
  return undefined;
}

/**
 * Resolves when the login settles (see settledOf). Call it after `start()` or after sending ANSWER:
 * a waiting actor counts as settled at once. Rejects if the actor itself fails (a bug, never an
 * expected outcome: every expected failure is a reply).
 */
export function settle(actor: AnyActorRef): Promise<Settled> {
  return new Promise((resolve, reject) => new Settling(resolve, reject).watch(actor));
}

/** What settle() does, without a promise of its own, for a caller that waits on something else as well
 *  (the engine's shutdown): calls `settled` or `failed` once, maybe before it returns; stop() ends the
 *  watch without calling either. One promise and its reactions less per waiting login than racing settle(). */
export function watchSettle(actor: AnyActorRef, settled: (s: Settled) => void, failed: (e: Error) => void): { stop(): void } {
  const w = new Settling(settled, failed);
  w.watch(actor);
  return w;
}

/**
 * The observer behind settle(), a class on purpose: it lives as long as the login waits (a push can
 * take a minute, thousands may wait at once), and XState binds each observer function. Arrows would be
 * renamed by tsx (esbuild keepNames, Object.defineProperty), which puts each of them and each bound
 * copy in dictionary mode: ~1.3 KiB more per waiting login. Methods are not renamed.
 */
class Settling {
  private sub: { unsubscribe(): void } | undefined;
  private done = false;
  constructor(
    private readonly resolve: (s: Settled) => void,
    private readonly reject: (e: Error) => void,
  ) {}

  watch(actor: AnyActorRef): void {
    this.sub = actor.subscribe(this);
    // The actor may already be settled: a waiting actor counts as settled at once.
    this.next(actor.getSnapshot() as LoginSnapshot);
    if (this.done) this.sub.unsubscribe();
  }

  next(s: LoginSnapshot): void {
    if (this.done) return;
    if (s.status === 'error') return this.fail(s.error);
    const r = settledOf(s);
    if (!r) return;
    this.done = true;
    this.sub?.unsubscribe();
    this.resolve(r);
  }

  error(e: unknown): void {
    if (!this.done) this.fail(e);
  }

  stop(): void {
    this.done = true;
    this.sub?.unsubscribe();
  }

  private fail(e: unknown): void {
    this.done = true;
    this.sub?.unsubscribe();
    this.reject(e instanceof Error ? e : new Error('login actor failed'));
  }
}
