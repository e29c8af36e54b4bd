// [main] log_file, log_dir, log_max_size, log_max_files, log_auth_events, log_syslog + syslog_facility
// + syslog_server, debug (issue 11 §1) through an `authproxy start` process and the mock Duo:
// authproxy.log rotated under load with every login line exactly once (a logrotate-style move and
// SIGUSR2 in the middle), authevents.log byte for byte what Python's json.dumps writes (checked by
// python3 itself), syslog RFC 5424 on a UDP socket the test owns, and no secret in any of it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FixtureInput } from '../../mock-duo/index.ts';
import { type MockDuoServer, startMockDuoServer } from '../../mock-duo/server.ts';
import { device } from '../e2e/device.ts';
import { freePort } from '../harness/ports.ts';
import { type ProxyProcess, startProxyProcess } from '../nats/proxy-process.ts';

const IKEY = 'DILOGFILES0000000001';
const SKEY = 'logFilesSkeyLogFilesSkeyLogFilesSkeyLogF';
const SECRET = 'e2e-secret';
const PASSCODE = '731904';
const PASSWORD = 'primary-Passw0rd';
const LOGINS = 240;

describe('log files', () => {
  let dir: string;
  let mock: MockDuoServer;
  let proxy: ProxyProcess;
  const syslog: string[] = [];
  const udp = createSocket('udp4');
  let ports: number[];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'authproxy-logs-'));
    await mkdir(join(dir, 'conf'));
    mock = await startMockDuoServer({
      fixture: {
        integrations: [{ ikey: IKEY, skey: SKEY, api_host: 'localhost' }],
        new_user_policy: 'deny',
        users: { alice: { status: 'active', devices: [{ type: 'phone', number: 'XXX-XXX-1234', capabilities: ['push', 'auto'], push: 'approve' }], passcodes: [PASSCODE] } },
      } as never as FixtureInput,
      caOut: join(dir, 'conf', 'duo-ca.pem'),
    });
    udp.on('message', (m) => syslog.push(m.toString('utf8')));
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    ports = [await freePort('udp'), await freePort('udp')];
    const duo = `ikey=${IKEY}\nskey=${SKEY}\napi_host=localhost\napi_port=${mock.port}\nradius_ip_1=127.0.0.1\nradius_secret_1=${SECRET}\n`;
    const cfg = [
      '[main]\nhttp_ca_certs_file=duo-ca.pem\nlog_file=true\nlog_auth_events=true\nlog_max_size=16384\nlog_max_files=0',
      `log_syslog=true\nsyslog_facility=LOG_LOCAL3\nsyslog_server=127.0.0.1:${udp.address().port}\ndebug=true\n`,
      `[radius_server_duo_only]\n${duo}port=${ports[0]}\nfailmode=secure\n`,
      `[radius_server_challenge]\n${duo}client=duo_only_client\nport=${ports[1]}\nfailmode=secure\n`,
      '[duo_only_client]\n',
    ].join('\n');
    proxy = await startProxyProcess(join(dir, 'conf'), 'authproxy', cfg);
  });
  after(async () => {
    await proxy?.kill();
    await mock?.close();
    udp.close();
    await rm(dir, { recursive: true, force: true });
  });

  const logDir = () => join(dir, 'log');
  const linesOf = async (prefix: string) => {
    const names = (await readdir(logDir())).filter((n) => n.startsWith(prefix));
    const texts = await Promise.all(names.map((n) => readFile(join(logDir(), n), 'utf8')));
    return { names, lines: texts.flatMap((t) => t.split('\n').filter((l) => l !== '')) };
  };

  test('log files – rotation under load, with a logrotate-style move + SIGUSR2 in the middle: every login line exactly once', async () => {
    const dev = device(ports[0]!);
    const challenge = device(ports[1]!);
    try {
      // One challenge login (primary through duo_only_client, a passcode answer) for authevents' factor.
      const first = await challenge.send('alice', PASSWORD);
      assert.equal(first.code, 11);
      assert.equal((await challenge.send('alice', PASSCODE, { state: first.state })).code, 2);
      let sent = 0;
      const worker = async () => {
        while (sent < LOGINS) {
          sent++;
          if (sent === LOGINS / 2) {
            await rename(join(logDir(), 'authproxy.log'), join(logDir(), 'authproxy.log.moved'));
            process.kill(proxy.pid, 'SIGUSR2');
          }
          assert.equal((await dev.send('alice', 'push')).code, 2);
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
    } finally {
      await dev.close();
      await challenge.close();
    }
    await proxy.stop();
    const { names, lines } = await linesOf('authproxy.log');
    assert.ok(names.includes('authproxy.log.moved') && names.includes('authproxy.log.3'), names.join(' '));
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const logins = parsed.filter((l) => l.event === 'login' && l.server === 'radius_server_duo_only');
    assert.equal(logins.length, LOGINS, 'one line per login, none lost or doubled');
    assert.equal(new Set(logins.map((l) => l.loginId)).size, LOGINS);
    assert.ok(logins.every((l) => l.user === 'alice' && l.reason === 'duo_allow' && l.factor === 'push' && typeof l.preauthMs === 'number'));
    assert.ok(parsed.some((l) => l.event === 'login-transition'), 'debug = true logs the transitions');
    // ... and the packets, redacted: the password and the State by their size or <redacted> only.
    const dumps = parsed.filter((l) => l.event === 'radius_packet').map((l) => ({ direction: l.direction, attributes: l.attributes as string[] }));
    assert.ok(dumps.some((d) => d.direction === 'received' && d.attributes.includes('User-Password=<redacted>')));
    assert.ok(dumps.some((d) => d.direction === 'sent' && d.attributes.includes('State=<44 bytes>')));
    assert.ok(dumps.some((d) => d.direction === 'received' && d.attributes.includes('State=<44 bytes>')));
    assert.ok(parsed.some((l) => l.event === 'stopped'), 'the last line reached the file');
    for (const name of names.filter((n) => /\.\d+$/.test(n))) {
      const size = Buffer.byteLength(await readFile(join(logDir(), name), 'utf8'));
      assert.ok(size <= 16384, `${name}: ${size} bytes`);
    }
  });

  test('log files – authevents.log: the lines Python\'s json.dumps writes, Duo\'s keys and messages', async () => {
    const { lines } = await linesOf('authevents.log');
    assert.equal(lines.length, LOGINS + 2);
    // python3 re-dumps every parsed line with json.dumps' defaults: byte for byte the same text.
    const redumped = execFileSync('python3', ['-c', 'import sys, json\nfor l in sys.stdin.read().splitlines(): print(json.dumps(json.loads(l)))'], { input: lines.join('\n') }).toString().split('\n').filter((l) => l !== '');
    assert.deepEqual(redumped, lines);
    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const e of events) {
      assert.deepEqual(Object.keys(e), ['timestamp', 'msg', 'username', 'auth_stage', 'status', 'client_ip', 'server_section', 'server_section_ikey', 'factor', 'hostname']);
      assert.match(String(e.timestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$/);
      assert.equal(e.hostname, hostname());
      assert.equal(e.server_section_ikey, IKEY);
    }
    const challenge = events.filter((e) => e.server_section === 'radius_server_challenge');
    assert.deepEqual(
      challenge.map((e) => [e.auth_stage, e.status, e.msg, e.factor]),
      [
        ['Primary authentication', 'Allow', 'Primary authentication successful - Ignoring primary credentials', null],
        ['Secondary authentication', 'Allow', 'Success. Logging you in...', 'passcode'],
      ],
    );
    const only = events.filter((e) => e.server_section === 'radius_server_duo_only');
    assert.equal(only.length, LOGINS, 'one secondary line per duo_only login (preauth "auth" writes none)');
    assert.ok(only.every((e) => e.auth_stage === 'Secondary authentication' && e.status === 'Allow' && e.factor === null));
  });

  test('log files – syslog: RFC 5424 over UDP, app Authproxy, facility local3, severity from the level', async () => {
    const login = syslog.find((m) => m.includes('"event":"login"'));
    assert.ok(login, `${syslog.length} syslog messages`);
    const m = /^<(\d+)>1 (\S+) (\S+) Authproxy (\d+) - - (\{.*\})$/.exec(login);
    assert.ok(m, login);
    assert.equal(Number(m[1]), 19 * 8 + 6);
    assert.equal(Number(m[4]), proxy.pid);
    assert.equal((JSON.parse(m[5]!) as { event: string }).event, 'login');
    assert.ok(syslog.some((s) => s.startsWith(`<${19 * 8 + 7}>1 `)), 'debug lines at severity 7');
    assert.ok(!syslog.some((s) => s.includes('auth_stage')), 'auth events stay out of syslog (reference §15)');
  });

  test('log files – no password, passcode, shared secret, skey or State in any file, syslog message or stdout line', async () => {
    const files = await readdir(logDir());
    const all = [...(await Promise.all(files.map((n) => readFile(join(logDir(), n), 'utf8')))), ...syslog, JSON.stringify(proxy.lines)].join('\n');
    for (const secret of [PASSCODE, PASSWORD, SECRET, SKEY]) assert.ok(!all.includes(secret), `found ${secret}`);
    assert.ok(all.length > 10_000);
  });
});

test('log files – engine_threads: the threads\' lines and auth events are written by the main thread into the same files', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'authproxy-logs-threads-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const mock = await startMockDuoServer({
    fixture: { integrations: [{ ikey: IKEY, skey: SKEY, api_host: 'localhost' }], new_user_policy: 'deny', users: { alice: { status: 'active', devices: [{ type: 'phone', number: 'XXX-XXX-1234', capabilities: ['push', 'auto'], push: 'approve' }] } } } as never as FixtureInput,
    caOut: join(dir, 'duo-ca.pem'),
  });
  t.after(() => mock.close());
  const port = await freePort('udp');
  const cfg = `[main]\nhttp_ca_certs_file=duo-ca.pem\nengine_threads=1\nlog_file=true\nlog_auth_events=true\nlog_dir=${join(dir, 'log')}\n\n[radius_server_duo_only]\nikey=${IKEY}\nskey=${SKEY}\napi_host=localhost\napi_port=${mock.port}\nradius_ip_1=127.0.0.1\nradius_secret_1=${SECRET}\nport=${port}\nfailmode=secure\n`;
  const proxy = await startProxyProcess(dir, 'threads', cfg);
  t.after(() => proxy.kill());
  const d = device(port);
  try {
    assert.equal((await d.send('alice', 'push')).code, 2);
  } finally {
    await d.close();
  }
  await proxy.stop();
  const lines = (await readFile(join(dir, 'log', 'authproxy.log'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const login = lines.find((l) => l.event === 'login');
  assert.deepEqual([login?.thread, login?.reason], [1, 'duo_allow']);
  assert.equal(proxy.lines.filter((l) => l.event === 'login').length, 0, 'log_file alone: no login line on stdout');
  assert.ok(proxy.lines.some((l) => l.event === 'ready'), 'the lifecycle lines still reach stdout');
  const auth = (await readFile(join(dir, 'log', 'authevents.log'), 'utf8')).split('\n').filter(Boolean);
  assert.equal(auth.length, 1);
  assert.match(auth[0]!, /"msg": "Success\. Logging you in\.\.\.", "username": "alice", "auth_stage": "Secondary authentication", "status": "Allow"/);
});
