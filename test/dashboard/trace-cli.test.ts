// `authproxy start` with dashboard_port and `authproxy trace` against it, as an admin runs them; the
// SSE reader and the duration format of the trace command (properties).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { printable } from '../../cli/printable.ts';
import { loginLine, loginsTable, ms, timeline } from '../../cli/trace/format.ts';
import type { LoginTrace } from '../../dashboard/trace-types.ts';
import { SseParser } from '../../cli/trace/sse-parse.ts';
import { frame } from '../../dashboard/sse.ts';
import { freePort, radclient, runTool } from '../harness/index.ts';

/** The promise, or a failure after `ms` (the timer is cleared either way: nothing keeps the file alive). */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(what)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'authproxy.js');
const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'demo-duo.yaml');

describe('authproxy trace – pure parts', () => {
  test('trace sse – property: frames split anywhere come out whole, keep-alives ignored', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('update', 'hello', 'resync'), fc.jsonValue()), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (frames, cuts) => {
        const text = frames.map(([e, d]) => `: keep-alive\n\n${frame(e, d)}`).join('');
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const p = new SseParser();
        const out = [];
        let prev = 0;
        for (const at of [...points, text.length]) {
          out.push(...p.push(text.slice(prev, at)));
          prev = at;
        }
        assert.deepEqual(
          out.map((f) => [f.event, JSON.parse(f.data)]),
          frames.map(([e, d]) => [e, JSON.parse(JSON.stringify(d))]),
        );
      }),
    );
  });

  test('trace format – property: durations read as a person writes them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (n) => {
        const s = ms(n);
        assert.match(s, /^(\d+ ms|\d+\.\d s|\d+ min \d{1,2} s)$/);
        const sec = /(\d+) s$/.exec(s);
        if (s.includes('min')) assert.ok(Number(sec![1]) < 60, s);
      }),
    );
  });

  test('trace format – a User-Name with terminal escapes prints as text: no control reaches the terminal, no forged line (property)', () => {
    const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
    const hostile = fc.string({ unit: fc.oneof(fc.constantFrom('\x1b', '\x07', '\r', '\n', '\x9b', '\u202e', '\u0000', '[', ']', '2J'), fc.string({ minLength: 1, maxLength: 1 })), maxLength: 40 });
    fc.assert(
      fc.property(hostile, hostile, (user, message) => {
        assert.doesNotMatch(printable(user), CONTROL);
        if (!CONTROL.test(user) && !user.includes('\n')) assert.equal(printable(user), user, 'plain text is left alone');
        const summary = { loginId: 'id-1', user, server: 'radius_server_duo_only', clientIp: '127.0.0.1', state: 'rejected', outcome: 'reject' as const, reason: 'duo_deny', startedAt: '2026-01-01T00:00:00.000Z', ms: 5, stateSince: '2026-01-01T00:00:00.005Z' };
        const line = loginLine(summary);
        assert.doesNotMatch(line, CONTROL);
        assert.equal(line.split('\n').length, 2, 'one line, one newline');
        assert.doesNotMatch(loginsTable([summary]), CONTROL);
        const trace: LoginTrace = { ...summary, transitions: [], duo: [{ endpoint: 'auth', at: summary.startedAt, status: message }], rounds: [], primary: { ok: false, message }, reply: { code: 'Access-Reject', message }, reasonText: message };
        const out = timeline(trace);
        assert.doesNotMatch(out, CONTROL);
        // Header, reason, blank, primary (after a blank), the Duo call, blank, reply: the texts add no line.
        assert.equal(out.split('\n').length, 9);
      }),
    );
    assert.equal(printable('\x1b[2J\x1b]0;pwned\x07ev\u202eil'), '\\x1b[2J\\x1b]0;pwned\\x07ev\\u202eil');
  });
});

describe('authproxy start + trace', () => {
  let dir: string;
  let proxy: ChildProcess;
  let url: string;
  let udp: number;
  const run = (...args: string[]) => runTool(process.execPath, [BIN, 'trace', '--url', url, ...args], { timeoutMs: 20_000 });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'authproxy-trace-'));
    udp = await freePort('udp');
    const dash = await freePort('tcp');
    const cfg = join(dir, 'authproxy.cfg');
    await writeFile(cfg, `[main]\ndashboard_port=${dash}\n\n[radius_server_duo_only]\nikey=DIDEMO00000000000000\nskey=demoSkeyDemoSkeyDemoSkeyDemoSkeyDemoSkey\napi_host=localhost\nradius_ip_1=127.0.0.1\nradius_secret_1=testing123\nport=${udp}\n`);
    proxy = spawn(process.execPath, [BIN, 'start', '-c', cfg, '--mock-duo', FIXTURE], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = createInterface({ input: proxy.stdout! });
    const seen = await new Promise<Record<string, unknown>[]>((resolve, reject) => {
      const got: Record<string, unknown>[] = [];
      lines.on('line', (l) => {
        got.push(JSON.parse(l) as Record<string, unknown>);
        if (got.at(-1)!.event === 'ready') resolve(got);
      });
      proxy.once('exit', () => reject(new Error('proxy exited before ready')));
    });
    const announce = seen.find((l) => l.event === 'dashboard');
    assert.ok(announce, 'start says where the dashboard is');
    assert.equal(announce.url, `http://127.0.0.1:${dash}/`);
    assert.match(String(announce.msg), /no token: reachable from this host only/);
    url = String(announce.url);
  });

  after(async () => {
    proxy?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  test('trace – the table of logins, one user’s newest timeline, a follow line, and clear errors', async () => {
    // --follow first, so it sees the login finish.
    const follower = spawn(process.execPath, [BIN, 'trace', '--url', url, '--follow', '--user', 'dave'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // It prints `following URL` once its stream is open: the login is sent only then (a fixed wait was
    // too short for a cold tsx start on a loaded machine, and the login would finish unseen).
    let connected!: () => void;
    const listening = new Promise<void>((r) => (connected = r));
    const followed = new Promise<string>((resolve) => {
      let out = '';
      follower.stdout!.on('data', (d) => {
        out += String(d);
        if (out.includes('following ')) connected();
        if (/\bdave\b.*reject/.test(out.split('following')[1] ?? '')) resolve(out);
      });
    });
    try {
      await within(listening, 60_000, '--follow never opened its stream');
      const r = await radclient({ server: `127.0.0.1:${udp}`, secret: 'testing123', attributes: [['User-Name', 'dave'], ['User-Password', '123456'], ['Message-Authenticator', '0x00']], timeoutSec: 5 });
      assert.equal(r.code, 'Access-Reject');
      const out = await within(followed, 30_000, '--follow printed nothing');
      assert.match(out, /dave {2}127\.0\.0\.1 {2}radius_server_duo_only {2}reject/);
    } finally {
      follower.kill('SIGKILL');
    }
    const list = await run('--user', 'dave');
    assert.equal(list.exitCode, 0, list.stderr);
    assert.match(list.stdout, /│ dave +│ 127\.0\.0\.1 +│ radius_server_duo_only +│ reject/);
    assert.match(list.stdout, /Login [0-9a-f-]{36}: dave from 127\.0\.0\.1 on radius_server_duo_only/);
    assert.match(list.stdout, /duo preauth: .*locked_out|duo preauth: .*deny/);
    assert.match(list.stdout, /reply: Access-Reject/);
    assert.ok(!list.stdout.includes('123456'), 'the passcode never appears');
    const unknown = await run('00000000-0000-0000-0000-000000000000');
    assert.equal(unknown.exitCode, 1);
    assert.match(unknown.stderr, /404 no such login/);
    const down = await runTool(process.execPath, [BIN, 'trace', '--url', `http://127.0.0.1:${await freePort('tcp')}`], { timeoutMs: 20_000 });
    assert.equal(down.exitCode, 2);
    assert.match(down.stderr, /cannot reach the dashboard .*is \[main\] dashboard_port set/);
  });

  // Last: it stops the proxy.
  test('trace --follow – the proxy stops: it says the stream closed and exits 2 (it exited 0 without a word)', async () => {
    const follower = spawn(process.execPath, [BIN, 'trace', '--url', url, '--follow'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    follower.stderr!.on('data', (d) => (err += String(d)));
    const exited = new Promise<number | null>((r) => follower.once('exit', (code) => r(code)));
    try {
      // Stop the proxy once the follower's stream is open (it says `following URL` then).
      await within(new Promise<void>((r) => follower.stdout!.on('data', (d) => (out += String(d)).includes('following ') && r())), 60_000, '--follow never opened its stream');
      proxy.kill('SIGTERM');
      assert.equal(await within(exited, 60_000, '--follow did not end with the proxy'), 2, err);
      assert.match(err, /^authproxy trace: (the dashboard at .* closed the stream \(the proxy stopped\?\)|the stream from .* broke)/);
    } finally {
      follower.kill('SIGKILL');
    }
  });
});
