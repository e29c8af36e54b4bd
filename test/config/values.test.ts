// The small parsers and the formatter behind the config checks, with properties.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatProblem, type Problem } from '../../config/problems.ts';
import { editDistance } from '../../config/suggest.ts';
import { isDn, isHost, isLdapFilter, parseCodec, parseNatsUrls } from '../../config/syntax.ts';
import { parsePyBool, parsePyInt, splitList } from '../../config/values.ts';

describe('config values', () => {
  test('config values – Python int(): sign, surrounding spaces and _ between digits', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom('', ' ', '\t'), fc.boolean(), (n, pad, plus) => {
        const digits = String(Math.abs(n)).replace(/(\d)(?=(\d{3})+$)/g, '$1_');
        const text = `${pad}${n < 0 ? '-' : plus ? '+' : ''}${digits}${pad}`;
        assert.equal(parsePyInt(text), n);
      }),
    );
    for (const bad of ['', '1.5', '1e3', '0x10', '1__0', '_1', '1_', 'ten', '--1']) assert.equal(parsePyInt(bad), undefined, bad);
  });

  test('config values – Duo bool: true/false in any case, or any integer (0 is false)', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.nat(), (b, mask) => {
        const word = [...String(b)].map((c, i) => ((mask >> i) & 1 ? c.toUpperCase() : c)).join('');
        assert.equal(parsePyBool(word), b);
      }),
    );
    fc.assert(fc.property(fc.integer(), (n) => assert.equal(parsePyBool(String(n)), n !== 0)));
    for (const bad of ['yes', 'no', 'on', 'off', 't', '', 'truee']) assert.equal(parsePyBool(bad), undefined, bad);
  });

  test('config values – comma lists keep the configured order, drop empties and duplicates', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd', '', ' '), { maxLength: 10 }), (items) => {
        const { items: got } = splitList(items.join(','));
        const want = [...new Set(items.map((i) => i.trim()).filter((i) => i !== ''))];
        assert.deepEqual(got, want);
      }),
    );
  });

  const attr = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,8}$/);
  const dnValue = fc.string({ unit: fc.constantFrom(...'abcXYZ 19.-_'.split('')), minLength: 1, maxLength: 8 });
  const escaped = fc.constantFrom('\\,', '\\+', '\\=', '\\\\', '\\2C');

  test('config values – distinguished names with escapes and multi-valued RDNs are valid', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.tuple(attr, dnValue, fc.option(escaped)), { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 4 }), (rdns) => {
        const dn = rdns.map((avas) => avas.map(([a, v, e]) => `${a}=${v}${e ?? ''}`).join('+')).join(',');
        assert.ok(isDn(dn), dn);
      }),
    );
    for (const bad of ['example.com', 'CN=x,', '=x', 'CN=x,DC', 'CN=x\\', 'CN="x']) assert.equal(isDn(bad), false, bad);
  });

  const filter: fc.Arbitrary<string> = fc.letrec((tie) => ({
    f: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.tuple(attr, fc.constantFrom('=', '~=', '>=', '<='), fc.stringMatching(/^[A-Za-z0-9*=,. ]{0,10}$/)).map(([a, op, v]) => `(${a}${op}${v})`),
      fc.tuple(fc.constantFrom('&', '|'), fc.array(tie('f') as fc.Arbitrary<string>, { minLength: 1, maxLength: 3 })).map(([op, fs]) => `(${op}${fs.join('')})`),
      (tie('f') as fc.Arbitrary<string>).map((f) => `(!${f})`),
    ),
  })).f;

  test('config values – LDAP filters: generated ones are valid; cutting one short is not', () => {
    fc.assert(
      fc.property(filter, (f) => {
        assert.ok(isLdapFilter(f), f);
        assert.equal(isLdapFilter(f.slice(0, -1)), false, f.slice(0, -1));
      }),
    );
    for (const bad of ['memberOf=x', '()', '(&)', '(a=(b))', '(a=b)(c=d)']) assert.equal(isLdapFilter(bad), false, bad);
  });

  test('config values – hosts: names and IPs, never a URL or host:port', () => {
    for (const good of ['localhost', 'api-xxxx.duosecurity.com', 'dc_1.corp.local', '10.0.0.1', '::1', 'fe80::1', 'example.com.']) assert.ok(isHost(good), good);
    for (const bad of ['', 'https://x', 'x:443', 'a b', 'x/y', '-x.com', 'x..com']) assert.equal(isHost(bad), false, bad);
  });

  test('config values – Python codec names, whatever the case and separators', () => {
    fc.assert(
      fc.property(fc.constantFrom(['utf-8', 'utf-8'], ['UTF8', 'utf-8'], ['utf_8', 'utf-8'], ['Latin-1', 'latin-1'], ['ISO-8859-1', 'latin-1'], ['iso8859_1', 'latin-1'], ['ascii', 'ascii'], ['US-ASCII', 'ascii']), ([name, want]) => {
        assert.equal(parseCodec(name), want);
      }),
    );
    for (const bad of ['cp1252', 'utf-16', 'klingon', '']) assert.equal(parseCodec(bad), undefined, bad);
  });

  test('config values – NATS URL lists', () => {
    assert.deepEqual(parseNatsUrls('nats://a:4222, tls://b:4443 ,c:4222'), ['nats://a:4222', 'tls://b:4443', 'c:4222']);
    for (const bad of ['http://a', ',', 'nats://', 'nats://a b']) assert.equal(parseNatsUrls(bad), undefined, bad);
  });

  test('config values – edit distance: zero on itself, symmetric, one per typo, swaps count once', () => {
    const word = fc.stringMatching(/^[a-z_]{0,12}$/);
    fc.assert(
      fc.property(word, word, (a, b) => {
        assert.equal(editDistance(a, a), 0);
        assert.equal(editDistance(a, b), editDistance(b, a));
        assert.ok(editDistance(a, b) <= Math.max(a.length, b.length));
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{2,12}$/), fc.nat(), (w, at) => {
        const i = at % (w.length - 1);
        if (w[i] === w[i + 1]) return;
        assert.equal(editDistance(w, w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2)), 1);
        assert.equal(editDistance(w, w.slice(0, i) + w.slice(i + 1)), 1);
      }),
    );
  });

  test('config values – a problem always prints on one line as FILE:LINE [section] option: message; fix', () => {
    const text = fc.string({ unit: fc.constantFrom(...'ab \n\r\t;:.'.split('')), minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(fc.nat(5000), fc.stringMatching(/^[a-z_]{1,10}$/), fc.stringMatching(/^[a-z_0-9]{0,10}$/), text, text, fc.constantFrom('error' as const, 'warning' as const), (line, section, option, message, fix, severity) => {
        const p: Problem = { file: 'a.cfg', line, section, option, severity, message, fix };
        const out = formatProblem(p);
        assert.doesNotMatch(out, /[\r\n]/);
        assert.ok(out.startsWith(line > 0 ? `a.cfg:${line} [${section}]` : `a.cfg [${section}]`), out);
        if (option) assert.ok(out.includes(`] ${option}: `), out);
      }),
    );
    const w: Problem = { file: 'a.cfg', line: 3, section: 's', option: 'o', severity: 'warning', message: 'm', fix: 'f' };
    assert.equal(formatProblem(w), 'a.cfg:3 [s] o: warning: m; f');
    assert.equal(formatProblem({ ...w, severity: 'error', section: '', option: '', line: 0 }), 'a.cfg: m; f');
  });
});
