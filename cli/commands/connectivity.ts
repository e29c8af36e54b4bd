// `authproxy connectivity -c FILE` (design.md "Contract: CLI"): tries every configured Duo integration,
// LDAP and RADIUS host and listening port (reference §16.4) and prints a table, or one JSON object with
// --json. Exit 0 when every check passed, 1 when any failed, 2 when the config is not valid (its
// problems printed as check-config prints them). Never prints a secret.
import type { Command } from '@commander-js/extra-typings';

export function registerConnectivity(program: Command): void {
  program
    .command('connectivity')
    .description('try every configured Duo, LDAP and RADIUS host and listening port; exit 1 if any check fails')
    .requiredOption('-c, --config <file>', 'path of the authproxy.cfg to test')
    .option('--json', 'print one JSON object instead of the table')
    .option('--no-listen', 'skip the UDP listen checks (e.g. while the proxy is running)')
    .action(async (opts) => {
      // Loaded when the command runs, so that other commands (and --help, --version) do not pay for them.
      const [{ formatProblem, loadConfig }, { formatReport, runConnectivity }] = await Promise.all([
        import('../../config/index.ts'),
        import('../../ops/connectivity/index.ts'),
      ]);
      const loaded = loadConfig(opts.config);
      if (!loaded.ok) {
        const problems = [...loaded.problems, ...loaded.warnings].sort((a, b) => a.line - b.line).map(formatProblem);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ file: opts.config, ok: false, configProblems: problems })}\n`);
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
      const report = await runConnectivity(loaded.config, { skipListen: !opts.listen });
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
