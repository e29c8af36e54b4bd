// The handlers are environment-free: msw's setupServer intercepts fetch and node:https to the
// configured api_host, and server.use() overrides one endpoint for a test.
import assert from 'node:assert/strict';
import https from 'node:https';
import { after, afterEach, before, describe, test } from 'node:test';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { sign } from '../../adapters/duo/signature.ts';
import { createMockDuo } from '../../mock-duo/index.ts';
import { baseFixture, HOST, IKEY, type JsonBody, SKEY } from './helpers.ts';

const mock = createMockDuo({ fixture: baseFixture() });
const server = setupServer(...mock.handlers);

function signed(path: string, params: Record<string, string>) {
  return sign({ version: 5, method: 'POST', host: HOST, path, body: JSON.stringify(params), ikey: IKEY, skey: SKEY });
}

describe('mock duo – with msw setupServer', () => {
  before(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  after(() => server.close());

  test('mock duo – fetch to the api_host reaches the mock', async () => {
    const s = signed('/auth/v2/preauth', { username: 'alice' });
    const r = await fetch(`https://${HOST}/auth/v2/preauth`, { method: 'POST', headers: s.headers, body: s.body as string });
    assert.equal(r.status, 200);
    assert.equal(((await r.json()) as JsonBody).response.result, 'auth');
  });

  test('mock duo – node:https is intercepted too', async () => {
    const s = sign({ version: 1, method: 'POST', host: HOST, path: '/rest/v1/preauth', params: { user: 'erin' }, ikey: IKEY, skey: SKEY });
    const body = await new Promise<string>((resolve, reject) => {
      const req = https.request({ host: HOST, path: '/rest/v1/preauth', method: 'POST', headers: s.headers }, (res) => {
        let d = '';
        res.on('data', (c) => (d += c));
        res.on('end', () => resolve(d));
      });
      req.on('error', reject);
      req.end(s.body as string);
    });
    assert.equal(JSON.parse(body).response.result, 'allow');
  });

  test('mock duo – server.use overrides one endpoint; HttpResponse.error() is a network failure', async () => {
    server.use(http.post(`https://${HOST}/auth/v2/auth`, () => HttpResponse.error()));
    const s = signed('/auth/v2/auth', { username: 'alice', factor: 'push', device: 'auto' });
    await assert.rejects(fetch(`https://${HOST}/auth/v2/auth`, { method: 'POST', headers: s.headers, body: s.body as string }));
  });
});
