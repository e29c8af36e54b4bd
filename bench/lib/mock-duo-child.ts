// The mock Duo the benchmarks run against: one integration, push-approving phones, in its own process
// (so its CPU is not the proxy's), with its CA written where the bench's authproxy.cfg trusts it.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Ready, spawnReady } from './spawn-ready.ts';

export const BENCH_SECRET = 'bench-secret';
export const BENCH_IKEY = 'DIBENCH0000000000000';
export const BENCH_SKEY = 'benchSkeyBenchSkeyBenchSkeyBenchSkeyBenc';
export const AUTHPROXY_BIN = join(import.meta.dirname, '..', '..', 'bin', 'authproxy.js');

/** The keys of a bench proxy's server section that talks to the mock Duo on `mockPort` (a RADIUS client
 *  127.0.0.1 with BENCH_SECRET, listening on 127.0.0.1); the section's header and port are the caller's. */
export function benchDuoKeys(mockPort: number): string {
  return `ikey=${BENCH_IKEY}\nskey=${BENCH_SKEY}\napi_host=localhost\napi_port=${mockPort}\nradius_ip_1=127.0.0.1\nradius_secret_1=${BENCH_SECRET}\ninterface=127.0.0.1`;
}

/** A fixture user with one phone that approves its push after `afterMs`. */
export function approvingUser(afterMs: number) {
  return { status: 'active', devices: [{ type: 'phone', number: 'XXX-XXX-1234', capabilities: ['push', 'phone', 'sms'], push: 'approve', after_ms: afterMs }] };
}

/** Starts `authproxy mock-duo` with these users; its CA lands in `dir/ca.pem`. */
export async function startMockDuoChild(dir: string, users: Record<string, unknown>): Promise<Ready & { port: number }> {
  await writeFile(
    join(dir, 'fixture.json'),
    JSON.stringify({ integrations: [{ ikey: BENCH_IKEY, skey: BENCH_SKEY, api_host: 'localhost' }], new_user_policy: 'deny', push_timeout_ms: 60_000, users }),
  );
  const mock = await spawnReady([AUTHPROXY_BIN, 'mock-duo', '--port', '0', '--fixtures', join(dir, 'fixture.json'), '--ca-out', join(dir, 'ca.pem')]);
  return { ...mock, port: Number(mock.ready.port) };
}
