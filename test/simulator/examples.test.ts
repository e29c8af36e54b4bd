// Every scenario in examples/scenarios/ (one per seed deployment) run by `authproxy simulate` exactly
// as docs/simulator.md shows, against our proxy started from the example's authproxy.cfg: each must
// pass. The Ivanti one needs a directory: the harness's slapd, its port written into a copy.
import assert from 'node:assert/strict';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import * as slapd from '../harness/slapd.ts';
import { makeTempDir, removeTempDir } from '../harness/tmp.ts';
import { EXAMPLES, simulate } from './support.ts';

async function passes(scenario: string, expected: number): Promise<void> {
  const r = await simulate(scenario, '--json');
  assert.equal(r.stderr, '');
  const report = JSON.parse(r.stdout) as { passed: number; failed: number; logins: { name: string; problems: string[] }[]; load: { name: string; problems: string[] }[] };
  const failures = [...report.logins, ...report.load].filter((x) => x.problems.length > 0).map((x) => `${x.name}: ${x.problems.join('; ')}`);
  assert.deepEqual(failures, []);
  assert.deepEqual([report.passed, report.failed, r.exitCode], [expected, 0, 0]);
}

test('examples – Cisco ASA duo_only with password reset on the ASA (seed 004)', () => passes(join(EXAMPLES, 'cisco-asa-duo-only', 'scenario.yaml'), 5));

test('examples – Juniper SA challenge with an upstream RADIUS primary (seed 001)', () => passes(join(EXAMPLES, 'juniper-challenge', 'scenario.yaml'), 5));

test('examples – generic device, auto mode, radius_client on the simulated primary (seed 003)', () => passes(join(EXAMPLES, 'generic-auto-radius-client', 'scenario.yaml'), 6));

test('examples – a Duo outage under load, failmode safe against secure', () => passes(join(EXAMPLES, 'duo-outage-failmode', 'scenario.yaml'), 2));

test('examples – Ivanti challenge with ad_client on a real directory (seed 000)', async (t) => {
  const dir = await makeTempDir('sim-ivanti');
  const ldap = await slapd.start({
    entries: {
      users: [
        { uid: 'svc-duo', password: 'svc pw', ou: 'service' },
        { uid: 'alice', password: 'alice pw', memberOf: ['vpn-users'] },
        { uid: 'bob', password: 'bob pw' },
        { uid: 'newbie', password: 'newbie pw', memberOf: ['vpn-users'] },
      ],
    },
  });
  t.after(async () => {
    await ldap.stop();
    await removeTempDir(dir);
  });
  await cp(join(EXAMPLES, 'ivanti-challenge-ad'), dir, { recursive: true });
  const cfg = join(dir, 'authproxy.cfg');
  const text = await readFile(cfg, 'utf8');
  assert.match(text, /^port=389$/m);
  await writeFile(cfg, text.replace(/^port=389$/m, `port=${ldap.port}`));
  await passes(join(dir, 'scenario.yaml'), 5);
});
