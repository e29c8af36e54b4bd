// `authproxy mock-duo --port N --fixtures FILE [--http] [--ca-out PATH]`: the standalone mock Duo
// (design.md "Contract: CLI"). Prints one JSON line `{"event":"ready",…}` once listening; a bad
// fixture prints `file:line:col field: problem` lines and exits 2; SIGTERM/SIGINT close it, exit 0.
import { type Command, InvalidArgumentError } from '@commander-js/extra-typings';

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('must be a port number 0-65535 (0 picks a free one)');
  return n;
}

export function registerMockDuo(program: Command): void {
  program
    .command('mock-duo')
    .description('run the mock Duo cloud (Duo proxy API /rest/v1 and Auth API v2) from a fixture file')
    .requiredOption('--fixtures <file>', 'YAML or JSON fixture: integrations, users, devices, faults')
    .option('--port <n>', 'port to listen on (127.0.0.1 and ::1); 0 picks a free one', port, 0)
    .option('--http', 'plain HTTP instead of HTTPS')
    .option('--ca-out <path>', 'where to write the generated CA certificate (PEM); default a temporary file')
    .option('--log-requests', 'print one JSON line per request (secrets redacted)')
    .action(async (opts) => {
      // Loaded when the command runs (msw, yaml, zod, certificate code): no other command carries them.
      const [{ loadFixtureFile }, { startMockDuoServer }] = await Promise.all([import('../../mock-duo/fixture.ts'), import('../../mock-duo/server.ts')]);
      const loaded = await loadFixtureFile(opts.fixtures);
      if (!loaded.ok) {
        for (const line of loaded.errors) process.stderr.write(`${line}\n`);
        process.exit(2);
      }
      let server: Awaited<ReturnType<typeof startMockDuoServer>>;
      try {
        server = await startMockDuoServer({
          fixture: loaded.value,
          port: opts.port,
          http: opts.http === true,
          ...(opts.caOut !== undefined ? { caOut: opts.caOut } : {}),
        });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        process.stderr.write(`mock-duo: cannot start: ${e.code === 'EADDRINUSE' ? `port ${opts.port} is already in use` : e.message}\n`);
        process.exit(2);
      }
      if (opts.logRequests) server.mock.journal.subscribe((entry) => process.stdout.write(`${JSON.stringify({ event: 'request', ...entry })}\n`));
      process.stdout.write(`${JSON.stringify({ event: 'ready', port: server.port, url: server.url, ...(server.caFile ? { ca: server.caFile } : {}) })}\n`);
      let closing = false;
      const stop = () => {
        if (closing) return;
        closing = true;
        void server.close().then(() => process.exit(0));
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
}
