// Test helpers: a fixture, and a signing client that calls the mock's msw handlers directly
// (getResponse: no global interception, so tests can run in parallel), or its core `handle`.
import { getResponse } from 'msw';
import { formatDate, type SigVersion, sign } from '../../adapters/duo/signature.ts';
import type { CoreResponse } from '../../mock-duo/exchange.ts';
import { createMockDuo, type MockDuo } from '../../mock-duo/index.ts';
import { manualClock, type ManualClock } from '../../mock-duo/clock.ts';
import type { FixtureInput } from '../../mock-duo/fixture.ts';

/** A decoded JSON body under test: its shape is what the assertions check. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies are asserted on field by field
export type JsonBody = any;

export const IKEY = 'DITEST00000000000000';
export const SKEY = 'testSkeyTestSkeyTestSkeyTestSkeyTestSkey';
export const HOST = 'api-test.duosecurity.com';

export function baseFixture(extra: Partial<FixtureInput> = {}): FixtureInput {
  return {
    integrations: [{ ikey: IKEY, skey: SKEY, api_host: HOST }],
    users: {
      alice: {
        groups: ['VPN'],
        devices: [{ id: 'DPALICE0000000000001', type: 'phone', number: 'XXX-XXX-1234', capabilities: ['auto', 'push', 'phone', 'sms', 'mobile_otp'], push: 'approve', after_ms: 2000 }],
        passcodes: ['123456', { code: '654321', once: true }],
        bypass_codes: [{ code: '987654321', uses: 2 }],
      },
      bob: {
        devices: [
          { type: 'phone', number: 'XXX-XXX-1111', name: 'iOS', capabilities: ['push', 'phone', 'sms'], push: 'deny', after_ms: 500 },
          { type: 'token', name: '20361492' },
          { type: 'phone', number: 'XXX-XXX-2222', capabilities: ['phone', 'sms'], phone: 'approve', after_ms: 8000 },
        ],
      },
      carol: { devices: [{ type: 'phone', number: 'XXX-XXX-3333', capabilities: ['push'], push: 'fraud', after_ms: 100 }] },
      tim: { devices: [{ type: 'phone', number: 'XXX-XXX-4444', capabilities: ['push', 'phone'], push: 'timeout', phone: 'timeout' }] },
      dave: { status: 'locked_out', devices: [] },
      erin: { status: 'bypass', groups: ['Admins'] },
      dis: { status: 'disabled' },
      newbie: { status: 'unenrolled' },
    },
    ...extra,
  };
}

export interface Harness {
  mock: MockDuo;
  clock: ManualClock;
  call(opts: CallOptions): Promise<Response>;
  json(opts: CallOptions): Promise<{ status: number; body: JsonBody }>;
  /** The same signed request straight to the core (`mock.handle`), no msw. */
  core(opts: CallOptions): Promise<CoreResponse>;
}

export interface CallOptions {
  path: string;
  method?: 'GET' | 'POST';
  params?: Record<string, string>;
  version?: SigVersion;
  digest?: 'sha1' | 'sha512';
  ikey?: string;
  skey?: string;
  host?: string;
  date?: string | number;
  unsigned?: boolean;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** v4/v5: sign this exact JSON body instead of JSON.stringify(params). */
  jsonBody?: string;
  /** Send these bytes instead of the signed body (to tamper). */
  sendBody?: string;
}

/** A mock with a manual clock in auto mode (waits take no real time) unless `auto: false`. */
export function harness(fixture: FixtureInput = baseFixture(), opts: { auto?: boolean } = {}): Harness {
  const clock = manualClock({ start: Date.UTC(2026, 0, 1), auto: opts.auto ?? true });
  const mock = createMockDuo({ fixture, clock });
  const build = (o: CallOptions) => {
    const method = o.method ?? 'POST';
    const version = o.version ?? (o.path.startsWith('/rest/v1') ? 1 : 2);
    const host = o.host ?? HOST;
    const params = o.params ?? {};
    const jsonBody = version >= 4 && method === 'POST' ? (o.jsonBody ?? JSON.stringify(params)) : undefined;
    const s = sign({
      version,
      method,
      host,
      path: o.path,
      ikey: o.ikey ?? IKEY,
      skey: o.skey ?? SKEY,
      date: o.date ?? formatDate(clock.now()),
      ...(o.digest ? { digest: o.digest } : {}),
      params: jsonBody !== undefined ? {} : params,
      ...(jsonBody !== undefined ? { body: jsonBody } : {}),
    });
    const headers: Record<string, string> = { ...(o.unsigned ? {} : s.headers), ...(o.headers ?? {}) };
    if (method === 'POST' && o.unsigned) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const query = method === 'GET' && Object.keys(params).length > 0 ? `?${new URLSearchParams(params)}` : '';
    const body = method === 'POST' ? (o.sendBody ?? jsonBody ?? new URLSearchParams(params).toString()) : undefined;
    return { method, host, query, headers, body };
  };
  const call = async (o: CallOptions): Promise<Response> => {
    const { method, host, query, headers, body } = build(o);
    const request = new Request(`https://${host}:8443${o.path}${query}`, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const r = await getResponse(mock.handlers, request);
    if (!r) throw new Error(`no handler for ${o.path}`);
    return r;
  };
  const core = (o: CallOptions): Promise<CoreResponse> => {
    const { method, host, query, headers, body } = build(o);
    const lower: Record<string, string> = { host: `${host}:8443` };
    for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
    return mock.handle({ method, path: o.path, query: query.slice(1), headers: lower, body: body ?? '', ...(o.signal ? { signal: o.signal } : {}) });
  };
  return {
    mock,
    clock,
    call,
    core,
    async json(o) {
      const r = await call(o);
      const text = await r.text();
      return { status: r.status, body: text === '' ? undefined : JSON.parse(text) };
    },
  };
}
