// The metrics registry and its feed from login events, without a process: what a scrape shows is what
// the events said (property), label values are escaped so the exposition always parses (property on
// our reader, against prom-client's writer), and the scrape-time gauges read the probe.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Counter, Registry } from 'prom-client';
import type { AnyLoginEvent, DuoCall, LoginSummary, PrimaryCall } from '../../machines/login-events.ts';
import { LOGIN_REASON_NAMES, outcomeOf } from '../../machines/login-reasons.ts';
import { loginEventFeed, primaryOutcome } from '../../ops/metrics/from-events.ts';
import { createProxyMetrics, type ProxyProbe } from '../../ops/metrics/registry.ts';
import { parseExposition, valueOf } from './prom-text.ts';

const probe = (over: Partial<ProxyProbe> = {}): ProxyProbe => ({
  inFlight: () => 0,
  dropped: () => ({}),
  challengesOpen: async () => 0,
  natsConnected: () => false,
  ...over,
});

/** A login event as the engine publishes it (machines/login-events.ts), around its detail. */
function event(kind: 'summary', detail: Partial<LoginSummary>): AnyLoginEvent;
function event(kind: 'duo', detail: Partial<DuoCall>): AnyLoginEvent;
function event(kind: 'primary', detail: Partial<PrimaryCall>): AnyLoginEvent;
function event(kind: string, detail: object): AnyLoginEvent {
  return { loginId: 'l1', server: 's', user: 'alice', clientIp: '10.0.0.1', state: 'x', event: `login.${kind}`, at: new Date(0).toISOString(), kind, detail } as AnyLoginEvent;
}

const summary = fc
  .record({
    server: fc.constantFrom('radius_server_auto', 'radius_server_challenge2'),
    mode: fc.constantFrom('radius_server_auto', 'radius_server_challenge', 'radius_server_duo_only'),
    reason: fc.constantFrom(...LOGIN_REASON_NAMES),
    final: fc.boolean(),
    ms: fc.integer({ min: 0, max: 120_000 }),
  })
  .map((d) => ({ ...d, outcome: outcomeOf(d.reason) }));

test('metrics – logins_total and the duration histogram say what the summary events said', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(summary, { maxLength: 40 }), async (events) => {
      const m = createProxyMetrics(probe());
      const observeLoginEvent = loginEventFeed(m);
      for (const d of events) observeLoginEvent(event('summary', d as Partial<LoginSummary>));
      const e = parseExposition(await m.registry.metrics());
      for (const d of events) {
        const labels = { server: d.server, mode: d.mode, result: d.outcome, reason: d.reason };
        const want = events.filter((x) => x.server === d.server && x.mode === d.mode && x.outcome === d.outcome && x.reason === d.reason).length;
        assert.equal(valueOf(e, 'authproxy_logins_total', labels), want);
      }
      assert.equal(valueOf(e, 'authproxy_login_duration_seconds_count') ?? 0, events.filter((x) => x.final).length);
      const sum = events.filter((x) => x.final).reduce((a, x) => a + x.ms / 1000, 0);
      assert.ok(Math.abs((valueOf(e, 'authproxy_login_duration_seconds_sum') ?? 0) - sum) < 1e-6);
    }),
    { numRuns: 40 },
  );
});

test('metrics – Duo and primary calls by endpoint/client and a closed list of outcomes; transitions ignored', async () => {
  const m = createProxyMetrics(probe());
  const observe = loginEventFeed(m);
  observe(event('duo', { endpoint: 'preauth', ok: true, ms: 40 }));
  observe(event('duo', { endpoint: 'auth', ok: false, ms: 10_000, errorKind: 'timeout' }));
  observe(event('duo', { endpoint: 'auth', ok: false, ms: 5, aborted: true }));
  observe(event('primary', { client: 'ad_client', ok: true }));
  observe(event('primary', { client: 'ad_client', ok: false }));
  observe(event('primary', { client: 'radius_client', ok: false, error: true }));
  observe({ ...event('duo', {}), kind: 'transition', detail: { anything: 1 } } as AnyLoginEvent);
  const e = parseExposition(await m.registry.metrics());
  assert.equal(valueOf(e, 'authproxy_duo_requests_total', { endpoint: 'preauth', outcome: 'ok' }), 1);
  assert.equal(valueOf(e, 'authproxy_duo_requests_total', { endpoint: 'auth', outcome: 'timeout' }), 1);
  assert.equal(valueOf(e, 'authproxy_duo_requests_total', { endpoint: 'auth', outcome: 'aborted' }), 1);
  assert.equal(valueOf(e, 'authproxy_duo_request_duration_seconds_count', { endpoint: 'auth' }), 2);
  assert.equal(valueOf(e, 'authproxy_primary_requests_total', { client: 'ad_client', outcome: 'allow' }), 1);
  assert.equal(valueOf(e, 'authproxy_primary_requests_total', { client: 'ad_client', outcome: 'reject' }), 1);
  assert.equal(valueOf(e, 'authproxy_primary_requests_total', { client: 'radius_client', outcome: 'error' }), 1);
  assert.equal(valueOf(e, 'authproxy_logins_total'), undefined);
  fc.assert(fc.property(fc.record({ client: fc.string(), ok: fc.boolean(), error: fc.boolean(), drop: fc.boolean(), aborted: fc.boolean() }), (d) => ['allow', 'reject', 'error', 'drop', 'aborted'].includes(primaryOutcome(d))));
});

test('metrics – scrape-time figures: drops move by what the server counted (a new server restarts its count), gauges read the probe', async () => {
  let dropped: Record<string, number> = { 'unknown-client': 3 };
  const m = createProxyMetrics(probe({ inFlight: () => 7, dropped: () => dropped, challengesOpen: async () => 2, natsConnected: () => true }));
  let e = parseExposition(await m.registry.metrics());
  assert.equal(valueOf(e, 'authproxy_radius_dropped_total', { reason: 'unknown-client' }), 3);
  assert.equal(valueOf(e, 'authproxy_logins_in_flight'), 7);
  assert.equal(valueOf(e, 'authproxy_challenges_open'), 2);
  assert.equal(valueOf(e, 'authproxy_nats_connected'), 1);
  dropped = { 'unknown-client': 5, 'ma-invalid': 1 };
  e = parseExposition(await m.registry.metrics());
  assert.equal(valueOf(e, 'authproxy_radius_dropped_total', { reason: 'unknown-client' }), 5);
  assert.equal(valueOf(e, 'authproxy_radius_dropped_total', { reason: 'ma-invalid' }), 1);
  dropped = { 'unknown-client': 2 }; // a reload rebound the listeners: a new server counting from 0
  e = parseExposition(await m.registry.metrics());
  assert.equal(valueOf(e, 'authproxy_radius_dropped_total', { reason: 'unknown-client' }), 7);
  assert.equal(e.types.get('authproxy_radius_dropped_total'), 'counter');
  assert.equal(e.types.get('authproxy_login_duration_seconds'), 'histogram');
  assert.ok(valueOf(e, 'process_cpu_user_seconds_total') !== undefined, 'default process metrics');
});

test('metrics – two registries never share counts (no global registry)', async () => {
  const a = createProxyMetrics(probe());
  const b = createProxyMetrics(probe());
  loginEventFeed(a)(event('primary', { client: 'c', ok: true }));
  assert.equal(valueOf(parseExposition(await b.registry.metrics()), 'authproxy_primary_requests_total'), undefined);
});

test('prom-text reader – reads back whatever label values prom-client writes (escapes) and the values', async () => {
  await fc.assert(
    fc.asyncProperty(fc.dictionary(fc.string({ maxLength: 12 }), fc.integer({ min: 1, max: 1000 }), { maxKeys: 6 }), async (counts) => {
      const registry = new Registry();
      const c = new Counter({ name: 'x_total', help: 'h', labelNames: ['v'], registers: [registry] });
      for (const [v, n] of Object.entries(counts)) c.inc({ v }, n);
      const e = parseExposition(await registry.metrics());
      for (const [v, n] of Object.entries(counts)) assert.equal(valueOf(e, 'x_total', { v }), n);
    }),
    { numRuns: 60 },
  );
});
