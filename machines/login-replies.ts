// The reply of each outcome of a login, from the machine's context (reference §7, §8.3, §9.1, §9.3, §10).
import { classAttributes } from './class-attribute.ts';
import type { DuoError, LoginReply, WireAttribute } from './contracts.ts';
import { failmodeDecision } from './failmode.ts';
import type { LoginContext } from './login-types.ts';
import { Messages } from './messages.ts';
import { acceptReply, dropReply, rejectReply } from './reply.ts';

type Ctx = Pick<LoginContext, 'mode' | 'options' | 'primaryAttributes' | 'preauth' | 'auth' | 'primaryResult'>;

const isChallengeMode = (ctx: Ctx) => ctx.mode === 'radius_server_challenge';

/** What an accept carries: the primary attributes, and for duo_only the Class from preauth's groups. */
function acceptAttributes(ctx: Ctx): WireAttribute[] {
  const groups = ctx.preauth?.ok && ctx.preauth.value.groups;
  const klass = ctx.mode === 'radius_server_duo_only' ? classAttributes(groups || undefined) : [];
  return [...ctx.primaryAttributes, ...klass];
}

function errorOf(outcome: Ctx['preauth'] | Ctx['auth']): DuoError {
  return outcome && !outcome.ok
    ? outcome.error
    : { kind: 'malformed', failOpen: false, message: 'no Duo outcome' }; // unreachable by the guards
}

export const Replies = {
  exempt: (ctx: Ctx): LoginReply => acceptReply(Messages.exempt, ctx.primaryAttributes),

  primaryDropped: (ctx: Ctx): LoginReply => dropReply(ctx.primaryResult?.message ?? 'primary auth asked for no answer'),
  /** Challenge mode keeps the primary attributes on this reject (§9.1 step 5); the others do not (§8.2 step 5). */
  primaryRejected: (ctx: Ctx): LoginReply =>
    rejectReply(ctx.primaryResult?.message, isChallengeMode(ctx) ? (ctx.primaryResult?.attributes ?? []) : []),

  /** Preauth failed: no preauth result, so no Class either (§19.10). */
  preauthFailmode: (ctx: Ctx): LoginReply => {
    const d = failmodeDecision(ctx.options.failmode, errorOf(ctx.preauth), ctx.options.primaryOnly);
    return d.allow ? acceptReply(d.message, ctx.primaryAttributes) : rejectReply(d.message);
  },
  preauthAllow: (ctx: Ctx): LoginReply => acceptReply(statusOf(ctx.preauth), acceptAttributes(ctx)),
  preauthRefuse: (ctx: Ctx): LoginReply => rejectReply(statusOf(ctx.preauth)),

  /** /auth failed: challenge mode's reject keeps the primary attributes (§9.3 step 4, §19.11). */
  authFailmode: (ctx: Ctx): LoginReply => {
    const d = failmodeDecision(ctx.options.failmode, errorOf(ctx.auth), ctx.options.primaryOnly);
    if (d.allow) return acceptReply(d.message, acceptAttributes(ctx));
    return rejectReply(d.message, isChallengeMode(ctx) ? ctx.primaryAttributes : []);
  },
  authAllow: (ctx: Ctx): LoginReply => acceptReply(statusOf(ctx.auth), acceptAttributes(ctx)),
  authDeny: (ctx: Ctx): LoginReply => rejectReply(statusOf(ctx.auth)),
};

function statusOf(outcome: Ctx['preauth'] | Ctx['auth']): string | undefined {
  return outcome?.ok ? outcome.value.status : undefined;
}
