// Flags and the config file of the commands (issue 11 §3, §4): bad flag values are usage errors (exit 2)
// before anything starts, `--role listener|engine` without nats_url is refused like the setting, a near
// miss of an option stops `start`, the default config path, and `connectivity --mock-duo` like `start`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { InvalidArgumentError } from '@commander-js/extra-typings';
import { chooseConfig, DEFAULT_CONFIG_PATHS, parseSeconds } from '../../cli/flags.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'authproxy.js');

function run(args: string[], cwd = ROOT): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A start that wrongly went ahead would run forever: the test fails on the status, not by hanging.
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr });
    });
  });
}

describe('cli flags – values', () => {
  test('cli flags – --grace takes plain non-negative seconds, decimals allowed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 86_400 }), fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }), (whole, frac) => {
        const text = frac === undefined ? String(whole) : `${whole}.${frac}`;
        if (Number(text) > 86_400) return;
        assert.equal(parseSeconds(text), Number(text));
      }),
    );
  });

  test('cli flags – anything else is a usage error, never NaN or a partial number', () => {
    for (const bad of ['abc', '', '10s', '-1', '1e3', '0x10', 'NaN', 'Infinity', '1.', '.5', '86401', '1 0'])
      assert.throws(() => parseSeconds(bad), InvalidArgumentError, bad);
    fc.assert(
      fc.property(fc.string(), (s) => {
        if (/^\d+(\.\d+)?$/.test(s.trim()) && Number(s) <= 86_400) return;
        assert.throws(() => parseSeconds(s), InvalidArgumentError);
      }),
    );
  });

  test('cli flags – the config file: -c wins; else /etc/authproxy/authproxy.cfg, then ./authproxy.cfg; else an error naming both', () => {
    assert.deepEqual(chooseConfig('x.cfg', () => false), { ok: true, path: 'x.cfg' });
    assert.deepEqual(chooseConfig(undefined, () => true), { ok: true, path: '/etc/authproxy/authproxy.cfg' });
    assert.deepEqual(chooseConfig(undefined, (p) => p === 'authproxy.cfg'), { ok: true, path: 'authproxy.cfg' });
    const none = chooseConfig(undefined, () => false);
    assert.equal(none.ok, false);
    assert.match(!none.ok ? none.message : '', /\/etc\/authproxy\/authproxy\.cfg or \.\/authproxy\.cfg; give one with -c FILE/);
    assert.deepEqual(DEFAULT_CONFIG_PATHS, ['/etc/authproxy/authproxy.cfg', 'authproxy.cfg']);
  });
});

describe('cli flags – through the command', { concurrency: true }, () => {
  test('cli flags – start --grace abc: clear error, exit 2, nothing started', async () => {
    const r = await run(['start', '-c', 'demo/authproxy.cfg', '--grace', 'abc']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /option '--grace <seconds>' argument 'abc' is invalid\. must be a number of seconds/);
    assert.doesNotMatch(r.stdout, /"event":"ready"/);
  });

  test('cli flags – start --role listener without nats_url: the config setting\'s error, exit 2', async () => {
    const r = await run(['start', '-c', 'demo/authproxy.cfg', '--role', 'listener']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--role listener: role listener needs nats_url: listeners and engines of separate processes meet on NATS; set \[main\] nats_url in demo\/authproxy\.cfg, or use --role both/);
    assert.doesNotMatch(r.stdout, /"event":"ready"/);
  });

  test('cli flags – start refuses a near miss of an option (fail_mode) with the suggestion, exit 2', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'authproxy-flags-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const cfg = join(dir, 'authproxy.cfg');
    await writeFile(cfg, '[radius_server_duo_only]\nikey=DIDEMO00000000000000\nskey=demoSkeyDemoSkeyDemoSkeyDemoSkeyDemoSkey\napi_host=localhost\nradius_ip_1=127.0.0.1\nradius_secret_1=Flag-Test-Secret\nport=0\nfail_mode=secure\n');
    const r = await run(['start', '-c', cfg]);
    assert.equal(r.status, 2);
    assert.ok(r.stderr.includes(`${cfg}:8 [radius_server_duo_only] fail_mode: An unexpected configuration item was found: fail_mode; did you mean 'failmode'?`), r.stderr);
    assert.doesNotMatch(r.stdout, /"event":"ready"/);
    assert.ok(!(r.stdout + r.stderr).includes('Flag-Test-Secret'));
  });

  test('cli flags – start without -c reads ./authproxy.cfg (here: a near miss, so it says so and stops)', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'authproxy-flags-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'authproxy.cfg'), '[main]\nmetrics_prot = 9100\n');
    const r = await run(['start'], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^authproxy\.cfg:2 \[main\] metrics_prot: An unexpected configuration item was found: metrics_prot; did you mean 'metrics_port'\?/m);
  });

  test('cli flags – connectivity --mock-duo checks the demo against the bundled mock Duo, exit 0', async () => {
    const r = await run(['connectivity', '-c', 'demo/authproxy.cfg', '--mock-duo', 'fixtures/demo-duo.yaml', '--no-listen', '--json']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout) as { ok: boolean; sections: { section: string; checks: { check: string; status: string }[] }[] };
    assert.equal(report.ok, true);
    const credentials = report.sections.flatMap((s) => s.checks.filter((c) => c.check === 'api credentials').map((c) => c.status));
    assert.ok(credentials.length >= 2 && credentials.every((s) => s === 'ok'), JSON.stringify(report));
  });
});
