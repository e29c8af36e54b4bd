// The scenario file (design.md "Contract: simulator scenarios"): what is tested, the mock Duo, the
// device, scripted logins, load populations, a fault timeline. Every object is strict: an unknown key
// is an error, so a typo never silently drops a password or an expectation.
import { z } from 'zod';
import { faultSchema, userSchema } from '../../mock-duo/fixture.ts';
import { PROFILE_NAMES } from '../devices/index.ts';

const ms = z.number().int().min(0);
const seconds = z.number().positive();
const loopbackIp = z.string().regex(/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/, 'must be a loopback address 127.x.y.z (the device sends from it)');
const ipv4 = z.string().regex(/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/, 'must be an IPv4 address');
const port = z.number().int().min(1).max(65535);
const profileName = z.string().refine((n) => PROFILE_NAMES.includes(n.toLowerCase()), { message: `unknown device profile; one of: ${PROFILE_NAMES.join(', ')}` });

/** Exact text, or /regex/flags. */
export const textMatch = z.string().refine((s) => !/^\/.*\/[a-z]*$/s.test(s) || isRegex(s), { message: 'not a valid /regular expression/' });

function isRegex(s: string): boolean {
  try {
    const m = /^\/(.*)\/([a-z]*)$/s.exec(s)!;
    new RegExp(m[1]!, m[2]);
    return true;
  } catch {
    return false;
  }
}

const deviceObject = z.strictObject({
  profile: profileName,
  /** Label in reports; default the profile name. */
  name: z.string().min(1).optional(),
  nas_ip: ipv4.optional(),
  source_ip: loopbackIp.optional(),
  /** Calling-Station-Id (or the profile's client IP attribute): the user's address. */
  client_ip: ipv4.optional(),
  timeout_s: seconds.optional(),
  client_timeout_s: seconds.optional(),
  retransmit_interval_s: seconds.optional(),
  retransmit_count: z.number().int().min(0).max(20).optional(),
  message_authenticator: z.boolean().optional(),
  /** More request attributes by dictionary name. */
  attributes: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export const deviceSchema = z.union([profileName, deviceObject]);

export const Outcomes = ['accept', 'reject', 'challenge_unanswered', 'no_answer'] as const;
export type Outcome = (typeof Outcomes)[number];

const loginExpect = z.strictObject({
  outcome: z.enum(Outcomes).optional(),
  reply: textMatch.optional(),
  rounds: z.number().int().min(1).optional(),
  class: textMatch.optional(),
  ms_max: z.number().positive().optional(),
  device_outcome: textMatch.optional(),
});

const loginSchema = z.strictObject({
  name: z.string().min(1).optional(),
  user: z.string().min(1),
  /** Absent: no User-Password at all. */
  password: z.string().optional(),
  /** Typed into each Access-Challenge in turn. */
  answers: z.array(z.string()).default([]),
  /** Wait before each answer (the user reading the prompt). */
  think_ms: ms.default(0),
  device: deviceSchema.optional(),
  /** Which server section (target.config) gets this login; default the target's. */
  server: z.string().min(1).optional(),
  expect: loginExpect,
});

const ratio = z.union([z.number().min(0).max(1), z.strictObject({ min: z.number().min(0).max(1).optional(), max: z.number().min(0).max(1).optional() })]);
const loadExpect = z.strictObject({
  /** A number is a minimum; {min, max} bounds both ways. */
  accept_ratio: ratio.optional(),
  reject_ratio: ratio.optional(),
  p99_ms: z.number().positive().optional(),
  /** The most logins the devices may give up on. */
  no_answer_max: z.number().int().min(0).optional(),
});

const loadSchema = z
  .strictObject({
    name: z.string().min(1).optional(),
    users: z.array(z.string().min(1)).min(1),
    password: z.string().optional(),
    answers: z.array(z.string()).default([]),
    /** Closed model. */
    concurrency: z.number().int().min(1).max(10_000).optional(),
    count: z.number().int().min(1).max(10_000_000).optional(),
    /** Open model. */
    rate_per_s: z.number().positive().max(100_000).optional(),
    duration_s: seconds.optional(),
    /** Before each challenge answer: a fixed wait or a [min, max] range. */
    think_ms: z.union([ms, z.tuple([ms, ms])]).default(0),
    /** When this population starts, from the scenario's start. */
    start_ms: ms.default(0),
    device: deviceSchema.optional(),
    server: z.string().min(1).optional(),
    expect: loadExpect.default({}),
  })
  .superRefine((l, ctx) => {
    const open = l.rate_per_s !== undefined || l.duration_s !== undefined;
    const closed = l.concurrency !== undefined || l.count !== undefined;
    if (open && closed) ctx.addIssue({ code: 'custom', message: 'either concurrency/count (closed model) or rate_per_s/duration_s (open model), not both' });
    else if (open && (l.rate_per_s === undefined || l.duration_s === undefined)) ctx.addIssue({ code: 'custom', message: 'the open model needs both rate_per_s and duration_s' });
    else if (!open && (l.concurrency === undefined || l.count === undefined)) ctx.addIssue({ code: 'custom', message: 'needs concurrency and count (closed model) or rate_per_s and duration_s (open model)' });
    if (Array.isArray(l.think_ms) && l.think_ms[0] > l.think_ms[1]) ctx.addIssue({ code: 'custom', path: ['think_ms'], message: 'the range is [min, max]' });
  });

const FaultKinds = ['outage', 'reset', 'hang', 'malformed_json'] as const;
const faultEntry = z.strictObject({
  at_ms: ms,
  /** Undefined: until the scenario ends. */
  for_ms: z.number().int().min(1).optional(),
  /** A kind (for every request), or a whole mock fault (its match, latency_ms, http_status...). */
  duo: z.union([z.enum(FaultKinds), faultSchema]),
  /** Only for these users. */
  users: z.array(z.string().min(1)).min(1).optional(),
});

const primaryUser = z.strictObject({
  password: z.string(),
  /** Reply attributes on accept, by dictionary name. */
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))])).default({}),
  behaviour: z.enum(['accept', 'reject', 'timeout', 'challenge']).optional(),
});
const primarySchema = z.strictObject({
  radius: z.strictObject({
    users: z.record(z.string(), primaryUser).default({}),
    /** For every user: check the password (accept), or always reject, never answer, or challenge first. */
    behaviour: z.enum(['accept', 'reject', 'timeout', 'challenge']).default('accept'),
    /** Reply-Message of a reject (none by default, as FreeRADIUS). */
    reject_message: z.string().optional(),
    challenge_message: z.string().default('Enter the code sent to your phone'),
  }),
});

const targetSchema = z.union([
  z.strictObject({
    config: z.string().min(1),
    server: z.string().min(1).optional(),
    /** `free` (default): each configured port is moved to a free loopback port; `config`: the ports as configured. */
    ports: z.enum(['free', 'config']).default('free'),
    /** `in-process` (default): started inside the simulator; `child`: the `authproxy start` command on a copy of the file. */
    process: z.enum(['in-process', 'child']).default('in-process'),
  }),
  z.strictObject({ radius: z.strictObject({ host: z.string().min(1).default('127.0.0.1'), port, secret: z.string().min(1) }) }),
]);

const duoSchema = z
  .strictObject({
    fixtures: z.string().min(1).optional(),
    users: z.record(z.string(), userSchema).optional(),
    /** For a `radius` target's own proxy: the ikey/skey pairs it uses (with target.config they come from the config). */
    integrations: z.array(z.strictObject({ ikey: z.string(), skey: z.string(), api_host: z.string().optional() })).optional(),
    new_user_policy: z.enum(['enroll', 'allow', 'deny']).optional(),
    /** host:port (loopback); default 127.0.0.1 on a free port. */
    listen: z.string().regex(/^(127\.0\.0\.1|localhost):\d{1,5}$/, 'must be 127.0.0.1:PORT or localhost:PORT (0 picks a free port)').optional(),
    ca_out: z.string().min(1).optional(),
  })
  .refine((d) => !(d.fixtures !== undefined && d.users !== undefined), { message: 'either fixtures (a file) or users (inline), not both' });

export const scenarioSchema = z
  .strictObject({
    name: z.string().optional(),
    target: targetSchema,
    duo: duoSchema.optional(),
    primary: primarySchema.optional(),
    device: deviceSchema.default('generic'),
    logins: z.array(loginSchema).default([]),
    load: z.array(loadSchema).default([]),
    faults: z.array(faultEntry).default([]),
  })
  .superRefine((s, ctx) => {
    if (s.logins.length === 0 && s.load.length === 0) ctx.addIssue({ code: 'custom', path: ['logins'], message: 'nothing to run: give logins or load' });
    if ('config' in s.target && s.duo === undefined) ctx.addIssue({ code: 'custom', path: ['target'], message: 'a config target needs a duo section: every section\'s Duo is the embedded mock' });
    if (!('config' in s.target) && s.duo === undefined && s.faults.length > 0) ctx.addIssue({ code: 'custom', path: ['faults'], message: 'faults act on the embedded mock Duo: add a duo section' });
    if (!('config' in s.target) && s.primary !== undefined) ctx.addIssue({ code: 'custom', path: ['primary'], message: 'a simulated primary replaces the radius_client hosts of a config target; a radius target has its own' });
  });

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioLogin = Scenario['logins'][number];
export type ScenarioLoad = Scenario['load'][number];
export type ScenarioFault = Scenario['faults'][number];
export type DeviceSpec = z.output<typeof deviceSchema>;
export type LoadExpect = z.output<typeof loadExpect>;
export type LoginExpect = z.output<typeof loginExpect>;
export type Ratio = z.output<typeof ratio>;
