// Property tests over whole files: any valid file parses to the values it was written with, however it
// is written; every injected mistake is reported on its own line in one run; and no secret value is ever
// printed, whatever the mistakes around it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatProblem, parseConfigText } from '../../config/index.ts';
import { summarise } from '../../config/summary.ts';
import { IKEY, SKEY } from './helpers.ts';

/** Writes lines with random comments, blank lines and line endings, keeping each line's number. */
class Doc {
  readonly lines: string[] = [];
  constructor(private readonly noise: readonly number[]) {}
  private n = 0;
  add(line: string): number {
    const r = this.noise[this.n++ % this.noise.length]!;
    if (r % 5 === 0) this.lines.push(r % 2 ? '# comment = not a key' : '  ; indented comment');
    if (r % 7 === 0) this.lines.push('');
    this.lines.push(line);
    return this.lines.length;
  }
  text(eol: string): string {
    return eol === 'mixed' ? this.lines.map((l, i) => l + (i % 3 ? '\n' : '\r\n')).join('') : this.lines.join(eol);
  }
}

const eol = fc.constantFrom('\n', '\r\n', 'mixed');
const noise = fc.array(fc.nat(100), { minLength: 50, maxLength: 50 });
const sep = fc.constantFrom('=', ' = ', ':', ' : ', '\t= ');
const randomCase = (s: string, mask: number) => [...s].map((c, i) => ((mask >> i % 30) & 1 ? c.toUpperCase() : c)).join('');
const secretText = fc
  .string({ unit: fc.constantFrom(...'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!@$%^&*_+~'.split('')), minLength: 12, maxLength: 28 })
  .map((s) => `Zq${s}`);
/** Secrets as admins really write them, those that look like an address included: only digits, only
 *  hex, a dotted number (issue 15 §3: the look of a value must not decide whether it is printed). */
const anySecret = fc.oneof(
  secretText,
  fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: 9, maxLength: 20 }).map((s) => `9${s}`),
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), minLength: 10, maxLength: 32 }).map((s) => `f${s}e`),
  fc.tuple(fc.integer({ min: 100, max: 999 }), fc.integer({ min: 100, max: 999 }), fc.integer({ min: 100, max: 999 })).map(([a, b, c]) => `${a}.${b}.${c}:${a}`),
);

const serverModel = fc.record({
  suffix: fc.constantFrom('', '2', '10'),
  caseMask: fc.nat(),
  port: fc.integer({ min: 1, max: 65535 }),
  failmode: fc.constantFrom('safe', 'secure'),
  factors: fc.uniqueArray(fc.constantFrom('auto', 'push', 'phone', 'passcode'), { minLength: 1, maxLength: 4 }),
  allowConcat: fc.boolean(),
  boolForm: fc.nat(2),
  apiTimeout: fc.nat(100000),
  delimiter: fc.constantFrom(',', '|', '#', ';', '/', '::', '='),
  nets: fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 60 }), fc.ipV4(), secretText), { selector: ([n]) => n, minLength: 1, maxLength: 5 }),
  exempt: fc.array(fc.stringMatching(/^[a-z][a-z0-9.@\\-]{0,10}$/), { maxLength: 3 }),
  seps: fc.array(sep, { minLength: 20, maxLength: 20 }),
});

const boolText = (b: boolean, form: number) => (b ? ['true', 'TRUE', '1'] : ['false', 'False', '0'])[form]!;

test('config properties – any valid file parses to the values it was written with', () => {
  fc.assert(
    fc.property(serverModel, noise, eol, (m, nz, e) => {
      const doc = new Doc(nz);
      let s = 0;
      const kv = (k: string, v: string) => doc.add(`${randomCase(k, m.caseMask)}${m.seps[s++ % m.seps.length]}${v}`);
      doc.add(`[${randomCase('radius_server_auto', m.caseMask)}${m.suffix}]`);
      kv('ikey', IKEY);
      kv('skey', SKEY);
      kv('api_host', 'api-test.duosecurity.com');
      kv('port', String(m.port));
      kv('failmode', randomCase(m.failmode, m.caseMask >> 3));
      kv('factors', m.factors.map((f, i) => (i % 2 ? ` ${f.toUpperCase()} ` : f)).join(','));
      kv(m.boolForm === 2 ? 'concat_mode' : 'allow_concat', boolText(m.allowConcat, m.boolForm));
      kv('api_timeout', String(m.apiTimeout));
      kv('delimiter', m.delimiter);
      for (const [n, ip, secret] of m.nets) {
        kv(`radius_ip_${n}`, ip);
        kv(`radius_secret_${n}`, secret);
      }
      m.exempt.forEach((u, i) => {
        kv(`exempt_username_${i + 1}`, u);
      });
      kv('client', 'duo_only_client');
      doc.add('[duo_only_client]');
      const r = parseConfigText(doc.text(e), '/x/authproxy.cfg');
      assert.ok(r.ok, r.ok ? '' : r.problems.map(formatProblem).join('\n'));
      assert.deepEqual(r.warnings, []);
      const got = r.config.servers[0]!;
      const want = {
        port: m.port,
        failmode: m.failmode,
        factors: m.factors,
        allowConcat: m.allowConcat,
        apiTimeout: m.apiTimeout,
        delimiter: m.delimiter,
        radiusClients: [...m.nets].sort((a, b) => a[0] - b[0]).map(([n, ip, secret]) => [n, ip, secret]),
        exemptUsernames: m.exempt,
        client: 'duo_only_client',
      };
      assert.deepEqual(
        { ...want, radiusClients: got.radiusClients.map((c) => [c.n, c.value, c.secret]), port: got.port, failmode: got.failmode, factors: got.factors, allowConcat: got.allowConcat, apiTimeout: got.apiTimeout, delimiter: got.delimiter, exemptUsernames: got.exemptUsernames, client: got.client },
        want,
      );
    }),
    { numRuns: 200 },
  );
});

// ---- injected mistakes ------------------------------------------------------------------------------

interface Injection {
  /** Lines to add at the end of the server section; the problem is on the first. */
  lines: string[];
  option: string;
  message: RegExp;
  /** Replaces a slot of the base file instead of being appended. */
  slot?: 'ikey' | 'skey';
}

const INJECTIONS: Record<string, fc.Arbitrary<Injection>> = {
  badBool: fc.constantFrom('yes', 'no', 'on', 'enabled', 'tru', '1.0').map((v) => ({ lines: [`allow_concat = ${v}`], option: 'allow_concat', message: /must be a boolean value$/ })),
  badInt: fc.constantFrom('ten', '1e3', '5s', '', '0x10').map((v) => ({ lines: [`api_timeout = ${v}`], option: 'api_timeout', message: /must be an integer$/ })),
  badPort: fc.oneof(fc.integer({ min: 65536, max: 10_000_000 }), fc.integer({ min: -5, max: 0 })).map((v) => ({ lines: [`port = ${v}`], option: 'port', message: /^The port value provided is invalid\.$/ })),
  badEnum: fc.constantFrom('open', 'closed', 'safe-ish', '').map((v) => ({ lines: [`failmode = ${v}`], option: 'failmode', message: /must be one of 'safe', 'secure'$/ })),
  badIkey: fc.constantFrom('DIABC', 'dixxxxxxxxxxxxxxxxxx', 'DIXXXXXXXXXXXXXXXXXXX', '').map((v) => ({ lines: [`ikey = ${v}`], option: 'ikey', message: /^The ikey value provided is invalid\.$/, slot: 'ikey' as const })),
  badSkey: secretText.map((v) => ({ lines: [`skey = ${v}`], option: 'skey', message: /^The skey value provided is invalid\.$/, slot: 'skey' as const })),
  duplicate: fc.constant({ lines: ['API_HOST = api-other.duosecurity.com'], option: 'api_host', message: /duplicated keys/ }),
  badNetwork: fc.constantFrom('10.0.0.256', '10.0.0.0/33', '10.0.0.9-10.0.0.1', 'fe80::1-10.0.0.1').map((v) => ({ lines: [`radius_ip_7 = ${v}`, 'radius_secret_7 = Seven-Secret'], option: 'radius_ip_7', message: /^Invalid IP, network, or range for 'radius_ip_7'/ })),
  badFactor: fc.constantFrom('sms', 'token', 'pushy').map((v) => ({ lines: [`factors = push, ${v}`], option: 'factors', message: /is not one of "auto", "phone", "push", or "passcode"$/ })),
  unparseable: fc.constant({ lines: ['just some words'], option: '', message: /^Config is unparseable/ }),
  unpaired: fc.constant({ lines: ['radius_secret_9 = Nine-Secret'], option: 'radius_secret_9', message: /^radius_ip_9 must be provided when specifying radius_secret_9$/ }),
};

test('config properties – every injected mistake is reported on its line, all in one run, and nothing else is an error', () => {
  const kinds = fc.uniqueArray(fc.constantFrom(...Object.keys(INJECTIONS)), { minLength: 1, maxLength: 6 });
  fc.assert(
    fc.property(
      kinds.chain((ks) => fc.tuple(...ks.map((k) => INJECTIONS[k]!))),
      noise,
      eol,
      (injections, nz, e) => {
        const doc = new Doc(nz);
        const expected: { line: number; inj: Injection }[] = [];
        const slot = (name: 'ikey' | 'skey', good: string) => {
          const inj = injections.find((i) => i.slot === name);
          const line = doc.add(inj ? inj.lines[0]! : `${name} = ${good}`);
          if (inj) expected.push({ line, inj });
        };
        doc.add('[duo_only_client]');
        doc.add('[radius_server_auto]');
        slot('ikey', IKEY);
        slot('skey', SKEY);
        doc.add('api_host = api-test.duosecurity.com');
        doc.add('radius_ip_1 = 10.0.0.1');
        doc.add('radius_secret_1 = One-Secret');
        for (const inj of injections.filter((i) => !i.slot)) {
          const line = doc.add(inj.lines[0]!);
          for (const more of inj.lines.slice(1)) doc.add(more);
          expected.push({ line, inj });
        }
        const r = parseConfigText(doc.text(e), '/x/authproxy.cfg');
        assert.equal(r.ok, false);
        if (r.ok) return;
        for (const { line, inj } of expected) {
          assert.ok(
            r.problems.some((p) => p.line === line && p.option === inj.option && inj.message.test(p.message)),
            `line ${line} ${inj.option} ${inj.message}: got ${r.problems.map(formatProblem).join(' | ')}`,
          );
        }
        assert.equal(r.problems.length, expected.length, r.problems.map(formatProblem).join('\n'));
      },
    ),
    { numRuns: 300 },
  );
});

// ---- secrets ----------------------------------------------------------------------------------------

const mistakes = fc.record({
  skeyValid: fc.boolean(),
  swapped: fc.boolean(), // radius_ip_2 and radius_secret_2 values swapped
  pastedAlone: fc.boolean(), // a secret pasted on a line of its own
  typoKey: fc.boolean(), // a secret under a misspelt key
  continued: fc.boolean(), // a secret continued on an indented line
  protectedToo: fc.boolean(),
  badBool: fc.boolean(),
  missingClient: fc.boolean(),
  // issue 15 §3: the secret of a duplicate section (whose lines are read and dropped), pasted into
  // client= or [main] server= or client_ip_attr of the first one.
  duplicate: fc.constantFrom('none', 'client', 'server', 'client_ip_attr'),
  secretPastedInto: fc.constantFrom('none', 'client', 'server', 'client_ip_attr', 'api_host', 'port'),
});

test('config properties – no secret value ever appears in problems or in the summary', () => {
  fc.assert(
    fc.property(fc.array(anySecret, { minLength: 11, maxLength: 11 }), mistakes, eol, (secrets, m, e) => {
      const [skey, s1, s2, adPw, rcSecret, natsPw, pasted, typo, cont, prot, dup] = secrets as [string, string, string, string, string, string, string, string, string, string, string];
      // A value pasted by mistake into a non-secret option (the secret of a duplicate section, or s1).
      const pastedValue = m.duplicate !== 'none' ? dup : s1;
      const into = m.duplicate !== 'none' ? m.duplicate : m.secretPastedInto;
      const lines = [
        '[main]',
        ...(into === 'server' ? [`server = ${pastedValue}`, `client = ad_client`] : []),
        'nats_url = nats://127.0.0.1:4222',
        'nats_user = proxy',
        `nats_password = ${natsPw}`,
        '[ad_client]',
        'host = dc1.example.com',
        'service_account_username = svc',
        `service_account_password = ${adPw}`,
        ...(m.protectedToo ? [`service_account_password_protected = ${prot}`] : []),
        'search_dn = DC=example,DC=com',
        '[radius_client]',
        'host = 10.0.0.9',
        `secret = ${rcSecret}`,
        '[radius_server_auto]',
        `ikey = ${IKEY}`,
        `skey = ${m.skeyValid ? SKEY : skey}`,
        ...(m.protectedToo ? [`skey_protected = ${prot}`] : []),
        'api_host = api-test.duosecurity.com',
        'radius_ip_1 = 10.0.0.1',
        `radius_secret_1 = ${s1}`,
        ...(m.continued ? [`  ${cont}`] : []),
        m.swapped ? `radius_ip_2 = ${s2}` : 'radius_ip_2 = 10.0.0.2',
        m.swapped ? 'radius_secret_2 = 10.0.0.2' : `radius_secret_2 = ${s2}`,
        ...(m.pastedAlone ? [pasted.replace(/[=:]/g, '')] : []),
        ...(m.typoKey ? [`radius_secert_3 = ${typo}`] : []),
        ...(m.badBool ? ['allow_concat = maybe'] : []),
        ...(into === 'client' ? [`client = ${pastedValue}`] : m.missingClient ? [] : ['client = ad_client']),
        ...(into === 'client_ip_attr' ? [`client_ip_attr = ${pastedValue}`] : []),
        ...(into === 'api_host' ? [`api_host = ${pastedValue}`] : []),
        ...(into === 'port' ? [`port = ${pastedValue}`] : []),
        ...(m.duplicate !== 'none' ? ['[radius_server_auto]', `ikey = ${IKEY}`, `skey = ${SKEY}`, 'radius_ip_1 = 10.0.0.1', `radius_secret_1 = ${dup}`] : []),
      ];
      const r = parseConfigText(lines.join(e === 'mixed' ? '\r\n' : e), '/x/authproxy.cfg');
      const printed = [...(r.ok ? summarise(r.config) : r.problems.map(formatProblem)), ...r.warnings.map(formatProblem)].join('\n');
      for (const secret of [skey, s1, s2, adPw, rcSecret, natsPw, typo, cont, prot, ...(m.duplicate !== 'none' ? [dup] : [])]) assert.ok(!printed.includes(secret), `${secret} printed:\n${printed}`);
      if (m.pastedAlone) assert.ok(!printed.includes(pasted.replace(/[=:]/g, '')));
    }),
    { numRuns: 300 },
  );
});
