// `authproxy simulate` end to end: against our proxy already running (target.radius), against
// FreeRADIUS (a target without Duo), a failing expectation (exit 1, a report that says which and why,
// JUnit), an invalid scenario and an unusable target (exit 2).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SECRET, type Stack, startStack } from '../e2e/stack.ts';
import { freePort } from '../harness/ports.ts';
import * as radiusd from '../harness/radiusd.ts';
import { makeTempDir, removeTempDir } from '../harness/tmp.ts';
import { simulate } from './support.ts';

let dir: string;
before(async () => {
  dir = await makeTempDir('simulate-cli');
});
after(() => removeTempDir(dir));

async function scenarioFile(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('simulate against our proxy already running (target.radius)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack(
      { users: { alice: { devices: [{ type: 'phone', number: 'XXX-XXX-1234', push: 'approve' }] }, dave: { devices: [{ type: 'phone', push: 'deny' }] } } } as never,
      '[radius_server_duo_only]\n${DUO}\n${CLIENTS}\nport=${PORT0}\n',
    );
  });
  after(() => stack?.stop());

  test('simulate – logins against a running proxy: outcomes, replies, exit 0', async () => {
    const file = await scenarioFile(
      'running.yaml',
      `target: { radius: { host: 127.0.0.1, port: ${stack.ports[0]}, secret: ${SECRET} } }
device: { profile: generic, source_ip: 127.0.0.2 }
logins:
  - { user: alice, password: push, expect: { outcome: accept, reply: "Success. Logging you in..." } }
  - { user: dave, password: push, expect: { outcome: reject, reply: /denied/ } }
`,
    );
    const r = await simulate(file, '--quiet');
    assert.deepEqual([r.stdout, r.exitCode], ['2 passed, 0 failed\n', 0]);
    // The running proxy's own mock Duo saw both logins.
    assert.equal(stack.mock.mock.journal.entries({ path: '/rest/v1/auth' }).length, 2);
  });

  test('simulate – a failing expectation: exit 1, the table and a FAILED line saying which and why, JUnit with the failure', async () => {
    const file = await scenarioFile(
      'failing.yaml',
      `target: { radius: { port: ${stack.ports[0]}, secret: ${SECRET} } }
device: { profile: generic, source_ip: 127.0.0.2 }
logins:
  - { name: dave gets in, user: dave, password: push, expect: { outcome: accept } }
  - { name: alice gets in, user: alice, password: push, expect: { outcome: accept } }
`,
    );
    const junit = join(dir, 'junit.xml');
    const r = await simulate(file, '--junit', junit);
    assert.equal(r.exitCode, 1);
    assert.match(r.stdout, /│ dave gets in +│ dave +│ generic +│ reject +│ Login request denied\./);
    assert.match(r.stdout, /^FAILED dave gets in: outcome: expected accept, got reject \("Login request denied\."\)$/m);
    assert.match(r.stdout, /^1 passed, 1 failed$/m);
    const xml = await readFile(junit, 'utf8');
    assert.match(xml, /<testsuite name="[^"]*failing\.yaml" tests="2" failures="1">/);
    assert.match(xml, /<testcase classname="logins" name="dave gets in" time="[\d.]+">\n {6}<failure message="outcome: expected accept, got reject \(&quot;Login request denied\.&quot;\)">/);
    const json = JSON.parse((await simulate(file, '--json')).stdout) as { passed: number; failed: number; notes: string[]; logins: { name: string; outcome: string; problems: string[] }[] };
    assert.deepEqual([json.passed, json.failed], [1, 1]);
    // A server drops requests from a client it does not know, silently: the report says what to admit.
    assert.ok(json.notes.includes(`generic sends from 127.0.0.2: 127.0.0.1:${stack.ports[0]} must admit that address with the secret (e.g. radius_ip_N=127.0.0.2), or its requests go unanswered; device.source_ip picks another`), json.notes.join('\n'));
    assert.deepEqual(json.logins.map((l) => [l.name, l.outcome, l.problems.length]), [['dave gets in', 'reject', 1], ['alice gets in', 'accept', 0]]);
  });
});

test('simulate – GlobalProtect with client_ip_attr=paloalto: Duo gets the user\'s address from PaloAlto-Client-Source-IP', async (t) => {
  const stack = await startStack(
    { users: { alice: { devices: [{ type: 'phone', push: 'approve' }] } } } as never,
    '[radius_server_duo_only]\n${DUO}\n${CLIENTS}\nport=${PORT0}\nclient_ip_attr=paloalto\n',
  );
  t.after(() => stack.stop());
  const file = await scenarioFile(
    'globalprotect.yaml',
    `target: { radius: { port: ${stack.ports[0]}, secret: ${SECRET} } }
device: { profile: paloalto-globalprotect, source_ip: 127.0.0.2, client_ip: 203.0.113.77 }
logins: [{ user: alice, password: push, expect: { outcome: accept } }]
`,
  );
  const r = await simulate(file, '--quiet');
  assert.deepEqual([r.stdout, r.exitCode], ['1 passed, 0 failed\n', 0]);
  const calls = stack.mock.mock.journal.entries({ path: '/rest/v1/preauth' });
  assert.deepEqual(calls.map((e) => e.params['ipaddr']), ['203.0.113.77']);
});

test('simulate – against FreeRADIUS (no Duo): accept with Class, reject, and a device giving up', { skip: radiusdMissing() }, async (t) => {
  const fr = await radiusd.start({
    clients: [{ ip: '127.0.0.0/8', secret: 'fr-secret' }],
    users: [
      { name: 'alice', password: 'alice-pw', reply: [['Class', 'staff']], replyMessage: 'Hello alice' },
      { name: 'ghost', password: 'x', response: 'none' },
    ],
  });
  t.after(() => fr.stop());
  const file = await scenarioFile(
    'freeradius.yaml',
    `target: { radius: { port: ${fr.port}, secret: fr-secret } }
device: { profile: fortinet-fortigate, timeout_s: 1 }
logins:
  - { user: alice, password: alice-pw, expect: { outcome: accept, reply: Hello alice, class: staff, device_outcome: /^Connected/ } }
  - { user: alice, password: wrong, expect: { outcome: reject, device_outcome: /^Permission denied/ } }
  - { user: ghost, password: x, expect: { outcome: no_answer, device_outcome: Permission denied. } }
load:
  - { users: [alice], password: alice-pw, concurrency: 4, count: 40, expect: { accept_ratio: 1.0 } }
`,
  );
  const r = await simulate(file, '--json');
  const report = JSON.parse(r.stdout) as { passed: number; failed: number; logins: { problems: string[] }[]; load: { outcomes: Record<string, number> }[] };
  assert.deepEqual(report.logins.map((l) => l.problems), [[], [], []]);
  assert.deepEqual(report.load[0]!.outcomes, { accept: 40, reject: 0, challenge_unanswered: 0, no_answer: 0 });
  assert.deepEqual([report.passed, report.failed, r.exitCode], [4, 0, 0]);
});

function radiusdMissing(): string | false {
  return existsSync(radiusd.FREERADIUS) ? false : 'freeradius missing (the test command installs it)';
}

test('simulate – target.config listens on free ports by default, on the configured ones with ports: config', async () => {
  const port = await freePort('udp');
  const cfg = join(dir, 'ports.cfg');
  await writeFile(cfg, `[radius_server_duo_only]\nikey=DIXXXXXXXXXXXXXXXXXX\nskey=abcdefghijabcdefghijabcdefghijabcdefghij\napi_host=api-x.duosecurity.com\nradius_ip_1=10.1.1.9\nradius_secret_1=s\nport=${port}\n`);
  const body = `duo: { users: { alice: { devices: [{ type: phone, push: approve }] } } }\ndevice: generic\nlogins: [{ user: alice, password: push, expect: { outcome: accept } }]\n`;
  const free = JSON.parse((await simulate(await scenarioFile('free.yaml', `target: { config: ${cfg} }\n${body}`), '--json')).stdout) as { passed: number; notes: string[] };
  const moved = free.notes.find((n) => n.startsWith('[radius_server_duo_only] listens on'));
  assert.match(moved!, new RegExp(`^\\[radius_server_duo_only\\] listens on 127\\.0\\.0\\.1:(\\d+) \\(configured: ${port}\\)$`));
  assert.equal(free.passed, 1);
  const kept = JSON.parse((await simulate(await scenarioFile('kept.yaml', `target: { config: ${cfg}, ports: config }\n${body}`), '--json')).stdout) as { passed: number; notes: string[] };
  assert.ok(kept.notes.includes(`[radius_server_duo_only] listens on 127.0.0.1:${port}`), kept.notes.join('\n'));
  assert.equal(kept.passed, 1);
});

test('simulate – an invalid scenario: exit 2, FILE:LINE:COL for every mistake, nothing run', async () => {
  const file = await scenarioFile('invalid.yaml', 'target: { radius: { port: 1812, secret: s } }\nlogins:\n  - { user: a, pasword: b, expect: { outcome: accept } }\n');
  const r = await simulate(file);
  assert.equal(r.exitCode, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `${file}:3:16 logins.0.pasword: Unrecognized key: "pasword"\n`);
});

test('simulate – a --junit file that cannot be written: exit 2 with the reason before anything runs (was a stack trace and exit 1 after the run)', async () => {
  // Port 9: nothing listens, but the JUnit path is checked first, so the target is never probed.
  const file = await scenarioFile('junit-path.yaml', 'target: { radius: { port: 9, secret: s } }\nlogins: [{ user: a, password: b, expect: { outcome: accept } }]\n');
  const missing = join(dir, 'no-such-folder', 'junit.xml');
  const r = await simulate(file, '--junit', missing);
  assert.deepEqual([r.exitCode, r.stdout, r.stderr], [2, '', `authproxy simulate: --junit ${missing}: cannot write in ${join(dir, 'no-such-folder')} (ENOENT)\n`]);
  const folder = await simulate(file, '--junit', dir);
  assert.deepEqual([folder.exitCode, folder.stderr], [2, `authproxy simulate: --junit ${dir}: is a folder\n`]);
});

test('simulate – an unusable target: a config with errors, a device no client network admits, nothing listening: exit 2', async () => {
  const cfg = join(dir, 'bad.cfg');
  await writeFile(cfg, '[radius_server_duo_only]\nikey=nope\n');
  const file = await scenarioFile('badcfg.yaml', `target: { config: ${cfg} }\nduo: { users: {} }\nlogins: [{ user: a, password: push, expect: { outcome: accept } }]\n`);
  const r = await simulate(file);
  assert.equal(r.exitCode, 2);
  assert.match(r.stderr, new RegExp(`^${cfg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+ \\[radius_server_duo_only\\]`, 'm'));
  const okCfg = join(dir, 'ok.cfg');
  await writeFile(okCfg, '[radius_server_duo_only]\nikey=DIXXXXXXXXXXXXXXXXXX\nskey=abcdefghijabcdefghijabcdefghijabcdefghij\napi_host=api-x.duosecurity.com\nradius_ip_1=10.9.9.9\nradius_secret_1=s\n');
  const stranger = await scenarioFile('stranger.yaml', `target: { config: ${okCfg} }\nduo: { users: {} }\ndevice: ivanti\nlogins: [{ user: a, password: push, expect: { outcome: accept } }]\n`);
  const s = await simulate(stranger);
  assert.equal(s.exitCode, 2);
  assert.match(s.stderr, /device ivanti: \[radius_server_duo_only\] has no radius_ip_N holding its source 127\.0\.0\.13 or its nas_ip 10\.1\.1\.2; set device\.nas_ip/);
  const port = await freePort('udp');
  const nobody = await scenarioFile('nobody.yaml', `target: { radius: { port: ${port}, secret: s } }\nlogins: [{ user: a, password: b, expect: { outcome: accept } }]\n`);
  const n = await simulate(nobody);
  assert.deepEqual([n.exitCode, n.stderr], [2, `target.radius: nothing listens on 127.0.0.1:${port} (UDP)\n`]);
});
