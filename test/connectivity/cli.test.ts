// `authproxy connectivity -c FILE` end to end, as a separate process: a config whose every check passes
// (HTTPS mock Duo, slapd, FreeRADIUS, free UDP ports) exits 0; one with a wrong skey, a wrong service
// password, a wrong RADIUS secret and a taken port exits 1 and names each failure; an invalid config
// exits 2. No secret ever appears in the output, table or JSON.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ConnectivityReport } from '../../ops/connectivity/types.ts';
import { type MockDuoServer, startMockDuoServer } from '../../mock-duo/server.ts';
import { freePort } from '../harness/ports.ts';
import * as radiusd from '../harness/radiusd.ts';
import * as slapd from '../harness/slapd.ts';
import { duoFixture, IKEY, RADIUS_SECRET, SKEY, WRONG_SKEY } from './helpers.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const SVC_PASSWORD = 'svc-password-9876';
const UPSTREAM_SECRET = 'upstream-secret-5555';
const WRONG = { svc: 'wrong-svc-password', upstream: 'wrong-upstream-secret' };
const SECRETS = [SKEY, WRONG_SKEY, SVC_PASSWORD, UPSTREAM_SECRET, RADIUS_SECRET, WRONG.svc, WRONG.upstream];

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/authproxy.js', ...args], { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function assertNoSecret(output: string): void {
  for (const s of SECRETS) assert.ok(!output.includes(s), `secret ${s.slice(0, 3)}... appears in the output`);
}

describe('connectivity cli', () => {
  let dir: string;
  let duo: MockDuoServer;
  let ldap: slapd.SlapdServer;
  let radius: radiusd.RadiusdServer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'connectivity-cli-'));
    [duo, ldap, radius] = await Promise.all([
      startMockDuoServer({ fixture: duoFixture() }),
      slapd.start({ entries: { users: [{ uid: 'svc-duo', password: SVC_PASSWORD, ou: 'service' }, { uid: 'alice', password: 'a' }] } }),
      radiusd.start({ clients: [{ ip: '127.0.0.1', secret: UPSTREAM_SECRET }] }),
    ]);
  });
  after(async () => {
    await Promise.all([duo?.close(), ldap?.stop(), radius?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  async function writeConfig(name: string, o: { skey: string; svc: string; upstream: string; ports: [number, number] }): Promise<string> {
    const path = join(dir, name);
    const server = (section: string, client: string, port: number) => `
[${section}]
ikey=${IKEY}
skey=${o.skey}
api_host=localhost
api_port=${duo.port}
radius_ip_1=127.0.0.1
radius_secret_1=${RADIUS_SECRET}
interface=127.0.0.1
port=${port}
client=${client}
`;
    await writeFile(
      path,
      `[main]
http_ca_certs_file=${duo.caFile}

[ad_client]
host=127.0.0.1
port=${ldap.port}
auth_type=plain
bind_dn=${slapd.userDn({ uid: 'svc-duo', ou: 'service' }, ldap.baseDn)}
service_account_username=svc-duo
service_account_password=${o.svc}
search_dn=${ldap.baseDn}
username_attribute=uid

[radius_client]
host=127.0.0.1
port=${radius.port}
secret=${o.upstream}
${server('radius_server_auto', 'ad_client', o.ports[0])}${server('radius_server_auto2', 'radius_client', o.ports[1])}`,
    );
    return path;
  }

  test('connectivity cli – every check passes: a table, SUMMARY with no issues, exit 0, no secret, no colour', async () => {
    const file = await writeConfig('good.cfg', { skey: SKEY, svc: SVC_PASSWORD, upstream: UPSTREAM_SECRET, ports: [await freePort('udp'), await freePort('udp')] });
    const r = await run(['connectivity', '-c', file]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines.at(-1)!, /^SUMMARY: No issues detected \(\d+ OK, 0 FAIL, \d+ SKIP\)$/);
    assert.ok(lines.some((l) => /^SECTION +CHECK +RESULT +MESSAGE$/.test(l)));
    for (const [section, check] of [
      ['main', 'http_ca_certs_file'],
      ['ad_client', 'search'],
      ['radius_client', 'radius connection'],
      ['radius_server_auto', 'api credentials'],
      ['radius_server_auto2', 'listen udp'],
    ])
      assert.ok(lines.some((l) => new RegExp(`^${section} +${check}\\b.* OK  `).test(l)), `${section} ${check} OK in:\n${r.stdout}`);
    assert.ok(r.stdout.includes('[radius_server_auto] The RADIUS Server has no connectivity problems.'));
    assert.ok(!r.stdout.includes('\x1b['), 'no colour when stdout is not a terminal');
    assertNoSecret(r.stdout + r.stderr);
  });

  test('connectivity cli – failures: exit 1, each failing check named in the table and the JSON, no secret', async (t) => {
    const taken = createSocket('udp4');
    await new Promise<void>((resolve) => taken.bind(0, '127.0.0.1', resolve));
    t.after(() => taken.close());
    const file = await writeConfig('bad.cfg', { skey: WRONG_SKEY, svc: WRONG.svc, upstream: WRONG.upstream, ports: [taken.address().port, await freePort('udp')] });

    const table = await run(['connectivity', '-c', file]);
    assert.equal(table.code, 1, table.stdout + table.stderr);
    const fails = table.stdout.split('\n').filter((l) => / FAIL  /.test(l)).map((l) => l.split(/ +/).slice(0, 2).join(' '));
    assert.deepEqual(fails.sort(), ['ad_client bind', 'radius_client radius', 'radius_server_auto api', 'radius_server_auto listen', 'radius_server_auto2 api'].sort());
    assert.match(table.stdout, new RegExp(`${taken.address().port} is already in use by another application: \\S+ running with PID: ${process.pid}\\.`));
    assert.match(table.stdout, /^SUMMARY: connectivity problems in \[ad_client\], \[radius_client\], \[radius_server_auto\], \[radius_server_auto2\] \(/m);
    assertNoSecret(table.stdout + table.stderr);

    const json = await run(['connectivity', '-c', file, '--json', '--no-listen']);
    assert.equal(json.code, 1);
    const report = JSON.parse(json.stdout) as ConnectivityReport;
    assert.equal(report.ok, false);
    assert.equal(report.counts.fail, 4, 'the listen check is not run with --no-listen');
    const auto = report.sections.find((s) => s.section === 'radius_server_auto')!;
    assert.equal(auto.checks.find((c) => c.check === 'api credentials')?.hint, `Check that the credentials provided for localhost:${duo.port} and ikey ${IKEY} are correct.`);
    assert.equal(auto.checks.find((c) => c.check === 'listen udp')?.status, 'skip');
    assertNoSecret(json.stdout + json.stderr);
  });

  test('connectivity cli – an invalid config: its problems as check-config prints them, exit 2, nothing tried', async () => {
    const file = join(dir, 'invalid.cfg');
    await writeFile(file, `[radius_server_auto]\nikey=${IKEY}\nskey=${SKEY}\nradius_ip_1=127.0.0.1\nradius_secret_1=${RADIUS_SECRET}\n`);
    const r = await run(['connectivity', '-c', file]);
    assert.equal(r.code, 2);
    assert.match(r.stdout, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+ \\[radius_server_auto\\] api_host: A required configuration item is missing: api_host`, 'm'));
    assert.ok(!r.stdout.includes('SUMMARY'));
    assertNoSecret(r.stdout + r.stderr);
  });
});
