// The mock Duo fixture: which integrations it accepts, its users, their devices and how they behave,
// and faults (design.md "Contract: mock Duo fixtures"). YAML or JSON; errors name the file, line,
// column and field: `fixtures.yaml:12:15 users.alice.devices.0.push: Invalid option: …`.
import { readFile } from 'node:fs/promises';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { DEFAULT_TEXTS, type TextKey } from './texts.ts';

const ikey = z.string().regex(/^DI[A-Z0-9]{18}$/, 'must be 20 characters: DI then 18 of A-Z and 0-9');
const skey = z.string().regex(/^[A-Za-z0-9]{40}$/, 'must be 40 letters or digits');
const passcodeText = z.string().regex(/^\d{6,8}$/, 'must be 6 to 8 digits');
const bypassText = z.string().regex(/^\d{6,12}$/, 'must be 6 to 12 digits');
const ms = z.number().int().min(0);

export const Behaviours = ['approve', 'deny', 'fraud', 'timeout', 'push_failed'] as const;
export type Behaviour = (typeof Behaviours)[number];
export const Capabilities = ['auto', 'push', 'phone', 'sms', 'mobile_otp'] as const;
export const UserStatuses = ['active', 'bypass', 'disabled', 'locked_out', 'unenrolled'] as const;
export type UserStatus = (typeof UserStatuses)[number];
export const Apis = ['rest_v1', 'auth_v2'] as const;
export type Api = (typeof Apis)[number];

const integrationSchema = z.strictObject({
  ikey,
  skey,
  /** Compared with the request's Host (port cut off, lower-cased); absent = any host. */
  api_host: z.string().min(1).optional(),
  name: z.string().optional(),
  /** Which APIs this integration may call (Duo answers 403 40301 otherwise). Default: both. */
  apis: z.array(z.enum(Apis)).min(1).default(['rest_v1', 'auth_v2']),
});

export const phoneSchema = z.strictObject({
  id: z.string().regex(/^DP[A-Z0-9]{18}$/, 'must be DP then 18 of A-Z and 0-9').optional(),
  type: z.literal('phone'),
  number: z.string().default(''),
  name: z.string().default(''),
  platform: z.string().optional(),
  capabilities: z.array(z.enum(Capabilities)).default([...Capabilities]),
  /** How the user answers a push (push_failed: never delivered, then times out). */
  push: z.enum(Behaviours).default('approve'),
  /** How the user answers a phone call (timeout: no keypress). */
  phone: z.enum(Behaviours).default('approve'),
  /** How long the user takes to answer a push or call. */
  after_ms: ms.default(0),
  /** The next SMS passcode's first digit, as preauth reports it (default: from the current batch). */
  sms_nextcode: z.string().regex(/^\d$/).optional(),
});

const tokenSchema = z.strictObject({
  id: z.string().regex(/^DH[A-Z0-9]{18}$/, 'must be DH then 18 of A-Z and 0-9').optional(),
  type: z.literal('token'),
  /** The token serial, shown as the device name. */
  name: z.string().default(''),
  token_type: z.enum(['h6', 'h8', 't6', 't8', 'yk', 'd1']).optional(),
});

const deviceSchema = z.discriminatedUnion('type', [phoneSchema, tokenSchema]);

const passcodeSchema = z.union([
  passcodeText,
  z.strictObject({ code: passcodeText, /** usable once (a TOTP code within its window) */ once: z.boolean().default(false) }),
]);
const bypassSchema = z.union([
  bypassText,
  z.strictObject({ code: bypassText, uses: z.number().int().min(1).default(1), valid_secs: z.number().int().min(1).optional() }),
]);

export const userSchema = z.strictObject({
  status: z.enum(UserStatuses).default('active'),
  user_id: z.string().regex(/^DU[A-Z0-9]{18}$/, 'must be DU then 18 of A-Z and 0-9').optional(),
  /** Reported by /rest/v1 preauth (Duo's proxy uses the first for Class in duo_only mode). */
  groups: z.array(z.string()).optional(),
  devices: z.array(deviceSchema).default([]),
  passcodes: z.array(passcodeSchema).default([]),
  bypass_codes: z.array(bypassSchema).default([]),
  /** An SMS batch already sent (each code works once; `sms` replaces the batch). */
  sms_passcodes: z.array(passcodeText).default([]),
});

export const faultSchema = z
  .strictObject({
    id: z.string().optional(),
    /** Which requests: exact path or a `*` glob, method, user (user= or username=), ikey. Empty = all. */
    match: z
      .strictObject({ path: z.string().optional(), method: z.string().optional(), user: z.string().optional(), ikey: z.string().optional() })
      .default({}),
    latency_ms: ms.optional(),
    http_status: z.number().int().min(200).max(599).optional(),
    body: z.string().optional(),
    content_type: z.string().optional(),
    retry_after: z.union([z.number().int().min(0), z.string()]).optional(),
    reset: z.boolean().optional(),
    hang: z.boolean().optional(),
    malformed_json: z.boolean().optional(),
    /** The mock's clock runs this many seconds ahead (negative: behind) for matching requests. */
    skew_s: z.number().optional(),
    /** Everything matching fails with a connection reset. */
    outage: z.boolean().optional(),
    /** Apply to this many matching requests, then stop. */
    times: z.number().int().min(1).optional(),
  })
  .superRefine((f, ctx) => {
    const terminal = [f.http_status !== undefined, f.reset, f.hang, f.malformed_json, f.outage].filter(Boolean).length;
    if (terminal > 1) ctx.addIssue({ code: 'custom', message: 'only one of http_status, reset, hang, malformed_json, outage per fault' });
    if (terminal === 0 && f.latency_ms === undefined && f.skew_s === undefined && f.retry_after === undefined)
      ctx.addIssue({ code: 'custom', message: 'a fault needs an effect: latency_ms, http_status, retry_after, reset, hang, malformed_json, skew_s or outage' });
  });

const textKeys = Object.keys(DEFAULT_TEXTS) as [TextKey, ...TextKey[]];

export const fixtureSchema = z
  .strictObject({
    integrations: z.array(integrationSchema).min(1),
    new_user_policy: z.enum(['enroll', 'allow', 'deny']).default('enroll'),
    /** Consecutive failures (wrong passcodes, denied or timed-out pushes) before locked_out. */
    lockout_after: z.number().int().min(1).default(10),
    /** Allowed difference between the request's date and the mock's clock. */
    signature_window_s: z.number().int().min(0).default(300),
    push_timeout_ms: ms.default(60_000),
    phone_timeout_ms: ms.default(60_000),
    /** Longest an auth_status long-poll waits for a change before answering the same status again. */
    long_poll_ms: ms.default(30_000),
    sms_batch_size: z.number().int().min(1).max(10).default(10),
    sms_passcode_length: z.number().int().min(6).max(8).default(7),
    /** Base of the enrollment portal URL (default https://<api_host>/portal). */
    enroll_portal_url: z.string().url().optional(),
    /** Whether /auth/v2/logo has a logo to serve. */
    logo: z.boolean().default(true),
    /** Group policies: a member of a bypass or disabled group is treated as such. */
    groups: z.record(z.string(), z.strictObject({ status: z.enum(['active', 'bypass', 'disabled']).default('active') })).default({}),
    users: z.record(z.string(), userSchema).default({}),
    faults: z.array(faultSchema).default([]),
    texts: z.partialRecord(z.enum(textKeys), z.string()).optional(),
  })
  .superRefine((f, ctx) => {
    const ikeys = new Set<string>();
    f.integrations.forEach((integ, i) => {
      if (ikeys.has(integ.ikey)) ctx.addIssue({ code: 'custom', path: ['integrations', i, 'ikey'], message: `duplicate ikey ${integ.ikey}` });
      ikeys.add(integ.ikey);
    });
    const ids = new Map<string, string>();
    for (const [name, user] of Object.entries(f.users)) {
      user.devices.forEach((d, i) => {
        if (d.id === undefined) return;
        const where = ids.get(d.id);
        if (where) ctx.addIssue({ code: 'custom', path: ['users', name, 'devices', i, 'id'], message: `device id already used by ${where}` });
        ids.set(d.id, name);
      });
    }
  });

export type FixtureInput = z.input<typeof fixtureSchema>;
export type Fixture = z.output<typeof fixtureSchema>;
export type FixtureUser = z.output<typeof userSchema>;
export type FixtureUserInput = z.input<typeof userSchema>;
export type FixtureDevice = z.output<typeof deviceSchema>;
export type FixturePhone = z.output<typeof phoneSchema>;
export type FaultSpec = z.output<typeof faultSchema>;
export type FaultInput = z.input<typeof faultSchema>;
export type Integration = z.output<typeof integrationSchema>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

const dotted = (path: readonly PropertyKey[]) => (path.length === 0 ? '(top)' : path.map(String).join('.'));

/** Validate an already-parsed object (JSON from the control API, or a test's literal). */
export function validate<S extends z.ZodType>(schema: S, value: unknown, label = 'fixture'): ParseResult<z.output<S>> {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, errors: r.error.issues.map((i) => `${label} ${dotted(issuePath(i))}: ${i.message}`) };
}

function issuePath(issue: z.core.$ZodIssue): PropertyKey[] {
  // Point an unknown key at the key itself.
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) return [...issue.path, issue.keys[0]];
  return [...issue.path];
}

/** Parse fixture text (YAML or JSON). Every error carries `file:line:col path: message`. */
export function parseFixture(text: string, file = 'fixture'): ParseResult<Fixture> {
  return parseYamlWith(fixtureSchema, text, file);
}

/**
 * YAML (or JSON) text validated by a zod schema; every error is `file:line:col path: message`, the
 * position that of the offending value (or key, for an unknown key). Never throws: a document the YAML
 * library refuses to build (alias bombs, bad merges) is an error at 1:1. Shared with the simulator's
 * scenario files.
 */
export function parseYamlWith<S extends z.ZodType>(schema: S, text: string, file: string): ParseResult<z.output<S>> {
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  let value: unknown;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: true });
    if (doc.errors.length > 0) {
      return {
        ok: false,
        errors: doc.errors.map((e) => {
          const pos = e.linePos?.[0];
          return `${file}:${pos?.line ?? 1}:${pos?.col ?? 1} ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`;
        }),
      };
    }
    value = doc.toJS() ?? {};
  } catch (err) {
    return { ok: false, errors: [`${file}:1:1 ${(err as Error).message.split('\n')[0]}`] };
  }
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  return {
    ok: false,
    errors: r.error.issues.map((issue) => {
      const path = issuePath(issue);
      let at = { line: 1, col: 1 };
      try {
        at = lineCounter.linePos(offsetOf(doc, path, issue.code === 'unrecognized_keys'));
      } catch {
        // a path the document cannot be walked along (should not happen): the start of the file
      }
      return `${file}:${at.line}:${at.col} ${dotted(path)}: ${issue.message}`;
    }),
  };
}

/** The source offset of the deepest node on `path` that exists: a scalar value itself, else its key,
 *  else the nearest enclosing item. */
function offsetOf(doc: ReturnType<typeof parseDocument>, path: readonly PropertyKey[], atKey = false): number {
  for (let n = path.length; n > 0; n--) {
    const parent = n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
    const key = String(path[n - 1]);
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      if (!pair) continue;
      const target = n === path.length && !atKey && isScalar(pair.value) ? pair.value : pair.key;
      if (isNode(target) && target.range) return target.range[0];
    } else if (isSeq(parent)) {
      const item = parent.items[Number(key)];
      if (isNode(item) && item.range) return item.range[0];
    }
  }
  return doc.contents?.range?.[0] ?? 0;
}

export async function loadFixtureFile(path: string): Promise<ParseResult<Fixture>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return { ok: false, errors: [`${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`] };
  }
  return parseFixture(text, path);
}
