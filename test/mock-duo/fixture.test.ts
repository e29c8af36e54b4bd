// Fixture parsing: defaults, the demo fixture, and errors that point at file:line:col and the field.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { loadFixtureFile, parseFixture } from '../../mock-duo/fixture.ts';

const INTEGRATION = `integrations:
  - ikey: DIDEMO00000000000000
    skey: demoSkeyDemoSkeyDemoSkeyDemoSkeyDemoSkey
    api_host: localhost
`;

describe('mock duo fixture', () => {
  test('mock duo fixture – the demo fixture parses and has the users the README uses', async () => {
    const text = await readFile(new URL('../../fixtures/demo-duo.yaml', import.meta.url), 'utf8');
    const r = parseFixture(text, 'fixtures/demo-duo.yaml');
    assert.ok(r.ok, r.ok ? '' : r.errors.join('\n'));
    const f = r.value;
    assert.deepEqual(f.integrations[0], { ikey: 'DIDEMO00000000000000', skey: 'demoSkeyDemoSkeyDemoSkeyDemoSkeyDemoSkey', api_host: 'localhost', apis: ['rest_v1', 'auth_v2'] });
    assert.deepEqual(Object.keys(f.users).sort(), ['alice', 'bob', 'carol', 'dave', 'erin']);
    assert.equal(f.users['alice']!.devices.length, 1);
    assert.deepEqual(f.users['bob']!.devices.map((d) => d.type), ['phone', 'phone', 'token']);
    assert.equal(f.users['carol']!.devices[0]!.type === 'phone' && f.users['carol']!.devices[0]!.push, 'deny');
    assert.equal(f.users['dave']!.status, 'locked_out');
    assert.equal(f.users['erin']!.status, 'bypass');
    assert.ok(f.users['alice']!.passcodes.length > 0);
    assert.ok(f.users['bob']!.bypass_codes.length > 0);
  });

  test('mock duo fixture – defaults are filled in', () => {
    const r = parseFixture(`${INTEGRATION}users:\n  a:\n    devices: [{ type: phone }]\n`);
    assert.ok(r.ok);
    assert.equal(r.value.new_user_policy, 'enroll');
    assert.equal(r.value.lockout_after, 10);
    assert.equal(r.value.signature_window_s, 300);
    assert.deepEqual(r.value.users['a']!.devices[0], {
      type: 'phone',
      number: '',
      name: '',
      capabilities: ['auto', 'push', 'phone', 'sms', 'mobile_otp'],
      push: 'approve',
      phone: 'approve',
      after_ms: 0,
    });
  });

  test('mock duo fixture – JSON works too (it is YAML)', () => {
    const r = parseFixture(JSON.stringify({ integrations: [{ ikey: 'DIDEMO00000000000000', skey: 'a'.repeat(40) }], users: { x: {} } }), 'f.json');
    assert.ok(r.ok);
  });

  test('mock duo fixture – semantic errors name file, line, column and field', () => {
    const text = `${INTEGRATION}users:
  alice:
    devices:
      - type: phone
        push: sometimes
        capabilities: [push, fax]
      - type: pager
    colour: red
  bob:
    passcodes: ["12"]
faults:
  - match: { path: /x }
`;
    const r = parseFixture(text, 'f.yaml');
    assert.ok(!r.ok);
    assert.deepEqual(r.errors.sort(), [
      "f.yaml:11:15 users.alice.devices.1.type: Invalid discriminator value. Expected 'phone' | 'token'",
      'f.yaml:12:5 users.alice.colour: Unrecognized key: "colour"',
      'f.yaml:14:17 users.bob.passcodes.0: must be 6 to 8 digits',
      'f.yaml:16:5 faults.0: a fault needs an effect: latency_ms, http_status, retry_after, reset, hang, malformed_json, skew_s or outage',
      'f.yaml:9:15 users.alice.devices.0.push: Invalid option: expected one of "approve"|"deny"|"fraud"|"timeout"|"push_failed"',
      'f.yaml:10:30 users.alice.devices.0.capabilities.1: Invalid option: expected one of "auto"|"push"|"phone"|"sms"|"mobile_otp"',
    ].sort());
  });

  test('mock duo fixture – bad keys, missing integrations, duplicate ids', () => {
    const r = parseFixture(`integrations:
  - ikey: DIABC
    skey: short
  - ikey: DIDEMO00000000000000
    skey: demoSkeyDemoSkeyDemoSkeyDemoSkeyDemoSkey
  - ikey: DIDEMO00000000000000
    skey: demoSkeyDemoSkeyDemoSkeyDemoSkeyDemoSkey
users:
  a: { devices: [{ type: phone, id: DPXXXXXXXXXXXXXXXXX1 }] }
  b: { devices: [{ type: phone, id: DPXXXXXXXXXXXXXXXXX1 }] }
`);
    assert.ok(!r.ok);
    assert.deepEqual(r.errors, [
      'fixture:2:11 integrations.0.ikey: must be 20 characters: DI then 18 of A-Z and 0-9',
      'fixture:3:11 integrations.0.skey: must be 40 letters or digits',
      'fixture:6:11 integrations.2.ikey: duplicate ikey DIDEMO00000000000000',
      'fixture:10:37 users.b.devices.0.id: device id already used by a',
    ]);
    const dup = parseFixture(`integrations:
  - ikey: DIDEMO00000000000000
    skey: demoSkeyDemoSkeyDemoSkeyDemoSkeyDemoSkey
  - ikey: DIDEMO00000000000000
    skey: demoSkeyDemoSkeyDemoSkeyDemoSkeyDemoSkey
users:
  a: { devices: [{ type: phone, id: DPXXXXXXXXXXXXXXXXX1 }] }
  b: { devices: [{ type: phone, id: DPXXXXXXXXXXXXXXXXX1 }] }
`);
    assert.ok(!dup.ok);
    assert.deepEqual(dup.errors, ['fixture:4:11 integrations.1.ikey: duplicate ikey DIDEMO00000000000000', 'fixture:8:37 users.b.devices.0.id: device id already used by a']);
    const none = parseFixture('users: {}\n', 'n.yaml');
    assert.ok(!none.ok);
    assert.match(none.errors[0]!, /^n\.yaml:1:1 integrations: /);
  });

  test('mock duo fixture – a missing file is an error, not an exception', async () => {
    const r = await loadFixtureFile('/nonexistent/fixture.yaml');
    assert.deepEqual(r, { ok: false, errors: ['/nonexistent/fixture.yaml: cannot read: ENOENT'] });
  });

  test('mock duo fixture – YAML syntax errors and duplicate keys carry positions', () => {
    const r = parseFixture(`${INTEGRATION}users:\n  a: {}\n  a: {}\n`, 's.yaml');
    assert.ok(!r.ok);
    assert.deepEqual(r.errors, ['s.yaml:7:3 Map keys must be unique']);
    const broken = parseFixture('integrations: [\n', 'b.yaml');
    assert.ok(!broken.ok);
    assert.match(broken.errors[0]!, /^b\.yaml:\d+:\d+ /);
  });

  test('mock duo fixture – property: a bad value anywhere in a user is reported on its own line', () => {
    const fields = ['status: sleepy', 'push: maybe', 'after_ms: -1', 'passcodes: ["abc"]'] as const;
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 1, maxLength: 5 }), fc.nat(), fc.constantFrom(...fields), (rawNames, pick, bad) => {
        const names = [...new Set(rawNames)];
        const victim = names[pick % names.length]!;
        const lines = [...INTEGRATION.trimEnd().split('\n'), 'users:'];
        let badLine = 0;
        for (const name of names) {
          lines.push(`  ${name}:`);
          const isDevice = bad.startsWith('push') || bad.startsWith('after');
          if (name === victim && !isDevice) {
            lines.push(`    ${bad}`);
            badLine = lines.length;
          }
          lines.push('    devices:', '      - type: phone', '        number: XXX-XXX-0000');
          if (name === victim && isDevice) {
            lines.push(`        ${bad}`);
            badLine = lines.length;
          }
        }
        const r = parseFixture(`${lines.join('\n')}\n`, 'p.yaml');
        assert.ok(!r.ok);
        assert.equal(r.errors.length, 1);
        assert.match(r.errors[0]!, new RegExp(`^p\\.yaml:${badLine}:\\d+ users\\.${victim}\\.`));
      }),
      { numRuns: 100 },
    );
  });
});
