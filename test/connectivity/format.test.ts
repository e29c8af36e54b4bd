// The pure parts of the connectivity tool: the table and summary formatter, control-character and
// secret scrubbing, the CA bundle parser, and the [main] checks on files and a TCP listener.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { formatReport, formatSummary, formatTable, messageText, printable, wrap } from '../../ops/connectivity/format.ts';
import { checkMain, parseCaBundle } from '../../ops/connectivity/main-checks.ts';
import * as M from '../../ops/connectivity/messages.ts';
import { configSecrets, scrub } from '../../ops/connectivity/run.ts';
import type { CheckResult, CheckStatus, ConnectivityReport } from '../../ops/connectivity/types.ts';
import { makeTestCertificates } from '../harness/test-ca.ts';
import { unusedPort } from '../ldap/helpers.ts';
import { config } from './helpers.ts';

const text = fc.string({ unit: 'binary', maxLength: 60 });
const status = fc.constantFrom<CheckStatus>('ok', 'fail', 'skip');
const check: fc.Arbitrary<CheckResult> = fc.record(
  { check: text, target: text, status, message: text, hint: text, detail: text, durationMs: fc.nat() },
  { requiredKeys: ['check', 'status', 'message', 'durationMs'] },
);
const report: fc.Arbitrary<ConnectivityReport> = fc
  .array(fc.record({ section: text, type: text, summary: text, checks: fc.array(check, { maxLength: 5 }) }), { maxLength: 5 })
  .map((sections) => {
    const counts = { ok: 0, fail: 0, skip: 0 };
    const full = sections.map((s) => ({ ...s, ok: s.checks.every((c) => c.status !== 'fail') }));
    for (const s of full) for (const c of s.checks) counts[c.status]++;
    return { file: '/x/authproxy.cfg', ok: counts.fail === 0, counts, sections: full };
  });

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

describe('connectivity format', () => {
  test('connectivity format – printable: same length, no control character left', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
      const p = printable(s);
      assert.equal(p.length, s.length);
      assert.doesNotMatch(p, CONTROL);
    }));
  });

  test('connectivity format – wrap: no line wider than asked, and no word lost when every word fits', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'é', '-', '.'), minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(fc.array(word, { maxLength: 40 }), fc.integer({ min: 12, max: 80 }), (words, width) => {
        const lines = wrap(words.join(' '), width);
        for (const l of lines) assert.ok(l.length <= width, `${JSON.stringify(l)} wider than ${width}`);
        assert.deepEqual(lines.join(' ').split(' ').filter(Boolean), words);
      }),
    );
    fc.assert(fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: 1, max: 40 }), (s, width) => {
      for (const l of wrap(s, width)) assert.ok(l.length <= width);
    }));
  });

  test('connectivity format – table: a header and one line per check, no escape codes without colour, no control characters from the data', () => {
    fc.assert(
      fc.property(report, (r) => {
        const lines = formatTable(r, { color: false });
        const rows = r.sections.reduce((n, s) => n + s.checks.length, 0);
        assert.equal(lines.length, 1 + rows);
        assert.match(lines[0]!, /^SECTION +CHECK +RESULT +MESSAGE$/);
        for (const l of lines) assert.doesNotMatch(l, CONTROL);
        const labels = r.sections.flatMap((s) => s.checks.map((c) => ({ ok: 'OK', fail: 'FAIL', skip: 'SKIP' })[c.status]));
        // The RESULT column starts at the same place on every line.
        const at = lines[0]!.indexOf('RESULT');
        labels.forEach((label, i) => assert.equal(lines[i + 1]!.slice(at, at + label.length), label));
      }),
    );
  });

  test('connectivity format – colour only on the result labels; wrapped rows keep within the width', () => {
    fc.assert(
      fc.property(report, fc.integer({ min: 60, max: 200 }), (r, width) => {
        const plain = formatTable(r, { color: false, width });
        const coloured = formatTable(r, { color: true, width });
        // biome-ignore lint/suspicious/noControlCharactersInRegex: removing the colour codes
        assert.deepEqual(coloured.map((l) => l.replace(/\x1b\[\d+m/g, '')), plain);
        // The message column is wrapped to what is left of the width (at least 30 columns).
        const limit = Math.max(width, plain[0]!.indexOf('MESSAGE') + 30);
        for (const l of plain) assert.ok(l.length <= limit, `${l.length} > ${limit}: ${JSON.stringify(l)}`);
      }),
    );
  });

  test('connectivity format – the summary: one closing line per section, then SUMMARY naming the failing sections', () => {
    fc.assert(
      fc.property(report, (r) => {
        const lines = formatSummary(r);
        assert.equal(lines.length, r.sections.length + 1);
        const last = lines.at(-1)!;
        if (r.sections.every((s) => s.ok)) assert.match(last, /^SUMMARY: No issues detected \(/);
        else assert.match(last, /^SUMMARY: connectivity problems in \[/);
        assert.ok(last.endsWith(`(${r.counts.ok} OK, ${r.counts.fail} FAIL, ${r.counts.skip} SKIP)`));
      }),
    );
    const text = formatReport({ file: '/x', ok: true, counts: { ok: 0, fail: 0, skip: 1 }, sections: [
      { section: 'duo_only_client', type: 'duo_only_client', ok: true, summary: M.noTestingForSection, checks: [{ check: 'none', status: 'skip', message: M.noTestingForSection, durationMs: 0 }] },
    ] }, { color: false });
    assert.equal(text, [
      'SECTION          CHECK  RESULT  MESSAGE',
      'duo_only_client  none   SKIP    No testing to be done for section.',
      '',
      '[duo_only_client] No testing to be done for section.',
      'SUMMARY: No issues detected (0 OK, 0 FAIL, 1 SKIP)',
      '',
    ].join('\n'));
  });

  test('connectivity format – messageText: Duo\'s text, its hint after one space, then the error', () => {
    assert.equal(messageText({ message: M.credentialsFailed, hint: 'Check.', detail: 'HTTP 401: x' }), 'The Auth Proxy was not able to validate the provided API credentials. Check. (error: HTTP 401: x)');
    assert.equal(messageText({ message: 'A.', hint: 'B.' }), 'A. B.');
  });

  test('connectivity format – scrub: no secret of at least 4 characters survives anywhere in the report', () => {
    const secret = fc.string({ unit: fc.constantFrom(...'abcdefXYZ0123456789'), minLength: 4, maxLength: 12 });
    fc.assert(
      fc.property(report, fc.array(secret, { minLength: 1, maxLength: 3 }), (r, secrets) => {
        // Plant the secrets in every text field.
        const planted: ConnectivityReport = {
          ...r,
          sections: r.sections.map((s) => ({
            ...s,
            checks: s.checks.map((c) => ({ ...c, message: `${c.message}${secrets.join(' ')}`, detail: `x${secrets[0]}y`, hint: secrets.join(''), target: secrets.at(-1)! })),
          })),
        };
        const sorted = [...new Set(secrets)].sort((a, b) => b.length - a.length);
        const out = JSON.stringify(scrub(planted, sorted));
        for (const s of secrets) assert.ok(!out.includes(s), `${s} survived`);
      }),
    );
  });

  test('connectivity format – configSecrets: skeys, RADIUS secrets and the service password, never the ikey', () => {
    const cfg = config(`
      [ad_client]
      host=127.0.0.1
      service_account_username=svc
      service_account_password=ad-password-1
      search_dn=dc=example,dc=com
      [radius_client]
      host=127.0.0.1
      secret=upstream-secret-2
      [radius_server_auto]
      ikey=DIXXXXXXXXXXXXXXXXXX
      skey=${'k'.repeat(40)}
      api_host=localhost
      radius_ip_1=127.0.0.1
      radius_secret_1=device-secret-3
      client=ad_client
    `);
    assert.deepEqual(new Set(configSecrets(cfg)), new Set(['ad-password-1', 'upstream-secret-2', 'k'.repeat(40), 'device-secret-3']));
  });
});

describe('connectivity main', () => {
  let dir: string;
  let caPem: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'connectivity-main-'));
    const certs = await makeTestCertificates(dir);
    caPem = await readFile(certs.caFile, 'utf8');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('connectivity main – parseCaBundle: certificates among any text parse; text without one, or a broken one, does not', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 200 }), fc.integer({ min: 1, max: 3 }), (before, after, n) => {
        fc.pre(!before.includes('-----') && !after.includes('-----'));
        assert.deepEqual(parseCaBundle(`${before}\n${`${caPem}\n`.repeat(n)}${after}`), { ok: true, count: n });
        assert.equal(parseCaBundle(`${before}${after}`).ok, false);
      }),
    );
    const lines = caPem.trim().split('\n');
    const truncated = [...lines.slice(0, 3), lines.at(-1)].join('\n');
    assert.equal(parseCaBundle(truncated).ok, false);
  });

  test('connectivity main – the CA bundle and the HTTP proxy, each with Duo\'s texts', async (t) => {
    const good = join(dir, 'ca.pem');
    await writeFile(good, caPem);
    const junk = join(dir, 'junk.pem');
    await writeFile(junk, 'hello\n');
    const proxy = createServer((s) => s.destroy());
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    t.after(() => proxy.close());
    const proxyPort = (proxy.address() as { port: number }).port;

    const ok = await checkMain({ httpCaCertsFile: good, httpProxyHost: '127.0.0.1', httpProxyPort: proxyPort }, 2000);
    assert.deepEqual(ok.map((c) => [c.check, c.status, c.message]), [
      ['http_ca_certs_file', 'ok', `The Auth Proxy was able to validate the SSL certificate data at ${good}.`],
      ['http proxy', 'ok', `The Auth Proxy was able to establish a connection to the provided proxy 127.0.0.1:${proxyPort}.`],
    ]);

    const dead = await unusedPort();
    const bad = await checkMain({ httpCaCertsFile: junk, httpProxyHost: '127.0.0.1', httpProxyPort: dead }, 2000);
    assert.deepEqual(bad.map((c) => c.status), ['fail', 'fail']);
    assert.equal(bad[0]!.message, M.caCertsFailed(junk));
    assert.equal(bad[1]!.message, `The Auth Proxy was not able to establish a connection to the provided proxy 127.0.0.1:${dead}.`);

    const unset = await checkMain({ httpCaCertsFile: undefined, httpProxyHost: '', httpProxyPort: 80 }, 2000);
    assert.deepEqual(unset.map((c) => c.status), ['skip', 'skip']);
  });
});
