import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { Client, EqualityFilter } from 'ldapts';
import { escapeDnValue, ldifLine } from './ldif.ts';
import { isTcpOpen } from './ports.ts';
import { runTool } from './process.ts';
import * as slapd from './slapd.ts';

/** Reads back one LDIF line as written by ldifLine (the RFC 2849 value forms we produce). */
function readLdifLine(line: string): [string, string] {
  const b64 = /^([^:]+):: (.*)$/.exec(line);
  if (b64) return [b64[1] ?? '', Buffer.from(b64[2] ?? '', 'base64').toString('utf8')];
  const plain = /^([^:]+): ?(.*)$/s.exec(line);
  return [plain?.[1] ?? '', plain?.[2] ?? ''];
}

/** Text a directory string attribute keeps as given: no NUL, no edge spaces, not empty. */
const directoryText = fc
  .string({ unit: fc.oneof(fc.constantFrom(',', '+', '"', '\\', '<', '>', ';', '=', '#', ' ', 'é', '*', '(', ')'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), minLength: 1, maxLength: 20 })
  .filter((s) => s.trim() === s && s.length > 0 && !/[\0\n\r]/.test(s) && Buffer.from(s).toString() === s);

describe('harness slapd', () => {
  let srv: slapd.SlapdServer;
  const ca = () => readFileSync(srv.caFile);
  before(async () => {
    srv = await slapd.start({
      adminPassword: 'admin secret',
      extraSchema: slapd.AD_LIKE_SCHEMA,
      entries: {
        users: [
          {
            uid: 'alice',
            password: 'alice pw',
            mail: 'alice@example.com',
            memberOf: ['vpn-users'],
            objectClasses: ['adLikeUser'],
            attributes: { sAMAccountName: 'alice', 'msDS-PrincipalName': 'EXAMPLE\\alice' },
          },
          { uid: 'bob', password: 'bob pw', ou: 'staff' },
        ],
        groups: [{ cn: 'admins', members: ['bob'] }, { cn: 'empty' }],
      },
    });
  });
  after(() => srv.stop());

  test('slapd – a user binds over StartTLS (CA given to startTLS) and sees its memberOf', async (t) => {
    const client = new Client({ url: srv.url });
    t.after(() => client.unbind());
    await client.startTLS({ ca: ca(), servername: 'localhost' });
    await client.bind(slapd.userDn({ uid: 'alice' }, srv.baseDn), 'alice pw');
    const { searchEntries } = await client.search(srv.baseDn, {
      filter: new EqualityFilter({ attribute: 'uid', value: 'alice' }),
      attributes: ['uid', 'mail', 'memberOf', 'msDS-PrincipalName', 'sAMAccountName'],
    });
    assert.equal(searchEntries.length, 1);
    assert.equal(searchEntries[0]?.memberOf, `cn=vpn-users,ou=groups,${srv.baseDn}`);
    assert.equal(searchEntries[0]?.['msDS-PrincipalName'], 'EXAMPLE\\alice');
    assert.equal(searchEntries[0]?.mail, 'alice@example.com');
  });

  test('slapd – ldaps with the CA works, and the certificate is not trusted without it', async (t) => {
    const client = new Client({ url: srv.ldapsUrl, tlsOptions: { ca: ca() } });
    t.after(() => client.unbind());
    await client.bind(srv.adminDn, srv.adminPassword);
    const { searchEntries } = await client.search(`ou=groups,${srv.baseDn}`, { filter: '(cn=admins)', attributes: ['member'] });
    assert.equal(searchEntries[0]?.member, `uid=bob,ou=staff,${srv.baseDn}`);

    const untrusting = new Client({ url: srv.url });
    await assert.rejects(untrusting.startTLS({ servername: 'localhost' }), /self-signed|unable to verify|certificate/i);
    await untrusting.unbind().catch(() => {});
  });

  test('slapd – a wrong password is refused', async (t) => {
    const client = new Client({ url: srv.url });
    t.after(() => client.unbind());
    await assert.rejects(client.bind(slapd.userDn({ uid: 'bob', ou: 'staff' }, srv.baseDn), 'nope'), /InvalidCredentials|Invalid credentials/i);
  });

  test('slapd – the ldapi socket gives our uid manage access to cn=config', async () => {
    const r = await runTool('ldapsearch', ['-Q', '-Y', 'EXTERNAL', '-H', srv.ldapiUrl, '-b', 'cn=schema,cn=config', '-s', 'one', 'cn']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /cn: \{\d+\}adlike/);
  });
});

describe('harness slapd values', () => {
  test('ldif – ldifLine writes one line that reads back as the value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        const line = ldifLine('description', value);
        assert.doesNotMatch(line, /[\r\n]/);
        assert.deepEqual(readLdifLine(line), ['description', value]);
      }),
    );
  });

  test('slapd – uids and names with DN/LDIF specials survive escaping, loading, search and bind', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(directoryText, { minLength: 1, maxLength: 6, selector: (s) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ') }), directoryText, async (uids, cn) => {
        const users = uids.map((uid) => ({ uid, cn, password: `pw ${uid}` }));
        const own = await slapd.start({ entries: { users } });
        const client = new Client({ url: own.url });
        try {
          for (const user of users) {
            await client.bind(slapd.userDn(user, own.baseDn), user.password);
            const { searchEntries } = await client.search(own.baseDn, {
              filter: new EqualityFilter({ attribute: 'uid', value: user.uid }),
              attributes: ['uid', 'cn'],
            });
            assert.deepEqual(
              searchEntries.map((e) => [e.uid, e.cn]),
              [[user.uid, cn]],
            );
          }
        } finally {
          await client.unbind();
          await own.stop();
        }
      }),
      { numRuns: 2 },
    );
    assert.equal(escapeDnValue(' #a,b '), '\\ #a\\,b\\ ');
  });

  test('slapd – stop() closes both ports and removes the temp dir', async () => {
    const own = await slapd.start();
    assert.equal(await isTcpOpen(own.tlsPort), true);
    await own.stop();
    assert.equal(existsSync(own.dir), false);
    assert.equal(await isTcpOpen(own.port), false);
    assert.equal(await isTcpOpen(own.tlsPort), false);
  });
});
