// Shared builders for the config tests: a valid file to start from, and shortcuts to parse text.
import assert from 'node:assert/strict';
import { type LoadResult, type Problem, parseConfigText } from '../../config/index.ts';
import type { ProxyConfig } from '../../config/types.ts';

export const IKEY = 'DIXXXXXXXXXXXXXXXXXX';
export const SKEY = 'abcdefghijABCDEFGHIJ0123456789klmnopqrst';

/** A minimal valid file: one auto server with an ad_client. */
export function validLines(): string[] {
  return [
    '[ad_client]',
    'host = dc1.example.com',
    'service_account_username = svc',
    'service_account_password = Svc-Password-1',
    'search_dn = DC=example,DC=com',
    '',
    '[radius_server_auto]',
    `ikey = ${IKEY}`,
    `skey = ${SKEY}`,
    'api_host = api-test.duosecurity.com',
    'radius_ip_1 = 10.0.0.0/24',
    'radius_secret_1 = Radius-Secret-1',
    'client = ad_client',
  ];
}

export function parse(text: string, file = '/etc/authproxy/authproxy.cfg'): LoadResult {
  return parseConfigText(text, file);
}

export function parseOk(text: string): ProxyConfig {
  const r = parse(text);
  if (!r.ok) assert.fail(`expected a valid config, got:\n${r.problems.map((p) => `${p.line}: ${p.message}`).join('\n')}`);
  return r.config;
}

export function errorsOf(text: string): Problem[] {
  const r = parse(text);
  return r.ok ? [] : r.problems;
}

export function warningsOf(text: string): Problem[] {
  return parse(text).warnings;
}

/** The valid file with `extra` lines appended to the [radius_server_auto] section (it is last). */
export function withServerLines(...extra: string[]): string {
  return [...validLines(), ...extra].join('\n');
}
