// Reference facts (duo-authproxy-behaviour.md §18 facts 46-47, §19.6) and each error message of the
// checks, table-driven: the lines appended to a valid file, the message expected and the line it is on.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse, validLines } from './helpers.ts';
import { formatProblem } from '../../config/index.ts';

interface Case {
  name: string;
  /** Replaces lines of the valid file: [index, new line] (null deletes). */
  edit?: [number, string | null][];
  /** Appended to the [radius_server_auto] section (the last of the valid file). */
  add?: string[];
  /** Sections appended after. */
  after?: string[];
  severity: 'error' | 'warning';
  /** The case also has errors (a warning case is otherwise expected to leave the file valid). */
  withErrors?: boolean;
  message: string | RegExp;
  option?: string;
  /** Text of the line the problem must be on (its first occurrence); default: the first added line. */
  onLine?: string;
}

const CASES: Case[] = [
  { name: 'fact 46: bad boolean', add: ['allow_concat=yes'], severity: 'error', message: "Invalid value for configuration item: 'allow_concat' must be a boolean value", option: 'allow_concat' },
  { name: 'fact 46: failmode not safe/secure', add: ['failmode=open'], severity: 'error', message: "Invalid value for configuration item: 'failmode' must be one of 'safe', 'secure'", option: 'failmode' },
  { name: 'fact 47: bad ikey', edit: [[7, 'ikey=DIABC']], severity: 'error', message: 'The ikey value provided is invalid.', option: 'ikey', onLine: 'ikey=DIABC' },
  { name: 'fact 47: missing radius_ip_1', edit: [[10, null], [11, null]], severity: 'error', message: 'A required configuration item is missing: radius_ip_1', option: 'radius_ip_1', onLine: '[radius_server_auto]' },
  { name: '§19.6: radius_secret_1 without radius_ip_1', edit: [[10, null]], severity: 'error', message: 'radius_ip_1 must be provided when specifying radius_secret_1', option: 'radius_secret_1', onLine: 'radius_secret_1 = Radius-Secret-1' },
  { name: 'radius_ip_2 without its secret', add: ['radius_ip_2 = 10.9.0.0/16'], severity: 'error', message: 'radius_secret_2 must be provided when specifying radius_ip_2', option: 'radius_ip_2' },
  { name: 'missing radius_secret_1', edit: [[11, null]], severity: 'error', message: 'A required configuration item is missing: radius_secret_1', option: 'radius_secret_1', onLine: '[radius_server_auto]' },
  { name: 'bad integer', add: ['api_timeout = ten'], severity: 'error', message: "Invalid value for configuration item: 'api_timeout' must be an integer", option: 'api_timeout' },
  { name: 'negative timeout', add: ['api_timeout = -1'], severity: 'error', message: 'The api_timeout value provided is invalid.', option: 'api_timeout' },
  { name: 'port not a number', add: ['port = radius'], severity: 'error', message: "Invalid value for configuration item: 'port' must be an integer", option: 'port' },
  { name: 'port out of range', add: ['port = 70000'], severity: 'error', message: 'The port value provided is invalid.', option: 'port' },
  { name: 'sms is not a factor', add: ['factors = push, sms'], severity: 'error', message: 'Factor "sms" is not one of "auto", "phone", "push", or "passcode"', option: 'factors' },
  { name: 'empty factor list', add: ['factors = ,'], severity: 'error', message: 'Factors list cannot be empty', option: 'factors' },
  { name: 'bad network', add: ['radius_ip_2 = 10.0.0.300', 'radius_secret_2 = Other-Secret-2'], severity: 'error', message: /^Invalid IP, network, or range for 'radius_ip_2': not an IP address, network or range \(the value is not shown: .+\)$/, option: 'radius_ip_2' },
  { name: 'numbered key without a number', add: ['radius_ip_x = 10.0.0.1'], severity: 'error', message: "Expected integer as suffix for 'radius_ip_x'", option: 'radius_ip_x' },
  { name: 'bad skey', edit: [[8, 'skey = short']], severity: 'error', message: 'The skey value provided is invalid.', option: 'skey', onLine: 'skey = short' },
  { name: 'skey with skey_protected', add: ['skey_protected = AQAAANCMnd8BFdERjHoAwE'], severity: 'error', message: 'The following keys should not be used at the same time: skey, skey_protected. Please pick just one.', option: 'skey_protected' },
  { name: 'protected keys are Windows only', add: ['skey_protected = AQAAANCMnd8BFdERjHoAwE'], withErrors: true, severity: 'warning', message: 'skey_protected only works on Windows (DPAPI)', option: 'skey_protected' },
  { name: 'missing ikey', edit: [[7, null]], severity: 'error', message: 'A required configuration item is missing: ikey', option: 'ikey', onLine: '[radius_server_auto]' },
  { name: 'missing api_host', edit: [[9, null]], severity: 'error', message: 'A required configuration item is missing: api_host', option: 'api_host', onLine: '[radius_server_auto]' },
  { name: 'bad api_host', edit: [[9, 'api_host = https://api-x.duosecurity.com/']], severity: 'error', message: 'The api_host value provided is invalid.', option: 'api_host', onLine: 'api_host = https://api-x.duosecurity.com/' },
  { name: 'client names no section', edit: [[12, 'client = ad_clent']], severity: 'error', message: "The client name 'ad_clent' could not be mapped to a valid client configuration for the [radius_server_auto] section.", option: 'client', onLine: 'client = ad_clent' },
  { name: 'no client at all', edit: [[12, null]], after: ['[radius_client]', 'host = 10.0.0.9', 'secret = Upstream-Secret'], severity: 'error', message: 'Neither module radius_server_auto or main has "client" value', option: 'client', onLine: '[radius_server_auto]' },
  { name: 'pass-through needs a radius_client', add: ['pass_through_attr_names = Class'], severity: 'error', message: 'Can only pass through radius attributes if using a radius client', option: 'pass_through_attr_names' },
  { name: 'unknown attribute for client_ip_attr', add: ['client_ip_attr = Bogus-Attribute'], severity: 'error', message: 'Invalid configuration value for client_ip_attr: RADIUS attribute Bogus-Attribute unkonwn.', option: 'client_ip_attr' },
  // A near miss of a known option is an error (issue 11 §3): ignoring it could change what the proxy does.
  { name: 'unknown option, with the closest name', add: ['failmod = safe'], severity: 'error', message: 'An unexpected configuration item was found: failmod', option: 'failmod' },
  { name: 'bare radius_ip is unexpected', add: ['radius_ip = 10.0.0.1'], severity: 'error', message: 'An unexpected configuration item was found: radius_ip', option: 'radius_ip' },
  { name: 'exempt_username gap', add: ['exempt_username_1 = svc', 'exempt_username_3 = other'], severity: 'warning', message: 'exempt_username_3 is ignored because exempt_username_2 is missing', option: 'exempt_username_3', onLine: 'exempt_username_3 = other' },
  { name: 'unknown section type', after: ['[radius_server_autox]', 'a = 1'], severity: 'error', message: "Invalid module: 'radius_server_autox'", onLine: '[radius_server_autox]' },
  { name: 'unsupported section type', after: ['[ldap_server_auto]', 'a = 1'], severity: 'error', message: /^\[ldap_server_auto\] sections \(.+\) are not supported by authproxy yet$/, onLine: '[ldap_server_auto]' },
  { name: 'duo_only ignores client', after: ['[radius_server_duo_only]', `ikey = DIXXXXXXXXXXXXXXXXXY`, 'skey = abcdefghijABCDEFGHIJ0123456789klmnopqrsu', 'api_host = api-test.duosecurity.com', 'radius_ip_1 = 10.5.0.1', 'radius_secret_1 = Duo-Only-Secret', 'port = 1813', 'client=ad_client'], severity: 'warning', message: 'client in section [radius_server_duo_only] has no effect when in this type of section', option: 'client', onLine: 'client=ad_client' },
  { name: 'ldaps without a CA file', edit: [[4, 'search_dn = DC=example,DC=com\ntransport = ldaps']], severity: 'error', message: 'ssl_ca_certs_file is required for transport type ldaps', option: 'ssl_ca_certs_file', onLine: '[ad_client]' },
  { name: 'plain auth without bind_dn', edit: [[4, 'search_dn = DC=example,DC=com\nauth_type = PLAIN']], severity: 'error', message: 'bind_dn is required for auth_type plain', option: 'bind_dn', onLine: '[ad_client]' },
  { name: 'bad DN', edit: [[4, 'search_dn = example.com']], severity: 'error', message: 'The search_dn value provided is invalid.', option: 'search_dn', onLine: 'search_dn = example.com' },
  { name: 'missing search_dn', edit: [[4, null]], severity: 'error', message: 'A required configuration item is missing: search_dn', option: 'search_dn', onLine: '[ad_client]' },
  { name: 'radius_client hosts must be IPs', edit: [[12, 'client = radius_client']], after: ['[radius_client]', 'host = 10.0.0.9', 'host_2 = radius.example.com', 'secret = Upstream-Secret'], severity: 'error', message: 'The host_2 value provided is invalid.', option: 'host_2', onLine: 'host_2 = radius.example.com' },
  { name: 'radius_client without secret', edit: [[12, 'client = radius_client']], after: ['[radius_client]', 'host = 10.0.0.9'], severity: 'error', message: 'A required configuration item is missing: secret/secret_protected', onLine: '[radius_client]' },
  { name: 'http_proxy_port without host', after: ['[main]', 'http_proxy_port = 3128'], severity: 'error', message: 'A required configuration item is missing: http_proxy_host', option: 'http_proxy_port', onLine: 'http_proxy_port = 3128' },
  { name: 'role engine needs NATS', after: ['[main]', 'role = engine'], severity: 'error', message: 'role engine needs nats_url: listeners and engines of separate processes meet on NATS', option: 'role', onLine: 'role = engine' },
  { name: 'nats_user needs nats_password', after: ['[main]', 'nats_url = nats://127.0.0.1:4222', 'nats_user = proxy'], severity: 'error', message: 'nats_password must be provided when specifying nats_user', option: 'nats_user', onLine: 'nats_user = proxy' },
  { name: 'bad NATS URL', after: ['[main]', 'nats_url = http://x'], severity: 'error', message: 'The nats_url value provided is invalid.', option: 'nats_url', onLine: 'nats_url = http://x' },
  { name: 'duplicate key', add: ['api_host = other.duosecurity.com'], severity: 'error', message: /^Configuration has duplicated keys in the given section: option 'api_host'/, option: 'api_host' },
  { name: 'duplicate section', after: ['[Radius_Server_Auto]'], severity: 'error', message: /has duplicate sections: \['Radius_Server_Auto'\]$/, onLine: '[Radius_Server_Auto]' },
  { name: 'concat_mode and allow_concat together', add: ['concat_mode = true', 'allow_concat = false'], severity: 'error', message: /concat_mode is another name for allow_concat/, option: 'concat_mode' },
  { name: 'same port, wildcard and specific interface', after: ['[radius_server_challenge]', `ikey = ${'DI' + 'Y'.repeat(18)}`, `skey = ${'b'.repeat(40)}`, 'api_host = api-test.duosecurity.com', 'radius_ip_1 = 10.7.0.0/16', 'radius_secret_1 = Challenge-Secret', 'interface = 127.0.0.1', 'client = ad_client'], severity: 'error', message: /^The following server sections have a port collision: radius_server_auto, radius_server_challenge\. They both listen on port: 1812/, option: 'port', onLine: '[radius_server_challenge]' },
  { name: 'overlapping networks on one listener', after: ['[radius_server_challenge]', `ikey = ${'DI' + 'Y'.repeat(18)}`, `skey = ${'b'.repeat(40)}`, 'api_host = api-test.duosecurity.com', 'radius_ip_1 = 10.0.0.128/25', 'radius_secret_1 = Challenge-Secret', 'client = ad_client'], severity: 'warning', message: /^Conflicting network configuration\. radius_server_auto listens on 0\.0\.0\.0:1812 for clients in 10\.0\.0\.0\/24\. radius_server_challenge listens on 0\.0\.0\.0:1812 for clients in 10\.0\.0\.128\/25\./, option: 'radius_ip_1', onLine: 'radius_ip_1 = 10.0.0.128/25' },
];

function build(c: Case): string[] {
  const lines = validLines().map((l) => l as string | null);
  for (const [i, l] of c.edit ?? []) lines[i] = l;
  return [...lines.filter((l): l is string => l !== null), ...(c.add ?? []), ...(c.after ?? [])].join('\n').split('\n');
}

describe('config facts', () => {
  for (const c of CASES) {
    test(`config facts – ${c.name}`, () => {
      const lines = build(c);
      const target = c.onLine ?? c.add?.[0] ?? c.after?.[0];
      const line = lines.indexOf(target!) + 1;
      assert.ok(line > 0, `test case names a line that is not in the file: ${target}`);
      const r = parse(lines.join('\n'));
      const pool = c.severity === 'error' ? (r.ok ? [] : r.problems) : r.warnings;
      const match = pool.find((p) => (typeof c.message === 'string' ? p.message === c.message : c.message.test(p.message)));
      assert.ok(match, `no ${c.severity} ${String(c.message)} in:\n${[...(r.ok ? [] : r.problems), ...r.warnings].map((p) => `${p.line} ${p.option}: ${p.message}`).join('\n')}`);
      assert.equal(match.line, line);
      if (c.option) assert.equal(match.option, c.option);
      assert.ok(match.fix.length > 0, 'every problem says how to fix it');
      if (c.severity === 'warning' && !c.withErrors) assert.equal(r.ok, true, 'a warning alone keeps the config valid');
    });
  }

  test('config facts – fact 46: failmode=SAFE is accepted (case-insensitive)', () => {
    const r = parse([...validLines(), 'failmode=SAFE'].join('\n'));
    assert.ok(r.ok);
    assert.equal(r.config.servers[0]!.failmode, 'safe');
  });

  test('config facts – unknown option suggests the closest known name, and refuses the file', () => {
    const r = parse([...validLines(), 'failmod = safe', 'radius_ip2 = 10.1.1.1', 'ikye = x'].join('\n'));
    assert.equal(r.ok, false);
    assert.deepEqual(r.ok ? [] : r.problems.map((p) => p.fix.match(/did you mean '([^']+)'/)?.[1]), ['failmode', 'radius_ip_2', 'ikey']);
  });

  test('config facts – an unknown key far from every option stays a warning', () => {
    const r = parse([...validLines(), 'vendor_note = x'].join('\n'));
    assert.ok(r.ok);
    assert.match(r.warnings[0]!.fix, /unknown keys are ignored/);
  });

  test('config facts – an option of no effect here is reported in the FILE:LINE [section] option: accepted... format', () => {
    const r = parse(['[main]', 'fips_mode = true', 'log_sso_events = false', ...validLines()].join('\n'));
    assert.ok(r.ok);
    const lines = r.warnings.filter((p) => p.severity === 'notice').map(formatProblem);
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^\S+:2 \[main\] fips_mode: accepted for compatibility, has no effect here; FIPS is a property of the OpenSSL Node runs on/);
    assert.match(lines[1]!, /^\S+:3 \[main\] log_sso_events: accepted for compatibility, has no effect here; authproxy runs no SSO module/);
  });

  test('config facts – an option of another section type says where it belongs', () => {
    const w = parse([...validLines(), 'prompt_format = short'].join('\n')).warnings;
    assert.match(w[0]!.fix, /\[radius_server_challenge\]/);
  });

  test('config facts – a config error gives no config, only problems (startup refuses it)', () => {
    const r = parse([...validLines(), 'allow_concat=yes'].join('\n'));
    assert.equal(r.ok, false);
    assert.equal('config' in r, false);
  });
});
