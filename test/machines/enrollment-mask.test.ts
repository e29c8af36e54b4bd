// Enrollment links in what people and machines read (events, logs, dashboard, packet dumps): the code
// that lets its holder enrol a phone as the user is masked; the rest of the text is kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { describeAttributes } from '../../adapters/radius/attribute-format.ts';
import { maskEnrollmentCodes } from '../../machines/redact.ts';

test('enrollment mask – the code of a Duo enrollment link is masked, the link and the words kept', () => {
  assert.equal(
    maskEnrollmentCodes('Please enroll at https://api-x.duosecurity.com/portal?code=a1b2c3d4e5&akey=DAKEY123'),
    'Please enroll at https://api-x.duosecurity.com/portal?code=…&akey=…',
  );
  assert.equal(maskEnrollmentCodes('Login request denied.'), 'Login request denied.');
});

test('enrollment mask – for any code, the code never survives and text without a link is unchanged', () => {
  fc.assert(
    fc.property(fc.string(), fc.stringMatching(/^[A-Za-z0-9_-]{6,40}$/), fc.string(), (before, code, after) => {
      const masked = maskEnrollmentCodes(`${before} https://h/portal?code=${code} ${after}`);
      assert.ok(!masked.includes(`code=${code}`));
      if (!/[?&](code|token|akey)=/i.test(before + after)) assert.equal(maskEnrollmentCodes(before + after), before + after);
    }),
  );
});

test('enrollment mask – a debug packet dump of the Reply-Message masks it too', () => {
  const text = 'Please enroll at https://h/portal?code=secretcode42';
  const [line] = describeAttributes([{ type: 18, value: Buffer.from(text).toString('base64') }]);
  assert.equal(line, 'Reply-Message="Please enroll at https://h/portal?code=…"');
});
