// `authproxy connectivity -c FILE` (design.md "Contract: CLI"): tries every configured Duo integration,
// LDAP and RADIUS host and listening port (reference §16.4) and prints a table, or one JSON object with
// --json. Exit 0 when every check passed, 1 when any failed, 2 when the config is not valid (its
// problems printed as check-config prints them). Never prints a secret.
import type { Command } from '@commander-js/extra-typings';
import { pointAtMock, startMockDuo } from '../bundled-mock-duo.ts';
import { chooseConfig } from '../flags.ts';

export function registerConnectivity(program: Command): void {
  program
    .command('connectivity')
    .description('try every configured Duo, LDAP and RADIUS host and listening port; exit 1 if any check fails')
    .option('-c, --config <file>', 'path of the authproxy.cfg to test (default: /etc/authproxy/authproxy.cfg, else ./authproxy.cfg)')
    .option('--mock-duo <fixtures>', 'as with start: check the sections whose api_host is localhost against the bundled mock Duo with these fixtures')
    .option('--json', 'print one JSON object instead of the table')
    .option('--no-listen', 'skip the UDP listen checks (e.g. while the proxy is running)')
    .action(async (opts) => {
      // Loaded when the command runs, so that other commands (and --help, --version) do not pay for them.
      const [{ formatProblem, loadConfig }, { formatReport, runConnectivity }] = await Promise.all([
        import('../../config/index.ts'),
        import('../../ops/connectivity/index.ts'),
      ]);
      const file = chooseConfig(opts.config);
      if (!file.ok) {
        process.stderr.write(`authproxy: ${file.message}\n`);
        process.exit(2);
      }
      const loaded = loadConfig(file.path);
      if (!loaded.ok) {
        const problems = [...loaded.problems, ...loaded.warnings].sort((a, b) => a.line - b.line).map(formatProblem);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ file: file.path, ok: false, configProblems: problems })}\n`);
        } else {
          for (const p of problems) console.log(p);
          const n = loaded.problems.length;
          console.log(`${n} error${n === 1 ? '' : 's'}: the configuration is not valid; checks for external connectivity were not run`);
        }
        process.exitCode = 2;
        return;
      }
      for (const w of loaded.warnings) process.stderr.write(`${formatProblem(w)}\n`);
      if (!opts.json) console.log(`Testing the connectivity of ${loaded.config.file}. This may take a little while...\n`);
      const mock = opts.mockDuo ? await startMockDuo(opts.mockDuo) : undefined;
      const config = mock ? pointAtMock(loaded.config, mock) : loaded.config;
      const report = await runConnectivity(config, { skipListen: !opts.listen }).finally(() => mock?.close());
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(report)}\n`);
      } else {
        const tty = process.stdout.isTTY === true;
        const color = tty && !process.env['NO_COLOR'] && process.env['TERM'] !== 'dumb';
        process.stdout.write(formatReport(report, { color, ...(tty && process.stdout.columns ? { width: process.stdout.columns } : {}) }));
      }
      process.exitCode = report.ok ? 0 : 1;
    });
}
