// A RADIUS load generator on our client: `concurrency` requests in flight over several source sockets,
// bounded in count AND time (it always stops by itself), reporting throughput and latency percentiles.
// Meant for loopback targets in benchmarks and the simulator; each request is sent once (no
// retransmission), so a lost datagram shows as `lost`.
import { performance } from 'node:perf_hooks';
import type { WireAttribute } from '../../machines/contracts.ts';
import { attr } from './attributes.ts';
import { createRadiusClient, type Upstream } from './client.ts';
import type { RawAttribute } from './codec/types.ts';
import type { MessageAuthenticatorPolicy } from './server-types.ts';

export interface LoadOptions {
  readonly target: Upstream;
  readonly secret: string;
  readonly concurrency: number;
  readonly maxRequests: number;
  readonly maxMs: number;
  /** Attributes of request i (User-Password in clear); default a PAP login of user `bench`. */
  readonly attributes?: (i: number) => readonly (WireAttribute | RawAttribute)[];
  readonly sockets?: number;
  /** Per request; default 2000 ms. */
  readonly timeoutMs?: number;
  readonly requireMessageAuthenticator?: MessageAuthenticatorPolicy;
}

export interface LoadReport {
  requests: number;
  answered: number;
  lost: number;
  codes: Record<number, number>;
  seconds: number;
  perSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const DEFAULT_ATTRS = [attr('User-Name', 'bench'), attr('User-Password', 'bench-pw'), attr('NAS-IP-Address', '127.0.0.1')];

export async function runLoad(o: LoadOptions): Promise<LoadReport> {
  const client = createRadiusClient({
    secret: o.secret,
    sockets: o.sockets ?? Math.max(2, Math.ceil(o.concurrency / 200)),
    requireMessageAuthenticator: o.requireMessageAuthenticator ?? 'auto',
    receiveBufferBytes: 4 * 1024 * 1024,
  });
  const latencies: number[] = [];
  const codes: Record<number, number> = {};
  let started = 0;
  let lost = 0;
  const t0 = performance.now();
  const stopAt = t0 + o.maxMs;
  const worker = async () => {
    while (started < o.maxRequests && performance.now() < stopAt) {
      const i = started++;
      const s = performance.now();
      const r = await client.request(o.target, o.attributes?.(i) ?? DEFAULT_ATTRS, { timeoutMs: o.timeoutMs ?? 2000, retransmitMs: 0 });
      if (!r.ok) {
        lost++;
        continue;
      }
      latencies.push(performance.now() - s);
      codes[r.code] = (codes[r.code] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  await client.close();
  latencies.sort((a, b) => a - b);
  return {
    requests: started,
    answered: latencies.length,
    lost,
    codes,
    seconds,
    perSecond: latencies.length / seconds,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? Number.NaN },
  };
}
