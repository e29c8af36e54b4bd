// `npm run bench -- login` (or `-- login-metrics` alone): the login rate with [main] metrics_port on,
// next to off, in the same run (bench/lib/metrics-ab.ts). The mock Duo runs in its own process.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metricsOnOff, metricsWork } from './lib/metrics-ab.ts';
import { approvingUser, benchDuoKeys, startMockDuoChild } from './lib/mock-duo-child.ts';

const dir = await mkdtemp(join(tmpdir(), 'authproxy-bench-metrics-'));
const mock = await startMockDuoChild(dir, { alice: approvingUser(0) });
try {
  const duoSection = benchDuoKeys(mock.port);
  await metricsWork({ quick: process.env.BENCH_QUICK === '1' });
  await metricsOnOff({ dir, duoSection, quick: process.env.BENCH_QUICK === '1' });
} finally {
  await mock.stop();
  await rm(dir, { recursive: true, force: true });
}
