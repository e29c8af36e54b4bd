// The standalone server: HTTPS with a generated CA, plain HTTP, HTTP/1.0, keep-alive, real resets and
// hangs on the socket, and the `authproxy mock-duo` command.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sign } from '../../adapters/duo/signature.ts';
import { manualClock } from '../../mock-duo/clock.ts';
import { type MockDuoServer, startMockDuoServer } from '../../mock-duo/server.ts';
import { baseFixture, IKEY, SKEY } from './helpers.ts';

const fixture = () => {
  const f = baseFixture();
  f.integrations = [{ ikey: IKEY, skey: SKEY, api_host: 'localhost' }];
  return f;
};

function signedPreauth(user = 'alice') {
  return sign({ version: 1, method: 'POST', host: 'localhost', path: '/rest/v1/preauth', params: { user, ipaddr: '10.0.0.5', failmode: 'safe' }, ikey: IKEY, skey: SKEY });
}

function request(
  mod: typeof http | typeof https,
  opts: https.RequestOptions,
  body?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; peer?: X509Certificate; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = mod.request(opts, (res) => {
      const tls = res.socket as import('node:tls').TLSSocket;
      const peer = typeof tls.getPeerX509Certificate === 'function' ? tls.getPeerX509Certificate() : undefined;
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data, ...(peer ? { peer } : {}), reused: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('mock duo server – HTTPS', () => {
  let server: MockDuoServer;
  let leafPem = '';
  before(async () => {
    server = await startMockDuoServer({ fixture: fixture() });
  });
  after(() => server.close());

  test('mock duo server – HTTPS certificate for localhost, 127.0.0.1 and ::1, signed by the written CA', async () => {
    assert.match(server.url, /^https:\/\/localhost:\d+$/);
    assert.equal(await readFile(server.caFile!, 'utf8'), server.caPem);
    const s = signedPreauth();
    const r = await request(https, { host: '127.0.0.1', servername: 'localhost', port: server.port, method: 'POST', path: '/rest/v1/preauth', ca: server.caPem, headers: { ...s.headers, Host: `localhost:${server.port}` } }, s.body as string);
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).response.result, 'auth');
    const peer = r.peer!;
    leafPem = peer.toString();
    assert.equal(peer.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    assert.ok(peer.checkIssued(new X509Certificate(server.caPem!)));
    assert.match(peer.toLegacyObject().asn1Curve ?? '', /prime256v1|P-256/);
    // Without the CA the certificate is refused.
    await assert.rejects(request(https, { host: '127.0.0.1', servername: 'localhost', port: server.port, path: '/auth/v2/ping' }), /self-signed|unable to verify|UNABLE_TO_GET_ISSUER/i);
  });

  test('mock duo server – the certificate is signed with SHA-256, not SHA-1', async () => {
    const { execFileSync } = await import('node:child_process');
    for (const pem of [server.caPem!, leafPem]) {
      assert.ok(pem.includes('BEGIN CERTIFICATE'));
      const text = execFileSync('openssl', ['x509', '-noout', '-text'], { input: pem }).toString();
      assert.match(text, /Signature Algorithm: ecdsa-with-SHA256/);
    }
  });

  test('mock duo server – reachable on ::1 when the machine has IPv6 loopback', async (t) => {
    const has6 = await new Promise<boolean>((resolve) => {
      const s = net.createServer().listen(0, '::1', () => s.close(() => resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (!has6) return t.skip('no ::1 here');
    const r = await request(https, { host: '::1', servername: 'localhost', port: server.port, path: '/auth/v2/ping', ca: server.caPem });
    assert.equal(r.status, 200);
  });

  test('mock duo server – the temporary CA file goes away on close', async () => {
    const s = await startMockDuoServer({ fixture: fixture() });
    assert.ok(existsSync(s.caFile!));
    await s.close();
    assert.ok(!existsSync(s.caFile!));
  });
});

describe('mock duo server – plain HTTP', () => {
  let server: MockDuoServer;
  before(async () => {
    server = await startMockDuoServer({ fixture: fixture(), http: true });
  });
  after(() => server.close());

  test("mock duo server – an HTTP/1.0 request as Duo's proxy sends it, answered with Content-Length, then closed", async () => {
    const s = signedPreauth();
    const body = s.body as string;
    const raw = [
      'POST /rest/v1/preauth HTTP/1.0',
      `Host: localhost:${server.port}`,
      'User-Agent: duoauthproxy/4.0.2 (Linux; Python3.8.4; main,radius_server_auto)',
      `Content-Length: ${Buffer.byteLength(body)}`,
      `Authorization: ${s.authorization}`,
      'Content-Type: application/x-www-form-urlencoded',
      '',
      body,
    ].join('\r\n');
    const answer = await new Promise<string>((resolve, reject) => {
      const sock = net.connect(server.port, '127.0.0.1', () => sock.end(raw));
      let data = '';
      sock.on('data', (c) => (data += c));
      sock.on('end', () => resolve(data));
      sock.on('error', reject);
    });
    const [head, payload] = answer.split('\r\n\r\n') as [string, string];
    assert.match(head, /^HTTP\/1\.1 200 OK/);
    assert.match(head, new RegExp(`content-length: ${Buffer.byteLength(payload)}`, 'i'));
    assert.match(head, /connection: close/i);
    assert.equal(JSON.parse(payload).response.factors.default, 'push1');
    assert.equal(server.mock.journal.entries().at(-1)!.sigVersion, 1);
  });

  test('mock duo server – keep-alive: two requests on one connection', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const opts = { host: '127.0.0.1', port: server.port, path: '/auth/v2/ping', agent };
    const a = await request(http, opts);
    const b = await request(http, opts);
    agent.destroy();
    assert.equal(a.status, 200);
    assert.equal(b.reused, true);
  });

  test('mock duo server – a reset fault resets the TCP connection', async () => {
    const id = server.mock.faults.add({ match: { path: '/auth/v2/ping' }, reset: true });
    assert.ok(id.ok);
    await assert.rejects(request(http, { host: '127.0.0.1', port: server.port, path: '/auth/v2/ping', agent: false }), (err: NodeJS.ErrnoException) =>
      ['ECONNRESET', 'EPIPE'].includes(err.code ?? '') || /socket hang up/.test(err.message),
    );
    server.mock.faults.remove(id.value);
  });

  test('mock duo server – a hang fault never answers; the client gives up; close() still returns', async () => {
    const s = await startMockDuoServer({ fixture: { ...fixture(), faults: [{ hang: true }] }, http: true });
    const err = await new Promise<Error>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port: s.port, path: '/auth/v2/ping', timeout: 200 }, () => resolve(new Error('answered')));
      req.on('timeout', () => req.destroy(new Error('client timeout')));
      req.on('error', resolve);
      req.end();
    });
    assert.equal(err.message, 'client timeout');
    await s.mock.journal.waitFor((e) => e.path === '/auth/v2/ping');
    assert.equal(s.mock.journal.entries()[0]!.status, 0);
    // Another hung request is still open when we close.
    const open = http.request({ host: '127.0.0.1', port: s.port, path: '/auth/v2/ping' });
    open.on('error', () => {});
    open.end();
    await new Promise((r) => setTimeout(r, 50));
    await s.close();
  });

  test('mock duo server – control API over HTTP', async () => {
    const r = await request(http, { host: '127.0.0.1', port: server.port, path: '/_mock/users/alice' });
    assert.equal(JSON.parse(r.body).username, 'alice');
    const none = await request(http, { host: '127.0.0.1', port: server.port, path: '/nothing/here' });
    assert.equal(none.status, 404);
  });
});

describe('mock duo server – waiting pushes', () => {
  const signedAuth = (user: string) =>
    sign({ version: 1, method: 'POST', host: 'localhost', path: '/rest/v1/auth', params: { user, factor: 'auto', auto: 'push1' }, ikey: IKEY, skey: SKEY });

  test('mock duo server – a client that leaves a waiting push: its wait is cancelled and it is journaled with status 0', async () => {
    const clock = manualClock();
    const s = await startMockDuoServer({ fixture: fixture(), http: true, clock });
    try {
      const a = signedAuth('alice');
      const req = http.request({ host: '127.0.0.1', port: s.port, method: 'POST', path: '/rest/v1/auth', headers: { ...a.headers, Host: `localhost:${s.port}` } });
      req.on('error', () => {});
      req.end(a.body as string);
      await clock.whenSleeping(1);
      req.destroy();
      const entry = await s.mock.journal.waitFor((e) => e.path === '/rest/v1/auth');
      assert.equal(entry?.status, 0);
      assert.equal(clock.pending(), 0);
    } finally {
      await s.close();
    }
  });

  test('mock duo server – 500 pushes held at once on keep-alive connections, all answered once the push time comes', async () => {
    const clock = manualClock();
    const s = await startMockDuoServer({ fixture: fixture(), http: true, clock });
    const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
    try {
      const a = signedAuth('alice');
      const answers = Array.from({ length: 500 }, () =>
        request(http, { host: '127.0.0.1', port: s.port, method: 'POST', path: '/rest/v1/auth', agent, headers: { ...a.headers, Host: `localhost:${s.port}` } }, a.body as string),
      );
      await clock.whenSleeping(500);
      const state = await request(http, { host: '127.0.0.1', port: s.port, path: '/_mock/state', agent });
      assert.equal(JSON.parse(state.body).in_flight, 500);
      await clock.advance(2000);
      const results = await Promise.all(answers);
      assert.deepEqual(new Set(results.map((r) => JSON.parse(r.body).response.result)), new Set(['allow']));
      assert.equal(s.mock.state.transactions.size, 0, 'a synchronous auth keeps no transaction');
    } finally {
      agent.destroy();
      await s.close();
    }
  });
});

describe('mock duo server – CLI', { concurrency: true }, () => {
  const cli = (args: string[]) => spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'mock-duo', ...args], { cwd: new URL('../..', import.meta.url).pathname });

  function readyLine(child: ReturnType<typeof cli>): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      let out = '';
      let err = '';
      child.stdout.on('data', (c) => {
        out += c;
        const line = out.split('\n').find((l) => l.includes('"ready"'));
        if (line) resolve(JSON.parse(line));
      });
      child.stderr.on('data', (c) => (err += c));
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
  }

  test('mock duo server – `authproxy mock-duo` prints ready with port, url and CA, serves, and exits 0 on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mockduo-cli-'));
    try {
      const caOut = join(dir, 'ca.pem');
      const child = cli(['--port', '0', '--fixtures', 'fixtures/demo-duo.yaml', '--ca-out', caOut]);
      const ready = await readyLine(child);
      assert.equal(ready['event'], 'ready');
      assert.equal(ready['url'], `https://localhost:${ready['port']}`);
      assert.equal(ready['ca'], caOut);
      const ca = await readFile(caOut, 'utf8');
      const r = await request(https, { host: '127.0.0.1', servername: 'localhost', port: Number(ready['port']), path: '/auth/v2/ping', ca });
      assert.equal(r.status, 200);
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('mock duo server – a bad fixture file: file:line:col field lines on stderr, exit 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mockduo-cli-'));
    try {
      const file = join(dir, 'bad.yaml');
      await writeFile(file, 'integrations:\n  - ikey: DIDEMO00000000000000\n    skey: demoSkeyDemoSkeyDemoSkeyDemoSkeyDemoSkey\nusers:\n  alice:\n    status: sleepy\n');
      const child = cli(['--fixtures', file, '--http']);
      let err = '';
      child.stderr.on('data', (c) => (err += c));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      assert.equal(code, 2);
      assert.match(err, new RegExp(`^${file.replace(/[.]/g, '\\.')}:6:13 users\\.alice\\.status: Invalid option`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
