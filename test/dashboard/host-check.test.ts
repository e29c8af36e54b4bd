// DNS rebinding: a dashboard without dashboard_token answers only requests addressed to a loopback
// address or localhost; with a token any Host is fine (a rebound page has no token and no cookie).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { request } from 'node:http';
import { createMemoryBus } from '../../adapters/bus/memory.ts';
import { silentLogger } from '../../adapters/log/logger.ts';
import { parseConfigText } from '../../config/index.ts';
import { startDashboard } from '../../dashboard/index.ts';
import { hostOfHeader, isLoopbackHostHeader } from '../../dashboard/host-check.ts';
import { freePort } from '../harness/index.ts';

test('dashboard host check – loopback addresses and localhost pass, any other name is refused', () => {
  for (const ok of ['127.0.0.1:8812', '127.0.0.1', '127.1.2.3:80', 'localhost:8812', 'LOCALHOST', 'localhost.:8812', '[::1]:8812', '[::1]'])
    assert.equal(isLoopbackHostHeader(ok), true, ok);
  for (const no of ['evil.example:8812', '127.0.0.1.evil.example:8812', '127.evil.example', 'localhost.evil.example', '10.0.0.1:8812', '[::2]:8812', '0.0.0.0:8812', '', ':8812', 'a:b:c'])
    assert.equal(isLoopbackHostHeader(no), false, no);
  assert.equal(hostOfHeader('[::1]:8812'), '::1');
  assert.equal(hostOfHeader('Example.COM:1'), 'example.com');
});

test('dashboard host check – property: any port on a 127/8 address or [::1] passes; a DNS name other than localhost never does', () => {
  const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });
  const withPort = (h: string, p: number | undefined) => (p === undefined ? h : `${h}:${p}`);
  fc.assert(
    fc.property(fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)), port, ([a, b, c], p) => isLoopbackHostHeader(withPort(`127.${a}.${b}.${c}`, p))),
  );
  fc.assert(fc.property(port, (p) => isLoopbackHostHeader(withPort('[::1]', p))));
  fc.assert(
    fc.property(fc.domain(), port, (d, p) => {
      fc.pre(d !== 'localhost');
      return !isLoopbackHostHeader(withPort(d, p)) && !isLoopbackHostHeader(withPort(`127.0.0.1.${d}`, p));
    }),
  );
  // Never throws, whatever the header.
  fc.assert(fc.property(fc.string(), (s) => typeof isLoopbackHostHeader(s) === 'boolean'));
});

/** A GET with a chosen Host header (fetch does not let a script set Host). */
function getWithHost(port: number, path: string, host: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: host, ...headers } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

for (const token of [undefined, 'host-check-token-0123456789']) {
  test(`dashboard host check – ${token ? 'with a token any Host is served' : 'without a token a rebound name gets 403'}`, async (t) => {
    const port = await freePort('tcp');
    const text = `[main]\ndashboard_port=${port}\n${token ? `dashboard_token=${token}\n` : ''}\n[radius_server_duo_only]\nikey=DIXXXXXXXXXXXXXXXXXX\nskey=${'s'.repeat(40)}\napi_host=localhost\nradius_ip_1=127.0.0.1\nradius_secret_1=testing123\n`;
    const loaded = parseConfigText(text, '/tmp/host-check.cfg');
    assert.ok(loaded.ok, 'config parses');
    const bus = createMemoryBus();
    const dash = await startDashboard({ config: loaded.config, bus, logger: silentLogger() });
    t.after(async () => {
      await dash.close();
      await bus.close();
    });
    const auth: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) assert.equal(await getWithHost(port, '/api/status', host, auth), 200, host);
    for (const path of ['/', '/api/logins', '/api/events'])
      assert.equal(await getWithHost(port, path, `rebound.example:${port}`, auth), token ? 200 : 403, path);
  });
}
