// The decision of each outcome of a login, from the machine's context: the reply (reference §7, §8.3,
// §9.1, §9.3, §10) and the reason it is given for (login-reasons.ts), decided together so they cannot
// disagree.
import { classAttributes } from './class-attribute.ts';
import type { DuoError, LoginReply, WireAttribute } from './contracts.ts';
import { failmodeDecision } from './failmode.ts';
import { duoDenyText, type LoginReason, preauthDenyReason, primaryRejectText, reasonText, screenRejectReason } from './login-reasons.ts';
import type { LoginContext } from './login-types.ts';
import { Messages } from './messages.ts';
import { acceptReply, dropReply, rejectReply } from './reply.ts';

type Ctx = Pick<LoginContext, 'mode' | 'options' | 'primaryAttributes' | 'preauth' | 'auth' | 'primaryResult'> & Partial<Pick<LoginContext, 'factor'>>;

/** What the machine assigns when it decides: the reply, why, and why in words. */
export interface Decision {
  reply: LoginReply;
  reason: LoginReason;
  reasonText: string;
}

const decide = (reply: LoginReply, reason: LoginReason, detail?: string): Decision => ({
  reply,
  reason,
  reasonText: reasonText(reason, detail ? { detail } : {}),
});

const isChallengeMode = (ctx: Ctx) => ctx.mode === 'radius_server_challenge';

/** An accept after Duo: the primary attributes, the Reply-Message, then for duo_only the Class from
 *  preauth's groups (Duo's proxy adds Class after the Reply-Message, and devices have seen that order). */
function acceptAfterDuo(ctx: Ctx, message: string | undefined): LoginReply {
  const groups = ctx.preauth?.ok && ctx.preauth.value.groups;
  const klass: WireAttribute[] = ctx.mode === 'radius_server_duo_only' ? classAttributes(groups || undefined) : [];
  return acceptReply(message, ctx.primaryAttributes, klass);
}

function errorOf(outcome: Ctx['preauth'] | Ctx['auth']): DuoError {
  return outcome && !outcome.ok
    ? outcome.error
    : { kind: 'malformed', failOpen: false, message: 'no Duo outcome' }; // unreachable by the guards
}

/** Failmode after a failed Duo call: which reason the reply is given for (reference §7). */
function failmode(ctx: Ctx, stage: 'preauth' | 'auth', accept: (message: string) => LoginReply, reject: (message: string) => LoginReply): Decision {
  const error = errorOf(stage === 'preauth' ? ctx.preauth : ctx.auth);
  const d = failmodeDecision(ctx.options.failmode, error, ctx.options.primaryOnly);
  const reason: LoginReason = d.allow
    ? ctx.options.primaryOnly
      ? 'primary_only'
      : 'failmode_safe_allow'
    : ctx.options.failmode === 'secure'
      ? 'failmode_secure_reject'
      : error.kind === 'timeout'
        ? 'duo_timeout'
        : 'duo_error';
  const text = reason === 'primary_only' ? reasonText(reason) : reasonText(reason, { stage, error });
  return { reply: d.allow ? accept(d.message) : reject(d.message), reason, reasonText: text };
}

export const Replies = {
  exempt: (ctx: Ctx): Decision => decide(acceptReply(Messages.exempt, ctx.primaryAttributes), 'exempt'),
  /** A reject decided by screening the request or an answer (screen.ts). */
  screened: (message: string): Decision => decide(rejectReply(message), screenRejectReason(message)),
  primaryTimedOut: (): Decision => decide(rejectReply(Messages.primaryTimedOut), 'primary_timeout'),
  primaryFailed: (): Decision => decide(rejectReply(Messages.primaryFailedUnexpectedly), 'internal_error'),
  noUsableFactors: (): Decision => decide(rejectReply(Messages.noUsableFactors), 'no_usable_factor'),
  expired: (): Decision => decide(rejectReply(Messages.unknownChallenge), 'challenge_expired'),

  primaryDropped: (ctx: Ctx): Decision =>
    decide(dropReply(ctx.primaryResult?.message ?? 'primary auth asked for no answer'), 'primary_drop', ctx.primaryResult?.message),
  /** Challenge mode keeps the primary attributes on this reject (§9.1 step 5); the others do not (§8.2 step 5). */
  primaryRejected: (ctx: Ctx): Decision => {
    const message = ctx.primaryResult?.message;
    const reply = rejectReply(message, isChallengeMode(ctx) ? (ctx.primaryResult?.attributes ?? []) : []);
    const r = ctx.primaryResult;
    const error = r !== undefined && 'error' in r ? r.error === true : message?.startsWith(Messages.primaryErrorPrefix) === true;
    const reason = error ? 'primary_error' : 'primary_reject';
    return { reply, reason, reasonText: primaryRejectText(reason, r?.host, message) };
  },

  /** Preauth failed: no preauth result, so no Class either (§19.10). */
  preauthFailmode: (ctx: Ctx): Decision =>
    failmode(ctx, 'preauth', (m) => acceptReply(m, ctx.primaryAttributes), (m) => rejectReply(m)),
  preauthAllow: (ctx: Ctx): Decision => decide(acceptAfterDuo(ctx, statusOf(ctx.preauth)), 'bypass', statusOf(ctx.preauth)),
  preauthDeny: (ctx: Ctx): Decision => decide(rejectReply(statusOf(ctx.preauth)), preauthDenyReason(statusOf(ctx.preauth)), statusOf(ctx.preauth)),
  preauthEnroll: (ctx: Ctx): Decision => decide(rejectReply(statusOf(ctx.preauth)), 'enroll', statusOf(ctx.preauth)),

  /** /auth failed: challenge mode's reject keeps the primary attributes (§9.3 step 4, §19.11). */
  authFailmode: (ctx: Ctx): Decision =>
    failmode(ctx, 'auth', (m) => acceptAfterDuo(ctx, m), (m) => rejectReply(m, isChallengeMode(ctx) ? ctx.primaryAttributes : [])),
  authAllow: (ctx: Ctx): Decision => decide(acceptAfterDuo(ctx, statusOf(ctx.auth)), 'duo_allow', statusOf(ctx.auth)),
  authDeny: (ctx: Ctx): Decision => ({
    reply: rejectReply(statusOf(ctx.auth)),
    reason: 'duo_deny',
    reasonText: duoDenyText(ctx.factor, statusOf(ctx.auth)),
  }),
};

function statusOf(outcome: Ctx['preauth'] | Ctx['auth']): string | undefined {
  return outcome?.ok ? outcome.value.status : undefined;
}
