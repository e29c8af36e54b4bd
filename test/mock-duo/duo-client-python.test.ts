// The independent client: Debian's python3-duo-client (Duo's own Python library, 4.5.0) against the
// standalone mock over plain HTTP and over HTTPS with the generated CA. It signs v2/SHA-1 by default,
// v2/SHA-512 and v4/SHA-512 on request, and v1 for /rest/v1 (it has no v5: upstream added it in 5.x).
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type MockDuoServer, startMockDuoServer } from '../../mock-duo/server.ts';
import { baseFixture, IKEY, type JsonBody, SKEY } from './helpers.ts';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./duo_client_check.py', import.meta.url));

function hasDuoClient(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import duo_client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function fixture() {
  const f = baseFixture();
  f.integrations = [{ ikey: IKEY, skey: SKEY, api_host: 'localhost' }];
  // Quick answers: this test runs on the real clock.
  const users = f.users!;
  users['alice']!.devices = [{ type: 'phone', number: 'XXX-XXX-1234', capabilities: ['auto', 'push', 'phone', 'sms', 'mobile_otp'], push: 'approve', after_ms: 30 }];
  users['alice']!.passcodes = ['123456'];
  users['bob']!.bypass_codes = [{ code: '987654321', uses: 10 }];
  users['carol']!.devices = [{ type: 'phone', number: 'XXX-XXX-3333', capabilities: ['push'], push: 'deny', after_ms: 30 }];
  users['dave'] = { status: 'locked_out' };
  return f;
}

interface Attempt {
  ok: boolean;
  value?: JsonBody;
  status?: number | null;
  error?: string;
}
interface Report {
  version: string;
  sig_version_5: Attempt;
  runs: Record<string, Attempt | string>[];
}

function runPython(server: MockDuoServer, ca: string): Promise<Report> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [SCRIPT, '--port', String(server.port), '--ikey', IKEY, '--skey', SKEY, '--host', 'localhost', '--ca', ca], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout) as Report);
    });
  });
}

function assertAuthV2Run(run: Record<string, Attempt | string>): void {
  const v = (k: string) => {
    const a = run[k] as Attempt;
    assert.ok(a.ok, `${run['label']} ${k}: ${a.error}`);
    return a.value;
  };
  assert.equal(typeof v('ping').time, 'number');
  assert.equal(typeof v('check').time, 'number');
  assert.equal(v('preauth_alice').result, 'auth');
  assert.equal(v('preauth_alice').devices[0].number, 'XXX-XXX-1234');
  assert.equal(v('preauth_unknown').result, 'enroll');
  assert.equal(v('preauth_dave').result, 'deny');
  assert.equal(v('preauth_erin').result, 'allow');
  assert.deepEqual(v('push_alice'), { result: 'allow', status: 'allow', status_msg: 'Success. Logging you in...' });
  assert.deepEqual(v('push_carol'), { result: 'deny', status: 'deny', status_msg: 'Login request denied.' });
  assert.equal(v('passcode_alice').result, 'allow');
  assert.deepEqual(v('passcode_wrong'), { result: 'deny', status: 'deny', status_msg: 'Incorrect passcode. Please try again.' });
  assert.equal(v('bypass_bob').result, 'allow');
  assert.equal(v('auth_dave').status, 'locked_out');
  assert.equal(v('auth_erin').status, 'bypass');
  const statuses = v('async_push_alice') as { waiting: boolean; success: boolean; status: string }[];
  assert.deepEqual(statuses.at(-1), { waiting: false, success: true, status: 'allow', status_msg: 'Success. Logging you in...' });
  assert.ok(statuses.slice(0, -1).every((s) => s.waiting && s.status === 'pushed'));
  const wrong = run['wrong_skey'] as Attempt;
  assert.equal(wrong.ok, false);
  assert.equal(wrong.status, 401);
  assert.equal(wrong.error, 'Received 401 Invalid signature in request credentials');
}

describe('mock duo – Duo’s python client (python3-duo-client)', { skip: hasDuoClient() ? false : 'python3-duo-client is not installed' }, () => {
  let plain: MockDuoServer;
  let tls: MockDuoServer;
  before(async () => {
    [plain, tls] = await Promise.all([startMockDuoServer({ fixture: fixture(), http: true }), startMockDuoServer({ fixture: fixture() })]);
  });
  after(() => Promise.all([plain.close(), tls.close()]));

  test('mock duo – duo_client over plain HTTP: v2/SHA-1, v2/SHA-512, v4/SHA-512 and v1 on /rest/v1', async () => {
    const report = await runPython(plain, 'HTTP');
    assert.equal(report.version, '4.5.0');
    const [sha1, sha512, v4, v1] = report.runs as [Record<string, Attempt | string>, Record<string, Attempt | string>, Record<string, Attempt | string>, Record<string, Attempt | string>];
    assert.deepEqual(
      report.runs.map((r) => r['label']),
      ['v2 sha1', 'v2 sha512', 'v4 sha512', 'v1 /rest/v1'],
    );
    for (const run of [sha1, sha512, v4]) assertAuthV2Run(run);
    const v1Preauth = (v1['preauth_alice'] as Attempt).value;
    assert.equal(v1Preauth.result, 'auth');
    assert.deepEqual(v1Preauth.factors, { default: 'push1', '1': 'push1', '2': 'phone1', '3': 'sms1' });
    assert.deepEqual((v1['auth_push1'] as Attempt).value, { result: 'allow', status: 'Success. Logging you in...' });
    assert.equal((v1['auth_passcode'] as Attempt).value.result, 'allow');
    // What the mock saw, signature by signature: the versions really differ.
    const versions = new Set(plain.mock.journal.entries().map((e) => `${e.path.split('/')[1]}:${e.sigVersion ?? '-'}`));
    for (const v of ['auth:2', 'auth:4', 'rest:1']) assert.ok(versions.has(v), v);
    // 4.5.0 has no signature v5.
    assert.equal(report.sig_version_5.ok, false);
    // Passcodes never reach the journal.
    assert.doesNotMatch(JSON.stringify(plain.mock.journal.entries()), /123456|987654321/);
  });

  test('mock duo – duo_client over HTTPS, trusting the generated CA', async () => {
    const report = await runPython(tls, tls.caFile!);
    for (const run of report.runs.slice(0, 3)) assertAuthV2Run(run);
  });
});
