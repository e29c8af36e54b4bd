// target.process: child: the config copy (pure rewrite: dropped keys with their continuation lines,
// added lines after each header, a [main] made when missing) and a scenario run against the real
// `authproxy start` command.
import assert from 'node:assert/strict';
import { cp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseIni } from '../../config/ini.ts';
import { rewriteConfig } from '../../simulator/child-proxy.ts';
import { makeTempDir, removeTempDir } from '../harness/tmp.ts';
import { EXAMPLES, simulate } from './support.ts';

const values = (text: string) => Object.fromEntries(parseIni(text, 'x').sections.map((s) => [s.name, Object.fromEntries(s.entries.map((e) => [e.key, e.value]))]));

test('child proxy – the copy: dropped keys (and their continuation lines) gone, added keys after the header, [main] made', () => {
  const text = '; comment\n[radius_server_auto]\nikey=DI1\napi_host=api-x.duosecurity.com\nport=1812\nfactors=auto,\n  push\n\n[radius_client]\nhost=10.0.0.1\nhost_2=10.0.0.2\nsecret=s\n';
  const edits = new Map([
    ['radius_server_auto', { drop: ['api_host', 'port', 'factors'], add: [['port', 5555], ['api_host', 'localhost']] as const }],
    ['radius_client', { drop: ['host', /^host_\d+$/], add: [['host', '127.0.0.1']] as const }],
    ['main', { drop: ['nats_url'], add: [['http_ca_certs_file', '/tmp/ca.pem']] as const }],
  ]);
  const out = rewriteConfig(text, edits);
  assert.deepEqual(values(out), {
    main: { http_ca_certs_file: '/tmp/ca.pem' },
    radius_server_auto: { port: '5555', api_host: 'localhost', ikey: 'DI1' },
    radius_client: { host: '127.0.0.1', secret: 's' },
  });
  assert.doesNotMatch(out, /push/);
  assert.match(out, /^; comment$/m);
});

test('child proxy – any file: every dropped key is gone, every added one has its value, the others are untouched (property)', () => {
  const key = fc.constantFrom('port', 'api_host', 'interface', 'ikey', 'radius_ip_1', 'failmode', 'host_2');
  const value = fc.stringMatching(/^[a-z0-9.]{1,8}$/);
  const section = fc.record({ entries: fc.dictionary(key, value, { maxKeys: 5 }), drop: fc.subarray(['port', 'api_host', 'interface', 'host_2']), add: fc.dictionary(fc.constantFrom('port', 'api_port', 'interface'), value, { maxKeys: 2 }) });
  fc.assert(
    fc.property(fc.array(section, { minLength: 1, maxLength: 3 }), fc.boolean(), (sections, crlf) => {
      const names = sections.map((_, i) => `radius_server_auto${i === 0 ? '' : i + 1}`);
      const text = sections.map((s, i) => [`[${names[i]}]`, ...Object.entries(s.entries).map(([k, v]) => `${k} = ${v}`)].join('\n')).join('\n\n').replaceAll('\n', crlf ? '\r\n' : '\n');
      const edits = new Map(sections.map((s, i) => [names[i]!, { drop: [...s.drop, ...Object.keys(s.add)], add: Object.entries(s.add) }]));
      const got = values(rewriteConfig(text, edits));
      sections.forEach((s, i) => {
        const want: Record<string, string> = {};
        for (const [k, v] of Object.entries(s.entries)) if (!s.drop.includes(k) && !(k in s.add)) want[k] = v;
        Object.assign(want, s.add);
        assert.deepEqual(got[names[i]!], want);
      });
    }),
  );
});

test('child proxy – a scenario against `authproxy start` on a copy of the file; the copy is removed', async (t) => {
  const dir = await makeTempDir('sim-child');
  t.after(() => removeTempDir(dir));
  await cp(join(EXAMPLES, 'generic-auto-radius-client'), dir, { recursive: true });
  const { writeFile, readFile } = await import('node:fs/promises');
  const scenario = join(dir, 'scenario.yaml');
  await writeFile(scenario, (await readFile(scenario, 'utf8')).replace('target: { config: ./authproxy.cfg }', 'target: { config: ./authproxy.cfg, process: child }'));
  const r = await simulate(scenario, '--json');
  const report = JSON.parse(r.stdout) as { passed: number; failed: number; notes: string[] };
  assert.deepEqual([report.passed, report.failed, r.exitCode], [6, 0, 0]);
  assert.ok(report.notes.some((n) => n.startsWith('the proxy runs as `authproxy start`')));
  assert.deepEqual((await readdir(dir)).sort(), ['authproxy.cfg', 'scenario.yaml']);
});
