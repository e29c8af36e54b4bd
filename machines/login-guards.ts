// The login machine's guards: every branch of the statechart asks one of these. Each reads the context
// (and for RESUME the event) and delegates the reference rules to the pure modules.
import { isSmsRefresh } from './challenge-answer.ts';
import { factorForRequest } from './factor-selection.ts';
import { shouldFailOpen } from './failmode.ts';
import type { LoginContext, LoginMachineEvent, LoginMode } from './login-types.ts';
import { Messages } from './messages.ts';
import { screenAnswer, screenRequest } from './screen.ts';

/** Short names of the modes, as `authproxy viz --mode` takes them. */
export type ModeName = 'auto' | 'challenge' | 'duo_only' | 'concat';
export const MODE_NAMES: Record<ModeName, LoginMode> = {
  auto: 'radius_server_auto',
  challenge: 'radius_server_challenge',
  duo_only: 'radius_server_duo_only',
  concat: 'radius_server_concat',
};

const ALL: readonly ModeName[] = ['auto', 'challenge', 'duo_only', 'concat'];
/** In which modes each guard can hold: the diagram filters transitions per mode with it, and a test checks
 *  the table against the machine (every guard listed, and no path of a mode takes a guard not listed for it). */
export const GUARD_MODES: Record<string, readonly ModeName[]> = {
  requestRejected: ALL,
  splitPasswordFirst: ['auto'],
  primaryNeeded: ['auto', 'challenge', 'concat'],
  noPrimary: ['duo_only'],
  primaryDropped: ['auto', 'challenge', 'concat'],
  primaryAccepted: ['auto', 'challenge', 'concat'],
  exemptUser: ALL,
  primaryOnlyMode: ALL,
  preauthFailed: ALL,
  preauthFailsOpen: ALL,
  preauthAllow: ALL,
  preauthDeny: ALL,
  enrollChallenge: ['challenge'],
  preauthEnroll: ALL,
  preauthAuth: ALL,
  factorPrompt: ['challenge'],
  factorKnown: ['auto', 'duo_only', 'concat'],
  passcodeNeeded: ['auto'],
  noUsableFactor: ['auto'],
  factorChosen: ['auto'],
  authFailed: ALL,
  authFailsOpen: ALL,
  smsRefresh: ['challenge'],
  authAllow: ALL,
  resumedAfterDeadline: ['auto', 'challenge'],
  answerRejected: ['auto', 'challenge'],
  answerToDuo: ['auto'],
  answerToAuth: ['challenge'],
};

type Ctx = LoginContext;

export const screenOf = (c: Ctx) =>
  screenRequest(c.mode, c.options, {
    username: c.username,
    password: c.secret.password,
    passwordUndecodable: c.passwordUndecodable,
    shape: c.shape,
  });

export const answerScreenOf = (c: Ctx) =>
  c.challenge
    ? screenAnswer(c.challenge, { now: c.now, password: c.secret.answer, passwordUndecodable: c.passwordUndecodable })
    : ({ next: 'reject', message: Messages.unknownChallenge } as const);

export const autoFactorOf = (c: Ctx) =>
  factorForRequest(c.options.factors, c.preauth?.ok && c.preauth.value.result === 'auth' ? c.preauth.value.factors : undefined);

type GuardArgs = { context: LoginContext; event: LoginMachineEvent };

export const loginGuards = {
    // request screening (screen.ts)
    requestRejected: ({ context }: GuardArgs) => screenOf(context).next === 'reject',
    splitPasswordFirst: ({ context }: GuardArgs) => screenOf(context).next === 'primarySplit',
    primaryNeeded: ({ context }: GuardArgs) => screenOf(context).next === 'primary',
    noPrimary: ({ context }: GuardArgs) => screenOf(context).next === 'duo',
    // primary auth
    primaryDropped: ({ context }: GuardArgs) => context.primaryResult?.ok === false && 'drop' in context.primaryResult,
    primaryAccepted: ({ context }: GuardArgs) => context.primaryResult?.ok === true,
    // Duo stage
    exemptUser: ({ context }: GuardArgs) => context.username !== undefined && context.options.exemptUsernames.includes(context.username),
    primaryOnlyMode: ({ context }: GuardArgs) => context.options.primaryOnly === true,
    preauthFailed: ({ context }: GuardArgs) => context.preauth?.ok === false,
    preauthFailsOpen: ({ context }: GuardArgs) =>
      context.preauth?.ok === false && shouldFailOpen(context.options.failmode, context.preauth.error, context.options.primaryOnly),
    preauthAllow: ({ context }: GuardArgs) => context.preauth?.ok === true && context.preauth.value.result === 'allow',
    preauthDeny: ({ context }: GuardArgs) => context.preauth?.ok === true && context.preauth.value.result === 'deny',
    enrollChallenge: ({ context }: GuardArgs) =>
      context.mode === 'radius_server_challenge' &&
      context.options.enrollChallenge &&
      context.preauth?.ok === true &&
      context.preauth.value.result === 'enroll',
    preauthEnroll: ({ context }: GuardArgs) => context.preauth?.ok === true && context.preauth.value.result === 'enroll',
    preauthAuth: ({ context }: GuardArgs) => context.preauth?.ok === true && context.preauth.value.result === 'auth',
    // second factor
    factorPrompt: ({ context }: GuardArgs) => context.mode === 'radius_server_challenge',
    factorKnown: ({ context }: GuardArgs) => context.mode !== 'radius_server_challenge' && context.secret.factor !== undefined,
    passcodeNeeded: ({ context }: GuardArgs) => context.mode === 'radius_server_auto' && autoFactorOf(context) === 'passcode',
    noUsableFactor: ({ context }: GuardArgs) => context.mode === 'radius_server_auto' && autoFactorOf(context) === undefined,
    factorChosen: ({ context }: GuardArgs) => context.mode === 'radius_server_auto' && autoFactorOf(context) !== undefined,
    // /auth
    authFailed: ({ context }: GuardArgs) => context.auth?.ok === false,
    authFailsOpen: ({ context }: GuardArgs) =>
      context.auth?.ok === false && shouldFailOpen(context.options.failmode, context.auth.error, context.options.primaryOnly),
    smsRefresh: ({ context }: GuardArgs) =>
      context.mode === 'radius_server_challenge' && context.auth?.ok === true && isSmsRefresh(context.secret.factor ?? ''),
    authAllow: ({ context }: GuardArgs) => context.auth?.ok === true && context.auth.value.result === 'allow',
    // challenge answers
    resumedAfterDeadline: ({ context, event }: GuardArgs) => event.type === 'RESUME' && event.now >= (context.challenge?.deadline ?? 0),
    answerRejected: ({ context }: GuardArgs) => answerScreenOf(context).next === 'reject',
    answerToDuo: ({ context }: GuardArgs) => answerScreenOf(context).next === 'duo',
    answerToAuth: ({ context }: GuardArgs) => answerScreenOf(context).next === 'auth',
};
