// What Duo decides, apart from how each API dialect words it: preauth's verdict for a user, and what
// an authentication attempt (push, phone, sms, passcode) leads to.
import type { Integration } from './fixture.ts';
import {
  checkPasscode,
  effectiveStatus,
  findUser,
  type MockState,
  newSmsBatch,
  type PhoneState,
  phones,
  portalUrl,
  type UserState,
} from './state.ts';
import type { Outcome, Step } from './transaction-types.ts';
import { phoneScript, pushScript } from './transactions.ts';

export type PreauthVerdict =
  | { result: 'auth'; user: UserState }
  | { result: 'allow'; reason: 'bypass'; user: UserState }
  | { result: 'allow'; reason: 'unknown' }
  | { result: 'deny'; reason: 'disabled' | 'locked_out'; user: UserState }
  | { result: 'deny'; reason: 'unknown' }
  | { result: 'enroll'; portalUrl: string; user?: UserState };

export function preauth(state: MockState, integration: Integration, by: { username?: string; userId?: string }): PreauthVerdict {
  const user = findUser(state, by);
  const name = by.username ?? by.userId ?? '';
  if (!user) {
    const policy = state.fixture.new_user_policy;
    if (policy === 'allow') return { result: 'allow', reason: 'unknown' };
    if (policy === 'deny') return { result: 'deny', reason: 'unknown' };
    return { result: 'enroll', portalUrl: portalUrl(state, integration, name) };
  }
  const status = effectiveStatus(state, user);
  switch (status) {
    case 'bypass':
      return { result: 'allow', reason: 'bypass', user };
    case 'disabled':
    case 'locked_out':
      return { result: 'deny', reason: status, user };
    case 'unenrolled':
      return { result: 'enroll', portalUrl: portalUrl(state, integration, user.username), user };
    default:
      return { result: 'auth', user };
  }
}

/** An authentication request in either dialect. `device` is 'auto', a device id, or (for /rest/v1
 *  factor names like push2) the 1-based index among the user's phones. */
export type Factor =
  | { kind: 'push' | 'phone' | 'sms' | 'auto'; device: 'auto' | string | number }
  | { kind: 'passcode'; passcode: string };

/** `auto=` of Duo's proxy API: a factor name (push, phone2, sms1, auto) or else a passcode. */
export function parseAutoFactor(value: string): Factor {
  const m = /^(push|phone|sms|auto)(\d+)?$/.exec(value);
  if (!m) return { kind: 'passcode', passcode: value };
  const kind = m[1] as 'push' | 'phone' | 'sms' | 'auto';
  return { kind, device: m[2] === undefined ? 'auto' : Number(m[2]) };
}

export type AuthStart =
  | { kind: 'final'; outcome: Outcome }
  | { kind: 'steps'; steps: Step[] }
  /** 400 40002 Invalid request parameters, with this message_detail. */
  | { kind: 'invalid'; detail: string };

const capabilityOf = { push: 'push', phone: 'phone', sms: 'sms' } as const;

function pickPhone(user: UserState, capability: 'push' | 'phone' | 'sms', device: 'auto' | string | number): PhoneState | undefined {
  const list = phones(user);
  const candidate =
    device === 'auto' ? list.find((p) => p.capabilities.has(capability)) : typeof device === 'number' ? list[device - 1] : list.find((p) => p.id === device);
  return candidate?.capabilities.has(capability) ? candidate : undefined;
}

/** Start an authentication for `username` (already known to exist or not). */
export function startAuth(state: MockState, integration: Integration, by: { username?: string; userId?: string }, factor: Factor, now: number): AuthStart {
  const verdict = preauth(state, integration, by);
  switch (verdict.result) {
    case 'allow':
      return verdict.reason === 'bypass'
        ? { kind: 'final', outcome: { result: 'allow', status: 'bypass', text: 'bypass' } }
        : { kind: 'final', outcome: { result: 'allow', status: 'allow', text: 'allowUnknown' } };
    case 'deny':
      if (verdict.reason === 'locked_out') return { kind: 'final', outcome: { result: 'deny', status: 'locked_out', text: 'lockedOut' } };
      return { kind: 'final', outcome: { result: 'deny', status: 'deny', text: verdict.reason === 'disabled' ? 'disabled' : 'denyUnknown' } };
    case 'enroll':
      return { kind: 'final', outcome: { result: 'deny', status: 'deny', text: 'enrollV1', vars: { url: verdict.portalUrl } } };
  }
  const user = verdict.user;
  if (factor.kind === 'passcode') {
    const r = checkPasscode(state, user, factor.passcode, now);
    if (r.ok) return { kind: 'final', outcome: { result: 'allow', status: 'allow', text: 'success' } };
    return { kind: 'final', outcome: { result: 'deny', status: 'deny', text: 'incorrectPasscode' } };
  }
  let kind = factor.kind;
  if (kind === 'auto') {
    // Duo's auto: push if the device can, else a phone call.
    const pushable = pickPhone(user, 'push', factor.device);
    kind = pushable ? 'push' : 'phone';
  }
  const device = pickPhone(user, capabilityOf[kind], factor.device);
  if (!device) return { kind: 'invalid', detail: 'no capable device' };
  if (kind === 'sms') {
    newSmsBatch(state, user);
    return { kind: 'final', outcome: { result: 'deny', status: 'sent', text: 'smsSentV2' } };
  }
  const steps = kind === 'push' ? pushScript(device, now, state.fixture.push_timeout_ms) : phoneScript(device, now, state.fixture.phone_timeout_ms);
  return { kind: 'steps', steps };
}
