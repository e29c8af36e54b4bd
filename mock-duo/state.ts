// The mock Duo's in-memory state, built from a fixture: users with their devices, passcodes, bypass
// codes, SMS batch and failure counter, plus pending transactions. Both API dialects and the control
// API work on this one state.
import { createHash, randomInt } from 'node:crypto';
import { deviceLabel, type DuoDevice } from '../adapters/duo/device-prompt.ts';
import type { Behaviour, Fixture, FixtureUserInput, Integration, UserStatus } from './fixture.ts';
import { validate, userSchema } from './fixture.ts';
import { DEFAULT_TEXTS, type Texts } from './texts.ts';
import { MinHeap } from './heap.ts';
import type { Transaction, TxDue } from './transaction-types.ts';

export interface PhoneState {
  kind: 'phone';
  id: string;
  number: string;
  name: string;
  platform?: string;
  capabilities: Set<string>;
  push: Behaviour;
  phone: Behaviour;
  afterMs: number;
  smsNextcode?: string;
}
export interface TokenState {
  kind: 'token';
  id: string;
  name: string;
}
export type DeviceState = PhoneState | TokenState;

export interface UserState {
  username: string;
  userId: string;
  status: UserStatus;
  groups?: string[];
  devices: DeviceState[];
  passcodes: { code: string; once: boolean; used: boolean }[];
  bypassCodes: { code: string; usesLeft: number; expiresAt?: number }[];
  /** The current SMS batch: unused codes only. */
  smsBatch: string[];
  /** Consecutive failures; at `lockout_after` the status becomes locked_out. */
  failures: number;
  enrollment?: { activationCode: string; expiresAt: number; activated: boolean };
}

export interface MockState {
  fixture: Fixture;
  texts: Texts;
  integrations: Map<string, Integration>;
  users: Map<string, UserState>;
  /** HMAC keys (the skey's bytes) by ikey, made once rather than per request. */
  keys: Map<string, Buffer>;
  /** Transactions a client can poll (async auth_v2), by txid. */
  transactions: Map<string, Transaction>;
  /** Every transaction not yet settled, by the time its final status comes. */
  unsettled: MinHeap<TxDue>;
  /** The polled ones, by the time they are forgotten. */
  expiring: MinHeap<TxDue>;
  /** Tie-breaker for the two heaps. */
  txSeq: number;
}

/** Stable ids derived from a name, so a fixture without ids gives the same ids every run. */
export function stableId(prefix: string, seed: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = createHash('sha256').update(seed).digest();
  let out = prefix;
  for (let i = 0; out.length < 20; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

/** Build one user from its (validated) fixture entry. */
export function buildUser(username: string, input: FixtureUserInput, now: number): UserState {
  const parsed = validate(userSchema, input, `users.${username}`);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const u = parsed.value;
  const devices: DeviceState[] = u.devices.map((d, i) =>
    d.type === 'phone'
      ? {
          kind: 'phone',
          id: d.id ?? stableId('DP', `${username}/${i}`),
          number: d.number,
          name: d.name,
          ...(d.platform !== undefined ? { platform: d.platform } : {}),
          capabilities: new Set(d.capabilities),
          push: d.push,
          phone: d.phone,
          afterMs: d.after_ms,
          ...(d.sms_nextcode !== undefined ? { smsNextcode: d.sms_nextcode } : {}),
        }
      : { kind: 'token', id: d.id ?? stableId('DH', `${username}/${i}`), name: d.name },
  );
  return {
    username,
    userId: u.user_id ?? stableId('DU', username),
    status: u.status,
    ...(u.groups !== undefined ? { groups: [...u.groups] } : {}),
    devices,
    passcodes: u.passcodes.map((p) => (typeof p === 'string' ? { code: p, once: false, used: false } : { code: p.code, once: p.once, used: false })),
    bypassCodes: u.bypass_codes.map((b) =>
      typeof b === 'string'
        ? { code: b, usesLeft: 1 }
        : { code: b.code, usesLeft: b.uses, ...(b.valid_secs !== undefined ? { expiresAt: now + b.valid_secs * 1000 } : {}) },
    ),
    smsBatch: [...u.sms_passcodes],
    failures: 0,
  };
}

export function buildState(fixture: Fixture, now: number): MockState {
  const users = new Map<string, UserState>();
  for (const [name, u] of Object.entries(fixture.users)) users.set(name, buildUser(name, u, now));
  return {
    fixture,
    texts: { ...DEFAULT_TEXTS, ...(fixture.texts ?? {}) } as Texts,
    integrations: new Map(fixture.integrations.map((i) => [i.ikey, i])),
    users,
    keys: new Map(fixture.integrations.map((i) => [i.ikey, Buffer.from(i.skey, 'utf8')])),
    transactions: new Map(),
    unsettled: new MinHeap(),
    expiring: new MinHeap(),
    txSeq: 0,
  };
}

export function findUser(state: MockState, by: { username?: string; userId?: string }): UserState | undefined {
  if (by.username !== undefined) return state.users.get(by.username);
  if (by.userId !== undefined) for (const u of state.users.values()) if (u.userId === by.userId) return u;
  return undefined;
}

/** The user's status after group policies: a member of a disabled or bypass group is treated so. */
export function effectiveStatus(state: MockState, user: UserState): UserStatus {
  if (user.status !== 'active') return user.status;
  const policies = (user.groups ?? []).map((g) => state.fixture.groups[g]?.status ?? 'active');
  if (policies.includes('disabled')) return 'disabled';
  if (policies.includes('bypass')) return 'bypass';
  return 'active';
}

export function phones(user: UserState): PhoneState[] {
  return user.devices.filter((d): d is PhoneState => d.kind === 'phone');
}

/** Auth API v2 preauth `devices[]` (tokens carry only device, name and type). */
export function devicesV2(user: UserState): DuoDevice[] {
  return user.devices.map((d) => {
    if (d.kind === 'token') return { device: d.id, type: 'token', name: d.name };
    const nextcode = d.smsNextcode ?? user.smsBatch[0]?.[0];
    const out: DuoDevice & { sms_nextcode?: string } = {
      device: d.id,
      type: 'phone',
      number: d.number,
      name: d.name,
      display_name: deviceLabel({ device: d.id, name: d.name, number: d.number }),
      capabilities: [...d.capabilities],
    };
    if (d.capabilities.has('sms') && nextcode !== undefined) out.sms_nextcode = nextcode;
    return out;
  });
}

/** Send a new SMS batch: it replaces (invalidates) every earlier code. Codes start 1, 2, 3… so
 *  `sms_nextcode` can tell the user which one is next, as Duo does. */
export function newSmsBatch(state: MockState, user: UserState): string[] {
  const { sms_batch_size: size, sms_passcode_length: length } = state.fixture;
  user.smsBatch = Array.from({ length: size }, (_, i) => {
    let code = String((i + 1) % 10);
    while (code.length < length) code += String(randomInt(10));
    return code;
  });
  return [...user.smsBatch];
}

export type PasscodeCheck = { ok: true; via: 'bypass' | 'passcode' | 'sms' } | { ok: false; lockedOut: boolean };

/** Check a passcode against bypass codes, the user's passcodes and the SMS batch, consuming what is
 *  single-use and counting failures toward lockout. */
export function checkPasscode(state: MockState, user: UserState, code: string, now: number): PasscodeCheck {
  const bypass = user.bypassCodes.find((b) => b.code === code && b.usesLeft > 0 && (b.expiresAt === undefined || b.expiresAt > now));
  if (bypass) {
    bypass.usesLeft -= 1;
    return succeed(user, 'bypass');
  }
  const passcode = user.passcodes.find((p) => p.code === code && !p.used);
  if (passcode) {
    if (passcode.once) passcode.used = true;
    return succeed(user, 'passcode');
  }
  const sms = user.smsBatch.indexOf(code);
  if (sms >= 0) {
    user.smsBatch.splice(sms, 1);
    return succeed(user, 'sms');
  }
  return { ok: false, lockedOut: recordFailure(state, user) };
}

function succeed(user: UserState, via: 'bypass' | 'passcode' | 'sms'): PasscodeCheck {
  user.failures = 0;
  return { ok: true, via };
}

/** Count one failed attempt; true when it locked the user out. */
export function recordFailure(state: MockState, user: UserState): boolean {
  user.failures += 1;
  if (user.failures >= state.fixture.lockout_after && user.status === 'active') {
    user.status = 'locked_out';
    return true;
  }
  return false;
}

export function portalUrl(state: MockState, integration: Integration | undefined, user: string): string {
  const base = state.fixture.enroll_portal_url ?? `https://${integration?.api_host ?? 'localhost'}/portal`;
  return `${base}?code=${stableId('', `${integration?.ikey ?? ''}/${user}`).toLowerCase()}`;
}
