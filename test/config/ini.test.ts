import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseIni } from '../../config/ini.ts';

const read = (text: string) => parseIni(text, 'x.cfg');
const entries = (text: string) =>
  Object.fromEntries(read(text).sections.map((s) => [s.name, Object.fromEntries(s.entries.map((e) => [e.key, e.value]))]));

describe('config ini', () => {
  test('config ini – keys are lowercased, = and : both separate, the first of either wins', () => {
    assert.deepEqual(entries('[s]\nFailMode = safe\nikey: DI1\na = b:c\nd : e=f\n'), {
      s: { failmode: 'safe', ikey: 'DI1', a: 'b:c', d: 'e=f' },
    });
  });

  test('config ini – inline comments are kept in values, full-line # and ; comments are skipped', () => {
    const text = '# top\n[s]\n; note\nradius_secret_1=abc#def\n  # indented comment\nx = 1 ; not a comment\n';
    assert.deepEqual(entries(text), { s: { radius_secret_1: 'abc#def', x: '1 ; not a comment' } });
  });

  test('config ini – values are trimmed and an empty value is the empty string', () => {
    assert.deepEqual(entries('[s]\na =   spaced value \t\nb =\nc:\n'), { s: { a: 'spaced value', b: '', c: '' } });
  });

  test('config ini – indented lines continue the value, joined with newlines like ConfigParser', () => {
    const text = '[s]\na = one\n  two\n\n    three\nb = x\n';
    assert.deepEqual(entries(text), { s: { a: 'one\ntwo\n\nthree', b: 'x' } });
  });

  test('config ini – a comment inside a continued value is skipped and the value goes on', () => {
    assert.deepEqual(entries('[s]\na = one\n# c\n  two\n'), { s: { a: 'one\ntwo' } });
  });

  test('config ini – trailing blank lines of a value are dropped', () => {
    assert.deepEqual(entries('[s]\na = one\n\n\n[t]\nb = 2\n'), { s: { a: 'one' }, t: { b: '2' } });
  });

  test('config ini – CRLF, LF, CR and mixed line endings read the same', () => {
    const lines = ['[s]', 'a = 1', '  more', 'b = 2'];
    const want = { s: { a: '1\nmore', b: '2' } };
    for (const eol of ['\n', '\r\n', '\r']) assert.deepEqual(entries(lines.join(eol)), want);
    assert.deepEqual(entries('[s]\r\na = 1\n  more\r\nb = 2\n'), want);
  });

  test('config ini – a UTF-8 byte order mark is ignored', () => {
    assert.deepEqual(entries('\uFEFF[s]\na = 1\n'), { s: { a: '1' } });
  });

  test('config ini – every section and key keeps its line number', () => {
    const r = read('\n# c\n[s]\n\na = 1\n  cont\nb = 2\n');
    assert.equal(r.sections[0]!.line, 3);
    assert.deepEqual(r.sections[0]!.entries.map((e) => [e.key, e.line]), [['a', 5], ['b', 7]]);
  });

  test('config ini – section names keep their case; text after ] is ignored', () => {
    assert.deepEqual(read('[Radius_Server_Auto2] trailing\na=1\n').sections.map((s) => s.name), ['Radius_Server_Auto2']);
  });

  test('config ini – duplicate sections (case-insensitive) are errors on the second header line', () => {
    const r = read('[main]\na=1\n[x]\n[MAIN]\nb=2\n');
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0]!.line, 4);
    assert.equal(r.problems[0]!.message, "Configuration loaded from x.cfg has duplicate sections: ['MAIN']");
    assert.deepEqual(r.sections.map((s) => s.name), ['main', 'x']);
  });

  test('config ini – duplicate keys are errors on the second line, the first value stays', () => {
    const r = read('[s]\nfailmode = safe\nFAILMODE = secure\n');
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0]!.line, 3);
    assert.match(r.problems[0]!.message, /^Configuration has duplicated keys in the given section: option 'failmode' in section 's' already exists/);
    assert.equal(r.sections[0]!.entries[0]!.value, 'safe');
  });

  test('config ini – a file without sections is an error', () => {
    const r = read('a = 1\n# [main]\n');
    assert.deepEqual(r.problems.map((p) => p.message), ['Config loaded from x.cfg has no sections.']);
  });

  test('config ini – a key before the first section and a line without separator are errors that do not quote the line', () => {
    const r = read('early = 1\n[s]\nTopSecretValue\na = 1\n');
    assert.deepEqual(r.problems.map((p) => p.line), [1, 3]);
    for (const p of r.problems) assert.doesNotMatch(p.message + p.fix, /TopSecretValue|early/);
    assert.deepEqual(entries('early = 1\n[s]\nTopSecretValue\na = 1\n'), { s: { a: '1' } });
  });

  test('config ini – every problem of a file is reported in one run', () => {
    const r = read('[s]\nbad line\na=1\na=2\n[S]\nalso bad\n');
    assert.deepEqual(r.problems.map((p) => p.line), [2, 4, 5, 6]);
  });
});

// ---- property: any valid file, however written, reads to the same values ------------------------

const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/);
// A value part: no surrounding whitespace, not starting with a comment character.
const part = fc
  .string({ unit: fc.constantFrom(...'abcXYZ019 #;=:[]/.,-_!@$%'.split('')), minLength: 1, maxLength: 12 })
  .map((s) => s.trim())
  .filter((s) => s !== '' && !s.startsWith('#') && !s.startsWith(';'));
const value = fc.oneof(fc.constant(''), fc.array(part, { minLength: 1, maxLength: 3 }).map((ps) => ps.join('\n')));
const section = fc.record({
  name,
  entries: fc.uniqueArray(fc.tuple(name, value), { selector: ([k]) => k, maxLength: 6 }),
});
const model = fc.uniqueArray(section, { selector: (s) => s.name.toLowerCase(), minLength: 1, maxLength: 4 });

const style = fc.record({
  sep: fc.constantFrom('=', ' = ', ':', ' : ', '\t=\t', '  =', ':  '),
  upper: fc.boolean(),
  comment: fc.constantFrom('', '# a comment', '; another', '   # indented comment'),
  blank: fc.boolean(),
  indent: fc.constantFrom(' ', '  ', '\t', '    '),
});

test('config ini – any valid file reads back the same, whatever case, separators, comments, continuations and line endings', () => {
  fc.assert(
    fc.property(model, fc.array(style, { minLength: 30, maxLength: 30 }), fc.constantFrom('\n', '\r\n', '\r', 'mixed'), (sections, styles, eol) => {
      const lines: string[] = [];
      let i = 0;
      for (const s of sections) {
        lines.push(`[${s.name}]`);
        for (const [k, v] of s.entries) {
          const st = styles[i++ % styles.length]!;
          if (st.comment) lines.push(st.comment);
          const [first, ...rest] = v.split('\n');
          const key = st.upper ? k.toUpperCase() : k;
          lines.push(`${key}${st.sep}${first}`);
          for (const r of rest) lines.push(`${st.indent}${r}`);
          if (st.blank) lines.push('');
        }
      }
      const text = eol === 'mixed' ? lines.map((l, j) => l + (j % 2 ? '\r\n' : '\n')).join('') : lines.join(eol);
      const r = parseIni(text, 'p.cfg');
      assert.deepEqual(r.problems, []);
      assert.deepEqual(
        r.sections.map((s) => ({ name: s.name, entries: s.entries.map((e) => [e.key, e.value]) })),
        sections.map((s) => ({ name: s.name, entries: s.entries })),
      );
    }),
    { numRuns: 300 },
  );
});
