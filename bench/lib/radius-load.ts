// A RADIUS load generator on our own client: many requests in flight over several source sockets,
// bounded in count and time. Reports throughput and latency percentiles.
import { attr } from '../../adapters/radius/attributes.ts';
import { createRadiusClient } from '../../adapters/radius/client.ts';
import type { WireAttribute } from '../../machines/contracts.ts';

export interface LoadResult {
  sent: number;
  answered: number;
  lost: number;
  codes: Record<number, number>;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function runLoad(o: {
  port: number;
  secret: string;
  concurrency: number;
  total: number;
  attributes: (i: number) => WireAttribute[];
  timeoutMs?: number;
  sockets?: number;
  /** Called with the first reply of a request; may send follow-ups (e.g. a challenge answer) and
   *  returns the final code. */
  followUp?: (first: { code: number; attributes: WireAttribute[] }, send: (a: WireAttribute[]) => Promise<{ code: number; attributes: WireAttribute[] } | undefined>) => Promise<number | undefined>;
}): Promise<LoadResult> {
  const client = createRadiusClient({ secret: o.secret, sockets: o.sockets ?? 8, requireMessageAuthenticator: 'true' });
  const to = { host: '127.0.0.1', port: o.port };
  const latencies: number[] = [];
  const codes: Record<number, number> = {};
  let next = 0;
  let lost = 0;
  const send = async (a: WireAttribute[]) => {
    const r = await client.request(to, a, { timeoutMs: o.timeoutMs ?? 10_000, retransmitMs: 0 });
    return r.ok ? { code: r.code, attributes: r.attributes } : undefined;
  };
  const started = performance.now();
  const worker = async () => {
    while (next < o.total) {
      const i = next++;
      const t0 = performance.now();
      const first = await send(o.attributes(i));
      let code = first?.code;
      if (first && o.followUp) code = await o.followUp(first, send);
      if (code === undefined) lost++;
      else {
        codes[code] = (codes[code] ?? 0) + 1;
        latencies.push(performance.now() - t0);
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  await client.close();
  latencies.sort((a, b) => a - b);
  return { sent: o.total, answered: latencies.length, lost, codes, seconds, perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export function pap(user: string, password: string): WireAttribute[] {
  return [attr('User-Name', user), { type: 2, value: Buffer.from(password).toString('base64') }, attr('Calling-Station-Id', '10.0.0.5')];
}
