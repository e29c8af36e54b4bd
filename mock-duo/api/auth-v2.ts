// Duo's Auth API v2, `/auth/v2/*` (duo-auth-api.md §2): ping (unsigned), check, logo, enroll,
// enroll_status, preauth, auth (synchronous, or async=1 with a txid) and the auth_status long-poll.
import { randomBytes } from 'node:crypto';
import { type Factor, preauth, startAuth } from '../engine.ts';
import type { Call, Route } from '../pipeline.ts';
import { Fails, fail, ok, type Reply } from '../respond.ts';
import { buildUser, devicesV2, findUser, type MockState } from '../state.ts';
import { fillText } from '../texts.ts';
import type { Outcome, Step } from '../transaction-types.ts';
import { newTransaction, pollStatus, settledTransaction, waitFinal } from '../transactions.ts';

const LOGO_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

function textOf(state: MockState, o: Pick<Outcome, 'text' | 'vars'>): string {
  return fillText(state.texts[o.text], o.vars ?? {});
}

function outcomeV2(state: MockState, o: Outcome | Step): Reply {
  const status_msg = textOf(state, o);
  return ok({ result: o.result, status: o.status, status_msg }, { result: o.result, statusText: o.status });
}

/** Exactly one of username or user_id (duo-auth-api.md §2.7). */
function who(params: Record<string, string>): { username: string } | { userId: string } | undefined {
  const username = params['username'];
  const userId = params['user_id'];
  if ((username === undefined) === (userId === undefined)) return undefined;
  return username !== undefined ? { username } : { userId: userId! };
}

const timeRoute = (signed: boolean): Route => ({
  methods: ['GET'],
  signed,
  async run(_ctx, { now }) {
    return ok({ time: Math.floor(now / 1000) });
  },
});

const logoRoute: Route = {
  methods: ['GET'],
  signed: true,
  async run(ctx) {
    if (!ctx.state.fixture.logo) return fail(40002, 'Logo not found');
    return { status: 200, bytes: { data: LOGO_PNG, contentType: 'image/png' } };
  },
};

const enrollRoute: Route = {
  methods: ['POST'],
  signed: true,
  async run(ctx, { req, integration }) {
    const state = ctx.state;
    const now = ctx.clock.now();
    const username = req.params['username'] ?? `user-${randomBytes(4).toString('hex')}`;
    if (state.users.has(username)) return fail(40002, 'Username already exists');
    const validSecs = Number(req.params['valid_secs'] ?? '86400');
    if (!Number.isInteger(validSecs) || validSecs < 1) return Fails.invalidParams('valid_secs');
    const user = buildUser(username, { status: 'unenrolled' }, now);
    const code = randomBytes(10).toString('hex');
    user.enrollment = { activationCode: `duo://${code}`, expiresAt: now + validSecs * 1000, activated: false };
    state.users.set(username, user);
    const host = integration!.api_host ?? req.host;
    return ok({
      activation_barcode: `https://${host}/frame/qr?value=${encodeURIComponent(`duo://${code}`)}`,
      activation_code: `duo://${code}`,
      activation_url: `https://${host}/activate/${code}`,
      expiration: Math.floor(user.enrollment.expiresAt / 1000),
      user_id: user.userId,
      username,
    });
  },
};

const enrollStatusRoute: Route = {
  methods: ['POST'],
  signed: true,
  async run(ctx, { req }) {
    const userId = req.params['user_id'];
    const code = req.params['activation_code'];
    if (userId === undefined || code === undefined) return Fails.invalidParams(userId === undefined ? 'user_id' : 'activation_code');
    const enrollment = findUser(ctx.state, { userId })?.enrollment;
    const status =
      !enrollment || enrollment.activationCode !== code ? 'invalid' : enrollment.activated ? 'success' : enrollment.expiresAt <= ctx.clock.now() ? 'invalid' : 'waiting';
    return ok(status, { result: status });
  },
};

/** A preauth answer, with its result for the journal. */
function answer(response: Record<string, unknown>): Reply {
  return ok(response, { result: String(response['result']) });
}

const preauthRoute: Route = {
  methods: ['POST'],
  signed: true,
  async run(ctx, { req, integration }: Call) {
    const by = who(req.params);
    if (!by) return Fails.invalidParams('username');
    const state = ctx.state;
    const t = state.texts;
    const v = preauth(state, integration!, by);
    switch (v.result) {
      case 'auth':
        return answer({ devices: devicesV2(v.user), result: 'auth', status_msg: t.accountActive });
      case 'allow':
        return answer({ result: 'allow', status_msg: v.reason === 'bypass' ? t.bypass : t.allowUnknown });
      case 'deny':
        return answer({ result: 'deny', status_msg: v.reason === 'unknown' ? t.denyUnknown : v.reason === 'locked_out' ? t.lockedOut : t.disabled });
      case 'enroll':
        return answer({ enroll_portal_url: v.portalUrl, result: 'enroll', status_msg: t.enrollV2 });
    }
  },
};

function factorOf(params: Record<string, string>): Factor | undefined {
  const factor = params['factor'];
  const device = params['device'] ?? 'auto';
  if (factor === 'passcode') return params['passcode'] === undefined ? undefined : { kind: 'passcode', passcode: params['passcode'] };
  if (factor === 'auto' || factor === 'push' || factor === 'phone' || factor === 'sms') return { kind: factor, device };
  return undefined;
}

const authRoute: Route = {
  methods: ['POST'],
  signed: true,
  async run(ctx, { req, integration }) {
    const by = who(req.params);
    if (!by) return Fails.invalidParams('username');
    const factor = factorOf(req.params);
    if (!factor) return Fails.invalidParams('factor');
    const isAsync = req.params['async'] === '1' || req.params['async'] === 'true';
    const state = ctx.state;
    const now = ctx.clock.now();
    const start = startAuth(state, integration!, by, factor, now);
    if (start.kind === 'invalid') return Fails.invalidParams(start.detail);
    const username = findUser(state, by)?.username ?? ('username' in by ? by.username : by.userId);
    if (start.kind === 'final') {
      if (!isAsync) return outcomeV2(state, start.outcome);
      const tx = settledTransaction(state, integration!.ikey, username, start.outcome, now);
      return ok({ txid: tx.txid }, { result: 'txid' });
    }
    const tx = newTransaction(state, integration!.ikey, findUser(state, by)!, start.steps, isAsync);
    if (isAsync) return ok({ txid: tx.txid }, { result: 'txid' });
    const outcome = await waitFinal(state, ctx.clock, tx, req);
    return outcome ? outcomeV2(state, outcome) : undefined;
  },
};

const authStatusRoute: Route = {
  methods: ['GET'],
  signed: true,
  async run(ctx, { req, integration }) {
    const txid = req.params['txid'];
    const tx = txid === undefined ? undefined : ctx.state.transactions.get(txid);
    if (!tx || tx.ikey !== integration!.ikey) return Fails.invalidParams('txid');
    const step = await pollStatus(ctx.state, ctx.clock, tx, ctx.state.fixture.long_poll_ms, req);
    if (step === undefined) return undefined;
    const status_msg = textOf(ctx.state, step);
    return ok({ auth_delayed: false, result: step.result, status: step.status, status_msg }, { result: step.result, statusText: step.status });
  },
};

export const authV2Routes: Readonly<Record<string, Route>> = {
  ping: timeRoute(false),
  check: timeRoute(true),
  logo: logoRoute,
  enroll: enrollRoute,
  enroll_status: enrollStatusRoute,
  preauth: preauthRoute,
  auth: authRoute,
  auth_status: authStatusRoute,
};
