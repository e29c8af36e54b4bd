// The control API over HTTP, under /_mock/ (never under /auth/v2 or /rest/v1), unsigned: faults,
// users and device behaviours, SMS batches, the journal, reset and the manual clock. Plain JSON.
// Paths match as msw matched them before: fixed segments case-insensitive, an optional trailing
// slash, `:name` one segment, percent-decoded.
import type { MockControl } from '../control.ts';
import type { CoreRequest, CoreResponse } from '../exchange.ts';
import type { FaultInput, FixtureUserInput } from '../fixture.ts';
import type { JournalEntry } from '../journal.ts';
import type { MockContext } from '../pipeline.ts';
import { parseForm } from '../request.ts';
import { plainJson as json } from '../respond.ts';

const notFound = (what: string) => json({ error: [`${what} not found`] }, 404);
const invalid = (errors: string[]) => json({ error: errors }, 400);
const badJson = () => invalid(['body is not JSON']);

function body(req: CoreRequest): { ok: true; value: unknown } | { ok: false } {
  try {
    const text = typeof req.body === 'string' ? req.body : Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength).toString('utf8');
    return { ok: true, value: text === '' ? {} : JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function decodeSegment(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

type Handler = (ctx: MockContext, control: MockControl, req: CoreRequest, arg: string) => CoreResponse | Promise<CoreResponse>;

/** Routes by `METHOD segments`, `:arg` standing for one path segment. */
const ROUTES: Record<string, Handler> = {
  'GET state': (ctx, control) =>
    json({ now: ctx.clock.now(), users: control.users(), faults: ctx.faults.list(), transactions: ctx.state.transactions.size, in_flight: ctx.inFlight }),
  'POST reset': (_ctx, control) => {
    control.reset();
    return json({ ok: true });
  },

  'GET faults': (ctx) => json(ctx.faults.list()),
  'PUT faults': (ctx, _control, req) => {
    const b = body(req);
    if (!b.ok || !Array.isArray(b.value)) return invalid(['body must be a JSON array of faults']);
    const previous = ctx.faults.list();
    ctx.faults.clear();
    const ids: string[] = [];
    const errors: string[] = [];
    for (const f of b.value as FaultInput[]) {
      const r = ctx.faults.add(f);
      if (r.ok) ids.push(r.value);
      else errors.push(...r.errors);
    }
    if (errors.length > 0) {
      ctx.faults.set(previous);
      return invalid(errors);
    }
    return json({ ids });
  },
  'POST faults': (ctx, _control, req) => {
    const b = body(req);
    if (!b.ok) return badJson();
    const r = ctx.faults.add(b.value as FaultInput);
    return r.ok ? json({ id: r.value }, 201) : invalid(r.errors);
  },
  'DELETE faults': (ctx) => {
    ctx.faults.clear();
    return json({ ok: true });
  },
  'DELETE faults :arg': (ctx, _control, _req, id) => (ctx.faults.remove(id) ? json({ ok: true }) : notFound('fault')),

  'GET users': (_ctx, control) => json(control.users()),
  'GET users :arg': (_ctx, control, _req, name) => {
    const u = control.user(name);
    return u ? json(u) : notFound('user');
  },
  'PUT users :arg': (_ctx, control, req, name) => {
    const b = body(req);
    if (!b.ok) return badJson();
    const r = control.putUser(name, b.value as FixtureUserInput);
    return r.ok ? json(r.value) : invalid(r.errors);
  },
  'PATCH users :arg': (_ctx, control, req, name) => {
    const b = body(req);
    if (!b.ok) return badJson();
    const r = control.patchUser(name, b.value as never);
    if (!r) return notFound('user');
    return r.ok ? json(r.value) : invalid(r.errors);
  },
  'DELETE users :arg': (_ctx, control, _req, name) => (control.deleteUser(name) ? json({ ok: true }) : notFound('user')),
  'POST users :arg activate': (_ctx, control, _req, name) => {
    const u = control.activate(name);
    return u ? json(u) : notFound('user');
  },
  'GET users :arg sms': (_ctx, control, _req, name) => {
    const codes = control.smsBatch(name);
    return codes ? json({ codes, nextcode: codes[0]?.[0] ?? null }) : notFound('user');
  },
  'POST users :arg sms': (_ctx, control, _req, name) => {
    const codes = control.sendSms(name);
    return codes ? json({ codes, nextcode: codes[0]?.[0] ?? null }) : notFound('user');
  },

  'GET journal': (ctx, _control, req) => {
    const q = parseForm(req.query);
    const filter: Partial<Pick<JournalEntry, 'path' | 'user' | 'ikey'>> = {};
    for (const k of ['path', 'user', 'ikey'] as const) {
      const v = q.find(([name]) => name === k)?.[1];
      if (v !== undefined) filter[k] = v;
    }
    return json(ctx.journal.entries(filter));
  },
  'DELETE journal': (ctx) => {
    ctx.journal.clear();
    return json({ ok: true });
  },

  'GET clock': (ctx) => json({ now: ctx.clock.now() }),
  'POST clock advance': async (_ctx, control, req) => {
    const b = body(req);
    const ms = b.ok ? Number((b.value as { ms?: unknown }).ms) : Number.NaN;
    if (!Number.isFinite(ms) || ms < 0) return invalid(['body must be {"ms": <non-negative number>}']);
    const advanced = control.advance(ms);
    if (!advanced) return json({ error: ['the clock is not a manual clock'] }, 409);
    return json({ now: await advanced });
  },
};

const TABLE = new Map(Object.entries(ROUTES));

/** Handle a request whose path lies under `/_mock/` (`rest` is what follows it). */
export async function handleControl(ctx: MockContext, control: MockControl, req: CoreRequest, rest: string): Promise<CoreResponse> {
  const segments = rest.split('/');
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  const method = req.method.toUpperCase();
  const fixed = segments.map((s) => s.toLowerCase());
  const exact = TABLE.get(`${method} ${fixed.join(' ')}`);
  if (exact) return exact(ctx, control, req, '');
  // At most one segment is an argument (users/:name/…, faults/:id): the second one.
  if (segments.length >= 2 && segments[1] !== '') {
    const withArg = TABLE.get(`${method} ${[fixed[0], ':arg', ...fixed.slice(2)].join(' ')}`);
    const arg = decodeSegment(segments[1]!);
    if (withArg && arg !== undefined) return withArg(ctx, control, req, arg);
  }
  return notFound('control endpoint');
}
