// [main] http_ca_certs_file and http_proxy_host/_port are copied into every server section, replacing the
// section's own (reference §2, as Duo does). A section that sets its own next to [main]'s was read and then
// silently ignored; issue 11 §3 wants every such option reported as having no effect.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfigText } from '../../config/index.ts';

const server = (extra: string) =>
  `[radius_server_duo_only]\nikey=DIDEMO00000000000000\nskey=demoSkeyDemoSkeyDemoSkeyDemoSkeyDemoSkey\napi_host=localhost\nradius_ip_1=127.0.0.1\nradius_secret_1=main-overrides-secret\n${extra}`;

function notices(text: string) {
  const r = parseConfigText(text, '/etc/authproxy/authproxy.cfg');
  assert.ok(r.ok, JSON.stringify(r.ok ? [] : r.problems));
  return r.warnings.filter((w) => w.severity === 'notice').map((w) => `${w.line} [${w.section}] ${w.option}`);
}

test('config – a server section\'s http_ca_certs_file or http_proxy_* that [main]\'s replaces is reported as without effect', () => {
  const text = `[main]\nhttp_ca_certs_file=/etc/ssl/certs/ca-certificates.crt\nhttp_proxy_host=proxy.example\nhttp_proxy_port=3128\n\n${server('http_ca_certs_file=/etc/ssl/other.pem\nhttp_proxy_host=other.example\nhttp_proxy_port=8080\n')}`;
  assert.deepEqual(notices(text), ['12 [radius_server_duo_only] http_ca_certs_file', '13 [radius_server_duo_only] http_proxy_host', '14 [radius_server_duo_only] http_proxy_port']);
});

test('config – a server section\'s own http_ca_certs_file and http_proxy_* take effect when [main] sets none', () => {
  assert.deepEqual(notices(server('http_ca_certs_file=/etc/ssl/other.pem\nhttp_proxy_host=other.example\nhttp_proxy_port=8080\n')), []);
});

test('config – [main]\'s own values (and [DEFAULT]\'s, which every section inherits) draw no notice', () => {
  assert.deepEqual(notices(`[main]\nhttp_ca_certs_file=/etc/ssl/certs/ca-certificates.crt\nhttp_proxy_host=proxy.example\n\n${server('')}`), []);
  assert.deepEqual(notices(`[DEFAULT]\nhttp_ca_certs_file=/etc/ssl/certs/ca-certificates.crt\n\n${server('')}`), []);
});
