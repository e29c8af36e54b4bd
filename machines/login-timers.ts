// The login's four timers (the login deadline, api_timeout on preauth and on /auth, the challenge
// lifetime) without XState's scheduler. A timer state's entry action arms its timer on the actor's own
// clock (so a test's SimulatedClock drives it as it drove XState's `after`) and its exit action disarms
// it; when it fires, the login actor gets exactly the event XState's `after` sent,
// `xstate.after.<DELAY>.<state id>`, which the machine takes in `on` with the targets, actions and
// order its `after` had: the trace, the dashboard, redact.ts, the diagrams and the model-based tests
// see the same vocabulary.
//
// Why not `after`: XState's scheduler keys each timer by the actor's session id
// (`timerMap[`${sessionId}.${id}`]`, `system._snapshot._scheduledEvents[...]`), a property name never seen
// before on a fresh object per actor: string internalisation, a hidden-class transition, and objects that
// survive scavenges and are promoted (docs/scaling.md "The collector", issue 14). Here each login's
// handles sit in one fixed-shape holder, found by the actor in a WeakMap.
//
// A stopped actor runs no exit action: `loginCalls(...).stop(actor)` (the engine's way to stop a login)
// disarms them all (disarmTimers), and a timer that fires once its actor is no longer running sends
// nothing.
import type { AnyActorRef, AnyStateNode } from 'xstate';

/** What the delays read of the login's context (login-types.ts's LoginContext has it; not imported:
 *  login-types.ts takes its timer event types from here, and the layout test forbids cycles). */
interface LoginContext {
  now: number;
  options: { loginTimeoutMs: number; duoRequestTimeoutMs?: number };
  challenge?: { deadline: number };
}

/** Each timer: the XState delay name its event carries and the id of the state that arms it. */
export const LOGIN_TIMERS = {
  login: { delay: 'LOGIN_TIMEOUT', state: 'login.processing' },
  preauth: { delay: 'DUO_TIMEOUT', state: 'login.processing.preauth' },
  auth: { delay: 'DUO_TIMEOUT', state: 'login.processing.auth' },
  challenge: { delay: 'CHALLENGE_REMAINING', state: 'login.awaiting' },
} as const;

export type LoginTimerName = keyof typeof LOGIN_TIMERS;
type TimerOf<N extends LoginTimerName> = (typeof LOGIN_TIMERS)[N];
/** The event a timer sends when it runs out: the one XState's `after` sent. */
export type LoginTimerEvent = { [N in LoginTimerName]: { type: `xstate.after.${TimerOf<N>['delay']}.${TimerOf<N>['state']}` } }[LoginTimerName];

/** `xstate.after.<DELAY>.<state id>`, XState's own naming of a delayed transition's event. */
export const timerEventType = <N extends LoginTimerName>(name: N) =>
  `xstate.after.${LOGIN_TIMERS[name].delay}.${LOGIN_TIMERS[name].state}` as Extract<LoginTimerEvent['type'], `xstate.after.${TimerOf<N>['delay']}.${TimerOf<N>['state']}`>;

/** How long each delay is, read from the context when its state is entered (after the transition's
 *  assigns, as XState resolved a delay). */
const DELAYS: Record<(typeof LOGIN_TIMERS)[LoginTimerName]['delay'], (c: LoginContext) => number> = {
  LOGIN_TIMEOUT: (c) => c.options.loginTimeoutMs,
  // Without api_timeout the login deadline alone bounds the call; this timer then never fires first.
  DUO_TIMEOUT: (c) => (c.options.duoRequestTimeoutMs && c.options.duoRequestTimeoutMs > 0 ? c.options.duoRequestTimeoutMs : c.options.loginTimeoutMs),
  CHALLENGE_REMAINING: (c) => Math.max(0, (c.challenge?.deadline ?? 0) - c.now),
};

/** Each timer's event, one object per timer as XState's `after` made one per state. */
const EVENTS: { [N in LoginTimerName]: { type: string } } = {
  login: { type: timerEventType('login') },
  preauth: { type: timerEventType('preauth') },
  auth: { type: timerEventType('auth') },
  challenge: { type: timerEventType('challenge') },
};

/** One login's armed timers (the clock's handles): a fixed shape, no property named per actor. */
class Armed {
  login: unknown = undefined;
  preauth: unknown = undefined;
  auth: unknown = undefined;
  challenge: unknown = undefined;
}

const armedOf = new WeakMap<AnyActorRef, Armed>();

/** The actor's clock (createActor's `clock` option, else the system's): what XState's scheduler used. */
interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
const clockOf = (self: AnyActorRef): Clock => (self as unknown as { clock: Clock }).clock;

function arm({ context, self }: { context: LoginContext; self: AnyActorRef }, name: LoginTimerName): void {
  let armed = armedOf.get(self);
  if (!armed) armedOf.set(self, (armed = new Armed()));
  const slots = armed;
  if (slots[name] !== undefined) disarm(self, name);
  const event = EVENTS[name];
  const handle: unknown = clockOf(self).setTimeout(() => {
    if (slots[name] !== handle) return;
    slots[name] = undefined;
    // Stopped (or ended) meanwhile: nothing is sent to an actor that no longer runs.
    if (self.getSnapshot().status !== 'active') return;
    self.send(event);
  }, DELAYS[LOGIN_TIMERS[name].delay](context));
  slots[name] = handle;
}

function disarm(self: AnyActorRef, name: LoginTimerName): void {
  const armed = armedOf.get(self);
  const handle = armed?.[name];
  if (armed === undefined || handle === undefined) return;
  armed[name] = undefined;
  clockOf(self).clearTimeout(handle);
}

/** The machine's own timer actions (setup({ actions })): not provided by the engine. */
export const timerActions = {
  armTimer: (args: { context: LoginContext; self: AnyActorRef }, name: LoginTimerName) => arm(args, name),
  disarmTimer: ({ self }: { self: AnyActorRef }, name: LoginTimerName) => disarm(self, name),
};

/** Disarms every timer of a login (stopping an actor runs no exit action). */
export function disarmTimers(actor: AnyActorRef): void {
  for (const name of Object.keys(LOGIN_TIMERS) as LoginTimerName[]) disarm(actor, name);
}

/** The timer a state arms (its entry action's params), or undefined: what `node.after` told. */
export function timerOf(node: AnyStateNode): LoginTimerName | undefined {
  for (const a of node.entry as readonly unknown[]) {
    const action = a as { type?: unknown; params?: unknown } | undefined;
    if (action?.type === 'armTimer' && typeof action.params === 'string' && action.params in LOGIN_TIMERS) return action.params as LoginTimerName;
  }
  return undefined;
}
