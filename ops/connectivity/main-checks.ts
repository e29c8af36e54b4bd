// The [main] checks (reference §16.4): the CA bundle of http_ca_certs_file holds certificates that parse,
// and the HTTP proxy (http_proxy_host) accepts a TCP connection.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { MainConfig } from '../../config/index.ts';
import * as M from './messages.ts';
import { fail, ok, skip, timed } from './result.ts';
import { tcpConnect } from './tcp.ts';
import type { CheckResult } from './types.ts';

export type CaBundle = { ok: true; count: number } | { ok: false; error: string };

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Every PEM certificate of the text parses, and there is at least one. Pure. */
export function parseCaBundle(text: string): CaBundle {
  const blocks = text.match(PEM_CERT) ?? [];
  if (blocks.length === 0) return { ok: false, error: 'no PEM certificate (-----BEGIN CERTIFICATE-----) in the file' };
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch (err) {
      return { ok: false, error: `certificate ${i + 1} of ${blocks.length} does not parse: ${(err as Error).message}` };
    }
  }
  return { ok: true, count: blocks.length };
}

export async function checkMain(main: Pick<MainConfig, 'httpCaCertsFile' | 'httpProxyHost' | 'httpProxyPort'>, connectTimeoutMs: number): Promise<CheckResult[]> {
  const path = main.httpCaCertsFile;
  const certs =
    path === undefined
      ? skip('http_ca_certs_file', undefined, M.caCertsDefault)
      : await timed('http_ca_certs_file', undefined, async () => {
          let text: string;
          try {
            text = readFileSync(path, 'utf8');
          } catch (err) {
            return fail(M.caCertsFailed(path), { detail: (err as Error).message });
          }
          const parsed = parseCaBundle(text);
          return parsed.ok ? ok(M.caCertsOk(path)) : fail(M.caCertsFailed(path), { detail: parsed.error });
        });
  const { httpProxyHost: host, httpProxyPort: port } = main;
  const proxy = !host
    ? skip('http proxy', undefined, M.httpProxyUnset)
    : await timed('http proxy', `${host}:${port}`, async () => {
        const r = await tcpConnect(host, port, connectTimeoutMs);
        return r.ok ? ok(M.httpProxyOk(host, port)) : fail(M.httpProxyFailed(host, port), { detail: r.message });
      });
  return [certs, proxy];
}
