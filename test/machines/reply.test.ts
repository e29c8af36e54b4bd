import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { classAttributes, classValue } from '../../machines/class-attribute.ts';
import {
  acceptReply,
  challengeReply,
  clampReplyMessage,
  REPLY_MESSAGE_MAX_BYTES,
  rejectReply,
  splitReplyMessage,
} from '../../machines/reply.ts';
import { utf8Length } from '../../machines/utf8.ts';
import { attr, b64 } from './support.ts';

describe('reply – building replies (§5.2)', () => {
  test('reply – a Reply-Message replaces a carried one; other attributes stay in order', () => {
    const carried = [attr(25, 'c1'), attr(18, 'upstream says hi'), attr(26, 'vsa')];
    const r = acceptReply('Success', carried);
    assert.deepEqual(r, { kind: 'reply', code: 2, replyMessage: 'Success', attributes: [attr(25, 'c1'), attr(26, 'vsa')] });
  });
  test('reply – an empty message adds nothing and keeps a carried Reply-Message', () => {
    const carried = [attr(18, 'upstream')];
    assert.deepEqual(rejectReply('', carried), { kind: 'reply', code: 3, attributes: carried });
    assert.deepEqual(rejectReply(undefined), { kind: 'reply', code: 3, attributes: [] });
  });
  test('reply – a challenge carries only its prompt (the engine adds State)', () => {
    assert.deepEqual(challengeReply('Enter passcode:'), { kind: 'reply', code: 11, replyMessage: 'Enter passcode:', attributes: [] });
  });
});

// 1-, 2-, 3- and 4-byte characters and lone surrogates (cheaper to generate than unit 'binary').
const mixedText = (maxLength: number) => fc.string({ unit: fc.constantFrom('a', 'ü', '€', '😀', '\uD800', '\uDC00', '\n'), maxLength });

describe('reply – Reply-Message split (DEVIATION: over 253 bytes is split, not dropped)', () => {
  test('reply – 600 ASCII characters give 253 + 253 + 94', () => {
    assert.deepEqual(
      splitReplyMessage('a'.repeat(600)).map((c) => c.length),
      [253, 253, 94],
    );
  });
  test('reply – a surrogate pair at the 253rd unit stays whole', () => {
    const text = `${'a'.repeat(252)}😀${'b'.repeat(10)}`;
    const chunks = splitReplyMessage(text);
    assert.deepEqual(chunks, ['a'.repeat(252), `😀${'b'.repeat(10)}`]);
  });
  test('reply – a multi-byte character is never cut', () => {
    const chunks = splitReplyMessage('ü'.repeat(200)); // 400 bytes
    assert.deepEqual(chunks.map(utf8Length), [252, 148]);
  });
  test('reply – property: chunks ≤253 bytes, non-empty, joined = the clamped message ≤ the cap', () => {
    fc.assert(
      fc.property(mixedText(1500), (s) => {
        const chunks = splitReplyMessage(s);
        for (const c of chunks) {
          assert.ok(utf8Length(c) <= 253 && c.length > 0);
        }
        assert.equal(chunks.join(''), clampReplyMessage(s));
        assert.ok(utf8Length(clampReplyMessage(s)) <= REPLY_MESSAGE_MAX_BYTES);
        assert.ok(s.startsWith(clampReplyMessage(s)));
      }),
    );
  });
  test('reply – property: replies never carry more than the cap', () => {
    fc.assert(
      fc.property(mixedText(1500), (s) => {
        const r = acceptReply(s);
        assert.ok(r.kind === 'reply' && utf8Length(r.replyMessage ?? '') <= REPLY_MESSAGE_MAX_BYTES);
      }),
    );
  });
});

describe('class-attribute – duo_only Class (§10 step 6, §19.10)', () => {
  test('class-attribute – OU=<first group>; in UTF-8', () => {
    assert.equal(classValue(['VPN', 'Other']), 'OU=VPN;');
    assert.deepEqual(classAttributes(['Gruppe-ü']), [{ type: 25, value: b64('OU=Gruppe-ü;') }]);
  });
  test('class-attribute – no or empty groups: no Class', () => {
    assert.deepEqual(classAttributes(undefined), []);
    assert.deepEqual(classAttributes([]), []);
  });
});
