// A file full of mistakes (fixtures/mistakes.cfg): every problem is found in one run, each on the line
// its "# expect:" comment points at, and nothing else is reported. The expectations live in the
// fixture, next to the mistakes, so the lines are never hard-coded here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkConfig, formatProblem } from '../../config/index.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'mistakes.cfg');

interface Expectation {
  line: number;
  severity: string;
  option: string;
  text: string;
}

function expectations(text: string): Expectation[] {
  const lines = text.split('\n');
  const out: Expectation[] = [];
  lines.forEach((l, i) => {
    const m = /^# expect: (error|warning|notice) (\S+) (.+)$/.exec(l);
    if (!m) return;
    let j = i + 1;
    while (lines[j]?.startsWith('# expect:')) j++;
    out.push({ line: j + 1, severity: m[1]!, option: m[2] === '-' ? '' : m[2]!, text: m[3]! });
  });
  return out;
}

test('config mistakes – every mistake of the file is reported on its line in one run, and nothing else', () => {
  const wanted = expectations(readFileSync(FIXTURE, 'utf8'));
  assert.ok(wanted.length >= 35, 'the fixture has its expectations');
  const found = checkConfig(FIXTURE);
  const unmatched = [...found];
  for (const w of wanted) {
    const i = unmatched.findIndex((p) => p.line === w.line && p.severity === w.severity && p.option === w.option && `${p.message}; ${p.fix}`.includes(w.text));
    assert.ok(i >= 0, `line ${w.line}: no ${w.severity} on '${w.option}' containing "${w.text}"; on that line: ${found.filter((p) => p.line === w.line).map(formatProblem).join(' | ') || 'nothing'}`);
    unmatched.splice(i, 1);
  }
  assert.deepEqual(unmatched.map(formatProblem), [], 'problems reported that the fixture does not expect');
});

test('config mistakes – no secret value of the fixture appears in what check-config prints', () => {
  const printed = checkConfig(FIXTURE).map(formatProblem).join('\n');
  for (const secret of ['Nats-Password-Secret', 'abc#def-secret', 'Second-Secret-Value', 'Third-Secret-Value', 'Challenge-Secret', '0123456789012345678901234567890123456789'])
    assert.ok(!printed.includes(secret), secret);
});
