// issue 15 §7: a very long unknown key or section name must not make "did you mean" quadratic (a 1 MB
// key took 36 s and 1.1 GB), and an over-long line is one clear FILE:LINE error. The work is checked
// by memory, not by time: the check runs in a child with a small heap, which the old full
// edit-distance table (one array per character of the key) could not fit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatProblem, parseConfigText } from '../../config/index.ts';
import { MAX_LINE_CHARS } from '../../config/ini.ts';
import { SECTIONS, type SectionSpec } from '../../config/options.ts';
import { closestOption, editDistance, editDistanceWithin } from '../../config/suggest.ts';

const BASE = '[radius_server_auto]\nikey = DIXXXXXXXXXXXXXXXXXX\nskey = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\napi_host = api-test.duosecurity.com\nradius_ip_1 = 10.0.0.1\nradius_secret_1 = s3cret-one\nclient = duo_only_client\n[duo_only_client]\n';

test('config long input – a line over the limit is one FILE:LINE error, with no part of it printed', () => {
  const long = `failmode${'x'.repeat(MAX_LINE_CHARS)} = safe`;
  const r = parseConfigText(`${BASE.replace('[duo_only_client]\n', `${long}\n[duo_only_client]\n`)}`, '/x/authproxy.cfg');
  assert.equal(r.ok, false);
  const printed = (r.ok ? [] : r.problems).map(formatProblem);
  const mine = printed.filter((l) => l.startsWith('/x/authproxy.cfg:8 '));
  assert.equal(mine.length, 1, printed.join('\n'));
  assert.match(mine[0]!, /line is \d+ characters long, longer than the 65536 allowed/);
  assert.ok(!printed.join('\n').includes('xxxxxxxxxx'), 'nothing of the line is quoted');
});

test('config long input – a key or section name far longer than any option gets no suggestion, in bounded memory', () => {
  // Just under the line limit, so the reader does take it as a key (and as a section name).
  const key = 'failmode'.padEnd(MAX_LINE_CHARS - 10, 'y');
  const script = [
    "import { parseConfigText } from './config/index.ts';",
    `const key = ${JSON.stringify(key.slice(0, 8))}.padEnd(${key.length}, 'y');`,
    `const base = ${JSON.stringify(BASE)};`,
    "const text = base.replace('[duo_only_client]\\n', key + ' = safe\\n[' + key + ']\\nx = 1\\n[duo_only_client]\\n');",
    "const r = parseConfigText(text, '/x/a.cfg');",
    "const lines = [...(r.ok ? [] : r.problems), ...r.warnings].map((p) => `${p.line} ${p.message.slice(0, 60)} ${p.fix.slice(0, 60)}`);",
    'process.stdout.write(JSON.stringify(lines));',
  ].join('\n');
  // 16 MB of heap: enough for the bounded search; the old table for this key (~65,000 arrays of ~30
  // numbers per candidate, ~20 MB) ran out of it.
  const run = spawnSync(process.execPath, ['--max-old-space-size=16', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: `${import.meta.dirname}/../..`, encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, `the check ran out of its small heap or failed:\n${run.stderr.slice(0, 2000)}`);
  const lines = JSON.parse(run.stdout) as string[];
  assert.ok(lines.some((l) => l.startsWith('8 An unexpected configuration item was found')), lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith('9 Invalid module')), lines.join('\n'));
  assert.ok(!lines.some((l) => l.includes('did you mean')), 'no suggestion for a key far longer than any option');
});

test('config long input – property: the bounded distance agrees with the full one within its bound', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), fc.nat(6), (a, b, max) => {
      const full = editDistance(a, b);
      const bounded = editDistanceWithin(a, b, max);
      assert.equal(bounded, full <= max ? full : max + 1);
    }),
    { numRuns: 2000 },
  );
});

test('config long input – property: suggestions for ordinary typos are unchanged', () => {
  const spec: SectionSpec = SECTIONS.radius_server_auto;
  const names: string[] = spec.options.filter((o) => !('numbered' in o && o.numbered)).map((o) => o.name);
  fc.assert(
    fc.property(fc.constantFrom(...names), fc.nat(), fc.constantFrom('drop', 'double', 'swap'), (name, at, how) => {
      const i = at % name.length;
      const typo = how === 'drop' ? name.slice(0, i) + name.slice(i + 1) : how === 'double' ? name.slice(0, i) + name[i] + name.slice(i) : name.slice(0, i) + (name[i + 1] ?? '') + name[i] + name.slice(i + 2);
      if (typo === name || names.includes(typo)) return;
      const got = closestOption(spec, typo);
      assert.ok(got !== undefined && editDistance(typo, got) <= 2, `${typo} -> ${got}`);
    }),
  );
});
