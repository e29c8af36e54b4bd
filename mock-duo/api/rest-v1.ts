// Duo's proxy API, `/rest/v1/*`, exactly as Duo's own Authentication Proxy 4.x calls it (reference
// duo-authproxy-behaviour.md §6): signature v1 (no date), form bodies, `user`/`ipaddr`/`failmode` on
// preauth, `factor=auto&auto=<factor or passcode>` on a synchronous auth that answers when the user does.
import { buildDevicePrompt } from '../../adapters/duo/device-prompt.ts';
import { type Factor, parseAutoFactor, preauth, startAuth } from '../engine.ts';
import type { Call, MockContext, Route } from '../pipeline.ts';
import { Fails, ok, type Reply } from '../respond.ts';
import { devicesV2, type MockState } from '../state.ts';
import { fillText } from '../texts.ts';
import type { Outcome } from '../transaction-types.ts';
import { newTransaction, waitFinal } from '../transactions.ts';

/** The /rest/v1 wording of an outcome: `status` is the text Duo's proxy shows the user. */
function outcomeV1(state: MockState, o: Outcome): Reply {
  const key = o.text === 'smsSentV2' ? 'smsSentV1' : o.text;
  const status = fillText(state.texts[key], o.vars ?? {});
  return ok({ result: o.result, status }, { result: o.result, statusText: status });
}

function groupsOf(user: { groups?: string[] } | undefined): { groups?: string[] } {
  return user?.groups !== undefined ? { groups: [...user.groups] } : {};
}

/** A preauth answer, with what the journal notes about it. */
function answer(response: Record<string, unknown>): Reply {
  return ok(response, { result: String(response['result']), ...(typeof response['status'] === 'string' ? { statusText: response['status'] } : {}) });
}

const preauthRoute: Route = {
  methods: ['POST'],
  signed: true,
  async run(ctx: MockContext, { req, integration }: Call) {
    const username = req.params['user'];
    if (username === undefined || username === '') return Fails.invalidParams('user');
    const state = ctx.state;
    const v = preauth(state, integration!, { username });
    const t = state.texts;
    switch (v.result) {
      case 'auth': {
        const { prompt, factors } = buildDevicePrompt(username, devicesV2(v.user));
        return answer({ result: 'auth', prompt, factors, ...groupsOf(v.user) });
      }
      case 'allow':
        return v.reason === 'bypass'
          ? answer({ result: 'allow', status: t.bypass, ...groupsOf(v.user) })
          : answer({ result: 'allow', status: t.allowUnknown });
      case 'deny':
        return v.reason === 'unknown'
          ? answer({ result: 'deny', status: t.denyUnknown })
          : answer({ result: 'deny', status: v.reason === 'locked_out' ? t.lockedOut : t.disabled, ...groupsOf(v.user) });
      case 'enroll':
        return answer({ result: 'enroll', status: fillText(t.enrollV1, { url: v.portalUrl }) });
    }
  },
};

function factorOf(params: Record<string, string>): Factor | undefined {
  const factor = params['factor'];
  if (factor === 'auto') return params['auto'] === undefined ? undefined : parseAutoFactor(params['auto']);
  if (factor === 'passcode') return params['passcode'] === undefined ? undefined : { kind: 'passcode', passcode: params['passcode'] };
  if (factor === 'push' || factor === 'phone' || factor === 'sms') return { kind: factor, device: params['device'] ?? 'auto' };
  return undefined;
}

const authRoute: Route = {
  methods: ['POST'],
  signed: true,
  async run(ctx, { req, integration }) {
    const username = req.params['user'];
    if (username === undefined || username === '') return Fails.invalidParams('user');
    const factor = factorOf(req.params);
    if (!factor) return Fails.invalidParams('factor');
    const state = ctx.state;
    const start = startAuth(state, integration!, { username }, factor, ctx.clock.now());
    if (start.kind === 'invalid') return Fails.invalidParams(start.detail);
    if (start.kind === 'final') return outcomeV1(state, start.outcome);
    const tx = newTransaction(state, integration!.ikey, state.users.get(username)!, start.steps, false);
    const outcome = await waitFinal(state, ctx.clock, tx, req);
    return outcome ? outcomeV1(state, outcome) : undefined;
  },
};

const timeRoute = (signed: boolean): Route => ({
  methods: ['GET', 'POST'],
  signed,
  async run(_ctx, { now }) {
    return ok({ time: Math.floor(now / 1000) });
  },
});

export const restV1Routes: Readonly<Record<string, Route>> = {
  ping: timeRoute(false),
  check: timeRoute(true),
  preauth: preauthRoute,
  auth: authRoute,
};
