import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isValidIpSpec, rawIpaddr, validatedIpaddr } from '../../machines/client-ip.ts';

describe('client-ip – reference §6.1, §19.4', () => {
  test('client-ip – preauth and challenge /auth get the raw value or 0.0.0.0', () => {
    assert.equal(rawIpaddr('not-an-ip'), 'not-an-ip');
    assert.equal(rawIpaddr('10.0.0.9'), '10.0.0.9');
    assert.equal(rawIpaddr(undefined), '0.0.0.0');
    assert.equal(rawIpaddr(''), '0.0.0.0');
  });
  test('client-ip – auto/duo_only/concat /auth get a validated value or 0.0.0.0', () => {
    assert.equal(validatedIpaddr('not-an-ip'), '0.0.0.0');
    assert.equal(validatedIpaddr('10.0.0.0/24'), '10.0.0.0/24');
    assert.equal(validatedIpaddr('10.0.0.9'), '10.0.0.9');
    assert.equal(validatedIpaddr(undefined), '0.0.0.0');
  });
  const valid = [
    '10.0.0.5',
    '::1',
    '2001:db8::1',
    '::ffff:10.0.0.1',
    '10.0.0.0/24',
    '10.0.0.5/24',
    '10.0.0.0/255.255.255.0',
    '2001:db8::/32',
    '4.4.4.1-4.4.4.3',
    '4.4.4.1 - 4.4.4.3',
    '4.4.4.1-4.4.4.1',
    '2001:db8::1-2001:db8::ff',
  ];
  const invalid = [
    '',
    'not-an-ip',
    '10.0.0',
    '10.0.0.256',
    '10.0.0.0/33',
    '10.0.0.0/x',
    '10.0.0.0/255.0.255.0',
    '2001:db8::/129',
    '4.4.4.3-4.4.4.1',
    '4.4.4.1-::1',
    '4.4.4.1-',
    'alice@example.com',
    '00:11:22:33:44:55',
  ];
  for (const v of valid) test(`client-ip – valid: ${v}`, () => assert.ok(isValidIpSpec(v)));
  for (const v of invalid) test(`client-ip – invalid: ${JSON.stringify(v)}`, () => assert.ok(!isValidIpSpec(v)));

  test('client-ip – property: every IPv4 and IPv6 address, and their CIDRs, are valid', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, n) => {
        assert.ok(isValidIpSpec(ip));
        assert.ok(isValidIpSpec(`${ip}/${n}`));
      }),
    );
    fc.assert(fc.property(fc.ipV6(), (ip) => assert.ok(isValidIpSpec(ip))));
  });
  test('client-ip – property: an IPv4 range is valid iff ordered', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), (a, b) => {
        const n = (ip: string) => ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
        assert.equal(isValidIpSpec(`${a}-${b}`), n(a) <= n(b));
      }),
    );
  });
  test('client-ip – property: validatedIpaddr returns its input or 0.0.0.0', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = validatedIpaddr(s);
        assert.ok(r === s || r === '0.0.0.0');
      }),
    );
  });
});
