// Metrics across NATS instances (issue 11 §2): a listener-only and an engine-only `authproxy start` on one
// nats-server, each with its own metrics_port. A login received by the listener and run by the engine is
// counted once in the fleet: by the engine's process; both say NATS is connected and are ready.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FixtureInput } from '../../mock-duo/index.ts';
import { startMockDuoServer } from '../../mock-duo/server.ts';
import { device } from '../e2e/device.ts';
import { SECRET } from '../e2e/stack.ts';
import { start } from '../harness/nats.ts';
import { freePort } from '../harness/ports.ts';
import { startProxyProcess } from '../nats/proxy-process.ts';
import { parseExposition, valueOf } from './prom-text.ts';

const IKEY = 'DITESTMETRICS0000000';
const SKEY = 'metricsSkeyMetricsSkeyMetricsSkeyMetrics';

test('metrics nats – each instance serves its own figures; the login is counted where its engine ran', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'authproxy-metrics-nats-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const nats = await start();
  t.after(() => nats.stop());
  const mock = await startMockDuoServer({
    fixture: { integrations: [{ ikey: IKEY, skey: SKEY, api_host: 'localhost' }], users: { alice: { status: 'active', devices: [], passcodes: ['123456'] } } } as never as FixtureInput,
    caOut: join(dir, 'duo-ca.pem'),
  });
  t.after(() => mock.close());
  const [udp, mListener, mEngine] = [await freePort('udp'), await freePort('tcp'), await freePort('tcp')];
  const cfg = (metricsPort: number) =>
    `[main]\nhttp_ca_certs_file=${join(dir, 'duo-ca.pem')}\nnats_url=${nats.url}\nmetrics_port=${metricsPort}\n\n` +
    `[radius_server_duo_only]\nikey=${IKEY}\nskey=${SKEY}\napi_host=localhost\napi_port=${mock.port}\nradius_ip_1=127.0.0.1\nradius_secret_1=${SECRET}\nport=${udp}\n`;
  const [listener, engine] = await Promise.all([
    startProxyProcess(dir, 'listener', cfg(mListener), ['--role', 'listener']),
    startProxyProcess(dir, 'engine', cfg(mEngine), ['--role', 'engine']),
  ]);
  t.after(() => Promise.all([listener.kill(), engine.kill()]));
  const scrape = async (port: number) => parseExposition(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());

  const d = device(udp);
  t.after(() => d.close());
  assert.equal((await d.send('alice', '123456')).code, 2);

  const [l, e] = [await scrape(mListener), await scrape(mEngine)];
  assert.equal(valueOf(e, 'authproxy_logins_total', { server: 'radius_server_duo_only', result: 'accept', reason: 'duo_allow' }), 1);
  assert.equal(valueOf(l, 'authproxy_logins_total'), undefined, 'the listener ran no engine: it counts no login');
  assert.equal(valueOf(e, 'authproxy_duo_requests_total', { endpoint: 'auth', outcome: 'ok' }), 1);
  assert.equal(valueOf(l, 'authproxy_nats_connected'), 1);
  assert.equal(valueOf(e, 'authproxy_nats_connected'), 1);
  for (const port of [mListener, mEngine]) assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);
  await Promise.all([listener.stop(), engine.stop()]);
});
