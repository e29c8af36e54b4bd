// The login statechart. See login.ts for how the engine drives it; the decisions themselves live in
// pure modules (screen.ts, factor-selection.ts, prompt-format.ts, login-replies.ts...).
import { assign, raise, setup } from 'xstate';
import { rawIpaddr, validatedIpaddr } from './client-ip.ts';
import type { DuoError, LoginReply } from './contracts.ts';
import { answerScreenOf, autoFactorOf, loginGuards, screenOf } from './login-guards.ts';
import type { ChallengeKind, ChallengeSession, DuoAuthInput, DuoPreauthInput, LoginContext, LoginInput, LoginMachineEvent, PrimaryAuthInput } from './login-types.ts';
import { type Decision, Replies } from './login-replies.ts';
import { factorLabel } from './factor-label.ts';
import { timerActions } from './login-timers.ts';
import { reasonText } from './login-reasons.ts';
import { Messages } from './messages.ts';
import { formatPrompt } from './prompt-format.ts';
import { classifyRequest } from './radius-attributes.ts';
import { challengeReply, dropReply } from './reply.ts';

export { GUARD_MODES, MODE_NAMES, type ModeName } from './login-guards.ts';
export const AWAITING_ANSWER_TAG = 'awaiting-answer';

// The calls are the engine's (login-calls.ts): an unprovided machine fails loudly at its first call.
const provideMe =
  <I = undefined>(name: string) =>
  (_: unknown, _input: I): void => {
    throw new Error(`provide me: the login machine needs a '${name}' action (machine.provide({ actions: loginCalls(...).actions }))`);
  };

type Ctx = LoginContext;

/** What a login keeps of its request and calls once it waits or ends: nothing secret, no results. */
const FORGOTTEN = { secret: {}, requestAttributes: [], primaryResult: undefined, preauth: undefined, auth: undefined } as const satisfies Partial<Ctx>;

const duoError = (kind: DuoError['kind'], failOpen: boolean, message: string) =>
  ({ ok: false, error: { kind, failOpen, message } }) as const;

/** A challenge session for the current request; the deadline is absolute (libraries.md finding F). */
function openChallenge(c: Ctx, kind: ChallengeKind, prompt: string, factors: Record<string, string>): ChallengeSession {
  return {
    kind,
    prompt,
    factors,
    primaryAttributes: c.primaryAttributes,
    username: c.username ?? '',
    clientIp: c.clientIp,
    deadline: c.now + c.options.challengeLifetimeMs,
  };
}

export const loginMachine = setup({
  types: {
    context: {} as LoginContext,
    events: {} as LoginMachineEvent,
    input: {} as LoginInput,
    output: {} as LoginReply,
  },
  guards: loginGuards,
  actions: {
    // Each starts its call with the input its params compute; the result comes back as
    // xstate.done.actor.<name> / xstate.error.actor.<name> (login-calls.ts).
    primaryAuth: provideMe<PrimaryAuthInput>('primaryAuth'),
    duoPreauth: provideMe<DuoPreauthInput>('duoPreauth'),
    duoAuth: provideMe<DuoAuthInput>('duoAuth'),
    abortCall: provideMe('abortCall'),
    // The only action into a final state (a test checks): the decision, and nothing secret or no longer
    // needed kept. One assign instead of the reply here and a forgetting entry action in each final
    // state: every assign copies the context and rebuilds the snapshot (~3-4 µs, issue 14).
    setReply: assign((_, d: Decision) => ({ reply: d.reply, reason: d.reason, reasonText: d.reasonText, ...FORGOTTEN })),
    // Primary auth is over and accepted: the request's attributes were for it alone. Dropped here too
    // because the split-password path (primarySplit) leaves them, and the login may now wait on a push.
    keepPrimaryAttributes: assign(({ context }) => ({ primaryAttributes: context.primaryResult?.attributes ?? [], requestAttributes: [] })),
    openEnrollChallenge: assign(({ context }) => {
      const status = context.preauth?.ok ? context.preauth.value.status ?? '' : '';
      return { challenge: openChallenge(context, 'enroll', status, {}), reply: challengeReply(status), ...challenged('enroll_challenge', status) };
    }),
    openFactorChallenge: assign(({ context }) => {
      const v = context.preauth?.ok && context.preauth.value.result === 'auth' ? context.preauth.value : undefined;
      const factors = v?.factors ?? {};
      const prompt = formatPrompt(context.options.promptFormat, { prompt: v?.prompt ?? '', factors });
      return { challenge: openChallenge(context, 'factors', prompt, factors), reply: challengeReply(prompt), ...challenged('factor_prompt') };
    }),
    openPasscodeChallenge: assign(({ context }) => ({
      challenge: openChallenge(context, 'passcode', Messages.enterPasscode, {}),
      reply: challengeReply(Messages.enterPasscode),
      ...challenged('passcode_prompt'),
    })),
    /** SMS refresh: the same prompt again, with a new lifetime (the engine issues a new State). */
    reopenChallenge: assign(({ context }) => {
      const old = context.challenge;
      const prompt = old?.prompt ?? '';
      return {
        challenge: openChallenge(context, old?.kind ?? 'factors', prompt, old?.factors ?? {}),
        reply: challengeReply(prompt),
        ...challenged('sms_refresh'),
      };
    }),
    forgetFactor: assign(({ context }) => ({ secret: { ...context.secret, factor: undefined } })),
    // The timers (login-timers.ts): the machine's own, armed on entry, disarmed on exit, last of each
    // list as XState put its `after` timers; each runs out as the event `after` sent
    // (`xstate.after.<DELAY>.<state>`), taken in `on` after the state's other events, `after`'s place.
    ...timerActions,
  },
}).createMachine({
  id: 'login',
  context: ({ input }) => ({
    loginId: input.loginId,
    server: input.server,
    mode: input.mode,
    options: input.options,
    now: input.now,
    username: input.request.username,
    clientIp: input.request.clientIp,
    clientIpAttrValue: input.request.clientIpAttrValue,
    passwordUndecodable: input.request.passwordUndecodable === true,
    shape: classifyRequest(input.request.attributes),
    requestAttributes: input.request.attributes,
    secret: { password: input.request.password },
    primaryAttributes: [],
    startedAt: input.now,
    rounds: 1,
  }),
  output: ({ context }) => context.reply ?? dropReply('no reply decided'),
  initial: 'processing',
  states: {
    processing: {
      description: 'Handling one RADIUS request; bounded by the login deadline.',
      entry: { type: 'armTimer', params: 'login' },
      exit: { type: 'disarmTimer', params: 'login' },
      on: { 'xstate.after.LOGIN_TIMEOUT.login.processing': { actions: raise({ type: 'LOGIN_DEADLINE' }) } },
      initial: 'screening',
      states: {
        screening: {
          always: [
            {
              guard: 'requestRejected',
              target: '#login.rejected',
              actions: { type: 'setReply', params: ({ context }) => Replies.screened(rejectMessage(screenOf(context))) },
            },
            {
              guard: 'splitPasswordFirst',
              target: 'primarySplit',
              actions: assign(({ context }) => {
                const s = screenOf(context);
                return s.next === 'primarySplit'
                  ? { secret: { ...context.secret, passwordPart: s.passwordPart, factor: s.factor } }
                  : {};
              }),
            },
            {
              guard: 'primaryNeeded',
              target: 'primary',
              actions: assign(({ context }) => {
                const s = screenOf(context);
                return s.next === 'primary' ? { secret: { password: s.password, factor: s.factor } } : {};
              }),
            },
            {
              guard: 'noPrimary',
              target: 'duo',
              actions: assign(({ context }) => {
                const s = screenOf(context);
                return s.next === 'duo' ? { secret: { factor: s.factor }, requestAttributes: [] } : {};
              }),
            },
          ],
        },
        primarySplit: {
          description: 'auto: primary auth with the password part of a split password',
          entry: {
            type: 'primaryAuth',
            params: ({ context }) => ({
              username: context.username ?? '',
              password: context.secret.passwordPart,
              requestAttributes: context.requestAttributes,
              server: context.server,
            }),
          },
          // LOGIN_DEADLINE first: the order of a state's transitions is the diagrams' (it was `on`, then invoke's).
          on: {
            LOGIN_DEADLINE: { target: '#login.rejected', actions: { type: 'setReply', params: Replies.primaryTimedOut } },
            // Forgets the password part in the same assign (the other ways out go to `rejected`, whose
            // setReply forgets everything).
            'xstate.done.actor.primaryAuth': {
              target: 'primarySplitResult',
              actions: assign(({ context, event }) => ({ primaryResult: event.output, secret: { ...context.secret, passwordPart: undefined } })),
            },
            'xstate.error.actor.primaryAuth': { target: '#login.rejected', actions: { type: 'setReply', params: Replies.primaryFailed } },
          },
          exit: 'abortCall',
        },
        primarySplitResult: {
          always: [
            { guard: 'primaryDropped', target: '#login.dropped', actions: { type: 'setReply', params: ({ context }) => Replies.primaryDropped(context) } },
            { guard: 'primaryAccepted', target: 'duo', actions: 'keepPrimaryAttributes' },
            // Not concat after all: the whole password, and no factor (§8.2 step 4).
            { target: 'primary', actions: 'forgetFactor' },
          ],
        },
        primary: {
          entry: {
            type: 'primaryAuth',
            params: ({ context }) => ({
              username: context.username ?? '',
              password: context.secret.password,
              requestAttributes: context.requestAttributes,
              server: context.server,
            }),
          },
          on: {
            LOGIN_DEADLINE: { target: '#login.rejected', actions: { type: 'setReply', params: Replies.primaryTimedOut } },
            // Forgets the password and the request's attributes in the same assign, as for primarySplit.
            'xstate.done.actor.primaryAuth': {
              target: 'primaryResult',
              actions: assign(({ context, event }) => ({ primaryResult: event.output, secret: { ...context.secret, password: undefined }, requestAttributes: [] })),
            },
            'xstate.error.actor.primaryAuth': { target: '#login.rejected', actions: { type: 'setReply', params: Replies.primaryFailed } },
          },
          exit: 'abortCall',
        },
        primaryResult: {
          always: [
            { guard: 'primaryDropped', target: '#login.dropped', actions: { type: 'setReply', params: ({ context }) => Replies.primaryDropped(context) } },
            { guard: 'primaryAccepted', target: 'duo', actions: 'keepPrimaryAttributes' },
            { target: '#login.rejected', actions: { type: 'setReply', params: ({ context }) => Replies.primaryRejected(context) } },
          ],
        },
        duo: {
          description: 'The Duo stage: exempt users skip preauth',
          always: [
            { guard: 'exemptUser', target: '#login.accepted', actions: { type: 'setReply', params: ({ context }) => Replies.exempt(context) } },
            {
              guard: 'primaryOnlyMode',
              target: 'preauthResult',
              actions: assign({ preauth: () => duoError('network', true, 'The proxy is operating in primary-only mode') }),
            },
            { target: 'preauth' },
          ],
        },
        preauth: {
          entry: [
            {
              type: 'duoPreauth',
              params: ({ context }) => ({
                user: context.username ?? '',
                ipaddr: rawIpaddr(context.clientIpAttrValue),
                failmode: context.options.failmode,
              }),
            },
            { type: 'armTimer', params: 'preauth' },
          ],
          on: {
            LOGIN_DEADLINE: { target: 'preauthResult', actions: assign({ preauth: () => duoError('timeout', true, 'login_timeout reached') }) },
            'xstate.done.actor.duoPreauth': { target: 'preauthResult', actions: assign({ preauth: ({ event }) => event.output }) },
            'xstate.error.actor.duoPreauth': { target: 'preauthResult', actions: assign({ preauth: () => duoError('network', true, 'Duo preauth call failed') }) },
            'xstate.after.DUO_TIMEOUT.login.processing.preauth': {
              target: 'preauthResult',
              actions: assign({ preauth: () => duoError('timeout', true, 'api_timeout reached') }),
            },
          },
          exit: ['abortCall', { type: 'disarmTimer', params: 'preauth' }],
        },
        preauthResult: {
          always: [
            { guard: 'preauthFailed', target: 'preauthFailmode' },
            { guard: 'preauthAllow', target: '#login.accepted', actions: { type: 'setReply', params: ({ context }) => Replies.preauthAllow(context) } },
            { guard: 'preauthDeny', target: '#login.rejected', actions: { type: 'setReply', params: ({ context }) => Replies.preauthDeny(context) } },
            {
              guard: 'enrollChallenge',
              target: '#login.awaiting',
              actions: 'openEnrollChallenge',
            },
            { guard: 'preauthEnroll', target: '#login.rejected', actions: { type: 'setReply', params: ({ context }) => Replies.preauthEnroll(context) } },
            { guard: 'preauthAuth', target: 'secondFactor' },
          ],
        },
        preauthFailmode: {
          description: 'Failmode (reference §7) after a preauth error',
          always: [
            { guard: 'preauthFailsOpen', target: '#login.accepted', actions: { type: 'setReply', params: ({ context }) => Replies.preauthFailmode(context) } },
            { target: '#login.rejected', actions: { type: 'setReply', params: ({ context }) => Replies.preauthFailmode(context) } },
          ],
        },
        secondFactor: {
          always: [
            { guard: 'factorPrompt', target: '#login.awaiting', actions: 'openFactorChallenge' },
            { guard: 'factorKnown', target: 'auth' },
            { guard: 'passcodeNeeded', target: '#login.awaiting', actions: 'openPasscodeChallenge' },
            { guard: 'noUsableFactor', target: '#login.rejected', actions: { type: 'setReply', params: Replies.noUsableFactors } },
            {
              guard: 'factorChosen',
              target: 'auth',
              actions: assign(({ context }) => ({ secret: { ...context.secret, factor: autoFactorOf(context) } })),
            },
          ],
        },
        auth: {
          entry: [
            assign(({ context }) => ({ factor: factorLabel(context.secret.factor ?? '') })),
            {
              type: 'duoAuth',
              params: ({ context }) => ({
                user: context.username ?? '',
                factor: context.secret.factor ?? '',
                ipaddr:
                  context.mode === 'radius_server_challenge'
                    ? rawIpaddr(context.clientIpAttrValue)
                    : validatedIpaddr(context.clientIpAttrValue),
              }),
            },
            { type: 'armTimer', params: 'auth' },
          ],
          on: {
            LOGIN_DEADLINE: { target: 'authResult', actions: assign({ auth: () => duoError('timeout', false, 'login_timeout reached') }) },
            'xstate.done.actor.duoAuth': { target: 'authResult', actions: assign({ auth: ({ event }) => event.output }) },
            // /auth transport failures are fail-closed (reference §6.4).
            'xstate.error.actor.duoAuth': { target: 'authResult', actions: assign({ auth: () => duoError('network', false, 'Duo auth call failed') }) },
            'xstate.after.DUO_TIMEOUT.login.processing.auth': { target: 'authResult', actions: assign({ auth: () => duoError('timeout', false, 'api_timeout reached') }) },
          },
          exit: ['abortCall', { type: 'disarmTimer', params: 'auth' }],
        },
        authResult: {
          always: [
            { guard: 'authFailed', target: 'authFailmode' },
            { guard: 'smsRefresh', target: '#login.awaiting', actions: 'reopenChallenge' },
            { guard: 'authAllow', target: '#login.accepted', actions: { type: 'setReply', params: ({ context }) => Replies.authAllow(context) } },
            { target: '#login.rejected', actions: { type: 'setReply', params: ({ context }) => Replies.authDeny(context) } },
          ],
          // No forgetFactor on exit: every way out ends (setReply) or waits (challenged() forgets all).
        },
        authFailmode: {
          description: 'Failmode (reference §7) after an /auth error',
          always: [
            { guard: 'authFailsOpen', target: '#login.accepted', actions: { type: 'setReply', params: ({ context }) => Replies.authFailmode(context) } },
            { target: '#login.rejected', actions: { type: 'setReply', params: ({ context }) => Replies.authFailmode(context) } },
          ],
        },
        answer: {
          description: 'A request carrying the State of this login',
          always: [
            {
              guard: 'answerRejected',
              target: '#login.rejected',
              actions: { type: 'setReply', params: ({ context }) => Replies.screened(rejectMessage(answerScreenOf(context))) },
            },
            {
              guard: 'answerToDuo',
              target: 'duo',
              actions: assign(({ context }) => ({ secret: { factor: factorOf(answerScreenOf(context)) } })),
            },
            {
              guard: 'answerToAuth',
              target: 'auth',
              actions: assign(({ context }) => ({ secret: { factor: factorOf(answerScreenOf(context)) } })),
            },
          ],
          // No exit action here: exit actions run before transition actions, which still read the
          // answer. Both assigns above replace `secret` whole, and setReply forgets everything.
        },
      },
    },
    awaiting: {
      description: 'Access-Challenge sent; the engine persists the snapshot here',
      tags: [AWAITING_ANSWER_TAG],
      // No forgetting entry action: the four ways in (open*Challenge, reopenChallenge) forget all
      // (challenged()), and RESUME re-enters with nothing to forget. The challenge lifetime's timer is
      // armed on each entry (RESUME re-enters: a restored login's timer is armed again).
      entry: { type: 'armTimer', params: 'challenge' },
      exit: { type: 'disarmTimer', params: 'challenge' },
      on: {
        ANSWER: {
          target: 'processing.answer',
          actions: assign(({ context, event }) => ({
            now: event.now,
            clientIp: event.clientIp,
            clientIpAttrValue: event.clientIpAttrValue,
            passwordUndecodable: event.passwordUndecodable === true,
            secret: { answer: event.password },
            rounds: context.rounds + 1,
          })),
        },
        RESUME: [
          {
            guard: 'resumedAfterDeadline',
            target: 'expired',
            actions: { type: 'setReply', params: Replies.expired },
          },
          { target: 'awaiting', reenter: true, actions: assign({ now: ({ event }) => event.now }) },
        ],
        'xstate.after.CHALLENGE_REMAINING.login.awaiting': { target: 'expired', actions: { type: 'setReply', params: Replies.expired } },
      },
    },
    // Entered only with setReply, which forgets everything (see setReply).
    accepted: { type: 'final' },
    rejected: { type: 'final' },
    dropped: { type: 'final' },
    expired: { type: 'final', description: 'Challenge lifetime over' },
  },
});

/** A challenge's reason (enroll's text carries Duo's status), and nothing kept that a waiting login
 *  must not keep: each action into `awaiting` ends with it (a test checks), instead of a forgetting
 *  entry action there, one assign less per challenge. */
function challenged(reason: 'factor_prompt' | 'passcode_prompt' | 'enroll_challenge' | 'sms_refresh', detail?: string) {
  return { reason, reasonText: reasonText(reason, detail ? { detail } : {}), ...FORGOTTEN };
}

function rejectMessage(s: { next: string; message?: string }): string {
  return s.message ?? Messages.unknownChallenge;
}

function factorOf(s: { next: string; factor?: string }): string {
  return s.factor ?? '';
}
