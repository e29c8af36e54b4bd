// radius_ip_N parsing and the most-specific client match (reference §1, §4.1, facts 41-42).
import assert from 'node:assert/strict';
import { isIPv6 } from 'node:net';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  type Cidr,
  cidrContains,
  type ClientSection,
  createClientMatcher,
  formatCidr,
  formatIp,
  parseIp,
  parseNetwork,
} from '../../adapters/radius/networks.ts';

const v4 = (n: number) => formatIp({ family: 4, value: BigInt(n >>> 0) });
const cidrs = (s: string): Cidr[] => {
  const r = parseNetwork(s);
  assert.ok(r.ok, `${s}: ${r.ok ? '' : r.error}`);
  return r.cidrs;
};

describe('radius networks', () => {
  test('radius networks – the forms Duo accepts', () => {
    assert.deepEqual(cidrs('4.4.4.1-4.4.4.3').map(formatCidr), ['4.4.4.1/32', '4.4.4.2/31']);
    assert.deepEqual(cidrs('10.0.0.5/24').map(formatCidr), ['10.0.0.0/24']);
    assert.deepEqual(cidrs('10.0.0.0/255.255.255.0').map(formatCidr), ['10.0.0.0/24']);
    assert.deepEqual(cidrs(' 192.0.2.7 ').map(formatCidr), ['192.0.2.7/32']);
    assert.deepEqual(cidrs('2001:db8::5/64').map(formatCidr), ['2001:db8::/64']);
    assert.deepEqual(cidrs('2001:db8::1 - 2001:db8::2').map(formatCidr), ['2001:db8::1/128', '2001:db8::2/128']);
    assert.deepEqual(cidrs('::ffff:10.1.2.3').map(formatCidr), ['10.1.2.3/32']);
    assert.deepEqual(cidrs('0.0.0.0-255.255.255.255').map(formatCidr), ['0.0.0.0/0']);
  });

  test('radius networks – invalid values are errors, never exceptions', () => {
    for (const bad of ['', 'x', '10.0.0.256', '10.0.0.0/33', '10.0.0.0/255.0.255.0', '10.0.0.2-10.0.0.1', '10.0.0.1-::1', 'fe80::1%eth0', '1.2.3.4/abc', '1.2.3']) {
      const r = parseNetwork(bad);
      assert.equal(r.ok, false, bad);
      assert.ok(!r.ok && r.error.length > 0);
    }
  });

  test('radius networks – fact 41: 4.4.4.1-4.4.4.3 accepts .1 to .3 and not .4', () => {
    const m = createClientMatcher([{ section: 's', clients: [{ cidrs: cidrs('4.4.4.1-4.4.4.3'), secret: 'k' }] }]);
    for (const ip of ['4.4.4.1', '4.4.4.2', '4.4.4.3']) assert.equal(m.match(ip)?.section, 's');
    assert.equal(m.match('4.4.4.4'), undefined);
    assert.equal(m.match('4.4.4.0'), undefined);
  });

  test('radius networks – fact 42: most specific network across sections; IPv4-mapped sources', () => {
    const m = createClientMatcher([
      { section: 'A', clients: [{ cidrs: cidrs('10.0.0.0/8'), secret: 'a' }] },
      { section: 'B', clients: [{ cidrs: cidrs('10.1.0.0/16'), secret: 'b' }] },
    ]);
    assert.deepEqual([m.match('10.1.2.3')?.section, m.match('10.1.2.3')?.secret], ['B', 'b']);
    assert.equal(m.match('10.2.0.1')?.section, 'A');
    assert.equal(m.match('::ffff:10.1.2.3')?.section, 'B');
    assert.equal(m.match('11.0.0.1'), undefined);
    assert.equal(m.match('not an ip'), undefined);
  });

  test('radius networks – a range becomes exactly its addresses, in the fewest aligned CIDRs', () => {
    // Small space near a random base, so a brute-force check of every address is cheap.
    const arb = fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 600 }), fc.nat(300), fc.nat(200)).map(([b, x, y]) => [b + x, b + x + y] as const);
    fc.assert(
      fc.property(arb, ([lo, hi]) => {
        const list = cidrs(`${v4(lo)}-${v4(hi)}`);
        for (let a = Math.max(0, lo - 3); a <= hi + 3; a++) {
          const inside = list.some((c) => cidrContains(c, { family: 4, value: BigInt(a) }));
          assert.equal(inside, a >= lo && a <= hi, v4(a));
        }
        // Minimal: no two neighbouring blocks of one size could merge into an aligned block of twice the size.
        for (let i = 1; i < list.length; i++) {
          const [p, q] = [list[i - 1]!, list[i]!];
          const size = 1n << BigInt(32 - p.prefix);
          const mergeable = p.prefix === q.prefix && p.prefix > 0 && p.network % (2n * size) === 0n && p.network + size === q.network;
          assert.equal(mergeable, false);
        }
      }),
    );
  });

  test('radius networks – CIDR values are normalised to the network address', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }), (a, p) => {
        const [c] = cidrs(`${v4(a)}/${p}`);
        const mask = p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0;
        assert.equal(c!.network, BigInt((a & mask) >>> 0));
        assert.equal(c!.prefix, p);
        assert.ok(cidrContains(c!, { family: 4, value: BigInt(a) }));
      }),
    );
  });

  test('radius networks – IPv6 text round trip', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), (v) => {
        const text = formatIp({ family: 6, value: v });
        assert.ok(isIPv6(text), text);
        assert.equal(parseIp(text)?.value, v);
      }),
    );
  });

  test('radius networks – matcher equals a brute-force oracle (most specific; ties go to the later section)', () => {
    // Networks inside 10.0.0.0/27 with prefixes 27..32, so every address of the space can be checked.
    const net = fc.tuple(fc.nat(31), fc.integer({ min: 27, max: 32 })).map(([host, p]) => `10.0.0.${host}/${p}`);
    const section = fc.array(fc.tuple(net, fc.string({ minLength: 1, maxLength: 4 })), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(fc.array(section, { minLength: 1, maxLength: 4 }), (secs) => {
        const config: ClientSection[] = secs.map((clients, i) => ({
          section: `s${i}`,
          clients: clients.map(([n, secret]) => ({ cidrs: cidrs(n), secret })),
        }));
        const m = createClientMatcher(config);
        for (let host = 0; host < 40; host++) {
          const ip = v4(0x0a000000 + host);
          let best: { section: string; secret: string; prefix: number } | undefined;
          for (const s of config)
            for (const c of s.clients)
              for (const cidr of c.cidrs)
                if (cidrContains(cidr, { family: 4, value: BigInt(0x0a000000 + host) }) && (best === undefined || cidr.prefix >= best.prefix))
                  best = { section: s.section, secret: c.secret, prefix: cidr.prefix };
          const got = m.match(ip);
          assert.deepEqual(got && { section: got.section, secret: got.secret }, best && { section: best.section, secret: best.secret }, ip);
        }
      }),
    );
  });
});
