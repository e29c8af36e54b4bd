// scripts/check-secrets.ts, which scripts/test.sh runs over the whole suite's output and temporary files.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { findSecrets, testSecrets } from '../../scripts/check-secrets.ts';

test('check-secrets – the test constants are found, expected outcomes are not secrets', () => {
  const src = `const SKEY = 'abcdefghij0123456789';\nconst RADIUS_SECRET = 'dev-secret-1';\nconst BAD_PASSWORD = 'fail: nope';\nconst PASSCODE = '12345';\n`;
  assert.deepEqual(testSecrets([src]), ['abcdefghij0123456789', 'dev-secret-1']);
  // This very suite defines some, e.g. the e2e stack's.
  assert.ok(testSecrets([readFileSync(new URL('../e2e/stack.ts', import.meta.url), 'utf8')]).includes('e2e-secret'));
});

test('check-secrets – any secret anywhere in any text is found, with its line; a text without it is clean', () => {
  fc.assert(
    fc.property(fc.string(), fc.string({ minLength: 6, maxLength: 20 }), fc.string(), (before, secret, afterText) => {
      const hits = findSecrets(`${before}${secret}${afterText}`, [secret]);
      assert.ok(hits.length >= 1 && hits.every((h) => h.secret === secret));
      const clean = before.split(secret).join('');
      if (!clean.includes(secret)) assert.deepEqual(findSecrets(clean, [secret]), []);
    }),
  );
});
