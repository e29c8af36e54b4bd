import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { buildDevicePrompt, type DuoDevice, deviceLabel } from '../../adapters/duo/device-prompt.ts';

const phone = (n: number, caps: string[], name = ''): DuoDevice => ({
  device: `DP${String(n).padStart(18, '0')}`,
  type: 'phone',
  number: `XXX-XXX-${String(1000 + n)}`,
  name,
  capabilities: caps,
});
const token: DuoDevice = { device: 'DH00000000000000000A', type: 'token', name: '20361492' };

describe('device prompt – examples', () => {
  test('device prompt – one phone is exactly reference §18 fact 5', () => {
    const r = buildDevicePrompt('alice', [{ device: 'DPX', type: 'phone', number: 'XXX-XXX-1234', name: '', capabilities: ['auto', 'push', 'sms', 'phone', 'mobile_otp'] }]);
    assert.equal(
      r.prompt,
      'Duo two-factor login for alice\n\nEnter a passcode or select one of the following options:\n\n 1. Duo Push to XXX-XXX-1234\n 2. Phone call to XXX-XXX-1234\n 3. SMS passcodes to XXX-XXX-1234\n\nPasscode or option (1-3): ',
    );
    assert.equal(r.prompt.length, 211);
    assert.deepEqual(r.factors, { default: 'push1', '1': 'push1', '2': 'phone1', '3': 'sms1' });
  });

  test('device prompt – two phones and a token: numbering by device, labels with names', () => {
    const r = buildDevicePrompt('bob', [phone(1, ['push', 'phone', 'sms'], 'iOS'), token, phone(2, ['phone', 'sms'])]);
    assert.equal(
      r.prompt,
      'Duo two-factor login for bob\n\nEnter a passcode or select one of the following options:\n\n' +
        ' 1. Duo Push to iOS (XXX-XXX-1001)\n 2. Phone call to iOS (XXX-XXX-1001)\n 3. SMS passcodes to iOS (XXX-XXX-1001)\n' +
        ' 4. Phone call to XXX-XXX-1002\n 5. SMS passcodes to XXX-XXX-1002\n\nPasscode or option (1-5): ',
    );
    assert.deepEqual(r.factors, { default: 'push1', '1': 'push1', '2': 'phone1', '3': 'sms1', '4': 'phone2', '5': 'sms2' });
  });

  test('device prompt – a landline first: its index still counts, default is its call', () => {
    const r = buildDevicePrompt('x', [phone(1, ['phone']), phone(2, ['push'])]);
    assert.deepEqual(r.factors, { default: 'phone1', '1': 'phone1', '2': 'push2' });
  });

  test('device prompt – only tokens: no options, empty factors', () => {
    const r = buildDevicePrompt('t', [token]);
    assert.deepEqual(r.factors, {});
    assert.equal(r.prompt, 'Duo two-factor login for t\n\nEnter a passcode: ');
  });

  test('device prompt – labels', () => {
    assert.equal(deviceLabel({ device: 'D', name: 'iOS', number: 'XXX-XXX-1111' }), 'iOS (XXX-XXX-1111)');
    assert.equal(deviceLabel({ device: 'D', name: '', number: 'XXX-XXX-1111' }), 'XXX-XXX-1111');
    assert.equal(deviceLabel({ device: 'D', name: 'iPad', number: '' }), 'iPad');
    assert.equal(deviceLabel({ device: 'D', display_name: 'Marx iPhone 13 (XXX-XXX-4788)' }), 'Marx iPhone 13 (XXX-XXX-4788)');
  });
});

const capability = fc.subarray(['auto', 'push', 'phone', 'sms', 'mobile_otp']);
const deviceArb: fc.Arbitrary<DuoDevice> = fc.oneof(
  fc.record({
    device: fc.stringMatching(/^DP[A-Z0-9]{18}$/),
    type: fc.constant('phone'),
    number: fc.stringMatching(/^XXX-XXX-\d{4}$/),
    name: fc.constantFrom('', 'iPhone', 'Work phone'),
    capabilities: capability,
  }),
  fc.record({ device: fc.stringMatching(/^DH[A-Z0-9]{18}$/), type: fc.constant('token'), name: fc.stringMatching(/^\d{8}$/) }),
);

describe('device prompt – properties', () => {
  test('device prompt – options are numbered 1..n, one line each, matching factors', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), fc.array(deviceArb, { maxLength: 8 }), (user, devices) => {
        const { prompt, factors } = buildDevicePrompt(user, devices);
        const phones = devices.filter((d) => d.type === 'phone');
        const expected = phones.flatMap((d, i) =>
          (['push', 'phone', 'sms'] as const).filter((c) => d.capabilities?.includes(c)).map((c) => `${c}${i + 1}`),
        );
        const numbered = Object.keys(factors).filter((k) => k !== 'default');
        assert.deepEqual(numbered, expected.map((_, i) => String(i + 1)));
        assert.deepEqual(numbered.map((k) => factors[k]), expected);
        assert.equal(factors['default'], expected[0]);
        assert.ok(prompt.startsWith(`Duo two-factor login for ${user}\n\n`));
        const optionLines = prompt.split('\n').filter((l) => /^ \d+\. /.test(l));
        assert.equal(optionLines.length, expected.length);
        for (const [i, l] of optionLines.entries()) assert.ok(l.startsWith(` ${i + 1}. `));
        if (expected.length > 0) assert.ok(prompt.endsWith(`\n\nPasscode or option (1-${expected.length}): `));
      }),
    );
  });

  test('device prompt – tokens never change the result', () => {
    fc.assert(
      fc.property(fc.array(deviceArb, { maxLength: 6 }), (devices) => {
        const phonesOnly = devices.filter((d) => d.type === 'phone');
        assert.deepEqual(buildDevicePrompt('u', devices), buildDevicePrompt('u', phonesOnly));
      }),
    );
  });
});
