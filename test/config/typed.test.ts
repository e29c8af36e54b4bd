// The typed ProxyConfig: defaults from the reference, [main] pushes, client resolution (reference §1)
// and the numbered-key rules.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createClientMatcher, parseNetwork } from '../../adapters/radius/networks.ts';
import type { AdClientSection, RadiusClientSection } from '../../config/types.ts';
import { errorsOf, IKEY, parseOk, SKEY, validLines, warningsOf, withServerLines } from './helpers.ts';

const server = (name: string, ...extra: string[]) => [
  `[${name}]`,
  `ikey = ${IKEY}`,
  `skey = ${SKEY}`,
  'api_host = api-test.duosecurity.com',
  'radius_ip_1 = 10.0.0.1',
  'radius_secret_1 = Some-Secret',
  ...extra,
];

describe('config typed', () => {
  test('config typed – server defaults are those of the reference', () => {
    const s = parseOk(validLines().join('\n')).servers[0]!;
    assert.deepEqual(
      { ...s, radiusClients: undefined },
      {
        name: 'radius_server_auto', type: 'radius_server_auto', line: 7, port: 1812, interface: '', ikey: IKEY, skey: SKEY,
        apiHost: 'api-test.duosecurity.com', apiPort: 443, apiTimeout: 0, failmode: 'safe', radiusClients: undefined,
        exemptUsernames: [], client: 'ad_client', clientIpAttr: 'Calling-Station-Id', passThroughAttrNames: [], passThroughAll: false,
        pwCodec: 'utf-8', factors: ['auto'], delimiter: ',', delimitedPasswordLength: 0, allowConcat: true, promptFormat: 'console',
        enrollChallenge: true, requireMessageAuthenticator: 'auto', limitProxyState: false, duoApi: 'rest_v1', loginTimeout: 120,
        debug: false, httpCaCertsFile: undefined, httpProxyHost: '', httpProxyPort: 80,
      },
    );
    assert.deepEqual(s.radiusClients, [{ n: 1, value: '10.0.0.0/24', secret: 'Radius-Secret-1', line: 11 }]);
  });

  test('config typed – ad_client and [main] defaults', () => {
    const c = parseOk(validLines().join('\n'));
    const ad = c.clients.ad_client as AdClientSection;
    assert.deepEqual(
      [ad.hosts, ad.port, ad.transport, ad.authType, ad.timeout, ad.usernameAttribute, ad.atAttribute, ad.sslVerifyHostname, ad.bindDn, ad.securityGroupDn, ad.sslCaCertsFile],
      [['dc1.example.com'], 389, 'clear', 'ntlm2', 10, 'sAMAccountName', 'userPrincipalName', true, '', '', undefined],
    );
    assert.deepEqual(
      [c.main.role, c.main.udpReceiveBuffer, c.main.metricsPort, c.main.dashboardPort, c.main.natsUrl, c.main.natsServers, c.main.httpCaCertsFile, c.main.debug],
      ['both', 8388608, undefined, undefined, undefined, [], undefined, false],
    );
  });

  test('config typed – ldaps defaults to port 636, starttls to 389', () => {
    const ldaps = validLines().map((l) => (l.startsWith('search_dn') ? `${l}\ntransport = ldaps\nssl_ca_certs_file = /etc/ssl/certs/ca.pem` : l));
    assert.equal((parseOk(ldaps.join('\n')).clients.ad_client as AdClientSection).port, 636);
    const starttls = ldaps.map((l) => l.replace('ldaps', 'StartTLS'));
    const ad = parseOk(starttls.join('\n')).clients.ad_client as AdClientSection;
    assert.deepEqual([ad.port, ad.transport], [389, 'starttls']);
  });

  test('config typed – mode options: challenge, concat (with delimeter) and duo_only', () => {
    const text = [
      ...validLines(),
      ...server('radius_server_challenge', 'port = 1813', 'prompt_format = HTML', 'enroll_challenge = 0'),
      ...server('radius_server_concat', 'port = 1814', 'delimeter = |', 'delimited_password_length = 7'),
      ...server('radius_server_duo_only', 'port = 1815'),
    ].join('\n');
    const [, ch, cc, duo] = parseOk(text).servers;
    assert.deepEqual([ch!.promptFormat, ch!.enrollChallenge, ch!.allowConcat, ch!.client], ['html', false, false, 'ad_client']);
    assert.deepEqual([cc!.delimiter, cc!.delimitedPasswordLength, cc!.allowConcat], ['|', 7, true]);
    assert.deepEqual([duo!.type, duo!.client, duo!.allowConcat], ['radius_server_duo_only', undefined, false]);
  });

  test('config typed – concat_mode is read as allow_concat; factors keep the configured order', () => {
    const s = parseOk(withServerLines('concat_mode = false', 'factors = Passcode, push ,phone')).servers[0]!;
    assert.equal(s.allowConcat, false);
    assert.deepEqual(s.factors, ['passcode', 'push', 'phone']);
  });

  test('config typed – bool accepts any case and integers; int accepts Python forms', () => {
    for (const [raw, want] of [['TRUE', true], ['False', false], ['0', false], ['2', true], ['-1', true]] as const)
      assert.equal(parseOk(withServerLines(`allow_concat = ${raw}`)).servers[0]!.allowConcat, want, raw);
    assert.equal(parseOk(withServerLines('api_timeout = 1_0')).servers[0]!.apiTimeout, 10);
  });

  test('config typed – client_ip_attr default and paloalto map to attribute names', () => {
    assert.equal(parseOk(withServerLines('client_ip_attr = PaloAlto')).servers[0]!.clientIpAttr, 'PaloAlto-Client-Source-IP');
    assert.equal(parseOk(withServerLines('client_ip_attr = framed-ip-address')).servers[0]!.clientIpAttr, 'Framed-IP-Address');
  });

  test('config typed – radius_ip_N in numeric order with their secrets; exempt_username_N up to the first gap', () => {
    const s = parseOk(
      withServerLines('radius_ip_10 = 10.10.0.1', 'radius_secret_10 = S10-secret', 'radius_ip_2 = 4.4.4.1-4.4.4.3', 'radius_secret_2 = S2-secret', 'exempt_username_2 = b', 'exempt_username_1 = a', 'exempt_username_4 = d'),
    ).servers[0]!;
    assert.deepEqual(s.radiusClients.map((c) => [c.n, c.value, c.secret]), [[1, '10.0.0.0/24', 'Radius-Secret-1'], [2, '4.4.4.1-4.4.4.3', 'S2-secret'], [10, '10.10.0.1', 'S10-secret']]);
    assert.deepEqual(s.exemptUsernames, ['a', 'b']);
  });

  test('config typed – fact 41: a range radius_ip_1 admits exactly its addresses (through networks.ts)', () => {
    const s = parseOk(withServerLines('radius_ip_2 = 4.4.4.1-4.4.4.3', 'radius_secret_2 = Range-Secret')).servers[0]!;
    const clients = s.radiusClients.map((c) => {
      const parsed = parseNetwork(c.value);
      assert.ok(parsed.ok);
      return { cidrs: parsed.cidrs, secret: c.secret };
    });
    const matcher = createClientMatcher([{ section: s.name, clients }]);
    assert.deepEqual(['4.4.4.1', '4.4.4.2', '4.4.4.3', '4.4.4.4', '4.4.4.0'].map((ip) => matcher.match(ip)?.secret), ['Range-Secret', 'Range-Secret', 'Range-Secret', undefined, undefined]);
  });

  test('config typed – ad_client hosts: host, then host_N in numeric order', () => {
    const text = validLines().map((l) => (l === 'host = dc1.example.com' ? 'host_10 = dc10.example.com\nhost = dc0.example.com\nhost_2 = 10.0.0.2\nhost_1 = dc1.example.com' : l));
    assert.deepEqual((parseOk(text.join('\n')).clients.ad_client as AdClientSection).hosts, ['dc0.example.com', 'dc1.example.com', '10.0.0.2', 'dc10.example.com']);
  });

  test('config typed – radius_client hosts: host/port, host_1, then host_2.. without gaps', () => {
    const text = [
      ...validLines().map((l) => (l === 'client = ad_client' ? 'client = radius_client' : l)),
      '[radius_client]', 'host = 10.0.0.1', 'port = 1645', 'host_1 = 10.0.0.2', 'host_2 = 10.0.0.3', 'port_2 = 1812', 'host_4 = 10.0.0.5', 'secret = Upstream-Secret',
      'retries = 1', 'retry_wait = 1', 'nas_ip = 10.0.0.100', 'pass_through_attr_names = class, filter-id',
    ].join('\n');
    const rc = parseOk(text).clients.radius_client as RadiusClientSection;
    assert.deepEqual(rc.hosts, [{ host: '10.0.0.1', port: 1645 }, { host: '10.0.0.2', port: 1812 }, { host: '10.0.0.3', port: 1812 }]);
    assert.deepEqual([rc.retries, rc.retryWait, rc.nasIp, rc.passThroughAttrNames, rc.requireMessageAuthenticator], [1, 1, '10.0.0.100', ['Class', 'Filter-Id'], 'auto']);
    assert.ok(warningsOf(text).some((w) => w.option === 'host_4' && /ignored/.test(w.message)));
  });

  test('config typed – [main] pushes debug, interface, CA file and HTTP proxy into sections', () => {
    const text = ['[main]', 'debug = true', 'interface = 127.0.0.1', 'http_ca_certs_file = certs/duo.pem', 'http_proxy_host = proxy.local', 'http_proxy_port = 3128', ...validLines()].join('\n');
    const c = parseOk(text);
    const s = c.servers[0]!;
    assert.deepEqual([s.debug, s.interface, s.httpCaCertsFile, s.httpProxyHost, s.httpProxyPort], [true, '127.0.0.1', '/etc/authproxy/certs/duo.pem', 'proxy.local', 3128]);
    assert.equal(c.main.httpCaCertsFile, '/etc/authproxy/certs/duo.pem');
    assert.equal(c.clients.ad_client!.debug, true);
  });

  test('config typed – a section interface wins over [main] interface', () => {
    const s = parseOk(['[main]', 'interface = 127.0.0.1', ...validLines(), 'interface = ::1'].join('\n')).servers[0]!;
    assert.equal(s.interface, '::1');
  });

  test('config typed – our [main] additions', () => {
    const c = parseOk(['[main]', 'nats_url = nats://127.0.0.1:4222, tls://nats.local:4443', 'nats_user = p', 'nats_password = NatsPassword1', 'role = Listener', 'metrics_port = 9100', 'dashboard_port = 8080', 'udp_receive_buffer = 1048576', ...validLines()].join('\n'));
    assert.deepEqual(
      [c.main.natsUrl, c.main.natsServers, c.main.natsUser, c.main.natsPassword, c.main.role, c.main.metricsPort, c.main.dashboardPort, c.main.udpReceiveBuffer],
      ['nats://127.0.0.1:4222, tls://nats.local:4443', ['nats://127.0.0.1:4222', 'tls://nats.local:4443'], 'p', 'NatsPassword1', 'listener', 9100, 8080, 1048576],
    );
  });

  test('config typed – server additions: message authenticator, proxy state, API dialect, login timeout', () => {
    const s = parseOk(withServerLines('require_message_authenticator = TRUE', 'limit_proxy_state = true', 'duo_api = auth_v2', 'login_timeout = 30')).servers[0]!;
    assert.deepEqual([s.requireMessageAuthenticator, s.limitProxyState, s.duoApi, s.loginTimeout], ['true', true, 'auth_v2', 30]);
  });

  test('config typed – [DEFAULT] keys are inherited by every section (ConfigParser)', () => {
    const s = parseOk(['[DEFAULT]', 'failmode = secure', ...validLines()].join('\n')).servers[0]!;
    assert.equal(s.failmode, 'secure');
  });
});

describe('config client resolution', () => {
  const clients = ['[ad_client]', 'host = dc1.example.com', 'service_account_username = svc', 'service_account_password = pw-123456', 'search_dn = DC=x', '[radius_client]', 'host = 10.0.0.9', 'secret = Upstream-Secret'];

  test('config client resolution – the section\'s own client= first', () => {
    assert.equal(parseOk([...clients, ...server('radius_server_auto', 'client = radius_client')].join('\n')).servers[0]!.client, 'radius_client');
  });

  test('config client resolution – then [main] client=', () => {
    assert.equal(parseOk(['[main]', 'client = radius_client', ...clients, ...server('radius_server_auto')].join('\n')).servers[0]!.client, 'radius_client');
  });

  test('config client resolution – then the only section whose name contains "client"', () => {
    assert.equal(parseOk([...clients.slice(0, 5), ...server('radius_server_auto')].join('\n')).servers[0]!.client, 'ad_client');
  });

  test('config client resolution – [main] server= with client= overrides that server\'s own client', () => {
    const text = ['[main]', 'server = radius_server_auto2', 'client = radius_client', ...clients, ...server('radius_server_auto', 'client = ad_client'), ...server('radius_server_auto2', 'client = ad_client', 'port = 1813')].join('\n');
    assert.deepEqual(parseOk(text).servers.map((s) => s.client), ['ad_client', 'radius_client']);
  });

  test('config client resolution – duo_only sections need no client and get none', () => {
    assert.equal(parseOk(server('radius_server_duo_only').join('\n')).servers[0]!.client, undefined);
    assert.equal(parseOk([...clients, ...server('radius_server_duo_only2')].join('\n')).servers[0]!.client, undefined);
  });

  test('config client resolution – two clients and no client= is an error naming the choices', () => {
    const e = errorsOf([...clients, ...server('radius_server_auto')].join('\n'));
    assert.equal(e.length, 1);
    assert.equal(e[0]!.message, 'Neither module radius_server_auto or main has "client" value');
    assert.match(e[0]!.fix, /\[ad_client\], \[radius_client\]/);
  });

  test('config client resolution – section names are case-sensitive; the fix says so', () => {
    const e = errorsOf([...clients, ...server('radius_server_auto', 'client = AD_Client')].join('\n'));
    assert.match(e[0]!.fix, /case-sensitive.*client = ad_client/);
  });

  test('config client resolution – pass-through works with a radius_client', () => {
    const s = parseOk([...clients, ...server('radius_server_auto', 'client = radius_client', 'pass_through_attr_names = Class,Class,Filter-Id')].join('\n')).servers[0]!;
    assert.deepEqual(s.passThroughAttrNames, ['Class', 'Filter-Id']);
  });
});
