// The real `authproxy check-config` command, run as a user would: exit codes, one line per problem,
// summary lines, and no secret in its output.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

const FIXTURES = join(import.meta.dirname, 'fixtures');
interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the real command; the runs of this file go in parallel (each pays tsx's start-up). */
const run = (...args: string[]) =>
  new Promise<Run>((done) => {
    execFile(process.execPath, ['bin/authproxy.js', 'check-config', ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      done({ status: err ? Number(err.code) : 0, stdout, stderr });
    });
  });

describe('config cli', { concurrency: true }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'authproxy-check-config-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('config cli – a valid file exits 0 with its warnings and one summary line per section', async () => {
    const file = join(FIXTURES, 'valid.cfg');
    const r = await run('-c', file);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.ok(lines.includes(`${file}:6 [main] log_sso_events: accepted for compatibility, has no effect here; authproxy runs no SSO module, so there are no SSO events to log`), r.stdout);
    assert.ok(lines.includes(`${file}:29 [radius_server_auto] vendor_note: warning: An unexpected configuration item was found: vendor_note; remove it (unknown keys are ignored); docs/configuration.md lists every option`), r.stdout);
    assert.equal(lines.at(-1), 'configuration OK (1 warning, 1 option without effect)');
    for (const want of [
      '[main] role both, in-process bus, metrics on 127.0.0.1:9100, dashboard off',
      '[ad_client] ad_client dc1.example.com:389, 10.0.0.2:389 (clear, ntlm2), search DC=example,DC=com',
      '[radius_client] radius_client 10.0.0.9:1812, retries 3 every 2 s',
      '[radius_server_auto] radius_server_auto on 0.0.0.0:1812, 2 client networks, client ad_client, failmode safe',
      '[radius_server_challenge] radius_server_challenge on 0.0.0.0:1813, 1 client network, client radius_client, failmode safe',
      '[radius_server_duo_only] radius_server_duo_only on 127.0.0.1:1814, 1 client network, no primary client, failmode safe',
    ])
      assert.ok(lines.includes(want), `missing: ${want}\n${r.stdout}`);
    assert.doesNotMatch(r.stdout + r.stderr, /Valid-[A-Za-z-]*(Password|Secret)|abcdefghijABCDEFGHIJ/);
  });

  test('config cli – a file with mistakes exits 2 with one FILE:LINE [section] option line per problem', async () => {
    const file = join(FIXTURES, 'mistakes.cfg');
    const r = await run('-c', file);
    assert.equal(r.status, 2);
    const problemLines = r.stdout.split('\n').filter((l) => l.startsWith(file));
    assert.ok(problemLines.length >= 35, r.stdout);
    for (const l of problemLines) assert.match(l, /^\S+\.cfg(:\d+)?( \[[^\]]+\])?( [a-z0-9_]+)?: .+; .+$/, l);
    assert.ok(problemLines.some((l) => /:58 \[radius_server_auto\] allow_concat: Invalid value for configuration item: 'allow_concat' must be a boolean value; use true or false$/.test(l)));
    assert.doesNotMatch(r.stdout, /Secret-Value|abc#def-secret|Nats-Password-Secret/);
  });

  test('config cli – a missing file exits 2 with Duo\'s message', async () => {
    const file = join(tmp, 'missing.cfg');
    const r = await run('-c', file);
    assert.equal(r.status, 2);
    assert.match(r.stdout, new RegExp(`Config file missing or unreadable: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  test('config cli – a CA file that does not exist is reported on its line', async () => {
    const file = join(tmp, 'noca.cfg');
    writeFileSync(file, ['[main]', 'http_ca_certs_file = nowhere/ca.pem', '[radius_server_duo_only]', 'ikey = DIXXXXXXXXXXXXXXXXXX', `skey = ${'a'.repeat(40)}`, 'api_host = localhost', 'radius_ip_1 = 127.0.0.1', 'radius_secret_1 = S3cret-One'].join('\n'));
    const r = await run('-c', file);
    assert.equal(r.status, 2);
    assert.ok(r.stdout.includes(`${file}:2 [main] http_ca_certs_file: The http_ca_certs_file value provided is invalid.; no readable file at ${join(tmp, 'nowhere/ca.pem')}`), r.stdout);
  });

  test('config cli – without -c and no default file: a usage error naming where it looked, exit 2', { skip: existsSync('/etc/authproxy/authproxy.cfg') && 'this machine has /etc/authproxy/authproxy.cfg' }, async () => {
    const r = await run();
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no configuration file given and none found at \/etc\/authproxy\/authproxy\.cfg or \.\/authproxy\.cfg; give one with -c FILE/);
  });
});
