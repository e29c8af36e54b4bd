// The scenario reader: valid files parse (YAML and JSON), every mistake is one `FILE:LINE:COL path:
// problem` line pointing at the offending value (or key), unknown keys are mistakes, and no mutation of
// a valid file can crash it (fast-check).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseScenario } from '../../simulator/scenario/read.ts';

const VALID = `name: demo
target:
  config: ./authproxy.cfg
duo:
  users:
    carol:
      devices: [{ type: phone, number: XXX-XXX-1234, push: approve }]
device: { profile: cisco-asa, nas_ip: 10.1.1.1 }
logins:
  - { user: carol, password: "pw,push", expect: { outcome: accept, reply: "Success. Logging you in..." } }
  - { user: carol, password: pw, answers: ["1"], expect: { outcome: accept, rounds: 2 } }
load:
  - { users: [carol], password: push, concurrency: 4, count: 20, expect: { accept_ratio: 1.0, p99_ms: 2000 } }
  - { users: [carol], password: pw, answers: ["1"], rate_per_s: 5, duration_s: 1, think_ms: [10, 20] }
faults:
  - { at_ms: 200, duo: outage, for_ms: 300 }
  - { at_ms: 100, duo: { latency_ms: 50, match: { path: /rest/v1/auth } }, users: [carol] }
`;

test('scenario reader – a valid file gives the scenario with defaults filled in', () => {
  const r = parseScenario(VALID, 's.yaml');
  assert.ok(r.ok, r.ok ? '' : r.errors.join('\n'));
  assert.equal(r.value.logins.length, 2);
  assert.deepEqual(r.value.logins[0]!.answers, []);
  assert.equal(r.value.load[1]!.start_ms, 0);
  assert.deepEqual(r.value.device, { profile: 'cisco-asa', nas_ip: '10.1.1.1' });
});

test('scenario reader – JSON is accepted', () => {
  const r = parseScenario(JSON.stringify({ target: { radius: { port: 1812, secret: 's' } }, logins: [{ user: 'a', password: 'b', expect: { outcome: 'reject' } }] }), 's.json');
  assert.ok(r.ok, r.ok ? '' : r.errors.join('\n'));
  assert.equal(r.value.device, 'generic');
});

test('scenario reader – mistakes are FILE:LINE:COL path: problem, at the value or the unknown key', () => {
  const typo = VALID.replace('expect: { outcome: accept, rounds: 2 }', 'expect: { outcome: accept, round: 2 }');
  const r1 = parseScenario(typo, 's.yaml');
  assert.ok(!r1.ok);
  const col = typo.split('\n')[10]!.indexOf('round:') + 1;
  assert.deepEqual(r1.errors, [`s.yaml:11:${col} logins.1.expect.round: Unrecognized key: "round"`]);
  const bad = parseScenario(VALID.replace('outcome: accept, reply', 'outcome: accepted, reply'), 's.yaml');
  assert.ok(!bad.ok);
  assert.equal(bad.errors[0]!.split(' ')[0], `s.yaml:10:${VALID.split('\n')[9]!.indexOf('accept') + 1}`);
  assert.match(bad.errors[0]!, /logins\.0\.expect\.outcome: Invalid option/);
  const device = parseScenario(VALID.replace('profile: cisco-asa', 'profile: cisco-pix'), 's.yaml');
  assert.ok(!device.ok);
  assert.match(device.errors.join('\n'), /^s\.yaml:8:\d+ device.*unknown device profile; one of: .*cisco-asa-anyconnect/m);
  const both = parseScenario(VALID.replace('concurrency: 4, count: 20', 'concurrency: 4, count: 20, rate_per_s: 3'), 's.yaml');
  assert.ok(!both.ok);
  assert.match(both.errors[0]!, /^s\.yaml:13:\d+ load\.0: either concurrency\/count \(closed model\) or rate_per_s\/duration_s/);
  const yamlError = parseScenario('target: {config: x\nlogins: []', 's.yaml');
  assert.ok(!yamlError.ok);
  assert.match(yamlError.errors[0]!, /^s\.yaml:\d+:\d+ /);
  const regex = parseScenario(VALID.replace('reply: "Success. Logging you in..."', 'reply: "/Success(/"'), 's.yaml');
  assert.ok(!regex.ok);
  assert.match(regex.errors[0]!, /logins\.0\.expect\.reply: not a valid \/regular expression\//);
});

test('scenario reader – a config target needs the mock Duo; an empty scenario is refused', () => {
  const noDuo = parseScenario('target: { config: a.cfg }\nlogins: [{ user: u, expect: { outcome: reject } }]\n', 's.yaml');
  assert.ok(!noDuo.ok);
  assert.match(noDuo.errors[0]!, /^s\.yaml:1:\d+ target: a config target needs a duo section/);
  const empty = parseScenario('target: { radius: { port: 1812, secret: s } }\n', 's.yaml');
  assert.ok(!empty.ok);
  assert.match(empty.errors[0]!, /logins: nothing to run/);
});

const LINE_COL = /^s\.yaml:\d+:\d+ \S/;

test('scenario reader – any mutation of a valid file is a valid scenario or FILE:LINE:COL errors, never a crash', () => {
  const mutation = fc.oneof(
    // replace a span with random text (YAML punctuation likely)
    fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), len: fc.nat(12), text: fc.string({ unit: fc.constantFrom(...'{}[]:,-"\'#&*!|>% \n\tab01/'.split('')), maxLength: 8 }) }),
    // delete a line, duplicate a line
    fc.record({ kind: fc.constantFrom('delete-line' as const, 'dup-line' as const), at: fc.nat() }),
    // change a value's type
    fc.record({ kind: fc.constant('retype' as const), at: fc.nat(), text: fc.constantFrom('null', '[]', '{}', '-1', '1e309', 'true', '"x"', '&a', '*a', '!!binary x') }),
  );
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
      let text = VALID;
      for (const m of ms) {
        const lines = text.split('\n');
        if (m.kind === 'replace') {
          const at = m.at % (text.length + 1);
          text = text.slice(0, at) + m.text + text.slice(at + m.len);
        } else if (m.kind === 'delete-line') {
          lines.splice(m.at % lines.length, 1);
          text = lines.join('\n');
        } else if (m.kind === 'dup-line') {
          lines.splice(m.at % lines.length, 0, lines[m.at % lines.length]!);
          text = lines.join('\n');
        } else if (m.kind === 'retype') {
          const colons = [...text.matchAll(/: /g)].map((x) => x.index!);
          const at = colons[m.at % colons.length]! + 2;
          const end = text.slice(at).search(/[,}\n]/);
          text = text.slice(0, at) + m.text + text.slice(at + (end < 0 ? 0 : end));
        }
      }
      const r = parseScenario(text, 's.yaml');
      if (r.ok) return true;
      assert.ok(r.errors.length > 0);
      for (const e of r.errors) assert.match(e, LINE_COL, `${e}\n--- for ---\n${text}`);
      return true;
    }),
    { numRuns: 400 },
  );
});
