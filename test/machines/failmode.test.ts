import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { failmodeDecision, shouldFailOpen } from '../../machines/failmode.ts';

describe('failmode – reference §7', () => {
  test('failmode – safe + fail-open error allows with the Safe text', () => {
    assert.deepEqual(failmodeDecision('safe', { failOpen: true }), {
      allow: true,
      message: 'Failmode Safe - Allowed Duo login on preauth failure',
    });
  });
  test('failmode – safe + fail-closed error denies with the Secure text', () => {
    assert.deepEqual(failmodeDecision('safe', { failOpen: false }), {
      allow: false,
      message: 'Failmode Secure - Denied Duo login on preauth failure',
    });
  });
  test('failmode – secure always denies', () => {
    for (const failOpen of [true, false]) {
      assert.deepEqual(failmodeDecision('secure', { failOpen }), {
        allow: false,
        message: 'Failmode Secure - Denied Duo login on preauth failure',
      });
      assert.equal(failmodeDecision('secure', { failOpen }, true).allow, false);
    }
  });
  test('failmode – primary-only mode opens in safe mode with its own text', () => {
    assert.deepEqual(failmodeDecision('safe', { failOpen: false }, true), {
      allow: true,
      message: 'Primary Only Mode - Secondary authentication bypassed',
    });
  });
  test('failmode – property: open iff safe and (fail-open or primary-only)', () => {
    fc.assert(
      fc.property(fc.constantFrom('safe', 'secure' as const), fc.boolean(), fc.boolean(), (mode, failOpen, primaryOnly) => {
        assert.equal(shouldFailOpen(mode, { failOpen }, primaryOnly), mode === 'safe' && (failOpen || primaryOnly));
        assert.equal(failmodeDecision(mode, { failOpen }, primaryOnly).allow, shouldFailOpen(mode, { failOpen }, primaryOnly));
      }),
    );
  });
});
