// The dashboard's HTTP side with a token: what a script or a browser without it gets, the bearer
// header, the sign-in form and its cookie, the headers of every answer, read-only routes, input errors;
// and nothing secret anywhere it answers, the live stream included.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type DashStack, startDashStack } from './dash-stack.ts';

const TOKEN = 'test-dashboard-token-0123456789';
let dash: DashStack;
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${dash.url}${path.replace(/^\//, '')}`, { headers, redirect: 'manual' });
const bearer = { Authorization: `Bearer ${TOKEN}` };

describe('dashboard http', () => {
  before(async () => {
    dash = await startDashStack({ token: TOKEN });
  });
  after(() => dash?.stop());

  test('dashboard http – without the token: 401 for the API, the sign-in form for the page', async () => {
    const api = await get('/api/logins');
    assert.equal(api.status, 401);
    assert.match(((await api.json()) as { error: string }).error, /Bearer <dashboard_token>, or sign in at \/login/);
    assert.equal((await get('/api/logins', { Authorization: 'Bearer wrong-token-wrong-token' })).status, 401);
    const page = await get('/');
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/login');
    const form = await get('/login');
    assert.equal(form.status, 200);
    assert.match(await form.text(), /<form method="post" action="\/login">/);
    assert.equal((await get('/app.css')).status, 200, 'the form is styled');
    assert.equal((await get('/app.js')).status, 303, 'but the page script needs the token');
  });

  test('dashboard http – the sign-in form sets a cookie that opens the page; a wrong token says so', async () => {
    const wrong = await fetch(`${dash.url}login`, { method: 'POST', body: new URLSearchParams({ token: 'nope' }), redirect: 'manual' });
    assert.equal(wrong.status, 401);
    assert.match(await wrong.text(), /That token is not right/);
    const ok = await fetch(`${dash.url}login`, { method: 'POST', body: new URLSearchParams({ token: TOKEN }), redirect: 'manual' });
    assert.equal(ok.status, 303);
    const cookie = ok.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^authproxy_dashboard=[^;]+; HttpOnly; SameSite=Strict; Path=\//);
    assert.ok(!cookie.includes(TOKEN), 'the cookie is not the token');
    const page = await get('/', { Cookie: cookie.split(';')[0]! });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<script src="\/app.js" defer><\/script>/);
  });

  test('dashboard http – headers: CSP without inline scripts, no caching of API answers; read-only; input errors', async () => {
    const page = await get('/', bearer);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.doesNotMatch(await page.text(), /<script>|\son\w+="/, 'no inline script or handler in the page');
    const api = await get('/api/logins', bearer);
    assert.equal(api.headers.get('cache-control'), 'no-store');
    assert.equal((await fetch(`${dash.url}api/logins`, { method: 'POST', headers: bearer })).status, 405);
    assert.equal((await fetch(`${dash.url}api/logins/x`, { method: 'DELETE', headers: bearer })).status, 405);
    const bad = await get('/api/logins?limit=0', bearer);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /limit must be a whole number from 1 to 1000/);
    assert.equal((await get('/api/logins/not-a-login', bearer)).status, 404);
    assert.equal((await get('/../../etc/passwd', bearer)).status, 404);
    assert.equal((await get('/api/diagram/%E0%A4%A', bearer)).status, 404, 'a broken escape is a 404, not a 500');
    assert.equal((await get('/api/diagram/radius_server_duo_only', bearer)).status, 200);
  });

  test('dashboard http – a passcode, a primary password and the State never appear in the API or the stream', async () => {
    const stream = await get('/api/events', { ...bearer, Accept: 'text/event-stream' });
    assert.equal(stream.status, 200);
    const reader = stream.body!.getReader();
    let streamed = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        streamed += Buffer.from(value).toString('utf8');
      }
    })();
    const passcode = await dash.login('alice', '123456');
    assert.equal(passcode.code, 'Access-Accept');
    const challenge = await dash.login('alice', 'Primary-Password-7', 1);
    assert.equal(challenge.code, 'Access-Challenge');
    const state = challenge.attributes.find((a) => a.name === 'State')!.value;
    const answered = await dash.login('alice', '654321', 1, [['State', state]]);
    assert.equal(answered.code, 'Access-Reject', 'a wrong passcode as the answer');
    const list = await (await get('/api/logins?limit=1000', bearer)).text();
    // Wait until the stream has carried every one of these logins in its final form (a fixed sleep
    // could end before the next update on a loaded machine, and the check below would see nothing).
    const finished = (JSON.parse(list) as { loginId: string; outcome: string }[]).filter((l) => l.outcome !== 'in-flight');
    assert.ok(finished.length >= 2, list);
    const streamedAll = () => finished.every((l) => new RegExp(`"loginId":"${l.loginId}"[^}]*"outcome":"${l.outcome}"`).test(streamed));
    for (let i = 0; i < 400 && !streamedAll(); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(streamedAll(), 'the stream carried every login');
    const traces = await Promise.all((JSON.parse(list) as { loginId: string }[]).map(async (l) => (await get(`/api/logins/${l.loginId}`, bearer)).text()));
    await reader.cancel();
    await reading.catch(() => {});
    const stateText = Buffer.from(state.replace(/^0x/, ''), 'hex').toString('latin1');
    for (const [what, text] of [['list', list], ['traces', traces.join('\n')], ['stream', streamed]] as const) {
      assert.ok(text.length > 100, `${what} has content`);
      for (const secret of ['123456', 'Primary-Password-7', '654321', stateText, state.replace(/^0x/, '')]) assert.ok(!text.includes(secret), `${what} shows ${secret}`);
    }
    assert.match(streamed, /event: update/);
  });
});
