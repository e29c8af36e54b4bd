// --mock-duo FIXTURES of `start` and `connectivity`: the bundled mock Duo, started in this process, and
// the configuration's sections whose api_host is localhost pointed at it (trusting its generated CA),
// so the demo config runs, and checks, without Duo.
import type { Logger } from '../adapters/log/logger.ts';
import type { ProxyConfig } from '../config/index.ts';
import type { MockDuoServer } from '../mock-duo/server.ts';

/** The mock, listening; a fixture it cannot read is a usage error (exit 2). `logger` gets its address. */
export async function startMockDuo(fixtureFile: string, logger?: Logger): Promise<MockDuoServer> {
  try {
    // Loaded only when asked for: a production proxy never carries the mock (msw, certificate code).
    const { startMockDuoServer } = await import('../mock-duo/server.ts');
    const mock = await startMockDuoServer({ fixtureFile });
    logger?.info({ event: 'mock-duo', url: mock.url, ca: mock.caFile }, `bundled mock Duo listening on ${mock.url}`);
    return mock;
  } catch (err) {
    process.stderr.write(`authproxy: cannot start the mock Duo: ${(err as Error).message}\n`);
    process.exit(2);
  }
}

/** Sections that talk to api_host=localhost go to the bundled mock, trusting its generated CA. */
export function pointAtMock(config: ProxyConfig, mock: MockDuoServer): ProxyConfig {
  return {
    ...config,
    servers: config.servers.map((s) =>
      s.apiHost.toLowerCase() === 'localhost' ? { ...s, apiPort: mock.port, httpCaCertsFile: mock.caFile ?? s.httpCaCertsFile } : s,
    ),
  };
}
