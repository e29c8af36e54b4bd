// The control API over HTTP, under /_mock/ (never under /auth/v2 or /rest/v1), unsigned: faults,
// users and device behaviours, SMS batches, the journal, reset and the manual clock. Plain JSON.
import { HttpResponse, http, type RequestHandler } from 'msw';
import type { MockControl } from '../control.ts';
import type { FaultInput, FixtureUserInput } from '../fixture.ts';
import type { JournalEntry } from '../journal.ts';
import type { MockContext } from '../pipeline.ts';

const json = (body: unknown, status = 200) => HttpResponse.json(body as Record<string, unknown>, { status });
const notFound = (what: string) => json({ error: [`${what} not found`] }, 404);
const invalid = (errors: string[]) => json({ error: errors }, 400);

async function body(request: Request): Promise<{ ok: true; value: unknown } | { ok: false }> {
  try {
    const text = await request.text();
    return { ok: true, value: text === '' ? {} : JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

const badJson = () => invalid(['body is not JSON']);

export function controlHandlers(ctx: MockContext, control: MockControl): RequestHandler[] {
  const name = (params: Record<string, string | readonly string[] | undefined>) => decodeURIComponent(String(params['name']));
  return [
    http.get('*/_mock/state', () =>
      json({ now: ctx.clock.now(), users: control.users(), faults: ctx.faults.list(), transactions: ctx.state.transactions.size }),
    ),
    http.post('*/_mock/reset', () => {
      control.reset();
      return json({ ok: true });
    }),

    http.get('*/_mock/faults', () => json(ctx.faults.list())),
    http.put('*/_mock/faults', async ({ request }) => {
      const b = await body(request);
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
    }),
    http.post('*/_mock/faults', async ({ request }) => {
      const b = await body(request);
      if (!b.ok) return badJson();
      const r = ctx.faults.add(b.value as FaultInput);
      return r.ok ? json({ id: r.value }, 201) : invalid(r.errors);
    }),
    http.delete('*/_mock/faults', () => {
      ctx.faults.clear();
      return json({ ok: true });
    }),
    http.delete('*/_mock/faults/:id', ({ params }) => (ctx.faults.remove(String(params['id'])) ? json({ ok: true }) : notFound('fault'))),

    http.get('*/_mock/users', () => json(control.users())),
    http.get('*/_mock/users/:name', ({ params }) => {
      const u = control.user(name(params));
      return u ? json(u) : notFound('user');
    }),
    http.put('*/_mock/users/:name', async ({ request, params }) => {
      const b = await body(request);
      if (!b.ok) return badJson();
      const r = control.putUser(name(params), b.value as FixtureUserInput);
      return r.ok ? json(r.value) : invalid(r.errors);
    }),
    http.patch('*/_mock/users/:name', async ({ request, params }) => {
      const b = await body(request);
      if (!b.ok) return badJson();
      const r = control.patchUser(name(params), b.value as never);
      if (!r) return notFound('user');
      return r.ok ? json(r.value) : invalid(r.errors);
    }),
    http.delete('*/_mock/users/:name', ({ params }) => (control.deleteUser(name(params)) ? json({ ok: true }) : notFound('user'))),
    http.post('*/_mock/users/:name/activate', ({ params }) => {
      const u = control.activate(name(params));
      return u ? json(u) : notFound('user');
    }),
    http.get('*/_mock/users/:name/sms', ({ params }) => {
      const codes = control.smsBatch(name(params));
      return codes ? json({ codes, nextcode: codes[0]?.[0] ?? null }) : notFound('user');
    }),
    http.post('*/_mock/users/:name/sms', ({ params }) => {
      const codes = control.sendSms(name(params));
      return codes ? json({ codes, nextcode: codes[0]?.[0] ?? null }) : notFound('user');
    }),

    http.get('*/_mock/journal', ({ request }) => {
      const q = new URL(request.url).searchParams;
      const filter: Partial<Pick<JournalEntry, 'path' | 'user' | 'ikey'>> = {};
      for (const k of ['path', 'user', 'ikey'] as const) {
        const v = q.get(k);
        if (v !== null) filter[k] = v;
      }
      return json(ctx.journal.entries(filter));
    }),
    http.delete('*/_mock/journal', () => {
      ctx.journal.clear();
      return json({ ok: true });
    }),

    http.get('*/_mock/clock', () => json({ now: ctx.clock.now() })),
    http.post('*/_mock/clock/advance', async ({ request }) => {
      const b = await body(request);
      const ms = b.ok ? Number((b.value as { ms?: unknown }).ms) : Number.NaN;
      if (!Number.isFinite(ms) || ms < 0) return invalid(['body must be {"ms": <non-negative number>}']);
      const advanced = control.advance(ms);
      if (!advanced) return json({ error: ['the clock is not a manual clock'] }, 409);
      return json({ now: await advanced });
    }),
    http.all('*/_mock/*', () => notFound('control endpoint')),
  ];
}
