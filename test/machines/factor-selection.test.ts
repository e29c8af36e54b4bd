import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { factorForRequest, tokenizeFactor } from '../../machines/factor-selection.ts';
import type { ConfiguredFactor } from '../../machines/login-types.ts';

describe('factor-selection – reference facts (§8.3 step 2, §18 facts 22-24, §19.2)', () => {
  test('factor-selection – auto picks the default device (fact 22)', () => {
    assert.equal(factorForRequest(['auto'], { default: 'push1', '1': 'push1', '2': 'phone1' }), 'push1');
  });
  test('factor-selection – no usable factor (fact 23)', () => {
    assert.equal(factorForRequest(['push'], { default: 'phone1', '1': 'phone1' }), undefined);
  });
  test('factor-selection – passcode configured (fact 24)', () => {
    assert.equal(factorForRequest(['passcode'], { default: 'push1', '1': 'push1' }), 'passcode');
  });
  test('factor-selection – no default device: passcode if configured, else none', () => {
    assert.equal(factorForRequest(['push', 'passcode'], { '1': 'push1' }), 'passcode');
    assert.equal(factorForRequest(['push'], { '1': 'push1' }), undefined);
    assert.equal(factorForRequest(['auto'], {}), undefined);
  });
  test('factor-selection – the type name, not the device, is returned', () => {
    assert.equal(factorForRequest(['phone'], { default: 'push1', '1': 'push1', '2': 'phone2' }), 'phone');
  });
  test('factor-selection – DEVIATION: configured order decides (§19.2)', () => {
    const factors = { default: 'push1', '1': 'push1', '2': 'phone1' };
    assert.equal(factorForRequest(['phone', 'push'], factors), 'phone');
    assert.equal(factorForRequest(['push', 'phone'], factors), 'push');
    assert.equal(factorForRequest(['passcode', 'push'], factors), 'passcode');
    assert.equal(factorForRequest(['push', 'passcode'], factors), 'push');
  });
  test('factor-selection – tokenize strips whitespace and digits at both ends', () => {
    assert.equal(tokenizeFactor(' push12 '), 'push');
    assert.equal(tokenizeFactor('2phone1'), 'phone');
    assert.equal(tokenizeFactor('sms'), 'sms');
  });
});

describe('factor-selection – properties', () => {
  const configured = fc.uniqueArray(fc.constantFrom<ConfiguredFactor>('auto', 'push', 'phone', 'passcode'), { minLength: 1 });
  const device = fc.constantFrom('push1', 'push2', 'phone1', 'phone2', 'sms1', 'token');
  const preauthFactors = fc.option(
    fc.record({ default: fc.option(device, { nil: undefined }), '1': device, '2': fc.option(device, { nil: undefined }) }),
    { nil: undefined },
  );
  test('factor-selection – result is the default device, a configured type, or none', () => {
    fc.assert(
      fc.property(configured, preauthFactors, (conf, pf) => {
        const clean = pf ? Object.fromEntries(Object.entries(pf).filter(([, v]) => v !== undefined)) as Record<string, string> : undefined;
        const r = factorForRequest(conf, clean);
        if (r === undefined) return;
        if (clean?.default !== undefined && r === clean.default) {
          assert.ok(conf.includes('auto'));
          return;
        }
        assert.ok((conf as string[]).includes(r));
        if (r !== 'passcode') assert.ok(Object.values(clean ?? {}).some((v) => tokenizeFactor(v) === r));
      }),
    );
  });
});
