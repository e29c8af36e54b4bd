// One measurement of bench/duo-exchange.bench.ts, in a process of its own (so two checkouts' modules never
// share a JIT, a heap or a pool): CPU of this process per duo_only login's two Duo calls (preauth + auth),
// run 16 at a time, the median of 3 runs after a warm-up. argv: <mode> <checkout root> <mock port> <CA file> <logins>
//   client  that checkout's createDuoClient against the mock Duo (HTTPS keep-alive, undici)
//   layer   that checkout's client over a transport that answers at once with the mock's bytes: signing,
//           request building, envelope and validation alone
//   raw     the floor: 16 TLS sockets writing the same signed bytes and waiting for Content-Length bytes
//           back; no parser, no timers, no signal listeners, no pool
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import { pathToFileURL } from 'node:url';
import type { DuoClient, DuoClientOptions } from '../../adapters/duo/types.ts';
import type { HttpRequest, HttpResult, Transport } from '../../adapters/duo/transport.ts';
import { connectRaw, rawDuoRequests, rawExchange } from './raw-duo-exchange.ts';
import { BENCH_IKEY, BENCH_SKEY } from './mock-duo-child.ts';

const [mode, root, portText, caFile, countText] = process.argv.slice(2) as [string, string, string, string, string];
const port = Number(portText);
const count = Number(countText);

async function cpuPer(n: number, one: () => Promise<void>): Promise<number> {
  let next = 0;
  const c0 = process.cpuUsage();
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next++ < n) await one();
  }));
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / n;
}

// The mock Duo's answers to alice, as it sends them.
const PREAUTH_BODY = JSON.stringify({
  stat: 'OK',
  response: {
    result: 'auth',
    prompt:
      'Duo two-factor login for alice\n\nEnter a passcode or select one of the following options:\n\n 1. Duo Push to XXX-XXX-1234\n 2. Phone call to XXX-XXX-1234\n 3. SMS passcodes to XXX-XXX-1234\n\nPasscode or option (1-3): ',
    factors: { '1': 'push1', '2': 'phone1', '3': 'sms1', default: 'push1' },
  },
});
const AUTH_BODY = JSON.stringify({ stat: 'OK', response: { result: 'allow', status: 'Success. Logging you in...' } });
const HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'",
  'content-type': 'application/json',
  pragma: 'no-cache',
  server: 'Duo/1.0',
  'strict-transport-security': 'max-age=31536000',
  date: new Date().toUTCString(),
  connection: 'keep-alive',
  'keep-alive': 'timeout=65',
};

const options: DuoClientOptions = { dialect: 'rest_v1', ikey: BENCH_IKEY, skey: BENCH_SKEY, apiHost: 'localhost', apiPort: port, caFile, userAgent: 'authproxy-bench' };

// Every mode makes a fresh AbortSignal per call, as the engine gives each call: its cost is the same in
// the three figures, and what a transport does with it (a listener per exchange) shows as the transport's.
function clientLogin(duo: DuoClient): () => Promise<void> {
  return async () => {
    const p = await duo.preauth({ user: 'alice', ipaddr: '10.0.0.5', failmode: 'secure' }, new AbortController().signal);
    const a = p.ok ? await duo.auth({ user: 'alice', factor: 'push1', ipaddr: '10.0.0.5' }, new AbortController().signal) : p;
    if (!a.ok || a.value.result !== 'allow') throw new Error(`Duo did not allow: ${JSON.stringify(a)}`);
  };
}

async function rawLogin(): Promise<{ login: () => Promise<void>; close: () => void }> {
  const ctx = tls.createSecureContext({ ca: readFileSync(caFile, 'utf8') });
  const wire = rawDuoRequests(port, 'authproxy-bench');
  const idle: tls.TLSSocket[] = [];
  const all: tls.TLSSocket[] = [];
  const open = async () => {
    const t = await connectRaw(port, ctx);
    all.push(t);
    return t;
  };
  const login = async () => {
    const s = idle.pop() ?? (await open());
    // The two signals the other modes give their calls (unused here, but made and read alike).
    if (new AbortController().signal.aborted) return;
    await rawExchange(s, wire.preauth, '"result":"auth"');
    if (new AbortController().signal.aborted) return;
    await rawExchange(s, wire.auth, '"result":"allow"');
    idle.push(s);
  };
  return { login, close: () => all.forEach((s) => s.destroy()) };
}

let login: () => Promise<void>;
let close: () => void;
if (mode === 'raw') {
  ({ login, close } = await rawLogin());
} else {
  const mod = (await import(pathToFileURL(join(root, 'adapters', 'duo', 'client.ts')).href)) as {
    createDuoClient: (o: DuoClientOptions) => DuoClient;
    clientOver: (t: Transport, o: DuoClientOptions) => DuoClient;
  };
  const instant: Transport = {
    request: (r: HttpRequest): Promise<HttpResult> =>
      Promise.resolve({ ok: true, status: 200, headers: { ...HEADERS }, body: r.path.endsWith('/preauth') ? PREAUTH_BODY : AUTH_BODY }),
    close() {},
  };
  const duo = mode === 'layer' ? mod.clientOver(instant, options) : mod.createDuoClient(options);
  login = clientLogin(duo);
  close = () => duo.close();
}
await cpuPer(Math.ceil(count / 3), login);
const runs: number[] = [];
for (let r = 0; r < 3; r++) runs.push(await cpuPer(count, login));
close();
process.stdout.write(`${JSON.stringify({ us: runs.sort((a, b) => a - b)[1] })}\n`);
