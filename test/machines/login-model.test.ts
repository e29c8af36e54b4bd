// Model-based tests (reference libraries.md §2, ecosystem.md §10): @xstate/graph walks the pure
// transition function over a vocabulary of actor results, timer and answer events; every shortest path is
// then replayed on a live actor (SimulatedClock), its reply (RADIUS code, Reply-Message, attributes)
// checked against an oracle written from the reference rules, and every state and transition of each
// mode must be covered.
//
// What the replay takes from where:
// - Duo answers (the `done` of duoPreauth and duoAuth) come from the mock Duo through our real Duo client.
//   Each answer in PREAUTH and AUTH is a scene (model-duo.ts): a mock Duo whose fixture (users, statuses,
//   groups, devices, faults, a wrong skey) makes it answer that way. The replay answers such a step by
//   calling our client (rest_v1: signing, envelope, validation, error classification) with the machine's
//   own actor input, over that mock's msw handlers in process, and gives the machine the client's output.
//   That output must deep-equal the listed outcome (so the vocabulary the graph walks is exactly what the
//   mock and client produce), and the mocks' journals must show one request per Duo step of the path.
// - The graph walk itself uses the listed outcomes: it runs the pure transition function and cannot wait
//   for HTTP; the replay is what proves each of them real.
// - The primary is scripted (PRIMARY).
// - Synthetic on purpose: the `error` events of duoPreauth/duoAuth, because our client never rejects
//   (every failure is a DuoOutcome), so only a provided actor that throws raises them and no Duo answer
//   can; and the timers (DUO_TIMEOUT, LOGIN_TIMEOUT, CHALLENGE_REMAINING), which are the machine's own
//   XState delays on the SimulatedClock: on those paths the Duo call is cut off unanswered, so there is
//   no Duo reply to produce.
import { isLoginReason, LOGIN_REASONS, outcomeOf } from '../../machines/login-reasons.ts';
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { getShortestPaths } from '@xstate/graph';
import { type AnyEventObject, createActor, type InspectionEvent, SimulatedClock } from 'xstate';
import type { AuthResult, DuoOutcome, LoginReply, PreauthResult, WireAttribute } from '../../machines/contracts.ts';
import { diagramModel, guardName } from '../../machines/diagram.ts';
import { loginCalls } from '../../machines/login-calls.ts';
import { type DuoAuthInput, type DuoPreauthInput, type LoginMode, loginMachine, type ModeName, settledOf } from '../../machines/login.ts';
import { rejectReply } from '../../machines/reply.ts';
import { createModelDuo, DUO_HOST, type ModelDuo, type Scene, sceneKey } from './model-duo.ts';
import { AUTH_FACTORS, attr, authOk, b64, CONSOLE_PROMPT, makeInput, preauthAuth, preauthOk, primaryFail, primaryOk, T0 } from './support.ts';

const P_ATTRS = [attr(25, 'ad-class')];
const CLASS = { type: 25, value: b64('OU=VPN;') };
const SAFE = 'Failmode Safe - Allowed Duo login on preauth failure';
const SECURE = 'Failmode Secure - Denied Duo login on preauth failure';
const API_MS = 30_000;
const LOGIN_MS = 120_000;
const LIFETIME = 300_000;

// ---- the vocabulary: primary results (scripted) and Duo answers (each one a scene of the mock Duo) ----------
const PRIMARY = [primaryOk(P_ATTRS), primaryFail('User Authentication Failed', P_ATTRS), { ok: false as const, drop: true as const, message: 'upstream challenge', attributes: [] }];
const ALICE_PHONE = { type: 'phone', number: 'XXX-XXX-1234' } as const; // every capability: CONSOLE_PROMPT
const PREAUTH_SCENES: Scene<PreauthResult>[] = [
  {
    name: 'a bypass user in group VPN',
    duo: { users: { alice: { status: 'bypass', groups: ['VPN'] } } },
    outcome: preauthOk({ result: 'allow', status: 'Bypass user: access allowed.', groups: ['VPN'] }),
  },
  { name: 'a disabled user', duo: { users: { alice: { status: 'disabled' } } }, outcome: preauthOk({ result: 'deny', status: 'Your account is disabled.' }) },
  {
    name: 'an unenrolled user',
    duo: { users: { alice: { status: 'unenrolled' } } },
    outcome: preauthOk({ result: 'enroll', status: `Please enroll at https://${DUO_HOST}/portal?code=fiaepnd8jlhd2z09fyl5` }),
  },
  { name: 'one phone, in group VPN', duo: { users: { alice: { devices: [ALICE_PHONE], groups: ['VPN'] } } }, outcome: preauthAuth(AUTH_FACTORS, CONSOLE_PROMPT, ['VPN']) },
  {
    name: 'a hardware token only',
    duo: { users: { alice: { devices: [{ type: 'token', name: '20361492' }], passcodes: ['123456'] } } },
    outcome: preauthOk({ result: 'auth', prompt: 'Duo two-factor login for alice\n\nEnter a passcode: ', factors: {} }),
  },
  {
    name: 'Duo answers 503 (fail-open)',
    duo: { users: { alice: { devices: [ALICE_PHONE] } }, faults: [{ match: { path: '/rest/v1/preauth' }, http_status: 503 }] },
    outcome: { ok: false, error: { kind: 'http-5xx', failOpen: true, message: 'API request failed: HTTP Error 503', httpStatus: 503 } },
  },
  {
    name: 'our skey is not the integration\'s: 401 40103 (fail-closed)',
    duo: { skey: 'Wrongskey0Wrongskey0Wrongskey0Wrongskey0', users: { alice: { devices: [ALICE_PHONE] } } },
    outcome: { ok: false, error: { kind: 'http-4xx', failOpen: false, message: '40103: Invalid signature in request credentials', httpStatus: 401, code: 40103 } },
  },
];
// The mock decides /auth by the user's status before it looks at the factor, so these answers hold
// whatever factor a path sends (push1, push, sms1, a passcode, an empty answer): a graph event must mean
// one answer. A phone that approves pushes would not do: it answers sms1 with "New SMS passcodes sent"
// (a deny) and a wrong passcode with "Incorrect passcode".
const AUTH_SCENES: Scene<AuthResult>[] = [
  { name: 'a user this Duo does not know, new_user_policy allow', duo: { new_user_policy: 'allow' }, outcome: authOk('allow', 'Allowing unknown user') },
  {
    name: 'a locked-out user',
    duo: { users: { alice: { status: 'locked_out', devices: [ALICE_PHONE] } } },
    outcome: authOk('deny', 'Your account has been locked out due to excessive authentication failures.'),
  },
  {
    name: 'Duo answers 503 (fail-open, /auth included)',
    duo: { users: { alice: { devices: [ALICE_PHONE] } }, faults: [{ match: { path: '/rest/v1/auth' }, http_status: 503 }] },
    outcome: { ok: false, error: { kind: 'http-5xx', failOpen: true, message: 'API request failed: HTTP Error 503', httpStatus: 503 } },
  },
  {
    name: 'the connection is reset (fail-closed on /auth)',
    duo: { users: { alice: { devices: [ALICE_PHONE] } }, faults: [{ match: { path: '/rest/v1/auth' }, reset: true }] },
    // The message is the in-process transport's wording of a reset; production's transport words it its own way.
    outcome: { ok: false, error: { kind: 'network', failOpen: false, message: 'connection reset by the mock' } },
  },
];
const PREAUTH = PREAUTH_SCENES.map((s) => s.outcome);
const AUTH = AUTH_SCENES.map((s) => s.outcome);
const newModelDuo = () => createModelDuo({ preauth: PREAUTH_SCENES, auth: AUTH_SCENES });
const ANSWERS: AnyEventObject[] = [
  { type: 'ANSWER', now: T0 + 1000, clientIp: '10.0.0.5', password: '1' },
  { type: 'ANSWER', now: T0 + 1000, clientIp: '10.0.0.5', password: '3' },
  { type: 'ANSWER', now: T0 + 1000, clientIp: '10.0.0.5', password: '123456' },
  { type: 'ANSWER', now: T0 + 1000, clientIp: '10.0.0.5' },
  { type: 'ANSWER', now: T0 + 10 * LIFETIME, clientIp: '10.0.0.5', password: '1' },
  { type: 'ANSWER', now: T0 + 1000, clientIp: '10.0.0.5', passwordUndecodable: true },
  { type: 'RESUME', now: T0 + 1000 },
  { type: 'RESUME', now: T0 + 10 * LIFETIME },
  { type: 'xstate.after.CHALLENGE_REMAINING.login.awaiting' },
];
const LOGIN_AFTER = 'xstate.after.LOGIN_TIMEOUT.login.processing';

// ---- the variants: inputs that open every branch of a mode ----------------------------------------------
type Choice = 'push1' | 'push' | 'passcode' | 'none';
interface Variant {
  name: string;
  mode: LoginMode;
  request?: Parameters<typeof makeInput>[1];
  options?: Parameters<typeof makeInput>[2];
  /** Which timer fires first in a Duo call: api_timeout (30 s) or the login deadline (120 s). */
  timers: 'api-first' | 'login-first';
  screen?: string;
  splits?: boolean;
  /** auto: what factor_for_request gives with a default device / without one. */
  choice?: { withDefault: Choice; noDefault: Choice };
}

const V = (v: Variant) => v;
const VARIANTS: Variant[] = [
  V({ name: 'auto split', mode: 'radius_server_auto', request: { password: 'hunter2,push' }, timers: 'api-first', splits: true, choice: { withDefault: 'push1', noDefault: 'none' } }),
  V({ name: 'auto passcode', mode: 'radius_server_auto', options: { factors: ['passcode'] }, timers: 'login-first', choice: { withDefault: 'passcode', noDefault: 'passcode' } }),
  V({ name: 'auto push', mode: 'radius_server_auto', options: { factors: ['push'] }, timers: 'api-first', choice: { withDefault: 'push', noDefault: 'none' } }),
  V({ name: 'auto no user', mode: 'radius_server_auto', request: { username: undefined }, timers: 'api-first', screen: 'No username provided' }),
  V({ name: 'auto exempt', mode: 'radius_server_auto', options: { exemptUsernames: ['alice'] }, timers: 'api-first' }),
  V({ name: 'auto primary-only', mode: 'radius_server_auto', options: { primaryOnly: true }, timers: 'api-first' }),
  V({ name: 'challenge', mode: 'radius_server_challenge', timers: 'api-first' }),
  V({ name: 'challenge login-first', mode: 'radius_server_challenge', options: { enrollChallenge: false }, timers: 'login-first' }),
  V({ name: 'challenge no password', mode: 'radius_server_challenge', request: { password: undefined }, timers: 'api-first', screen: 'No password or CHAP2 attributes provided' }),
  V({ name: 'challenge exempt', mode: 'radius_server_challenge', options: { exemptUsernames: ['alice'] }, timers: 'api-first' }),
  V({ name: 'challenge primary-only', mode: 'radius_server_challenge', options: { primaryOnly: true }, timers: 'api-first' }),
  V({ name: 'duo_only', mode: 'radius_server_duo_only', request: { password: 'push' }, timers: 'api-first' }),
  V({ name: 'duo_only login-first', mode: 'radius_server_duo_only', request: { password: 'push' }, timers: 'login-first' }),
  V({ name: 'duo_only no password', mode: 'radius_server_duo_only', request: { password: '' }, timers: 'api-first', screen: 'Missing or improperly-formatted password' }),
  V({ name: 'duo_only exempt', mode: 'radius_server_duo_only', request: { password: 'push' }, options: { exemptUsernames: ['alice'] }, timers: 'api-first' }),
  V({ name: 'duo_only primary-only', mode: 'radius_server_duo_only', request: { password: 'push' }, options: { primaryOnly: true }, timers: 'api-first' }),
  V({ name: 'concat', mode: 'radius_server_concat', request: { password: 'pw,push' }, timers: 'api-first' }),
  V({ name: 'concat login-first', mode: 'radius_server_concat', request: { password: 'pw,push' }, timers: 'login-first' }),
  V({ name: 'concat invalid', mode: 'radius_server_concat', request: { password: 'pw' }, timers: 'api-first', screen: 'Invalid Password' }),
  V({ name: 'concat exempt', mode: 'radius_server_concat', request: { password: 'pw,push' }, options: { exemptUsernames: ['alice'] }, timers: 'api-first' }),
  V({ name: 'concat primary-only', mode: 'radius_server_concat', request: { password: 'pw,push' }, options: { primaryOnly: true }, timers: 'api-first' }),
];

const inputOf = (v: Variant) =>
  makeInput(v.mode, v.request, { loginTimeoutMs: LOGIN_MS, duoRequestTimeoutMs: v.timers === 'api-first' ? API_MS : 10 * LOGIN_MS, ...v.options });

const stateKey = (value: unknown) => JSON.stringify(value);
const inState = (value: unknown, name: string) => stateKey(value) === stateKey({ processing: name });

function modelEvents(v: Variant) {
  return (s: { value: unknown }): AnyEventObject[] => {
    const v2 = s.value;
    if (inState(v2, 'primarySplit') || inState(v2, 'primary')) {
      return [...PRIMARY.map((output) => ({ type: 'xstate.done.actor.primaryAuth', output })), { type: 'xstate.error.actor.primaryAuth', error: new Error('x') }, { type: LOGIN_AFTER }];
    }
    const timer = (state: string) => (v.timers === 'api-first' ? { type: `xstate.after.DUO_TIMEOUT.login.processing.${state}` } : { type: LOGIN_AFTER });
    if (inState(v2, 'preauth')) {
      return [...PREAUTH.map((output) => ({ type: 'xstate.done.actor.duoPreauth', output })), { type: 'xstate.error.actor.duoPreauth', error: new Error('x') }, timer('preauth')];
    }
    if (inState(v2, 'auth')) {
      return [...AUTH.map((output) => ({ type: 'xstate.done.actor.duoAuth', output })), { type: 'xstate.error.actor.duoAuth', error: new Error('x') }, timer('auth')];
    }
    if (v2 === 'awaiting') return ANSWERS;
    return [];
  };
}

/** The outcome a reply is (undefined: a challenge is being waited on). */
const outcomeOfReply = (r: LoginReply | undefined) => (r === undefined ? 'challenge' : r.kind === 'drop' ? 'drop' : r.code === 2 ? 'accept' : r.code === 3 ? 'reject' : 'challenge');

// ---- the oracle: the reference rules, applied to a path's events ---------------------------------------
type Kind = 'factors' | 'passcode' | 'enroll';
type Expect = { t: 'pending' } | { t: 'challenge'; message: string } | { t: 'final'; reply: LoginReply };
const accept = (message: string, attributes: WireAttribute[], after: WireAttribute[] = []): Expect => ({
  t: 'final',
  reply: { kind: 'reply', code: 2, replyMessage: message, attributes, ...(after.length ? { afterReplyMessage: after } : {}) },
});
const reject = (message: string, attributes: WireAttribute[] = []): Expect => ({ t: 'final', reply: rejectReply(message, attributes) });

function oracle(v: Variant, steps: Array<{ event: AnyEventObject; source: unknown }>): Expect {
  const mode = v.mode;
  const opts = inputOf(v).options;
  const challengeMode = mode === 'radius_server_challenge';
  let primaryAttrs: WireAttribute[] = [];
  let primaryAttempts = 0;
  let factorKnown = mode === 'radius_server_duo_only' || mode === 'radius_server_concat';
  let groups: string[] = [];
  let answered = '';
  let challenge: { kind: Kind; message: string; factors: Record<string, string>; deadline: number } | undefined;
  let now = T0;
  let exp: Expect = { t: 'pending' };
  // duo_only's Class follows the Reply-Message (Duo's order, issue 11 §6).
  const classAfter = () => (mode === 'radius_server_duo_only' && groups.length ? [CLASS] : []);
  const open = (kind: Kind, message: string, factors: Record<string, string> = {}): Expect => {
    challenge = { kind, message, factors, deadline: now + LIFETIME };
    return { t: 'challenge', message };
  };
  const duoStage = (): Expect => (opts.exemptUsernames.includes('alice') ? accept('User exempted from 2FA', primaryAttrs) : opts.primaryOnly ? accept('Primary Only Mode - Secondary authentication bypassed', primaryAttrs) : { t: 'pending' });
  const preauthError = (failOpen: boolean) => (failOpen && opts.failmode === 'safe' ? accept(SAFE, primaryAttrs) : reject(SECURE));
  const authError = (failOpen: boolean) => (failOpen && opts.failmode === 'safe' ? accept(SAFE, primaryAttrs, classAfter()) : reject(SECURE, challengeMode ? primaryAttrs : []));

  for (const { event: e, source } of steps) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a synthetic actor result of whichever actor the event names
    const out = (e as { output?: any }).output;
    switch (e.type) {
      case 'xstate.init':
        exp = v.screen ? reject(v.screen) : mode === 'radius_server_duo_only' ? duoStage() : { t: 'pending' };
        break;
      case 'xstate.done.actor.primaryAuth':
        primaryAttempts++;
        if (out.drop) exp = { t: 'final', reply: { kind: 'drop', reason: out.message } };
        else if (out.ok) {
          primaryAttrs = out.attributes;
          if (v.splits && primaryAttempts === 1) factorKnown = true;
          exp = duoStage();
        } else if (v.splits && primaryAttempts === 1) exp = { t: 'pending' };
        else exp = reject(out.message, challengeMode ? out.attributes : []);
        break;
      case 'xstate.error.actor.primaryAuth':
        exp = reject('Error performing primary authentication: unexpected error');
        break;
      case 'xstate.error.actor.duoPreauth':
        exp = preauthError(true);
        break;
      case 'xstate.error.actor.duoAuth':
        exp = authError(false);
        break;
      case LOGIN_AFTER:
      case 'xstate.after.DUO_TIMEOUT.login.processing.preauth':
      case 'xstate.after.DUO_TIMEOUT.login.processing.auth':
        if (inState(source, 'preauth')) exp = preauthError(true);
        else if (inState(source, 'auth')) exp = authError(false);
        else exp = reject('Error performing primary authentication: timed out');
        break;
      case 'xstate.done.actor.duoPreauth': {
        if (!out.ok) {
          exp = preauthError(out.error.failOpen);
          break;
        }
        const p = out.value;
        groups = p.groups ?? [];
        if (p.result === 'allow') exp = accept(p.status, primaryAttrs, classAfter());
        else if (p.result === 'deny') exp = reject(p.status);
        else if (p.result === 'enroll') exp = challengeMode && opts.enrollChallenge ? open('enroll', p.status) : reject(p.status);
        else if (challengeMode) exp = open('factors', p.prompt, p.factors);
        else if (factorKnown) exp = { t: 'pending' };
        else {
          const choice = (Object.hasOwn(p.factors, 'default') ? v.choice?.withDefault : v.choice?.noDefault) ?? 'none';
          exp = choice === 'passcode' ? open('passcode', 'Enter passcode:') : choice === 'none' ? reject('User has no Duo factors usable with this configuration') : { t: 'pending' };
        }
        break;
      }
      case 'xstate.done.actor.duoAuth':
        if (!out.ok) exp = authError(out.error.failOpen);
        else if (challengeMode && /^sms[0-9]/.test(answered) && challenge) exp = open(challenge.kind, challenge.message, challenge.factors);
        else exp = out.value.result === 'allow' ? accept(out.value.status, primaryAttrs, classAfter()) : reject(out.value.status);
        break;
      case 'ANSWER': {
        const c = challenge!;
        now = e.now;
        if (e.passwordUndecodable) exp = reject('Cannot decode password');
        else if (e.now >= c.deadline) exp = reject('Unknown Challenge');
        else if (c.kind === 'enroll') exp = reject('Please complete the enrollment process and login again');
        else if (c.kind === 'passcode') {
          if (!e.password) exp = reject('Missing or improperly-formatted password');
          else {
            factorKnown = true;
            exp = { t: 'pending' };
          }
        } else {
          const text = e.password ?? '';
          answered = Object.hasOwn(c.factors, text) ? (c.factors[text] as string) : text;
          exp = { t: 'pending' };
        }
        break;
      }
      case 'RESUME':
        exp = e.now >= challenge!.deadline ? reject('Unknown Challenge') : { t: 'challenge', message: challenge!.message };
        break;
      case 'xstate.after.CHALLENGE_REMAINING.login.awaiting':
        exp = reject('Unknown Challenge');
        break;
      default:
        throw new Error(`oracle: unexpected event ${e.type}`);
    }
  }
  return exp;
}

// ---- replay on a live actor ------------------------------------------------------------------------------
const flush = async () => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
};
const edgeKey = (source: string, target: string, event: string, guard: string | undefined) => `${source} -> ${target} | ${event} | ${guard ?? ''}`;

type Path = ReturnType<typeof getShortestPaths<typeof loginMachine>>[number];

type ActorName = 'primary' | 'preauth' | 'auth';
/** A call waiting for the replay: what the machine gave it, and how to settle it. */
type Held = { input: unknown; signal: AbortSignal; resolve: (v: unknown) => void; reject: (e: unknown) => void };

/** Calls that answer only when the replay says so: the path's done/error events release them. */
function controlledMachine(pending: Partial<Record<ActorName, Held>>) {
  const held =
    (name: ActorName) =>
    (input: unknown, signal: AbortSignal): Promise<never> =>
      new Promise<never>((resolve, reject) => {
        pending[name] = { input, signal, resolve: resolve as (v: unknown) => void, reject };
      });
  return loginMachine.provide({
    actions: loginCalls({ primaryAuth: held('primary'), duoPreauth: held('preauth'), duoAuth: held('auth') }).actions,
  });
}

/** The answer of a Duo step: our client's real call, with the machine's input, to the mock scripted to
 *  give the step's listed outcome; it must be that outcome. */
async function duoAnswer(duo: ModelDuo, actor: 'preauth' | 'auth', held: Held, listed: unknown, where: string): Promise<unknown> {
  const real =
    actor === 'preauth'
      ? await duo.preauth(listed as DuoOutcome<PreauthResult>, held.input as DuoPreauthInput, held.signal)
      : await duo.auth(listed as DuoOutcome<AuthResult>, held.input as DuoAuthInput, held.signal);
  assert.deepEqual(real, listed, `the mock and our client answer ${actor} as the model says, ${where}`);
  return real;
}

const actorIn = (value: unknown): ActorName | undefined =>
  inState(value, 'preauth') ? 'preauth' : inState(value, 'auth') ? 'auth' : inState(value, 'primary') || inState(value, 'primarySplit') ? 'primary' : undefined;

async function replay(v: Variant, path: Path, covered: Set<string>, visited: Set<string>, duo: ModelDuo) {
  const steps = path.steps.map((s, i) => ({ event: s.event as AnyEventObject, state: s.state, source: i === 0 ? undefined : path.steps[i - 1]?.state.value }));
  const clock = new SimulatedClock();
  const inspect = (ev: InspectionEvent) => {
    if (ev.type !== '@xstate.microstep') return;
    for (const t of ev._transitions) {
      const source = t.source.id;
      for (const target of t.target ?? [t.source]) {
        covered.add(edgeKey(source, target.id, t.eventType, guardName(t)));
        visited.add(source);
        visited.add(target.id);
      }
    }
  };
  const where = `${v.name}: ${steps.map((s) => s.event.type).join(' > ')}`;
  duo.beginPath();
  const pending: Partial<Record<ActorName, Held>> = {};
  const machine = controlledMachine(pending);
  const actor = createActor(machine, { input: inputOf(v), clock, inspect });
  actor.start();
  let sinceRequest = 0;
  for (const [i, s] of steps.entries()) {
    const t = s.event.type;
    const inFlight = actorIn(s.source);
    const held = inFlight ? pending[inFlight] : undefined;
    if (inFlight && t.startsWith('xstate.done.actor.')) {
      assert.ok(held, `step ${i}: no ${inFlight} actor in flight, ${where}`);
      held.resolve(inFlight === 'primary' ? s.event.output : await duoAnswer(duo, inFlight, held, s.event.output, `step ${i} of ${where}`));
    } else if (inFlight && t.startsWith('xstate.error.actor.')) {
      assert.ok(held, `step ${i}: no ${inFlight} actor in flight, ${where}`);
      held.reject(new Error('actor failed'));
    } else if (t === LOGIN_AFTER) {
      clock.increment(LOGIN_MS - sinceRequest);
    } else if (t.startsWith('xstate.after.DUO_TIMEOUT')) {
      clock.increment(API_MS);
      sinceRequest += API_MS;
    } else if (t === 'xstate.after.CHALLENGE_REMAINING.login.awaiting') {
      const c = actor.getSnapshot().context;
      clock.increment(Math.max(0, (c.challenge?.deadline ?? 0) - c.now));
    } else if (t === 'ANSWER' || t === 'RESUME') {
      if (t === 'ANSWER') sinceRequest = 0;
      actor.send(s.event as never);
    }
    await flush();
    const live = actor.getSnapshot();
    assert.deepEqual(live.value, s.state.value, `step ${i} (${t}) of ${path.steps.map((x) => x.event.type).join(' > ')}`);
    visited.add(`login.${stateKey(live.value)}`);
  }
  const live = actor.getSnapshot();
  const expected = oracle(v, steps);
  const settled = settledOf(live);
  // Every Duo step reached a mock: one request each, for this user, on the call's endpoint.
  const wanted = steps.flatMap((s) => (s.event.type === 'xstate.done.actor.duoPreauth' ? ['/rest/v1/preauth'] : s.event.type === 'xstate.done.actor.duoAuth' ? ['/rest/v1/auth'] : []));
  const seen = duo.requests();
  assert.deepEqual(seen.map((e) => e.path).sort(), wanted.sort(), `Duo requests in the mocks' journals, ${where}`);
  assert.ok(seen.every((e) => e.user === 'alice'), `Duo requests for alice only, ${where}`);
  // Every decision carries a reason of the closed list whose outcome is the reply's (login-reasons.ts).
  const { reason, reasonText: words } = live.context;
  if (settled) {
    assert.ok(isLoginReason(reason), `a reason, ${where}`);
    assert.equal(outcomeOf(reason), outcomeOfReply(settled.status === 'challenge' ? undefined : settled.reply), `reason ${reason}, ${where}`);
    assert.ok(words?.startsWith(LOGIN_REASONS[reason].text), `reasonText of ${reason}: ${words}`);
  }
  if (expected.t === 'final') {
    assert.equal(settled?.status, 'done', where);
    assert.deepEqual(settled?.reply, expected.reply, where);
    assert.deepEqual(path.state.output, expected.reply, `pure transition output, ${where}`);
  } else if (expected.t === 'challenge') {
    assert.equal(settled?.status, 'challenge', where);
    assert.deepEqual(settled?.reply, { kind: 'reply', code: 11, replyMessage: expected.message, attributes: [] }, where);
  } else {
    assert.equal(settled, undefined, where);
  }
  actor.stop();
}

// ---- the tests -----------------------------------------------------------------------------------------
const SHORT: Record<LoginMode, ModeName> = {
  radius_server_auto: 'auto',
  radius_server_challenge: 'challenge',
  radius_server_duo_only: 'duo_only',
  radius_server_concat: 'concat',
};

describe('login model – the Duo vocabulary is what the mock Duo and our client produce', () => {
  const duo = newModelDuo();
  after(() => duo.close());
  const preauthInput = { user: 'alice', ipaddr: '10.0.0.5', failmode: 'safe' as const };
  for (const scene of PREAUTH_SCENES) {
    test(`login model – preauth, ${scene.name}`, async () => {
      duo.beginPath();
      assert.deepEqual(await duo.preauth(scene.outcome, preauthInput), scene.outcome);
      assert.deepEqual(duo.requests().map((e) => [e.path, e.user]), [['/rest/v1/preauth', 'alice']]);
    });
  }
  // A push, an SMS request and a passcode: the auth answers must not depend on the factor (see AUTH_SCENES).
  for (const scene of AUTH_SCENES) {
    test(`login model – auth, ${scene.name}, for push1, sms1 and a passcode alike`, async () => {
      duo.beginPath();
      for (const factor of ['push1', 'sms1', '123456']) {
        assert.deepEqual(await duo.auth(scene.outcome, { user: 'alice', factor, ipaddr: '10.0.0.5' }), scene.outcome, factor);
      }
      assert.deepEqual(duo.requests().map((e) => [e.path, e.user, e.params['auto']]), [
        ['/rest/v1/auth', 'alice', 'push1'],
        ['/rest/v1/auth', 'alice', 'sms1'],
        ['/rest/v1/auth', 'alice', '[redacted]'],
      ]);
    });
  }
});

describe('login model – shortest paths replayed on live actors', () => {
  for (const mode of Object.keys(SHORT) as LoginMode[]) {
    test(`login model – ${SHORT[mode]}: every path matches the oracle; every state and transition of the mode is covered`, async (t) => {
      const covered = new Set<string>();
      const visited = new Set<string>();
      const duo = newModelDuo();
      t.after(() => duo.close());
      let count = 0;
      for (const v of VARIANTS.filter((x) => x.mode === mode)) {
        const paths = getShortestPaths(loginMachine, {
          input: inputOf(v),
          events: modelEvents(v) as never,
          // The incoming event type is part of a state's identity, so that every transition into a state
          // gets its own path (shortest paths alone would reach each state once: state, not transition,
          // coverage). `rounds` counts challenge answers: a counter, not behaviour (an SMS refresh loops).
          serializeState: (snap, event) => JSON.stringify({ value: snap.value, context: { ...snap.context, rounds: 0 }, via: event?.type }),
        });
        assert.ok(paths.length > 0);
        for (const p of paths) {
          await replay(v, p, covered, visited, duo);
          count++;
        }
      }
      const model = diagramModel(loginMachine, SHORT[mode]);
      const missingEdges = model.edges.map((e) => edgeKey(e.source, e.target, e.event, e.guard)).filter((k) => !covered.has(k));
      assert.deepEqual(missingEdges, [], `uncovered transitions in ${mode}`);
      const modelKeys = new Set(model.edges.map((e) => edgeKey(e.source, e.target, e.event, e.guard)));
      const outside = [...covered].filter((k) => !modelKeys.has(k));
      assert.deepEqual(outside, [], `transitions taken in ${mode} but filtered out of its diagram (GUARD_MODES)`);
      const missingStates = model.nodes.filter((n) => n.type !== 'compound' && !visited.has(n.id)).map((n) => n.id);
      assert.deepEqual(missingStates, [], `uncovered states in ${mode}`);
      assert.ok(count > 20, `${count} paths`);
      const scenes = [...PREAUTH_SCENES.map((x) => sceneKey('preauth', x.name)), ...AUTH_SCENES.map((x) => sceneKey('auth', x.name))];
      assert.deepEqual(scenes.filter((k) => !duo.answered.has(k)), [], `mock Duo scenes no path of ${mode} asked`);
    });
  }

  test('login model – the four modes together cover every state of the machine', () => {
    const all = new Set(Object.values(SHORT).flatMap((m) => diagramModel(loginMachine, m).nodes.map((n) => n.id)));
    const every = diagramModel(loginMachine).nodes.map((n) => n.id);
    assert.deepEqual(every.filter((id) => !all.has(id)), []);
  });
});
