// Changing the mock Duo while it runs: users and device behaviours, SMS batches, enrollment, reset.
// The same operations are offered in process (tests) and over HTTP under /_mock/ (api/control.ts).
import type { ManualClock } from './clock.ts';
import { Behaviours, Capabilities, type FixtureUserInput, type ParseResult, UserStatuses, validate } from './fixture.ts';
import type { MockContext } from './pipeline.ts';
import { buildState, buildUser, effectiveStatus, newSmsBatch, stableId, type UserState } from './state.ts';
import { z } from 'zod';

/** A user as the control API shows it (includes codes: this is a test double, not Duo). */
export interface UserView {
  username: string;
  user_id: string;
  status: string;
  effective_status: string;
  groups?: string[];
  failures: number;
  devices: Record<string, unknown>[];
  passcodes: { code: string; once: boolean; used: boolean }[];
  bypass_codes: { code: string; uses_left: number; expires_at?: number }[];
  sms_passcodes: string[];
  enrollment?: { activation_code: string; expires_at: number; activated: boolean };
}

const devicePatch = z.strictObject({
  push: z.enum(Behaviours).optional(),
  phone: z.enum(Behaviours).optional(),
  after_ms: z.number().int().min(0).optional(),
  capabilities: z.array(z.enum(Capabilities)).optional(),
});

export const userPatchSchema = z.strictObject({
  status: z.enum(UserStatuses).optional(),
  failures: z.number().int().min(0).optional(),
  groups: z.array(z.string()).optional(),
  /** Keyed by device id, or by the 1-based position in the user's device list. */
  devices: z.record(z.string(), devicePatch).optional(),
});
export type UserPatch = z.input<typeof userPatchSchema>;

export function viewUser(ctx: MockContext, u: UserState): UserView {
  return {
    username: u.username,
    user_id: u.userId,
    status: u.status,
    effective_status: effectiveStatus(ctx.state, u),
    ...(u.groups !== undefined ? { groups: [...u.groups] } : {}),
    failures: u.failures,
    devices: u.devices.map((d) =>
      d.kind === 'token'
        ? { id: d.id, type: 'token', name: d.name }
        : { id: d.id, type: 'phone', number: d.number, name: d.name, capabilities: [...d.capabilities], push: d.push, phone: d.phone, after_ms: d.afterMs },
    ),
    passcodes: u.passcodes.map((p) => ({ ...p })),
    bypass_codes: u.bypassCodes.map((b) => ({ code: b.code, uses_left: b.usesLeft, ...(b.expiresAt !== undefined ? { expires_at: b.expiresAt } : {}) })),
    sms_passcodes: [...u.smsBatch],
    ...(u.enrollment
      ? { enrollment: { activation_code: u.enrollment.activationCode, expires_at: u.enrollment.expiresAt, activated: u.enrollment.activated } }
      : {}),
  };
}

export interface MockControl {
  /** Back to the fixture: users, faults, transactions; the journal is emptied. */
  reset(): void;
  users(): UserView[];
  user(name: string): UserView | undefined;
  /** Create or replace a user from a fixture entry. */
  putUser(name: string, input: FixtureUserInput): ParseResult<UserView>;
  patchUser(name: string, patch: UserPatch): ParseResult<UserView> | undefined;
  deleteUser(name: string): boolean;
  /** Complete a pending enrollment: the user gets a phone (push approve) and becomes active. */
  activate(name: string): UserView | undefined;
  /** The current SMS batch (unused codes), or undefined for an unknown user. */
  smsBatch(name: string): string[] | undefined;
  /** Send a new SMS batch as `sms` would. */
  sendSms(name: string): string[] | undefined;
  /** Move a manual clock forward (undefined when the clock is not manual). */
  advance(ms: number): Promise<number> | undefined;
}

function isManual(clock: unknown): clock is ManualClock {
  return typeof (clock as Partial<ManualClock>).advance === 'function';
}

export function createControl(ctx: MockContext): MockControl {
  const view = (u: UserState) => viewUser(ctx, u);
  return {
    reset() {
      ctx.state = buildState(ctx.state.fixture, ctx.clock.now());
      ctx.faults.set(ctx.state.fixture.faults);
      ctx.journal.clear();
    },
    users: () => [...ctx.state.users.values()].map(view),
    user(name) {
      const u = ctx.state.users.get(name);
      return u ? view(u) : undefined;
    },
    putUser(name, input) {
      try {
        const u = buildUser(name, input, ctx.clock.now());
        ctx.state.users.set(name, u);
        return { ok: true, value: view(u) };
      } catch (err) {
        return { ok: false, errors: String((err as Error).message).split('\n') };
      }
    },
    patchUser(name, input) {
      const u = ctx.state.users.get(name);
      if (!u) return undefined;
      const r = validate(userPatchSchema, input, 'patch');
      if (!r.ok) return r;
      const patch = r.value;
      for (const key of Object.keys(patch.devices ?? {})) {
        const device = u.devices.find((d) => d.id === key) ?? (/^\d+$/.test(key) ? u.devices[Number(key) - 1] : undefined);
        if (!device) return { ok: false, errors: [`patch devices.${key}: no such device`] };
        if (device.kind !== 'phone') return { ok: false, errors: [`patch devices.${key}: a token has no behaviour`] };
      }
      if (patch.status !== undefined) u.status = patch.status;
      if (patch.failures !== undefined) u.failures = patch.failures;
      if (patch.groups !== undefined) u.groups = [...patch.groups];
      for (const [key, dp] of Object.entries(patch.devices ?? {})) {
        const device = u.devices.find((d) => d.id === key) ?? u.devices[Number(key) - 1];
        if (device?.kind !== 'phone') continue;
        if (dp.push !== undefined) device.push = dp.push;
        if (dp.phone !== undefined) device.phone = dp.phone;
        if (dp.after_ms !== undefined) device.afterMs = dp.after_ms;
        if (dp.capabilities !== undefined) device.capabilities = new Set(dp.capabilities);
      }
      return { ok: true, value: view(u) };
    },
    deleteUser: (name) => ctx.state.users.delete(name),
    activate(name) {
      const u = ctx.state.users.get(name);
      if (!u) return undefined;
      if (u.enrollment) u.enrollment.activated = true;
      if (u.devices.length === 0)
        u.devices.push({
          kind: 'phone',
          id: stableId('DP', `${name}/activated`),
          number: 'XXX-XXX-0000',
          name: '',
          capabilities: new Set(Capabilities),
          push: 'approve',
          phone: 'approve',
          afterMs: 0,
        });
      if (u.status === 'unenrolled') u.status = 'active';
      return view(u);
    },
    smsBatch: (name) => {
      const u = ctx.state.users.get(name);
      return u ? [...u.smsBatch] : undefined;
    },
    sendSms(name) {
      const u = ctx.state.users.get(name);
      return u ? newSmsBatch(ctx.state, u) : undefined;
    },
    advance(ms) {
      const clock = ctx.clock;
      if (!isManual(clock)) return undefined;
      return clock.advance(ms).then(() => clock.now());
    },
  };
}
