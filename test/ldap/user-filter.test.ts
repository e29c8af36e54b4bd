import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { AndFilter, BerReader, BerWriter, EqualityFilter, type Filter, FilterParser, OrFilter } from 'ldapts';
import {
  groupFilter,
  normaliseUsername,
  ntlmIdentity,
  parseLdapFilter,
  pickEntry,
  ridFromSid,
  userFilter,
} from '../../adapters/ldap/user-filter.ts';

const AD = { usernameAttribute: 'sAMAccountName', atAttribute: 'userPrincipalName', ntlmDomain: 'CORP' };

/** What goes on the wire: the filter as BER, parsed back by ldapts' own BER filter parser. */
function roundTrip(f: Filter): Filter {
  const w = new BerWriter();
  f.write(w);
  return FilterParser.parse(new BerReader(w.buffer));
}

/** Every equality assertion in a filter tree. */
function equalities(f: Filter): EqualityFilter[] {
  if (f instanceof EqualityFilter) return [f];
  if (f instanceof AndFilter || f instanceof OrFilter) return f.filters.flatMap(equalities);
  return [];
}

// Usernames with every character that means something in a filter or a DN, plus any Unicode.
const nasty = fc.string({
  unit: fc.oneof(fc.constantFrom('*', '(', ')', '\\', '\0', '&', '|', '!', '=', '@', ',', '<', '>', '~'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })),
  maxLength: 40,
});

describe('ldap user filter', () => {
  test('user filter – DOMAIN\\user is split only for sAMAccountName; @ switches to at_attribute', () => {
    assert.deepEqual(normaliseUsername('alice', AD), { attribute: 'sAMAccountName', value: 'alice', domain: 'CORP', principalName: 'alice' });
    assert.deepEqual(normaliseUsername('TEST\\alice', AD), { attribute: 'sAMAccountName', value: 'alice', domain: 'TEST', principalName: 'TEST\\alice' });
    assert.deepEqual(normaliseUsername('alice@test.local', AD), {
      attribute: 'userPrincipalName',
      value: 'alice@test.local',
      domain: 'CORP',
      principalName: 'alice@test.local',
    });
    // Split at the first backslash, then @ in what remains.
    assert.deepEqual(normaliseUsername('T\\a\\b@x', AD), { attribute: 'userPrincipalName', value: 'a\\b@x', domain: 'T', principalName: 'T\\a\\b@x' });
    // Case-insensitive attribute name.
    assert.equal(normaliseUsername('T\\bob', { ...AD, usernameAttribute: 'samaccountname' }).value, 'bob');
    // Not sAMAccountName: no split.
    assert.deepEqual(normaliseUsername('T\\bob', { ...AD, usernameAttribute: 'uid' }), { attribute: 'uid', value: 'T\\bob', domain: 'CORP', principalName: 'T\\bob' });
  });

  test('user filter – any username becomes exactly one equality on the search attribute, on the wire', () => {
    fc.assert(
      fc.property(nasty, fc.constantFrom('sAMAccountName', 'uid'), (username, attr) => {
        const lookup = normaliseUsername(username, { ...AD, usernameAttribute: attr });
        const sent = roundTrip(userFilter(lookup, groupFilter('CN=VPN,DC=x', 1105), undefined));
        assert.ok(sent instanceof AndFilter);
        const [first, group, person, ...rest] = sent.filters;
        assert.equal(rest.length, 0);
        assert.ok(first instanceof OrFilter && first.filters.length === 1);
        const eq = first.filters[0];
        assert.ok(eq instanceof EqualityFilter);
        assert.equal(eq.attribute, lookup.attribute.toLowerCase());
        assert.equal(eq.value, lookup.value);
        // The value reached no other part of the filter.
        assert.deepEqual(equalities(group!).map((e) => [e.attribute, e.value]), [['memberof', 'CN=VPN,DC=x'], ['primarygroupid', '1105']]);
        assert.equal(equalities(person!).length, 4);
        // In text form (logs) the value is escaped per RFC 4515: no raw filter syntax left in it.
        const text = new EqualityFilter({ attribute: lookup.attribute, value: lookup.value }).toString();
        assert.doesNotMatch(text.slice(lookup.attribute.length + 2, -1), /[()*\0]/);
      }),
      { numRuns: 300 },
    );
  });

  test('user filter – an injection attempt stays a literal value', () => {
    const lookup = normaliseUsername('*)(sAMAccountName=*', AD);
    const f = userFilter(lookup, undefined, undefined);
    assert.equal(f.toString().startsWith('(&(|(sAMAccountName=\\2a\\29\\28sAMAccountName=\\2a))'), true);
    const sent = roundTrip(f) as AndFilter;
    assert.equal(equalities(sent).filter((e) => e.attribute === 'samaccountname').length, 1);
  });

  test('user filter – ldap_filter is ANDed last; an unparsable one is reported', () => {
    const parsed = parseLdapFilter('(department=IT)');
    assert.ok(parsed.ok);
    const f = userFilter(normaliseUsername('bob', AD), undefined, parsed.filter);
    assert.equal(
      f.toString(),
      '(&(|(sAMAccountName=bob))(|(&(objectClass=user)(objectCategory=person))(objectClass=inetOrgPerson)(objectClass=organizationalPerson))(department=IT))',
    );
    const bad = parseLdapFilter('(department=IT');
    assert.equal(bad.ok, false);
  });

  test('user filter – group clause is memberof, plus primarygroupid when the RID is known', () => {
    assert.equal(groupFilter('CN=G,DC=x', 513).toString(), '(|(memberof=CN=G,DC=x)(primarygroupid=513))');
    assert.equal(groupFilter('CN=G,DC=x', undefined).toString(), '(|(memberof=CN=G,DC=x))');
  });

  test('user filter – the RID is the last sub-authority of a well-formed SID', () => {
    // S-1-5-21-1-2-3-1105
    const sid = Buffer.from('010500000000000515000000010000000200000003000000' + '51040000', 'hex');
    assert.equal(ridFromSid(sid), 1105);
    assert.equal(ridFromSid(sid.subarray(0, sid.length - 1)), undefined);
    assert.equal(ridFromSid(Buffer.from('0200', 'hex')), undefined);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 15 }), (subs) => {
        const b = Buffer.alloc(8 + subs.length * 4);
        b[0] = 1;
        b[1] = subs.length;
        b[7] = 5;
        for (const [i, s] of subs.entries()) b.writeUInt32LE(s, 8 + i * 4);
        assert.equal(ridFromSid(b), subs.at(-1));
      }),
    );
  });

  test('user filter – several matches narrow to the one whose msDS-PrincipalName is the typed name', () => {
    const a = { dn: 'CN=a,OU=one', 'msDS-PrincipalName': 'ONE\\dup' };
    const b = { dn: 'CN=b,OU=two', 'msds-principalname': 'TWO\\dup' };
    assert.equal(pickEntry([a], 'whatever'), a);
    assert.equal(pickEntry([a, b], 'two\\DUP'), b);
    assert.equal(pickEntry([a, b], 'dup'), undefined);
    assert.equal(pickEntry([], 'dup'), undefined);
    assert.equal(pickEntry([a, { ...b, 'msds-principalname': 'ONE\\dup' }], 'ONE\\dup'), undefined);
  });

  test('user filter – the NTLM identity comes from msDS-PrincipalName when present', () => {
    const lookup = normaliseUsername('alice@test.local', AD);
    assert.deepEqual(ntlmIdentity({ dn: 'x', 'msDS-PrincipalName': 'TEST\\alice' }, lookup), { username: 'alice', domain: 'TEST' });
    assert.deepEqual(ntlmIdentity({ dn: 'x', 'msDS-PrincipalName': [] }, lookup), { username: 'alice@test.local', domain: 'CORP' });
  });
});
