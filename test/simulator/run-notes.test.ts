// The notes of a run reach a person before its first login (onReady: `authproxy simulate` prints them
// on a terminal before the progress bar), and the final table can leave them out then.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestRadiusServer } from '../../adapters/radius/test-server.ts';
import { textReport } from '../../simulator/report.ts';
import { runScenario } from '../../simulator/run.ts';
import { parseScenario } from '../../simulator/scenario/read.ts';

test('simulate run – onReady gets the notes before any login ends; textReport can leave them out', async (t) => {
  const srv = await startTestRadiusServer({ secret: 's', handle: () => ({ kind: 'reply', code: 2, attributes: [] }) });
  t.after(() => srv.close());
  const parsed = parseScenario(`target: { radius: { port: ${srv.port}, secret: s } }\ndevice: { profile: generic, source_ip: 127.0.0.2 }\nlogins: [{ user: a, password: b, expect: { outcome: accept } }]\n`, 'notes.yaml');
  assert.ok(parsed.ok);
  const seen: string[] = [];
  const report = await runScenario(
    { scenario: parsed.value, file: 'notes.yaml', dir: '.' },
    { onReady: (notes) => seen.push(...notes.map((n) => `ready: ${n}`)), onProgress: (done) => seen.push(`done ${done}`) },
  );
  const note = `generic sends from 127.0.0.2: 127.0.0.1:${srv.port} must admit that address with the secret (e.g. radius_ip_N=127.0.0.2), or its requests go unanswered; device.source_ip picks another`;
  assert.deepEqual(seen, [`ready: ${note}`, 'done 1']);
  assert.equal(report.passed, 1);
  assert.ok(textReport(report).startsWith(`note: ${note}\n`));
  assert.ok(!textReport(report, { notes: false }).includes('note:'));
});
