// Text from Duo is cleaned of control characters before anyone shows it (duo_unix's escape-injection
// cases): properties over arbitrary strings, plus the sequences an attacker would use.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { cleanLine, cleanPrompt } from '../../adapters/duo/sanitize.ts';
import { harness, ok } from './support.ts';

const CONTROL = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
const CONTROL_BUT_NL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

// Strings rich in controls and escape introducers, mixed with ordinary text.
const hostile = fc.string({
  unit: fc.oneof(
    fc.constantFrom('\x1b', '\x9b', '[', ']', '\x07', '\\', '\n', '\r', '\t', '\x00', '\x7f', '\x85', '\u202e', '\u2066', 'm', ';', '3', '1'),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 80,
});
const printable = fc.string({ unit: fc.constantFrom(...'abcXYZ 019.,:()-_/é用户✓'.split('')), maxLength: 60 });

describe('duo sanitize', () => {
  test('duo sanitize – a cleaned line has no control character at all, newlines included', () => {
    fc.assert(fc.property(hostile, (s) => !CONTROL.test(cleanLine(s))));
  });

  test('duo sanitize – a cleaned prompt keeps \\n and nothing else of the controls', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const out = cleanPrompt(s);
        return !CONTROL_BUT_NL.test(out) && out.split('\n').length <= s.split('\n').length;
      }),
    );
  });

  test('duo sanitize – cleaning is idempotent', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        assert.equal(cleanLine(cleanLine(s)), cleanLine(s));
        assert.equal(cleanPrompt(cleanPrompt(s)), cleanPrompt(s));
      }),
    );
  });

  test('duo sanitize – printable text passes unchanged; a prompt keeps its newlines', () => {
    fc.assert(fc.property(printable, (s) => cleanLine(s) === s && cleanPrompt(s) === s));
    fc.assert(fc.property(fc.array(printable, { maxLength: 6 }), (lines) => cleanPrompt(lines.join('\n')) === lines.join('\n')));
  });

  test('duo sanitize – whole escape sequences go, not just the ESC byte', () => {
    assert.equal(cleanLine('\x1b[31mDenied\x1b[0m'), 'Denied');
    assert.equal(cleanLine('\x1b]0;pwned\x07Success'), 'Success');
    assert.equal(cleanLine('\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\'), 'link');
    assert.equal(cleanLine('\x9b2JClear'), 'Clear');
    assert.equal(cleanLine('line1\nline2\r'), 'line1line2');
    assert.equal(cleanLine('abc\u202eevil'), 'abcevil');
    assert.equal(cleanPrompt(' 1. Duo Push\r\n 2. \x1b[1mPhone\x1b[0m\n'), ' 1. Duo Push\n 2. Phone\n');
  });

  test('duo sanitize – the client cleans status, prompt and factors it returns', async () => {
    const { client } = harness(
      {},
      ok({ result: 'auth', status: 'Act\x1b[5mive\n', prompt: 'Duo login\x07\n\n 1. Push\x1b]0;x\x07', factors: { '1': 'push1\x1b[0m' } }),
    );
    const out = await client.preauth({ user: 'alice', ipaddr: '0.0.0.0', failmode: 'safe' });
    assert.deepEqual(out, { ok: true, value: { result: 'auth', status: 'Active', prompt: 'Duo login\n\n 1. Push', factors: { '1': 'push1' } } });
  });
});
