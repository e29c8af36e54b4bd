// Shared by the connectivity tests: configs written as authproxy.cfg text (so the tests go through the
// same parsing as the command), the mock Duo's integration, and small assertions on a report.
import assert from 'node:assert/strict';
import { parseConfigText, type ProxyConfig } from '../../config/index.ts';
import type { CheckResult, ConnectivityReport, SectionReport } from '../../ops/connectivity/types.ts';
import type { FixtureInput } from '../../mock-duo/index.ts';

export const IKEY = 'DICONNECTIVITY000001';
export const SKEY = 'connSkeyConnSkeyConnSkeyConnSkeyConnSkey';
export const WRONG_SKEY = 'wrongSkeyWrongSkeyWrongSkeyWrongSkeyWron';
export const RADIUS_SECRET = 'device-secret-42';

export function duoFixture(): FixtureInput {
  return { integrations: [{ ikey: IKEY, skey: SKEY, api_host: 'localhost' }], users: {} };
}

/** Parses config text as the command would; fails the test on any config error. */
export function config(text: string): ProxyConfig {
  const r = parseConfigText(text.replace(/^\s+/gm, ''), '/tmp/connectivity-test/authproxy.cfg');
  if (!r.ok) assert.fail(`config not valid:\n${r.problems.map((p) => `${p.line}: ${p.message}`).join('\n')}`);
  return r.config;
}

/** A radius_server_auto section against the mock Duo, listening on `port`. */
export function serverSection(o: { duoPort: number; port: number; skey?: string; client?: string; name?: string }): string {
  return `
    [${o.name ?? 'radius_server_auto'}]
    ikey=${IKEY}
    skey=${o.skey ?? SKEY}
    api_host=localhost
    api_port=${o.duoPort}
    radius_ip_1=127.0.0.1
    radius_secret_1=${RADIUS_SECRET}
    port=${o.port}
    interface=127.0.0.1
    client=${o.client ?? 'duo_only_client'}
  `;
}

export function sectionOf(report: ConnectivityReport, name: string): SectionReport {
  const s = report.sections.find((x) => x.section === name);
  assert.ok(s, `no section ${name} in the report: ${report.sections.map((x) => x.section).join(', ')}`);
  return s;
}

export function checkOf(checks: readonly CheckResult[], name: string, target?: string): CheckResult {
  const c = checks.find((x) => x.check === name && (target === undefined || x.target === target));
  assert.ok(c, `no check ${name} ${target ?? ''} in: ${checks.map((x) => `${x.check} ${x.target ?? ''}`).join(', ')}`);
  return c;
}

/** Every text of the report, for "no secret anywhere" assertions. */
export function allText(report: ConnectivityReport): string {
  return JSON.stringify(report);
}
