// The generated dictionary and the attribute helpers (build, read, VSAs, redacted formatting).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatAttributes } from '../../adapters/radius/attribute-format.ts';
import { attr, buildAttribute, decodeValue, entries, findString, findValues } from '../../adapters/radius/attributes.ts';
import { attributeByCode, DICTIONARIES, lookupAttribute, vendorId } from '../../adapters/radius/dictionary/index.ts';

describe('radius dictionary', () => {
  test('radius dictionary – lookup by name (any case) and by (vendor, type)', () => {
    assert.equal(lookupAttribute('user-name')?.type, 1);
    assert.equal(lookupAttribute('USER-PASSWORD')?.encrypt, 1);
    assert.equal(lookupAttribute('Cisco-AVPair')?.vendorId, 9);
    assert.equal(attributeByCode(311, 26)?.name, 'MS-CHAP2-Success');
    assert.equal(attributeByCode(25461, 7)?.name, 'PaloAlto-Client-Source-IP');
    assert.equal(attributeByCode(2636, 1)?.name, 'Juniper-Local-User-Name');
    assert.equal(attributeByCode(12356, 1)?.name, 'Fortinet-Group-Name');
    assert.equal(attributeByCode(0, 80)?.name, 'Message-Authenticator');
    assert.equal(vendorId('microsoft'), 311);
    assert.equal(lookupAttribute('No-Such-Attribute'), undefined);
    assert.equal(lookupAttribute('Service-Type')?.values?.['Login-User'], 1);
  });

  test('radius dictionary – VSA layout of attr(): vendor id, vendor type, vendor length, data', () => {
    const a = attr('Cisco-AVPair', 'shell:priv-lvl=15');
    const v = Buffer.from(a.value, 'base64');
    assert.equal(a.type, 26);
    assert.deepEqual([...v.subarray(0, 6)], [0, 0, 0, 9, 1, 2 + 17]);
    assert.equal(v.subarray(6).toString(), 'shell:priv-lvl=15');
    assert.equal(findString([a], 'cisco-avpair'), 'shell:priv-lvl=15');
    assert.deepEqual(findValues([attr('Class', Buffer.from([1, 2, 3]))], 'Class'), [Buffer.from([1, 2, 3])]);
  });

  test('radius dictionary – typed values: names, integers, addresses, dates', () => {
    const list = [
      attr('Service-Type', 'Login-User'),
      attr('NAS-Port', 7),
      attr('NAS-IP-Address', '192.0.2.1'),
      attr('NAS-IPv6-Address', '2001:db8::1'),
      attr('Event-Timestamp', new Date(1_000_000_000_000)),
      attr('Tunnel-Type', 'VLAN'),
    ];
    const got = entries(list).map((e) => decodeValue(e.def, e.value));
    assert.deepEqual(got, [1, 7, '192.0.2.1', '2001:db8::1', 1_000_000_000, 13]);
    assert.equal(buildAttribute('NAS-Port', -1).ok, false);
    assert.equal(buildAttribute('NAS-IP-Address', '::1').ok, false);
    assert.equal(buildAttribute('Service-Type', 'No-Such-Value').ok, false);
    assert.equal(buildAttribute('Nope', 'x').ok, false);
    assert.throws(() => attr('Nope', 'x'), TypeError);
    assert.equal(buildAttribute('Reply-Message', 'x'.repeat(254)).ok, false);
  });

  test('radius dictionary – every integer, address and string attribute round-trips through build/read', () => {
    const defs = DICTIONARIES.flatMap((d) => d.attributes).filter((d) => !d.hasTag && !d.size);
    const ints = defs.filter((d) => d.valueType === 'integer').map((d) => d.name);
    const strs = defs.filter((d) => d.valueType === 'string').map((d) => d.name);
    const ips = defs.filter((d) => d.valueType === 'ipaddr').map((d) => d.name);
    fc.assert(
      fc.property(fc.constantFrom(...ints), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (name, n) => {
        assert.deepEqual(entries([attr(name, n)]).map((e) => decodeValue(e.def, e.value)), [n]);
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...strs), fc.string({ unit: 'grapheme', maxLength: 60 }), (name, s) => {
        const e = entries([attr(name, s)]);
        // Aliases share a number (Juniper-Junosspace-Profile/-Profiles): compare the code, not the name.
        const def = lookupAttribute(name)!;
        assert.deepEqual([e[0]!.vendorId, e[0]!.type], [def.vendorId, def.type]);
        assert.equal(decodeValue(e[0]!.def, e[0]!.value), s);
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...ips), fc.ipV4(), (name, ip) => {
        assert.deepEqual(entries([attr(name, ip)]).map((e) => decodeValue(e.def, e.value)), [ip.replace(/(^|\.)0+(\d)/g, '$1$2')]);
      }),
    );
  });

  test('radius dictionary – formatting for logs never shows a password or MS-CHAP response', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4, maxLength: 40 }).filter((s) => /^[a-z0-9]+$/i.test(s)), (pw) => {
        const list = [
          attr('User-Name', 'alice'),
          attr('User-Password', pw),
          attr('MS-CHAP2-Response', Buffer.from(pw)),
          attr('Tunnel-Password', Buffer.from(pw)),
          attr('CHAP-Password', Buffer.from(pw)),
        ];
        const text = formatAttributes(list);
        assert.ok(!text.includes(pw), text);
        assert.ok(!text.includes(Buffer.from(pw).toString('hex')));
        assert.match(text, /^User-Name="alice", User-Password=<redacted>, MS-CHAP2-Response=<redacted>/);
      }),
    );
    assert.equal(formatAttributes([{ type: 250, value: 'AQI=' }, attr('Cisco-AVPair', 'a=b')]), 'Attr-250=0x0102, Cisco-AVPair="a=b"');
  });

  test('radius dictionary – generated files match the FreeRADIUS dictionaries (gen-dictionary --check)', { skip: !existsSync('/usr/share/freeradius') && 'freeradius-common absent' }, () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/gen-dictionary.ts', '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /up to date/);
  });
});
