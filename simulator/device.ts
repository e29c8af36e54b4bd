// One simulated VPN device: a profile plus the scenario's overrides, and what it does for one login:
// build each Access-Request as the device would, send it with the device's retransmissions, show the
// user an Access-Challenge and send their answer back with the State, and say what the user saw.
import { performance } from 'node:perf_hooks';
import { buildAttribute, findString, findValues } from '../adapters/radius/attributes.ts';
import type { RawAttribute } from '../adapters/radius/codec/types.ts';
import type { WireAttribute } from '../machines/contracts.ts';
import { type DeviceProfile, findProfile } from './devices/index.ts';
import type { Retransmit, Send } from './load.ts';
import type { DeviceSpec, Outcome } from './scenario/schema.ts';

export interface DeviceSettings {
  profile: DeviceProfile;
  /** Label in reports. */
  name: string;
  sourceIp: string;
  nasIp: string;
  clientIp: string;
  timeoutMs: number;
  clientTimeoutMs: number | undefined;
  retransmit: Retransmit;
  messageAuthenticator: boolean;
  /** The profile's attributes then the scenario's, values templated, checked against the dictionary. */
  attributes: readonly { name: string; value: string | number }[];
}

export function resolveDevice(spec: DeviceSpec): DeviceSettings {
  const o: Exclude<DeviceSpec, string> = typeof spec === 'string' ? { profile: spec } : spec;
  const profile = findProfile(o.profile)!;
  const clientTimeout = o.client_timeout_s ?? profile.clientTimeoutS;
  return {
    profile,
    name: o.name ?? profile.name,
    sourceIp: o.source_ip ?? profile.sourceIp,
    nasIp: o.nas_ip ?? profile.nasIp,
    clientIp: o.client_ip ?? '198.51.100.7',
    timeoutMs: (o.timeout_s ?? profile.timeoutS) * 1000,
    clientTimeoutMs: clientTimeout === undefined ? undefined : clientTimeout * 1000,
    retransmit: { intervalMs: (o.retransmit_interval_s ?? profile.retransmit.intervalS) * 1000, count: o.retransmit_count ?? profile.retransmit.count },
    messageAuthenticator: o.message_authenticator ?? profile.messageAuthenticator,
    attributes: [...profile.attributes.map(([name, value]) => ({ name, value })), ...Object.entries(o.attributes ?? {}).map(([name, value]) => ({ name, value }))],
  };
}

/** Every attribute of the device checked against the dictionary once; the first problem, if any. */
export function checkDeviceAttributes(d: DeviceSettings): string | undefined {
  for (const a of d.attributes) {
    const r = buildAttribute(a.name, fill(a.value, d, 'user', 'S0'));
    if (!r.ok) return `${d.name}: ${r.error}`;
  }
  return undefined;
}

function fill(v: string | number, d: DeviceSettings, user: string, session: string): string | number {
  if (typeof v === 'number') return v;
  return v.replaceAll('{client_ip}', d.clientIp).replaceAll('{nas_ip}', d.nasIp).replaceAll('{user}', user).replaceAll('{session}', session);
}

let sessions = 0;

/** The Access-Request of one round, as the device builds it. */
export function requestAttributes(d: DeviceSettings, user: string, password: string | undefined, session: string, state?: Buffer): (WireAttribute | RawAttribute)[] {
  const out: (WireAttribute | RawAttribute)[] = [];
  const name = buildAttribute('User-Name', user);
  if (name.ok) out.push(name.attribute);
  if (password !== undefined) out.push({ type: 2, value: Buffer.from(password, d.profile.passwordEncoding === 'latin1' ? 'latin1' : 'utf8') });
  for (const a of d.attributes) {
    const r = buildAttribute(a.name, fill(a.value, d, user, session));
    if (r.ok) out.push(r.attribute);
  }
  if (state !== undefined && d.profile.challenge.echoesState) out.push({ type: 24, value: state });
  return out;
}

export interface LoginResult {
  outcome: Outcome;
  /** Final RADIUS code; undefined when the device gave up. */
  code: number | undefined;
  /** Reply-Message(s) of the last answer, joined. */
  reply: string;
  /** Answered rounds (Access-Request → answer). */
  rounds: number;
  ms: number;
  class: string | undefined;
  /** An answer came after the VPN client's own timeout. */
  late: boolean;
  /** What the device showed its user. */
  deviceOutcome: string;
}

export interface LoginPlan {
  user: string;
  password: string | undefined;
  answers: readonly string[];
  /** Wait before each answer. */
  thinkMs: () => number;
}

/** One whole login as the device runs it. */
export async function runDeviceLogin(d: DeviceSettings, plan: LoginPlan, send: Send): Promise<LoginResult> {
  const session = `S${(++sessions).toString(16).padStart(8, '0')}`;
  const t0 = performance.now();
  let rounds = 0;
  let late = false;
  let reply = '';
  let attributes: WireAttribute[] = [];
  let code: number | undefined;
  let password = plan.password;
  let state: Buffer | undefined;
  for (let answer = 0; ; answer++) {
    const r0 = performance.now();
    const r = await send(requestAttributes(d, plan.user, password, session, state));
    if (r === undefined) {
      code = undefined;
      break;
    }
    rounds++;
    if (d.clientTimeoutMs !== undefined && performance.now() - r0 > d.clientTimeoutMs) late = true;
    code = r.code;
    attributes = r.attributes;
    reply = findValues(r.attributes, 'Reply-Message').map((b) => b.toString('utf8')).join('');
    if (code !== 11 || !d.profile.challenge.shows || answer >= plan.answers.length || late) break;
    state = findValues(r.attributes, 'State')[0];
    password = plan.answers[answer];
    const think = plan.thinkMs();
    if (think > 0) await new Promise((res) => setTimeout(res, think));
  }
  const outcome: Outcome = code === undefined ? 'no_answer' : code === 2 ? 'accept' : code === 11 ? 'challenge_unanswered' : 'reject';
  return {
    outcome,
    code,
    reply,
    rounds,
    ms: performance.now() - t0,
    class: code === 2 ? findString(attributes, 'Class') : undefined,
    late,
    deviceOutcome: display(d.profile, outcome, reply, late),
  };
}

/** What the device shows for an outcome. */
export function display(p: DeviceProfile, outcome: Outcome, reply: string, late: boolean): string {
  if (late && p.displays.late) return p.displays.late;
  const shown = cut(reply, p.challenge.displayBytes);
  const fillReply = (t: string) => t.replace('{reply}', shown).trim();
  switch (outcome) {
    case 'accept':
      return fillReply(p.displays.accept);
    case 'reject':
      return fillReply(p.displays.reject);
    case 'no_answer':
      return p.displays.noAnswer;
    case 'challenge_unanswered':
      return p.challenge.shows ? shown : (p.displays.challengeNotShown ?? fillReply(p.displays.reject));
  }
}

function cut(text: string, bytes: number | undefined): string {
  if (bytes === undefined) return text;
  const b = Buffer.from(text, 'utf8');
  return b.length <= bytes ? text : b.subarray(0, bytes).toString('utf8').replace(/\uFFFD$/, '');
}
