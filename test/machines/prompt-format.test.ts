import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  escapeHtml,
  formatHtml,
  formatPrompt,
  formatShort,
  RADIUS_TEXT_MAX_BYTES,
  splitLines,
} from '../../machines/prompt-format.ts';
import { utf8Length } from '../../machines/utf8.ts';
import { AUTH_FACTORS, CONSOLE_PROMPT } from './support.ts';

describe('prompt-format – reference facts (§9.2, §18 facts 1-8, §19.1, §19.8)', () => {
  test('prompt-format – short prompt with 3 devices (fact 1)', () => {
    const msg = formatPrompt('short', { prompt: CONSOLE_PROMPT, factors: AUTH_FACTORS });
    assert.equal(msg, "Choose a secondary factor from ('push1', 'phone1', 'sms1') or enter passcode:");
    assert.equal(msg.length, 77);
  });

  test('prompt-format – short prompt sorts keys as strings (fact 2)', () => {
    const factors: Record<string, string> = { default: 'phone1' };
    for (let i = 1; i <= 12; i++) factors[String(i)] = `phone${i}`;
    assert.equal(
      formatShort({ prompt: '', factors }),
      "Choose a secondary factor from ('phone1', 'phone10', 'phone11', 'phone12', 'phone2', 'phone3', 'phone4', 'phone5', 'phone6', 'phone7', 'phone8', 'phone9') or enter passcode:",
    );
  });

  test('prompt-format – short prompt overflow (fact 3)', () => {
    const factors: Record<string, string> = { default: 'phone1' };
    for (let i = 1; i <= 24; i++) factors[String(i)] = `phone${i}`;
    assert.equal(formatShort({ prompt: '', factors }), 'Choose a secondary factor or enter passcode:');
  });

  test('prompt-format – short prompt without devices (fact 4)', () => {
    assert.equal(formatShort({ prompt: 'x', factors: {} }), 'Enter passcode:');
  });

  test('prompt-format – console prompt unchanged (fact 5)', () => {
    assert.equal(CONSOLE_PROMPT.length, 211);
    assert.equal(formatPrompt('console', { prompt: CONSOLE_PROMPT, factors: AUTH_FACTORS }), CONSOLE_PROMPT);
  });

  test('prompt-format – html prompt (fact 6)', () => {
    const html = formatPrompt('html', { prompt: CONSOLE_PROMPT, factors: AUTH_FACTORS });
    assert.equal(
      html,
      'Duo two-factor login for alice<br><br>Enter a passcode or select one of the following options:<br><br>1. Duo Push to XXX-XXX-1234<br>2. Phone call to XXX-XXX-1234<br>3. SMS passcodes to XXX-XXX-1234<br><br>Passcode or option (1-3):',
    );
    assert.equal(html.length, 231);
  });

  test('prompt-format – html escapes & < > only (fact 7)', () => {
    assert.equal(formatHtml({ prompt: 'A & B <x> "q" \'s\'', factors: {} }), 'A &amp; B &lt;x&gt; "q" \'s\'');
  });

  test('prompt-format – console fallback at 254 characters (fact 8)', () => {
    const long = 'x'.repeat(254);
    assert.equal(formatPrompt('console', { prompt: long, factors: AUTH_FACTORS }), formatShort({ prompt: long, factors: AUTH_FACTORS }));
    const fits = 'x'.repeat(253);
    assert.equal(formatPrompt('console', { prompt: fits, factors: AUTH_FACTORS }), fits);
  });

  test('prompt-format – DEVIATION: a non-ASCII prompt ≤253 code points but >253 bytes falls back (§19.1)', () => {
    const prompt = 'ü'.repeat(200); // 200 code points, 400 bytes
    assert.equal(formatPrompt('console', { prompt, factors: AUTH_FACTORS }), formatShort({ prompt, factors: AUTH_FACTORS }));
    assert.equal(formatPrompt('html', { prompt, factors: AUTH_FACTORS }), formatShort({ prompt, factors: AUTH_FACTORS }));
  });

  test('prompt-format – realistic 5-device prompt falls back to the short list (§19.8)', () => {
    const factors = { default: 'push1', '1': 'push1', '2': 'push2', '3': 'phone1', '4': 'phone2', '5': 'sms1' };
    const prompt = `${'Duo two-factor login for alice\n\nEnter a passcode or select one of the following options:\n\n'}${[
      ' 1. Duo Push to XXX-XXX-1111',
      ' 2. Duo Push to XXX-XXX-2222',
      ' 3. Phone call to XXX-XXX-1111',
      ' 4. Phone call to XXX-XXX-2222',
      ' 5. SMS passcodes to XXX-XXX-1111',
    ].join('\n')}\n\nPasscode or option (1-5): `;
    assert.ok(prompt.length > 253);
    assert.equal(
      formatPrompt('console', { prompt, factors }),
      "Choose a secondary factor from ('push1', 'push2', 'phone1', 'phone2', 'sms1') or enter passcode:",
    );
  });

  test('prompt-format – the short list is limited in bytes too', () => {
    const factors = { default: 'ü', '1': 'ü'.repeat(100) }; // 100 code points, 200 bytes: 265 bytes in all
    assert.equal(formatShort({ prompt: '', factors }), 'Choose a secondary factor or enter passcode:');
  });

  test('prompt-format – splitlines follows Python (trailing break, \\r\\n, \\v, \\x1c, U+2028)', () => {
    assert.deepEqual(splitLines(''), []);
    assert.deepEqual(splitLines('a\n'), ['a']);
    assert.deepEqual(splitLines('a\n\nb'), ['a', '', 'b']);
    assert.deepEqual(splitLines('a\r\nb\rc\vd\x1ce\u2028f'), ['a', 'b', 'c', 'd', 'e', 'f']);
    assert.equal(formatHtml({ prompt: '\u00a0 a \u3000\n\tb\x1f', factors: {} }), 'a<br>b');
  });
});

const anyText = fc.string({ unit: 'binary', maxLength: 400 });
const factorMaps = fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ unit: 'binary', maxLength: 40 }), { maxKeys: 30 });

describe('prompt-format – properties', () => {
  test('prompt-format – every prompt fits one Reply-Message (≤253 UTF-8 bytes)', () => {
    fc.assert(
      fc.property(fc.constantFrom('console', 'html', 'short' as const), anyText, factorMaps, (format, prompt, factors) => {
        assert.ok(utf8Length(formatPrompt(format, { prompt, factors })) <= RADIUS_TEXT_MAX_BYTES);
      }),
    );
  });

  test('prompt-format – html output never carries a raw < > & from the prompt', () => {
    fc.assert(
      fc.property(anyText, (prompt) => {
        const html = formatHtml({ prompt, factors: {} });
        const withoutBreaks = html.replaceAll('<br>', '');
        assert.doesNotMatch(withoutBreaks, /[<>]/);
        assert.doesNotMatch(withoutBreaks, /&(?!amp;|lt;|gt;)/);
      }),
    );
  });

  test('prompt-format – escapeHtml is reversible', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const back = escapeHtml(s).replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
        assert.equal(back, s);
      }),
    );
  });

  test('prompt-format – short lists every non-default value once, in string order of keys', () => {
    const simple = fc.dictionary(fc.stringMatching(/^[0-9]{1,2}$/), fc.stringMatching(/^[a-z]{1,6}[0-9]$/), { minKeys: 1, maxKeys: 8 });
    fc.assert(
      fc.property(simple, (factors) => {
        const msg = formatShort({ prompt: '', factors });
        const keys = Object.keys(factors).sort();
        const expected = `Choose a secondary factor from (${keys.map((k) => `'${factors[k]}'`).join(', ')}) or enter passcode:`;
        assert.equal(msg, utf8Length(expected) > 253 ? 'Choose a secondary factor or enter passcode:' : expected);
      }),
    );
  });
});
