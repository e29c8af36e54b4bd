// The Duo checks of a server section (reference §16.4 steps 2-4): /auth/v2/ping and its latency, the
// time drift from a second ping (limit 60 s), and the signed /auth/v2/check that proves ikey/skey.
// Each call is bounded by timeoutMs (Duo's tool: 10 s). The skey never leaves the Duo client.
import { createDuoClient } from '../../adapters/duo/client.ts';
import type { DuoClient } from '../../adapters/duo/types.ts';
import type { DuoError } from '../../machines/contracts.ts';
import type { ServerSection } from '../../config/index.ts';
import * as M from './messages.ts';
import { fail, ok, skip, timed } from './result.ts';
import type { CheckResult } from './types.ts';

export type DuoTarget = Pick<
  ServerSection,
  'ikey' | 'skey' | 'apiHost' | 'apiPort' | 'duoApi' | 'httpCaCertsFile' | 'httpProxyHost' | 'httpProxyPort'
>;

export interface DuoCheckOptions {
  timeoutMs: number;
  userAgent: string;
  now?: () => number;
}

/** TLS verification and CA bundle failures get Duo's CA-certs hint instead of the network one. */
const CERT_ERROR = /cert|self[-_ ]signed|unable to (verify|get)|ssl|tls|http_ca_certs_file/i;

/** How the api host is named in the texts: as configured, with the port when it is not 443. */
export function duoHostLabel(t: Pick<DuoTarget, 'apiHost' | 'apiPort'>): string {
  return t.apiPort === 443 ? t.apiHost : `${t.apiHost}:${t.apiPort}`;
}

function describeError(e: DuoError): string {
  const status = e.httpStatus !== undefined ? `HTTP ${e.httpStatus}: ` : '';
  return `${status}${e.message}`;
}

export async function checkDuo(t: DuoTarget, opts: DuoCheckOptions): Promise<CheckResult[]> {
  const host = duoHostLabel(t);
  let client: DuoClient;
  try {
    client = createDuoClient({
      dialect: t.duoApi,
      ikey: t.ikey,
      skey: t.skey,
      apiHost: t.apiHost,
      apiPort: t.apiPort,
      caFile: t.httpCaCertsFile,
      httpProxy: t.httpProxyHost ? { host: t.httpProxyHost, port: t.httpProxyPort } : undefined,
      apiTimeoutSec: opts.timeoutMs / 1000,
      userAgent: opts.userAgent,
      ...(opts.now ? { now: opts.now } : {}),
    });
  } catch (err) {
    // The CA bundle could not be read or holds no certificate: no call can be made.
    const detail = (err as Error).message;
    return [
      { check: 'ping', status: 'fail', message: M.pingFailed(host), hint: M.hintCaCerts, detail, durationMs: 0 },
      skip('time drift', undefined, M.skippedPrerequisite('time drift', 'ping')),
      { check: 'api credentials', status: 'fail', message: M.credentialsFailed, hint: M.hintCaCerts, detail, durationMs: 0 },
    ];
  }
  const signal = () => AbortSignal.timeout(opts.timeoutMs);
  try {
    const ping = await timed('ping', undefined, async () => {
      const r = await client.ping(signal());
      if (r.ok) return ok(M.pingOk(host, Math.round(r.value.latencyMs)));
      const detail = describeError(r.error);
      return fail(M.pingFailed(host), { hint: CERT_ERROR.test(r.error.message) ? M.hintCaCerts : M.pingHintNetwork, detail });
    });
    const drift =
      ping.status !== 'ok'
        ? skip('time drift', undefined, M.skippedPrerequisite('time drift', 'ping'))
        : await timed('time drift', undefined, async () => {
            const r = await client.ping(signal());
            if (!r.ok) return fail(M.driftNoContact, { detail: describeError(r.error) });
            const seconds = Math.abs(r.value.offsetSec);
            return seconds < M.MAX_DRIFT_SEC ? ok(M.driftOk) : fail(M.driftHigh(Math.round(seconds)));
          });
    // Run whatever ping said, as Duo's tool does: a ping refused by a proxy may still leave check usable.
    const check = await timed('api credentials', undefined, async () => {
      const r = await client.check(signal());
      if (r.ok) return ok(M.credentialsOk);
      const hint = r.error.kind === 'network' && CERT_ERROR.test(r.error.message) ? M.hintCaCerts : M.credentialsHint(host, t.ikey);
      return fail(M.credentialsFailed, { hint, detail: describeError(r.error) });
    });
    return [ping, drift, check];
  } finally {
    client.close();
  }
}
