// With [main] engine_threads the logins run in worker threads; their events reach the main thread's bus,
// where the dashboard listens: the trace is whole (transitions, Duo calls, reason).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startDashStack } from './dash-stack.ts';

test('dashboard with engine_threads – a login run in a worker thread is listed and traced', async (t) => {
  const dash = await startDashStack({ main: ['engine_threads=1'] });
  t.after(() => dash.stop());
  assert.ok(dash.stack.proxy.engineThreads, 'the engine runs in a worker thread');
  assert.equal((await dash.login('carol', 'push')).code, 'Access-Reject');
  let trace: { reason?: string; duo: { endpoint: string }[]; transitions: { state: string }[] } | undefined;
  for (let i = 0; i < 40 && !trace?.reason; i++) {
    const [carol] = (await (await fetch(`${dash.url}api/logins?user=carol`)).json()) as { loginId: string }[];
    if (carol) trace = (await (await fetch(`${dash.url}api/logins/${carol.loginId}`)).json()) as typeof trace;
    if (!trace?.reason) await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(trace?.reason, 'duo_deny');
  assert.deepEqual(trace.duo.map((d) => d.endpoint), ['preauth', 'auth']);
  assert.equal(trace.transitions.at(-1)?.state, 'rejected');
});
