// The expectation matcher (exact or /regex/, outcome, rounds, class, ms_max, device_outcome, load ratios)
// and the report formatters (JSON round trip, JUnit XML escaping): unit and property tests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { LoginResult } from '../../simulator/device.ts';
import { checkLoad, checkLogin, textMatches } from '../../simulator/expect.ts';
import { jsonReport, junitReport, textReport, verdictCell } from '../../simulator/report.ts';
import type { SimulationReport } from '../../simulator/run.ts';

const result = (o: Partial<LoginResult> = {}): LoginResult => ({
  outcome: 'accept',
  code: 2,
  reply: 'Success. Logging you in...',
  rounds: 1,
  ms: 120,
  class: 'OU=VPN;',
  late: false,
  deviceOutcome: 'Connected',
  ...o,
});

test('expect – exact text or /regex/flags', () => {
  assert.equal(textMatches('Success. Logging you in...', 'Success. Logging you in...'), true);
  assert.equal(textMatches('Success.', 'Success. Logging you in...'), false, 'exact means whole');
  assert.equal(textMatches('/^success/i', 'Success. Logging you in...'), true);
  assert.equal(textMatches('/denied/', undefined), false);
  assert.equal(textMatches('x', undefined), false);
});

test('expect – exact text never matches anything but itself (property)', () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), (a, b) => {
      fc.pre(!/^\/.*\/[a-z]*$/s.test(a));
      assert.equal(textMatches(a, b), a === b);
      assert.equal(textMatches(a, a), true);
    }),
  );
});

test('expect – a login: every mismatch is one sentence naming the field, what was expected and what came', () => {
  assert.deepEqual(checkLogin({ outcome: 'accept', reply: '/Success/', rounds: 1, class: 'OU=VPN;', ms_max: 500, device_outcome: 'Connected' }, result()), []);
  assert.deepEqual(checkLogin({ outcome: 'accept', rounds: 2, class: 'OU=Other;', ms_max: 100 }, result({ outcome: 'reject', reply: 'Login request denied.' })), [
    'outcome: expected accept, got reject ("Login request denied.")',
    'rounds: expected 2, got 1',
    'class: expected "OU=Other;", got "OU=VPN;"',
    'ms_max: expected at most 100 ms, took 120 ms',
  ]);
  assert.deepEqual(checkLogin({ device_outcome: 'Connected' }, result({ deviceOutcome: 'Invalid authentication handle' })), [
    'device_outcome: expected "Connected", the device showed "Invalid authentication handle"',
  ]);
  assert.deepEqual(checkLogin({ class: 'OU=VPN;' }, result({ class: undefined })), ['class: expected "OU=VPN;", got nothing']);
});

test('expect – a load population: ratios (minimum, or {min, max}), p99, give-ups', () => {
  const f = { sent: 10, outcomes: { accept: 7, reject: 2, challenge_unanswered: 0, no_answer: 1 }, p99: 900 };
  assert.deepEqual(checkLoad({ accept_ratio: 0.7, reject_ratio: { max: 0.2 }, p99_ms: 900, no_answer_max: 1 }, f), []);
  assert.deepEqual(checkLoad({ accept_ratio: 1, reject_ratio: { min: 0.5 }, p99_ms: 500, no_answer_max: 0 }, f), [
    'accept_ratio: expected at least 100.0 %, got 70.0 %',
    'reject_ratio: expected at least 50.0 %, got 20.0 %',
    'p99_ms: expected at most 500 ms, got 900 ms',
    'no_answer_max: expected at most 0 device give-ups, got 1',
  ]);
  assert.deepEqual(checkLoad({ p99_ms: 500 }, { ...f, p99: Number.NaN }), ['p99_ms: expected at most 500 ms, got no answers']);
});

const anyText = fc.string({ unit: fc.oneof(fc.constantFrom(...'<>&"\'\u0000\u0007\n'.split('')), fc.string({ minLength: 1, maxLength: 1 })), maxLength: 30 });

function report(name: string, reply: string, problem: string): SimulationReport {
  return {
    scenario: name,
    passed: 0,
    failed: 2,
    notes: [],
    faults: [],
    logins: [{ ...result({ reply }), name, user: name, device: 'generic', server: 's', expected: 'outcome "accept"', passed: false, problems: [problem] }],
    load: [
      { name, device: 'generic', server: 's', model: 'closed c=1 n=1', sent: 1, answered: 0, perSecond: 0, p50: Number.NaN, p99: Number.NaN, outcomes: { accept: 0, reject: 0, challenge_unanswered: 0, no_answer: 1 }, retransmissions: 0, expected: '', passed: false, problems: [problem] },
    ],
  };
}

test('report – JUnit XML escapes every name, reply and problem; JSON parses back; tables never throw and print no control character (property)', () => {
  fc.assert(
    fc.property(anyText, anyText, anyText, (name, reply, problem) => {
      const r = report(name, reply, problem);
      const xml = junitReport(r);
      // Outside the markup itself, no raw < > & or control characters survive.
      const text = xml.replace(/<\/?[a-z-]+(\s+[a-z]+="[^"<>]*")*\s*\/?>|<\?xml[^>]*\?>/g, '');
      assert.doesNotMatch(text, /[<>]|&(?!(amp|lt|gt|quot|apos);)|[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
      assert.equal((xml.match(/<testcase /g) ?? []).length, 2);
      assert.equal((xml.match(/<failure /g) ?? []).length, 2);
      const back = JSON.parse(jsonReport(r)) as { failed: number; logins: { reply: string }[]; load: { p99: null }[] };
      assert.equal(back.failed, 2);
      assert.equal(back.logins[0]!.reply, reply);
      assert.equal(back.load[0]!.p99, null);
      const printed = textReport(r);
      assert.match(printed, /0 passed, 2 failed\n$/);
      // Names and replies may hold terminal escapes (a reply comes from the server under test): none
      // reaches the terminal, and no text adds a line.
      assert.doesNotMatch(printed, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      assert.equal(printed.split('\n').filter((l) => l.startsWith('FAILED ')).length, 2);
    }),
  );
});

test('report – a failing row names the expectations that failed; the FAILED line under the table says why', () => {
  const problems = checkLogin({ outcome: 'accept', reply: 'Success. Logging you in...', rounds: 2, device_outcome: 'Welcome page' }, result({ outcome: 'reject', reply: 'Failed to communicate with any Active Directory server' }));
  assert.equal(verdictCell(false, problems), 'FAIL: outcome, reply, rounds, device_outcome');
  assert.equal(verdictCell(false, ['reply: expected "x", got "y"']), 'FAIL: reply');
  assert.equal(verdictCell(true, []), 'pass');
  const r = report('long failure', 'Failed to communicate with any Active Directory server', `outcome: expected accept, got reject (${'"x" '.repeat(60)})`);
  const text = textReport(r);
  const widest = Math.max(...text.split('\n').filter((l) => l.startsWith('│')).map((l) => l.length));
  assert.ok(widest < 260, `a table row is ${widest} characters wide`);
  assert.ok(text.includes(`FAILED long failure: outcome: expected accept, got reject (${'"x" '.repeat(60)})`), 'the whole reason is below the table');
});
