import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { doPasswordSplit, splitForAuto, splitForConcat } from '../../machines/password-split.ts';

const rules = (delimiter = ',', delimitedPasswordLength = 0) => ({ delimiter, delimitedPasswordLength });

describe('password-split – reference facts (§8.2, §10, §18 facts 17-21, §19.15)', () => {
  test('password-split – delimiter split (fact 17)', () => {
    assert.deepEqual(splitForAuto('hunter2,push', true, rules()), { split: true, passwordPart: 'hunter2', factor: 'push' });
  });
  test('password-split – last delimiter (fact 18)', () => {
    assert.deepEqual(splitForAuto('pa,ss,123456', true, rules()), { split: true, passwordPart: 'pa,ss', factor: '123456' });
  });
  test('password-split – empty factor is no factor', () => {
    assert.deepEqual(splitForAuto('secret,', true, rules()), { split: true, passwordPart: 'secret', factor: undefined });
  });
  test('password-split – no delimiter, no split', () => {
    assert.deepEqual(splitForAuto('hunter2', true, rules()), { split: false });
  });
  test('password-split – length split (fact 20)', () => {
    assert.deepEqual(splitForAuto('hunter2123456', true, rules(',', 7)), { split: true, passwordPart: 'hunter2', factor: '123456' });
    assert.deepEqual(splitForAuto('hunter2,123456', true, rules(',', 7)), { split: true, passwordPart: 'hunter2', factor: '123456' });
    assert.deepEqual(splitForAuto('hunter2', true, rules(',', 7)), { split: false });
  });
  test('password-split – length mode removes ONE character of a longer delimiter', () => {
    assert.deepEqual(doPasswordSplit('hunter2::123456', rules('::', 7)), { password: 'hunter2', factor: ':123456' });
  });
  test('password-split – length counts code points', () => {
    assert.deepEqual(doPasswordSplit('pässwö✓,push', rules(',', 7)), { password: 'pässwö✓', factor: 'push' });
    assert.deepEqual(doPasswordSplit('😀😀😀1', rules(',', 3)), { password: '😀😀😀', factor: '1' });
  });
  test('password-split – allow_concat=false never splits (fact 21)', () => {
    assert.deepEqual(splitForAuto('hunter2,push', false, rules()), { split: false });
    assert.deepEqual(splitForAuto('hunter2123456', false, rules(',', 7)), { split: false });
  });
  test('password-split – multi-character delimiter splits at its last occurrence', () => {
    assert.deepEqual(doPasswordSplit('a::b::push', rules('::')), { password: 'a::b', factor: 'push' });
  });
  test('password-split – an empty delimiter never splits in delimiter mode', () => {
    assert.deepEqual(splitForAuto('hunter2', true, rules('')), { split: false });
  });
  test('password-split – concat rules (§19.15)', () => {
    assert.deepEqual(splitForConcat('pw,push', rules()), { ok: true, password: 'pw', factor: 'push' });
    assert.deepEqual(splitForConcat('a,b,123456', rules()), { ok: true, password: 'a,b', factor: '123456' });
    for (const bad of ['pw', 'pw,', ',push']) assert.deepEqual(splitForConcat(bad, rules()), { ok: false, message: 'Invalid Password' });
    assert.deepEqual(splitForConcat(undefined, rules()), { ok: false, message: 'No password provided' });
    assert.deepEqual(splitForConcat('', rules()), { ok: false, message: 'No password provided' });
    assert.deepEqual(splitForConcat('hunter2', rules(',', 7)), { ok: false, message: 'Invalid Password' });
    assert.deepEqual(splitForConcat('hunter2push', rules(',', 7)), { ok: true, password: 'hunter2', factor: 'push' });
  });
});

const text = fc.string({ unit: 'grapheme', maxLength: 30 });
const delimiters = fc.constantFrom(',', '|', '::', '#', 'ü');

describe('password-split – properties', () => {
  test('password-split – delimiter mode: password + delimiter + factor is the input, factor has no delimiter', () => {
    fc.assert(
      fc.property(text, delimiters, (pw, d) => {
        const s = doPasswordSplit(pw, rules(d));
        if (s.factor === undefined) {
          assert.equal(s.password, pw);
          assert.ok(!pw.includes(d));
        } else {
          assert.equal(s.password + d + s.factor, pw);
          assert.ok(!s.factor.includes(d) || d.length > 1);
        }
      }),
    );
  });

  test('password-split – length mode: the password part is the first N code points', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 20 }), delimiters, (pw, n, d) => {
        const s = doPasswordSplit(pw, rules(d, n));
        assert.equal(s.password, Array.from(pw).slice(0, n).join(''));
        const rest = Array.from(pw).slice(n).join('');
        assert.ok(s.factor === rest || (rest.startsWith(d) && s.factor === Array.from(rest).slice(1).join('')));
      }),
    );
  });

  test('password-split – concat accepts only two non-empty parts', () => {
    fc.assert(
      fc.property(fc.option(text, { nil: undefined }), delimiters, fc.nat({ max: 8 }), (pw, d, n) => {
        const s = splitForConcat(pw, rules(d, n));
        if (s.ok) {
          assert.ok(s.password.length > 0 && s.factor.length > 0);
        } else {
          assert.equal(s.message, pw ? 'Invalid Password' : 'No password provided');
        }
      }),
    );
  });

  test('password-split – auto never splits a password without the delimiter (delimiter mode)', () => {
    fc.assert(
      fc.property(text, (pw) => {
        fc.pre(!pw.includes(','));
        assert.deepEqual(splitForAuto(pw, true, rules()), { split: false });
      }),
    );
  });
});
